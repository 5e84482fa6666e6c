"""wijklib.tellen.index: the composite attention score, its sensitivity and rank shifts."""

from __future__ import annotations

import math
import time

import numpy as np
import pandas as pd
import pytest

import wijklib
from wijklib.data import catalog
from wijklib.errors import DataNotAvailableError, InvalidChoiceError
from wijklib.tellen.index import (
    MIN_INHABITANTS,
    NOTE,
    STANDARDISATIONS,
    attention_score,
    rank_shift,
    sensitivity,
    standardise,
)

NAN = float("nan")
ROOT5 = math.sqrt(5)


def frame(**columns) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    data = {"code": [f"BU0001{i:04d}" for i in range(n)], "naam": [f"Buurt {i}" for i in range(n)]}
    data.update({k: [float(x) for x in v] for k, v in columns.items()})
    return pd.DataFrame(data)


def four() -> pd.DataFrame:
    # bijstand: higher is unfavourable; arbeidsparticipatie: higher is favourable
    return frame(bijstand_per_1000=[10, 20, 30, 40], arbeidsparticipatie=[40, 50, 60, 70])


# ------------------------------------------------------------------------ attention_score


def test_attention_score_known_answer():
    out = attention_score(four(), {"bijstand_per_1000": 3, "arbeidsparticipatie": 1})
    # z of both columns: [-3, -1, 1, 3] / sqrt(5); participation is flipped
    expected = np.array([-1.5, -0.5, 0.5, 1.5]) / ROOT5
    assert out["score"].to_numpy() == pytest.approx(expected)
    assert list(out["rang"]) == [4, 3, 2, 1]
    assert out["rang"].dtype == "Int64"
    assert list(out["ontbrekend"]) == [0, 0, 0, 0]
    assert out["bijdrage_bijstand_per_1000"].iloc[3] == pytest.approx(2.25 / ROOT5)
    assert out["bijdrage_arbeidsparticipatie"].iloc[3] == pytest.approx(-0.75 / ROOT5)
    parts = out[["bijdrage_bijstand_per_1000", "bijdrage_arbeidsparticipatie"]].sum(axis=1)
    assert parts.to_numpy() == pytest.approx(out["score"].to_numpy())
    assert list(out.columns[:2]) == ["code", "naam"]
    assert out.attrs["weights"] == {"bijstand_per_1000": 0.75, "arbeidsparticipatie": 0.25}
    assert out.attrs["toelichting"].startswith(NOTE)


def test_only_weight_ratios_matter_and_zero_weight_is_left_out():
    a = attention_score(four(), {"bijstand_per_1000": 3, "arbeidsparticipatie": 1})
    b = attention_score(four(), {"bijstand_per_1000": 0.75, "arbeidsparticipatie": 0.25})
    assert a["score"].to_numpy() == pytest.approx(b["score"].to_numpy())
    c = attention_score(four(), {"bijstand_per_1000": 1, "arbeidsparticipatie": 0})
    assert "bijdrage_arbeidsparticipatie" not in c.columns
    assert c["score"].to_numpy() == pytest.approx(np.array([-3, -1, 1, 3]) / ROOT5)


def test_missing_values_renormalise_and_are_counted():
    areas = frame(bijstand_per_1000=[10, 30, NAN], ww_per_1000=[1, 3, 2])
    out = attention_score(areas, {"bijstand_per_1000": 1, "ww_per_1000": 1})
    z_ww = math.sqrt(1.5)  # (3 - 2) / sqrt(2/3)
    assert out["score"].to_numpy() == pytest.approx([(-1 - z_ww) / 2, (1 + z_ww) / 2, 0.0])
    assert list(out["ontbrekend"]) == [0, 0, 1]
    assert math.isnan(out["bijdrage_bijstand_per_1000"].iloc[2])
    assert list(out["rang"]) == [3, 1, 2]
    strict = attention_score(areas, {"bijstand_per_1000": 1, "ww_per_1000": 1}, min_indicators=2)
    assert math.isnan(strict["score"].iloc[2])
    assert strict["rang"].isna().tolist() == [False, False, True]
    assert list(strict["rang"].iloc[:2]) == [2, 1]
    assert strict[["bijdrage_bijstand_per_1000", "bijdrage_ww_per_1000"]].iloc[2].isna().all()


def test_default_min_indicators_is_half_rounded_up():
    areas = frame(
        bijstand_per_1000=[1, 2, NAN], ww_per_1000=[1, 2, NAN], ao_per_1000=[3, 1, 2]
    )
    out = attention_score(areas, {"bijstand_per_1000": 1, "ww_per_1000": 1, "ao_per_1000": 1})
    assert out.attrs["min_indicators"] == 2
    assert out["rang"].isna().tolist() == [False, False, True]


def test_ties_share_the_best_rank():
    areas = frame(bijstand_per_1000=[5, 9, 9, 1])
    out = attention_score(areas, {"bijstand_per_1000": 1})
    assert list(out["rang"]) == [3, 1, 1, 4]


def test_constant_single_and_all_missing_columns():
    constant = attention_score(frame(bijstand_per_1000=[7, 7, 7]), {"bijstand_per_1000": 1})
    assert list(constant["score"]) == [0, 0, 0] and list(constant["rang"]) == [1, 1, 1]
    single = attention_score(frame(bijstand_per_1000=[7]), {"bijstand_per_1000": 1})
    assert list(single["score"]) == [0] and list(single["rang"]) == [1]
    areas = four()
    areas["ww_per_1000"] = NAN
    out = attention_score(areas, {"bijstand_per_1000": 1, "ww_per_1000": 1})
    assert list(out["ontbrekend"]) == [1, 1, 1, 1]
    assert out["score"].to_numpy() == pytest.approx(np.array([-3, -1, 1, 3]) / ROOT5)
    assert out["bijdrage_ww_per_1000"].isna().all()
    gone = attention_score(areas, {"ww_per_1000": 1})
    assert gone["score"].isna().all() and gone["rang"].isna().all()


def test_empty_areas_give_empty_result():
    out = attention_score(four().iloc[0:0], {"bijstand_per_1000": 1})
    assert out.empty
    assert {"code", "naam", "score", "rang", "ontbrekend", "bijdrage_bijstand_per_1000"} <= set(
        out.columns
    )


def test_neutral_indicator_needs_a_direction():
    areas = frame(woz_waarde=[200, 300, 400])
    assert catalog.get("woz_waarde").hoger_is == "neutraal"
    with pytest.raises(InvalidChoiceError, match="is neutraal.*Kies zelf"):
        attention_score(areas, {"woz_waarde": 1})
    low_first = attention_score(areas, {"woz_waarde": 1}, directions={"woz_waarde": "gunstig"})
    assert list(low_first["rang"]) == [1, 2, 3]
    high_first = attention_score(areas, {"woz_waarde": 1}, directions={"woz_waarde": "ongunstig"})
    assert list(high_first["rang"]) == [3, 2, 1]
    # directions may overrule the catalogue
    flipped = attention_score(
        four(), {"bijstand_per_1000": 1}, directions={"bijstand_per_1000": "gunstig"}
    )
    assert list(flipped["rang"]) == [1, 2, 3, 4]
    with pytest.raises(InvalidChoiceError, match="richting 'beter'"):
        attention_score(areas, {"woz_waarde": 1}, directions={"woz_waarde": "beter"})


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ({"bijstand_per_1000": -1}, "niet negatief"),
        ({"bijstand_per_1000": 0}, "groter dan 0"),
        ({"bijstand_per_1000": "veel"}, "moet een getal zijn"),
        ({"bijstand_per_1000": True}, "moet een getal zijn"),
        ({"bijstand_per_1000": NAN}, "moet een getal zijn"),
        ({}, "woordenboek"),
        (["bijstand_per_1000"], "woordenboek"),
    ],
)
def test_bad_weights_give_dutch_errors(weights, message):
    with pytest.raises(InvalidChoiceError, match=message):
        attention_score(four(), weights)


def test_unknown_indicator_and_missing_column():
    with pytest.raises(KeyError, match="Bedoel je: bijstand_per_1000"):
        attention_score(four(), {"bijstand_per_100": 1})
    with pytest.raises(DataNotAvailableError, match="'ww_per_1000'"):
        attention_score(four(), {"ww_per_1000": 1})
    with pytest.raises(InvalidChoiceError, match="min_indicators"):
        attention_score(four(), {"bijstand_per_1000": 1}, min_indicators=2)


# ---------------------------------------------------------------------------- sensitivity


def random_areas(n: int, k: int, seed: int = 1) -> tuple[pd.DataFrame, dict[str, float]]:
    names = [i.naam for i in catalog.catalogue() if i.hoger_is != "neutraal"][:k]
    rng = np.random.default_rng(seed)
    values = rng.normal(size=(n, k))
    values[rng.random((n, k)) < 0.05] = np.nan
    areas = frame(**{name: values[:, j] for j, name in enumerate(names)})
    return areas, {name: float(j + 1) for j, name in enumerate(names)}


def test_sensitivity_without_spread_keeps_every_rank():
    out = sensitivity(four(), {"bijstand_per_1000": 3, "arbeidsparticipatie": 1}, spread=0, top=2)
    assert list(out["rang"]) == [4, 3, 2, 1]
    assert list(out["rang_min"]) == [4, 3, 2, 1] and list(out["rang_max"]) == [4, 3, 2, 1]
    assert list(out["rang_mediaan"]) == [4, 3, 2, 1]
    assert list(out["kans_top"]) == [0, 0, 1, 1]


def test_sensitivity_one_run_matches_attention_score_with_those_weights():
    areas, weights = random_areas(40, 4)
    factors = np.random.default_rng(7).uniform(0.5, 1.5, size=(1, 4))[0]
    out = sensitivity(areas, weights, spread=0.5, runs=1, seed=7, top=5)
    changed = {name: w * f for (name, w), f in zip(weights.items(), factors, strict=True)}
    expected = attention_score(areas, changed)["rang"]
    assert out["rang_min"].tolist() == expected.tolist()
    assert out["rang"].tolist() == attention_score(areas, weights)["rang"].tolist()
    assert out["kans_top"].tolist() == [float(r <= 5) for r in expected]


def test_sensitivity_is_reproducible_and_consistent():
    areas, weights = random_areas(60, 5)
    a = sensitivity(areas, weights, seed=3)
    b = sensitivity(areas, weights, seed=3)
    c = sensitivity(areas, weights, seed=4)
    pd.testing.assert_frame_equal(a, b)
    assert not a["rang_mediaan"].equals(c["rang_mediaan"])
    assert (a["rang_min"] <= a["rang_mediaan"]).all()
    assert (a["rang_mediaan"] <= a["rang_max"]).all()
    assert a["kans_top"].between(0, 1).all()
    assert a["kans_top"].sum() == pytest.approx(10)  # every run has exactly 10 in the top 10


def test_sensitivity_areas_without_score_and_empty_input():
    areas = frame(bijstand_per_1000=[1, 2, NAN, 4])
    out = sensitivity(areas, {"bijstand_per_1000": 1}, runs=20, top=1)
    assert out.iloc[2][["rang", "rang_min", "rang_max", "rang_mediaan", "kans_top"]].isna().all()
    assert list(out["kans_top"].iloc[[0, 1, 3]]) == [0, 0, 1]
    empty = sensitivity(areas.iloc[0:0], {"bijstand_per_1000": 1})
    assert empty.empty and "kans_top" in empty.columns
    all_missing = sensitivity(frame(bijstand_per_1000=[NAN, NAN]), {"bijstand_per_1000": 1})
    assert all_missing["kans_top"].isna().all()


def test_sensitivity_is_fast_on_500_areas_and_10_indicators():
    areas, weights = random_areas(500, 10)
    start = time.perf_counter()
    out = sensitivity(areas, weights, runs=200)
    assert time.perf_counter() - start < 2.0
    assert len(out) == 500


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"spread": 1.5}, "spread"), ({"runs": 0}, "runs"), ({"top": 0}, "top")],
)
def test_sensitivity_bad_arguments(kwargs, message):
    with pytest.raises(InvalidChoiceError, match=message):
        sensitivity(four(), {"bijstand_per_1000": 1}, **kwargs)


# ----------------------------------------------------------------------------- rank_shift


def test_rank_shift_known_answer():
    areas = frame(bijstand_per_1000=[10, 20, 30], arbeidsparticipatie=[50, 60, 70])
    out = rank_shift(areas, {"bijstand_per_1000": 1}, {"arbeidsparticipatie": 1})
    assert list(out["rang_a"]) == [3, 2, 1]
    assert list(out["rang_b"]) == [1, 2, 3]
    assert list(out["verschuiving"]) == [2, 0, -2]
    assert list(out["toelichting"]) == [
        "Stijgt 2 plaatsen met weging B (meer aandacht)",
        "Blijft op dezelfde plaats",
        "Daalt 2 plaatsen met weging B (minder aandacht)",
    ]


def test_rank_shift_missing_and_empty():
    areas = frame(bijstand_per_1000=[10, NAN, 30], arbeidsparticipatie=[40, 60, 50])
    out = rank_shift(areas, {"bijstand_per_1000": 1}, {"arbeidsparticipatie": 1})
    # A ranks [2, -, 1]; B ranks [1, 3, 2]
    assert out["verschuiving"].isna().tolist() == [False, True, False]
    assert out["toelichting"].iloc[1].startswith("Onbekend")
    assert out["toelichting"].iloc[0] == "Stijgt 1 plaats met weging B (meer aandacht)"
    assert out["toelichting"].iloc[2] == "Daalt 1 plaats met weging B (minder aandacht)"
    empty = rank_shift(areas.iloc[0:0], {"bijstand_per_1000": 1}, {"arbeidsparticipatie": 1})
    assert empty.empty and "verschuiving" in empty.columns


def test_duplicate_index_labels_do_not_mix_up_rows():
    areas = frame(bijstand_per_1000=[10, 20, 30], arbeidsparticipatie=[40, 60, 50])
    areas.index = [0, 0, 1]
    out = rank_shift(areas, {"bijstand_per_1000": 1}, {"arbeidsparticipatie": 1})
    assert list(out["rang_a"]) == [3, 2, 1] and list(out["rang_b"]) == [1, 3, 2]
    assert list(out.index) == [0, 0, 1]


# ------------------------------------------------------------------------------ real data


def test_attention_score_utrecht_buurten(warm):
    buurten = wijklib.kerncijfers("Utrecht")
    weights = {
        "bijstand_per_1000": 2,
        "ww_per_1000": 1,
        "ao_per_1000": 1,
        "pct_huishoudens_laag_inkomen": 1,
        "woz_waarde": 1,
        "inkomen_per_inwoner": 1,  # not yet published in the newest table
    }
    out = attention_score(buurten, weights, directions={"woz_waarde": "gunstig"})
    assert len(out) == len(buurten) == 111
    available = buurten[list(weights)].notna().sum(axis=1)
    large = ~(buurten["inwoners"] < MIN_INHABITANTS)
    enough = ((available >= math.ceil(len(weights) / 2)) & large).to_numpy()
    assert out["rang"].notna().to_numpy().tolist() == enough.tolist()
    # buurten with a few dozen inhabitants get no score, and it says why
    small = out[~large.to_numpy()]
    assert len(small) >= 1 and small["score"].isna().all()
    assert (small["reden"] == f"minder dan {MIN_INHABITANTS} inwoners: geen score").all()
    assert str(MIN_INHABITANTS) in out.attrs["toelichting"]
    assert list(out["ontbrekend"]) == list(len(weights) - available)
    ranks = out["rang"][enough].astype(int)
    scores = out["score"][enough]
    assert ranks.min() == 1 and ranks.max() <= enough.sum()
    if scores.is_unique:
        assert sorted(ranks) == list(range(1, int(enough.sum()) + 1))
    contributions = out.filter(like="bijdrage_")[enough].sum(axis=1)
    assert contributions.to_numpy() == pytest.approx(scores.to_numpy())
    shaky = sensitivity(buurten, weights, directions={"woz_waarde": "gunstig"}, runs=50)
    assert shaky["rang"].tolist() == out["rang"].tolist()


# ------------------------------------------------------------- small areas and choices


def test_small_areas_get_no_score_and_do_not_move_the_others():
    # a buurt of 40 inhabitants with 3 people on bijstand has a rate of 75 per 1 000
    areas = frame(inwoners=[5000, 4000, 3000, 40], bijstand_per_1000=[10, 20, 30, 75],
                  arbeidsparticipatie=[70, 65, 60, 40])
    weights = {"bijstand_per_1000": 1, "arbeidsparticipatie": 1}
    out = attention_score(areas, weights)
    assert pd.isna(out["score"].iloc[3]) and pd.isna(out["rang"].iloc[3])
    assert out["reden"].tolist()[3] == "minder dan 200 inwoners: geen score"
    assert out["reden"].tolist()[:3] == ["", "", ""]
    alone = attention_score(areas.iloc[:3], weights)
    assert out["score"].iloc[:3].tolist() == pytest.approx(alone["score"].tolist())
    every = attention_score(areas, weights, min_inwoners=0)
    assert every["rang"].iloc[3] == 1  # without the rule the tiny buurt comes first
    shaky = sensitivity(areas, weights, runs=5)
    assert pd.isna(shaky["rang_max_alles"].iloc[3])
    with pytest.raises(InvalidChoiceError, match="min_inwoners"):
        attention_score(areas, weights, min_inwoners=-1)


def test_standardisations_known_answers():
    values = np.array([[1.0], [2.0], [3.0], [10.0], [np.nan]])
    z = standardise(values, "z")[:, 0]
    assert z[:4] == pytest.approx((values[:4, 0] - 4) / np.std(values[:4, 0]))
    assert np.isnan(z[4])
    assert standardise(values, "rang")[:4, 0] == pytest.approx([-0.375, -0.125, 0.125, 0.375])
    assert standardise(values, "minmax")[:4, 0] == pytest.approx([0, 1 / 9, 2 / 9, 1])
    # robust: median 2.5, MAD 0.5 * 1.4826; the outlier 10 does not set the scale
    assert standardise(values, "robuust")[:4, 0] == pytest.approx(
        (values[:4, 0] - 2.5) / (1 * 1.4826))
    constant = standardise(np.array([[4.0], [4.0]]), "robuust")
    assert constant.tolist() == [[0.0], [0.0]]
    with pytest.raises(InvalidChoiceError, match="Kies uit"):
        standardise(values, "log")


def test_sensitivity_varies_indicator_choice_and_standardisation():
    # area 0 is first only because of one extreme value on one indicator
    areas = frame(inwoners=[1000] * 5,
                  bijstand_per_1000=[300, 30, 28, 26, 24],
                  ww_per_1000=[25, 40, 38, 36, 5],
                  ao_per_1000=[25, 40, 38, 36, 5])
    weights = {"bijstand_per_1000": 1, "ww_per_1000": 1, "ao_per_1000": 1}
    out = sensitivity(areas, weights, spread=0, runs=3)
    assert out["rang"].iloc[0] == 1
    # the weights alone (spread 0) do not move it ...
    assert out["rang_min"].iloc[0] == out["rang_max"].iloc[0] == 1
    # ... but leaving bijstand out, or standardising by rank, does
    assert out["rang_max_keuze"].iloc[0] > 1
    assert out["rang_max_methode"].iloc[0] > 1
    assert out["rang_max_alles"].iloc[0] >= max(out["rang_max_keuze"].iloc[0],
                                                out["rang_max_methode"].iloc[0])
    assert (out["rang_min_alles"] <= out["rang"]).all()
    assert (out["rang"] <= out["rang_max_alles"]).all()
    text = out.attrs["varianten"]
    assert "één van de 3 indicatoren weggelaten" in text
    assert all(words in text for words in STANDARDISATIONS.values())
