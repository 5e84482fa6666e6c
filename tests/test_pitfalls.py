"""wijklib.tellen.pitfalls: the CBS pitfalls shown with a participant's own data."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import poisson

import wijklib
from wijklib.errors import DataNotAvailableError, InvalidChoiceError
from wijklib.tellen.compare import format_number
from wijklib.tellen.pitfalls import (
    BOUNDARY_CODES,
    STATUS_COMPLETE,
    STATUS_EMPTY,
    STATUS_PARTLY,
    STATUS_UNPUBLISHED,
    boundary_changes,
    missing_overview,
    rate_interval,
    rate_margins,
    rounding_check,
    small_areas,
    unstable_rates,
    year_overview,
)

NAN = float("nan")


def info(year: int, available: bool = True) -> dict:
    return {"year": year, "table_id": f"T{year}", "modified": f"{year}-10-01",
            "available": available}


def buurten() -> pd.DataFrame:
    df = pd.DataFrame(
        {
            "code": ["BU00010001", "BU00010002", "BU00010003"],
            "naam": ["Noord", "Midden", "Zuid"],
            "niveau": "buurt",
            "inwoners": [100.0, 205.0, 50.0],
            "bijstand": [10.0, NAN, 5.0],
            "woz_waarde": [300.0, 250.0, NAN],
            "oppervlakte_totaal": [10.0, 20.0, 30.0],
            "bijstand_per_1000": [100.0, NAN, 100.0],
        }
    )
    df.attrs["indicators"] = {
        "inwoners": info(2024),
        "bijstand": info(2023),
        "woz_waarde": info(2023),
        "oppervlakte_totaal": info(2023),
        "bijstand_per_1000": info(2023),
    }
    return df


def gemeente(**values: float) -> pd.DataFrame:
    row = {"inwoners": 357.0, "bijstand": 30.0, "woz_waarde": 280.0,
           "oppervlakte_totaal": 60.0, "bijstand_per_1000": 84.0}
    row.update(values)
    df = pd.DataFrame({"code": ["GM0001"], "naam": ["Ergens"], "niveau": ["gemeente"]})
    for name, value in row.items():
        df[name] = [value]
    df.attrs["indicators"] = {name: info(2024) for name in row}
    return df


# ------------------------------------------------------------------------ rounding_check


def test_rounding_check_known_answers():
    out = rounding_check(buurten(), gemeente(), ["inwoners", "bijstand", "oppervlakte_totaal"])
    rows = out.set_index("indicator")
    inw = rows.loc["inwoners"]
    assert inw["som"] == 355 and inw["waarde_geheel"] == 357 and inw["verschil"] == -2
    assert inw["verschil_pct"] == pytest.approx(-2 / 357 * 100)
    assert inw["max_afronding"] == 15
    assert bool(inw["optelbaar"]) and inw["jaar"] == 2024
    assert "De buurten tellen op tot 2 minder dan de gemeente (0,56 %)" in inw["toelichting"]
    assert "veelvoud van 5" in inw["toelichting"]
    # a missing buurt is left out of the sum, not counted as 0
    bij = rows.loc["bijstand"]
    assert bij["som"] == 15 and bij["aantal_delen"] == 2 and bij["ontbrekend_delen"] == 1
    assert bij["verschil"] == -15
    # benefits are rounded to tens, not to 5: two buurten may be off by up to 20
    assert bij["max_afronding"] == 20
    assert "rondt dit aantal per wijk en buurt af op tientallen" in bij["toelichting"]
    assert "1 buurt heeft geen cijfer (geheim of onbekend)" in bij["toelichting"]
    assert "de buurten hebben cijfers uit 2023, de gemeente uit 2024" in bij["toelichting"]
    opp = rows.loc["oppervlakte_totaal"]
    assert opp["verschil"] == 0
    assert "precies gelijk aan de gemeente" in opp["toelichting"]


def ten_wijken(inwoners: float, woningen: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    parts = pd.DataFrame({"code": [f"WK00010{i}" for i in range(10)],
                          "naam": [f"Wijk {i}" for i in range(10)], "niveau": "wijk",
                          "inwoners": inwoners / 10, "woningvoorraad": woningen / 10})
    parts.attrs["indicators"] = {"inwoners": info(2023), "woningvoorraad": info(2023)}
    whole = pd.DataFrame({"code": ["GM0001"], "naam": ["Ergens"], "niveau": ["gemeente"],
                          "inwoners": [inwoners + 192], "woningvoorraad": [woningen + 3]})
    whole.attrs["indicators"] = {"inwoners": info(2023), "woningvoorraad": info(2023)}
    return parts, whole


def test_rounding_check_names_the_real_causes_of_a_gap():
    # real 2023 data: 10 wijken of one year add up to 192 inhabitants fewer than the
    # gemeente; CBS's explanation is inhabitants it cannot place in any wijk
    parts, whole = ten_wijken(361_000.0, 160_000.0)
    out = rounding_check(parts, whole, ["inwoners", "woningvoorraad"]).set_index("indicator")
    inw = out.loc["inwoners"]
    assert inw["verschil"] == -192 and inw["max_afronding"] == 50
    assert "CBS kan niet alle inwoners in een wijk of buurt plaatsen" in inw["toelichting"]
    assert "Controleer" not in inw["toelichting"]
    assert "Gebruik voor het totaal dus het cijfer van de gemeente" in inw["toelichting"]
    # the housing stock is not rounded at all: even 3 homes is not a rounding difference
    homes = out.loc["woningvoorraad"]
    assert homes["max_afronding"] == 0 and homes["verschil"] == -3
    assert "CBS rondt dit aantal niet af" in homes["toelichting"]
    assert "veelvoud van 5" not in homes["toelichting"]


def test_rounding_check_refuses_to_add_percentages_and_averages():
    out = rounding_check(buurten(), gemeente(), ["woz_waarde", "bijstand_per_1000"])
    assert not out["optelbaar"].any()
    assert out["som"].isna().all() and out["verschil"].isna().all()
    woz, rate = out["toelichting"]
    assert "is een gemiddelde. Zulke cijfers kun je niet optellen" in woz
    assert "per 1 000 inwoners" in rate and "(bijstand en inwoners)" in rate


def test_rounding_check_empty_and_all_missing():
    out = rounding_check(buurten().iloc[0:0], gemeente(), ["inwoners"])
    assert out["aantal_delen"].iloc[0] == 0 and math.isnan(out["som"].iloc[0])
    assert "som is onbekend" in out["toelichting"].iloc[0]
    parts = buurten()
    parts["bijstand"] = NAN
    out = rounding_check(parts, gemeente(), ["bijstand"])
    assert math.isnan(out["som"].iloc[0]) and out["ontbrekend_delen"].iloc[0] == 3
    assert "3 buurten hebben geen cijfer" in out["toelichting"].iloc[0]
    out = rounding_check(buurten(), gemeente(inwoners=NAN), ["inwoners"])
    assert math.isnan(out["verschil"].iloc[0])
    assert "De gemeente heeft geen cijfer" in out["toelichting"].iloc[0]


def test_rounding_check_errors():
    with pytest.raises(InvalidChoiceError, match="precies één rij"):
        rounding_check(buurten(), buurten(), ["inwoners"])
    with pytest.raises(DataNotAvailableError, match="'huishoudens'"):
        rounding_check(buurten(), gemeente(), ["huishoudens"])
    with pytest.raises(KeyError, match="Bedoel je"):
        rounding_check(buurten(), gemeente(), ["inwonerss"])


# --------------------------------------------------------------------------- small_areas


def small_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": ["BU01", "BU02", "BU03", "BU04", "BU05"],
            "naam": ["A", "B", "C", "D", "E"],
            "inwoners": [50.0, 150.0, 0.0, 5000.0, NAN],
            "woz_waarde": [NAN, 300.0, NAN, 400.0, 200.0],
            "bijstand": [NAN, NAN, NAN, 10.0, 5.0],
            "inkomen_per_inwoner": NAN,  # not published: not counted as missing
        }
    )


def test_small_areas_known_answers():
    out = small_areas(small_frame())
    assert list(out["code"]) == ["BU03", "BU01", "BU02"]  # smallest first
    assert list(out["ontbrekend"]) == [2, 2, 1]
    assert list(out["aantal_cijfers"]) == [3, 3, 3]
    assert out["pct_ontbrekend"].tolist() == pytest.approx([200 / 3, 200 / 3, 100 / 3])
    assert out["toelichting"].iloc[0].startswith("Geen inwoners")
    assert out["toelichting"].iloc[2] == (
        "Klein gebied (150 inwoners). Cijfers per 1 000 inwoners en percentages schommelen "
        "hier sterk. 1 van de 3 cijfers ontbreekt (geheim of onbekend)."
    )
    assert list(small_areas(small_frame(), min_inhabitants=100)["code"]) == ["BU03", "BU01"]


def test_small_areas_edge_cases():
    assert small_areas(small_frame().iloc[0:0]).empty
    nobody = small_frame()
    nobody["inwoners"] = NAN
    assert small_areas(nobody).empty
    with pytest.raises(DataNotAvailableError, match="'inwoners'"):
        small_areas(small_frame().drop(columns="inwoners"))
    with pytest.raises(InvalidChoiceError, match="0 of meer"):
        small_areas(small_frame(), min_inhabitants=-1)


# ------------------------------------------------------------------------- rate_interval


def test_rate_interval_exact_poisson_values():
    lower, upper = rate_interval(10, 1, per=1)
    assert lower == pytest.approx(4.795389, rel=1e-6)
    assert upper == pytest.approx(18.390356, rel=1e-6)
    # the defining property of the exact interval, checked with the Poisson distribution
    assert poisson.sf(9, lower) == pytest.approx(0.025)
    assert poisson.cdf(10, upper) == pytest.approx(0.025)
    lower, upper = rate_interval(0, 1000)
    assert lower == 0 and upper == pytest.approx(-math.log(0.025), rel=1e-9)
    assert isinstance(lower, float)


def test_rate_interval_is_vectorised_and_keeps_missing():
    counts = pd.Series([10, 0, NAN, 5, -1], index=list("abcde"))
    lower, upper = rate_interval(counts, [1000, 1000, 1000, 0, 1000], per=1000)
    assert list(lower.index) == list("abcde")
    assert lower["a"] == pytest.approx(4.795389, rel=1e-6)
    assert upper["b"] == pytest.approx(3.688879, rel=1e-6)
    assert lower[["c", "d", "e"]].isna().all() and upper[["c", "d", "e"]].isna().all()
    lower, upper = rate_interval(np.array([10.0, 40.0]), 200.0, per=100, level=0.9)
    assert isinstance(lower, np.ndarray) and lower.shape == (2,)
    assert (lower < np.array([5, 20])).all() and (upper > np.array([5, 20])).all()
    empty_lower, empty_upper = rate_interval(np.array([]), np.array([]))
    assert empty_lower.size == 0 and empty_upper.size == 0


def test_rate_interval_bad_arguments():
    with pytest.raises(InvalidChoiceError, match="tussen 0 en 1"):
        rate_interval(1, 1, level=95)
    with pytest.raises(InvalidChoiceError, match="groter dan 0"):
        rate_interval(1, 1, per=0)


# ------------------------------------------------------------------------ unstable_rates


def rates_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": ["BU01", "BU02", "BU03", "BU04", "BU05"],
            "naam": ["A", "B", "C", "D", "E"],
            # A's population is from another year than its rate (rate says 1 000)
            "inwoners": [900.0, 1000.0, 10000.0, 500.0, 800.0],
            "bijstand": [5.0, 0.0, 500.0, NAN, 100.0],
            "bijstand_per_1000": [5.0, 0.0, 50.0, 8.0, 125.0],
        }
    )


def test_unstable_rates_known_answers():
    out = unstable_rates(rates_frame(), "bijstand_per_1000", "bijstand")
    low5, high5 = rate_interval(5, 1, per=1)
    a = out.iloc[0]
    # interval around the published rate: 5 per 1 000 from 5 cases
    assert a["ondergrens"] == pytest.approx(low5) and a["bovengrens"] == pytest.approx(high5)
    assert a["relatieve_breedte"] == pytest.approx((high5 - low5) / 5)
    assert bool(a["onstabiel"])
    assert a["toelichting"].startswith("Onzeker: gebaseerd op 5 gevallen")
    b = out.iloc[1]  # a rate of 0 uses the population column
    assert b["ondergrens"] == 0 and b["bovengrens"] == pytest.approx(3.688879, rel=1e-6)
    assert bool(b["onstabiel"])
    assert not bool(out.iloc[2]["onstabiel"]) and not bool(out.iloc[4]["onstabiel"])
    assert out.iloc[2]["toelichting"].startswith("Redelijk stabiel")
    assert out["onstabiel"].dtype == "boolean"
    assert out["onstabiel"].isna().tolist() == [False, False, False, True, False]
    assert out.iloc[3]["toelichting"].startswith("Onbekend")


def test_unstable_rates_threshold_and_per():
    out = unstable_rates(rates_frame(), "bijstand_per_1000", "bijstand", max_relative_width=5)
    assert out["onstabiel"].tolist()[:3] == [False, True, False]
    with pytest.raises(InvalidChoiceError, match="Geef 'per' op"):
        unstable_rates(rates_frame().assign(woz_waarde=1.0), "woz_waarde", "bijstand")


def test_unstable_rates_empty_and_all_missing():
    out = unstable_rates(rates_frame().iloc[0:0], "bijstand_per_1000", "bijstand")
    assert out.empty and "onstabiel" in out.columns
    frame = rates_frame()
    frame["bijstand"] = NAN
    out = unstable_rates(frame, "bijstand_per_1000", "bijstand")
    assert out["onstabiel"].isna().all() and out["ondergrens"].isna().all()
    with pytest.raises(DataNotAvailableError, match="'ww_uitkering'"):
        unstable_rates(rates_frame(), "ww_per_1000", "ww_uitkering")


# ---------------------------------------------------------------------- boundary_changes


def test_boundary_changes_counts_and_meanings():
    areas = pd.DataFrame(
        {
            "code": list("ABCDEF"),
            "naam": ["Aa", "Bb", "Cc", "Dd", "Ee", "Ff"],
            "indelingswijziging": ["1", "2", "3", None, " 1 ", "9"],
        }
    )
    out = boundary_changes(areas)
    assert list(out["indelingswijziging"]) == ["1", "2", "3", "onbekend"]
    assert list(out["aantal"]) == [2, 1, 1, 2]
    assert out["pct"].tolist() == pytest.approx([200 / 6, 100 / 6, 100 / 6, 200 / 6])
    assert list(out["betekenis"]) == list(BOUNDARY_CODES.values())
    assert list(out["gebieden"]) == ["", "Bb", "Cc", "Dd, Ff"]
    numeric = boundary_changes(pd.DataFrame({"code": ["A", "B"], "indelingswijziging": [1.0, 3]}))
    assert list(numeric["aantal"]) == [1, 0, 1, 0]


def test_boundary_changes_empty_and_all_missing():
    empty = boundary_changes(pd.DataFrame({"code": [], "indelingswijziging": []}))
    assert list(empty["aantal"]) == [0, 0, 0, 0] and empty["pct"].isna().all()
    missing = boundary_changes(pd.DataFrame({"code": ["A"], "indelingswijziging": [NAN]}))
    assert list(missing["aantal"]) == [0, 0, 0, 1]
    with pytest.raises(DataNotAvailableError, match="indelingswijziging"):
        boundary_changes(pd.DataFrame({"code": ["A"]}))


# ----------------------------------------------------------------------- missing_overview


def test_missing_overview_statuses():
    out = missing_overview(small_frame()).set_index("indicator")
    assert list(out.index) == ["inwoners", "woz_waarde", "inkomen_per_inwoner", "bijstand"]
    assert out.loc["woz_waarde", "aantal_ontbrekend"] == 2
    assert out.loc["woz_waarde", "pct_ontbrekend"] == pytest.approx(40)
    assert out.loc["woz_waarde", "status"] == STATUS_PARTLY
    assert out.loc["inkomen_per_inwoner", "status"] == STATUS_UNPUBLISHED
    assert out.loc["bijstand", "aantal_gebieden"] == 5
    selected = missing_overview(buurten(), ["oppervlakte_totaal", "bijstand"])
    assert list(selected["status"]) == [STATUS_COMPLETE, STATUS_PARTLY]
    assert list(selected["jaar"]) == [2023, 2023]


def test_missing_overview_empty():
    out = missing_overview(buurten().iloc[0:0], ["inwoners"])
    assert out["status"].iloc[0] == STATUS_EMPTY and math.isnan(out["pct_ontbrekend"].iloc[0])
    assert missing_overview(pd.DataFrame({"code": []})).empty


# -------------------------------------------------------------------------- year_overview


def test_year_overview_from_attrs():
    df = buurten()
    df.attrs["indicators"]["pct_huurwoningen"] = info(2024, available=False)
    out = year_overview(df).set_index("indicator")
    assert out.loc["woz_waarde", "tekst"] == "Gemiddelde WOZ-waarde van woningen: 2023"
    assert out.loc["woz_waarde", "tabel"] == "T2023"
    assert out.loc["woz_waarde", "bijgewerkt"] == "2023-10-01"
    assert out.loc["inwoners", "jaar"] == 2024 and out["jaar"].dtype == "Int64"
    assert out.loc["pct_huurwoningen", "tekst"] == (
        "Aandeel huurwoningen: nog niet gepubliceerd (tabel van 2024)"
    )
    assert not out.loc["pct_huurwoningen", "beschikbaar"]


def test_year_overview_without_attrs_or_with_unmatched_columns():
    df = buurten()
    df.attrs = {}
    assert year_overview(df).empty
    df = buurten()
    df["huishoudens"] = NAN  # a catalogue column the CBS table did not have
    out = year_overview(df).set_index("indicator")
    assert pd.isna(out.loc["huishoudens", "jaar"])
    assert out.loc["huishoudens", "tekst"] == "Aantal huishoudens: niet gevonden in de CBS-tabel"
    empty = buurten().iloc[0:0]
    assert len(year_overview(empty)) == 5


# ------------------------------------------------------------------------------ real data


def test_pitfalls_on_utrecht(warm):
    parts = wijklib.kerncijfers("Utrecht")
    whole = wijklib.kerncijfers("Utrecht", niveau="gemeente")
    out = rounding_check(parts, whole, ["inwoners", "woz_waarde"]).set_index("indicator")
    expected = parts["inwoners"].sum() - whole["inwoners"].iloc[0]
    assert out.loc["inwoners", "verschil"] == expected
    if expected == 0:
        assert "precies gelijk" in out.loc["inwoners", "toelichting"]
    elif abs(expected) < 5 * len(parts):
        assert "past bij afronden" in out.loc["inwoners", "toelichting"]
    assert not out.loc["woz_waarde", "optelbaar"]

    overview = missing_overview(parts).set_index("indicator")
    for name in ["inwoners", "woz_waarde", "inkomen_per_inwoner"]:
        assert overview.loc[name, "aantal_ontbrekend"] == parts[name].isna().sum()
        if parts[name].isna().all():
            assert overview.loc[name, "status"] == STATUS_UNPUBLISHED

    years = year_overview(parts).set_index("indicator")
    woz = parts.attrs["indicators"]["woz_waarde"]
    assert years.loc["woz_waarde", "jaar"] == woz["year"]
    if woz["available"]:
        expected_text = f"Gemiddelde WOZ-waarde van woningen: {woz['year']}"
        assert years.loc["woz_waarde", "tekst"] == expected_text

    changes = boundary_changes(parts)
    assert changes["aantal"].sum() == len(parts)
    assert changes.set_index("indelingswijziging").loc["1", "aantal"] == (
        pd.to_numeric(parts["indelingswijziging"], errors="coerce") == 1
    ).sum()

    small = small_areas(parts)
    assert set(small["code"]) == set(parts.loc[parts["inwoners"] < 200, "code"])

    rates = unstable_rates(parts, "bijstand_per_1000", "bijstand")
    assert len(rates) == len(parts)
    assert rates["onstabiel"].isna().sum() == parts["bijstand_per_1000"].isna().sum()


def test_rounding_check_does_not_add_averages_of_schools_or_call_a_median_an_average():
    parts = pd.DataFrame({"code": ["BU1", "BU2"], "naam": ["A", "B"], "niveau": "buurt",
                          "scholen_binnen_3km": [20.0, 26.0], "mediaan_vermogen": [30.0, 90.0]})
    whole = pd.DataFrame({"code": ["GM1"], "naam": ["G"], "niveau": ["gemeente"],
                          "scholen_binnen_3km": [23.3], "mediaan_vermogen": [60.0]})
    out = rounding_check(parts, whole, ["scholen_binnen_3km", "mediaan_vermogen"])
    assert out["som"].isna().all() and not out["optelbaar"].any()
    schools, wealth = out["toelichting"]
    assert "is een gemiddelde" in schools
    assert "is een mediaan" in wealth and "gemiddelde" not in wealth


def test_rate_margins_for_small_counts_only():
    areas = pd.DataFrame({"code": ["BU1", "BU2", "BU3", "BU4"],
                          "bijstand": [7.0, 400.0, NAN, 0.0],
                          "inwoners": [100.0, 4000.0, 500.0, 80.0]})
    areas["bijstand_per_1000"] = areas["bijstand"] / areas["inwoners"] * 1000
    out = rate_margins(areas, "bijstand_per_1000")
    low, high = rate_interval(7.0, 100.0, per=1000)
    assert out.loc[0, "ondergrens"] == pytest.approx(low)
    assert out.loc[0, "bovengrens"] == pytest.approx(high)
    assert out.loc[0, "tekst"] == (f"95%-marge {format_number(low)} – {format_number(high)} "
                                   "(7 gevallen)")
    assert out.loc[1, "tekst"] == ""  # 400 cases: stable enough
    assert out.loc[2, "tekst"] == "" and math.isnan(out.loc[2, "ondergrens"])  # unknown
    assert out.loc[3, "tekst"].startswith("95%-marge 0 – ")  # 0 is not certain either
    # an indicator that is not made from a count gets no margin
    assert (rate_margins(areas.assign(woz_waarde=300.0), "woz_waarde")["tekst"] == "").all()
