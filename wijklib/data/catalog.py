"""The indicator catalogue: stable Dutch names for CBS variables, by theme.

CBS changes keys (and sometimes units) from one year's table to the next, so variables are
never addressed by key. Each catalogue row names the CBS *title* (or a few alternative
titles) and the unit it must have; :func:`match_properties` finds the key in a table's
``DataProperties``. Derived indicators (shares and rates) are computed from catalogue
counts of the same table, so a rate never mixes years.

The catalogue lives in ``indicatoren.csv`` next to this module: a trainer changes the
indicator set in that one place.

Every year 2017–2025
--------------------
The titles are checked against CBS's own ``DataProperties`` of 2017 (83765NED), 2023
(85618NED, reconstructed) and 2024 (85984NED). For 2018–2022 the titles follow CBS's
documentation and public code that reads those tables; what is *assumed* there is listed
in :data:`TITLE_HISTORY` (one line per change, with the years). Matching is by title and
unit in whatever table is read, so a table that turns out to use the other title of a
pair still matches. A figure that a year gives in another unit is converted only where
the conversion is exact (:data:`EXACT_CONVERSIONS`, e.g. euro to x 1 000 euro); a figure
in a unit that cannot be converted exactly (a percentage where a count is expected) is
left out, and :func:`missing_reason` says why. CBS variables of a year that the
catalogue deliberately does not map (another classification, or a figure that now has
its own source) are in :data:`NOT_MAPPED`.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Sequence
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


#: How CBS titles changed between the KWB tables of 2017–2025 (``naam``, years, note).
#: 2017 is CBS's real metadata (83765NED); 2023 and 2024 are the fixture tables; the
#: other years are *assumed* from CBS's documentation and public code that reads those
#: tables (e.g. ``GemiddeldeWoningwaarde_35`` in 84286NED/84583NED).
TITLE_HISTORY: tuple[tuple[str, str, str], ...] = (
    ("woz_waarde", "2017–2019", "'Gemiddelde woningwaarde' (x 1 000 euro); vanaf 2020 "
     "'Gemiddelde WOZ-waarde van woningen' (aangenomen voor 2018–2022)"),
    ("elektriciteit", "2017–2019", "'Gemiddeld elektriciteitsverbruik totaal' (kWh); "
     "later 'Gemiddelde elektriciteitslevering totaal' (aangenomen voor 2018–2022)"),
    ("arbeidsparticipatie", "2017–2018", "'Actieven 15-75 jaar' (% van de inwoners van 15 "
     "tot 75 jaar met betaald werk); vanaf 2019 'Nettoarbeidsparticipatie'. CBS noemt "
     "beide het deel van de bevolking van 15-75 jaar met betaald werk; aangenomen is dat "
     "ze vergelijkbaar zijn"),
    ("opleiding_laag", "2019–2021", "'Opleidingsniveau laag'; vanaf 2022 'Basisonderwijs, "
     "vmbo, mbo1'; niet in de tabellen van 2017 en 2018"),
    ("opleiding_middelbaar", "2019–2021", "'Opleidingsniveau middelbaar'; vanaf 2022 "
     "'Havo, vwo, mbo2-4'; niet in de tabellen van 2017 en 2018"),
    ("opleiding_hoog", "2019–2021", "'Opleidingsniveau hoog'; vanaf 2022 'Hbo, wo'; niet in "
     "de tabellen van 2017 en 2018"),
    ("pct_onbewoond", "2017–2023", "'Percentage onbewoond'; in 2024 'Onbewoonde woningen'"),
)

#: CBS variables the catalogue does not map on purpose: title -> (years, reason in Dutch).
NOT_MAPPED: dict[str, tuple[str, str]] = {
    "Westers totaal": ("2017–2021", "een indeling naar herkomst (westers/niet-westers) die "
                       "CBS niet meer gebruikt; niet om te rekenen naar de latere indeling"),
    "Niet-westers totaal": ("2017–2021", "een indeling naar herkomst (westers/niet-westers) "
                            "die CBS niet meer gebruikt; niet om te rekenen naar de latere "
                            "indeling"),
    "Totaal diefstal uit woning/schuur/e.d.": (
        "2017–2018", "misdrijven per 1 000 inwoners: gebruik wijklib.misdrijven (politie, "
        "via CBS) voor elk jaar"),
    "Vernieling, misdrijf tegen openbare orde": (
        "2017–2018", "misdrijven per 1 000 inwoners: gebruik wijklib.misdrijven"),
    "Gewelds- en seksuele misdrijven": (
        "2017–2018", "misdrijven per 1 000 inwoners: gebruik wijklib.misdrijven"),
}

#: Exact conversions between CBS units (normalised): (from, to) -> factor.
EXACT_CONVERSIONS: dict[tuple[str, str], float] = {
    ("euro", "x1000euro"): 0.001,
    ("x1000euro", "euro"): 1000.0,
    ("m2", "ha"): 0.0001,
    ("km2", "ha"): 100.0,
    ("are", "ha"): 0.01,
}


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


def with_figures(
    areas: pd.DataFrame, names: Sequence[str] | None = None, *, sizes: bool = False
) -> list[str]:
    """The indicators that have at least one figure in ``areas``.

    Not every year's table has every indicator (2017 has no WOZ value or tenure), so a
    notebook that offers a choice asks this first.

    Parameters
    ----------
    areas : DataFrame
        :func:`wijklib.kerncijfers` (any level, any year).
    names : list of str, optional
        The indicators to consider, in the order wanted; default the whole catalogue.
    sizes : bool
        Also counts and areas (:attr:`Indicator.is_size`). Default False: only shares,
        rates and averages, the figures that can be compared and put on a map.

    Returns
    -------
    list of str
        The names in ``names`` (or catalogue) order.

    Raises
    ------
    UnknownIndicatorError
        A name that is not in the catalogue (the message names the closest).
    """
    chosen = [get(n) for n in names] if names is not None else list(_catalogue())
    return [ind.naam for ind in chosen
            if (sizes or not ind.is_size) and ind.naam in areas.columns
            and bool(areas[ind.naam].notna().any())]


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
    by_title: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for (title, unit), props in topics.items():
        by_title.setdefault(title, []).extend((unit, p) for p in props)
    found: dict[str, dict[str, Any]] = {}
    for ind in _catalogue():
        if ind.derived:
            continue
        hit = _exact_hit(ind, topics) or _converted_hit(ind, by_title)
        if hit is not None:
            found[ind.naam] = hit
    return found


def _hit(prop: dict[str, Any], factor: float = 1.0) -> dict[str, Any]:
    return {
        "key": prop["Key"],
        "title": prop["Title"].strip(),
        "unit": (prop.get("Unit") or "").strip(),
        "factor": factor,
    }


def _exact_hit(ind: Indicator, topics: dict[tuple[str, str], list[dict[str, Any]]]
               ) -> dict[str, Any] | None:
    for title in ind.cbs_titels:
        for unit in ind.cbs_eenheden:
            hits = topics.get((normalise_title(title), unit), [])
            if hits:
                return _hit(hits[0])
    return None


def _converted_hit(ind: Indicator, by_title: dict[str, list[tuple[str, dict[str, Any]]]]
                   ) -> dict[str, Any] | None:
    """A title in another unit that converts exactly to the catalogue's unit."""
    for title in ind.cbs_titels:
        for unit, prop in by_title.get(normalise_title(title), []):
            for wanted in ind.cbs_eenheden:
                factor = EXACT_CONVERSIONS.get((unit, wanted))
                if factor is not None:
                    return _hit(prop, factor)
    return None


def missing_reason(naam: str, properties: list[dict[str, Any]], year: int) -> str:
    """Say in Dutch why a table has no figure for a catalogue indicator.

    Parameters
    ----------
    naam : str
        Catalogue name.
    properties : list of dict
        The table's ``DataProperties``.
    year : int
        The table's year (for the text).

    Returns
    -------
    str
        ``"niet in de tabel van 2017"``, ``"in de tabel van 2017 in een andere eenheid
        (%), niet exact om te rekenen"``, or for a derived figure the reason of its parts.
    """
    ind = get(naam)
    if ind.derived:
        found = match_properties(properties)
        parts = [p for p in (ind.teller, *ind.noemer) if p not in found]
        if not parts:
            return f"berekend uit cijfers van de tabel van {year}"
        return "; ".join(f"{get(p).label}: {missing_reason(p, properties, year)}"
                         for p in parts)
    titles = {normalise_title(t) for t in ind.cbs_titels}
    other_units = sorted({
        (prop.get("Unit") or "").strip()
        for prop in properties
        if prop.get("Type") == "Topic" and normalise_title(prop.get("Title", "")) in titles
    })
    if other_units:
        return (f"in de tabel van {year} in een andere eenheid ({', '.join(other_units)}); "
                "niet exact om te rekenen, dus weggelaten")
    return f"niet in de tabel van {year}"


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
