"""Residents' text is only text: template syntax in every text that reaches a map or page.

folium and branca render maps through Jinja2 (scripts twice), so a note such as
``{{ 7*7 }}`` used to be evaluated in the kernel, an expression could run a shell command,
and ordinary text such as ``50{% korting`` broke the whole map. Each test here puts
template expressions, statements and comments in one path by which text reaches a map or
a document, and checks: nothing is evaluated (no file is created by a shell command, no
computed sentinel appears), the page renders, and the text is there literally.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box

import wijklib
from wijklib.agenda import ringen
from wijklib.guarantees.rendering import escape, escape_markdown, raw_html_element
from wijklib.tellen import maps
from wijklib.vertellen import kaartnotities as kn

#: A sentinel that only appears when an expression is evaluated ("GE" ~ "HACKT").
EVALUATED = "GEHACKT"
#: Text that a careless or hostile resident might type, each a different part of Jinja2.
ATTACKS = (
    "{{ 'GE' ~ 'HACKT' }}",  # expression
    "{% for x in [1] %}GE{{ 'HACKT' }}{% endfor %}",  # statement
    "{# een opmerking #} blijft staan",  # comment
    "50{% korting",  # unclosed statement (used to raise TemplateSyntaxError)
    "{# :-)",  # unclosed comment
    "{{ }}",  # empty expression
    "}} en {%- raw %}",  # stray closers and whitespace control
)


def shell_attack(target: Path) -> str:
    """An expression that would create ``target`` through a shell if evaluated.

    The path is relative (tests chdir into ``tmp_path``), so the text stays short enough
    for every field.
    """
    return "{{ cycler.__init__.__globals__.os.popen('touch " + target.name + "').read() }}"


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def assert_literal_and_inert(page: str, texts: list[str], target: Path) -> None:
    """Nothing evaluated, and each text there as escaped (hence literal) text."""
    assert not target.exists(), "a template expression in resident text ran a shell command"
    assert EVALUATED not in page
    for text in texts:
        # in a map the text sits inside JSON (`<`, `&` as \\u escapes); decode both layers
        assert str(escape(text)) in page.replace("\\u0026", "&").replace("\\u003c", "<") \
            .replace("\\u003e", ">"), text


@pytest.fixture
def utrecht(warm) -> gpd.GeoDataFrame:
    return wijklib.gebieden("Utrecht")


# ------------------------------------------------------------------------- the owner


@pytest.mark.parametrize("text", ATTACKS)
def test_escape_leaves_no_brace_and_shows_the_text(text):
    escaped = str(escape(text))
    assert "{" not in escaped and "}" not in escaped
    assert html.unescape(escaped) == text


def test_escape_html_and_missing_values():
    assert str(escape('<a href="x">\'</a>')) == "&lt;a href=&quot;x&quot;&gt;&#x27;&lt;/a&gt;"
    assert str(escape(None)) == "" and str(escape(float("nan"))) == ""
    assert str(escape("a\"b", quote=False)) == "a\"b"
    # a Markup value keeps its tags but still loses its braces
    assert str(escape(escape("<b>{x}</b>"))) == "&lt;b&gt;&#123;x&#125;&lt;/b&gt;"


def test_escape_markdown_neutralises_html_markdown_and_braces():
    assert escape_markdown("<b>*vet* {{ x }}</b>") == "&lt;b&gt;\\*vet\\* \\{\\{ x \\}\\}&lt;/b&gt;"
    assert escape_markdown("- punt\n1. twee", inline=False) == "\\- punt\n1\\. twee"
    assert escape_markdown("regel\nnog een") == "regel nog een"
    assert escape_markdown(None) == ""


def test_raw_html_element_is_never_parsed_as_a_template():
    import folium

    m = folium.Map(tiles=None)
    m.get_root().html.add_child(raw_html_element("<div class='x'>{{ 'GE' ~ 'HACKT' }} {%</div>"))
    page = m.get_root().render()
    assert "<div class='x'>{{ 'GE' ~ 'HACKT' }} {%</div>" in page and EVALUATED not in page


# ------------------------------------------------------------------------- maps


def test_notes_map_text_and_source_with_template_syntax(utrecht, tmp_path):
    target = tmp_path / "pwned"
    texts = [*ATTACKS, shell_attack(target)]
    notes = kn.new_notes()
    for i, text in enumerate(texts):
        notes = kn.add_note(notes, "idee", text, lat=52.0838 + i * 1e-4, lon=5.0915,
                            bron=f"avond {text}")
    notes = kn.assign_buurt(notes, utrecht)
    page = kn.notes_map(notes, utrecht, tiles=None).get_root().render()
    assert_literal_and_inert(page, texts + [f"avond {t}" for t in texts], target)


def test_notes_from_a_geojson_file_and_umap_with_template_syntax(utrecht, tmp_path):
    target = tmp_path / "pwned"
    text = shell_attack(target)
    features = [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [5.0915, 52.0838]},
         "properties": {"categorie": "kans", "tekst": t, "bron": "{{ 'GE' ~ 'HACKT' }}"}}
        for t in (text, *ATTACKS)
    ]
    path = tmp_path / "notities.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}),
                    encoding="utf-8")
    notes, _report = kn.import_geojson(path)
    assert notes["tekst"].tolist() == [text, *ATTACKS]  # read as it was written
    renamed = utrecht.copy()
    renamed["naam"] = "{{ 'GE' ~ 'HACKT' }} " + renamed["naam"]  # a buurt name too
    notes = kn.assign_buurt(notes, renamed)
    page = kn.notes_map(notes, renamed, tiles=None).get_root().render()
    assert_literal_and_inert(page, [text, *ATTACKS], target)


def test_choropleth_area_names_with_template_syntax(utrecht, warm, tmp_path):
    target = tmp_path / "pwned"
    figures = wijklib.kerncijfers("Utrecht")
    areas = utrecht.copy()
    names = [*ATTACKS, shell_attack(target)]
    areas.loc[areas.index[: len(names)], "naam"] = names
    page = maps.choropleth(areas, figures, "inwoners", tiles=None).get_root().render()
    assert_literal_and_inert(page, names, target)


def test_gap_map_survey_name_and_buurt_names_with_template_syntax(tmp_path):
    from test_ringen import _example_rings

    target = tmp_path / "pwned"
    rings = _example_rings()
    areas = gpd.GeoDataFrame(
        {"code": ["B1", "B2", "B3"], "naam": [ATTACKS[0], ATTACKS[3], shell_attack(target)]},
        geometry=[box(5.0, 52.0, 5.01, 52.01), box(5.01, 52.0, 5.02, 52.01),
                  box(5.02, 52.0, 5.03, 52.01)],
        crs="EPSG:4326",
    )
    survey = "enquête {% korting {{ 'GE' ~ 'HACKT' }}"
    page = ringen.gap_map(rings, areas, "wonen", tiles=None, enquete=survey,
                          enquete_jaar=2026).get_root().render()
    assert_literal_and_inert(page, [ATTACKS[0], ATTACKS[3], shell_attack(target), survey],
                             target)


@pytest.mark.browser
def test_notes_map_shows_template_syntax_literally_in_chromium(utrecht, map_assets, tmp_path):
    from browser import browse

    from wijklib.notebook.offline import save_map

    target = tmp_path / "pwned"
    text = "50{% korting {{ 'GE' ~ 'HACKT' }} {# :-) " + shell_attack(target)
    notes = kn.add_note(kn.new_notes(), "idee", text, lat=52.0838, lon=5.0915)
    path = save_map(kn.notes_map(kn.assign_buurt(notes, utrecht), utrecht), tmp_path / "n.html",
                    assets=map_assets)
    with browse(path, wait_ms=500) as page:
        shown = page.evaluate("""() => {
          const map = Object.keys(window).map(k => window[k]).find(v => v instanceof L.Map);
          let found = null;
          map.eachLayer(l => { if (l.feature && l.feature.properties.popup) found = l; });
          found.fire('click', {latlng: found.getLatLng()}, true);
          return document.querySelector('.leaflet-popup-content').innerText;
        }""")
        report = page.report
    assert text in shown and EVALUATED not in shown
    assert not target.exists()
    assert report.page_errors == [] and report.console_errors == []


# ------------------------------------------------------------------------- documents


@pytest.mark.parametrize("text", ATTACKS)
def test_buurtagenda_export_shows_template_syntax_literally(text):
    import matplotlib

    matplotlib.use("Agg")
    from test_agenda_export import make_agenda, make_rings

    from wijklib.agenda import export as agenda_export

    agenda = make_agenda(" " + text)
    page = agenda_export.to_html(agenda, make_rings())
    assert EVALUATED not in page
    assert page.count(str(escape(" " + text))) >= 10  # every free text, as text
    markdown = agenda_export.to_markdown(agenda, make_rings())
    assert EVALUATED not in markdown
    assert escape_markdown(text) in markdown


# ------------------------------------------------------------------ document templates


def test_paper_form_from_a_template_shows_template_syntax_literally(tmp_path, monkeypatch):
    import dataclasses

    import pandas as pd

    from wijklib.guarantees.rendering import TemplateError
    from wijklib.vertellen import survey

    monkeypatch.delenv("WIJKLIB_SJABLONEN", raising=False)
    q = survey.vragenlijst()
    first = q.questions[0]
    attack = "{{ 7*7 }} {% for x in range(3) %}x{% endfor %} {# :-) 50{% korting"
    changed = dataclasses.replace(first, tekst=attack)
    q = dataclasses.replace(q, questions=(changed, *q.questions[1:]))
    buurten = pd.DataFrame({"code": ["BU03440111"], "naam": ["Buurt {{ 6*7 }}"]})
    page = survey.printable_html(q, buurten, titel="Titel {{ 1+1 }}", inleiding="{% raw %}")
    assert str(escape(attack)) in page  # as text, braces as character references
    for text in ("Buurt {{ 6*7 }}", "Titel {{ 1+1 }}", "{% raw %}"):
        assert str(escape(text)) in page
    assert "49" not in page and "42" not in page and "xxx" not in page
    # a trainer's own version wins; a mistake in it gives a Dutch message with the line
    own = tmp_path / "sjablonen"
    own.mkdir()
    (own / "vragenformulier.html.j2").write_text("<h1>Eigen: {{ titel }}</h1>", "utf-8")
    monkeypatch.setenv("WIJKLIB_SJABLONEN", str(own))
    assert survey.printable_html(q, buurten, titel="<b>x</b>") == (
        "<h1>Eigen: &lt;b&gt;x&lt;/b&gt;</h1>")
    (own / "vragenformulier.html.j2").write_text("<h1>{{ titel </h1>\n", "utf-8")
    with pytest.raises(TemplateError, match="regel 1"):
        survey.printable_html(q, buurten)
    (own / "vragenformulier.html.j2").write_text("{{ ''.__class__.__mro__ }}", "utf-8")
    with pytest.raises(TemplateError, match="niet mag"):
        survey.printable_html(q, buurten)


def test_the_map_page_scripts_are_template_files_and_data_cannot_close_them():
    from wijklib.guarantees.rendering import TEMPLATES, render

    assert (TEMPLATES / "lettertypen-laden.js.j2").is_file()
    assert (TEMPLATES / "leaflet-iconen.js.j2").is_file()
    hostile = "</script><script>alert(1)</script>{{ 7*7 }}"
    fonts = render("lettertypen-laden.js.j2", data={"f0": hostile},
                   faces=[[hostile, "f0", {"style": "normal"}]])
    icons = render("leaflet-iconen.js.j2", icon=hostile, icon2x=hostile, shadow=hostile)
    for script in (fonts, icons):
        assert "</script" not in script and "49" not in script
        assert script.strip().startswith("(function(){") and script.strip().endswith("})();")
