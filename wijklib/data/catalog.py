"""The indicator catalogue: stable Dutch names for CBS variables, by theme.

CBS changes keys (and sometimes units) from one year's table to the next, so variables are
never addressed by key. Each catalogue row names the CBS *title* (or a few alternative
titles) and the unit it must have; :func:`match_properties` finds the key in a table's
``DataProperties``. Derived indicators (shares and rates) are computed from catalogue
counts of the same table, so a rate never mixes years.

The catalogue lives in ``indicatoren.csv`` next to this module: a trainer changes the
indicator set in that one place.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from wijklib.errors import UnknownIndicatorError

#: Themes in the order a notebook shows them.
THEMES = (
    "bevolking",
    "huishoudens",
    "wonen",
    "inkomen en werk",
    "sociale zekerheid en zorg",
    "voorzieningen",
    "leefomgeving",
)

#: Values of ``hoger_is``: is a higher value favourable, unfavourable or neither?
DIRECTIONS = ("gunstig", "ongunstig", "neutraal")

#: Kinds whose values are codes, not quantities (kept as text).
TEXT_KINDS = frozenset({"tekst"})


@dataclass(frozen=True)
class Indicator:
    """One catalogue row.

    Attributes
    ----------
    naam : str
        Stable snake_case column name, the same for every year.
    label : str
        Dutch label for people.
    thema : str
        One of :data:`THEMES`.
    eenheid : str
        Unit as shown to people.
    hoger_is : str
        ``gunstig``, ``ongunstig`` or ``neutraal``.
    soort : str
        Kind of figure (``aantal``, ``percentage``, ``aandeel``, ``per 1 000``, …).
    cbs_titels : tuple of str
        CBS titles this indicator is read from (empty for a derived indicator).
    cbs_eenheden : tuple of str
        Units the CBS variable must have (normalised).
    teller : str
        For a derived indicator: the numerator indicator.
    noemer : tuple of str
        For a derived indicator: the indicators summed into the denominator.
    factor : float
        For a derived indicator: 100 for a percentage, 1000 for a rate per 1 000.
    """

    naam: str
    label: str
    thema: str
    eenheid: str
    hoger_is: str
    soort: str
    cbs_titels: tuple[str, ...]
    cbs_eenheden: tuple[str, ...]
    teller: str = ""
    noemer: tuple[str, ...] = ()
    factor: float = 1.0

    @property
    def derived(self) -> bool:
        """True when the indicator is computed from other indicators."""
        return bool(self.teller)

    @property
    def is_size(self) -> bool:
        """True for counts and areas: they grow with the area, so comparing them with
        the gemeente or Nederland says nothing (compare shares and rates instead)."""
        return self.soort in ("aantal", "oppervlakte")

    @property
    def source(self) -> str:
        """Dutch description of where the figure comes from."""
        if self.derived:
            noemer = " + ".join(self.noemer)
            return f"berekend: {self.teller} / ({noemer}) × {self.factor:g}"
        return "CBS: " + " of ".join(f"'{t}'" for t in self.cbs_titels)


def normalise_title(text: str) -> str:
    """Normalise a CBS title for matching (case, spaces)."""
    return re.sub(r"\s+", " ", (text or "").strip()).casefold()


def normalise_unit(text: str | None) -> str:
    """Normalise a CBS unit: ``km²`` = ``km2``, ``per 1 000`` = ``per 1000``, case."""
    text = unicodedata.normalize("NFKC", text or "")  # ² -> 2, ³ -> 3
    return re.sub(r"\s+", "", text).casefold()


@cache
def _catalogue() -> tuple[Indicator, ...]:
    rows = []
    text = resources.files("wijklib.data").joinpath("indicatoren.csv").read_text("utf-8")
    for row in csv.DictReader(text.splitlines()):
        rows.append(
            Indicator(
                naam=row["naam"],
                label=row["label"],
                thema=row["thema"],
                eenheid=row["eenheid"],
                hoger_is=row["hoger_is"],
                soort=row["soort"],
                cbs_titels=tuple(t for t in row["cbs_titel"].split("|") if t),
                cbs_eenheden=tuple(normalise_unit(u) for u in row["cbs_eenheid"].split("|") if u),
                teller=row["teller"],
                noemer=tuple(n for n in row["noemer"].split("+") if n),
                factor=float(row["factor"] or 1),
            )
        )
    return tuple(rows)


def catalogue() -> tuple[Indicator, ...]:
    """Return every catalogue indicator, in catalogue order."""
    return _catalogue()


def get(naam: str) -> Indicator:
    """Return the indicator called ``naam``.

    Raises
    ------
    UnknownIndicatorError
        A ``KeyError`` with a Dutch message naming the closest indicator names.
    """
    for ind in _catalogue():
        if ind.naam == naam:
            return ind
    import difflib

    close = difflib.get_close_matches(naam, [i.naam for i in _catalogue()], n=3)
    hint = f" Bedoel je: {', '.join(close)}?" if close else ""
    raise UnknownIndicatorError(f"De indicator '{naam}' staat niet in de catalogus.{hint}")


def indicatoren(thema: str | None = None) -> pd.DataFrame:
    """List the indicator catalogue.

    Parameters
    ----------
    thema : str, optional
        Only the indicators of this theme.

    Returns
    -------
    pandas.DataFrame
        Columns ``naam``, ``label``, ``thema``, ``eenheid``, ``hoger_is``, ``soort`` and
        ``bron`` (the CBS title(s), or how it is computed).
    """
    rows = [
        {
            "naam": i.naam,
            "label": i.label,
            "thema": i.thema,
            "eenheid": i.eenheid,
            "hoger_is": i.hoger_is,
            "soort": i.soort,
            "bron": i.source,
        }
        for i in _catalogue()
        if thema is None or i.thema == thema
    ]
    if thema is not None and not rows:
        raise KeyError(
            f"Het thema '{thema}' bestaat niet. Kies uit: {', '.join(THEMES)}."
        )
    return pd.DataFrame(rows)


def match_properties(properties: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Find the CBS key of every non-derived catalogue indicator in a table.

    Parameters
    ----------
    properties : list of dict
        The table's ``DataProperties`` (as returned by CBS).

    Returns
    -------
    dict
        ``naam -> {"key", "title", "unit"}`` for the indicators the table has. A title
        whose unit differs from the catalogue's (e.g. a percentage where a count is
        expected) does not match: it is another figure.
    """
    topics: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for prop in properties:
        if prop.get("Type") != "Topic" or not prop.get("Key"):
            continue
        index = (normalise_title(prop.get("Title", "")), normalise_unit(prop.get("Unit")))
        topics.setdefault(index, []).append(prop)
    found: dict[str, dict[str, Any]] = {}
    for ind in _catalogue():
        if ind.derived:
            continue
        for title in ind.cbs_titels:
            hits = [
                p
                for unit in ind.cbs_eenheden
                for p in topics.get((normalise_title(title), unit), [])
            ]
            if hits:
                prop = hits[0]
                found[ind.naam] = {
                    "key": prop["Key"],
                    "title": prop["Title"].strip(),
                    "unit": (prop.get("Unit") or "").strip(),
                }
                break
    return found


def to_number(values: pd.Series) -> pd.Series:
    """Convert CBS values to floats: missing and secret become NaN, never 0.

    The typed data set uses ``null``; the untyped set ``"."``; some files use negative
    sentinels such as -99997. All become NaN.
    """
    if values.dtype == object or pd.api.types.is_string_dtype(values):
        values = values.astype("string").str.strip().replace({".": pd.NA, "": pd.NA})
    numbers = pd.to_numeric(values, errors="coerce").astype("float64")
    return numbers.mask(numbers <= -99990)


def add_derived(frame: pd.DataFrame) -> pd.DataFrame:
    """Compute the derived indicators from the counts in ``frame`` (same table, same year).

    A derived value is NaN where its numerator or denominator is missing, or the
    denominator is 0.
    """
    frame = frame.copy()
    for ind in _catalogue():
        if not ind.derived:
            continue
        needed = [ind.teller, *ind.noemer]
        if not all(col in frame.columns for col in needed):
            frame[ind.naam] = np.nan
            continue
        denominator = frame[list(ind.noemer)].sum(axis=1, min_count=len(ind.noemer))
        denominator = denominator.where(denominator > 0)
        frame[ind.naam] = frame[ind.teller] / denominator * ind.factor
    return frame
