"""The project's set-up files agree with each other and keep their promises."""

from __future__ import annotations

import json
import re
import subprocess
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]

#: In environment.yml but not a Python dependency: the interpreter and pip.
NOT_PYTHON = {"python", "pip"}


def _name(spec: str) -> str:
    return re.split(r"[<>=!~ \[]", spec.strip(), maxsplit=1)[0].lower()


def pip_specs(path: Path) -> list[str]:
    env = yaml.safe_load(path.read_text("utf-8"))
    return [p for d in env["dependencies"] if isinstance(d, dict) for p in d.get("pip", [])]


def conda_names(path: Path) -> tuple[set[str], list[str]]:
    """Names of the conda and the pip packages of an environment file, and the conda specs."""
    env = yaml.safe_load(path.read_text("utf-8"))
    specs = [d for d in env["dependencies"] if isinstance(d, str)]
    return {_name(s) for s in specs + pip_specs(path)} - NOT_PYTHON, specs


def pyproject_names() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    deps = project["dependencies"] + project["optional-dependencies"]["lab"]
    return {_name(d) for d in deps}


def test_environment_yml_lists_the_pyproject_packages():
    names, _ = conda_names(ROOT / "environment.yml")
    assert names == pyproject_names()


def test_environment_yml_works_outside_a_checkout():
    # `-e .` only works next to pyproject.toml; wijklib is installed as a README step
    for spec in pip_specs(ROOT / "environment.yml") + pip_specs(ROOT / "binder/environment.yml"):
        assert not spec.startswith(("-e", ".")), spec
    assert "nodejs" not in (ROOT / "environment.yml").read_text("utf-8")  # no Node needed


def test_binder_environment_is_pinned_and_in_step():
    names, specs = conda_names(ROOT / "binder" / "environment.yml")
    assert names == pyproject_names()
    for spec in specs:
        if _name(spec) != "pip":
            assert re.fullmatch(r"[a-z0-9_.-]+=[0-9][0-9a-z.]*", spec), spec
    for spec in pip_specs(ROOT / "binder" / "environment.yml"):
        assert re.fullmatch(r"[A-Za-z0-9_.-]+==[0-9][0-9a-z.]*", spec), spec


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
