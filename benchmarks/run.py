"""Benchmarks (``make bench``): speed and memory targets, measured, printed, and compared.

Runs offline against the loopback servers that serve ``../shared/fixtures`` (as the tests
do):

0. the data layer against plain ``cbsodata`` + PDOK paging (``benchmarks/datalaag.py``):
   cold requests and bytes, warm time against a direct Parquet read, the whole country;

and then with a warm cache:

1. ``kerncijfers`` + ``gebieden`` for Utrecht's buurten from the warm cache;
2. the offline size of our maps of Utrecht's and Amsterdam's buurten against
   ``GeoDataFrame.explore()`` (``benchmarks/kaarten.py``; target: at most 0.3 ×);
3. notebook 1 end to end in a real kernel (nbclient; target: under 30 s, and the kernel's
   own peak memory under 1 GB, read inside the kernel by a last cell that this benchmark
   adds, not part of the notebook: see :data:`PEAK_CELL`), and notebooks 2 and 3 for
   information.

Exit code 1 when a target is missed.
"""

from __future__ import annotations

import os
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


#: Added as the last cell of each notebook run (not saved in the notebook): the kernel
#: reports its own peak resident memory in KiB. On Linux that is VmHWM of
#: /proc/self/status: ``ru_maxrss`` of RUSAGE_SELF is not used there because it survives
#: fork + exec, so a kernel started by a big process reports that process's size
#: (measured: a child of a 400 MB process says 411 MB, VmHWM 11 MB).
PEAK_CELL = """\
def _bench_peak_kib():
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource, sys
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak  # macOS: bytes
print("WIJKLIB_PEAK_KIB", _bench_peak_kib())
"""


def run_notebook(name: str) -> tuple[float, float]:
    """Run one solution notebook in a real kernel; return (seconds, kernel peak MB)."""
    import nbclient
    import nbformat

    source = ROOT / "notebooks" / "oplossingen" / f"{name}.ipynb"
    nb = nbformat.read(source, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PEAK_CELL))
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(source.parent)}})
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    text = "".join(out.get("text", "") for out in nb.cells[-1].outputs)
    kib = next(float(line.split()[1]) for line in text.splitlines()
               if line.startswith("WIJKLIB_PEAK_KIB"))
    return seconds, kib / 1024


def main() -> int:
    import datalaag
    import kaarten
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

        os.environ["WIJKLIB_ASSETS"] = str(install_assets(work / "assets"))
        prefetch(["Utrecht"], progress=False)

        start = time.perf_counter()
        wijklib.kerncijfers("Utrecht")
        wijklib.gebieden("Utrecht")
        warm = time.perf_counter() - start
        print(f"kerncijfers + gebieden uit de cache:   {warm:6.2f} s")

        map_results = kaarten.run()

        seconds, peaks = {}, {}
        for name in ("01_tellen_gebiedsanalyse", "02_vertellen_bewonersperspectief",
                     "03_tellen_en_vertellen_buurtagenda"):
            seconds[name[:2]], peaks[name[:2]] = run_notebook(name)
        print(
            f"notebook 1, van begin tot eind: {seconds['01']:6.1f} s "
            f"(doel < {NOTEBOOK_SECONDS:.0f} s)"
        )
        print(f"notebook 2, van begin tot eind: {seconds['02']:6.1f} s (ter informatie)")
        print(f"notebook 3, van begin tot eind: {seconds['03']:6.1f} s (ter informatie)")
        print(
            f"piekgeheugen van de kernel van notebook 1 (in de kernel gemeten): "
            f"{peaks['01']:6.0f} MB (doel < {KERNEL_MEMORY_MB:.0f} MB)"
        )
        print(f"piekgeheugen van de kernels van notebook 2 en 3: {peaks['02']:.0f} MB en "
              f"{peaks['03']:.0f} MB (ter informatie)")
        print("kaart offline, eigen / explore(): "
              + "; ".join(f"{label.split(',')[0]} {ratio:.2f}" for label, ratio, _ in map_results)
              + f" (doel ≤ {kaarten.TARGET:.1f})")

    missed = [label for label, ratio, target in data_layer if ratio > target]
    if seconds["01"] >= NOTEBOOK_SECONDS:
        missed.append("notebook te traag")
    if peaks["01"] >= KERNEL_MEMORY_MB:
        missed.append("te veel geheugen")
    missed += [f"kaart {label}" for label, ratio, target in map_results if ratio > target]
    print("Alle doelen gehaald." if not missed else "Niet gehaald: " + ", ".join(missed))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
