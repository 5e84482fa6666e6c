"""The buurtagenda as data: priorities, ambitions, actions, evidence, saved on every change.

The structure follows the seven building blocks of *Hoe maak ik een buurtagenda?*
(Platform31, 2021): urgentie → buurtscan → partijen → verhalen ophalen → tellen en
vertellen verbinden → koppelen aan gemeentelijk beleid → buurtagenda.

* :class:`Agenda` — gemeente, buurten, priorities (:class:`Prioriteit`), ambitions
  (:class:`Ambitie`, alias ``Item``), the strengths of the buurt (:class:`Kracht`), general
  stories and quotes (:class:`Onderbouwing`) and the survey (:class:`Enquete`).
* Every ambition has a measurable indicator with a baseline (value *and* year), a target,
  actions (:class:`Actie`: wat, wie, wanneer), partners, a link to municipal policy, a
  review moment and its evidence (``onderbouwing``: figures, survey scores, stories and
  map notes with source and year), so each item traces back to what it rests on.
  :func:`validate` lists what is still missing, in Dutch.
* Priorities come from dot voting (:func:`dot_vote`) or weights (:func:`weigh`).

Saving (nothing lost)
---------------------
:func:`save_state` writes JSON atomically (a temporary file in the same folder, then a
rename), with ``schema`` and ``schema_version`` fields. An existing file that is not a
valid state of the current version (damaged, older or newer) is first copied to
``<name>.bak-<timestamp>.json``; without that copy nothing is overwritten.
:func:`load_state` gives Dutch errors (with line and column for broken JSON) and migrates
older versions:

* version 0: the bare agenda dictionary (as ``dataclasses.asdict(agenda)`` gives, without
  the ``schema`` wrapper; e.g. saved by hand with ``json.dump``), possibly with items
  without ``id``. It is wrapped and completed; a :class:`MigrationWarning` says so.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import hashlib
import json
import math
import os
import shutil
import uuid
import warnings
from collections.abc import Collection, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from wijklib.errors import InvalidChoiceError, WijklibError
from wijklib.guarantees import provenance
from wijklib.guarantees.privacy import NO_ANSWER_GROUP, mask_personal, share_groups_hidden
from wijklib.guarantees.writing import atomic_write_text

#: Name and version of the state file format.
SCHEMA = "wijklib-buurtagenda"
SCHEMA_VERSION = 1
#: Partners to choose from (free text is allowed too).
PARTNERS = (
    "bewoners",
    "gemeente",
    "woningcorporatie",
    "welzijn",
    "politie",
    "school",
    "ondernemers",
    "zorg",
    "jongerenwerk",
    "verenigingen",
)
#: Kinds of evidence.
EVIDENCE_KINDS = ("cijfer", "enquete", "verhaal", "kaartnotitie", "wijkschouw", "overig")
#: Kinds of evidence that are figures (they need a year).
FIGURE_KINDS = ("cijfer", "enquete")
#: Kinds of strengths (asset-based community development).
ASSET_KINDS = ("mensen", "verenigingen", "instellingen", "plekken", "economie")
#: Where an indicator comes from.
SOURCES = ("cbs", "enquete", "politie", "gemeente", "eigen")
#: The seven building blocks, in order.
BOUWSTENEN = (
    "urgentie",
    "buurtscan",
    "partijen",
    "verhalen ophalen",
    "tellen en vertellen verbinden",
    "koppelen aan gemeentelijk beleid",
    "buurtagenda",
)


class AgendaError(WijklibError):
    """Something is wrong with the agenda or its file (Dutch message)."""


class StateFileError(AgendaError, ValueError):
    """A state file that cannot be read: missing, damaged, or not a buurtagenda."""


class StateVersionError(StateFileError):
    """A state file of a version this wijklib cannot read."""


class NoBaselineError(AgendaError, LookupError):
    """There is no baseline value: the survey score is hidden or missing (Dutch message)."""


class StateConflictError(AgendaError):
    """The state file was changed by someone else since this agenda was loaded or saved."""


class ExampleError(AgendaError, ValueError):
    """An example ambition was put in an agenda; only what the group decided goes in."""


def example_message(item: Ambitie) -> str:
    """The Dutch explanation why an example ambition stays out of the agenda."""
    return (f"De ambitie '{' '.join(str(item.ambitie).split())[:60]}' ({item.thema}) is een "
            "voorbeeld. Die komt niet in je agenda en niet in de export: niemand heeft haar "
            "besloten. Wil je haar gebruiken? Maak haar jullie eigen (pas de tekst, het doel "
            "en de acties aan) en zet voorbeeld op False.")


class MigrationWarning(UserWarning):
    """An older state file was converted to the current version."""


class BackupWarning(UserWarning):
    """An unreadable or older state file was copied aside before it was overwritten."""


def _missing(value: Any) -> bool:
    """True for None, NaN and ``pd.NA`` (any missing scalar)."""
    if value is None:
        return True
    try:
        import pandas as pd

        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _new_id() -> str:
    return uuid.uuid4().hex[:8]


# ----------------------------------------------------------------------- data model


@dataclass
class Onderbouwing:
    """One piece of evidence: a figure, a survey score, a story or a map note.

    Attributes
    ----------
    soort : str
        One of :data:`EVIDENCE_KINDS`.
    tekst : str
        The figure in words, the quote or the note.
    bron : str
        Where it comes from, e.g. "CBS Kerncijfers wijken en buurten (85984NED)",
        "verhalenavond", "eigen enquête".
    jaar : int, optional
        Year of the figure or of the conversation.
    ref : str
        Id of the figure, story or map note it refers to (e.g. an indicator name).
    """

    soort: str
    tekst: str
    bron: str = ""
    jaar: int | None = None
    ref: str = ""


@dataclass
class Actie:
    """An action: what, who and when."""

    wat: str
    wie: str = ""
    wanneer: str = ""


@dataclass
class Ambitie:
    """One agenda item: an ambition with a measurable indicator and an approach.

    Attributes
    ----------
    thema : str
        Theme (as in :mod:`wijklib.agenda.ringen`).
    ambitie : str
        What the group wants to reach, in everyday words.
    indicator : str
        Name of the measurable indicator (a CBS column or a survey scale).
    bron : str
        Where the indicator comes from: one of :data:`SOURCES` (or free text).
    basiswaarde : float, optional
        The baseline (nulmeting).
    basisjaar : int, optional
        Year of the baseline.
    doel : float or str, optional
        The target value (or a short text such as "minstens 7").
    doeljaar : int, optional
        When the target should be reached.
    eenheid : str
        Unit of the indicator, e.g. "% van de woningen" or "rapportcijfer 1-10".
    acties : list of Actie
    partners : list of str
        From :data:`PARTNERS` or free text.
    beleid : str
        The municipal policy it links to (name and/or link).
    evaluatie : str
        When it is reviewed, e.g. "voorjaar 2026".
    onderbouwing : list of Onderbouwing
        The figures and stories it rests on.
    id : str
        Stable identifier (made automatically).
    voorbeeld : bool
        True for an example shown in the notebook: it is never put in an agenda or in an
        export, because nobody decided it. Make it your own and set it to False to use it.
    """

    thema: str
    ambitie: str
    indicator: str = ""
    bron: str = ""
    basiswaarde: float | None = None
    basisjaar: int | None = None
    doel: float | str | None = None
    doeljaar: int | None = None
    eenheid: str = ""
    acties: list[Actie] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    beleid: str = ""
    evaluatie: str = ""
    onderbouwing: list[Onderbouwing] = field(default_factory=list)
    id: str = field(default_factory=_new_id)
    voorbeeld: bool = False


#: The brief's name for an agenda item.
Item = Ambitie


@dataclass
class Kracht:
    """A strength of the buurt: a resource for the approach, not a problem.

    Attributes
    ----------
    wat : str
        E.g. "buurttuin aan de Kanaalstraat", "taalcafé in de bibliotheek".
    soort : str
        One of :data:`ASSET_KINDS` (or free text).
    toelichting : str
    bron : str
        Where it was found (buurtgesprek, kaartnotitie, wijkschouw, …).
    thema : str
        Theme it helps with (optional).
    """

    wat: str
    soort: str = ""
    toelichting: str = ""
    bron: str = ""
    thema: str = ""


@dataclass
class Prioriteit:
    """A theme with its place in the order of priorities.

    Attributes
    ----------
    thema : str
    rang : int
        1 = most important; equal votes share a rank.
    gewicht : float
        Share of all votes or weights (0 to 1).
    stemmen : int, optional
        Number of dots (None when weights were used).
    toelichting : str
        Why: the figures, stories and quotes the group pointed at.
    """

    thema: str
    rang: int
    gewicht: float
    stemmen: int | None = None
    toelichting: str = ""


@dataclass
class Enquete:
    """The group's own survey, as it appears under the sources."""

    naam: str = "eigen enquête"
    jaar: int | None = None
    n: int | None = None
    toelichting: str = ""


@dataclass
class Agenda:
    """The whole buurtagenda (see the module docstring).

    Attributes
    ----------
    gemeente : str
    buurten : list of str
        Codes of the buurt or buurten (older files may hold names).
    titel : str
    made_at : str
        ISO date and time it was started.
    version : int
        Version of the agenda itself (raise it for next year's round); the file format
        has its own ``schema_version``.
    samenvatting : str
    priorities : list of Prioriteit
    items : list of Ambitie
    krachten : list of Kracht
    verhalen : list of Onderbouwing
        Stories, quotes and findings about the buurt in general.
    enquete : Enquete, optional
    buurtnamen : dict of str to str
        Name per buurtcode, for display (:meth:`buurt_labels`). Codes keep two buurten
        with the same name apart.
    reflectie : str
        What the participant (or the group) takes away from the session, in their own
        words; shown in the export and collected by the group mode.
    revision : str, optional
        Fingerprint of the state file this agenda was last loaded from or saved to (not
        saved itself). :func:`save_state` uses it to notice that another notebook changed
        the file in the meantime.
    """

    gemeente: str
    buurten: list[str] = field(default_factory=list)
    titel: str = ""
    made_at: str = field(default_factory=_now)
    version: int = 1
    samenvatting: str = ""
    priorities: list[Prioriteit] = field(default_factory=list)
    items: list[Ambitie] = field(default_factory=list)
    krachten: list[Kracht] = field(default_factory=list)
    verhalen: list[Onderbouwing] = field(default_factory=list)
    enquete: Enquete | None = None
    buurtnamen: dict[str, str] = field(default_factory=dict)
    reflectie: str = ""
    revision: str | None = field(default=None, compare=False, repr=False)

    def buurt_labels(self) -> list[str]:
        """The buurten as people read them: "name (code)", or the stored text as it is."""
        out = []
        for buurt in self.buurten:
            name = self.buurtnamen.get(buurt, "")
            out.append(f"{name} ({buurt})" if name and name != buurt else str(buurt))
        return out

    def add(self, item: Ambitie) -> Ambitie:
        """Add an ambition and return it.

        Raises
        ------
        ExampleError
            When the ambition is an example (``voorbeeld=True``): an agenda holds only
            what the group decided.
        """
        if not isinstance(item, Ambitie):
            raise InvalidChoiceError("Voeg een Ambitie(...) toe aan de agenda.")
        if item.voorbeeld is not False:  # anything but a clear False is not a decision
            raise ExampleError(example_message(item))
        self.items.append(item)
        return item

    def item(self, key: str | int) -> Ambitie:
        """An ambition by id or by number (1 = first)."""
        if isinstance(key, int) and not isinstance(key, bool):
            if 1 <= key <= len(self.items):
                return self.items[key - 1]
        for item in self.items:
            if item.id == key:
                return item
        raise InvalidChoiceError(
            f"Ambitie '{key}' staat niet in de agenda. Gebruik een nummer van 1 tot "
            f"{len(self.items)} of het id van de ambitie."
        )


# ------------------------------------------------------------------------ priorities


def _number_map(values: Any, what: str) -> dict[str, float]:
    if not isinstance(values, Mapping) or not values:
        raise InvalidChoiceError(
            f"Geef de {what} als woordenboek per thema, bijvoorbeeld "
            "{'veiligheid': 5, 'wonen': 3}."
        )
    out: dict[str, float] = {}
    for thema, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidChoiceError(
                f"Bij '{thema}' staat {value!r}. Vul een getal in (0 of meer)."
            )
        if not math.isfinite(value) or value < 0:
            raise InvalidChoiceError(
                f"Bij '{thema}' staat {value}. Vul een getal van 0 of meer in."
            )
        name = str(thema).strip()
        if not name:
            raise InvalidChoiceError(f"Een van de {what} heeft geen thema.")
        out[name] = float(value)
    return out


def _ranked(values: dict[str, float], votes: bool) -> list[Prioriteit]:
    total = sum(values.values())
    if total <= 0:
        raise InvalidChoiceError(
            "Alle thema's hebben 0. Verdeel eerst de stippen of geef minstens één thema "
            "een gewicht."
        )
    order = sorted(
        ((t, v) for t, v in values.items() if v > 0), key=lambda tv: -tv[1]
    )  # stable: ties keep their input order
    out: list[Prioriteit] = []
    for position, (thema, value) in enumerate(order, start=1):
        rank = out[-1].rang if out and math.isclose(value, order[position - 2][1]) else position
        out.append(
            Prioriteit(
                thema=thema,
                rang=rank,
                gewicht=value / total,
                stemmen=int(value) if votes else None,
            )
        )
    return out


def dots_text(n: int) -> str:
    """A number of dots in Dutch: "1 stip", "3 stippen"."""
    return f"{n} stip" if n == 1 else f"{n} stippen"


def dot_vote(votes: Mapping[str, int]) -> list[Prioriteit]:
    """Priorities from dot voting: the theme with the most dots comes first.

    Parameters
    ----------
    votes : dict of str to int
        Number of dots per theme (0 or more). Themes with 0 dots are left out.

    Returns
    -------
    list of Prioriteit
        Most dots first; equal numbers share a rank (1, 2, 2, 4) and keep their order.
    """
    values = _number_map(votes, "stippen")
    for thema, value in values.items():
        if value != int(value):
            raise InvalidChoiceError(
                f"Bij '{thema}' staat {value}. Stippen zijn hele getallen."
            )
    return _ranked(values, votes=True)


def weigh(weights: Mapping[str, float]) -> list[Prioriteit]:
    """Priorities from weights (any positive numbers; only the ratios matter).

    Returns
    -------
    list of Prioriteit
        Highest weight first; ``gewicht`` is the share of the total.
    """
    return _ranked(_number_map(weights, "gewichten"), votes=False)


# --------------------------------------------------------------------- baselines


def nulmeting_cbs(kerncijfers: Any, buurtcode: str, indicator: str) -> dict[str, Any]:
    """Baseline of a CBS indicator for one buurt, ready for ``Ambitie(**...)``.

    Parameters
    ----------
    kerncijfers : pandas.DataFrame
        From :func:`wijklib.kerncijfers` (its ``jaar``/``tabel``/``bron`` columns, see
        :mod:`wijklib.guarantees.provenance`).
    buurtcode : str
        Code (or exact name) of the buurt.
    indicator : str
        Column name.

    Returns
    -------
    dict
        ``indicator``, ``bron`` ("cbs"), ``basiswaarde`` (None when CBS has no figure),
        ``basisjaar``, ``eenheid`` and ``onderbouwing`` (one ``cijfer`` item).
    """
    from wijklib.data import catalog
    from wijklib.tellen.compare import find_area_row, format_number

    if indicator not in getattr(kerncijfers, "columns", []):
        raise InvalidChoiceError(
            f"De kolom '{indicator}' staat niet in de kerncijfers. Kijk in "
            "wijklib.indicatoren() welke er zijn."
        )
    position = find_area_row(kerncijfers, buurtcode)
    row = kerncijfers.iloc[position]
    info = provenance.require(kerncijfers.iloc[[position]], indicator)
    value = row[indicator]
    value = None if _missing(value) else float(value)
    try:
        ind = catalog.get(indicator)
        label, unit = ind.label, ind.eenheid
    except WijklibError:
        label, unit = indicator, ""
    year = info.get("year")
    table = info.get("table_id")
    source = f"CBS Kerncijfers wijken en buurten ({table})" if table else (
        "CBS Kerncijfers wijken en buurten"
    )
    shown = format_number(value) if value is not None else "geen cijfer (ontbreekt of geheim)"
    name = row["naam"] if "naam" in kerncijfers.columns else buurtcode
    return {
        "indicator": indicator,
        "bron": "cbs",
        "basiswaarde": value,
        "basisjaar": int(year) if year is not None else None,
        "eenheid": unit,
        "onderbouwing": [
            Onderbouwing(
                soort="cijfer",
                tekst=(f"{label} in {name}: {shown} {unit}".strip() if value is not None
                       else f"{label} in {name}: {shown}"),
                bron=source,
                jaar=int(year) if year is not None else None,
                ref=indicator,
            )
        ],
    }


def nulmeting_enquete(
    scale_scores: Any, buurtcode: str, schaal: str, jaar: int | None, naam: str = "eigen enquête"
) -> dict[str, Any]:
    """Baseline of a survey scale for one buurt, ready for ``Ambitie(**...)``.

    Parameters
    ----------
    scale_scores : pandas.DataFrame
        From :mod:`wijklib.vertellen.scores` (``buurtcode``, ``schaal``, ``score``, ``n``, …).
    buurtcode : str
        Code of the buurt (or "totaal").
    schaal : str
        Scale name, e.g. "sociale_cohesie".
    jaar : int or None
        Year of the survey.
    naam : str
        Name of the survey as it appears under the sources.

    Returns
    -------
    dict
        ``indicator``, ``bron`` ("enquete"), ``basiswaarde``, ``basisjaar``, ``eenheid``
        and ``onderbouwing`` (one ``enquete`` item with the interval and n).

    Raises
    ------
    NoBaselineError
        When the score is hidden (too few participants) or missing: a baseline without a
        value helps nobody, so the Dutch message says what to choose instead.
    """
    from wijklib.tellen.compare import format_number

    for column in ("buurtcode", "schaal", "score"):
        if column not in getattr(scale_scores, "columns", []):
            raise InvalidChoiceError(
                "Ik verwacht de schaalscores uit wijklib.vertellen.scores (kolommen buurtcode, "
                "schaal, score, …)."
            )
    rows = scale_scores[
        (scale_scores["buurtcode"].astype(str) == str(buurtcode))
        & (scale_scores["schaal"].astype(str) == str(schaal))
    ]
    if rows.empty:
        raise InvalidChoiceError(
            f"De schaal '{schaal}' voor buurt '{buurtcode}' staat niet in de scores."
        )
    row = rows.iloc[0]
    score = row["score"]
    value = None if _missing(score) else float(score)
    label = str(row["label"]) if "label" in rows.columns and isinstance(row["label"], str) else (
        schaal
    )
    n = row["n"] if "n" in rows.columns else None
    n_text = "" if _missing(n) else f", n = {int(n)}"
    buurt = row["buurtnaam"] if "buurtnaam" in rows.columns else buurtcode
    buurt = buurtcode if _missing(buurt) else buurt
    if value is None:
        hidden = "verborgen" in rows.columns and not _missing(row["verborgen"]) and bool(
            row["verborgen"]
        )
        reason = row["reden"] if "reden" in rows.columns and isinstance(row["reden"], str) else ""
        if hidden and reason and "terugrekenen" in reason:
            why = "de score is verborgen, zodat je een kleine groep niet kunt terugrekenen"
        elif hidden:
            why = f"te weinig deelnemers ({n_text[2:] or 'n onbekend'}), dus de score is verborgen"
        elif n_text:
            why = f"geen bruikbare antwoorden ({n_text[2:]})"
        else:
            why = "te weinig deelnemers of geen antwoorden"
        raise NoBaselineError(
            f"Voor '{label}' in {buurt} is er geen nulmeting: {why}. Kies een grotere groep "
            "(bijvoorbeeld alle deelnemers: buurtcode \"totaal\"), een andere schaal, of een "
            "cijfer van het CBS met nulmeting_cbs(...)."
        )
    interval = ""
    if {"ondergrens", "bovengrens"} <= set(rows.columns):
        lo, hi = row["ondergrens"], row["bovengrens"]
        if not _missing(lo) and not _missing(hi):
            interval = f" (marge {format_number(lo)} tot {format_number(hi)})"
    text = f"{label}: {format_number(value)}{interval}{n_text}"
    unit = row["eenheid"] if "eenheid" in rows.columns and isinstance(row["eenheid"], str) else (
        ""
    )
    return {
        "indicator": schaal,
        "bron": "enquete",
        "basiswaarde": value,
        "basisjaar": jaar,
        "eenheid": unit,
        "onderbouwing": [
            Onderbouwing(soort="enquete", tekst=f"{text} — {buurt}", bron=naam, jaar=jaar,
                         ref=schaal)
        ],
    }


def direction(indicator: str) -> str | None:
    """``"gunstig"`` (higher is better), ``"ongunstig"`` or None for an indicator or scale.

    Looks in the ring definition (:func:`wijklib.agenda.ringen.definitie`) first, then in the
    indicator catalogue.
    """
    from wijklib.agenda import ringen
    from wijklib.data import catalog

    definition = ringen.definitie()
    rows = definition[definition["naam"] == str(indicator)]
    if len(rows):
        return str(rows["hoger_is"].iloc[0])
    try:
        value = catalog.get(str(indicator)).hoger_is
    except (KeyError, WijklibError):
        return None
    return value if value in ("gunstig", "ongunstig") else None


def _unit_limits(unit: str) -> tuple[float, float] | None:
    """(low, high) of a unit such as ``"0-10"``, ``"1–10"`` or ``"%"``; None when unknown."""
    text = str(unit).replace("–", "-").replace(" ", "")
    if "%" in text or text == "procent":
        return (0.0, 100.0)
    parts = text.split("-")
    if len(parts) == 2:
        try:
            return (float(parts[0].replace(",", ".")), float(parts[1].replace(",", ".")))
        except ValueError:
            return None
    return None


def unit_limits(unit: str) -> tuple[float, float] | None:
    """(low, high) of a unit such as ``"0-10"``, ``"1–10"`` or ``"%"``; None when unknown.

    Examples
    --------
    >>> unit_limits("0–10")
    (0.0, 10.0)
    >>> unit_limits("%")
    (0.0, 100.0)
    """
    return _unit_limits(unit)


def target_from_baseline(
    baseline: Mapping[str, Any], percent: float = 10.0, decimals: int = 1
) -> float | None:
    """A target ``percent`` % better than the baseline, in the indicator's direction.

    Parameters
    ----------
    baseline : dict
        From :func:`nulmeting_enquete` or :func:`nulmeting_cbs` (``indicator``,
        ``basiswaarde``, ``eenheid``).
    percent : float
        How much better, as a share of the baseline (10 = ten percent).
    decimals : int
        Rounding of the target.

    Returns
    -------
    float or None
        Higher for ``gunstig``, lower for ``ongunstig``; kept within the unit's range
        (0–100 for a percentage, 0–10 for a 0–10 scale). A baseline of 0 moves by
        ``percent`` % of that range instead (10 % of 0 is no change). None when there is
        no baseline value, the direction is unknown, or the baseline is already at the
        best end of the range (then choose the target yourself).
    """
    value = baseline.get("basiswaarde") if isinstance(baseline, Mapping) else None
    if _missing(value) or isinstance(value, bool) or not isinstance(value, int | float):
        return None
    way = direction(str(baseline.get("indicator", "")))
    if way is None:
        return None
    factor = 1 + percent / 100 if way == "gunstig" else 1 - percent / 100
    target = float(value) * factor
    limits = _unit_limits(str(baseline.get("eenheid", "")))
    if limits is not None:
        if target == float(value):  # a baseline of 0: a share of the range instead
            step = (limits[1] - limits[0]) * percent / 100
            target = float(value) + (step if way == "gunstig" else -step)
        target = min(max(target, limits[0]), limits[1])
    target = round(target, decimals)
    return None if target == round(float(value), decimals) else target


def share_text(
    groups: Any,
    value: str,
    label: str,
    minimum: int,
    reference: Any = None,
    reference_year: int | None = None,
    reference_name: str = "",
    unknown: Sequence[str] = ("geen_antwoord", "weet_niet", ""),
    *,
    suppression: Any = None,
    codes: Sequence[str] | None = None,
    hidden_groups: Collection[str] | None = None,
) -> str:
    """One Dutch line: the share of participants in a group next to the CBS figure.

    The share is only shown when at least ``minimum`` participants gave a known answer
    (missing answers and "zeg ik liever niet" are left out, not counted as "no"); the line
    gives n and the year of the CBS figure. Otherwise it says why the share is not shown,
    without a number of participants below the minimum.

    Parameters
    ----------
    groups : sequence or pandas.Series
        One answer per participant, e.g. the ``leeftijdsgroep`` column.
    value : str
        The answer that is counted, e.g. ``"65_plus"``.
    label : str
        That answer in words, e.g. ``"65 jaar of ouder"``.
    minimum : int
        Smallest group that may be shown (privacy and reliability).
    reference : float, optional
        The same share among all inhabitants (CBS), in percent.
    reference_year : int, optional
        Year of the CBS figure.
    reference_name : str
        Area of the CBS figure, e.g. the wijk name.
    unknown : sequence of str
        Answers that count as "unknown".
    suppression : wijklib.guarantees.privacy.Suppression, optional
        The survey's one decision on what may be shown, with ``codes`` the buurten of
        ``groups``: when it hides their total, the line shows no numbers of participants
        (they add up to that total).
    codes : sequence of str, optional
        The buurtcodes the answers in ``groups`` come from.
    hidden_groups : collection of str, optional
        The groups the published table of the same answers hides (``attrs["verborgen"]``
        of :func:`wijklib.vertellen.samenvatting.age_table`). The line gives the counted
        group and those without an answer away, so it shows no numbers when either is
        hidden (:func:`wijklib.guarantees.privacy.share_groups_hidden`; default: decided
        from ``groups`` the way that table decides).

    Returns
    -------
    str
    """
    return share_line(share_figure(groups, value, minimum, unknown, suppression=suppression,
                                   codes=codes, hidden_groups=hidden_groups),
                      label, reference, reference_year, reference_name)


def share_figure(
    groups: Any,
    value: str,
    minimum: int,
    unknown: Sequence[str] = ("geen_antwoord", "weet_niet", ""),
    *,
    suppression: Any = None,
    codes: Sequence[str] | None = None,
    hidden_groups: Collection[str] | None = None,
) -> dict[str, Any]:
    """The share of participants with one answer, as plain values that may be handed on.

    The suppression is decided here, once: the result holds no number of participants
    below the minimum, so notebook 2 can save it and notebook 3 can show it with
    :func:`share_line` without the answers themselves.

    Parameters
    ----------
    groups, value, minimum, unknown, suppression, codes, hidden_groups
        As in :func:`share_text`.

    Returns
    -------
    dict
        ``status``: ``"getoond"`` (with ``aandeel`` in percent, ``n`` the participants who
        answered and ``zonder`` those who did not), ``"niemand"``, ``"te weinig"``,
        ``"terugrekenen"`` (the area's total is hidden) or ``"kleine groep"`` (the line
        would give a hidden group away); no numbers unless shown; ``minimum``.
    """
    import pandas as pd

    answers = pd.Series(list(groups) if groups is not None else [], dtype="object")
    known = answers[[not _missing(a) and str(a).strip() not in unknown for a in answers]]
    known = known.astype(str).str.strip()
    n = len(known)
    counts = {str(k): int(c) for k, c in known.value_counts().items()}
    counts[NO_ANSWER_GROUP] = len(answers) - n
    figure: dict[str, Any] = {"status": "getoond", "minimum": int(minimum), "aandeel": None,
                              "n": None, "zonder": None}
    if n == 0:
        figure["status"] = "niemand"
    elif n < minimum:
        figure["status"] = "te weinig"
    elif suppression is not None and suppression.total(codes) is None:
        figure["status"] = "terugrekenen"
    elif share_groups_hidden(counts, value, minimum, hidden_groups):
        figure["status"] = "kleine groep"
    else:
        figure.update(aandeel=float((known == value).mean() * 100), n=n,
                      zonder=len(answers) - n)
    return figure


def share_line(figure: dict[str, Any], label: str, reference: Any = None,
               reference_year: int | None = None, reference_name: str = "") -> str:
    """One Dutch line from :func:`share_figure`: the share next to the CBS figure.

    Parameters
    ----------
    figure : dict
        From :func:`share_figure` (also as loaded from a hand-over file).
    label, reference, reference_year, reference_name
        As in :func:`share_text`.

    Returns
    -------
    str
    """
    from wijklib.tellen.compare import format_number

    minimum = int(figure.get("minimum") or 0)
    status = figure.get("status")
    where = f", {reference_name}" if reference_name else ""
    year = f" {reference_year}" if reference_year is not None else ", jaar onbekend"
    cbs = ("" if _missing(reference)
           else f"{format_number(reference, 0)}% van de inwoners (CBS{year}{where})")
    # a hidden share still shows the CBS side, so the group can compare with the age table
    aside = f" Ter vergelijking: {cbs}." if cbs else ""
    if status == "niemand":
        return (f"Het aandeel '{label}' laat ik niet zien: niemand gaf een antwoord op deze "
                f"vraag.{aside}")
    if status == "te weinig":
        return (f"Het aandeel '{label}' laat ik niet zien: minder dan {minimum} deelnemers "
                f"gaven hun antwoord, en het minimum is {minimum}. Bij zo weinig mensen "
                f"zegt een percentage weinig, en mensen zouden elkaar kunnen herkennen.{aside}")
    if status == "kleine groep":
        return (f"Het aandeel '{label}' laat ik hier niet zien: met het percentage en het "
                f"aantal deelnemers zou je een groep van minder dan {minimum} mensen kunnen "
                "terugrekenen. De tabel met leeftijden (in het notebook Vertellen) laat zien "
                f"wat wel kan.{aside}")
    if status != "getoond":
        return (f"Het aandeel '{label}' laat ik hier niet zien: met het aantal deelnemers "
                "uit dit gebied zou je het aantal in een kleine buurt kunnen terugrekenen."
                f"{aside}")
    text = (f"{label}: {format_number(float(figure['aandeel']), 0)}% van de deelnemers die "
            f"het invulden (n = {int(figure['n'])}")
    left_out = int(figure.get("zonder") or 0)
    text += f"; {left_out} zonder antwoord niet meegeteld)" if left_out else ")"
    if cbs:
        text += f"; {cbs}."
    else:
        text += f". Van de inwoners heeft het CBS geen cijfer (CBS{year}{where})."
    return text


def evidence_from_rings(
    rings: Any, buurtcode: str, thema: str, enquete_jaar: int | None = None,
    enquete_naam: str = "eigen enquête",
) -> list[Onderbouwing]:
    """Evidence items for one buurt and theme from :func:`wijklib.agenda.ringen.two_rings`.

    ``enquete_naam`` names the survey in the evidence (e.g. ``"oefenenquête (verzonnen)"``).

    Returns
    -------
    list of Onderbouwing
        A ``cijfer`` item (index, indicators and years) and an ``enquete`` item (index,
        interval, n) for the sides that have a score; a missing side gives nothing.
    """
    import pandas as pd

    from wijklib.tellen.compare import format_number

    rows = rings[(rings["buurtcode"] == buurtcode) & (rings["thema"] == thema)]
    if rows.empty:
        raise InvalidChoiceError(
            f"Thema '{thema}' voor buurt '{buurtcode}' staat niet in de tabel met ringen."
        )
    row = rows.iloc[0]
    out: list[Onderbouwing] = []
    if not pd.isna(row["cijfers"]):
        years = [int(y) for y in str(row.get("jaren", "")).replace("–", " ").split()
                 if y.isdigit()]
        out.append(
            Onderbouwing(
                soort="cijfer",
                tekst=(f"{thema.capitalize()} in {row['buurtnaam']}, cijfers: index "
                       f"{format_number(row['cijfers'], 0)} (100 = "
                       f"{rings.attrs.get('referentie_cijfers', 'de gemeente')}); "
                       f"{row.get('indicatoren', '')}"),
                bron=str(row.get("bronnen", "")) or "CBS Kerncijfers wijken en buurten",
                jaar=max(years) if years else None,
                ref=f"ring:cijfers:{buurtcode}:{thema}",
            )
        )
    if not pd.isna(row["beleving"]):
        from wijklib.agenda import ringen

        reference = ringen.beleving_reference(rings)
        extra = ""
        if not pd.isna(row.get("beleving_onder", math.nan)):
            extra = (f", marge {format_number(row['beleving_onder'], 0)} tot "
                     f"{format_number(row['beleving_boven'], 0)}")
        n = row.get("n")
        if n is not None and not pd.isna(n):
            extra += f", n = {int(n)}"
        out.append(
            Onderbouwing(
                soort="enquete",
                tekst=(f"{thema.capitalize()} in {row['buurtnaam']}, beleving: index "
                       f"{format_number(row['beleving'], 0)} (100 = {reference}{extra}); "
                       f"{row.get('schalen', '')}"),
                bron=enquete_naam,
                jaar=enquete_jaar,
                ref=f"ring:beleving:{buurtcode}:{thema}",
            )
        )
    return out


# ------------------------------------------------------------------------- validate


def _short(text: str, size: int = 40) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= size else text[: size - 1] + "…"


def _direction_tip(item: Ambitie, name: str) -> str | None:
    """A "Tip:" when the target is not better than the baseline in the indicator's way."""
    target, base = item.doel, item.basiswaarde
    numbers = [v for v in (target, base)
               if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)]
    if len(numbers) != 2 or not str(item.indicator).strip():
        return None
    way = direction(item.indicator)
    if way is None:
        return None
    from wijklib.tellen.compare import format_number

    better = target > base if way == "gunstig" else target < base
    if better:
        return None
    wanted = "hoger" if way == "gunstig" else "lager"
    return (f"Tip: {name}: bij '{item.indicator}' is {wanted} beter, maar het doel "
            f"({format_number(target)}) is niet {wanted} dan de nulmeting "
            f"({format_number(base)}). Kies een doel dat beter is dan nu.")


def decided_items(agenda: Agenda) -> list[Ambitie]:
    """The ambitions the group decided, in the order of the vote.

    Examples (``voorbeeld=True``) are left out. Ambitions follow the rank of their theme
    in :attr:`Agenda.priorities` (ties and themes without a rank keep the order in which
    they were added, after the ranked ones), so re-voting reorders the whole export.

    Returns
    -------
    list of Ambitie
    """
    if not isinstance(agenda, Agenda):
        raise InvalidChoiceError("Geef een Agenda(...) mee.")
    rank = {p.thema: p.rang for p in agenda.priorities}
    items = [item for item in agenda.items if item.voorbeeld is False]
    last = max(rank.values(), default=0) + 1
    return sorted(items, key=lambda item: rank.get(item.thema, last))


def validate(agenda: Agenda) -> list[str]:
    """What is still missing in the agenda, in Dutch (empty list = complete).

    Checks: gemeente, buurt, priorities and at least one ambition; per ambition the
    ambition text, a measurable indicator, a baseline value *and* year, a target and target
    year, actions with who and when, partners, a link to policy, a review moment and
    evidence (with source, and a year for figures); that each of the three themes with
    the most dots has an ambition. Ambitions are numbered as in the export
    (:func:`decided_items`); examples are named as left out. Lines that start with
    "Tip:" are advice, not gaps: e.g. a target that is not better than the baseline in the
    indicator's direction (see :func:`direction`), or an ambition for a theme that got no
    dots.

    Returns
    -------
    list of str
    """
    if not isinstance(agenda, Agenda):
        raise InvalidChoiceError("Geef een Agenda(...) mee.")
    problems: list[str] = []
    if not str(agenda.gemeente).strip():
        problems.append("Vul de gemeente in.")
    if not [b for b in agenda.buurten if str(b).strip()]:
        problems.append("Vul in over welke buurt (of buurten) de agenda gaat.")
    if not agenda.priorities:
        problems.append(
            "Er zijn nog geen prioriteiten. Verdeel de stippen (dot_vote) of geef gewichten "
            "(weigh)."
        )
    items = decided_items(agenda)
    for item in agenda.items:
        if item.voorbeeld is not False:
            problems.append(example_message(item))
    if not items:
        problems.append("Er staat nog geen ambitie in de agenda. Voeg er minstens één toe.")
    with_items = {item.thema for item in items}
    for p in agenda.priorities:
        voted = p.stemmen is None or p.stemmen > 0
        if p.rang <= 3 and voted and p.thema not in with_items:
            votes = f"{dots_text(p.stemmen)}, " if p.stemmen is not None else ""
            problems.append(f"Het thema '{p.thema}' ({votes}plaats {p.rang}) heeft nog geen "
                            "ambitie. Schrijf er een, of bespreek waarom niet.")
    voted_themes = {p.thema for p in agenda.priorities if p.stemmen is None or p.stemmen > 0}
    for number, item in enumerate(items, start=1):
        name = f"Ambitie {number} ({item.thema or 'geen thema'}: '{_short(item.ambitie)}')"
        if not str(item.thema).strip():
            problems.append(f"{name}: kies een thema.")
        if not str(item.ambitie).strip():
            problems.append(f"{name}: schrijf op wat je wilt bereiken.")
        if not str(item.indicator).strip():
            problems.append(f"{name}: er is geen meetbare indicator. Kies een cijfer of "
                            "enquêteschaal waarmee je kunt zien of het lukt.")
        if item.basiswaarde is None:
            problems.append(f"{name}: de nulmeting (basiswaarde) ontbreekt.")
        if item.basisjaar is None:
            problems.append(f"{name}: het jaar van de nulmeting (basisjaar) ontbreekt.")
        if item.doel is None or (isinstance(item.doel, str) and not item.doel.strip()):
            problems.append(f"{name}: er is nog geen doel.")
        if item.doeljaar is None:
            problems.append(f"{name}: vul in in welk jaar het doel bereikt moet zijn.")
        elif item.basisjaar is not None and item.doeljaar <= item.basisjaar:
            problems.append(f"{name}: het doeljaar ({item.doeljaar}) moet na het jaar van de "
                            f"nulmeting ({item.basisjaar}) liggen.")
        if not item.acties:
            problems.append(f"{name}: er staan nog geen acties bij.")
        for i, actie in enumerate(item.acties, start=1):
            if not str(actie.wat).strip():
                problems.append(f"{name}, actie {i}: schrijf op wat er gebeurt.")
            if not str(actie.wie).strip():
                problems.append(f"{name}, actie {i}: vul in wie het doet.")
            if not str(actie.wanneer).strip():
                problems.append(f"{name}, actie {i}: vul in wanneer het gebeurt.")
        if not item.partners:
            problems.append(f"{name}: vul in welke partners meedoen.")
        if not str(item.beleid).strip():
            problems.append(f"{name}: koppel de ambitie aan gemeentelijk beleid (bouwsteen 6).")
        if not str(item.evaluatie).strip():
            problems.append(f"{name}: er is geen evaluatiemoment. Spreek af wanneer jullie "
                            "terugkijken.")
        if not item.onderbouwing:
            problems.append(f"{name}: er staat geen onderbouwing bij. Voeg minstens één "
                            "cijfer, enquêteuitkomst of verhaal toe.")
        for i, ev in enumerate(item.onderbouwing, start=1):
            if ev.soort not in EVIDENCE_KINDS:
                problems.append(f"{name}, onderbouwing {i}: de soort '{ev.soort}' ken ik niet. "
                                f"Kies uit: {', '.join(EVIDENCE_KINDS)}.")
            if not str(ev.tekst).strip():
                problems.append(f"{name}, onderbouwing {i}: de tekst ontbreekt.")
            if not str(ev.bron).strip():
                problems.append(f"{name}, onderbouwing {i}: de bron ontbreekt.")
            if ev.soort in FIGURE_KINDS and ev.jaar is None:
                problems.append(f"{name}, onderbouwing {i}: het jaar van dit cijfer ontbreekt.")
        kinds = {ev.soort for ev in item.onderbouwing}
        if item.onderbouwing and not kinds & set(FIGURE_KINDS):
            problems.append(f"Tip: {name} steunt alleen op verhalen. Staat er ook een cijfer "
                            "of enquêteuitkomst bij?")
        elif item.onderbouwing and not kinds - set(FIGURE_KINDS):
            problems.append(f"Tip: {name} steunt alleen op cijfers. Wat zeggen bewoners "
                            "erover? Voeg een verhaal of kaartnotitie toe.")
        tip = _direction_tip(item, name)
        if tip:
            problems.append(tip)
        if agenda.priorities and item.thema and item.thema not in voted_themes:
            problems.append(f"Tip: {name} hoort bij '{item.thema}', maar dat thema kreeg geen "
                            "stippen en staat niet bij de prioriteiten. Past de ambitie bij "
                            "wat de groep koos?")
    found = public_copy(agenda)[1]
    if found:
        problems.append(
            f"In je agenda staan persoonsgegevens ({' en '.join(found)}). In de export en "
            "in het groepsresultaat staat daar [weggehaald]. Schrijf liever wat iemand doet "
            "dan een naam, bijvoorbeeld 'de beheerder van het buurthuis'.")
    return problems


# ------------------------------------------------------------ what may leave the file


def public_copy(agenda: Agenda) -> tuple[Agenda, list[str]]:
    """A copy of the agenda whose free texts hold no personal data, for what is shared.

    Every text a participant types (title, summary, reflection, priorities' reasons,
    ambitions, actions, partners, policy, review moment, evidence, strengths, stories)
    goes through :func:`wijklib.guarantees.privacy.mask_personal`. The exports and the
    group mode use the copy; the participant's own state file keeps what they typed.

    Returns
    -------
    (Agenda, list of str)
        The copy, and the kinds of personal data found (Dutch, e.g. "een
        telefoonnummer"); an empty list when nothing was changed.
    """
    public = copy.deepcopy(agenda)
    found: list[str] = []

    def clean(value: Any) -> Any:
        if not isinstance(value, str) or not value:
            return value
        masked, kinds = mask_personal(value)
        found.extend(k for k in kinds if k not in found)
        return masked

    def clean_fields(obj: Any, names: Sequence[str]) -> None:
        for name in names:
            setattr(obj, name, clean(getattr(obj, name)))

    clean_fields(public, ("titel", "samenvatting", "reflectie"))
    for priority in public.priorities:
        clean_fields(priority, ("toelichting",))
    for item in public.items:
        clean_fields(item, ("ambitie", "beleid", "evaluatie"))
        item.partners = [clean(p) for p in item.partners]
        for action in item.acties:
            clean_fields(action, ("wat", "wie", "wanneer"))
        for ev in item.onderbouwing:
            clean_fields(ev, ("tekst", "bron"))
    for strength in public.krachten:
        clean_fields(strength, ("wat", "toelichting", "bron"))
    for ev in public.verhalen:
        clean_fields(ev, ("tekst", "bron"))
    return public, found


# ----------------------------------------------------------------- dict round trip


def _clean(value: Any) -> Any:
    """JSON-safe copy: NaN and infinity become None."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):  # numpy scalars
        try:
            return _clean(value.item())
        except (TypeError, ValueError):
            return value
    return value


def to_dict(agenda: Agenda) -> dict[str, Any]:
    """The agenda as a plain, JSON-safe dictionary."""
    if not isinstance(agenda, Agenda):
        raise InvalidChoiceError("Geef een Agenda(...) mee.")
    data = asdict(agenda)
    for name in _NOT_SAVED:
        data.pop(name, None)
    return _clean(data)


#: Fields of :class:`Agenda` that live only in memory.
_NOT_SAVED = frozenset({"revision"})


class _Reader:
    """Reads a dictionary into dataclasses, with Dutch errors that name the place."""

    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, place: str, expected: str) -> StateFileError:
        return StateFileError(
            f"In {self.where} heeft '{place}' een onverwachte vorm (verwacht: {expected}). "
            "Is het bestand met de hand aangepast? Laad een reservekopie of een gedownload "
            "bestand."
        )

    def mapping(self, value: Any, place: str, kind: type | None = None) -> Mapping[str, Any]:
        """``value`` as a mapping; with ``kind`` (a dataclass) unknown keys are refused.

        A hand-edited key (``items`` -> ``Items``) would otherwise load as an empty part
        of the agenda, and the next autosave would overwrite the file with that.
        """
        if not isinstance(value, Mapping):
            raise self.fail(place, "een groep velden")
        if kind is not None:
            known = [f.name for f in fields(kind) if f.name not in _NOT_SAVED]
            unknown = [str(k) for k in value if k not in known]
            if unknown:
                key = unknown[0]
                close = difflib.get_close_matches(key.lower(), known, n=1, cutoff=0.5)
                hint = f" Bedoel je '{close[0]}'?" if close else ""
                raise StateFileError(
                    f"In {self.where} staat bij '{place}' een onbekend veld: '{key}'.{hint} "
                    "Is het bestand met de hand aangepast? Zet de naam terug, of laad een "
                    "reservekopie of een gedownload bestand. Ik heb niets overschreven; bij "
                    "het volgende opslaan bewaar ik dit bestand eerst als reservekopie."
                )
        return value

    def items(self, value: Any, place: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(place, "een lijst")
        return value

    def text(self, data: Mapping[str, Any], key: str, place: str, default: str = "") -> str:
        value = data.get(key, default)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.fail(f"{place}.{key}", "tekst")
        return str(value)

    def integer(self, data: Mapping[str, Any], key: str, place: str) -> int | None:
        value = data.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            raise self.fail(f"{place}.{key}", "een heel getal")
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise self.fail(f"{place}.{key}", "een heel getal") from None
        if not math.isfinite(number) or number != int(number):
            raise self.fail(f"{place}.{key}", "een heel getal")
        return int(number)

    def number(self, data: Mapping[str, Any], key: str, place: str) -> float | None:
        value = data.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            raise self.fail(f"{place}.{key}", "een getal")
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise self.fail(f"{place}.{key}", "een getal") from None
        return number if math.isfinite(number) else None

    def target(self, data: Mapping[str, Any], key: str, place: str) -> float | str | None:
        value = data.get(key)
        if isinstance(value, str):
            return value
        return self.number(data, key, place)

    def evidence(self, value: Any, place: str) -> Onderbouwing:
        d = self.mapping(value, place, Onderbouwing)
        return Onderbouwing(
            soort=self.text(d, "soort", place, "overig") or "overig",
            tekst=self.text(d, "tekst", place),
            bron=self.text(d, "bron", place),
            jaar=self.integer(d, "jaar", place),
            ref=self.text(d, "ref", place),
        )

    def item(self, value: Any, place: str) -> Ambitie:
        d = self.mapping(value, place, Ambitie)
        return Ambitie(
            thema=self.text(d, "thema", place),
            ambitie=self.text(d, "ambitie", place),
            indicator=self.text(d, "indicator", place),
            bron=self.text(d, "bron", place),
            basiswaarde=self.number(d, "basiswaarde", place),
            basisjaar=self.integer(d, "basisjaar", place),
            doel=self.target(d, "doel", place),
            doeljaar=self.integer(d, "doeljaar", place),
            eenheid=self.text(d, "eenheid", place),
            acties=[
                Actie(
                    wat=self.text(self.mapping(a, f"{place}.acties[{i}]"), "wat", place),
                    wie=self.text(a, "wie", place),
                    wanneer=self.text(a, "wanneer", place),
                )
                for i, a in enumerate(self.items(d.get("acties"), f"{place}.acties"), start=1)
            ],
            partners=[
                str(p) for p in self.items(d.get("partners"), f"{place}.partners")
                if isinstance(p, str | int | float) and str(p).strip()
            ],
            beleid=self.text(d, "beleid", place),
            evaluatie=self.text(d, "evaluatie", place),
            onderbouwing=[
                self.evidence(e, f"{place}.onderbouwing[{i}]")
                for i, e in enumerate(self.items(d.get("onderbouwing"),
                                                 f"{place}.onderbouwing"), start=1)
            ],
            id=self.text(d, "id", place) or _new_id(),
            voorbeeld=self.flag(d, "voorbeeld", place),
        )

    def flag(self, data: Mapping[str, Any], key: str, place: str) -> bool:
        value = data.get(key, False)
        if value is None:
            return False
        if not isinstance(value, bool):
            raise self.fail(f"{place}.{key}", "true of false")
        return value

    def agenda(self, value: Any) -> Agenda:
        d = self.mapping(value, "agenda", Agenda)
        enquete = d.get("enquete")
        if enquete is not None:
            e = self.mapping(enquete, "agenda.enquete")
            enquete = Enquete(
                naam=self.text(e, "naam", "enquete", "eigen enquête") or "eigen enquête",
                jaar=self.integer(e, "jaar", "enquete"),
                n=self.integer(e, "n", "enquete"),
                toelichting=self.text(e, "toelichting", "enquete"),
            )
        return Agenda(
            gemeente=self.text(d, "gemeente", "agenda"),
            buurten=[str(b) for b in self.items(d.get("buurten"), "agenda.buurten")],
            titel=self.text(d, "titel", "agenda"),
            made_at=self.text(d, "made_at", "agenda") or _now(),
            version=self.integer(d, "version", "agenda") or 1,
            samenvatting=self.text(d, "samenvatting", "agenda"),
            reflectie=self.text(d, "reflectie", "agenda"),
            priorities=[
                Prioriteit(
                    thema=self.text(self.mapping(p, f"prioriteit {i}"), "thema", "prioriteit"),
                    rang=self.integer(p, "rang", f"prioriteit {i}") or i,
                    gewicht=self.number(p, "gewicht", f"prioriteit {i}") or 0.0,
                    stemmen=self.integer(p, "stemmen", f"prioriteit {i}"),
                    toelichting=self.text(p, "toelichting", f"prioriteit {i}"),
                )
                for i, p in enumerate(self.items(d.get("priorities"), "agenda.priorities"),
                                      start=1)
            ],
            items=[
                self.item(it, f"ambitie {i}")
                for i, it in enumerate(self.items(d.get("items"), "agenda.items"), start=1)
            ],
            krachten=[
                Kracht(
                    wat=self.text(self.mapping(k, f"kracht {i}"), "wat", f"kracht {i}"),
                    soort=self.text(k, "soort", f"kracht {i}"),
                    toelichting=self.text(k, "toelichting", f"kracht {i}"),
                    bron=self.text(k, "bron", f"kracht {i}"),
                    thema=self.text(k, "thema", f"kracht {i}"),
                )
                for i, k in enumerate(self.items(d.get("krachten"), "agenda.krachten"),
                                      start=1)
            ],
            verhalen=[
                self.evidence(v, f"verhaal {i}")
                for i, v in enumerate(self.items(d.get("verhalen"), "agenda.verhalen"),
                                      start=1)
            ],
            enquete=enquete,
            buurtnamen=self.names(d.get("buurtnamen")),
        )

    def names(self, value: Any) -> dict[str, str]:
        if value is None:
            return {}
        mapping = self.mapping(value, "agenda.buurtnamen")
        return {str(k): str(v) for k, v in mapping.items()
                if isinstance(v, str | int | float) and str(v).strip()}


def from_dict(data: Mapping[str, Any], where: str = "de agenda") -> Agenda:
    """Rebuild an :class:`Agenda` from :func:`to_dict` output (unknown fields are refused)."""
    return _Reader(where).agenda(data)


# ------------------------------------------------------------------------ state file

_JSON_MESSAGES = {
    "Expecting value": "hier verwacht ik een waarde",
    "Expecting ',' delimiter": "hier mist een komma",
    "Expecting ':' delimiter": "hier mist een dubbele punt",
    "Expecting property name enclosed in double quotes": (
        "hier verwacht ik een naam tussen dubbele aanhalingstekens"
    ),
    "Unterminated string starting at": "een tekst is niet afgesloten met een aanhalingsteken",
    "Extra data": "na het einde staat nog meer tekst",
    "Invalid control character at": "er staat een ongeldig teken",
    "Invalid \\escape": "er staat een ongeldige backslash (\\)",
}

_RESCUE = (
    "Er is niets overschreven. Heb je een reservekopie (een bestand met '.bak-' in de naam) "
    "of een eerder gedownload bestand? Laad dat dan met load_state(...). Anders: begin een "
    "nieuwe agenda; bij het opslaan bewaar ik het kapotte bestand eerst als reservekopie."
)


def to_state(agenda: Agenda) -> dict[str, Any]:
    """The content of a state file (schema name, version, time and the agenda)."""
    from wijklib import __version__

    return {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "saved_at": _now(),
        "wijklib": __version__,
        "agenda": to_dict(agenda),
    }


def _migrate_v0(data: Mapping[str, Any]) -> dict[str, Any]:
    """Version 0 (a bare agenda dictionary) -> version 1."""
    agenda = dict(data)
    agenda.pop("schema_version", None)
    agenda.pop("schema", None)
    if "buurt" in agenda and "buurten" not in agenda:
        buurt = agenda.pop("buurt")
        agenda["buurten"] = [buurt] if isinstance(buurt, str) else buurt
    return {"schema": SCHEMA, "schema_version": 1, "agenda": agenda}


_MIGRATIONS = {0: _migrate_v0}


def _parse(text: str, name: str) -> tuple[Agenda, int]:
    """Read state text; return the agenda and the version the file had."""
    if not text.strip():
        raise StateFileError(f"Het bestand {name} is leeg. {_RESCUE}")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        reason = next(
            (nl for en, nl in _JSON_MESSAGES.items() if err.msg.startswith(en)),
            f"technische melding: {err.msg}",
        )
        raise StateFileError(
            f"Het bestand {name} is beschadigd: de fout zit op regel {err.lineno}, kolom "
            f"{err.colno} ({reason}). {_RESCUE}"
        ) from None
    if not isinstance(data, dict):
        raise StateFileError(f"Het bestand {name} is geen buurtagenda. {_RESCUE}")
    if "schema_version" in data:
        version = data["schema_version"]
    elif "gemeente" in data and ("items" in data or "priorities" in data or "buurten" in data
                                 or "buurt" in data):
        version = 0
    else:
        raise StateFileError(
            f"Het bestand {name} is geen buurtagenda van het werkboek (het veld "
            f"'schema_version' ontbreekt). {_RESCUE}"
        )
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        raise StateVersionError(
            f"Het bestand {name} heeft een onbekende versie ({version!r}). {_RESCUE}"
        )
    if version > SCHEMA_VERSION:
        raise StateVersionError(
            f"Het bestand {name} is gemaakt met een nieuwere versie van het werkboek "
            f"(bestandsversie {version}; deze versie kan tot en met {SCHEMA_VERSION} lezen). "
            "Werk het werkboek bij (git pull, of start Binder opnieuw) en laad het bestand "
            "dan opnieuw. Het bestand blijft zoals het is."
        )
    if version == 0 and data.get("schema") not in (None, SCHEMA):
        raise StateFileError(f"Het bestand {name} is geen buurtagenda. {_RESCUE}")
    original = version
    while version < SCHEMA_VERSION:
        data = _MIGRATIONS[version](data)
        version = int(data["schema_version"])
    if data.get("schema") != SCHEMA:
        raise StateFileError(
            f"Het bestand {name} is geen buurtagenda van het werkboek (schema "
            f"'{data.get('schema')}'). {_RESCUE}"
        )
    return from_dict(data.get("agenda"), where=f"het bestand {name}"), original


def read_state_text(text: str, name: str) -> Agenda:
    """An agenda from the text of a state file (e.g. a member of a zip).

    Parameters
    ----------
    text : str
        The file's content.
    name : str
        How the file is named in messages.

    Returns
    -------
    Agenda
        Older versions are converted (without a warning: nothing is written here).

    Raises
    ------
    StateFileError
        Damaged, empty, not an agenda, or of a newer version (Dutch, with what to do).
    """
    return _parse(text, name)[0]


def load_state(path: str | Path) -> Agenda:
    """Load an agenda from a state file.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    Agenda

    Raises
    ------
    StateFileError
        The file is missing, empty, damaged (the message gives line and column) or not a
        buurtagenda. The file is never changed.
    StateVersionError
        The file comes from a newer version of the workbook (or has an unknown version).

    Warns
    -----
    MigrationWarning
        When an older file was converted; the next :func:`save_state` backs it up first.
    """
    path = Path(path)
    if not path.is_file():
        raise StateFileError(
            f"Het bestand {path} bestaat niet. Controleer de naam, of upload je opgeslagen "
            "agenda eerst (in JupyterLab: sleep het bestand naar de bestandenlijst)."
        )
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise StateFileError(
            f"Het bestand {path.name} is beschadigd of geen tekstbestand. {_RESCUE}"
        ) from None
    except OSError as err:
        raise StateFileError(f"Ik kan {path} niet lezen ({err.strerror}).") from None
    agenda, original = _parse(text, path.name)
    agenda.revision = _revision(text)
    if original < SCHEMA_VERSION:
        warnings.warn(
            f"Het bestand {path.name} had een oudere opbouw (versie {original}). Ik heb het "
            f"omgezet naar versie {SCHEMA_VERSION}. Bij het volgende opslaan bewaar ik het "
            "oude bestand eerst als reservekopie.",
            MigrationWarning,
            stacklevel=2,
        )
    return agenda


def _is_current(path: Path) -> bool:
    try:
        text = path.read_bytes().decode("utf-8-sig")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MigrationWarning)
            _, original = _parse(text, path.name)
    except (StateFileError, UnicodeDecodeError, OSError):
        return False
    return original == SCHEMA_VERSION


def backup_path(path: Path) -> Path:
    """A free name ``<stem>.bak-<timestamp>.json`` next to ``path``."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    candidate = path.with_name(f"{path.stem}.bak-{stamp}.json")
    counter = 1
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}.bak-{stamp}-{counter}.json")
        counter += 1
    return candidate


def save_state(agenda: Agenda, path: str | Path, *, replace: bool = False) -> Path:
    """Save the agenda to a JSON state file, atomically and with a backup when needed.

    The text goes to a temporary file in the same folder first and then replaces the
    target in one step, so a crash never leaves half a file. When the target exists but
    is not a valid state of the current version (damaged, older or newer), it is first
    copied to ``<name>.bak-<timestamp>.json`` (a :class:`BackupWarning` gives the name);
    if that copy fails, nothing is written.

    Two notebooks (or two people on a hub) saving the same file never silently drop
    each other's work: when the file changed since ``agenda`` was loaded from it or saved
    to it, and holds another agenda, nothing is overwritten. This agenda is written to
    ``<name>.conflict-<timestamp>.json`` instead and :class:`StateConflictError` says so.
    Saving happens under a lock file (``.<name>.lock``), so two saves never interleave.

    Parameters
    ----------
    agenda : Agenda
    path : str or Path
    replace : bool, default False
        Overwrite a different agenda in ``path`` (only for callers that have kept a copy
        of it first, such as :func:`wijklib.agenda.export.save_export`).

    Returns
    -------
    Path
        The saved file.

    Raises
    ------
    AgendaError
        When the file or its backup cannot be written (Dutch message).
    StateConflictError
        When another notebook changed the file in the meantime (Dutch message naming the
        file that holds this agenda now).
    """
    path = Path(path)
    with _state_lock(path):
        saved = _save_locked(agenda, path, replace)
    return saved


def state_text(agenda: Agenda) -> str:
    """The text of a state file for ``agenda`` (what :func:`save_state` writes)."""
    return json.dumps(to_state(agenda), ensure_ascii=False, indent=2, allow_nan=False)


def _save_locked(agenda: Agenda, path: Path, replace: bool) -> Path:
    path = Path(path)
    text = state_text(agenda)
    if path.is_dir():
        raise AgendaError(f"{path} is een map. Geef een bestandsnaam, bijvoorbeeld "
                          f"{path / 'buurtagenda.json'}.")
    if path.is_file() and _is_current(path) and not replace:
        _refuse_if_changed(agenda, path)
    if path.exists() and not _is_current(path):
        backup = backup_path(path)
        try:
            shutil.copy2(path, backup)
        except OSError as err:
            raise AgendaError(
                f"Het bestaande bestand {path.name} is beschadigd of van een andere versie, "
                f"en ik kan er geen reservekopie van maken ({err.strerror}). Ik heb niets "
                "overschreven. Sla de agenda op onder een andere naam."
            ) from None
        warnings.warn(
            f"Het oude bestand {path.name} was beschadigd of van een andere versie. Ik heb "
            f"het eerst bewaard als {backup.name}.",
            BackupWarning,
            stacklevel=2,
        )
    atomic_write_text(path, text)  # FileWriteError: Dutch, and the old file is unchanged
    agenda.revision = _revision(text)
    return path


def _revision(text: str) -> str:
    """Fingerprint of a state file's content."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _refuse_if_changed(agenda: Agenda, path: Path) -> None:
    """Raise :class:`StateConflictError` when ``path`` holds another agenda than ours.

    The file is ours to overwrite when it is the version this agenda last read or wrote,
    or when it holds the same agenda. Otherwise this agenda goes to a conflict file.
    """
    try:
        on_disk = path.read_bytes()
    except OSError:
        return
    if agenda.revision == _revision(on_disk.decode("utf-8-sig", errors="replace")):
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if to_dict(load_state(path)) == to_dict(agenda):
            return
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    conflict = path.with_name(f"{path.stem}.conflict-{stamp}.json")
    _save_locked(agenda, conflict, replace=True)
    agenda.revision = None
    raise StateConflictError(
        f"Het bestand {path.name} is intussen veranderd, door een ander notebook of iemand "
        f"anders. Ik heb niets overschreven. Jouw versie staat nu in {conflict.name}. "
        f"Kijk welke je wilt houden: laad ze met load_state(...) en neem over wat je mist. "
        "Werk je in twee notebooks tegelijk? Sluit er dan één."
    )


class _state_lock:  # noqa: N801 - used as a context manager, reads like a function
    """An exclusive lock file next to a state file (stale after a minute).

    ``os.open`` with ``O_EXCL`` is atomic on every local file system and on Windows, so
    no extra library is needed for this one lock.
    """

    STALE_SECONDS = 60.0
    WAIT_SECONDS = 10.0

    def __init__(self, path: Path) -> None:
        self.lock = path.with_name(f".{path.name}.lock")
        self.held = False

    def __enter__(self) -> _state_lock:
        import time

        try:
            self.lock.parent.mkdir(parents=True, exist_ok=True)
        except OSError:
            return self  # save_state gives the Dutch message about the folder
        deadline = time.monotonic() + self.WAIT_SECONDS
        while True:
            try:
                os.close(os.open(self.lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
                self.held = True
                return self
            except FileExistsError:
                try:
                    if time.time() - self.lock.stat().st_mtime > self.STALE_SECONDS:
                        self.lock.unlink(missing_ok=True)
                        continue
                except OSError:
                    continue
                if time.monotonic() > deadline:
                    raise AgendaError(
                        f"Het bestand {self.lock.name[1:-5]} wordt al opgeslagen door een "
                        "ander notebook. Probeer het over een minuut opnieuw."
                    ) from None
                time.sleep(0.05)
            except OSError:
                return self  # a read-only folder: save_state says what to do

    def __exit__(self, *exc: object) -> None:
        if self.held:
            self.lock.unlink(missing_ok=True)


def autosave(agenda: Agenda, path: str | Path) -> Path:
    """Save after a change (call it from every widget callback and edit cell).

    Same as :func:`save_state`; kept as its own name so notebooks read clearly.
    """
    return save_state(agenda, path)


def new_agenda(
    gemeente: str,
    buurten: str | list[str],
    titel: str = "",
    buurtnamen: Mapping[str, str] | None = None,
) -> Agenda:
    """A new, empty agenda for a gemeente and one or more buurten.

    Parameters
    ----------
    gemeente : str
    buurten : str or list of str
        Buurtcode(s), e.g. ``"BU03440311"``. Codes keep buurten with the same name apart.
    titel : str
        Default: "Buurtagenda <names>".
    buurtnamen : dict, optional
        Name per code, shown in the document next to the code.
    """
    if isinstance(buurten, str):
        buurten = [buurten]
    gemeente = str(gemeente).strip()
    if not gemeente:
        raise InvalidChoiceError("Vul de gemeente in, bijvoorbeeld 'Utrecht'.")
    codes = [str(b).strip() for b in buurten if str(b).strip()]
    names = {str(k).strip(): str(v).strip() for k, v in dict(buurtnamen or {}).items()
             if str(v).strip()}
    shown = [names.get(c, c) for c in codes]
    return Agenda(
        gemeente=gemeente,
        buurten=codes,
        titel=titel or f"Buurtagenda {', '.join(shown) or gemeente}",
        buurtnamen={c: names[c] for c in codes if c in names},
    )
