"""The CBS pitfalls, shown with the participant's own data.

Each function returns a small table with a Dutch explanation column, so a notebook can
show *why* a figure needs care:

* :func:`rounding_check` — buurten do not add up to the gemeente (random rounding);
* :func:`small_areas` and :func:`unstable_rates` — small areas: secret figures and
  wobbly rates;
* :func:`boundary_changes` — codes and boundaries change between years;
* :func:`missing_overview` and :func:`year_overview` — missing figures and the year of
  every figure (the newest table is filled theme by theme).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from wijklib.data import catalog
from wijklib.errors import InvalidChoiceError
from wijklib.guarantees import provenance
from wijklib.tellen.compare import (
    area_codes,
    area_names,
    as_float,
    catalogue_entries,
    find_area_row,
    format_number,
    indicator_year,
    require_columns,
)

#: Kinds of figure that can be added up over areas, and the largest rounding error of
#: one area's figure (CBS rounds counts of wijken and buurten randomly to a multiple of 5;
#: areas are given in whole hectares).
SUMMABLE = {"aantal": 5.0, "oppervlakte": 0.5}

#: Counts that CBS does *not* round to a multiple of 5: the largest rounding error of one
#: area's figure (the housing stock comes from the BAG and is not rounded; benefits are
#: rounded to tens).
ROUNDING_BY_INDICATOR = {
    "woningvoorraad": 0.0,
    "bijstand": 10.0,
    "ao_uitkering": 10.0,
    "ww_uitkering": 10.0,
    "aow_uitkering": 10.0,
}

#: Counts of people: the gemeente also counts inhabitants CBS cannot place in a wijk or
#: buurt, so the parts may add up to *less* than the gemeente by more than rounding.
_PEOPLE_KINDS = ("inwoners", "mannen", "vrouwen", "leeftijd_", "ongehuwd", "gehuwd",
                 "gescheiden", "verweduwd", "huishoudens", "eenpersoonshuishoudens")

#: Meaning of the ``indelingswijziging`` codes.
BOUNDARY_CODES = {
    "1": "ongewijzigd: zelfde code en zelfde gebied als vorig jaar",
    "2": "nieuwe code, maar hetzelfde gebied",
    "3": "het gebied is veranderd: vergelijk niet zomaar met vorige jaren",
    "onbekend": "onbekend: de tabel geeft geen code",
}

#: Status texts of :func:`missing_overview`.
STATUS_COMPLETE = "volledig"
STATUS_UNPUBLISHED = "nog niet gepubliceerd"
STATUS_PARTLY = "geheim of onbekend voor een deel van de gebieden"
STATUS_EMPTY = "geen gebieden"

_KIND_WORDS = {
    "percentage": "een percentage",
    "aandeel": "een aandeel (percentage)",
    "per 1 000": "een cijfer per 1 000 inwoners",
    "gemiddelde": "een gemiddelde",
    "mediaan": "een mediaan (het middelste huishouden)",
    "dichtheid": "een dichtheid",
    "afstand": "een gemiddelde afstand",
    "klasse": "een klasse (een code)",
}

_PLURAL = {"buurt": "buurten", "wijk": "wijken", "gemeente": "gemeenten"}
_SINGULAR = {plural: single for single, plural in _PLURAL.items()} | {"gebieden": "gebied"}
_WHOLE = {"gemeente": "de gemeente", "wijk": "de wijk", "land": "Nederland"}


def _level(frame: pd.DataFrame) -> str:
    if "niveau" in frame.columns and len(frame):
        return str(frame["niveau"].iloc[0]).strip().lower()
    return ""


def _part_word(frame: pd.DataFrame) -> str:
    return _PLURAL.get(_level(frame), "gebieden")


# ------------------------------------------------------------------------- rounding


def rounding_step(ind: catalog.Indicator) -> float:
    """The largest rounding error of one area's figure for a summable indicator."""
    return ROUNDING_BY_INDICATOR.get(ind.naam, SUMMABLE[ind.soort])


def _rounding_words(ind: catalog.Indicator) -> str:
    step = rounding_step(ind)
    if ind.soort != "aantal":
        return "Dat verschil past bij afronden op hele hectares per gebied."
    if step == 0:
        return ("CBS rondt dit aantal niet af, dus het verschil komt niet door afronden.")
    if step == 10:
        return ("Dat verschil past bij afronden: CBS rondt dit aantal per wijk en buurt af op "
                "tientallen.")
    return ("Dat verschil past bij afronden: CBS rondt aantallen per wijk en buurt "
            "willekeurig af op een veelvoud van 5.")


def _rounding_text(
    ind: catalog.Indicator,
    total: float,
    whole: float,
    count: int,
    missing: int,
    years: tuple[int | None, int | None],
    parts: str,
    whole_word: str,
) -> str:
    notes: list[str] = []
    a_year, b_year = years
    if count == 0:
        notes.append(f"Geen van de {parts} heeft een cijfer, dus de som is onbekend.")
    elif not np.isfinite(whole):
        notes.append(f"{whole_word.capitalize()} heeft geen cijfer, dus vergelijken kan niet.")
    else:
        diff = total - whole
        bound = rounding_step(ind) * count
        shown = format_number(abs(diff))
        share = format_number(abs(diff) / whole * 100, 2) if whole else "onbekend"
        more = "meer" if diff > 0 else "minder"
        if diff == 0:
            notes.append(f"De som van de {parts} is precies gelijk aan {whole_word}.")
        elif abs(diff) < bound:
            text = (f"De {parts} tellen op tot {shown} {more} dan {whole_word} ({share} %). "
                    + _rounding_words(ind))
            if ind.soort == "aantal":
                text += f" Gebruik voor het totaal dus het cijfer van {whole_word}."
            notes.append(text)
        else:
            limit = (f"hooguit {format_number(bound)}" if bound else
                     "CBS rondt dit aantal niet af")
            text = (f"De {parts} tellen op tot {shown} {more} dan {whole_word} ({share} %). "
                    f"Dat is meer dan afronden kan verklaren ({limit}).")
            people = ind.naam.startswith(_PEOPLE_KINDS)
            if diff < 0 and people:
                text += (f" Dat is gewoon: CBS kan niet alle inwoners in een wijk of buurt "
                         f"plaatsen (bijvoorbeeld mensen zonder vast adres). Zij tellen wel "
                         f"mee in {whole_word}, maar in geen enkele buurt. Gebruik voor het "
                         f"totaal dus het cijfer van {whole_word}.")
            elif diff < 0:
                text += (f" Vaak telt {whole_word} ook mee wat CBS niet in een wijk of buurt "
                         "kan plaatsen. Kijk ook of alle " + parts + " erin zitten.")
            else:
                text += (f" Kijk of er {parts} dubbel in de tabel staan, of {parts} van een "
                         "andere gemeente.")
            if a_year is not None and b_year is not None and a_year != b_year:
                text += " Het verschil in jaar (zie hieronder) kan ook meespelen."
            notes.append(text)
    if missing == 1:
        notes.append(
            f"1 {_SINGULAR.get(parts, 'gebied')} heeft geen cijfer (geheim of onbekend). Die "
            "telt niet mee in de som."
        )
    elif missing:
        notes.append(
            f"{missing} {parts} hebben geen cijfer (geheim of onbekend). Die tellen niet "
            "mee in de som."
        )
    a, b = years
    if a is not None and b is not None and a != b:
        notes.append(f"Let op: de {parts} hebben cijfers uit {a}, {whole_word} uit {b}.")
    return " ".join(notes)


def rounding_check(
    parts: pd.DataFrame, whole: pd.DataFrame, indicators: list[str]
) -> pd.DataFrame:
    """Add up the buurten (or wijken) and compare the sum with the gemeente figure.

    CBS rounds counts of wijken and buurten randomly to a multiple of 5, so they do not
    add up exactly to the (unrounded) gemeente figure; each area's error is below 5, so
    the sum of ``m`` areas is off by less than ``5 × m``. Not every count is rounded to
    5 (:data:`ROUNDING_BY_INDICATOR`: the housing stock is not rounded, benefits are
    rounded to tens). A larger shortfall in counts of people is normal: the gemeente
    also counts inhabitants CBS cannot place in any wijk or buurt; the text says so. Only
    counts (and areas in ha) can be added up: percentages, rates and averages get a row
    with an explanation and no sum. Missing figures are left out of the sum, never counted as 0.

    Parameters
    ----------
    parts : pandas.DataFrame
        The buurten or wijken (for instance ``wijklib.kerncijfers(g, niveau="buurt")``).
    whole : pandas.DataFrame
        One row: the gemeente (``wijklib.kerncijfers(g, niveau="gemeente")``).
    indicators : list of str
        Catalogue names.

    Returns
    -------
    pandas.DataFrame
        One row per indicator: ``indicator``, ``label``, ``soort``, ``optelbaar``,
        ``jaar`` (of the parts), ``aantal_delen`` (parts with a figure),
        ``ontbrekend_delen``, ``som``, ``waarde_geheel``, ``verschil`` (``som -
        waarde_geheel``), ``verschil_pct`` (as % of ``waarde_geheel``), ``max_afronding``
        (the largest difference rounding can explain) and a Dutch ``toelichting``.
    """
    inds = catalogue_entries(indicators)
    names = [i.naam for i in inds]
    require_columns(parts, names, "de tabel met buurten of wijken")
    require_columns(whole, names, "de tabel met de gemeente")
    if len(whole) != 1:
        raise InvalidChoiceError(
            f"Voor het geheel verwacht ik precies één rij (de gemeente), maar er zijn er "
            f"{len(whole)}. Gebruik wijklib.kerncijfers(gemeente, niveau='gemeente')."
        )
    part_word = _part_word(parts)
    whole_word = _WHOLE.get(_level(whole), "het geheel")
    rows: list[dict[str, Any]] = []
    for ind in inds:
        year = indicator_year(parts, ind.naam)
        row: dict[str, Any] = {
            "indicator": ind.naam,
            "label": ind.label,
            "soort": ind.soort,
            "optelbaar": ind.soort in SUMMABLE,
            "jaar": year,
        }
        values = as_float(parts[ind.naam])
        present = np.isfinite(values)
        count, missing = int(present.sum()), int((~present).sum())
        whole_value = float(as_float(whole[ind.naam])[0])
        if ind.soort not in SUMMABLE:
            kind = _KIND_WORDS.get(ind.soort, f"geen aantal maar '{ind.soort}'")
            text = (
                f"'{ind.label}' is {kind}. Zulke cijfers kun je niet optellen: grote en "
                f"kleine {part_word} tellen dan even zwaar mee. Vergelijk het cijfer met "
                f"dat van {whole_word}."
            )
            if ind.derived:
                sources = " en ".join([ind.teller, *ind.noemer])
                text += f" Of tel de aantallen op waar het van is gemaakt ({sources})."
            row.update(
                aantal_delen=count,
                ontbrekend_delen=missing,
                som=np.nan,
                waarde_geheel=whole_value,
                verschil=np.nan,
                verschil_pct=np.nan,
                max_afronding=np.nan,
                toelichting=text,
            )
            rows.append(row)
            continue
        total = float(values[present].sum()) if count else np.nan
        diff = total - whole_value
        row.update(
            aantal_delen=count,
            ontbrekend_delen=missing,
            som=total,
            waarde_geheel=whole_value,
            verschil=diff,
            verschil_pct=diff / whole_value * 100 if whole_value else np.nan,
            max_afronding=rounding_step(ind) * count,
            toelichting=_rounding_text(
                ind,
                total,
                whole_value,
                count,
                missing,
                (year, indicator_year(whole, ind.naam)),
                part_word,
                whole_word,
            ),
        )
        rows.append(row)
    out = pd.DataFrame(rows)
    out["jaar"] = pd.array(out["jaar"].tolist(), dtype="Int64")
    return out


# ----------------------------------------------------------------------- small areas


def _published(areas: pd.DataFrame) -> list[str]:
    """Catalogue columns of ``areas`` that have at least one figure."""
    return [
        i.naam
        for i in catalog.catalogue()
        if i.naam in areas.columns and np.isfinite(as_float(areas[i.naam])).any()
    ]


def small_areas(areas: pd.DataFrame, min_inhabitants: int = 200) -> pd.DataFrame:
    """Areas with fewer than ``min_inhabitants`` inwoners, and how many figures they miss.

    CBS keeps figures of small areas secret (income, benefits, …) and rates per 1 000
    inwoners of small areas jump up and down from year to year.

    Parameters
    ----------
    areas : pandas.DataFrame
        Areas as from :func:`wijklib.kerncijfers` (needs ``code`` and ``inwoners``).
    min_inhabitants : int
        Threshold; areas with a known ``inwoners`` below it are listed.

    Returns
    -------
    pandas.DataFrame
        Sorted by ``inwoners``: ``code``, ``naam``, ``inwoners``, ``aantal_cijfers``
        (catalogue indicators published for at least one of the areas), ``ontbrekend``
        (how many of those this area lacks), ``pct_ontbrekend`` and a Dutch
        ``toelichting``. Columns that are missing for *every* area (not yet published)
        are not counted.
    """
    if (
        isinstance(min_inhabitants, bool)
        or not isinstance(min_inhabitants, (int, float))
        or not min_inhabitants >= 0
    ):
        raise InvalidChoiceError("'min_inhabitants' moet een getal van 0 of meer zijn.")
    require_columns(areas, ["code", "inwoners"], "de tabel met gebieden")
    inhabitants = as_float(areas["inwoners"])
    published = _published(areas)
    if published:
        present = np.column_stack([np.isfinite(as_float(areas[c])) for c in published])
        missing = (~present).sum(axis=1)
    else:
        missing = np.zeros(len(areas), dtype=int)
    small = np.isfinite(inhabitants) & (inhabitants < min_inhabitants)
    k = len(published)
    out = pd.DataFrame(
        {
            "code": area_codes(areas)[small],
            "naam": area_names(areas)[small],
            "inwoners": inhabitants[small],
            "aantal_cijfers": np.full(int(small.sum()), k, dtype="int64"),
            "ontbrekend": missing[small].astype("int64"),
        }
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        out["pct_ontbrekend"] = out["ontbrekend"] / k * 100 if k else np.nan
    texts = []
    for inw, gone in zip(out["inwoners"], out["ontbrekend"], strict=True):
        if inw == 0:
            text = "Geen inwoners: cijfers over inwoners en huishoudens bestaan hier niet."
        else:
            text = (
                f"Klein gebied ({format_number(inw)} inwoners). Cijfers per 1 000 inwoners "
                "en percentages schommelen hier sterk."
            )
        verb = "ontbreekt" if gone == 1 else "ontbreken"
        text += f" {gone} van de {k} cijfers {verb} (geheim of onbekend)."
        texts.append(text)
    out["toelichting"] = pd.Series(texts, index=out.index, dtype=object)
    return out.sort_values(["inwoners", "code"], kind="stable", ignore_index=True)


# ----------------------------------------------------------------------------- rates


def rate_interval(
    count: Any, population: Any, per: float = 1000, level: float = 0.95
) -> tuple[Any, Any]:
    """Exact (Garwood) Poisson confidence interval for a rate such as "per 1 000".

    For an observed count ``k`` the interval of the expected count is
    ``[chi2.ppf(a/2, 2k) / 2, chi2.ppf(1 - a/2, 2k + 2) / 2]`` with ``a = 1 - level``
    (lower bound 0 when ``k = 0``), computed with :data:`scipy.stats.chi2`; dividing by
    ``population`` and multiplying by ``per`` gives the rate. The interval only covers
    chance variation of the count. Counts of wijken and buurten are also rounded
    randomly to a multiple of 5, so the real uncertainty is somewhat larger.

    Parameters
    ----------
    count : float or array-like
        Observed counts (0 or more; NaN or negative gives NaN).
    population : float or array-like
        Population the count comes from (above 0; otherwise NaN).
    per : float
        100 for a percentage, 1000 for a rate per 1 000.
    level : float
        Confidence level between 0 and 1.

    Returns
    -------
    tuple
        ``(lower, upper)``: floats for scalar input, a pandas Series (index of
        ``count``) for Series input, numpy arrays otherwise.
    """
    from scipy.stats import chi2

    if not isinstance(level, (int, float)) or not 0 < level < 1:
        raise InvalidChoiceError("'level' moet tussen 0 en 1 liggen, bijvoorbeeld 0.95.")
    if not isinstance(per, (int, float)) or not per > 0:
        raise InvalidChoiceError("'per' moet groter dan 0 zijn, bijvoorbeeld 1000.")
    index = count.index if isinstance(count, pd.Series) else None
    k = np.asarray(pd.to_numeric(np.asarray(count, dtype=object).ravel(), errors="coerce"),
                   dtype=float).reshape(np.shape(count))
    n = np.asarray(pd.to_numeric(np.asarray(population, dtype=object).ravel(), errors="coerce"),
                   dtype=float).reshape(np.shape(population))
    k, n = np.broadcast_arrays(k, n)
    valid = np.isfinite(k) & np.isfinite(n) & (k >= 0) & (n > 0)
    alpha = 1 - level
    safe_k = np.where(valid, k, 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        low_count = np.where(safe_k > 0, chi2.ppf(alpha / 2, 2 * safe_k) / 2, 0.0)
        high_count = chi2.ppf(1 - alpha / 2, 2 * safe_k + 2) / 2
        lower = np.where(valid, low_count / n * per, np.nan)
        upper = np.where(valid, high_count / n * per, np.nan)
    if index is not None and lower.shape == (len(index),):
        return pd.Series(lower, index=index), pd.Series(upper, index=index)
    if lower.ndim == 0:
        return float(lower), float(upper)
    return lower, upper


def _per_of(rate: catalog.Indicator) -> float | None:
    if rate.derived:
        return float(rate.factor)
    if rate.soort == "per 1 000":
        return 1000.0
    if rate.soort in ("percentage", "aandeel"):
        return 100.0
    return None


#: Below this many cases a rate shown to people gets its 95% interval.
SMALL_COUNT = 100


def rate_margins(
    areas: pd.DataFrame, indicator: str, small: int = SMALL_COUNT, level: float = 0.95
) -> pd.DataFrame:
    """The Poisson interval of a rate or share per area, and a short Dutch text.

    Only for indicators the catalogue derives from a count (``teller``) and a population
    (``noemer``), such as ``bijstand_per_1000``: see :func:`rate_interval`.

    Parameters
    ----------
    areas : pandas.DataFrame
        Areas as from :func:`wijklib.kerncijfers` (with the count and population columns).
    indicator : str
        Catalogue name of the rate.
    small : int
        Areas with fewer cases than this get a ``tekst``; larger counts are stable enough.
    level : float
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        Same index as ``areas``: ``aantal`` (the count), ``ondergrens``, ``bovengrens``
        (NaN when unknown) and ``tekst``, e.g. ``"95%-marge 12 – 48 (7 gevallen)"``; empty
        for large counts, for unknown figures and for indicators without a count.
    """
    ind = catalog.get(indicator)
    out = pd.DataFrame({"aantal": np.nan, "ondergrens": np.nan, "bovengrens": np.nan,
                        "tekst": ""}, index=areas.index)
    columns = [ind.teller, *ind.noemer] if ind.derived else []
    if not columns or any(c not in areas.columns for c in columns):
        return out
    count = pd.Series(as_float(areas[ind.teller]), index=areas.index)
    population = pd.Series(
        np.sum([as_float(areas[c]) for c in ind.noemer], axis=0), index=areas.index)
    low, high = rate_interval(count, population, per=float(ind.factor), level=level)
    out["aantal"], out["ondergrens"], out["bovengrens"] = count, low, high
    shown = np.isfinite(low) & np.isfinite(high) & (count < small)
    out["tekst"] = [
        f"{format(level, '.0%')}-marge {format_number(lo)} – {format_number(hi)} "
        f"({format_number(k)} {'geval' if k == 1 else 'gevallen'})" if ok else ""
        for lo, hi, k, ok in zip(low, high, count, shown, strict=True)
    ]
    return out


def unstable_rates(
    areas: pd.DataFrame,
    rate_indicator: str,
    count_indicator: str,
    population: str = "inwoners",
    max_relative_width: float = 0.5,
    level: float = 0.95,
    per: float | None = None,
) -> pd.DataFrame:
    """Flag rates that rest on so few cases that they are unreliable.

    A rate is *onstabiel* when the width of its confidence interval (see
    :func:`rate_interval`) is more than ``max_relative_width`` times the rate itself; with
    the defaults (95 %, half the rate) that is a count below 66. A rate of 0 is
    always onstabiel. The relative width depends only on the count, so the interval is
    placed around the published rate: the population used is ``count / rate × per`` (the
    rate's own denominator, even when ``population`` comes from another year), and the
    ``population`` column only when the count is 0.

    Parameters
    ----------
    areas : pandas.DataFrame
        Areas as from :func:`wijklib.kerncijfers`.
    rate_indicator : str
        The rate, e.g. ``"bijstand_per_1000"``.
    count_indicator : str
        The count it is made from, e.g. ``"bijstand"``.
    population : str
        Column with the population (default ``"inwoners"``).
    max_relative_width : float
        Threshold for ``onstabiel`` (0.5 = interval wider than half the rate).
    level : float
        Confidence level.
    per : float, optional
        100 or 1000; taken from the catalogue when not given.

    Returns
    -------
    pandas.DataFrame
        Same order as ``areas``: ``code``, ``naam``, ``waarde`` (the rate), ``telling``,
        ``bevolking``, ``ondergrens``, ``bovengrens``, ``relatieve_breedte`` (interval
        width / rate), ``onstabiel`` (nullable boolean; ``<NA>`` when a figure is
        missing) and a Dutch ``toelichting``.
    """
    rate_ind = catalog.get(rate_indicator)
    catalog.get(count_indicator)
    if per is None:
        per = _per_of(rate_ind)
        if per is None:
            raise InvalidChoiceError(
                f"'{rate_indicator}' is geen cijfer per 1 000 of percentage. Geef 'per' op, "
                "bijvoorbeeld per=1000."
            )
    if not isinstance(max_relative_width, (int, float)) or not max_relative_width > 0:
        raise InvalidChoiceError("'max_relative_width' moet groter dan 0 zijn, zoals 0.5.")
    require_columns(
        areas, ["code", rate_indicator, count_indicator, population], "de tabel met gebieden"
    )
    rate = as_float(areas[rate_indicator])
    count = as_float(areas[count_indicator])
    pop = as_float(areas[population])
    with np.errstate(invalid="ignore", divide="ignore"):
        implied = np.where((count > 0) & (rate > 0), count / rate * per, pop)
    lower, upper = rate_interval(count, implied, per=per, level=level)
    lower, upper = np.asarray(lower, float), np.asarray(upper, float)
    known = np.isfinite(rate) & np.isfinite(lower)
    lower[~known] = np.nan
    upper[~known] = np.nan
    width = upper - lower
    with np.errstate(invalid="ignore", divide="ignore"):
        relative = np.where(known & (rate > 0), width / rate, np.nan)
    unstable = pd.array(
        np.where(known, (rate <= 0) | (relative > max_relative_width), False), dtype="boolean"
    )
    unstable[~known] = pd.NA
    unit = rate_ind.eenheid
    texts = []
    for k, lo, hi, flag, ok in zip(count, lower, upper, unstable, known, strict=True):
        span = f"{format_number(lo, 1)} tot {format_number(hi, 1)} {unit}"
        if not ok:
            texts.append("Onbekend: het cijfer, de telling of het aantal inwoners ontbreekt.")
        elif flag:
            texts.append(
                f"Onzeker: gebaseerd op {format_number(k)} gevallen. De echte waarde ligt "
                f"waarschijnlijk tussen {span}."
            )
        else:
            texts.append(f"Redelijk stabiel: waarschijnlijk tussen {span}.")
    return pd.DataFrame(
        {
            "code": area_codes(areas),
            "naam": area_names(areas),
            "waarde": rate,
            "telling": count,
            "bevolking": pop,
            "ondergrens": lower,
            "bovengrens": upper,
            "relatieve_breedte": relative,
            "onstabiel": unstable,
            "toelichting": pd.Series(texts, dtype=object),
        }
    )


# ------------------------------------------------------------------------ boundaries


def boundary_changes(areas: pd.DataFrame) -> pd.DataFrame:
    """Count the ``indelingswijziging`` codes and say what they mean.

    Parameters
    ----------
    areas : pandas.DataFrame
        Areas as from :func:`wijklib.kerncijfers`.

    Returns
    -------
    pandas.DataFrame
        Four rows (codes ``"1"``, ``"2"``, ``"3"``, ``"onbekend"``), each with
        ``indelingswijziging``, ``betekenis``, ``aantal``, ``pct`` (share of the areas, %)
        and ``gebieden`` (names of the areas with codes 2, 3 or unknown; empty for 1).
    """
    require_columns(areas, ["indelingswijziging"], "de tabel met gebieden")
    numbers = pd.to_numeric(
        areas["indelingswijziging"].astype("string").str.strip(), errors="coerce"
    ).to_numpy(dtype=float, na_value=np.nan)
    codes = np.full(len(areas), "onbekend", dtype=object)
    for value in (1, 2, 3):
        codes[numbers == value] = str(value)
    names = area_names(areas) if ("naam" in areas.columns or "code" in areas.columns) else (
        np.array([""] * len(areas), dtype=object)
    )
    rows = []
    for code, meaning in BOUNDARY_CODES.items():
        hit = codes == code
        rows.append(
            {
                "indelingswijziging": code,
                "betekenis": meaning,
                "aantal": int(hit.sum()),
                "pct": hit.sum() / len(areas) * 100 if len(areas) else np.nan,
                "gebieden": "" if code == "1" else ", ".join(str(n) for n in names[hit]),
            }
        )
    return pd.DataFrame(rows)


# ------------------------------------------------------------------- missing, years


def missing_overview(areas: pd.DataFrame, indicators: list[str] | None = None) -> pd.DataFrame:
    """Per indicator: how many areas lack a figure, and why that may be.

    Parameters
    ----------
    areas : pandas.DataFrame
        Areas as from :func:`wijklib.kerncijfers`.
    indicators : list of str, optional
        Catalogue names; default every catalogue column in ``areas``.

    Returns
    -------
    pandas.DataFrame
        ``indicator``, ``label``, ``jaar`` (from ``attrs``), ``aantal_gebieden``,
        ``aantal_ontbrekend``, ``pct_ontbrekend`` and ``status``: ``"volledig"``,
        ``"nog niet gepubliceerd"`` (missing for every area: the table does not have it
        yet, or not for this level), ``"geheim of onbekend voor een deel van de
        gebieden"`` or ``"geen gebieden"`` (empty table), and ``reden``: why, in Dutch
        (from ``attrs["missing"]`` of :func:`wijklib.kerncijfers`: not in this year's
        table, in another unit, not yet published …), empty for a complete figure.
    """
    if indicators is None:
        require_columns(areas, [], "de tabel met gebieden")
        inds = [i for i in catalog.catalogue() if i.naam in areas.columns]
    else:
        inds = catalogue_entries(indicators)
        require_columns(areas, [i.naam for i in inds], "de tabel met gebieden")
    total = len(areas)
    reasons = areas.attrs.get("missing") if isinstance(areas.attrs, dict) else None
    reasons = reasons if isinstance(reasons, dict) else {}
    rows = []
    for ind in inds:
        missing = int((~np.isfinite(as_float(areas[ind.naam]))).sum())
        if total == 0:
            status = STATUS_EMPTY
        elif missing == 0:
            status = STATUS_COMPLETE
        elif missing == total:
            status = STATUS_UNPUBLISHED
        else:
            status = STATUS_PARTLY
        if status == STATUS_UNPUBLISHED:
            reason = reasons.get(ind.naam) or "nog niet gepubliceerd, of geheim voor elk gebied"
        elif status == STATUS_PARTLY:
            reason = ("geheim of onbekend voor een deel van de gebieden (vaak: te weinig "
                      "inwoners of huishoudens om het cijfer te tonen)")
        else:
            reason = ""
        rows.append(
            {
                "indicator": ind.naam,
                "label": ind.label,
                "jaar": indicator_year(areas, ind.naam),
                "aantal_gebieden": total,
                "aantal_ontbrekend": missing,
                "pct_ontbrekend": missing / total * 100 if total else np.nan,
                "status": status,
                "reden": reason,
            }
        )
    columns = ["indicator", "label", "jaar", "aantal_gebieden", "aantal_ontbrekend",
               "pct_ontbrekend", "status", "reden"]
    out = pd.DataFrame(rows, columns=columns)
    out["jaar"] = pd.array(out["jaar"].tolist(), dtype="Int64")
    return out


def year_overview(df: pd.DataFrame) -> pd.DataFrame:
    """Which year and CBS table every indicator of a frame comes from.

    Parameters
    ----------
    df : pandas.DataFrame
        A frame from :func:`wijklib.kerncijfers` (reads its provenance with
        :func:`wijklib.guarantees.provenance.indicators`).

    Returns
    -------
    pandas.DataFrame
        In catalogue order: ``indicator``, ``label``, ``thema``, ``jaar``, ``tabel``,
        ``bijgewerkt``, ``beschikbaar`` and ``tekst`` (e.g. ``"Gemiddelde WOZ-waarde van
        woningen: 2023"``). Catalogue columns of ``df`` that the CBS table does not have
        get ``jaar`` ``<NA>``. Empty when ``df`` carries no provenance.
    """
    require_columns(df, [], "de tabel")
    info = provenance.indicators(df) or None
    columns = ["indicator", "label", "thema", "jaar", "tabel", "bijgewerkt", "beschikbaar",
               "tekst"]
    if not isinstance(info, dict):
        out = pd.DataFrame(columns=columns)
        out["jaar"] = pd.array([], dtype="Int64")
        return out
    known = {i.naam: i for i in catalog.catalogue()}
    order = [n for n in known if n in info or n in df.columns]
    order += [n for n in info if n not in known]
    rows = []
    for name in order:
        ind = known.get(name)
        label = ind.label if ind else name
        entry = info.get(name)
        if isinstance(entry, dict):
            year = entry.get("year")
            available = bool(entry.get("available", True))
            if available:
                text = f"{label}: {year}"
            else:
                text = f"{label}: nog niet gepubliceerd (tabel van {year})"
            rows.append(
                {
                    "indicator": name,
                    "label": label,
                    "thema": ind.thema if ind else "",
                    "jaar": year,
                    "tabel": entry.get("table_id") or "",
                    "bijgewerkt": entry.get("modified") or "",
                    "beschikbaar": available,
                    "tekst": text,
                }
            )
        else:
            rows.append(
                {
                    "indicator": name,
                    "label": label,
                    "thema": ind.thema if ind else "",
                    "jaar": None,
                    "tabel": "",
                    "bijgewerkt": "",
                    "beschikbaar": False,
                    "tekst": f"{label}: niet gevonden in de CBS-tabel",
                }
            )
    out = pd.DataFrame(rows, columns=columns)
    out["jaar"] = pd.array(out["jaar"].tolist(), dtype="Int64")
    return out


#: The readings of :func:`margin_comparison` (``attrs["lezing"]``).
READINGS = ("hoger_buiten", "hoger_binnen", "lager_buiten", "lager_binnen", "gelijk",
            "marge_onbekend", "geen_cijfer")


def margin_comparison(
    areas: pd.DataFrame, gemeente: pd.DataFrame, code: str, indicator: str,
    level: float = 0.95,
) -> pd.DataFrame:
    """One area's rate next to the gemeente's, with the area's margin (Poisson interval).

    For a reading exercise: is the area higher or lower than the gemeente, and is that
    difference larger than chance (does the gemeente's figure lie outside the margin)?

    Parameters
    ----------
    areas : pandas.DataFrame
        Areas as from :func:`wijklib.kerncijfers` (with the count and population columns
        of the rate, see :func:`rate_margins`).
    gemeente : pandas.DataFrame
        The gemeente's row (``niveau="gemeente"``).
    code : str
        Code (or exact name) of the area.
    indicator : str
        Catalogue name of a rate, such as ``bijstand_per_1000``.
    level : float
        Confidence level of the margin.

    Returns
    -------
    pandas.DataFrame
        One row: ``gebied``, ``jaar``, ``cijfer``, ``marge_van``, ``marge_tot``,
        ``gemeente`` (NaN where unknown, never 0). ``attrs``: ``lezing`` (one of
        :data:`READINGS`), ``label`` and ``eenheid`` of the indicator, and ``uitleg`` (the
        reading in plain Dutch, with the numbers).
    """
    ind = catalog.get(indicator)
    require_columns(areas, [indicator], "de tabel met gebieden")
    position = find_area_row(areas, code)
    rows = areas.iloc[[position]]
    value = float(as_float(rows[indicator])[0])
    margins = rate_margins(rows, indicator, level=level)
    low, high = float(margins["ondergrens"].iloc[0]), float(margins["bovengrens"].iloc[0])
    city = (float(as_float(gemeente[indicator])[0])
            if indicator in gemeente.columns and len(gemeente) else np.nan)
    name = str(rows["naam"].iloc[0]) if "naam" in rows.columns else str(code)
    table = pd.DataFrame([{
        "gebied": name, "jaar": indicator_year(rows, indicator), "cijfer": value,
        "marge_van": low, "marge_tot": high, "gemeente": city,
    }])
    shown = (f"{name}: {format_number(value)} {ind.eenheid} (marge {format_number(low)} – "
             f"{format_number(high)}), de gemeente: {format_number(city)}")
    if not (np.isfinite(value) and np.isfinite(city)):
        reading = "geen_cijfer"
        explained = (f"Voor {name} of voor de gemeente is er geen cijfer van {ind.label}: het "
                     "ontbreekt of is geheim. Dat is geen 0: we weten het niet.")
    elif value == city:
        reading = "gelijk"
        explained = f"{shown}. Het cijfer is gelijk aan dat van de gemeente."
    elif not (np.isfinite(low) and np.isfinite(high)):
        reading = "marge_onbekend"
        explained = (f"{name}: {format_number(value)}, de gemeente: {format_number(city)}. "
                     "De marge is onbekend: het aantal waarop het cijfer rust ontbreekt.")
    else:
        side = "hoger" if value > city else "lager"
        inside = low <= city <= high
        reading = f"{side}_{'binnen' if inside else 'buiten'}"
        explained = (f"{shown}. De gemeente ligt {'binnen' if inside else 'buiten'} de marge: "
                     + ("het verschil kan toeval zijn." if inside else
                        "het verschil is groter dan je door toeval verwacht."))
    table.attrs.update(lezing=reading, label=ind.label, eenheid=ind.eenheid, uitleg=explained)
    return table
