"""Read survey responses from KoBoToolbox, MS Forms, Google Forms, LimeSurvey or a CSV.

:func:`read_responses` reads a CSV (``,`` ``;`` or tab; UTF-8, UTF-8 with BOM, UTF-16
or Windows-1252) or an Excel ``.xlsx`` export, recognises the tool by its column names,
maps the columns onto the questions of a :class:`~wijklib.vertellen.survey.Questionnaire` (by
code or by question text) and checks every cell.

Nothing is dropped or changed silently:

* every problem (unknown answer, value out of range, missing or unknown buurt or
  postcode, duplicate respondent, missing column, unreadable file) becomes a row of the
  validation report, with the row number as Excel shows it (the header is row 1, the
  first answer row 2);
* by default any problem raises :class:`SurveyImportError`, whose ``.report`` holds the
  whole table; with ``skip_problem_rows=True`` the rows with a problem are left out and
  listed in ``result.skipped`` (problems with the file itself, such as a missing
  column, always raise);
* columns that may hold personal data (e-mail, name, IP address, user name, …) are never
  read into the result; they are listed in ``result.ignored_columns``, like every other
  column that was not used.

Empty rows are passed over (they hold nothing). A postcode written with its letters
(``3581 AB``) is read as its 4 digits; the letters are not kept.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from wijklib.errors import WijklibError
from wijklib.guarantees import reading
from wijklib.guarantees.rendering import escape
from wijklib.vertellen.survey import (
    UNKNOWN_BUURT,
    Question,
    Questionnaire,
    buurt_choices,
    normalise,
    parse_number,
    squash,
)

#: Values of :attr:`SurveyImport.source_format`.
FORMATS = ("kobo", "msforms", "google", "limesurvey", "csv")
#: How the formats are called in messages.
FORMAT_NAMES = {
    "kobo": "KoBoToolbox",
    "msforms": "Microsoft Forms",
    "google": "Google Forms",
    "limesurvey": "LimeSurvey",
    "csv": "een eigen CSV- of Excel-bestand",
}
#: Columns of the validation report.
REPORT_COLUMNS = ("rij", "kolom", "waarde", "probleem", "wat_te_doen")
#: What the row numbers in the report mean.
ROW_NOTE = "rijnummer zoals in Excel: de kopregel is rij 1, het eerste antwoord rij 2"


def _row_note(header_row: int) -> str:
    if header_row == 1:
        return ROW_NOTE
    return f"rijnummer zoals in Excel: de kopregel is rij {header_row}"

# Columns that may hold personal data are never read: see
# wijklib.guarantees.privacy.is_personal_column (one list for every import).
# Technical columns of the tools (compared in lower case): not needed, not personal.
TECHNICAL_COLUMNS = frozenset(
    {
        "respondent", "respondent_id", "respondentnummer", "id", "_id", "_uuid", "uuid",
        "_index", "index", "_submission_time", "_validation_status", "_status", "_notes",
        "_tags", "__version__", "_version_", "_xform_id_string", "_attachments",
        "_geolocation", "_duration", "meta/instanceid", "meta/instancename",
        "meta/deprecatedid", "meta/rootuuid", "formhub/uuid", "instanceid", "start", "end",
        "today", "start time", "completion time", "last modified time", "begintijd",
        "tijd van voltooien", "voltooiingstijd", "tijdstip van laatste wijziging",
        "laatst gewijzigd", "timestamp", "tijdstempel", "submitdate", "lastpage",
        "startlanguage", "seed", "startdate", "datestamp", "refurl", "date submitted",
        "last page", "start language", "date started", "date last action", "response id",
        "referrer url", "score", "total score", "punten", "totaalscore", "interviewtime",
    }
)
# Respondent id columns, best first (lower case).
ID_COLUMNS = (
    "respondent", "respondent_id", "respondentnummer", "_uuid", "meta/instanceid",
    "instanceid", "response id", "id", "_id",
)
# Answers that mean "no answer" when the question has a "don't know" code.
NO_ANSWER_WORDS = frozenset(
    {
        "weet niet", "weet ik niet", "geen mening", "nvt", "n v t", "niet van toepassing",
        "geen antwoord", "n a", "na", "don t know", "dont know",
    }
)
# Buurt answers that mean "I don't know my buurt" (then the postcode is used).
UNKNOWN_BUURT_WORDS = frozenset({UNKNOWN_BUURT, "weet ik niet", "weet niet", "anders"})

_LIME_RE = re.compile(r"^\s*([^\[\]]+)\[([^\[\]]+)\]\s*$")
_POSTCODE_RE = re.compile(r"^([1-9][0-9]{3})\s*([A-Za-z]{2})?$")


# --------------------------------------------------------------------------- errors


def _empty_report() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype="str") for c in REPORT_COLUMNS})
    frame["rij"] = pd.Series(dtype="Int64")
    frame.attrs["rij"] = ROW_NOTE
    return frame


def _report(problems: list[dict[str, Any]], header_row: int = 1) -> pd.DataFrame:
    if not problems:
        return _empty_report()
    frame = pd.DataFrame(problems, columns=list(REPORT_COLUMNS))
    frame["rij"] = pd.array(frame["rij"].tolist(), dtype="Int64")
    for column in REPORT_COLUMNS[1:]:
        frame[column] = frame[column].fillna("").astype("str")
    frame = frame.sort_values("rij", kind="stable", na_position="first").reset_index(drop=True)
    frame.attrs["rij"] = _row_note(header_row)
    return frame


def _count(n: int, verb: str, one: str, many: str) -> str:
    """``"is 1 probleem"`` / ``"zijn 3 problemen"`` (verb "is" becomes "zijn" for many)."""
    verb = verb.replace("is", "zijn", 1) if n != 1 and verb.startswith("is") else verb
    return f"{verb} {n} {one if n == 1 else many}"


class SurveyImportError(WijklibError, ValueError):
    """The responses could not be read without problems.

    Attributes
    ----------
    report : DataFrame
        Every problem: ``rij`` (row as Excel shows it: the header is row 1), ``kolom``,
        ``waarde``, ``probleem``, ``wat_te_doen``.
    fatal : bool
        True when the file itself is the problem (unreadable, a column missing): then
        ``skip_problem_rows=True`` does not help.
    """

    def __init__(self, report: pd.DataFrame, fatal: bool = False) -> None:
        self.report = report
        self.fatal = fatal
        n = len(report)
        rows = report["rij"].dropna()
        first = report.iloc[0] if n else None
        if first is not None:
            where = f"rij {first['rij']}, " if pd.notna(first["rij"]) else ""
            where += f"kolom '{first['kolom']}': " if first["kolom"] else ""
            example = f"{where}{first['probleem']}. {first['wat_te_doen']}"
        else:  # pragma: no cover - never raised without problems
            example = ""
        if fatal:
            text = f"Het bestand kan niet worden ingelezen. {example}"
            if n > 1:
                text += f" Er {_count(n - 1, 'is nog', 'ander probleem', 'andere problemen')}" \
                        ": zie fout.report."
        else:
            text = (
                f"Er {_count(n, 'is', 'probleem', 'problemen')} gevonden in "
                f"{_count(rows.nunique(), '', 'rij', 'rijen').strip()}. De eerste: "
                f"{example} Alle problemen staan in de tabel fout.report "
                f"({report.attrs.get('rij', ROW_NOTE)}). "
                "Verbeter het bestand en lees het opnieuw in. Of lees het in met "
                "skip_problem_rows=True: dan worden de rijen met een probleem overgeslagen "
                "(ze staan daarna in .skipped)."
            )
        super().__init__(text)


def _fatal(kolom: str, waarde: str, probleem: str, wat: str, rij: int | None = None):
    return SurveyImportError(
        _report([{"rij": rij, "kolom": kolom, "waarde": waarde, "probleem": probleem,
                  "wat_te_doen": wat}]),
        fatal=True,
    )


# --------------------------------------------------------------------------- reading files


def read_table(source: Any) -> reading.Table:
    """Header and rows (all text) of a CSV or ``.xlsx`` file.

    The one reader of participants' files, :func:`wijklib.guarantees.reading.read_table`,
    with its errors as a :class:`SurveyImportError` (``fatal=True``).

    Returns
    -------
    wijklib.guarantees.reading.Table
        ``header``, ``rows`` (``rows[i]`` is row ``header_row + 1 + i`` in Excel),
        ``kind``, ``header_row`` and ``problems`` (report entries).
    """
    try:
        return reading.read_table(source)
    except reading.FileReadError as err:
        raise SurveyImportError(_report(err.entries), fatal=True) from None


# --------------------------------------------------------------------------- format and columns


def detect_format(header: list[str]) -> str:
    """Which tool made the export: ``kobo``, ``msforms``, ``google``, ``limesurvey`` or ``csv``."""
    keys = {h.strip().casefold() for h in header}
    kobo = {"_uuid", "_submission_time", "_index", "_id", "_validation_status",
            "_submitted_by", "meta/instanceid"}
    if keys & kobo or any(k.startswith("meta/") for k in keys):
        return "kobo"
    if keys & {"submitdate", "lastpage", "startlanguage"} or len(
        keys & {"response id", "date submitted", "last page", "start language"}
    ) >= 2:
        return "limesurvey"
    if {"start time", "completion time"} <= keys or (
        "begintijd" in keys and keys & {"tijd van voltooien", "voltooiingstijd"}
    ):
        return "msforms"
    first = header[0].strip().casefold() if header else ""
    if first in {"timestamp", "tijdstempel", "marca temporal", "horodateur", "zeitstempel"}:
        return "google"
    return "csv"


def _candidates(header: str) -> list[str]:
    """Ways a header may name a question code: as is, after a group prefix, LimeSurvey."""
    out = [header]
    if "/" in header:
        out.append(header.rsplit("/", 1)[1])
    match = _LIME_RE.match(header)
    if match:
        prefix, sub = match.group(1).strip(), match.group(2).strip()
        out += [sub, f"{prefix}_{sub}", prefix + sub]
    return out


@dataclass
class _Plan:
    mapping: dict[int, str] = field(default_factory=dict)  # column index -> question code
    ignored: dict[str, str] = field(default_factory=dict)
    id_column: int | None = None
    problems: list[dict[str, Any]] = field(default_factory=list)


def _plan_columns(header: list[str], q: Questionnaire, header_row: int = 1) -> _Plan:
    from wijklib.guarantees.privacy import is_personal_column

    plan = _Plan()
    code_index = {squash(question.code): question.code for question in q.questions}
    text_index = {normalise(question.tekst): question.code for question in q.questions}
    unknown: list[str] = []
    for i, name in enumerate(header):
        key = name.strip().casefold()
        norm = normalise(name)
        code = next((code_index[squash(c)] for c in _candidates(name)
                     if squash(c) in code_index), None)
        if code is None and is_personal_column(name):
            plan.ignored[name] = "persoonsgegevens: niet overgenomen"
            continue
        if code is None:
            for c in (name, name.rsplit("/", 1)[-1]):
                if normalise(c) in text_index:
                    code = text_index[normalise(c)]
                    break
        if code is None and key not in TECHNICAL_COLUMNS:
            hits = {c for text, c in text_index.items() if len(text) >= 15 and text in norm}
            if len(hits) == 1:
                code = hits.pop()
        if code is not None:
            if code in plan.mapping.values():
                other = next(header[j] for j, c in plan.mapping.items() if c == code)
                plan.problems.append({
                    "rij": header_row, "kolom": name, "waarde": "",
                    "probleem": f"deze kolom en kolom '{other}' horen allebei bij vraag '{code}'",
                    "wat_te_doen": "Verwijder of hernoem een van de twee kolommen.",
                })
            plan.mapping[i] = code
            continue
        if key in TECHNICAL_COLUMNS or key.startswith(("meta/", "formhub/")):
            plan.ignored[name] = "technische kolom (nummer, tijd of status): niet nodig"
            continue
        plan.ignored[name] = "hoort bij geen vraag uit de vragenlijst: niet overgenomen"
        unknown.append(name)
    keys = [h.strip().casefold() for h in header]
    for id_name in ID_COLUMNS:
        if id_name in keys and keys.index(id_name) not in plan.mapping:
            plan.id_column = keys.index(id_name)
            plan.ignored.pop(header[plan.id_column], None)
            break
    mapped = set(plan.mapping.values())
    place = [question for question in q.questions if question.soort in ("buurt", "postcode")]
    if place and not mapped & {question.code for question in place}:
        names = " of ".join(f"'{question.code}'" for question in place)
        plan.problems.append({
            "rij": header_row, "kolom": names, "waarde": "",
            "probleem": "er is geen kolom met de buurt (of de postcode)",
            "wat_te_doen": (
                "Geef de kolom met de buurt de naam " + names + ", of de vraagtekst uit de "
                "vragenlijst. Zonder buurt kunnen de antwoorden niet worden gebruikt."
            ),
        })
    for question in q.items:
        if question.code in mapped:
            continue
        close = difflib.get_close_matches(
            normalise(question.tekst), [normalise(u) for u in unknown], n=1, cutoff=0.6
        ) or difflib.get_close_matches(question.code, unknown, n=1, cutoff=0.6)
        hint = ""
        if close:
            original = next(u for u in unknown if normalise(u) == close[0] or u == close[0])
            hint = f" Is het misschien kolom '{original}'? Geef die dan de naam '{question.code}'."
        plan.problems.append({
            "rij": header_row, "kolom": question.code, "waarde": "",
            "probleem": f"de kolom voor vraag '{question.code}' ontbreekt",
            "wat_te_doen": (
                "Gebruik dezelfde vragenlijst als bij het maken van het formulier "
                "(vragenlijst('jouw_vragenlijst.csv')), of voeg de kolom toe." + hint
            ),
        })
    return plan


# --------------------------------------------------------------------------- values


class _Answers:
    """Recognises the answers of one question: codes, labels and numbers."""

    def __init__(self, question: Question) -> None:
        self.question = question
        self.lookup: dict[str, str] = {}
        for code, label in question.antwoorden:
            for key in (squash(code), normalise(label), squash(label)):
                self.lookup.setdefault(key, code)
        self.no_answer = question.no_answer_codes[0] if question.no_answer_codes else None
        self.values = question.values
        self.by_value = {v: c for c, v in self.values.items()}

    def _options(self) -> str:
        labels = " / ".join(label for _, label in self.question.antwoorden)
        codes = ", ".join(code for code, _ in self.question.antwoorden)
        return f"{labels} (of de codes {codes})"

    def parse(self, raw: str) -> tuple[Any, tuple[str, str] | None]:
        """The value (float, str or NaN) and a problem ``(probleem, wat_te_doen)`` or None."""
        q = self.question
        text = raw.strip()
        if not text:
            return (np.nan if q.soort in ("schaal", "getal") else None), None
        if q.soort == "tekst":
            return text, None
        code = self.lookup.get(text)
        if code is None:
            # labels may differ in case, accents and punctuation ("Helemaal mee eens!",
            # "18-34" for 18_34); a number may not: "-1", "(4)" or "1 0" never become
            # 1, 4 or 10
            loose = self.lookup.get(squash(text)) or self.lookup.get(normalise(text))
            if loose is not None and (any(ch.isalpha() for ch in text) or (
                    text[0] not in "+-(" and _DIGITS.findall(text) == _DIGITS.findall(loose))):
                code = loose
        if q.soort == "keuze":
            if code is not None:
                return code, None
            return None, ("onbekend antwoord", f"Kies een van de antwoorden: {self._options()}. "
                          "Geen antwoord? Maak de cel leeg.")
        number = parse_number(text)
        if code is None and number is not None and q.soort == "schaal":
            code = self.by_value.get(number)
        if code is not None and code in self.values:
            return self.values[code], None
        if code is not None or (self.no_answer and normalise(text) in NO_ANSWER_WORDS):
            return np.nan, None
        low, high = q.min, q.max
        bounds = f"van {_num(low)} tot en met {_num(high)}"
        if number is not None and (number < low or number > high):
            return np.nan, ("waarde buiten het bereik", f"Een antwoord moet {bounds} zijn. "
                            "Verbeter het getal, of maak de cel leeg als het antwoord niet "
                            "bekend is.")
        if number is not None and q.soort == "getal":
            return number, None
        if q.soort == "getal":
            extra = f" of {self._options()}" if q.antwoorden else ""
            return np.nan, ("onbekend antwoord", f"Vul een getal in {bounds}{extra}. "
                            "Geen antwoord? Maak de cel leeg.")
        return np.nan, ("onbekend antwoord", f"Kies een van de antwoorden: {self._options()}. "
                        "Is het een tikfout? Verbeter de cel. Geen antwoord? Maak de cel leeg.")


_DIGITS = re.compile(r"\d+")


def _num(value: float | None) -> str:
    if value is None:
        return "?"
    return str(int(value)) if float(value).is_integer() else str(value).replace(".", ",")


class _Buurten:
    """Recognises a buurt by code, name or form label."""

    def __init__(self, buurten: pd.DataFrame) -> None:
        choices = buurt_choices(buurten)
        self.names = {code: label for code, label in choices}
        frame = buurten[["code", "naam"]].dropna(subset=["code"]).astype(str)
        self.plain_names = dict(zip(frame["code"].str.strip(), frame["naam"].str.strip(),
                                    strict=True))
        self.lookup: dict[str, str | None] = {}
        counts: dict[str, int] = {}
        for naam in self.plain_names.values():
            counts[normalise(naam)] = counts.get(normalise(naam), 0) + 1
        for code, label in choices:
            self.lookup[squash(code)] = code
            self.lookup[normalise(label)] = code
            naam = self.plain_names.get(code, "")
            key = normalise(naam)
            if counts.get(key, 0) > 1:
                self.lookup[key] = None  # ambiguous name
            elif key:
                self.lookup[key] = code

    def find(self, text: str) -> tuple[str | None, tuple[str, str] | None]:
        for key in (squash(text), normalise(text)):
            if key in self.lookup:
                code = self.lookup[key]
                if code is None:
                    return None, ("buurtnaam komt vaker voor", "Er zijn meer buurten met deze "
                                  "naam. Gebruik de buurtcode (zoals BU03440111).")
                return code, None
        close = difflib.get_close_matches(
            normalise(text), [normalise(v) for v in self.names.values()], n=1, cutoff=0.75
        )
        hint = ""
        if close:
            label = next(v for v in self.names.values() if normalise(v) == close[0])
            hint = f" Bedoel je '{label}'?"
        return None, ("onbekende buurt", "Gebruik de naam of code van een buurt uit de lijst "
                      f"van deze gemeente.{hint}")


# --------------------------------------------------------------------------- result


@dataclass
class SurveyImport:
    """Responses read by :func:`read_responses`.

    Attributes
    ----------
    data : DataFrame
        One row per respondent: ``respondent``, ``buurtcode``, ``buurtnaam``, the
        ``keuze``/``tekst`` questions as text, then every scale question as a number
        (NaN for no answer or "weet niet").
    report : DataFrame
        The problems found (empty when there were none); see :data:`REPORT_COLUMNS`. Also
        every open answer (``tekst``) in which personal data (e-mail, phone number,
        postcode, address, "mevrouw + name") were replaced by ``[weggehaald]``
        (``probleem`` starts with "persoonsgegevens weggehaald"); those rows are kept.
    ignored_columns : dict
        Column name -> why it was not read (personal data, technical, unknown).
    source_format : str
        ``kobo``, ``msforms``, ``google``, ``limesurvey`` or ``csv``.
    skipped : DataFrame
        Rows left out with ``skip_problem_rows=True``: ``rij``, ``respondent``,
        ``problemen``.
    columns : dict
        Column name in the file -> question code.
    notes : list of str
        What the reader noticed in the file that did not stop the import (short rows,
        formula cells without a result, a file with only a header); also in ``report``.
    """

    data: pd.DataFrame
    report: pd.DataFrame
    ignored_columns: dict[str, str]
    source_format: str
    skipped: pd.DataFrame
    columns: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def masked(self) -> int:
        """Number of open answers in which personal data were replaced by [weggehaald]."""
        if not len(self.report):
            return 0
        return int(self.report["probleem"].str.startswith("persoonsgegevens weggehaald").sum())

    @property
    def personal_columns(self) -> list[str]:
        """Columns not read because they may hold personal data."""
        return [c for c, why in self.ignored_columns.items() if why.startswith("persoons")]

    def summary(self) -> str:
        """A few Dutch sentences on what was read."""
        n = len(self.data)
        buurten = self.data["buurtcode"].nunique() if n else 0
        lines = [
            f"Ingelezen uit {FORMAT_NAMES.get(self.source_format, self.source_format)}: "
            f"{n} respondenten in {buurten} buurten."
        ]
        if self.personal_columns:
            lines.append("Niet overgenomen omdat er persoonsgegevens in kunnen staan: "
                         + ", ".join(self.personal_columns) + ".")
        other = [c for c in self.ignored_columns if c not in self.personal_columns]
        if other:
            lines.append("Ook niet gebruikt (zie .ignored_columns): " + ", ".join(other) + ".")
        if len(self.skipped):
            lines.append(f"Overgeslagen: {len(self.skipped)} rijen met een probleem "
                         "(zie .skipped en .report).")
        elif self.notes:
            lines.append(f"Let op: {self.notes[0]}" + (
                f" (en {len(self.notes) - 1} andere meldingen)" if len(self.notes) > 1
                else "") + " (zie .report).")
        else:
            lines.append("Er zijn geen problemen gevonden." if not self.masked else "")
        if self.masked:
            lines.append(f"In {self.masked} open antwoorden zijn persoonsgegevens (zoals een "
                         "e-mailadres of telefoonnummer) vervangen door [weggehaald] "
                         "(zie .report).")
        return " ".join(line for line in lines if line)

    def __repr__(self) -> str:
        return f"SurveyImport({self.summary()})"

    def _repr_html_(self) -> str:
        parts = [
            '<div style="font-family:sans-serif">',
            f"<p><strong>Antwoorden ingelezen.</strong> {escape(self.summary())}</p>",
        ]
        if len(self.skipped):
            parts.append("<p>Overgeslagen rijen:</p>")
            parts.append(self.skipped.to_html(index=False, escape=True))
        parts.append("<p>De eerste rijen:</p>")
        parts.append(self.data.head().to_html(index=False, escape=True, na_rep=""))
        parts.append("</div>")
        return "\n".join(parts)


def _empty_data(q: Questionnaire) -> pd.DataFrame:
    columns = q.data_columns()
    item_codes = {question.code for question in q.items}
    return pd.DataFrame(
        {c: pd.Series(dtype="float64" if c in item_codes else "str") for c in columns}
    )


def _frame(records: list[dict[str, Any]], q: Questionnaire) -> pd.DataFrame:
    if not records:
        return _empty_data(q)
    frame = pd.DataFrame.from_records(records, columns=q.data_columns())
    for question in q.items:
        frame[question.code] = frame[question.code].astype("float64")
    for column in ["respondent", "buurtcode", "buurtnaam"] + [
        question.code for question in q.extra_questions
    ]:
        frame[column] = frame[column].astype("str")
    return frame.reset_index(drop=True)


# --------------------------------------------------------------------------- main entry


#: Columns with the moment an answer was sent (lower case), best first.
DATE_COLUMNS = (
    "_submission_time", "completion time", "voltooiingstijd", "tijd van voltooien",
    "submitdate", "date submitted", "timestamp", "tijdstempel", "end", "datestamp",
    "date last action", "last modified time", "tijdstip van laatste wijziging", "today",
    "start", "start time", "begintijd", "startdate", "date started",
)
_YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def survey_year(source: Any) -> int | None:
    """The year in which most answers were sent, from the export's submission dates.

    Parameters
    ----------
    source : path, str, bytes or file object
        The same export as for :func:`read_responses`.

    Returns
    -------
    int or None
        None when the file has no column with submission dates (see :data:`DATE_COLUMNS`)
        or no readable date in it: then ask the participant for the year.
    """
    table = read_table(source)
    header, rows = table.header, table.rows
    names = {h.strip().casefold(): i for i, h in enumerate(header)}
    for column in DATE_COLUMNS:
        index = names.get(column)
        if index is None:
            continue
        years: list[int] = []
        for row in rows:
            text = row[index].strip() if index < len(row) else ""
            if not text:
                continue
            match = _YEAR_RE.search(text)
            if match:
                years.append(int(match.group(1)))
                continue
            moment = pd.to_datetime(text, errors="coerce", format="mixed")
            if not pd.isna(moment):
                years.append(int(moment.year))
        if years:
            counts = pd.Series(years).value_counts()
            return int(max(y for y, n in counts.items() if n == counts.max()))
    return None


def postcode_table(buurten: pd.DataFrame) -> dict[str, str]:
    """4-digit postcode -> buurtcode, from the CBS "meest voorkomende postcode".

    CBS publishes one postcode per buurt: the most common one. A postcode that is the
    most common of two or more buurten cannot be placed in one buurt and is left out
    (a respondent with that postcode is then reported, not guessed). Complete the table
    yourself when you know better, e.g. ``{**postcode_table(buurten), "3563": "BU..."}``.

    Parameters
    ----------
    buurten : DataFrame
        :func:`wijklib.kerncijfers` at buurt level (columns ``code`` and ``postcode``).

    Returns
    -------
    dict of str to str
    """
    if "postcode" not in buurten.columns or buurten.empty:
        return {}
    known = buurten[["code", "postcode"]].dropna()
    known = known[known["postcode"].astype("str").str.fullmatch(r"\d{4}")]
    counts = known["postcode"].value_counts()
    unique = known[known["postcode"].map(counts) == 1]
    return {str(pc): str(code) for pc, code in zip(unique["postcode"], unique["code"],
                                                     strict=True)}


def read_responses(
    source: Any,
    questionnaire: Questionnaire,
    buurten: pd.DataFrame,
    *,
    postcodes: Mapping[str, str] | None = None,
    skip_problem_rows: bool = False,
    check_identical: bool = True,
) -> SurveyImport:
    """Read and check survey responses.

    Parameters
    ----------
    source : str, Path, bytes or file object
        CSV or ``.xlsx`` export of KoBoToolbox, MS Forms, Google Forms, LimeSurvey, or
        your own spreadsheet (one row per respondent, one column per question; column
        names as question codes or question texts).
    questionnaire : Questionnaire
        The questionnaire the form was made from (:func:`wijklib.vertellen.survey.vragenlijst`).
    buurten : DataFrame
        ``code`` and ``naam`` of the buurten (e.g. from :func:`wijklib.kerncijfers`).
    postcodes : mapping, optional
        4-digit postcode -> buurtcode, for respondents who gave a postcode instead of
        a buurt (``{"3581": "BU03440512"}``).
    skip_problem_rows : bool
        False (default): any problem raises :class:`SurveyImportError`. True: rows with a
        problem are left out and listed in ``result.skipped``.
    check_identical : bool
        Report rows whose answers are exactly the same as an earlier row as a possible
        double submission (only rows that answered at least half the scale questions).

    Returns
    -------
    SurveyImport

    Raises
    ------
    SurveyImportError
        With the full report in ``.report``; row numbers as Excel shows them (the header
        is row 1).
    """
    q = questionnaire
    lookup = _Buurten(buurten)
    table = read_table(source)
    header, rows, header_row = table.header, table.rows, table.header_row
    source_format = detect_format(header)
    plan = _plan_columns(header, q, header_row)
    if plan.problems:
        raise SurveyImportError(_report(plan.problems, header_row), fatal=True)

    codes = {question.code: question for question in q.questions}
    parsers = {i: _Answers(codes[c]) for i, c in plan.mapping.items()
               if codes[c].soort not in ("buurt", "postcode")}
    buurt_col = next((i for i, c in plan.mapping.items() if codes[c].soort == "buurt"), None)
    postcode_col = next((i for i, c in plan.mapping.items() if codes[c].soort == "postcode"),
                        None)
    item_cols = [i for i, c in plan.mapping.items() if codes[c].scored]
    pc_map = {str(k).strip(): str(v).strip() for k, v in (postcodes or {}).items()}

    problems: list[dict[str, Any]] = []
    records: list[dict[str, Any]] = []
    from wijklib.guarantees.privacy import MASK, mask_personal

    masked: list[dict[str, Any]] = []  # open answers with personal data taken out
    respondents: dict[int, str] = {}
    seen_ids: dict[str, int] = {}
    seen_rows: dict[tuple[str, ...], int] = {}
    width = len(header)
    for index, cells in enumerate(rows):
        rij = header_row + 1 + index
        if not any(cell.strip() for cell in cells):
            continue
        row_problems: list[dict[str, Any]] = []

        def problem(column: str, value: str, what: tuple[str, str], _rij: int = rij,
                    _bucket: list[dict[str, Any]] = row_problems) -> None:
            _bucket.append({"rij": _rij, "kolom": column,
                            "waarde": mask_personal(value)[0][:80],
                            "probleem": what[0], "wat_te_doen": what[1]})

        extra = [cell for cell in cells[width:] if cell.strip()]
        if extra:
            problem("(na de laatste kolom)", extra[0], (
                "deze rij heeft meer cellen dan er kolommen zijn",
                "Er staat waarschijnlijk een scheidingsteken (; of ,) in een antwoord. "
                "Zet het antwoord tussen aanhalingstekens of verwijder het teken.",
            ))
        cells = (list(cells) + [""] * width)[:width]
        rid = cells[plan.id_column].strip() if plan.id_column is not None else ""
        respondent = rid or f"rij-{rij}"
        respondents[rij] = respondent
        record: dict[str, Any] = {"respondent": respondent, "rij": rij}

        # buurt, else postcode
        buurtcode = None
        b_text = cells[buurt_col].strip() if buurt_col is not None else ""
        p_text = cells[postcode_col].strip() if postcode_col is not None else ""
        if b_text and normalise(b_text) not in UNKNOWN_BUURT_WORDS:
            buurtcode, what = lookup.find(b_text)
            if what:
                problem(header[buurt_col], b_text, what)
        elif p_text:
            match = _POSTCODE_RE.match(p_text.replace("\u00a0", " "))
            column = header[postcode_col]
            if not match:
                problem(column, p_text, ("ongeldige postcode", "Vul alleen de 4 cijfers van "
                                         "de postcode in, zoals 3581."))
            elif not pc_map:
                problem(column, p_text, (
                    "postcode kan niet worden omgezet naar een buurt",
                    "Geef een tabel mee die postcodes aan buurten koppelt: "
                    "read_responses(..., postcodes=postcode_table(buurten)), of een eigen "
                    "tabel zoals {'3581': 'BU03440512'}.",
                ))
            elif match.group(1) not in pc_map:
                problem(column, p_text, ("onbekende postcode", "Deze postcode staat niet in "
                                         "de postcodetabel (of hoort bij meer buurten). Vul "
                                         "de buurt in of vul de tabel aan."))
            elif pc_map[match.group(1)] not in lookup.names:
                problem(column, p_text, (
                    "postcode hoort bij een buurt die niet in de lijst staat",
                    f"De postcodetabel koppelt {match.group(1)} aan "
                    f"'{pc_map[match.group(1)]}'. Controleer de tabel.",
                ))
            else:
                buurtcode = pc_map[match.group(1)]
        else:
            column = header[buurt_col] if buurt_col is not None else header[postcode_col]
            problem(column, b_text, ("buurt ontbreekt", "Vul de buurt in, of de 4 cijfers van "
                                     "de postcode. Zonder buurt telt het antwoord niet mee."))
        record["buurtcode"] = buurtcode
        record["buurtnaam"] = lookup.plain_names.get(buurtcode) if buurtcode else None

        for i, parser in parsers.items():
            value, what = parser.parse(cells[i])
            if what:
                problem(header[i], cells[i].strip(), what)
            if parser.question.soort == "tekst" and value is not None:
                value, kinds = mask_personal(value)
                if kinds:
                    masked.append({
                        "rij": rij, "kolom": header[i], "waarde": str(value)[:80],
                        "probleem": "persoonsgegevens weggehaald: " + ", ".join(kinds),
                        "wat_te_doen": (f"Op die plek staat nu {MASK}. Het antwoord telt "
                                        "gewoon mee. Kijk of de rest van de tekst niemand "
                                        "herkenbaar maakt."),
                    })
            record[parser.question.code] = value

        # duplicates
        duplicate = False
        if rid:
            if rid in seen_ids:
                duplicate = True
                problem(header[plan.id_column], rid, (
                    "dubbele respondent",
                    f"Deze respondent staat ook in rij {seen_ids[rid]}. Houd één van de twee "
                    "rijen over.",
                ))
            else:
                seen_ids[rid] = rij
        answered = sum(bool(cells[i].strip()) for i in item_cols)
        if check_identical and not duplicate and item_cols and answered * 2 >= len(item_cols):
            signature = tuple(normalise(cells[i]) for i in sorted(plan.mapping))
            if signature in seen_rows:
                problem("(hele rij)", "", (
                    f"dubbele inzending: dezelfde antwoorden als rij {seen_rows[signature]}",
                    "Heeft iemand twee keer op 'verzenden' gedrukt? Verwijder dan deze rij. "
                    "Zijn het echt twee mensen? Lees dan in met check_identical=False.",
                ))
            else:
                seen_rows[signature] = rij
        problems.extend(row_problems)
        record["_problem"] = bool(row_problems)
        records.append(record)

    report = _report(problems, header_row)
    if len(report) and not skip_problem_rows:
        raise SurveyImportError(report, fatal=False)
    kept = [r for r in records if not r["_problem"]]
    skipped_rows = sorted({int(r) for r in report["rij"].dropna()})
    kept_rows = {r["rij"] for r in kept}
    report = _report(problems + table.problems + [m for m in masked if m["rij"] in kept_rows],
                     header_row)
    skipped = pd.DataFrame(
        {
            "rij": pd.array(skipped_rows, dtype="Int64"),
            "respondent": pd.Series([respondents.get(r, "") for r in skipped_rows],
                                    dtype="str"),
            "problemen": pd.Series(
                ["; ".join(report.loc[report["rij"] == r, "probleem"]) for r in skipped_rows],
                dtype="str",
            ),
        }
    )
    data = _frame(kept, q)
    data.attrs["bron"] = FORMAT_NAMES[source_format]
    return SurveyImport(
        data=data,
        report=report,
        ignored_columns=plan.ignored,
        source_format=source_format,
        skipped=skipped,
        columns={header[i]: c for i, c in plan.mapping.items()},
        notes=[p["probleem"] for p in table.problems],
    )
