"""Notebook 2 (Vertellen) runs top to bottom: with practice data, and with an own survey file."""

from __future__ import annotations

import io
import json
import re
import uuid
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from test_notebooks import SOLUTIONS, controle_texts, outputs, render, run_notebook

SOLUTION = SOLUTIONS / "02_vertellen_bewonersperspectief.ipynb"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def nb_env(warm, notebook_export):
    """Loopback servers, offline map assets and an export folder of this test only."""
    return notebook_export


def stdout(nb: dict) -> str:
    return "".join("".join(o["text"]) for o in outputs(nb, "stdout"))


def check_rendered(nb: dict, html_path: Path, name: str) -> None:
    """What a person sees: the executed notebook as HTML in Chromium (maps, previews, links)."""
    text, images, frames, _ = render(
        nb, html_path, name,
        "[document.querySelectorAll('.wijklib-note, path.leaflet-interactive').length,"
        " document.querySelectorAll('.leaflet-draw').length,"
        " document.querySelectorAll('section#themas blockquote').length,"
        " document.querySelectorAll('#oefendata').length]"
    )
    assert text.count("Goed zo!") >= 6
    assert images >= 1  # the chart of the scale scores
    assert any(notes > 0 for notes, *_ in frames), "the notes were not drawn on the map"
    assert any(draw > 0 for _, draw, *_ in frames), "the drawing tool is missing"
    assert any(quotes >= 2 for *_, quotes, _ in frames), "the summary preview shows no quotes"
    assert any(label > 0 for *_, label in frames), "the summary does not say oefendata"
    for label in ("Download het formulier voor KoBoToolbox", "Download de samenvatting van je "
                  "buurt", "Download al je werk van dit notebook"):
        assert label in text


@pytest.mark.notebook
@pytest.mark.browser
def test_notebook_2_solution_with_practice_data(nb_env, monkeypatch, tmp_path):
    from wijklib.notebook import resultaten

    monkeypatch.setenv("WIJKLIB_STRICT_CHECKS", "1")  # a wrong answer fails the run
    nb = run_notebook(SOLUTION, tmp_path / "nb2.ipynb", {})
    assert outputs(nb, "error") == []
    assert outputs(nb, "stderr") == [], "warnings reached the participant"
    texts = controle_texts(nb)
    assert len(texts) == 6 and all("Goed zo!" in t for t in texts), texts
    printed = stdout(nb)
    assert "Focusbuurt: Taag- en Rubicondreef en omgeving (BU03440311)" in printed
    assert "Het formulier klopt volgens de regels van XLSForm." in printed
    assert "Verzonnen oefendata (wijklib)" in printed
    assert "Ingelezen uit KoBoToolbox" in printed and "Er zijn geen problemen gevonden" in printed
    assert "Er zijn 4 problemen gevonden in 4 rijen" in printed  # the planted mistakes
    assert "Overgeslagen: 1 rijen" in printed  # the one that could not be fixed
    # handed on to notebook 3
    saved = resultaten.load_vertellen(nb_env)
    assert saved is not None and saved.oefendata and saved.gemeente == "Utrecht"
    assert saved.extra["focus"] == "BU03440311" and saved.extra["afwijkingen"]
    assert saved.extra["enquete_jaar"] == pd.Timestamp.today().year  # practice: this year
    assert f"Jaar van de enquête: {pd.Timestamp.today().year} (oefendata" in printed
    # only aggregates travel: respondents per buurt, of the wijk's buurten only
    assert saved.antwoorden.empty
    table = saved.enquete.deelname
    answered = set(table.loc[table["Respondenten"].str.fullmatch(r"\d+"), "buurtcode"])
    assert answered and answered <= {f"BU034403{n}" for n in
                                     ("11", "12", "21", "22", "31", "32", "33",
                                      "41", "42", "43")}
    assert "Moestuinclub achter de flats" in set(saved.krachten["naam_of_omschrijving"])
    assert saved.reflectie.startswith("Bewoners noemen kansen")  # the written reflection
    assert "Bedreigingen (knelpunten, onveilige plekken)" in json.dumps(nb)  # side by side
    decided = saved.verhalen.drop_duplicates("verhaal_nr")["besluit"]
    assert (decided != "nog niet bekeken").all()
    page = (nb_env / "wat-vertellen-bewoners-taag-en-rubicondreef-en-omgeving.html").read_text(
        "utf-8")
    assert 'id="oefendata"' in page and "Wat vertellen bewoners?" in page
    with zipfile.ZipFile(nb_env / "vertellen.zip") as archive:
        names = set(archive.namelist())
    assert {"vertellen/meta.json", "bewonersenquete.xlsx", "bewonersenquete_papier.html",
            "wat-vertellen-bewoners-taag-en-rubicondreef-en-omgeving.html",
            "vertellen/kaartnotities.gpkg", "vertellen/kaartnotities.geojson"} <= names
    from test_office_outputs import DOT_DECIMAL, cells

    with zipfile.ZipFile(nb_env / "vertellen.zip") as archive:  # every CSV: Dutch Excel
        for member in (n for n in names if n.endswith(".csv")):
            for row in cells(archive.read(member))[1:]:
                assert not [c for c in row if DOT_DECIMAL.fullmatch(c)], (member, row)
    check_rendered(nb, tmp_path / "nb2.html", "notebook2_utrecht")


@pytest.mark.notebook
def test_notebook_2_with_own_survey_file_in_data(nb_env, tmp_path):
    """A participant puts an MS Forms export in data/ and types only its name."""
    import wijklib
    from wijklib.notebook import resultaten
    from wijklib.vertellen import practice, responses, survey

    buurten = wijklib.kerncijfers("Utrecht", niveau="buurt")
    # mostly Overvecht, some answers from the neighbouring wijk Noordoost
    own = buurten[buurten["wijkcode"].isin(["WK034403", "WK034404"])]
    data = practice.practice_responses(own, seed=7)
    outside = int((~data["buurtcode"].str.startswith("BU034403")).sum())
    name = f"test-eigen-enquete-{uuid.uuid4().hex[:10]}.csv"
    path = ROOT / "data" / name
    try:
        practice.practice_export(data, survey.vragenlijst(), "msforms", path, buurten=buurten)
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        grade = next(c for c in table.columns if c.startswith("Welk rapportcijfer"))
        table.loc[2, grade] = "12"  # one mistake: skipped and reported, not silently
        table.to_csv(path, index=False, encoding="utf-8-sig")
        csv_text = path.read_text("utf-8-sig")
        nb = run_notebook(SOLUTION, tmp_path / "nb2_eigen.ipynb", {"ENQUETE_BESTAND": name})
    finally:
        path.unlink(missing_ok=True)
    assert not path.exists()
    assert outputs(nb, "error") == []
    assert outputs(nb, "stderr") == []
    printed = stdout(nb)
    assert f"Ingelezen uit Microsoft Forms: {len(data) - 1} respondenten" in printed
    assert "Niet overgenomen omdat er persoonsgegevens in kunnen staan" in printed  # Email, Name
    assert "Overgeslagen: 1 rijen" in printed
    skipped_inside = str(data.iloc[2]["buurtcode"]).startswith("BU034403")
    inside = len(data) - outside - int(skipped_inside)
    outside -= int(not skipped_inside)
    assert f"{inside} respondenten wonen in Wijk 03 Overvecht." in printed
    assert f"Let op: {outside} respondenten wonen buiten Wijk 03 Overvecht." in printed
    import_cell = next(c for c in nb["cells"]
                       if "".join(c["source"]).startswith("afwijkingen = []"))
    assert "Verzonnen oefendata" not in json.dumps(import_cell["outputs"])
    report = "".join("".join(o["data"].get("text/plain", "")) for o in import_cell["outputs"]
                     if "data" in o)
    assert "waarde buiten het bereik" in report
    saved = resultaten.load_vertellen(nb_env)
    assert saved.extra["oefendata_delen"]["antwoorden"] is False
    year = responses.survey_year(io.StringIO(csv_text))
    if year is None:  # the export has no submission dates: the participant is asked
        assert "Vul bovenaan bij ENQUETE_JAAR het jaar van je enquête in" in printed
        assert saved.extra["enquete_jaar"] is None
    else:
        assert saved.extra["enquete_jaar"] == year
        assert f"Jaar van de enquête: {year} (uit de datums in je bestand)" in printed
    assert saved.extra["oefendata_delen"]["verhalen"] is True
    assert saved.antwoorden.empty and saved.enquete.total() == inside
    page = (nb_env / "wat-vertellen-bewoners-taag-en-rubicondreef-en-omgeving.html").read_text(
        "utf-8")
    assert "ingelezen uit Microsoft Forms." in page  # the survey is not labelled oefendata
    assert "de kaartnotities" in page.split('id="oefendata">')[1].split("</p>")[0]


@pytest.mark.notebook
def test_notebook_2_participant_version_runs_without_answers(nb_env, tmp_path):
    """A participant who runs everything before filling in an exercise still gets to the end."""
    from wijklib.notebook import resultaten

    nb = run_notebook(ROOT / "notebooks" / SOLUTION.name, tmp_path / "nb2_deelnemer.ipynb", {})
    assert outputs(nb, "error") == []
    assert outputs(nb, "stderr") == []
    texts = controle_texts(nb)
    assert len(texts) == 6 and all("Nog niet ingevuld" in t for t in texts), texts
    saved = resultaten.load_vertellen(nb_env)
    assert saved is not None and len(saved.krachten) > 0  # without the added strength
    assert "Moestuinclub achter de flats" not in set(saved.krachten["naam_of_omschrijving"])
    assert saved.reflectie == ""  # nothing written for the participant
    assert "Je hebt (nog) geen reflectie geschreven" in stdout(nb)


@pytest.mark.notebook
@pytest.mark.browser
def test_notebook_2_with_map_notes_holding_template_syntax(nb_env, tmp_path):
    """Resident text with Jinja syntax in an own map-notes file: shown as text, never run."""
    from test_rendering import ATTACKS, EVALUATED


    target = tmp_path / "pwned"
    shell = "{{ cycler.__init__.__globals__.os.popen('touch " + str(target) + "').read() }}"
    texts = [*ATTACKS, shell]
    features = [
        {"type": "Feature",
         "geometry": {"type": "Point", "coordinates": [5.11905 + i * 2e-4, 52.11122]},
         "properties": {"categorie": "kans", "tekst": text, "bron": "{{ 'GE' ~ 'HACKT' }}"}}
        for i, text in enumerate(texts)
    ]
    name = f"test-notities-{uuid.uuid4().hex[:10]}.geojson"
    path = ROOT / "data" / name
    try:
        path.write_text(json.dumps({"type": "FeatureCollection", "features": features}),
                        encoding="utf-8")
        nb = run_notebook(SOLUTION, tmp_path / "nb2_notities.ipynb",
                          {"KAARTNOTITIES_BESTAND": name})
    finally:
        path.unlink(missing_ok=True)
    assert outputs(nb, "error") == []
    assert not target.exists(), "a map note ran a shell command in the kernel"
    shown = json.dumps([c.get("outputs", []) for c in nb["cells"]], ensure_ascii=False)
    assert EVALUATED not in shown
    # what a person sees: the map drawn in the browser, each note's popup text as written
    popups = (
        "(() => { if (!window.L) return [];"
        " const map = Object.keys(window).map(k => window[k]).find(v => v instanceof L.Map);"
        " if (!map) return []; const out = [];"
        " map.eachLayer(l => { if (l.feature && l.feature.properties.popup) {"
        "   const d = document.createElement('div'); d.innerHTML = l.feature.properties.popup;"
        "   out.push(d.innerText); } });"
        " return out; })()"
    )
    rendered, _images, frames, _ = render(nb, tmp_path / "nb2_notities.html",
                                          "notebook2_notities", popups)
    shown_texts = "\n".join(t for frame in frames if frame for t in frame)
    for text in texts:
        assert text in shown_texts, text
    assert EVALUATED not in rendered and EVALUATED not in shown_texts


@pytest.mark.notebook
def test_notebook_2_reads_map_notes_from_a_google_my_maps_kmz(nb_env, tmp_path):
    """A KMZ exported from Google My Maps works through KAARTNOTITIES_BESTAND as it is."""
    from test_kml import MY_MAPS_KML, TEMPLATE_NAME

    from wijklib.notebook import resultaten

    # the My Maps example moved into the focus buurt (Taag- en Rubicondreef, Overvecht)
    text = re.sub(r"(5\.\d+),(52\.\d+)",
                  lambda m: f"{float(m[1]) + 0.009:.4f},{float(m[2]) - 0.009:.4f}", MY_MAPS_KML)
    name = f"test-mymaps-{uuid.uuid4().hex[:10]}.kmz"
    path = ROOT / "data" / name
    try:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("doc.kml", text)
        nb = run_notebook(SOLUTION, tmp_path / "nb2_kmz.ipynb", {"KAARTNOTITIES_BESTAND": name})
    finally:
        path.unlink(missing_ok=True)
    assert outputs(nb, "error") == []
    printed = stdout(nb)
    assert "3 notities overgenomen; 3 objecten niet overgenomen" in printed
    saved = resultaten.load_vertellen(nb_env)
    assert TEMPLATE_NAME in set(saved.kaartnotities["tekst"])  # literal, never run
    assert {"knelpunt", "idee"} <= set(saved.kaartnotities["categorie"])
