"""The picker survives Run All: a choice made with the dropdowns is not silently undone."""

from __future__ import annotations

import pandas as pd

from wijklib.notebook import widgets

AREAS = {
    "buurt": pd.DataFrame({"code": ["BU03440311", "BU03440312"], "gemeentenaam": "Utrecht",
                           "naam": ["Taag- en Rubicondreef en omgeving", "Tigrisdreef"],
                           "wijkcode": ["WK034403", "WK034403"]}),
    "wijk": pd.DataFrame({"code": ["WK034403"], "naam": ["Overvecht"],
                          "gemeentenaam": "Utrecht"}),
}


def load(gemeente, niveau="buurt"):
    """A stand-in for kerncijfers with the signature the picker uses (no network)."""
    return AREAS[niveau]


START = ("Utrecht", "buurt", "Taag")


def test_choice_to_use_prefers_the_kept_choice_until_the_cell_changes(tmp_path):
    path = widgets.save_choice(tmp_path / "k.json", START, ("Utrecht", "buurt", "BU03440312"))
    kept = widgets.saved_choice(path)
    assert widgets.choice_to_use(START, kept) == (("Utrecht", "buurt", "BU03440312"),
                                                  widgets.FROM_PICKER)
    changed = ("Zaanstad", "wijk", "Poelenburg")  # the cell was edited after the choice
    assert widgets.choice_to_use(changed, kept) == (changed, widgets.FROM_CELL)
    assert widgets.choice_to_use(START, None) == (START, widgets.FROM_CELL)
    (tmp_path / "kapot.json").write_text("{niet", "utf-8")
    assert widgets.saved_choice(tmp_path / "kapot.json") is None
    assert widgets.saved_choice(tmp_path / "er-niet.json") is None


def test_a_choice_in_the_picker_survives_run_all(tmp_path):
    path = tmp_path / "keuzelijst.json"
    first = widgets.Picker(*START, load=load, path=path)
    assert first.waarden() == START and first.bron() == widgets.FROM_CELL
    assert "uit de cel Jouw keuzes" in first.uitleg()
    first.focus.value = "BU03440312"  # the participant chooses Tigrisdreef
    assert first.waarden() == ("Utrecht", "buurt", "BU03440312")
    # Run All: the parameter cell is unchanged and the picker is made anew
    again = widgets.Picker(*START, load=load, path=path)
    assert again.waarden() == ("Utrecht", "buurt", "BU03440312")
    assert again.focus.value == "BU03440312"  # the dropdown shows the kept choice
    assert again.bron() == widgets.FROM_PICKER and "gekozen met de keuzelijst" in again.uitleg()
    # the participant changes the parameter cell: that is the newer decision
    edited = widgets.Picker("Utrecht", "buurt", "Tigris", load=load, path=path)
    assert edited.waarden() == ("Utrecht", "buurt", "Tigris")
    assert edited.bron() == widgets.FROM_CELL


def test_without_a_kept_choice_the_notebook_works_as_before(tmp_path):
    pick = widgets.Picker(*START, load=load, path=tmp_path / "nieuw.json")
    assert pick.waarden() == START
    assert not (tmp_path / "nieuw.json").exists()  # nothing written until chosen
