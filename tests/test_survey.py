"""The questionnaire: one CSV, checked rows; XLSForm (pyxform), CSV header, paper form."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from wijklib.guarantees.rendering import escape
from wijklib.vertellen import survey
from wijklib.vertellen.survey import (
    QuestionnaireError,
    XLSFormError,
    check_xlsform,
    csv_header,
    printable_html,
    to_xlsform,
    vragenlijst,
)

INJECTED = "<img src=x onerror=alert(1)>"
BUURTEN = pd.DataFrame(
    {
        "code": ["BU03440111", "BU03440112", "BU03440113"],
        "naam": ["Welgelegen, Den Hommel", "Oog in Al", INJECTED],
    }
)
HEADER = (
    "code,schaal,schaal_label,hoger_is,schaalscore,tekst,soort,min,max,omgekeerd,antwoorden,bron"
)


def write_csv(tmp_path, lines, name="vragen.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


SMALL = [
    HEADER,
    "buurt,,,,,In welke buurt woont u?,buurt,,,,,",
    "a1,samen,Samen,gunstig,0-10,Stelling een,schaal,,,nee,1=Nee|2=Ja,",
    "a2,samen,,,,Stelling twee,schaal,,,ja,1=Nee|2=Ja,",
]


# --------------------------------------------------------------------------- default


def test_default_questionnaire_has_the_validated_scales():
    q = vragenlijst()
    codes = [s.code for s in q.scales]
    assert codes == ["rapportcijfer", "cohesie", "onveiligheid", "verloedering", "overlast",
                     "voorzieningen", "betrokkenheid"]
    cohesie = q.scale("cohesie")
    assert len(cohesie.items) == 5 and cohesie.hoger_is == "gunstig"
    reversed_items = [c for c in cohesie.items if q.question(c).omgekeerd]
    assert reversed_items == ["coh_kennen"]  # "kennen elkaar nauwelijks" counts the other way
    assert "Veiligheidsmonitor" in q.question("coh_prettig").bron
    for scale in q.scales:
        assert scale.hoger_is in ("gunstig", "ongunstig")
    assert q.scale("onveiligheid").hoger_is == "ongunstig"
    assert q.scale("onveiligheid").eenheid == "%"
    assert q.scale("rapportcijfer").eenheid == "1–10"
    assert (q.question("cijfer_buurt").min, q.question("cijfer_buurt").max) == (1, 10)
    # identification only by buurt or 4-digit postcode, at most an age group
    assert q.buurt_question.code == "buurt" and q.postcode_question.code == "postcode"
    assert [x.code for x in q.extra_questions] == ["leeftijdsgroep"]
    words = " ".join(x.tekst.casefold() for x in q.questions)
    for personal in ("naam", "adres", "e-mail", "geboortedatum", "telefoon"):
        assert personal not in words
    assert q.data_columns()[:4] == ["respondent", "buurtcode", "buurtnaam", "leeftijdsgroep"]
    assert "Sociale samenhang" in q._repr_html_()


def test_trainer_can_use_an_own_file_in_dutch_excel_style(tmp_path):
    lines = [line.replace(",", ";") for line in SMALL]
    path = write_csv(tmp_path, lines + ["a3;samen;;;;Stelling drie café;schaal;;;nee;1=Nee|2=Ja;"],
                     encoding="cp1252")
    q = vragenlijst(path)
    assert q.scale("samen").items == ("a1", "a2", "a3")
    assert q.question("a3").tekst == "Stelling drie café"
    assert q.question("a2").omgekeerd is True


def test_own_file_as_excel(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    for line in SMALL:
        book.active.append(next(csv.reader([line])))
    book.save(tmp_path / "vragen.xlsx")
    q = vragenlijst(tmp_path / "vragen.xlsx")
    assert [x.code for x in q.questions] == ["buurt", "a1", "a2"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("a3,samen,,,,Drie,schaaal,,,nee,1=Nee|2=Ja,", "Rij 5, kolom 'soort'"),
        ("a1,samen,,,,Dubbel,schaal,,,nee,1=Nee|2=Ja,", "Rij 5, kolom 'code'"),
        ("3x,samen,,,,Slechte code,schaal,,,nee,1=Nee|2=Ja,", "Rij 5, kolom 'code'"),
        ("a3,samen,,,,Drie,schaal,,,misschien,1=Nee|2=Ja,", "Rij 5, kolom 'omgekeerd'"),
        ("a3,samen,,,,Drie,schaal,,,nee,Nee|Ja,", "Rij 5, kolom 'antwoorden'"),
        ("a3,samen,,,,Drie,schaal,,,nee,1=Nee|1=Ja,", "Rij 5, kolom 'antwoorden'"),
        ("a3,samen,,,,,schaal,,,nee,1=Nee|2=Ja,", "Rij 5, kolom 'tekst'"),
        ("a3,samen,,beter,,Drie,schaal,,,nee,1=Nee|2=Ja,", "Rij 5, kolom 'hoger_is'"),
        ("a3,samen,,ongunstig,,Drie,schaal,,,nee,1=Nee|2=Ja,", "Rij 5, kolom 'hoger_is'"),
        ("g1,cijfer,Cijfer,gunstig,,Uw cijfer,getal,,,nee,,", "Rij 5, kolom 'min'"),
        ("n1,,,,,Wat is uw naam?,tekst,,,nee,,", "Rij 5, kolom 'tekst'"),
        ("e1,,,,,Uw e-mailadres (voor de uitslag),tekst,,,nee,,", "Rij 5, kolom 'tekst'"),
        ("l1,oud,Oud,neutraal,,Wat is uw leeftijd?,getal,18,110,nee,,", "Rij 5, kolom 'tekst'"),
        ("k1,,,,,Kies,keuze,,,nee,1=Een,", "Rij 5, kolom 'antwoorden'"),
        ("a3,samen,,,,Stelling een,schaal,,,nee,1=Nee|2=Ja,", "Rij 5, kolom 'tekst'"),
        ("s1,nieuw,,,,Zonder richting,schaal,,,nee,1=Nee|2=Ja,", "kolom 'hoger_is'"),
    ],
)
def test_a_bad_questionnaire_names_row_and_column(tmp_path, line, expected):
    path = write_csv(tmp_path, SMALL + [line])
    with pytest.raises(QuestionnaireError) as info:
        vragenlijst(path)
    assert expected in str(info.value)
    assert "Verbeter het bestand" in str(info.value)


def test_questionnaire_missing_columns_and_empty(tmp_path):
    with pytest.raises(QuestionnaireError, match="mist de kolom"):
        vragenlijst(write_csv(tmp_path, ["code,tekst", "a,b"]))
    with pytest.raises(QuestionnaireError, match="geen vraag naar de buurt"):
        vragenlijst(write_csv(tmp_path, [HEADER]))
    with pytest.raises(QuestionnaireError, match="schaalvraag"):
        vragenlijst(write_csv(tmp_path, SMALL[:2]))
    with pytest.raises(QuestionnaireError, match="bestaat niet"):
        vragenlijst(tmp_path / "weg.csv")


# --------------------------------------------------------------------------- XLSForm


def test_xlsform_is_valid_for_pyxform_with_real_buurten(warm, tmp_path):
    import wijklib

    buurten = wijklib.kerncijfers("Utrecht", niveau="buurt")
    q = vragenlijst()
    path = to_xlsform(q, tmp_path / "enquete.xlsx", buurten, versie="1")
    assert check_xlsform(path) == []
    book = load_workbook(path, read_only=True)
    assert book.sheetnames == ["survey", "choices", "settings"]
    choices = list(book["choices"].iter_rows(values_only=True))
    buurt_names = {row[1] for row in choices[1:] if row[0] == "buurten"}
    assert set(buurten["code"]) <= buurt_names and "onbekend" in buurt_names
    survey_rows = list(book["survey"].iter_rows(values_only=True))
    header = survey_rows[0]
    pairs = [(row[header.index("type")], row[header.index("name")]) for row in survey_rows[1:]]
    types = dict((name, kind) for kind, name in pairs if kind not in ("end_group",))
    assert types["buurt"] == "select_one buurten"
    assert types["cijfer_buurt"] == "integer"
    assert ("begin_group", "cohesie") in pairs and ("end_group", "cohesie") in pairs
    labels = " ".join(str(row[header.index("label")]) for row in survey_rows[1:])
    assert "In welke buurt woont u?" in labels and "anoniem" in labels
    # no device ids, user names or phone numbers are collected
    assert not {"deviceid", "username", "phonenumber", "email"} & {kind for kind, _ in pairs}
    book.close()


def test_xlsform_small_form_and_wrong_suffix(tmp_path):
    q = vragenlijst()
    path = to_xlsform(q, tmp_path / "sub" / "form.xlsx", BUURTEN)
    assert check_xlsform(path) == []
    with pytest.raises(XLSFormError, match=".xlsx"):
        to_xlsform(q, tmp_path / "form.csv", BUURTEN)


def test_broken_xlsform_is_detected(tmp_path):
    q = vragenlijst()
    path = to_xlsform(q, tmp_path / "form.xlsx", BUURTEN)
    book = load_workbook(path)
    sheet = book["survey"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[header.index("name")].value == "leeftijdsgroep":
            row[header.index("type")].value = "select_one lijst_die_niet_bestaat"
    book.save(path)
    with pytest.raises(XLSFormError, match="XLSForm-regels"):
        check_xlsform(path)

    path2 = to_xlsform(q, tmp_path / "form2.xlsx", BUURTEN)
    book = load_workbook(path2)
    sheet = book["survey"]
    for row in sheet.iter_rows(min_row=2):
        if row[header.index("name")].value == "coh_prettig":
            row[header.index("name")].value = "coh_kennen"  # the same name twice
    book.save(path2)
    with pytest.raises(XLSFormError):
        check_xlsform(path2)
    with pytest.raises(XLSFormError, match="bestaat niet"):
        check_xlsform(tmp_path / "geen.xlsx")


# --------------------------------------------------------------------------- CSV header


def test_csv_header_for_forms():
    q = vragenlijst()
    line = csv_header(q)
    assert line.endswith("\n")
    names = next(csv.reader(io.StringIO(line), delimiter=";"))
    assert names[0] == "In welke buurt woont u?"
    assert len(names) == len(q.form_order())
    assert "De mensen kennen elkaar in deze buurt nauwelijks." in names
    codes = next(csv.reader(io.StringIO(csv_header(q, kolommen="code", sep=","))))
    assert codes[:3] == ["buurt", "postcode", "leeftijdsgroep"]
    with pytest.raises(survey.WijklibError):
        csv_header(q, kolommen="iets")


def test_the_header_and_the_paper_form_are_saved_whole_or_not_at_all(tmp_path, monkeypatch):
    import errno
    import os

    from wijklib.guarantees.writing import FileWriteError

    q = vragenlijst()
    header = survey.save_csv_header(q, tmp_path / "kopregel.csv")
    # with a BOM, so Dutch Excel reads the accents
    assert header.read_bytes().startswith(b"\xef\xbb\xbf")
    assert header.read_text("utf-8-sig") == csv_header(q)
    form = survey.save_printable(q, BUURTEN, tmp_path / "papier.html", min_groep=10)
    assert form.read_text("utf-8") == printable_html(q, BUURTEN, min_groep=10)

    def full(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(FileWriteError) as caught:
        survey.save_printable(q, BUURTEN, form, titel="Nieuw")
    assert "niet veranderd" in str(caught.value)
    assert form.read_text("utf-8") == printable_html(q, BUURTEN, min_groep=10)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kopregel.csv", "papier.html"]


# --------------------------------------------------------------------------- paper form


def test_printable_form_is_escaped_dutch_and_a4():
    q = vragenlijst()
    page = printable_html(q, BUURTEN, titel="Enquête <b>Zuid</b>", inleiding="Wij & jullie",
                          min_groep=10)
    assert page.startswith("<!DOCTYPE html>") and 'lang="nl"' in page
    assert "size: A4" in page
    assert INJECTED not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<b>Zuid</b>" not in page and "Wij &amp; jullie" in page
    assert "anoniem" in page and "minder dan 10 antwoorden" in page
    for question in q.questions:
        assert escape(question.tekst) in page
    assert "Welgelegen, Den Hommel" in page
    # nothing asks for a name, address or exact age
    lowered = page.casefold()
    for field in ("uw naam:", "adres:", "geboortedatum", "leeftijd:"):
        assert field not in lowered


@pytest.mark.browser
def test_resident_text_shows_literally_in_chromium(tmp_path):
    """A buurt name and an answer that would run as code stay text on every page we make."""
    from browser import ARTIFACTS_DIR, browse

    from wijklib.vertellen.practice import practice_export, practice_responses
    from wijklib.vertellen.responses import read_responses
    from wijklib.vertellen.scores import scale_scores, score_table_html

    q = vragenlijst()
    data = practice_responses(BUURTEN, seed=5, n=40, min_n=5)
    export = practice_export(data, q, "google", tmp_path / "google.csv", buurten=BUURTEN)
    imported = read_responses(export, q, BUURTEN)
    pages = {
        "formulier": printable_html(q, BUURTEN, titel=INJECTED, inleiding=INJECTED),
        "import": "<html><body>" + imported._repr_html_() + "</body></html>",
        "scores": "<html><body>" + score_table_html(scale_scores(imported.data, q, min_n=5))
        + "</body></html>",
    }
    for name, page in pages.items():
        path = tmp_path / f"{name}.html"
        path.write_text(page, encoding="utf-8")
        with browse(path) as session:
            text = session.evaluate("document.body.innerText")
            images = session.evaluate("document.querySelectorAll('img').length")
            session.screenshot(ARTIFACTS_DIR / f"enquete_{name}.png")
            report = session.report
        assert INJECTED in text, name
        assert images == 0 and report.dialogs == [] and report.page_errors == [], name
