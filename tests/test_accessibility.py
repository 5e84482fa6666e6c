"""Every HTML output passes axe-core's WCAG 2 A/AA rules in Chromium (no serious or critical
violation), is Dutch (``lang="nl"``) and has one ``<main>`` landmark.

The pages are made as the notebooks make them, from the Utrecht fixtures and the practice
data: buurtprofiel, "Wat vertellen bewoners?", the paper questionnaire, the buurtagenda,
the group buurtagenda and the three kinds of map page (choropleth, notes map, gap map).
axe-core comes from the npm registry with its sha512 check (``browser.axe_script``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import Chromium, axe_script, describe_violations

import wijklib
from wijklib.agenda import export as agenda_export
from wijklib.agenda import groep, ringen
from wijklib.agenda import state as ag
from wijklib.notebook import offline
from wijklib.notebook import resultaten as res
from wijklib.tellen import maps, profiel
from wijklib.vertellen import kaartnotities, samenvatting, scores, survey

pytestmark = pytest.mark.browser

FOCUS = "BU03440311"  # Taag- en Rubicondreef en omgeving
WIJK = "WK034403"


@pytest.fixture(scope="module")
def chromium() -> Iterator[Chromium]:
    try:
        axe_script()
    except RuntimeError as err:  # no npm registry and no local copy
        pytest.skip(str(err))
    with Chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def pages(utrecht_cache, cbs_server, pdok_server, map_assets, tmp_path_factory) -> dict[str, Path]:
    """Every HTML output, written as a participant gets it."""
    from conftest import point_wijklib_at

    out = tmp_path_factory.mktemp("a11y")
    with pytest.MonkeyPatch.context() as mp:
        point_wijklib_at(mp, cbs_server.url, pdok_server.url, utrecht_cache)
        mp.setenv("WIJKLIB_ASSETS", str(map_assets))
        cijfers = wijklib.kerncijfers("Utrecht", niveau="buurt")
        gemeente = wijklib.kerncijfers("Utrecht", niveau="gemeente")
        nederland = wijklib.kerncijfers_nederland()
        kaart = wijklib.gebieden("Utrecht", jaar=cijfers.attrs["year"], niveau="buurt",
                                 codes=cijfers["code"])
        made: dict[str, Path] = {}
        made["buurtprofiel"] = profiel.save_profile(
            profiel.profile_html(FOCUS, cijfers, gemeente, nederland, kaart,
                                 questions=["Waar voelt u zich thuis?"]),
            out / "buurtprofiel.html")
        vertellen = res.practice_vertellen(cijfers, kaart, seed=7, focus=WIJK)
        made["samenvatting"] = samenvatting.save_summary(
            samenvatting.summary_html(vertellen, cijfers, FOCUS, min_n=10),
            out / "samenvatting.html")
        vragen = survey.vragenlijst()
        made["vragenformulier"] = out / "vragenformulier.html"
        made["vragenformulier"].write_text(
            survey.printable_html(vragen, cijfers[cijfers["wijkcode"] == WIJK], min_groep=10),
            "utf-8")
        schaal = scores.scale_scores(vertellen.antwoorden, vragen, min_n=10,
                                     buurten=cijfers[["code", "naam"]],
                                     suppression=vertellen.suppression(10))
        rings = ringen.gap_flags(ringen.two_rings(ringen.cijfers_ring(cijfers, gemeente),
                                                  ringen.beleving_ring(schaal)))
        agenda = ag.new_agenda("Utrecht", FOCUS, "Buurtagenda Taag- en Rubicondreef",
                               buurtnamen={FOCUS: "Taag- en Rubicondreef"})
        agenda.priorities = ag.dot_vote({"wonen": 6, "veiligheid": 3, "sociaal": 4})
        files = agenda_export.save_export(agenda, out / "agenda", rings=rings)
        made["buurtagenda"] = files["html"]
        for number in (1, 2):
            ag.save_state(agenda, out / "groep" / f"deelnemer-{number}.json")
        made["groepsagenda"] = groep.save_group(groep.combine([out / "groep"]),
                                                out / "groep-uit")["html"]
        made["choropleth"] = offline.save_map(
            maps.choropleth(kaart, cijfers, "pct_koopwoningen", focus=FOCUS),
            out / "kaart-cijfers.html", mode="inline")
        made["kaartnotities"] = offline.save_map(
            kaartnotities.notes_map(vertellen.kaartnotities, kaart, FOCUS),
            out / "kaart-notities.html", mode="inline")
        wijk = cijfers.loc[cijfers["wijkcode"] == WIJK, "code"]
        made["verschilkaart"] = offline.save_map(
            ringen.gap_map(rings[rings["buurtcode"].isin(wijk)], kaart[kaart["code"].isin(wijk)],
                           "wonen", focus=FOCUS),
            out / "kaart-verschil.html", mode="inline")
    return made


#: Best-practice rules (not WCAG criteria themselves) that every output keeps too.
STRUCTURE = ("landmark-one-main", "page-has-heading-one", "region", "heading-order",
             "landmark-unique", "landmark-no-duplicate-main")
ALL_IMPACTS = ("minor", "moderate", "serious", "critical")

OUTPUTS = ["buurtprofiel", "samenvatting", "vragenformulier", "buurtagenda", "groepsagenda",
           "choropleth", "kaartnotities", "verschilkaart"]


@pytest.mark.parametrize("name", OUTPUTS)
def test_every_html_output_passes_axe(name: str, pages, chromium: Chromium) -> None:
    with chromium.browse(pages[name], wait_ms=800) as session:
        violations = session.accessibility()
        violations += session.accessibility(ALL_IMPACTS, rules=STRUCTURE)
        lang = session.evaluate("document.documentElement.lang")
        mains = session.evaluate("document.querySelectorAll('main').length")
        title = session.evaluate("document.title")
    assert not violations, describe_violations(violations, f"in {name}")
    assert lang == "nl", f"{name}: <html lang={lang!r}>"
    assert mains == 1, f"{name}: {mains} <main>"
    assert title.strip(), f"{name}: geen <title>"


def test_the_check_fails_on_what_was_reported_before(chromium: Chromium, tmp_path) -> None:
    page = tmp_path / "oud.html"
    page.write_text('<!DOCTYPE html><html><head><title>x</title></head><body>'
                    '<p style="color:#777">grijs</p><p style="color:#d55e00">oranje</p>'
                    '<img src="data:,"></body></html>', "utf-8")
    with chromium.browse(page) as session:
        found = {v["id"] for v in session.accessibility()}
    assert {"color-contrast", "html-has-lang", "image-alt"} <= found
