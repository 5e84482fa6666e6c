"""The slips participants make, each with the exact wrong answer and specific Dutch feedback."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wijklib.agenda import state as ag
from wijklib.errors import WijklibError
from wijklib.guarantees import privacy
from wijklib.notebook import checks
from wijklib.notebook import checks_agenda as ca
from wijklib.notebook import checks_vertellen as cv
from wijklib.vertellen import krachten

AREAS = pd.DataFrame({
    "code": ["BU1", "BU2", "BU3"],
    "naam": ["Tigrisdreef en omgeving", "Taag- en Rubicondreef en omgeving", "Zambesidreef"],
    "woz_waarde": [300.0, np.nan, 150.0],
    "bevolkingsdichtheid": [9000.0, 12000.0, 4000.0],
})


@pytest.fixture(autouse=True)
def _not_strict(monkeypatch):
    monkeypatch.delenv("WIJKLIB_STRICT_CHECKS", raising=False)


# ------------------------------------------------------------- isna() without .sum()


def test_isna_without_sum_is_named_not_an_english_error():
    slip = checks.check_count_missing(AREAS["woz_waarde"].isna(), AREAS, "woz_waarde")
    assert slip.ok is False
    assert "hele kolom met True en False" in slip.message and ".sum()" in slip.message
    column = checks.check_count_missing(AREAS["woz_waarde"], AREAS, "woz_waarde")
    assert column.ok is False and "één getal" in column.message
    text = checks.check_count_missing("1", AREAS, "woz_waarde")
    assert text.ok is False and "één getal" in text.message
    assert checks.check_count_missing(AREAS["woz_waarde"].isna().sum(), AREAS,
                                      "woz_waarde").ok is True


def test_rank_change_with_a_whole_column_is_named():
    before = pd.DataFrame({"code": ["A", "B"], "rang": [2, 1]})
    after = pd.DataFrame({"code": ["A", "B"], "rang": [1, 2]})
    slip = checks.check_rank_change(before["rang"] - after["rang"], before, after, "A")
    assert slip.ok is False and "één getal" in slip.message


# --------------------------------------------------- a target outside the scale


def ambition(**changes):
    base = dict(thema="sociaal", ambitie="Bewoners kennen elkaar beter.", indicator="cohesie",
                bron="enquete", basiswaarde=6.1, basisjaar=2026, doel=6.7, doeljaar=2028,
                eenheid="0–10")
    return ag.Ambitie(**(base | changes))


def test_a_target_of_80_on_a_0_to_10_scale_is_not_good():
    slip = ca.check_ambition(ambition(doel=80), "sociaal")
    assert slip.ok is False
    assert "Je doel (80) kan niet" in slip.message and "0 tot 10" in slip.message
    # also when the unit was not passed on (an ambition typed by hand)
    by_hand = ca.check_ambition(ambition(doel=80, eenheid=""), "sociaal")
    assert by_hand.ok is False and "0 tot 10" in by_hand.message
    assert ca.check_ambition(ambition(), "sociaal").ok is True


def test_a_percentage_above_100_is_not_good():
    safe = ambition(thema="veiligheid", indicator="onveiligheid", basiswaarde=55.6, doel=-5,
                    eenheid="%")
    slip = ca.check_ambition(safe)
    assert slip.ok is False and "0% tot 100%" in slip.message
    cbs = ambition(thema="wonen", indicator="pct_onbewoond", bron="cbs", basiswaarde=4.0,
                   doel=140, eenheid="")
    assert "0 tot 100" in ca.check_ambition(cbs).message


# ----------------------------------------- personal data as a strength of the buurt


def test_privacy_finds_a_full_name_and_a_street_without_prefix():
    masked, found = privacy.mask_personal("Jan de Vries, Dreef 12")
    assert "Vries" not in masked and "12" not in masked
    assert privacy.ADDRESS in found and privacy.NAME in found
    for ordinary in ("Stichting de Boog helpt met taal.", "Park de Gagel is mooi.",
                     "Dreef 3 kinderen naar school.", "Bij de Kerk staat een bank."):
        assert privacy.mask_personal(ordinary) == (ordinary, [])


def test_jan_de_vries_dreef_12_is_refused_as_a_strength():
    before = krachten.add_asset(krachten.new_assets(), "BU00010001", "plekken", "Bibliotheek")
    with pytest.raises(WijklibError, match="adres"):
        krachten.add_asset(before, "BU00010001", "verenigingen", "Jan de Vries, Dreef 12")
    typed = pd.concat([before, pd.DataFrame([{"buurtcode": "BU00010001", "soort": "verenigingen",
                                              "naam_of_omschrijving": "Jan de Vries, Dreef 12",
                                              "kort": "zit in het bestuur"}])],
                      ignore_index=True)
    slip = cv.check_asset_added(typed, before, ["BU00010001"])
    assert slip.ok is False and "Goed zo" not in str(slip)
    assert "een adres" in slip.message and "een naam" in slip.message
    in_note = pd.concat([before, pd.DataFrame([{"buurtcode": "BU00010001", "soort": "plekken",
                                                "naam_of_omschrijving": "Buurttuin",
                                                "kort": "vraag Jan de Vries"}])],
                        ignore_index=True)
    assert cv.check_asset_added(in_note, before, ["BU00010001"]).ok is False


# ------------------------------------------------- a part of the name is enough


def test_a_part_of_a_buurt_name_is_enough_for_scores_and_flags():
    uitslag = pd.DataFrame({
        "schaal": ["cohesie"] * 3, "buurtcode": ["BU1", "BU2", "totaal"],
        "buurtnaam": ["Tigrisdreef en omgeving", "Zambesidreef", "hele gebied"],
        "score": [5.0, 6.5, 5.8], "verborgen": [False, False, False], "reden": ["", "", ""],
    })
    assert cv.check_lowest_buurt("Tigris", uitslag, "cohesie").ok is True
    high = cv.check_lowest_buurt("zambesi", uitslag, "cohesie")
    assert high.ok is False and "hóógste" in high.message
    rings = pd.DataFrame({
        "buurtcode": ["BU1", "BU2"], "buurtnaam": ["Tigrisdreef en omgeving", "Zambesidreef"],
        "thema": ["sociaal", "wonen"], "verschil": [20.0, -25.0], "vlag": [True, True],
    })
    assert ca.check_flagged_buurt("Tigris", rings).ok is True
    other = ca.check_flagged_buurt("Zambesi", rings)
    assert other.ok is False and "negatiever" in other.message
