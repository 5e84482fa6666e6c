"""Scale scores per buurt with their uncertainty, and the minimum group size.

How a scale score is computed
-----------------------------
1. Items marked ``omgekeerd`` are flipped first (on a 1–5 scale: 5 becomes 1), so that a
   higher value always means more of what the scale measures.
2. Each answer is put on the scale's score range: ``0-10`` (as the CBS
   Veiligheidsmonitor does), ``procent`` (0–100) or ``gemiddelde`` (the answer scale).
3. A respondent's scale score is the mean of the items he or she answered, **but only
   when at least half of the scale's items were answered** (for a scale of 5 items: at
   least 3). With fewer answers the respondent does not count for that scale: a score
   from one or two items would say more about those items than about the scale.
4. A buurt's score is the mean of its respondents' scale scores; the 95% interval is
   ``mean ± t(0.975, n-1) · sd / √n`` (Student's t, on the respondents' scale scores),
   cut off at the ends of the score range, and only from :data:`MIN_N_INTERVAL`
   respondents on (with fewer, the t-interval leans too much on the assumption of a
   normal distribution). A scale of one yes/no question (``procent``, e.g.
   ``onveiligheid``) is a share: its interval is the exact (Clopper–Pearson) interval of
   a proportion, so 0 of 10 "Ja" gives 0–31 %, never "0–0". The interval shows how much
   the score could differ by chance from that of *all* residents if these respondents
   were a random sample — it does not cover selective response (who fills in a survey
   and who does not).

Scores are unweighted: every respondent counts once.

The minimum group size
----------------------
A result for a group with fewer respondents than the minimum (default 10; set
``WIJKLIB_MIN_GROEP``) is not shown: score, interval *and* the number of respondents
are left empty and ``verborgen`` is True. Two reasons: (1) with so few answers the
interval is so wide that the score says almost nothing, and one or two people decide
the result; (2) in a small group people can recognise each other's answers, and the
survey promises that no one is recognisable.

Secondary suppression
---------------------
Hiding a small group is not enough when the whole area is shown too: with a total of 90
and visible groups of 53 and 36, the hidden group has 1 respondent, and its score follows
from the total. Which groups and totals are shown is decided once per survey by
:func:`wijklib.guarantees.privacy.decide_suppression`, and every output reads that one
decision. Rows hidden for this reason say "verborgen om terugrekenen te voorkomen"
(column ``reden``).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
from scipy import stats

from wijklib.errors import InvalidChoiceError, WijklibError
from wijklib.guarantees.privacy import (
    REASON_SECONDARY,
    REASON_SMALL,
    Suppression,
    decide_suppression,
    min_group_size,
)
from wijklib.tellen.compare import format_number
from wijklib.vertellen.survey import Questionnaire, Scale

# Suppression and the minimum group size are owned by wijklib.guarantees.privacy;
# min_group_size stays importable from here because the notebooks call it.

#: Code and name of the row for the whole area.
AREA_CODE = "totaal"
AREA_NAME = "Hele gebied"
#: Judgements of :func:`compare_buurten`.
JUDGEMENTS = ("binnen de onzekerheid", "gunstiger", "ongunstiger", "hoger", "lager",
              "te weinig antwoorden")
WITHIN = "verschil valt binnen de onzekerheid"
#: Fewest respondents for a t-interval of a mean (a share has an exact interval from 1 on).
MIN_N_INTERVAL = 5
#: Chance of a false "echt" verschil over *all* comparisons made at once (family-wise).
ALPHA = 0.05


class SurveyDataError(WijklibError, ValueError):
    """The response data do not fit the questionnaire."""


# --------------------------------------------------------------------------- suppress


# --------------------------------------------------------------------------- scores


def _check_data(data: pd.DataFrame, questionnaire: Questionnaire) -> None:
    if not isinstance(data, pd.DataFrame):
        raise SurveyDataError("Geef de antwoorden als tabel (DataFrame), bijvoorbeeld "
                              "import_.data of wijklib.vertellen.practice.practice_responses(...).")
    missing = [q.code for q in questionnaire.items if q.code not in data.columns]
    if missing:
        raise SurveyDataError(
            "De antwoorden passen niet bij de vragenlijst: de kolom(men) "
            f"{', '.join(missing[:5])} ontbreken. Gebruik dezelfde vragenlijst als bij het "
            "inlezen."
        )


def respondent_scores(data: pd.DataFrame, questionnaire: Questionnaire) -> pd.DataFrame:
    """Each respondent's scale scores (NaN when fewer than half of the items were answered).

    Parameters
    ----------
    data : DataFrame
        Response data (``SurveyImport.data`` or practice data).
    questionnaire : Questionnaire

    Returns
    -------
    DataFrame
        Same index as ``data``; one float column per scale code.
    """
    _check_data(data, questionnaire)
    out = pd.DataFrame(index=data.index)
    for scale in questionnaire.scales:
        parts = []
        for code in scale.items:
            q = questionnaire.question(code)
            x = pd.to_numeric(data[code], errors="coerce").astype("float64").to_numpy()
            low, high = float(q.min), float(q.max)
            if q.omgekeerd:
                x = low + high - x
            if scale.schaalscore == "gemiddelde":
                parts.append(x)
            else:
                top = 10.0 if scale.schaalscore == "0-10" else 100.0
                parts.append((x - low) / (high - low) * top)
        matrix = np.column_stack(parts) if parts else np.empty((len(data), 0))
        answered = np.isfinite(matrix).sum(axis=1)
        enough = answered * 2 >= len(scale.items)
        with np.errstate(invalid="ignore", divide="ignore"):
            means = np.nansum(matrix, axis=1) / answered
        out[scale.code] = np.where(enough & (answered > 0), means, np.nan)
    return out


def is_share(scale: Scale, questionnaire: Questionnaire) -> bool:
    """True when a scale is one yes/no question scored as a percentage (a share)."""
    if scale.schaalscore != "procent" or len(scale.items) != 1:
        return False
    return len(set(questionnaire.question(scale.items[0]).values.values())) == 2


def _summary(values: np.ndarray, scale: Scale, share: bool = False) -> dict[str, float]:
    values = values[np.isfinite(values)]
    n = int(values.size)
    empty = {"score": np.nan, "ondergrens": np.nan, "bovengrens": np.nan, "n": n,
             "standaardfout": np.nan}
    if n == 0:
        return empty
    mean = float(values.mean())
    if share:
        top = float(scale.max)
        hits = int(np.count_nonzero(values >= top))
        ci = stats.binomtest(hits, n).proportion_ci(0.95, method="exact")
        p = hits / n
        return {"score": p * top, "ondergrens": float(ci.low) * top,
                "bovengrens": float(ci.high) * top, "n": n,
                "standaardfout": math.sqrt(p * (1 - p) / n) * top}
    if n < 2:
        return {**empty, "score": mean}
    se = float(values.std(ddof=1) / math.sqrt(n))
    if n < MIN_N_INTERVAL:
        return {**empty, "score": mean, "standaardfout": se}
    half = float(stats.t.ppf(0.975, n - 1)) * se
    return {
        "score": mean,
        "ondergrens": max(scale.min, mean - half),
        "bovengrens": min(scale.max, mean + half),
        "n": n,
        "standaardfout": se,
    }


SCORE_COLUMNS = (
    "buurtcode", "buurtnaam", "schaal", "label", "score", "ondergrens", "bovengrens", "n",
    "verborgen", "hoger_is", "eenheid", "schaal_min", "schaal_max", "standaardfout", "reden",
    "interval",
)


def scale_scores(
    data: pd.DataFrame,
    questionnaire: Questionnaire,
    by: str = "buurtcode",
    min_n: int | None = None,
    *,
    buurten: pd.DataFrame | None = None,
    totaal: bool = True,
    suppression: Suppression | None = None,
) -> pd.DataFrame:
    """Scale scores per group (buurt) and for the whole area, with a 95% interval.

    See the module docstring for how a score is computed and why small groups are hidden.

    Parameters
    ----------
    data : DataFrame
        Response data (``SurveyImport.data`` or practice data).
    questionnaire : Questionnaire
    by : str
        Column to group by (default ``buurtcode``; e.g. ``leeftijdsgroep``).
    min_n : int, optional
        Minimum group size (default :func:`min_group_size`, normally 10).
    buurten : DataFrame, optional
        ``code`` and ``naam`` of all buurten: buurten without any answer then get a row
        too (hidden, "te weinig antwoorden").
    totaal : bool
        Add a row per scale for the whole area (``buurtcode`` ``"totaal"``).
    suppression : Suppression, optional
        The survey's one decision on what may be shown
        (:func:`wijklib.guarantees.privacy.decide_suppression`); default: decided from
        ``data[by]`` with ``min_n``. A group is shown only when the decision shows it and
        at least ``min_n`` respondents have a score on the scale.

    Returns
    -------
    DataFrame
        Columns: ``buurtcode`` (or ``by``), ``buurtnaam``, ``schaal``, ``label``,
        ``score``, ``ondergrens``, ``bovengrens``, ``n``, ``verborgen``, ``hoger_is``,
        ``eenheid``, ``schaal_min``, ``schaal_max``, ``standaardfout``, ``reden``,
        ``interval`` (``"t"`` for a mean, ``"exact"`` for the share of a yes/no question). Rows
        with ``verborgen`` True have no score, interval, standard error or n; ``reden``
        says why ("te weinig antwoorden" or "verborgen om terugrekenen te voorkomen"; empty
        for visible rows). The whole-area row is hidden when it, with the visible
        groups, would give a hidden group away.
    """
    limit = min_group_size(min_n)
    _check_data(data, questionnaire)
    if by not in data.columns:
        raise SurveyDataError(f"De kolom '{by}' staat niet in de antwoorden.")
    per_person = respondent_scores(data, questionnaire)
    groups = data[by].astype("str")
    names: dict[str, str] = {}
    if "buurtnaam" in data.columns and by == "buurtcode":
        names = dict(zip(groups, data["buurtnaam"].astype("str"), strict=True))
    keys = sorted({g for g in groups.dropna().unique()},
                  key=lambda g: (str(names.get(g, g)).casefold(), g))
    if buurten is not None and by == "buurtcode":
        for code, naam in zip(buurten["code"].astype(str), buurten["naam"].astype(str),
                              strict=True):
            names.setdefault(code, naam)
            if code not in keys:
                keys.append(code)
        keys.sort(key=lambda g: (str(names.get(g, g)).casefold(), g))
    rows = []
    for scale in questionnaire.scales:
        values = per_person[scale.code].to_numpy()
        targets = [(k, names.get(k, k), (groups == k).to_numpy()) for k in keys]
        if totaal:
            targets.append((AREA_CODE, AREA_NAME, np.ones(len(data), dtype=bool)))
        share = is_share(scale, questionnaire)
        for key, name, mask in targets:
            row = {by: key, "buurtnaam": name, "schaal": scale.code, "label": scale.label}
            row.update(_summary(values[mask], scale, share))
            row.update(hoger_is=scale.hoger_is, eenheid=scale.eenheid,
                       schaal_min=scale.min, schaal_max=scale.max,
                       interval="exact" if share else "t")
            rows.append(row)
    columns = [by] + list(SCORE_COLUMNS[1:])
    frame = pd.DataFrame(rows, columns=columns)
    frame["n"] = pd.array(frame["n"].tolist(), dtype="Int64")
    for column in ("score", "ondergrens", "bovengrens", "standaardfout", "schaal_min",
                   "schaal_max"):
        frame[column] = frame[column].astype("float64")
    for column in (by, "buurtnaam", "schaal", "label", "hoger_is", "eenheid", "interval"):
        frame[column] = frame[column].astype("str")
    decision = suppression if suppression is not None else decide_suppression(groups, limit)
    limit = decision.limit
    present = sorted(set(groups.dropna()))
    frame["reden"] = ""
    hide = pd.Series(False, index=frame.index)
    for scale in questionnaire.scales:
        part = frame[(frame["schaal"] == scale.code) & (frame[by] != AREA_CODE)]
        for i, row in part.iterrows():
            n = int(row["n"])
            why = decision.reason(row[by]) if n else REASON_SMALL
            if not why and n < limit:
                why = REASON_SMALL
            if why:
                hide[i] = True
                frame.loc[i, "reden"] = why
        if totaal:
            whole = frame[(frame["schaal"] == scale.code) & (frame[by] == AREA_CODE)].index
            inside = [int(part.loc[i, "n"]) for i in part.index if hide[i] and part.loc[i, "n"]]
            if (decision.total(present) is None or int(frame.loc[whole[0], "n"]) < limit
                    or (inside and (len(inside) < 2 or sum(inside) < limit))):
                hide[whole] = True
                frame.loc[whole, "reden"] = (
                    REASON_SMALL if int(frame.loc[whole[0], "n"]) < limit else REASON_SECONDARY)
    values = ["score", "ondergrens", "bovengrens", "standaardfout"]
    hidden = frame.copy()
    hidden.loc[hide, values] = np.nan
    hidden.loc[hide, "n"] = pd.NA
    hidden["verborgen"] = hide.to_numpy()
    hidden["reden"] = hidden["reden"].astype("str")
    hidden = hidden[columns]
    hidden.attrs["min_n"] = limit
    hidden.attrs["uitleg"] = (
        "score: gemiddelde van de schaalscores van de respondenten (bij een ja/nee-vraag: "
        "het percentage 'ja'); ondergrens en bovengrens: 95%-interval (bij een gemiddelde "
        f"pas vanaf {MIN_N_INTERVAL} antwoorden; bij een percentage het exacte interval, dat "
        "ook bij 0 % of 100 % niet nul breed is); n: aantal respondenten met een "
        "schaalscore. Groepen met "
        f"minder dan {limit} antwoorden worden niet getoond; soms ook een iets grotere "
        "groep of het totaal, zodat je een verborgen groep niet kunt terugrekenen."
    )
    return hidden


def area_scores(
    data: pd.DataFrame, questionnaire: Questionnaire, min_n: int | None = None
) -> pd.DataFrame:
    """Only the whole-area rows of :func:`scale_scores` (one per scale)."""
    frame = scale_scores(data, questionnaire, min_n=min_n)
    out = frame[frame["buurtcode"] == AREA_CODE].reset_index(drop=True)
    out.attrs = dict(frame.attrs)
    return out


# --------------------------------------------------------------------------- comparisons


def _judge(diff: float, low: float, high: float, hoger_is: str) -> str:
    if not (math.isfinite(diff) and math.isfinite(low) and math.isfinite(high)):
        return "te weinig antwoorden"
    if low <= 0 <= high:
        return "binnen de onzekerheid"
    if hoger_is == "gunstig":
        return "gunstiger" if diff > 0 else "ongunstiger"
    if hoger_is == "ongunstig":
        return "ongunstiger" if diff > 0 else "gunstiger"
    return "hoger" if diff > 0 else "lager"


def correction_text(m: int) -> str:
    """The Dutch sentence that says how the number of comparisons was taken into account."""
    if m <= 1:
        return ("Dit is één vergelijking; de marge is het gewone 95%-interval van het "
                "verschil.")
    return (f"We maken hier {m} vergelijkingen tegelijk. Dan springt er bij toeval al snel "
            "één verschil uit. Daarom is elke marge ruimer (Bonferroni-correctie): de kans "
            "dat er bij toeval toch een verschil als 'echt' uitkomt, is zo voor alle "
            f"{m} samen hooguit 1 op 20.")


def _sentence(name: str, other: str, score: float, ref: float, diff: float, margin: float,
              judgement: str, limit: int, m: int) -> str:
    if judgement == "te weinig antwoorden":
        return (f"{name}: te weinig antwoorden (minder dan {limit}) om te vergelijken met "
                f"{other}.")
    wider = f", ruimer omdat we {m} vergelijkingen tegelijk maken" if m > 1 else ""
    head = (f"{name}: {format_number(score, 1)} tegen {format_number(ref, 1)} voor {other}. "
            f"Verschil {format_number(diff, 1)}, onzekerheid ± {format_number(margin, 1)}"
            f"{wider}: ")
    if judgement == "binnen de onzekerheid":
        return head + WITHIN + "; we kunnen niet zeggen dat ze echt verschillen."
    return head + (f"{judgement} dan {other}, ook als je de onzekerheid meetelt (als de "
                   "respondenten een toevallige groep bewoners zijn).")


def _scale_rows(scores: pd.DataFrame, schaal: str) -> pd.DataFrame:
    """The rows of one scale; an unknown scale gives a Dutch error with the choices."""
    part = scores[scores["schaal"] == schaal]
    if part.empty:
        options = ", ".join(dict.fromkeys(scores["schaal"].astype(str)))
        raise InvalidChoiceError(f"De schaal '{schaal}' staat niet in de tabel. Kies uit: "
                                 f"{options}.")
    return part


def _pairs(part: pd.DataFrame, met: str) -> list[tuple[pd.Series, pd.Series, bool]]:
    area = part[part["buurtcode"] == AREA_CODE]
    buurten = part[part["buurtcode"] != AREA_CODE]
    if met == "gebied":
        if area.empty:
            raise SurveyDataError("De tabel heeft geen rij voor het hele gebied. Maak hem met "
                                  "scale_scores(..., totaal=True).")
        return [(row, area.iloc[0], True) for _, row in buurten.iterrows()]
    if met == "elkaar":
        visible = buurten[~buurten["verborgen"].astype(bool)]
        return [(a, b, False) for (_, a), (_, b) in
                itertools.combinations(visible.iterrows(), 2)]
    ref = buurten[buurten["buurtcode"] == met]
    if ref.empty:
        raise InvalidChoiceError(f"De buurt '{met}' staat niet in de tabel. Gebruik "
                                 "'gebied', 'elkaar' of een buurtcode uit de tabel.")
    return [(row, ref.iloc[0], False) for _, row in buurten.iterrows()
            if row["buurtcode"] != met]


def _comparable(a: pd.Series, b: pd.Series) -> bool:
    if bool(a["verborgen"]) or bool(b["verborgen"]):
        return False
    if pd.isna(a["n"]) or pd.isna(b["n"]) or pd.isna(a["score"]) or pd.isna(b["score"]):
        return False
    if str(a.get("interval", "t")) == "exact":
        return int(a["n"]) > 0 and int(b["n"]) > 0
    return (min(int(a["n"]), int(b["n"])) >= MIN_N_INTERVAL
            and math.isfinite(float(a["standaardfout"]))
            and math.isfinite(float(b["standaardfout"])))


def _wilson(hits: int, n: int, level: float) -> tuple[float, float]:
    ci = stats.binomtest(hits, n).proportion_ci(level, method="wilson")
    return float(ci.low), float(ci.high)


def _share_difference(a: pd.Series, b: pd.Series, nested: bool,
                      level: float) -> tuple[float, float, float]:
    """Difference of two shares with Newcombe's hybrid score interval (from Wilson's).

    For a buurt against the whole area, the buurt is compared with the *rest* of the area
    (independent groups); buurt − area = (1 − n_b/N) · (buurt − rest).
    """
    top = float(a["schaal_max"])
    n_a, n_b = int(a["n"]), int(b["n"])
    x_a = round(float(a["score"]) / top * n_a)
    x_b = round(float(b["score"]) / top * n_b)
    factor = 1.0
    if nested:
        factor = 1 - n_a / n_b
        n_b, x_b = n_b - n_a, x_b - x_a
        if n_b <= 0:
            return 0.0, 0.0, 0.0
    p_a, p_b = x_a / n_a, x_b / n_b
    l_a, u_a = _wilson(x_a, n_a, level)
    l_b, u_b = _wilson(x_b, n_b, level)
    d = p_a - p_b
    low = d - math.sqrt((p_a - l_a) ** 2 + (u_b - p_b) ** 2)
    high = d + math.sqrt((u_a - p_a) ** 2 + (p_b - l_b) ** 2)
    return d * factor * top, low * factor * top, high * factor * top


def _mean_difference(a: pd.Series, b: pd.Series, nested: bool,
                     level: float) -> tuple[float, float, float]:
    se_a, se_b = float(a["standaardfout"]), float(b["standaardfout"])
    n_a, n_b = int(a["n"]), int(b["n"])
    var = se_a**2 + se_b**2
    if nested:
        var -= 2 * (n_a / n_b) * se_a**2
    dof = max(1, min(n_a, n_b) - 1)
    diff = float(a["score"]) - float(b["score"])
    half = float(stats.t.ppf(1 - (1 - level) / 2, dof)) * math.sqrt(max(var, 0.0))
    return diff, diff - half, diff + half


COMPARE_COLUMNS = ["buurtcode", "buurtnaam", "vergeleken_met", "score", "score_vergelijking",
                   "verschil", "marge", "oordeel", "uitleg", "schaal", "ondergrens_verschil",
                   "bovengrens_verschil", "vergelijkingen"]


def _compare_rows(scores: pd.DataFrame, schalen: list[str], met: str, correctie: bool,
                  limit: int) -> pd.DataFrame:
    jobs = []
    for schaal in schalen:
        part = _scale_rows(scores, schaal)
        hoger_is = str(part["hoger_is"].iloc[0])
        for a, b, nested in _pairs(part, met):
            jobs.append((schaal, hoger_is, a, b, nested, _comparable(a, b)))
    m = sum(1 for job in jobs if job[-1]) if correctie else 1
    level = 1 - ALPHA / max(m, 1)
    rows = []
    for schaal, hoger_is, a, b, nested, ok in jobs:
        other = "het hele gebied" if nested else str(b["buurtnaam"])
        diff = low = high = margin = np.nan
        score_a = np.nan if bool(a["verborgen"]) else float(a["score"])
        score_b = np.nan if bool(b["verborgen"]) else float(b["score"])
        if ok:
            how = _share_difference if str(a.get("interval", "t")) == "exact" \
                else _mean_difference
            diff, low, high = how(a, b, nested, level)
            # the margin is the distance from the difference to the end of its interval
            # on the side of 0: |verschil| <= marge exactly when the interval holds 0
            margin = diff - low if diff >= 0 else high - diff
        else:
            score_a = score_b = np.nan
        judgement = _judge(diff, low, high, hoger_is)
        rows.append({
            "buurtcode": a["buurtcode"],
            "buurtnaam": a["buurtnaam"],
            "vergeleken_met": other,
            "score": score_a,
            "score_vergelijking": score_b,
            "verschil": diff,
            "marge": margin,
            "oordeel": judgement,
            "uitleg": _sentence(str(a["buurtnaam"]), other, score_a, score_b, diff, margin,
                                judgement, limit, m),
            "schaal": schaal,
            "ondergrens_verschil": low,
            "bovengrens_verschil": high,
            "vergelijkingen": m,
        })
    out = pd.DataFrame(rows, columns=COMPARE_COLUMNS)
    for column in ("score", "score_vergelijking", "verschil", "marge", "ondergrens_verschil",
                   "bovengrens_verschil"):
        out[column] = out[column].astype("float64")
    out["vergelijkingen"] = out["vergelijkingen"].astype("int64")
    out.attrs["min_n"] = limit
    out.attrs["vergelijkingen"] = m
    out.attrs["correctie"] = correction_text(m)
    return out


def _check_scores(scores: pd.DataFrame) -> int:
    required = {"buurtcode", "buurtnaam", "schaal", "score", "n", "standaardfout",
                "hoger_is", "verborgen"}
    if not isinstance(scores, pd.DataFrame) or not required <= set(scores.columns):
        raise SurveyDataError("Geef de tabel die scale_scores(...) maakt.")
    return int(scores.attrs.get("min_n", min_group_size()))


def compare_buurten(
    scores: pd.DataFrame, schaal: str, met: str = "gebied", correctie: bool = True
) -> pd.DataFrame:
    """Say whether differences in a scale score are larger than the uncertainty.

    Parameters
    ----------
    scores : DataFrame
        From :func:`scale_scores` (with the whole-area rows).
    schaal : str
        Scale code, e.g. ``"cohesie"``.
    met : str
        ``"gebied"`` (default): each buurt against the whole area. ``"elkaar"``: every
        pair of buurten. A buurtcode: every buurt against that buurt.
    correctie : bool
        Widen every margin for the number of comparisons made at once (Bonferroni), so
        that the chance of *any* false "echt" verschil stays at most 5 %. Default True;
        False gives the plain 95% interval per comparison.

    Returns
    -------
    DataFrame
        ``buurtcode``, ``buurtnaam``, ``vergeleken_met``, ``score``,
        ``score_vergelijking``, ``verschil``, ``marge`` (distance from the difference to
        the end of its interval on the side of 0, so ``|verschil| <= marge`` exactly when
        the difference falls within the uncertainty), ``oordeel`` (one of
        :data:`JUDGEMENTS`), ``uitleg`` (a Dutch sentence such as "… verschil valt binnen
        de onzekerheid …"), ``schaal``, ``ondergrens_verschil`` and
        ``bovengrens_verschil`` (the interval of the difference) and ``vergelijkingen``
        (how many comparisons the correction counted). ``attrs["correctie"]`` is the
        Dutch sentence that says so.

    Notes
    -----
    Means: the difference between two buurten has standard error √(se₁² + se₂²). A buurt
    is part of the whole area, so for buurt-vs-area the overlap is taken out:
    var = se_b² + se_t² − 2·(n_b/N)·se_b². The t-value uses the smaller group (n − 1
    degrees of freedom), which errs on the careful side; a mean needs
    :data:`MIN_N_INTERVAL` respondents. Shares (one yes/no question): Newcombe's hybrid
    score interval of a difference of proportions, which stays wide when everybody in a
    small buurt answers "Nee"; a buurt is compared with the rest of the area. With ``m``
    comparable pairs each interval has level 1 − 0,05/m. Hidden groups are not compared.
    """
    limit = _check_scores(scores)
    return _compare_rows(scores, [schaal], met, correctie, limit)


def compare_scales(
    scores: pd.DataFrame, met: str = "gebied", schalen: Iterable[str] | None = None
) -> pd.DataFrame:
    """:func:`compare_buurten` for several scales at once, corrected for all of them.

    Use this for a table that marks every buurt on every scale (▲▼): the correction then
    counts every comparison in the table, not only those of one scale.

    Parameters
    ----------
    scores : DataFrame
        From :func:`scale_scores`.
    met : str
        As in :func:`compare_buurten`.
    schalen : list of str, optional
        Default: every scale in ``scores``.

    Returns
    -------
    DataFrame
        The columns of :func:`compare_buurten`, scale after scale.
    """
    limit = _check_scores(scores)
    chosen = list(dict.fromkeys(scores["schaal"].astype(str))) if schalen is None \
        else [str(s) for s in schalen]
    return _compare_rows(scores, chosen, met, True, limit)


# --------------------------------------------------------------------------- display


def hidden_text(min_n: int) -> str:
    """What is shown instead of a hidden result."""
    return f"te weinig antwoorden (<{int(min_n)})"


def row_hidden_text(row: pd.Series | Mapping[str, object], min_n: int) -> str:
    """What is shown instead of a hidden row of :func:`scale_scores` (by its ``reden``)."""
    if str(row.get("reden", "")) == REASON_SECONDARY:
        return REASON_SECONDARY
    return hidden_text(min_n)


def score_table(scores: pd.DataFrame, schalen: Iterable[str] | None = None) -> pd.DataFrame:
    """The scores as a readable Dutch table of text (for showing and exporting).

    Hidden groups read "te weinig antwoorden (<10)"; their n is shown as "<10".

    Parameters
    ----------
    scores : DataFrame
        From :func:`scale_scores`.
    schalen : list of str, optional
        Only these scales.

    Returns
    -------
    DataFrame
        Columns ``Buurt``, ``Schaal``, ``Score``, ``95%-interval``, ``Antwoorden``,
        ``Hoger is``.
    """
    limit = int(scores.attrs.get("min_n", min_group_size()))
    part = scores if schalen is None else scores[scores["schaal"].isin(list(schalen))]
    rows = []
    for _, row in part.iterrows():
        unit = " %" if row["eenheid"] == "%" else ""
        if row["verborgen"]:
            secondary = str(row.get("reden", "")) == REASON_SECONDARY
            score, interval = row_hidden_text(row, limit), ""
            n = "niet getoond" if secondary else f"<{limit}"
        else:
            score = format_number(row["score"], 1) + unit
            interval = (
                f"{format_number(row['ondergrens'], 1)} – {format_number(row['bovengrens'], 1)}"
                if pd.notna(row["ondergrens"]) else "onbekend"
            )
            n = str(int(row["n"]))
        rows.append({
            "Buurt": row["buurtnaam"],
            "Schaal": f"{row['label']} ({row['eenheid']})",
            "Score": score,
            "95%-interval": interval,
            "Antwoorden": n,
            "Hoger is": row["hoger_is"],
        })
    return pd.DataFrame(rows, columns=["Buurt", "Schaal", "Score", "95%-interval",
                                       "Antwoorden", "Hoger is"])


def score_table_html(scores: pd.DataFrame, schalen: Iterable[str] | None = None) -> str:
    """:func:`score_table` as an HTML table (all text escaped)."""
    table = score_table(scores, schalen)
    return table.to_html(index=False, escape=True, classes="wijklib-scores", border=0)


def plot_scores(scores: pd.DataFrame, schaal: str, ax=None):
    """A chart of one scale: a bar per buurt with its 95% interval, the area as a line.

    Groups below the minimum group size get no bar, only the text
    "te weinig antwoorden (<10)"; their number of respondents is not shown.

    Parameters
    ----------
    scores : DataFrame
        From :func:`scale_scores`.
    schaal : str
        Scale code.
    ax : matplotlib Axes, optional
        Draw here; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.figure import Figure

    part = _scale_rows(scores, schaal)
    limit = int(scores.attrs.get("min_n", min_group_size()))
    area = part[part["buurtcode"] == AREA_CODE]
    rows = part[part["buurtcode"] != AREA_CODE].iloc[::-1]
    own_figure = ax is None
    if ax is None:
        figure = Figure(figsize=(8, 1.5 + 0.32 * max(len(rows), 1)), layout="constrained")
        ax = figure.add_subplot()
    else:
        figure = ax.figure
    first = part.iloc[0]
    low, high = float(first["schaal_min"]), float(first["schaal_max"])
    y = np.arange(len(rows))
    labels = []
    for pos, (_, row) in zip(y, rows.iterrows(), strict=True):
        if row["verborgen"]:
            labels.append(str(row["buurtnaam"]))
            ax.text(low + 0.01 * (high - low), pos, row_hidden_text(row, limit), va="center",
                    fontsize=8, color="#555555", style="italic")
            continue
        labels.append(f"{row['buurtnaam']} (n = {int(row['n'])})")
        ax.barh(pos, row["score"] - low, left=low, color="#7fb8d6", height=0.6)
        if pd.notna(row["ondergrens"]):
            ax.errorbar(row["score"], pos, xerr=[[row["score"] - row["ondergrens"]],
                                                 [row["bovengrens"] - row["score"]]],
                        fmt="none", ecolor="#222222", capsize=3, linewidth=1)
    if not area.empty and not bool(area.iloc[0]["verborgen"]):
        total = area.iloc[0]
        ax.axvline(total["score"], color="#d55e00", linestyle="--", linewidth=1.2,
                   label=f"hele gebied: {format_number(total['score'], 1)} "
                         f"(n = {int(total['n'])})")
        if own_figure:
            figure.legend(loc="outside lower center", fontsize=8, frameon=False)
        else:
            ax.legend(loc="best", fontsize=8, frameon=True)
    ax.set_yticks(y, labels=labels, fontsize=8)
    ax.set_xlim(low, high)
    ax.set_ylim(-0.7, max(len(rows), 1) - 0.3)
    direction = {"gunstig": "hoger is gunstiger", "ongunstig": "hoger is ongunstiger"}.get(
        str(first["hoger_is"]), "")
    ax.set_xlabel(f"score ({first['eenheid']}){', ' + direction if direction else ''}; "
                  "zwart lijntje: 95%-interval")
    ax.set_title(str(first["label"]), fontsize=11, loc="left")
    return figure
