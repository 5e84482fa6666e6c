"""Find an area (wijk or buurt) in a table by name or code, the way people type it."""

from __future__ import annotations

import difflib

import pandas as pd

from wijklib.data.gemeenten import normalise_name
from wijklib.errors import WijklibError


class UnknownAreaError(WijklibError, LookupError):
    """No area matches; the message names the closest ones."""


def find_area(areas: pd.DataFrame, name_or_code: str) -> pd.Series:
    """Return the row of one area, found by code, exact name or a unique part of a name.

    Parameters
    ----------
    areas : pandas.DataFrame
        A table with ``code`` and ``naam`` columns (from ``kerncijfers`` or ``gebieden``).
    name_or_code : str
        ``"BU03440311"``, ``"Taag- en Rubicondreef en omgeving"``, ``"taag"`` …

    Raises
    ------
    UnknownAreaError
        With the closest names (or all matches, when a part of a name fits several).
    """
    if areas.empty:
        raise UnknownAreaError("De tabel is leeg: er zijn geen gebieden om uit te kiezen.")
    given = str(name_or_code).strip()
    by_code = areas[areas["code"].str.upper() == given.upper()]
    if len(by_code) == 1:
        return by_code.iloc[0]
    names = areas["naam"].fillna("").map(normalise_name)
    norm = normalise_name(given)
    exact = areas[names == norm]
    if len(exact) == 1:
        return exact.iloc[0]
    partial = areas[names.str.contains(norm, regex=False)] if norm else areas.iloc[0:0]
    if len(partial) == 1:
        return partial.iloc[0]
    if len(partial) > 1:
        options = ", ".join(f"'{n}'" for n in partial["naam"].head(8))
        raise UnknownAreaError(
            f"'{given}' past bij meer gebieden: {options}. Typ de naam langer of gebruik de code."
        )
    close = difflib.get_close_matches(norm, list(names), n=3, cutoff=0.5)
    lookup = dict(zip(names, areas["naam"], strict=False))
    hint = ", ".join(f"'{lookup[c]}'" for c in close)
    raise UnknownAreaError(
        f"Het gebied '{given}' staat niet in deze tabel."
        + (f" Bedoel je misschien: {hint}?" if hint else "")
        + " Bekijk de kolom 'naam' voor de namen die er wel zijn."
    )


def in_wijk(buurten: pd.DataFrame, wijk: pd.Series | str) -> pd.DataFrame:
    """The buurten of one wijk (``wijk`` is a row from the wijk table or a wijk code)."""
    code = wijk["code"] if isinstance(wijk, pd.Series) else str(wijk)
    return buurten[buurten["wijkcode"] == code]
