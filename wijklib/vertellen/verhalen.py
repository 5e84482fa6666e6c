"""Wijkschouw, verhalen and the buurt's strengths: recording, theme coding and showing.

Three simple tables with fixed Dutch columns:

* observations of a wijkschouw (:data:`OBSERVATION_COLUMNS`): where, what was seen, kans
  or knelpunt, what to do and who does it (a role or organisation, never a person's name);
* stories and quotes (:data:`STORY_COLUMNS`) from conversations, a verhalenavond or
  interviews; never the name of the person who told it;
* the inventory of the buurt's strengths, "krachten van de buurt" (:data:`ASSET_COLUMNS`):
  people (described by what they can or do, not by name), associations, places,
  organisations and the local economy. Names of organisations, clubs and places are fine.

Theme coding is a suggestion, never a verdict: :func:`suggest_themes` looks for the
keywords of ``themas.csv`` (adapt that one file to change themes or words), a person reads
the suggestions and decides with :func:`confirm_themes`. Only confirmed themes count
(:func:`count_themes`) and only confirmed stories are quoted (:func:`pick_quotes`).

Privacy: the tables have no columns for names or addresses. When reading a file, columns
that may hold personal data are dropped, and e-mail addresses, phone numbers, postcodes,
addresses and "meneer/mevrouw + name" inside texts are replaced by ``[weggehaald]``; both
are reported. A computer cannot find every name in a story: remove names before you type
or import stories.
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from wijklib.errors import InvalidChoiceError, WijklibError
from wijklib.guarantees import reading
from wijklib.guarantees.privacy import (
    MASK,
    NO_SUPPRESSION,
    find_personal,
    mask_personal,
    min_group_size,
    report_value,
)
from wijklib.guarantees.rendering import escape

__all__ = [
    "ASSET_COLUMNS",
    "ASSET_KINDS",
    "OBSERVATION_COLUMNS",
    "OBSERVATION_KINDS",
    "SOURCE_TYPES",
    "STORY_COLUMNS",
    "PersonalDataError",
    "ReadResult",
    "TableFileError",
    "add_asset",
    "add_observation",
    "add_story",
    "assets_html",
    "assets_overview",
    "confirm_themes",
    "count_themes",
    "load_themes",
    "new_assets",
    "new_observations",
    "new_stories",
    "pick_quotes",
    "practice_assets",
    "practice_observations",
    "practice_stories",
    "read_assets",
    "read_observations",
    "read_stories",
    "stories_html",
    "suggest_themes",
]


class PersonalDataError(WijklibError, ValueError):
    """A text seems to contain personal data (e-mail, phone number, address, a name)."""


class TableFileError(WijklibError, ValueError):
    """A stories/observations/assets file cannot be read, or lacks its main column."""


#: Columns of a wijkschouw table.
OBSERVATION_COLUMNS = ["buurtcode", "plek", "waarneming", "soort", "actie", "wie"]
#: Allowed values of ``soort`` in a wijkschouw.
OBSERVATION_KINDS = ("kans", "knelpunt", "neutraal")
#: Columns of a stories table.
STORY_COLUMNS = ["buurtcode", "verhaal", "bron_type"]
#: Allowed values of ``bron_type``.
SOURCE_TYPES = ("gesprek", "verhalenavond", "interview", "wijkschouw", "enquête", "anders")
#: Columns of the inventory of strengths.
ASSET_COLUMNS = ["buurtcode", "soort", "naam_of_omschrijving", "kort"]
#: Allowed values of ``soort`` in the inventory.
ASSET_KINDS = ("mensen", "verenigingen", "plekken", "organisaties", "economie")

_CODE = re.compile(r"^BU\d{8}$")
_MISSING_DECISION = "nog niet bekeken"
_CODED_COLUMNS = ["verhaal_nr", "buurtcode", "bron_type", "verhaal", "thema", "woorden",
                  "voorgesteld", "bevestigd", "besluit"]
_REPORT_COLUMNS = ["rij", "kolom", "waarde", "probleem", "gevolg"]


# ---------------------------------------------------------------------------------------
# Text helpers and privacy
# ---------------------------------------------------------------------------------------


def _plain(text: Any) -> str:
    """Lower case without accents, one character per character (positions are kept)."""
    return "".join(
        (unicodedata.normalize("NFKD", ch.lower())[:1] or ch) for ch in str(text)
    )


def _norm(text: Any) -> str:
    return re.sub(r"[\s_\-]+", " ", _plain(text)).strip()


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and np.isnan(value):
        return True
    return isinstance(value, str) and value.strip() == ""


def _clean(value: Any) -> str | None:
    return None if _is_missing(value) else " ".join(str(value).split())


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


def _looks_like_person(text: str) -> bool:
    value = text.strip()
    if not value or _plain(value.split()[0]) in ROLE_WORDS:
        return False
    return bool(_PERSON_NAME.match(value))


def _refuse_personal(text: str | None, what: str) -> None:
    hints = find_personal(text)
    if hints:
        raise PersonalDataError(
            f"{what} lijkt {' en '.join(hints)} te bevatten. Laat persoonsgegevens weg: "
            "beschrijf de plek, de situatie of de rol (bijvoorbeeld 'buurvrouw', 'gemeente')."
        )


# ---------------------------------------------------------------------------------------
# Empty tables and add_* helpers
# ---------------------------------------------------------------------------------------


def _empty(columns: Sequence[str], attrs: Mapping[str, Any] | None = None) -> pd.DataFrame:
    out = pd.DataFrame({c: pd.Series(dtype="str") for c in columns})
    out.attrs = dict(attrs or {})
    return out


def new_observations() -> pd.DataFrame:
    """An empty wijkschouw table (:data:`OBSERVATION_COLUMNS`)."""
    return _empty(OBSERVATION_COLUMNS)


def new_stories() -> pd.DataFrame:
    """An empty stories table (:data:`STORY_COLUMNS`)."""
    return _empty(STORY_COLUMNS)


def new_assets() -> pd.DataFrame:
    """An empty inventory of strengths (:data:`ASSET_COLUMNS`)."""
    return _empty(ASSET_COLUMNS)


def _check_code(code: Any, allow_missing: bool = True) -> str | None:
    if _is_missing(code):
        if allow_missing:
            return None
        raise InvalidChoiceError("Geef de buurtcode, bijvoorbeeld 'BU03440311'.")
    value = str(code).strip().upper()
    if not _CODE.match(value):
        raise InvalidChoiceError(
            f"'{code}' is geen buurtcode. Een buurtcode is BU met 8 cijfers, bijvoorbeeld "
            "'BU03440311'. Zoek hem op in de kolom 'code' van wijklib.gebieden(...)."
        )
    return value


_ALIASES: dict[str, dict[str, str]] = {
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


def _choice(value: Any, allowed: Sequence[str], aliases: Mapping[str, str]) -> str | None:
    plain = _norm(value)
    for option in allowed:
        if plain == _norm(option):
            return option
    return aliases.get(plain)


def _check_choice(value: Any, allowed: Sequence[str], aliases: Mapping[str, str],
                  what: str) -> str:
    if _is_missing(value):
        raise InvalidChoiceError(f"Kies {what}: {', '.join(allowed)}.")
    found = _choice(value, allowed, aliases)
    if found is not None:
        return found
    close = difflib.get_close_matches(_norm(value), list(allowed), n=1, cutoff=0.6)
    maybe = f" Bedoel je '{close[0]}'?" if close else ""
    raise InvalidChoiceError(
        f"'{value}' ken ik niet als {what}.{maybe} Kies uit: {', '.join(allowed)}."
    )


def _check_text(value: Any, what: str, max_len: int | None = None,
                required: bool = True) -> str | None:
    text = _clean(value)
    if text is None:
        if required:
            raise InvalidChoiceError(f"Vul {what} in.")
        return None
    if max_len is not None and len(text) > max_len:
        raise InvalidChoiceError(
            f"{what[0].upper() + what[1:]} is {len(text)} tekens; het maximum is {max_len}. "
            "Maak het korter."
        )
    _refuse_personal(text, what[0].upper() + what[1:])
    return text


def _append(frame: pd.DataFrame, row: dict[str, Any], columns: Sequence[str]) -> pd.DataFrame:
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


def add_observation(
    observations: pd.DataFrame,
    buurtcode: str,
    plek: str,
    waarneming: str,
    soort: str,
    actie: str | None = None,
    wie: str | None = None,
) -> pd.DataFrame:
    """Return the wijkschouw table with one observation added.

    Parameters
    ----------
    observations : pandas.DataFrame
        Start with :func:`new_observations`.
    buurtcode : str
        E.g. ``"BU03440311"``.
    plek : str
        Where, in words ("speeltuin achter de school"); no house numbers.
    waarneming : str
        What you saw.
    soort : {"kans", "knelpunt", "neutraal"}
    actie : str, optional
        What should happen next.
    wie : str, optional
        Who takes it up: a role or organisation ("gemeente", "bewonersgroep"), not a name.

    Raises
    ------
    InvalidChoiceError, PersonalDataError
    """
    who = _check_text(wie, "wie", 80, required=False)
    if who and _looks_like_person(who):
        raise PersonalDataError(
            f"'{who}' lijkt een naam. Schrijf bij 'wie' een rol of organisatie, "
            "bijvoorbeeld 'gemeente', 'woningcorporatie' of 'bewonersgroep'."
        )
    row = {
        "buurtcode": _check_code(buurtcode, allow_missing=False),
        "plek": _check_text(plek, "de plek", 120),
        "waarneming": _check_text(waarneming, "de waarneming", 500),
        "soort": _check_choice(soort, OBSERVATION_KINDS, _ALIASES["soort_schouw"], "soort"),
        "actie": _check_text(actie, "de actie", 300, required=False),
        "wie": who,
    }
    return _append(observations, row, OBSERVATION_COLUMNS)


def add_story(
    stories: pd.DataFrame, buurtcode: str | None, verhaal: str, bron_type: str
) -> pd.DataFrame:
    """Return the stories table with one story or quote added.

    Parameters
    ----------
    stories : pandas.DataFrame
        Start with :func:`new_stories`.
    buurtcode : str or None
        The buurt the story is about (None when it is about the whole area).
    verhaal : str
        The story or quote, without names of people.
    bron_type : str
        One of :data:`SOURCE_TYPES` (gesprek, verhalenavond, interview, …); never a person.

    Raises
    ------
    InvalidChoiceError, PersonalDataError
    """
    row = {
        "buurtcode": _check_code(buurtcode),
        "verhaal": _check_text(verhaal, "het verhaal", 2000),
        "bron_type": _check_choice(bron_type, SOURCE_TYPES, _ALIASES["bron_type"],
                                   "soort bron"),
    }
    return _append(stories, row, STORY_COLUMNS)


def add_asset(
    assets: pd.DataFrame,
    buurtcode: str,
    soort: str,
    naam_of_omschrijving: str,
    kort: str | None = None,
) -> pd.DataFrame:
    """Return the inventory with one strength of the buurt added.

    Parameters
    ----------
    assets : pandas.DataFrame
        Start with :func:`new_assets`.
    buurtcode : str
    soort : {"mensen", "verenigingen", "plekken", "organisaties", "economie"}
    naam_of_omschrijving : str
        The name of an organisation, club or place ("Buurthuis De Pijler"), or for
        ``mensen`` a description of what someone can or does ("buurvrouw die
        Arabisch en Nederlands spreekt"), never a person's name.
    kort : str, optional
        Why it is a strength, in a few words.

    Raises
    ------
    InvalidChoiceError, PersonalDataError
    """
    kind = _check_choice(soort, ASSET_KINDS, _ALIASES["soort_kracht"], "soort")
    name = _check_text(naam_of_omschrijving, "de naam of omschrijving", 150)
    if kind == "mensen" and name and _looks_like_person(name):
        raise PersonalDataError(
            f"'{name}' lijkt de naam van een persoon. Beschrijf wat iemand kan of doet, "
            "zonder naam, bijvoorbeeld 'buurman die fietsen repareert'."
        )
    row = {
        "buurtcode": _check_code(buurtcode, allow_missing=False),
        "soort": kind,
        "naam_of_omschrijving": name,
        "kort": _check_text(kort, "de korte uitleg", 300, required=False),
    }
    return _append(assets, row, ASSET_COLUMNS)


# ---------------------------------------------------------------------------------------
# Reading files with a report
# ---------------------------------------------------------------------------------------


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
class _Spec:
    what: str
    columns: tuple[str, ...]
    aliases: Mapping[str, tuple[str, ...]]
    required: str
    choices: Mapping[str, tuple[tuple[str, ...], str]] = field(default_factory=dict)
    texts: Mapping[str, int] = field(default_factory=dict)
    no_person: tuple[str, ...] = ()


_STORY_SPEC = _Spec(
    "verhalen",
    tuple(STORY_COLUMNS),
    {
        "buurtcode": ("buurtcode", "buurt", "buurt code", "code", "buurtnaam", "wijk/buurt"),
        "verhaal": ("verhaal", "verhalen", "citaat", "quote", "tekst", "text", "uitspraak",
                    "opmerking", "verhaal of citaat"),
        "bron_type": ("bron_type", "bron type", "brontype", "bron", "soort bron", "type bron",
                      "herkomst"),
    },
    "verhaal",
    {"bron_type": (SOURCE_TYPES, "bron_type")},
    {"verhaal": 2000},
)
_OBSERVATION_SPEC = _Spec(
    "waarnemingen",
    tuple(OBSERVATION_COLUMNS),
    {
        "buurtcode": ("buurtcode", "buurt", "code", "buurtnaam"),
        "plek": ("plek", "plaats", "locatie", "waar"),
        "waarneming": ("waarneming", "wat zie je", "observatie", "beschrijving", "tekst"),
        "soort": ("soort", "type", "kans of knelpunt"),
        "actie": ("actie", "vervolg", "wat doen we", "afspraak"),
        "wie": ("wie", "door wie", "trekker", "eigenaar"),
    },
    "waarneming",
    {"soort": (OBSERVATION_KINDS, "soort_schouw")},
    {"plek": 120, "waarneming": 500, "actie": 300, "wie": 80},
    ("wie",),
)
_ASSET_SPEC = _Spec(
    "krachten",
    tuple(ASSET_COLUMNS),
    {
        "buurtcode": ("buurtcode", "buurt", "code", "buurtnaam"),
        "soort": ("soort", "type", "categorie"),
        "naam_of_omschrijving": ("naam_of_omschrijving", "naam of omschrijving",
                                 "omschrijving", "wat", "kracht"),
        "kort": ("kort", "toelichting", "waarom", "uitleg"),
    },
    "naam_of_omschrijving",
    {"soort": (ASSET_KINDS, "soort_kracht")},
    {"naam_of_omschrijving": 150, "kort": 300},
)


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


def _personal_column(name: str) -> bool:
    """Whether a column may hold personal data; in a table "naam" is a person's name."""
    from wijklib.guarantees.privacy import is_personal_column

    return is_personal_column(name)


def _read_table(
    path: Path | str,
    spec: _Spec,
    gebieden: pd.DataFrame | None,
    sheet: str | int | None,
) -> ReadResult:
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
            lookup.setdefault(_norm(name), target)
    chosen: dict[str, str] = {}
    for column in frame.columns:
        target = lookup.get(_norm(column))
        if target is not None and target not in chosen:
            chosen[target] = column
        elif _personal_column(str(column)):
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
        names = {_norm(n): c for n, c in zip(gebieden["naam"], gebieden["code"], strict=False)}
    rows = []
    seen: dict[str, int] = {}
    header_row = int(frame.attrs.get("kopregel", 1))
    for i, record in enumerate(frame.to_dict("records")):
        rownr = header_row + 1 + i  # as in Excel
        values = {c: (_clean(record[chosen[c]]) if c in chosen else None) for c in spec.columns}
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
            if _CODE.match(code):
                if codes and code not in codes:
                    note(rownr, "buurtcode", given,
                         "Deze buurtcode hoort niet bij de gekozen gemeente.",
                         "overgenomen zonder buurt")
                    code = None
            elif names and _norm(given) in names:
                code = names[_norm(given)]
                note(rownr, "buurtcode", given, f"Buurtnaam omgezet naar code {code}.",
                     "aangepast")
            else:
                close = difflib.get_close_matches(_norm(given), list(names), n=1, cutoff=0.7)
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
            found = _choice(value, allowed, _ALIASES[alias_key])
            if found is None:
                close = difflib.get_close_matches(_norm(value), list(allowed), n=1, cutoff=0.6)
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
            if column in spec.no_person and _looks_like_person(masked):
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
        if spec is _ASSET_SPEC and values["soort"] == "mensen":
            text = values["naam_of_omschrijving"]
            if text and _looks_like_person(text):
                note(rownr, "naam_of_omschrijving", None,
                     "Dit lijkt de naam van een persoon; beschrijf wat iemand kan of doet.",
                     "aangepast")
                values["naam_of_omschrijving"] = MASK
        key = _norm(values[spec.required])
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
    rapport = pd.DataFrame(report, columns=_REPORT_COLUMNS)
    rapport["rij"] = rapport["rij"].astype("Int64")
    for column in _REPORT_COLUMNS[1:]:
        rapport[column] = rapport[column].astype("str")
    return ReadResult(table, rapport)


def read_stories(
    path: Path | str, gebieden: pd.DataFrame | None = None, sheet: str | int | None = None
) -> ReadResult:
    """Read stories from a CSV or Excel file, with a report by row and column.

    The file needs a column ``verhaal`` (also recognised: citaat, quote, tekst,
    uitspraak, opmerking) and may have ``buurtcode`` (or buurt, buurtnaam) and
    ``bron_type`` (or bron). Comma, semicolon and tab separated files in UTF-8 or
    Windows encoding (Excel's "CSV") all work.

    Nothing is dropped or changed silently: rows without a story are not used, unknown
    buurten and source types are left empty, columns that may hold personal data are
    dropped, personal data inside a story is replaced by ``[weggehaald]``, duplicates are
    kept and flagged; every one of these is a row in the report.

    Parameters
    ----------
    path : Path or str
        ``.csv``, ``.txt``, ``.tsv`` or ``.xlsx``.
    gebieden : DataFrame, optional
        :func:`wijklib.gebieden` of the gemeente: checks codes and turns buurtnamen into
        codes.
    sheet : str or int, optional
        Excel sheet (default: the first).

    Returns
    -------
    ReadResult
        ``stories, rapport = read_stories(...)``.

    Raises
    ------
    TableFileError
        The file is missing, empty, of another type, or has no story column.
    """
    return _read_table(path, _STORY_SPEC, gebieden, sheet)


def read_observations(
    path: Path | str, gebieden: pd.DataFrame | None = None, sheet: str | int | None = None
) -> ReadResult:
    """Read a wijkschouw table from CSV or Excel, with a report; see :func:`read_stories`.

    Needs a column ``waarneming``; ``wie`` must be a role or organisation (a value that
    looks like a person's name is replaced and reported).
    """
    return _read_table(path, _OBSERVATION_SPEC, gebieden, sheet)


def read_assets(
    path: Path | str, gebieden: pd.DataFrame | None = None, sheet: str | int | None = None
) -> ReadResult:
    """Read an inventory of strengths from CSV or Excel, with a report; see :func:`read_stories`.

    Needs a column ``naam_of_omschrijving``; for ``soort`` "mensen" a value that looks
    like a person's name is replaced and reported.
    """
    return _read_table(path, _ASSET_SPEC, gebieden, sheet)


# ---------------------------------------------------------------------------------------
# Themes
# ---------------------------------------------------------------------------------------


@cache
def _default_themes_text() -> str:
    return resources.files("wijklib.vertellen").joinpath("themas.csv").read_text("utf-8")


def load_themes(path: Path | str | None = None) -> pd.DataFrame:
    """The theme list: one row per theme with its keywords.

    The list lives in ``wijklib/themas.csv`` (columns ``thema``, ``label``, ``uitleg``,
    ``trefwoorden``; keywords separated by ``|``). A ``*`` at the start or end of a
    keyword stands for any letters: ``woning*`` finds woningen and woningbouw,
    ``*woning*`` also eengezinswoning. Matching ignores capitals and accents. To change
    the themes, edit that file or pass your own file with the same columns.

    Returns
    -------
    pandas.DataFrame
        Columns ``thema``, ``label``, ``uitleg``, ``trefwoorden`` (a list).
    """
    text = _default_themes_text() if path is None else Path(path).read_text("utf-8-sig")
    rows = []
    for row in csv.DictReader(text.splitlines()):
        name = (row.get("thema") or "").strip()
        if not name:
            continue
        words = [w.strip() for w in (row.get("trefwoorden") or "").split("|") if w.strip()]
        rows.append({"thema": name, "label": (row.get("label") or name).strip(),
                     "uitleg": (row.get("uitleg") or "").strip(), "trefwoorden": words})
    if not rows:
        raise InvalidChoiceError(
            "De themalijst is leeg. Een themabestand heeft de kolommen thema, label, uitleg "
            "en trefwoorden (gescheiden door |)."
        )
    return pd.DataFrame(rows)


def _theme_table(themes: Any) -> pd.DataFrame:
    if themes is None:
        return load_themes()
    if isinstance(themes, (str, Path)):
        return load_themes(themes)
    if isinstance(themes, pd.DataFrame):
        if not {"thema", "trefwoorden"} <= set(themes.columns):
            raise InvalidChoiceError("Een themalijst heeft de kolommen 'thema' en 'trefwoorden'.")
        out = themes.copy()
        out["trefwoorden"] = out["trefwoorden"].map(
            lambda w: [x.strip() for x in w.split("|")] if isinstance(w, str) else list(w)
        )
        return out
    if isinstance(themes, Mapping):
        return pd.DataFrame({"thema": list(themes),
                             "trefwoorden": [list(v) for v in themes.values()]})
    raise InvalidChoiceError(
        "Geef de thema's als bestand, als tabel (load_themes()) of als woordenboek "
        "{'wonen': ['woning*', 'huur*']}."
    )


def _keyword_pattern(word: str) -> str:
    plain = _norm(word)
    lead, trail = plain.startswith("*"), plain.endswith("*")
    core = plain.strip("*").strip()
    body = r"\s+".join(re.escape(part) for part in core.split())
    return (r"(?<!\w)" + (r"\w*" if lead else "") + body + (r"\w*" if trail else "")
            + r"(?!\w)")


@cache
def _compiled(theme_words: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple:
    out = []
    for name, words in theme_words:
        patterns = [_keyword_pattern(w) for w in words if w.strip("* ")]
        if patterns:
            out.append((name, re.compile("|".join(patterns))))
    return tuple(out)


def _match(text: str, compiled: tuple) -> dict[str, list[str]]:
    plain = _plain(text)
    found: dict[str, list[str]] = {}
    for name, pattern in compiled:
        words = []
        for m in pattern.finditer(plain):
            word = text[m.start():m.end()]
            if word.lower() not in (w.lower() for w in words):
                words.append(word)
        if words:
            found[name] = words
    return found


def suggest_themes(
    stories: pd.DataFrame, themes: Any = None, text_column: str = "verhaal"
) -> pd.DataFrame:
    """Suggest themes for each story by looking for keywords: suggestions, not a verdict.

    A keyword says nothing about what someone means ("ik voel me hier véilig" and "ik
    voel me hier niet veilig" both suggest *veiligheid*), and a story can be about a
    theme without any keyword. So a person reads the suggestions and decides with
    :func:`confirm_themes`.

    Parameters
    ----------
    stories : pandas.DataFrame
        A stories table (:func:`new_stories`, :func:`read_stories`, :func:`practice_stories`).
    themes : path, DataFrame or dict, optional
        Default: ``wijklib/themas.csv`` (see :func:`load_themes`).
    text_column : str, default "verhaal"

    Returns
    -------
    pandas.DataFrame
        One row per story and suggested theme: ``verhaal_nr`` (the story's index label,
        used in :func:`confirm_themes`), ``buurtcode``, ``bron_type``, ``verhaal``,
        ``thema`` and ``woorden`` (the words found). A story without any suggestion gets
        one row with an empty ``thema``, so it is not forgotten.
    """
    if text_column not in stories.columns:
        raise InvalidChoiceError(
            f"De tabel heeft geen kolom '{text_column}'. Gebruik een verhalentabel "
            "(new_stories(), read_stories(...) of practice_stories(...))."
        )
    table = _theme_table(themes)
    key = tuple((str(r.thema), tuple(r.trefwoorden)) for r in table.itertuples(index=False))
    compiled = _compiled(key)
    rows = []
    for label, record in zip(stories.index, stories.to_dict("records"), strict=True):
        text = record.get(text_column)
        base = {
            "verhaal_nr": label,
            "buurtcode": record.get("buurtcode"),
            "bron_type": record.get("bron_type"),
            "verhaal": text,
        }
        found = {} if _is_missing(text) else _match(str(text), compiled)
        if not found:
            rows.append(base | {"thema": None, "woorden": ""})
        for name, words in found.items():
            rows.append(base | {"thema": name, "woorden": ", ".join(words)})
    out = pd.DataFrame(rows, columns=_CODED_COLUMNS[:6])
    out = out.astype({c: "str" for c in _CODED_COLUMNS[1:6]})
    out.attrs = {"themas": [name for name, _ in key],
                 "oefendata": bool(stories.attrs.get("oefendata", False))}
    return out


def _known_themes(frame: pd.DataFrame) -> list[str]:
    names = list(frame.attrs.get("themas") or load_themes()["thema"])
    names += [t for t in pd.unique(frame["thema"].dropna()) if t not in names]
    return names


def confirm_themes(
    suggestions: pd.DataFrame, accept: Mapping[Any, Iterable[str] | str] | str
) -> pd.DataFrame:
    """Record a person's decision about the suggested themes.

    Parameters
    ----------
    suggestions : pandas.DataFrame
        From :func:`suggest_themes`, or an earlier result of this function (decisions
        already made are kept, new ones are added or replace them per story).
    accept : dict or "alle"
        ``{verhaal_nr: [themes]}``: the final themes of that story, as a person decided.
        Suggested themes that are left out are rejected ("afgewezen"); themes that were
        not suggested are added ("toegevoegd"); an empty list means "no theme". Stories
        that are not in the dict stay "nog niet bekeken" and do not count.
        ``"alle"`` accepts every suggestion of every story as it is: use it only after
        you have read them all.

    Returns
    -------
    pandas.DataFrame
        The coded table: the columns of the suggestions plus ``voorgesteld`` (suggested by
        keywords), ``bevestigd`` (True only when a person confirmed this theme for this
        story) and ``besluit`` ("bevestigd", "afgewezen", "toegevoegd", "geen thema" or
        "nog niet bekeken").
    """
    required = {"verhaal_nr", "thema", "verhaal"}
    if not isinstance(suggestions, pd.DataFrame) or not required <= set(suggestions.columns):
        raise InvalidChoiceError(
            "Geef de tabel met suggesties van suggest_themes(...) (of een eerder resultaat "
            "van confirm_themes)."
        )
    frame = suggestions.copy()
    if "voorgesteld" not in frame.columns:
        frame["voorgesteld"] = frame["thema"].notna()
        frame["bevestigd"] = False
        frame["besluit"] = _MISSING_DECISION
        frame.loc[frame["thema"].isna(), "woorden"] = ""
    known = _known_themes(frame)
    stories = list(pd.unique(frame["verhaal_nr"]))
    if isinstance(accept, str):
        if _norm(accept) not in ("alle", "all"):
            raise InvalidChoiceError(
                "accept is een woordenboek {verhaal_nr: [thema's]} of het woord 'alle'."
            )
        decisions = {
            nr: list(frame.loc[(frame["verhaal_nr"] == nr) & frame["voorgesteld"], "thema"])
            for nr in stories
        }
    elif isinstance(accept, Mapping):
        decisions = {}
        for nr, chosen in accept.items():
            if nr not in stories:
                close = [s for s in stories if str(s) == str(nr)]
                if close:
                    nr = close[0]
                else:
                    raise InvalidChoiceError(
                        f"Verhaal {nr!r} staat niet in de suggesties. Gebruik het getal uit "
                        "de kolom 'verhaal_nr'."
                    )
            items = [chosen] if isinstance(chosen, str) else list(chosen or [])
            checked = []
            for theme in items:
                match = next((k for k in known if _norm(k) == _norm(theme)), None)
                if match is None:
                    close = difflib.get_close_matches(_norm(theme), known, n=1, cutoff=0.6)
                    maybe = f" Bedoel je '{close[0]}'?" if close else ""
                    raise InvalidChoiceError(
                        f"Het thema '{theme}' ken ik niet.{maybe} Kies uit: {', '.join(known)} "
                        "(of voeg het toe aan themas.csv)."
                    )
                if match not in checked:
                    checked.append(match)
            decisions[nr] = checked
    else:
        raise InvalidChoiceError(
            "accept is een woordenboek {verhaal_nr: [thema's]} of het woord 'alle'."
        )
    parts = []
    for nr in stories:
        rows = frame[frame["verhaal_nr"] == nr]
        if nr not in decisions:
            parts.append(rows)
            continue
        chosen = decisions[nr]
        suggested = rows[rows["voorgesteld"]]
        base = rows.iloc[0]
        new_rows = []
        for _, row in suggested.iterrows():
            keep = row["thema"] in chosen
            new_rows.append(row.to_dict() | {"bevestigd": keep,
                                             "besluit": "bevestigd" if keep else "afgewezen"})
        for theme in chosen:
            if theme not in set(suggested["thema"]):
                new_rows.append(base.to_dict() | {"thema": theme, "woorden": "",
                                                  "voorgesteld": False, "bevestigd": True,
                                                  "besluit": "toegevoegd"})
        if not chosen:
            new_rows.append(base.to_dict() | {"thema": None, "woorden": "",
                                              "voorgesteld": False, "bevestigd": True,
                                              "besluit": "geen thema"})
        parts.append(pd.DataFrame(new_rows, columns=frame.columns))
    out = pd.concat(parts, ignore_index=True) if parts else frame.iloc[0:0]
    out = out[_CODED_COLUMNS + [c for c in out.columns if c not in _CODED_COLUMNS]]
    out = out.astype({"thema": "str", "woorden": "str", "besluit": "str",
                      "voorgesteld": bool, "bevestigd": bool})
    out.attrs = dict(suggestions.attrs)
    return out


def _require_coded(coded: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(coded, pd.DataFrame) or "besluit" not in coded.columns:
        raise InvalidChoiceError(
            "Dit zijn nog suggesties. Lees ze en bevestig de thema's eerst met "
            "confirm_themes(suggesties, {verhaal_nr: [thema's]})."
        )
    return coded


def count_themes(
    coded: pd.DataFrame,
    by: str | Sequence[str] | None = "buurtcode",
    min_n: int | str | None = NO_SUPPRESSION,
) -> pd.DataFrame:
    """Count confirmed themes: in how many stories of a buurt does a theme occur?

    Only stories that a person has looked at count (``besluit`` is not "nog niet
    bekeken"), and only confirmed themes. ``verhalen`` is that number of stories (n):
    always read ``aantal`` as "aantal van verhalen". A few stories are not a sample of the
    buurt: they show what people brought up, not how many residents think so.

    Parameters
    ----------
    coded : pandas.DataFrame
        From :func:`confirm_themes`.
    by : str, list or None, default "buurtcode"
        Group by these columns; None for the whole area.
    min_n : int, "standaard" or None, default 1
        Blank ``aantal`` and ``verhalen`` where fewer stories than this were looked at
        (same rule as the survey results, :func:`wijklib.guarantees.privacy.suppress`; a column
        ``verborgen`` says where). The default 1 hides nothing: stories are not survey
        answers and a person picks them. ``None`` or ``"standaard"`` is the usual minimum
        group size (``WIJKLIB_MIN_GROEP``, default 10); use it when the table leaves the
        group.

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, ``thema``, ``aantal`` (Int64) and ``verhalen`` (Int64).
        ``attrs["niet_bekeken"]`` is the number of stories not yet looked at.

    Raises
    ------
    WijklibError
        When no story has been looked at yet: there is nothing to count.
    """
    coded = _require_coded(coded)
    keys = [] if by is None else ([by] if isinstance(by, str) else list(by))
    missing = [k for k in keys if k not in coded.columns]
    if missing:
        raise InvalidChoiceError(f"De tabel heeft geen kolom {', '.join(missing)}.")
    looked = coded[coded["besluit"] != _MISSING_DECISION]
    not_looked = coded.loc[coded["besluit"] == _MISSING_DECISION, "verhaal_nr"].nunique()
    if looked.empty:
        raise WijklibError(
            "Er is nog geen enkel verhaal bekeken, dus er is niets te tellen. Lees de "
            "suggesties en bevestig de thema's met confirm_themes(...)."
        )
    confirmed = looked[looked["bevestigd"] & looked["thema"].notna()]
    themes = [t for t in _known_themes(coded) if t in set(confirmed["thema"])]
    if keys:
        groups = looked.groupby(keys, dropna=False)["verhaal_nr"].nunique()
        group_keys = [k if isinstance(k, tuple) else (k,) for k in groups.index]
        totals = dict(zip(group_keys, groups.to_numpy(), strict=True))
    else:
        group_keys = [()]
        totals = {(): looked["verhaal_nr"].nunique()}
    rows = []
    for gk in group_keys:
        mask = np.ones(len(confirmed), dtype=bool)
        for k, v in zip(keys, gk, strict=True):
            col = confirmed[k]
            mask &= (col.isna() if _is_missing(v) else (col == v)).to_numpy()
        sub = confirmed[mask]
        per_theme = sub.groupby("thema")["verhaal_nr"].nunique()
        for theme in themes:
            rows.append(dict(zip(keys, gk, strict=True))
                        | {"thema": theme, "aantal": int(per_theme.get(theme, 0)),
                           "verhalen": int(totals[gk])})
    out = pd.DataFrame(rows, columns=[*keys, "thema", "aantal", "verhalen"])
    out = out.astype({"aantal": "Int64", "verhalen": "Int64", "thema": "str"})
    threshold = min_group_size(min_n)
    if threshold > NO_SUPPRESSION:
        from wijklib.guarantees.privacy import suppress

        out = suppress(out, "verhalen", ["aantal"], threshold)
        for column in ("aantal", "verhalen"):
            out[column] = pd.to_numeric(out[column], errors="coerce").astype("Int64")
    out.attrs = {"niet_bekeken": int(not_looked), "min_n": threshold,
                 "oefendata": bool(coded.attrs.get("oefendata", False))}
    return out


def pick_quotes(
    coded: pd.DataFrame,
    thema: str,
    buurtcode: str | None = None,
    k: int = 3,
    seed: int = 2026,
    max_chars: int = 220,
) -> pd.DataFrame:
    """Pick a few confirmed stories that illustrate a theme.

    Short stories (up to ``max_chars``) come first; longer ones only when there are not
    enough short ones. The picks are spread over the kinds of source (a gesprek, an
    interview, the verhalenavond …) so one evening does not speak for everyone.
    Reproducible with ``seed``. Quotes are never shortened or changed.

    Parameters
    ----------
    coded : pandas.DataFrame
        From :func:`confirm_themes`.
    thema : str
    buurtcode : str, optional
        Only stories about this buurt.
    k : int, default 3
    seed : int, default 2026
    max_chars : int, default 220

    Returns
    -------
    pandas.DataFrame
        ``verhaal_nr``, ``buurtcode``, ``bron_type``, ``verhaal``; ``attrs["beschikbaar"]``
        is the number of different stories to choose from (the same words told twice
        count once).
    """
    coded = _require_coded(coded)
    known = _known_themes(coded)
    match = next((t for t in known if _norm(t) == _norm(thema)), None)
    if match is None:
        close = difflib.get_close_matches(_norm(thema), known, n=1, cutoff=0.6)
        maybe = f" Bedoel je '{close[0]}'?" if close else ""
        raise InvalidChoiceError(
            f"Het thema '{thema}' ken ik niet.{maybe} Kies uit: {', '.join(known)}."
        )
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise InvalidChoiceError("k is het aantal citaten: een heel getal van 1 of meer.")
    pool = coded[coded["bevestigd"] & (coded["thema"] == match)]
    if buurtcode is not None:
        pool = pool[pool["buurtcode"] == str(buurtcode).strip().upper()]
    pool = pool.drop_duplicates("verhaal_nr")[["verhaal_nr", "buurtcode", "bron_type",
                                               "verhaal"]]
    pool = pool[~pool["verhaal"].map(_norm).duplicated()]  # the same words only once
    rng = np.random.default_rng(seed)
    if pool.empty:
        out = pool.reset_index(drop=True)
        out.attrs = {"beschikbaar": 0}
        return out
    pool = pool.iloc[rng.permutation(len(pool))]
    lengths = pool["verhaal"].str.len().to_numpy()
    short = pool[lengths <= max_chars]
    long = pool[lengths > max_chars].assign(_len=lambda f: f["verhaal"].str.len())
    long = long.sort_values("_len", kind="stable").drop(columns="_len")
    chosen: list[Any] = []
    for part in (short, long):
        groups = {src: list(g.index) for src, g in part.groupby(
            part["bron_type"].fillna("onbekend"), sort=True)}
        order = list(groups)
        order = [order[i] for i in rng.permutation(len(order))]
        while len(chosen) < k and any(groups[s] for s in order):
            for source in order:
                if groups[source] and len(chosen) < k:
                    chosen.append(groups[source].pop(0))
        if len(chosen) >= k:
            break
    out = pool.loc[chosen].reset_index(drop=True)
    out.attrs = {"beschikbaar": len(pool)}
    return out


# ---------------------------------------------------------------------------------------
# Strengths
# ---------------------------------------------------------------------------------------


def assets_overview(assets: pd.DataFrame, by: str | None = "buurtcode") -> pd.DataFrame:
    """Count the strengths per kind (and per buurt).

    A 0 means that nothing of that kind was written down, not that there is nothing.

    Parameters
    ----------
    assets : pandas.DataFrame
        From :func:`new_assets`/:func:`add_asset`, :func:`read_assets` or
        :func:`practice_assets`.
    by : str or None, default "buurtcode"
        None for one row for the whole area.

    Returns
    -------
    pandas.DataFrame
        One row per buurt, one column per kind (:data:`ASSET_KINDS`) and ``totaal``.
    """
    missing = [c for c in ("soort", *([by] if by else [])) if c not in assets.columns]
    if missing:
        raise InvalidChoiceError(
            f"De tabel mist de kolom(men) {', '.join(missing)}. Gebruik new_assets()."
        )
    data = assets.copy()
    key = by if by else "_alle"
    if not by:
        data[key] = "hele gebied"
    table = pd.crosstab(data[key].fillna("onbekend"), data["soort"])
    for kind in ASSET_KINDS:
        if kind not in table.columns:
            table[kind] = 0
    other = [c for c in table.columns if c not in ASSET_KINDS]
    table = table[list(ASSET_KINDS) + other].astype("Int64")
    table["totaal"] = table.sum(axis=1).astype("Int64")
    table.columns.name = None
    out = table.reset_index().rename(columns={"_alle": "gebied"})
    out.attrs = {"oefendata": bool(assets.attrs.get("oefendata", False))}
    return out


# ---------------------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------------------

_TABLE_STYLE = (
    "border-collapse:collapse;font:13px/1.4 sans-serif;margin:.4em 0;max-width:900px"
)
_CELL = "border:1px solid #ccc;padding:4px 8px;vertical-align:top;text-align:left"


def _table(caption: str, header: Sequence[str], rows: Sequence[Sequence[str]],
           note: str | None = None, css_class: str = "wijklib-table") -> str:
    """An HTML table; ``rows`` hold HTML that is already escaped."""
    head = "".join(f'<th style="{_CELL};background:#f2f2f2">{escape(h)}</th>'
                   for h in header)
    body = "".join("<tr>" + "".join(f'<td style="{_CELL}">{c}</td>' for c in row) + "</tr>"
                   for row in rows)
    foot = f'<p style="font:12px sans-serif;color:#555">{escape(note)}</p>' if note else ""
    return (
        f'<div class="{css_class}"><table style="{_TABLE_STYLE}">'
        f'<caption style="text-align:left;font-weight:bold;padding:4px 0">'
        f"{escape(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>{foot}</div>"
    )


def stories_html(
    coded: pd.DataFrame,
    buurtcode: str | None = None,
    k: int = 2,
    seed: int = 2026,
    min_n: int | str | None = NO_SUPPRESSION,
    title: str | None = None,
) -> str:
    """A small HTML table: per confirmed theme, how many stories, and a few quotes.

    Every text is escaped. Counts are "aantal van n verhalen"; with ``min_n`` counts of
    fewer stories than that are not shown.

    Parameters
    ----------
    coded : pandas.DataFrame
        From :func:`confirm_themes`.
    buurtcode : str, optional
        One buurt; default the whole area.
    k : int, default 2
        Quotes per theme.
    seed : int, default 2026
    min_n : int, "standaard" or None, default 1
        As in :func:`count_themes`: 1 hides nothing, None is the usual minimum.
    title : str, optional
        Caption; default "Wat vertellen bewoners?".

    Returns
    -------
    str
        HTML (for ``IPython.display.HTML`` or an export).
    """
    coded = _require_coded(coded)
    subset = coded if buurtcode is None else coded[coded["buurtcode"] == buurtcode]
    caption = title or "Wat vertellen bewoners?"
    if subset.empty or (subset["besluit"] == _MISSING_DECISION).all():
        return _table(caption, ["Thema", "Verhalen", "Voorbeelden"],
                      [["—", "geen bekeken verhalen", "—"]])
    counts = count_themes(subset, by=None, min_n=min_n)
    labels = dict(zip(load_themes()["thema"], load_themes()["label"], strict=False))
    rows = []
    for row in counts.sort_values("aantal", ascending=False, na_position="last").itertuples():
        quotes = pick_quotes(subset, row.thema, k=k, seed=seed)
        items = "".join(
            f"<li>“{escape(q.verhaal)}” <small>({escape(str(q.bron_type))})</small>"
            "</li>" if not _is_missing(q.bron_type) else
            f"<li>“{escape(q.verhaal)}”</li>"
            for q in quotes.itertuples()
        )
        shown = ("te weinig verhalen om te tellen" if pd.isna(row.aantal)
                 else f"{row.aantal} van {row.verhalen}")
        rows.append([escape(labels.get(row.thema, row.thema)), escape(shown),
                     f'<ul style="margin:0;padding-left:1.2em">{items}</ul>'])
    n_open = counts.attrs.get("niet_bekeken", 0)
    note = "Alleen thema's die een persoon heeft bevestigd tellen mee."
    if n_open:
        note += f" {n_open} verhalen zijn nog niet bekeken en tellen niet mee."
    if coded.attrs.get("oefendata"):
        note += " Oefendata: verzonnen verhalen, niet echt."
    return _table(caption, ["Thema", "Verhalen (aantal van n)", "Voorbeelden"], rows, note,
                  "wijklib-table wijklib-stories")


def assets_html(
    assets: pd.DataFrame, buurtcode: str | None = None, max_examples: int = 3,
    title: str | None = None,
) -> str:
    """A small HTML table of the buurt's strengths: per kind the number and examples.

    Parameters
    ----------
    assets : pandas.DataFrame
    buurtcode : str, optional
        One buurt; default the whole area.
    max_examples : int, default 3
    title : str, optional
        Caption; default "Krachten van de buurt".

    Returns
    -------
    str
        HTML with every text escaped.
    """
    subset = assets if buurtcode is None else assets[assets["buurtcode"] == buurtcode]
    rows = []
    for kind in ASSET_KINDS:
        part = subset[subset["soort"] == kind]
        examples = ", ".join(escape(str(v)) for v in
                             part["naam_of_omschrijving"].dropna().head(max_examples))
        more = " …" if len(part) > max_examples else ""
        rows.append([escape(kind), str(len(part)), (examples + more) or "—"])
    note = "Een 0 betekent: niets opgeschreven, niet: er is niets."
    if assets.attrs.get("oefendata"):
        note += " Oefendata: verzonnen, niet echt."
    return _table(title or "Krachten van de buurt", ["Soort", "Aantal", "Voorbeelden"], rows,
                  note, "wijklib-table wijklib-assets")


# ---------------------------------------------------------------------------------------
# Practice data
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
