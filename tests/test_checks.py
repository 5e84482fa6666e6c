"""Exercise checkers: a right answer passes, the usual wrong answers get a helpful hint."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wijklib.notebook import checks

AREAS = pd.DataFrame(
    {
        "code": ["BU1", "BU2", "BU3", "BU4"],
        "naam": ["Noord", "Oost", "Zuid", "West"],
        "inwoners": [1000.0, 500.0, 0.0, 250.0],
        "leeftijd_65_plus": [100.0, 150.0, 0.0, np.nan],
        "woz_waarde": [300.0, np.nan, 0.0, 450.0],
    }
)
WHOLE = pd.DataFrame({"code": ["GM1"], "inwoners": [1740.0]})


@pytest.fixture(autouse=True)
def lenient(monkeypatch):
    monkeypatch.delenv("WIJKLIB_STRICT_CHECKS", raising=False)


def test_share():
    right = AREAS["leeftijd_65_plus"] / AREAS["inwoners"] * 100
    assert checks.check_share(right, AREAS, "leeftijd_65_plus", "inwoners").ok is True
    fraction = checks.check_share(right / 100, AREAS, "leeftijd_65_plus", "inwoners")
    assert fraction.ok is False and "100" in fraction.message
    swapped = AREAS["inwoners"] / AREAS["leeftijd_65_plus"] * 100
    assert "andersom" in checks.check_share(swapped, AREAS, "leeftijd_65_plus", "inwoners").message
    assert checks.check_share(..., AREAS, "leeftijd_65_plus", "inwoners").ok is None
    assert checks.check_share(5, AREAS, "leeftijd_65_plus", "inwoners").ok is False


def test_indicator_choice():
    assert checks.check_indicator("woz_waarde", AREAS).ok is True
    count = checks.check_indicator("inwoners", AREAS)  # a count: not for a map
    assert count.ok is False and "is een aantal" in count.message and "pct_koopwoningen" in (
        count.message)
    wrong = checks.check_indicator("woz_waard", AREAS)
    assert wrong.ok is False and "woz_waarde" in wrong.message
    assert checks.check_indicator("pct_koopwoningen", AREAS).ok is False  # no column


def test_count_missing_is_not_counting_zeros():
    assert checks.check_count_missing(1, AREAS, "woz_waarde").ok is True
    zeros = checks.check_count_missing(
        1 + 0, AREAS.assign(woz_waarde=[0.0, np.nan, 0.0, 1.0]), "woz_waarde"
    )
    assert zeros.ok is True
    counted_zeros = checks.check_count_missing(
        2, AREAS.assign(woz_waarde=[0.0, np.nan, 0.0, 1.0]), "woz_waarde"
    )
    assert counted_zeros.ok is False and "isna" in counted_zeros.message


def test_sum_difference():
    assert checks.check_sum_difference(10, AREAS, WHOLE, "inwoners").ok is True
    assert "teken" in checks.check_sum_difference(-10, AREAS, WHOLE, "inwoners").message
    assert checks.check_sum_difference("tien", AREAS, WHOLE, "inwoners").ok is False


def test_rank_change():
    before = pd.DataFrame({"code": ["A", "B"], "rang": [2, 1]})
    after = pd.DataFrame({"code": ["A", "B"], "rang": [1, 2]})
    assert checks.check_rank_change(1, before, after, "A").ok is True
    assert checks.check_rank_change(-1, before, after, "A").ok is False


def test_strict_mode_raises(monkeypatch):
    monkeypatch.setenv("WIJKLIB_STRICT_CHECKS", "1")
    with pytest.raises(AssertionError, match="controle mislukt"):
        checks.check_sum_difference(-10, AREAS, WHOLE, "inwoners")
    assert checks.check_sum_difference(10, AREAS, WHOLE, "inwoners").ok is True


def test_feedback_html_is_escaped():
    shown = checks.Feedback(False, "<img src=x onerror=alert(1)>")._repr_html_()
    assert "<img" not in shown and "&lt;img" in shown


# ------------------------------------------- reading a difference with its margin

RATES = pd.DataFrame({
    "code": ["BU1", "BU2", "BU3", "BU4", "BU5"],
    "naam": ["Groot", "Klein", "Laag", "Leeg", "Gelijk"],
    "inwoners": [10000.0, 200.0, 10000.0, 800.0, 1000.0],
    "bijstand": [600.0, 8.0, 100.0, np.nan, 30.0],
})
RATES["bijstand_per_1000"] = RATES["bijstand"] / RATES["inwoners"] * 1000
CITY = pd.DataFrame({"code": ["GM1"], "naam": ["Stad"], "bijstand_per_1000": [30.0]})


def _reading(code):
    from wijklib.tellen.pitfalls import margin_comparison

    return margin_comparison(RATES, CITY, code, "bijstand_per_1000")


def test_margin_comparison_reads_direction_and_margin():
    groot, klein, laag, leeg = (_reading(c) for c in ("BU1", "BU2", "BU3", "BU4"))
    assert groot.attrs["lezing"] == "hoger_buiten"  # 60 per 1 000 on 600 cases
    assert klein.attrs["lezing"] == "hoger_binnen"  # 40 per 1 000 on 8 cases: chance
    assert klein["marge_van"].iloc[0] < 30 < klein["marge_tot"].iloc[0]
    assert laag.attrs["lezing"] == "lager_buiten"
    assert leeg.attrs["lezing"] == "geen_cijfer" and np.isnan(leeg["cijfer"].iloc[0])
    assert "geen 0" in leeg.attrs["uitleg"]
    assert _reading("BU5").attrs["lezing"] == "gelijk"
    assert "buiten de marge" in groot.attrs["uitleg"] and "60" in groot.attrs["uitleg"]


def test_margin_reading_right_answers():
    assert checks.check_margin_reading(..., _reading("BU1")).ok is None
    for code, letter in (("BU1", "A"), ("BU2", " b "), ("BU3", "C."), ("BU4", "e)")):
        result = checks.check_margin_reading(letter, _reading(code))
        assert result.ok is True, (code, result.message)
        assert "niet waarom" in result.message
    assert checks.check_margin_reading("D", _reading("BU5")).ok is True  # equal: no side


@pytest.mark.parametrize(("code", "letter", "expected"), [
    ("BU1", "F", "Pas op met 'dus'"),  # the over-reading, whatever the figures
    ("BU2", "F", "Pas op met 'dus'"),
    ("BU1", "B", "kijk naar de marge: die loopt van"),  # inside/outside mixed up
    ("BU2", "A", "kijk naar de marge: die loopt van"),
    ("BU1", "C", "Kijk nog eens naar de richting"),  # higher/lower mixed up
    ("BU3", "B", "Kijk nog eens naar de richting"),
    ("BU1", "E", "Er is wel een cijfer"),  # the figure is there
    ("BU4", "A", "Een ontbrekend cijfer is geen 0"),  # the figure is missing
    ("BU1", "G", "Kies één letter: A, B, C, D, E, F"),  # no such statement
    ("BU1", 1, "Kies één letter"),
])
def test_margin_reading_each_wrong_answer_gets_its_own_hint(code, letter, expected):
    result = checks.check_margin_reading(letter, _reading(code))
    assert result.ok is False and expected in result.message, result.message
    assert "Goed zo" not in str(result)


def test_an_indicator_without_figures_names_the_ones_that_have_them():
    missing = checks.check_indicator("pct_koopwoningen", AREAS)
    assert missing.ok is False and "geen cijfers" in missing.message
    assert "'woz_waarde'" in missing.message  # the one map figure these areas do have
    assert "'inwoners'" not in missing.message  # a count is not offered


def test_rank_change_when_no_area_has_a_score_says_the_exercise_cannot_be_done(monkeypatch):
    """A year whose table lacks the weighted figures (Zaanstad 2017): no area has a score.
    That is not the participant's slip, so the check says why and, even in strict mode,
    does not call it a wrong answer; one area without a score still is a slip to fix."""
    monkeypatch.setenv("WIJKLIB_STRICT_CHECKS", "1")
    nothing = pd.DataFrame({"code": ["A", "B"], "rang": pd.array([None, None], dtype="Int64")})
    result = checks.check_rank_change(0, nothing, nothing, "A")
    assert result.ok is None and "kan hier niet" in str(result)
    assert "geen enkel gebied" in result.message
    one = pd.DataFrame({"code": ["A", "B"], "rang": pd.array([None, 1], dtype="Int64")})
    with pytest.raises(AssertionError, match="te weinig cijfers"):
        checks.check_rank_change(0, one, one, "A")
