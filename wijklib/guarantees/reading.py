"""Reading participants' files: the one reader for surveys, stories, wijkschouw, krachten
and map notes.

Every file a participant brings (a survey export, a table of stories, observations of a
wijkschouw, a krachten inventory, the attribute table of map notes, a map from Google My
Maps) is read here, so every file gets the same care:

* a file larger than :data:`MAX_BYTES` is refused before it is read (also a member of a
  zip file, by its real size, so a zip bomb is never unpacked);
* the kind is recognised by its content, not its name: an Excel workbook saved as
  ``.csv`` is still read as a workbook, an old ``.xls`` gets a clear message;
* text files may be UTF-8 (with or without BOM), UTF-16 (with BOM) or Windows-1252
  (Excel's "CSV"); the delimiter (``,`` ``;`` or tab) is chosen by which gives the most
  consistent columns;
* every cell stays text exactly as written (no sign or punctuation is stripped; parsing
  numbers is up to the caller), and row numbers are as Excel shows them;
* nothing is dropped, padded or changed silently: an unclosed quote stops the reading
  with the row where it starts; a row with fewer cells than the header, a formula cell
  without a saved result and a file with only a header are reported in
  :attr:`Table.problems`.

KML and KMZ (Google My Maps, Google Earth) are read by :func:`read_kml` with
``defusedxml``, never with the standard-library parser: a participant's file may hold a
"billion laughs" entity bomb or an external entity that reads a local file; both are
refused with a Dutch message (a real KML export has no DTD at all).

A report entry is a dict with ``rij`` (Excel row, or None for the whole file),
``kolom``, ``waarde``, ``probleem``, ``wat_te_doen`` and ``gevolg`` (what the reader did;
Dutch).
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import math
import zipfile
from datetime import date, datetime, time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, NamedTuple

from wijklib.errors import WijklibError

__all__ = ["MAX_BYTES", "FileReadError", "KmlDocument", "Placemark", "html_as_text",
           "read_bytes", "read_kml", "read_table"]

#: The largest file (or zip member) a participant may bring: 20 MB.
MAX_BYTES = 20 * 1024 * 1024


class FileReadError(WijklibError, ValueError):
    """A participant's file cannot be read; ``entries`` says where and what to do."""

    def __init__(self, entries: list[dict[str, Any]]) -> None:
        self.entries = entries
        first = entries[0]
        where = f" (rij {first['rij']})" if first.get("rij") else ""
        super().__init__(f"Het bestand kan niet worden ingelezen{where}: "
                         f"{first['probleem']}. {first['wat_te_doen']}")


def _fatal(problem: str, what: str, value: str = "", row: int | None = None,
           column: str = "") -> FileReadError:
    return FileReadError([{"rij": row, "kolom": column, "waarde": value,
                           "probleem": problem, "wat_te_doen": what}])


class Table(NamedTuple):
    """A file read as text.

    Attributes
    ----------
    header : list of str
        Column names (an empty name becomes ``"(kolom N zonder naam)"``).
    rows : list of list of str
        Every row under the header, empty rows included, so that ``rows[i]`` is row
        ``header_row + 1 + i`` in Excel. Rows are not padded: a short row stays short.
    kind : str
        ``"csv"`` or ``"xlsx"``.
    header_row : int
        The row of the header as Excel counts (1, or later after empty rows).
    problems : list of dict
        Report entries for what was found but could still be read (short rows, formula
        cells without a result, a file with only a header).
    """

    header: list[str]
    rows: list[list[str]]
    kind: str
    header_row: int
    problems: list[dict[str, Any]]


#: File name endings of tables; a file with another ending must be a workbook inside.
TABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm")


def _too_large(size: int, what: str = "het bestand") -> FileReadError:
    return _fatal(
        f"{what} is te groot ({size / 1_000_000:.1f} MB; het maximum is "
        f"{MAX_BYTES / 1_000_000:.0f} MB)",
        "Kies het goede bestand, of verdeel het in kleinere bestanden.")


def read_bytes(source: Any) -> bytes:
    """The bytes of a path, bytes, text or file object, at most :data:`MAX_BYTES`.

    Raises
    ------
    FileReadError
        The file does not exist, is not a file, or is too large.
    """
    if isinstance(source, bytes | bytearray | memoryview):
        content = bytes(source)
    elif isinstance(source, str | Path):
        path = Path(source)
        if not path.is_file():
            raise _fatal(
                "het bestand bestaat niet",
                "Controleer de naam en de map. Zet je eigen bestand in de map data/ en "
                "geef de naam met de map erbij, zoals 'data/antwoorden.csv'.", str(source))
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise _too_large(size)
        content = path.read_bytes()
    elif hasattr(source, "read"):
        data = source.read(MAX_BYTES + 1)
        content = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    else:
        raise _fatal(
            "dit is geen bestand",
            "Geef de naam van een CSV- of Excel-bestand (bijvoorbeeld 'data/antwoorden.csv').",
            type(source).__name__)
    if len(content) > MAX_BYTES:
        raise _too_large(len(content))
    return content



def _decode(raw: bytes) -> str:
    """Text of a CSV file: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252."""
    if raw.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "cp1252", "latin-1"]
    for encoding in candidates:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise _fatal(
        "dit lijkt geen CSV- of Excel-bestand",
        "Sla het bestand op als CSV (UTF-8) of als Excel-werkmap (.xlsx) en probeer opnieuw.")


def _sniff(text: str) -> str:
    """The delimiter (``,`` ``;`` or tab) that gives the most consistent columns."""
    sample = text[:100_000]
    if len(text) > len(sample) and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    best, best_score = ",", (-1.0, 0)
    for delimiter in (",", ";", "\t"):
        try:
            rows = list(itertools.islice(csv.reader(io.StringIO(sample),
                                                    delimiter=delimiter), 50))
        except csv.Error:
            continue
        rows = [r for r in rows if any(cell.strip() for cell in r)]
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        body = rows[1:]
        consistent = sum(len(r) == width for r in body) / len(body) if body else 1.0
        score = (consistent, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(text: str) -> list[list[str]]:
    """Rows of a CSV text; an unclosed quote stops with the row where it starts."""
    delimiter = _sniff(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[list[str]] = []
    started = 1
    try:
        for row in reader:
            rows.append(row)
            started = reader.line_num + 1
    except csv.Error as err:
        if "unexpected end of data" in str(err) or "EOF" in str(err):
            raise _fatal(
                "hier begint een aanhalingsteken (\") dat niet wordt gesloten: alles "
                "daarna zou in één cel terechtkomen",
                "Open het bestand en sluit het aanhalingsteken in deze rij, of haal het "
                "weg. Sla het daarna opnieuw op als CSV.", row=started) from None
        raise _fatal(
            "het CSV-bestand is niet te lezen: er staat iets in dat niet past, zoals een "
            "aanhalingsteken op een vreemde plek of een heel lange cel",
            "Open het in een spreadsheet en sla het opnieuw op als CSV (UTF-8).",
            f"technische melding: {err}", row=started) from None
    return rows


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _read_xlsx(
    raw: bytes, sheet: str | int | None
) -> tuple[list[list[str]], list[tuple[int, int]]]:
    """Rows of a worksheet as text, and the (row, column) of formulas without a result."""
    from openpyxl import load_workbook

    try:
        values = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        formulas = load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
    except Exception:  # noqa: BLE001 - openpyxl raises many types on a damaged file
        raise _fatal(
            "het Excel-bestand is beschadigd of geen .xlsx",
            "Open het in Excel en sla het opnieuw op als Excel-werkmap (.xlsx), of als "
            "CSV.") from None
    try:
        if sheet is None:
            index = 0
        elif isinstance(sheet, int):
            index = sheet
        elif sheet in values.sheetnames:
            index = values.sheetnames.index(sheet)
        else:
            raise _fatal(
                f"het werkblad '{sheet}' staat niet in dit bestand",
                f"Kies een van de werkbladen: {', '.join(values.sheetnames)}.", str(sheet))
        rows, empty = [], []
        pairs = zip(values.worksheets[index].iter_rows(values_only=True),
                    formulas.worksheets[index].iter_rows(values_only=True), strict=False)
        for r, (shown, written) in enumerate(pairs, start=1):
            rows.append([_cell_text(v) for v in shown])
            empty += [(r, c) for c, (v, f) in enumerate(zip(shown, written, strict=False))
                      if v is None and isinstance(f, str) and f.startswith("=")]
    finally:
        values.close()
        formulas.close()
    return rows, empty


def read_table(source: Any, sheet: str | int | None = None) -> Table:
    """Header and rows (all text, exactly as written) of a CSV or ``.xlsx`` file.

    Parameters
    ----------
    source : str, Path, bytes or file object
        The file. An Excel workbook is recognised by its content (also when it is called
        ``.csv``).
    sheet : str or int, optional
        Worksheet of a workbook (default: the first).

    Returns
    -------
    Table

    Raises
    ------
    FileReadError
        When the file cannot be read: missing, empty, an old ``.xls``, damaged, not a
        table, or a quote that is never closed. ``entries`` holds one report entry.
    """
    raw = read_bytes(source)
    if (isinstance(source, str | Path) and Path(source).suffix.lower() not in TABLE_SUFFIXES
            and not raw.startswith(b"PK\x03\x04")):
        raise _fatal(f"ik kan .csv- en .xlsx-bestanden lezen, geen "
                     f"{Path(source).suffix or 'bestand zonder extensie'}",
                     "Sla je bestand op als CSV (UTF-8) of als Excel-werkmap (.xlsx).")
    formula_cells: list[tuple[int, int]] = []
    if raw.startswith(b"PK\x03\x04"):
        rows, formula_cells = _read_xlsx(raw, sheet)
        kind = "xlsx"
    elif raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise _fatal("dit is een oud Excel-bestand (.xls)",
                     "Open het in Excel en sla het op als Excel-werkmap (.xlsx) of als CSV.")
    else:
        rows, kind = _read_csv(_decode(raw)), "csv"
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    skipped = 0
    while rows and not any(cell.strip() for cell in rows[0]):
        rows.pop(0)
        skipped += 1
    if not rows:
        raise _fatal("het bestand is leeg",
                     "Kies het goede bestand: er staan geen kolommen en geen rijen in.")
    header = [h.strip() for h in rows[0]]
    while header and not header[-1] and not any(
        len(r) >= len(header) and r[len(header) - 1].strip() for r in rows[1:]
    ):
        header.pop()
    header = [h or f"(kolom {i + 1} zonder naam)" for i, h in enumerate(header)]
    header_row = skipped + 1
    body = rows[1:]
    problems: list[dict[str, Any]] = []
    if not body:
        problems.append({
            "rij": None, "kolom": "", "waarde": "",
            "probleem": "het bestand heeft alleen een kopregel: er staan geen rijen in",
            "wat_te_doen": "Kies het bestand met de antwoorden of gegevens, of vul ze in "
                           "onder de kopregel.",
            "gevolg": "niets overgenomen"})
    for i, row in enumerate(body):
        if 0 < len(row) < len(header) and any(cell.strip() for cell in row):
            problems.append({
                "rij": header_row + 1 + i, "kolom": header[len(row)],
                "waarde": "",
                "probleem": f"deze rij heeft minder cellen ({len(row)}) dan er kolommen "
                            f"zijn ({len(header)}); de laatste kolommen zijn leeg gelaten",
                "wat_te_doen": "Kijk of er een scheidingsteken (; of ,) ontbreekt of of de "
                               "rij is afgebroken. Klopt het, dan hoef je niets te doen.",
                "gevolg": "rij overgenomen, de ontbrekende cellen zijn leeg"})
    for r, c in formula_cells:
        if r > header_row and c < len(header):
            problems.append({
                "rij": r, "kolom": header[c], "waarde": "",
                "probleem": "in deze cel staat een formule zonder opgeslagen uitkomst; ik "
                            "lees hem als leeg",
                "wat_te_doen": "Open het bestand in Excel en sla het opnieuw op (dan bewaart "
                               "Excel de uitkomst), of zet de waarde zelf in de cel.",
                "gevolg": "cel als leeg gelezen"})
    return Table(header, body, kind, header_row, problems)


# ---------------------------------------------------------------------------------------
# KML and KMZ (Google My Maps)
# ---------------------------------------------------------------------------------------

_KML_AGAIN = ("Exporteer de kaart opnieuw: in Google My Maps via het menu (de drie puntjes) "
              "→ Exporteren naar KML/KMZ, of sla de kaart op als GeoJSON.")


class Placemark(NamedTuple):
    """One placemark of a KML file, as text and a GeoJSON-like geometry.

    Attributes
    ----------
    folder : str or None
        The name of the innermost folder (a layer in Google My Maps).
    name : str or None
        The placemark's name (plain text in KML).
    description : str or None
        The description as text: HTML tags (Google My Maps writes ``<br>`` and ``<b>``)
        are removed, their text is kept, entities are decoded. Nothing in it is run.
    geometry : dict or None
        ``{"type": "Point" | "LineString" | "Polygon" | "GeometryCollection",
        "coordinates": ...}`` in longitude/latitude (KML is always WGS84), or None when
        the placemark has no location (or one that cannot be read).
    when : str or None
        ``TimeStamp/when`` (or the start of a ``TimeSpan``).
    data : dict
        ``ExtendedData``: the columns of a My Maps layer's table (``Data`` and
        ``SimpleData``), name -> text.
    """

    folder: str | None
    name: str | None
    description: str | None
    geometry: dict[str, Any] | None
    when: str | None
    data: dict[str, str]


class KmlDocument(NamedTuple):
    """What :func:`read_kml` returns.

    Attributes
    ----------
    name : str or None
        The document's name (the map's title in Google My Maps).
    placemarks : list of Placemark
        In the order of the file.
    kind : str
        ``"kml"`` or ``"kmz"``.
    """

    name: str | None
    placemarks: list[Placemark]
    kind: str


class _TextOnly(HTMLParser):
    """Collects the text of an HTML fragment; tags are dropped, never interpreted."""

    _BREAKS = frozenset({"br", "p", "div", "li", "tr", "td", "h1", "h2", "h3", "h4"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._BREAKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._BREAKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_as_text(fragment: str) -> str:
    """The text of an HTML fragment: tags removed, entities decoded, single spaces.

    For descriptions from Google My Maps (which holds HTML); the result is plain text
    and is escaped like any other text wherever it is shown.
    """
    parser = _TextOnly()
    parser.feed(fragment)
    parser.close()
    return " ".join("".join(parser.parts).split())


def _local(tag: Any) -> str:
    """The tag without its namespace (KML 2.1, 2.2 and Google's gx: the same names)."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child(element: Any, name: str) -> Any:
    for child in element:
        if _local(child.tag) == name:
            return child
    return None


def _child_text(element: Any, name: str) -> str | None:
    child = _child(element, name)
    if child is None or child.text is None:
        return None
    text = child.text.strip()
    return text or None


def _coordinates(text: str | None) -> list[list[float]] | None:
    """``lon,lat[,alt]`` tuples separated by white space; None when one cannot be read."""
    if not text:
        return None
    points = []
    for chunk in text.split():
        parts = chunk.split(",")
        try:
            lon, lat = float(parts[0]), float(parts[1])
        except (ValueError, IndexError):
            return None
        points.append([lon, lat])
    return points or None


def _geometry(element: Any) -> dict[str, Any] | None:
    kind = _local(element.tag)
    if kind == "Point":
        coords = _coordinates(_child_text(element, "coordinates"))
        return {"type": "Point", "coordinates": coords[0]} if coords else None
    if kind == "LineString":
        coords = _coordinates(_child_text(element, "coordinates"))
        return {"type": "LineString", "coordinates": coords} if coords else None
    if kind == "Polygon":
        rings = []
        for boundary in element:
            if _local(boundary.tag) not in ("outerBoundaryIs", "innerBoundaryIs"):
                continue
            ring = _child(boundary, "LinearRing")
            coords = _coordinates(_child_text(ring, "coordinates")) if ring is not None else None
            if coords is None:
                return None
            if _local(boundary.tag) == "outerBoundaryIs":
                rings.insert(0, coords)
            else:
                rings.append(coords)
        return {"type": "Polygon", "coordinates": rings} if rings else None
    if kind == "Track":  # gx:Track (a GPS track from Google Earth): "lon lat alt" per coord
        coords = [c for c in (_coordinates(",".join((x.text or "").split()))
                              for x in element if _local(x.tag) == "coord") if c]
        points = [c[0] for c in coords]
        return {"type": "LineString", "coordinates": points} if len(points) > 1 else None
    if kind == "MultiGeometry":
        parts = [g for g in (_geometry(c) for c in element) if g is not None]
        if len(parts) == 1:
            return parts[0]
        kinds = {g["type"] for g in parts}
        if len(kinds) == 1 and kinds <= {"Point", "LineString", "Polygon"}:
            # parts of one kind: the GeoJSON multi-shape of that kind
            return {"type": f"Multi{parts[0]['type']}",
                    "coordinates": [g["coordinates"] for g in parts]}
        return {"type": "GeometryCollection", "geometries": parts} if parts else None
    return None


_GEOMETRY_TAGS = frozenset({"Point", "LineString", "Polygon", "MultiGeometry", "Track"})


def _placemark(element: Any, folder: str | None) -> Placemark:
    geometry = None
    for child in element:
        if _local(child.tag) in _GEOMETRY_TAGS:
            geometry = _geometry(child)
            break
    description = _child_text(element, "description")
    when = None
    stamp = _child(element, "TimeStamp")
    span = _child(element, "TimeSpan")
    if stamp is not None:
        when = _child_text(stamp, "when")
    elif span is not None:
        when = _child_text(span, "begin")
    data: dict[str, str] = {}
    extended = _child(element, "ExtendedData")
    if extended is not None:
        for item in extended.iter():
            kind = _local(item.tag)
            if kind == "Data" and item.get("name"):
                value = _child_text(item, "value")
                if value is not None:
                    data[str(item.get("name"))] = value
            elif kind == "SimpleData" and item.get("name") and item.text:
                data[str(item.get("name"))] = item.text.strip()
    name = _child_text(element, "name")
    return Placemark(
        folder=folder,
        name=" ".join(name.split()) if name else None,
        description=html_as_text(description) or None if description else None,
        geometry=geometry,
        when=when,
        data=data,
    )


def _walk(element: Any, folder: str | None, out: list[Placemark]) -> None:
    for child in element:
        kind = _local(child.tag)
        if kind == "Placemark":
            out.append(_placemark(child, folder))
        elif kind in ("Folder", "Document"):
            name = _child_text(child, "name") if kind == "Folder" else None
            _walk(child, name or folder, out)


def _kml_from_kmz(raw: bytes) -> bytes:
    """The KML inside a KMZ: ``doc.kml``, else the first ``.kml`` member by name."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            members = [m for m in archive.infolist()
                       if not m.is_dir() and m.filename.lower().endswith(".kml")]
            if not members:
                raise _fatal("in dit KMZ-bestand zit geen KML-bestand (doc.kml)", _KML_AGAIN)
            members.sort(key=lambda m: (m.filename.lower() != "doc.kml", m.filename))
            member = members[0]
            if member.file_size > MAX_BYTES:
                raise _too_large(member.file_size, f"{member.filename} in het KMZ-bestand")
            with archive.open(member) as stream:
                content = stream.read(MAX_BYTES + 1)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError,
            NotImplementedError):
        raise _fatal("het KMZ-bestand is beschadigd", _KML_AGAIN) from None
    if len(content) > MAX_BYTES:  # the header lied about the size
        raise _too_large(len(content), "het KML-bestand in het KMZ-bestand")
    return content


def read_kml(source: Any) -> KmlDocument:
    """The placemarks of a KML or KMZ file (Google My Maps, Google Earth).

    Parameters
    ----------
    source : str, Path, bytes or file object
        A ``.kml`` file, or a ``.kmz`` (a zip with ``doc.kml``), recognised by content.

    Returns
    -------
    KmlDocument

    Raises
    ------
    FileReadError
        Missing, too large (also the KML inside a KMZ), a KMZ without KML, XML that is
        broken (with the line), XML with a DTD or entities (refused: they can make the
        computer hang or read other files), or XML that is not KML.
    """
    import defusedxml.ElementTree as safe_xml
    from defusedxml import DefusedXmlException

    raw = read_bytes(source)
    kind = "kml"
    if raw.startswith(b"PK\x03\x04"):
        raw, kind = _kml_from_kmz(raw), "kmz"
    try:
        root = safe_xml.fromstring(raw, forbid_dtd=True, forbid_entities=True,
                                   forbid_external=True)
    except DefusedXmlException:
        raise _fatal(
            "dit KML-bestand bevat een DTD of zelfgemaakte entiteiten (&...;). Die lees ik "
            "niet: ze kunnen de computer laten vastlopen of andere bestanden lezen, en een "
            "echte export uit Google My Maps heeft ze nooit", _KML_AGAIN) from None
    except safe_xml.ParseError as err:
        line = getattr(err, "position", (None,))[0]
        where = f" (fout op regel {line})" if line else ""
        raise _fatal(f"dit KML-bestand is beschadigd of niet compleet{where}",
                     _KML_AGAIN) from None
    if _local(root.tag) != "kml":
        raise _fatal(f"dit XML-bestand is geen KML (het begint met <{_local(root.tag)}>)",
                     _KML_AGAIN)
    placemarks: list[Placemark] = []
    _walk(root, None, placemarks)
    document = _child(root, "Document")
    name = _child_text(document, "name") if document is not None else None
    return KmlDocument(name=name, placemarks=placemarks, kind=kind)
