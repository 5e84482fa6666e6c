"""Fictional practice data for the resident survey — clearly labelled, never real.

:func:`practice_responses` makes survey answers for a gemeente's real buurten (from a
:func:`wijklib.kerncijfers` frame). They are invented, but behave like real answers:

* the number of respondents per buurt follows the number of inhabitants (about 0.8%),
  so small buurten end up below the minimum group size;
* answers follow the CBS figures: where there is more bijstand, less home ownership and
  a lower WOZ-waarde, residents give a lower grade, see more nuisance and feel less safe;
  older respondents report a bit more cohesion;
* a few places are **deliberately different** from what the figures suggest (for
  example a buurt with good figures where many residents feel unsafe, and one with weak
  figures but strong cohesion). They are listed in ``frame.attrs["afwijkingen"]``:
  session 3 looks for exactly these.

Everything comes from one seed: the same seed gives the same data. Respondent ids start
with ``OEFEN-`` and ``frame.attrs["oefendata"]`` is True.

:func:`practice_export` writes such data as an export of KoBoToolbox, MS Forms, Google
Forms or LimeSurvey, so that :func:`wijklib.vertellen.responses.read_responses` can be practised.
"""

from __future__ import annotations

import csv
import io
import math
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from wijklib.errors import InvalidChoiceError, WijklibError
from wijklib.guarantees.writing import atomic_write, atomic_write_bytes
from wijklib.vertellen.survey import Question, Questionnaire, buurt_choices, squash, vragenlijst

#: Prefix of practice respondent ids.
PREFIX = "OEFEN-"
#: Share of inhabitants that answers when ``n`` is not given.
DEFAULT_RATE = 0.008
#: Export styles of :func:`practice_export`.
STYLES = ("kobo", "msforms", "google", "limesurvey", "csv")
LABEL = "Verzonnen oefendata (wijklib): géén echte antwoorden van bewoners."

# CBS figures that make up the "figures index" (sign: +1 = a higher value is better).
_FIGURES = {
    "bijstand_per_1000": -1.0,
    "woz_waarde": 1.0,
    "pct_koopwoningen": 1.0,
    "pct_personen_laag_inkomen": -1.0,
    "pct_huishoudens_laag_inkomen": -1.0,
}
# Typical level (share of the answer range) and how strongly each default scale follows
# the figures index (logit units per standard deviation).
_LEVEL = {"rapportcijfer": 0.68, "cohesie": 0.58, "onveiligheid": 0.25, "verloedering": 0.42,
          "overlast": 0.32, "voorzieningen": 0.60, "betrokkenheid": 0.48}
_STRENGTH = {"rapportcijfer": 0.45, "cohesie": 0.35, "onveiligheid": 0.6, "verloedering": 0.5,
             "overlast": 0.5, "voorzieningen": 0.2, "betrokkenheid": 0.15}
# Age effects (logit units) per scale for the age groups of the default questionnaire.
_AGE = {"65_plus": {"cohesie": 0.35, "betrokkenheid": 0.2, "onveiligheid": 0.2},
        "18_34": {"cohesie": -0.25, "betrokkenheid": -0.15}}

# Planted disagreements: which buurt (by figures index), which scales move, and how.
_PLANTED = (
    {
        "kies": "hoog",
        "schaal": "onveiligheid",
        "effect": {"onveiligheid": 3.2, "overlast": 1.0},
        "wat": "De cijfers zijn gunstig (weinig bijstand, hoge WOZ-waarde), maar veel "
               "bewoners voelen zich onveilig in hun buurt.",
    },
    {
        "kies": "laag",
        "schaal": "cohesie",
        "effect": {"cohesie": 1.9, "betrokkenheid": 1.3},
        "wat": "De cijfers zijn zwak (veel bijstand, lage WOZ-waarde), maar de sociale "
               "samenhang en de betrokkenheid zijn juist sterk.",
    },
    {
        "kies": "midden",
        "schaal": "verloedering",
        "effect": {"verloedering": 1.9, "rapportcijfer": -0.8},
        "wat": "De cijfers zijn gemiddeld, maar bewoners zien veel rommel, vernieling en "
               "graffiti en geven een lager rapportcijfer.",
    },
)


def _expit(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def figures_index(buurten: pd.DataFrame) -> pd.Series:
    """A simple index of the CBS figures per buurt (0 = average of these buurten).

    The mean of the z-scores of bijstand per 1 000 (−), WOZ-waarde (+), % koopwoningen
    (+) and % low income (−), over what is available; a buurt without figures gets 0.
    Only used to make practice data behave like real data.
    """
    parts = []
    for column, sign in _FIGURES.items():
        if column not in buurten.columns:
            continue
        values = pd.to_numeric(buurten[column], errors="coerce").astype("float64")
        sd = values.std()
        if not np.isfinite(sd) or sd == 0:
            continue
        parts.append(sign * (values - values.mean()) / sd)
    if not parts:
        return pd.Series(0.0, index=buurten.index)
    return pd.concat(parts, axis=1).mean(axis=1, skipna=True).fillna(0.0).clip(-2.5, 2.5)


def _weights(buurten: pd.DataFrame) -> np.ndarray:
    for column in ("inwoners", "aantal_inwoners"):
        if column in buurten.columns:
            w = pd.to_numeric(buurten[column], errors="coerce").fillna(0).clip(lower=0)
            w = w.to_numpy(dtype="float64")
            if w.sum() > 0:
                return w
    return np.ones(len(buurten))


def _age_probs(row: pd.Series) -> np.ndarray:
    """Chance of 18_34, 35_64, 65_plus among respondents of a buurt."""
    p65 = row.get("pct_65_plus", np.nan)
    p65 = 0.22 if not np.isfinite(p65) else float(np.clip(p65 / 100 * 1.3, 0.05, 0.6))
    young = 0.30
    inhabitants = row.get("inwoners", np.nan)
    if np.isfinite(inhabitants) and inhabitants > 0:
        a = row.get("leeftijd_15_25", np.nan)
        b = row.get("leeftijd_25_45", np.nan)
        if np.isfinite(a) and np.isfinite(b):
            young = float(np.clip((0.5 * a + 0.8 * b) / inhabitants, 0.1, 0.6))
    young = min(young, 0.9 - p65)
    return np.array([young, 1 - young - p65, p65])


def _pick_planted(codes: list[str], index: pd.Series, counts: np.ndarray,
                  wanted: int) -> dict[str, str]:
    """Which buurt gets which planted disagreement (``kies`` -> buurtcode)."""
    order = np.argsort(-counts, kind="stable")
    eligible = [i for i in order if counts[i] >= wanted]
    if len(eligible) < 3:
        eligible = [i for i in order if counts[i] > 0][: max(3, len(eligible))]
    chosen: dict[str, str] = {}
    taken: set[int] = set()
    values = index.to_numpy()
    for kind in ("hoog", "laag", "midden"):
        pool = [i for i in eligible if i not in taken]
        if not pool:
            break
        if kind == "hoog":
            i = max(pool, key=lambda j: (values[j], -j))
        elif kind == "laag":
            i = min(pool, key=lambda j: (values[j], j))
        else:
            median = float(np.median(values[eligible]))
            i = min(pool, key=lambda j: (abs(values[j] - median), j))
        taken.add(i)
        chosen[kind] = codes[i]
    return chosen


def _item_values(q: Question, p: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Answers to one item given each respondent's position ``p`` (0–1) on the scale."""
    if q.soort == "getal":
        u = np.clip(p + rng.normal(0, 0.08, p.size), 0, 1)
        values = np.round(q.min + u * (q.max - q.min))
    else:
        levels = np.array(sorted(q.values.values()))
        if levels.size == 2:
            values = np.where(rng.random(p.size) < p, levels[1], levels[0])
        else:
            u = np.clip(p + rng.normal(0, 0.14, p.size), 0, 1)
            values = levels[np.rint(u * (levels.size - 1)).astype(int)]
    if q.omgekeerd:
        values = q.min + q.max - values
    return values.astype("float64")


def practice_responses(
    buurten: pd.DataFrame,
    seed: int = 2026,
    n: int | None = None,
    questionnaire: Questionnaire | None = None,
    min_n: int | None = None,
) -> pd.DataFrame:
    """Fictional survey answers for real buurten, reproducible from ``seed``.

    Parameters
    ----------
    buurten : DataFrame
        A :func:`wijklib.kerncijfers` frame (``code``, ``naam``, ``inwoners`` and CBS
        indicators such as ``bijstand_per_1000``, ``woz_waarde``, ``pct_65_plus``).
    seed : int
        Same seed, same data.
    n : int, optional
        Total number of respondents; default about 0.8% of the inhabitants (at least 30).
    questionnaire : Questionnaire, optional
        Default :func:`wijklib.vertellen.survey.vragenlijst`.
    min_n : int, optional
        Minimum group size used to choose the buurten with planted disagreements (they
        are chosen among buurten with at least twice this many respondents, and at least
        30, when there are enough of those). ``None``: the default,
        :func:`wijklib.guarantees.privacy.min_group_size`.

    Returns
    -------
    DataFrame
        Same columns as ``SurveyImport.data``. ``attrs``: ``oefendata`` (True), ``seed``,
        ``bron`` (a warning that the data are invented) and ``afwijkingen`` (list of dicts
        with ``buurtcode``, ``buurtnaam``, ``schaal``, ``wat``).
    """
    from wijklib.guarantees.privacy import min_group_size

    limit = min_group_size(min_n)
    if not isinstance(buurten, pd.DataFrame) or not {"code", "naam"} <= set(buurten.columns):
        raise WijklibError("Geef de kerncijfers van de buurten, bijvoorbeeld "
                           "wijklib.kerncijfers('Utrecht', niveau='buurt').")
    q = questionnaire or vragenlijst()
    frame = buurten.dropna(subset=["code"]).drop_duplicates("code").reset_index(drop=True)
    if frame.empty:
        raise WijklibError("De tabel met buurten is leeg. Kies een gemeente met buurten.")
    rng = np.random.default_rng(seed)
    weights = _weights(frame)
    if n is None:
        n = max(30, int(round(DEFAULT_RATE * weights.sum()))) if weights.sum() > len(frame) \
            else 30 * len(frame)
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise InvalidChoiceError("Het aantal respondenten (n) moet een heel getal van 1 of "
                                 "meer zijn.")
    counts = rng.multinomial(int(n), weights / weights.sum())
    index = figures_index(frame)
    codes = frame["code"].astype(str).tolist()
    names = frame["naam"].astype(str).tolist()

    scale_codes = {s.code for s in q.scales}
    plans = [p for p in _PLANTED if p["schaal"] in scale_codes]
    chosen = _pick_planted(codes, index, counts, max(2 * limit, 30))
    planted: dict[str, dict[str, float]] = {}
    afwijkingen = []
    for plan in plans:
        code = chosen.get(plan["kies"])
        if code is None:
            continue
        planted[code] = plan["effect"]
        afwijkingen.append({"buurtcode": code, "buurtnaam": names[codes.index(code)],
                            "schaal": plan["schaal"], "wat": plan["wat"]})

    buurt_of = np.repeat(np.arange(len(frame)), counts)
    rng.shuffle(buurt_of)
    size = buurt_of.size
    age_question = next((x for x in q.extra_questions if x.soort == "keuze"
                         and {"18_34", "35_64", "65_plus"} <= {c for c, _ in x.antwoorden}),
                        None)
    ages = np.empty(size, dtype=object)
    for b in range(len(frame)):
        mask = buurt_of == b
        if mask.any():
            probs = _age_probs(frame.iloc[b])
            ages[mask] = rng.choice(["18_34", "35_64", "65_plus"], size=mask.sum(), p=probs)
    mood = rng.normal(0, 1, size)
    out: dict[str, Any] = {
        "respondent": [f"{PREFIX}{i + 1:04d}" for i in range(size)],
        "buurtcode": [codes[b] for b in buurt_of],
        "buurtnaam": [names[b] for b in buurt_of],
    }
    for extra in q.extra_questions:
        if extra is age_question:
            values = ages.copy()
            values[rng.random(size) < 0.03] = "geen_antwoord" if any(
                c == "geen_antwoord" for c, _ in extra.antwoorden) else None
            out[extra.code] = values
        elif extra.soort == "keuze":
            options = [c for c, _ in extra.antwoorden]
            out[extra.code] = rng.choice(options, size=size)
        else:
            out[extra.code] = [None] * size
    idx = index.to_numpy()[buurt_of]
    for scale in q.scales:
        sign = {"gunstig": 1.0, "ongunstig": -1.0}.get(scale.hoger_is, 0.0)
        level = _logit(_LEVEL.get(scale.code, 0.5))
        strength = _STRENGTH.get(scale.code, 0.3)
        z = level + sign * (strength * idx + 0.35 * mood) + rng.normal(0, 0.45, size)
        for group, effects in _AGE.items():
            z = z + np.where(ages == group, effects.get(scale.code, 0.0), 0.0)
        for code, effects in planted.items():
            z = z + np.where(np.array(out["buurtcode"]) == code,
                             effects.get(scale.code, 0.0), 0.0)
        p = _expit(z)
        for item in scale.items:
            question = q.question(item)
            values = _item_values(question, p, rng)
            missing = 0.03 + (0.12 if scale.code == "voorzieningen" else 0.0)
            values[rng.random(size) < missing] = np.nan
            out[item] = values
    data = pd.DataFrame(out, columns=q.data_columns())
    for column in ["respondent", "buurtcode", "buurtnaam"] + [x.code for x in q.extra_questions]:
        data[column] = data[column].astype("str")
    for item in q.items:
        data[item.code] = data[item.code].astype("float64")
    data.attrs.update(oefendata=True, seed=seed, bron=LABEL, afwijkingen=afwijkingen)
    return data


# --------------------------------------------------------------------------- exports


def _value_text(question: Question, value: Any, labels: bool) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    if question.soort == "getal":
        number = float(value)
        return str(int(number)) if number.is_integer() else str(number)
    if question.soort == "schaal":
        code = question.code_for_value(float(value))
        if code is None:
            return str(value)
    else:
        code = str(value)
    if question.soort == "tekst":
        return code
    return question.label(code) if labels else code


def export_table(
    data: pd.DataFrame, questionnaire: Questionnaire, style: str,
    buurten: pd.DataFrame | None = None,
) -> tuple[list[str], list[list[str]]]:
    """Header and rows of :func:`practice_export` (all text)."""
    if style not in STYLES:
        raise InvalidChoiceError(f"De stijl '{style}' ken ik niet. Kies uit: "
                                 f"{', '.join(STYLES)}.")
    q = questionnaire
    if buurten is None:
        buurten = data[["buurtcode", "buurtnaam"]].drop_duplicates("buurtcode").rename(
            columns={"buurtcode": "code", "buurtnaam": "naam"})
    buurt_labels = dict(buurt_choices(buurten))
    labels = style in ("msforms", "google")
    order = q.form_order()

    def name(question: Question) -> str:
        if style in ("msforms", "google"):
            return question.tekst
        if style == "kobo" and question.schaal:
            return f"{question.schaal}/{question.code}"
        if style == "limesurvey":
            code = squash(question.code)
            return f"{squash(question.schaal)}[{code}]" if question.schaal else code
        return question.code

    lead = {
        "kobo": ["start", "end"],
        "msforms": ["ID", "Start time", "Completion time", "Email", "Name",
                    "Last modified time"],
        "google": ["Tijdstempel"],
        "limesurvey": ["id", "submitdate", "lastpage", "startlanguage", "seed"],
        "csv": ["respondent"],
    }[style]
    tail = ["_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status",
            "_submitted_by", "__version__", "_tags", "_index"] if style == "kobo" else []
    header = lead + [name(question) for question in order] + tail
    base = datetime(2026, 3, 2, 9, 0, 0)
    rows = []
    for i, record in enumerate(data.to_dict("records")):
        start = base + timedelta(minutes=23 * i + (7 * i) % 11)
        end = start + timedelta(minutes=6 + i % 5, seconds=(13 * i) % 60)
        iso_end = end.strftime("%Y-%m-%dT%H:%M:%S")
        respondent = str(record.get("respondent", f"{PREFIX}{i + 1:04d}"))
        lead_values = {
            "kobo": [start.strftime("%Y-%m-%dT%H:%M:%S.000+01:00"),
                     end.strftime("%Y-%m-%dT%H:%M:%S.000+01:00")],
            "msforms": [respondent, start.strftime("%m/%d/%y %H:%M:%S"),
                        end.strftime("%m/%d/%y %H:%M:%S"), "anonymous", "",
                        end.strftime("%m/%d/%y %H:%M:%S")],
            "google": [end.strftime("%d-%m-%Y %H:%M:%S")],
            "limesurvey": [respondent, end.strftime("%Y-%m-%d %H:%M:%S"), "4", "nl",
                           str(100000 + (i * 7919) % 900000)],
            "csv": [respondent],
        }[style]
        values = []
        for question in order:
            if question.soort == "buurt":
                code = str(record.get("buurtcode", ""))
                values.append(buurt_labels.get(code, code) if labels else code)
            elif question.soort == "postcode":
                values.append("")
            else:
                text = _value_text(question, record.get(question.code), labels)
                if style == "limesurvey" and question.soort in ("keuze", "schaal"):
                    text = squash(text)
                values.append(text)
        tail_values = [str(1000 + i), respondent, iso_end, "", "", "submitted_via_web", "",
                       "vKoboOefen", "", str(i + 1)] if style == "kobo" else []
        rows.append(lead_values + values + tail_values)
    return header, rows


_STYLE_CSV = {
    "kobo": (";", "utf-8", csv.QUOTE_MINIMAL),
    "msforms": (",", "utf-8-sig", csv.QUOTE_MINIMAL),
    "google": (",", "utf-8", csv.QUOTE_MINIMAL),
    "limesurvey": (",", "utf-8", csv.QUOTE_ALL),
    "csv": (";", "cp1252", csv.QUOTE_MINIMAL),
}


def practice_export(
    data: pd.DataFrame,
    questionnaire: Questionnaire,
    style: str = "kobo",
    path: str | Path | None = None,
    *,
    buurten: pd.DataFrame | None = None,
) -> Path:
    """Write response data the way a survey tool exports it.

    Parameters
    ----------
    data : DataFrame
        Practice data (:func:`practice_responses`) or ``SurveyImport.data``.
    questionnaire : Questionnaire
    style : {"kobo", "msforms", "google", "limesurvey", "csv"}
        KoBoToolbox (codes, group prefixes, ``_uuid`` …; CSV with ``;``), MS Forms
        (ID, Start time, Email, Name, question texts, answer labels), Google Forms
        (Tijdstempel, question texts, labels), LimeSurvey (``id``, ``submitdate``,
        ``schaal[code]``, codes) or a plain Dutch-Excel CSV (``;``, Windows-1252).
    path : str or Path, optional
        ``.csv`` or ``.xlsx``; default ``data/export/oefenantwoorden_<style>.csv``.
    buurten : DataFrame, optional
        ``code`` and ``naam`` of all buurten (for the buurt labels of MS/Google Forms).

    Returns
    -------
    Path
        The file written.
    """
    header, rows = export_table(data, questionnaire, style, buurten)
    if path is None:
        from wijklib.notebook.session import export_dir

        path = export_dir() / f"oefenantwoorden_{style}.csv"
    path = Path(path)
    if path.suffix.casefold() == ".xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "Antwoorden" if style != "msforms" else "Sheet1"
        sheet.append(header)
        for row in rows:
            sheet.append([int(v) if re.fullmatch(r"-?[1-9][0-9]{0,8}|0", v) else v
                          for v in row])
        return atomic_write(path, book.save)
    delimiter, encoding, quoting = _STYLE_CSV[style]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, quoting=quoting, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    text = buffer.getvalue()
    try:
        payload = text.encode(encoding)
    except UnicodeEncodeError:
        payload = text.encode("utf-8-sig")
    return atomic_write_bytes(path, payload)
