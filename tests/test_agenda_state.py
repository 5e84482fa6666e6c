"""Nothing lost: two notebooks saving one agenda, and hand-edited state files."""

from __future__ import annotations

import json

import pytest

from wijklib.agenda import state as ag


def ambition(text: str) -> ag.Ambitie:
    return ag.Ambitie(thema="wonen", ambitie=text, indicator="pct_onbewoond", bron="cbs")


def test_two_notebooks_autosaving_one_agenda_lose_nothing(tmp_path):
    path = tmp_path / "buurtagenda.json"
    first = ag.new_agenda("Utrecht", "BU03440311")
    ag.autosave(first, path)
    second = ag.load_state(path)  # a second notebook opens the same file
    for i in range(60):
        first.add(ambition(f"Ambitie {i} uit notebook A"))
    ag.autosave(first, path)
    second.add(ambition("Ambitie uit notebook B"))
    with pytest.raises(ag.StateConflictError) as caught:
        ag.autosave(second, path)
    message = str(caught.value)
    assert "intussen" in message and "niets overschreven" in message
    # A's 60 items are still in the file; B's work is in the file the message names
    assert len(ag.load_state(path).items) == 60
    kept = [p for p in tmp_path.iterdir() if ".conflict-" in p.name]
    assert len(kept) == 1 and kept[0].name in message
    assert [i.ambitie for i in ag.load_state(kept[0]).items] == ["Ambitie uit notebook B"]
    # A goes on saving as before; B reloads and goes on
    first.add(ambition("Nog een uit A"))
    ag.autosave(first, path)
    again = ag.load_state(path)
    again.add(ambition("Ambitie uit notebook B"))
    ag.autosave(again, path)
    assert len(ag.load_state(path).items) == 62


def test_a_new_agenda_does_not_overwrite_another_saved_one(tmp_path):
    path = tmp_path / "buurtagenda.json"
    saved = ag.new_agenda("Utrecht", "BU03440311")
    saved.add(ambition("Al bewaard"))
    ag.save_state(saved, path)
    other = ag.new_agenda("Utrecht", "BU03440311")
    with pytest.raises(ag.StateConflictError):
        ag.save_state(other, path)
    assert [i.ambitie for i in ag.load_state(path).items] == ["Al bewaard"]
    # an identical agenda is no conflict
    same = ag.from_dict(ag.to_dict(saved))
    ag.save_state(same, path)


@pytest.mark.parametrize(("old", "new"), [("items", "Items"), ("priorities", "prioriteiten"),
                                          ("titel", "title")])
def test_hand_edited_key_is_refused_and_kept(tmp_path, old, new):
    path = tmp_path / "buurtagenda.json"
    agenda = ag.new_agenda("Utrecht", "BU03440311")
    agenda.add(ambition("Minder leegstand"))
    agenda.priorities = ag.dot_vote({"wonen": 3})
    ag.save_state(agenda, path)
    state = json.loads(path.read_text("utf-8"))
    state["agenda"][new] = state["agenda"].pop(old)
    edited = json.dumps(state, ensure_ascii=False)
    path.write_text(edited, "utf-8")
    with pytest.raises(ag.StateFileError) as caught:
        ag.load_state(path)
    assert f"'{new}'" in str(caught.value) and f"'{old}'" in str(caught.value)
    # the next autosave of a fresh agenda keeps the edited file as a backup first
    with pytest.warns(ag.BackupWarning):
        ag.autosave(ag.new_agenda("Utrecht", "BU03440311"), path)
    backups = [p for p in tmp_path.iterdir() if ".bak-" in p.name]
    assert len(backups) == 1 and backups[0].read_text("utf-8") == edited


def test_unknown_key_inside_an_ambition_is_refused(tmp_path):
    path = tmp_path / "buurtagenda.json"
    agenda = ag.new_agenda("Utrecht", "BU03440311")
    agenda.add(ambition("Minder leegstand"))
    ag.save_state(agenda, path)
    state = json.loads(path.read_text("utf-8"))
    state["agenda"]["items"][0]["Ambitie"] = state["agenda"]["items"][0].pop("ambitie")
    path.write_text(json.dumps(state), "utf-8")
    with pytest.raises(ag.StateFileError, match="'Ambitie'.*'ambitie'"):
        ag.load_state(path)
