"""Checkers of notebook 2: a right answer passes, usual wrong answers get a helpful hint."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wijklib.notebook import checks_vertellen as cv
from wijklib.vertellen import krachten, practice, scores, survey, themas, verhalen

BUURTEN = pd.DataFrame({
    "code": ["BU00010001", "BU00010002", "BU00010003", "BU00010004"],
    "naam": ["Noord", "Oost", "Zuid", "Klein"],
    "inwoners": [6000.0, 5000.0, 4000.0, 300.0],
})


@pytest.fixture(autouse=True)
def lenient(monkeypatch):
    monkeypatch.delenv("WIJKLIB_STRICT_CHECKS", raising=False)


@pytest.fixture(scope="module")
def vragen():
    return survey.vragenlijst()


@pytest.fixture(scope="module")
def antwoorden(vragen):
    return practice.practice_responses(BUURTEN, seed=1, questionnaire=vragen)


@pytest.fixture(scope="module")
def uitslag(antwoorden, vragen):
    return scores.scale_scores(antwoorden, vragen, min_n=10, buurten=BUURTEN)


# --------------------------------------------------------------------------- opdracht 1


def test_respondents_per_buurt_by_name_code_or_dict(antwoorden):
    by_name = antwoorden["buurtnaam"].value_counts()
    right = cv.check_respondents_per_buurt(by_name, antwoorden)
    assert right.ok is True and "minder dan 10" in right.message  # Klein has 4
    assert cv.check_respondents_per_buurt(antwoorden.groupby("buurtcode").size(),
                                          antwoorden).ok is True
    assert cv.check_respondents_per_buurt(by_name.to_dict(), antwoorden).ok is True
    assert cv.check_respondents_per_buurt(by_name.to_frame(), antwoorden).ok is True


def test_respondents_per_buurt_wrong_answers(antwoorden):
    by_name = antwoorden["buurtnaam"].value_counts()
    wrong = cv.check_respondents_per_buurt(by_name + 1, antwoorden)
    assert wrong.ok is False and "aantallen" in wrong.message
    per_column = cv.check_respondents_per_buurt(antwoorden.count(), antwoorden)
    assert per_column.ok is False and "per buurt" in per_column.message
    assert cv.check_respondents_per_buurt(len(antwoorden), antwoorden).ok is False
    assert cv.check_respondents_per_buurt(..., antwoorden).ok is None


# --------------------------------------------------------------------------- opdracht 2


def test_lowest_buurt(uitslag):
    cohesie = uitslag[(uitslag["schaal"] == "cohesie") & (uitslag["buurtcode"] != "totaal")]
    lowest = cohesie.sort_values("score")["buurtnaam"].iloc[0]
    highest = cohesie.dropna(subset=["score"]).sort_values("score")["buurtnaam"].iloc[-1]
    right = cv.check_lowest_buurt(lowest, uitslag, "cohesie")
    assert right.ok is True and "," in right.message  # Dutch decimal comma
    code = cohesie.set_index("buurtnaam").loc[lowest, "buurtcode"]
    assert cv.check_lowest_buurt(code.lower(), uitslag, "cohesie").ok is True
    high = cv.check_lowest_buurt(highest, uitslag, "cohesie")
    assert high.ok is False and "hóógste" in high.message
    hidden = cv.check_lowest_buurt("Klein", uitslag, "cohesie")
    assert hidden.ok is False and "te weinig antwoorden" in hidden.message
    second = cohesie.loc[cohesie["reden"] == "verborgen om terugrekenen te voorkomen",
                         "buurtnaam"]
    assert len(second) == 1  # Klein (4) alone would follow from the whole area
    also = cv.check_lowest_buurt(second.iloc[0], uitslag, "cohesie")
    assert also.ok is False and "terugrekenen" in also.message
    area = cv.check_lowest_buurt("Hele gebied", uitslag, "cohesie")
    assert area.ok is False and "hele gebied" in area.message
    assert cv.check_lowest_buurt(..., uitslag, "cohesie").ok is None


def test_lowest_buurt_when_everything_is_hidden(uitslag):
    hidden = uitslag.assign(verborgen=True, score=np.nan)
    assert cv.check_lowest_buurt("Noord", hidden, "cohesie").ok is None


# --------------------------------------------------------------------------- opdracht 3


def test_within_margin_real_comparison(uitslag):
    vergelijking = scores.compare_buurten(uitslag, "cohesie")
    row = vergelijking.set_index("buurtnaam").loc["Oost"]
    answer = abs(row["verschil"]) <= row["marge"]
    assert isinstance(answer, np.bool_)
    right = cv.check_within_margin(answer, vergelijking, row["buurtcode"])
    assert right.ok is True and "onzekerheid" in right.message
    wrong = cv.check_within_margin(not bool(answer), vergelijking, row["buurtcode"])
    assert wrong.ok is False and "abs()" in wrong.message


def test_within_margin_cases():
    table = pd.DataFrame({"buurtcode": ["BU1", "BU2", "BU3"], "verschil": [-0.3, 1.5, np.nan],
                          "marge": [0.5, 0.6, np.nan]})
    assert cv.check_within_margin(True, table, "BU1").ok is True  # |-0.3| <= 0.5
    assert cv.check_within_margin(False, table, "BU1").ok is False  # the sign misleads
    assert cv.check_within_margin(False, table, "BU2").ok is True
    assert cv.check_within_margin("nee", table, "BU2").ok is False  # not True/False
    assert cv.check_within_margin(True, table, "BU3").ok is None  # hidden buurt
    assert cv.check_within_margin(True, table, "BU9").ok is None
    assert cv.check_within_margin(..., table, "BU1").ok is None


# --------------------------------------------------------------------------- opdracht 4


@pytest.fixture(scope="module")
def suggesties():
    stories = verhalen.new_stories()
    for text in ("Het park is mooi geworden sinds de nieuwe bomen er staan.",
                 "Toen mijn man ziek was, kwam de buurvrouw elke dag langs met soep.",
                 "De school doet veel voor de ouders.",
                 "Er wordt hard gereden in de straat."):
        stories = verhalen.add_story(stories, "BU00010001", text, "gesprek")
    return themas.suggest_themes(stories)


def test_theme_decisions_right(suggesties):
    right = cv.check_theme_decisions({0: ["leefomgeving"], 1: ["sociaal"],
                                      2: ["voorzieningen", "jeugd"]}, suggesties, [0, 1, 2])
    assert right.ok is True
    assert "1 afgewezen" in right.message and "1 thema('s) zelf toegevoegd" in right.message
    # a single theme as text, an empty list, and keys as text all work
    assert cv.check_theme_decisions({"0": "leefomgeving", 1: [], 2: ["voorzieningen"]},
                                    suggesties, [0, 1, 2]).ok is True


def test_theme_decisions_wrong(suggesties):
    missing = cv.check_theme_decisions({0: ["leefomgeving"], 1: ["sociaal"]}, suggesties,
                                       [0, 1, 2])
    assert missing.ok is False and "mist verhaal 2" in missing.message
    extra = cv.check_theme_decisions({0: [], 1: [], 2: [], 3: []}, suggesties, [0, 1, 2])
    assert extra.ok is False and "Verhaal 3" in extra.message
    unknown = cv.check_theme_decisions({0: ["groen"], 1: [], 2: []}, suggesties, [0, 1, 2])
    assert unknown.ok is False and "'groen' bestaat niet" in unknown.message
    assert cv.check_theme_decisions(["sociaal"], suggesties, [0, 1, 2]).ok is False
    bad_key = cv.check_theme_decisions({"een": []}, suggesties, [0, 1, 2])
    assert bad_key.ok is False and "verhaalnummer" in bad_key.message
    assert cv.check_theme_decisions(..., suggesties, [0, 1, 2]).ok is None


# --------------------------------------------------------------------------- opdracht 5

NOTES = pd.DataFrame({
    "buurtcode": ["BU1", "BU1", "BU1", "BU2", "BU2", "BU3"],
    "buurtnaam": ["Noord", "Noord", "Noord", "Oost", "Oost", "Zuid"],
    "categorie": ["kans", "knelpunt", "knelpunt", "kans", "idee", "favoriete plek"],
})


@pytest.mark.parametrize(("focus", "letter"), [("BU1", "A"), ("BU2", " b "), ("BU3", "C."),
                                              ("BU9", "c)")])
def test_notes_reading_right_answer(focus, letter):
    result = cv.check_notes_reading(letter, NOTES, focus)
    assert result.ok is True, result.message
    assert "wat de mensen die meededen opviel" in result.message


def test_notes_reading_counts_are_named():
    assert "Noord: 1 kans en 2 knelpunten" in cv.check_notes_reading("A", NOTES, "BU1").message
    assert cv.check_notes_reading(..., NOTES, "BU1").ok is None


@pytest.mark.parametrize(("focus", "letter", "expected"), [
    ("BU1", "B", "Kijk nog eens in de rij van je focusbuurt"),  # more knelpunten
    ("BU1", "C", "Noord: 1 kans en 2 knelpunten"),
    ("BU2", "A", "Oost: 1 kans en 0 knelpunten"),
    ("BU3", "B", "Zuid: 0 kansen en 0 knelpunten"),  # a favourite place is not a kans
    ("BU1", "D", "niet hoe goed een buurt is"),  # the over-readings, whatever the counts
    ("BU2", "D", "Waar meer mensen meededen, staan meer notities"),
    ("BU1", "E", "niet van alle bewoners"),
    ("BU1", "F", "Kies één letter: A, B, C, D, E"),
    ("BU1", 1, "Kies één letter"),
])
def test_notes_reading_each_wrong_answer_gets_its_own_hint(focus, letter, expected):
    result = cv.check_notes_reading(letter, NOTES, focus)
    assert result.ok is False and expected in result.message, result.message


# --------------------------------------------------------------------------- opdracht 6


def test_asset_added():
    before = krachten.add_asset(krachten.new_assets(), "BU00010001", "plekken", "Bibliotheek")
    after = krachten.add_asset(before, "BU00010001", "verenigingen",
                               "Moestuinclub achter de flats", "samen tuinieren")
    right = cv.check_asset_added(after, before, BUURTEN["code"])
    assert right.ok is True and "Moestuinclub" in right.message
    assert cv.check_asset_added(after, before).ok is True  # without a list of buurten


def test_asset_added_wrong_answers():
    before = krachten.add_asset(krachten.new_assets(), "BU00010001", "plekken", "Bibliotheek")
    same = cv.check_asset_added(before, before, BUURTEN["code"])
    assert same.ok is False and "niets toegevoegd" in same.message
    shorter = cv.check_asset_added(krachten.new_assets(), before, BUURTEN["code"])
    assert shorter.ok is False and "korter" in shorter.message
    elsewhere = krachten.add_asset(before, "BU09990001", "plekken", "Speeltuin")
    outside = cv.check_asset_added(elsewhere, before, BUURTEN["code"])
    assert outside.ok is False and "niet in je gebied" in outside.message
    typed = pd.concat([before, pd.DataFrame([{"buurtcode": "BU00010001", "soort": "huizen",
                                              "naam_of_omschrijving": "Flat"}])],
                      ignore_index=True)
    assert "soort" in cv.check_asset_added(typed, before, BUURTEN["code"]).message
    personal = pd.concat([before, pd.DataFrame([{
        "buurtcode": "BU00010001", "soort": "mensen",
        "naam_of_omschrijving": "buurman, bel 06-12345678"}])], ignore_index=True)
    assert "zonder naam" in cv.check_asset_added(personal, before, BUURTEN["code"]).message
    many = pd.concat([before] * 6, ignore_index=True)
    assert cv.check_asset_added(many, before, BUURTEN["code"]).ok is False
    assert cv.check_asset_added("Bibliotheek", before).ok is False
    assert cv.check_asset_added(..., before).ok is None


# --------------------------------------------------------------------------- strict mode


def test_strict_mode_raises_on_wrong_and_empty(monkeypatch):
    monkeypatch.setenv("WIJKLIB_STRICT_CHECKS", "1")
    table = pd.DataFrame({"buurtcode": ["BU1"], "verschil": [1.5], "marge": [0.6]})
    assert cv.check_within_margin(False, table, "BU1").ok is True
    with pytest.raises(AssertionError, match="controle mislukt"):
        cv.check_within_margin(True, table, "BU1")
    with pytest.raises(AssertionError):
        cv.check_within_margin(..., table, "BU1")


def test_respondents_per_buurt_says_the_actual_minimum(antwoorden):
    by_name = antwoorden["buurtnaam"].value_counts()
    strict = cv.check_respondents_per_buurt(by_name, antwoorden, min_n=30)
    assert strict.ok is True and "minder dan 30 respondenten" in strict.message
    assert "minder dan 10" not in strict.message


def test_theme_decisions_any_case_and_number_of_stories(suggesties):
    right = cv.check_theme_decisions({0: ["Leefomgeving"], 1: [" SOCIAAL "]}, suggesties,
                                     [0, 1])
    assert right.ok is True and "twee verhalen bekeken" in right.message
    assert "drie" not in right.message
    missing = cv.check_theme_decisions({0: []}, suggesties, [0, 1, 2, 3])
    assert missing.ok is False and "elk van de vier verhalen" in missing.message
    one = cv.check_theme_decisions({0: [], 1: []}, suggesties, [0])
    assert one.ok is False and "het verhaal uit de tabel" in one.message
