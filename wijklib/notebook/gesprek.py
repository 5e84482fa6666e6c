"""The conversation in the notebooks: reflections and the step to one's own situation.

The sessions are conversations; the notebooks serve the talk. Each notebook ends with a
written reflection in the participant's own words. Notebook 1 keeps it in ``tellen.json``
(:func:`wijklib.notebook.resultaten.save_tellen`), notebook 2 in the saved folder
(:attr:`wijklib.notebook.resultaten.Vertellen.reflectie`) and notebook 3 in the agenda
(``Agenda.reflectie``, exported under "Reflectie: wat we meenemen" and collected by the
group mode). Notebook 3 shows the earlier two (:func:`earlier_reflections`).

What a participant types is taken as it is: nothing is filled in for them, and an empty,
unfinished (``...``) or odd value is an empty reflection, never an error.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from wijklib.guarantees.privacy import MASK, mask_personal

__all__ = [
    "EigenSituatie",
    "earlier_reflections",
    "own_situation",
    "reflection_status",
    "reflection_text",
]


def _one_text(value: Any) -> str:
    """One typed value as text: a string, or a list of strings; anything else is empty."""
    if isinstance(value, str):
        return "\n".join(line.rstrip() for line in value.strip().splitlines()).strip()
    if isinstance(value, (list, tuple)):
        return "\n".join(t for t in (_one_text(v) for v in value if isinstance(v, str)) if t)
    return ""


def reflection_text(*parts: Any) -> str:
    """The reflection to save: the filled-in parts, each as a paragraph.

    Parameters
    ----------
    *parts
        What the participant typed: strings or lists of strings. ``...`` (an unfinished
        exercise), ``None`` and other values count as not filled in.

    Returns
    -------
    str
        The parts without surrounding blank space, separated by a blank line; ``""`` when
        nothing was filled in. Personal data (a resident's name with a title, a phone
        number, an e-mail address, …) reads ``[weggehaald]``
        (:func:`wijklib.guarantees.privacy.mask_personal`).
    """
    # personal data of residents is masked as it is written (privacy's one masker)
    texts = (mask_personal(t)[0] for t in (_one_text(p) for p in parts) if t)
    return "\n\n".join(texts)


def reflection_status(text: str, where: str) -> str:
    """Tell the participant, in Dutch, whether a reflection will be kept, and where.

    Parameters
    ----------
    text : str
        The reflection as :func:`reflection_text` made it.
    where : str
        Where it is kept, for example ``"met je keuzes voor notebook 3"``.
    """
    if not text:
        return ("Je hebt (nog) geen reflectie geschreven. Dat mag. Wil je wel iets "
                "bewaren? Schrijf het tussen de aanhalingstekens en voer de cel opnieuw uit.")
    words = len(text.split())
    masked = (f" Ik heb er persoonsgegevens uit gehaald (daar staat nu {MASK}): schrijf "
              "liever wat iemand doet dan wie het is." if MASK in text else "")
    return (f"Je reflectie ({words} {'woord' if words == 1 else 'woorden'}) wordt bewaard "
            f"{where}.{masked}")


def earlier_reflections(tellen: dict[str, Any] | None, vertellen: Any = None) -> str:
    """What the participant wrote at the end of notebooks 1 and 2, for notebook 3.

    Parameters
    ----------
    tellen : dict, optional
        :func:`wijklib.notebook.resultaten.load_tellen` (``None``: not saved).
    vertellen : Vertellen, optional
        :func:`wijklib.notebook.resultaten.load_vertellen` (``None``: not saved; the
        practice set has no reflection).

    Returns
    -------
    str
        Plain Dutch text: each reflection under the session it belongs to, or what to
        do when there is none.
    """
    found = [
        ("Sessie 1 (Tellen)", _one_text((tellen or {}).get("reflectie", ""))),
        ("Sessie 2 (Vertellen)", _one_text(getattr(vertellen, "reflectie", ""))),
    ]
    lines = []
    for session, text in found:
        if text:
            lines.append(f"{session}, jouw reflectie:")
            lines.extend(f"    {line}" if line else "" for line in text.splitlines())
        else:
            lines.append(f"{session}: geen reflectie gevonden.")
    if not any(text for _, text in found):
        lines.append("Geen probleem: schrijf hieronder wat je tot nu toe meeneemt. Wil je je "
                     "reflecties uit notebook 1 en 2 hier zien? Voer die notebooks uit tot en "
                     "met 'Bewaar', in dezelfde omgeving.")
    return "\n".join(lines)


@dataclass
class EigenSituatie:
    """The worked step "vertalen naar je eigen situatie" (notebook 3).

    Attributes
    ----------
    tekst : str
        The plan in one short paragraph; ``""`` when nothing was filled in.
    nog_invullen : list of str
        Dutch hints for what is still empty.
    """

    tekst: str = ""
    nog_invullen: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        lines = [self.tekst] if self.tekst else []
        if self.nog_invullen:
            lines.append("Nog invullen:")
            lines.extend(f"  - {hint}" for hint in self.nog_invullen)
        return "\n".join(lines) if lines else "Nog niets ingevuld."


def _names(value: Any) -> list[str]:
    """Partners as a list of names (one text is one name; empty entries are dropped)."""
    items: Iterable[Any] = [value] if isinstance(value, str) else (
        value if isinstance(value, (list, tuple)) else [])
    return [t for t in (_one_text(v) for v in items) if t]


def own_situation(gemeente: Any, instrument: Any, gegevens: Any, partners: Any
                  ) -> EigenSituatie:
    """Put the participant's answers for their own gemeente into one short plan.

    Parameters
    ----------
    gemeente : str
        The gemeente (or buurt) where the participant works.
    instrument : str
        Which instrument they start with (a survey, a wijkschouw, a verhalenavond …).
    gegevens : str
        Which data they use (CBS kerncijfers, police figures, own counts …).
    partners : list of str
        Who they need.

    Returns
    -------
    EigenSituatie
        The plan (``tekst``) and what is still empty (``nog_invullen``); nothing is
        made up for an empty answer.
    """
    place, tool, data = _one_text(gemeente), _one_text(instrument), _one_text(gegevens)
    names = _names(partners)
    missing = []
    if not place:
        missing.append("eigen_gemeente: de gemeente of buurt waar jij werkt.")
    if not tool:
        missing.append("eigen_instrument: waarmee haal je op wat bewoners vertellen "
                       "(een enquête, een wijkschouw, een verhalenavond …)?")
    if not data:
        missing.append("eigen_gegevens: welke cijfers gebruik je (CBS-kerncijfers, "
                       "politiecijfers, meldingen bij de gemeente …)?")
    if not names:
        missing.append('eigen_partners: wie heb je nodig? Bijvoorbeeld ["bewoners", '
                       '"woningcorporatie"].')
    if not (tool or data or names):
        return EigenSituatie("", missing)
    parts = [f"In mijn eigen situatie ({place or 'gemeente nog invullen'}):"]
    if tool:
        parts.append(f"ik begin met {tool};")
    if data:
        parts.append(f"ik gebruik {data};")
    if names:
        parts.append(f"ik werk samen met {_and(names)}.")
    text = " ".join(parts)
    if not text.endswith("."):
        text = text.rstrip(";:") + "."
    return EigenSituatie(text, missing)


def _and(names: list[str]) -> str:
    """ "a", "a en b", "a, b en c"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} en {names[-1]}"
