"""Benchmark of the data layer against the raw alternative, on the same loopback servers.

The raw alternative is what a programmer would write without wijklib: plain ``cbsodata``
for the KWB tables and plain paging of the PDOK OGC API with ``requests``. Printed side by
side, with the ratio ours / raw and its target:

1. cold Utrecht buurten (figures and boundaries, newest year with fall-back to 2023):
   requests and bytes, each at most 1.1 × the raw alternative;
2. the same warm (from the cache): at most 2 × a direct Parquet read of the same rows;
3. the whole country at buurt level (SYNTHETIC buurten of tests/loopback.py, more than
   10 000): time and requests at most 1.5 × paging the table and the collection directly.

One run each (the servers are warmed up first, so neither side pays for loading the
fixture files). Run with ``make bench`` or ``python benchmarks/datalaag.py``.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

KWB_2024, KWB_2023 = "85984NED", "85618NED"
SYNTHETIC_PER_WIJK = 3
BUURT_FILTER_UTRECHT = "startswith(Codering_3,'BU0344')"
BUURT_FILTER_COUNTRY = "SoortRegio_2 eq 'Buurt     '"


@contextmanager
def _environment(**values: str) -> Iterator[None]:
    old = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _counts(*servers: Any) -> tuple[int, int]:
    return sum(len(s.requests) for s in servers), sum(s.bytes_sent for s in servers)


def _clear(*servers: Any) -> None:
    for server in servers:
        server.clear_requests()


def raw_cbs(cbs: Any, table: str, filters: str) -> Any:
    """Plain cbsodata: the typed rows of one table for one filter, as a DataFrame."""
    import cbsodata
    import pandas as pd

    old = cbsodata.options.use_https
    cbsodata.options.use_https = False
    try:
        # cbsodata 1.3.x: typed=False gives the TypedDataSet (its flag is inverted)
        rows = cbsodata.get_data(table, typed=False, filters=filters, catalog_url=cbs.host_port)
    finally:
        cbsodata.options.use_https = old
    return pd.DataFrame(rows)


def raw_pdok(pdok: Any, collection: str, gemeentecode: str | None = None) -> Any:
    """Plain paging of the PDOK OGC API with requests: a GeoDataFrame of every feature."""
    import geopandas as gpd
    import requests

    url: str | None = f"{pdok.url}/cbs/wijken-en-buurten-2024/ogc/v1/collections/{collection}/items"
    params: dict[str, Any] | None = {"f": "json", "limit": 1000}
    if gemeentecode:
        params["gemeentecode"] = gemeentecode
    features: list[dict[str, Any]] = []
    with requests.Session() as session:
        while url:
            page = session.get(url, params=params, timeout=60).json()
            features += page["features"]
            url = next((lk["href"] for lk in page["links"] if lk["rel"] == "next"), None)
            params = None
    return gpd.GeoDataFrame.from_features(features, crs="EPSG:4326")


def _paired_medians(
    first: Callable[[], Any], second: Callable[[], Any], repeat: int = 21
) -> tuple[float, float]:
    """Median seconds of two functions timed in turn (so a busy machine slows both alike)."""
    first()  # once untimed: imports, file system cache
    second()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for func, into in ((first, times[0]), (second, times[1])):
            start = time.perf_counter()
            func()
            into.append(time.perf_counter() - start)
    return statistics.median(times[0]), statistics.median(times[1])


def _row(label: str, ours: float, raw: float, target: float, unit: str) -> tuple[str, float, float]:
    ratio = ours / raw if raw else float("inf")
    mark = "ok" if ratio <= target else "NIET GEHAALD"
    digits = 3 if unit == "s" else 0
    print(f"  {label:<38} {ours:>12,.{digits}f} {raw:>12,.{digits}f}"
          f" {unit:<3} {ratio:6.2f} (doel ≤ {target:.1f}) {mark}")
    return label, ratio, target


def run(shared: Path, work: Path) -> list[tuple[str, float, float]]:
    """Run the three comparisons; return ``(label, ratio, target)`` per ratio."""
    import geopandas as gpd
    import pandas as pd
    from loopback import CbsODataServer, PdokServer

    import wijklib

    results = []
    print("Datalaag tegenover cbsodata + PDOK-paginering (zelfde loopback-servers):")
    print(f"  {'':<38} {'wijklib':>12} {'rechtstreeks':>12}     verhouding")
    with CbsODataServer(shared / "cbs-odata") as cbs, PdokServer(shared / "pdok") as pdok:
        cache = work / "datalaag-cache"
        with _environment(WIJKLIB_CBS_URL=cbs.url, WIJKLIB_PDOK_URL=pdok.url,
                          WIJKLIB_CACHE=str(cache), WIJKLIB_EXPORT=str(work / "export")):
            raw_cbs(cbs, KWB_2024, BUURT_FILTER_UTRECHT)  # warm the servers up
            raw_cbs(cbs, KWB_2023, BUURT_FILTER_UTRECHT)
            raw_pdok(pdok, "buurten", "GM0344")
            _clear(cbs, pdok)
            raw_cbs(cbs, KWB_2024, BUURT_FILTER_UTRECHT)
            raw_cbs(cbs, KWB_2023, BUURT_FILTER_UTRECHT)
            raw_pdok(pdok, "buurten", "GM0344")
            raw_requests, raw_bytes = _counts(cbs, pdok)
            _clear(cbs, pdok)
            figures = wijklib.kerncijfers("Utrecht", niveau="buurt")
            areas = wijklib.gebieden("Utrecht", niveau="buurt")
            ours_requests, ours_bytes = _counts(cbs, pdok)
            results.append(_row("koud Utrecht buurten: verzoeken", ours_requests, raw_requests,
                                1.1, ""))
            results.append(_row("koud Utrecht buurten: bytes", ours_bytes, raw_bytes, 1.1, "B"))

            direct_figures = work / "direct-kerncijfers.parquet"
            direct_areas = work / "direct-gebieden.parquet"
            figures.to_parquet(direct_figures, index=False)
            areas.to_parquet(direct_areas, index=False)

            def warm() -> None:
                wijklib.kerncijfers("Utrecht", niveau="buurt")
                wijklib.gebieden("Utrecht", niveau="buurt")

            def direct() -> None:
                pd.read_parquet(direct_figures)
                gpd.read_parquet(direct_areas)

            _clear(cbs, pdok)
            ours_warm, direct_read = _paired_medians(warm, direct)
            assert _counts(cbs, pdok)[0] == 0, "a warm call asked the network"
            results.append(_row("warm Utrecht buurten: tijd", ours_warm, direct_read, 2.0, "s"))

    with (
        CbsODataServer(shared / "cbs-odata", synthetic_buurten=SYNTHETIC_PER_WIJK) as cbs,
        PdokServer(shared / "pdok", synthetic_buurten=SYNTHETIC_PER_WIJK) as pdok,
    ):
        cache = work / "datalaag-land"
        with _environment(WIJKLIB_CBS_URL=cbs.url, WIJKLIB_PDOK_URL=pdok.url,
                          WIJKLIB_CACHE=str(cache), WIJKLIB_EXPORT=str(work / "export")):
            raw_cbs(cbs, KWB_2024, BUURT_FILTER_COUNTRY)  # warm the servers up
            raw_pdok(pdok, "buurten")
            _clear(cbs, pdok)
            start = time.perf_counter()
            raw_rows = raw_cbs(cbs, KWB_2024, BUURT_FILTER_COUNTRY)
            raw_map = raw_pdok(pdok, "buurten")
            raw_seconds = time.perf_counter() - start
            raw_requests, _ = _counts(cbs, pdok)
            _clear(cbs, pdok)
            start = time.perf_counter()
            figures = wijklib.kerncijfers(None, niveau="buurt", jaar=2024)
            areas = wijklib.gebieden(None, niveau="buurt", jaar=2024)
            ours_seconds = time.perf_counter() - start
            ours_requests, _ = _counts(cbs, pdok)
            assert len(figures) == len(raw_rows) > 10_000 and len(areas) == len(raw_map)
            print(f"  heel Nederland: {len(figures):,} buurten (synthetisch), "
                  f"{len(areas):,} op de kaart")
            results.append(_row("heel Nederland buurten: tijd", ours_seconds, raw_seconds,
                                1.5, "s"))
            results.append(_row("heel Nederland buurten: verzoeken", ours_requests,
                                raw_requests, 1.5, ""))
    return results


def main() -> int:
    shared = Path(os.environ.get("WIJKLIB_SHARED") or ROOT.parent / "shared") / "fixtures"
    work = Path(tempfile.mkdtemp(prefix="wijklib-bench-datalaag-"))
    results = run(shared, work)
    missed = [label for label, ratio, target in results if ratio > target]
    print("Datalaag: alle doelen gehaald." if not missed
          else "Datalaag niet gehaald: " + ", ".join(missed))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
