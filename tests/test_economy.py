"""Request economy: what the data layer asks of CBS and PDOK, counted on the loopback servers."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import cbsodata
import pandas as pd
import requests

import wijklib
from wijklib.config import settings


def _fixture_props(shared_dir: Path, table: str) -> list[dict]:
    path = shared_dir / "fixtures" / "cbs-odata" / table / "DataProperties.json"
    return json.loads(path.read_text("utf-8"))["value"]


def test_metadata_is_fetched_once_per_table(services):
    cbs, _ = services
    for niveau in ("buurt", "wijk", "gemeente"):
        wijklib.kerncijfers("Utrecht", niveau=niveau)
    props = Counter(r.split("?")[0] for r in cbs.requests if "/DataProperties" in r)
    assert props and set(props.values()) == {1}
    assert {p.split("/")[3] for p in props} == {"85984NED", "85618NED"}
    # the catalogue already gave title and date: TableInfos and the table root are not asked
    assert not [r for r in cbs.requests if "/TableInfos" in r]
    assert not [r for r in cbs.requests if r.split("?")[0].endswith("NED/")]


def test_region_dimension_is_filtered_to_what_is_asked(services):
    cbs, _ = services
    wijklib.kerncijfers("Utrecht", niveau="buurt", jaar=2024)
    dimension = [r for r in cbs.requests if "/WijkenEnBuurten" in r]
    assert dimension
    assert all("$filter=" in r and "$select=Key,Title" in r for r in dimension)
    assert any("startswith(Key,'BU0344')" in r for r in dimension)


def test_gemeente_list_asks_two_columns_of_the_dimension(services, shared_dir):
    cbs, _ = services
    register = wijklib.gemeenten(jaar=2024)
    asked = [r for r in cbs.requests if "85984NED" in r]
    listing = [r for r in asked if "/WijkenEnBuurten" in r]
    assert len(listing) == 1 and "startswith(Key,'GM')" in listing[0]
    assert "$select=Key,Title" in listing[0]
    assert not [r for r in asked if "/TypedDataSet" in r]  # no data rows for a name list
    rows = json.loads((shared_dir / "fixtures" / "cbs-odata" / "85984NED"
                       / "TypedDataSet.json").read_text("utf-8"))["value"]
    expected = {r["Codering_3"].strip() for r in rows if r["SoortRegio_2"].strip() == "Gemeente"}
    assert set(register["code"]) == expected


def test_data_rows_ask_only_the_columns_in_use(services, shared_dir):
    cbs, _ = services
    wijklib.kerncijfers("Utrecht", niveau="buurt", jaar=2024)
    data = [r for r in cbs.requests if "/TypedDataSet" in r]
    assert data and all("$select=" in r for r in data)
    selected = data[0].split("$select=")[1].split("&")[0].split(",")
    topics = [p for p in _fixture_props(shared_dir, "85984NED") if p.get("Type") == "Topic"]
    assert "Codering_3" in selected and "WijkenEnBuurten" in selected
    assert len(selected) < len(topics)


def test_warm_call_makes_no_request_and_gives_the_same_table(services):
    cbs, pdok = services
    cold = wijklib.kerncijfers("Utrecht", niveau="buurt")
    cold_map = wijklib.gebieden("Utrecht", niveau="buurt")
    cbs.clear_requests()
    pdok.clear_requests()
    warm = wijklib.kerncijfers("Utrecht", niveau="buurt")
    warm_map = wijklib.gebieden("Utrecht", niveau="buurt")
    assert cbs.requests == [] and pdok.requests == []
    pd.testing.assert_frame_equal(cold, warm)
    assert cold.attrs == warm.attrs
    assert cold_map.equals(warm_map)


def test_warm_call_reads_the_finished_table(services):
    cbs, _ = services
    cold = wijklib.kerncijfers("Utrecht", niveau="wijk")
    root = settings().cache_dir
    finished = list((root / "cbs" / "kerncijfers").glob("wijk-GM0344-*.parquet"))
    assert len(finished) == 1
    # without the raw rows the finished table still answers, without the network
    raw = list((root / "cbs").glob("*NED/wijk-GM0344-*"))
    assert raw
    for path in raw:
        path.unlink()
    cbs.clear_requests()
    pd.testing.assert_frame_equal(wijklib.kerncijfers("Utrecht", niveau="wijk"), cold)
    assert cbs.requests == []


def test_cold_utrecht_costs_no_more_than_plain_cbsodata(services):
    """The raw alternative: cbsodata for the two KWB tables plus plain PDOK paging."""
    cbs, pdok = services
    wijklib.kerncijfers("Utrecht", niveau="buurt")
    wijklib.gebieden("Utrecht", niveau="buurt")
    ours = (len(cbs.requests) + len(pdok.requests), cbs.bytes_sent + pdok.bytes_sent)

    cbs.clear_requests()
    pdok.clear_requests()
    catalog = cbs.host_port
    old = cbsodata.options.use_https
    cbsodata.options.use_https = False
    try:
        cbsodata.get_table_list(catalog_url=catalog)
        for table in ("85984NED", "85618NED"):
            cbsodata.get_data(table, typed=False, catalog_url=catalog,
                              filters="startswith(Codering_3,'BU0344')")
    finally:
        cbsodata.options.use_https = old
    url = f"{pdok.url}/cbs/wijken-en-buurten-2024/ogc/v1/collections/buurten/items"
    page = requests.get(url, params={"f": "json", "limit": 1000, "gemeentecode": "GM0344"},
                        timeout=20).json()
    assert not [link for link in page["links"] if link["rel"] == "next"]
    raw = (len(cbs.requests) + len(pdok.requests), cbs.bytes_sent + pdok.bytes_sent)
    assert ours[0] <= raw[0] and ours[1] <= raw[1]
