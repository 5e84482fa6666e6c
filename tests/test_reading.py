"""One reader for every participant file: broken files are reported, never read silently.

Attacks: a UTF-16 file and an Excel workbook saved as ``.csv`` (worked for the survey,
not for stories), an unclosed quote (swallowed the rest of the file), short rows
(padded silently), formula cells without a saved result (read as empty), a header-only
file ("geen problemen") and numbers whose sign or punctuation was stripped before
parsing (``-1`` → 1, ``(4)`` → 4, ``1 0`` → 10, ``1.000`` → 1).
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from wijklib.guarantees.reading import FileReadError, read_table
from wijklib.vertellen import records, verhalen
from wijklib.vertellen.responses import SurveyImportError, read_responses
from wijklib.vertellen.survey import vragenlijst

DATA = Path(__file__).parent / "data" / "enquete"
BUURTEN = pd.DataFrame({
    "code": ["BU03440111", "BU03440112", "BU03440113"],
    "naam": ["Welgelegen, Den Hommel", "Oog in Al", "Halve Maan-Zuid"],
})
STORIES = "verhaal;buurtcode\nHet park is mooi;BU03440111\nTe weinig bankjes;BU03440112\n"


@pytest.fixture(scope="module")
def q():
    return vragenlijst()


def _survey_lines() -> list[str]:
    return (DATA / "eigen_cp1252.csv").read_bytes().decode("cp1252").splitlines()


def test_utf16_and_excel_named_csv_work_for_stories(tmp_path):
    utf16 = tmp_path / "verhalen.csv"
    utf16.write_bytes(STORIES.encode("utf-16"))
    result = verhalen.read_stories(utf16)
    assert result.table["verhaal"].tolist() == ["Het park is mooi", "Te weinig bankjes"]
    book = Workbook()
    for line in STORIES.splitlines():
        book.active.append(line.split(";"))
    disguised = tmp_path / "verhalen-uit-excel.csv"
    book.save(disguised)
    result = verhalen.read_stories(disguised)
    assert result.table["verhaal"].tolist() == ["Het park is mooi", "Te weinig bankjes"]


def test_unclosed_quote_is_reported_with_its_row(q, tmp_path):
    lines = _survey_lines()
    cells = lines[3].split(";")
    cells[1] = '"Bewoner 3'  # an opening quote that is never closed
    lines[3] = ";".join(cells)
    with pytest.raises(SurveyImportError) as info:
        read_responses("\n".join(lines).encode("cp1252"), q, BUURTEN)
    report = info.value.report
    assert info.value.fatal
    assert "aanhalingsteken" in report["probleem"].item()
    assert int(report["rij"].item()) == 4
    path = tmp_path / "verhalen.csv"
    path.write_text('verhaal;buurtcode\n"Mooi park;BU03440111\nNog een;BU03440112\n', "utf-8")
    with pytest.raises(records.TableFileError, match="rij 2.*aanhalingsteken"):
        verhalen.read_stories(path)
    with pytest.raises(FileReadError) as direct:
        read_table(path.read_bytes())
    assert direct.value.entries[0]["rij"] == 2


def test_short_rows_and_header_only_files_are_reported(q):
    table = read_table(b"verhaal;buurtcode;bron_type\nMooi park;BU03440111\n")
    assert table.rows == [["Mooi park", "BU03440111"]]  # not padded
    assert [(p["rij"], p["kolom"]) for p in table.problems] == [(2, "bron_type")]
    assert "minder cellen" in table.problems[0]["probleem"]
    header = _survey_lines()[0]
    result = read_responses(header.encode("cp1252"), q, BUURTEN)
    assert result.data.empty
    assert "alleen een kopregel" in " ".join(result.report["probleem"])
    only = read_table(b"verhaal;buurtcode\n")
    assert only.rows == [] and "alleen een kopregel" in only.problems[0]["probleem"]


def test_formula_cells_without_a_saved_result_are_reported():
    book = Workbook()
    book.active.append(["verhaal", "aantal"])
    book.active.append(["Mooi park", "=1+1"])  # openpyxl saves no result for a formula
    raw = io.BytesIO()
    book.save(raw)
    table = read_table(raw.getvalue())
    assert table.rows == [["Mooi park", ""]]
    assert [(p["rij"], p["kolom"]) for p in table.problems] == [(2, "aantal")]
    assert "formule" in table.problems[0]["probleem"]


@pytest.mark.parametrize("written", ["-1", "(4)", "1 0", "1.000"])
def test_numbers_are_not_stripped_before_parsing(q, written):
    lines = _survey_lines()
    header = lines[0].split(";")
    column = header.index("coh_kennen")
    cells = lines[1].split(";")
    cells[column] = written
    lines[1] = ";".join(cells)
    with pytest.raises(SurveyImportError) as info:
        read_responses("\n".join(lines).encode("cp1252"), q, BUURTEN)
    report = info.value.report
    hit = report[(report["rij"] == 2) & (report["kolom"] == "coh_kennen")]
    assert len(hit) == 1 and hit["waarde"].item() == written


def test_two_columns_with_the_same_name_are_reported(tmp_path):
    path = tmp_path / "verhalen.csv"
    path.write_text("verhaal;verhaal\nEerste;Tweede\n", "utf-8")
    result = verhalen.read_stories(path)
    assert result.table["verhaal"].tolist() == ["Eerste"]
    assert "twee kolommen met de naam 'verhaal'" in " ".join(result.rapport["probleem"])
