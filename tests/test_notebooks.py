"""The notebooks are the product: they run top to bottom against the loopback servers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "notebooks" / "oplossingen"


def run_notebook(path: Path, out: Path, parameters: dict) -> dict:
    import papermill

    papermill.execute_notebook(
        str(path), str(out), parameters=parameters, kernel_name="python3",
        progress_bar=False, cwd=str(path.parent),
    )
    return json.loads(out.read_text("utf-8"))


def outputs(nb: dict, kind: str) -> list[dict]:
    return [
        o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])
        if o.get("output_type") == kind or o.get("name") == kind
    ]


@pytest.mark.notebook
def test_notebook_1_solution_utrecht_all_checks_pass(warm, map_assets, monkeypatch, tmp_path):
    monkeypatch.setenv("WIJKLIB_ASSETS", str(map_assets))
    monkeypatch.setenv("WIJKLIB_STRICT_CHECKS", "1")  # a wrong answer fails the run
    nb = run_notebook(SOLUTIONS / "01_tellen_gebiedsanalyse.ipynb", tmp_path / "nb1.ipynb", {})
    assert outputs(nb, "error") == []
    assert outputs(nb, "stderr") == [], "warnings reached the participant"
    controle = [
        "".join(o["data"]["text/plain"])
        for c in nb["cells"] if "controle" in c["metadata"].get("tags", [])
        for o in c["outputs"] if "data" in o
    ]
    assert len(controle) == 6 and all("Goed zo!" in t for t in controle), controle
    assert "Taag- en Rubicondreef en omgeving" in json.dumps(nb)


@pytest.mark.notebook
def test_notebook_1_other_gemeente_at_wijk_level(warm, map_assets, monkeypatch, tmp_path):
    monkeypatch.setenv("WIJKLIB_ASSETS", str(map_assets))
    nb = run_notebook(
        SOLUTIONS / "01_tellen_gebiedsanalyse.ipynb",
        tmp_path / "nb1_zaanstad.ipynb",
        {"GEMEENTE": "Zaanstad", "NIVEAU": "wijk", "FOCUS": "Poelenburg"},
    )
    assert outputs(nb, "error") == []
    assert outputs(nb, "stderr") == []
    assert "Poelenburg" in json.dumps(nb)
