"""A composite "aandachtsscore": which areas ask for attention, under *your* weights?

An index is a choice, not a fact. Which indicators go in, how much each weighs and which
direction counts as "more attention" are decisions of the people who make the index;
:func:`sensitivity` and :func:`rank_shift` show how much the ranking depends on them.

Method (:func:`attention_score`)
--------------------------------
1. **Standardise.** Each indicator becomes a z-score across the areas given:
   ``z = (x - mean) / sd``, with the mean and the population standard deviation
   (``ddof=0``) of the areas that have a value. A column where every area has the same
   value gives z = 0 (no area deviates). A z-score is relative: the same area gets
   another score when compared with another set of areas.
2. **Orient.** Higher must mean *more attention*. Indicators with ``hoger_is ==
   "ongunstig"`` keep their sign, ``"gunstig"`` ones are flipped. For a ``"neutraal"``
   indicator (such as the share of rented homes) there is no right direction: the
   participant must choose it with ``directions={"pct_huurwoningen": "ongunstig"}``
   (higher = more attention) or ``"gunstig"`` (lower = more attention), otherwise a Dutch
   error explains this. ``directions`` can also overrule the catalogue. Weights cannot be
   negative: the direction is stated in words, not hidden in a sign.
3. **Weigh.** The score is the weighted mean of the oriented z-scores the area *has*:
   weights are renormalised over the available indicators. ``bijdrage_<name>`` is
   ``weight × z / (sum of the available weights)``, so the contributions add up to the
   score. Missing figures are counted in ``ontbrekend``; with fewer than
   ``min_indicators`` figures the score is NaN (not a guess). An indicator with weight 0
   is left out.
4. **Rank.** ``rang`` 1 = most attention; equal scores share the best rank (1, 2, 2, 4).

Small areas (fewer than :data:`MIN_INHABITANTS` inwoners, the same limit as
:func:`wijklib.tellen.pitfalls.small_areas`) get no score: their rates per 1 000 jump from
year to year on a handful of people, and CBS keeps many of their figures secret. They are
also left out of the mean and standard deviation, so they do not move the other scores.
``reden`` says why an area has no score.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd

from wijklib.data import catalog
from wijklib.errors import InvalidChoiceError
from wijklib.tellen.compare import area_codes, area_names, as_float, require_columns

#: Dutch note attached to every result (``attrs["toelichting"]``).
NOTE = (
    "Deze score is een keuze, geen feit. Andere indicatoren, gewichten of richtingen geven "
    "een andere volgorde. De score vergelijkt de gebieden alleen met elkaar."
)

#: Areas with fewer inhabitants get no score (see the module docstring).
MIN_INHABITANTS = 200

#: Ways to put indicators on one scale, tried by :func:`sensitivity` (the first is the
#: method of :func:`attention_score`).
STANDARDISATIONS = {
    "z": "z-score (gemiddelde en standaardafwijking)",
    "robuust": "robuuste z-score (mediaan en MAD: minder gevoelig voor uitschieters)",
    "rang": "rangorde (alleen de volgorde telt, niet de grootte van de verschillen)",
    "minmax": "van laagste (0) tot hoogste (1)",
}

REASON_SMALL = "minder dan {limit} inwoners: geen score"
REASON_FEW = "te weinig cijfers voor een score"


@dataclass(frozen=True)
class _Prepared:
    names: list[str]
    weights: np.ndarray  # (k,) positive
    z: np.ndarray  # (n, k) oriented z-scores, NaN where missing
    present: np.ndarray  # (n, k) bool
    min_needed: int
    directions: dict[str, str]
    eligible: np.ndarray  # (n,) bool: large enough to get a score
    values: np.ndarray  # (n, k) raw values of eligible areas, NaN elsewhere
    signs: np.ndarray  # (k,) +1 or -1
    min_inhabitants: int


def _check_weights(weights: Any, what: str = "de gewichten") -> dict[str, float]:
    if not isinstance(weights, Mapping) or not weights:
        raise InvalidChoiceError(
            f"Geef {what} als woordenboek met indicator en gewicht, bijvoorbeeld "
            "{'bijstand_per_1000': 2, 'pct_huishoudens_laag_inkomen': 1}."
        )
    checked: dict[str, float] = {}
    for name, weight in weights.items():
        catalog.get(str(name))  # Dutch KeyError with the closest names
        if (
            not isinstance(weight, Real)
            or isinstance(weight, bool)
            or not math.isfinite(float(weight))
        ):
            raise InvalidChoiceError(
                f"Het gewicht van '{name}' is {weight!r}. Een gewicht moet een getal zijn, "
                "bijvoorbeeld 1 of 0,5 (schrijf 0.5)."
            )
        if weight < 0:
            raise InvalidChoiceError(
                f"Het gewicht van '{name}' is {weight}. Gewichten mogen niet negatief zijn. "
                "Wil je de richting omdraaien? Gebruik dan directions={'"
                f"{name}': 'gunstig'}} of 'ongunstig'."
            )
        checked[str(name)] = float(weight)
    if not any(w > 0 for w in checked.values()):
        raise InvalidChoiceError("Minstens één gewicht moet groter dan 0 zijn.")
    return checked


def _direction(name: str, directions: Mapping[str, str] | None) -> str:
    ind = catalog.get(name)
    chosen = (directions or {}).get(name, ind.hoger_is)
    chosen = str(chosen).strip().lower()
    if chosen == "neutraal":
        raise InvalidChoiceError(
            f"De indicator '{name}' ({ind.label}) is neutraal: een hoger cijfer is niet "
            "vanzelf beter of slechter. Kies zelf wat meer aandacht vraagt: "
            f"directions={{'{name}': 'ongunstig'}} betekent 'hoger = meer aandacht', "
            f"directions={{'{name}': 'gunstig'}} betekent 'lager = meer aandacht'."
        )
    if chosen not in ("gunstig", "ongunstig"):
        raise InvalidChoiceError(
            f"De richting '{chosen}' voor '{name}' ken ik niet. Kies 'gunstig' (hoger is "
            "beter) of 'ongunstig' (hoger is slechter)."
        )
    return chosen


def _zscores(values: np.ndarray) -> np.ndarray:
    """Column-wise z-scores (population sd) ignoring NaN; constant columns give 0."""
    present = np.isfinite(values)
    count = present.sum(axis=0)
    filled = np.where(present, values, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = filled.sum(axis=0) / count
        centred = np.where(present, values - mean, 0.0)
        sd = np.sqrt((centred**2).sum(axis=0) / count)
        z = np.where(sd > 0, centred / sd, 0.0)
    return np.where(present, z, np.nan)


def standardise(values: np.ndarray, method: str = "z") -> np.ndarray:
    """Put each column on a common scale, ignoring NaN (see :data:`STANDARDISATIONS`).

    Parameters
    ----------
    values : numpy.ndarray
        (n, k) values; NaN = missing.
    method : {"z", "robuust", "rang", "minmax"}
        ``z``: (x − mean) / sd; ``robuust``: (x − median) / (1,4826 · MAD), falling back
        to the sd when the MAD is 0; ``rang``: the percentile rank from −0,5 to 0,5;
        ``minmax``: (x − min) / (max − min). A constant column gives 0.

    Returns
    -------
    numpy.ndarray
        Same shape; NaN stays NaN.
    """
    if method not in STANDARDISATIONS:
        raise InvalidChoiceError(
            f"De standaardisatie '{method}' ken ik niet. Kies uit: "
            f"{', '.join(STANDARDISATIONS)}."
        )
    if method == "z":
        return _zscores(values)
    frame = pd.DataFrame(values)
    known = frame.notna()
    if method == "rang":
        count = known.sum()
        out = (frame.rank(method="average") - (count + 1) / 2) / count.where(count > 1)
    elif method == "minmax":
        low, high = frame.min(), frame.max()
        out = (frame - low) / (high - low).where(high > low)
    else:
        median = frame.median()
        mad = (frame - median).abs().median() * 1.4826
        scale = mad.where(mad > 0, frame.std(ddof=0))
        out = (frame - median) / scale.where(scale > 0)
    # a constant column (or a single value) deviates nowhere: 0, as for z-scores
    out = out.where(known).mask(known & out.isna(), 0.0)
    return out.to_numpy(dtype=float)


def _prepare(
    areas: pd.DataFrame,
    weights: Any,
    directions: Mapping[str, str] | None,
    min_indicators: int | None,
    what: str = "de gewichten",
    min_inhabitants: int = MIN_INHABITANTS,
) -> _Prepared:
    checked = _check_weights(weights, what)
    if directions is not None and not isinstance(directions, Mapping):
        raise InvalidChoiceError(
            "Geef de richtingen als woordenboek, bijvoorbeeld {'woz_waarde': 'gunstig'}."
        )
    for name in directions or {}:
        catalog.get(str(name))
    names = [name for name, w in checked.items() if w > 0]
    require_columns(areas, ["code", *names], "de tabel met gebieden")
    chosen = {name: _direction(name, directions) for name in names}
    k = len(names)
    if min_indicators is None:
        min_needed = math.ceil(k / 2)
    elif (
        isinstance(min_indicators, bool)
        or not isinstance(min_indicators, int)
        or not 1 <= min_indicators <= k
    ):
        raise InvalidChoiceError(
            f"'min_indicators' moet een heel getal van 1 tot en met {k} zijn "
            f"(het aantal indicatoren met een gewicht boven 0)."
        )
    else:
        min_needed = min_indicators
    if (isinstance(min_inhabitants, bool) or not isinstance(min_inhabitants, int)
            or min_inhabitants < 0):
        raise InvalidChoiceError("'min_inwoners' moet een heel getal van 0 of meer zijn, "
                                 f"bijvoorbeeld {MIN_INHABITANTS}.")
    values = np.column_stack([as_float(areas[c]) for c in names]) if len(areas) else (
        np.empty((0, k))
    )
    eligible = np.ones(len(areas), dtype=bool)
    if min_inhabitants > 0 and "inwoners" in areas.columns:
        people = as_float(areas["inwoners"])
        # an unknown number of inhabitants is no reason to skip an area
        eligible = ~(people < min_inhabitants)
    values = np.where(eligible[:, None], values, np.nan)
    signs = np.array([1.0 if chosen[c] == "ongunstig" else -1.0 for c in names])
    z = _zscores(values) * signs
    return _Prepared(
        names=names,
        weights=np.array([checked[c] for c in names]),
        z=z,
        present=np.isfinite(z),
        min_needed=min_needed,
        directions=chosen,
        eligible=eligible,
        values=values,
        signs=signs,
        min_inhabitants=min_inhabitants,
    )


def _restandardised(prep: _Prepared, method: str) -> _Prepared:
    z = standardise(prep.values, method) * prep.signs
    return _Prepared(**{**prep.__dict__, "z": z, "present": np.isfinite(z)})


def _reasons(prep: _Prepared, score: np.ndarray) -> list[str]:
    small = REASON_SMALL.format(limit=prep.min_inhabitants)
    return [small if not ok else ("" if np.isfinite(v) else REASON_FEW)
            for ok, v in zip(prep.eligible, score, strict=True)]


def _scores(prep: _Prepared, weight_rows: np.ndarray) -> np.ndarray:
    """Scores for each row of weights: (n, k) and (r, k) -> (n, r); NaN if too few figures."""
    filled = np.where(prep.present, prep.z, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        scores = (filled @ weight_rows.T) / (prep.present.astype(float) @ weight_rows.T)
    enough = prep.present.sum(axis=1) >= prep.min_needed
    scores[~enough, :] = np.nan
    scores[~np.isfinite(scores)] = np.nan
    return scores


def _ranks(scores: np.ndarray) -> np.ndarray:
    """Rank each column, highest score = 1, ties share the best rank, NaN stays NaN."""
    if scores.size == 0:
        return scores.astype(float)
    frame = pd.DataFrame(scores)
    return frame.rank(axis=0, method="min", ascending=False, na_option="keep").to_numpy()


def _base(areas: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"code": area_codes(areas), "naam": area_names(areas)}, index=areas.index)


def attention_score(
    areas: pd.DataFrame,
    weights: dict[str, float],
    min_indicators: int | None = None,
    directions: dict[str, str] | None = None,
    min_inwoners: int = MIN_INHABITANTS,
) -> pd.DataFrame:
    """Composite attention score per area (see the module docstring for the method).

    Parameters
    ----------
    areas : pandas.DataFrame
        Areas as from :func:`wijklib.kerncijfers`.
    weights : dict of str to float
        Catalogue indicator -> weight (0 or more; at least one above 0). Only the ratios
        matter: ``{"a": 2, "b": 1}`` equals ``{"a": 4, "b": 2}``.
    min_indicators : int, optional
        An area needs at least this many of the weighted indicators; otherwise its score
        is NaN. Default: half of them, rounded up.
    directions : dict of str to str, optional
        ``"ongunstig"`` (higher = more attention) or ``"gunstig"`` (lower = more
        attention) per indicator. Required for ``neutraal`` indicators; overrules the
        catalogue for the others.
    min_inwoners : int
        Areas with fewer inhabitants (column ``inwoners``) get no score and do not count
        in the standardisation; default :data:`MIN_INHABITANTS`. 0 scores every area.

    Returns
    -------
    pandas.DataFrame
        Same index and order as ``areas``: ``code``, ``naam``, ``score`` (0 = average of
        these areas; higher = more attention), ``rang`` (Int64, 1 = most attention),
        ``ontbrekend`` (number of weighted indicators without a figure),
        ``bijdrage_<name>`` per indicator (they add up to ``score``) and ``reden`` (why an
        area has no score; empty otherwise). ``attrs`` holds the normalised weights, the
        directions, ``min_inwoners`` and a Dutch note (``toelichting``).
    """
    prep = _prepare(areas, weights, directions, min_indicators, min_inhabitants=min_inwoners)
    score = _scores(prep, prep.weights[None, :])[:, 0]
    with np.errstate(invalid="ignore", divide="ignore"):
        available = prep.present.astype(float) @ prep.weights
        contributions = np.where(
            prep.present, prep.z * prep.weights / available[:, None], np.nan
        )
    contributions[~np.isfinite(score), :] = np.nan
    out = _base(areas)
    out["score"] = score
    out["rang"] = pd.array(_ranks(score[:, None])[:, 0], dtype="Int64") if len(out) else (
        pd.array([], dtype="Int64")
    )
    present = np.isfinite(np.column_stack([as_float(areas[c]) for c in prep.names])) \
        if len(areas) else np.zeros((0, len(prep.names)), dtype=bool)
    out["ontbrekend"] = (~present).sum(axis=1).astype("int64")
    for j, name in enumerate(prep.names):
        out[f"bijdrage_{name}"] = contributions[:, j]
    out["reden"] = pd.Series(_reasons(prep, score), index=out.index, dtype=object)
    total = prep.weights.sum()
    skipped = int((~prep.eligible).sum())
    note = NOTE
    if prep.min_inhabitants > 0:
        note += (f" Gebieden met minder dan {prep.min_inhabitants} inwoners krijgen geen "
                 "score: daar springen de cijfers door een paar mensen al op en neer"
                 + (f" ({skipped} gebied(en) overgeslagen)." if skipped else "."))
    out.attrs = {
        "weights": {c: float(w / total) for c, w in zip(prep.names, prep.weights, strict=True)},
        "directions": prep.directions,
        "min_indicators": prep.min_needed,
        "min_inwoners": prep.min_inhabitants,
        "toelichting": note,
    }
    return out


def sensitivity(
    areas: pd.DataFrame,
    weights: dict[str, float],
    spread: float = 0.5,
    runs: int = 200,
    seed: int = 0,
    top: int = 10,
    min_indicators: int | None = None,
    directions: dict[str, str] | None = None,
    min_inwoners: int = MIN_INHABITANTS,
) -> pd.DataFrame:
    """How stable is each area's rank when the choices behind the score change?

    Three kinds of choice are varied:

    * **weights**: each run multiplies every weight by its own random factor, uniform in
      ``[1 - spread, 1 + spread]`` (``numpy.random.default_rng(seed)``, so the result is
      reproducible), and ranks the areas again (``rang_min``, ``rang_max``,
      ``rang_mediaan``, ``kans_top``). All runs are computed at once with matrix
      products;
    * **indicator choice**: each indicator is left out in turn (``rang_min_keuze``,
      ``rang_max_keuze``);
    * **standardisation**: every method of :data:`STANDARDISATIONS` (``rang_min_methode``,
      ``rang_max_methode``).

    ``rang_min_alles`` and ``rang_max_alles`` span all of them.

    Parameters
    ----------
    areas, weights, min_indicators, directions
        As in :func:`attention_score`.
    spread : float
        Between 0 and 1; 0.5 lets each weight vary from half to one and a half times.
    runs : int
        Number of random weightings.
    seed : int
        Seed of the random numbers.
    top : int
        Size of the "top" for ``kans_top``.
    min_inwoners : int
        As in :func:`attention_score`.

    Returns
    -------
    pandas.DataFrame
        Same index and order as ``areas``: ``code``, ``naam``, ``score``, ``rang`` (with
        the given weights), ``rang_min``, ``rang_max``, ``rang_mediaan`` (over the weight
        runs), ``kans_top`` (share of runs, 0 to 1, in which the area is in the top
        ``top``), ``rang_min_keuze``, ``rang_max_keuze``, ``rang_min_methode``,
        ``rang_max_methode``, ``rang_min_alles``, ``rang_max_alles`` and ``reden``. All
        NaN for an area without a score. ``attrs["varianten"]`` says in Dutch what was
        varied.
    """
    if not isinstance(spread, Real) or isinstance(spread, bool) or not 0 <= spread <= 1:
        raise InvalidChoiceError("'spread' moet een getal van 0 tot en met 1 zijn, zoals 0.5.")
    for value, name in ((runs, "runs"), (top, "top")):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InvalidChoiceError(f"'{name}' moet een heel getal van 1 of meer zijn.")
    prep = _prepare(areas, weights, directions, min_indicators, min_inhabitants=min_inwoners)
    rng = np.random.default_rng(seed)
    factors = rng.uniform(1 - spread, 1 + spread, size=(runs, len(prep.names)))
    base_rank = _ranks(_scores(prep, prep.weights[None, :]))[:, 0] if len(areas) else (
        np.empty(0)
    )
    run_ranks = _ranks(_scores(prep, prep.weights[None, :] * factors))
    scored = np.isfinite(base_rank)
    out = _base(areas)
    out["score"] = _scores(prep, prep.weights[None, :])[:, 0]
    out["rang"] = pd.array(base_rank, dtype="Int64")
    # Unscored areas have NaN in every run; fill them with 0 first to avoid warnings.
    filled = np.where(scored[:, None], run_ranks, 0.0)
    low = np.where(scored, filled.min(axis=1, initial=np.inf), np.nan)
    high = np.where(scored, filled.max(axis=1, initial=-np.inf), np.nan)
    median = np.where(scored, np.median(filled, axis=1), np.nan) if len(areas) else np.empty(0)
    in_top = np.where(scored, (filled <= top).mean(axis=1), np.nan) if len(areas) else (
        np.empty(0)
    )
    out["rang_min"] = pd.array(low, dtype="Int64")
    out["rang_max"] = pd.array(high, dtype="Int64")
    out["rang_mediaan"] = median
    out["kans_top"] = in_top
    k = len(prep.names)
    if k > 1:
        left_out = np.tile(prep.weights, (k, 1))
        left_out[np.arange(k), np.arange(k)] = 0.0
        choice = _ranks(_scores(prep, left_out))
    else:
        choice = base_rank[:, None]
    methods = np.column_stack(
        [_ranks(_scores(_restandardised(prep, m), prep.weights[None, :]))[:, 0]
         for m in STANDARDISATIONS]) if len(areas) else np.empty((0, len(STANDARDISATIONS)))
    everything = np.column_stack([filled, choice, methods, base_rank[:, None]])
    for name, block in (("keuze", choice), ("methode", methods), ("alles", everything)):
        with np.errstate(invalid="ignore"):
            known = np.where(np.isfinite(block), block, np.nan)
            has = np.isfinite(known).any(axis=1) & scored
            low = np.where(has, np.nanmin(np.where(has[:, None], known, 0), axis=1), np.nan)
            high = np.where(has, np.nanmax(np.where(has[:, None], known, 0), axis=1), np.nan)
        out[f"rang_min_{name}"] = pd.array(low, dtype="Int64")
        out[f"rang_max_{name}"] = pd.array(high, dtype="Int64")
    out["reden"] = pd.Series(_reasons(prep, out["score"].to_numpy()), index=out.index,
                             dtype=object)
    methods_text = "; ".join(STANDARDISATIONS.values())
    out.attrs = {
        "spread": float(spread),
        "runs": runs,
        "seed": seed,
        "top": top,
        "min_inwoners": prep.min_inhabitants,
        "toelichting": NOTE,
        "varianten": (
            f"Gewichten: {runs} keer willekeurig tussen {format(1 - spread, '.0%')} en "
            f"{format(1 + spread, '.0%')} van het gekozen gewicht. Keuze van indicatoren: "
            f"steeds één van de {k} indicatoren weggelaten. Manier van standaardiseren: "
            f"{methods_text}."
        ),
    }
    return out


def _shift_text(shift: Any) -> str:
    if shift is pd.NA or shift is None:
        return "Onbekend: te weinig cijfers voor een score"
    steps = abs(int(shift))
    places = "plaats" if steps == 1 else "plaatsen"
    if shift > 0:
        return f"Stijgt {steps} {places} met weging B (meer aandacht)"
    if shift < 0:
        return f"Daalt {steps} {places} met weging B (minder aandacht)"
    return "Blijft op dezelfde plaats"


def rank_shift(
    areas: pd.DataFrame,
    weights_a: dict[str, float],
    weights_b: dict[str, float],
    min_indicators: int | None = None,
    directions: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Ranks under two weightings side by side, and how far each area moves.

    Parameters
    ----------
    areas : pandas.DataFrame
        Areas as from :func:`wijklib.kerncijfers`.
    weights_a, weights_b : dict of str to float
        Two weightings (as in :func:`attention_score`); they may use different indicators.
    min_indicators, directions
        As in :func:`attention_score`, applied to both.

    Returns
    -------
    pandas.DataFrame
        Same index and order as ``areas``: ``code``, ``naam``, ``score_a``, ``rang_a``,
        ``score_b``, ``rang_b``, ``verschuiving`` (``rang_a - rang_b``: positive = the
        area climbs, gets more attention, under B) and a Dutch ``toelichting``.
    """
    a = attention_score(areas, weights_a, min_indicators, directions)
    b = attention_score(areas, weights_b, min_indicators, directions)
    out = _base(areas)
    out["score_a"] = a["score"].to_numpy()
    out["rang_a"] = a["rang"].array
    out["score_b"] = b["score"].to_numpy()
    out["rang_b"] = b["rang"].array
    out["verschuiving"] = (a["rang"].array - b["rang"].array).astype("Int64")
    out["toelichting"] = pd.Series(
        [_shift_text(s) for s in out["verschuiving"]], index=out.index, dtype=object
    )
    out.attrs = {
        "weights_a": a.attrs["weights"],
        "weights_b": b.attrs["weights"],
        "toelichting": NOTE,
    }
    return out
