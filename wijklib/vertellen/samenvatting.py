"""Wat vertellen bewoners? A printable summary of the inside view, per buurt or per wijk.

:func:`summary_html` puts what notebook 2 collected (a
:class:`wijklib.notebook.resultaten.Vertellen`)
on one self-contained HTML page (no scripts, no web fonts): who was heard and who was not,
the survey scale scores with their number of respondents and 95% interval, the map notes
per category, kansen and knelpunten, confirmed themes with a few quotes, the strengths of
the buurt ("krachten") and the sources. Every text is escaped: resident text is shown as
text and never runs as code.

The minimum group size (:func:`~wijklib.guarantees.privacy.min_group_size`, default 10)
holds for every
number that comes from the survey: a buurt or age group with fewer respondents shows no
score, no interval, no percentage and no count, only "<10" and the explanation. Counts of
map notes and stories are not survey answers (someone chose to share them openly, and a
count is not an estimate for the residents), so they are shown as they are; see
:mod:`wijklib.vertellen.kaartnotities`.

Practice data are labelled on the page ("oefendata, verzonnen"), per part.

:func:`data_file` finds a participant's own file in the repository's ``data/`` folder.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from wijklib.errors import InvalidChoiceError, WijklibError
from wijklib.guarantees import provenance
from wijklib.guarantees.privacy import (
    NO_ANSWER_GROUP,
    REASON_SECONDARY,
    Suppression,
    decide_suppression,
    min_group_size,
    secondary_suppress,
    share_groups_hidden,
)
from wijklib.guarantees.rendering import paragraphs, render
from wijklib.tellen.compare import format_number
from wijklib.vertellen.responses import FORMAT_NAMES

#: Ids of the sections of the page, in order.
SECTIONS = ("wie", "enquete", "kaartnotities", "kansen-knelpunten", "themas", "krachten",
            "bronnen")
#: Parts of a Vertellen result and how the page names them.
PARTS = {
    "antwoorden": "de enquête",
    "kaartnotities": "de kaartnotities",
    "verhalen": "de verhalen",
    "krachten": "de krachten van de buurt",
    "wijkschouw": "de wijkschouw",
}
#: Map-note categories that point at an opportunity, and at a problem.
POSITIVE = ("kans", "idee", "favoriete plek")
NEGATIVE = ("knelpunt", "onveilige plek")
#: Age groups of the default questionnaire.
AGE_GROUPS = ("18_34", "35_64", "65_plus")
_ASSET_LABELS = {
    "mensen": "Mensen (wat ze kunnen of doen)",
    "verenigingen": "Verenigingen en groepen",
    "plekken": "Plekken",
    "organisaties": "Organisaties",
    "economie": "Lokale economie",
}



# --------------------------------------------------------------------------- files


def save_summary(page: str, path: str | Path | None = None, name: str = "") -> Path:
    """Write a summary page to disk.

    Parameters
    ----------
    page : str
        HTML from :func:`summary_html`.
    path : str or Path, optional
        File to write; default ``wat-vertellen-bewoners-<name>.html`` in
        :func:`wijklib.notebook.session.export_dir`.
    name : str
        Used in the default file name (the buurt or wijk).

    Returns
    -------
    Path
        The file written (download it with :func:`wijklib.notebook.session.download_link`).
    """
    from wijklib.notebook.session import file_stem, save_page

    return save_page(page, path, f"wat-vertellen-bewoners-{file_stem(name, 'gebied')}")


# --------------------------------------------------------------------------- helpers



def _missing(value: Any) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _select(buurten: pd.DataFrame, gebied: str | Sequence[str] | None,
            naam: str | None) -> tuple[list[str], str, bool]:
    """Codes of the chosen buurten, a name for the title, and whether it is one buurt."""
    if not isinstance(buurten, pd.DataFrame) or not {"code", "naam"} <= set(buurten.columns):
        raise InvalidChoiceError("Geef de kerncijfers van de buurten, bijvoorbeeld "
                                 "wijklib.kerncijfers('Utrecht', niveau='buurt').")
    codes_all = buurten["code"].astype(str)
    if gebied is None:
        gm = str(buurten.attrs.get("gemeente") or (buurten["gemeentenaam"].iloc[0]
                 if "gemeentenaam" in buurten and len(buurten) else "het gebied"))
        return codes_all.tolist(), naam or gm, False
    if not isinstance(gebied, str):
        codes = [str(c) for c in gebied]
        unknown = [c for c in codes if c not in set(codes_all)]
        if unknown:
            raise InvalidChoiceError(f"Deze buurtcodes staan niet in de tabel: "
                                     f"{', '.join(unknown[:5])}.")
        return codes, naam or "de gekozen buurten", len(codes) == 1
    text = gebied.strip()
    if text.upper().startswith("WK"):
        if "wijkcode" not in buurten.columns:
            raise InvalidChoiceError("De tabel met buurten heeft geen kolom 'wijkcode'.")
        codes = codes_all[buurten["wijkcode"].astype(str).str.upper() == text.upper()].tolist()
        if not codes:
            raise InvalidChoiceError(f"De wijk '{text}' heeft geen buurten in deze tabel. "
                                     "Kies een wijkcode van dezelfde gemeente.")
        return codes, naam or f"wijk {text}", False
    from wijklib.data.areas import find_area

    row = find_area(buurten, text)
    return [str(row["code"])], naam or str(row["naam"]), True


def _names(buurten: pd.DataFrame) -> dict[str, str]:
    return dict(zip(buurten["code"].astype(str), buurten["naam"].astype(str), strict=False))


def _unplaced(frame: pd.DataFrame) -> pd.Series:
    """Rows without a buurtcode (about the whole area)."""
    codes = frame["buurtcode"]
    return codes.isna() | (codes.astype("str").str.strip().fillna("") == "")


def _in(frame: pd.DataFrame | None, codes: list[str],
        whole: bool = False) -> pd.DataFrame | None:
    """Rows of ``frame`` in the chosen buurten (None when there is no table).

    With ``whole`` (a page for every buurt) rows without a buurtcode are kept: they are
    about the whole area ("hele gebied").
    """
    if frame is None or not isinstance(frame, pd.DataFrame):
        return None
    if "buurtcode" not in frame.columns:
        return frame
    keep = frame["buurtcode"].astype(str).isin(codes).fillna(False).astype(bool)
    if whole:
        keep |= _unplaced(frame)
    return frame[keep]


def _age_question(questionnaire: Any) -> Any:
    if questionnaire is None:
        return None
    return next((x for x in questionnaire.extra_questions if x.soort == "keuze"
                 and set(AGE_GROUPS) <= {c for c, _ in x.antwoorden}), None)


def _pct(part: float, whole: float) -> float:
    return float("nan") if not whole else 100.0 * part / whole


# --------------------------------------------------------------------------- tables


def response_table(
    antwoorden: pd.DataFrame,
    buurten: pd.DataFrame,
    codes: Sequence[str] | None = None,
    min_n: int | None = None,
    *,
    suppression: Suppression | None = None,
) -> pd.DataFrame:
    """Respondents per buurt against the number of inhabitants (CBS).

    Parameters
    ----------
    antwoorden : DataFrame
        Survey answers (``buurtcode`` per respondent).
    buurten : DataFrame
        :func:`wijklib.kerncijfers` at buurt level (``code``, ``naam``, ``inwoners``).
    codes : list of str, optional
        Only these buurten (default: every buurt of ``buurten``).
    min_n : int, optional
        Minimum group size (default :func:`wijklib.guarantees.privacy.min_group_size`).
    suppression : Suppression, optional
        The survey's one decision on what may be shown
        (:func:`wijklib.guarantees.privacy.decide_suppression`); default: decided from all
        of ``antwoorden`` with ``min_n``.

    Returns
    -------
    DataFrame
        ``buurtcode``, ``Buurt``, ``Inwoners (CBS)``, ``Respondenten`` and
        ``Respons (% van de inwoners)``, all as text; a buurt with fewer respondents than
        the minimum shows ``<10`` and no percentage. A larger buurt that is hidden so that
        a small one cannot be worked out from a total shows ``niet getoond``.
        ``attrs["totaal"]`` is the number of respondents in these buurten (None when it
        is below the minimum or would give a hidden buurt away; ``attrs["totaal_klein"]``
        says whether it is below the minimum); ``attrs["verborgen_om_terugrekenen"]`` the
        names of the buurten hidden for that reason.
    """
    limit = min_group_size(min_n)
    chosen = [str(c) for c in (codes if codes is not None else buurten["code"])]
    names = _names(buurten)
    inhabitants = dict(zip(buurten["code"].astype(str),
                           pd.to_numeric(buurten.get("inwoners"), errors="coerce")
                           if "inwoners" in buurten else [float("nan")] * len(buurten),
                           strict=False))
    decision = suppression if suppression is not None else decide_suppression(
        antwoorden["buurtcode"] if antwoorden is not None and len(antwoorden)
        else {}, limit)
    limit = decision.limit
    sizes = {code: decision.counts.get(code, 0) for code in chosen}
    total = int(sum(sizes.values()))
    shown_total = decision.total(chosen)
    secondary = {code for code in chosen if decision.reason(code) == REASON_SECONDARY}
    rows = []
    for code in chosen:
        n = sizes[code]
        people = inhabitants.get(code, float("nan"))
        visible = decision.shows(code)
        rows.append({
            "buurtcode": code,
            "Buurt": names.get(code, code),
            "Inwoners (CBS)": format_number(people) if not _missing(people) else "onbekend",
            "Respondenten": (str(n) if visible else "niet getoond" if code in secondary
                             else f"<{limit}"),
            "Respons (% van de inwoners)": (format_number(_pct(n, people), 1) + " %"
                                            if visible and not _missing(people) and people
                                            else ""),
        })
    out = pd.DataFrame(rows, columns=["buurtcode", "Buurt", "Inwoners (CBS)", "Respondenten",
                                      "Respons (% van de inwoners)"])
    out.attrs["totaal"] = shown_total
    out.attrs["totaal_klein"] = total < limit
    out.attrs["min_n"] = limit
    out.attrs["verborgen_om_terugrekenen"] = [names.get(c, c) for c in chosen if c in secondary]
    return out


def age_table(
    antwoorden: pd.DataFrame,
    buurten: pd.DataFrame,
    codes: Sequence[str] | None = None,
    questionnaire: Any = None,
    min_n: int | None = None,
    *,
    suppression: Suppression | None = None,
) -> pd.DataFrame:
    """Who answered, by age group, against the inhabitants (CBS).

    The survey asks adults (18 and older) for an age group; the CBS counts inhabitants in
    other groups (15–25, 25–45, 45–65, 65+). Only one group can be compared honestly: 65
    and older (share of the respondents who gave an age, against the share of the
    inhabitants of 15 and older).

    A group with fewer respondents than the minimum shows ``<10`` and no share. Because
    the total number of respondents is shown elsewhere, one more group is hidden when that
    total would give a hidden number away
    (:func:`wijklib.guarantees.privacy.secondary_suppress`). The age groups add up to
    the area's total, so when the survey's decision hides that total
    (:func:`wijklib.guarantees.privacy.decide_suppression`), every group is hidden.

    Parameters
    ----------
    antwoorden : DataFrame
        Survey answers with an age-group column (``leeftijdsgroep`` in the default
        questionnaire).
    buurten : DataFrame
        :func:`wijklib.kerncijfers` at buurt level (``leeftijd_15_25`` …).
    codes : list of str, optional
        Only these buurten.
    questionnaire : Questionnaire, optional
        To find the age question and its labels (default
        :func:`wijklib.vertellen.survey.vragenlijst`).
    min_n : int, optional
        Minimum group size (default :func:`wijklib.guarantees.privacy.min_group_size`).
    suppression : Suppression, optional
        The survey's one decision (default: decided from all of ``antwoorden``).

    Returns
    -------
    DataFrame
        ``Leeftijdsgroep``, ``Respondenten``, ``Aandeel respondenten`` (of all respondents
        of these buurten) and ``Aandeel inwoners 15+ (CBS)`` (text, only for 65+). Empty
        when the questionnaire asks no age. ``attrs["vergelijking"]``: ``(share of the
        respondents who gave an age, share of the inhabitants)`` for 65 and older, in
        percent, or None when hidden or unknown. ``attrs["verborgen"]``: the hidden groups
        (answer codes, :data:`wijklib.guarantees.privacy.NO_ANSWER_GROUP` for no age), to
        pass to :func:`wijklib.agenda.state.share_figure` so that the 65+ line gives none of
        them away.
    """
    from wijklib.vertellen.survey import vragenlijst

    limit = min_group_size(min_n)
    columns = ["Leeftijdsgroep", "Respondenten", "Aandeel respondenten",
               "Aandeel inwoners 15+ (CBS)"]
    q = questionnaire if questionnaire is not None else vragenlijst()
    question = _age_question(q)
    if question is None or antwoorden is None or question.code not in antwoorden.columns:
        out = pd.DataFrame(columns=columns)
        out.attrs.update(vergelijking=None, min_n=limit, verborgen=[])
        return out
    chosen = [str(c) for c in (codes if codes is not None else buurten["code"])]
    data = antwoorden[antwoorden["buurtcode"].astype(str).isin(chosen)]
    values = data[question.code].astype("str").str.strip()
    counts = {g: int((values == g).sum()) for g in AGE_GROUPS}
    counts[NO_ANSWER_GROUP] = len(data) - sum(counts.values())
    total = len(data)
    decision = suppression if suppression is not None else decide_suppression(
        antwoorden["buurtcode"], limit)
    limit = decision.limit
    hidden = (set(counts) if decision.total(chosen) is None
              else secondary_suppress(counts, limit)[0])
    part = buurten[buurten["code"].astype(str).isin(chosen)]
    cols = ["leeftijd_15_25", "leeftijd_25_45", "leeftijd_45_65", "leeftijd_65_plus"]
    cbs = float("nan")
    if all(c in part.columns for c in cols):
        numbers = part[cols].apply(pd.to_numeric, errors="coerce")
        if numbers.notna().all().all():
            cbs = _pct(float(numbers["leeftijd_65_plus"].sum()), float(numbers.sum().sum()))
    labels = {g: question.label(g) for g in AGE_GROUPS}
    labels[NO_ANSWER_GROUP] = "Geen leeftijd opgegeven"
    rows = []
    for key in (*AGE_GROUPS, NO_ANSWER_GROUP):
        n = counts[key]
        shown = key not in hidden
        rows.append({
            "Leeftijdsgroep": labels[key],
            "Respondenten": (str(n) if shown else f"<{limit}" if 0 < n < limit
                             else "niet getoond"),
            "Aandeel respondenten": (format_number(_pct(n, total), 0) + " %"
                                     if shown and total else ""),
            "Aandeel inwoners 15+ (CBS)": ("" if key == NO_ANSWER_GROUP else "—" if key != "65_plus"
                                           else "onbekend" if _missing(cbs)
                                           else format_number(cbs, 0) + " %"),
        })
    out = pd.DataFrame(rows, columns=columns)
    known = total - counts[NO_ANSWER_GROUP]
    comparable = (not share_groups_hidden(counts, "65_plus", limit, hidden)
                  and known > 0 and not _missing(cbs))
    out.attrs.update(vergelijking=(_pct(counts["65_plus"], known), cbs) if comparable
                     else None, min_n=limit, verborgen=sorted(hidden))
    return out


# --------------------------------------------------------------------------- page parts
# Each part is a plain view (dicts and lists of texts); all HTML is in the template
# wat-vertellen-bewoners.html.j2, which escapes every value.


def _cell(tekst: Any = "", klasse: str = "", *, vet: bool = False, klein: str = "",
          onder: bool = False, teken: str = "", ontbreekt: bool = False,
          breed: int = 1) -> dict[str, Any]:
    """One table cell for the template.

    ``tekst`` is the value (bold with ``vet``), ``teken`` a mark right after it, ``klein``
    a small note (on the next line with ``onder``), ``ontbreekt`` shows it as missing and
    ``breed`` is the number of columns it spans.
    """
    return {"tekst": "" if tekst is None else str(tekst), "klasse": klasse, "vet": vet,
            "klein": klein, "onder": onder, "teken": teken, "ontbreekt": ontbreekt,
            "breed": breed, "voorbeelden": None}


def _head(tekst: str, klein: str = "") -> dict[str, str]:
    """A column heading, with an optional small unit after it."""
    return {"tekst": tekst, "klein": klein}


def _frame_view(frame: pd.DataFrame, numeric: Sequence[str] = (),
                counts: Sequence[str] = ()) -> dict[str, Any]:
    """A table of text (one cell per value) with the column classes for alignment."""
    classes = ["n" if c in counts else "num" if c in numeric else "" for c in frame.columns]
    return {"klasse": "", "kop": [_head(str(c)) for c in frame.columns],
            "rijen": [[_cell(v, k) for v, k in zip(r, classes, strict=False)]
                      for r in frame.itertuples(index=False)]}


def _part_flags(result: Any) -> dict[str, bool]:
    """Which parts are practice data: extra['oefendata_delen'], else attrs, else the flag."""
    given = dict((getattr(result, "extra", None) or {}).get("oefendata_delen") or {})
    flags = {}
    for part in PARTS:
        frame = getattr(result, part, None)
        if part in given:
            flags[part] = bool(given[part])
        elif isinstance(frame, pd.DataFrame) and "oefendata" in frame.attrs:
            flags[part] = bool(frame.attrs["oefendata"])
        else:
            flags[part] = bool(getattr(result, "oefendata", False))
    return flags


def _has_rows(frame: pd.DataFrame | None) -> bool:
    return frame is not None and isinstance(frame, pd.DataFrame) and len(frame) > 0


def _who_view(result: Any, buurten: pd.DataFrame, codes: list[str], q: Any,
              decision: Suppression, one: bool, stories: pd.DataFrame | None,
              notes: pd.DataFrame | None) -> dict[str, Any]:
    limit = decision.limit
    answers = result.antwoorden if _has_rows(result.antwoorden) else None
    names = _names(buurten)
    view: dict[str, Any] = {"antwoorden": answers is not None, "deelname": "",
                            "aantal": "", "limiet": limit, "tabel": None, "leeftijd": None,
                            "gemist": []}
    missed: list[str] = view["gemist"]
    if answers is not None:
        table = response_table(answers, buurten, codes, suppression=decision)
        total = table.attrs["totaal"]
        if total is not None:
            view.update(deelname="aantal", aantal=format_number(total))
        elif table.attrs["totaal_klein"]:
            view["deelname"] = "te weinig"
        else:
            view["deelname"] = "verborgen"
        view["tabel"] = _frame_view(table.drop(columns="buurtcode"),
                                    numeric=["Inwoners (CBS)", "Respons (% van de inwoners)"],
                                    counts=["Respondenten"])
        low = table.loc[table["Respondenten"].str.startswith("<"), "Buurt"].tolist()
        if low:
            missed.append(f"Te weinig antwoorden (minder dan {limit}) uit: "
                          f"{', '.join(low)}.")
        secondary = table.attrs["verborgen_om_terugrekenen"]
        if secondary:
            missed.append(f"Niet getoond, zodat je een kleine buurt niet kunt "
                          f"terugrekenen: {', '.join(secondary)}.")
        ages = age_table(answers, buurten, codes, q, suppression=decision)
        if total is None and not table.attrs["totaal_klein"]:
            ages = ages.iloc[0:0]  # every age group is hidden: the groups add up to the total
        if len(ages):
            view["leeftijd"] = _frame_view(ages, numeric=["Aandeel respondenten",
                                                          "Aandeel inwoners 15+ (CBS)"],
                                           counts=["Respondenten"])
            pair = ages.attrs["vergelijking"]
            if pair is not None:
                share, cbs = pair
                if abs(share - cbs) > 5:
                    who = "jongere bewoners" if share > cbs else "bewoners van 65 jaar en ouder"
                    missed.append(f"Minder vaak gehoord: {who}. Van wie een leeftijd "
                                  f"opgaf, is {format_number(share, 0)} % 65 jaar of ouder; "
                                  f"bij de inwoners (15+) is dat {format_number(cbs, 0)} %.")
    if stories is not None:
        empty = [names.get(c, c) for c in codes
                 if "buurtcode" in stories and not (stories["buurtcode"].astype(str) == c).any()]
        if empty and not one:
            missed.append(f"Geen verhalen uit: {', '.join(empty)}.")
        elif empty:
            missed.append("Uit deze buurt zijn nog geen verhalen opgehaald.")
    if notes is not None and "buurtcode" in notes:
        empty = [names.get(c, c) for c in codes if not (notes["buurtcode"].astype(str) == c).any()]
        if empty and not one:
            missed.append(f"Geen kaartnotities in: {', '.join(empty)}.")
        elif empty:
            missed.append("In deze buurt zijn nog geen kaartnotities gezet.")
    return view


def _score_cell(row: pd.Series, limit: int, mark: str = "") -> dict[str, Any]:
    from wijklib.vertellen.scores import row_hidden_text

    if bool(row["verborgen"]):
        return _cell(row_hidden_text(row, limit), "num", ontbreekt=True)
    unit = " %" if row["eenheid"] == "%" else ""
    interval = (f"{format_number(row['ondergrens'], 1)}–{format_number(row['bovengrens'], 1)}"
                if not _missing(row["ondergrens"]) else "onbekend")
    return _cell(format_number(row["score"], 1) + unit, "num", vet=True, teken=mark,
                 klein=f"{interval} · n = {int(row['n'])}", onder=True)


def _survey_view(result: Any, buurten: pd.DataFrame, codes: list[str], q: Any,
                 decision: Suppression, one: bool) -> dict[str, Any]:
    from wijklib.vertellen.scores import (
        compare_buurten,
        compare_scales,
        hidden_text,
        scale_scores,
    )

    limit = decision.limit
    view: dict[str, Any] = {"melding": "", "limiet": limit,
                            "verborgen_tekst": hidden_text(limit), "tabel": None,
                            "legenda": ""}
    answers = result.antwoorden
    if not _has_rows(answers):
        view["melding"] = "Er zijn (nog) geen enquêteantwoorden."
        return view
    chosen = buurten[buurten["code"].astype(str).isin(codes)]
    if one:
        scores = scale_scores(answers, q, buurten=chosen, suppression=decision)
        rows = []
        for scale in q.scales:
            part = scores[scores["schaal"] == scale.code].set_index("buurtcode")
            own, area = part.loc[codes[0]], part.loc["totaal"]
            judged = compare_buurten(scores, scale.code).set_index("buurtcode")
            verdict = str(judged.loc[codes[0], "oordeel"]) if codes[0] in judged.index else ""
            rows.append([_cell(f"{scale.label} ({scale.eenheid})"), _score_cell(own, limit),
                         _score_cell(area, limit),
                         _cell(verdict.replace("binnen de onzekerheid",
                                               "verschil valt binnen de onzekerheid"))])
        view["tabel"] = {"klasse": "", "rijen": rows, "kop": [
            _head(h) for h in ("Schaal", "Deze buurt", "Hele gebied (alle antwoorden)",
                               "Verschil met het hele gebied")]}
        return view
    data = answers[answers["buurtcode"].astype(str).isin(codes)]
    if data.empty:
        view["melding"] = "Geen enquêteantwoorden uit dit gebied."
        return view
    scores = scale_scores(data, q, buurten=chosen, suppression=decision)
    marks: dict[tuple[str, str], str] = {}
    # one correction for every mark in the table, not scale by scale
    judged = compare_scales(scores, schalen=[scale.code for scale in q.scales])
    for r in judged.itertuples():
        marks[(str(r.buurtcode), str(r.schaal))] = {"gunstiger": " ▲", "ongunstiger": " ▼",
                                                    "hoger": " ↑", "lager": " ↓"}.get(
            r.oordeel, "")
    keys = list(dict.fromkeys(scores["buurtcode"].astype(str)))
    rows = []
    for key in keys:
        part = scores[scores["buurtcode"].astype(str) == key].set_index("schaal")
        first = _cell(str(part["buurtnaam"].iloc[0]), vet=key == "totaal")
        if part["verborgen"].astype(bool).all():
            why = ("verborgen om terugrekenen te voorkomen"
                   if (part["reden"] == REASON_SECONDARY).all()
                   else f"{hidden_text(limit)}: niet getoond")
            rows.append([first, _cell(why, "missing", breed=len(q.scales))])
            continue
        rows.append([first] + [_score_cell(part.loc[s.code], limit, marks.get((key, s.code), ""))
                               for s in q.scales])
    view["tabel"] = {"klasse": "wide", "rijen": rows,
                     "kop": [_head("Buurt")] + [_head(s.label, f"({s.eenheid})")
                                                for s in q.scales]}
    view["legenda"] = str(judged.attrs["correctie"])
    return view


def _notes_view(notes: pd.DataFrame | None, codes: list[str], names: dict[str, str],
                one: bool) -> dict[str, Any] | None:
    from wijklib.vertellen.kaartnotities import CATEGORIES

    if notes is None or "categorie" not in notes.columns:
        return None
    keys = list(CATEGORIES)
    labels = [CATEGORIES[k].label for k in keys]

    def counted(part: pd.Series, bold: bool = False) -> list[dict[str, Any]]:
        counts = part.value_counts()
        return ([_cell(format_number(int(counts.get(k, 0))), "num") for k in keys]
                + [_cell(format_number(len(part)), "num", vet=bold)])

    if one or "buurtcode" not in notes.columns:
        return {"klasse": "", "kop": [_head(x) for x in [*labels, "Totaal"]],
                "rijen": [counted(notes["categorie"].astype(str))]}
    rows = [[_cell(names.get(code, code))]
            + counted(notes[notes["buurtcode"].astype(str) == code]["categorie"].astype(str))
            for code in codes]
    if _unplaced(notes).any():
        rows.append([_cell("Zonder buurt (hele gebied)")]
                    + counted(notes[_unplaced(notes)]["categorie"].astype(str)))
    rows.append([_cell("Hele gebied", vet=True)]
                + counted(notes["categorie"].astype(str), bold=True))
    return {"klasse": "", "kop": [_head(x) for x in ["Buurt", *labels, "Totaal"]],
            "rijen": rows}


def _examples(notes: pd.DataFrame | None, schouw: pd.DataFrame | None,
              categories: Sequence[str], kind: str,
              limit: int = 5) -> tuple[int, list[dict[str, str]]]:
    items: list[dict[str, str]] = []
    total = 0
    if notes is not None and {"categorie", "tekst"} <= set(notes.columns):
        part = notes[notes["categorie"].astype(str).isin(categories)]
        total += len(part)
        for r in part.head(3).itertuples():
            text = "" if _missing(r.tekst) else str(r.tekst)
            items.append({"tekst": text, "bron": f"kaartnotitie: {r.categorie}"})
    if schouw is not None and {"soort", "waarneming"} <= set(schouw.columns):
        part = schouw[schouw["soort"].astype(str) == kind]
        total += len(part)
        for r in part.head(limit - len(items)).itertuples():
            place = "" if _missing(getattr(r, "plek", None)) else f"{r.plek}: "
            items.append({"tekst": f"{place}{r.waarneming}", "bron": "wijkschouw"})
    return total, items[:limit]


def _chances_view(notes: pd.DataFrame | None,
                  schouw: pd.DataFrame | None) -> list[dict[str, Any]]:
    columns = []
    for title, cats, kind in (("Kansen", POSITIVE, "kans"),
                              ("Knelpunten en bedreigingen", NEGATIVE, "knelpunt")):
        total, items = _examples(notes, schouw, cats, kind)
        columns.append({"titel": title, "aantal": str(total), "punten": items})
    return columns


def _themes_view(stories: pd.DataFrame | None, codes: list[str], one: bool,
                 max_themes: int, quotes: int, seed: int,
                 elsewhere: bool = False) -> dict[str, Any]:
    from wijklib.vertellen.themas import count_themes, load_themes, pick_quotes

    view: dict[str, Any] = {"melding": "", "themas": [], "noot": ""}
    if (stories is None or stories.empty) and elsewhere:
        view["melding"] = ("Er zijn nog geen verhalen uit dit gebied (wel uit andere "
                           "buurten of zonder buurtcode).")
        return view
    if stories is None or stories.empty or "besluit" not in stories.columns:
        view["melding"] = ("Er zijn (nog) geen verhalen waarvan een persoon de thema's heeft "
                           "bevestigd.")
        return view
    try:
        counts = count_themes(stories, by=None)
    except WijklibError:
        view["melding"] = "Er zijn (nog) geen verhalen bekeken."
        return view
    labels = dict(zip(load_themes()["thema"], load_themes()["label"], strict=False))
    counts = counts[counts["aantal"].fillna(0) > 0].sort_values(
        ["aantal", "thema"], ascending=[False, True]).head(max_themes)
    if counts.empty:
        view["melding"] = "Nog geen bevestigde thema's."
        return view
    for r in counts.itertuples():
        picked = pick_quotes(stories, r.thema, codes[0] if one else None, k=quotes, seed=seed)
        view["themas"].append({
            "label": str(labels.get(r.thema, r.thema)), "aantal": str(r.aantal),
            "verhalen": str(r.verhalen),
            "citaten": [{"tekst": str(x.verhaal),
                         "bron": "" if _missing(x.bron_type) else str(x.bron_type)}
                        for x in picked.itertuples()]})
    open_ = int(counts.attrs.get("niet_bekeken", 0) or 0)
    note = ("Alleen thema's die een persoon heeft bevestigd tellen mee. Verhalen zijn geen "
            "steekproef: ze laten zien wat mensen inbrachten, niet hoeveel bewoners er zo "
            "over denken.")
    if open_:
        note += f" {open_} verhalen zijn nog niet bekeken en tellen niet mee."
    view["noot"] = note
    return view


def _assets_view(assets: pd.DataFrame | None) -> dict[str, Any] | None:
    from wijklib.vertellen.krachten import ASSET_KINDS

    if assets is None or assets.empty or "soort" not in assets.columns:
        return None
    rows = []
    for kind in ASSET_KINDS:
        part = assets[assets["soort"].astype(str) == kind]
        examples = _cell()
        examples["voorbeelden"] = [
            {"tekst": str(r.naam_of_omschrijving),
             "kort": "" if _missing(getattr(r, "kort", None)) else str(r.kort)}
            for r in part.head(3).itertuples()]
        rows.append([_cell(_ASSET_LABELS.get(kind, kind)), _cell(len(part), "num"), examples])
    return {"klasse": "", "kop": [_head(h) for h in ("Soort", "Aantal", "Voorbeelden")],
            "rijen": rows}


def _sources(result: Any, buurten: pd.DataFrame, flags: dict[str, bool],
             stories: pd.DataFrame | None, notes: pd.DataFrame | None,
             limit: int) -> list[str]:
    lines = []
    label = " (oefendata, verzonnen)"
    answers = result.antwoorden
    if _has_rows(answers):
        extra = getattr(result, "extra", {}) or {}
        origin = extra.get("enquete_bron")
        origin = FORMAT_NAMES.get(str(origin), origin)
        count = (f"{format_number(len(answers))} respondenten" if len(answers) >= limit
                 else f"minder dan {limit} respondenten")
        lines.append(f"Bewonersenquête: {count} in het hele "
                     f"gebied{', ingelezen uit ' + str(origin) if origin else ''}"
                     f"{label if flags['antwoorden'] else ''}.")
    if notes is not None and len(notes):
        kinds = (sorted({str(b) for b in notes["bron"].dropna()})
                 if "bron" in notes.columns else [])
        lines.append(f"Kaartnotities: {len(notes)} in dit gebied"
                     f"{' (' + ', '.join(kinds[:4]) + ')' if kinds else ''}"
                     f"{label if flags['kaartnotities'] else ''}.")
    if stories is not None and len(stories):
        n = stories["verhaal_nr"].nunique() if "verhaal_nr" in stories else len(stories)
        kinds = (sorted({str(b) for b in stories["bron_type"].dropna()})
                 if "bron_type" in stories.columns else [])
        lines.append(f"Verhalen: {n} in dit gebied"
                     f"{' (' + ', '.join(kinds) + ')' if kinds else ''}"
                     f"{label if flags['verhalen'] else ''}.")
    for part, name in (("krachten", "Krachten van de buurt"), ("wijkschouw", "Wijkschouw")):
        frame = getattr(result, part, None)
        if _has_rows(frame):
            lines.append(f"{name}: {len(frame)} regels{label if flags[part] else ''}.")
    info = provenance.entry(buurten, "inwoners") or {}
    table, year = info.get("table_id") or buurten.attrs.get("table_id"), \
        info.get("year") or buurten.attrs.get("year")
    if table or year:
        lines.append(f"Inwoners en leeftijd: CBS, Kerncijfers wijken en buurten {year or ''} "
                     f"(tabel {table or 'onbekend'}), CC BY 4.0.")
    return lines


# --------------------------------------------------------------------------- the page


def document(
    result: Any,
    buurten: pd.DataFrame,
    gebied: str | Sequence[str] | None = None,
    *,
    naam: str | None = None,
    questionnaire: Any = None,
    min_n: int | None = None,
    gemeente: str | None = None,
    max_themes: int = 4,
    quotes: int = 3,
    seed: int = 2026,
    made_on: date | None = None,
) -> dict[str, Any]:
    """The values of the page "Wat vertellen bewoners?", as plain texts, lists and dicts.

    The template ``wat-vertellen-bewoners.html.j2`` turns them into HTML (one block per
    section) and escapes every value.

    Parameters
    ----------
    result : wijklib.notebook.resultaten.Vertellen
        What residents said: ``antwoorden`` (survey), ``kaartnotities`` (with
        ``buurtcode``, see :func:`wijklib.vertellen.kaartnotities.assign_buurt`), ``verhalen``
        (coded with :func:`wijklib.vertellen.themas.confirm_themes`), ``krachten``,
        ``wijkschouw`` and the participant's ``reflectie`` (shown under its own heading).
        Practice parts are labelled: from ``result.extra["oefendata_delen"]`` (a dict part
        -> bool), else the tables' ``attrs["oefendata"]``, else ``result.oefendata``.
    buurten : DataFrame
        :func:`wijklib.kerncijfers` at buurt level (names, inhabitants and age groups).
    gebied : str or list of str, optional
        A buurt (code or name): a page for that buurt, compared with all answers. A wijk
        code (``"WK034403"``) or a list of buurtcodes: one row per buurt. Default: every
        buurt of ``buurten``.
    naam : str, optional
        Name of the area in the title (default the buurt's name, or the wijk code).
    questionnaire : Questionnaire, optional
        The questionnaire of the answers (default :func:`wijklib.vertellen.survey.vragenlijst`).
    min_n : int, optional
        Minimum group size (default :func:`wijklib.guarantees.privacy.min_group_size`).
    gemeente : str, optional
        Name of the gemeente (default ``result.gemeente``).
    max_themes, quotes : int
        At most this many themes, each with this many quotes.
    seed : int
        For picking quotes (same seed, same quotes).
    made_on : datetime.date, optional
        Date printed on the page (default today).

    Returns
    -------
    dict
        ``titel``, ``oefendata`` (bool), ``oefendelen`` (the practice parts, texts),
        ``gebied`` (``soort``, ``naam``, ``code`` or ``aantal`` buurten, ``gemeente``),
        ``gemaakt`` (dd-mm-jjjj), one entry per section (``wie``, ``enquete``,
        ``kaartnotities``, ``kansen_knelpunten``, ``themas``, ``krachten``; tables are
        dicts with ``klasse``, ``kop`` (headings: ``tekst``, ``klein``) and ``rijen``
        (cells: ``tekst``, ``klasse``, ``vet``, ``klein``, ``onder``, ``teken``,
        ``ontbreekt``, ``breed``, ``voorbeelden``)), ``reflectie`` (the participant's
        reflection as paragraphs, each a list of lines) and ``bronnen`` (texts).
    """
    from wijklib.vertellen.survey import vragenlijst

    limit = min_group_size(min_n)
    codes, title_name, one = _select(buurten, gebied, naam)
    q = questionnaire if questionnaire is not None else vragenlijst()
    names = _names(buurten)
    flags = _part_flags(result)
    whole = gebied is None
    notes = _in(result.kaartnotities if _has_rows(result.kaartnotities) else None, codes,
                whole)
    stories = _in(result.verhalen if _has_rows(result.verhalen) else None, codes, whole)
    assets = _in(result.krachten if _has_rows(getattr(result, "krachten", None)) else None,
                 codes, whole)
    schouw = _in(result.wijkschouw if _has_rows(getattr(result, "wijkschouw", None))
                 else None, codes, whole)
    practice = [PARTS[p] for p, f in flags.items() if f and _has_rows(getattr(result, p, None))]
    made = made_on or date.today()
    answers = result.antwoorden if _has_rows(result.antwoorden) else None
    decision = decide_suppression(answers["buurtcode"] if answers is not None else {}, limit)
    reflection = getattr(result, "reflectie", "")
    return {
        "titel": f"Wat vertellen bewoners? {title_name}",
        "oefendata": bool(practice),
        "oefendelen": practice,
        "gebied": {"soort": "Buurt" if one else "Gebied", "naam": title_name,
                   "code": codes[0] if one else "", "aantal": str(len(codes)),
                   "gemeente": gemeente or getattr(result, "gemeente", "") or ""},
        "gemaakt": made.strftime("%d-%m-%Y"),
        "wie": _who_view(result, buurten, codes, q, decision, one, stories, notes),
        "enquete": _survey_view(result, buurten, codes, q, decision, one),
        "kaartnotities": _notes_view(notes, codes, names, one),
        "kansen_knelpunten": _chances_view(notes, schouw),
        "themas": _themes_view(stories, codes, one, max_themes, quotes, seed,
                               _has_rows(result.verhalen)),
        "krachten": _assets_view(assets),
        "reflectie": paragraphs(reflection if isinstance(reflection, str) else ""),
        "bronnen": _sources(result, buurten, flags, stories, notes, limit),
    }


def summary_html(result: Any, buurten: pd.DataFrame,
                 gebied: str | Sequence[str] | None = None, **options: Any) -> str:
    """Build the printable page "Wat vertellen bewoners?" for one buurt or a wijk.

    Parameters
    ----------
    result, buurten, gebied
        See :func:`document`.
    **options
        The keyword arguments of :func:`document` (``naam``, ``questionnaire``,
        ``min_n``, ``gemeente``, ``max_themes``, ``quotes``, ``seed``, ``made_on``).

    Returns
    -------
    str
        A complete HTML document from the template ``wat-vertellen-bewoners.html.j2``
        (values from :func:`document`). Sections have the ids of :data:`SECTIONS` (and
        ``reflectie`` when there is one); a practice label has the id ``oefendata``.
    """
    return render("wat-vertellen-bewoners.html.j2", **document(result, buurten, gebied,
                                                                **options))
