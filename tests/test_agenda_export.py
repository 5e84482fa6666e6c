"""The buurtagenda document: all sections, every item traceable, text escaped, prints to PDF."""

from __future__ import annotations

import re
import warnings

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from wijklib.agenda import export as ex
from wijklib.agenda import ringen
from wijklib.agenda import state as ag
from wijklib.guarantees.rendering import escape, escape_markdown  # noqa: E402

INJECTED = "<img src=x onerror=alert(1)>"
SECTION_IDS = [key for key, _ in ex.SECTIONS]


def make_agenda(text: str = "") -> ag.Agenda:
    """A full agenda; ``text`` is appended to every free text (for escaping tests)."""
    agenda = ag.new_agenda("Utrecht", ["BU03440111"], titel=f"Buurtagenda Kerkbuurt{text}")
    agenda.samenvatting = (f"De Kerkbuurt heeft veel kracht.{text}\n\nWe kiezen voor wonen en "
                           "ontmoeting.")
    agenda.priorities = ag.dot_vote({"wonen": 6, "sociaal": 4, "veiligheid": 1})
    agenda.priorities[0].toelichting = f"Veel leegstand en verhalen daarover{text}"
    agenda.add(ag.Ambitie(
        thema="wonen",
        ambitie=f"Minder lege woningen{text}",
        indicator="pct_onbewoond",
        bron="cbs",
        basiswaarde=7.0,
        basisjaar=2024,
        doel=4.0,
        doeljaar=2028,
        eenheid="% van de woningen",
        acties=[ag.Actie(f"Lege woningen in kaart{text}", f"bewoners{text}", f"mei 2026{text}"),
                ag.Actie("Gesprek met de corporatie", "gemeente", "juni 2026")],
        partners=["bewoners", "woningcorporatie", f"buurthuis{text}"],
        beleid="https://www.utrecht.nl/wonen",
        evaluatie=f"maart 2027{text}",
        onderbouwing=[
            ag.Onderbouwing("cijfer", f"Aandeel onbewoonde woningen: 7 %{text}",
                            "CBS Kerncijfers wijken en buurten (85984NED)", 2024,
                            "pct_onbewoond"),
            ag.Onderbouwing("verhaal", f"‘Aan de Kerkstraat staan huizen leeg.’{text}",
                            f"verhalenavond{text}", 2025),
        ],
    ))
    agenda.add(ag.Ambitie(
        thema="sociaal",
        ambitie="Meer ontmoeting",
        indicator="sociale_cohesie",
        bron="enquete",
        basiswaarde=5.8,
        basisjaar=2025,
        doel="minstens 6,5",
        doeljaar=2027,
        acties=[ag.Actie("Buurtmaaltijd", "welzijn", "elke maand")],
        partners=["welzijn", "bewoners"],
        beleid=f"Javascript-link javascript:alert(1){text}",
        evaluatie="maart 2027",
        onderbouwing=[
            ag.Onderbouwing("enquete", "Sociale samenhang 5,8 (n = 61)", "eigen enquête", 2025),
            ag.Onderbouwing("kaartnotitie", "Geen plek om af te spreken bij het plein",
                            "kaartnotities", 2025, "note-17"),
        ],
    ))
    agenda.krachten.append(ag.Kracht(f"Buurttuin{text}", "plekken", f"open op zaterdag{text}",
                                     "wijkschouw 2025", "sociaal"))
    agenda.verhalen.append(ag.Onderbouwing("verhaal", f"Ik ken mijn buren niet meer.{text}",
                                           "buurtgesprek", 2025))
    agenda.enquete = ag.Enquete(naam="eigen enquête Kerkbuurt", jaar=2025, n=312)
    return agenda


def make_rings(name: str = "Kerkbuurt") -> pd.DataFrame:
    rows = pd.DataFrame([
        {"buurtcode": "BU03440111", "buurtnaam": name, "thema": "wonen", "cijfers": 120.0,
         "beleving": 80.0, "beleving_onder": 75.0, "beleving_boven": 85.0, "n": 61,
         "verborgen": False, "n_indicators": 1,
         "indicatoren": "Aandeel onbewoonde woningen (2024)", "jaren": "2024",
         "bronnen": "CBS Kerncijfers wijken en buurten (85984NED)", "schalen": "Rapportcijfer"},
        {"buurtcode": "BU03440111", "buurtnaam": name, "thema": "veiligheid", "cijfers": np.nan,
         "beleving": 95.0, "beleving_onder": 88.0, "beleving_boven": 102.0, "n": 61,
         "verborgen": False, "n_indicators": 0, "indicatoren": "", "jaren": "", "bronnen": "",
         "schalen": "Gevoel van onveiligheid"},
        {"buurtcode": "BU03440112", "buurtnaam": "Andere buurt", "thema": "wonen",
         "cijfers": 90.0, "beleving": np.nan, "beleving_onder": np.nan,
         "beleving_boven": np.nan, "n": None, "verborgen": True, "n_indicators": 1,
         "indicatoren": "x (2024)", "jaren": "2024", "bronnen": "CBS", "schalen": ""},
    ])
    rows["n"] = pd.array(rows["n"], dtype="Int64")
    rows["verschil"] = rows["beleving"] - rows["cijfers"]
    rows["signaal"] = ""
    rows.attrs["n_totaal"] = 400
    return ringen.gap_flags(rows)


def _section(page: str, key: str) -> str:
    match = re.search(rf'<section id="{key}">(.*?)</section>', page, re.S)
    assert match, key
    return match.group(1)


# ---------------------------------------------------------------------------- HTML


def test_html_has_every_section_in_order():
    page = ex.to_html(make_agenda(), make_rings())
    positions = [page.index(f'<section id="{key}">') for key in SECTION_IDS]
    assert positions == sorted(positions)
    assert page.startswith("<!DOCTYPE html>") and '<html lang="nl">' in page
    assert "<script" not in page.lower()  # no JavaScript needed
    assert "@page" in page and "@media print" in page and "break-before: page" in page
    assert "Content-Security-Policy" in page


def test_every_item_shows_its_evidence_with_source_and_year():
    agenda = make_agenda()
    page = ex.to_html(agenda, make_rings())
    items = _section(page, "ambities")
    for item in agenda.items:
        block = re.search(rf'<article class="item" id="ambitie-{item.id}">(.*?)</article>',
                          items, re.S).group(1)
        for ev in item.onderbouwing:
            assert escape(ev.tekst) in block
            assert f"{escape(ev.bron)}, {ev.jaar}" in block
        for actie in item.acties:
            assert escape(actie.wie) in block and escape(actie.wanneer) in block
        assert escape(item.evaluatie) in block
        assert str(item.basisjaar) in block
    first = items.split("</article>")[0]
    assert "Aandeel onbewoonde woningen" in first  # the indicator's label
    assert "7 % van de woningen (2024, CBS)" in first  # nulmeting with year and source
    assert "4 % van de woningen in 2028" in first
    assert '<a href="https://www.utrecht.nl/wonen">' in first
    second = items.split("</article>")[1]
    assert "Sociale samenhang" in second and "minstens 6,5 in 2027" in second
    assert "<a " not in second  # a "javascript:" text is not turned into a link
    monitoring = _section(page, "monitoring")
    assert monitoring.count("<tr>") == 1 + len(agenda.items)
    assert "7 % van de woningen (2024, CBS)" in monitoring
    assert "5,8 (2025, eigen enquête Kerkbuurt)" in monitoring  # the survey by its name


def test_buurt_section_shows_both_rings_question_and_missing():
    page = ex.to_html(make_agenda(), make_rings())
    buurt = _section(page, "buurt")
    assert "Kerkbuurt" in buurt and "Andere buurt" not in buurt  # only the agenda's buurten
    assert "hoe kan dat?" in buurt  # the flagged gap as a question
    assert "geen gegevens" in buurt  # veiligheid has no figures: shown, not 100
    assert "marge 75 tot 85" in buurt and "n = 61" in buurt
    assert "data:image/png;base64," in buurt  # the chart
    assert "Ik ken mijn buren niet meer." in buurt
    without_chart = ex.to_html(make_agenda(), make_rings(), charts=False)
    assert "data:image/png" not in without_chart


def test_sources_name_cbs_kadaster_and_the_survey():
    page = ex.to_html(make_agenda(), make_rings())
    sources = _section(page, "bronnen")
    assert "Bron: CBS, Kadaster" in sources and "CC BY 4.0" in sources
    assert "eigen enquête Kerkbuurt, 2025, n = 312" in sources
    assert "CBS Kerncijfers wijken en buurten (85984NED), 2024" in sources
    assert "verhalenavond, 2025" in sources and "kaartnotities, 2025" in sources
    agenda = make_agenda()
    agenda.enquete = None
    assert "eigen enquête, n = 400" in _section(ex.to_html(agenda, make_rings()), "bronnen")


def test_html_escapes_every_user_text():
    agenda = make_agenda(INJECTED)
    page = ex.to_html(agenda, make_rings(name=f"Kerkbuurt{INJECTED}"))
    assert INJECTED not in page
    assert "onerror=alert(1)>" not in page
    assert page.count("&lt;img src=x onerror=alert(1)&gt;") >= 15
    assert page.count("<img ") == 1  # only the embedded chart


def test_empty_agenda_still_has_all_sections():
    agenda = ag.Agenda(gemeente="Utrecht")
    page = ex.to_html(agenda)
    for key in SECTION_IDS:
        assert f'<section id="{key}">' in page
    assert "nog invullen" in page and "Nog aan te vullen" in page
    markdown = ex.to_markdown(agenda)
    for key in SECTION_IDS:
        assert f'<a id="{key}"></a>' in markdown
    with pytest.raises(Exception, match="Agenda"):
        ex.to_html({"gemeente": "Utrecht"})


# ------------------------------------------------------------------------ Markdown


def test_markdown_has_the_same_content():
    agenda = make_agenda()
    text = ex.to_markdown(agenda, make_rings())
    for key, title in ex.SECTIONS:
        assert f'<a id="{key}"></a>' in text and f"## {title}" in text
    for item in agenda.items:
        for ev in item.onderbouwing:
            assert escape_markdown(ev.tekst) in text and str(ev.jaar) in text
    assert "hoe kan dat?" in text
    assert "eigen enquête Kerkbuurt, 2025, n = 312" in text
    assert "Bron: CBS, Kadaster" in text
    assert "| nr | ambitie | indicator |" in text


def test_markdown_neutralises_html_and_markdown_syntax():
    text = ex.to_markdown(make_agenda(INJECTED), make_rings(name=f"Kerkbuurt{INJECTED}"))
    assert INJECTED not in text and "<img" not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    assert escape_markdown("[klik](javascript:alert(1))") == "\\[klik\\](javascript:alert(1))"
    assert escape_markdown("a | b") == "a \\| b"
    assert escape_markdown("# kop\n- punt", inline=False) == "\\# kop\n\\- punt"
    assert escape_markdown("regel\nnog een") == "regel nog een"
    assert escape_markdown(None) == ""
    import mistune  # comes with nbconvert
    rendered = mistune.html(text + "\n\n" + escape_markdown("[klik](javascript:alert(1))"))
    assert "<img" not in rendered and "javascript:" not in rendered.split("href")[-1][:20]
    assert 'href="javascript' not in rendered
    assert "&lt;img src=x onerror=alert(1)&gt;" in rendered


# -------------------------------------------------------------------------- saving


def test_save_export_writes_html_markdown_and_state(tmp_path):
    agenda = make_agenda()
    paths = ex.save_export(agenda, tmp_path / "export", make_rings(), charts=False)
    assert set(paths) == {"html", "markdown", "state"}
    assert paths["html"].name == "buurtagenda-bu03440111.html"
    assert '<section id="ambities">' in paths["html"].read_text("utf-8")
    assert "## Ambities en aanpak" in paths["markdown"].read_text("utf-8")
    assert ag.load_state(paths["state"]) == agenda
    again = ex.save_export(agenda, tmp_path / "export", name="Mijn agenda!", charts=False)
    assert again["html"].name == "mijn-agenda.html"


@pytest.mark.browser
def test_export_in_chromium_prints_a_pdf(tmp_path):
    from browser import ARTIFACTS_DIR, browse

    agenda = make_agenda(INJECTED)
    path = tmp_path / "buurtagenda.html"
    path.write_text(ex.to_html(agenda, make_rings()), encoding="utf-8")
    with browse(path) as session:
        present = session.evaluate(
            "ids => ids.filter(id => document.getElementById(id) !== null)", SECTION_IDS
        )
        shown = session.evaluate("document.querySelector('#samenvatting').innerText")
        images = session.evaluate(
            "Array.from(document.images).map(i => i.complete && i.naturalWidth > 0)"
        )
        session.screenshot(ARTIFACTS_DIR / "buurtagenda.png")
        pdf = ARTIFACTS_DIR / "buurtagenda.pdf"
        session.page.emulate_media(media="print")
        session.page.pdf(path=str(pdf), format="A4", print_background=True)
        report = session.report
    report.assert_clean()
    assert report.dialogs == [] and report.page_errors == []
    assert present == SECTION_IDS
    assert INJECTED in shown  # the injected text shows as text
    assert images == [True]  # the chart is drawn
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 20_000
    assert len(re.findall(rb"/Type\s*/Page[^s]", data)) >= 3  # A4 pages with page breaks


def test_survey_name_and_scale_units_read_well():
    agenda = ag.new_agenda("Utrecht", ["BU03440311"])
    agenda.enquete = ag.Enquete(naam="oefenenquête (verzonnen)", jaar=2026, n=120)
    agenda.add(ag.Ambitie(thema="sociaal", ambitie="Meer contact", indicator="cohesie",
                          bron="enquete", basiswaarde=4.7, basisjaar=2026, doel=5.5,
                          doeljaar=2028, eenheid="0–10"))
    page, text = ex.to_html(agenda), ex.to_markdown(agenda)
    for out in (page, text):
        assert "4,7 (schaal 0–10) (2026, oefenenquête (verzonnen))" in out
        assert "eigen enquête" not in out
    rings = pd.DataFrame({
        "buurtcode": ["BU1"], "buurtnaam": ["Kerkbuurt"], "thema": ["sociaal"],
        "cijfers": [float("nan")], "beleving": [88.0], "beleving_onder": [80.0],
        "beleving_boven": [96.0], "n": [40], "schalen": ["cohesie"],
    })
    (evidence,) = ag.evidence_from_rings(rings, "BU1", "sociaal", 2026,
                                         enquete_naam="oefenenquête (verzonnen)")
    assert evidence.bron == "oefenenquête (verzonnen)" and evidence.jaar == 2026


# ------------------------------------------------------------------ review fixes


def test_save_export_keeps_an_earlier_different_agenda(tmp_path):
    folder = tmp_path / "export"
    first = make_agenda()
    paths = ex.save_export(first, folder, charts=False)
    earlier = paths["state"].read_bytes()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the same agenda again: no backup, no warning
        ex.save_export(first, folder, charts=False)
    assert not list(folder.glob("*.bak-*"))
    earlier = paths["state"].read_bytes()  # the same agenda, saved a moment later
    second = make_agenda()
    second.samenvatting = "Een andere agenda voor dezelfde buurt."
    with pytest.warns(ag.BackupWarning, match="bewaard als"):
        ex.save_export(second, folder, charts=False)
    backups = list(folder.glob("buurtagenda-bu03440111.bak-*.json"))
    assert len(backups) == 1 and backups[0].read_bytes() == earlier
    assert ag.load_state(backups[0]) == first and ag.load_state(paths["state"]) == second


def test_buurten_are_matched_on_code_not_on_a_shared_name():
    rings = make_rings()
    twin = rings[rings["buurtcode"] == "BU03440111"].assign(buurtcode="BU99990001",
                                                            cijfers=50.0)
    both = pd.concat([rings, twin], ignore_index=True)  # two buurten called Kerkbuurt
    agenda = make_agenda()
    agenda.buurtnamen = {"BU03440111": "Kerkbuurt"}
    rows = ex._ring_rows(agenda, both)
    assert set(rows["buurtcode"]) == {"BU03440111"}
    page = ex.to_html(agenda, both, charts=False)
    assert "Kerkbuurt (BU03440111)" in page and "BU99990001" not in page
    assert "Kerkbuurt (BU03440111)" in ex.to_markdown(agenda, both)
    old = make_agenda()  # an older state that stored the name
    old.buurten = ["Kerkbuurt"]
    assert set(ex._ring_rows(old, rings)["buurtcode"]) == {"BU03440111"}
    assert len(ex._ring_rows(old, both)) == 0  # ambiguous name: nothing mixed in


def test_the_agenda_page_comes_from_a_template_a_trainer_can_replace(tmp_path, monkeypatch):
    agenda = make_agenda()
    agenda.gemeente = "{{ 7*7 }}"
    monkeypatch.delenv("WIJKLIB_SJABLONEN", raising=False)
    page = ex.to_html(agenda, charts=False)
    assert "<strong>Gemeente:</strong> &#123;&#123; 7*7 &#125;&#125;" in page and "<main>" in page
    own = tmp_path / "sjablonen"
    own.mkdir()
    (own / "buurtagenda.html.j2").write_text("<h1>{{ titel }}</h1>{{ gemeente }}", "utf-8")
    monkeypatch.setenv("WIJKLIB_SJABLONEN", str(own))
    assert ex.to_html(agenda, charts=False).endswith("</h1>&#123;&#123; 7*7 &#125;&#125;")


# ------------------------------------------------------- an agenda of decisions only


def test_an_example_ambition_never_reaches_the_export():
    agenda = make_agenda()
    agenda.items.append(ag.Ambitie(
        thema="veiligheid", ambitie="Voorbeeld: veilig over straat bij de Tigrisdreef",
        indicator="onveiligheid", bron="enquete", basiswaarde=30.0, basisjaar=2025,
        doel=20.0, doeljaar=2028, evaluatie="voorjaar 2027", partners=["wijkagent"],
        acties=[ag.Actie("Schouw met de wijkagent", "wijkagent", "mei 2026")],
        onderbouwing=[ag.Onderbouwing("verhaal", "Donker pad langs het water",
                                      "groepsgesprek", 2026)],
        voorbeeld=True))
    page = ex.to_html(agenda, make_rings())
    text = ex.to_markdown(agenda, make_rings())
    for out in (page, text):
        for piece in ("Tigrisdreef", "Donker pad", "groepsgesprek", "wijkagent",
                      "voorjaar 2027"):
            assert piece not in out, piece
    assert "<li>Ambities: 2</li>" in page and "- Ambities: 2" in text
    assert page.count('<article class="item"') == 2
    assert _section(page, "monitoring").count("<tr>") == 1 + 2


def test_a_new_vote_changes_every_part_of_the_export():
    agenda = make_agenda()  # wonen 6, sociaal 4, veiligheid 1
    before = ex.to_html(agenda, make_rings(), charts=False)
    assert re.search(r"1\. Minder lege woningen.*2\. Meer ontmoeting", before, re.S)
    agenda.priorities = ag.dot_vote({"sociaal": 5, "wonen": 2})
    page = ex.to_html(agenda, make_rings(), charts=False)
    text = ex.to_markdown(agenda, make_rings())
    items = _section(page, "ambities")
    assert items.index("1. Meer ontmoeting") < items.index("2. Minder lege woningen")
    assert "Prioriteiten: 1. sociaal, 2. wonen" in _section(page, "samenvatting")
    monitoring = _section(page, "monitoring")
    assert monitoring.index("<td>1</td><td>Meer ontmoeting") < monitoring.index(
        "<td>2</td><td>Minder lege woningen")
    prios = _section(page, "prioriteiten")
    assert prios.index("sociaal") < prios.index("wonen") and "veiligheid" not in prios
    assert "### 1\\. Meer ontmoeting" in text or "### 1. Meer ontmoeting" in text
    assert "| 1 | Meer ontmoeting |" in text and "| 2 | Minder lege woningen |" in text
    assert "- Prioriteiten: 1\\. sociaal, 2. wonen" in text
    assert "5 stippen" in prios and "2 stippen" in prios


def test_a_top_voted_theme_without_ambition_is_named_as_open():
    agenda = make_agenda()
    agenda.priorities = ag.dot_vote({"groen": 7, "wonen": 3, "sociaal": 1})
    page = ex.to_html(agenda, charts=False)
    summary = _section(page, "samenvatting")
    assert "Nog aan te vullen" in summary
    assert "Het thema &#x27;groen&#x27; (7 stippen, plaats 1) heeft nog geen ambitie" in summary
    assert "1 stip," not in summary  # sociaal has an ambition: not named
    text = ex.to_markdown(agenda)
    assert "Het thema 'groen' (7 stippen, plaats 1) heeft nog geen ambitie" in text


def test_the_survey_name_and_year_travel_into_the_rings_table_and_chart():
    agenda = make_agenda()
    agenda.enquete = ag.Enquete(naam="oefenenquête (verzonnen)", jaar=2026, n=120)
    page = ex.to_html(agenda, make_rings())
    buurt = _section(page, "buurt")
    assert "beleving (100 = alle deelnemers; oefenenquête (verzonnen), 2026)" in buurt
    assert "rondje = beleving (oefenenquête (verzonnen), 2026" in buurt
    text = ex.to_markdown(agenda, make_rings())
    assert "oefenenquête (verzonnen), 2026)" in text and "jaar onbekend" not in text
    # the chart in the export names the same survey and year
    import matplotlib.pyplot as plt
    from matplotlib.text import Text

    fig = ex.chart(agenda, make_rings())
    shown = " ".join(t.get_text() for t in fig.findobj(Text))
    plt.close(fig)
    assert "oefenenquête (verzonnen) 2026" in shown and "jaar onbekend" not in shown


def test_a_trainer_can_adapt_the_markdown_template_and_values_stay_escaped(tmp_path,
                                                                          monkeypatch):
    own = tmp_path / "sjablonen"
    own.mkdir()
    (own / "buurtagenda.md.j2").write_text(
        "# {{ titel }}\n{% for a in ambities %}- {{ a.ambitie }}\n{% endfor %}", "utf-8")
    monkeypatch.setenv("WIJKLIB_SJABLONEN", str(own))
    agenda = make_agenda("{{ 7*7 }} [x](javascript:alert(1)) <b>")
    text = ex.to_markdown(agenda)
    assert "49" not in text and "<b>" not in text and "[x](" not in text
    assert text.startswith("# Buurtagenda Kerkbuurt\\{\\{ 7\\*7 \\}\\}")


def test_the_reflection_is_saved_and_exported(tmp_path):
    agenda = make_agenda()
    agenda.reflectie = ("Ik zag de buurt anders na het gesprek.\n\n"
                        f"Volgende keer meer jongeren.{INJECTED}")
    paths = ex.save_export(agenda, tmp_path, charts=False)
    assert ag.load_state(paths["state"]).reflectie == agenda.reflectie
    summary = _section(paths["html"].read_text("utf-8"), "samenvatting")
    assert "Reflectie: wat we meenemen" in summary
    assert "<p>Ik zag de buurt anders na het gesprek.</p>" in summary
    assert "Volgende keer meer jongeren.&lt;img" in summary
    text = paths["markdown"].read_text("utf-8")
    assert "### Reflectie: wat we meenemen" in text
    assert "Volgende keer meer jongeren.&lt;img" in text


def test_the_rings_table_says_what_100_means_for_the_residents():
    rings = make_rings()
    rings.attrs["referentie_beleving"] = ringen.MIDPOINT_TEXT  # as two_rings sets it now
    buurt = _section(ex.to_html(make_agenda(), rings, charts=False), "buurt")
    assert "beleving (100 = midden van de antwoordschaal; eigen enquête Kerkbuurt, 2025)" in (
        buurt)
    (evidence,) = [e for e in ag.evidence_from_rings(rings, "BU03440111", "wonen", 2025)
                   if e.soort == "enquete"]
    assert "(100 = midden van de antwoordschaal" in evidence.tekst


def test_the_agenda_says_what_a_flag_takes_into_account():
    rings = make_rings()
    for text in (_section(ex.to_html(make_agenda(), rings, charts=False), "buurt"),
                 ex.to_markdown(make_agenda(), rings)):
        assert "rekening gehouden met toeval in de enquête en met hoe verschillend buurten " \
               "normaal zijn" in text
        assert "groter dan 15 punten" in text
        assert "geen toeval meer" not in text


# ------------------------------------------- personal data never leaves in an export


PERSONAL = " Bel mevrouw Jansen: 06 - 1234 5678 of jan@example.nl, Dreef 12."
TRACES = ("Jansen", "1234 5678", "jan@example.nl", "Dreef 12")


def test_personal_data_in_any_free_text_is_masked_in_both_exports_and_said():
    """A participant types a resident's name and phone number into an action, a reflection
    or an ambition: the exports show [weggehaald], validate says so in Dutch, and the
    participant's own agenda keeps what they typed (nothing lost in their file)."""
    agenda = make_agenda(PERSONAL)
    agenda.reflectie = f"Mijn reflectie.{PERSONAL}"
    agenda.krachten.append(ag.Kracht(f"Buurttuin{PERSONAL}", "plekken", f"elke dag{PERSONAL}"))
    agenda.verhalen.append(ag.Onderbouwing("overig", f"Conclusie{PERSONAL}", "groepsgesprek"))
    for text in (ex.to_html(agenda, charts=False), ex.to_markdown(agenda)):
        assert not [t for t in TRACES if t in text], [t for t in TRACES if t in text]
        assert text.replace("\\[", "[").replace("\\]", "]").count("[weggehaald]") >= 10
        assert "Mijn reflectie." in text and "Minder lege woningen" in text
    said = [p for p in ag.validate(agenda) if "persoonsgegevens" in p]
    assert len(said) == 1 and "[weggehaald]" in said[0] and "telefoonnummer" in said[0]
    assert "Jansen" in agenda.reflectie and "Jansen" in agenda.items[0].ambitie  # kept
    assert not [p for p in ag.validate(make_agenda()) if "persoonsgegevens" in p]
