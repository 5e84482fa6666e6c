"""Reading participants' files: the one reader for surveys, stories, wijkschouw and krachten.

Every file a participant brings (a survey export, a table of stories, observations of a
wijkschouw, a krachten inventory, the attribute table of map notes) is read here, so
every file gets the same care:

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
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, NamedTuple

from wijklib.errors import WijklibError

__all__ = ["FileReadError", "Table", "read_table"]


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


def _load(source: Any) -> bytes:
    """The bytes of a path, bytes, text or file object."""
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source)
    if isinstance(source, str | Path):
        path = Path(source)
        if not path.is_file():
            raise _fatal(
                "het bestand bestaat niet",
                "Controleer de naam en de map. Zet je eigen bestand in de map data/ en "
                "geef de naam met de map erbij, zoals 'data/antwoorden.csv'.", str(source))
        return path.read_bytes()
    if hasattr(source, "read"):
        content = source.read()
        return content.encode("utf-8") if isinstance(content, str) else bytes(content)
    raise _fatal(
        "dit is geen bestand",
        "Geef de naam van een CSV- of Excel-bestand (bijvoorbeeld 'data/antwoorden.csv').",
        type(source).__name__)


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
    raw = _load(source)
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
