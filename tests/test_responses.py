"""Reading survey exports: every tool and file kind, every class of bad input."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook

from wijklib.errors import WijklibError
from wijklib.vertellen.responses import (
    REPORT_COLUMNS,
    SurveyImportError,
    detect_format,
    read_responses,
    read_table,
)
from wijklib.vertellen.survey import vragenlijst

DATA = Path(__file__).parent / "data" / "enquete"
INJECTED = "<img src=x onerror=alert(1)>"
BUURTEN = pd.DataFrame(
    {
        "code": ["BU03440111", "BU03440112", "BU03440113"],
        "naam": ["Welgelegen, Den Hommel", "Oog in Al", "Halve Maan-Zuid"],
    }
)
POSTCODES = {"3531": "BU03440111"}
EXPORTS = {
    "kobo_export.csv": "kobo",
    "msforms_export.csv": "msforms",
    "google_export.csv": "google",
    "limesurvey_export.csv": "limesurvey",
    "eigen_cp1252.csv": "csv",
}


@pytest.fixture(scope="module")
def q():
    return vragenlijst()


@pytest.fixture(scope="module")
def expected():
    frame = pd.read_csv(DATA / "verwacht.csv", dtype={"leeftijdsgroep": "str"})
    return frame


def same_data(got: pd.DataFrame, expected: pd.DataFrame, with_respondent: bool) -> None:
    columns = [c for c in expected.columns if with_respondent or c != "respondent"]
    pd.testing.assert_frame_equal(
        got[columns].reset_index(drop=True), expected[columns].reset_index(drop=True),
        check_dtype=False,
    )


def to_xlsx(csv_path: Path, target: Path, delimiter: str, encoding: str) -> Path:
    book = Workbook()
    text = csv_path.read_bytes().decode(encoding)
    for row in csv.reader(io.StringIO(text), delimiter=delimiter):
        book.active.append([int(v) if v.isdigit() and not v.startswith("0") else v for v in row])
    book.save(target)
    return target


# --------------------------------------------------------------------------- formats


@pytest.mark.parametrize(("name", "style"), EXPORTS.items())
def test_each_tool_export_is_read(q, expected, name, style):
    result = read_responses(DATA / name, q, BUURTEN)
    assert result.source_format == style
    assert len(result.report) == 0 and len(result.skipped) == 0
    same_data(result.data, expected, with_respondent=style not in ("google", "msforms"))
    assert list(result.data.columns) == q.data_columns()
    assert result.data["cijfer_buurt"].dtype == "float64"
    assert result.data["buurtnaam"].iloc[0] in set(BUURTEN["naam"])


def test_google_and_msforms_respondent_ids(q):
    google = read_responses(DATA / "google_export.csv", q, BUURTEN)
    assert google.data["respondent"].tolist()[:2] == ["rij-2", "rij-3"]
    ms = read_responses(DATA / "msforms_export.csv", q, BUURTEN)
    assert ms.data["respondent"].tolist()[:2] == ["1", "2"]


@pytest.mark.parametrize(
    ("name", "delimiter", "encoding"),
    [("kobo_export.csv", ";", "utf-8"), ("msforms_export.csv", ",", "utf-8-sig"),
     ("limesurvey_export.csv", ",", "utf-8"), ("eigen_cp1252.csv", ";", "cp1252")],
)
def test_excel_exports_are_read(q, expected, tmp_path, name, delimiter, encoding):
    path = to_xlsx(DATA / name, tmp_path / "export.xlsx", delimiter, encoding)
    result = read_responses(path, q, BUURTEN)
    assert result.source_format == EXPORTS[name]
    same_data(result.data, expected, with_respondent=name != "msforms_export.csv")


def test_bytes_file_objects_tab_and_utf16(q, expected):
    raw = (DATA / "kobo_export.csv").read_bytes()
    from_bytes = read_responses(raw, q, BUURTEN)
    from_file = read_responses(io.BytesIO(raw), q, BUURTEN)
    from_text = read_responses(io.StringIO(raw.decode("utf-8")), q, BUURTEN)
    for result in (from_bytes, from_file, from_text):
        same_data(result.data, expected, with_respondent=True)
    tabbed = raw.decode("utf-8").replace(";", "\t").encode("utf-16")  # Excel "Unicode text"
    same_data(read_responses(tabbed, q, BUURTEN).data, expected, with_respondent=True)


def test_detect_format():
    assert detect_format(["start", "grp/buurt", "_uuid"]) == "kobo"
    assert detect_format(["ID", "Start time", "Completion time", "Email", "Name"]) == "msforms"
    assert detect_format(["Id", "Begintijd", "Tijd van voltooien", "E-mail"]) == "msforms"
    assert detect_format(["Tijdstempel", "In welke buurt woont u?"]) == "google"
    assert detect_format(["Timestamp", "buurt"]) == "google"
    assert detect_format(["id", "submitdate", "lastpage", "startlanguage", "buurt"]) == "limesurvey"
    assert detect_format(["respondent", "buurt"]) == "csv"


def test_real_utrecht_buurten(warm, q, expected):
    import wijklib

    buurten = wijklib.kerncijfers("Utrecht", niveau="buurt")
    result = read_responses(DATA / "kobo_export.csv", q, buurten)
    same_data(result.data, expected, with_respondent=True)


# --------------------------------------------------------------------------- privacy


@pytest.mark.parametrize(
    ("name", "personal"),
    [("msforms_export.csv", ["Email", "Name"]), ("google_export.csv", ["E-mailadres"]),
     ("limesurvey_export.csv", ["ipaddr"]), ("eigen_cp1252.csv", ["Naam"]),
     ("kobo_export.csv", ["_submitted_by"])],
)
def test_personal_columns_are_never_carried(q, name, personal):
    result = read_responses(DATA / name, q, BUURTEN)
    assert result.personal_columns == personal
    for column in personal:
        assert column not in result.data.columns
        assert result.ignored_columns[column].startswith("persoonsgegevens")
    text = result.data.astype(str).to_csv() + result._repr_html_()
    assert "@voorbeeld.nl" not in text and "Bewoner 1" not in text and "192.0.2" not in text
    assert "persoonsgegevens" in result.summary()


def test_unknown_columns_are_listed_not_silently_dropped(q):
    result = read_responses(DATA / "eigen_cp1252.csv", q, BUURTEN)
    assert "Opmerking café" in result.ignored_columns  # cp1252 decoded correctly
    assert "hoort bij geen vraag" in result.ignored_columns["Opmerking café"]
    assert "Opmerking café" in result.summary()


# --------------------------------------------------------------------------- bad input


def test_every_problem_is_reported_with_row_and_column(q):
    with pytest.raises(SurveyImportError) as info:
        read_responses(DATA / "problemen.csv", q, BUURTEN, postcodes=POSTCODES)
    err = info.value
    assert isinstance(err, WijklibError) and not err.fatal
    report = err.report
    assert list(report.columns) == list(REPORT_COLUMNS)
    found = {(int(r), k, p) for r, k, p in zip(report["rij"], report["kolom"],
                                                  report["probleem"], strict=True)}
    assert found == {
        (3, "coh_prettig", "onbekend antwoord"),
        (4, "cijfer_buurt", "waarde buiten het bereik"),
        (5, "buurt", "buurt ontbreekt"),
        (6, "buurt", "onbekende buurt"),
        (7, "respondent", "dubbele respondent"),
        (9, "(hele rij)", "dubbele inzending: dezelfde antwoorden als rij 8"),
        (11, "postcode", "ongeldige postcode"),
        (12, "ver_rommel", "waarde buiten het bereik"),
        (12, "onveilig_buurt", "onbekend antwoord"),
        (14, "coh_kennen", "waarde buiten het bereik"),  # after the blank row 13
    }
    assert report.loc[report["kolom"] == "cijfer_buurt", "waarde"].item() == "11"
    assert "van 1 tot en met 10" in report.loc[report["kolom"] == "cijfer_buurt",
                                               "wat_te_doen"].item()
    assert "Bedoel je 'Oog in Al'?" in report.loc[report["rij"] == 6, "wat_te_doen"].item()
    assert "rij 2" in report.loc[report["rij"] == 7, "wat_te_doen"].item()
    assert all(report["wat_te_doen"].str.len() > 10)
    message = str(err)
    assert "10 problemen" in message and "9 rijen" in message
    assert "rij 3" in message and "kopregel is rij 1" in message
    assert "skip_problem_rows=True" in message


def test_skip_problem_rows_lists_every_left_out_row(q):
    result = read_responses(DATA / "problemen.csv", q, BUURTEN, postcodes=POSTCODES,
                            skip_problem_rows=True)
    assert result.skipped["rij"].tolist() == [3, 4, 5, 6, 7, 9, 11, 12, 14]
    assert result.skipped.loc[result.skipped["rij"] == 7, "respondent"].item() == "OEFEN-0001"
    assert len(result.report) == 10
    # nothing disappears: 13 filled rows = 4 kept + 9 skipped
    assert len(result.data) == 4
    assert result.data["respondent"].tolist() == ["OEFEN-0001", "OEFEN-0007", "OEFEN-0009",
                                                  "OEFEN-0100"]
    by_postcode = result.data.set_index("respondent").loc["OEFEN-0009"]
    assert by_postcode["buurtcode"] == "BU03440111"
    assert by_postcode["buurtnaam"] == "Welgelegen, Den Hommel"
    # labels, a decimal comma, "4.0" and "Weet ik niet" are understood
    row = result.data.set_index("respondent").loc["OEFEN-0100"]
    assert row["cijfer_buurt"] == 7.5 and row["coh_prettig"] == 4 and row["coh_thuis"] == 4
    assert np.isnan(row["vz_ov"])
    assert "Overgeslagen: 9 rijen" in result.summary()
    assert "OEFEN-0001" in result._repr_html_()


def test_postcode_without_table_is_a_problem(q):
    result = read_responses(DATA / "problemen.csv", q, BUURTEN, skip_problem_rows=True)
    row10 = result.report[result.report["rij"] == 10]
    assert row10["probleem"].item() == "postcode kan niet worden omgezet naar een buurt"
    other = read_responses(DATA / "problemen.csv", q, BUURTEN, postcodes={"1234": "BU1"},
                           skip_problem_rows=True)
    assert other.report.loc[other.report["rij"] == 10, "probleem"].item() == "onbekende postcode"
    wrong = read_responses(DATA / "problemen.csv", q, BUURTEN, postcodes={"3531": "BU9"},
                           skip_problem_rows=True)
    assert "niet in de lijst" in wrong.report.loc[wrong.report["rij"] == 10, "probleem"].item()


def test_identical_check_can_be_switched_off(q):
    result = read_responses(DATA / "problemen.csv", q, BUURTEN, postcodes=POSTCODES,
                            skip_problem_rows=True, check_identical=False)
    assert 9 not in result.skipped["rij"].tolist()


def test_missing_columns_always_stop_the_import(q):
    for skip in (False, True):
        with pytest.raises(SurveyImportError) as info:
            read_responses(DATA / "kolom_ontbreekt.csv", q, BUURTEN, skip_problem_rows=skip)
        assert info.value.fatal
    report = info.value.report
    assert set(report["kolom"]) == {"coh_thuis", "ovl_drugs"}
    assert set(report["rij"]) == {1}
    assert "coh_thuiss" in report.loc[report["kolom"] == "coh_thuis", "wat_te_doen"].item()
    assert "kan niet worden ingelezen" in str(info.value)


def test_no_buurt_column_and_double_columns(q, tmp_path):
    text = (DATA / "kobo_export.csv").read_text("utf-8")
    no_buurt = text.replace(";buurt;postcode;", ";wijk;pc;", 1)
    with pytest.raises(SurveyImportError) as info:
        read_responses(no_buurt.encode(), q, BUURTEN)
    assert "geen kolom met de buurt" in info.value.report["probleem"].iloc[0]
    double = text.replace("cohesie/coh_prettig", "coh_kennen", 1)
    with pytest.raises(SurveyImportError) as info:
        read_responses(double.encode(), q, BUURTEN)
    assert any("allebei bij vraag 'coh_kennen'" in p for p in info.value.report["probleem"])


def test_row_with_too_many_cells(q):
    lines = (DATA / "eigen_cp1252.csv").read_bytes().decode("cp1252").splitlines()
    lines[2] = lines[2] + ";extra"
    with pytest.raises(SurveyImportError) as info:
        read_responses("\n".join(lines).encode("cp1252"), q, BUURTEN)
    assert info.value.report["rij"].tolist() == [3]
    assert "meer cellen" in info.value.report["probleem"].item()


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "leeg"),
        (b"\n\n", "leeg"),
        (b"%PDF-1.4\x00\x01\x02binary", "geen CSV"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old excel", ".xls"),
        (b"PK\x03\x04not really a zip", "beschadigd"),
    ],
)
def test_unreadable_files(q, content, problem):
    with pytest.raises(SurveyImportError) as info:
        read_responses(content, q, BUURTEN)
    assert info.value.fatal
    assert problem in info.value.report["probleem"].item()
    assert "kan niet worden ingelezen" in str(info.value)


def test_missing_file_and_wrong_type(q, tmp_path):
    with pytest.raises(SurveyImportError, match="bestaat niet"):
        read_responses(tmp_path / "antwoorden.csv", q, BUURTEN)
    with pytest.raises(SurveyImportError, match="geen bestand"):
        read_responses(42, q, BUURTEN)


def test_header_only_gives_empty_data(q):
    header = (DATA / "kobo_export.csv").read_text("utf-8").splitlines()[0]
    result = read_responses(header.encode(), q, BUURTEN)
    assert result.data.empty and list(result.data.columns) == q.data_columns()
    assert result.data["coh_kennen"].dtype == "float64"
    # the file has only a header: said, not "geen problemen"
    assert result.report["probleem"].tolist() == [
        "het bestand heeft alleen een kopregel: er staan geen rijen in"]
    assert "0 respondenten" in result.summary()
    assert "alleen een kopregel" in result.summary()
    assert "geen problemen" not in result.summary()


def test_all_answers_missing_stays_missing(q):
    lines = (DATA / "kobo_export.csv").read_text("utf-8").splitlines()
    header = lines[0].split(";")
    row = lines[1].split(";")
    keep = {"buurt", "_uuid", "_submitted_by"}
    row = [value if name in keep or "/" not in name else "" for name, value in
           zip(header, row, strict=True)]
    result = read_responses("\n".join([lines[0], ";".join(row)]).encode(), q, BUURTEN)
    assert len(result.data) == 1
    items = [x.code for x in q.items]
    assert result.data[items].isna().all(axis=None)  # NaN, never 0


def test_read_table_keeps_row_numbers():
    table = read_table(b"a;b\n1;2\n\n3;4\n")
    assert table.kind == "csv" and table.header == ["a", "b"] and table.header_row == 1
    assert table.rows == [["1", "2"], [], ["3", "4"]]
    assert read_table(b"\n;\na;b\n1;2\n").header_row == 3


def test_row_numbers_after_leading_empty_rows(q):
    text = (DATA / "problemen.csv").read_bytes()
    with pytest.raises(SurveyImportError) as info:
        read_responses(b"\r\n;;\r\n" + text, q, BUURTEN, postcodes=POSTCODES)
    assert info.value.report["rij"].min() == 5  # row 3 of the file is now row 5
    assert "kopregel is rij 3" in str(info.value)


def test_html_repr_is_escaped(q):
    buurten = BUURTEN.copy()
    buurten.loc[1, "naam"] = INJECTED
    result = read_responses(DATA / "kobo_export.csv", q, buurten)
    assert INJECTED in result.data["buurtnaam"].tolist()
    page = result._repr_html_()
    assert INJECTED not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    text = (DATA / "google_export.csv").read_text("utf-8").replace("Oog in Al", INJECTED)
    result = read_responses(text.encode(), q, buurten)
    assert INJECTED not in result._repr_html_()


def test_postcode_table_from_the_cbs_most_common_postcode(warm):
    import wijklib
    from wijklib.vertellen.responses import postcode_table

    buurten = wijklib.kerncijfers("Utrecht")
    table = postcode_table(buurten)
    counts = buurten["postcode"].value_counts()
    assert table and all(counts[pc] == 1 for pc in table)  # only unambiguous postcodes
    shared = counts[counts > 1].index[0]
    assert shared not in table  # the most common postcode of several buurten: not guessed
    pc, code = next(iter(table.items()))
    assert buurten.set_index("code").loc[code, "postcode"] == pc
    assert postcode_table(buurten.drop(columns="postcode")) == {}
    assert postcode_table(buurten.iloc[0:0]) == {}


def test_personal_data_in_open_answers_is_masked_and_reported(q):
    from dataclasses import replace

    from wijklib.vertellen.survey import Question

    with_text = replace(q, questions=q.questions + (
        Question(code="opmerking", tekst="Wilt u nog iets kwijt?", soort="tekst"),),
        _by_code={})
    others = [x.code for x in q.questions if x.soort not in ("buurt", "postcode")]
    header = ["respondent", "buurt", *others, "opmerking"]
    blank = [""] * len(others)
    rows = [["R1", "Oog in Al", *blank, "Bel mij op 06-12345678 of mail jan@example.nl"],
            ["R2", "Oog in Al", *blank, "Het park is mooi"],
            ["R3", "Oog in Al", *blank, ""]]
    text = "\n".join(";".join(r) for r in [header, *rows])
    result = read_responses(io.StringIO(text), with_text, BUURTEN)
    answers = result.data.set_index("respondent")["opmerking"]
    assert "06-12345678" not in answers["R1"] and "jan@example.nl" not in answers["R1"]
    assert answers["R1"].count("[weggehaald]") == 2
    assert answers["R2"] == "Het park is mooi"  # nothing to mask: unchanged
    assert pd.isna(answers["R3"])
    report = result.report
    assert len(report) == 1 and int(report["rij"].item()) == 2
    assert report["kolom"].item() == "opmerking"
    assert "e-mailadres" in report["probleem"].item()
    assert "telefoonnummer" in report["probleem"].item()
    assert "06-12345678" not in report["waarde"].item()
    assert len(result.skipped) == 0 and len(result.data) == 3  # masked rows are kept
    assert result.masked == 1 and "[weggehaald]" in result.summary()


def test_broken_csv_message_is_dutch_with_the_technical_detail_apart(q):
    text = "respondent;buurt\nR1;" + "x" * 200_000 + "\n"
    with pytest.raises(SurveyImportError) as info:
        read_responses(io.StringIO(text), q, BUURTEN)
    report = info.value.report
    problem = report["probleem"].item()
    assert problem.startswith("het CSV-bestand is niet te lezen: er staat iets in")
    assert "field" not in problem  # the English text of Python's csv module ...
    assert report["waarde"].item().startswith("technische melding: ")  # ... is kept apart


def test_survey_year_from_submission_dates():
    from wijklib.vertellen.responses import survey_year

    kobo = "_submission_time;buurt\n2025-12-31T23:50:00;a\n2026-01-02T10:00:00;b\n" \
           "2026-01-03T10:00:00;c\n"
    assert survey_year(io.StringIO(kobo)) == 2026
    msforms = "Completion time,buurt\n3/14/26 10:01:02,a\n"
    assert survey_year(io.StringIO(msforms)) == 2026
    assert survey_year(io.StringIO("buurt;cijfer\na;7\n")) is None  # no dates: ask
    assert survey_year(io.StringIO("Tijdstempel;buurt\n;a\nonbekend;b\n")) is None
    assert survey_year(DATA / "kobo_export.csv") in (None, *range(2000, 2100))
