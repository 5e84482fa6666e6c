"""wijklib.kerncijfers against the loopback CBS server, with the real cbsodata client."""

from __future__ import annotations

import json
import math
import os
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

import wijklib
from wijklib.data import catalog
from wijklib.data.cbs import REGION_COLUMNS
from wijklib.errors import (
    DataNotAvailableError,
    InvalidChoiceError,
    NoConnectionError,
    ServiceError,
    UnknownGemeenteError,
)

SHARED = Path(
    os.environ.get("WIJKLIB_SHARED") or Path(__file__).resolve().parents[1].parent / "shared"
)
FIXTURES = SHARED / "fixtures" / "cbs-odata"


@cache
def fixture_rows(table: str) -> dict[str, dict]:
    """The fixture's typed rows by unpadded code (read independently of wijklib)."""
    data = json.loads((FIXTURES / table / "TypedDataSet.json").read_text("utf-8"))["value"]
    return {row["Codering_3"].strip(): row for row in data}


@cache
def fixture_keys(table: str) -> dict[str, str]:
    """Catalogue name -> CBS key in a fixture table, by title and unit."""
    props = json.loads((FIXTURES / table / "DataProperties.json").read_text("utf-8"))["value"]
    return {naam: hit["key"] for naam, hit in catalog.match_properties(props).items()}


def same(value: float, expected: object) -> bool:
    if expected is None:
        return math.isnan(value)
    return value == pytest.approx(float(expected))


def test_utrecht_buurten_layout_and_values(services):
    df = wijklib.kerncijfers("Utrecht", niveau="buurt")
    assert len(df) == 111
    assert list(df.columns[: len(REGION_COLUMNS)]) == REGION_COLUMNS
    assert df["code"].str.fullmatch(r"BU0344\d{4}").all()  # unpadded
    assert (df["niveau"] == "buurt").all()
    assert (df["gemeentecode"] == "GM0344").all()
    assert (df["gemeentenaam"] == "Utrecht").all()
    assert (df["wijkcode"] == "WK" + df["code"].str.slice(2, 8)).all()
    indicator_columns = [i.naam for i in catalog.catalogue()]
    n = len(indicator_columns)
    assert list(df.columns[len(REGION_COLUMNS): len(REGION_COLUMNS) + n]) == indicator_columns
    # then the provenance: the table's year, id and source, and the year of every
    # figure that comes from an older table
    assert list(df.columns[len(REGION_COLUMNS) + n:][:3]) == ["jaar", "tabel", "bron"]
    rest = list(df.columns[len(REGION_COLUMNS) + n + 3:])
    assert rest and all(c.startswith(("jaar_", "tabel_")) for c in rest)
    assert all(df[c].dtype == "float64" for c in indicator_columns)
    names = {code: row["naam"] for code, row in df.set_index("code").iterrows()}
    assert names["BU03440111"] == "Welgelegen, Den Hommel"
    assert df.attrs["table_id"] == "85984NED"
    assert df.attrs["year"] == 2024
    assert df.attrs["modified"] == "2025-03-27"


def test_missing_and_secret_figures_are_nan_never_zero(services):
    df = wijklib.kerncijfers("Utrecht", niveau="buurt", jaar=2024).set_index("code")
    rows = fixture_rows("85984NED")
    keys = fixture_keys("85984NED")
    nulls = zeros = 0
    for code, ours in df.iterrows():
        for naam, key in keys.items():
            expected = rows[code][key]
            assert same(ours[naam], expected), (code, naam, expected, ours[naam])
            nulls += expected is None
            zeros += expected == 0
    assert nulls > 100 and zeros > 0  # the fixture really has both


def test_newest_year_falls_back_per_indicator(services):
    df = wijklib.kerncijfers("Utrecht", niveau="buurt").set_index("code")
    info = df.attrs["indicators"]
    # inhabitants are in the 2024 table; WOZ values only in 2023 (staged release)
    assert info["inwoners"]["year"] == 2024 and info["inwoners"]["table_id"] == "85984NED"
    assert info["woz_waarde"]["year"] == 2023 and info["woz_waarde"]["table_id"] == "85618NED"
    assert info["woz_waarde"]["modified"] == "2024-10-14"
    rows23, keys23 = fixture_rows("85618NED"), fixture_keys("85618NED")
    rows24, keys24 = fixture_rows("85984NED"), fixture_keys("85984NED")
    for code, ours in df.iterrows():
        assert same(ours["woz_waarde"], rows23[code][keys23["woz_waarde"]])
        assert same(ours["inwoners"], rows24[code][keys24["inwoners"]])
        # a rate is computed within one year: 2023 benefits over 2023 inhabitants
        bijstand, inwoners = rows23[code][keys23["bijstand"]], rows23[code][keys23["inwoners"]]
        if bijstand is not None and inwoners:
            assert ours["bijstand_per_1000"] == pytest.approx(bijstand / inwoners * 1000)
    assert info["bijstand_per_1000"]["year"] == 2023
    # a figure no table has stays missing and says so
    assert df["elektriciteit"].isna().all()
    assert info["elektriciteit"]["available"] is False


def test_explicit_years_use_their_own_keys(services):
    df23 = wijklib.kerncijfers("Utrecht", jaar=2023, niveau="wijk")
    df24 = wijklib.kerncijfers("Utrecht", jaar=2024, niveau="wijk")
    assert len(df23) == len(df24) == 10
    assert df23.attrs["indicators"]["woz_waarde"]["cbs_key"] == "GemiddeldeWOZWaardeVanWoningen_36"
    assert df24.attrs["indicators"]["woz_waarde"]["cbs_key"] == "GemiddeldeWOZWaardeVanWoningen_39"
    assert df24["woz_waarde"].isna().all()  # explicit year: no fall-back
    assert df23["woz_waarde"].notna().all()
    assert (df23["indelingswijziging"] == "1").all()
    # the unit differs in spelling between the years (km² / km2) and still matches
    assert df23["bevolkingsdichtheid"].notna().all()


def test_gemeente_and_nederland_rows(services):
    gm = wijklib.kerncijfers("Utrecht", niveau="gemeente")
    assert list(gm["code"]) == ["GM0344"]
    assert gm["inwoners"].iloc[0] == fixture_rows("85984NED")["GM0344"]["AantalInwoners_5"]
    nl = wijklib.kerncijfers_nederland()
    assert list(nl["code"]) == ["NL00"] and nl["niveau"].iloc[0] == "land"
    assert nl["inwoners"].iloc[0] == fixture_rows("85984NED")["NL00"]["AantalInwoners_5"]
    assert nl.attrs["year"] == 2024
    assert pd.isna(nl["gemeentecode"].iloc[0])


@pytest.mark.parametrize(
    "given, code",
    [
        ("Utrecht", "GM0344"),
        ("utrecht", "GM0344"),
        ("  UTRECHT ", "GM0344"),
        ("GM0344", "GM0344"),
        ("gm0344", "GM0344"),
        ("0344", "GM0344"),
        ("344", "GM0344"),
        (344, "GM0344"),
        ("'s-Hertogenbosch", "GM0796"),
        ("s-hertogenbosch", "GM0796"),
        ("Den Bosch", "GM0796"),
        ("Den Haag", "GM0518"),
    ],
)
def test_accepted_gemeente_spellings(warm, given, code):
    df = wijklib.kerncijfers(given, niveau="gemeente")
    assert list(df["code"]) == [code]


def test_unknown_gemeente_suggests_closest_names(warm):
    with pytest.raises(UnknownGemeenteError) as err:
        wijklib.kerncijfers("Utrech")
    assert err.value.suggestions[0] == "Utrecht"
    assert "Bedoel je" in str(err.value) and "'Utrecht'" in str(err.value)
    with pytest.raises(UnknownGemeenteError) as err:
        wijklib.kerncijfers("Amsterdm")
    assert "Amsterdam" in err.value.suggestions
    with pytest.raises(UnknownGemeenteError) as err:
        wijklib.kerncijfers("Qwxyz")
    assert err.value.suggestions == []
    assert "spelling" in str(err.value)
    with pytest.raises(UnknownGemeenteError):
        wijklib.kerncijfers("GM9999")


def test_ambiguous_name_lists_both(warm):
    with pytest.raises(UnknownGemeenteError) as err:
        wijklib.kerncijfers("Bergen", niveau="gemeente")
    assert sorted(err.value.suggestions) == ["Bergen (L.)", "Bergen (NH.)"]
    assert list(wijklib.kerncijfers("bergen (nh.)", niveau="gemeente")["naam"]) == ["Bergen (NH.)"]


def test_bad_year_and_level_say_what_to_choose(warm):
    with pytest.raises(DataNotAvailableError) as err:
        wijklib.kerncijfers("Utrecht", jaar=2010)
    assert "2023, 2024" in str(err.value)
    with pytest.raises(InvalidChoiceError) as err:
        wijklib.kerncijfers("Utrecht", niveau="straat")
    assert "'gemeente', 'wijk' of 'buurt'" in str(err.value)


def test_level_without_figures_is_reported(services):
    # the fixtures hold buurt figures for Utrecht only
    with pytest.raises(DataNotAvailableError) as err:
        wijklib.kerncijfers("Amsterdam", niveau="buurt")
    assert "Amsterdam" in str(err.value)


def test_other_gemeente_at_wijk_level(services):
    df = wijklib.kerncijfers("Zaanstad", niveau="wijk")
    expected = {c for c in fixture_rows("85984NED") if c.startswith("WK0479")}
    assert set(df["code"]) == expected
    assert df.attrs["gemeente"] == "Zaanstad"
    assert "Poelenburg" in set(df["naam"])


def test_one_filtered_data_request_per_table_and_level(services):
    cbs, _ = services
    wijklib.kerncijfers("Utrecht", niveau="buurt", jaar=2024)
    data_requests = [r for r in cbs.requests if "/TypedDataSet" in r and "skip" not in r]
    buurt = [r for r in data_requests if "BU0344" in r]
    assert len(buurt) == 1 and "$filter=" in buurt[0]
    assert not [r for r in cbs.requests if "UntypedDataSet" in r]
    assert not [r for r in cbs.requests if "/ODataApi/" in r]


def test_warm_cache_answers_without_network(warm):
    cbs, pdok = warm
    df = wijklib.kerncijfers("Utrecht", niveau="buurt")
    gdf = wijklib.gebieden("Utrecht")
    assert len(df) == len(gdf) == 111
    assert cbs.requests == [] and pdok.requests == []
    assert df.attrs["indicators"]["woz_waarde"]["year"] == 2023


def test_server_down_cache_answers(warm, monkeypatch, closed_port_url):
    expected = wijklib.kerncijfers("Utrecht", niveau="buurt")
    monkeypatch.setenv("WIJKLIB_CBS_URL", closed_port_url)
    monkeypatch.setenv("WIJKLIB_PDOK_URL", closed_port_url)
    df = wijklib.kerncijfers("Utrecht", niveau="buurt")
    pd.testing.assert_frame_equal(df, expected)
    assert len(wijklib.gebieden("Utrecht")) == 111


def test_server_down_without_cache_says_how_to_prefetch(services, monkeypatch, closed_port_url):
    monkeypatch.setenv("WIJKLIB_CBS_URL", closed_port_url)
    with pytest.raises(NoConnectionError) as err:
        wijklib.kerncijfers("Utrecht")
    message = str(err.value)
    assert "geen verbinding" in message
    assert "python -m wijklib download" in message and "make data" in message


def test_server_fails_twice_then_answers(services):
    cbs, _ = services
    cbs.fail_next(2, status=503)
    df = wijklib.kerncijfers("Utrecht", niveau="wijk")
    assert len(df) == 10
    assert cbs.pending_faults == (0, 0)


def test_persistent_server_error_is_reported_and_nothing_cached(services, tmp_path):
    cbs, _ = services
    cbs.fail_next(1000, status=503)
    with pytest.raises(ServiceError) as err:
        wijklib.kerncijfers("Utrecht", niveau="wijk")
    assert "foutmelding" in str(err.value)
    assert not list((tmp_path / "cache").rglob("*.meta.json"))


def test_join_with_gebieden(services):
    df = wijklib.kerncijfers("Utrecht", niveau="buurt")
    gdf = wijklib.gebieden("Utrecht", niveau="buurt")
    joined = gdf.merge(df, on="code", how="outer", indicator=True)
    assert len(joined) == 111
    assert (joined["_merge"] == "both").all()
    assert joined["naam_x"].equals(joined["naam_y"])


def test_half_download_is_not_cached(shared_dir, pdok_server, tmp_path, monkeypatch):
    from conftest import point_wijklib_at
    from loopback import CbsODataServer

    with CbsODataServer(shared_dir / "fixtures" / "cbs-odata", page_size=50) as cbs:
        point_wijklib_at(monkeypatch, cbs.url, pdok_server.url, tmp_path)
        monkeypatch.setenv("WIJKLIB_RETRIES", "1")
        wijklib.kerncijfers("Utrecht", niveau="gemeente", jaar=2024)  # fills the register
        cbs.fail_matching("$skip=50", n=1, status=503)  # the second page of the buurten breaks
        with pytest.raises(wijklib.WijklibError):
            wijklib.kerncijfers("Utrecht", niveau="buurt", jaar=2024)
        assert cbs.pending_faults == (0, 0)  # the first page came, the second broke
        assert not list(tmp_path.rglob("buurt-GM0344*"))
        assert len(wijklib.kerncijfers("Utrecht", niveau="buurt", jaar=2024)) == 111


def test_small_feed_pages_are_followed(shared_dir, pdok_server, tmp_path, monkeypatch):
    from conftest import point_wijklib_at
    from loopback import CbsODataServer

    with CbsODataServer(shared_dir / "fixtures" / "cbs-odata", page_size=40) as cbs:
        point_wijklib_at(monkeypatch, cbs.url, pdok_server.url, tmp_path)
        df = wijklib.kerncijfers("Utrecht", niveau="buurt", jaar=2024)
        pages = [r for r in cbs.requests if "TypedDataSet" in r and "BU0344" in r]
    assert len(df) == 111 and df["code"].is_unique
    assert len(pages) == 3  # 40 + 40 + 31 rows
