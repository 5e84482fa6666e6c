"""The wijkschouw: observations on a walk through the buurt, kansen and knelpunten.

A wijkschouw table (:data:`OBSERVATION_COLUMNS`) says where, what was seen, whether it is
a kans or a knelpunt, what to do and who does it — a role or organisation, never a
person's name.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from wijklib.vertellen.records import (
    ALIASES,
    PersonalDataError,
    ReadResult,
    RecordSpec,
    append_row,
    check_buurtcode,
    check_choice,
    check_text,
    clean_text,
    empty_table,
    looks_like_person,
    read_records,
)

__all__ = [
    "OBSERVATION_COLUMNS",
    "OBSERVATION_KINDS",
    "add_observation",
    "new_observations",
    "read_observations",
]

#: Columns of a wijkschouw table.
OBSERVATION_COLUMNS = ["buurtcode", "plek", "waarneming", "soort", "actie", "wie"]
#: Allowed values of ``soort`` in a wijkschouw.
OBSERVATION_KINDS = ("kans", "knelpunt", "neutraal")


def new_observations() -> pd.DataFrame:
    """An empty wijkschouw table (:data:`OBSERVATION_COLUMNS`)."""
    return empty_table(OBSERVATION_COLUMNS)


def add_observation(
    observations: pd.DataFrame,
    buurtcode: str,
    plek: str,
    waarneming: str,
    soort: str,
    actie: str | None = None,
    wie: str | None = None,
) -> pd.DataFrame:
    """Return the wijkschouw table with one observation added.

    Parameters
    ----------
    observations : pandas.DataFrame
        Start with :func:`new_observations`.
    buurtcode : str
        E.g. ``"BU03440311"``.
    plek : str
        Where, in words ("speeltuin achter de school"); no house numbers.
    waarneming : str
        What you saw.
    soort : {"kans", "knelpunt", "neutraal"}
    actie : str, optional
        What should happen next.
    wie : str, optional
        Who takes it up: a role or organisation ("gemeente", "bewonersgroep"), not a name.

    Raises
    ------
    InvalidChoiceError, PersonalDataError
    """
    typed = clean_text(wie)  # a person's name gets the message about 'wie' first
    if typed and looks_like_person(typed):
        raise PersonalDataError(
            f"'{typed}' lijkt een naam. Schrijf bij 'wie' een rol of organisatie, "
            "bijvoorbeeld 'gemeente', 'woningcorporatie' of 'bewonersgroep'."
        )
    who = check_text(wie, "wie", 80, required=False)
    row = {
        "buurtcode": check_buurtcode(buurtcode, allow_missing=False),
        "plek": check_text(plek, "de plek", 120),
        "waarneming": check_text(waarneming, "de waarneming", 500),
        "soort": check_choice(soort, OBSERVATION_KINDS, ALIASES["soort_schouw"], "soort"),
        "actie": check_text(actie, "de actie", 300, required=False),
        "wie": who,
    }
    return append_row(observations, row, OBSERVATION_COLUMNS)


_OBSERVATION_SPEC = RecordSpec(
    "waarnemingen",
    tuple(OBSERVATION_COLUMNS),
    {
        "buurtcode": ("buurtcode", "buurt", "code", "buurtnaam"),
        "plek": ("plek", "plaats", "locatie", "waar"),
        "waarneming": ("waarneming", "wat zie je", "observatie", "beschrijving", "tekst"),
        "soort": ("soort", "type", "kans of knelpunt"),
        "actie": ("actie", "vervolg", "wat doen we", "afspraak"),
        "wie": ("wie", "door wie", "trekker", "eigenaar"),
    },
    "waarneming",
    {"soort": (OBSERVATION_KINDS, "soort_schouw")},
    {"plek": 120, "waarneming": 500, "actie": 300, "wie": 80},
    ("wie",),
)


def read_observations(
    path: Path | str, gebieden: pd.DataFrame | None = None, sheet: str | int | None = None
) -> ReadResult:
    """Read a wijkschouw table from CSV or Excel, with a report.

    See :func:`wijklib.vertellen.verhalen.read_stories` for what is reported.

    Needs a column ``waarneming``; ``wie`` must be a role or organisation (a value that
    looks like a person's name is replaced and reported).
    """
    return read_records(path, _OBSERVATION_SPEC, gebieden, sheet)
