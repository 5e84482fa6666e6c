"""Kaartnotities: add, save/load, import (uMap, other GeoJSON), buurten, counts, escaped map."""

from __future__ import annotations

import json
import urllib.parse
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

import wijklib
from wijklib.errors import InvalidChoiceError
from wijklib.vertellen import kaartnotities as kn
from wijklib.vertellen.records import PersonalDataError

DATA = Path(__file__).parent / "data" / "kaartnotities"
INJECTED = "<img src=x onerror=alert(1)>"
#: How folium writes the escaped text inside its JSON (``<`` and ``&`` as \u escapes).
INJECTED_IN_PAGE = "\\u0026lt;img src=x onerror=alert(1)\\u0026gt;"
#: A point in BU03440311 (Taag- en Rubicondreef), in BU03440111 and in BU03441024.
OVERVECHT = (52.11122, 5.11905)
WELGELEGEN = (52.0838, 5.0915)
VELDHUIZEN = (52.0812, 5.0150)


@pytest.fixture
def utrecht(warm) -> gpd.GeoDataFrame:
    return wijklib.gebieden("Utrecht")


def two_notes() -> gpd.GeoDataFrame:
    notes = kn.add_note(kn.new_notes(), "Kansen", "Grasveld: hier kan een moestuin.",
                        lat=OVERVECHT[0], lon=OVERVECHT[1], datum="2026-03-14",
                        bron="bewonersavond")
    square = shapely.box(5.0910, 52.0835, 5.0920, 52.0841)
    return kn.add_note(notes, "onveilig", "Donker pad naar de bushalte.", geometry=square)


# --------------------------------------------------------------------------- building


def test_new_notes_is_empty_with_columns_and_crs():
    notes = kn.new_notes()
    assert list(notes.columns) == kn.COLUMNS
    assert notes.empty and notes.crs == "EPSG:4326"


def test_add_note_point_and_polygon():
    notes = two_notes()
    assert list(notes["categorie"]) == ["kans", "onveilige plek"]  # plural/short forms work
    assert list(notes.geom_type) == ["Point", "Polygon"]
    assert notes.loc[0, "datum"] == pd.Timestamp("2026-03-14")
    assert pd.isna(notes.loc[1, "datum"]) and pd.isna(notes.loc[1, "bron"])  # missing, not ""
    assert kn.new_notes().empty  # the input is not changed


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"categorie": "knelpnt"}, InvalidChoiceError, "Bedoel je 'knelpunt'"),
        ({"tekst": ""}, InvalidChoiceError, "korte tekst"),
        ({"tekst": "x" * 300}, InvalidChoiceError, "maximum is 280"),
        ({"lat": 5.11905, "lon": 52.11122}, InvalidChoiceError, "omgewisseld"),
        ({"lat": 48.85, "lon": 2.35}, InvalidChoiceError, "niet in Nederland"),
        ({"lat": None}, InvalidChoiceError, "Waar is de notitie"),
        ({"tekst": "Mail jan@example.nl"}, PersonalDataError, "e-mailadres"),
        ({"tekst": "Bij Kanaalweg 12 is het donker"}, PersonalDataError, "adres"),
    ],
)
def test_add_note_refuses_bad_input_in_dutch(kwargs, error, message):
    args = {"categorie": "kans", "tekst": "Goed idee", "lat": OVERVECHT[0], "lon": OVERVECHT[1]}
    args.update(kwargs)
    with pytest.raises(error, match=message):
        kn.add_note(kn.new_notes(), **args)


def test_add_note_refuses_line_and_both_locations():
    line = shapely.LineString([(5.11, 52.10), (5.12, 52.11)])
    with pytest.raises(InvalidChoiceError, match="punt of een vlak"):
        kn.add_note(kn.new_notes(), "kans", "Route", geometry=line)
    several = shapely.MultiPoint([(5.11, 52.10), (5.12, 52.11)])  # one note is one place
    with pytest.raises(InvalidChoiceError, match="meerdere punten"):
        kn.add_note(kn.new_notes(), "kans", "Bankjes", geometry=several)
    with pytest.raises(InvalidChoiceError, match="niet allebei"):
        kn.add_note(kn.new_notes(), "kans", "x", lat=52.1, lon=5.1,
                    geometry=shapely.Point(5.1, 52.1))


# --------------------------------------------------------------------------- GeoJSON


def test_geojson_round_trip(tmp_path):
    notes = two_notes()
    notes.attrs["oefendata"] = True
    path = kn.save_notes(notes, tmp_path / "sub" / "notities.geojson")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 2
    assert data["features"][0]["properties"]["datum"] == "2026-03-14"
    back = kn.load_notes(path)
    assert list(back.columns) == kn.COLUMNS
    for column in ("categorie", "tekst", "bron"):
        pd.testing.assert_series_equal(back[column], notes[column])
    assert back["datum"].equals(notes["datum"])
    assert back.geometry.geom_equals_exact(notes.geometry, 1e-12).all()
    assert back.attrs.get("oefendata") is True


def test_empty_round_trip(tmp_path):
    back = kn.load_notes(kn.save_notes(kn.new_notes(), tmp_path / "leeg.geojson"))
    assert back.empty and list(back.columns) == kn.COLUMNS


def test_load_notes_refuses_unusable_features_and_broken_files(tmp_path):
    with pytest.raises(kn.NotesFileError, match="import_geojson"):
        kn.load_notes(DATA / "umap_export.geojson")
    broken = tmp_path / "kapot.geojson"
    broken.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    with pytest.raises(kn.NotesFileError, match="geen geldig GeoJSON"):
        kn.load_notes(broken)
    with pytest.raises(kn.NotesFileError, match="bestaat niet"):
        kn.load_notes(tmp_path / "nergens.geojson")


def test_umap_export_points_polygons_and_report():
    notes, rapport = kn.import_geojson(DATA / "umap_export.geojson")
    assert list(notes["categorie"]) == ["favoriete plek", "kans", "onveilige plek", "knelpunt"]
    assert list(notes.geom_type) == ["Point", "Polygon", "Point", "Point"]
    # uMap's name is the title, description the text
    assert notes.loc[0, "tekst"] == "Speeltuin: Hier spelen alle kinderen uit de buurt."
    assert notes.loc[0, "bron"] == "uMap: Bewonersavond Overvecht"
    assert notes.loc[3, "datum"] == pd.Timestamp("2026-03-14")  # 14-03-2026, day first
    # a phone number in the text is removed, and reported
    assert "06-12345678" not in notes.loc[2, "tekst"] and "[weggehaald]" in notes.loc[2, "tekst"]
    # every feature that was not used is in the report, with its reason
    skipped = rapport[rapport["gevolg"] == "niet overgenomen"].set_index("object")
    assert sorted(skipped.index) == [4, 5, 6, 7]
    assert "Speelplek" in skipped.loc[4, "probleem"] and "mapping=" in skipped.loc[4, "probleem"]
    assert "lijn" in skipped.loc[5, "probleem"]
    assert "buiten Nederland" in skipped.loc[6, "probleem"]
    assert "geen locatie" in skipped.loc[7, "probleem"]
    # personal properties are dropped and reported without their values
    personal = rapport[rapport["gevolg"].str.startswith("weggelaten")]
    assert set(personal["eigenschap"]) == {"auteur", "email"}
    assert "Jan Jansen" not in rapport.to_string() and "jan@example.nl" not in rapport.to_string()
    assert "auteur" not in notes.columns and "email" not in notes.columns
    assert "4 notities overgenomen" in kn.import_geojson(DATA / "umap_export.geojson").summary()


def test_unknown_category_can_be_mapped():
    notes, rapport = kn.import_geojson(DATA / "umap_export.geojson",
                                       mapping={"speelplek": "favoriete plek"})
    assert "Hier mag een bankje" in list(notes["tekst"])
    assert 4 not in set(rapport["object"].dropna())
    with pytest.raises(InvalidChoiceError, match="bestaat niet"):
        kn.import_geojson(DATA / "umap_export.geojson", mapping={"speelplek": "speeltuin"})


def test_umap_backup_with_layers():
    notes, rapport = kn.import_geojson(DATA / "kaart.umap")
    # the layer name is the category when a feature has none of its own
    assert list(notes["categorie"]) == ["kans", "kans", "knelpunt", "onveilige plek"]
    assert list(notes["bron"]) == ["uMap: Kansen"] * 2 + ["uMap: Knelpunten"] * 2
    assert list(notes.geom_type) == ["Point", "Polygon", "Point", "Point"]
    row = rapport[rapport["gevolg"] == "niet overgenomen"].iloc[0]
    assert row["object"] == 5 and row["laag"] == "Dromen" and "default_category" in row["probleem"]
    assert "gemaakt door" in set(rapport["eigenschap"])
    notes2, _ = kn.import_geojson(DATA / "kaart.umap", mapping={"Dromen": "idee"})
    assert notes2["categorie"].iloc[-1] == "idee"
    notes3, _ = kn.import_geojson(DATA / "kaart.umap", default_category="idee")
    assert len(notes3) == 5


def test_other_geojson_category_property_dates_and_personal_fields():
    notes, rapport = kn.import_geojson(DATA / "mapsurvey.geojson", mapping={"wish": "idee"})
    assert list(notes["categorie"]) == ["knelpunt", "favoriete plek", "idee"]
    assert list(notes["tekst"]) == ["Stoep is kapot.", "Het park.", "Meer bankjes."]
    assert notes.loc[0, "datum"] == pd.Timestamp("2026-03-12")
    assert pd.isna(notes.loc[2, "datum"])
    assert rapport.loc[rapport["eigenschap"] == "_submission_time", "gevolg"].tolist() == [
        "overgenomen zonder datum"
    ]
    dropped = set(rapport.loc[rapport["gevolg"].str.startswith("weggelaten"), "eigenschap"])
    assert dropped == {"respondent_name", "age"}
    unused = rapport.loc[rapport["gevolg"] == "niet overgenomen (niet nodig)", "eigenschap"]
    assert list(unused) == ["question_id"]


def test_rijksdriehoek_and_dict_input():
    notes, rapport = kn.import_geojson(DATA / "rijksdriehoek.geojson")
    assert rapport.empty
    point = notes.geometry.iloc[0]
    assert abs(point.x - 5.09226) < 1e-4 and abs(point.y - 52.0835) < 1e-4
    feature = {"type": "Feature", "properties": {"tekst": "x"},
               "geometry": {"type": "Point", "coordinates": [5.1, 52.1]}}
    notes, rapport = kn.import_geojson({"type": "FeatureCollection", "features": [feature]})
    assert notes.empty and "geen categorie" in rapport["probleem"].iloc[0]
    notes, _ = kn.import_geojson({"type": "FeatureCollection", "features": [feature]},
                                 default_category="idee")
    assert list(notes["categorie"]) == ["idee"]
    empty, rapport = kn.import_geojson({"type": "FeatureCollection", "features": []})
    assert empty.empty and rapport["gevolg"].tolist() == ["niets overgenomen"]
    with pytest.raises(kn.NotesFileError, match="FeatureCollection"):
        kn.import_geojson({"type": "Point", "coordinates": [5.1, 52.1]})


# --------------------------------------------------------------------------- buurten, counts


def test_assign_buurt_real_utrecht_buurten(utrecht):
    notes = kn.add_note(two_notes(), "idee", "Een bankje", lat=VELDHUIZEN[0], lon=VELDHUIZEN[1])
    notes = kn.add_note(notes, "idee", "Op de Dam", lat=52.3731, lon=4.8926)  # Amsterdam
    out = kn.assign_buurt(notes, utrecht)
    assert out["buurtcode"].tolist()[:3] == ["BU03440311", "BU03440111", "BU03441024"]
    assert out.loc[0, "buurtnaam"] == "Taag- en Rubicondreef en omgeving"
    assert pd.isna(out.loc[3, "buurtcode"]) and out.attrs["buiten_gebied"] == 1
    assert "buurtcode" not in notes.columns  # input unchanged
    empty = kn.assign_buurt(kn.new_notes(), utrecht)
    assert empty.empty and {"buurtcode", "buurtnaam"} <= set(empty.columns)
    with pytest.raises(InvalidChoiceError, match="wijklib.gebieden"):
        kn.assign_buurt(notes, pd.DataFrame({"code": []}))


def test_count_notes_per_buurt_and_category(utrecht):
    notes = kn.assign_buurt(two_notes(), utrecht)
    counts = kn.count_notes(notes)
    assert len(counts) == 2 * len(kn.CATEGORIES)  # every category, also with 0
    row = counts[(counts["buurtcode"] == "BU03440311") & (counts["categorie"] == "kans")]
    assert row["aantal"].tolist() == [1] and row["buurtnaam"].tolist()[0].startswith("Taag")
    assert counts["aantal"].sum() == 2 and str(counts["aantal"].dtype) == "Int64"
    wide = kn.count_notes(notes, wide=True, gebieden=utrecht)
    assert len(wide) == len(utrecht) and wide["totaal"].sum() == 2
    assert list(wide.columns[-6:]) == [*kn.CATEGORIES, "totaal"]
    per_category = kn.count_notes(notes, by="categorie")
    assert per_category.set_index("categorie")["aantal"].to_dict()["onveilige plek"] == 1
    with pytest.raises(InvalidChoiceError, match="assign_buurt"):
        kn.count_notes(two_notes())
    empty = kn.count_notes(kn.new_notes(), by="categorie")
    assert empty["aantal"].tolist() == [0] * 5


def test_count_notes_minimum_group_size(utrecht, monkeypatch):

    notes = kn.assign_buurt(kn.practice_notes(utrecht, n=80), utrecht)
    counts = kn.count_notes(notes, by="categorie", min_n=15)
    raw = kn.count_notes(notes, by="categorie")
    hidden = (raw["aantal"] > 0) & (raw["aantal"] < 15)
    assert hidden.any() and counts.loc[hidden, "aantal"].isna().all()
    assert (counts.loc[~hidden, "aantal"] == raw.loc[~hidden, "aantal"]).all()
    assert counts["verborgen"].tolist() == hidden.tolist()
    wide = kn.count_notes(notes, min_n=15, wide=True)
    assert "totaal" not in wide.columns  # a total would give hidden cells away
    values = wide[list(kn.CATEGORIES)].to_numpy(dtype="float64", na_value=float("nan")).ravel()
    assert not ((values > 0) & (values < 15)).any()
    monkeypatch.setenv("WIJKLIB_MIN_GROEP", "100")
    assert kn.count_notes(notes, by="categorie", min_n="standaard")["aantal"].isna().all()
    with pytest.raises(InvalidChoiceError):
        kn.count_notes(notes, min_n=0)


# --------------------------------------------------------------------------- practice data


def test_practice_notes_reproducible_and_inside_buurten(utrecht):
    first = kn.practice_notes(utrecht, seed=7, n=40)
    again = kn.practice_notes(utrecht, seed=7, n=40)
    other = kn.practice_notes(utrecht, seed=8, n=40)
    assert first.attrs["oefendata"] is True and len(first) == 40
    assert first.drop(columns="geometry").equals(again.drop(columns="geometry"))
    assert first.geometry.geom_equals_exact(again.geometry, 0).all()
    assert not first["tekst"].equals(other["tekst"])
    assert set(first["categorie"]) == set(kn.CATEGORIES)
    assert first["bron"].str.startswith("oefendata").all()
    assigned = kn.assign_buurt(first, utrecht)
    assert assigned["buurtcode"].notna().all()
    assert INJECTED not in set(first["tekst"])
    injected = kn.practice_notes(utrecht, n=5, include_injection=True)
    assert injected.loc[0, "tekst"] == INJECTED


# --------------------------------------------------------------------------- the map


def test_notes_map_escapes_text_and_has_legend_and_draw(utrecht):
    notes = kn.assign_buurt(kn.practice_notes(utrecht, n=25, include_injection=True), utrecht)
    m = kn.notes_map(notes, utrecht, focus="BU03440311", tiles=None)
    page = m.get_root().render()
    assert INJECTED not in page
    assert page.count("onerror=alert(1)") == page.count(INJECTED_IN_PAGE) == 2  # tip and popup
    # a place name (the buurt in the popup) is escaped too
    renamed = utrecht.copy()
    renamed.loc[renamed["code"] == notes.loc[1, "buurtcode"], "naam"] = INJECTED
    page = kn.notes_map(kn.assign_buurt(notes, renamed), renamed, tiles=None).get_root().render()
    assert INJECTED not in page and page.count("onerror=alert(1)") == page.count(INJECTED_IN_PAGE)
    assert page.count(INJECTED_IN_PAGE) >= 3
    assert "Kaartnotities (25)" in page and "Oefendata" in page
    assert "leaflet.draw" in page and "Download tekening" in page
    for category in kn.CATEGORIES.values():
        assert category.colour in page
    with pytest.raises(InvalidChoiceError, match="buurtgrenzen"):
        kn.notes_map(notes, focus="BU03440311")
    empty = kn.notes_map(kn.new_notes(), tiles=None, draw=False).get_root().render()
    assert "Kaartnotities (0)" in empty and "Download tekening" not in empty


_FIND_MAP = (
    "Object.keys(window).map(k => window[k]).find(v => v instanceof L.Map)"
)
_OPEN_INJECTED = """
() => {
  const map = __MAP__;
  let found = null;
  map.eachLayer(layer => {
    if (layer.feature && String(layer.feature.properties.tip || '').includes('onerror')) {
      found = layer;
    }
  });
  const center = found.getLatLng ? found.getLatLng() : found.getCenter();
  found.fire('mouseover', {latlng: center}, true);  // as a mouse would, up to the layer group
  const tip = document.querySelector('.leaflet-tooltip');
  const tooltip = tip ? tip.innerText : null;
  found.fire('click', {latlng: center}, true);
  const popup = document.querySelector('.leaflet-popup-content');
  return {popup: popup ? popup.innerText : null, tooltip: tooltip,
          images: document.querySelectorAll('.leaflet-popup-content img, .leaflet-tooltip img')
            .length};
}
""".replace("__MAP__", _FIND_MAP)
_DRAW_AND_EXPORT = """
() => {
  const map = __MAP__;
  map.fire('draw:created', {layer: L.marker([52.0838, 5.0915]), layerType: 'marker'});
  const select = document.querySelector('.wijklib-draw-form select');
  const area = document.querySelector('.wijklib-draw-form textarea');
  select.value = 'idee';
  select.dispatchEvent(new Event('change'));
  area.value = 'Een bankje bij de bushalte';
  area.dispatchEvent(new Event('input'));
  const link = document.querySelector('.wijklib-draw-export');
  link.onclick();
  return {href: link.getAttribute('href'), download: link.getAttribute('download'),
          options: Array.from(select.options).map(o => o.textContent)};
}
""".replace("__MAP__", _FIND_MAP)


def test_notes_map_loads_leaflet_and_leaflet_draw_only(utrecht):
    import re

    from wijklib.notebook.offline import map_html

    notes = kn.assign_buurt(kn.practice_notes(utrecht, n=5), utrecht)
    page = map_html(kn.notes_map(notes, utrecht), mode="cdn")
    links = re.findall(r"""<(?:script|link)\b[^>]*\b(?:src|href)=["']?([^"'\s>]+)""", page)
    assert sorted(link.rsplit("/", 1)[-1] for link in links) == [
        "leaflet.css", "leaflet.draw.css", "leaflet.draw.js", "leaflet.js"]
    assert "imperial" in page and "CBS / Kadaster (PDOK) 2024" in page
    assert "notities: oefendata (verzonnen)" in page


@pytest.mark.browser
def test_notes_map_in_chromium(utrecht, map_assets, tmp_path):
    from browser import ARTIFACTS_DIR, browse

    from wijklib.notebook.offline import save_map

    notes = kn.practice_notes(utrecht, n=30, include_injection=True)
    # text that would run inside a JavaScript template string (folium's Tooltip and Popup)
    notes = kn.add_note(notes, "idee", "Een `${alert(2)}` \\u0041 idee", lat=WELGELEGEN[0],
                        lon=WELGELEGEN[1])
    notes = kn.assign_buurt(notes, utrecht)
    points = int((notes.geom_type == "Point").sum())
    shapes = len(notes) - points
    m = kn.notes_map(notes, utrecht, focus="BU03440311")
    path = save_map(m, tmp_path / "kaartnotities.html", assets=map_assets)
    with browse(path, wait_ms=800) as page:
        markers = page.evaluate("document.querySelectorAll('.wijklib-note').length")
        paths = page.evaluate("document.querySelectorAll('path.leaflet-interactive').length")
        outlines = page.evaluate("document.querySelectorAll("
                                 "'.leaflet-overlay-pane path:not(.leaflet-interactive)')"
                                 ".length")
        legend = page.evaluate("document.querySelector('.wijklib-notes-legend').innerText")
        page.screenshot(ARTIFACTS_DIR / "kaartnotities_utrecht.png")
        opened = page.evaluate(_OPEN_INJECTED)
        page.wait(300)
        page.screenshot(ARTIFACTS_DIR / "kaartnotities_utrecht_popup.png")
        drawn = page.evaluate(_DRAW_AND_EXPORT)
        report = page.report
    assert markers == points and paths == shapes  # every note drawn
    assert outlines == len(utrecht)  # buurt outlines, not clickable
    assert INJECTED in opened["popup"] and INJECTED in opened["tooltip"]  # shown as text
    assert opened["images"] == 0
    assert "Kaartnotities (31)" in legend and "Onveilige plek" in legend
    assert report.dialogs == [] and report.page_errors == [] and report.console_errors == []
    assert (ARTIFACTS_DIR / "kaartnotities_utrecht.png").is_file()
    # what a group draws and downloads comes back in with import_geojson
    assert drawn["download"] == "kaartnotities.geojson"
    assert drawn["options"] == [c.label for c in kn.CATEGORIES.values()]
    data = json.loads(urllib.parse.unquote(drawn["href"].split(",", 1)[1]))
    back, rapport = kn.import_geojson(data)
    assert back["categorie"].tolist() == ["idee"]
    assert back["tekst"].tolist() == ["Een bankje bij de bushalte"]
    assert back["bron"].tolist() == ["getekend op de kaart"] and rapport.empty


def test_naam_is_a_person_not_a_title():
    features = [{"type": "Feature",
                 "properties": {"categorie": "kans", "naam": "Jan de Vries",
                                "description": "Hier kan een moestuin."},
                 "geometry": {"type": "Point", "coordinates": [5.1, 52.1]}},
                {"type": "Feature",
                 "properties": {"categorie": "idee", "name": "Bankjes", "titel": "x",
                                "description": "Meer bankjes."},
                 "geometry": {"type": "Point", "coordinates": [5.1, 52.1]}}]
    notes, rapport = kn.import_geojson({"type": "FeatureCollection", "features": features})
    assert list(notes["tekst"]) == ["Hier kan een moestuin.", "Bankjes: Meer bankjes."]
    assert "Jan de Vries" not in notes.to_string() and "Jan de Vries" not in rapport.to_string()
    dropped = rapport.loc[rapport["gevolg"].str.startswith("weggelaten"), "eigenschap"]
    assert list(dropped) == ["naam"]


def test_saved_notes_with_buurt_import_without_false_warnings(tmp_path):
    notes = kn.add_note(kn.new_notes(), "kans", "Grasveld", lat=OVERVECHT[0],
                        lon=OVERVECHT[1])  # no datum, no bron
    notes = kn.add_note(notes, "idee", "Bankje", lat=WELGELEGEN[0], lon=WELGELEGEN[1],
                        datum="2026-03-14", bron="bewonersavond")
    notes["buurtcode"] = pd.Series(["BU03440311", "BU03440111"], dtype="str")
    notes["buurtnaam"] = pd.Series(["Taag- en Rubicondreef", "Welgelegen"], dtype="str")
    path = kn.save_notes(notes, tmp_path / "met_buurt.geojson")
    back, rapport = kn.import_geojson(path)
    assert back["buurtcode"].tolist() == ["BU03440311", "BU03440111"]
    assert back["buurtnaam"].tolist() == ["Taag- en Rubicondreef", "Welgelegen"]
    assert rapport.empty, rapport.to_string()


def test_unreadable_geometry_message_is_dutch():
    with pytest.raises(InvalidChoiceError) as info:
        kn.add_note(kn.new_notes(), "kans", "Grasveld",
                    geometry={"type": "Polygon", "coordinates": "geen lijst"})
    before, _, detail = str(info.value).partition("(technische melding: ")
    assert before.startswith("De vorm in geometry kan ik niet lezen: het type of de")
    assert detail  # the technical detail is kept, after the Dutch explanation


@pytest.mark.browser
@pytest.mark.parametrize(("width", "height"), [(1200, 800), (760, 456)])
def test_notes_legend_leaves_the_map_to_the_notes(utrecht, map_assets, tmp_path, width, height):
    """The notes legend is as compact as the choropleth's: under a quarter of the map, clear
    of the scale bar and the drawing buttons, even in a small notebook output."""
    from test_maps import area, map_boxes, overlap

    from wijklib.notebook.offline import save_map

    notes = kn.assign_buurt(kn.practice_notes(utrecht, n=40), utrecht)
    m = kn.notes_map(notes, utrecht, focus="BU03440311")
    boxes = map_boxes(save_map(m, tmp_path / "notities.html", assets=map_assets), width, height)
    assert area(boxes["legend"]) < 0.25 * area(boxes["map"]), boxes
    assert overlap(boxes["scale"], boxes["legend"]) == 0
