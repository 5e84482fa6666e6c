"""wijklib.tellen.compare: comparing areas with references and with similar areas."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import wijklib
from wijklib.errors import DataNotAvailableError, InvalidChoiceError
from wijklib.tellen.compare import (
    JUDGEMENTS,
    STRUCTURAL_PROFILE,
    compare,
    compare_similar,
    difference_label,
    format_number,
    similar_areas,
)

NAN = float("nan")
INDICATORS = ["woz_waarde", "bijstand_per_1000", "arbeidsparticipatie"]


def info(year: int) -> dict:
    return {"year": year, "table_id": "T", "modified": "", "available": True}


def areas_frame() -> pd.DataFrame:
    """Three buurten; woz neutral, bijstand unfavourable, participation favourable."""
    df = pd.DataFrame(
        {
            "code": ["BU00010001", "BU00010002", "BU00010003"],
            "naam": ["Noord", "Midden", "Zuid"],
            "niveau": "buurt",
            "woz_waarde": [480.0, 300.0, NAN],
            "bijstand_per_1000": [20.0, 50.0, 41.0],
            "arbeidsparticipatie": [70.0, 58.0, 0.0],
        }
    )
    df.attrs["indicators"] = {
        "woz_waarde": info(2023),
        "bijstand_per_1000": info(2024),
        "arbeidsparticipatie": info(2024),
    }
    return df


def reference_frame(niveau: str, values: dict[str, float], years: dict[str, int]) -> pd.DataFrame:
    df = pd.DataFrame({"code": ["X"], "naam": ["ref"], "niveau": [niveau]})
    for name, value in values.items():
        df[name] = [value]
    df.attrs["indicators"] = {name: info(year) for name, year in years.items()}
    return df


def gemeente() -> pd.DataFrame:
    return reference_frame(
        "gemeente",
        {"woz_waarde": 400.0, "bijstand_per_1000": 40.0, "arbeidsparticipatie": 60.0},
        {"woz_waarde": 2023, "bijstand_per_1000": 2024, "arbeidsparticipatie": 2024},
    )


def nederland() -> pd.DataFrame:
    return reference_frame(
        "land",
        {"woz_waarde": 0.0, "bijstand_per_1000": NAN, "arbeidsparticipatie": 70.0},
        {"woz_waarde": 2024, "bijstand_per_1000": 2024, "arbeidsparticipatie": 2024},
    )


# ----------------------------------------------------------------------- format_number


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (1234.5, None, "1.235"),
        (1234.5, 1, "1.234,5"),
        (45, None, "45"),
        (45.25, None, "45,3"),
        (2.675, 2, "2,68"),
        (0.125, 2, "0,13"),
        (12.0, None, "12"),
        (0.0123, None, "0,012"),
        (0.5, None, "0,5"),
        (-3.5, None, "-3,5"),
        (1234567, None, "1.234.567"),
        (1234.5, 2, "1.234,50"),
        (-0.01, 1, "0,0"),
        (0, None, "0"),
        (np.float64(7.25), 2, "7,25"),
    ],
)
def test_format_number_is_dutch(value, decimals, expected):
    assert format_number(value, decimals) == expected


@pytest.mark.parametrize("missing", [NAN, None, pd.NA, np.nan, float("inf"), "tekst"])
def test_format_number_shows_onbekend_for_missing(missing):
    assert format_number(missing) == "onbekend"


def test_format_number_refuses_negative_decimals():
    with pytest.raises(InvalidChoiceError, match="decimalen"):
        format_number(1.0, -1)


# -------------------------------------------------------------------- difference_label


def test_difference_label_states_size_units_and_judgement():
    assert (
        difference_label(45, 40, "gunstig", "x 1 000 euro")
        == "12,5 % hoger dan de gemeente (45 tegen 40 x 1 000 euro), dat is gunstiger"
    )
    assert (
        difference_label(30, 40, "ongunstig", "per 1 000 inwoners", referentie="Nederland")
        == "25,0 % lager dan Nederland (30 tegen 40 per 1 000 inwoners), dat is gunstiger"
    )
    assert (
        difference_label(50, 40, "neutraal", "x 1 000 euro")
        == "25,0 % hoger dan de gemeente (50 tegen 40 x 1 000 euro)"
    )


def test_difference_label_uses_procentpunt_for_percentages():
    text = difference_label(25.0, 20.0, "ongunstig", "% van de woningen")
    assert text == (
        "5,0 procentpunt hoger dan de gemeente (25 tegen 20 % van de woningen), "
        "dat is ongunstiger"
    )


def test_difference_label_counts_zero_reference_and_equal():
    assert difference_label(1800, 1800, "neutraal", "aantal") == (
        "Even hoog als de gemeente (1.800 tegen 1.800)"
    )
    assert difference_label(3, 0, "neutraal", "aantal") == "3 hoger dan de gemeente (3 tegen 0)"


@pytest.mark.parametrize(("value", "reference"), [(NAN, 40), (40, None), (pd.NA, NAN)])
def test_difference_label_missing_is_not_zero(value, reference):
    text = difference_label(value, reference, "gunstig", "x 1 000 euro")
    assert text.startswith("Niet te vergelijken met de gemeente: een cijfer ontbreekt")
    assert "onbekend" in text


def test_difference_label_bad_direction_is_dutch():
    with pytest.raises(InvalidChoiceError, match="Kies 'gunstig', 'ongunstig' of 'neutraal'"):
        difference_label(1, 2, "beter", "aantal")


# ------------------------------------------------------------------------------ compare


def test_compare_known_answers():
    out = compare(areas_frame(), {"gemeente": gemeente(), "Nederland": nederland()}, INDICATORS)
    assert len(out) == 9
    assert list(out["code"][:3]) == ["BU00010001"] * 3
    assert list(out["indicator"][:3]) == INDICATORS
    for column in [
        "code", "naam", "indicator", "label", "eenheid", "jaar", "waarde",
        "waarde_gemeente", "jaar_gemeente", "verschil_gemeente", "verschil_pct_gemeente",
        "waarde_Nederland", "jaar_Nederland", "verschil_Nederland", "verschil_pct_Nederland",
        "ander_jaar", "opvallend", "oordeel", "toelichting",
    ]:
        assert column in out.columns, column
    row = out.set_index(["code", "indicator"])
    noord_woz = row.loc[("BU00010001", "woz_waarde")]
    assert noord_woz["waarde"] == 480
    assert noord_woz["verschil_gemeente"] == 80
    assert noord_woz["verschil_pct_gemeente"] == pytest.approx(20.0)
    assert bool(noord_woz["opvallend"])  # exactly 20 % counts
    assert noord_woz["oordeel"] == "hoger"  # neutral indicator
    assert noord_woz["label"] == "Gemiddelde WOZ-waarde van woningen"
    # reference value 0: absolute difference, no relative difference
    assert noord_woz["verschil_Nederland"] == 480
    assert math.isnan(noord_woz["verschil_pct_Nederland"])
    assert bool(noord_woz["ander_jaar"])  # Nederland's woz is from 2024, the area's 2023
    assert noord_woz["jaar"] == 2023 and noord_woz["jaar_Nederland"] == 2024

    noord_bijstand = row.loc[("BU00010001", "bijstand_per_1000")]
    assert noord_bijstand["verschil_pct_gemeente"] == pytest.approx(-50.0)
    assert noord_bijstand["oordeel"] == "gunstiger"  # lower unfavourable figure
    assert math.isnan(noord_bijstand["waarde_Nederland"])
    assert not bool(noord_bijstand["ander_jaar"])

    midden = row.loc["BU00010002"]
    assert midden.loc["bijstand_per_1000", "oordeel"] == "ongunstiger"  # 50 vs 40
    assert midden.loc["arbeidsparticipatie", "oordeel"] == "ongeveer gelijk"  # 58 vs 60: 3,3 %
    assert not bool(midden.loc["arbeidsparticipatie", "opvallend"])
    assert midden.loc["woz_waarde", "oordeel"] == "lager"
    assert midden.loc["woz_waarde", "verschil_pct_gemeente"] == pytest.approx(-25.0)

    zuid = row.loc["BU00010003"]
    assert zuid.loc["bijstand_per_1000", "oordeel"] == "ongeveer gelijk"  # 41 vs 40
    # a real 0 is a value, not a missing value
    assert zuid.loc["arbeidsparticipatie", "oordeel"] == "ongunstiger"
    assert set(out["oordeel"]) <= set(JUDGEMENTS)


def test_compare_missing_value_is_onbekend_never_zero():
    out = compare(areas_frame(), gemeente(), ["woz_waarde"])
    zuid = out[out["code"] == "BU00010003"].iloc[0]
    assert math.isnan(zuid["waarde"]) and math.isnan(zuid["verschil_gemeente"])
    assert zuid["oordeel"] == "onbekend"
    assert not bool(zuid["opvallend"])
    assert "ontbreekt" in zuid["toelichting"]


def test_compare_toelichting_mentions_size_and_other_year():
    out = compare(areas_frame(), {"Nederland": nederland(), "gemeente": gemeente()}, INDICATORS)
    noord = out.set_index(["code", "indicator"]).loc[("BU00010001", "arbeidsparticipatie")]
    assert noord["oordeel"] == "ongeveer gelijk"  # first reference is Nederland now: 70 = 70
    assert noord["toelichting"] == "Even hoog als Nederland (70 tegen 70 % van de inwoners 15-75)"
    woz = out.set_index(["code", "indicator"]).loc[("BU00010001", "woz_waarde")]
    assert "Let op: dit gebied heeft een cijfer uit 2023, Nederland uit 2024" in woz["toelichting"]


def test_compare_single_frame_gets_key_from_niveau():
    out = compare(areas_frame(), nederland(), ["arbeidsparticipatie"])
    assert "waarde_Nederland" in out.columns
    out = compare(areas_frame(), gemeente(), ["arbeidsparticipatie"])
    assert "verschil_pct_gemeente" in out.columns


def test_compare_threshold_and_equal_within():
    out = compare(areas_frame(), gemeente(), ["bijstand_per_1000"], threshold=0.6)
    assert not out["opvallend"].any()  # largest difference is 50 %
    out = compare(areas_frame(), gemeente(), ["bijstand_per_1000"], equal_within=0)
    assert list(out["oordeel"]) == ["gunstiger", "ongunstiger", "ongunstiger"]


def test_compare_without_attrs_has_unknown_years():
    areas = areas_frame()
    areas.attrs = {}
    out = compare(areas, gemeente(), ["woz_waarde"])
    assert out["jaar"].isna().all()
    assert not out["ander_jaar"].any()


def test_compare_empty_areas_gives_empty_table():
    out = compare(areas_frame().iloc[0:0], gemeente(), INDICATORS)
    assert out.empty
    assert {"waarde", "waarde_gemeente", "opvallend", "oordeel"} <= set(out.columns)


def test_compare_all_missing_column():
    areas = areas_frame()
    areas["woz_waarde"] = NAN
    out = compare(areas, gemeente(), ["woz_waarde"])
    assert (out["oordeel"] == "onbekend").all()
    assert not out["opvallend"].any()
    ref = gemeente()
    ref["bijstand_per_1000"] = NAN
    out = compare(areas_frame(), ref, ["bijstand_per_1000"])
    assert (out["oordeel"] == "onbekend").all()


def test_compare_errors_are_dutch():
    with pytest.raises(KeyError, match="Bedoel je"):
        compare(areas_frame(), gemeente(), ["woz_waard"])
    with pytest.raises(InvalidChoiceError, match="precies één rij"):
        compare(areas_frame(), {"gemeente": pd.concat([gemeente(), gemeente()])}, INDICATORS)
    with pytest.raises(InvalidChoiceError, match="precies één rij"):
        compare(areas_frame(), {"gemeente": gemeente().iloc[0:0]}, INDICATORS)
    with pytest.raises(InvalidChoiceError, match="minstens één vergelijking"):
        compare(areas_frame(), {}, INDICATORS)
    with pytest.raises(InvalidChoiceError, match="minstens één indicator"):
        compare(areas_frame(), gemeente(), [])
    with pytest.raises(DataNotAvailableError, match="'inwoners' staan niet in de tabel"):
        compare(areas_frame(), gemeente(), ["inwoners"])
    with pytest.raises(DataNotAvailableError, match="vergelijking 'gemeente'"):
        compare(areas_frame(), gemeente().drop(columns="woz_waarde"), ["woz_waarde"])
    with pytest.raises(InvalidChoiceError, match="0 of meer"):
        compare(areas_frame(), gemeente(), INDICATORS, threshold=-1)


# ----------------------------------------------------------------------- similar areas


def similar_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": [f"BU0001000{i}" for i in range(7)],
            "naam": ["Doel", "Gelijk", "Groot", "Klein", "Anders", "Onbekend", "Nul"],
            "stedelijkheid": [1.0, 1.0, 1.0, 1.0, 2.0, 1.0, 1.0],
            "inwoners": [999.0, 1099.0, 9999.0, 99.0, 999.0, NAN, 0.0],
            "woz_waarde": [300.0, 200.0, 400.0, NAN, 600.0, 900.0, NAN],
        }
    )


def test_similar_areas_on_chosen_columns_standardised_distance():
    out = similar_areas(similar_frame(), "BU00010000", n=5, by=("stedelijkheid", "inwoners"))
    frame = similar_frame().set_index("code")
    usable = frame.drop("BU00010005")  # missing inwoners: left out
    klasse = usable["stedelijkheid"]
    sizes = np.log10(1 + usable["inwoners"])
    z_k = (klasse - klasse["BU00010000"]) / klasse.std(ddof=0)
    z_s = (sizes - sizes["BU00010000"]) / sizes.std(ddof=0)
    expected = np.sqrt((z_k**2 + z_s**2) / 2).drop("BU00010000").sort_values()
    assert list(out["code"]) == list(expected.index[:5])
    assert out["afstand"].tolist() == pytest.approx(expected.iloc[:5].tolist())
    assert "BU00010000" not in set(out["code"])  # not the area itself
    assert "Onbekend" not in set(out["naam"])  # missing inwoners left out
    assert out.attrs["vergeleken_op"] == ["stedelijkheid", "inwoners"]
    assert "binnen de 7 gebieden van deze tabel (de gemeente)" in out.attrs["uitleg"]
    assert "stedelijkheid en aantal inwoners" in out.attrs["uitleg"]


def test_similar_areas_by_name_fewer_than_n_and_only_size():
    out = similar_areas(similar_frame(), "doel", n=1, by=("inwoners",))
    assert list(out["naam"]) == ["Anders"]  # same size, class not used
    out = similar_areas(similar_frame(), "BU00010000", n=50, by=("stedelijkheid", "inwoners"))
    assert len(out) == 5


def profile_frame() -> pd.DataFrame:
    """Four areas of the same urbanity and size; only their structure differs."""
    return pd.DataFrame({
        "code": ["BU1", "BU2", "BU3", "BU4"],
        "naam": ["Flats", "Villawijk", "Ook flats", "Mix"],
        "stedelijkheid": [1.0, 1.0, 1.0, 1.0],
        "inwoners": [4000.0, 4100.0, 3000.0, 3900.0],
        "adressendichtheid": [4400.0, 3700.0, 4200.0, 4000.0],
        "pct_0_15": [17.0, 25.0, 18.0, 20.0],
        "pct_65_plus": [12.0, 12.0, 11.0, 15.0],
        "pct_huurwoningen": [73.0, 11.0, 84.0, 50.0],
        "woz_waarde": [313.0, 727.0, 286.0, 450.0],
        "huishoudensgrootte": [1.9, 2.7, 1.8, 2.2],
    })


def test_similar_areas_look_at_structure_not_only_urbanity_and_size():
    # in Utrecht 80 of 111 buurten share urbanity class 1: a buurt of flats (73 % rented,
    # WOZ 313) was matched with a villa buurt (11 % rented, WOZ 727) of the same size
    out = similar_areas(profile_frame(), "BU1", n=3)
    assert list(out["naam"]) == ["Ook flats", "Mix", "Villawijk"]
    assert out.attrs["vergeleken_op"] == list(STRUCTURAL_PROFILE)
    for words in ("stedelijkheid", "aandeel kinderen", "aandeel huurwoningen", "WOZ-waarde",
                  "huishoudensgrootte"):
        assert words in out.attrs["uitleg"]
    assert out["afstand"].is_monotonic_increasing and (out["afstand"] > 0).all()
    peers = compare_similar(profile_frame(), "BU1", ["woz_waarde"], n=1)
    assert peers.iloc[0]["vergelijkbaar_met"] == "Ook flats"
    assert list(peers.attrs["afstanden"]) == ["Ook flats"]
    # an area without a WOZ figure is matched on the rest, and it says so
    frame = profile_frame()
    frame.loc[0, "woz_waarde"] = NAN
    out = similar_areas(frame, "BU1", n=1)
    assert "woz_waarde" not in out.attrs["vergeleken_op"]
    assert "ontbreekt woz_waarde" in out.attrs["toelichting"]


def test_similar_areas_errors_are_dutch():
    with pytest.raises(InvalidChoiceError, match="staat niet in de tabel. Bedoel je: BU0001000"):
        similar_areas(similar_frame(), "BU0001000")
    with pytest.raises(DataNotAvailableError, match="ontbreekt inwoners"):
        similar_areas(similar_frame(), "BU00010005", by=("inwoners",))
    with pytest.raises(DataNotAvailableError, match="leeg"):
        similar_areas(similar_frame().iloc[0:0], "BU00010000")
    with pytest.raises(InvalidChoiceError, match="heel getal"):
        similar_areas(similar_frame(), "BU00010000", n=0)
    with pytest.raises(DataNotAvailableError, match="'huishoudens'"):
        similar_areas(similar_frame(), "BU00010000", by=("huishoudens",))


def test_similar_areas_all_missing_column_leaves_no_candidates():
    frame = similar_frame()
    frame.loc[1:, "inwoners"] = NAN
    assert similar_areas(frame, "BU00010000", by=("stedelijkheid", "inwoners")).empty


def test_compare_similar_uses_median_of_similar_areas():
    out = compare_similar(similar_frame(), "BU00010000", ["woz_waarde"], n=4,
                          by=("inwoners",))
    row = out.iloc[0]
    # similar in size: Anders (600), Gelijk (200), Groot (400), Klein (missing)
    # -> median 400, from 3 areas
    assert row["waarde_vergelijkbaar"] == 400
    assert row["aantal_vergelijkbaar"] == 3
    assert row["oordeel"] == "lager"
    assert row["vergelijkbaar_met"] == "Anders, Gelijk, Groot, Klein"
    assert row["toelichting"].startswith("25,0 % lager dan de mediaan van vergelijkbare gebieden")


def test_compare_similar_empty_input_and_unknown_code():
    with pytest.raises(DataNotAvailableError, match="leeg"):
        compare_similar(similar_frame().iloc[0:0], "BU00010000", ["woz_waarde"])
    with pytest.raises(InvalidChoiceError, match="staat niet in de tabel"):
        compare_similar(similar_frame(), "Nergens", ["woz_waarde"])


def test_compare_similar_all_missing_is_onbekend():
    frame = similar_frame()
    frame["woz_waarde"] = NAN
    out = compare_similar(frame, "BU00010000", ["woz_waarde"], by=("stedelijkheid", "inwoners"))
    assert out.iloc[0]["oordeel"] == "onbekend"
    assert out.iloc[0]["aantal_vergelijkbaar"] == 0


# ---------------------------------------------------------------------------- real data


def test_compare_utrecht_buurten_with_gemeente_and_nederland(warm):
    buurten = wijklib.kerncijfers("Utrecht")
    gm = wijklib.kerncijfers("Utrecht", niveau="gemeente")
    nl = wijklib.kerncijfers_nederland()
    names = ["woz_waarde", "bijstand_per_1000", "inwoners"]
    out = compare(buurten, {"gemeente": gm, "Nederland": nl}, names)
    assert len(out) == len(buurten) * len(names) == 333
    for name in names:
        part = out[out["indicator"] == name]
        values = buurten[name].to_numpy()
        assert np.array_equal(part["waarde"].to_numpy(), values, equal_nan=True)
        assert (part["oordeel"] == "onbekend").sum() == np.isnan(values).sum()
        area_year = buurten.attrs["indicators"][name]["year"]
        nl_year = nl.attrs["indicators"][name]["year"]
        assert (part["jaar"] == area_year).all() and (part["jaar_Nederland"] == nl_year).all()
        differs = area_year != nl_year
        both = np.isfinite(values) & np.isfinite(nl[name].iloc[0])
        assert list(part["ander_jaar"]) == list(both & differs)


def test_similar_areas_utrecht(warm):
    buurten = wijklib.kerncijfers("Utrecht")
    code = buurten.loc[buurten["inwoners"].idxmax(), "code"]
    out = similar_areas(buurten, code, n=5)
    assert len(out) == 5 and code not in set(out["code"])
    assert out["afstand"].is_monotonic_increasing


def test_similar_areas_of_taag_en_rubicondreef_are_alike(warm):
    # before: urbanity and size only gave Oog in Al (WOZ 727k, 11 % rented) up to
    # Zambesidreef (286k, 84 %) as "similar" to Taag- en Rubicondreef (313k, 73 %)
    buurten = wijklib.kerncijfers("Utrecht")
    focus = buurten[buurten["naam"].str.startswith("Taag- en Rubicondreef")].iloc[0]
    out = similar_areas(buurten, focus["code"], n=5)
    assert "Oog in Al" not in set(out["naam"])
    assert out["woz_waarde"].between(focus["woz_waarde"] * 0.7, focus["woz_waarde"] * 1.4).all()
    assert (out["pct_huurwoningen"] - focus["pct_huurwoningen"]).abs().max() <= 25
    assert out.attrs["vergeleken_op"] == list(STRUCTURAL_PROFILE)
    assert f"binnen de {len(buurten)} gebieden" in out.attrs["uitleg"]


def test_similar_areas_without_urbanity_match_on_size_and_say_so():
    frame = similar_frame()
    pos = frame.index[frame["code"] == "BU00010000"][0]
    frame.loc[pos, "stedelijkheid"] = np.nan
    out = similar_areas(frame, "BU00010000", n=2, by=("stedelijkheid", "inwoners"))
    assert out.attrs["vergeleken_op"] == ["inwoners"]
    assert "ontbreekt stedelijkheid" in out.attrs["toelichting"]
    sizes = np.log10(1 + frame.set_index("code")["inwoners"].astype(float))
    expected = (sizes.drop("BU00010000") - sizes["BU00010000"]).abs().dropna().sort_values()
    assert list(out["code"]) == list(expected.index[:2])


def test_similar_areas_without_any_profile_figure_fall_back_and_say_so():
    frame = profile_frame()
    for column in STRUCTURAL_PROFILE:
        frame.loc[0, column] = NAN
    out = similar_areas(frame, "BU1", n=2)
    assert out.attrs["vergeleken_op"] == ["stedelijkheid", "inwoners"]
    assert "Daarom is alleen gezocht op stedelijkheid en aantal inwoners" in (
        out.attrs["toelichting"])
    assert "zegt minder" in out.attrs["toelichting"]


def test_similar_wijken_across_the_whole_country_where_the_figures_exist(warm):
    # 2024: density and inhabitants exist for every wijk of the country; the search then
    # runs nationwide, also among wijken of other gemeenten, and says so
    wijken = wijklib.kerncijfers("Utrecht", niveau="wijk")
    land = wijklib.kerncijfers("Nederland", niveau="wijk")
    code = wijken["code"].iloc[0]
    by = ("bevolkingsdichtheid", "inwoners")
    out = similar_areas(wijken, code, n=5, by=by, landelijk=land)
    assert out.attrs["gezocht_in"] == "Nederland"
    assert "in heel Nederland" in out.attrs["uitleg"]
    assert (out["gemeentecode"] != "GM0344").any()  # not only Utrecht
    with_both = land[by[0]].notna() & land[by[1]].notna()
    assert f"onder de {int(with_both.sum())} gebieden" in out.attrs["uitleg"]
    # the same distance as a search in the country table alone
    alone = similar_areas(land[with_both], code, n=5, by=by)
    assert list(out["code"]) == list(alone["code"])
    # the structural profile (age, tenure, WOZ, household size) exists only for Utrecht's
    # wijken in this table: then within the gemeente, and the note says why
    inside = similar_areas(wijken, code, n=5, landelijk=land)
    assert inside.attrs["gezocht_in"] == "gemeente"
    assert "Niet in heel Nederland gezocht" in inside.attrs["toelichting"]
    assert set(inside["gemeentecode"]) == {"GM0344"}
    assert list(inside["code"]) == list(similar_areas(wijken, code, n=5)["code"])
