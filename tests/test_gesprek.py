"""The conversation in the notebooks: reflections, the step to one's own situation, and
the Bespreek blocks and timings of the three sessions (read from the notebooks' JSON and
the trainer guide)."""

from __future__ import annotations

from pathlib import Path

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
