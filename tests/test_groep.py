"""Group mode: twenty participants' agendas become one group result, nothing guessed."""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from wijklib.agenda import groep
from wijklib.agenda import state as ag

THEMES = ["wonen", "veiligheid", "sociaal", "voorzieningen", "leefomgeving"]
AMBITIONS = {
    "wonen": "Minder lege woningen in de buurt.",
    "sociaal": "Meer bewoners kennen elkaar.",
    "veiligheid": "Veilig over straat, ook 's avonds.",
}
CONCLUSIONS = ["Bewoners helpen elkaar veel: een kracht.",
               "Over wonen zeggen cijfers en bewoners iets anders."]


def participant(rng: random.Random, number: int) -> ag.Agenda:
    agenda = ag.new_agenda("Utrecht", ["BU03440311"])
    agenda.buurtnamen = {"BU03440311": "Taag- en Rubicondreef"}
    agenda.priorities = ag.dot_vote({t: rng.randint(0, 5) for t in THEMES} | {"wonen": 1})
    for thema in rng.sample(sorted(AMBITIONS), k=rng.randint(1, 3)):
        text = AMBITIONS[thema]
        if rng.random() < 0.5:  # the same words, written a little differently
            text = "  " + text.upper().rstrip(".") + " "
        agenda.add(ag.Ambitie(thema=thema, ambitie=text, indicator="cohesie", bron="enquete",
                              basiswaarde=5.0, basisjaar=2025, doel=6.0, doeljaar=2027))
    agenda.items.append(ag.Ambitie(thema="groen", ambitie="Voorbeeld: meer groen",
                                   voorbeeld=True))
    for text in rng.sample(CONCLUSIONS, k=rng.randint(0, 2)):
        agenda.verhalen.append(ag.Onderbouwing("overig", text, "groepsgesprek", 2026))
    agenda.verhalen.append(ag.Onderbouwing("verhaal", "Het is hier gezellig.", "enquête", 2025))
    agenda.krachten.append(ag.Kracht("Buurttuin", "plekken"))
    agenda.reflectie = f"Reflectie {number}: de cijfers verrasten me."
    return agenda


@pytest.fixture
def twenty(tmp_path):
    """Twenty participants (some as 'download alles' zips) plus the files that go wrong."""
    rng = random.Random(2026)
    folder = tmp_path / "groep"
    folder.mkdir()
    agendas = []
    for number in range(1, 21):
        agenda = participant(rng, number)
        agendas.append(agenda)
        path = ag.save_state(agenda, tmp_path / f"deelnemer-{number}" / "buurtagenda.json")
        if number % 4 == 0:  # as the zip of notebook 3
            with zipfile.ZipFile(folder / f"deelnemer-{number}.zip", "w") as archive:
                archive.write(path, "buurtagenda.json")
                archive.writestr("tellen.json", "{}")
        else:
            shutil.copy(path, folder / f"deelnemer-{number}.json")
    shutil.copy(folder / "deelnemer-1.json", folder / "deelnemer-1 (1).json")  # uploaded twice
    other = ag.new_agenda("Zaanstad", ["BU04790101"])
    other.priorities = ag.dot_vote({"wonen": 50})
    ag.save_state(other, folder / "andere-gemeente.json")
    (folder / "kapot.json").write_text('{"schema": "wijklib-buurtagenda", "agen', "utf-8")
    (folder / "kapot.zip").write_bytes(b"PK\x03\x04 niet echt")
    (folder / "notities.txt").write_text("geen agenda", "utf-8")  # not a .json/.zip: skipped
    return folder, agendas


def test_twenty_participants_give_summed_dots_and_counted_texts(twenty):
    folder, agendas = twenty
    result = groep.combine([folder])
    assert result.deelnemers == 20
    expected = Counter()
    for agenda in agendas:
        for p in agenda.priorities:
            expected[p.thema] += p.stemmen
    assert result.stemmen == dict(expected)
    assert [p.thema for p in result.agenda.priorities] == [
        t for t, _ in sorted(expected.items(), key=lambda tv: -tv[1])][: len(expected)]
    written = Counter()
    for agenda in agendas:
        for thema in {i.thema for i in ag.decided_items(agenda)}:
            written[thema] += 1
    assert {a.thema: k for a, k in result.ambities} == dict(written)
    assert len(result.ambities) == len(written)  # differently written, the same ambition
    said = Counter(v.tekst for a in agendas for v in a.verhalen if v.bron == "groepsgesprek")
    assert dict(result.conclusies) == dict(said)
    assert len(result.reflecties) == 20
    assert all("voorbeeld" not in a.ambitie.casefold() for a, _ in result.ambities)
    reasons = dict((Path(p).name, r) for p, r in result.overgeslagen)
    twice = {"deelnemer-1 (1).json", "deelnemer-1.json"} & set(reasons)
    assert len(twice) == 1  # one of the two copies, counted once
    assert set(reasons) == twice | {"andere-gemeente.json", "kapot.json", "kapot.zip"}
    assert "één keer geteld" in reasons[twice.pop()]
    assert "gemeente Zaanstad" in reasons["andere-gemeente.json"]
    assert "beschadigd" in reasons["kapot.json"] and "beschadigd" in reasons["kapot.zip"]


def test_the_group_agenda_exports_like_a_personal_one(twenty, tmp_path):
    folder, agendas = twenty
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    result = groep.combine([folder])
    paths = groep.save_group(result, tmp_path / "uit")
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before  # only read
    page = paths["html"].read_text("utf-8")
    assert page.count('<article class="item"') == len(result.ambities)
    rank = {p.thema: p.rang for p in result.agenda.priorities}
    shown = re.findall(r'<article class="item".*?<span class="label">(.*?)</span>', page, re.S)
    assert [rank[t] for t in shown] == sorted(rank[t] for t in shown)  # the summed vote
    assert "Geschreven door" in page and "van de 20 deelnemers" in page
    assert "Voorbeeld: meer groen" not in page
    assert "groepsgesprek, " in page
    overview = paths["overzicht"].read_text("utf-8")
    assert "20 deelnemers meegeteld; 4 bestand(en) niet meegeteld" in overview
    for thema, n in result.stemmen.items():
        assert f"| {thema} | {n} |" in overview
    assert "Reflectie 7: de cijfers verrasten me." in overview
    assert "kapot" not in overview and "deelnemer-" not in overview  # no file names
    assert ag.load_state(paths["state"]) == result.agenda


def test_texts_in_the_group_result_stay_text(tmp_path):
    attack = "{{ 7*7 }} <img src=x onerror=alert(1)> | [x](javascript:alert(1))"
    agenda = ag.new_agenda("Utrecht", ["BU03440311"])
    agenda.priorities = ag.dot_vote({"wonen": 3})
    agenda.add(ag.Ambitie(thema="wonen", ambitie=f"Ambitie {attack}"))
    agenda.verhalen.append(ag.Onderbouwing("overig", f"Conclusie {attack}", "groepsgesprek"))
    agenda.reflectie = f"Reflectie {attack}"
    ag.save_state(agenda, tmp_path / "in" / "a.json")
    paths = groep.save_group(groep.combine([tmp_path / "in"]), tmp_path / "uit")
    for kind in ("html", "markdown", "overzicht"):
        text = paths[kind].read_text("utf-8")
        assert "49" not in text and "<img" not in text, kind
        if kind != "html":
            assert "[x](" not in text and "\\[x\\](" in text, kind


def test_no_usable_file_gives_a_dutch_message(tmp_path):
    (tmp_path / "kapot.json").write_text("{", "utf-8")
    with pytest.raises(groep.GroupError, match="(?s)geen bruikbare agenda's.*kapot.json"):
        groep.combine([tmp_path])
    with pytest.raises(groep.GroupError, match="bestaat niet"):
        groep.combine([tmp_path / "typo.json"])


def test_the_group_folder_comes_from_wijklib_groep(tmp_path, monkeypatch):
    agenda = ag.new_agenda("Utrecht", ["BU03440311"])
    agenda.priorities = ag.dot_vote({"sociaal": 2})
    ag.save_state(agenda, tmp_path / "hub" / "jan.json")
    monkeypatch.setenv("WIJKLIB_GROEP", str(tmp_path / "hub"))
    assert groep.group_folder() == tmp_path / "hub"
    assert groep.combine().stemmen == {"sociaal": 2}


def test_three_participants_through_the_command_line(tmp_path):
    files = []
    for number, votes in enumerate(({"wonen": 3, "sociaal": 2}, {"wonen": 1, "veiligheid": 4},
                                    {"sociaal": 5}), start=1):
        agenda = ag.new_agenda("Utrecht", ["BU03440311"])
        agenda.priorities = ag.dot_vote(votes)
        files.append(ag.save_state(agenda, tmp_path / f"p{number}" / "buurtagenda.json"))
    out = tmp_path / "uit"
    run = subprocess.run([sys.executable, "-m", "wijklib", "groep", *map(str, files),
                          "--uit", str(out)], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parents[1])
    assert run.returncode == 0, run.stderr
    assert "3 deelnemers meegeteld" in run.stdout
    assert "Stippen opgeteld: sociaal 7 stippen, wonen 4 stippen, veiligheid 4 stippen" in (
        run.stdout)
    state = json.loads((out / "buurtagenda-groep.json").read_text("utf-8"))
    assert {p["thema"]: p["stemmen"] for p in state["agenda"]["priorities"]} == {
        "sociaal": 7, "wonen": 4, "veiligheid": 4}
    bad = subprocess.run([sys.executable, "-m", "wijklib", "groep", str(tmp_path / "nee.json")],
                         capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1])
    assert bad.returncode == 1 and "bestaat niet" in bad.stderr and "Traceback" not in bad.stderr


def test_a_gemeente_that_no_file_has_gives_a_dutch_message(tmp_path):
    agenda = ag.new_agenda("Utrecht", ["BU03440311"])
    agenda.priorities = ag.dot_vote({"wonen": 2})
    ag.save_state(agenda, tmp_path / "a.json")
    with pytest.raises(groep.GroupError, match="Geen enkele agenda gaat over"):
        groep.combine([tmp_path], gemeente="Zaanstad")


def test_participants_of_one_buurt_hand_in_without_overwriting_each_other(tmp_path, monkeypatch):
    """On a hub everyone works on the same buurt: each hand-in gets a name of its own, a
    second hand-in replaces one's own earlier file, and the group mode counts each once."""
    folder = tmp_path / "groep"
    monkeypatch.setenv("WIJKLIB_GROEP", str(folder))
    rng = random.Random(13)
    handed: dict[str, ag.Agenda] = {}
    for user in ("wkdeeln1", "wkdeeln2", "wkdeeln1"):  # wkdeeln1 hands in twice
        monkeypatch.setenv("JUPYTERHUB_USER", user)
        handed[user] = participant(rng, len(handed) + 1)
        path = groep.hand_in(handed[user])
        assert path.parent == folder and user in path.name
    assert len(groep.group_files()) == 2
    result = groep.combine()
    assert result.deelnemers == 2
    expected: Counter[str] = Counter()
    for agenda in handed.values():
        expected.update({p.thema: p.stemmen for p in agenda.priorities if p.stemmen})
    assert result.stemmen == dict(expected)


def test_a_hand_in_without_a_hub_is_named_after_the_system_user(tmp_path, monkeypatch):
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    monkeypatch.setattr("getpass.getuser", lambda: "Anne de Vries")
    path = groep.hand_in(participant(random.Random(1), 1), tmp_path)
    assert path.name == "buurtagenda-bu03440311-anne-de-vries.json"
    assert ag.load_state(path).buurten == ["BU03440311"]


def test_only_a_hub_admin_sets_a_shared_group_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("WIJKLIB_GROEP", raising=False)
    assert groep.shared_group_folder() is None
    monkeypatch.setenv("WIJKLIB_GROEP", str(tmp_path / "groep"))
    assert groep.shared_group_folder() == groep.group_folder() == tmp_path / "groep"


def test_personal_data_does_not_reach_the_group_result(tmp_path):
    """Twenty reflections land in one shared file: a resident's name, phone number or
    e-mail address that a participant typed is masked there, in every output."""
    agenda = ag.new_agenda("Utrecht", ["BU03440311"])
    agenda.priorities = ag.dot_vote({"wonen": 3})
    agenda.add(ag.Ambitie(thema="wonen", ambitie="Speeltuin met dhr. Bakker (030) 123 4567",
                          acties=[ag.Actie("Bellen", "mw. de Vries, 06.12.34.56.78")]))
    agenda.verhalen.append(ag.Onderbouwing("overig", "Mevrouw Jansen wil helpen",
                                           "groepsgesprek"))
    agenda.reflectie = "Mail piet@example.nl over de schouw."
    ag.save_state(agenda, tmp_path / "in" / "a.json")
    handed = groep.hand_in(agenda, tmp_path / "groep").read_text("utf-8")  # shared folder
    assert "piet@example.nl" not in handed and "Bakker" not in handed
    assert "piet@example.nl" in agenda.reflectie  # the participant's own agenda keeps it
    result = groep.combine([tmp_path / "in"])
    assert result.reflecties == ["Mail [weggehaald] over de schouw."]
    paths = groep.save_group(result, tmp_path / "uit")
    for kind in ("html", "markdown", "overzicht", "state"):
        text = paths[kind].read_text("utf-8")
        found = [t for t in ("Bakker", "123 4567", "de Vries", "06.12.34.56.78", "Jansen",
                             "piet@example.nl") if t in text]
        assert found == [], (kind, found)
