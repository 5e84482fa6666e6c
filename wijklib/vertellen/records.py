"""Residents' accounts as tables: the shared machinery of stories, wijkschouw and krachten.

:mod:`wijklib.vertellen.verhalen`, :mod:`wijklib.vertellen.wijkschouw` and
:mod:`wijklib.vertellen.krachten` each describe one small table with fixed Dutch columns
(a :class:`RecordSpec`). This module checks what a person types (buurtcode, a choice from
a list, a text without personal data) and reads such a table from a participant's file
with one report by row and column (:func:`read_records`, on top of the one reader
:mod:`wijklib.guarantees.reading`; masking comes from :mod:`wijklib.guarantees.privacy`).

Privacy: the tables have no columns for names or addresses. When reading a file, columns
that may hold personal data are dropped, and e-mail addresses, phone numbers, postcodes,
addresses and "meneer/mevrouw + name" inside texts are replaced by ``[weggehaald]``; both
are reported. A computer cannot find every name in a story: remove names before you type
or import stories.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from wijklib.errors import InvalidChoiceError, WijklibError
from wijklib.guarantees import reading
from wijklib.guarantees.privacy import (
    MASK,
    find_personal,
    is_personal_column,
    mask_personal,
    report_value,
)

__all__ = [
    "ALIASES",
    "BUURTCODE",
    "REPORT_COLUMNS",
    "ROLE_WORDS",
    "PersonalDataError",
    "ReadResult",
    "RecordSpec",
    "TableFileError",
    "append_row",
    "check_buurtcode",
    "check_choice",
    "check_text",
    "clean_text",
    "empty_table",
    "is_blank",
    "looks_like_person",
    "match_choice",
    "normalise",
    "plain_text",
    "read_records",
    "refuse_personal",
]


class PersonalDataError(WijklibError, ValueError):
    """A text seems to contain personal data (e-mail, phone number, address, a name)."""


class TableFileError(WijklibError, ValueError):
    """A stories/observations/assets file cannot be read, or lacks its main column."""


BUURTCODE = re.compile(r"^BU\d{8}$")
REPORT_COLUMNS = ["rij", "kolom", "waarde", "probleem", "gevolg"]


def plain_text(text: Any) -> str:
    """Lower case without accents, one character per character (positions are kept)."""
    return "".join(
        (unicodedata.normalize("NFKD", ch.lower())[:1] or ch) for ch in str(text)
    )


def normalise(text: Any) -> str:
    """Text for comparing: lower case, no accents, runs of spaces/_/- as one space."""
    return re.sub(r"[\s_\-]+", " ", plain_text(text)).strip()


def is_blank(value: Any) -> bool:
    """Whether a cell is empty: None, NA, NaN or only spaces."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and np.isnan(value):
        return True
    return isinstance(value, str) and value.strip() == ""


def clean_text(value: Any) -> str | None:
    """The text with runs of white space as one space, or None when blank."""
    return None if is_blank(value) else " ".join(str(value).split())


_PERSON_NAME = re.compile(
    r"^[A-Z][\w'’\-]+(?:\s+(?:van|de|der|den|het|ter|ten|el|al|bin|ibn))*"
    r"(?:\s+[A-Z][\w'’\-]+){1,2}$"
)
#: First words of a role or organisation ("Gemeente Utrecht", "Buurtteam Overvecht"):
#: such a value is not a person's name.
ROLE_WORDS = frozenset({
    "gemeente", "buurtteam", "wijkteam", "woningcorporatie", "corporatie", "politie",
    "wijkagent", "welzijn", "welzijnsorganisatie", "school", "basisschool", "stichting",
    "vereniging", "bewoners", "bewonersgroep", "bewonerscommissie", "bewonersorganisatie",
    "buurthuis", "wijkcentrum", "huisarts", "huisartsenpraktijk", "bibliotheek", "kerk",
    "moskee", "sportclub", "voetbalclub", "jongerenwerk", "opbouwwerk", "buurtwerk",
    "ggd", "brandweer", "provincie", "waterschap", "zorgcentrum", "wijkraad", "ondernemers",
    "winkeliersvereniging", "platform", "stadsdeel", "team", "afdeling", "jeugd",
})


def looks_like_person(text: str) -> bool:
    """Whether a value looks like a person's name ("Fatima de Vries"), not a role."""
    value = text.strip()
    if not value or plain_text(value.split()[0]) in ROLE_WORDS:
        return False
    return bool(_PERSON_NAME.match(value))


def refuse_personal(text: str | None, what: str) -> None:
    """Raise :class:`PersonalDataError` when ``text`` seems to hold personal data."""
    hints = find_personal(text)
    if hints:
        raise PersonalDataError(
            f"{what} lijkt {' en '.join(hints)} te bevatten. Laat persoonsgegevens weg: "
            "beschrijf de plek, de situatie of de rol (bijvoorbeeld 'buurvrouw', 'gemeente')."
        )


def empty_table(columns: Sequence[str], attrs: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """An empty table with text columns ``columns``."""
    out = pd.DataFrame({c: pd.Series(dtype="str") for c in columns})
    out.attrs = dict(attrs or {})
    return out


def check_buurtcode(code: Any, allow_missing: bool = True) -> str | None:
    """A typed buurtcode in capitals, or a Dutch error that shows the right form."""
    if is_blank(code):
        if allow_missing:
            return None
        raise InvalidChoiceError("Geef de buurtcode, bijvoorbeeld 'BU03440311'.")
    value = str(code).strip().upper()
    if not BUURTCODE.match(value):
        raise InvalidChoiceError(
            f"'{code}' is geen buurtcode. Een buurtcode is BU met 8 cijfers, bijvoorbeeld "
            "'BU03440311'. Zoek hem op in de kolom 'code' van wijklib.gebieden(...)."
        )
    return value


ALIASES: dict[str, dict[str, str]] = {
    "soort_schouw": {
        "kansen": "kans", "positief": "kans", "goed": "kans", "sterk": "kans",
        "knelpunten": "knelpunt", "probleem": "knelpunt", "negatief": "knelpunt",
        "zorg": "knelpunt", "neutral": "neutraal", "gewoon": "neutraal", "overig": "neutraal",
    },
    "bron_type": {
        "gesprekken": "gesprek", "buurtgesprek": "gesprek", "gesprekje": "gesprek",
        "verhalen avond": "verhalenavond", "bewonersavond": "verhalenavond",
        "interviews": "interview", "schouw": "wijkschouw", "wijk schouw": "wijkschouw",
        "enquete": "enquête", "vragenlijst": "enquête", "survey": "enquête",
        "overig": "anders", "andere": "anders", "other": "anders",
    },
    "soort_kracht": {
        "mens": "mensen", "persoon": "mensen", "personen": "mensen", "bewoners": "mensen",
        "bewoner": "mensen", "talent": "mensen", "talenten": "mensen",
        "vereniging": "verenigingen", "club": "verenigingen", "clubs": "verenigingen",
        "groep": "verenigingen", "groepen": "verenigingen",
        "plek": "plekken", "plaats": "plekken", "plaatsen": "plekken", "ruimte": "plekken",
        "organisatie": "organisaties", "instelling": "organisaties",
        "instellingen": "organisaties", "bedrijf": "economie", "bedrijven": "economie",
        "winkel": "economie", "winkels": "economie", "ondernemer": "economie",
        "ondernemers": "economie", "economisch": "economie",
    },
}


def match_choice(value: Any, allowed: Sequence[str], aliases: Mapping[str, str]) -> str | None:
    """The allowed option that ``value`` means (also a known other spelling), or None."""
    plain = normalise(value)
    for option in allowed:
        if plain == normalise(option):
            return option
    return aliases.get(plain)


def check_choice(value: Any, allowed: Sequence[str], aliases: Mapping[str, str],
                  what: str) -> str:
    """The allowed option that ``value`` means, or a Dutch error with the options."""
    if is_blank(value):
        raise InvalidChoiceError(f"Kies {what}: {', '.join(allowed)}.")
    found = match_choice(value, allowed, aliases)
    if found is not None:
        return found
    close = difflib.get_close_matches(normalise(value), list(allowed), n=1, cutoff=0.6)
    maybe = f" Bedoel je '{close[0]}'?" if close else ""
    raise InvalidChoiceError(
        f"'{value}' ken ik niet als {what}.{maybe} Kies uit: {', '.join(allowed)}."
    )


def check_text(value: Any, what: str, max_len: int | None = None,
                required: bool = True) -> str | None:
    """A typed text, checked for length and personal data (Dutch errors)."""
    text = clean_text(value)
    if text is None:
        if required:
            raise InvalidChoiceError(f"Vul {what} in.")
        return None
    if max_len is not None and len(text) > max_len:
        raise InvalidChoiceError(
            f"{what[0].upper() + what[1:]} is {len(text)} tekens; het maximum is {max_len}. "
            "Maak het korter."
        )
    refuse_personal(text, what[0].upper() + what[1:])
    return text


def append_row(frame: pd.DataFrame, row: dict[str, Any], columns: Sequence[str]) -> pd.DataFrame:
    """``frame`` with one row added; its ``attrs`` are kept."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InvalidChoiceError(
            f"De tabel mist de kolom(men) {', '.join(missing)}. Begin met een lege tabel "
            "(new_stories(), new_observations() of new_assets())."
        )
    new = pd.DataFrame([row], columns=list(frame.columns)).astype(
        {c: "str" for c in columns}
    )
    out = new if frame.empty else pd.concat([frame, new], ignore_index=True)
    out = out.astype({c: "str" for c in columns})
    out.attrs = dict(frame.attrs)
    return out


class ReadResult(NamedTuple):
    """What the ``read_*`` functions return: the table and a report.

    Attributes
    ----------
    table : pandas.DataFrame
        The usable rows, in the fixed columns.
    rapport : pandas.DataFrame
        One row per problem: ``rij`` (as in Excel: the header is row 1; empty when the
        problem is about a whole column), ``kolom``, ``waarde``, ``probleem``, ``gevolg``.
    """

    table: pd.DataFrame
    rapport: pd.DataFrame

    def summary(self) -> str:
        """A one-line Dutch summary."""
        r = self.rapport
        skipped = int((r["gevolg"] == "rij niet overgenomen").sum())
        return (
            f"{len(self.table)} rijen overgenomen; {skipped} rijen niet overgenomen; "
            f"{len(r)} meldingen in het rapport."
        )


@dataclass(frozen=True)
class RecordSpec:
    """How one kind of table is read from a file by :func:`read_records`.

    Attributes
    ----------
    what : str
        What the rows are, in Dutch plural ("verhalen"), for messages.
    columns : tuple of str
        The fixed columns of the table.
    aliases : mapping
        Per column the header names a file may use for it.
    required : str
        The column without which a row is not taken over.
    choices : mapping
        Per column the allowed values and the key of their spellings in :data:`ALIASES`.
    texts : mapping
        Per free-text column its maximum length; these texts are masked for personal data.
    no_person : tuple of str
        Columns that must hold a role or organisation, never a person's name.
    no_person_when : (text column, choice column, value), optional
        The text column must not be a person's name in rows with that choice
        (a strength of the kind "mensen" is described, not named).
    """

    what: str
    columns: tuple[str, ...]
    aliases: Mapping[str, tuple[str, ...]]
    required: str
    choices: Mapping[str, tuple[tuple[str, ...], str]] = field(default_factory=dict)
    texts: Mapping[str, int] = field(default_factory=dict)
    no_person: tuple[str, ...] = ()
    no_person_when: tuple[str, str, str] | None = None


def _read_raw(path: Path, sheet: str | int | None) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """The file as a text table (the one reader, :mod:`wijklib.guarantees.reading`).

    Returns the frame (every cell text, short rows filled with empty cells, which the
    reader reports) and the reader's report entries. ``attrs["kopregel"]`` is the header
    row as Excel counts.
    """
    try:
        table = reading.read_table(path, sheet=sheet)
    except reading.FileReadError as err:
        first = err.entries[0]
        where = f" (rij {first['rij']})" if first.get("rij") else ""
        raise TableFileError(f"{Path(path).name}{where}: {first['probleem']}. "
                             f"{first['wat_te_doen']}") from None
    width = len(table.header)
    notes = list(table.problems)
    cells = []
    for i, row in enumerate(table.rows):
        extra = [c for c in row[width:] if c.strip()]
        if extra:
            notes.append({"rij": table.header_row + 1 + i, "kolom": "(na de laatste kolom)",
                          "waarde": extra[0], "probleem": "deze rij heeft meer cellen dan "
                          "er kolommen zijn", "gevolg": "extra cellen niet overgenomen"})
        cells.append((row + [""] * width)[:width])
    header, seen = [], set()
    for name in table.header:  # a second column with the same name: said, not merged
        unique, k = name, 2
        while unique in seen:
            unique, k = f"{name} ({k})", k + 1
        if unique != name:
            notes.append({"rij": table.header_row, "kolom": unique, "waarde": name,
                          "probleem": f"er zijn twee kolommen met de naam '{name}'",
                          "gevolg": f"de tweede heet nu '{unique}' en wordt niet gebruikt"})
        seen.add(unique)
        header.append(unique)
    frame = pd.DataFrame(cells, columns=header, dtype=str)
    frame.attrs["kopregel"] = table.header_row
    return frame, notes


def read_records(
    path: Path | str,
    spec: RecordSpec,
    gebieden: pd.DataFrame | None,
    sheet: str | int | None,
) -> ReadResult:
    """Read a table of residents' accounts from a participant's file, with a report.

    Parameters
    ----------
    path : Path or str
        ``.csv``, ``.txt``, ``.tsv`` or ``.xlsx``.
    spec : RecordSpec
        Which table: its columns, their other names, choices and text limits.
    gebieden : DataFrame, optional
        :func:`wijklib.gebieden` of the gemeente: checks codes and turns buurtnamen into
        codes.
    sheet : str or int, optional
        Excel sheet (default: the first).

    Returns
    -------
    ReadResult
        The rows in the fixed columns and one report row per thing that was noticed.
    """
    frame, notes = _read_raw(Path(path), sheet)
    report: list[dict[str, Any]] = []

    def note(row: int | None, column: str | None, value: Any, text: str, effect: str) -> None:
        shown = report_value(value)  # masked text, or only the kind of a non-text value
        report.append({"rij": row, "kolom": column, "waarde": shown, "probleem": text,
                       "gevolg": effect})

    for entry in notes:  # what the reader noticed in the file itself
        note(entry["rij"], entry["kolom"], entry["waarde"] or None, entry["probleem"],
             entry["gevolg"])

    # map the columns
    lookup = {}
    for target, names in spec.aliases.items():
        for name in names:
            lookup.setdefault(normalise(name), target)
    chosen: dict[str, str] = {}
    for column in frame.columns:
        target = lookup.get(normalise(column))
        if target is not None and target not in chosen:
            chosen[target] = column
        elif is_personal_column(str(column)):
            note(None, str(column), None,
                 "Deze kolom kan persoonsgegevens bevatten (namen, adressen, contact of "
                 "leeftijd).", "kolom weggelaten (mogelijk persoonsgegevens)")
        else:
            note(None, str(column), None, "Deze kolom wordt niet gebruikt.",
                 "kolom niet overgenomen")
    if spec.required not in chosen:
        found = ", ".join(f"'{c}'" for c in frame.columns) or "geen"
        raise TableFileError(
            f"Het bestand heeft geen kolom '{spec.required}'. Gevonden kolommen: {found}. "
            f"Noem de kolom met de {spec.what} '{spec.required}' (kolommen: "
            f"{', '.join(spec.columns)})."
        )
    for column in spec.columns:
        if column not in chosen:
            note(None, column, None, f"Het bestand heeft geen kolom '{column}'.",
                 "kolom leeg gelaten")
    names: dict[str, str] = {}
    codes: set[str] = set()
    if gebieden is not None:
        if not {"code", "naam"} <= set(gebieden.columns):
            raise InvalidChoiceError(
                "Geef bij gebieden de tabel van wijklib.gebieden(...) (kolommen code en naam)."
            )
        codes = set(gebieden["code"])
        names = {normalise(n): c for n, c in zip(gebieden["naam"], gebieden["code"], strict=False)}
    rows = []
    seen: dict[str, int] = {}
    header_row = int(frame.attrs.get("kopregel", 1))
    for i, record in enumerate(frame.to_dict("records")):
        rownr = header_row + 1 + i  # as in Excel
        values = {c: (clean_text(record[chosen[c]]) if c in chosen else None) for c in spec.columns}
        if all(v is None for v in values.values()):
            continue  # an empty line; nothing to report
        if values[spec.required] is None:
            note(rownr, spec.required, None, f"De kolom '{spec.required}' is leeg.",
                 "rij niet overgenomen")
            continue
        # buurtcode
        given = values["buurtcode"]
        if given is not None:
            code = given.strip().upper()
            if BUURTCODE.match(code):
                if codes and code not in codes:
                    note(rownr, "buurtcode", given,
                         "Deze buurtcode hoort niet bij de gekozen gemeente.",
                         "overgenomen zonder buurt")
                    code = None
            elif names and normalise(given) in names:
                code = names[normalise(given)]
                note(rownr, "buurtcode", given, f"Buurtnaam omgezet naar code {code}.",
                     "aangepast")
            else:
                close = difflib.get_close_matches(normalise(given), list(names), n=1, cutoff=0.7)
                hint = ""
                if close:
                    hint = f" Lijkt op buurtcode {names[close[0]]}."
                elif not names:
                    hint = (" Gebruik de buurtcode (BU + 8 cijfers) of geef gebieden=... mee "
                            "om buurtnamen te herkennen.")
                note(rownr, "buurtcode", given, "Deze buurt herken ik niet." + hint,
                     "overgenomen zonder buurt")
                code = None
            values["buurtcode"] = code
        elif "buurtcode" in chosen:
            note(rownr, "buurtcode", None, "Geen buurt ingevuld.", "overgenomen zonder buurt")
        # choices
        for column, (allowed, alias_key) in spec.choices.items():
            value = values[column]
            if value is None:
                if column in chosen:
                    note(rownr, column, None, f"'{column}' is leeg.", "overgenomen, leeg")
                continue
            found = match_choice(value, allowed, ALIASES[alias_key])
            if found is None:
                close = difflib.get_close_matches(normalise(value), list(allowed), n=1, cutoff=0.6)
                maybe = f" Bedoel je '{close[0]}'?" if close else ""
                note(rownr, column, value,
                     f"Deze waarde ken ik niet.{maybe} Kies uit: {', '.join(allowed)}.",
                     "overgenomen, leeg")
            values[column] = found
        # texts: personal data, length
        for column, max_len in spec.texts.items():
            value = values[column]
            if value is None:
                continue
            masked, found = mask_personal(value)
            if column in spec.no_person and looks_like_person(masked):
                masked, found = MASK, [*found, "een naam"]
            if found:
                note(rownr, column, None,
                     f"De tekst leek {' en '.join(found)} te bevatten; vervangen door {MASK}.",
                     "aangepast")
                value = masked
            if len(value) > max_len:
                note(rownr, column, value,
                     f"De tekst is {len(value)} tekens; het maximum is {max_len}.",
                     "overgenomen (lang)")
            values[column] = value
        if spec.no_person_when is not None:
            text_column, kind_column, kind = spec.no_person_when
            text = values[text_column]
            if values[kind_column] == kind and text and looks_like_person(text):
                note(rownr, text_column, None,
                     "Dit lijkt de naam van een persoon; beschrijf wat iemand kan of doet.",
                     "aangepast")
                values[text_column] = MASK
        key = normalise(values[spec.required])
        if key in seen:
            note(rownr, spec.required, values[spec.required],
                 f"Dezelfde tekst staat ook in rij {seen[key]}.", "overgenomen (controleer)")
        else:
            seen[key] = rownr
        rows.append(values)
    table = pd.DataFrame(rows, columns=list(spec.columns)).astype(
        {c: "str" for c in spec.columns}
    )
    table.attrs = {"bestand": Path(path).name}
    rapport = pd.DataFrame(report, columns=REPORT_COLUMNS)
    rapport["rij"] = rapport["rij"].astype("Int64")
    for column in REPORT_COLUMNS[1:]:
        rapport[column] = rapport[column].astype("str")
    return ReadResult(table, rapport)
