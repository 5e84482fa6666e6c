"""The picker: tested functions underneath, the parameter values when left alone."""

from __future__ import annotations

import pytest

import wijklib
from wijklib.errors import InvalidChoiceError, UnknownGemeenteError
from wijklib.notebook import widgets


@pytest.fixture
def buurten(warm):
    return wijklib.kerncijfers("Utrecht")


def test_focus_options_sorted_and_by_wijk(buurten):
    options = widgets.focus_options(buurten)
    assert len(options) == len(buurten)
    labels = [label for label, _ in options]
    assert labels == sorted(labels, key=str.casefold)
    assert ("Taag- en Rubicondreef en omgeving (BU03440311)", "BU03440311") in options
    overvecht = widgets.focus_options(buurten, wijk="WK034403")
    assert overvecht and all(code.startswith("BU034403") for _, code in overvecht)
    with pytest.raises(InvalidChoiceError, match="WK034403"):
        widgets.focus_options(buurten, wijk="WK999999")


def test_resolve_choice(warm):
    choice = widgets.resolve_choice("utrecht", "buurt", "taag")
    assert choice == widgets.Choice("Utrecht", "buurt", "BU03440311",
                                    "Taag- en Rubicondreef en omgeving")
    with pytest.raises(InvalidChoiceError, match="'buurt' of 'wijk'"):
        widgets.resolve_choice("Utrecht", "straat", "taag")
    with pytest.raises(UnknownGemeenteError, match="Utrecht"):
        widgets.resolve_choice("Utrech", "buurt", "taag")


def test_picker_keeps_parameters_until_used(warm, tmp_path):
    pick = widgets.picker("Utrecht", "buurt", "Taag", path=tmp_path / "keuze.json")
    assert pick.waarden() == ("Utrecht", "buurt", "Taag")  # untouched: the parameter cell
    assert pick.focus.value == "BU03440311"
    pick.focus.value = "BU03440312"
    assert pick.waarden() == ("Utrecht", "buurt", "BU03440312")
    assert "Wolga- en Donaudreef" in pick.message.value
    pick.niveau.value = "wijk"
    assert all(code.startswith("WK0344") for _, code in pick.focus.options)
    pick.gemeente.value = "Utrech"  # a typo: a Dutch message, no exception
    assert pick.focus.options == () and "Bedoel je" in pick.message.value
    assert pick.waarden() == ("Utrecht", "buurt", "Taag")  # nothing valid chosen: start values


def test_picker_reads_well_where_widgets_do_not_work(warm, tmp_path):
    bundle = widgets.picker("Utrecht", "buurt", "Taag",
                            path=tmp_path / "keuze.json")._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/plain"].startswith("Keuzelijst voor gemeente, niveau en gebied (nu: Utr")
