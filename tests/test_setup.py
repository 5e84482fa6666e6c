"""What ``make lab`` installs and opens, and JupyterLab's settings (Dutch, no news pop-up).

The Makefile is read with ``make -n`` (what it would run), and the JupyterLab command it
runs is started for real against this repository, with the settings that
``python -m wijklib.assets`` writes.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from wijklib.notebook.installer import LAB_OVERRIDES, install_lab_settings, lab_settings_file

ROOT = Path(__file__).resolve().parents[1]

needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def dry_run(target: str, venv: Path) -> list[str]:
    proc = subprocess.run(
        ["make", "-n", "-B", target, f"VENV={venv}"], cwd=ROOT,
        capture_output=True, text=True, check=True,
    )
    return proc.stdout.splitlines()


@needs_make
def test_make_lab_installs_only_the_workbook(tmp_path: Path) -> None:
    lines = dry_run("lab", tmp_path / "v")
    installs = [line for line in lines if "pip install" in line and "-e" in line]
    assert installs and all('".[lab]"' in line for line in installs), installs
    assert not any("test]" in line or "playwright" in line.lower() for line in installs)
    assert any("wijklib.assets" in line for line in lines)  # map files and lab settings
    project = (ROOT / "pyproject.toml").read_text("utf-8")
    assert "playwright" not in project.split("lab = [", 1)[1].split("]", 1)[0]


@needs_make
def test_make_test_adds_the_test_tools(tmp_path: Path) -> None:
    # the book's tools too: make test builds the book (tests/test_book.py)
    lines = dry_run("test", tmp_path / "v")
    assert any('".[lab,test,book]"' in line for line in lines)


@needs_make
def test_make_book_installs_the_book_tools_not_the_test_tools(tmp_path: Path) -> None:
    lines = dry_run("book", tmp_path / "v")
    installs = [line for line in lines if "pip install" in line and "-e" in line]
    assert any('".[lab,book]"' in line for line in installs), installs
    assert not any("test]" in line or ",test" in line for line in installs), installs
    assert any("wijklib.assets" in line for line in lines)  # the maps need the map files
    assert any("tools/book.py" in line for line in lines)


def lab_command(venv: Path) -> list[str]:
    """The ``jupyter lab`` command of ``make lab``, for this environment's jupyter."""
    line = next(line for line in dry_run("lab", venv) if " lab" in line and "jupyter" in line)
    args = shlex.split(line)
    assert args[0] == f"{venv}/bin/jupyter"
    return [str(Path(sys.executable).parent / "jupyter"), *args[1:]]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start JupyterLab as ``make lab`` does, with the workbook's settings overrides."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    if not (Path(sys.executable).parent / "jupyter").exists():
        pytest.skip("jupyter is not installed in this environment")
    tmp = tmp_path_factory.mktemp("lab")
    install_lab_settings(tmp)
    port, token = _free_port(), "wijkprofiel-test"
    env = {
        **os.environ,
        "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"),
        "JUPYTER_CONFIG_DIR": str(tmp / "config"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp / "workspaces"),
        "JUPYTERLAB_SETTINGS_DIR": str(tmp / "user-settings"),
    }
    cmd = [
        *lab_command(tmp / "venv"),
        "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
        f"--IdentityProvider.token={token}",
        f"--LabApp.app_settings_dir={lab_settings_file(tmp).parent}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # CI runs as root
        cmd.append("--allow-root")
    log = (tmp / "server.log").open("wb")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if requests.get(f"{base}/api/status", params={"token": token}, timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail((tmp / "server.log").read_text("utf-8", "replace")[-2000:])
            time.sleep(0.3)
        yield f"{base}?token={token}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _get(lab_server: str, path: str) -> requests.Response:
    base, query = lab_server.split("?", 1)
    return requests.get(f"{base}{path}?{query}", timeout=10)


def test_jupyterlab_of_make_lab_reaches_data_and_notebooks(lab_server: str) -> None:
    data = _get(lab_server, "/api/contents/data")
    assert data.status_code == 200, data.text
    assert data.json()["type"] == "directory"
    assert "README.md" in {item["name"] for item in data.json()["content"]}
    notebook = _get(lab_server, "/api/contents/notebooks/01_tellen_gebiedsanalyse.ipynb")
    assert notebook.status_code == 200


def test_jupyterlab_takes_the_dutch_and_no_news_settings(lab_server: str) -> None:
    for plugin, values in LAB_OVERRIDES.items():
        answer = _get(lab_server, f"/lab/api/settings/{plugin}")
        assert answer.status_code == 200, answer.text
        properties = answer.json()["schema"]["properties"]
        for key, value in values.items():
            assert properties[key]["default"] == value, (plugin, key)


def test_overrides_file_is_valid_json_with_the_right_keys(tmp_path: Path) -> None:
    path = install_lab_settings(tmp_path)
    assert path == tmp_path / "share/jupyter/lab/settings/overrides.json"
    settings = json.loads(path.read_text("utf-8"))
    assert settings["@jupyterlab/translation-extension:plugin"]["locale"] == "nl_NL"
    notification = settings["@jupyterlab/apputils-extension:notification"]
    assert notification["fetchNews"] == "false" and notification["checkForUpdates"] is False


def test_overrides_keep_other_settings(tmp_path: Path) -> None:
    path = lab_settings_file(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({
        "@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"},
        "@jupyterlab/apputils-extension:notification": {"doNotDisturbMode": True},
    }), encoding="utf-8")
    settings = json.loads(install_lab_settings(tmp_path).read_text("utf-8"))
    assert settings["@jupyterlab/apputils-extension:themes"] == {"theme": "JupyterLab Dark"}
    assert settings["@jupyterlab/apputils-extension:notification"] == {
        "doNotDisturbMode": True, "fetchNews": "false", "checkForUpdates": False,
    }


def test_broken_overrides_are_left_alone_with_a_dutch_message(tmp_path: Path) -> None:
    from wijklib.notebook.offline import AssetInstallError

    path = lab_settings_file(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text("{ kapot", encoding="utf-8")
    with pytest.raises(AssetInstallError, match="geen geldige JSON"):
        install_lab_settings(tmp_path)
    assert path.read_text("utf-8") == "{ kapot"


def test_language_pack_is_in_the_lab_extra_and_binder() -> None:
    import tomllib

    lab = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"][
        "optional-dependencies"]["lab"]
    assert any(spec.lower().startswith("jupyterlab-language-pack-nl-nl") for spec in lab)
    assert "jupyterlab-language-pack-nl-NL" in (ROOT / "binder/environment.yml").read_text("utf-8")
    assert "python -m wijklib.assets" in (ROOT / "binder/postBuild").read_text("utf-8")
