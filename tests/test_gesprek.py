"""The conversation in the notebooks: reflections, the step to one's own situation, and
the Bespreek blocks and timings of the three sessions (read from the notebooks' JSON and
the trainer guide)."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from wijklib.notebook import gesprek

ROOT = Path(__file__).resolve().parents[1]


# ----------------------------------------------------------------------- the library


def test_reflection_is_what_was_typed_and_nothing_else():
    assert gesprek.reflection_text(...) == ""  # the participant's stub: not filled in
    assert gesprek.reflection_text("", None, "   ", [], 3) == ""
    assert gesprek.reflection_text("  Ik neem mee:\n  de buurt kent zichzelf.  ") == (
        "Ik neem mee:\n  de buurt kent zichzelf.")
    assert gesprek.reflection_text(["Eén.", "", "Twee."], "Drie.") == "Eén.\nTwee.\n\nDrie."
    assert gesprek.reflection_text("<b>{{ x }}</b>") == "<b>{{ x }}</b>"  # escaped on export


def test_a_reflection_keeps_no_personal_data_and_says_so():
    """A reflection is saved, shown in the buurtprofiel and collected by the group mode:
    a resident's name or phone number in it is masked when it is written, and said."""
    text = gesprek.reflection_text("Ik bel mevrouw Jansen (06 - 1234 5678) over de schouw.")
    assert text == "Ik bel [weggehaald] ([weggehaald]) over de schouw."
    status = gesprek.reflection_status(text, "met je keuzes")
    assert "persoonsgegevens" in status and "[weggehaald]" in status
    assert "persoonsgegevens" not in gesprek.reflection_status("Mooi.", "met je keuzes")


def test_earlier_reflections_are_shown_per_session_or_said_to_be_missing():
    class Saved:  # the attribute notebook 3 reads from resultaten.load_vertellen
        reflectie = "Bewoners zien kansen die de cijfers missen."

    text = gesprek.earlier_reflections({"reflectie": "Cijfers zijn een begin."}, Saved())
    assert "Sessie 1 (Tellen), jouw reflectie:\n    Cijfers zijn een begin." in text
    assert "Sessie 2 (Vertellen), jouw reflectie:" in text and "kansen" in text
    assert "Geen probleem" not in text
    none = gesprek.earlier_reflections(None, None)
    assert "Sessie 1 (Tellen): geen reflectie gevonden." in none
    assert "Sessie 2 (Vertellen): geen reflectie gevonden." in none
    assert "Voer die notebooks uit" in none
    half = gesprek.earlier_reflections({"reflectie": ""}, Saved())
    assert "Sessie 1 (Tellen): geen reflectie gevonden." in half and "Geen probleem" not in half


def test_own_situation_makes_a_plan_of_what_was_filled_in_and_names_the_rest():
    empty = gesprek.own_situation("Zaanstad", ..., "", [])
    assert empty.tekst == "" and len(empty.nog_invullen) == 3
    assert "Nog invullen" in str(empty) and "eigen_instrument" in str(empty)
    plan = gesprek.own_situation("Zaanstad", "een wijkschouw", "de CBS-kerncijfers",
                                 ["bewoners", "woningcorporatie", "wijkagent"])
    assert plan.tekst == ("In mijn eigen situatie (Zaanstad): ik begin met een wijkschouw; "
                          "ik gebruik de CBS-kerncijfers; ik werk samen met bewoners, "
                          "woningcorporatie en wijkagent.")
    assert plan.nog_invullen == [] and "Nog invullen" not in str(plan)
    half = gesprek.own_situation("", "een verhalenavond", ..., "welzijn")
    assert half.tekst == ("In mijn eigen situatie (gemeente nog invullen): ik begin met een "
                          "verhalenavond; ik werk samen met welzijn.")
    assert [h.split(":")[0] for h in half.nog_invullen] == ["eigen_gemeente", "eigen_gegevens"]


def test_reflection_status_says_whether_and_where_it_is_kept():
    assert gesprek.reflection_status("Twee woorden", "met je werk") == (
        "Je reflectie (2 woorden) wordt bewaard met je werk.")
    assert "woord)" in gesprek.reflection_status("Eén", "hier")
    empty = gesprek.reflection_status("", "met je werk")
    assert "geen reflectie" in empty and "aanhalingstekens" in empty


def test_threats_and_opportunities_side_by_side_for_one_buurt():
    import pandas as pd

    from wijklib.vertellen import kansen

    notes = pd.DataFrame({
        "categorie": ["knelpunt", "kans", "onveilige plek", "knelpunt", "idee",
                      "favoriete plek", "kans", "knelpunt"],
        "tekst": ["Afval bij de flat", "Leeg winkelpand", "Donker pad", "Afval bij de flat",
                  "Bankje bij het water", "Het park", "Ander buurt", "  "],
        "buurtcode": ["BU1", "BU1", "BU1", "BU1", "BU1", "BU1", "BU2", "BU1"],
    })
    assets = pd.DataFrame({"naam_of_omschrijving": ["Moestuinclub", "Sportclub"],
                           "soort": ["verenigingen", "verenigingen"],
                           "buurtcode": ["BU1", "BU2"]})
    table = kansen.side_by_side(notes, "BU1", krachten=assets)
    assert list(table.columns) == [kansen.LEFT, kansen.RIGHT]
    assert list(table[kansen.LEFT]) == ["Afval bij de flat (knelpunt, 2 keer)",
                                        "Donker pad (onveilige plek)", "", ""]
    assert set(table[kansen.RIGHT]) == {"Leeg winkelpand (kans)", "Bankje bij het water (idee)",
                                        "Het park (favoriete plek)",
                                        "Moestuinclub (kracht: verenigingen)"}
    assert not table.isna().any().any()  # padded with empty text, never NaN
    assert table.attrs["aantallen"] == {kansen.LEFT: 4, kansen.RIGHT: 4}
    everything = kansen.side_by_side(notes)
    assert "Ander buurt (kans)" in set(everything[kansen.RIGHT])
    none = kansen.side_by_side(notes.iloc[0:0], "BU1")
    assert len(none) == 0 and list(none.columns) == [kansen.LEFT, kansen.RIGHT]



# ----------------------------------------------------------------------- the notebooks

NOTEBOOKS = {
    1: "01_tellen_gebiedsanalyse.ipynb",
    2: "02_vertellen_bewonersperspectief.ipynb",
    3: "03_tellen_en_vertellen_buurtagenda.ipynb",
}
#: Words of the session's questions that a Bespreek block of that notebook must use.
SESSION_WORDS = {
    1: ["ervaring", "wat zeggen de cijfers **niet**", "voordelen", "beperkingen"],
    2: ["ervaring", "bedreigingen", "kansen", "gebiedsagenda"],
    3: ["draagvlak", "samenwerking", "ervaring"],
}
BESPREEK = re.compile(r"\*\*Bespreek \((in tweetallen|plenair), (\d+) minuten\)")
VOORBEELD = re.compile(
    r"\*\*Voorbeeld uit de praktijk \((?:in tweetallen|plenair), (\d+) minuten\)")
#: Where the reflection is kept: the cell that saves it must come after the reflection.
SAVED_BY = {1: "resultaten.save_tellen(", 2: "resultaten.save_vertellen(",
            3: "agenda_export.save_export("}


def _cells(number: int, participant: bool = False) -> list[dict]:
    folder = ROOT / "notebooks" if participant else ROOT / "notebooks" / "oplossingen"
    return json.loads((folder / NOTEBOOKS[number]).read_text("utf-8"))["cells"]


def _src(cell: dict) -> str:
    return "".join(cell["source"])


def _blocks(number: int, pattern: re.Pattern) -> list[tuple[int, str, int]]:
    """(cell index, text, minutes) of every markdown cell with a timed block."""
    found = []
    for i, cell in enumerate(_cells(number)):
        if cell["cell_type"] == "markdown":
            for match in pattern.finditer(_src(cell)):
                found.append((i, _src(cell), int(match.groups()[-1])))
    return found


@pytest.mark.parametrize(("number", "at_least"), [(1, 3), (2, 3), (3, 4)])
def test_every_notebook_has_timed_bespreek_blocks_with_the_session_questions(number,
                                                                            at_least):
    blocks = _blocks(number, BESPREEK)
    assert len(blocks) >= at_least, [b[1][:80] for b in blocks]
    assert all(0 < minutes <= 15 for _, _, minutes in blocks)
    text = "\n".join(b[1] for b in blocks).casefold()
    missing = [w for w in SESSION_WORDS[number] if w.casefold() not in text]
    assert not missing, f"notebook {number}: no Bespreek block about {missing}"
    assert len(_blocks(number, VOORBEELD)) == 1  # one slot for an example from practice


def test_notebook_1_ends_with_the_advantages_and_limits_of_a_top_down_view():
    cells = _cells(1)
    profile = next(i for i, c in enumerate(cells) if _src(c).startswith("## 8."))
    after = [_src(c) for c in cells[profile:] if c["cell_type"] == "markdown"]
    table = next(t for t in after if "| voordelen | beperkingen |" in t)
    rows = [r for r in table.splitlines() if r.startswith("| ") and "---" not in r][1:]
    assert len(rows) >= 4 and all(r.count("|") == 3 for r in rows)  # both sides each row
    assert "top-down" in table and "van bovenaf" in table
    assert any(BESPREEK.search(t) and "voordelen en beperkingen" in t for t in after)


def _reflection_cell(cells: list[dict]) -> int:
    hits = [i for i, c in enumerate(cells)
            if c["cell_type"] == "code" and "mijn_reflectie = (" in _src(c)]
    assert len(hits) == 1, hits
    return hits[0]


def _typed_reflection(source: str) -> str:
    """The value the cell gives ``mijn_reflectie`` (the cell itself is not run here)."""
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == \
                "mijn_reflectie":
            return ast.literal_eval(node.value)
    raise AssertionError("mijn_reflectie is not assigned")


@pytest.mark.parametrize("number", [1, 2, 3])
def test_the_reflection_is_written_before_it_is_saved_and_empty_for_participants(number):
    cells = _cells(number)
    at = _reflection_cell(cells)
    assert "gesprek.reflection_text(mijn_reflectie" in _src(cells[at])
    assert "oplossing" in cells[at]["metadata"]["tags"]
    saves = [i for i, c in enumerate(cells) if SAVED_BY[number] in _src(c)]
    assert saves and all(i > at for i in saves), "the reflection comes after it is saved"
    assert _typed_reflection(_src(cells[at]))  # the solution shows an example
    own = _cells(number, participant=True)
    assert _typed_reflection(_src(own[_reflection_cell(own)])) == ""  # not prefilled
    reflectie_in = {1: "reflectie=reflectie)", 2: "resultaat.reflectie = ",
                    3: "agenda.reflectie = reflectie"}[number]
    assert reflectie_in in "".join(_src(c) for c in cells)


def test_notebook_3_shows_the_earlier_reflections_and_translates_to_own_situation():
    cells = _cells(3)
    sources = [_src(c) for c in cells]
    shown = next(i for i, s in enumerate(sources) if "gesprek.earlier_reflections(" in s)
    loaded = max(i for i, s in enumerate(sources) if "resultaten.load_vertellen()" in s)
    assert shown > loaded
    step = next(i for i, s in enumerate(sources) if s.startswith("### Vertalen naar je eigen"))
    assert all(w in sources[step] for w in ("instrument", "gegevens", "partners"))
    assert "gesprek.own_situation(" in sources[step + 1]
    assert "eigen_situatie.tekst" in sources[_reflection_cell(cells)]
    own = "".join(_src(c) for c in _cells(3, participant=True))
    assert "Poelenburg" not in own.split("### Vertalen naar je eigen")[1].split("## 5.")[0]


# ----------------------------------------------------------------------- the timings

SESSIONS = {1: "Sessie 1", 2: "Sessie 2", 3: "Sessie 3"}
TIME = re.compile(r"^\| (\d):(\d\d)–(\d):(\d\d) \| (\d+) \| (.+) \| "
                  r"(zelf doen|gesprek|voorbeeld) \|$")


def _timetable(text: str) -> list[tuple[int, int, int, str, str]]:
    """(start, end, minutes, onderdeel, soort) of every row of the first time table."""
    rows = []
    for line in text.splitlines():
        match = TIME.match(line.strip())
        if match:
            h1, m1, h2, m2, minutes, what, kind = match.groups()
            rows.append((60 * int(h1) + int(m1), 60 * int(h2) + int(m2), int(minutes),
                         what, kind))
        elif rows and not line.startswith("|"):
            break
    return rows


def _guide_tables() -> dict[int, list]:
    guide = (ROOT / "docs" / "trainershandleiding.md").read_text("utf-8")
    section = guide.split("## Tijdsindeling van een sessie van twee uur")[1].split("\n## ")[0]
    parts = section.split("### ")[1:]
    return {n: _timetable(next(p for p in parts if p.startswith(SESSIONS[n])))
            for n in SESSIONS}


@pytest.mark.parametrize("number", [1, 2, 3])
def test_each_session_is_two_hours_with_30_to_40_minutes_of_examples_and_exchange(number):
    rows = _guide_tables()[number]
    assert rows and rows[0][0] == 0 and rows[-1][1] == 120
    for (_, end, _, _, _), (start, _, _, _, _) in zip(rows, rows[1:], strict=False):
        assert end == start  # no gaps, no overlaps
    assert all(end - start == minutes for start, end, minutes, _, _ in rows)
    assert sum(r[2] for r in rows) == 120
    exchange = sum(r[2] for r in rows if r[4] in ("gesprek", "voorbeeld"))
    assert 30 <= exchange <= 40
    assert any(r[4] == "voorbeeld" for r in rows)


@pytest.mark.parametrize("number", [1, 2, 3])
def test_the_notebook_introduction_says_the_same_times_as_the_trainer_guide(number):
    cells = _cells(number)
    intro = next(_src(c) for c in cells[:3] if _src(c).startswith("### Tijdsindeling"))
    assert _timetable(intro) == _guide_tables()[number]
    assert "| onderdeel | tijd |" not in _src(cells[0])  # the old table is gone
    # the blocks in the notebook take the time the table gives the conversation
    talk = sum(m for _, _, m in _blocks(number, BESPREEK) + _blocks(number, VOORBEELD))
    assert talk == sum(r[2] for r in _guide_tables()[number] if r[4] != "zelf doen")


# ----------------------------------------------------------------------- the trainer cell


def _trainer_cell() -> str:
    cells = _cells(3)
    heading = next(i for i, c in enumerate(cells)
                   if _src(c).startswith("## Voor de trainer: de agenda's van de groep"))
    assert heading == len(cells) - 2 and cells[-1]["cell_type"] == "code"
    return _src(cells[-1])


def _run_trainer_cell(export: Path) -> tuple[str, list]:
    """Run the notebook's trainer cell as it is, with the names notebook 3 defined."""
    import contextlib
    import io

    from wijklib.notebook import download_link, export_dir

    shown: list = []
    names = {"export_dir": export_dir, "download_link": download_link,
             "display": shown.append, "gemeente_naam": "Utrecht", "BUURTCODE": "BU03440311"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(_trainer_cell(), "trainer-cel", "exec"), names)  # noqa: S102
    return out.getvalue(), shown


def test_the_trainer_cell_without_files_says_where_to_put_them(tmp_path, monkeypatch):
    monkeypatch.setenv("WIJKLIB_DATA", str(tmp_path))  # the group folder is data/groep
    monkeypatch.setenv("WIJKLIB_EXPORT", str(tmp_path / "export"))
    monkeypatch.delenv("WIJKLIB_GROEP", raising=False)
    text, shown = _run_trainer_cell(tmp_path / "export")
    assert "Nog geen agenda's van deelnemers" in text and str(tmp_path / "groep") in text
    assert shown == [] and not (tmp_path / "export" / "groep").exists()


def test_the_trainer_cell_sums_the_dots_of_the_participants(tmp_path, monkeypatch):
    from wijklib.agenda import state as ag

    folder = tmp_path / "gedeeld"
    folder.mkdir()
    for number, votes in enumerate([{"wonen": 3, "sociaal": 1}, {"wonen": 2, "sociaal": 4},
                                    {"veiligheid": 5}], start=1):
        agenda = ag.new_agenda("Utrecht", ["BU03440311"])
        agenda.priorities = ag.dot_vote(votes)
        agenda.reflectie = f"Reflectie van deelnemer {number}."
        ag.save_state(agenda, folder / f"deelnemer-{number}.json")
    (folder / "kapot.json").write_text("{", "utf-8")
    monkeypatch.setenv("WIJKLIB_EXPORT", str(tmp_path / "export"))
    monkeypatch.setenv("WIJKLIB_GROEP", str(folder))
    text, shown = _run_trainer_cell(tmp_path / "export")
    assert "3 deelnemers meegeteld." in text
    assert "wonen 5 stippen" in text and "sociaal 5 stippen" in text
    assert "veiligheid 5 stippen" in text and "3 reflecties" in text
    assert "Niet meegeteld: kapot.json" in text
    made = tmp_path / "export" / "groep"
    assert (made / "groepsresultaat.md").is_file() and len(shown) == 1
    assert "Reflectie van deelnemer 2." in (made / "groepsresultaat.md").read_text("utf-8")
