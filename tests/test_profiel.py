"""Buurtprofiel: honest key figures, escaped text, a page that prints on one A4."""

from __future__ import annotations

import re

import numpy as np
import pytest

import wijklib
from wijklib.errors import UnknownIndicatorError
from wijklib.guarantees.rendering import escape
from wijklib.tellen import profiel

INJECTED = "<img src=x onerror=alert(1)>"
FOCUS = "BU03440311"  # Taag- en Rubicondreef en omgeving (Overvecht)


@pytest.fixture
def utrecht(warm):
    return {
        "areas": wijklib.kerncijfers("Utrecht"),
        "gemeente": wijklib.kerncijfers("Utrecht", niveau="gemeente"),
        "nederland": wijklib.kerncijfers_nederland(),
        "gebieden": wijklib.gebieden("Utrecht"),
    }


def _section(page: str, ident: str) -> str:
    match = re.search(rf'id="{ident}".*?</(section|footer)>', page, re.S)
    assert match, ident
    return match.group(0)


def test_profile_shows_figures_with_years_and_sources(utrecht):
    page = profiel.profile_html(FOCUS, **utrecht)
    for ident in ("kerncijfers", "kaart", "opvallend", "vragen", "bronnen"):
        assert f'id="{ident}"' in page
    table = _section(page, "kerncijfers")
    assert "Taag- en Rubicondreef" in table
    assert "<td>2024</td>" in table and "<td>2023</td>" in table  # year of every figure
    assert "geen cijfer" in table  # Nederland has no WOZ value: shown as such, never 0
    assert "niet te vergelijken (aantal)" in table  # counts are not compared
    assert "procentpunt" in table and "(ongunstiger)" in table
    sources = _section(page, "bronnen")
    assert "85984NED" in sources and "85618NED" in sources and "CC BY 4.0" in sources
    assert "afgerond op vijftallen" in page
    questions = _section(page, "vragen")
    assert "Herkent u dat" in questions and "Wat is sterk aan deze buurt?" in questions
    stand = _section(page, "opvallend")
    assert "Bijstand per 1 000 inwoners" in stand and "Aantal inwoners" not in stand


def test_profile_escapes_every_text(utrecht):
    areas = utrecht["areas"].copy()
    areas.loc[areas["code"] == FOCUS, "naam"] = INJECTED
    gebieden = utrecht["gebieden"].copy()
    gebieden.loc[gebieden["code"] == FOCUS, "naam"] = INJECTED
    page = profiel.profile_html(
        FOCUS, areas, utrecht["gemeente"], utrecht["nederland"], gebieden,
        questions=[f"Klopt dit? {INJECTED}"],
    )
    assert INJECTED not in page
    assert page.count("&lt;img src=x onerror=alert(1)&gt;") >= 4  # title, table, map, question


def test_profile_small_area_missing_figures_and_no_map(utrecht):
    areas = utrecht["areas"].copy()
    row = areas["code"] == FOCUS
    areas.loc[row, "inwoners"] = 150
    for name in profiel.KEY_INDICATORS[1:]:
        if name in areas:
            areas.loc[row, name] = np.nan
    page = profiel.profile_html(FOCUS, areas, utrecht["gemeente"], None, None, similar=0)
    assert "maar 150 inwoners" in page
    assert "Geen kaart" in page and "Nederland" not in _section(page, "kerncijfers")
    assert "Geen grote verschillen" in page  # nothing stands out when nothing is known
    assert page.count('class="num missing">geen cijfer') >= len(profiel.KEY_INDICATORS) - 2


def test_profile_bad_choices(utrecht):
    with pytest.raises(UnknownIndicatorError, match="bijstand_per_1000"):
        profiel.profile_html(FOCUS, **utrecht, indicators=["bijstand_per_100"])
    with pytest.raises(wijklib.WijklibError, match="Bedoel je misschien"):
        profiel.profile_html("Bestaat niet", **utrecht)


def test_save_profile(tmp_path, monkeypatch):
    path = profiel.save_profile("<html>x</html>", tmp_path / "sub" / "p.html")
    assert path.read_text("utf-8") == "<html>x</html>"
    monkeypatch.setenv("WIJKLIB_EXPORT", str(tmp_path))
    path = profiel.save_profile("<html>y</html>", name="Taag- en Rubicondreef & co")
    assert path == tmp_path / "buurtprofiel-taag-en-rubicondreef-co.html"


@pytest.mark.browser
def test_profile_in_chromium_prints_on_one_page(utrecht, tmp_path):
    from browser import ARTIFACTS_DIR, browse

    path = profiel.save_profile(profiel.profile_html(FOCUS, **utrecht), tmp_path / "p.html")
    with browse(path) as page:
        titles = page.evaluate(
            "Array.from(document.querySelectorAll('svg path.gebied')).map(p => "
            "p.querySelector('title').textContent)"
        )
        page.screenshot(ARTIFACTS_DIR / "buurtprofiel_utrecht.png")
        pdf = page.page.pdf(path=str(ARTIFACTS_DIR / "buurtprofiel_utrecht.pdf"), format="A4")
        report = page.report
    assert len(titles) == len(utrecht["gebieden"])  # every buurt drawn
    assert all("Bevolkingsdichtheid" in t and "2023" in t for t in titles)  # tooltips
    assert report.page_errors == [] and report.dialogs == [] and report.problems == []
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1


def test_profile_says_what_similar_areas_were_matched_on(utrecht):
    page = profiel.profile_html(FOCUS, **utrecht)
    assert "in stedelijkheid (adressen per km²), aandeel kinderen" in page
    assert "(afstand " in page and "in de gemeente die het meest lijken op" in page
    areas = utrecht["areas"].copy()
    areas.loc[areas["code"] == FOCUS, "stedelijkheid"] = np.nan
    page = profiel.profile_html(FOCUS, areas, utrecht["gemeente"], utrecht["nederland"],
                                utrecht["gebieden"])
    assert "Mediaan van de 5 gebieden in de gemeente die het meest lijken op" in page
    assert "ontbreekt stedelijkheid" not in page  # urbanity is not in the profile


def test_profile_template_shows_template_syntax_literally(utrecht, tmp_path, monkeypatch):
    """Names and questions with template syntax are printed as written, not evaluated."""
    monkeypatch.delenv("WIJKLIB_SJABLONEN", raising=False)
    attack = "{{ 7*7 }} {% for x in range(3) %}x{% endfor %} {# :-)"
    areas = utrecht["areas"].copy()
    areas.loc[areas["code"] == FOCUS, "naam"] = attack
    page = profiel.profile_html(FOCUS, areas, utrecht["gemeente"], None, None, similar=0,
                                questions=[f"Vraag {attack}"])
    shown = str(escape(attack))  # braces as character references, as on the maps
    assert page.count(shown) >= 3  # title, header, question
    assert " xxx " not in page  # the loop in the name did not run
    # the page comes from a template file a trainer can replace
    own = tmp_path / "sjablonen"
    own.mkdir()
    (own / "buurtprofiel.html.j2").write_text(
        "<h1>{{ titel }}</h1>{% for k in kolommen %}<th>{{ k }}</th>{% endfor %}", "utf-8")
    monkeypatch.setenv("WIJKLIB_SJABLONEN", str(own))
    mine = profiel.profile_html(FOCUS, areas, utrecht["gemeente"], None, None, similar=0)
    assert mine.startswith(f"<h1>Buurtprofiel {shown}</h1><th>Cijfer (eenheid)</th>")
    assert f"<th>{shown}</th>" in mine  # the area's name as a heading, as text


def test_profile_gives_the_margin_of_a_rate_on_few_cases(utrecht):
    areas = utrecht["areas"].copy()
    row = areas["code"] == FOCUS
    areas.loc[row, "bijstand"] = 12.0
    areas.loc[row, "bijstand_per_1000"] = 12.0 / areas.loc[row, "inwoners"] * 1000
    page = profiel.profile_html(FOCUS, areas, utrecht["gemeente"], None, None, similar=0)
    assert "95%-marge" in page and "(12 gevallen)" in page
    assert "staat de 95%-marge eronder" in page


def test_profile_says_whether_similar_areas_come_from_the_country(warm):
    wijken = wijklib.kerncijfers("Utrecht", niveau="wijk")
    gemeente = wijklib.kerncijfers("Utrecht", niveau="gemeente")
    land = wijklib.kerncijfers("Nederland", niveau="wijk")
    code = wijken["code"].iloc[0]
    page = profiel.profile_html(code, wijken, gemeente, landelijk=land)
    # the structural figures exist only for Utrecht's wijken here: within the gemeente
    assert "gebieden in de gemeente die het meest lijken op" in page
    assert "Niet in heel Nederland gezocht" in page
    # a country table where every wijk has the profile figures: nationwide, and it says so
    profile = wijken.columns.intersection(list(profiel.compare.STRUCTURAL_PROFILE))
    rich = land.copy()
    others = rich["gemeentecode"] != "GM0344"
    for column in profile:  # give other gemeenten' wijken Utrecht's profile, shifted
        rich.loc[others, column] = np.resize(wijken[column].to_numpy(), int(others.sum())) * 1.01
    own = rich.set_index("code")
    own.update(wijken.set_index("code")[list(profile)])
    page = profiel.profile_html(code, wijken, gemeente, landelijk=own.reset_index())
    assert "gebieden in heel Nederland die het meest lijken op" in page


def test_profile_prints_the_written_reflection_as_text(utrecht):
    """Notebook 1's reflection is in the exported profile, escaped, its paragraphs kept."""
    attack = "{{ 7*7 }} {% for x in range(3) %}x{% endfor %} <b>vet</b>"
    reflectie = f"Eerste regel {attack}\ntweede regel\n\nNieuwe alinea."
    page = profiel.profile_html(FOCUS, **utrecht, reflection=reflectie)
    section = _section(page, "reflectie")
    assert "Mijn reflectie" in section
    assert f"<p>Eerste regel {escape(attack)}<br>tweede regel</p>" in section
    assert "<p>Nieuwe alinea.</p>" in section
    assert "<b>vet</b>" not in page and " xxx " not in page and "49" not in section
    # no reflection written: no empty section on the printed page
    assert 'id="reflectie"' not in profiel.profile_html(FOCUS, **utrecht)
    assert 'id="reflectie"' not in profiel.profile_html(FOCUS, **utrecht, reflection="  \n")
