"""Verhalen, wijkschouw and strengths: validation, reading files, theme coding, quotes, HTML."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pandas as pd
import pytest

from wijklib.errors import InvalidChoiceError, WijklibError
from wijklib.guarantees.privacy import find_personal, mask_personal
from wijklib.vertellen import krachten, practice, records, themas, verhalen, wijkschouw

INJECTED = "<img src=x onerror=alert(1)>"

SENTENCES = [
    "Mijn woning is vochtig en er zit schimmel in de badkamer.",
    "Er wordt hard gereden, ik ben bang voor de kinderen.",
    "Het CAFÉ op de hoek is dicht, net als de bibliotheek.",
    "We zochten lang naar een eengezinswoning.",
    "Mooi weer vandaag.",
]
#: Fake buurten with names, as from wijklib.gebieden (no geometry needed here).
BUURTEN = pd.DataFrame(
    {
        "code": ["BU03440311", "BU03440312", "BU03440313", "BU03440111"],
        "naam": ["Taag- en Rubicondreef en omgeving", "Tigrisdreef en omgeving",
                 "Zamenhofdreef en omgeving", "Welgelegen, Den Hommel"],
        "water": [False, False, False, False],
    }
)


def stories_from(texts, sources=None, code="BU03440311") -> pd.DataFrame:
    stories = verhalen.new_stories()
    for i, text in enumerate(texts):
        source = (sources or ["gesprek"])[i % len(sources or ["gesprek"])]
        stories = verhalen.add_story(stories, code, text, source)
    return stories


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append(tag)


def tags(page: str) -> list[str]:
    parser = _Tags()
    parser.feed(page)
    return parser.tags


# --------------------------------------------------------------------------- tables and add_*


def test_new_tables_have_fixed_columns():
    assert list(wijkschouw.new_observations().columns) == wijkschouw.OBSERVATION_COLUMNS
    assert list(verhalen.new_stories().columns) == verhalen.STORY_COLUMNS
    assert list(krachten.new_assets().columns) == krachten.ASSET_COLUMNS
    assert verhalen.new_stories().empty


def test_add_helpers_validate_in_dutch():
    stories = verhalen.add_story(verhalen.new_stories(), "bu03440311", "  Fijne   buurt. ",
                                 "Gesprekken")
    assert stories.iloc[0].tolist() == ["BU03440311", "Fijne buurt.", "gesprek"]
    assert pd.isna(verhalen.add_story(stories, None, "Over de hele wijk.", "interview")
                   .loc[1, "buurtcode"])
    with pytest.raises(InvalidChoiceError, match="Bedoel je 'interview'"):
        verhalen.add_story(stories, "BU03440311", "Tekst", "intervieuw")
    with pytest.raises(InvalidChoiceError, match="BU met 8 cijfers"):
        verhalen.add_story(stories, "Overvecht", "Tekst", "gesprek")
    with pytest.raises(records.PersonalDataError, match="telefoonnummer"):
        verhalen.add_story(stories, "BU03440311", "Bel me op 06 12345678", "gesprek")
    obs = wijkschouw.add_observation(wijkschouw.new_observations(), "BU03440311", "speeltuin",
                                     "Hek kapot.",
                                     "knelpunten", "Melden", "gemeente")
    assert obs.loc[0, "soort"] == "knelpunt"
    with pytest.raises(records.PersonalDataError, match="rol of organisatie"):
        wijkschouw.add_observation(obs, "BU03440311", "plein", "Leeg.", "kans", wie="Karin de Boer")
    with pytest.raises(InvalidChoiceError, match="Kies uit: kans, knelpunt, neutraal"):
        wijkschouw.add_observation(obs, "BU03440311", "plein", "Leeg.", "misschien")
    assets = krachten.add_asset(krachten.new_assets(), "BU03440311", "vereniging",
                                "Voetbalclub Blauw-Wit")
    assert assets.loc[0, "soort"] == "verenigingen"  # names of clubs are fine
    with pytest.raises(records.PersonalDataError, match="naam van een persoon"):
        krachten.add_asset(assets, "BU03440311", "mensen", "Fatima El Amrani")
    people = krachten.add_asset(assets, "BU03440311", "mensen", "buurman die fietsen repareert")
    assert len(people) == 2


def test_privacy_masking():
    text = "Mail jan@example.nl, bel 0612345678, woon op de Kanaalweg 12 (3526 KL); meneer De Vries"
    masked, found = mask_personal(text)
    assert found == ["een e-mailadres", "een telefoonnummer", "een postcode",
                     "een adres (straat en huisnummer)", "een naam (meneer, mevrouw …)"]
    for secret in ("jan@", "0612345678", "Kanaalweg 12", "3526 KL", "Vries"):
        assert secret not in masked
    assert mask_personal("In 2024 en 2025 reed lijn 12 vaker.") == (
        "In 2024 en 2025 reed lijn 12 vaker.", [])
    assert find_personal(None) == []


# --------------------------------------------------------------------------- reading files


def test_read_stories_csv_semicolon_windows_encoding(tmp_path):
    path = tmp_path / "verhalen.csv"
    rows = [
        "Buurt;Citaat;Bron;Naam;Tijdstempel",
        "Tigrisdreef en omgeving;Het café is de huiskamer van de buurt.;Gesprek;Jan;1-3-2026",
        "BU03440311;Bel 06-12345678 als het weer gebeurt.;verhalenavond;Piet;1-3-2026",
        "Nergenshuizen;Mooie buurt.;interview;;",
        "BU99999999;Te weinig groen.;babbel;;",
        ";;gesprek;;",
        "BU03440311;Het café is de huiskamer van de buurt.;gesprek;;",
        ";;;;",
    ]
    path.write_bytes("\r\n".join(rows).encode("cp1252"))
    stories, rapport = verhalen.read_stories(path, gebieden=BUURTEN)
    assert list(stories.columns) == verhalen.STORY_COLUMNS
    assert len(stories) == 5  # the row without a story is not used; the empty line is no row
    assert stories.loc[0, "buurtcode"] == "BU03440312"  # name turned into a code
    assert stories.loc[0, "verhaal"] == "Het café is de huiskamer van de buurt."  # é survived
    assert "[weggehaald]" in stories.loc[1, "verhaal"] and "06-" not in stories.loc[1, "verhaal"]
    assert stories["buurtcode"].isna().tolist() == [False, False, True, True, False]
    assert pd.isna(stories.loc[3, "bron_type"])
    by_row = {(r.rij, r.kolom): r for r in rapport.itertuples()}
    assert by_row[(2, "buurtcode")].gevolg == "aangepast"
    assert by_row[(3, "verhaal")].gevolg == "aangepast"
    assert "herken ik niet" in by_row[(4, "buurtcode")].probleem
    assert "niet bij de gekozen gemeente" in by_row[(5, "buurtcode")].probleem
    assert "Kies uit" in by_row[(5, "bron_type")].probleem
    assert by_row[(6, "verhaal")].gevolg == "rij niet overgenomen"
    assert "rij 2" in by_row[(7, "verhaal")].probleem  # duplicate: kept and flagged
    columns = rapport[rapport["rij"].isna()].set_index("kolom")["gevolg"]
    assert columns["Naam"] == "kolom weggelaten (mogelijk persoonsgegevens)"
    assert columns["Tijdstempel"] == "kolom niet overgenomen"
    assert "Jan" not in rapport.to_string() and "Piet" not in rapport.to_string()
    assert "5 rijen overgenomen" in verhalen.read_stories(path, gebieden=BUURTEN).summary()


def test_read_stories_excel_and_bad_files(tmp_path):
    path = tmp_path / "verhalen.xlsx"
    pd.DataFrame({"buurtcode": ["BU03440311", "BU03440311"],
                  "verhaal": ["De speeltuin is kapot.", "Fijne buren."],
                  "bron_type": ["wijkschouw", "Interviews"]}).to_excel(path, index=False)
    stories, rapport = verhalen.read_stories(path)
    assert stories["bron_type"].tolist() == ["wijkschouw", "interview"] and rapport.empty
    no_story = tmp_path / "zonder.csv"
    no_story.write_text("buurt,bron\nBU03440311,gesprek\n", encoding="utf-8")
    with pytest.raises(records.TableFileError, match="geen kolom 'verhaal'"):
        verhalen.read_stories(no_story)
    empty = tmp_path / "leeg.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(records.TableFileError, match="leeg"):
        verhalen.read_stories(empty)
    (tmp_path / "verhalen.docx").write_bytes(b"PK")
    with pytest.raises(records.TableFileError, match="csv- en .xlsx"):
        verhalen.read_stories(tmp_path / "verhalen.docx")
    with pytest.raises(records.TableFileError, match="bestaat niet"):
        verhalen.read_stories(tmp_path / "weg.csv")
    header_only = tmp_path / "kop.csv"
    header_only.write_text("verhaal,buurtcode\n", encoding="utf-8")
    stories, rapport = verhalen.read_stories(header_only)
    assert stories.empty and rapport["kolom"].tolist() == ["", "bron_type"]
    assert "alleen een kopregel" in rapport["probleem"].iloc[0]  # said, not silent


def test_read_observations_and_assets(tmp_path):
    obs_path = tmp_path / "schouw.csv"
    obs_path.write_text(
        "buurtcode,plek,waarneming,soort,actie,wie\n"
        "BU03440311,plein,Veel zwerfafval.,knelpunt,Melden,Karin de Boer\n"
        "BU03440311,speeltuin,Nieuw en druk bezocht.,positief,,bewonersgroep\n",
        encoding="utf-8",
    )
    obs, rapport = wijkschouw.read_observations(obs_path)
    assert obs["soort"].tolist() == ["knelpunt", "kans"]
    assert obs.loc[0, "wie"] == "[weggehaald]" and "Karin" not in rapport.to_string()
    assets_path = tmp_path / "krachten.csv"
    assets_path.write_text(
        "buurtcode;soort;naam_of_omschrijving;kort\n"
        "BU03440311;mensen;Ahmed Benali;kookt voor de buurt\n"
        "BU03440311;club;Voetbalclub Blauw-Wit;veel jeugdleden\n",
        encoding="utf-8",
    )
    assets, rapport = krachten.read_assets(assets_path)
    assert assets["naam_of_omschrijving"].tolist() == ["[weggehaald]", "Voetbalclub Blauw-Wit"]
    assert assets["soort"].tolist() == ["mensen", "verenigingen"]
    assert rapport["gevolg"].tolist() == ["aangepast"]


# --------------------------------------------------------------------------- themes


def test_suggest_themes_on_known_sentences():
    suggestions = themas.suggest_themes(stories_from(SENTENCES))
    found = suggestions.groupby("verhaal_nr")["thema"].apply(lambda s: set(s.dropna()))
    assert found[0] == {"wonen"}
    words = suggestions.set_index(["verhaal_nr", "thema"])["woorden"]
    assert words[(0, "wonen")] == "woning, vochtig, schimmel"  # the words as written
    assert {"veiligheid", "jeugd"} <= found[1]
    assert "voorzieningen" in found[2] and "CAFÉ" in words[(2, "voorzieningen")]
    assert found[3] == {"wonen"}  # *woning* also finds eengezinswoning
    assert found[4] == set()  # no keyword: one row with an empty theme, not dropped
    assert suggestions["verhaal_nr"].nunique() == len(SENTENCES)
    assert "bevestigd" not in suggestions.columns  # only suggestions, no verdict


def test_themes_list_is_adaptable():
    themes = themas.load_themes()
    assert {"wonen", "veiligheid", "sociaal", "voorzieningen", "leefomgeving", "jeugd",
            "gezondheid", "werk en inkomen"} <= set(themes["thema"])
    assert all(len(words) >= 5 for words in themes["trefwoorden"])
    own = themas.suggest_themes(stories_from(["Meer stadsgroen graag", "Een boom"]),
                            themes={"groen": ["*groen*", "boom"]})
    assert own["thema"].tolist() == ["groen", "groen"]


def test_confirmation_is_required_and_recorded():
    suggestions = themas.suggest_themes(stories_from(SENTENCES))
    with pytest.raises(InvalidChoiceError, match="confirm_themes"):
        themas.count_themes(suggestions)
    untouched = themas.confirm_themes(suggestions, {})
    with pytest.raises(WijklibError, match="nog geen enkel verhaal bekeken"):
        themas.count_themes(untouched)
    coded = themas.confirm_themes(suggestions, {0: ["wonen", "gezondheid"], 1: ["jeugd"], 4: []})
    rows = coded.set_index(["verhaal_nr", "thema"])
    assert rows.loc[(0, "wonen"), "besluit"] == "bevestigd"
    assert rows.loc[(0, "gezondheid"), "besluit"] == "toegevoegd"
    assert not rows.loc[(0, "gezondheid"), "voorgesteld"]
    assert rows.loc[(1, "veiligheid"), "besluit"] == "afgewezen"
    assert not rows.loc[(1, "veiligheid"), "bevestigd"]
    assert set(coded.loc[coded["verhaal_nr"] == 2, "besluit"]) == {"nog niet bekeken"}
    assert coded.loc[coded["verhaal_nr"] == 4, "besluit"].tolist() == ["geen thema"]
    counts = themas.count_themes(coded, by=None).set_index("thema")
    assert counts.loc["wonen", "aantal"] == 1 and counts.loc["jeugd", "aantal"] == 1
    assert "veiligheid" not in counts.index  # rejected: does not count
    assert counts["verhalen"].unique().tolist() == [3]  # stories 0, 1 and 4 were looked at
    assert themas.count_themes(coded).attrs["niet_bekeken"] == 2
    # a second round keeps the first decisions
    again = themas.confirm_themes(coded, {2: ["voorzieningen"]})
    assert themas.count_themes(again, by=None)["verhalen"].iloc[0] == 4
    assert again.loc[again["verhaal_nr"] == 0, "besluit"].tolist() == ["bevestigd", "toegevoegd"]
    with pytest.raises(InvalidChoiceError, match="Bedoel je 'wonen'"):
        themas.confirm_themes(suggestions, {0: ["wonnen"]})
    with pytest.raises(InvalidChoiceError, match="verhaal_nr"):
        themas.confirm_themes(suggestions, {99: ["wonen"]})
    with pytest.raises(InvalidChoiceError, match="'alle'"):
        themas.confirm_themes(suggestions, "ja")
    everything = themas.confirm_themes(suggestions, "alle")
    assert everything.loc[everything["voorgesteld"], "bevestigd"].all()


def test_count_themes_per_buurt_and_minimum_group_size(monkeypatch):
    stories = pd.concat([stories_from(SENTENCES[:3], code="BU03440311"),
                         stories_from(SENTENCES[:2], code="BU03440312")], ignore_index=True)
    coded = themas.confirm_themes(themas.suggest_themes(stories), "alle")
    counts = themas.count_themes(coded).set_index(["buurtcode", "thema"])
    assert counts.loc[("BU03440311", "wonen"), "aantal"] == 1
    assert counts.loc[("BU03440312", "voorzieningen"), "aantal"] == 0  # a real zero
    assert counts.loc[("BU03440312", "wonen"), "verhalen"] == 2

    hidden = themas.count_themes(coded, min_n=3).set_index(["buurtcode", "thema"])
    assert hidden.loc["BU03440312", "aantal"].isna().all()
    assert hidden.loc["BU03440312", "verhalen"].isna().all()
    assert hidden.loc["BU03440311", "aantal"].notna().all()
    monkeypatch.setenv("WIJKLIB_MIN_GROEP", "4")
    assert themas.count_themes(coded, min_n="standaard")["aantal"].isna().all()


def test_pick_quotes_short_diverse_reproducible():
    long = "Het is hier echt heel erg vies, overal ligt afval en " + "niemand ruimt het op. " * 12
    long = long.strip()
    texts = [long, "Afval naast de containers.", "Zwerfafval in het park.",
             "Vuilnis op straat.", "De containers zijn vol."]
    stories = stories_from(texts, sources=["gesprek", "gesprek", "interview", "gesprek",
                                           "verhalenavond"])
    coded = themas.confirm_themes(themas.suggest_themes(stories), "alle")
    picks = themas.pick_quotes(coded, "leefomgeving", k=3, seed=1)
    assert len(picks) == 3 and long not in picks["verhaal"].tolist()  # short ones first
    assert picks["bron_type"].nunique() == 3  # one of each kind of source
    assert picks.equals(themas.pick_quotes(coded, "leefomgeving", k=3, seed=1))
    assert picks.attrs["beschikbaar"] == 5
    everything = themas.pick_quotes(coded, "leefomgeving", k=10)
    assert everything["verhaal"].iloc[-1] == long  # long quotes only when needed, unchanged
    assert themas.pick_quotes(coded, "leefomgeving", buurtcode="BU03440312").empty
    twice = pd.concat([stories, stories_from(["Vuilnis op straat."], code="BU03440312")],
                      ignore_index=True)
    twice = themas.confirm_themes(themas.suggest_themes(twice), "alle")
    assert themas.pick_quotes(twice, "leefomgeving", k=10)["verhaal"].is_unique
    assert themas.pick_quotes(coded, "jeugd").empty
    with pytest.raises(InvalidChoiceError, match="Bedoel je 'leefomgeving'"):
        themas.pick_quotes(coded, "leefomgeveng")
    unconfirmed = themas.confirm_themes(themas.suggest_themes(stories), {})
    assert themas.pick_quotes(unconfirmed, "leefomgeving").empty  # never quote unconfirmed


# --------------------------------------------------------------------------- strengths, HTML


def test_assets_overview_counts_per_kind():
    assets = krachten.new_assets()
    assets = krachten.add_asset(assets, "BU03440311", "plekken", "buurthuis")
    assets = krachten.add_asset(assets, "BU03440311", "plekken", "park")
    assets = krachten.add_asset(assets, "BU03440312", "economie", "bakker")
    table = krachten.assets_overview(assets).set_index("buurtcode")
    assert list(table.columns) == [*krachten.ASSET_KINDS, "totaal"]
    assert table.loc["BU03440311", "plekken"] == 2 and table.loc["BU03440311", "mensen"] == 0
    assert table["totaal"].tolist() == [2, 1]
    whole = krachten.assets_overview(assets, by=None)
    assert whole["totaal"].tolist() == [3]
    assert krachten.assets_overview(krachten.new_assets())["totaal"].tolist() == []


def test_html_tables_escape_resident_text():
    stories = stories_from([INJECTED, "Veel afval op straat."])
    coded = themas.confirm_themes(themas.suggest_themes(stories),
                                  {0: ["leefomgeving"], 1: "leefomgeving"})
    page = themas.stories_html(coded, k=5)
    assert INJECTED not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "img" not in tags(page)
    assert "2 van 2" in page and "Leefomgeving" in page
    assets = krachten.add_asset(krachten.new_assets(), "BU03440311", "plekken", INJECTED)
    page = krachten.assets_html(assets)
    assert INJECTED not in page and "img" not in tags(page)
    unread = themas.confirm_themes(themas.suggest_themes(verhalen.new_stories()), {})
    empty = themas.stories_html(unread)
    assert "geen bekeken verhalen" in empty


# --------------------------------------------------------------------------- practice data


def test_practice_data_reproducible_labelled_and_balanced():
    stories = practice.practice_stories(BUURTEN, seed=5)
    assert stories.equals(practice.practice_stories(BUURTEN, seed=5))
    assert not stories.equals(practice.practice_stories(BUURTEN, seed=6))
    assert stories.attrs["oefendata"] is True and INJECTED not in stories["verhaal"].tolist()
    assert not stories.duplicated(["buurtcode", "verhaal"]).any()
    assert stories["verhaal"].str.contains("Tigrisdreef|Taag|Zamenhof|Welgelegen|de buurt").any()
    obs = practice.practice_observations(BUURTEN)
    assets = practice.practice_assets(BUURTEN)
    assert {"kans", "knelpunt"} <= set(obs["soort"])  # threats and opportunities
    assert set(assets["soort"]) == set(krachten.ASSET_KINDS)
    for table in (obs, assets):
        assert table.attrs["oefendata"] is True
        assert set(table["buurtcode"]) <= set(BUURTEN["code"])
    coded = themas.confirm_themes(themas.suggest_themes(stories), "alle")
    assert themas.count_themes(coded, by=None)["aantal"].sum() > 0
    many = pd.DataFrame({"code": [f"BU0344{i:04d}" for i in range(40)]})
    picked = practice.practice_stories(many, focus="BU03440039", max_buurten=5)
    assert picked["buurtcode"].nunique() == 5 and "BU03440039" in set(picked["buurtcode"])
    same = practice.practice_assets(many, focus="BU03440039", max_buurten=5)
    assert set(same["buurtcode"]) <= set(picked["buurtcode"])  # the same buurten
    injected = practice.practice_stories(["BU03440311"], include_injection=True)
    assert injected.loc[0, "verhaal"] == INJECTED
    with pytest.raises(InvalidChoiceError, match="buurten"):
        practice.practice_stories(["Utrecht"])


def test_row_numbers_match_excel_with_blank_lines(tmp_path):
    path = tmp_path / "met_lege_regels.csv"
    rows = ["", "verhaal;buurtcode;bron_type",  # header on row 2
            "Mooi park.;BU03440311;gesprek",     # row 3
            "",                                  # row 4: blank
            ";BU03440311;gesprek",               # row 5: no story
            "",
            "Te veel afval.;BU99999999;gesprek"]  # row 7
    path.write_text("\n".join(rows), encoding="utf-8")
    stories, rapport = verhalen.read_stories(path, gebieden=BUURTEN)
    assert len(stories) == 2
    by_row = {(int(r.rij), r.kolom): r for r in rapport.dropna(subset=["rij"]).itertuples()}
    assert by_row[(5, "verhaal")].gevolg == "rij niet overgenomen"
    assert "niet bij de gekozen gemeente" in by_row[(7, "buurtcode")].probleem


@pytest.mark.parametrize("wie", ["Gemeente Utrecht", "Buurtteam Overvecht",
                                 "Woningcorporatie Mitros", "Politie Utrecht",
                                 "Stichting Al Amal", "Bewoners Tigrisdreef"])
def test_organisations_are_allowed_in_wie(wie):
    table = wijkschouw.add_observation(wijkschouw.new_observations(), "BU03440311", "fietspad",
                               "Drie lantaarns doen het niet.", "knelpunt", "melden", wie)
    assert table["wie"].tolist() == [wie]


def test_a_person_in_wie_is_still_refused():
    with pytest.raises(records.PersonalDataError):
        wijkschouw.add_observation(wijkschouw.new_observations(), "BU03440311", "fietspad",
                           "Drie lantaarns doen het niet.", "knelpunt", "melden", "Jan de Vries")


def test_broken_excel_messages_are_dutch(tmp_path):
    path = tmp_path / "verhalen.xlsx"
    pd.DataFrame({"verhaal": ["Fijne buren."]}).to_excel(path, index=False)
    with pytest.raises(records.TableFileError) as info:
        verhalen.read_stories(path, sheet="Blad9")
    message = str(info.value)
    assert "Blad9" in message and "Sheet1" in message and "Worksheet" not in message
    broken = tmp_path / "kapot.xlsx"
    broken.write_bytes(b"PK\x03\x04not really a zip")
    with pytest.raises(records.TableFileError) as info:
        verhalen.read_stories(broken)
    before, _, _ = str(info.value).partition("(technische melding: ")
    assert "beschadigd" in before and "zip" not in before.lower()


@pytest.mark.parametrize("text", ["{{ 7 * 7 }} euro", "50{% korting", "{# :-) #} fijn", "{{ }}"])
def test_html_tables_show_template_syntax_literally(text):
    stories = stories_from([f"Veel afval op straat. {text}"])
    coded = themas.confirm_themes(themas.suggest_themes(stories), {0: ["leefomgeving"]})
    page = themas.stories_html(coded, title=text)
    shown = html.unescape(re.sub(r"<[^>]+>", "", page))
    assert shown.count(text) == 2 and "49" not in shown
    assets = krachten.add_asset(krachten.new_assets(), "BU03440311", "plekken", f"park {text}")
    shown = html.unescape(re.sub(r"<[^>]+>", "", krachten.assets_html(assets, title=text)))
    assert shown.count(text) == 2 and "49" not in shown


def test_the_small_tables_come_from_a_template_a_trainer_can_change(tmp_path, monkeypatch):
    own = tmp_path / "sjablonen"
    own.mkdir()
    (own / "tabel.html.j2").write_text("<p class='eigen'>{{ titel }}: {{ rijen | length }}</p>",
                                       encoding="utf-8")
    monkeypatch.setenv("WIJKLIB_SJABLONEN", str(own))
    assets = krachten.add_asset(krachten.new_assets(), "BU03440311", "plekken", "park")
    assert krachten.assets_html(assets) == "<p class='eigen'>Krachten van de buurt: 5</p>"
