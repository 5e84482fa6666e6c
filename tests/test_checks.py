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


def test_top_area_ignores_missing():
    assert checks.check_top_area("West", AREAS, "woz_waarde").ok is True
    assert checks.check_top_area("bu4", AREAS, "woz_waarde").ok is True
    low = checks.check_top_area("Zuid", AREAS, "woz_waarde")
    assert low.ok is False and "láágste" in low.message
    assert checks.check_top_area("Oost", AREAS, "woz_waarde").ok is False
    empty = AREAS.assign(woz_waarde=np.nan)
    assert checks.check_top_area("West", empty, "woz_waarde").ok is False


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
