"""The project's set-up files agree with each other and keep their promises."""

from __future__ import annotations

import json
import re
import subprocess
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]

#: In environment.yml but not a Python dependency: the interpreter, pip, and Node.js
#: (used once, to install the map libraries from the npm registry).
NOT_PYTHON = {"python", "pip", "nodejs"}


def _name(spec: str) -> str:
    return re.split(r"[<>=!~ \[]", spec.strip(), maxsplit=1)[0].lower()


def conda_names(path: Path) -> tuple[set[str], list[str]]:
    env = yaml.safe_load(path.read_text("utf-8"))
    specs = [d for d in env["dependencies"] if isinstance(d, str)]
    return {_name(s) for s in specs} - NOT_PYTHON, specs


def pyproject_names() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    deps = project["dependencies"] + project["optional-dependencies"]["lab"]
    return {_name(d) for d in deps}


def test_environment_yml_lists_the_pyproject_packages():
    names, _ = conda_names(ROOT / "environment.yml")
    assert names == pyproject_names()


def test_binder_environment_is_pinned_and_in_step():
    names, specs = conda_names(ROOT / "binder" / "environment.yml")
    assert names == pyproject_names()
    for spec in specs:
        if _name(spec) != "pip":
            assert re.fullmatch(r"[a-z0-9_.-]+=[0-9][0-9a-z.]*", spec), spec


def test_binder_scripts():
    post = (ROOT / "binder" / "postBuild").read_text("utf-8")
    assert "pip install" in post and "wijklib download" in post
    assert "python -m wijklib.assets" in post  # map files without Node
    start = (ROOT / "binder" / "start").read_text("utf-8")
    assert "OMP_NUM_THREADS=1" in start and 'exec "$@"' in start
    assert not (ROOT / "Dockerfile").exists()  # it would override all Binder configuration


def test_readme_shows_the_two_commands_and_launch_links():
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "make lab" in readme and "make test" in readme
    for nb in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        assert f"labpath=notebooks/{nb.name}" in readme, nb.name


def test_ci_runs_the_test_command():
    run = (ROOT / ".ci" / "run").read_text("utf-8")
    assert "make test" in run
    makefile = (ROOT / "Makefile").read_text("utf-8")
    assert re.search(r"^test: .*chromium", makefile, re.M)
    assert re.search(r"^lab: ", makefile, re.M)


def test_committed_notebooks_have_no_outputs():
    tracked = subprocess.run(
        ["git", "ls-files", "*.ipynb"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.split()
    for name in tracked:
        nb = json.loads((ROOT / name).read_text("utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert not cell.get("outputs") and not cell.get("execution_count"), name


def test_caches_are_ignored():
    ignored = (ROOT / ".gitignore").read_text("utf-8")
    assert "data/cache/" in ignored and "wijklib/_assets/" in ignored
