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

:func:`practice_stories`, :func:`practice_observations` and :func:`practice_assets` make
fictional stories, wijkschouw observations and strengths for real buurten, in the tables
of :mod:`wijklib.vertellen.verhalen`, :mod:`wijklib.vertellen.wijkschouw` and
:mod:`wijklib.vertellen.krachten`.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from wijklib.errors import InvalidChoiceError, WijklibError
from wijklib.guarantees.writing import atomic_write, atomic_write_bytes
from wijklib.vertellen.krachten import ASSET_COLUMNS
from wijklib.vertellen.survey import Question, Questionnaire, buurt_choices, squash, vragenlijst
from wijklib.vertellen.verhalen import STORY_COLUMNS
from wijklib.vertellen.wijkschouw import OBSERVATION_COLUMNS

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

# Planted disagreements: which buurt (by figures index), which scales move, and how. The
# first half of the sentence ("what the figures say") is written from the buurt's own
# figures (:func:`_figures_words`), so it never contradicts what notebook 1 shows.
_PLANTED = (
    {
        "kies": "hoog",
        "schaal": "onveiligheid",
        "effect": {"onveiligheid": 3.2, "overlast": 1.0},
        "bewoners": "veel bewoners voelen zich onveilig in hun buurt.",
    },
    {
        "kies": "laag",
        "schaal": "cohesie",
        "effect": {"cohesie": 1.9, "betrokkenheid": 1.3},
        "bewoners": "de sociale samenhang en de betrokkenheid zijn juist sterk.",
    },
    {
        "kies": "midden",
        "schaal": "verloedering",
        "effect": {"verloedering": 1.9, "rapportcijfer": -0.8},
        "bewoners": "bewoners zien veel rommel, vernieling en graffiti en geven een lager "
                    "rapportcijfer.",
    },
)
# How the figures of the index are named in the practice texts.
_FIGURE_NAMES = {
    "bijstand_per_1000": ("bijstand", "per 1 000 inwoners", 0),
    "woz_waarde": ("WOZ-waarde", "duizend euro", 0),
    "pct_koopwoningen": ("koopwoningen", "%", 0),
}


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


def _figures_words(frame: pd.DataFrame, row: int, index: float) -> str:
    """What the CBS figures of one buurt say, with its own numbers and the average buurt.

    The average is weighted by inhabitants, so it is close to the gemeente's own figure
    that notebook 1 compares with. The judgement follows the figures index of the buurt.
    A buurt with none of the index's figures (a year such as 2017, or secret figures) gets
    no judgement: the text names the figures that are missing instead.
    """
    from wijklib.tellen.compare import format_number

    own_known = [
        column for column in _FIGURES if column in frame.columns
        and np.isfinite(pd.to_numeric(frame[column], errors="coerce").astype("float64")
                        .iloc[row])
    ]
    if not own_known:
        names = [name for name, _, _ in _FIGURE_NAMES.values()]
        listed = ", ".join(names[:-1]) + " en " + names[-1]
        year = frame.attrs.get("year")
        source = f" (tabel van {year})" if year else ""
        return f"Over {listed} heeft het CBS voor deze buurt geen cijfers{source}"
    weights = _weights(frame)
    parts = []
    for column, (name, unit, digits) in _FIGURE_NAMES.items():
        if column not in frame.columns:
            continue
        values = pd.to_numeric(frame[column], errors="coerce").astype("float64")
        own = values.iloc[row]
        known = values.notna().to_numpy() & (weights > 0)
        if not np.isfinite(own) or not known.any():
            continue
        mean = float(np.average(values[known], weights=weights[known]))
        parts.append(f"{name} {format_number(own, digits)} {unit}, gemiddeld "
                     f"{format_number(mean, digits)} {unit}")
        if len(parts) == 2:
            break
    word = ("gunstiger dan gemiddeld" if index > 0.3 else
            "minder gunstig dan gemiddeld" if index < -0.3 else "ongeveer gemiddeld")
    details = f" ({'; '.join(parts)})" if parts else ""
    return f"De cijfers zijn {word} in de gemeente{details}"


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
        row = codes.index(code)
        afwijkingen.append({"buurtcode": code, "buurtnaam": names[row],
                            "schaal": plan["schaal"],
                            "wat": f"{_figures_words(frame, row, float(index.iloc[row]))}, "
                                   f"maar {plan['bewoners']}"})

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


# ---------------------------------------------------------------------------------------
# Stories, wijkschouw and strengths
# ---------------------------------------------------------------------------------------

_PRACTICE_STORIES: tuple[tuple[str, str], ...] = (
    # (tone, text): "+" opportunity or strength, "-" problem or threat, "0" mixed
    ("+", "Ik woon hier al dertig jaar. De mensen kennen elkaar nog, dat vind je niet overal."),
    ("+", "Toen mijn man ziek was, kwam de buurvrouw elke dag langs met soep."),
    ("+", "Het buurthuis is de huiskamer van {buurt}. Daar hoor je alles."),
    ("+", "Op zaterdag is de markt: dan zie je iedereen en maak je een praatje."),
    ("+", "Wij hebben samen met de buren een moestuin aangelegd, nu eten we er allemaal van."),
    ("+", "De jongeren organiseren zelf een voetbaltoernooi. Dat moet je steunen."),
    ("+", "Er zijn veel mensen die vrijwilligerswerk doen, alleen weet niemand dat."),
    ("+", "Het park is mooi geworden sinds de nieuwe bomen er staan."),
    ("+", "Ik voel me hier veilig, ook 's avonds. Vroeger was dat anders."),
    ("+", "De school doet veel voor de ouders, er is zelfs een taalcafé."),
    ("+", "In het leegstaande winkelpand zou een buurtkamer kunnen. Ruimte genoeg."),
    ("-", "Mijn woning is vochtig en er zit schimmel in de badkamer. De corporatie komt niet."),
    ("-", "De huur gaat elk jaar omhoog, maar er wordt niets aan onderhoud gedaan."),
    ("-", "Er wordt hard gereden in onze straat, ik ben bang voor de kinderen."),
    ("-", "Bij de flat wordt gedeald, iedereen weet het, maar er gebeurt niets."),
    ("-", "Naast de containers ligt altijd afval. Het maakt de buurt vies."),
    ("-", "Ik ken mijn buren niet meer. Iedereen gaat zijn eigen gang."),
    ("-", "Sinds de bushalte weg is, kom ik moeilijk bij de huisarts."),
    ("-", "Voor jongeren is er niets te doen, dus hangen ze rond bij de winkels."),
    ("-", "Veel gezinnen hier hebben schulden. De energierekening is niet te betalen."),
    ("-", "We hebben het zo vaak gezegd op de bewonersavond. De gemeente luistert niet."),
    ("-", "De speeltuin is al een jaar kapot. Waar moeten de kinderen spelen?"),
    ("-", "Ouderen in de flat zijn eenzaam. Sommigen zie je nooit buiten."),
    ("-", "Het fietspad langs het water is donker, 's avonds ga ik liever om."),
    ("0", "De huur van de zaal in het buurthuis is te hoog voor onze club."),
    ("0", "Er komt nieuwbouw. Fijn voor de buurt, maar kunnen wij hier blijven wonen?"),
    ("0", "De wijkagent is aardig, maar we zien hem bijna nooit."),
    ("0", "Er is genoeg groen, maar niemand voelt zich verantwoordelijk voor het onderhoud."),
    ("0", "De supermarkt is dichtbij, maar de kleine winkels verdwijnen."),
    ("0", "Ik werk in de zorg en zie veel stress bij gezinnen in {buurt}."),
)
_STORY_SOURCES = ("gesprek", "verhalenavond", "interview", "wijkschouw")

_PRACTICE_OBSERVATIONS: tuple[tuple[str, str, str, str, str], ...] = (
    ("speeltuin bij de school", "Hek kapot en glas in de zandbak.", "knelpunt",
     "Melden bij de gemeente en samen met de school een opruimochtend plannen.", "gemeente"),
    ("grasveld achter de flats", "Groot grasveld dat bijna niet gebruikt wordt.", "kans",
     "Bewoners vragen of ze er een moestuin of speelplek willen.", "bewonersgroep"),
    ("fietspad langs het water", "Drie lantaarns doen het niet.", "knelpunt",
     "Melden; over twee weken kijken of het gemaakt is.", "gemeente"),
    ("winkelstrip", "Twee panden staan leeg, de rest loopt goed.", "kans",
     "Met de eigenaar praten over tijdelijk gebruik als buurtkamer.", "opbouwwerk"),
    ("containers bij de portiekflats", "Afval naast de containers, vooral grofvuil.",
     "knelpunt", "Afvalcoach inzetten en een grofvuildag organiseren.", "woningcorporatie"),
    ("buurthuis", "Veel activiteiten, maar vooral voor ouderen.", "neutraal",
     "Jongeren vragen wat zij er zouden willen doen.", "jongerenwerk"),
    ("kruising bij de basisschool", "Auto's rijden hard, geen zebrapad.", "knelpunt",
     "Verkeersbeleving meten met ouders; voorstel voor een zebrapad.", "gemeente"),
    ("plein bij de moskee", "Veel mensen ontmoeten elkaar hier na het vrijdaggebed.", "kans",
     "Bankjes en schaduw voorstellen.", "bewonersgroep"),
    ("portiek", "Schoon en netjes, bewoners houden het zelf bij.", "kans",
     "Laten zien als voorbeeld voor andere portieken.", "woningcorporatie"),
    ("tunnel onder het spoor", "Donker en vol graffiti.", "knelpunt",
     "Kunstproject met jongeren en betere verlichting voorstellen.", "gemeente"),
)

_PRACTICE_ASSETS: tuple[tuple[str, str, str], ...] = (
    ("mensen", "buurvrouw die Arabisch en Nederlands spreekt en vaak helpt met brieven",
     "tolkt voor buren"),
    ("mensen", "gepensioneerde timmerman die graag klust", "repareert speeltoestellen"),
    ("mensen", "groep moeders die samen koken op woensdag", "bereikt nieuwe gezinnen"),
    ("mensen", "jongeren die een voetbaltoernooi organiseren", "brengen de buurt samen"),
    ("verenigingen", "Buurtvereniging De Linde (verzonnen)", "organiseert het buurtfeest"),
    ("verenigingen", "Voetbalclub Blauw-Wit (verzonnen)", "veel jeugdleden"),
    ("verenigingen", "Moestuinclub achter de flat", "twintig vaste tuinders"),
    ("plekken", "buurthuis", "open vijf dagen per week"),
    ("plekken", "speeltuin bij de school", "ontmoetingsplek voor ouders"),
    ("plekken", "park met vijver", "veel gebruikt in de zomer"),
    ("plekken", "bibliotheek", "taalcafé en hulp bij formulieren"),
    ("organisaties", "basisschool", "wil het schoolplein openstellen"),
    ("organisaties", "huisartsenpraktijk", "kent veel gezinnen"),
    ("organisaties", "moskee", "actief met voedselhulp"),
    ("organisaties", "welzijnsorganisatie", "opbouwwerker in de wijk"),
    ("economie", "bakker op de hoek", "prikbord voor buurtberichten"),
    ("economie", "weekmarkt", "goedkope boodschappen en ontmoeting"),
    ("economie", "fietsenmaker", "leerwerkplek voor jongeren"),
)


def _buurten(gebieden_or_buurten: Any) -> pd.DataFrame:
    """Accept a gebieden/kerncijfers table, a list of codes or a Series; return code, naam."""
    if isinstance(gebieden_or_buurten, pd.DataFrame):
        if "code" not in gebieden_or_buurten.columns:
            raise InvalidChoiceError(
                "Geef de buurten als tabel met een kolom 'code' (wijklib.gebieden(...)) of "
                "als lijst met buurtcodes."
            )
        frame = gebieden_or_buurten
        if "water" in frame.columns:
            frame = frame[~frame["water"].fillna(False).astype(bool)]
        codes = frame["code"].astype("str")
        names = frame["naam"].astype("str") if "naam" in frame.columns else codes * 0 + ""
        out = pd.DataFrame({"code": codes.to_numpy(), "naam": names.to_numpy()})
        if "inwoners" in frame.columns:  # known 0 inhabitants (unknown is not nobody)
            out["onbewoond"] = (pd.to_numeric(frame["inwoners"], errors="coerce")
                                .eq(0).to_numpy())
    elif isinstance(gebieden_or_buurten, (list, tuple, pd.Series, pd.Index, np.ndarray)):
        codes = [str(c) for c in gebieden_or_buurten]
        out = pd.DataFrame({"code": codes, "naam": [""] * len(codes)})
    else:
        raise InvalidChoiceError(
            "Geef de buurten als tabel (wijklib.gebieden(...)) of als lijst met buurtcodes."
        )
    out = out[out["code"].str.match(r"^BU\d{8}$")].drop_duplicates("code")
    out = out.sort_values("code", ignore_index=True)
    if out.empty:
        raise InvalidChoiceError("Er staan geen buurten (codes BU…) in wat je meegaf.")
    return out


def _pick_buurten(buurten: pd.DataFrame, max_buurten: int, focus: Any,
                  seed: int) -> pd.DataFrame:
    """The same reproducible choice of buurten for stories, observations and assets."""
    rng = np.random.default_rng(seed)
    focus_codes = [] if focus is None else ([focus] if isinstance(focus, str) else list(focus))
    keep = buurten[buurten["code"].isin(focus_codes)]
    rest = buurten[~buurten["code"].isin(focus_codes)]
    if "onbewoond" in rest.columns:  # no resident tells a story of a buurt nobody lives in
        rest = rest[~rest["onbewoond"]]
    room = max(0, max_buurten - len(keep))
    if len(rest) > room:
        rest = rest.iloc[np.sort(rng.choice(len(rest), size=room, replace=False))]
    return pd.concat([keep, rest]).sort_values("code", ignore_index=True)


def _fill(text: str, name: str) -> str:
    return text.replace("{buurt}", name or "de buurt")


def practice_stories(
    gebieden_or_buurten: Any,
    seed: int = 2026,
    *,
    per_buurt: int = 6,
    max_buurten: int = 8,
    focus: str | Sequence[str] | None = None,
    include_injection: bool = False,
) -> pd.DataFrame:
    """Fictional stories and quotes for real buurten (practice data, clearly labelled).

    The texts span worries and strengths; each buurt gets its own balance. The same
    input and ``seed`` always give the same table.

    Parameters
    ----------
    gebieden_or_buurten : DataFrame or list of str
        :func:`wijklib.gebieden` (or kerncijfers) of a gemeente, or buurtcodes.
    seed : int, default 2026
    per_buurt : int, default 6
        Stories per buurt (on average).
    max_buurten : int, default 8
        When more buurten are given, a reproducible choice of this many (plus ``focus``).
    focus : str or list, optional
        Buurtcodes that are always included.
    include_injection : bool, default False
        Make the first story ``<img src=x onerror=alert(1)>`` (for tests of escaping).

    Returns
    -------
    pandas.DataFrame
        :data:`STORY_COLUMNS`, ``attrs["oefendata"] = True``.
    """
    rng = np.random.default_rng(seed)
    buurten = _pick_buurten(_buurten(gebieden_or_buurten), max_buurten, focus, seed)
    positive = [t for tone, t in _PRACTICE_STORIES if tone == "+"]
    negative = [t for tone, t in _PRACTICE_STORIES if tone == "-"]
    mixed = [t for tone, t in _PRACTICE_STORIES if tone == "0"]
    rows = []
    for code, name in zip(buurten["code"], buurten["naam"], strict=True):
        share = rng.beta(2, 2)
        n = max(1, int(rng.poisson(per_buurt)))
        used: set[str] = set()
        for _ in range(n):
            for _attempt in range(10):  # no identical story twice in one buurt
                r = rng.random()
                pool = mixed if r < 0.2 else (positive if r < 0.2 + 0.8 * share else negative)
                text = _fill(pool[int(rng.integers(len(pool)))], name)
                if text not in used:
                    break
            if text in used:
                continue
            used.add(text)
            source = _STORY_SOURCES[int(rng.integers(len(_STORY_SOURCES)))]
            rows.append({"buurtcode": code, "verhaal": text, "bron_type": source})
    if include_injection and rows:
        from wijklib.vertellen.kaartnotities import INJECTION

        rows[0]["verhaal"] = INJECTION
    out = pd.DataFrame(rows, columns=STORY_COLUMNS).astype("str")
    out.attrs = {"oefendata": True, "bron": "Verzonnen oefendata van wijklib (niet echt).",
                 "seed": seed}
    return out


def practice_observations(
    gebieden_or_buurten: Any,
    seed: int = 2026,
    *,
    per_buurt: int = 4,
    max_buurten: int = 8,
    focus: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Fictional wijkschouw observations (kansen and knelpunten) for real buurten.

    Parameters and reproducibility as in :func:`practice_stories`.

    Returns
    -------
    pandas.DataFrame
        :data:`OBSERVATION_COLUMNS`, ``attrs["oefendata"] = True``.
    """
    rng = np.random.default_rng(seed + 1)
    buurten = _pick_buurten(_buurten(gebieden_or_buurten), max_buurten, focus, seed)
    rows = []
    for code in buurten["code"]:
        n = min(len(_PRACTICE_OBSERVATIONS), max(1, int(rng.poisson(per_buurt))))
        for j in rng.choice(len(_PRACTICE_OBSERVATIONS), size=n, replace=False):
            plek, waarneming, soort, actie, wie = _PRACTICE_OBSERVATIONS[int(j)]
            rows.append({"buurtcode": code, "plek": plek, "waarneming": waarneming,
                         "soort": soort, "actie": actie, "wie": wie})
    out = pd.DataFrame(rows, columns=OBSERVATION_COLUMNS).astype("str")
    out.attrs = {"oefendata": True, "bron": "Verzonnen oefendata van wijklib (niet echt).",
                 "seed": seed}
    return out


def practice_assets(
    gebieden_or_buurten: Any,
    seed: int = 2026,
    *,
    per_buurt: int = 6,
    max_buurten: int = 8,
    focus: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """A fictional inventory of strengths ("krachten van de buurt") for real buurten.

    People are described by what they do, never by name; club names are made up and
    marked "(verzonnen)". Parameters as in :func:`practice_stories`.

    Returns
    -------
    pandas.DataFrame
        :data:`ASSET_COLUMNS`, ``attrs["oefendata"] = True``.
    """
    rng = np.random.default_rng(seed + 2)
    buurten = _pick_buurten(_buurten(gebieden_or_buurten), max_buurten, focus, seed)
    rows = []
    for code in buurten["code"]:
        n = min(len(_PRACTICE_ASSETS), max(1, int(rng.poisson(per_buurt))))
        for j in rng.choice(len(_PRACTICE_ASSETS), size=n, replace=False):
            soort, naam, kort = _PRACTICE_ASSETS[int(j)]
            rows.append({"buurtcode": code, "soort": soort, "naam_of_omschrijving": naam,
                         "kort": kort})
    out = pd.DataFrame(rows, columns=ASSET_COLUMNS).astype("str")
    out.attrs = {"oefendata": True, "bron": "Verzonnen oefendata van wijklib (niet echt).",
                 "seed": seed}
    return out
