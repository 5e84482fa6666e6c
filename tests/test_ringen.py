"""Two rings per theme: known inputs give known scores, missing stays missing, gaps flagged."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import geopandas as gpd  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from shapely.geometry import box  # noqa: E402

import wijklib  # noqa: E402
from wijklib.agenda import ringen
from wijklib.data import catalog
from wijklib.errors import DataNotAvailableError, InvalidChoiceError  # noqa: E402
from wijklib.tellen import pitfalls
from wijklib.tellen.compare import format_number

INJECTED = "<img src=x onerror=alert(1)>"
SCALES = {"rapportcijfer", "cohesie", "onveiligheid", "overlast", "voorzieningen",
          "betrokkenheid", "verloedering"}


# ----------------------------------------------------------------------- builders


def figures(rows: dict[str, dict[str, float]]) -> pd.DataFrame:
    """A kerncijfers-like frame: one row per buurt code, with attrs for years and tables."""
    frame = pd.DataFrame(
        [{"code": code, "naam": f"Buurt {code}", **values} for code, values in rows.items()]
    )
    frame.attrs["indicators"] = {
        "pct_onbewoond": {"year": 2024, "table_id": "85984NED"},
        "aardgas": {"year": 2023, "table_id": "85618NED"},
        "bijstand_per_1000": {"year": 2024, "table_id": "85984NED"},
        "ww_per_1000": {"year": 2024, "table_id": "85984NED"},
        "arbeidsparticipatie": {"year": 2023, "table_id": "85618NED"},
    }
    return frame


GEMEENTE = {"pct_onbewoond": 4.0, "aardgas": 1000.0, "bijstand_per_1000": 30.0,
            "ww_per_1000": 10.0, "arbeidsparticipatie": 70.0}


def mechanics_definition() -> pd.DataFrame:
    """The default definition, but with two CBS figures on wonen: to test the mechanics.

    (The default wonen figure, the Leefbaarometer, is not in the CBS data.)
    """
    default = ringen.definitie()
    wonen = pd.DataFrame([
        {"thema": "wonen", "ring": "cijfers", "naam": "pct_onbewoond",
         "label": "Aandeel onbewoonde woningen", "bron": "cbs", "hoger_is": "ongunstig",
         "toelichting": ""},
        {"thema": "wonen", "ring": "cijfers", "naam": "aardgas",
         "label": "Gemiddeld aardgasverbruik per woning", "bron": "cbs",
         "hoger_is": "ongunstig", "toelichting": ""},
    ])
    rest = default[~((default["thema"] == "wonen") & (default["ring"] == "cijfers"))]
    return ringen.check_definitie(pd.concat([wonen, rest], ignore_index=True))


MECHANICS = mechanics_definition()


def survey(rows: list[tuple]) -> pd.DataFrame:
    """Scale scores as ``vertellen.scores`` gives them: (buurtcode, schaal, score, lo, hi, n)."""
    directions = {"onveiligheid": "ongunstig", "overlast": "ongunstig"}
    records = []
    for code, scale, score, lo, hi, n in rows:
        hidden = score is None
        records.append({
            "buurtcode": code, "buurtnaam": "Alle deelnemers" if code == "totaal" else
            f"Buurt {code}", "schaal": scale, "label": scale,
            "score": np.nan if hidden else score, "ondergrens": np.nan if hidden else lo,
            "bovengrens": np.nan if hidden else hi, "n": n, "verborgen": hidden,
            "hoger_is": directions.get(scale, "gunstig"),
        })
    return pd.DataFrame(records)


def ring_rows(rows: list[dict]) -> pd.DataFrame:
    """A two_rings-like table from partial rows."""
    base = {"buurtcode": "B1", "buurtnaam": "Buurt 1", "thema": "wonen", "cijfers": np.nan,
            "beleving": np.nan, "beleving_onder": np.nan, "beleving_boven": np.nan, "n": 40,
            "verborgen": False, "n_indicators": 1, "indicatoren": "", "jaren": "2024",
            "bronnen": "CBS", "schalen": ""}
    frame = pd.DataFrame([{**base, **row} for row in rows])
    frame["verschil"] = frame["beleving"] - frame["cijfers"]
    frame["signaal"] = ""
    return frame


# --------------------------------------------------------------------- definition


def test_default_definition_has_five_themes_with_directions():
    definition = ringen.definitie()
    assert ringen.themes() == ["wonen", "veiligheid", "sociaal", "voorzieningen",
                               "leefomgeving"]
    assert set(definition["ring"]) == {"cijfers", "beleving"}
    assert set(definition["hoger_is"]) <= {"gunstig", "ongunstig"}
    beleving = definition[definition["ring"] == "beleving"]
    assert set(beleving["naam"]) == SCALES
    for row in definition[definition["bron"] == "cbs"].itertuples():
        ind = catalog.get(row.naam)  # every CBS indicator is in the catalogue
        if ind.hoger_is != "neutraal":
            assert ind.hoger_is == row.hoger_is, row.naam
    for thema in ringen.themes():  # every theme has both rings
        assert set(definition.loc[definition["thema"] == thema, "ring"]) == set(ringen.RINGS)


def test_survey_scales_match_the_questionnaire():
    from wijklib.vertellen import survey
    scales = {s.code: s.hoger_is for s in survey.vragenlijst().scales}
    definition = ringen.definitie()
    for row in definition[definition["ring"] == "beleving"].itertuples():
        assert scales.get(row.naam) == row.hoger_is, row.naam


def test_own_definition_file_and_its_errors(tmp_path):
    good = tmp_path / "mijn_ringen.csv"
    good.write_text("thema,ring,naam,hoger_is\ngroen,cijfers,pct_groen,gunstig\n",
                    encoding="utf-8")
    definition = ringen.definitie(good)
    assert list(definition["label"]) == ["pct_groen"]  # label falls back to the name
    bad = tmp_path / "fout.csv"
    bad.write_text("thema,ring,naam,hoger_is\nwonen,cijfers,woz_waarde,neutraal\n",
                   encoding="utf-8")
    with pytest.raises(InvalidChoiceError, match="regel 2.*richting"):
        ringen.definitie(bad)
    bad.write_text("thema,ring,naam,hoger_is\nwonen,ringen,woz_waarde,gunstig\n",
                   encoding="utf-8")
    with pytest.raises(InvalidChoiceError, match="Kies 'cijfers' of 'beleving'"):
        ringen.definitie(bad)
    bad.write_text("thema,naam\nwonen,x\n", encoding="utf-8")
    with pytest.raises(InvalidChoiceError, match="ontbreken de kolommen"):
        ringen.definitie(bad)
    bad.write_text("thema,ring,naam,hoger_is\nw,cijfers,a,gunstig\nw,cijfers,a,gunstig\n",
                   encoding="utf-8")
    with pytest.raises(InvalidChoiceError, match="twee keer"):
        ringen.definitie(bad)
    with pytest.raises(InvalidChoiceError, match="bestaat niet"):
        ringen.definitie(tmp_path / "nergens.csv")


# --------------------------------------------------------------------------- scale


def test_index_rule_equal_is_100_and_direction_flips():
    # ten points per standard deviation; the direction flips the sign
    assert ringen.to_index([50.0], 50.0, "gunstig", 5.0)[0] == 100
    assert ringen.to_index([50.0], 50.0, "ongunstig", 5.0)[0] == 100
    assert ringen.to_index([55.0], 50.0, "gunstig", 5.0)[0] == pytest.approx(110)
    assert ringen.to_index([55.0], 50.0, "ongunstig", 5.0)[0] == pytest.approx(90)
    assert ringen.to_index([45.0], 50.0, "ongunstig", 5.0)[0] == pytest.approx(110)
    # cut off at 50 and 150, or not
    assert list(ringen.to_index([0.0, 500.0], 50.0, "gunstig", 5.0)) == [50.0, 150.0]
    assert ringen.to_index([100.0], 50.0, "ongunstig", 5.0, clip=None)[0] == pytest.approx(0)
    # missing stays missing; without a reference there is no index (never 100)
    assert np.isnan(ringen.to_index([np.nan], 50.0, "gunstig", 5.0)[0])
    assert np.isnan(ringen.to_index([50.0], np.nan, "gunstig", 5.0)).all()
    # without spread only "equal to the reference" can be said
    assert list(ringen.to_index([50.0, 60.0], 50.0, "gunstig", 0.0)) == [100.0, pytest.approx(
        np.nan, nan_ok=True)]
    assert np.isnan(ringen.to_index([60.0], 50.0, "gunstig", np.nan)[0])
    with pytest.raises(InvalidChoiceError, match="gunstig"):
        ringen.to_index([1.0], 1.0, "neutraal", 1.0)


def test_spread_is_the_population_sd_of_known_values():
    assert ringen.spread([2.0, 4.0, np.nan]) == pytest.approx(1.0)
    assert math.isnan(ringen.spread([3.0, np.nan]))
    assert math.isnan(ringen.spread([]))


def test_words_for_an_index():
    assert ringen.words(130) == "veel beter dan gemiddeld"
    assert ringen.words(110) == "beter dan gemiddeld"
    assert ringen.words(100) == "ongeveer gemiddeld"
    assert ringen.words(90) == "slechter dan gemiddeld"
    assert ringen.words(50) == "veel slechter dan gemiddeld"
    assert ringen.words(np.nan) == ringen.words(None) == "geen gegevens"


# -------------------------------------------------------------------- cijfers ring


def test_cijfers_ring_known_scores():
    # Two buurten per indicator, so each spread (sd) is half their difference.
    frame = figures({
        "B1": dict(GEMEENTE),  # exactly the gemeente
        "B2": {"pct_onbewoond": 2.0, "aardgas": 975.0, "bijstand_per_1000": 45.0,
               "ww_per_1000": 10.0, "arbeidsparticipatie": 70.0},
        "B3": {"pct_onbewoond": np.nan, "aardgas": np.nan, "bijstand_per_1000": np.nan,
               "ww_per_1000": np.nan, "arbeidsparticipatie": np.nan},
    })
    ring = ringen.cijfers_ring(frame, GEMEENTE, MECHANICS).set_index(["buurtcode", "thema"])
    assert ring.loc[("B1", "wonen"), "cijfers"] == pytest.approx(100)
    assert ring.loc[("B1", "sociaal"), "cijfers"] == pytest.approx(100)
    # wonen B2: empty homes 2 sd lower (ongunstig) -> 120; gas 2 sd lower -> 120
    assert ring.loc[("B2", "wonen"), "cijfers"] == pytest.approx(120)
    assert ring.loc[("B2", "wonen"), "n_indicators"] == 2
    # sociaal B2: bijstand 2 sd higher -> 80; ww and participation equal -> 100 and 100
    assert ring.loc[("B2", "sociaal"), "cijfers"] == pytest.approx((80 + 100 + 100) / 3)
    assert ring.loc[("B2", "wonen"), "jaren"] == "2023–2024"
    assert "Aandeel onbewoonde woningen (2024)" in ring.loc[("B2", "wonen"), "indicatoren"]
    assert "85984NED" in ring.loc[("B2", "wonen"), "bronnen"]
    # no figures: missing, never 100
    assert math.isnan(ring.loc[("B3", "wonen"), "cijfers"])
    assert ring.loc[("B3", "wonen"), "n_indicators"] == 0
    # no column at all (police figures are not in the CBS data): missing, and reported
    assert ring.xs("veiligheid", level="thema")["cijfers"].isna().all()
    assert "misdrijven_per_1000" in ring.attrs["ontbrekende_kolommen"]
    assert set(ring.index.get_level_values("thema")) == set(ringen.themes())
    # an own spread instead of the one of these buurten
    own = ringen.cijfers_ring(frame, GEMEENTE, MECHANICS, spreiding={"pct_onbewoond": 4.0,
                                                          "aardgas": 50.0})
    own = own.set_index(["buurtcode", "thema"])
    assert own.loc[("B2", "wonen"), "cijfers"] == pytest.approx((105 + 105) / 2)
    detail = ringen.indicator_indices(frame, GEMEENTE, MECHANICS)
    assert detail.loc[detail["indicator"] == "aardgas", "spreiding"].iloc[0] == 12.5


def test_add_indicator_brings_year_and_source_along():
    frame = figures({"B1": {"pct_onbewoond": 4.0}, "B2": {"pct_onbewoond": 4.0},
                     "B3": {"pct_onbewoond": 4.0}})
    frame = ringen.add_indicator(frame, "misdrijven_per_1000", {"B1": 40.0, "B2": 60.0},
                                 2024, "Politie, data.politie.nl")
    assert math.isnan(frame.loc[2, "misdrijven_per_1000"])  # no value: missing, not 0
    gemeente = ringen.add_indicator(
        pd.DataFrame([{"code": "GM1", "naam": "Testdam", "pct_onbewoond": 4.0}]),
        "misdrijven_per_1000", 50.0, 2024, "Politie, data.politie.nl")
    ring = ringen.cijfers_ring(frame, gemeente, MECHANICS).set_index(["buurtcode", "thema"])
    assert ring.loc[("B1", "veiligheid"), "cijfers"] == pytest.approx(110)
    assert ring.loc[("B2", "veiligheid"), "cijfers"] == pytest.approx(90)
    assert ring.loc[("B1", "veiligheid"), "bronnen"] == "Politie, data.politie.nl"
    assert "(2024)" in ring.loc[("B1", "veiligheid"), "indicatoren"]
    with pytest.raises(InvalidChoiceError, match="bron"):
        ringen.add_indicator(frame, "x", 1.0, 2024, " ")


def test_cijfers_ring_accepts_the_gemeente_as_frame_series_or_dict():
    frame = figures({"B1": {"pct_onbewoond": 2.0}, "B2": {"pct_onbewoond": 6.0}})
    gemeente = pd.DataFrame([{"code": "GM0001", "naam": "Testdam", "niveau": "gemeente",
                              "pct_onbewoond": 4.0}])
    gemeente.attrs["indicators"] = {"pct_onbewoond": {"year": 2024}}
    for reference in (gemeente, gemeente.iloc[0], {"pct_onbewoond": 4.0}):
        ring = ringen.cijfers_ring(frame, reference, MECHANICS)
        wonen = ring.loc[ring["thema"] == "wonen", "cijfers"].tolist()
        assert wonen == [pytest.approx(110), pytest.approx(90)]
    named = ringen.cijfers_ring(frame, gemeente, MECHANICS)
    assert named.attrs["referentie"] == "de gemeente Testdam (2024)"  # with its year
    detail = ringen.indicator_indices(frame, gemeente, MECHANICS)
    assert detail["jaar_referentie"].tolist() == [2024, 2024]
    with pytest.raises(InvalidChoiceError, match="één rij"):
        ringen.cijfers_ring(frame, pd.concat([gemeente, gemeente.assign(niveau="wijk")] * 2))
    with pytest.raises(InvalidChoiceError, match="gemeente"):
        ringen.cijfers_ring(frame, 42)
    with pytest.raises(InvalidChoiceError, match="'code'"):
        ringen.cijfers_ring(frame.drop(columns="code"), gemeente)


def test_cijfers_ring_direction_comes_from_the_definition():
    frame = figures({"B1": {"pct_onbewoond": 2.0}, "B2": {"pct_onbewoond": 6.0}})
    for direction, expected in (("gunstig", 90), ("ongunstig", 110)):
        definition = pd.DataFrame([{"thema": "wonen", "ring": "cijfers",
                                    "naam": "pct_onbewoond", "hoger_is": direction}])
        ring = ringen.cijfers_ring(frame, {"pct_onbewoond": 4.0}, definition)
        assert ring["cijfers"].iloc[0] == pytest.approx(expected)


def test_cijfers_ring_of_an_empty_table():
    frame = figures({"B1": {"pct_onbewoond": 2.0}}).iloc[0:0]
    ring = ringen.cijfers_ring(frame, GEMEENTE, MECHANICS)
    assert ring.empty and "cijfers" in ring.columns


def test_cijfers_ring_on_utrecht(warm):
    kerncijfers = wijklib.kerncijfers("Utrecht")
    gemeente = wijklib.kerncijfers("Utrecht", niveau="gemeente")
    ring = ringen.cijfers_ring(kerncijfers, gemeente, MECHANICS)
    assert len(ring) == len(kerncijfers) * len(ringen.themes())
    row = kerncijfers[kerncijfers["pct_onbewoond"].notna()].iloc[0]
    wonen = ring[(ring["buurtcode"] == row["code"]) & (ring["thema"] == "wonen")].iloc[0]
    detail = ringen.indicator_indices(kerncijfers, gemeente, MECHANICS)
    used = detail[(detail["buurtcode"] == row["code"]) & (detail["thema"] == "wonen")]
    assert wonen["cijfers"] == pytest.approx(used["index"].mean())
    # themes without any figure in this data stay missing, never 100
    empty = ring[ring["n_indicators"] == 0]
    assert len(empty) and empty["cijfers"].isna().all()
    year = kerncijfers.attrs["indicators"]["pct_onbewoond"]["year"]
    assert str(year) in wonen["indicatoren"]


# ------------------------------------------------------------------- beleving ring


SPREAD = {"rapportcijfer": 0.35, "onveiligheid": 0.15, "cohesie": 0.3, "betrokkenheid": 0.25}


def test_beleving_ring_known_scores_and_intervals():
    scores = survey([
        ("totaal", "rapportcijfer", 7.0, 6.9, 7.1, 400),
        ("totaal", "onveiligheid", 3.0, 2.9, 3.1, 400),
        ("totaal", "cohesie", 6.0, 5.9, 6.1, 400),
        ("totaal", "betrokkenheid", 5.0, 4.9, 5.1, 390),
        ("B1", "rapportcijfer", 7.0, 6.3, 7.7, 60),
        ("B1", "onveiligheid", 3.3, 3.0, 3.6, 60),
        ("B1", "cohesie", 6.6, 6.0, 7.2, 60),
        ("B1", "betrokkenheid", 4.5, 4.0, 5.0, 55),
        ("B2", "rapportcijfer", None, None, None, 4),
        ("B2", "onveiligheid", None, None, None, 4),
    ])
    ring = ringen.beleving_ring(scores, spreiding=SPREAD, referentie="enquete").set_index(
        ["buurtcode", "thema"])
    assert "totaal" not in ring.index.get_level_values(0)
    wonen = ring.loc[("B1", "wonen")]
    assert wonen["beleving"] == pytest.approx(100)
    assert (wonen["beleving_onder"], wonen["beleving_boven"]) == (pytest.approx(80),
                                                                   pytest.approx(120))
    veilig = ring.loc[("B1", "veiligheid")]  # higher = worse: 2 sd more unsafe -> 80
    assert veilig["beleving"] == pytest.approx(80)
    assert veilig["beleving_onder"] == pytest.approx(60)  # bounds swap
    assert veilig["beleving_boven"] == pytest.approx(100)
    sociaal = ring.loc[("B1", "sociaal")]  # two scales: 120 and 80 -> 100
    assert sociaal["beleving"] == pytest.approx(100)
    assert sociaal["beleving_onder"] == pytest.approx((100 + 60) / 2)
    assert sociaal["beleving_boven"] == pytest.approx((140 + 100) / 2)
    assert sociaal["n"] == 55  # the smallest group
    hidden = ring.loc[("B2", "wonen")]
    assert math.isnan(hidden["beleving"]) and bool(hidden["verborgen"])
    assert math.isnan(ring.loc[("B1", "voorzieningen"), "beleving"])  # no scale: missing
    assert not bool(ring.loc[("B1", "voorzieningen"), "verborgen"])
    assert ring.attrs["n_totaal"] == 400


def test_beleving_ring_spread_of_the_buurt_scores():
    scores = survey([
        ("totaal", "rapportcijfer", 7.0, 6.9, 7.1, 300),
        ("B1", "rapportcijfer", 6.5, 6.0, 7.0, 50),
        ("B2", "rapportcijfer", 7.5, 7.0, 8.0, 50),
        ("B3", "rapportcijfer", None, None, None, 3),  # hidden: not in the spread
    ])
    ring = ringen.beleving_ring(scores, referentie="enquete")
    assert ring.attrs["spreiding"]["rapportcijfer"] == pytest.approx(0.5)
    wonen = ring[ring["thema"] == "wonen"].set_index("buurtcode")["beleving"]
    assert wonen["B1"] == pytest.approx(90) and wonen["B2"] == pytest.approx(110)
    assert math.isnan(wonen["B3"])


def test_beleving_ring_needs_totals_and_agreeing_directions():
    scores = survey([("B1", "rapportcijfer", 7.0, 6.3, 7.7, 60)])
    with pytest.raises(DataNotAvailableError, match="totaal"):
        ringen.beleving_ring(scores, referentie="enquete")
    with pytest.raises(InvalidChoiceError, match="referentie 'gemeente'"):
        ringen.beleving_ring(scores, referentie="gemeente")
    scores = survey([("totaal", "overlast", 3.0, 2.9, 3.1, 400),
                     ("B1", "overlast", 3.0, 2.9, 3.1, 40)])
    scores["hoger_is"] = "gunstig"
    with pytest.raises(InvalidChoiceError, match="overlast.*Pas één van de twee aan"):
        ringen.beleving_ring(scores)
    with pytest.raises(DataNotAvailableError, match="score"):
        ringen.beleving_ring(scores.drop(columns="score"))
    assert ringen.beleving_ring(scores.iloc[0:0]).empty


# ------------------------------------------------------------------------ two rings


def _example_rings() -> pd.DataFrame:
    frame = figures({"B1": {"pct_onbewoond": 2.0}, "B2": {"pct_onbewoond": 4.0},
                     "B3": {"pct_onbewoond": 4.0}})
    scores = survey([
        ("totaal", "rapportcijfer", 7.0, 6.9, 7.1, 300),
        ("B1", "rapportcijfer", 5.6, 5.3, 5.9, 50),  # 60 [51, 69] vs cijfers 120
        ("B2", "rapportcijfer", 7.35, 6.3, 8.4, 20),  # 110 [80, 140] vs 100
        ("B9", "rapportcijfer", 7.0, 6.6, 7.4, 30),  # only in the survey
    ])
    cijfers = ringen.cijfers_ring(frame, {"pct_onbewoond": 4.0}, MECHANICS,
                                  spreiding={"pct_onbewoond": 1.0})
    beleving = ringen.beleving_ring(scores, spreiding={"rapportcijfer": 0.35},
                                    referentie="enquete")
    return ringen.two_rings(cijfers, beleving)


def test_two_rings_side_by_side_and_missing_stays_missing():
    rings = _example_rings()
    assert list(rings.columns[:9]) == ["buurtcode", "buurtnaam", "thema", "cijfers",
                                       "beleving", "beleving_onder", "beleving_boven",
                                       "verschil", "signaal"]
    assert not {"gemiddelde", "index"} & set(rings.columns)  # never only an average
    wonen = rings[rings["thema"] == "wonen"].set_index("buurtcode")
    assert wonen.loc["B1", "cijfers"] == pytest.approx(120)
    assert wonen.loc["B1", "beleving"] == pytest.approx(60)
    assert wonen.loc["B1", "verschil"] == pytest.approx(-60)
    # B3 has figures but no survey: beleving missing, not 100
    assert math.isnan(wonen.loc["B3", "beleving"])
    assert wonen.loc["B3", "signaal"] == "geen gegevens over de beleving"
    # B9 is only in the survey: cijfers missing, name kept
    assert math.isnan(wonen.loc["B9", "cijfers"])
    assert wonen.loc["B9", "signaal"] == "geen gegevens over de cijfers"
    assert wonen.loc["B9", "buurtnaam"] == "Buurt B9"
    # 100 only where the input equals the reference (B2, B3 figures; B9 survey), nowhere else
    hundreds = rings[(rings["cijfers"] == 100) | (rings["beleving"] == 100)]
    assert sorted(hundreds["buurtcode"]) == ["B2", "B3", "B9"]
    assert set(hundreds["thema"]) == {"wonen"}
    assert rings.loc[rings["n_indicators"] == 0, "cijfers"].isna().all()
    assert list(rings["buurtcode"].drop_duplicates()) == ["B1", "B2", "B3", "B9"]
    with pytest.raises(InvalidChoiceError, match="cijfers_ring"):
        ringen.two_rings(pd.DataFrame({"x": [1]}), rings)


def test_gap_flags_only_beyond_the_uncertainty():
    rows = ring_rows([
        # 0: figures much better, residents worse, narrow interval -> flag
        {"buurtcode": "A", "cijfers": 130.0, "beleving": 90.0, "beleving_onder": 85.0,
         "beleving_boven": 95.0, "n": 48},
        # 1: difference 16 but cijfers inside the wide interval -> no flag
        {"buurtcode": "B", "cijfers": 100.0, "beleving": 84.0, "beleving_onder": 70.0,
         "beleving_boven": 106.0},
        # 2: difference 16, but the interval reaches a difference of 4 -> no flag
        {"buurtcode": "C", "cijfers": 100.0, "beleving": 84.0, "beleving_onder": 80.0,
         "beleving_boven": 96.0},
        # 3: small difference -> agree
        {"buurtcode": "D", "cijfers": 100.0, "beleving": 96.0, "beleving_onder": 94.0,
         "beleving_boven": 98.0},
        # 4: residents more positive, no interval known -> flag on the score itself
        {"buurtcode": "E", "cijfers": 80.0, "beleving": 115.0},
        # 5 and 6: one side missing -> no flag
        {"buurtcode": "F", "cijfers": 60.0},
        {"buurtcode": "G", "beleving": 160.0, "beleving_onder": 150.0, "beleving_boven": 170.0},
        # 7: both "much better", but far apart
        {"buurtcode": "H", "cijfers": 116.0, "beleving": 140.0, "beleving_onder": 137.0,
         "beleving_boven": 143.0},
    ])
    flagged = ringen.gap_flags(rows)
    assert flagged["vlag"].tolist() == [True, False, False, False, True, False, False, True]
    assert flagged.loc[0, "signaal"] == "bewoners negatiever dan de cijfers"
    assert flagged.loc[1, "signaal"] == (
        "verschil, maar toeval of gewone verschillen tussen buurten kunnen het verklaren")
    assert flagged.loc[2, "signaal"] == flagged.loc[1, "signaal"]
    assert flagged.loc[3, "signaal"] == "cijfers en beleving komen overeen"
    assert flagged.loc[4, "signaal"] == "bewoners positiever dan de cijfers"
    assert flagged.loc[5, "signaal"] == "geen gegevens over de beleving"
    assert flagged.loc[6, "signaal"] == "geen gegevens over de cijfers"
    question = flagged.loc[0, "vraag"]
    assert question == (
        "Wonen in Buurt 1: de cijfers zeggen veel beter dan gemiddeld (index 130), bewoners "
        "zeggen slechter dan gemiddeld (index 90; marge 85 tot 95; n = 48): hoe kan dat?"
    )
    assert "ook veel beter dan gemiddeld, maar sterker" in flagged.loc[7, "vraag"]
    assert flagged.loc[1, "vraag"] == flagged.loc[5, "vraag"] == ""
    # the threshold and the margin are parameters
    assert ringen.gap_flags(rows, threshold=50)["vlag"].tolist()[0] is False
    # H: the interval of the difference starts at 137 - 116 = 21; 10 points of extra
    # room bring it to 11, below the threshold
    assert ringen.gap_flags(rows, margin=10)["vlag"].tolist()[7] is False
    # a flag needs the whole interval of the difference beyond the threshold, not only
    # the score: the same difference of 16 with a narrow interval is a flag
    narrow = ring_rows([{"cijfers": 100.0, "beleving": 84.0, "beleving_onder": 83.5,
                         "beleving_boven": 84.5}])
    assert ringen.gap_flags(narrow)["vlag"].iloc[0]
    with pytest.raises(InvalidChoiceError, match="negatief"):
        ringen.gap_flags(rows, threshold=-1)
    assert ringen.gap_flags(rows.iloc[0:0]).empty


def test_two_rings_signal_matches_gap_flags():
    rings = _example_rings()
    flagged = ringen.gap_flags(rings)
    assert rings["signaal"].tolist() == flagged["signaal"].tolist()
    b1 = flagged[(flagged["buurtcode"] == "B1") & (flagged["thema"] == "wonen")].iloc[0]
    assert b1["vlag"] and "hoe kan dat?" in b1["vraag"]
    b2 = flagged[(flagged["buurtcode"] == "B2") & (flagged["thema"] == "wonen")].iloc[0]
    assert not b2["vlag"]


# --------------------------------------------------------------------------- charts


def _texts(fig) -> str:
    return " ".join(t.get_text() for t in fig.findobj(matplotlib.text.Text))


def test_dumbbell_shows_both_rings_and_missing_as_text():
    rings = ringen.gap_flags(_example_rings())
    fig = ringen.dumbbell(rings, thema="wonen")
    text = _texts(fig)
    assert "100 = gemiddelde" in text and "geen beleving" in text and "geen cijfers" in text
    assert "Buurt B1" in text and "!" in text
    plt.close(fig)
    fig = ringen.dumbbell(rings, buurten=["B1"])  # one buurt: rows are themes
    assert "Wonen" in _texts(fig)
    plt.close(fig)
    fig = ringen.dumbbell(rings.iloc[0:0])
    assert "Geen gegevens om te tonen" in _texts(fig)
    plt.close(fig)
    with pytest.raises(InvalidChoiceError, match="Kies uit"):
        ringen.dumbbell(rings, thema="sport")
    with pytest.raises(InvalidChoiceError, match="buurtcode"):
        ringen.dumbbell(rings, buurten=["XX"])


def test_quadrant_names_buurten_without_both_rings():
    rings = _example_rings()
    fig = ringen.quadrant(rings, "wonen")
    text = _texts(fig)
    assert "cijfers beter,\nbewoners negatiever" in text
    assert "Niet getoond" in text and "Buurt B3" in text and "Buurt B9" in text
    plt.close(fig)
    fig = ringen.quadrant(rings, "veiligheid")  # nobody has both
    assert "Geen buurt heeft allebei de ringen" in _texts(fig)
    plt.close(fig)


def test_gap_map_colours_marks_missing_and_escapes():
    rings = _example_rings()
    rings.loc[rings["buurtcode"] == "B1", "buurtnaam"] = INJECTED
    areas = gpd.GeoDataFrame(
        {"code": ["B1", "B2", "B3", "B4"], "naam": [INJECTED, "Buurt B2", "Buurt B3", "B4"]},
        geometry=[box(5.0, 52.0, 5.01, 52.01), box(5.01, 52.0, 5.02, 52.01),
                  box(5.02, 52.0, 5.03, 52.01), box(5.03, 52.0, 5.04, 52.01)],
        crs="EPSG:4326",
    )
    m = ringen.gap_map(rings, areas, "wonen", tiles=None, focus="B2")
    page = m.get_root().render()
    # folium writes "<" and "&" as \u003c and \u0026; the name arrives as escaped text
    assert INJECTED not in page
    assert "\\u0026lt;img src=x onerror=alert(1)\\u0026gt;" in page
    assert "Verschil beleving − cijfers: wonen" in page
    assert "hoe kan dat?" in page  # the question of the flagged buurt is in its tooltip
    assert "geen cijfer (ontbreekt of geheim): 2" in page  # B3 (no survey) and B4 (no data)


def test_gap_map_on_utrecht(warm):
    kerncijfers = wijklib.kerncijfers("Utrecht")
    gemeente = wijklib.kerncijfers("Utrecht", niveau="gemeente")
    codes = kerncijfers["code"].head(3).tolist()
    scores = survey([("totaal", "rapportcijfer", 7.0, 6.9, 7.1, 300)]
                    + [(c, "rapportcijfer", 6.0 + i, 5.5 + i, 6.5 + i, 40)
                       for i, c in enumerate(codes)])
    rings = ringen.two_rings(ringen.cijfers_ring(kerncijfers, gemeente, MECHANICS),
                             ringen.beleving_ring(scores))
    m = ringen.gap_map(rings, wijklib.gebieden("Utrecht"), "wonen", tiles=None)
    page = m.get_root().render()
    assert page.count("leaflet") and "Verschil beleving" in page


@pytest.mark.browser
@pytest.mark.parametrize(("width", "height"), [(1200, 800), (760, 456)])
def test_gap_map_legend_leaves_the_map_free(warm, map_assets, tmp_path, width, height):
    from browser import ARTIFACTS_DIR, browse

    from wijklib.notebook.offline import save_map

    kerncijfers = wijklib.kerncijfers("Utrecht")
    gemeente = wijklib.kerncijfers("Utrecht", niveau="gemeente")
    codes = kerncijfers["code"].head(12).tolist()
    scores = survey([("totaal", "rapportcijfer", 7.0, 6.9, 7.1, 300)]
                    + [(c, "rapportcijfer", 5.0 + i / 4, 4.5 + i / 4, 5.5 + i / 4, 40)
                       for i, c in enumerate(codes)])
    rings = ringen.gap_flags(ringen.two_rings(ringen.cijfers_ring(kerncijfers, gemeente,
                                                                  MECHANICS),
                                              ringen.beleving_ring(scores)))
    m = ringen.gap_map(rings, wijklib.gebieden("Utrecht"), "wonen", enquete="buurtenquête",
                       enquete_jaar=2025)
    path = save_map(m, tmp_path / "verschil.html", assets=map_assets)
    with browse(path, width=width, height=height) as page:
        found = page.page.evaluate("""() => {
          const box = s => { const r = document.querySelector(s).getBoundingClientRect();
                             return [r.left, r.top, r.right, r.bottom]; };
          const m = box('.folium-map');
          const hit = document.elementFromPoint((m[0] + m[2]) / 2, (m[1] + m[3]) / 2);
          return {map: m, legend: box('.wijklib-legend'), scale: box('.leaflet-control-scale'),
                  scaleText: document.querySelector('.leaflet-control-scale').innerText,
                  credit: document.querySelector('.leaflet-control-attribution').innerText,
                  centre: hit ? String(hit.getAttribute('class')) : ''};
        }""")
        page.screenshot(ARTIFACTS_DIR / f"verschilkaart-{width}.png")
        report = page.report
    assert report.page_errors == [] and report.console_errors == []

    def size(b):
        return max(0.0, b[2] - b[0]) * max(0.0, b[3] - b[1])

    legend, scale = found["legend"], found["scale"]
    assert size(legend) < 0.25 * size(found["map"])
    assert "leaflet-interactive" in found["centre"]  # the middle of the map is a buurt
    assert size([max(legend[0], scale[0]), max(legend[1], scale[1]),
                 min(legend[2], scale[2]), min(legend[3], scale[3])]) == 0
    assert " km" in found["scaleText"] or " m" in found["scaleText"]
    assert "mi" not in found["scaleText"]
    assert "OpenStreetMap" not in found["credit"]  # the tiles are blocked: none drawn
    assert "CBS / Kadaster (PDOK) 2024" in found["credit"]
    assert "beleving (buurtenquête 2025)" in found["credit"]


def test_without_any_survey_beleving_is_missing_everywhere():
    frame = figures({"B1": {"pct_onbewoond": 1.0}, "B2": {"pct_onbewoond": 3.0}})
    empty = ringen.beleving_ring(pd.DataFrame(columns=["buurtcode", "schaal", "score"]))
    figures_ring = ringen.cijfers_ring(frame, {"pct_onbewoond": 2.0}, MECHANICS)
    rings = ringen.gap_flags(ringen.two_rings(figures_ring, empty))
    assert rings["beleving"].isna().all() and not rings["vlag"].any()
    wonen = rings[rings["thema"] == "wonen"]
    assert set(wonen["signaal"]) == {"geen gegevens over de beleving"}
    assert wonen["cijfers"].tolist() == [pytest.approx(110), pytest.approx(90)]


# ------------------------------------------------------------------ review fixes


def _police_rings() -> pd.DataFrame:
    """Rings with a police figure added with add_indicator next to the CBS figures."""
    frame = figures({"B1": {"pct_onbewoond": 2.0}, "B2": {"pct_onbewoond": 4.0}})
    frame = ringen.add_indicator(frame, "misdrijven_per_1000", {"B1": 50.0, "B2": 70.0},
                                 2025, "Politie, data.politie.nl")
    gemeente = {"pct_onbewoond": 4.0, "misdrijven_per_1000": 60.0}
    scores = survey([("totaal", "rapportcijfer", 7.0, 6.9, 7.1, 312),
                     ("totaal", "onveiligheid", 40.0, 38.0, 42.0, 312),
                     ("B1", "rapportcijfer", 5.6, 5.3, 5.9, 50),
                     ("B1", "onveiligheid", 50.0, 45.0, 55.0, 50)])
    return ringen.gap_flags(ringen.two_rings(ringen.cijfers_ring(frame, gemeente, MECHANICS),
                                             ringen.beleving_ring(scores)))


def test_chart_captions_name_sources_years_and_the_survey():
    rings = _police_rings()
    fig = ringen.dumbbell(rings, buurten=["B1"], enquete="bewonersenquête", enquete_jaar=2026)
    text = _texts(fig)
    assert "cijfers (CBS; Politie, data.politie.nl)" in text  # the label follows the sources
    assert "cijfers (CBS)" not in text
    assert "CBS Kerncijfers wijken en buurten (85984NED), 2024" in text
    assert "Politie, data.politie.nl, 2025" in text
    assert "beleving (bewonersenquête 2026)" in text and "n = 312 deelnemers in totaal" in text
    plt.close(fig)
    fig = ringen.dumbbell(rings, thema="wonen")  # only CBS figures in this chart
    text = _texts(fig)
    assert "cijfers (CBS)" in text and "Politie" not in text and "jaar onbekend" in text
    plt.close(fig)
    fig = ringen.quadrant(rings, "veiligheid", enquete="bewonersenquête", enquete_jaar=2026)
    text = _texts(fig)
    assert "cijfers (Politie, data.politie.nl): 100 = de gemeente" in text
    assert "beleving (bewonersenquête 2026): 100 = midden van de antwoordschaal" in text
    assert "Politie, data.politie.nl, 2025" in text and "n = 312" in text
    plt.close(fig)


def test_gap_map_legend_names_sources_and_survey():
    rings = _police_rings()
    areas = gpd.GeoDataFrame({"code": ["B1", "B2"], "naam": ["Buurt B1", "Buurt B2"]},
                             geometry=[box(5.0, 52.0, 5.01, 52.01),
                                       box(5.01, 52.0, 5.02, 52.01)], crs="EPSG:4326")
    page = ringen.gap_map(rings, areas, "veiligheid", tiles=None, enquete="eigen enquête",
                          enquete_jaar=2025).get_root().render()
    assert "Politie, data.politie.nl, 2025" in page and "eigen enquête 2025" in page
    assert "n = 312 deelnemers in totaal" in page


def test_caption_without_figures_or_survey_details():
    rings = ring_rows([{"cijfers": np.nan, "beleving": 90.0, "bronnen": "", "jaren": ""}])
    caption = ringen._caption(rings)
    assert "geen cijfers in deze grafiek" in caption and "n onbekend" in caption
    assert ringen.figures_label(rings) == "cijfers"
    assert ringen.survey_label() == "beleving (enquête)"


# ------------------------------------------------------- a reference that does not move


def test_beleving_does_not_move_with_who_was_surveyed():
    # the same answers of two Overvecht buurten, once in a gemeente-wide survey and once
    # in a survey of Overvecht alone
    overvecht = [("O1", "rapportcijfer", 6.0, 5.6, 6.4, 60),
                 ("O2", "rapportcijfer", 6.6, 6.2, 7.0, 60)]
    wide = survey([("totaal", "rapportcijfer", 7.4, 7.3, 7.5, 600), *overvecht,
                   ("B3", "rapportcijfer", 7.8, 7.4, 8.2, 60),
                   ("B4", "rapportcijfer", 8.0, 7.6, 8.4, 60)])
    alone = survey([("totaal", "rapportcijfer", 6.3, 6.0, 6.6, 120), *overvecht])
    figures_ring = ringen.cijfers_ring(
        figures({"O1": {"bijstand_per_1000": 60.0}, "O2": {"bijstand_per_1000": 50.0},
                 "B3": {"bijstand_per_1000": 20.0}, "B4": {"bijstand_per_1000": 10.0}}),
        {"bijstand_per_1000": 30.0})

    def rings(scores, **how):
        ring = ringen.gap_flags(ringen.two_rings(figures_ring, ringen.beleving_ring(
            scores, **how)))
        return ring[ring["buurtcode"].isin(["O1", "O2"]) & (ring["thema"] == "wonen")]

    a, b = rings(wide), rings(alone)
    assert a["beleving"].tolist() == pytest.approx(b["beleving"].tolist())
    # 1 to 10: the middle 5.5 is 100, a tenth of the scale (0.9) is 10 points
    assert a["beleving"].tolist() == pytest.approx([100 + 10 * 0.5 / 0.9, 100 + 10 * 1.1 / 0.9])
    assert a["beleving_onder"].tolist() == pytest.approx(b["beleving_onder"].tolist())
    assert a["signaal"].tolist() == b["signaal"].tolist()
    assert "niet afhankelijk van wie meedeed" in ringen.beleving_ring(wide).attrs["referentie"]
    # the old reference (all participants, spread of the buurten surveyed) moves
    a, b = rings(wide, referentie="enquete"), rings(alone, referentie="enquete")
    assert abs(a["beleving"].mean() - b["beleving"].mean()) > 10
    assert "verschuift" in ringen.beleving_ring(wide, referentie="enquete").attrs["referentie"]
    # own fixed levels, e.g. a national figure with its source
    own = ringen.beleving_ring(alone, referentie={"rapportcijfer": 7.0})
    own = own[own["thema"] == "wonen"].set_index("buurtcode")
    assert own.loc["O1", "beleving"] == pytest.approx(100 - 10 * 1.0 / 0.9)


def test_the_rule_claims_no_more_than_the_rings_can_say():
    assert "midden van de antwoordschaal" in ringen.RULE
    assert "niet met wie er meedeed" in ringen.RULE
    assert "geen meting" in ringen.RULE
    assert "leegstand" not in ringen.RULE


def test_wonen_compares_like_with_like():
    # residents rate the buurt as a place to live; empty homes (business parks, new
    # builds) and gas use (district heating) do not measure that
    wonen = ringen.definitie().query("thema == 'wonen'")
    figures_side = set(wonen.loc[wonen["ring"] == "cijfers", "naam"])
    assert not figures_side & {"pct_onbewoond", "aardgas"}
    assert figures_side == {"leefbaarometer"}
    assert set(wonen.loc[wonen["ring"] == "beleving", "naam"]) == {"rapportcijfer"}
    note = wonen.loc[wonen["ring"] == "cijfers", "toelichting"].iloc[0]
    assert "geen meting" in note and "leefbaarometer.nl" in note


def test_flags_count_chance_in_the_figures_too():
    # a small buurt: 6 people on bijstand out of 150 inhabitants is 40 per 1 000, but the
    # exact Poisson interval runs from about 15 to 87
    frame = figures({"S": {"bijstand": 6.0, "inwoners": 150.0},
                     "L": {"bijstand": 400.0, "inwoners": 10_000.0},
                     "M": {"bijstand": 200.0, "inwoners": 10_000.0}})
    frame["bijstand_per_1000"] = frame["bijstand"] / frame["inwoners"] * 1000
    sociaal = ringen.definitie().query("thema == 'sociaal'")
    sociaal = sociaal[(sociaal["ring"] == "beleving") | (sociaal["naam"] == "bijstand_per_1000")]
    detail = ringen.indicator_indices(frame, {"bijstand_per_1000": 30.0}, sociaal,
                                      spreiding={"bijstand_per_1000": 10.0})
    small = detail.set_index("buurtcode").loc["S"]
    low, high = pitfalls.rate_interval(6.0, 150.0)
    # higher is worse: the upper rate bound gives the lower index bound
    assert small["index_onder"] == pytest.approx(max(50, 100 - (high - 30)))
    assert small["index_boven"] == pytest.approx(100 - (low - 30))
    assert "95%-marge" in small["marge"] and "(6 gevallen)" in small["marge"]
    assert detail.set_index("buurtcode").loc["L", "marge"] == ""  # 400 cases
    ring = ringen.cijfers_ring(frame, {"bijstand_per_1000": 30.0}, sociaal,
                               spreiding={"bijstand_per_1000": 10.0})
    row = ring[(ring["buurtcode"] == "S")].iloc[0]
    assert row["cijfers"] == pytest.approx(90)
    # residents say 65 with a narrow interval: without the figures' interval this is a
    # flag (the difference is at least 90 - 70 = 20), with it the figures may well be 65 too
    rows = ring_rows([{"buurtcode": "S", "thema": "sociaal", "cijfers": row["cijfers"],
                       "cijfers_onder": row["cijfers_onder"],
                       "cijfers_boven": row["cijfers_boven"], "beleving": 65.0,
                       "beleving_onder": 60.0, "beleving_boven": 70.0}])
    assert not ringen.gap_flags(rows)["vlag"].iloc[0]
    assert ringen.gap_flags(rows.drop(columns=["cijfers_onder", "cijfers_boven"]))[
        "vlag"].iloc[0]


# ------------------------------------------------------------- veiligheid: police figures


def test_police_figures_fill_the_veiligheid_figures_ring(politie):
    buurten = wijklib.kerncijfers("Utrecht")
    gemeente = wijklib.kerncijfers("Utrecht", niveau="gemeente")
    assert ringen.cijfers_ring(buurten, gemeente).query("thema == 'veiligheid'")[
        "cijfers"].isna().all()  # without police figures: geen gegevens, never 100
    with_police, whole, notes = ringen.add_police(buurten, gemeente)
    police = wijklib.misdrijven("Utrecht")
    ring = ringen.cijfers_ring(with_police, whole).query("thema == 'veiligheid'")
    ring = ring.set_index("buurtcode")
    rates = police.set_index("code")["per_1000"]
    known = rates.dropna().index.intersection(ring.index)
    assert len(known) > 50 and ring.loc[known, "cijfers"].notna().all()
    total = float(wijklib.misdrijven("Utrecht", niveau="gemeente")["per_1000"].iloc[0])
    worse = [c for c in known if rates[c] > total * 1.5]
    assert worse and (ring.loc[worse, "cijfers"] < 100).all()  # more crime: below 100
    year = str(police.attrs["year"])
    assert ring.loc[known, "jaren"].str.contains(year).all()
    assert ring.loc[known, "bronnen"].str.contains("Politie, via CBS (tabel 47018NED)",
                                                   regex=False).all()
    # the Poisson interval of a small buurt is carried into the ring
    small = police.set_index("code").loc[known].nsmallest(5, "misdrijven").index
    assert (ring.loc[small, "cijfers_onder"] < ring.loc[small, "cijfers_boven"]).all()
    assert any("aangifte" in note for note in notes)


def test_without_police_figures_the_ring_says_so(services, monkeypatch):
    monkeypatch.setenv("WIJKLIB_POLITIE_URL", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("WIJKLIB_TIMEOUT", "2")
    buurten = wijklib.kerncijfers("Utrecht")
    gemeente = wijklib.kerncijfers("Utrecht", niveau="gemeente")
    same, whole, notes = ringen.add_police(buurten, gemeente)
    assert same is buurten and whole is gemeente
    assert len(notes) == 1 and "geen politiecijfers" in notes[0] and "geen gegevens" in notes[0]


# ------------------------------------- flags: chance in the survey and spread of buurten


def _utrecht_rings(answers: pd.DataFrame, buurten: pd.DataFrame, figures_ring: pd.DataFrame,
                   **scores_how) -> pd.DataFrame:
    from wijklib.vertellen import scores as vscores
    from wijklib.vertellen.survey import vragenlijst

    table = vscores.scale_scores(answers, vragenlijst(), **scores_how)
    return ringen.gap_flags(ringen.two_rings(figures_ring, ringen.beleving_ring(table)))


def test_shrink_pulls_small_groups_towards_the_reference():
    rows = ring_rows([
        {"buurtcode": "A", "beleving": 130.0, "beleving_onder": 128.0, "beleving_boven": 132.0},
        {"buurtcode": "B", "beleving": 70.0, "beleving_onder": 50.0, "beleving_boven": 90.0},
        {"buurtcode": "C", "beleving": 110.0, "beleving_onder": 100.0, "beleving_boven": 120.0},
    ])
    se = np.array([4.0, 40.0, 20.0]) / (2 * ringen.Z95)
    scores = np.array([130.0, 70.0, 110.0])
    tau2 = max(0.0, float(np.mean((scores - 100) ** 2) - np.mean(se ** 2)))
    assert ringen.between_buurt_variance(rows)["wonen"] == pytest.approx(tau2)
    pulled = ringen.shrink(rows)
    reliability = tau2 / (tau2 + se ** 2)
    assert pulled["betrouwbaarheid"].tolist() == pytest.approx(reliability.tolist())
    assert pulled["beleving_krimp"].tolist() == pytest.approx(
        (100 + reliability * (scores - 100)).tolist())
    # the buurt with the widest interval (fewest answers) is pulled most
    assert pulled["betrouwbaarheid"].idxmin() == 1
    width = pulled["beleving_krimp_boven"] - pulled["beleving_krimp_onder"]
    assert width.tolist() == pytest.approx((np.sqrt(reliability) * [4.0, 40.0, 20.0]).tolist())
    # buurten that differ by no more than chance: tau² is 0, everything goes to 100
    alike = ring_rows([{"buurtcode": c, "beleving": v, "beleving_onder": v - 20,
                        "beleving_boven": v + 20} for c, v in (("A", 95.0), ("B", 104.0))])
    assert ringen.between_buurt_variance(alike)["wonen"] == 0.0
    assert ringen.shrink(alike)["beleving_krimp"].tolist() == pytest.approx([100.0, 100.0])
    # without an interval a score keeps its value
    bare = ringen.shrink(ring_rows([{"beleving": 120.0}]))
    assert bare["beleving_krimp"].iloc[0] == pytest.approx(120.0)


def test_flags_stay_at_the_nominal_rate_when_buurt_labels_are_shuffled(warm):
    # Shuffle which buurt each respondent lives in: then every buurt's true score is the
    # score of all respondents, and a flag is false when that true score is within the
    # threshold of the figures. Over many surveys, at most 5 % of those cells get a flag.
    from wijklib.vertellen.practice import practice_responses

    buurten = wijklib.kerncijfers("Utrecht")
    figures_ring = ringen.cijfers_ring(buurten, wijklib.kerncijfers("Utrecht",
                                                                    niveau="gemeente"))
    false_flags = cells = edge_flags = edge_cells = 0
    for seed in range(12):
        answers = practice_responses(buurten, seed=seed).reset_index(drop=True)
        order = np.random.default_rng(1000 + seed).permutation(len(answers))
        answers[["buurtcode", "buurtnaam"]] = answers[["buurtcode", "buurtnaam"]].iloc[
            order].to_numpy()
        rings = _utrecht_rings(answers, buurten, figures_ring)
        # the true beleving index of every buurt: the one of all respondents together
        gap = rings["thema"].map(_pooled_index(answers)) - rings["cijfers"]
        near = rings["cijfers"].notna() & rings["beleving"].notna() & (
            gap.abs() <= ringen.THRESHOLD)
        wrong_way = rings["vlag"] & (np.sign(rings["verschil"]) != np.sign(gap))
        false_flags += int((rings["vlag"] & near).sum() + (wrong_way & ~near).sum())
        cells += int(near.sum())
        # the hard cases: a true difference just below the threshold
        edge = near & (gap.abs() > ringen.THRESHOLD - 5)
        edge_flags += int((rings["vlag"] & edge).sum())
        edge_cells += int(edge.sum())
    assert cells > 200 and edge_cells > 30
    assert false_flags / cells <= 0.05, (false_flags, cells)
    assert edge_flags / edge_cells <= 0.05, (edge_flags, edge_cells)


def _pooled_index(answers: pd.DataFrame) -> dict[str, float]:
    """The beleving index per theme of all respondents together (the 'totaal' rows)."""
    from wijklib.vertellen import scores as vscores
    from wijklib.vertellen.survey import vragenlijst

    table = vscores.scale_scores(answers, vragenlijst())
    whole = table[table["buurtcode"] == vscores.AREA_CODE].assign(buurtcode="ALLEN")
    ring = ringen.beleving_ring(whole)
    return dict(zip(ring["thema"], ring["beleving"], strict=True))


def test_flags_in_overvecht_do_not_depend_on_who_else_was_surveyed(warm):
    # the case: the same Overvecht answers, once in a gemeente-wide survey and
    # once in a survey of Overvecht alone
    from wijklib.vertellen.practice import practice_responses

    buurten = wijklib.kerncijfers("Utrecht")
    wijken = wijklib.kerncijfers("Utrecht", niveau="wijk")
    overvecht_wijk = wijken.loc[wijken["naam"].str.contains("Overvecht"), "code"].iloc[0]
    in_overvecht = buurten["code"].str[2:8] == str(overvecht_wijk)[2:8]
    codes = set(buurten.loc[in_overvecht, "code"])
    assert len(codes) >= 5
    figures_ring = ringen.cijfers_ring(buurten, wijklib.kerncijfers("Utrecht",
                                                                    niveau="gemeente"))
    flags_changed = 0
    for seed in (1, 2, 3):
        answers = practice_responses(buurten, seed=seed)
        alone = answers[answers["buurtcode"].isin(codes)]
        wide = _utrecht_rings(answers, buurten, figures_ring)
        only = _utrecht_rings(alone, buurten[in_overvecht], figures_ring[
            figures_ring["buurtcode"].isin(codes)])
        key = ["buurtcode", "thema"]
        a = wide[wide["buurtcode"].isin(codes)].set_index(key).sort_index()
        b = only.set_index(key).sort_index().reindex(a.index)
        assert a["beleving"].to_numpy() == pytest.approx(b["beleving"].to_numpy(), nan_ok=True)
        flags_changed += int((a["vlag"] != b["vlag"]).sum())
    assert flags_changed == 0
    assert wide["vlag"].any()  # the flags are there, not stable by being absent


# ------------------------------------------- figures: a reference of the same year


def test_the_figures_reference_is_nederland_or_the_gemeente_of_the_same_year():
    frame = figures({"B1": {"pct_onbewoond": 2.0, "bijstand_per_1000": 20.0},
                     "B2": {"pct_onbewoond": 6.0, "bijstand_per_1000": 40.0}})
    gemeente = pd.DataFrame([{"code": "GM0001", "naam": "Testdam", "niveau": "gemeente",
                              "pct_onbewoond": 4.0, "bijstand_per_1000": 30.0}])
    gemeente.attrs["indicators"] = {"pct_onbewoond": {"year": 2024},
                                    "bijstand_per_1000": {"year": 2024}}
    land = pd.DataFrame([{"code": "NL00", "naam": "Nederland", "niveau": "land",
                          "pct_onbewoond": 2.0, "bijstand_per_1000": 25.0}])
    # Nederland has the share of empty homes for 2024 (the buurten's year), bijstand only
    # for 2023 (figures() says 2024 for both)
    land.attrs["indicators"] = {"pct_onbewoond": {"year": 2024},
                                "bijstand_per_1000": {"year": 2023}}
    definition = ringen.check_definitie(MECHANICS[MECHANICS["naam"].isin(
        ["pct_onbewoond", "bijstand_per_1000"]) | (MECHANICS["ring"] == "beleving")])
    detail = ringen.indicator_indices(frame, gemeente, definition, nederland=land)
    by = detail.drop_duplicates("indicator").set_index("indicator")
    assert by.loc["pct_onbewoond", "referentie_naam"] == "Nederland"
    assert by.loc["pct_onbewoond", "referentie"] == 2.0
    assert by.loc["bijstand_per_1000", "referentie_naam"] == "de gemeente Testdam"
    assert by.loc["bijstand_per_1000", "referentie"] == 30.0
    ring = ringen.cijfers_ring(frame, gemeente, definition, nederland=land)
    assert ring.attrs["referentie"] == "Nederland (2024) en de gemeente Testdam (2024)"
    # without Nederland: the gemeente, and the text says so
    alone = ringen.cijfers_ring(frame, gemeente, definition)
    assert alone.attrs["referentie"] == "de gemeente Testdam (2024)"
    # a gemeente figure of another year is never the reference
    old = gemeente.copy()
    old.attrs["indicators"] = {"pct_onbewoond": {"year": 2022},
                               "bijstand_per_1000": {"year": 2024}}
    other = ringen.indicator_indices(frame, old, definition)
    assert other.loc[other["indicator"] == "pct_onbewoond", "index"].isna().all()
    assert other.attrs["ander_jaar"] == ["pct_onbewoond"]
    # the rings, the chart and the agenda export name the reference
    rings = ringen.gap_flags(ringen.two_rings(ring, ringen.beleving_ring(survey([
        ("B1", "cohesie", 6.0, 5.5, 6.5, 40)]))))
    assert rings.attrs["referentie_cijfers"] == ring.attrs["referentie"]
    fig = ringen.quadrant(rings, "sociaal")
    assert "100 = Nederland (2024) en de gemeente Testdam (2024)" in _texts(fig)
    plt.close(fig)


def test_charts_and_export_show_the_poisson_interval_of_rates_on_few_cases():
    from wijklib.agenda import export as agenda_export
    from wijklib.agenda import state as ag

    frame = figures({"S": {"bijstand": 6.0, "inwoners": 150.0},
                     "L": {"bijstand": 400.0, "inwoners": 10_000.0}})
    frame["bijstand_per_1000"] = frame["bijstand"] / frame["inwoners"] * 1000
    sociaal = ringen.definitie().query("thema == 'sociaal'")
    sociaal = sociaal[(sociaal["ring"] == "beleving") | (sociaal["naam"] == "bijstand_per_1000")]
    ring = ringen.cijfers_ring(frame, {"bijstand_per_1000": 30.0}, sociaal,
                               spreiding={"bijstand_per_1000": 10.0})
    rings = ringen.gap_flags(ringen.two_rings(ring, ringen.beleving_ring(survey([
        ("S", "cohesie", 6.0, 5.5, 6.5, 40), ("L", "cohesie", 6.0, 5.5, 6.5, 40)]))))
    small = rings[rings["thema"] == "sociaal"].set_index("buurtcode").loc["S"]
    assert small["cijfers_boven"] - small["cijfers_onder"] > 20
    fig = ringen.dumbbell(rings, thema="sociaal")
    blue = [line for line in fig.axes[0].get_lines()
            if line.get_color() == ringen.COLOUR_CIJFERS and len(line.get_xdata()) == 2]
    widths = sorted(float(np.ptp(line.get_xdata())) for line in blue)
    large = rings[rings["thema"] == "sociaal"].set_index("buurtcode").loc["L"]
    assert widths == pytest.approx(sorted(
        [row["cijfers_boven"] - row["cijfers_onder"] for row in (small, large)]))
    assert "Poisson" in _texts(fig)
    plt.close(fig)
    fig = ringen.quadrant(rings, "sociaal")
    assert "Poisson" in _texts(fig)
    plt.close(fig)
    agenda = ag.new_agenda("Testdam", ["S"])
    page = agenda_export.to_markdown(agenda, rings)
    expected = (f"marge {format_number(small['cijfers_onder'], 0)} tot "
                f"{format_number(small['cijfers_boven'], 0)} (weinig gevallen)")
    assert expected in page


# ------------------------------------------------ like with like: declared pairings


def test_every_theme_declares_how_its_figures_match_its_questions():
    definition = ringen.definitie()
    figures_rows = definition[definition["ring"] == "cijfers"]
    for thema in ringen.themes(definition):
        rows = figures_rows[figures_rows["thema"] == thema]
        assert len(rows), thema
        assert set(rows["past"]) <= set(ringen.FITS) and "" not in set(rows["past"]), thema
        for reason in rows["koppeling"]:
            assert "bron:" in reason, (thema, reason)  # a reason with its source
    # empty homes and gas use are no sign of decay: they are in no theme
    assert not set(definition["naam"]) & {"pct_onbewoond", "aardgas"}
    with pytest.raises(InvalidChoiceError, match="past 'misschien'"):
        ringen.check_definitie(definition.assign(past="misschien"))


def test_directions_in_the_index_follow_the_definition():
    # every figure of the default definition: a buurt with a higher value gets a higher
    # index exactly when the definition says higher is better
    definition = ringen.definitie()
    figures_rows = definition[definition["ring"] == "cijfers"]
    values = {naam: (1.0, 3.0) for naam in figures_rows["naam"]}
    frame = figures({"LO": {n: v[0] for n, v in values.items()},
                     "HI": {n: v[1] for n, v in values.items()}})
    detail = ringen.indicator_indices(frame, {n: 2.0 for n in values}, definition)
    assert set(detail["indicator"]) == set(values)
    for naam, group in detail.groupby("indicator"):
        index = group.set_index("buurtcode")["index"]
        direction = figures_rows.set_index("naam").loc[naam, "hoger_is"]
        assert (index["HI"] > index["LO"]) == (direction == "gunstig"), naam


def test_charts_warn_where_the_figures_measure_something_else():
    frame = figures({"B1": {"bijstand_per_1000": 20.0}, "B2": {"bijstand_per_1000": 40.0}})
    ring = ringen.cijfers_ring(frame, {"bijstand_per_1000": 30.0})
    rings = ringen.gap_flags(ringen.two_rings(ring, ringen.beleving_ring(survey([
        ("B1", "cohesie", 6.0, 5.5, 6.5, 40)]))))
    assert set(rings.loc[rings["thema"] == "sociaal", "past"]) == {"nee"}
    fig = ringen.dumbbell(rings, thema="sociaal")
    assert ringen.FIT_WORDS["nee"] in _texts(fig)
    plt.close(fig)
    fig = ringen.quadrant(rings, "sociaal")
    assert ringen.FIT_WORDS["nee"] in _texts(fig)
    plt.close(fig)
    fig = ringen.dumbbell(rings, thema="wonen")  # Leefbaarometer and rapportcijfer: "ja"
    assert ringen.FIT_WORDS["nee"] not in _texts(fig)
    assert ringen.FIT_WORDS["deels"] not in _texts(fig)
    plt.close(fig)


def test_a_flag_where_the_figures_measure_something_else_says_so():
    # sociaal: no CBS figure measures contact between neighbours (past = "nee"); a big gap
    # between bijstand and the cohesion score is a question for the group, but its signal
    # must not read as if the two measured the same thing
    frame = figures({"B1": {"bijstand_per_1000": 5.0}, "B2": {"bijstand_per_1000": 80.0}})
    ring = ringen.cijfers_ring(frame, {"bijstand_per_1000": 30.0})
    rings = ringen.gap_flags(ringen.two_rings(ring, ringen.beleving_ring(survey([
        ("B1", "cohesie", 2.0, 1.8, 2.2, 200), ("B2", "cohesie", 9.0, 8.8, 9.2, 200)]))))
    sociaal = rings[rings["thema"] == "sociaal"]
    assert sociaal["vlag"].all()
    for signal in sociaal["signaal"]:
        assert "achtergrondcijfers (die meten iets anders dan de vragen)" in signal
        assert signal not in ("bewoners positiever dan de cijfers",
                              "bewoners negatiever dan de cijfers")
