"""Benchmarks (``make bench``): speed and memory targets, measured, printed, and compared.

Runs offline against the loopback servers that serve ``../shared/fixtures`` (as the tests
do):

0. the data layer against plain ``cbsodata`` + PDOK paging (``benchmarks/datalaag.py``):
   cold requests and bytes, warm time against a direct Parquet read, the whole country;

and then with a warm cache:

1. ``kerncijfers`` + ``gebieden`` for Utrecht's buurten from the warm cache;
2. notebook 1 end to end (target: under 30 s, kernel peak memory under 1 GB), and
   notebooks 2 and 3 for information;
3. the size of our map of Utrecht's buurten against ``GeoDataFrame.explore()``
   (target: ours is smaller).

Exit code 1 when a target is missed.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

NOTEBOOK_SECONDS = 30.0
KERNEL_MEMORY_MB = 1024.0


def run_notebook(name: str, work: Path) -> float:
    """Run one solution notebook with papermill; return the seconds it took."""
    import papermill

    source = ROOT / "notebooks" / "oplossingen" / f"{name}.ipynb"
    start = time.perf_counter()
    papermill.execute_notebook(
        str(source), str(work / f"{name}.ipynb"), kernel_name="python3",
        progress_bar=False, cwd=str(source.parent),
    )
    return time.perf_counter() - start


def main() -> int:
    import datalaag
    from loopback import CbsODataServer, PdokServer

    shared = Path(os.environ.get("WIJKLIB_SHARED") or ROOT.parent / "shared") / "fixtures"
    work = Path(tempfile.mkdtemp(prefix="wijklib-bench-"))
    data_layer = datalaag.run(shared, work)
    with CbsODataServer(shared / "cbs-odata") as cbs, PdokServer(shared / "pdok") as pdok, \
            CbsODataServer(shared / "cbs-dataderden") as police:
        os.environ.update(
            WIJKLIB_CBS_URL=cbs.url, WIJKLIB_PDOK_URL=pdok.url, WIJKLIB_CACHE=str(work / "cache"),
            WIJKLIB_EXPORT=str(work / "export"), WIJKLIB_POLITIE_URL=police.url,
        )
        import wijklib
        from tools.install_assets import install_assets
        from wijklib.data.download import prefetch
        from wijklib.notebook.offline import map_html
        from wijklib.tellen import maps

        os.environ["WIJKLIB_ASSETS"] = str(install_assets(work / "assets"))
        prefetch(["Utrecht"], progress=False)

        start = time.perf_counter()
        figures = wijklib.kerncijfers("Utrecht")
        areas = wijklib.gebieden("Utrecht")
        warm = time.perf_counter() - start
        print(f"kerncijfers + gebieden uit de cache:   {warm:6.2f} s")

        ours = len(map_html(maps.choropleth(areas, figures, "woz_waarde"), mode="cdn"))
        joined = areas.merge(figures[["code", "naam", "woz_waarde"]], on="code")
        explore = len(map_html(joined.explore(column="woz_waarde"), mode="cdn"))
        print(f"kaart Utrecht (buurten), eigen:        {ours / 1024:8.0f} kB")
        print(f"kaart Utrecht (buurten), explore():    {explore / 1024:8.0f} kB")
        print(f"verhouding eigen / explore():          {ours / explore:8.2f}")

        seconds = {}
        for name in ("01_tellen_gebiedsanalyse", "02_vertellen_bewonersperspectief",
                     "03_tellen_en_vertellen_buurtagenda"):
            seconds[name[:2]] = run_notebook(name, work)
        # the kernels are child processes; after they ended, the largest peak RSS is here
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(
            f"notebook 1, van begin tot eind: {seconds['01']:6.1f} s "
            f"(doel < {NOTEBOOK_SECONDS:.0f} s)"
        )
        print(f"notebook 2, van begin tot eind: {seconds['02']:6.1f} s (ter informatie)")
        print(f"notebook 3, van begin tot eind: {seconds['03']:6.1f} s (ter informatie)")
        print(
            f"piekgeheugen van een kernel: {peak_mb:6.0f} MB (doel < {KERNEL_MEMORY_MB:.0f} MB)"
        )

    missed = [label for label, ratio, target in data_layer if ratio > target]
    if seconds["01"] >= NOTEBOOK_SECONDS:
        missed.append("notebook te traag")
    if peak_mb >= KERNEL_MEMORY_MB:
        missed.append("te veel geheugen")
    if ours >= explore:
        missed.append("kaart groter dan explore()")
    print("Alle doelen gehaald." if not missed else "Niet gehaald: " + ", ".join(missed))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
