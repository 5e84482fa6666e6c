"""The voting sliders of notebook 3: a thin layer over dot_vote/weigh."""

from __future__ import annotations

import pytest

from wijklib.agenda import state as ag
from wijklib.errors import InvalidChoiceError
from wijklib.notebook import widgets

VOTES = {"wonen": 3, "veiligheid": 5, "sociaal": 4, "voorzieningen": 1, "leefomgeving": 2}


def test_untouched_sliders_give_the_parameter_cell(tmp_path, monkeypatch):
    monkeypatch.setenv("WIJKLIB_EXPORT", str(tmp_path))
    knoppen = widgets.stemmen(VOTES)
    assert knoppen.waarden() == VOTES
    assert knoppen.prioriteiten() == ag.dot_vote(VOTES)
    assert list(knoppen.sliders) == list(VOTES)
    assert "1. veiligheid" in knoppen.message.value


def test_moving_a_slider_changes_the_order_and_calls_back():
    seen = []
    knoppen = widgets.Stemmen(VOTES, on_change=seen.append)
    knoppen.sliders["wonen"].value = 9
    assert knoppen.waarden()["wonen"] == 9
    assert knoppen.prioriteiten()[0].thema == "wonen"
    assert len(seen) == 1 and seen[0][0].thema == "wonen"
    assert "1. wonen" in knoppen.message.value


def test_all_zero_gives_a_message_and_no_callback():
    seen = []
    knoppen = widgets.Stemmen({"wonen": 1}, on_change=seen.append)
    knoppen.sliders["wonen"].value = 0
    assert seen == [] and "Verdeel eerst de stippen" in knoppen.message.value
    with pytest.raises(InvalidChoiceError):
        knoppen.prioriteiten()


def test_extra_themes_start_at_zero_and_slider_range_fits():
    knoppen = widgets.Stemmen({"wonen": 14}, themas=["veiligheid", "wonen"])
    assert list(knoppen.sliders) == ["veiligheid", "wonen"]
    assert knoppen.sliders["veiligheid"].value == 0
    assert knoppen.sliders["wonen"].max >= 14
    assert knoppen.waarden() == {"wonen": 14}  # untouched: exactly the start


def test_weights():
    knoppen = widgets.Stemmen({"wonen": 1.5, "sociaal": 0.5}, soort="gewichten")
    got = knoppen.prioriteiten()
    assert [p.thema for p in got] == ["wonen", "sociaal"] and got[0].stemmen is None
    assert got[0].gewicht == pytest.approx(0.75)
    knoppen.sliders["sociaal"].value = 3.0
    assert knoppen.prioriteiten()[0].thema == "sociaal"


def test_wrong_start_values_are_refused_in_dutch():
    with pytest.raises(InvalidChoiceError, match="hele getallen"):
        widgets.Stemmen({"wonen": 1.5})
    with pytest.raises(InvalidChoiceError, match="0 of meer"):
        widgets.Stemmen({"wonen": -1})
    with pytest.raises(InvalidChoiceError, match="stippen' of 'gewichten"):
        widgets.Stemmen(VOTES, soort="punten")


def test_theme_names_are_escaped_in_the_message():
    knoppen = widgets.Stemmen({"<b>wonen</b>": 2})
    assert "&lt;b&gt;wonen" in knoppen.message.value and "<b>wonen</b>" not in knoppen.message.value


def test_reads_well_where_widgets_do_not_work():
    bundle = widgets.stemmen(VOTES)._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/plain"].startswith("Stemknoppen (stippen; nu: wonen: 3")


def test_votes_from_a_loaded_agenda():
    assert widgets.votes_from(ag.dot_vote(VOTES)) == {k: v for k, v in VOTES.items()}
    assert widgets.votes_from([]) == {}
    assert widgets.votes_from(None) == {}
    assert widgets.votes_from(ag.weigh({"wonen": 1.0})) == {}  # weights: no dots


def test_priority_table():
    table = widgets.priority_table(ag.dot_vote(VOTES))
    assert list(table.columns) == ["rang", "thema", "stemmen", "aandeel (%)"]
    assert table["thema"].tolist()[0] == "veiligheid" and table["aandeel (%)"].sum() == 100
    weights = widgets.priority_table(ag.weigh({"wonen": 1.0}))
    assert weights["stemmen"].isna().all()
    assert widgets.priority_table([]).empty


def test_the_votes_of_the_sliders_survive_run_all(tmp_path, monkeypatch):
    """Run All makes new sliders from the parameter cell: the group's votes stay."""
    monkeypatch.setenv("WIJKLIB_EXPORT", str(tmp_path))
    first = widgets.stemmen(VOTES)
    first.sliders["wonen"].value = 9
    assert (tmp_path / widgets.VOTES_FILE).is_file()
    again = widgets.stemmen(VOTES)  # the same parameter cell, run again
    assert again.waarden()["wonen"] == 9 and again.bron == widgets.FROM_SLIDERS
    assert again.sliders["wonen"].value == 9
    assert again.prioriteiten()[0].thema == "wonen"
    assert "stemmen van de schuifjes van de vorige keer" in again.message.value
    changed = dict(VOTES, sociaal=7)  # the parameter cell changed: that is newer
    assert widgets.stemmen(changed).waarden() == changed
    # a damaged file is not a vote
    (tmp_path / widgets.VOTES_FILE).write_text("{kapot", "utf-8")
    assert widgets.stemmen(VOTES).waarden() == VOTES


def test_kept_votes_are_checked_like_votes(tmp_path):
    path = tmp_path / "stemmen.json"
    widgets.save_votes(path, VOTES, dict(VOTES, wonen=-3))
    assert widgets.saved_votes(path) is None  # a negative number is not a vote
    widgets.save_votes(path, VOTES, dict(VOTES, wonen=6))
    assert widgets.votes_to_use(VOTES, widgets.saved_votes(path)) == (
        {k: float(v) for k, v in dict(VOTES, wonen=6).items()}, widgets.FROM_SLIDERS)
    assert widgets.votes_to_use({"wonen": 1}, widgets.saved_votes(path))[1] == widgets.FROM_CELL
