"""The notebooks are the product: they run top to bottom against the loopback servers."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "notebooks" / "oplossingen"
PROFILE = "buurtprofiel-taag-en-rubicondreef-en-omgeving.html"  # Utrecht's focus buurt


def run_notebook(path: Path, out: Path, parameters: dict) -> dict:
    import papermill

    papermill.execute_notebook(
        str(path), str(out), parameters=parameters, kernel_name="python3",
        progress_bar=False, cwd=str(path.parent),
    )
    return json.loads(out.read_text("utf-8"))


def controle_texts(nb: dict) -> list[str]:
    """The feedback shown by the notebook's controle cells."""
    return [
        "".join(o["data"]["text/plain"])
        for c in nb["cells"] if "controle" in c["metadata"].get("tags", [])
        for o in c["outputs"] if "data" in o
    ]


def outputs(nb: dict, kind: str) -> list[dict]:
    return [
        o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])
        if o.get("output_type") == kind or o.get("name") == kind
    ]


@pytest.mark.notebook
@pytest.mark.browser
def test_notebook_1_solution_utrecht_all_checks_pass(warm, map_assets, monkeypatch, tmp_path):
    monkeypatch.setenv("WIJKLIB_ASSETS", str(map_assets))
    monkeypatch.setenv("WIJKLIB_STRICT_CHECKS", "1")  # a wrong answer fails the run
    nb = run_notebook(SOLUTIONS / "01_tellen_gebiedsanalyse.ipynb", tmp_path / "nb1.ipynb", {})
    assert outputs(nb, "error") == []
    assert outputs(nb, "stderr") == [], "warnings reached the participant"
    controle = controle_texts(nb)
    assert len(controle) == 6 and all("Goed zo!" in t for t in controle), controle
    assert "Taag- en Rubicondreef en omgeving" in json.dumps(nb)
    saved = json.loads((Path(os.environ["WIJKLIB_EXPORT"]) / "tellen.json").read_text("utf-8"))
    assert saved["focus"] == "BU03440311" and saved["vragen"]  # handed on to notebook 3
    assert saved["reflectie"].startswith("De cijfers laten zien")  # the written reflection
    qgis_folder = Path(os.environ["WIJKLIB_EXPORT"]) / "qgis"  # the figures for QGIS
    assert {p.name for p in qgis_folder.iterdir()} == {"buurtcijfers.gpkg", "buurtcijfers.geojson"}
    page = Path(os.environ["WIJKLIB_EXPORT"]) / PROFILE
    assert '<section id="reflectie"><h2>Mijn reflectie</h2>' in page.read_text("utf-8")
    assert "<p>De cijfers laten zien waar mijn buurt afwijkt" in page.read_text("utf-8")
    check_rendered(nb, tmp_path / "nb1.html", "notebook1_utrecht")


def render(nb: dict, html_path: Path, name: str, frame_js: str) -> tuple[str, int, list, object]:
    """What a person sees: the executed notebook as HTML (nbconvert), opened in Chromium.

    Returns the page text, the number of images in outputs, ``frame_js`` evaluated in every
    frame (maps and previews live in iframes), and the page report; saves a screenshot.
    """
    import nbformat
    from browser import ARTIFACTS_DIR, browse
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter(template_name="lab").from_notebook_node(
        nbformat.reads(json.dumps(nb), as_version=4)
    )
    html_path.write_text(body, "utf-8")
    with browse(html_path, wait_ms=1500) as page:
        text = page.evaluate("document.body.innerText")
        images = page.evaluate("document.querySelectorAll('.jp-OutputArea img').length")
        frames = page.evaluate_all_frames(frame_js)
        page.screenshot(ARTIFACTS_DIR / f"{name}.png")
        report = page.report
    assert report.page_errors == [] and report.dialogs == [], report.problems
    assert "Traceback" not in text and "Dat ging niet goed" not in text
    assert "Nog niet goed" not in text
    return text, images, frames, report


def check_rendered(nb: dict, html_path: Path, name: str) -> None:
    """Notebook 1 as a person sees it: checks passed, charts, both maps, the download."""
    text, images, frames, _ = render(
        nb, html_path, name,
        "[document.querySelectorAll('path.leaflet-interactive').length,"
        " document.querySelectorAll('svg path.gebied').length]",
    )
    assert text.count("Goed zo!") >= 6
    assert images >= 4  # comparison charts, sensitivity chart, small multiples
    assert any(leaflet > 0 for leaflet, _ in frames), "the interactive map was not drawn"
    assert any(svg > 0 for _, svg in frames), "the buurtprofiel map was not drawn"
    assert "Download het buurtprofiel" in text


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


@pytest.mark.notebook
def test_notebook_1_zaanstad_at_buurt_level(services_2017, map_assets, monkeypatch, tmp_path):
    # the 2017 world (tests/kwb2017.py): Zaanstad's buurten are only in the 2017 table and
    # on the 2017 map; the gemeente and Nederland come from 2024
    monkeypatch.setenv("WIJKLIB_ASSETS", str(map_assets))
    nb = run_notebook(
        SOLUTIONS / "01_tellen_gebiedsanalyse.ipynb",
        tmp_path / "nb1_zaanstad_buurt.ipynb",
        {"GEMEENTE": "Zaanstad", "NIVEAU": "buurt", "FOCUS": "Poelenburg"},
    )
    assert outputs(nb, "error") == []
    assert outputs(nb, "stderr") == []
    text = json.dumps(nb, ensure_ascii=False)
    assert "De cijfers zijn van 2017, de kaart is van 2017." in text
    assert "BU04791210" in text  # the buurt Poelenburg


@pytest.mark.notebook
def test_notebook_1_participant_version_runs_without_answers(warm, map_assets, monkeypatch,
                                                             tmp_path):
    monkeypatch.setenv("WIJKLIB_ASSETS", str(map_assets))
    nb = run_notebook(ROOT / "notebooks" / "01_tellen_gebiedsanalyse.ipynb",
                      tmp_path / "nb1_leeg.ipynb", {})
    assert outputs(nb, "error") == [] and outputs(nb, "stderr") == []
    controle = controle_texts(nb)
    assert len(controle) == 6 and all("Nog niet ingevuld" in t for t in controle), controle
    saved = json.loads((Path(os.environ["WIJKLIB_EXPORT"]) / "tellen.json").read_text("utf-8"))
    assert saved["reflectie"] == ""  # nothing written for the participant
    page = Path(os.environ["WIJKLIB_EXPORT"]) / PROFILE
    assert 'id="reflectie"' not in page.read_text("utf-8")  # no empty section printed
