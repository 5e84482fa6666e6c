"""A real non-editable install (``pip install .``) into a fresh virtual environment.

The wheel is built from a clean copy of the repository (pip fetches setuptools for the build;
when that is impossible, for example without network, the tests are skipped). It is
installed with pip into a new venv in a temporary folder; to keep the run short, the
dependencies (pandas, geopandas, JupyterLab …) are borrowed from the test interpreter's
environment through a ``.pth`` line instead of being downloaded again. Then the installed
package is used from a participant's working folder, outside any checkout.
"""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.install


def _repo_files() -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.split("\n")
    return [f for f in out if f and (ROOT / f).is_file()]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the python of a fresh venv with wijklib installed from a wheel."""
    base = tmp_path_factory.mktemp("installatie")
    src = base / "bron"
    for rel in _repo_files():
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, src / rel)
    wheels = base / "wheels"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(src)],
        capture_output=True, text=True, check=False, timeout=600,
    )
    if build.returncode != 0:
        pytest.skip(f"the wheel cannot be built here (offline?): {build.stderr[-500:]}")
    env_dir = base / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    # the dependencies come from this environment (after the venv's own site-packages)
    Path(purelib, "zz_wijklib_test_deps.pth").write_text(
        "\n".join(site.getsitepackages()) + "\n", encoding="utf-8"
    )
    wheel = next(wheels.glob("wijklib-*.whl"))
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        capture_output=True, text=True, check=True, timeout=300,
    )
    return python


def _clean_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WIJKLIB_", "PYTHON"))}
    env.update(HOME=str(home), USERPROFILE=str(home), PATH="")
    return env


_PROBE = """
import json, wijklib
from pathlib import Path
from importlib import resources
from wijklib.config import repo_root, settings
from wijklib.notebook.session import data_file, export_dir
cfg = settings()
print(json.dumps({
    "package": wijklib.__file__,
    "checkout": repo_root() is not None,
    "data": str(cfg.data_dir), "cache": str(cfg.cache_dir), "export": str(export_dir()),
    "survey": str(data_file("enquete.csv")),
    "templates": sorted(p.name for p in resources.files("wijklib").joinpath("templates").iterdir()),
    "indicators": resources.files("wijklib.data").joinpath("indicatoren.csv").is_file(),
}))
"""


def test_installed_package_finds_data_and_export_in_the_working_folder(
    installed: Path, tmp_path: Path
) -> None:
    werk = tmp_path / "werkboek"
    (werk / "notebooks").mkdir(parents=True)
    (werk / "data").mkdir()
    (werk / "data" / "enquete.csv").write_text("buurt;score\n", encoding="utf-8")
    home = tmp_path / "thuis"
    home.mkdir()
    # a notebook runs in notebooks/, next to data/
    proc = subprocess.run(
        [str(installed), "-c", _PROBE], cwd=werk / "notebooks", env=_clean_env(home),
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    found = json.loads(proc.stdout)
    assert Path(found["package"]).is_relative_to(installed.parents[1])  # not the checkout
    assert not found["checkout"]
    assert Path(found["data"]) == werk / "data"
    assert Path(found["export"]) == werk / "data" / "export"
    assert (werk / "data" / "export").is_dir()
    assert not (home / ".cache" / "export").exists()  # the old hidden place
    assert Path(found["survey"]) == werk / "data" / "enquete.csv"
    assert Path(found["cache"]) == home / ".cache" / "wijklib"
    assert any(name.endswith(".j2") for name in found["templates"])
    assert found["indicators"]


def test_installed_package_without_data_folder_makes_one_here(
    installed: Path, tmp_path: Path
) -> None:
    werk = tmp_path / "leeg"
    werk.mkdir()
    code = "from wijklib.notebook.session import export_dir; print(export_dir())"
    proc = subprocess.run(
        [str(installed), "-c", code], cwd=werk, env=_clean_env(tmp_path),
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert Path(proc.stdout.strip()) == werk / "data" / "export"


def test_wijklib_data_wins_in_an_installed_package(installed: Path, tmp_path: Path) -> None:
    env = _clean_env(tmp_path)
    env["WIJKLIB_DATA"] = str(tmp_path / "groep")
    code = "from wijklib.config import settings; s = settings(); print(s.export_dir, s.cache_dir)"
    proc = subprocess.run(
        [str(installed), "-c", code], cwd=tmp_path, env=env,
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    export, cache = proc.stdout.split()
    assert Path(export) == tmp_path / "groep" / "export"
    assert Path(cache) == tmp_path / "groep" / "cache"


def test_installed_package_has_the_asset_command(installed: Path, tmp_path: Path) -> None:
    proc = subprocess.run(
        [str(installed), "-m", "wijklib.assets", "--help"], cwd=tmp_path,
        env=_clean_env(tmp_path), capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "python -m wijklib.assets" in proc.stdout
    assert "Node.js en npm zijn niet nodig" in proc.stdout


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_readme_path_without_make_or_npm(installed: Path, tmp_path: Path) -> None:
    """README, "Zonder make": the venv's python sets up maps and JupyterLab, then jupyter lab
    runs in the workbook folder with data/ reachable and the Dutch, quiet settings."""
    import time

    import requests

    from tests.test_assets_registry import NpmRegistry

    werk = tmp_path / "werkboek"
    (werk / "notebooks").mkdir(parents=True)
    (werk / "data").mkdir()
    (werk / "data" / "enquete.csv").write_text("buurt;score\n", encoding="utf-8")
    env = _clean_env(tmp_path)
    with NpmRegistry() as registry:
        registry.publish_all()
        env["WIJKLIB_NPM_REGISTRY"] = registry.url
        setup = subprocess.run(
            [str(installed), "-m", "wijklib.assets"], cwd=werk, env=env,
            capture_output=True, text=True, check=False, timeout=300,
        )
    assert setup.returncode == 0, setup.stderr
    assert "Klaar:" in setup.stdout and "JupyterLab is in het Nederlands" in setup.stdout
    prefix = installed.parents[1]
    overrides = prefix / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    assert json.loads(overrides.read_text("utf-8"))[
        "@jupyterlab/translation-extension:plugin"]["locale"] == "nl_NL"

    # JupyterLab's own data files are borrowed like its code (see the module docstring)
    lab_data = Path(site.getsitepackages()[0]).parents[2] / "share" / "jupyter" / "lab"
    port, token = _free_port(), "zonder-make"
    cmd = [str(installed), "-m", "jupyterlab", "--no-browser", f"--port={port}",
           "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}",
           f"--LabApp.schemas_dir={lab_data / 'schemas'}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    env.update(JUPYTER_RUNTIME_DIR=str(tmp_path / "rt"), JUPYTER_CONFIG_DIR=str(tmp_path / "cfg"))
    log_path = tmp_path / "lab.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(cmd, cwd=werk, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            base, auth = f"http://127.0.0.1:{port}", {"token": token}
            deadline = time.monotonic() + 90
            while True:
                try:
                    if requests.get(f"{base}/api/status", params=auth, timeout=2).ok:
                        break
                except requests.ConnectionError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(log_path.read_text("utf-8", "replace")[-2000:])
                time.sleep(0.3)
            data = requests.get(f"{base}/api/contents/data", params=auth, timeout=10)
            assert data.status_code == 200
            assert "enquete.csv" in {item["name"] for item in data.json()["content"]}
            plugin = "@jupyterlab/apputils-extension:notification"
            answer = requests.get(f"{base}/lab/api/settings/{plugin}", params=auth, timeout=10)
            assert answer.status_code == 200, answer.text
            properties = answer.json()["schema"]["properties"]
            assert properties["fetchNews"]["default"] == "false"
            assert properties["checkForUpdates"]["default"] is False
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
