"""Compare areas with a reference (gemeente, Nederland) and with similar areas.

Everything here is a pure function on the DataFrames that :func:`wijklib.kerncijfers`
returns: region columns (``code``, ``naam``, …) and one float column per catalogue
indicator, with NaN for a missing or secret figure. A missing figure is never read as 0:
it gives the judgement ``"onbekend"``.

Numbers shown to people use Dutch notation: a decimal comma and a dot between thousands
(``1.234,5``), see :func:`format_number`.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd

from wijklib.data import catalog
from wijklib.errors import DataNotAvailableError, InvalidChoiceError
from wijklib.guarantees import provenance

#: Judgements used in the ``oordeel`` column of :func:`compare`.
JUDGEMENTS = ("gunstiger", "ongunstiger", "hoger", "lager", "ongeveer gelijk", "onbekend")

#: How a reference key reads in a sentence ("12 % hoger dan *de gemeente*").
_PHRASES = {
    "gemeente": "de gemeente",
    "wijk": "de wijk",
    "buurt": "de buurt",
    "nederland": "Nederland",
    "land": "Nederland",
    "referentie": "de vergelijking",
    "vergelijkbaar": "de mediaan van vergelijkbare gebieden",
}

#: Reference key for a single reference frame, by its ``niveau``.
_KEY_BY_LEVEL = {"gemeente": "gemeente", "land": "Nederland", "wijk": "wijk", "buurt": "buurt"}

# Relative differences are compared with a threshold; allow for binary rounding.
_EPS = 1e-9


# --------------------------------------------------------------------------- helpers
# (also used by wijklib.tellen.index and wijklib.tellen.pitfalls)


def format_number(x: Any, decimals: int | None = None) -> str:
    """Format a number the Dutch way: decimal comma, a dot between thousands.

    Parameters
    ----------
    x : number or None
        The value. NaN, None, ``pd.NA`` and infinity give ``"onbekend"``.
    decimals : int, optional
        Number of decimals. ``None`` chooses: whole numbers and values of 100 or more
        without decimals, values from 1 to 100 with one, smaller values with two
        significant digits; trailing zeros are then dropped.

    Returns
    -------
    str
        For example ``"1.234,5"``, ``"45"``, ``"0,012"``, ``"-3,5"`` or ``"onbekend"``.
        Halves are rounded away from zero (``45.25`` -> ``"45,3"``).
    """
    if x is None or x is pd.NA or isinstance(x, bool):
        return "onbekend"
    try:
        value = float(x)
    except (TypeError, ValueError):
        return "onbekend"
    if not math.isfinite(value):
        return "onbekend"
    auto = decimals is None
    if decimals is None:
        size = abs(value)
        if value == round(value) or size >= 100:
            decimals = 0
        elif size >= 1:
            decimals = 1
        else:
            decimals = min(8, max(2, 1 - math.floor(math.log10(size))))
    elif decimals < 0:
        raise InvalidChoiceError("Het aantal decimalen moet 0 of meer zijn.")
    # Round half away from zero (45,25 -> 45,3), as people do; not Python's half-to-even.
    step = Decimal(1).scaleb(-decimals)
    rounded = Decimal(repr(abs(value))).quantize(step, rounding=ROUND_HALF_UP)
    text = f"{rounded:,.{decimals}f}"
    if auto and "." in text:
        text = text.rstrip("0").rstrip(".")
    text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
    if value < 0 and any(ch not in "0,." for ch in text):
        text = "-" + text
    return text


def as_float(values: pd.Series) -> np.ndarray:
    """A column as float64 (text such as "." and missing values become NaN)."""
    return pd.to_numeric(values, errors="coerce").astype("float64").to_numpy(copy=True)


def indicator_year(frame: pd.DataFrame, name: str) -> int | None:
    """Year of one indicator column (None when unknown or from several years)."""
    year = (provenance.entry(frame, name) or {}).get("year")
    try:
        return None if year is None else int(year)
    except (TypeError, ValueError):
        return None


def catalogue_entries(names: Any, what: str = "indicators") -> list[catalog.Indicator]:
    """Catalogue entries for a list of names (Dutch errors for typos and empty lists)."""
    if isinstance(names, str):
        names = [names]
    if not isinstance(names, Iterable):
        raise InvalidChoiceError(
            f"Geef de {what} als een lijst met namen, bijvoorbeeld ['inwoners', 'woz_waarde']."
        )
    unique = list(dict.fromkeys(str(n) for n in names))
    if not unique:
        raise InvalidChoiceError(
            "Kies minstens één indicator. Kijk in wijklib.indicatoren() welke er zijn."
        )
    return [catalog.get(n) for n in unique]


def require_columns(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise InvalidChoiceError(
            f"Ik verwacht voor {what} een tabel (DataFrame), bijvoorbeeld uit "
            "wijklib.kerncijfers(...)."
        )
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        names = ", ".join(f"'{c}'" for c in missing)
        raise DataNotAvailableError(
            f"De kolom(men) {names} staan niet in {what}. Gebruik een tabel uit "
            "wijklib.kerncijfers(...), of voeg de kolom toe."
        )


def area_names(frame: pd.DataFrame) -> np.ndarray:
    """The ``naam`` column as text, or the codes when there is no name column."""
    column = "naam" if "naam" in frame.columns else "code"
    return frame[column].astype("string").fillna("").to_numpy(dtype=object)


def area_codes(frame: pd.DataFrame) -> np.ndarray:
    return frame["code"].astype("string").str.strip().fillna("").to_numpy(dtype=object)


def reference_phrase(key: str) -> str:
    """How a reference key reads after "dan" in a Dutch sentence."""
    return _PHRASES.get(str(key).strip().casefold(), str(key))


def find_area_row(areas: pd.DataFrame, code: str) -> int:
    """Row position of an area given by code (or by its exact name)."""
    require_columns(areas, ["code"], "de tabel met gebieden")
    given = str(code).strip()
    if areas.empty:
        raise DataNotAvailableError(
            f"De tabel met gebieden is leeg, dus ik kan '{given}' niet vinden."
        )
    codes = area_codes(areas)
    hits = np.flatnonzero(np.char.upper(codes.astype(str)) == given.upper())
    if len(hits) == 0 and "naam" in areas.columns:
        names = area_names(areas)
        hits = np.flatnonzero(
            np.array([n.casefold() == given.casefold() for n in names], dtype=bool)
        )
        if len(hits) > 1:
            options = ", ".join(codes[hits])
            raise InvalidChoiceError(
                f"Er zijn meer gebieden met de naam '{given}'. Gebruik de code: {options}."
            )
    if len(hits) == 0:
        options = list(codes)
        if "naam" in areas.columns:
            options += list(area_names(areas))
        close = difflib.get_close_matches(given, options, n=3)
        hint = f" Bedoel je: {', '.join(close)}?" if close else ""
        raise InvalidChoiceError(
            f"Het gebied '{given}' staat niet in de tabel.{hint} "
            f"Gebruik de code uit de kolom 'code', bijvoorbeeld {codes[0]}."
        )
    return int(hits[0])


# ------------------------------------------------------------------ difference label


def _check_direction(hoger_is: str) -> str:
    direction = str(hoger_is).strip().lower()
    if direction not in catalog.DIRECTIONS:
        raise InvalidChoiceError(
            f"'{hoger_is}' kan ik niet gebruiken. Kies 'gunstig', 'ongunstig' of 'neutraal'."
        )
    return direction


def _with_unit(text: str, eenheid: str) -> str:
    unit = str(eenheid or "").strip()
    return f"{text} {unit}" if unit and unit != "aantal" else text


def difference_label(
    value: Any,
    reference: Any,
    hoger_is: str,
    eenheid: str,
    referentie: str = "de gemeente",
) -> str:
    """A short Dutch sentence that states a difference and its size.

    Parameters
    ----------
    value, reference : float
        The area's value and the value it is compared with (NaN or None = missing).
    hoger_is : {"gunstig", "ongunstig", "neutraal"}
        Whether a higher value is favourable; adds ", dat is gunstiger/ongunstiger".
    eenheid : str
        Unit as shown to people (``"x 1 000 euro"``); ``"aantal"`` is not repeated.
        For a unit that starts with ``%`` the difference is given in *procentpunt*,
        because a relative difference of percentages is easily misread.
    referentie : str
        What the value is compared with, as it reads after "dan" ("de gemeente",
        "Nederland").

    Returns
    -------
    str
        For example ``"12,5 % hoger dan de gemeente (45 tegen 40 x 1 000 euro)"``.
    """
    direction = _check_direction(hoger_is)
    shown_value, shown_ref = format_number(value), format_number(reference)
    numbers = _with_unit(f"{shown_value} tegen {shown_ref}", eenheid)
    if "onbekend" in (shown_value, shown_ref):
        return f"Niet te vergelijken met {referentie}: een cijfer ontbreekt ({numbers})"
    v, r = float(value), float(reference)
    if v == r:
        return f"Even hoog als {referentie} ({numbers})"
    word = "hoger" if v > r else "lager"
    if str(eenheid or "").strip().startswith("%"):
        size = f"{format_number(abs(v - r), 1)} procentpunt"
    elif r != 0:
        size = f"{format_number(abs(v - r) / abs(r) * 100, 1)} %"
    else:
        size = _with_unit(format_number(abs(v - r)), eenheid)
    text = f"{size} {word} dan {referentie} ({numbers})"
    if direction != "neutraal":
        better = (v > r) == (direction == "gunstig")
        text += ", dat is " + ("gunstiger" if better else "ongunstiger")
    return text


# --------------------------------------------------------------------------- compare


def _references(reference: Any) -> dict[str, pd.DataFrame]:
    if isinstance(reference, pd.DataFrame):
        level = ""
        if "niveau" in reference.columns and len(reference):
            level = str(reference["niveau"].iloc[0]).strip().lower()
        reference = {_KEY_BY_LEVEL.get(level, "referentie"): reference}
    if not isinstance(reference, Mapping):
        raise InvalidChoiceError(
            "Geef de vergelijking als tabel met één rij, of als woordenboek, bijvoorbeeld "
            "{'gemeente': gemeente_rij, 'Nederland': nederland_rij}."
        )
    if not reference:
        raise InvalidChoiceError(
            "Geef minstens één vergelijking, bijvoorbeeld {'gemeente': gemeente_rij}."
        )
    refs: dict[str, pd.DataFrame] = {}
    for key, frame in reference.items():
        key = str(key).strip()
        if not key:
            raise InvalidChoiceError("Geef elke vergelijking een naam, bijvoorbeeld 'gemeente'.")
        require_columns(frame, [], f"de vergelijking '{key}'")
        if len(frame) != 1:
            raise InvalidChoiceError(
                f"De vergelijking '{key}' moet precies één rij hebben, maar heeft er "
                f"{len(frame)}. Gebruik bijvoorbeeld wijklib.kerncijfers(gemeente, "
                "niveau='gemeente') of wijklib.kerncijfers_nederland()."
            )
        refs[key] = frame
    return refs


def judge_values(
    v: np.ndarray, r: np.ndarray, direction: np.ndarray, equal_within: float
) -> np.ndarray:
    """Vectorised ``oordeel`` for values ``v`` against references ``r``."""
    known = np.isfinite(v) & np.isfinite(r)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(known & (r != 0), np.abs(v - r) / np.abs(r), np.nan)
    same = known & np.where(r != 0, rel < equal_within + _EPS, v == r)
    higher = known & ~same & (v > r)
    lower = known & ~same & (v < r)
    out = np.full(v.shape, "onbekend", dtype=object)
    out[same] = "ongeveer gelijk"
    neutral = direction == "neutraal"
    favourable = direction == "gunstig"
    out[higher & neutral] = "hoger"
    out[lower & neutral] = "lager"
    out[(higher & favourable) | (lower & (direction == "ongunstig"))] = "gunstiger"
    out[(lower & favourable) | (higher & (direction == "ongunstig"))] = "ongunstiger"
    return out


def compare(
    areas: pd.DataFrame,
    reference: dict[str, pd.DataFrame] | pd.DataFrame,
    indicators: list[str],
    threshold: float = 0.2,
    equal_within: float = 0.05,
) -> pd.DataFrame:
    """Compare each area with one or more references, indicator by indicator.

    Parameters
    ----------
    areas : pandas.DataFrame
        Areas as from :func:`wijklib.kerncijfers` (needs ``code`` and the indicator
        columns; ``naam`` is used when present).
    reference : dict of str to DataFrame, or DataFrame
        One-row frames to compare with, e.g. ``{"gemeente": gm, "Nederland": nl}``. A
        single frame gets the key ``"gemeente"``, ``"Nederland"``, ``"wijk"`` or
        ``"buurt"`` from its ``niveau`` column (else ``"referentie"``). The *first*
        reference decides ``opvallend``, ``oordeel`` and ``toelichting``.
    indicators : list of str
        Catalogue names (typos give a Dutch error with the closest names).
    threshold : float
        A difference is ``opvallend`` when ``|relative difference| >= threshold``; 0.2
        means 20 %.
    equal_within : float
        Relative differences below this (0.05 = 5 %) count as ``"ongeveer gelijk"``.

    Returns
    -------
    pandas.DataFrame
        One row per area × indicator (area by area, indicators in the given order):
        ``code``, ``naam``, ``indicator``, ``label``, ``eenheid``, ``jaar`` (year of the
        area's figure, from ``attrs``), ``waarde``; per reference key ``k``:
        ``waarde_k``, ``jaar_k`` (year of the reference figure), ``verschil_k``
        (``waarde - waarde_k``) and ``verschil_pct_k`` (difference as % of
        ``|waarde_k|``, NaN when that is 0 or missing); then ``ander_jaar`` (True when
        both figures are known and a reference figure comes from another year than the
        area's), ``opvallend``, ``oordeel`` (one of :data:`JUDGEMENTS`, based on
        ``hoger_is``; neutral indicators get ``"hoger"``/``"lager"``) and
        ``toelichting`` (a Dutch sentence with the size of the difference, see
        :func:`difference_label`; for units in % it speaks of *procentpunt*).

    Notes
    -----
    A missing value (area or reference) is never read as 0: ``oordeel`` is
    ``"onbekend"`` and ``opvallend`` is False. Years come from the provenance
    (:mod:`wijklib.guarantees.provenance`), per row; ``pd.NA`` when none is known.
    """
    for number, name in ((threshold, "threshold"), (equal_within, "equal_within")):
        if not isinstance(number, Real) or isinstance(number, bool) or not number >= 0:
            raise InvalidChoiceError(
                f"'{name}' moet een getal van 0 of meer zijn (0,2 betekent 20 %)."
            )
    inds = catalogue_entries(indicators)
    names = [i.naam for i in inds]
    refs = _references(reference)
    require_columns(areas, ["code", *names], "de tabel met gebieden")
    for key, frame in refs.items():
        require_columns(frame, names, f"de vergelijking '{key}'")

    n, k = len(areas), len(inds)
    values = np.column_stack([as_float(areas[c]) for c in names]).ravel() if n else np.empty(0)
    directions = np.tile(np.array([i.hoger_is for i in inds], dtype=object), n)
    out = pd.DataFrame(
        {
            "code": np.repeat(area_codes(areas), k),
            "naam": np.repeat(area_names(areas), k),
            "indicator": np.tile(np.array(names, dtype=object), n),
            "label": np.tile(np.array([i.label for i in inds], dtype=object), n),
            "eenheid": np.tile(np.array([i.eenheid for i in inds], dtype=object), n),
            "jaar": pd.array(np.column_stack(
                [provenance.row_years(areas, c).to_numpy(dtype=object) for c in names]
            ).ravel() if n else [], dtype="Int64"),
            "waarde": values,
        }
    )
    other_year = np.zeros(n * k, dtype=bool)
    first: tuple[str, np.ndarray, list[int | None]] | None = None
    for key, frame in refs.items():
        ref_values = np.tile(np.array([as_float(frame[c])[0] for c in names]), n)
        ref_years = [indicator_year(frame, c) for c in names]
        with np.errstate(divide="ignore", invalid="ignore"):
            diff = values - ref_values
            rel = np.where(ref_values != 0, diff / np.abs(ref_values) * 100, np.nan)
        out[f"waarde_{key}"] = ref_values
        out[f"jaar_{key}"] = pd.array(np.tile(np.array(ref_years, dtype=object), n), "Int64")
        out[f"verschil_{key}"] = diff
        out[f"verschil_pct_{key}"] = rel
        ref_tiled = pd.array(np.tile(np.array(ref_years, dtype=object), n), "Int64")
        differs = (out["jaar"].notna() & pd.notna(ref_tiled)
                   & (out["jaar"].to_numpy() != ref_tiled)).fillna(False)
        other_year |= np.asarray(differs, dtype=bool) & np.isfinite(diff)
        if first is None:
            first = (key, ref_values, ref_years)
    assert first is not None
    key, ref_values, ref_years = first
    rel_first = out[f"verschil_pct_{key}"].to_numpy()
    diff_first = out[f"verschil_{key}"].to_numpy()
    out["ander_jaar"] = other_year
    with np.errstate(invalid="ignore"):
        out["opvallend"] = np.abs(rel_first) >= threshold * 100 - _EPS
    out["oordeel"] = judge_values(values, ref_values, directions, float(equal_within))
    phrase = reference_phrase(key)
    texts = []
    for row in range(n * k):
        ind = inds[row % k]
        text = difference_label(values[row], ref_values[row], ind.hoger_is, ind.eenheid, phrase)
        a, b = out["jaar"].iloc[row], ref_years[row % k]
        if not pd.isna(a) and b is not None and a != b and np.isfinite(diff_first[row]):
            text += f". Let op: dit gebied heeft een cijfer uit {a}, {phrase} uit {b}"
        texts.append(text)
    out["toelichting"] = pd.Series(texts, index=out.index, dtype=object)
    return out


# ----------------------------------------------------------------------- similar areas


#: The structural profile similar areas are found on: urbanity (address density), age
#: structure, tenure, home value and household size. Figures that describe *who lives
#: where*, not the outcomes one wants to compare (benefits, income, nuisance).
STRUCTURAL_PROFILE = (
    "adressendichtheid",
    "pct_0_15",
    "pct_65_plus",
    "pct_huurwoningen",
    "woz_waarde",
    "huishoudensgrootte",
)

#: The rough basis used when an area has no figure of the structural profile at all.
FALLBACK_PROFILE = ("stedelijkheid", "inwoners")

#: How a column of the profile reads in a Dutch sentence.
PROFILE_WORDS = {
    "adressendichtheid": "stedelijkheid (adressen per km²)",
    "stedelijkheid": "stedelijkheid",
    "inwoners": "aantal inwoners",
    "pct_0_15": "aandeel kinderen",
    "pct_65_plus": "aandeel 65-plussers",
    "pct_huurwoningen": "aandeel huurwoningen",
    "pct_koopwoningen": "aandeel koopwoningen",
    "woz_waarde": "WOZ-waarde",
    "huishoudensgrootte": "huishoudensgrootte",
}


def _is_class(column: str) -> bool:
    try:
        return catalog.get(column).soort == "klasse"
    except KeyError:
        return False


def _is_skewed(column: str) -> bool:
    """Sizes and densities: compared on a log scale (a factor 2 counts the same anywhere)."""
    try:
        return catalog.get(column).soort in ("aantal", "oppervlakte", "dichtheid")
    except KeyError:
        return False


def profile_words(columns: Iterable[str]) -> str:
    """The profile columns as a Dutch list: "stedelijkheid, aandeel kinderen en WOZ-waarde"."""
    words = [PROFILE_WORDS.get(c, c) for c in columns]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " en " + words[-1]


def similar_areas(
    areas: pd.DataFrame,
    code: str,
    n: int = 5,
    by: tuple[str, ...] | None = None,
    landelijk: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The ``n`` other areas whose structural profile looks most like that of one area.

    Parameters
    ----------
    areas : pandas.DataFrame
        Areas as from :func:`wijklib.kerncijfers`. Without ``landelijk`` the search stays
        within these areas (normally the buurten of one gemeente); ``attrs["uitleg"]``
        says so.
    code : str
        Code of the area (``"BU03440111"``); an exact name also works.
    n : int
        How many similar areas to return (fewer when there are not enough).
    by : tuple of str, optional
        Columns of the profile; default :data:`STRUCTURAL_PROFILE` (those in the table).
        Sizes and densities are compared on a log scale (``log10(1 + x)``).
    landelijk : pandas.DataFrame, optional
        The same level for the whole country (``wijklib.kerncijfers("Nederland",
        niveau=...)``). The search then runs across the country, among the areas that
        have every figure of the profile, when the area itself is in that table with
        those figures and at least ``n`` areas of *other* gemeenten have them too.
        Otherwise it stays within ``areas``, and ``attrs["toelichting"]`` says why.
        ``attrs["gezocht_in"]`` is ``"Nederland"`` or ``"gemeente"``.

    Returns
    -------
    pandas.DataFrame
        The rows of the similar areas, most similar first, plus ``afstand``: the
        standardised distance, the root mean square over the profile columns of the
        difference in standard deviations (z-scores over these areas). 0 = the same
        profile; 1 = on average one standard deviation apart per column. Sorted by
        ``afstand``, then code. The area itself and areas with a missing (or negative)
        value in a profile column are left out. ``attrs``: ``vergeleken_op`` (columns
        used), ``uitleg`` (a Dutch sentence about the basis) and, when a column was left
        out because the area has no figure, ``toelichting``.

    Raises
    ------
    InvalidChoiceError
        Unknown code or a bad ``n``.
    DataNotAvailableError
        A ``by`` column is absent, or the chosen area has no figure in any of them.
    """
    within = _similar(areas, code, n, by, "gemeente")
    if landelijk is None:
        return within
    profile = tuple(within.attrs["vergeleken_op"])
    words = profile_words(profile)
    if not isinstance(landelijk, pd.DataFrame) or "code" not in landelijk.columns:
        raise InvalidChoiceError("Geef bij 'landelijk' de kerncijfers van heel Nederland, "
                                 "bijvoorbeeld wijklib.kerncijfers('Nederland', niveau='wijk').")
    focus = areas.iloc[find_area_row(areas, code)]
    own = str(focus.get("gemeentecode", "") or "")
    have = pd.Series(True, index=landelijk.index)
    for column in profile:
        have &= (pd.to_numeric(landelijk[column], errors="coerce").notna()
                 if column in landelijk.columns else False)
    codes = landelijk["code"].astype("string").str.strip()
    others = have & (landelijk.get("gemeentecode", pd.Series("", index=landelijk.index))
                     .astype("string").fillna("") != own)
    focus_there = bool((have & (codes == str(focus["code"]).strip())).any())
    if focus_there and int(others.sum()) >= n:
        wide = _similar(landelijk[have], str(focus["code"]).strip(), n, profile, "Nederland")
        wide.attrs["gezocht_in"] = "Nederland"
        return wide
    count = int(others.sum())
    if not focus_there:
        reason = f"dit gebied staat niet met cijfers over {words} in de landelijke tabel"
    elif count == 0:
        reason = f"geen enkel gebied buiten de gemeente heeft cijfers over {words}"
    else:
        reason = f"maar {count} gebieden buiten de gemeente hebben cijfers over {words}"
    note = f"Niet in heel Nederland gezocht: {reason}. Daarom is gezocht binnen de gemeente."
    within.attrs["toelichting"] = " ".join(
        t for t in (within.attrs.get("toelichting", ""), note) if t)
    return within


def country_areas(niveau: str, jaar: int | None = None) -> tuple[pd.DataFrame | None, str]:
    """All areas of the country at one level, for :func:`similar_areas` (``landelijk``).

    Returns
    -------
    (frame or None, note)
        ``wijklib.kerncijfers("Nederland", jaar=jaar, niveau=niveau)``, or None with the
        reason in Dutch when the data layer cannot give it (then the search stays within
        the gemeente).
    """
    from wijklib.data.cbs import kerncijfers
    from wijklib.errors import WijklibError

    try:
        frame = kerncijfers("Nederland", jaar=jaar, niveau=niveau)
    except WijklibError as err:
        return None, (f"De cijfers van heel Nederland op {niveau}niveau zijn er nu niet "
                      f"({err}). Vergelijkbare gebieden zoek ik daarom binnen de gemeente.")
    return frame, (f"Cijfers van heel Nederland op {niveau}niveau: {len(frame)} gebieden "
                   f"({frame.attrs.get('year', 'jaar onbekend')}).")


def _similar(
    areas: pd.DataFrame, code: str, n: int, by: tuple[str, ...] | None, scope: str
) -> pd.DataFrame:
    """:func:`similar_areas` within one table; ``scope`` is "gemeente" or "Nederland"."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise InvalidChoiceError("'n' moet een heel getal van 1 of meer zijn.")
    fallback_note = ""
    if by is None:
        by = tuple(c for c in STRUCTURAL_PROFILE if c in areas.columns) or STRUCTURAL_PROFILE
        require_columns(areas, ["code"], "de tabel met gebieden")
        pos = find_area_row(areas, code)
        known = [c for c in by if c in areas.columns and np.isfinite(as_float(areas[c])[pos])]
        rough = tuple(c for c in FALLBACK_PROFILE if c in areas.columns)
        if not known and rough:
            # no structural figure for this area (a table with few columns, a new year):
            # the rough basis of urbanity and size, and say that it says less
            fallback_note = (
                f"Voor dit gebied staat geen cijfer over {profile_words(STRUCTURAL_PROFILE)} "
                f"in de tabel. Daarom is alleen gezocht op {profile_words(rough)}; dat "
                "zegt minder over hoe de buurt is opgebouwd."
            )
            by = rough
    by = (by,) if isinstance(by, str) else tuple(by)
    if not by:
        raise InvalidChoiceError(
            "Kies minstens één kolom in 'by', bijvoorbeeld ('woz_waarde', 'pct_huurwoningen')."
        )
    require_columns(areas, ["code", *by], "de tabel met gebieden")
    pos = find_area_row(areas, code)
    values = {c: as_float(areas[c]) for c in by}
    # A column without a figure for this area is left out, as long as one remains;
    # the result says so in attrs["toelichting"].
    dropped = [c for c in by if not np.isfinite(values[c][pos])]
    if len(dropped) == len(by):
        raise DataNotAvailableError(
            f"Voor {area_codes(areas)[pos]} ontbreekt {', '.join(by)}. Daarom kan ik geen "
            "vergelijkbare gebieden zoeken. Kies andere kolommen in 'by'."
        )
    by = tuple(c for c in by if c not in dropped)
    usable = np.ones(len(areas), dtype=bool)
    for c in by:
        usable &= np.isfinite(values[c])
        if not _is_class(c):
            usable &= ~(values[c] < 0)
    columns = []
    with np.errstate(invalid="ignore", divide="ignore"):
        for c in by:
            x = np.where(usable, values[c], np.nan)
            if _is_skewed(c):
                x = np.log10(1 + x)
            sd = np.nanstd(x) if usable.sum() > 1 else 0.0
            columns.append((x - x[pos]) / sd if sd > 0 else np.zeros(len(x)))
        distance = np.sqrt(np.mean(np.column_stack(columns) ** 2, axis=1))
    usable[pos] = False
    chosen = np.flatnonzero(usable)
    codes = area_codes(areas)[chosen].astype(str)
    order = np.lexsort((codes, distance[chosen]))[:n]
    rows = chosen[order]
    result = areas.iloc[rows].copy()
    result["afstand"] = distance[rows]
    result.attrs["vergeleken_op"] = list(by)
    result.attrs["gezocht_in"] = scope
    where = (f"in heel Nederland, onder de {int(usable.sum()) + 1} gebieden met al deze cijfers"
             if scope == "Nederland"
             else f"binnen de {len(areas)} gebieden van deze tabel (de gemeente)")
    result.attrs["uitleg"] = (
        f"Gezocht {where}, op {profile_words(by)}. Afstand 0 betekent: precies hetzelfde; "
        "1 betekent: per kenmerk gemiddeld één standaardafwijking verschil."
    )
    if dropped:
        result.attrs["toelichting"] = (
            f"Voor dit gebied ontbreekt {', '.join(dropped)}; de vergelijkbare gebieden zijn "
            f"alleen gezocht op {', '.join(by)}."
        )
    if fallback_note:
        result.attrs["toelichting"] = " ".join(
            t for t in (fallback_note, result.attrs.get("toelichting", "")) if t)
    return result


def compare_similar(
    areas: pd.DataFrame,
    code: str,
    indicators: list[str],
    n: int = 5,
    by: tuple[str, ...] | None = None,
    threshold: float = 0.2,
    landelijk: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Compare one area with the median of its most similar areas.

    Parameters
    ----------
    areas : pandas.DataFrame
        Areas as from :func:`wijklib.kerncijfers`.
    code : str
        The area to look at (code or exact name).
    indicators : list of str
        Catalogue names.
    n, by, landelijk
        Passed to :func:`similar_areas` (with ``landelijk`` the similar areas may come
        from the whole country; ``attrs["gezocht_in"]`` says where).
    threshold : float
        Passed to :func:`compare`.

    Returns
    -------
    pandas.DataFrame
        The table of :func:`compare` for the one area, with reference key
        ``"vergelijkbaar"`` (``waarde_vergelijkbaar`` = median of the similar areas that
        have a figure), plus ``aantal_vergelijkbaar`` (how many similar areas have a
        figure) and ``vergelijkbaar_met`` (their names). ``attrs`` has
        ``aantal_gebieden``, ``vergeleken_op`` (the columns the similar areas were found
        on), ``uitleg``, ``afstanden`` (name -> distance) and, when a profile column was
        missing for the area, ``toelichting``.
    """
    inds = catalogue_entries(indicators)
    names = [i.naam for i in inds]
    require_columns(areas, ["code", *names], "de tabel met gebieden")
    similar = similar_areas(areas, code, n=n, by=by, landelijk=landelijk)
    pos = find_area_row(areas, code)
    area = areas.iloc[[pos]]
    area.attrs = dict(areas.attrs)
    if similar.empty:
        medians = {c: np.nan for c in names}
        counts = dict.fromkeys(names, 0)
    else:
        numbers = pd.DataFrame({c: as_float(similar[c]) if c in similar.columns
                                else np.full(len(similar), np.nan) for c in names})
        medians = {c: float(numbers[c].median()) for c in names}
        counts = {c: int(numbers[c].notna().sum()) for c in names}
    median_row = pd.DataFrame({c: [medians[c]] for c in names})
    median_row.attrs = dict(areas.attrs)
    result = compare(area, {"vergelijkbaar": median_row}, names, threshold=threshold)
    result["aantal_vergelijkbaar"] = [counts[c] for c in result["indicator"]]
    result["vergelijkbaar_met"] = ", ".join(area_names(similar))
    result.attrs["aantal_gebieden"] = len(similar)
    result.attrs["vergeleken_op"] = similar.attrs.get("vergeleken_op", list(by or ()))
    result.attrs["uitleg"] = similar.attrs.get("uitleg", "")
    result.attrs["gezocht_in"] = similar.attrs.get("gezocht_in", "gemeente")
    result.attrs["afstanden"] = dict(zip(area_names(similar), similar["afstand"], strict=True))
    if "toelichting" in similar.attrs:
        result.attrs["toelichting"] = similar.attrs["toelichting"]
    return result
