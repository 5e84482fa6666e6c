"""Notebook 1 without the local map files: the maps come from the CDN with one Dutch note,
instead of the notebook stopping at its first map."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_notebooks import ROOT, outputs, run_notebook


@pytest.mark.notebook
def test_notebook_1_without_map_files_uses_the_cdn_with_one_note(warm, monkeypatch, tmp_path):
    monkeypatch.setenv("WIJKLIB_ASSETS", str(tmp_path / "geen-kaartbestanden"))
    monkeypatch.setenv("PYTHONPATH", str(ROOT))  # the kernel imports this checkout's wijklib
    nb = run_notebook(ROOT / "notebooks" / "01_tellen_gebiedsanalyse.ipynb",
                      tmp_path / "nb1_cdn.ipynb", {})
    assert outputs(nb, "error") == []
    notes = ["".join(o["text"]) for o in outputs(nb, "stderr")]
    assert len(notes) == 1, notes
    assert "De kaartbestanden" in notes[0] and "python -m wijklib.assets" in notes[0]
    assert "cdn.jsdelivr.net/npm/leaflet@1.9.3" in json.dumps(nb)  # the map is drawn from the CDN
    assert not Path(tmp_path / "geen-kaartbestanden").exists()
