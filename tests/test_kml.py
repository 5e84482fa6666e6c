"""KML and KMZ (Google My Maps) as a source of map notes, through the one reader."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from wijklib.guarantees import reading
from wijklib.vertellen import kaartnotities as kn

TEMPLATE_NAME = "{{ 7*7 }} bankje {% raw %}"

# What Google My Maps exports (Menu -> Exporteren naar KML/KMZ), shortened: a document with
# styles, one folder per layer, CDATA descriptions with HTML, ExtendedData of the layer's
# table, a line (a route) and a point outside the Netherlands.
MY_MAPS_KML = f"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2">
  <Document>
    <name>Buurtkaart Overvecht</name>
    <description><![CDATA[Gemaakt op de bewonersavond]]></description>
    <Style id="icon-1899-0288D1-normal">
      <IconStyle><color>ffd18802</color><scale>1</scale>
        <Icon><href>https://www.gstatic.com/mapspro/images/stock/503-wht-blank_maps.png</href></Icon>
      </IconStyle>
    </Style>
    <StyleMap id="icon-1899-0288D1">
      <Pair><key>normal</key><styleUrl>#icon-1899-0288D1-normal</styleUrl></Pair>
    </StyleMap>
    <Folder>
      <name>Knelpunten</name>
      <Placemark>
        <name>Donker fietspad</name>
        <description><![CDATA[Hier is het <b>'s avonds</b> heel donker.<br>Meer lampen graag!
          <img src="x" onerror="alert(1)">]]></description>
        <styleUrl>#icon-1899-0288D1</styleUrl>
        <Point><coordinates>
            5.1101,52.1203,0
          </coordinates></Point>
      </Placemark>
      <Placemark>
        <name>{TEMPLATE_NAME}</name>
        <ExtendedData>
          <Data name="categorie"><value>idee</value></Data>
          <Data name="e-mail"><value>jan@example.nl</value></Data>
        </ExtendedData>
        <Point><coordinates>5.112,52.121</coordinates></Point>
      </Placemark>
      <Placemark>
        <name>Route naar school</name>
        <LineString><tessellate>1</tessellate>
          <coordinates>5.11,52.12,0 5.12,52.125,0</coordinates></LineString>
      </Placemark>
    </Folder>
    <Folder>
      <name>Favoriete plekken</name>
      <Placemark>
        <name>Het park</name>
        <description>Fijn in de zomer &amp; mooi</description>
        <TimeStamp><when>2026-03-14T19:30:00Z</when></TimeStamp>
        <Polygon><outerBoundaryIs><LinearRing><coordinates>
          5.10,52.11,0 5.11,52.11,0 5.11,52.115,0 5.10,52.11,0
        </coordinates></LinearRing></outerBoundaryIs></Polygon>
      </Placemark>
      <Placemark>
        <name>Vakantieadres</name>
        <Point><coordinates>2.35,48.85,0</coordinates></Point>
      </Placemark>
      <Placemark>
        <name>Zonder plek</name>
      </Placemark>
    </Folder>
  </Document>
</kml>
"""

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE kml [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark>
  <name>&lol9;</name><Point><coordinates>5.11,52.12</coordinates></Point>
</Placemark></Document></kml>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE kml [<!ENTITY geheim SYSTEM "file:///etc/passwd">]>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark>
  <name>&geheim;</name><Point><coordinates>5.11,52.12</coordinates></Point>
</Placemark></Document></kml>
"""


@pytest.fixture
def kml_file(tmp_path: Path) -> Path:
    path = tmp_path / "Buurtkaart Overvecht.kml"
    path.write_text(MY_MAPS_KML, encoding="utf-8")
    return path


def test_a_my_maps_kml_becomes_map_notes(kml_file: Path) -> None:
    notes, rapport = kn.import_geojson(kml_file)
    texts = list(notes["tekst"])
    # the folder (layer) name is the category, as in uMap
    first = notes.iloc[texts.index(next(t for t in texts if t.startswith("Donker fietspad")))]
    assert first["categorie"] == "knelpunt"
    assert first.geometry.geom_type == "Point"
    assert (first.geometry.x, first.geometry.y) == (5.1101, 52.1203)
    # the description's HTML is taken as text: tags go, the words stay
    assert first["tekst"] == ("Donker fietspad: Hier is het 's avonds heel donker. "
                              "Meer lampen graag!")
    assert "<" not in first["tekst"] and "onerror" not in first["tekst"]
    # a name is plain text in KML: template syntax stays literal
    assert TEMPLATE_NAME in texts
    idea = notes[notes["tekst"] == TEMPLATE_NAME].iloc[0]
    assert idea["categorie"] == "idee"  # ExtendedData of the layer's table
    park = notes[notes["tekst"].str.startswith("Het park")].iloc[0]
    assert park["tekst"] == "Het park: Fijn in de zomer & mooi"
    assert park["categorie"] == "favoriete plek"
    assert park.geometry.geom_type == "Polygon"  # an area stays an area
    assert str(park["datum"])[:10] == "2026-03-14"
    assert set(notes["bron"]) == {"Buurtkaart Overvecht.kml: Knelpunten",
                                  "Buurtkaart Overvecht.kml: Favoriete plekken"}
    assert len(notes) == 3

    # nothing lost silently: the route, the point abroad and the placemark without a
    # location are in the report, each with a reason; the e-mail property is dropped
    skipped = rapport[rapport["gevolg"] == "niet overgenomen"]
    assert len(skipped) == 3
    reasons = " ".join(skipped["probleem"])
    assert "lijn" in reasons and "buiten Nederland" in reasons and "geen locatie" in reasons
    personal = rapport[rapport["gevolg"] == "weggelaten (mogelijk persoonsgegevens)"]
    assert list(personal["eigenschap"]) == ["e-mail"]
    assert "jan@example.nl" not in rapport.to_string()


def test_a_kmz_holds_the_kml_as_doc_kml(tmp_path: Path, kml_file: Path) -> None:
    path = tmp_path / "buurtkaart.kmz"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("images/icon-1.png", b"\x89PNG\r\n")
        archive.writestr("doc.kml", MY_MAPS_KML)
    notes, rapport = kn.import_geojson(path)
    plain, _ = kn.import_geojson(kml_file)
    assert list(notes["tekst"]) == list(plain["tekst"])
    assert notes.geometry.equals(plain.geometry)


def test_a_kmz_without_a_kml_gets_a_dutch_message(tmp_path: Path) -> None:
    path = tmp_path / "leeg.kmz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("images/icon-1.png", b"\x89PNG\r\n")
    with pytest.raises(kn.NotesFileError, match="geen KML"):
        kn.import_geojson(path)


def test_a_huge_kmz_member_is_refused_without_unpacking_it(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(reading, "MAX_BYTES", 10_000)
    path = tmp_path / "bom.kmz"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("doc.kml", MY_MAPS_KML + " " * 1_000_000)  # compresses to little
    assert path.stat().st_size < 10_000
    with pytest.raises(kn.NotesFileError, match="te groot"):
        kn.import_geojson(path)


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(reading, "MAX_BYTES", 1_000)
    path = tmp_path / "groot.kml"
    path.write_text(MY_MAPS_KML, encoding="utf-8")
    with pytest.raises(kn.NotesFileError, match="te groot"):
        kn.import_geojson(path)


@pytest.mark.parametrize("text", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["laughs", "external"])
def test_entities_are_refused_in_plain_dutch(tmp_path: Path, text: str) -> None:
    path = tmp_path / "aanval.kml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(kn.NotesFileError) as caught:
        kn.import_geojson(path)
    message = str(caught.value)
    assert "KML" in message and "Exporteer" in message
    assert "lol" not in message and "passwd" not in message


def test_a_broken_kml_gets_a_dutch_message_with_the_line(tmp_path: Path) -> None:
    path = tmp_path / "kapot.kml"
    path.write_text(MY_MAPS_KML.replace("</Folder>", "", 1), encoding="utf-8")
    with pytest.raises(kn.NotesFileError, match=r"regel \d+.*Exporteer"):
        kn.import_geojson(path)


def test_an_xml_file_that_is_not_kml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "iets.kml"
    path.write_text("<?xml version='1.0'?><gpx><wpt lat='52' lon='5'/></gpx>", "utf-8")
    with pytest.raises(kn.NotesFileError, match="geen KML"):
        kn.import_geojson(path)


def test_the_reader_gives_placemarks_with_their_folder() -> None:
    document = reading.read_kml(io.BytesIO(MY_MAPS_KML.encode("utf-8")))
    assert [p.folder for p in document.placemarks] == [
        "Knelpunten", "Knelpunten", "Knelpunten", "Favoriete plekken", "Favoriete plekken",
        "Favoriete plekken"]
    assert document.placemarks[0].geometry == {"type": "Point", "coordinates": [5.1101, 52.1203]}
    assert document.placemarks[-1].geometry is None
    assert document.name == "Buurtkaart Overvecht"


def test_geojson_still_goes_through_the_reader_with_its_size_limit(tmp_path, monkeypatch):
    path = tmp_path / "notes.geojson"
    kn.save_notes(kn.add_note(kn.new_notes(), "kans", "Grasveld", lat=52.09, lon=5.12), path)
    assert len(kn.import_geojson(path).notes) == 1
    monkeypatch.setattr(reading, "MAX_BYTES", 50)
    with pytest.raises(kn.NotesFileError, match="te groot"):
        kn.import_geojson(path)


# Google Earth exports: one placemark with several parts (MultiGeometry) and a GPS track.
EARTH_KML = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">
<Document><name>Schouw</name>
<Placemark><name>Twee speelplekken</name><description>Hier spelen kinderen</description>
  <MultiGeometry>
    <Polygon><outerBoundaryIs><LinearRing><coordinates>
      5.100,52.100 5.101,52.100 5.101,52.101 5.100,52.100</coordinates></LinearRing>
    </outerBoundaryIs></Polygon>
    <Polygon><outerBoundaryIs><LinearRing><coordinates>
      5.103,52.100 5.104,52.100 5.104,52.101 5.103,52.100</coordinates></LinearRing>
    </outerBoundaryIs></Polygon>
  </MultiGeometry></Placemark>
<Placemark><name>Kapotte bankjes</name><description>Drie bankjes stuk</description>
  <MultiGeometry><Point><coordinates>5.100,52.100</coordinates></Point>
    <Point><coordinates>5.102,52.100</coordinates></Point>
    <Point><coordinates>5.104,52.100</coordinates></Point></MultiGeometry></Placemark>
<Placemark><name>Gemengd</name><MultiGeometry>
    <Point><coordinates>5.100,52.100</coordinates></Point>
    <LineString><coordinates>5.100,52.100 5.102,52.100</coordinates></LineString>
  </MultiGeometry></Placemark>
<Placemark><name>Looproute schouw</name><gx:Track>
    <when>2026-03-14T10:00:00Z</when><when>2026-03-14T10:05:00Z</when>
    <gx:coord>5.100 52.100 0</gx:coord><gx:coord>5.102 52.101 0</gx:coord>
  </gx:Track></Placemark>
</Document></kml>"""


def test_several_parts_of_one_placemark_become_notes_and_a_track_is_named(tmp_path) -> None:
    """An area of two parts is one note; three points with one text are three notes (the
    report says so); a mix of a point and a line, and a GPS track, are reported by what
    they are: nothing is dropped without a word."""
    document = reading.read_kml(io.BytesIO(EARTH_KML.encode("utf-8")))
    kinds = [p.geometry["type"] if p.geometry else None for p in document.placemarks]
    assert kinds == ["MultiPolygon", "MultiPoint", "GeometryCollection", "LineString"]
    path = tmp_path / "schouw.kml"
    path.write_text(EARTH_KML, "utf-8")
    notes, report = kn.import_geojson(path, default_category="knelpunt")
    assert notes.geom_type.tolist() == ["MultiPolygon", "Point", "Point", "Point"]
    assert notes["tekst"].tolist() == ["Twee speelplekken: Hier spelen kinderen"] + [
        "Kapotte bankjes: Drie bankjes stuk"] * 3
    assert len({p.wkt for p in notes.geometry[1:]}) == 3  # three places, not one thrice
    split = report[report["object"] == 2]
    assert list(split["gevolg"]) == ["aangepast"] and "3 punten" in split["probleem"].iloc[0]
    refused = report[report["gevolg"] == "niet overgenomen"].set_index("object")["probleem"]
    assert "verzameling" in refused[3] and "lijn" in refused[4]
    assert "geen locatie" not in " ".join(report["probleem"])
