"""Off the path: ordinary Python errors explained in Dutch, and checks that refuse stale values.

The pure parts are tested with real exceptions (raised by real pandas code); the whole is
tested in a real Jupyter kernel (nbclient), as a participant meets it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from wijklib.errors import UnknownGemeenteError
from wijklib.notebook import checks
from wijklib.notebook.failed_cells import CellTracker, assigned_names, read_names
from wijklib.notebook.uitleg import closest, explain, explanation_html, explanation_text

ROOT = Path(__file__).resolve().parents[1]
CIJFERS = pd.DataFrame({"code": ["BU1", "BU2"], "naam": ["Noord", "Zuid"],
                        "inwoners": [1000, 500], "woz_waarde": [250.0, np.nan],
                        "leeftijd_65_plus": [100, 80]})


def raised(code: str, namespace: dict | None = None) -> BaseException:
    """The exception that running ``code`` raises (compiled like a cell)."""
    ns = {"pd": pd, "cijfers": CIJFERS.copy(), **(namespace or {})}
    try:
        exec(compile(code, "<cel>", "exec"), ns)
    except BaseException as err:  # noqa: BLE001 - any error is what we test
        return err
    raise AssertionError(f"{code!r} raised nothing")


# ------------------------------------------------------------------------- explain


def test_missing_column_suggests_the_closest_names():
    err = raised("cijfers['inwonrs']")
    uitleg = explain(err, {"cijfers": CIJFERS})
    assert "De kolom 'inwonrs' bestaat niet" in uitleg.wat
    assert "Bedoel je 'inwoners'" in uitleg.doen[0]
    assert uitleg.soort == "KeyError" and uitleg.melding == "inwonrs"


def test_missing_columns_in_a_list_are_named():
    err = raised("cijfers[['naam', 'woz_waard']]")
    uitleg = explain(err)
    assert "'woz_waard'" in uitleg.wat
    assert any("Bedoel je 'woz_waarde'" in d for d in uitleg.doen)


def test_missing_column_inside_a_library_call_names_the_table_columns():
    # a wrong column name given to a checker: the lookup fails inside wijklib
    err = raised("from wijklib.notebook import checks\n"
                 "checks.check_share(cijfers['inwoners'], cijfers, 'leeftijd_65plus', 'inwoners')")
    uitleg = explain(err)
    assert any("'leeftijd_65_plus'" in d for d in uitleg.doen)


def test_key_of_a_dict_uses_the_names_in_the_notebook():
    stemmen = {"wonen": 3, "veiligheid": 5}
    err = raised("stemmen['veilgheid']", {"stemmen": stemmen})
    uitleg = explain(err, {"stemmen": stemmen})
    assert "Bedoel je 'veiligheid'" in " ".join(uitleg.doen)


def test_name_error_suggests_a_close_name_and_running_the_cells_above():
    err = raised("print(cijfer)")
    uitleg = explain(err, {"cijfers": CIJFERS, "GEMEENTE": "Utrecht"})
    assert uitleg.wat == "Python kent de naam 'cijfer' niet."
    assert "Bedoel je 'cijfers'" in uitleg.doen[0]
    assert any("Voer eerst de cellen erboven uit" in d for d in uitleg.doen)
    other = explain(raised("FOCUS = Overvecht"), {"cijfers": CIJFERS})
    assert any('aanhalingstekens omheen: "Overvecht"' in d for d in other.doen)
    case = explain(raised("gemeente"), {"GEMEENTE": "Utrecht"})
    assert "'GEMEENTE'" in case.doen[0]


@pytest.mark.parametrize(("code", "words"), [
    ("x = 'abc", "aanhalingsteken"),
    ("x = ('a', 'b'", "haakje"),
    ("if x > 1\n    y = 2", "dubbele punt"),
    ("x = [1 2]", "komma"),
    ("x = “tekst”", "krulletjes"),
])
def test_syntax_errors_name_the_line_and_the_usual_cause(code, words):
    err = raised(code)
    uitleg = explain(err)
    assert "schrijffout" in uitleg.wat and words in uitleg.wat + " ".join(uitleg.doen)
    assert uitleg.regel  # the line with the mistake is shown


def test_indentation_error():
    uitleg = explain(raised("x = 1\n    y = 2"))
    assert "regel 2" in uitleg.wat and "springt niet goed in" in uitleg.wat


def test_truth_value_of_a_series_says_sum():
    err = raised("if cijfers['woz_waarde'].isna():\n    pass")
    uitleg = explain(err)
    assert "hele kolom" in uitleg.wat
    assert ".sum()" in uitleg.doen[0]


def test_type_and_attribute_errors():
    ellipsis = explain(raised("antwoord = ...\nantwoord['naam']"))
    assert "drie puntjes" in ellipsis.wat
    called = explain(raised("cijfers('naam')"))
    assert "vierkante haken" in called.doen[0]
    text = explain(raised("'10' / 2"))
    assert "tekst" in text.wat
    attr = explain(raised("cijfers.sortvalues('naam')"))
    assert "'.sortvalues' bestaat niet bij DataFrame" in attr.wat
    assert "'.sort_values'" in attr.doen[0]
    column = explain(raised("cijfers.inwoner"))
    assert any("tabel[\"inwoners\"]" in d for d in column.doen)


def test_wijklib_errors_keep_their_own_dutch_message():
    err = UnknownGemeenteError("Utrect", ["Utrecht"])
    uitleg = explain(err, details="Traceback (most recent call last): ...")
    assert uitleg.eigen and uitleg.wat == str(err)
    assert "Traceback" not in explanation_html(uitleg)
    assert explanation_text(uitleg).startswith("Dat ging niet goed.")


def test_html_escapes_and_folds_the_traceback_away():
    err = raised("cijfers['<script>alert(1)</script>']")
    uitleg = explain(err, details="Traceback (most recent call last):\n  <b>KeyError</b>")
    page = explanation_html(uitleg)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<b>KeyError</b>" not in page
    assert page.index("<details") < page.index("Traceback (most recent call last)")
    assert "De volledige Engelse foutmelding" in page


def test_closest():
    assert closest("Inwoners", ["inwoners", "woz_waarde"]) == ["inwoners"]
    assert closest("xyz", ["inwoners"]) == []
    assert closest("65", ["leeftijd_65_plus", "inwoners"]) == []  # too short to be a part
    assert closest("woz", ["woz_waarde", "inwoners"]) == ["woz_waarde"]


# ------------------------------------------------------------------ stale answers


def test_assigned_and_read_names():
    cell = "oud = score.loc[code, 'rang']\nnieuw, rest = f(x)\nfor i in y: pass"
    assert assigned_names(cell) == {"oud", "nieuw", "rest", "i"}
    assert read_names("checks.check_share(aandeel_65, cijfers, 'a', 'b')") == {
        "checks", "aandeel_65", "cijfers"}
    broken = "aandeel_65 = cijfers['leeftijd_65_plus' / cijfers['inwoners'] * 100"
    assert assigned_names(broken) == {"aandeel_65"}  # read without parsing


def test_tracker_marks_the_names_a_failed_cell_did_not_set():
    ns: dict = {"aandeel_65": ..., "cijfers": CIJFERS}
    tracker = CellTracker(ns)
    cell = "aandeel_65 = cijfers['leeftijd_65plus'] / cijfers['inwoners'] * 100"
    tracker.before(cell)
    tracker.after(cell, 7, KeyError("leeftijd_65plus"))
    tracker.before("checks.check_share(aandeel_65, cijfers, 'leeftijd_65_plus', 'inwoners')")
    message = tracker.refusal()
    assert message is not None and "De cel erboven gaf een fout" in message
    assert "cel [7]" in message and "'aandeel_65'" in message and "los die eerst op" in message
    tracker.after("checks.check_share(...)", 8, None)
    # another cell that does not read it: no refusal
    tracker.before("print(cijfers)")
    assert tracker.refusal() is None
    tracker.after("print(cijfers)", 9, None)
    # fixed: the exercise cell runs without error, the check grades again
    fixed = "aandeel_65 = cijfers['leeftijd_65_plus'] / cijfers['inwoners'] * 100"
    tracker.before(fixed)
    ns["aandeel_65"] = CIJFERS["leeftijd_65_plus"] / CIJFERS["inwoners"] * 100
    tracker.after(fixed, 10, None)
    tracker.before("checks.check_share(aandeel_65, cijfers, 'leeftijd_65_plus', 'inwoners')")
    assert tracker.refusal() is None


def test_tracker_keeps_a_name_the_failed_cell_did_set_before_the_error():
    ns: dict = {"verschoven": 1}
    tracker = CellTracker(ns)
    cell = "verschoven = 5\nprint(verschoven.nope)"
    tracker.before(cell)
    ns["verschoven"] = 5000  # set, then the next line failed
    tracker.after(cell, 3, AttributeError("nope"))
    tracker.before("check(verschoven)")
    assert tracker.refusal() is None


def test_feedback_outside_a_notebook_is_unchanged(monkeypatch):
    monkeypatch.delenv("WIJKLIB_STRICT_CHECKS", raising=False)
    assert checks.check_count_missing(1, CIJFERS, "woz_waarde").ok is True


# ---------------------------------------------------------------- in a real kernel

CELLS = [
    "from wijklib.notebook import checks, setup\nimport pandas as pd\nsetup()\n"
    "cijfers = pd.DataFrame({'code': ['BU1', 'BU2'], 'naam': ['Noord', 'Zuid'],\n"
    "    'inwoners': [1000, 500], 'leeftijd_65_plus': [100, 80], 'woz_waarde': [250.0, None]})",
    "aandeel_65 = ...",
    # the exercise cell with a typo in a column name
    "aandeel_65 = cijfers['leeftijd_65plus'] / cijfers['inwoners'] * 100",
    "checks.check_share(aandeel_65, cijfers, 'leeftijd_65_plus', 'inwoners')",
    "aandeel_65 = cijfers['leeftijd_65_plus'] / cijfers['inwoners'] * 100",
    "checks.check_share(aandeel_65, cijfers, 'leeftijd_65_plus', 'inwoners')",
    "print(cijfer)",
    "x = ('a', 'b'",
    "zonder_woz = cijfers['woz_waarde'].isna()\nif zonder_woz:\n    print('leeg')",
    "from wijklib.data.areas import find_area\nfind_area(cijfers, 'Oost')",
    "setup(quiet=True)",  # the first cell run again: still one handler, one tracker
    "zonder_woz = cijfers['woz_waarde'].isna(",
    "checks.check_count_missing(zonder_woz, cijfers, 'woz_waarde')",
    "%tb",
]


@pytest.fixture
def kernel_notebook(tmp_path, monkeypatch):
    """Run CELLS in a real kernel that imports this checkout's wijklib; return the cells."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))
    monkeypatch.setenv("WIJKLIB_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("WIJKLIB_STRICT_CHECKS", raising=False)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    return json.loads(nbformat.writes(nb))["cells"]


def shown(cell: dict, mime: str = "text/plain") -> str:
    return "".join("".join(o.get("data", {}).get(mime, "")) + "".join(o.get("text", ""))
                   + o.get("ename", "") for o in cell["outputs"])


def run_cells(tmp_path, cells: list[str], env: dict[str, str]) -> list[dict]:
    """Run ``cells`` in a real kernel with ``env`` set; return the executed cells."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        nbclient.NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                                resources={"metadata": {"path": str(tmp_path)}}).execute()
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return json.loads(nbformat.writes(nb))["cells"]


@pytest.mark.notebook
def test_in_ci_mode_a_bug_keeps_its_traceback(tmp_path):
    path = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    cells = run_cells(tmp_path, [
        "from wijklib.notebook import setup\nsetup(quiet=True)",
        "{'a': 1}['b']",
        "from wijklib.errors import WijklibError\nraise WijklibError('Kies een buurt.')",
    ], {"PYTHONPATH": path, "WIJKLIB_STRICT_CHECKS": "1", "WIJKLIB_CACHE": str(tmp_path)})
    assert [o["output_type"] for o in cells[1]["outputs"]] == ["error"]
    assert "Dat ging niet goed." in shown(cells[2])  # wijklib's own message still Dutch


@pytest.mark.notebook
def test_in_a_kernel_errors_are_dutch_and_checks_do_not_grade_stale_values(kernel_notebook):
    cells = kernel_notebook
    kinds = [[o["output_type"] for o in c["outputs"]] for c in cells[:-1]]
    assert all("error" not in k for k in kinds), kinds  # no raw English traceback
    typo = cells[2]
    assert "De kolom 'leeftijd_65plus' bestaat niet" in shown(typo)
    assert "Bedoel je 'leeftijd_65_plus'" in shown(typo)
    html = shown(typo, "text/html")
    assert "<details" in html and "Traceback" in html.split("<details", 1)[1]
    stale = shown(cells[3])
    assert "Goed zo" not in stale and "Nog niet ingevuld" not in stale
    assert "De cel erboven gaf een fout" in stale and "los die eerst op" in stale
    assert "Goed zo!" in shown(cells[5])  # fixed: graded again
    assert "Python kent de naam 'cijfer' niet" in shown(cells[6])
    assert "Bedoel je 'cijfers'" in shown(cells[6])
    assert "regel 1" in shown(cells[7]) and "haakje" in shown(cells[7])
    assert ".sum()" in shown(cells[8])
    own = shown(cells[9])
    assert own.startswith("Dat ging niet goed.") and "Het gebied 'Oost'" in own
    assert "Traceback" not in shown(cells[9], "text/html")  # shown as it is
    assert "KeyError" not in own.split("Dat ging niet goed.", 1)[1].split("(De Engelse")[0]
    again = shown(cells[11])
    assert "Er mist een haakje" in again and again.count("Er ging iets mis") == 1
    refused = shown(cells[12])
    assert refused.count("De cel erboven gaf een fout") == 1 and "'zonder_woz'" in refused
    assert "SyntaxError" in shown(cells[13])  # %tb still shows the full English message


def test_a_missing_row_is_not_called_a_column():
    score = CIJFERS.set_index("code")
    row = explain(raised("score.loc['BU9', 'inwoners']", {"score": score}))
    assert "De rij 'BU9' staat niet in deze tabel" in row.wat
    assert any("BU1, BU2" in d for d in row.doen)
    column = explain(raised("score.loc['BU1', 'inwonrs']", {"score": score}))
    assert "De kolom 'inwonrs' bestaat niet" in column.wat
    series = explain(raised("score['inwoners']['BU3']", {"score": score}))
    assert "De rij 'BU3'" in series.wat


@pytest.mark.browser
@pytest.mark.notebook
def test_a_person_sees_the_dutch_box_and_not_the_folded_traceback(kernel_notebook, tmp_path):
    from test_notebooks import render

    nb = {"cells": kernel_notebook[:3], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    text, _, _, _ = render(nb, tmp_path / "fout.html", "foutuitleg", "[]")
    assert "De kolom 'leeftijd_65plus' bestaat niet" in text  # "Traceback" is folded away
    assert "De volledige Engelse foutmelding (voor de trainer)" in text


@pytest.mark.parametrize(("code", "words"), [
    ("cijfers['inwoners'] / 0 if False else 1 / 0", "deelt door 0"),
    ("cijfers[cijfers['inwoners'] > 10**6]['naam'].iloc[0]", "rij of plek die er niet is"),
    ("import wijklibb", "'wijklibb' is niet geïnstalleerd"),
    ("open('bestaat-niet.csv')", "bestand is niet gevonden"),
    ("float('zeven')", "verwacht een getal"),
    ("cijfers['nieuw'] = [1, 2, 3]", "aantal waarden past niet"),
    ("len(5)", "verkeerde soort"),
    ("def f(a, b):\n    return a\nf(1)", "ontbreekt iets tussen de haakjes"),
    ("sorted([3, 1], omgekeerd=True)", "'omgekeerd='"),
    ("x = None\nx['a']", "leeg (None)"),
])
def test_other_ordinary_errors_get_plain_words(code, words):
    uitleg = explain(raised(code))
    assert words in uitleg.wat + " ".join(uitleg.doen), (uitleg.soort, uitleg.wat)
    assert uitleg.doen  # always something to do
