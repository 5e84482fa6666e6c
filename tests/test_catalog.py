"""The indicator catalogue: matching by title and unit, derived figures, honest missing values."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import wijklib
from wijklib.data import catalog


def properties(shared_dir, table):
    path = shared_dir / "fixtures" / "cbs-odata" / table / "DataProperties.json"
    return json.loads(path.read_text("utf-8"))["value"]


def test_catalogue_rows_are_well_formed():
    names = [i.naam for i in catalog.catalogue()]
    assert len(names) == len(set(names))
    for ind in catalog.catalogue():
        assert ind.naam.isidentifier() and ind.naam == ind.naam.lower()
        assert ind.thema in catalog.THEMES, ind.naam
        assert ind.hoger_is in catalog.DIRECTIONS, ind.naam
        assert ind.label and ind.eenheid
        if ind.derived:
            assert not ind.cbs_titels
            assert all(n in names for n in (ind.teller, *ind.noemer)), ind.naam
            assert ind.factor in (100, 1000)
        else:
            assert ind.cbs_titels and ind.cbs_eenheden, ind.naam


@pytest.mark.parametrize("table", ["85618NED", "85984NED"])
def test_every_title_and_unit_matches_one_variable(shared_dir, table):
    props = properties(shared_dir, table)
    found = catalog.match_properties(props)
    for naam, hit in found.items():
        same = [
            p
            for p in props
            if p.get("Type") == "Topic"
            and catalog.normalise_title(p["Title"]) == catalog.normalise_title(hit["title"])
            and catalog.normalise_unit(p.get("Unit")) == catalog.normalise_unit(hit["unit"])
        ]
        assert len(same) == 1, (naam, same)  # never an ambiguous match
    # nearly the whole catalogue is in both years, under different keys
    raw = [i for i in catalog.catalogue() if not i.derived]
    assert len(found) >= len(raw) - 3


def test_keys_differ_but_names_are_stable(shared_dir):
    old = catalog.match_properties(properties(shared_dir, "85618NED"))
    new = catalog.match_properties(properties(shared_dir, "85984NED"))
    assert old["woz_waarde"]["key"] != new["woz_waarde"]["key"]
    # an alternative title: 'Percentage onbewoond' (2023) is 'Onbewoonde woningen' (2024)
    assert old["pct_onbewoond"]["title"] == "Percentage onbewoond"
    assert new["pct_onbewoond"]["title"] == "Onbewoonde woningen"


def test_unit_must_match():
    props = [
        {"Type": "Topic", "Key": "A_1", "Title": "65 jaar of ouder", "Unit": "%"},
        {"Type": "Topic", "Key": "B_2", "Title": "Aantal inwoners", "Unit": "aantal"},
    ]
    found = catalog.match_properties(props)
    assert "leeftijd_65_plus" not in found  # a percentage is not a count
    assert found["inwoners"]["key"] == "B_2"


@pytest.mark.parametrize(
    "a, b",
    [("km²", "km2"), ("per 1 000 inwoners", "per 1000 inwoners"), ("x 1 000 euro", "X 1000 Euro")],
)
def test_unit_normalisation(a, b):
    assert catalog.normalise_unit(a) == catalog.normalise_unit(b)


def test_to_number_keeps_missing_missing():
    raw = pd.Series([None, ".", "       .", "-99997", 0, "0", " 12 ", 3.5], dtype=object)
    got = catalog.to_number(raw)
    assert got.dtype == "float64"
    assert got.isna().tolist() == [True, True, True, True, False, False, False, False]
    assert got.iloc[4:].tolist() == [0.0, 0.0, 12.0, 3.5]


def test_derived_indicators():
    frame = pd.DataFrame(
        {
            "inwoners": [1000.0, 0.0, np.nan, 50.0],
            "bijstand": [25.0, 0.0, 5.0, np.nan],
            "leeftijd_65_plus": [100.0, 0.0, 1.0, 10.0],
            "opleiding_laag": [10.0, 1.0, 1.0, 1.0],
            "opleiding_middelbaar": [20.0, 1.0, np.nan, 1.0],
            "opleiding_hoog": [70.0, 2.0, 1.0, 2.0],
        }
    )
    out = catalog.add_derived(frame)
    assert out["bijstand_per_1000"].tolist()[0] == 25.0
    assert out["pct_65_plus"].tolist()[0] == 10.0
    assert np.isnan(out["pct_65_plus"].iloc[1])  # 0 inhabitants: no share, not 0 or inf
    assert np.isnan(out["bijstand_per_1000"].iloc[2])  # missing denominator
    assert np.isnan(out["bijstand_per_1000"].iloc[3])  # missing numerator
    assert out["pct_opleiding_hoog"].iloc[0] == 70.0
    assert np.isnan(out["pct_opleiding_hoog"].iloc[2])  # one part of the sum missing
    assert np.isnan(out["pct_huishoudens_met_kinderen"]).all()  # inputs absent


def test_indicatoren_listing():
    table = wijklib.indicatoren()
    assert list(table.columns) == ["naam", "label", "thema", "eenheid", "hoger_is", "soort", "bron"]
    assert table.loc[table["naam"] == "woz_waarde", "bron"].item().startswith("CBS: ")
    assert "berekend" in table.loc[table["naam"] == "bijstand_per_1000", "bron"].item()
    wonen = wijklib.indicatoren("wonen")
    assert set(wonen["thema"]) == {"wonen"} and "pct_koopwoningen" in set(wonen["naam"])
    with pytest.raises(KeyError, match="Kies uit"):
        wijklib.indicatoren("sport")


def test_get_suggests_names():
    assert catalog.get("woz_waarde").label.startswith("Gemiddelde WOZ")
    with pytest.raises(KeyError, match="woz_waarde"):
        catalog.get("woz_waard")


# ------------------------------------------------------------------- every year 2017–2025


def properties_2017(shared_dir):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from kwb2017 import _properties

    return _properties(shared_dir)


def test_real_2017_metadata_maps_its_other_titles(shared_dir):
    found = catalog.match_properties(properties_2017(shared_dir))
    assert found["woz_waarde"]["title"] == "Gemiddelde woningwaarde"
    assert found["woz_waarde"]["key"] == "GemiddeldeWoningwaarde_35"
    assert found["elektriciteit"]["title"] == "Gemiddeld elektriciteitsverbruik totaal"
    assert found["arbeidsparticipatie"]["title"] == "Actieven 15-75 jaar"
    assert found["pct_onbewoond"]["key"] == "PercentageOnbewoond_39"
    assert found["inwoners"]["key"] == "AantalInwoners_5"
    # nothing is matched twice and every 2017 hit has the catalogue's unit, unconverted
    assert len({hit["key"] for hit in found.values()}) == len(found)
    assert all(hit["factor"] == 1.0 for hit in found.values())


def test_2017_says_why_a_figure_is_missing(shared_dir):
    props = properties_2017(shared_dir)
    found = catalog.match_properties(props)
    for naam in ("opleiding_laag", "pct_zelfstandigen", "mediaan_vermogen", "wmo_clienten"):
        assert naam not in found
        assert catalog.missing_reason(naam, props, 2017) == "niet in de tabel van 2017"
    reason = catalog.missing_reason("pct_opleiding_hoog", props, 2017)
    assert "niet in de tabel van 2017" in reason and "hoogste opleiding" in reason
    # the origin groups and crime rates of 2017 are not mapped, and say why
    titles = {p["Title"].strip() for p in props if p["Type"] == "Topic"}
    for title in ("Westers totaal", "Niet-westers totaal", "Gewelds- en seksuele misdrijven"):
        assert title in titles and title in catalog.NOT_MAPPED
    assert "misdrijven" in catalog.NOT_MAPPED["Gewelds- en seksuele misdrijven"][1]


def test_other_unit_is_converted_only_when_exact():
    props = [
        {"Type": "Topic", "Key": "Woz_1", "Title": "Gemiddelde WOZ-waarde van woningen",
         "Unit": "euro"},
        {"Type": "Topic", "Key": "Kind_2", "Title": "0 tot 15 jaar", "Unit": "%"},
        {"Type": "Topic", "Key": "Opp_3", "Title": "Oppervlakte totaal", "Unit": "km²"},
    ]
    found = catalog.match_properties(props)
    assert found["woz_waarde"]["factor"] == 0.001  # euro -> x 1 000 euro is exact
    assert found["oppervlakte_totaal"]["factor"] == 100  # km² -> ha
    assert "leeftijd_0_15" not in found  # a percentage is not a count
    reason = catalog.missing_reason("leeftijd_0_15", props, 2019)
    assert "andere eenheid (%)" in reason and "niet exact" in reason


def test_title_history_names_catalogue_indicators():
    names = {i.naam for i in catalog.catalogue()}
    for naam, years, text in catalog.TITLE_HISTORY:
        assert naam in names and years and text


def test_labels_and_directions_say_what_cbs_measures():
    # CBS: jeugdzorg is the share of young people *under 23*
    assert "tot 23 jaar" in catalog.get("pct_jeugdzorg").eenheid
    # "scholen binnen 3 km" is an average over the addresses of an area: never a count
    schools = catalog.get("scholen_binnen_3km")
    assert not schools.is_size and schools.soort == "gemiddelde"
    assert schools.label.startswith("Gemiddeld")
    # median wealth is a median, not an average
    wealth = catalog.get("mediaan_vermogen")
    assert wealth.soort == "mediaan" and "gemiddeld" not in wealth.label.lower()


# ------------------------------------------------- which figures can go on a map here


MAPPABLE = pd.DataFrame({
    "code": ["BU1", "BU2"],
    "inwoners": [100.0, 200.0],                 # a count: not for a map
    "bevolkingsdichtheid": [5000.0, np.nan],    # per km², one figure is enough
    "pct_koopwoningen": [np.nan, np.nan],       # the column, but no figure (as in 2017)
})
MAPPABLE.attrs["indicators"] = {"bevolkingsdichtheid": {"year": 2017}}


def test_with_figures_keeps_the_order_asked_and_leaves_out_counts_and_empty_columns():
    asked = ["pct_koopwoningen", "inwoners", "bijstand_per_1000", "bevolkingsdichtheid"]
    assert catalog.with_figures(MAPPABLE, asked) == ["bevolkingsdichtheid"]
    assert catalog.with_figures(MAPPABLE, asked, sizes=True) == [
        "inwoners", "bevolkingsdichtheid"]
    everything = catalog.with_figures(MAPPABLE)  # the catalogue's order
    assert everything == ["bevolkingsdichtheid"]
    with pytest.raises(KeyError, match="woz_waard.*woz_waarde"):
        catalog.with_figures(MAPPABLE, ["woz_waard"])  # a typo is said, not skipped


def test_with_figures_on_a_real_table(warm):
    old = wijklib.kerncijfers("Utrecht", jaar=2023, niveau="wijk")
    names = catalog.with_figures(old)
    assert "pct_koopwoningen" in names and "bijstand_per_1000" in names
    assert all(not catalog.get(n).is_size for n in names)
    assert all(old[n].notna().any() for n in names)
