"""wijklib.gebieden against the loopback PDOK server."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import point_wijklib_at
from loopback import PdokServer

import wijklib
from wijklib.errors import DataNotAvailableError, NoConnectionError

SHARED = Path(
    os.environ.get("WIJKLIB_SHARED") or Path(__file__).resolve().parents[1].parent / "shared"
)
PDOK = SHARED / "fixtures" / "pdok"


def fixture_codes(collection: str, prop: str, gemeentecode: str) -> set[str]:
    path = PDOK / "wijken-en-buurten-2024" / f"{collection}.json"
    features = json.loads(path.read_text("utf-8"))["features"]
    return {
        f["properties"][prop] for f in features if f["properties"]["gemeentecode"] == gemeentecode
    }


def test_utrecht_buurten(services):
    gdf = wijklib.gebieden("Utrecht")
    assert len(gdf) == 111
    assert list(gdf.columns) == ["code", "naam", "niveau", "gemeentecode", "water", "geometry"]
    assert gdf.crs.to_epsg() == 4326
    assert set(gdf["code"]) == fixture_codes("buurten", "buurtcode", "GM0344")
    assert (gdf["gemeentecode"] == "GM0344").all() and (gdf["niveau"] == "buurt").all()
    assert gdf["water"].dtype == "boolean" and not gdf["water"].isna().any()
    assert gdf.geometry.is_valid.all() and not gdf.geometry.is_empty.any()
    minx, miny, maxx, maxy = gdf.total_bounds  # lon/lat around Utrecht, not swapped
    assert 4.9 < minx < maxx < 5.3 and 52.0 < miny < maxy < 52.2
    assert gdf.attrs["year"] == 2024 and "PDOK" in gdf.attrs["source"]


def test_cached_frame_equals_downloaded_frame(services):
    first = wijklib.gebieden("Utrecht", niveau="wijk")
    _, pdok = services
    pdok.clear_requests()
    again = wijklib.gebieden("Utrecht", niveau="wijk")
    assert pdok.requests == []
    assert first.drop(columns="geometry").equals(again.drop(columns="geometry"))
    assert first.geometry.geom_equals(again.geometry).all()


def test_other_gemeente_wijken(services):
    gdf = wijklib.gebieden("zaanstad", niveau="wijk")
    assert set(gdf["code"]) == fixture_codes("wijken", "wijkcode", "GM0479")
    assert wijklib.gebieden("Zaanstad", niveau="gemeente")["code"].tolist() == ["GM0479"]


def test_follows_next_links(shared_dir, cbs_server, tmp_path, monkeypatch):
    with PdokServer(shared_dir / "fixtures" / "pdok", max_limit=25) as small_pages:
        point_wijklib_at(monkeypatch, cbs_server.url, small_pages.url, tmp_path)
        gdf = wijklib.gebieden("Utrecht")
        item_requests = [r for r in small_pages.requests if "/items" in r]
    assert len(gdf) == 111
    assert len(item_requests) == 5  # 25 + 25 + 25 + 25 + 11


def test_year_without_map(services):
    with pytest.raises(DataNotAvailableError) as err:
        wijklib.gebieden("Utrecht", jaar=2019)
    assert "2019" in str(err.value)


def test_no_connection_no_cache(services, monkeypatch, closed_port_url):
    monkeypatch.setenv("WIJKLIB_PDOK_URL", closed_port_url)
    with pytest.raises(NoConnectionError) as err:
        wijklib.gebieden("Utrecht")
    assert "PDOK" in str(err.value) and "python -m wijklib download" in str(err.value)


def test_half_download_is_not_cached(shared_dir, cbs_server, tmp_path, monkeypatch):
    with PdokServer(shared_dir / "fixtures" / "pdok", max_limit=50) as pdok:
        point_wijklib_at(monkeypatch, cbs_server.url, pdok.url, tmp_path)
        monkeypatch.setenv("WIJKLIB_RETRIES", "1")
        pdok.fail_matching("offset=", n=1, status=503)  # the second page breaks
        with pytest.raises(wijklib.WijklibError):
            wijklib.gebieden("Utrecht")
        assert not list((tmp_path / "pdok").rglob("*"))  # nothing half-downloaded kept
        assert len(wijklib.gebieden("Utrecht")) == 111  # and the next try is complete
