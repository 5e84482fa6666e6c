"""Zaanstad, the second example gemeente, runs all three notebooks at buurt level.

The shared fixtures have Zaanstad's buurten only in the 2017 world (tests/kwb2017.py): the
2017 table (sparse: inhabitants, households, density, areas; no bijstand, WOZ or
koopwoningen) and the 2017 map. The notebooks take the newest table that has the
buurten, so they run on 2017 without a parameter for the year. The wijk is Wormerveer:
six buurten, from 7 470 inhabitants down to none (Guisveld), so small buurten, hidden
counts and missing figures all occur.
"""

from __future__ import annotations

import json
import re

import pytest
from test_notebooks import ROOT, SOLUTIONS, controle_texts, outputs, render, run_notebook

from wijklib.agenda import state as ag
from wijklib.notebook import resultaten

NB1 = "01_tellen_gebiedsanalyse.ipynb"
NB2 = "02_vertellen_bewonersperspectief.ipynb"
NB3 = "03_tellen_en_vertellen_buurtagenda.ipynb"
FOCUS_CODE = "BU04795130"  # Wormerveer Noord
GUISVELD = "BU04795120"  # nobody lives there
PARAMS_1 = {"GEMEENTE": "Zaanstad", "NIVEAU": "buurt", "FOCUS": "Wormerveer Noord"}
PARAMS_2 = {"GEMEENTE": "Zaanstad", "WIJK": "WK047951", "FOCUS": "Wormerveer Noord"}
PARAMS_3 = {"GEMEENTE": "Zaanstad", "WIJK": "WK047951", "BUURT": "Wormerveer Noord"}
WORMERVEER = ("Wormerveer Zuid", "Wormerveer Noord", "Westknollendam", "Industriebuurt")


@pytest.fixture
def zaanstad(services_2017, notebook_export):
    """The 2017 world, offline map files and an export folder of this test only."""
    return notebook_export


def _clean(nb: dict) -> str:
    assert outputs(nb, "error") == []
    assert outputs(nb, "stderr") == [], "warnings reached the participant"
    return json.dumps(nb, ensure_ascii=False)


def _cell_text(nb: dict, starts: str) -> str:
    """Printed text and plain/HTML output of the first code cell that starts so."""
    for cell in nb["cells"]:
        if cell["cell_type"] == "code" and "".join(cell["source"]).startswith(starts):
            return "\n".join(
                "".join(o.get("text", "")) + "".join(o.get("data", {}).get("text/plain", ""))
                + "".join(o.get("data", {}).get("text/html", ""))
                for o in cell.get("outputs", []))
    raise AssertionError(f"no cell starts with {starts!r}")


@pytest.mark.notebook
@pytest.mark.browser
def test_zaanstad_solutions_at_buurt_level_from_notebook_1_to_the_agenda(
        zaanstad, monkeypatch, tmp_path):
    monkeypatch.setenv("WIJKLIB_STRICT_CHECKS", "1")  # a wrong answer fails the run
    nb1 = run_notebook(SOLUTIONS / NB1, tmp_path / "nb1.ipynb", PARAMS_1)
    text1 = _clean(nb1)
    graded = controle_texts(nb1)
    # 2017 has none of the score's figures (bijstand, huur, WOZ): that exercise says it
    # cannot be done here; every other answer is right
    cannot = [t for t in graded if "Deze opdracht kan hier niet" in t]
    assert len(cannot) == 1 and "geen enkel gebied" in cannot[0], graded
    assert all("Goed zo!" in t for t in graded if t not in cannot), graded
    assert "De cijfers zijn van 2017, de kaart is van 2017." in text1
    assert f"Je kijkt naar: Wormerveer Noord ({FOCUS_CODE})." in text1
    # 2017 has no koopwoningen: the map exercise's answer is a figure the year does have
    assert "'Bevolkingsdichtheid" in _cell_text(nb1, "checks.check_indicator(KAART_CIJFER")
    nb2 = run_notebook(SOLUTIONS / NB2, tmp_path / "nb2.ipynb", PARAMS_2)
    text2 = _clean(nb2)
    assert all("Goed zo!" in t for t in controle_texts(nb2)), controle_texts(nb2)
    assert f"Focusbuurt: Wormerveer Noord ({FOCUS_CODE})." in text2
    assert "Gebied: Wormerveer, met 6 buurten." in text2
    notes_map = _cell_text(nb2, "kaart_notities = kaartnotities.notes_map")
    assert "geo_json" in notes_map and "Wormerveer Noord" in notes_map  # the map is drawn
    saved = resultaten.load_vertellen(zaanstad)
    assert saved is not None and saved.gemeente == "Zaanstad"
    # practice stories and strengths are told where people live: none in Guisveld (0)
    told = set(saved.verhalen["buurtcode"]), set(saved.krachten["buurtcode"])
    assert all(codes and GUISVELD not in codes for codes in told), told
    # the hand-over holds aggregates only: participation per buurt, no individual answers;
    # small buurten read "<10" or "niet getoond", never a count below the minimum
    assert saved.antwoorden.empty and saved.enquete is not None
    deelname = saved.enquete.deelname.set_index("Buurt")["Respondenten"]
    shown = [int(v) for v in deelname[list(WORMERVEER)] if v.isdigit()]
    assert shown and min(shown) >= saved.enquete.min_n
    assert set(deelname) - {str(v) for v in shown} <= {"<10", "niet getoond"}
    assert not re.search(r"\d respondenten wonen buiten", text2)  # practice: only the wijk
    planted = saved.extra["afwijkingen"]
    assert planted and all(p["buurtnaam"] in WORMERVEER + ("Karnemelksepolder",)
                           for p in planted)
    for p in planted:  # 2017 has no bijstand, WOZ or koopwoningen: said, not invented
        assert "heeft het CBS voor deze buurt geen cijfers (tabel van 2017)" in p["wat"]
        assert "gemiddeld" not in p["wat"]
    summary = (zaanstad / "wat-vertellen-bewoners-wormerveer-noord.html").read_text("utf-8")
    assert "Wormerveer Noord" in summary and 'id="oefendata"' in summary

    nb3 = run_notebook(SOLUTIONS / NB3, tmp_path / "nb3.ipynb", PARAMS_3)
    text3 = _clean(nb3)
    assert all("Goed zo!" in t for t in controle_texts(nb3)), controle_texts(nb3)
    assert "Bewaarde keuzes van notebook 1 gevonden: Zaanstad, gebied BU04795130" in text3
    assert "Het bewaarde werk van notebook 2 is geladen." in text3
    assert "Sessie 1 (Tellen), jouw reflectie:" in text3
    rings = _cell_text(nb3, "mijn_buurt = twee_ringen")
    # 2017 has none of the figures of the cijfers ring: honest "geen gegevens", never 100
    assert rings.count("geen gegevens") >= 5 and " 100 " not in rings
    gap_map = _cell_text(nb3, "kaart_wijk = kaart")
    assert "geo_json" in gap_map and "Wormerveer Zuid" in gap_map
    practice_texts = _cell_text(nb3, "if OEFEN[\"antwoorden\"]:")
    assert "geen cijfers (tabel van 2017)" in practice_texts
    assert "ongeveer gemiddeld" not in practice_texts
    baseline = _cell_text(nb3, "nulmeting_3 = ag.nulmeting_cbs")
    assert "geen cijfer (ontbreekt of geheim)" in baseline and "onbekend%" not in baseline
    page = (zaanstad / f"buurtagenda-{FOCUS_CODE.lower()}.html").read_text("utf-8")
    assert "Wormerveer Noord" in page and "Zaanstad" in page
    assert "Minder bewoners voelen zich onveilig in hun eigen buurt." in page
    agenda = ag.load_state(zaanstad / "buurtagenda.json")
    assert agenda.gemeente == "Zaanstad" and agenda.buurten == [FOCUS_CODE]

    # what a person sees, in Chromium: no script errors, every notebook draws its maps
    seen = {}
    for name, nb in (("nb1", nb1), ("nb2", nb2), ("nb3", nb3)):
        seen[name], _, frames, _ = render(nb, tmp_path / f"{name}.html", f"zaanstad_{name}",
                                          "document.querySelectorAll("
                                          "'path.leaflet-interactive').length")
        assert any(paths > 0 for paths in frames), f"{name}: no map was drawn"
        assert "Wormerveer Noord" in seen[name]
    assert "Deze opdracht kan hier niet." in seen["nb1"]


@pytest.mark.notebook
def test_zaanstad_participant_versions_at_buurt_level(zaanstad, monkeypatch, tmp_path):
    monkeypatch.delenv("WIJKLIB_STRICT_CHECKS", raising=False)
    for name, params in ((NB1, PARAMS_1), (NB2, PARAMS_2), (NB3, PARAMS_3)):
        nb = run_notebook(ROOT / "notebooks" / name, tmp_path / name, params)
        text = _clean(nb)
        assert "Wormerveer Noord" in text, name
        assert controle_texts(nb) and all("Nog niet ingevuld" in t or "Nog niet goed" in t
                                          or "Goed zo!" in t for t in controle_texts(nb))
    page = (zaanstad / f"buurtagenda-{FOCUS_CODE.lower()}.html").read_text("utf-8")
    assert "Wormerveer Noord" in page
    agenda = ag.load_state(zaanstad / "buurtagenda.json")
    assert agenda.gemeente == "Zaanstad" and agenda.items == []  # nothing decided yet
