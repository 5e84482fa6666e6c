"""Wat vertellen bewoners? The summary page: sections, minimum group size, escaping, files."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from wijklib.errors import InvalidChoiceError, WijklibError
from wijklib.guarantees import privacy
from wijklib.guarantees.rendering import escape
from wijklib.notebook import resultaten
from wijklib.vertellen import kaartnotities as kn
from wijklib.vertellen import (
    krachten,
    practice,
    samenvatting,
    scores,
    survey,
    themas,
    verhalen,
    wijkschouw,
)

INJECTED = "<img src=x onerror=alert(1)>"
BUURTEN = pd.DataFrame({
    "code": ["BU00010001", "BU00010002", "BU00010003", "BU00010004"],
    "naam": ["Noord", "Oost", "Zuid", "Klein"],
    "wijkcode": ["WK000100", "WK000100", "WK000100", "WK000101"],
    "inwoners": [6000.0, 5000.0, 4000.0, 300.0],
    "leeftijd_15_25": [700.0, 600.0, 500.0, 40.0],
    "leeftijd_25_45": [1800.0, 1500.0, 1200.0, 80.0],
    "leeftijd_45_65": [1500.0, 1300.0, 1000.0, 80.0],
    "leeftijd_65_plus": [1000.0, 900.0, 700.0, 60.0],
})
BUURTEN.attrs.update(gemeente="Oefenstad", table_id="85984NED", year=2024)


@pytest.fixture(scope="module")
def vragen():
    return survey.vragenlijst()


def make_result(vragen, buurten=BUURTEN, seed=1, text=None, oefendata=True):
    """A Vertellen with every part filled; ``text`` goes into every free-text field."""
    answers = practice.practice_responses(buurten, seed=seed, questionnaire=vragen)
    if not oefendata:
        answers.attrs = {}  # as if read from a participant's own file
    notes = kn.new_notes()
    stories = verhalen.new_stories()
    assets = krachten.new_assets()
    schouw = wijkschouw.new_observations()
    extra = text or ""
    placed = [("BU00010001", "kans"), ("BU00010001", "knelpunt"), ("BU00010001", "idee"),
              ("BU00010002", "onveilige plek"), ("BU00010003", "favoriete plek")]
    for i, (_, cat) in enumerate(placed):
        notes = kn.add_note(notes, cat, f"Notitie {i} {extra}".strip(), lat=52.1 + i / 100,
                            lon=5.1, bron="bewonersavond")
    notes["buurtcode"] = [code for code, _ in placed]
    for code, story in [("BU00010001", "Het park is mooi geworden sinds de nieuwe bomen er "
                                       "staan."),
                        ("BU00010001", "De buurvrouw helpt mij met de boodschappen."),
                        ("BU00010001", "Het buurthuis is de huiskamer van de buurt."),
                        ("BU00010002", "Er wordt veel afval naast de containers gezet.")]:
        stories = verhalen.add_story(stories, code, f"{story} {extra}".strip(), "gesprek")
    coded = themas.confirm_themes(themas.suggest_themes(stories), "alle")
    assets = krachten.add_asset(assets, "BU00010001", "plekken", f"Bibliotheek {extra}".strip(),
                                f"taalcafé {extra}".strip())
    assets = krachten.add_asset(assets, "BU00010001", "verenigingen", "Voetbalclub")
    schouw = wijkschouw.add_observation(schouw, "BU00010001", f"grasveld {extra}".strip(),
                                      f"Groot grasveld {extra}".strip(), "kans")
    schouw = wijkschouw.add_observation(schouw, "BU00010001", "fietspad",
                                      "Drie lantaarns doen het niet.", "knelpunt", "melden",
                                      "gemeente")
    return resultaten.Vertellen(gemeente="Oefenstad", antwoorden=answers, kaartnotities=notes,
                                verhalen=coded, krachten=assets, wijkschouw=schouw,
                                oefendata=oefendata, extra={"enquete_bron": "kobo"})


class _Cells(HTMLParser):
    """Table cells per section: {section id: [(class, text), ...]}."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: dict[str, list[tuple[str, str]]] = {}
        self.section = ""
        self.cell: list[str] | None = None
        self.cls = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("section", "footer") and attrs.get("id"):
            self.section = attrs["id"]
        if tag == "td":
            self.cell, self.cls = [], attrs.get("class") or ""

    def handle_endtag(self, tag):
        if tag == "td" and self.cell is not None:
            self.cells.setdefault(self.section, []).append((self.cls, "".join(self.cell)))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def cells(page: str) -> dict[str, list[tuple[str, str]]]:
    parser = _Cells()
    parser.feed(page)
    return parser.cells


def section(page: str, name: str) -> str:
    match = re.search(rf'<(section|footer) id="{name}">(.*?)</\1>', page, re.S)
    assert match, f"section {name} missing"
    return match.group(2)


def assert_no_small_survey_numbers(page: str, limit: int) -> None:
    """Every respondent count on the page is at least ``limit`` (or shown as <limit)."""
    found = cells(page)
    counts = [text for part in ("wie", "enquete") for cls, text in found.get(part, [])
              if cls == "n"]
    assert counts, "no count cells found"
    for text in counts:
        if text == "niet getoond":  # hidden so that a small group cannot be worked out
            continue
        number = None if text.startswith("<") else int(text.replace(".", ""))
        assert text == f"<{limit}" or number == 0 or number >= limit, text  # 0 reveals no one
    for n in re.findall(r"n = (\d+)", page):
        assert int(n) >= limit, n
    for n in re.findall(r"deden <strong>([\d.]+)</strong>", page):
        assert int(n.replace(".", "")) >= limit


def test_save_summary(tmp_path, monkeypatch):
    monkeypatch.setenv("WIJKLIB_EXPORT", str(tmp_path / "export"))
    path = samenvatting.save_summary("<p>x</p>", name="Taag- en Rubicondreef")
    assert path == tmp_path / "export" / "wat-vertellen-bewoners-taag-en-rubicondreef.html"
    assert path.read_text("utf-8") == "<p>x</p>"
    own = samenvatting.save_summary("<p>y</p>", tmp_path / "a" / "b.html")
    assert own.read_text("utf-8") == "<p>y</p>" and not list(tmp_path.glob("a/*.tmp"))


# --------------------------------------------------------------------------- tables


def test_response_table_hides_small_buurten(vragen):
    answers = practice.practice_responses(BUURTEN, seed=1, questionnaire=vragen)
    table = samenvatting.response_table(answers, BUURTEN, min_n=10)
    klein = table.set_index("Buurt").loc["Klein"]
    assert (answers["buurtnaam"] == "Klein").sum() < 10
    assert klein["Respondenten"] == "<10" and klein["Respons (% van de inwoners)"] == ""
    noord = table.set_index("Buurt").loc["Noord"]
    n = int((answers["buurtnaam"] == "Noord").sum())
    assert noord["Respondenten"] == str(n) and noord["Respons (% van de inwoners)"].endswith("%")
    assert table.attrs["totaal"] == len(answers)
    only_small = samenvatting.response_table(answers, BUURTEN, ["BU00010004"], min_n=10)
    assert only_small.attrs["totaal"] is None
    empty = samenvatting.response_table(answers.iloc[0:0], BUURTEN, min_n=10)
    assert set(empty["Respondenten"]) == {"<10"}


def test_secondary_suppression():
    hide = privacy.secondary_suppress
    assert hide({"a": 13, "b": 11, "c": 9, "geen": 0}, 10)[0] == {"b", "c"}
    assert hide({"a": 30, "b": 3, "c": 4, "geen": 12}, 10)[0] == {"b", "c", "geen"}
    assert hide({"a": 30, "b": 20, "c": 0}, 10)[0] == set()
    assert hide({"a": 2, "b": 3}, 10)[0] == {"a", "b"}
    assert not hasattr(samenvatting, "_secondary")  # one implementation, in scores


def test_age_table_against_cbs_and_hidden_groups(vragen):
    answers = practice.practice_responses(BUURTEN, seed=1, questionnaire=vragen)
    big = ["BU00010001", "BU00010002", "BU00010003"]
    without_klein = answers[answers["buurtcode"].isin(big)]
    table = samenvatting.age_table(without_klein, BUURTEN, big, vragen, min_n=10)
    assert table["Leeftijdsgroep"].tolist()[:3] == ["18 tot 35 jaar", "35 tot 65 jaar",
                                                   "65 jaar of ouder"]
    older = table.set_index("Leeftijdsgroep").loc["65 jaar of ouder"]
    assert older["Aandeel inwoners 15+ (CBS)"] == "20 %"  # 2600 of 12700
    share, cbs = table.attrs["vergelijking"]
    assert cbs == pytest.approx(2600 / 12700 * 100)
    # one buurt of 40-odd respondents: small groups hidden, and one more so that the total
    # does not give them away
    one = samenvatting.age_table(answers, BUURTEN, ["BU00010001"], vragen, min_n=15)
    hidden = ~one["Respondenten"].str.isdigit()
    assert hidden.sum() != 1
    assert (one.loc[hidden, "Aandeel respondenten"] == "").all()
    klein = samenvatting.age_table(answers, BUURTEN, ["BU00010004"], vragen, min_n=10)
    assert set(klein["Respondenten"]) <= {"<10", "niet getoond"}
    assert klein.attrs["vergelijking"] is None
    # with Klein in the survey, the three big buurten together are not an area whose
    # total may be shown: the whole survey minus their total would give Klein away, and
    # their age groups add up to that total
    leak = samenvatting.age_table(answers, BUURTEN, big, vragen, min_n=10)
    assert not leak["Respondenten"].str.isdigit().any()
    assert leak.attrs["vergelijking"] is None


def test_age_table_without_age_question(vragen):
    answers = practice.practice_responses(BUURTEN, seed=1, questionnaire=vragen)
    table = samenvatting.age_table(answers.drop(columns="leeftijdsgroep"), BUURTEN,
                                   questionnaire=vragen)
    assert table.empty and table.attrs["vergelijking"] is None
    no_cbs = samenvatting.age_table(answers, BUURTEN[["code", "naam"]], questionnaire=vragen)
    assert no_cbs.set_index("Leeftijdsgroep").loc["65 jaar of ouder",
                                                  "Aandeel inwoners 15+ (CBS)"] == "onbekend"


# --------------------------------------------------------------------------- the page


def test_page_for_one_buurt_has_all_sections(vragen):
    result = make_result(vragen)
    page = samenvatting.summary_html(result, BUURTEN, "Noord", questionnaire=vragen,
                                     min_n=10, made_on=date(2026, 3, 14))
    for name in samenvatting.SECTIONS:
        assert f'id="{name}"' in page
    assert "Buurt Noord (BU00010001) in de gemeente Oefenstad. Gemaakt op 14-03-2026" in page
    assert 'id="oefendata"' in page and "(oefendata)</title>" in page
    assert "ingelezen uit KoBoToolbox (oefendata, verzonnen)" in page
    table = cells(page)["enquete"]
    assert len(table) == 4 * len(vragen.scales)  # schaal, buurt, gebied, verschil
    assert "Kansen (3)" in page and "Knelpunten en bedreigingen (2)" in page  # notes+schouw
    assert "Groot grasveld" in page and "Drie lantaarns" in page
    themes = section(page, "themas")
    assert "Leefomgeving" in themes and "in 1 van 3 verhalen" in themes
    assert "afval naast de containers" not in themes  # a story of another buurt
    assets = section(page, "krachten")
    assert "Bibliotheek" in assets and "taalcafé" in assets
    assert "nog niets genoteerd" in assets  # kinds without strengths
    assert "Tabel 85984NED" in page or "tabel 85984NED" in page
    assert_no_small_survey_numbers(page, 10)


def test_page_for_a_wijk_has_one_row_per_buurt(vragen):
    result = make_result(vragen)
    page = samenvatting.summary_html(result, BUURTEN, "WK000100", naam="Oefenwijk",
                                     questionnaire=vragen, min_n=10)
    assert "Gebied Oefenwijk (3 buurten)" in page
    survey_part = section(page, "enquete")
    for name in ("Noord", "Oost", "Zuid", "Hele gebied"):
        assert f">{name}<" in survey_part
    assert ">Klein<" not in survey_part  # another wijk
    assert "▲ gunstiger" in survey_part
    # the marks are corrected for every comparison in the table at once, and it says so
    assert re.search(r"We maken hier \d+ vergelijkingen tegelijk\..*Bonferroni"
                     r"|Dit is één vergelijking", survey_part)
    notes_part = cells(page)["kaartnotities"]
    assert ("", "Hele gebied") in notes_part or any("Hele gebied" in t for _, t in notes_part)
    assert_no_small_survey_numbers(page, 10)
    everything = samenvatting.summary_html(result, BUURTEN, questionnaire=vragen, min_n=10)
    assert "Gebied Oefenstad (4 buurten)" in everything
    listed = samenvatting.summary_html(result, BUURTEN, ["BU00010001", "BU00010004"],
                                       questionnaire=vragen, min_n=10)
    assert "te weinig antwoorden (&lt;10): niet getoond" in listed  # Klein, one cell
    assert_no_small_survey_numbers(listed, 10)


def test_minimum_group_size_no_number_below_it(vragen):
    """A buurt below the minimum: no score, no interval, no count, no share anywhere."""
    result = make_result(vragen)
    klein = result.antwoorden[result.antwoorden["buurtcode"] == "BU00010004"]
    assert 0 < len(klein) < 10
    page = samenvatting.summary_html(result, BUURTEN, "BU00010004", questionnaire=vragen,
                                     min_n=10)
    assert "minder dan 10</strong> bewoners" in page
    rows = cells(page)["enquete"]
    own = [text for i, (_, text) in enumerate(rows) if i % 4 == 1]
    assert own and all(text == "te weinig antwoorden (<10)" for text in own)
    verdicts = [text for i, (_, text) in enumerate(rows) if i % 4 == 3]
    assert set(verdicts) == {"te weinig antwoorden"}
    assert "Te weinig antwoorden (minder dan 10) uit: Klein." in page
    assert_no_small_survey_numbers(page, 10)
    # the true small results are nowhere on the page
    open_scores = scores.scale_scores(result.antwoorden, vragen, min_n=1)
    for row in open_scores[open_scores["buurtcode"] == "BU00010004"].itertuples():
        assert f"n = {row.n}" not in page
    # a stricter minimum hides buurten that are visible at 10
    strict = samenvatting.summary_html(result, BUURTEN, "WK000100", questionnaire=vragen,
                                       min_n=45)
    assert_no_small_survey_numbers(strict, 45)
    assert "te weinig antwoorden (&lt;45)" in strict


def test_minimum_group_size_from_the_environment(vragen, monkeypatch):
    monkeypatch.setenv("WIJKLIB_MIN_GROEP", "50")
    page = samenvatting.summary_html(make_result(vragen), BUURTEN, "WK000100",
                                     questionnaire=vragen)
    assert "Minder dan 50 antwoorden?" in page
    assert_no_small_survey_numbers(page, 50)


def test_practice_labels_per_part(vragen):
    result = make_result(vragen, oefendata=False)
    page = samenvatting.summary_html(result, BUURTEN, "Noord", questionnaire=vragen)
    assert 'id="oefendata"' not in page and "oefendata" not in page
    result.extra["oefendata_delen"] = {"antwoorden": False, "kaartnotities": True,
                                       "verhalen": False, "krachten": False,
                                       "wijkschouw": False}
    page = samenvatting.summary_html(result, BUURTEN, "Noord", questionnaire=vragen)
    banner = re.search(r'id="oefendata">(.*?)</p>', page).group(1)
    assert "de kaartnotities" in banner and "de enquête" not in banner
    assert "Kaartnotities: 3 in dit gebied (bewonersavond) (oefendata, verzonnen)" in page


def test_empty_parts_say_so(vragen):
    empty = resultaten.Vertellen(gemeente="Oefenstad", antwoorden=pd.DataFrame(),
                                 kaartnotities=kn.new_notes(), verhalen=pd.DataFrame(),
                                 krachten=krachten.new_assets())
    page = samenvatting.summary_html(empty, BUURTEN, "Noord", questionnaire=vragen)
    for name in samenvatting.SECTIONS:
        assert f'id="{name}"' in page
    assert "Er zijn (nog) geen enquêteantwoorden." in page
    assert "Er zijn (nog) geen kaartnotities." in page
    assert "Nog geen krachten genoteerd." in page
    assert "Nog niets genoteerd." in page
    # stories that nobody has looked at yet do not count
    stories = verhalen.add_story(verhalen.new_stories(), "BU00010001", "Mooi park.", "gesprek")
    unread = themas.confirm_themes(themas.suggest_themes(stories), {})
    empty.verhalen = unread
    assert "geen verhalen bekeken" in samenvatting.summary_html(
        empty, BUURTEN, "Noord", questionnaire=vragen)


def test_unknown_area(vragen):
    result = make_result(vragen)
    with pytest.raises(InvalidChoiceError, match="wijk"):
        samenvatting.summary_html(result, BUURTEN, "WK999999", questionnaire=vragen)
    with pytest.raises(InvalidChoiceError, match="BU09999999"):
        samenvatting.summary_html(result, BUURTEN, ["BU09999999"], questionnaire=vragen)
    with pytest.raises(WijklibError):
        samenvatting.summary_html(result, BUURTEN, "Atlantis", questionnaire=vragen)
    with pytest.raises(InvalidChoiceError):
        samenvatting.summary_html(result, pd.DataFrame({"x": [1]}), questionnaire=vragen)


def test_saved_and_loaded_results_give_the_same_page(vragen, tmp_path):
    result = make_result(vragen)
    result.extra["oefendata_delen"] = {p: True for p in samenvatting.PARTS}
    folder = resultaten.save_vertellen(result, tmp_path)
    loaded = resultaten.load_vertellen(tmp_path)
    assert folder.is_dir() and loaded is not None
    kwargs = {"questionnaire": vragen, "min_n": 10, "made_on": date(2026, 3, 14)}
    # the individual answers stay in notebook 2: the rest of the page is the same
    assert loaded.antwoorden.empty
    result.antwoorden = result.antwoorden.iloc[0:0]
    assert (samenvatting.summary_html(loaded, BUURTEN, "WK000100", **kwargs)
            == samenvatting.summary_html(result, BUURTEN, "WK000100", **kwargs))


# --------------------------------------------------------------------------- escaping


def injected_result(vragen):
    buurten = BUURTEN.copy()
    buurten.loc[0, "naam"] = f"Noord {INJECTED}"
    result = make_result(vragen, buurten=buurten, text=INJECTED)
    result.gemeente = f"Oefenstad {INJECTED}"
    result.extra["enquete_bron"] = INJECTED
    return buurten, result


def test_every_text_is_escaped(vragen):
    buurten, result = injected_result(vragen)
    assert (result.antwoorden["buurtnaam"] == f"Noord {INJECTED}").any()  # survey answers
    for gebied in ("BU00010001", "WK000100"):
        page = samenvatting.summary_html(result, buurten, gebied, naam=None,
                                         questionnaire=vragen)
        assert INJECTED not in page
        assert "&lt;img src=x onerror=alert(1)&gt;" in page
        assert "<img" not in page


@pytest.mark.browser
def test_injected_text_shows_literally_in_chromium(vragen, tmp_path):
    from browser import ARTIFACTS_DIR, browse

    buurten, result = injected_result(vragen)
    pages = {
        "buurt": samenvatting.summary_html(result, buurten, "BU00010001",
                                           questionnaire=vragen),
        "wijk": samenvatting.summary_html(result, buurten, "WK000100",
                                          naam=f"Wijk {INJECTED}", questionnaire=vragen),
    }
    for name, page in pages.items():
        path = samenvatting.save_summary(page, tmp_path / f"{name}.html")
        with browse(path) as session:
            text = session.evaluate("document.body.innerText")
            images = session.evaluate("document.images.length")
            title = session.evaluate("document.title")
            ids = session.evaluate("Array.from(document.querySelectorAll('[id]'))"
                                   ".map(e => e.id)")
            session.screenshot(ARTIFACTS_DIR / f"samenvatting_injectie_{name}.png")
            report = session.report
        assert report.dialogs == [] and report.page_errors == [], report.problems
        assert report.console_errors == []
        assert images == 0
        # shown as text: buurt name, gemeente, notes, stories, assets, wijkschouw, source
        assert text.count(INJECTED) >= 8, text
        assert INJECTED in title
        assert set(samenvatting.SECTIONS) | {"oefendata"} <= set(ids)


@pytest.mark.browser
def test_practice_page_prints_in_chromium(vragen, tmp_path):
    from browser import ARTIFACTS_DIR, browse

    page = samenvatting.summary_html(make_result(vragen), BUURTEN, "Noord",
                                     questionnaire=vragen)
    path = samenvatting.save_summary(page, tmp_path / "noord.html")
    with browse(Path(path)) as session:
        pdf = session.page.pdf(path=str(ARTIFACTS_DIR / "samenvatting_noord.pdf"), format="A4")
        width = session.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        report = session.report
    assert report.problems == [] and report.dialogs == []
    assert width  # nothing sticks out to the right
    assert 1 <= len(re.findall(rb"/Type\s*/Page\b", pdf)) <= 3


# --------------------------------------------------------------------------- secondary


THREE = BUURTEN.iloc[:3].copy()
THREE.attrs.update(BUURTEN.attrs)


def three_buurten(vragen, sizes=(53, 36, 1)):
    """Answers with exactly ``sizes`` respondents in Noord, Oost and Zuid."""
    answers = practice.practice_responses(THREE, seed=4, questionnaire=vragen, n=400)
    parts = [answers[answers["buurtcode"] == code].head(size)
             for code, size in zip(THREE["code"], sizes, strict=True)]
    data = pd.concat(parts, ignore_index=True)
    assert data["buurtcode"].value_counts().to_dict() == dict(
        zip(THREE["code"], sizes, strict=True))
    data.attrs.update(answers.attrs)
    return data


def test_no_number_on_the_page_gives_a_small_buurt_away(vragen):
    answers = three_buurten(vragen)
    result = resultaten.Vertellen(gemeente="Oefenstad", antwoorden=answers, kaartnotities=None,
                                  verhalen=None, krachten=None)
    page = samenvatting.summary_html(result, THREE, questionnaire=vragen, min_n=10)
    who = {text for cls, text in cells(page)["wie"] if cls == "n"}
    assert "53" in who and "36" not in who and "1" not in who
    assert "niet getoond" in who and "<10" in who
    total = int(re.search(r"deden <strong>([\d.]+)</strong>", page).group(1))
    assert total - 53 >= 10  # Oost and Zuid together, not Zuid alone
    assert "Oost" in section(page, "wie") and "terugrekenen" in section(page, "wie")
    survey_part = section(page, "enquete")
    assert "verborgen om terugrekenen te voorkomen" in survey_part
    # per scale: the whole area minus the visible buurten is never one small buurt
    shown = scores.scale_scores(answers, vragen, min_n=10)
    for schaal, part in shown.groupby("schaal"):
        area = part[part["buurtcode"] == "totaal"].iloc[0]
        visible = part[(part["buurtcode"] != "totaal") & ~part["verborgen"]]
        assert area["verborgen"] or int(area["n"]) - int(visible["n"].sum()) >= 10, schaal
        assert "BU00010002" not in set(visible["buurtcode"])
    for text in re.findall(r"n = (\d+)", page):
        assert int(text) >= 10
    # the pages of single buurten do not give Zuid away either
    for buurt in ("Noord", "Oost", "Zuid"):
        single = samenvatting.summary_html(result, THREE, buurt, questionnaire=vragen,
                                           min_n=10)
        assert_no_small_survey_numbers(single, 10)
        assert "deden <strong>36</strong>" not in single
    oost = samenvatting.summary_html(result, THREE, "Oost", questionnaire=vragen, min_n=10)
    assert "tonen we niet" in oost


def test_total_respondents_in_the_sources_never_below_the_minimum(vragen):
    answers = three_buurten(vragen, (5, 2, 1))
    result = resultaten.Vertellen(gemeente="Oefenstad", antwoorden=answers, kaartnotities=None,
                                  verhalen=None, krachten=None)
    page = samenvatting.summary_html(result, THREE, questionnaire=vragen, min_n=10)
    sources = section(page, "bronnen")
    assert "Bewonersenquête: minder dan 10 respondenten" in sources
    assert "8 respondenten" not in sources
    big = samenvatting.summary_html(make_result(vragen), BUURTEN, questionnaire=vragen,
                                    min_n=10)
    assert re.search(r"Bewonersenquête: \d+ respondenten", section(big, "bronnen"))


def test_stories_and_notes_without_buurt_on_the_whole_page(vragen):
    result = make_result(vragen)
    stories = verhalen.add_story(verhalen.new_stories(), None,
                                 "Overal in de stad is het park te ver weg.", "gesprek")
    notes = kn.add_note(kn.new_notes(), "idee", "Meer bankjes overal", lat=52.1, lon=5.1)
    notes["buurtcode"] = pd.Series([pd.NA], dtype="str")
    result.verhalen = themas.confirm_themes(themas.suggest_themes(stories), "alle")
    result.kaartnotities = notes
    page = samenvatting.summary_html(result, BUURTEN, questionnaire=vragen, min_n=10)
    assert "park te ver weg" in section(page, "themas")
    assert "Zonder buurt (hele gebied)" in section(page, "kaartnotities")
    assert "Meer bankjes overal" in section(page, "kansen-knelpunten")
    assert "Verhalen: 1 in dit gebied" in section(page, "bronnen")
    # a page for one buurt leaves them out, and says why
    noord = samenvatting.summary_html(result, BUURTEN, "Noord", questionnaire=vragen,
                                      min_n=10)
    assert "park te ver weg" not in noord
    assert "Er zijn nog geen verhalen uit dit gebied" in section(noord, "themas")


def test_page_template_shows_template_syntax_literally(vragen, tmp_path, monkeypatch):
    monkeypatch.delenv("WIJKLIB_SJABLONEN", raising=False)
    attack = "{{ 7*7 }} {% for x in range(3) %}x{% endfor %} {# :-)"
    result = make_result(vragen)
    result.gemeente = attack
    page = samenvatting.summary_html(result, BUURTEN, "Noord", naam=attack,
                                     questionnaire=vragen, min_n=10)
    shown = str(escape(attack))  # braces as character references, as on the maps
    assert f"<title>Wat vertellen bewoners? {shown}" in page and " xxx " not in page
    own = tmp_path / "sjablonen"
    own.mkdir()
    (own / "wat-vertellen-bewoners.html.j2").write_text("<h1>{{ titel }}</h1>", "utf-8")
    monkeypatch.setenv("WIJKLIB_SJABLONEN", str(own))
    assert samenvatting.summary_html(result, BUURTEN, "Noord", naam="<b>", questionnaire=vragen,
                                     min_n=10) == "<h1>Wat vertellen bewoners? &lt;b&gt;</h1>"


def test_a_trainer_can_change_one_block_of_a_copied_template_and_values_stay_escaped(
        vragen, tmp_path, monkeypatch):
    from wijklib.guarantees.rendering import TEMPLATES

    monkeypatch.delenv("WIJKLIB_SJABLONEN", raising=False)
    attack = "{{ 7*7 }}" + INJECTED
    result = make_result(vragen, text=attack)
    args = dict(questionnaire=vragen, min_n=10, made_on=date(2026, 3, 14))
    ours = samenvatting.summary_html(result, BUURTEN, "Noord", **args)
    copied = (TEMPLATES / "wat-vertellen-bewoners.html.j2").read_text("utf-8")
    start = copied.index("{%- block krachten -%}")
    end = copied.index("{%- endblock -%}", start) + len("{%- endblock -%}")
    own = tmp_path / "sjablonen"
    own.mkdir()
    (own / "wat-vertellen-bewoners.html.j2").write_text(
        copied[:start] + '{%- block krachten -%}<section id="krachten"><h2>Onze krachten'
        "</h2><ul>{% for rij in krachten.rijen %}<li>{{ rij[0].tekst }}: "
        "{% for v in rij[2].voorbeelden %}{{ v.tekst }} ({{ v.kort }}) {% endfor %}</li>"
        "{% endfor %}</ul></section>{%- endblock -%}" + copied[end:], "utf-8")
    monkeypatch.setenv("WIJKLIB_SJABLONEN", str(own))
    page = samenvatting.summary_html(result, BUURTEN, "Noord", **args)
    assets = section(page, "krachten")
    assert "<h2>Onze krachten</h2>" in assets and "<h2>Krachten van de buurt" not in page
    assert f"<li>Plekken: Bibliotheek {escape(attack)} (taalcafé {escape(attack)}) </li>" in (
        assets)
    assert "49" not in assets and "<img" not in page
    # every other section is the workbook's own
    for name in (*[s for s in samenvatting.SECTIONS if s != "krachten"], "oefendata"):
        assert f'id="{name}"' in page
    assert section(page, "enquete") == section(ours, "enquete")
    assert section(page, "bronnen") == section(ours, "bronnen")


def test_the_reflection_of_notebook_2_is_on_the_page_as_text(vragen):
    result = make_result(vragen)
    assert 'id="reflectie"' not in samenvatting.summary_html(result, BUURTEN, "Noord",
                                                             questionnaire=vragen, min_n=10)
    result.reflectie = ("Ik hoorde meer over eenzaamheid dan ik dacht.\n\n"
                        "{{ 7*7 }} {% for x in range(3) %}x{% endfor %} {# :-)\n" + INJECTED)
    for gebied in ("Noord", None):
        page = samenvatting.summary_html(result, BUURTEN, gebied, questionnaire=vragen,
                                         min_n=10)
        part = re.search(r'<section id="reflectie">(.*?)</section>', page, re.S).group(1)
        assert "<h2>Reflectie: wat ik meeneem</h2>" in part
        assert "<p>Ik hoorde meer over eenzaamheid dan ik dacht.</p>" in part
        line = str(escape("{{ 7*7 }} {% for x in range(3) %}x{% endfor %} {# :-)"))
        assert f"<p>{line}<br>{escape(INJECTED)}</p>" in part
        assert "49" not in part and "xxx" not in part and "<img" not in page
        assert page.index('id="krachten"') < page.index('id="reflectie"') < page.index(
            'id="bronnen"')


def test_examples_keep_their_small_source_label(vragen):
    page = samenvatting.summary_html(make_result(vragen), BUURTEN, "Noord",
                                     questionnaire=vragen, min_n=10)
    assert "Groot grasveld <small>(wijkschouw)</small>" in section(page, "kansen-knelpunten")
    assert "Bibliotheek <small>— taalcafé</small>" in section(page, "krachten")
    assert "&lt;small&gt;" not in page
