"""The whole country in one call: ``kerncijfers(None, …)`` and ``gebieden(None, …)``.

The buurt-level load uses SYNTHETIC buurten (tests/loopback.py, ``synthetic_buurten``):
three per wijk of every gemeente without buurten in the fixtures, so the country has more
than 10 000 buurten, as the real one has. Expected values are computed from the fixture
files and the same generator, independently of wijklib.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import point_wijklib_at
from loopback import (
    CbsODataServer,
    PdokServer,
    synthetic_buurt_features,
    synthetic_buurt_rows,
)

import wijklib

PER_WIJK = 3
PAGE = 1000


@pytest.fixture(scope="module")
def country(shared_dir: Path) -> Iterator[tuple[CbsODataServer, PdokServer]]:
    """Servers with synthetic buurten; the CBS feed pages 1 000 rows and refuses more."""
    fixtures = shared_dir / "fixtures"
    with (
        CbsODataServer(fixtures / "cbs-odata", page_size=PAGE, row_limit=PAGE,
                       synthetic_buurten=PER_WIJK) as cbs,
        PdokServer(fixtures / "pdok", synthetic_buurten=PER_WIJK) as pdok,
    ):
        yield cbs, pdok


@pytest.fixture
def big(country, tmp_path, monkeypatch) -> tuple[CbsODataServer, PdokServer]:
    cbs, pdok = country
    point_wijklib_at(monkeypatch, cbs.url, pdok.url, tmp_path / "cache")
    cbs.reset_faults()
    pdok.reset_faults()
    cbs.clear_requests()
    pdok.clear_requests()
    return cbs, pdok


def _typed(shared_dir: Path, table: str) -> list[dict]:
    path = shared_dir / "fixtures" / "cbs-odata" / table / "TypedDataSet.json"
    return json.loads(path.read_text("utf-8"))["value"]


def _codes(rows: list[dict], kind: str) -> set[str]:
    return {r["Codering_3"].strip() for r in rows if r["SoortRegio_2"].strip() == kind}


def test_every_gemeente_of_the_country(big, shared_dir):
    df = wijklib.kerncijfers(None, niveau="gemeente", jaar=2024)
    assert set(df["code"]) == _codes(_typed(shared_dir, "85984NED"), "Gemeente")
    assert df["code"].is_unique and (df["niveau"] == "gemeente").all()
    assert df.attrs["gemeente"] == "Nederland" and df.attrs["gemeentecode"] is None
    assert df.attrs["year"] == 2024


def test_nederland_by_name_gives_every_wijk(big, shared_dir):
    cbs, _ = big
    df = wijklib.kerncijfers("Nederland", niveau="wijk", jaar=2024)
    expected = _codes(_typed(shared_dir, "85984NED"), "Wijk")
    assert len(expected) > PAGE and set(df["code"]) == expected
    pages = [r for r in cbs.requests if "/TypedDataSet" in r]
    assert len(pages) == math.ceil(len(expected) / PAGE)  # paged through the feed
    assert not [r for r in cbs.requests if "/ODataApi/" in r]


def test_every_buurt_of_the_country_beyond_the_row_limit(big, shared_dir):
    cbs, _ = big
    typed = _typed(shared_dir, "85984NED")
    synthetic = [row for row, _ in synthetic_buurt_rows(typed, PER_WIJK)]
    expected = _codes(typed, "Buurt") | {r["Codering_3"] for r in synthetic}
    assert len(expected) > 10_000
    df = wijklib.kerncijfers(None, niveau="buurt", jaar=2024)
    assert len(df) == len(expected) and set(df["code"]) == expected
    assert df["code"].is_unique
    one = df.set_index("code").loc[synthetic[0]["Codering_3"]]
    assert one["naam"].startswith("Synthetische buurt")
    assert one["gemeentenaam"] == synthetic[0]["Gemeentenaam_1"].strip()
    assert one["wijkcode"] == "WK" + synthetic[0]["Codering_3"][2:8]
    # Utrecht's real buurten keep their own figures
    utrecht = {r["Codering_3"].strip(): r for r in typed if r["Codering_3"].startswith("BU0344")}
    row = df.set_index("code").loc["BU03440111"]
    assert row["inwoners"] == utrecht["BU03440111"]["AantalInwoners_5"]


def test_whole_country_newest_year_and_warm(big):
    cbs, _ = big
    cold = wijklib.kerncijfers(None, niveau="buurt")
    assert cold.attrs["indicators"]["woz_waarde"]["year"] == 2023  # Utrecht, from 2023
    assert cold.loc[cold["code"] == "BU03440111", "woz_waarde"].notna().all()
    cbs.clear_requests()
    warm = wijklib.kerncijfers(None, niveau="buurt")
    assert cbs.requests == [] and len(warm) == len(cold)


def test_every_gemeente_and_buurt_on_the_map(big, shared_dir):
    _, pdok = big
    folder = shared_dir / "fixtures" / "pdok" / "wijken-en-buurten-2024"
    gemeenten = json.loads((folder / "gemeenten.json").read_text("utf-8"))["features"]
    gdf = wijklib.gebieden(None, niveau="gemeente", jaar=2024)
    assert len(gdf) == len(gemeenten) and gdf.attrs["gemeente"] == "Nederland"

    wijken = json.loads((folder / "wijken.json").read_text("utf-8"))["features"]
    buurten = json.loads((folder / "buurten.json").read_text("utf-8"))["features"]
    expected = {f["properties"]["buurtcode"] for f in buurten} | {
        f["properties"]["buurtcode"] for f in synthetic_buurt_features(wijken, buurten, PER_WIJK)
    }
    pdok.clear_requests()
    gdf = wijklib.gebieden("Nederland", niveau="buurt", jaar=2024)
    assert set(gdf["code"]) == expected and gdf["code"].is_unique
    pages = [r for r in pdok.requests if "/items" in r]
    assert len(pages) == math.ceil(len(expected) / 1000)
    assert all("gemeentecode" not in r for r in pages)


def test_whole_country_survives_a_spoiled_first_answer_per_page(big):
    cbs, pdok = big
    cbs.fault_first(1, kind="drop")
    pdok.fault_first(1, kind="status", status=503)
    df = wijklib.kerncijfers(None, niveau="wijk", jaar=2024)
    gdf = wijklib.gebieden(None, niveau="wijk", jaar=2024)
    assert set(df["code"]) <= set(gdf["code"])
    assert len(df) > PAGE


def test_download_nederland_prefetches_the_country(services):
    from wijklib.__main__ import main

    cbs, pdok = services
    assert main(["download", "--gemeente", "Nederland", "--stil", "--jaar", "2024"]) == 0
    cbs.clear_requests()
    pdok.clear_requests()
    assert len(wijklib.kerncijfers(None, niveau="wijk", jaar=2024)) > PAGE
    assert len(wijklib.gebieden("Nederland", niveau="wijk", jaar=2024)) > PAGE
    assert cbs.requests == [] and pdok.requests == []


def test_prefetch_also_keeps_the_whole_country_for_similar_areas(politie, monkeypatch,
                                                                   closed_port_url):
    # notebook 1 looks for similar areas across the country: after `python -m wijklib
    # download` that must work without the service too, at wijk and at buurt level
    from wijklib.data.download import prefetch
    from wijklib.tellen import compare

    assert prefetch(["Utrecht"], progress=False) == []
    monkeypatch.setenv("WIJKLIB_CBS_URL", closed_port_url)  # the service is gone now
    for niveau in ("wijk", "buurt"):
        frame, note = compare.country_areas(niveau)
        assert frame is not None, note
        assert len(frame) > 100 and "heel Nederland" in note
