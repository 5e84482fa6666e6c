"""The hub documentation's files fit the workbook: valid, known settings, working links.

``docs/jupyterhub/config.yaml`` (Zero to JupyterHub), ``cache-vullen.yaml`` (the Job that
fills the shared cache) and ``jupyterhub_config.py`` may only set ``WIJKLIB_*`` variables
that ``wijklib/config.py`` knows, and their folders must match the volumes they mount.
The nbgitpuller links must open notebooks that exist.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from traitlets.config import Config

ROOT = Path(__file__).resolve().parents[1]
HUB_DOCS = ROOT / "docs" / "jupyterhub"
KNOWN = set(re.findall(r"WIJKLIB_[A-Z_]+", (ROOT / "wijklib" / "config.py").read_text()))
PULL_LINK = re.compile(r"https://<jouw-hub>/hub/user-redirect/git-pull\?\S+")


def _z2jh() -> dict:
    return yaml.safe_load((HUB_DOCS / "config.yaml").read_text("utf-8"))


def test_the_variables_come_from_wijklib_config():
    assert {"WIJKLIB_CACHE", "WIJKLIB_DATA", "WIJKLIB_GROEP"} <= KNOWN


@pytest.mark.parametrize("path", sorted([*HUB_DOCS.iterdir(), ROOT / "docs" / "jupyterhub.md"]),
                         ids=lambda p: p.name)
def test_every_wijklib_variable_in_the_hub_docs_is_known(path):
    used = set(re.findall(r"WIJKLIB_[A-Z_]+", path.read_text("utf-8")))
    assert used - KNOWN == set()


def test_the_zero_to_jupyterhub_config_mounts_what_its_variables_name():
    config = _z2jh()
    single = config["singleuser"]
    env = single["extraEnv"]
    assert set(env) <= KNOWN
    mounts = {m["mountPath"]: m for m in single["storage"]["extraVolumeMounts"]}
    volumes = {v["name"] for v in single["storage"]["extraVolumes"]}
    assert {m["name"] for m in mounts.values()} <= volumes
    own, shared = env["WIJKLIB_CACHE"].split(":")
    assert own.startswith(env["WIJKLIB_DATA"] + "/")  # the participant's own, persistent
    assert mounts[shared].get("readOnly") is True  # participants only read the cache
    assert not mounts[env["WIJKLIB_GROEP"]].get("readOnly")  # but hand in agendas
    assert env["WIJKLIB_DATA"].startswith("/home/jovyan/")  # on the user's own volume
    assert config["cull"]["enabled"] is True and config["cull"]["timeout"] > 0
    assert single["image"]["name"] and single["defaultUrl"] == "/lab"


def test_the_cache_job_writes_the_folder_the_hub_mounts_read_only():
    job = yaml.safe_load((HUB_DOCS / "cache-vullen.yaml").read_text("utf-8"))
    container = job["spec"]["template"]["spec"]["containers"][0]
    env = {e["name"]: e["value"] for e in container["env"]}
    assert set(env) <= KNOWN
    mount = container["volumeMounts"][0]
    assert env["WIJKLIB_CACHE"] == mount["mountPath"] and not mount.get("readOnly")
    assert container["command"][:4] == ["python", "-m", "wijklib", "download"]
    hub_env = _z2jh()["singleuser"]["extraEnv"]
    assert env["WIJKLIB_CACHE"] == hub_env["WIJKLIB_CACHE"].split(":")[-1]
    claim = job["spec"]["template"]["spec"]["volumes"][0]["persistentVolumeClaim"]
    hub_volumes = _z2jh()["singleuser"]["storage"]["extraVolumes"]
    assert claim in [v["persistentVolumeClaim"] for v in hub_volumes]


def test_the_single_server_config_sets_known_variables(monkeypatch, tmp_path):
    monkeypatch.setenv("WIJKPROFIEL_GEDEELD", str(tmp_path / "gedeeld"))
    config = Config()
    source = (HUB_DOCS / "jupyterhub_config.py").read_text("utf-8")
    exec(compile(source, "jupyterhub_config.py", "exec"), {"get_config": lambda: config})
    env = config.Spawner.environment
    assert set(env) <= KNOWN
    assert env["WIJKLIB_GROEP"] == str(tmp_path / "gedeeld" / "groep")
    assert callable(env["WIJKLIB_CACHE"]) and callable(env["WIJKLIB_DATA"])
    assert config.JupyterHub.spawner_class == "localprocess"
    assert os.path.basename(config.Spawner.cmd[0]) == "jupyterhub-singleuser"


@pytest.mark.parametrize("doc", ["jupyterhub.md", "trainershandleiding.md"])
def test_the_nbgitpuller_links_open_existing_notebooks(doc):
    links = PULL_LINK.findall((ROOT / "docs" / doc).read_text("utf-8"))
    assert links
    for link in links:
        query = parse_qs(urlsplit(link).query)
        repo = query["repo"][0]
        folder = repo.rstrip("/").rsplit("/", 1)[-1]
        assert query["urlpath"][0].startswith(f"lab/tree/{folder}/notebooks/")
        notebook = query["urlpath"][0].split(f"lab/tree/{folder}/", 1)[1]
        assert (ROOT / notebook).is_file(), notebook
        assert query["branch"] == ["main"]
