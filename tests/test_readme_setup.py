"""The README's set-up commands exist and agree with the Makefile, pyproject.toml and
environment.yml: every extra, module, make target, file and environment name it names."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text("utf-8")
SETUP = README.split("## Op je eigen computer", 1)[1].split("\n## ", 1)[0]


def code_blocks(text: str) -> list[tuple[str, list[str]]]:
    """Return (language, lines) of every fenced code block."""
    return [
        (lang, [line.strip() for line in body.strip().splitlines() if line.strip()])
        for lang, body in re.findall(r"```(\w*)\n(.*?)```", text, re.S)
    ]


def commands() -> list[str]:
    found = [line for _, lines in code_blocks(SETUP) for line in lines]
    found += re.findall(r"`([^`\n]*(?:pip install|python -m|jupyter lab)[^`\n]*)`", SETUP)
    return found


def test_setup_section_has_windows_macos_and_conda_blocks() -> None:
    blocks = {lang: lines for lang, lines in code_blocks(SETUP)}
    windows = blocks["powershell"]
    assert windows[0].startswith("py -m venv")
    assert any("\\Scripts\\" in line for line in windows)  # Windows paths
    for lines in (windows, *(b for lang, b in code_blocks(SETUP) if lang == "bash")):
        if lines == ["make lab"] or lines == ["make test"]:
            continue
        joined = "\n".join(lines)
        assert "pip install" in joined and "python -m wijklib.assets" in joined, joined
        assert lines[-1] == "jupyter lab", joined
    assert "environment.yml" in SETUP and "source .venv/bin/activate" in SETUP
    assert "npm" not in SETUP.split("Node.js en npm heb je niet nodig", 1)[0]


def test_extras_named_in_the_readme_exist() -> None:
    extras = set(tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"][
        "optional-dependencies"])
    named = [e for cmd in commands() for group in re.findall(r"\.\[([a-z,]+)\]", cmd)
             for e in group.split(",")]
    assert "lab" in named and "test" in named
    assert set(named) <= extras, set(named) - extras
    assert 'pip install -e ".[lab]"' in SETUP  # what make lab installs, without make


def test_make_targets_named_in_the_readme_exist() -> None:
    makefile = (ROOT / "Makefile").read_text("utf-8")
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, re.M))
    named = set(re.findall(r"\bmake ([a-z][a-z-]*)", README))
    assert {"lab", "test"} <= named
    assert named <= targets, named - targets


def test_venv_folder_matches_the_makefile() -> None:
    makefile = (ROOT / "Makefile").read_text("utf-8")
    venv = re.search(r"^VENV\s*\?=\s*(\S+)", makefile, re.M)
    assert venv is not None
    assert f"-m venv {venv.group(1)}" in SETUP
    for path in re.findall(r"(\.venv[\\/][\w\\/.]+)", SETUP):
        assert path.startswith(venv.group(1))


def test_conda_commands_match_environment_yml() -> None:
    env = yaml.safe_load((ROOT / "environment.yml").read_text("utf-8"))
    created = re.findall(r"conda env create -f (\S+)", SETUP)
    assert created == ["environment.yml"]
    activated = set(re.findall(r"conda activate (\S+?)[`\s]", SETUP))
    assert activated == {env["name"]}


@pytest.mark.parametrize(
    "module", sorted({m for c in commands() for m in re.findall(r"python3? -m ([\w.]+)", c)})
)
def test_modules_named_in_the_readme_run(module: str) -> None:
    if module in ("venv", "pip", "pytest"):
        return  # Python's own, and the test runner of the test extra
    proc = subprocess.run(
        [sys.executable, "-m", module, "--help"], cwd=ROOT,
        capture_output=True, text=True, check=False, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr


def test_wijklib_subcommands_in_the_readme_exist() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "wijklib", "--help"], cwd=ROOT,
        capture_output=True, text=True, check=True,
    )
    for sub in set(re.findall(r"-m wijklib (\w+)", README)):
        assert sub in proc.stdout, sub


def test_readme_commands_parse_as_shell() -> None:
    for lang, lines in code_blocks(SETUP):
        for line in lines:
            assert shlex.split(line, posix=lang != "powershell"), line
