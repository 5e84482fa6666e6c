"""Make the small fictional test exports in this folder.

Run from the repository root: ``.venv/bin/python tests/data/enquete/maak_bestanden.py``.
The files are committed; run this only when the default questionnaire or the practice
data change (and check the row numbers in ``tests/test_responses.py``).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from wijklib.vertellen.practice import export_table, practice_responses
from wijklib.vertellen.survey import vragenlijst

OUT = Path(__file__).resolve().parent
BUURTEN = pd.DataFrame(
    {
        "code": ["BU03440111", "BU03440112", "BU03440113"],
        "naam": ["Welgelegen, Den Hommel", "Oog in Al", "Halve Maan-Zuid"],
        "inwoners": [1800.0, 4155.0, 1420.0],
    }
)


def write(name, header, rows, delimiter=",", encoding="utf-8", quoting=csv.QUOTE_MINIMAL):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, quoting=quoting, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    (OUT / name).write_bytes(buffer.getvalue().encode(encoding))


def exports(q, data):
    # KoBoToolbox: ';', XML values, group prefixes
    header, rows = export_table(data, q, "kobo", BUURTEN)
    write("kobo_export.csv", header, rows, delimiter=";")
    # MS Forms: question texts, labels; Email and Name hold (fictional) personal data
    header, rows = export_table(data, q, "msforms", BUURTEN)
    for i, row in enumerate(rows):
        row[0] = str(i + 1)
        row[3] = f"bewoner{i + 1}@voorbeeld.nl"
        row[4] = f"Bewoner {i + 1}"
    write("msforms_export.csv", header, rows, encoding="utf-8-sig")
    # Google Forms: Tijdstempel and an E-mailadres column
    header, rows = export_table(data, q, "google", BUURTEN)
    header = header[:1] + ["E-mailadres"] + header[1:]
    rows = [row[:1] + [f"iemand{i}@voorbeeld.nl"] + row[1:] for i, row in enumerate(rows)]
    write("google_export.csv", header, rows)
    # LimeSurvey: everything quoted, an ipaddr column
    header, rows = export_table(data, q, "limesurvey", BUURTEN)
    rows = [row + [f"192.0.2.{i + 10}"] for i, row in enumerate(rows)]
    write("limesurvey_export.csv", header + ["ipaddr"], rows, quoting=csv.QUOTE_ALL)
    # Dutch Excel: ';' and Windows-1252, a Naam column and an unknown column with an accent
    header, rows = export_table(data, q, "csv", BUURTEN)
    header = header[:1] + ["Naam"] + header[1:] + ["Opmerking café"]
    rows = [row[:1] + [f"Bewoner {i + 1}"] + row[1:] + ["één"] for i, row in enumerate(rows)]
    write("eigen_cp1252.csv", header, rows, delimiter=";", encoding="cp1252")
    data.to_csv(OUT / "verwacht.csv", index=False)


def problems(q):
    """Every kind of problem, one or two per row (see tests/test_responses.py)."""
    data = practice_responses(BUURTEN, seed=11, n=12, min_n=2)
    header, rows = export_table(data, q, "csv", BUURTEN)
    col = {name: i for i, name in enumerate(header)}
    rows = [list(row) for row in rows]
    for row in rows:
        row[col["buurt"]] = row[col["buurt"]] or "BU03440112"
        for code in ("coh_kennen", "coh_prettig", "cijfer_buurt", "ver_rommel", "onveilig_buurt"):
            row[col[code]] = row[col[code]] or "1"
    rows[1][col["coh_prettig"]] = "Helemaal mee eenz"  # row 3: unknown answer
    rows[2][col["cijfer_buurt"]] = "11"  # row 4: out of range
    rows[3][col["buurt"]] = ""  # row 5: buurt missing
    rows[4][col["buurt"]] = "Oog in Aal"  # row 6: unknown buurt
    rows[5][col["respondent"]] = rows[0][col["respondent"]]  # row 7: duplicate respondent
    rows[7] = list(rows[6])  # row 9: the same answers as row 8 ...
    rows[7][col["respondent"]] = "OEFEN-0099"  # ... under another number
    rows[8][col["buurt"]] = ""  # row 10: only a postcode (fine with a postcode table)
    rows[8][col["postcode"]] = "3531"
    rows[9][col["buurt"]] = ""  # row 11: a postcode that is not 4 digits
    rows[9][col["postcode"]] = "35311"
    rows[10][col["ver_rommel"]] = "0"  # row 12: out of range ...
    rows[10][col["onveilig_buurt"]] = "misschien"  # ... and an unknown answer
    rows[11][col["coh_kennen"]] = "6"  # row 14 (after the blank row 13): out of range
    rows.insert(11, [""] * len(header))  # row 13: blank
    extra = list(rows[0])  # row 15: labels, a decimal comma, "4.0", "Weet ik niet"
    extra[col["respondent"]] = "OEFEN-0100"
    extra[col["coh_prettig"]] = "Mee eens"
    extra[col["vz_ov"]] = "Weet ik niet"
    extra[col["cijfer_buurt"]] = "7,5"
    extra[col["coh_thuis"]] = "4.0"
    rows.append(extra)
    write("problemen.csv", header, rows, delimiter=";")


def missing_column(q, data):
    """Without ovl_drugs, and a typing error in the header of coh_thuis."""
    header, rows = export_table(data, q, "csv", BUURTEN)
    drop = header.index("ovl_drugs")
    kept = [name for i, name in enumerate(header) if i != drop]
    kept[kept.index("coh_thuis")] = "coh_thuiss"
    rows = [[value for i, value in enumerate(row) if i != drop] for row in rows]
    write("kolom_ontbreekt.csv", kept, rows, delimiter=";")


def main() -> None:
    q = vragenlijst()
    data = practice_responses(BUURTEN, seed=7, n=6, min_n=2)
    exports(q, data)
    problems(q)
    missing_column(q, data)


if __name__ == "__main__":
    main()
