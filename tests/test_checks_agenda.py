"""Checkers of notebook 3: a right answer, wrong answers with a useful hint, not filled in."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from wijklib.agenda import ringen
from wijklib.agenda import state as ag
from wijklib.notebook import checks_agenda as ca


@pytest.fixture(autouse=True)
def _not_strict(monkeypatch):
    monkeypatch.delenv("WIJKLIB_STRICT_CHECKS", raising=False)


def rings(rows):
    """A small gap_flags-like table from (code, naam, thema, cijfers, beleving, vlag)."""
    frame = pd.DataFrame(rows, columns=["buurtcode", "buurtnaam", "thema", "cijfers",
                                        "beleving", "vlag"])
    frame["verschil"] = frame["beleving"] - frame["cijfers"]
    return frame


RINGS = rings([
    ("B1", "Noord", "wonen", 90.0, 100.0, False),
    ("B1", "Noord", "veiligheid", math.nan, 80.0, False),
    ("B1", "Noord", "sociaal", 110.0, 85.0, True),
    ("B1", "Noord", "voorzieningen", 100.0, 112.0, False),
    ("B2", "Zuid", "wonen", 80.0, 110.0, True),
    ("B2", "Zuid", "sociaal", 100.0, 101.0, False),
    ("B3", "West", "wonen", 120.0, 95.0, True),
])


def test_strict_mode_raises_on_anything_but_right(monkeypatch):
    monkeypatch.setenv("WIJKLIB_STRICT_CHECKS", "1")
    assert ca.check_largest_gap("sociaal", RINGS, "B1").ok is True
    with pytest.raises(AssertionError, match="controle mislukt"):
        ca.check_largest_gap("wonen", RINGS, "B1")
    with pytest.raises(AssertionError):
        ca.check_largest_gap(..., RINGS, "B1")


def test_largest_gap():
    assert ca.check_largest_gap(..., RINGS, "B1").ok is None
    right = ca.check_largest_gap(" Sociaal ", RINGS, "B1")
    assert right.ok is True and "25" in right.message
    signed = ca.check_largest_gap("voorzieningen", RINGS, "B1")  # largest positive, not largest
    assert signed.ok is False and ".abs()" in signed.message
    missing = ca.check_largest_gap("veiligheid", RINGS, "B1")
    assert missing.ok is False and "geen gegevens" in missing.message
    smallest = ca.check_largest_gap("wonen", RINGS, "B1")
    assert smallest.ok is False and "kleinste" in smallest.message
    unknown = ca.check_largest_gap("verkeer", RINGS, "B1")
    assert unknown.ok is False and "Kies uit" in unknown.message
    assert ca.check_largest_gap(3, RINGS, "B1").ok is False


def test_largest_gap_without_any_gap():
    only_one_side = rings([("B9", "Oost", "wonen", math.nan, 90.0, False)])
    assert ca.check_largest_gap("geen", only_one_side, "B9").ok is True
    wrong = ca.check_largest_gap("wonen", only_one_side, "B9")
    assert wrong.ok is False and '"geen"' in wrong.message


def test_flagged_buurt():
    assert ca.check_flagged_buurt(None, RINGS).ok is None
    assert ca.check_flagged_buurt("Zuid", RINGS).ok is True
    assert ca.check_flagged_buurt("b2", RINGS).ok is True  # the code works too
    other_way = ca.check_flagged_buurt("West", RINGS)
    assert other_way.ok is False and "negatiever" in other_way.message
    assert ca.check_flagged_buurt("West", RINGS, richting="negatiever").ok is True
    no_flag = ca.check_flagged_buurt("Noord", rings([("B1", "Noord", "wonen", 90, 95, False)]
                                                    + [("B2", "Zuid", "wonen", 80, 110, True)]))
    assert no_flag.ok is False and "geen vlag" in no_flag.message
    assert ca.check_flagged_buurt("Nergens", RINGS).ok is False
    # only the buurten of the wijk count
    outside = ca.check_flagged_buurt("Zuid", RINGS, buurten=["B1", "B3"])
    assert outside.ok is False and '"geen"' in outside.message
    assert ca.check_flagged_buurt("geen", RINGS, buurten=["B1", "B3"]).ok is True
    assert ca.check_flagged_buurt("Zuid", RINGS.drop(columns="vlag")).ok is False


def ambition(**changes):
    base = dict(thema="sociaal", ambitie="Bewoners kennen elkaar beter.", indicator="cohesie",
                bron="enquete", basiswaarde=4.7, basisjaar=2026, doel=5.5, doeljaar=2028)
    return ag.Ambitie(**(base | changes))


def test_ambition():
    assert ca.check_ambition(..., "sociaal").ok is None
    right = ca.check_ambition(ambition(), "sociaal")
    assert right.ok is True and "4,7" in right.message and "2028" in right.message
    assert "4.7" not in right.message  # Dutch decimal comma
    assert ca.check_ambition(ambition(doel="minstens 6"), "sociaal").ok is True
    cases = {
        "Ambitie(": "geen ambitie",
        "thema 'sociaal'": ambition(thema="wonen"),
        "gewone woorden": ambition(ambitie=" "),
        "indicator": ambition(indicator=""),
        "nulmeting": ambition(basiswaarde=None),
        "basisjaar": ambition(basisjaar=None),
        "nog geen doel": ambition(doel=None),
        "doeljaar=": ambition(doeljaar=None),
        "moet na": ambition(doeljaar=2026),
        "gelijk": ambition(doel=4.7),
        "Draai": ambition(doel=4.0),  # cohesie: higher is better
    }
    for hint, answer in cases.items():
        result = ca.check_ambition(answer, "sociaal")
        assert result.ok is False and hint in result.message, (hint, result.message)


def test_ambition_direction_for_survey_and_cbs_indicators():
    safe = ambition(thema="veiligheid", indicator="onveiligheid", basiswaarde=55.6, doel=45)
    assert ca.check_ambition(safe).ok is True
    wrong = ca.check_ambition(ambition(indicator="onveiligheid", basiswaarde=55.6, doel=60))
    assert wrong.ok is False and "is lager beter" in wrong.message
    cbs = ambition(indicator="bijstand_per_1000", bron="cbs", basiswaarde=80, basisjaar=2023,
                   doel=90, doeljaar=2027)
    assert ca.check_ambition(cbs).ok is False  # bijstand: lower is better
    unknown = ambition(indicator="eigen_telling", bron="eigen", basiswaarde=3, doel=1)
    assert ca.check_ambition(unknown).ok is True  # direction unknown: not judged


def test_action():
    partners = ["woningcorporatie", "bewoners"]
    assert ca.check_action(None, partners).ok is None
    assert ca.check_action(ag.Actie("Buurtschouw", "bewoners", "mei"), ...).ok is None
    wrong_kind = ca.check_action("Buurtschouw", partners)
    assert wrong_kind.ok is False and "ag.Actie(" in wrong_kind.message
    empty = ca.check_action([], partners)
    assert empty.ok is False and "geen actie" in empty.message
    when = ca.check_action(ag.Actie("Buurtschouw", "woningcorporatie", " "), partners)
    assert when.ok is False and "wanneer" in when.message
    right = ca.check_action(ag.Actie("Buurtschouw", "Woningcorporatie", "maart 2027"), partners)
    assert right.ok is True and "Woningcorporatie" in right.message
    several = [ag.Actie("Ontbijt", "welzijn", "mei"), ag.Actie("Schouw", "bewoners", "juni")]
    assert ca.check_action(several, partners).ok is True
    missing = ca.check_action([several[0], ag.Actie("Schouw", "", "juni")], partners)
    assert missing.ok is False and "actie 2" in missing.message
    stranger = ca.check_action(ag.Actie("Buurtschouw", "politie", "maart 2027"), partners)
    assert stranger.ok is False and "ook een partner" in stranger.message
    assert "als lijst" in ca.check_action(several, "bewoners").message
    assert "leeg" in ca.check_action(several, [" "]).message


def test_direction_lookup():
    assert ca._direction("onveiligheid") == "ongunstig"
    assert ca._direction("cohesie") == "gunstig"
    assert ca._direction("inkomen_per_inwoner") == "gunstig"  # from the catalogue
    assert ca._direction("woz_waarde") is None  # neutral in the catalogue: not judged
    assert ca._direction("bijstand_per_1000") == "ongunstig"
    assert ca._direction("bestaat_niet") is None
    assert set(ringen.definitie()["hoger_is"]) <= {"gunstig", "ongunstig"}


def test_largest_gap_for_a_buurt_that_is_not_in_the_table():
    result = ca.check_largest_gap("wonen", RINGS, "B9")
    assert result.ok is False and "staat niet in de tabel" in result.message
    assert "Klopt" not in ca.check_largest_gap(ca.NOTHING, RINGS, "B9").message
    assert ca.check_largest_gap(ca.NOTHING, RINGS.iloc[0:0], "B1").ok is False  # empty table


def test_ambition_feedback_uses_dutch_numbers():
    wrong = ca.check_ambition(ambition(basiswaarde=6.25, doel=5.5), "sociaal")
    assert wrong.ok is False and "(5,5)" in wrong.message and "(6,3)" in wrong.message
    assert "6.2" not in wrong.message and "5.5" not in wrong.message
    right = ca.check_ambition(ambition(basiswaarde=6.25, doel=6.8), "sociaal")
    assert right.ok is True and "van 6,3 (2026) naar 6,8" in right.message


def test_vote_reading_asks_for_the_top_theme_and_both_sides():
    vote = ag.dot_vote({"veiligheid": 5, "sociaal": 4, "wonen": 3, "voorzieningen": 0})
    both = "De cijfers van het CBS zeggen weinig, maar bewoners vertellen over donkere paden."
    assert ca.check_vote_reading(..., ..., vote).ok is None
    right = ca.check_vote_reading(" Veiligheid ", both, vote)
    assert right.ok is True and "bovenaan" in right.message
    cases = {
        "plaats 2": ("sociaal", both),
        "staat niet bij de stemming": ("verkeer", both),
        "aanhalingstekens": (3, both),
        "Schrijf nu in 'waarom'": ("veiligheid", ...),
        "iets meer": ("veiligheid", "Cijfers en bewoners."),
        "Wat zeggen de": ("veiligheid", "Bewoners vertellen dat ze zich 's avonds niet "
                                        "veilig voelen op straat."),
        "Wat vertellen bewoners": ("veiligheid", "Het CBS heeft geen cijfers over "
                                                 "misdaad in deze buurt, helaas."),
    }
    for expected, (top, why) in cases.items():
        result = ca.check_vote_reading(top, why, vote)
        assert result.ok is False and expected in result.message, (expected, result.message)
    with_number = "In 2023 woonden hier veel mensen die zich onveilig voelen, zeggen ze."
    assert ca.check_vote_reading("veiligheid", with_number, vote).ok is True  # a figure
    assert "gestemd" in ca.check_vote_reading("veiligheid", both, []).message


def test_vote_reading_accepts_every_theme_that_shares_the_first_place():
    vote = ag.dot_vote({"wonen": 4, "sociaal": 4, "veiligheid": 1})
    why = "De cijfers-ring is laag en in de verhalen van bewoners komt het vaak terug."
    for theme in ("wonen", "sociaal"):
        result = ca.check_vote_reading(theme, why, vote)
        assert result.ok is True and "Samen bovenaan: " in result.message
    assert ca.check_vote_reading("veiligheid", why, vote).ok is False

