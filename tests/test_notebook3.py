"""Notebook 3 (tellen én vertellen, buurtagenda) runs top to bottom against the loopback servers.

Three runs:

1. from nothing: no saved work of notebook 1 or 2, so the practice data are made (and said
   to be fictional); strict checks; the notebook and the exported agenda open cleanly in
   Chromium;
2. from the state file of run 1 in the export folder (changed a little, to prove it is
   really loaded, and written in the older format, so it must be backed up before it is
   saved again), with the survey read from an own export file (``ENQUETE_BESTAND``);
   and a damaged state file, which stops the notebook with a Dutch message and is kept;
3. the participant version (nothing filled in) with saved results of notebooks 1 and 2 in
   the export folder, and an old agenda file that must be backed up before a new agenda is
   started.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from test_notebooks import controle_texts, outputs, render, run_notebook

import wijklib
from wijklib.agenda import state as ag
from wijklib.agenda.export import SECTIONS
from wijklib.notebook import qgis, resultaten
from wijklib.vertellen import practice, survey

ROOT = Path(__file__).resolve().parents[1]
NAME = "03_tellen_en_vertellen_buurtagenda.ipynb"
NOTEBOOK = ROOT / "notebooks" / "oplossingen" / NAME
PARTICIPANT = ROOT / "notebooks" / NAME
N_CHECKS = 5
FOCUS = "BU03440311"
DEFAULT_ORDER = ["veiligheid", "sociaal", "wonen", "leefomgeving", "voorzieningen"]


def _run(servers, cache, assets, export: Path, out: Path, parameters: dict,
         notebook: Path = NOTEBOOK) -> dict:
    from conftest import point_wijklib_at

    cbs, pdok = servers
    with pytest.MonkeyPatch.context() as mp:
        point_wijklib_at(mp, cbs.url, pdok.url, cache)
        mp.setenv("WIJKLIB_EXPORT", str(export))
        mp.setenv("WIJKLIB_ASSETS", str(assets))
        mp.delenv("WIJKLIB_MIN_GROEP", raising=False)
        if notebook == NOTEBOOK:
            mp.setenv("WIJKLIB_STRICT_CHECKS", "1")  # a wrong answer fails the run
        else:
            mp.delenv("WIJKLIB_STRICT_CHECKS", raising=False)
        return run_notebook(notebook, out, parameters)


def _text(nb: dict) -> str:
    """Everything the notebook printed or showed as text."""
    parts = []
    for cell in nb["cells"]:
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream":
                parts.append("".join(o["text"]))
            elif "data" in o:
                parts.append("".join(o["data"].get("text/plain", "")))
                parts.append("".join(o["data"].get("text/html", "")))
    return "\n".join(parts)


def _cell_output(nb: dict, starts: str) -> str:
    for cell in nb["cells"]:
        if cell["cell_type"] == "code" and "".join(cell["source"]).startswith(starts):
            return "\n".join(
                "".join(o.get("text", "")) + "".join(o.get("data", {}).get("text/plain", ""))
                for o in cell.get("outputs", [])
            )
    raise AssertionError(f"no cell starts with {starts!r}")


def _assert_clean_run(nb: dict, expected: str = "Goed zo!") -> None:
    assert outputs(nb, "error") == []
    assert outputs(nb, "stderr") == [], "warnings reached the participant"
    controle = controle_texts(nb)
    assert len(controle) == N_CHECKS and all(expected in t for t in controle), controle


def _priority_order(nb: dict) -> list[str]:
    table = _cell_output(nb, "prioriteiten = stemknoppen.prioriteiten()")
    rows = [line.split() for line in table.splitlines()[1:] if line.strip()]
    return [row[2] for row in rows]


@pytest.fixture(scope="module")
def first_run(utrecht_cache, cbs_server, pdok_server, map_assets, tmp_path_factory):
    """Run 1: from nothing (no saved work of notebook 1 or 2)."""
    base = tmp_path_factory.mktemp("nb3-run1")
    export = base / "export"
    nb = _run((cbs_server, pdok_server), utrecht_cache, map_assets, export,
              base / "nb3.ipynb", {})
    return nb, export, base


@pytest.mark.notebook
@pytest.mark.browser
def test_notebook_3_from_nothing_makes_a_complete_agenda(first_run):
    nb, export, base = first_run
    _assert_clean_run(nb)
    text = _text(nb)
    assert "Ik vond geen bewaarde keuzes van notebook 1" in text
    assert "OEFENDATA (verzonnen)" in text and "Nieuwe agenda begonnen" in text
    assert "Politie, via CBS (tabel 47018NED)" in text  # veiligheid from police figures
    assert "aangifte" in text  # with the caveat of registrations
    assert "hoe kan dat?" in text  # flagged disagreements became questions
    assert _priority_order(nb) == DEFAULT_ORDER

    state = export / "buurtagenda.json"
    agenda = ag.load_state(state)
    assert [p.thema for p in agenda.priorities] == DEFAULT_ORDER
    assert [item.id for item in agenda.items] == ["ambitie-1", "ambitie-2", "ambitie-3"]
    assert [p for p in ag.validate(agenda) if not p.startswith("Tip:")] == []
    first, third = agenda.items[0], agenda.items[2]
    assert first.basisjaar and first.doeljaar > first.basisjaar and first.partners
    assert (third.bron, third.basisjaar, third.basiswaarde) == ("cbs", 2023, 8.0)
    kinds = {ev.soort for ev in first.onderbouwing}
    assert {"enquete", "verhaal", "kaartnotitie"} <= kinds
    assert all("oefendata" in ev.bron for ev in first.onderbouwing if ev.soort != "cijfer")
    assert agenda.krachten and agenda.enquete.naam.endswith("(oefendata, verzonnen)")
    assert not list(export.glob("buurtagenda.bak-*"))  # nothing to back up on a first run
    # review fixes: survey year fallback said, 65+ share with n and CBS year, codes stored
    assert "Let op: ik weet niet in welk jaar de enquête was" in text
    share = _cell_output(nb, "in_wijk = vertellen.enquete.age_share(")
    # the practice wijk has 9 participants without an age, so its age table hides them and
    # (to keep them hidden) the 65+ group: the line shows only the CBS side, with its year
    assert "laat ik hier niet zien" in share and "% van de deelnemers" not in share
    assert "Ter vergelijking:" in share and "CBS 20" in share and "nan" not in share.lower()
    assert agenda.buurten == [FOCUS]
    assert agenda.buurtnamen[FOCUS].startswith("Taag- en Rubicondreef")
    for item in agenda.items:  # example targets follow the baseline, in the right direction
        meting = {"indicator": item.indicator, "basiswaarde": item.basiswaarde,
                  "eenheid": item.eenheid}
        assert item.doel == ag.target_from_baseline(meting) is not None
    assert not [p for p in ag.validate(agenda) if "beter dan nu" in p]
    assert "Je gebruikt echte antwoorden" not in text  # practice: planted gaps are listed
    # the conversation: no saved reflections yet; the written one and the own situation
    # are kept in the agenda and exported; the trainer cell without files only says where
    assert "Sessie 1 (Tellen): geen reflectie gevonden." in text
    assert agenda.reflectie.startswith("Cijfers en verhalen samen geven")
    assert "In mijn eigen situatie (Zaanstad, de buurt Poelenburg): ik begin met" in \
        agenda.reflectie
    document = next(export.glob("buurtagenda-*.md")).read_text("utf-8")
    assert "### Reflectie: wat we meenemen" in document and "bewonersraad" in document
    assert "Nog geen agenda's van deelnemers" in text and not (export / "groep").exists()
    assert "Er is geen gedeelde groepsmap" in text  # hand-in only on a hub (WIJKLIB_GROEP)

    html_files = list(export.glob("buurtagenda-*.html"))
    assert len(html_files) == 1 and html_files[0].with_suffix(".md").is_file()
    page = html_files[0].read_text("utf-8")
    assert "Politie, via CBS (tabel 47018NED)" in page  # the veiligheid figures ring's source
    names = set(zipfile.ZipFile(export / "buurtagenda-alles.zip").namelist())
    assert {"buurtagenda.json", html_files[0].name, html_files[0].with_suffix(".md").name} \
        <= names
    check_rendered_nb3(nb, base / "nb3.html", "notebook3_utrecht")
    check_export(html_files[0], "notebook3_buurtagenda")


@pytest.mark.notebook
def test_notebook_3_continues_from_a_saved_state_and_an_own_survey_file(
    first_run, utrecht_cache, cbs_server, pdok_server, map_assets, tmp_path
):
    from conftest import point_wijklib_at

    _, export1, _ = first_run
    saved = ag.load_state(export1 / "buurtagenda.json")
    saved.priorities = ag.dot_vote({"wonen": 6, "sociaal": 3, "sport": 2, "veiligheid": 1})
    saved.items[0].ambitie = "Ambitie uit het bewaarde bestand <b>niet</b> overschrijven"
    # the state in the export folder, written the old way (version 0: the bare agenda)
    export = tmp_path / "export"
    export.mkdir()
    state = export / "buurtagenda.json"
    state.write_text(json.dumps(ag.to_dict(saved), ensure_ascii=False), "utf-8")
    uploaded = state.read_bytes()
    # an own survey file: the same practice answers, exported the way KoBoToolbox does
    with pytest.MonkeyPatch.context() as mp:
        point_wijklib_at(mp, cbs_server.url, pdok_server.url, utrecht_cache)
        buurten = wijklib.kerncijfers("Utrecht")
        answers = practice.practice_responses(buurten, seed=2026)
        own = practice.practice_export(answers, survey.vragenlijst(), "kobo",
                                       tmp_path / "upload" / "enquete.csv", buurten=buurten)

    nb = _run((cbs_server, pdok_server), utrecht_cache, map_assets, export,
              tmp_path / "nb3_state.ipynb",
              {"STATE_BESTAND": str(state), "ENQUETE_BESTAND": str(own), "ENQUETE_JAAR": 2024})
    _assert_clean_run(nb)  # the migration and backup messages are plain text, not warnings
    text = _text(nb)
    assert f"Agenda geladen uit {state}: 4 prioriteiten, 3 ambities" in text
    assert "oudere opbouw (versie 0)" in text
    assert "KoBoToolbox" in text and f"{len(answers)} respondenten" in text
    assert "Ambitie 1 staat al in je bewaarde agenda" in text
    assert "Ambitie 3 staat al in je bewaarde agenda" in text
    assert _priority_order(nb) == ["wonen", "sociaal", "sport", "veiligheid"]  # the file's
    assert "sport is geen thema van de twee ringen" in text  # an unknown theme: no KeyError
    assert "Je gebruikt echte antwoorden, geen oefendata" in text  # no planted gaps listed
    assert "ik weet niet in welk jaar" not in text  # ENQUETE_JAAR was given

    backups = list(export.glob("buurtagenda.bak-*.json"))  # the old file was kept first
    assert len(backups) == 1 and backups[0].read_bytes() == uploaded
    assert f"bewaard als {backups[0].name}" in text
    assert json.loads(state.read_text("utf-8"))["schema_version"] == ag.SCHEMA_VERSION
    agenda = ag.load_state(state)
    assert [p.thema for p in agenda.priorities] == ["wonen", "sociaal", "sport", "veiligheid"]
    assert agenda.items[0].ambitie == saved.items[0].ambitie  # the saved text was kept
    assert agenda.enquete.jaar == 2024
    assert agenda.enquete.naam == "eigen bewonersenquête"
    page = next(export.glob("buurtagenda-*.html")).read_text("utf-8")
    assert "Ambitie uit het bewaarde bestand &lt;b&gt;niet&lt;/b&gt;" in page  # escaped


@pytest.mark.notebook
def test_a_damaged_state_file_stops_with_a_dutch_message_and_is_kept(
    utrecht_cache, cbs_server, pdok_server, map_assets, tmp_path
):
    from papermill.exceptions import PapermillExecutionError

    export = tmp_path / "export"
    export.mkdir()
    state = export / "buurtagenda.json"
    state.write_text('{"schema": "wijklib-buurtagenda",\n "schema_version": 1,\n "agenda": {',
                     "utf-8")
    before = state.read_bytes()
    with pytest.raises(PapermillExecutionError):
        _run((cbs_server, pdok_server), utrecht_cache, map_assets, export,
             tmp_path / "nb3_damaged.ipynb", {"STATE_BESTAND": str(state)})
    nb = json.loads((tmp_path / "nb3_damaged.ipynb").read_text("utf-8"))
    text = _text(nb)
    assert "Dat ging niet goed" in text and "beschadigd" in text and "regel 3" in text
    assert "Er is niets overschreven" in text and "Traceback" not in text
    assert state.read_bytes() == before and sorted(export.iterdir()) == [state]


@pytest.mark.notebook
def test_participant_version_uses_saved_work_of_notebooks_1_and_2(
    utrecht_cache, cbs_server, pdok_server, map_assets, tmp_path
):
    from conftest import point_wijklib_at

    export = tmp_path / "export"
    with pytest.MonkeyPatch.context() as mp:
        point_wijklib_at(mp, cbs_server.url, pdok_server.url, utrecht_cache)
        buurten, kaart = wijklib.kerncijfers("Utrecht"), wijklib.gebieden("Utrecht")
        work = resultaten.practice_vertellen(buurten, kaart, seed=2026, focus=FOCUS)
    extra = pd.DataFrame([{"buurtcode": FOCUS, "soort": "plekken",  # only the saved work has it
                           "naam_of_omschrijving": "Testtuin achter de flat",
                           "kort": "alleen in het bewaarde werk"}])
    work.krachten = pd.concat([work.krachten, extra], ignore_index=True)
    work.extra |= {"enquete_jaar": 2025,  # as notebook 2 saves it: which parts are practice
                   "oefendata_delen": {"antwoorden": True, "kaartnotities": True,
                                       "verhalen": True, "wijkschouw": True, "krachten": False}}
    resultaten.save_tellen("Utrecht", "buurt", FOCUS, ["woz_waarde"],
                           ["Wat maakt deze buurt sterk?"], folder=export,
                           reflectie="Cijfers van sessie 1 zeggen niet waarom.")
    work.reflectie = "Bewoners van sessie 2 zien kansen."
    resultaten.save_vertellen(work, folder=export)
    qgis.save_figures(buurten, kaart, export / qgis.FOLDER)  # as notebook 1 leaves them
    old = export / "buurtagenda.json"
    damaged = '{"schema": "wijklib-buurtagenda", "schema_version": 1, "agenda": {'
    old.write_text(damaged, "utf-8")  # an earlier, damaged agenda: must be kept

    votes = {"wonen": 6, "veiligheid": 0, "sociaal": 4, "voorzieningen": 2, "leefomgeving": 3}
    nb = _run((cbs_server, pdok_server), utrecht_cache, map_assets, export,
              tmp_path / "nb3_saved.ipynb", {"STEMMEN": votes}, notebook=PARTICIPANT)
    _assert_clean_run(nb, expected="Nog niet ingevuld")  # runs without answers, no errors
    text = _text(nb)
    assert "Bewaarde keuzes van notebook 1 gevonden: Utrecht, gebied BU03440311" in text
    assert "Wat maakt deze buurt sterk?" in text
    assert "Het bewaarde werk van notebook 2 is geladen" in text and "OEFENDATA" not in text
    assert "oefendata (verzonnen) in: antwoorden, kaartnotities, verhalen" in text
    assert "Testtuin achter de flat" in text
    assert "Ambitie 2 is nog niet af" in text
    # the earlier reflections are shown; nothing is written for the participant
    assert "Sessie 1 (Tellen), jouw reflectie:\n    Cijfers van sessie 1 zeggen niet waarom." \
        in text and "Bewoners van sessie 2 zien kansen." in text
    assert "Je hebt (nog) geen reflectie geschreven" in text
    backups = list(export.glob("buurtagenda.bak-*.json"))
    assert len(backups) == 1 and backups[0].read_text("utf-8") == damaged
    assert "Er stond al een andere agenda" in text

    # an untouched participant notebook: the examples were shown, nothing was decided
    assert "Ambitie 1: De ambitie 'Minder bewoners voelen zich onveilig" in text
    assert "Ambitie 3: De ambitie 'Minder woningen staan leeg.' (wonen) is een voorbeeld" in text
    agenda = ag.load_state(old)
    assert agenda.items == [] and agenda.samenvatting == "" and agenda.reflectie == ""
    assert [p.thema for p in agenda.priorities][:2] == ["wonen", "sociaal"]
    assert "veiligheid" not in [p.thema for p in agenda.priorities]  # 0 dots
    assert not [v for v in agenda.verhalen if v.bron == "groepsgesprek"]
    page = next(export.glob("buurtagenda-*.html")).read_text("utf-8")
    document = next(export.glob("buurtagenda-*.md")).read_text("utf-8")
    for out in (page, document):
        assert "groepsgesprek" not in out and "onveilig in hun eigen buurt" not in out
        assert "Minder woningen staan leeg" not in out
        assert "Reflectie: wat we meenemen" not in out and "sessie 1 zeggen" not in out
    assert "nog geen ambities" in page and "Nog aan te vullen" in page
    assert "Het thema &#x27;wonen&#x27; (6 stippen, plaats 1) heeft nog geen ambitie" in page
    kracht = next(k for k in agenda.krachten if k.wat == "Testtuin achter de flat")
    assert "oefendata" not in kracht.bron  # the strengths were not practice data
    assert agenda.enquete.jaar == 2025
    assert "ik weet niet in welk jaar" not in text  # notebook 2 saved the year
    assert "(oefendata, verzonnen)" in agenda.enquete.naam
    names = set(zipfile.ZipFile(export / "buurtagenda-alles.zip").namelist())
    assert {"tellen.json", "vertellen/meta.json", "buurtagenda.json",
            "vertellen/kaartnotities.gpkg", "qgis/buurtcijfers.gpkg",
            "qgis/buurtcijfers.geojson"} <= names


# --------------------------------------------------------------------------- browser


def check_rendered_nb3(nb: dict, html_path: Path, name: str) -> None:
    """The executed notebook as HTML in Chromium: no errors, checks, charts, map, agenda."""
    text, images, frames, _ = render(
        nb, html_path, name,
        "[document.querySelectorAll('path.leaflet-interactive').length,"
        " document.querySelectorAll('section#ambities article.item').length]"
    )
    assert text.count("Goed zo!") >= N_CHECKS
    assert images >= 3  # dumbbell of the buurt, dumbbell of the wijk, quadrant
    assert any(leaflet > 0 for leaflet, _ in frames), "the gap map was not drawn"
    assert any(items == 3 for _, items in frames), "the agenda preview is missing"
    assert "geen gegevens" in text  # missing rings are shown as missing
    assert "Download de buurtagenda (HTML" in text and "Download alles (zip)" in text


def check_export(path: Path, name: str) -> None:
    """The exported agenda: every section, no JavaScript errors, a screenshot and a PDF."""
    from browser import ARTIFACTS_DIR, browse

    ids = [key for key, _ in SECTIONS]
    with browse(path) as session:
        present = session.evaluate(
            "ids => ids.filter(id => document.getElementById(id) !== null)", ids
        )
        text = session.evaluate("document.body.innerText")
        session.screenshot(ARTIFACTS_DIR / f"{name}.png")
        session.page.emulate_media(media="print")
        pdf = ARTIFACTS_DIR / f"{name}.pdf"
        session.page.pdf(path=str(pdf), format="A4", print_background=True)
        report = session.report
    report.assert_clean()
    assert present == ids
    assert "oefendata, verzonnen" in text and "Nog aan te vullen" not in text
    assert pdf.read_bytes().startswith(b"%PDF")
    shutil.copy(path, ARTIFACTS_DIR / f"{name}.html")


@pytest.mark.notebook
def test_notebook_3_for_a_buurt_whose_survey_results_are_hidden(
    utrecht_cache, cbs_server, pdok_server, map_assets, tmp_path
):
    """Poldergebied Overvecht has too few practice respondents: nothing may break or leak."""
    nb = _run((cbs_server, pdok_server), utrecht_cache, map_assets, tmp_path / "export",
              tmp_path / "nb3_verborgen.ipynb", {"BUURT": "Poldergebied Overvecht"})
    _assert_clean_run(nb)
    assert "bij geen enkel thema zijn er allebei de ringen" in _text(nb)
    agenda = ag.load_state(tmp_path / "export" / "buurtagenda.json")
    assert agenda.buurten == ["BU03440343"] and len(agenda.items) == 3
    survey_based = [item for item in agenda.items if item.bron == "enquete"]
    assert survey_based
    for item in survey_based:  # the hidden buurt's own score is never the baseline:
        evidence = [ev.tekst for ev in item.onderbouwing if ev.soort == "enquete"]
        assert evidence and all("Hele gebied" in text for text in evidence), evidence


@pytest.mark.notebook
def test_small_groups_placed_to_invite_subtraction_stay_hidden(
    utrecht_cache, cbs_server, pdok_server, map_assets, tmp_path
):
    """An own survey with a buurt of 3 next to one of 12 in the focus wijk: the
    participation table, the 65-plus line and the agenda together give no count away."""
    from conftest import point_wijklib_at

    with pytest.MonkeyPatch.context() as mp:
        point_wijklib_at(mp, cbs_server.url, pdok_server.url, utrecht_cache)
        buurten = wijklib.kerncijfers("Utrecht")
        answers = practice.practice_responses(buurten, seed=2026)
        wijk = str(buurten.set_index("code").loc[FOCUS, "wijkcode"])
        members = sorted(buurten.loc[buurten["wijkcode"] == wijk, "code"])
        small, near = [c for c in members if c != FOCUS][:2]
        names = dict(zip(buurten["code"], buurten["naam"], strict=True))
        outside = answers.index[~answers["buurtcode"].isin(members)]
        for code, n in ((small, 3), (near, 12)):
            rows = list(answers.index[answers["buurtcode"] == code])
            spare = [i for i in outside if i not in rows][: max(0, n - len(rows))]
            keep, drop = (rows + spare)[:n], rows[n:]
            answers.loc[keep, ["buurtcode", "buurtnaam"]] = [code, names[code]]
            answers = answers.drop(index=drop)
            outside = outside.difference(keep).difference(drop)
        own = practice.practice_export(answers, survey.vragenlijst(), "kobo",
                                       tmp_path / "upload" / "enquete.csv", buurten=buurten)
    counts = answers["buurtcode"].value_counts()
    assert counts[small] == 3 and counts[near] == 12

    nb = _run((cbs_server, pdok_server), utrecht_cache, map_assets, tmp_path / "export",
              tmp_path / "nb3_klein.ipynb", {"ENQUETE_BESTAND": str(own),
                                              "ENQUETE_JAAR": 2024})
    _assert_clean_run(nb)
    cell = next(c for c in nb["cells"] if c["cell_type"] == "code"
                and "".join(c["source"]).startswith("MINIMUM ="))
    page = "".join("".join(o.get("data", {}).get("text/html", "")) for o in cell["outputs"])
    shown = {}
    for row in re.findall(r"<tr>(.*?)</tr>", page, flags=re.S):
        cells = [html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
                 for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, flags=re.S)]
        code = next((c for c in members if names[c] in cells), None)
        if code is not None and cells[-2].isdigit():  # the Respondenten column
            shown[code] = int(cells[-2])
    assert len(shown) >= 1, page[:500]
    assert small not in shown
    assert all(n >= 10 for n in shown.values())
    share = _cell_output(nb, "in_wijk =")
    hidden_in_wijk = [c for c in members if c not in shown and counts.get(c, 0) > 0]
    match = re.search(r"n = (\d+)(?:; (\d+) zonder antwoord)?", share)
    if match:  # the line prints the wijk's total: the hidden buurten must stay together
        total = int(match.group(1)) + int(match.group(2) or 0)
        assert total - sum(shown.values()) == sum(counts[c] for c in hidden_in_wijk)
        assert len(hidden_in_wijk) >= 2 and sum(counts[c] for c in hidden_in_wijk) >= 10
    assert "maar 3" not in _text(nb)


@pytest.mark.notebook
def test_resident_texts_with_template_syntax_stay_text_in_notebook_3(
    utrecht_cache, cbs_server, pdok_server, map_assets, tmp_path
):
    """Notes, stories and strengths of notebook 2 that hold template syntax reach notebook 3's
    gap map, evidence and exported agenda as text: nothing is evaluated, nothing breaks."""
    from conftest import point_wijklib_at
    from test_rendering import ATTACKS, EVALUATED

    export = tmp_path / "export"
    target = tmp_path / "pwned"
    shell = "{{ cycler.__init__.__globals__.os.popen('touch " + str(target) + "').read() }}"
    texts = [*ATTACKS, shell]
    with pytest.MonkeyPatch.context() as mp:
        point_wijklib_at(mp, cbs_server.url, pdok_server.url, utrecht_cache)
        buurten, kaart = wijklib.kerncijfers("Utrecht"), wijklib.gebieden("Utrecht")
        work = resultaten.practice_vertellen(buurten, kaart, seed=2026, focus=FOCUS)
    notes = work.kaartnotities
    mine = notes.index[notes["buurtcode"] == FOCUS][: len(texts)]
    assert len(mine) >= 3
    notes.loc[mine, "tekst"] = texts[: len(mine)]
    notes.loc[mine, "categorie"] = "onveilige plek"  # so they become evidence too
    stories = work.verhalen
    stories.loc[stories.index[: len(texts)], "verhaal"] = [
        f"{t} — een verhaal" for t in texts[: min(len(texts), len(stories))]]
    assets = work.krachten
    assets.loc[assets.index[assets["buurtcode"] == FOCUS][:2], "naam_of_omschrijving"] = (
        texts[:2])
    work.extra |= {"enquete_jaar": 2025}
    resultaten.save_vertellen(work, folder=export)

    nb = _run((cbs_server, pdok_server), utrecht_cache, map_assets, export,
              tmp_path / "nb3_sjabloon.ipynb", {})
    _assert_clean_run(nb)
    assert not target.exists(), "a resident text ran a shell command in the kernel"
    shown = json.dumps([c.get("outputs", []) for c in nb["cells"]], ensure_ascii=False)
    assert EVALUATED not in shown
    page = next(export.glob("buurtagenda-*.html")).read_text("utf-8")
    document = next(export.glob("buurtagenda-*.md")).read_text("utf-8")
    assert EVALUATED not in page and EVALUATED not in document
    agenda = ag.load_state(export / "buurtagenda.json")
    evidence = [ev.tekst for ev in agenda.items[0].onderbouwing if ev.soort == "kaartnotitie"]
    assert any("{{" in text or "{%" in text or "{#" in text for text in evidence), evidence
    assert "&#123;&#123;" in page  # the braces are in the page, as text


@pytest.mark.notebook
def test_an_own_questionnaire_of_notebook_2_is_used_in_notebook_3(
    utrecht_cache, cbs_server, pdok_server, map_assets, tmp_path
):
    """Notebook 2 with an own questionnaire file; notebook 3 then reads the answers with
    those questions (a copy saved with the results), not with the workbook's own."""
    import uuid

    export = tmp_path / "export"
    name = f"test-vragenlijst-{uuid.uuid4().hex[:10]}.csv"
    path = ROOT / "data" / name
    text = survey.default_path().read_text("utf-8")
    assert "In welke buurt woont u?" in text
    path.write_text(text.replace("In welke buurt woont u?", "In welke buurt woon je?"), "utf-8")
    try:
        nb2 = _run((cbs_server, pdok_server), utrecht_cache, map_assets, export,
                   tmp_path / "nb2_vragen.ipynb", {"VRAGENLIJST_BESTAND": name},
                   notebook=ROOT / "notebooks" / "oplossingen"
                   / "02_vertellen_bewonersperspectief.ipynb")
    finally:
        path.unlink(missing_ok=True)
    assert outputs(nb2, "error") == []
    saved = resultaten.load_vertellen(export)
    assert saved.vragenlijst is not None
    assert survey.vragenlijst(saved.vragenlijst).question("buurt").tekst == (
        "In welke buurt woon je?")
    nb = _run((cbs_server, pdok_server), utrecht_cache, map_assets, export,
              tmp_path / "nb3_vragen.ipynb", {})
    _assert_clean_run(nb)
    assert "Ik gebruik de eigen vragenlijst uit notebook 2." in _text(nb)


@pytest.mark.notebook
def test_notebook_3_for_zaanstad_says_why_there_is_no_police_rate(services_2017, map_assets,
                                                                  shared_dir, tmp_path):
    # the 2017 world: Zaanstad's buurten come from 2017; the police table has Zaanstad's
    # buurten for 2023, but no KWB table here has Zaanstad's inhabitants of 2023
    nb = _run(services_2017, tmp_path / "cache", map_assets, tmp_path / "export",
              tmp_path / "nb3_zaanstad.ipynb",
              {"GEMEENTE": "Zaanstad", "WIJK": None, "BUURT": "Poelenburg"})
    _assert_clean_run(nb)
    police = _cell_output(nb, "if ringen.POLICE_INDICATOR in buurten_ringen")
    assert "geen cijfer per 1 000 inwoners" in police
    assert "inwoners van een ander jaar" in police
    assert "geregistreerde misdrijven in 2023" in police
    assert "aangifte" in police and "politie-inzet" in police
    assert "per 1 000 inwoners (2023)" not in police  # no rate at all
    # the count of the police table for the buurt, read from the fixture itself
    rows = json.loads((shared_dir / "fixtures" / "cbs-dataderden" / "47018NED"
                       / "TypedDataSet.json").read_text("utf-8"))["value"]
    counts = {r["WijkenEnBuurten"].strip(): r["GeregistreerdeMisdrijven_1"] for r in rows
              if r["SoortMisdrijf"].strip() == "0.0.0" and r["Perioden"] == "2023JJ00"}
    code = re.search(r"De agenda gaat over: Poelenburg \((BU\d+)\)",
                     _cell_output(nb, "gemeente = wijklib.kerncijfers")).group(1)
    assert re.search(rf"Poelenburg\s+{counts[code]}\b", police), police
    ring = _cell_output(nb, "mijn_buurt = twee_ringen")
    assert "veiligheid" in ring


@pytest.mark.notebook
def test_solution_with_an_own_survey_where_no_buurt_gets_a_positive_flag(
    utrecht_cache, cbs_server, pdok_server, map_assets, tmp_path
):
    """Every respondent gives the least favourable answer: residents are nowhere more
    positive than the figures. The solution of exercise 2 then answers "geen" (it stopped
    with an IndexError before) and the check says so in Dutch."""
    from conftest import point_wijklib_at

    q = survey.vragenlijst()
    with pytest.MonkeyPatch.context() as mp:
        point_wijklib_at(mp, cbs_server.url, pdok_server.url, utrecht_cache)
        buurten = wijklib.kerncijfers("Utrecht")
        answers = practice.practice_responses(buurten[buurten["wijkcode"] == "WK034403"],
                                              seed=11)
        for scale in q.scales:
            worst = 1.0 if scale.hoger_is == "ongunstig" else 0.0  # position on the scale
            for item in scale.items:
                question = q.question(item)
                raw = question.min + worst * (question.max - question.min)
                answers[item] = question.min + question.max - raw if question.omgekeerd \
                    else raw
        own = practice.practice_export(answers, q, "kobo", tmp_path / "upload" / "enquete.csv",
                                       buurten=buurten)
    nb = _run((cbs_server, pdok_server), utrecht_cache, map_assets, tmp_path / "export",
              tmp_path / "nb3_negatief.ipynb", {"ENQUETE_BESTAND": str(own),
                                                "ENQUETE_JAAR": 2024})
    _assert_clean_run(nb)
    assert "Klopt: nergens zijn bewoners met een vlag positiever dan de cijfers." in \
        _cell_output(nb, "checks_agenda.check_flagged_buurt")
    assert "Je gebruikt echte antwoorden, geen oefendata" in _text(nb)
    assert ag.load_state(tmp_path / "export" / "buurtagenda.json").enquete.jaar == 2024


@pytest.mark.notebook
def test_participant_versions_with_an_own_survey_and_questionnaire(
    utrecht_cache, cbs_server, pdok_server, map_assets, tmp_path
):
    """The participant notebooks 2 and 3 (nothing filled in) with an own questionnaire file
    and survey answers given with those questions: both run to the end, notebook 3 uses
    the questionnaire of notebook 2 and says that the answers are no practice data."""
    import uuid

    from conftest import point_wijklib_at

    export = tmp_path / "export"
    tag = uuid.uuid4().hex[:10]
    questions = ROOT / "data" / f"test-vragenlijst-{tag}.csv"
    answers = ROOT / "data" / f"test-enquete-{tag}.csv"
    text = survey.default_path().read_text("utf-8")
    questions.write_text(text.replace("In welke buurt woont u?", "In welke buurt woon je?"),
                         "utf-8")
    try:
        own = survey.vragenlijst(questions)
        with pytest.MonkeyPatch.context() as mp:
            point_wijklib_at(mp, cbs_server.url, pdok_server.url, utrecht_cache)
            buurten = wijklib.kerncijfers("Utrecht")
            data = practice.practice_responses(buurten[buurten["wijkcode"] == "WK034403"],
                                               seed=5, questionnaire=own)
            practice.practice_export(data, own, "kobo", answers, buurten=buurten)
        nb2 = _run((cbs_server, pdok_server), utrecht_cache, map_assets, export,
                   tmp_path / "nb2_deelnemer.ipynb",
                   {"VRAGENLIJST_BESTAND": questions.name, "ENQUETE_BESTAND": answers.name,
                    "ENQUETE_JAAR": 2025},
                   notebook=ROOT / "notebooks" / "02_vertellen_bewonersperspectief.ipynb")
    finally:
        questions.unlink(missing_ok=True)
        answers.unlink(missing_ok=True)
    assert outputs(nb2, "error") == [] and outputs(nb2, "stderr") == []
    assert all("Nog niet ingevuld" in t for t in controle_texts(nb2)), controle_texts(nb2)
    assert f"Ingelezen uit KoBoToolbox: {len(data)} respondenten" in _text(nb2)
    nb3 = _run((cbs_server, pdok_server), utrecht_cache, map_assets, export,
               tmp_path / "nb3_deelnemer.ipynb", {}, notebook=PARTICIPANT)
    _assert_clean_run(nb3, expected="Nog niet ingevuld")
    text3 = _text(nb3)
    assert "Ik gebruik de eigen vragenlijst uit notebook 2." in text3
    assert "Je gebruikt echte antwoorden, geen oefendata" in text3
    agenda = ag.load_state(export / "buurtagenda.json")
    assert agenda.enquete.jaar == 2025 and agenda.items == []  # nothing decided, nothing in
