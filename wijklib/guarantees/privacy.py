"""Privacy rules of the workbook, in one place.

Four rules, each with one owner (this module); everything else calls them:

* :func:`min_group_size` — the minimum group size. ``min_n=None`` always means "the
  default" (``WIJKLIB_MIN_GROEP``, else 10), in every module. A caller that really wants
  to hide nothing passes :data:`NO_SUPPRESSION` (1): an explicit choice, never ``None``.
* :func:`is_personal_column` — whether a column (or a property of a map note) may hold
  personal data, from one list of names (:data:`PERSONAL_NAMES`, :data:`PERSONAL_PARTS`).
* :func:`mask_personal` — personal data inside a text (e-mail addresses, phone numbers,
  IBAN, BSN, postcodes, street + house number, "mevrouw/dhr. + surname") replaced by
  :data:`MASK`. :func:`report_value` is what a report may show of a value: masked text,
  or for anything that is not text only the kind of value ("een getal"), never the value.
* :func:`decide_suppression` — which groups and area totals of a survey may be shown,
  decided once per survey (primary and secondary suppression, wijk totals included); a
  :class:`Suppression` that every output reads. :func:`suppress` blanks the hidden cells
  of a table, :func:`secondary_suppress` protects the total of one small table.

A computer cannot find every name in a text; the masking is a safety net, not a reason
to type names. Nothing is done at import time: the libraries for phone numbers
(``phonenumbers``) and IBAN/BSN (``python-stdnum``) are loaded on first use.
"""

from __future__ import annotations

import math
import numbers
import os
import re
import unicodedata
from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from wijklib.errors import InvalidChoiceError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DEFAULT_MIN_GROUP",
    "MASK",
    "MIN_GROUP_ENV",
    "NO_SUPPRESSION",
    "PERSONAL_NAMES",
    "PERSONAL_PARTS",
    "MinGroupSizeError",
    "find_personal",
    "is_personal_column",
    "mask_personal",
    "min_group_size",
    "report_value",
    "REASON_SECONDARY",
    "REASON_SMALL",
    "Suppression",
    "decide_suppression",
    "secondary_suppress",
    "suppress",
]

# ---------------------------------------------------------------------------------------
# Minimum group size
# ---------------------------------------------------------------------------------------

#: Default minimum group size.
DEFAULT_MIN_GROUP = 10
#: Environment variable that sets the minimum group size.
MIN_GROUP_ENV = "WIJKLIB_MIN_GROEP"
#: Explicit "hide nothing": a group of 1 or more is shown. Use it instead of ``None``.
NO_SUPPRESSION = 1


class MinGroupSizeError(InvalidChoiceError):
    """The minimum group size (argument or ``WIJKLIB_MIN_GROEP``) is not a whole number ≥ 1."""


def min_group_size(min_n: int | str | None = None) -> int:
    """The minimum number of respondents a group needs before its result is shown.

    Why a minimum? With fewer respondents a mean is too uncertain to say anything (one
    or two people decide it), and in a small group answers can be traced back to people.
    Statistical offices and gemeenten use such a threshold for survey results; 10 is a
    common choice. A trainer can raise it (stricter) or, for practice with very small
    groups, lower it with the environment variable ``WIJKLIB_MIN_GROEP``.

    Parameters
    ----------
    min_n : int, "standaard" or None, optional
        ``None`` (or ``"standaard"``): the default, read from ``WIJKLIB_MIN_GROEP``
        (10 when not set). A whole number of 1 or more: that number. ``1``
        (:data:`NO_SUPPRESSION`) hides nothing.

    Returns
    -------
    int
        At least 1.

    Raises
    ------
    MinGroupSizeError
        When ``min_n`` or the environment variable is not a whole number of 1 or more
        (a subclass of ``ValueError``; the message is in Dutch).
    """
    if isinstance(min_n, str):
        if min_n.strip().lower() != "standaard":
            raise MinGroupSizeError(
                f"De minimale groepsgrootte (min_n) '{min_n}' begrijp ik niet. Gebruik een "
                f"heel getal van 1 of meer (bijvoorbeeld {DEFAULT_MIN_GROUP}), 'standaard' "
                "of None (dan geldt de standaard)."
            )
        min_n = None
    if min_n is None:
        return _from_environment()
    if isinstance(min_n, bool) or not isinstance(min_n, numbers.Integral) or min_n < 1:
        raise MinGroupSizeError(
            "De minimale groepsgrootte (min_n) moet een heel getal van 1 of meer zijn, "
            f"bijvoorbeeld {DEFAULT_MIN_GROUP}. Laat min_n weg voor de standaard."
        )
    return int(min_n)


def _from_environment() -> int:
    raw = os.environ.get(MIN_GROUP_ENV, "").strip()
    if not raw:
        return DEFAULT_MIN_GROUP
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise MinGroupSizeError(
            f"De instelling {MIN_GROUP_ENV}='{raw}' is geen goed getal. Gebruik een heel "
            f"getal van 1 of meer, bijvoorbeeld {DEFAULT_MIN_GROUP}."
        )
    return value


# ---------------------------------------------------------------------------------------
# Personal columns
# ---------------------------------------------------------------------------------------


def _key(name: Any) -> str:
    """Lower case, accents removed, without spaces, ``_``, ``-`` and ``.``."""
    value = unicodedata.normalize("NFKD", str(name))
    value = "".join(ch for ch in value if not unicodedata.combining(ch))
    return re.sub(r"[\s_\-.]+", "", value).lower()


#: Column and property names that may hold personal data (compared with :func:`_key`:
#: no case, accents, spaces, "_", "-" or "."). The union of the survey import's and the
#: map notes' earlier lists.
PERSONAL_NAMES = frozenset(_key(n) for n in (
    # names and users
    "naam", "name", "voornaam", "achternaam", "tussenvoegsel", "volledige naam",
    "full name", "first name", "last name", "surname", "username", "gebruikersnaam",
    "gebruiker", "user", "author", "auteur", "creator", "maker", "gemaakt door",
    "ingevuld door", "ingediend door", "ingediendoor", "submitted by", "_submitted_by", "responder",
    "contact", "contactpersoon",
    # contact details
    "email", "e-mail", "mail", "emailadres", "e-mailadres", "email address",
    "e-mail address", "e mail adres", "respondent email", "telefoon", "telefoonnummer",
    "tel", "phone", "phone number", "mobiel", "mobiel nummer",
    # address
    "adres", "address", "woonadres", "straat", "straatnaam", "street", "huisnummer",
    "housenumber", "postcode", "zipcode", "postalcode", "postcode en huisnummer",
    "volledige postcode", "woonplaats",
    # age, birth, identity numbers
    "leeftijd", "age", "geboortedatum", "geboortejaar", "birthdate", "date of birth", "bsn",
    # devices and connections
    "ip", "ipaddr", "ip address", "ip adres", "ipadres", "deviceid", "telefoonid", "imei",
    "subscriberid", "simserial", "token",
))
#: Parts of a name that make it personal wherever they occur ("contact_email").
PERSONAL_PARTS = ("naam", "name", "mail", "telefoon", "phone", "adres", "address",
                  "geboorte", "birth", "leeftijd")


def is_personal_column(name: Any) -> bool:
    """Whether a column or property with this name may hold personal data.

    The name is compared without case, accents, spaces, ``_``, ``-`` and ``.``; for a
    path such as ``group_x/naam`` (KoBoToolbox) the last part counts as well.

    Parameters
    ----------
    name : Any
        The column header or property name.

    Returns
    -------
    bool
        True for a name in :data:`PERSONAL_NAMES` or containing one of
        :data:`PERSONAL_PARTS` (``"E-mailadres"``, ``"Naam"``, ``"contact_telefoon"``).
    """
    text = str(name)
    for candidate in {text, text.rsplit("/", 1)[-1]}:
        key = _key(candidate)
        if key in PERSONAL_NAMES or any(part in key for part in PERSONAL_PARTS):
            return True
    return False


# ---------------------------------------------------------------------------------------
# Masking personal data in texts
# ---------------------------------------------------------------------------------------

#: What replaces personal data in a text.
MASK = "[weggehaald]"

EMAIL = "een e-mailadres"
PHONE = "een telefoonnummer"
POSTCODE = "een postcode"
ADDRESS = "een adres (straat en huisnummer)"
NAME = "een naam (meneer, mevrouw …)"
IBAN = "een bankrekeningnummer (IBAN)"
BSN = "een burgerservicenummer (BSN)"

_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Dutch numbers: +31, 0031 or 0 and nine more digits, with spaces, dots, dashes, slashes
# or brackets in between ("06 - 1234 5678", "(030) 123 4567", "06.12.34.56.78").
# A complement to phonenumbers' matcher, which skips some of these ways of writing.
_PHONE_RE = re.compile(r"(?<![\w+])(?:\+\s?31|0031|\(?0)(?:[\s.\-/()]{0,3}\d){9}(?!\d)")
_IBAN_START = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}")
_BSN_RE = re.compile(r"(?<![\d\-])(?<!\d[.,])\d{3}[ .]?\d{2}[ .]?\d{2}[ .]?\d{2}(?!\d|[.,]\d)")
_POSTCODE_RE = re.compile(r"(?<![\w-])([1-9]\d{3})(\s?)([A-Za-z]{2})(?![\w-])")
# Two-letter words and units that follow a number in ordinary Dutch ("2024 en 2025",
# "1500 km"); only with a space and in lower case: "3511ab" and "3511 AB" stay postcodes.
_NOT_POSTCODE = frozenset({
    "en", "op", "in", "is", "te", "om", "al", "af", "ik", "na", "ze", "we", "er", "de",
    "je", "me", "nu", "zo", "of", "uw", "ja", "ex", "km", "kg", "cm", "mm", "ml", "cl",
    "dl", "kw", "mb", "gb", "tb", "pk", "ha", "uu", "tv", "cd",
})
_SUFFIXES = ("straat|straatweg|laan|weg|plein|gracht|kade|singel|dreef|hof|steeg|dijk|pad|"
             "baan|markt|plantsoen|park|erf|allee|boulevard|wal|ring|veld")
_ADDRESS_RE = re.compile(
    rf"\b[A-Za-zÀ-ÿ][\w'’.\-]*(?:{_SUFFIXES})\s+\d{{1,4}}(?:\s?[a-zA-Z]\b)?", re.IGNORECASE
)
_TUSSENVOEGSEL = (r"(?:[Vv]an|[Dd]e|[Dd]er|[Dd]en|[Tt]er|[Tt]en|[Hh]et|'t|[Ii]n|[Oo]p|[Ll]e|[Ll]a|"
                  r"[Ee]l|[Aa]l|[Bb]in|[Ii]bn|[Dd]a|[Dd]os|[Dd]u|[Dd]i)")
_NAME_RE = re.compile(
    r"(?<![\w.])(?i:mevrouw|mevr|mw|meneer|mijnheer|menheer|dhr|de\s+heer|mr|juf|meester)"
    r"(?:\.|\b)\s*(?<=[\s.])"
    r"(?:[A-Z]\.\s*)*"  # initials: "Dhr. J. Bakker"
    rf"(?:{_TUSSENVOEGSEL}\s+)*[A-Z][\w'’\-]+"
)

# A street name that is only the suffix ("Dreef 12", "Laan 5a") is an address when the
# house number ends the text or a part of it ("Jan de Vries, Dreef 12"); "Dreef 3 kinderen
# naar school" (dreef: a verb) and "buurthuis De Dreef" stay.
_STREET_ALONE_RE = re.compile(
    rf"(?<![\w'’.\-])(?:{'|'.join(s.capitalize() for s in _SUFFIXES.split('|'))})"
    r"\s+\d{1,4}(?:\s?[a-zA-Z])?(?=\s*(?:[,;:)/]|\.(?:\s|$)|$))"
)
# A first name, a tussenvoegsel and a surname without a title: "Jan de Vries",
# "Fatima el Amrani", "Piet van der Berg". Not when the first word is a place, an
# organisation or an ordinary word at the start of a sentence ("Stichting de Boog",
# "Park de Gagel", "Bij de Kerk").
_FULL_NAME_RE = re.compile(
    r"(?<![\w.])([A-Z][a-zà-ÿ]+)\s+(?:van\s+(?:der|den|de|het)|van|de|der|den|ter|ten|el|al|"
    r"in\s+['’]t|op\s+de)\s+[A-Z][a-zà-ÿ'’\-]+"
)
_NOT_FIRST_NAMES = frozenset("""
stichting vereniging huis buurthuis wijkhuis park speeltuin kerk moskee school basisschool
cafe café wijkcentrum buurtcentrum dienstencentrum centrum club sportclub voetbalclub
bibliotheek theater museum kinderboerderij tuin moestuin plein hof winkelcentrum restaurant
bakkerij brasserie zwembad sporthal kapel molen fort kasteel villa hotel galerie atelier
camping boerderij praktijk apotheek huisartsenpraktijk kinderopvang gebouw wijk buurt dorp
stad straat laan hoek markt haven station halte brug flat toren winkel supermarkt
in op bij naar met voor achter naast onder tegen langs door over uit om aan tot vanaf en of
maar dat die dit wat waar hier daar ook nu toen als want zo het een elke iedereen ik we wij
ze zij hij jij u ons onze mijn je jouw zijn haar hun
""".split())


def _is_street_word(word: str) -> bool:
    """'Galenstraat', 'Burenplein': a street named after a person. 'Dijk', 'Laan' and
    'Wal' alone are surnames (van Dijk, van der Laan, de Wal)."""
    low = word.casefold()
    return any(low.endswith(s) and len(low) > len(s) for s in _SUFFIXES.split("|"))


def _name_spans(text: str) -> list[tuple[int, int]]:
    """Spans of a title with a surname, and of a first name with a tussenvoegsel and surname
    (not a street named after a person, such as the Jan van Galenstraat)."""
    spans = [m.span() for m in _NAME_RE.finditer(text)]
    spans += [m.span() for m in _FULL_NAME_RE.finditer(text)
              if m.group(1).casefold() not in _NOT_FIRST_NAMES
              and not _is_street_word(m.group(0).split()[-1])]
    return spans


def _address_spans(text: str) -> list[tuple[int, int]]:
    return ([m.span() for m in _ADDRESS_RE.finditer(text)]
            + [m.span() for m in _STREET_ALONE_RE.finditer(text)])


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        import pandas as pd

        return value is pd.NA or value is pd.NaT
    except ImportError:  # pragma: no cover - pandas is a dependency
        return False


def _compact(text: str) -> str:
    return re.sub(r"[\s.\-]", "", text)


def _iban_spans(text: str) -> list[tuple[int, int]]:
    """Spans of valid IBANs, compact ("NL91ABNA0417164300") or in groups of four."""
    from stdnum import iban

    spans: list[tuple[int, int]] = []
    for start in _IBAN_START.finditer(text):
        if spans and start.start() < spans[-1][1]:
            continue
        i, count, ends = start.end(), 4, []
        while i < len(text) and count < 34:
            ch = text[i]
            if ch.isascii() and ch.isalnum():
                count += 1
                i += 1
                if i == len(text) or not text[i].isalnum():
                    ends.append(i)
            elif ch == " " and i + 1 < len(text) and text[i + 1].isascii() \
                    and text[i + 1].isalnum():
                i += 1
            else:
                break
        for end in reversed(ends):
            if iban.is_valid(_compact(text[start.start():end])):
                spans.append((start.start(), end))
                break
    return spans


def _bsn_spans(text: str) -> list[tuple[int, int]]:
    """Spans of nine digits (optionally grouped) that pass the elfproef of a BSN."""
    from stdnum.nl import bsn

    return [m.span() for m in _BSN_RE.finditer(text) if bsn.is_valid(_compact(m.group()))]


def _phone_spans(text: str) -> list[tuple[int, int]]:
    """Spans of phone numbers: phonenumbers' matcher (region NL) plus :data:`_PHONE_RE`."""
    import phonenumbers

    spans = [(m.start, m.end) for m in phonenumbers.PhoneNumberMatcher(text, "NL")]
    spans += [m.span() for m in _PHONE_RE.finditer(text)]
    # "(06 - 1234 5678)": a bracket opened before the number and closed after it is the
    # sentence's, not the number's (keep it, so the text still reads)
    return [(start + 1, end) if text[start] == "(" and ")" not in text[start:end] else
            (start, end) for start, end in spans]


def _postcode_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for m in _POSTCODE_RE.finditer(text):
        letters = m.group(3)
        if letters.upper() in ("SA", "SD", "SS"):
            continue  # never used in Dutch postcodes
        if m.group(2) and letters.islower() and letters in _NOT_POSTCODE:
            continue
        spans.append(m.span())
    return spans


def _regex_spans(pattern: re.Pattern[str]) -> Any:
    return lambda text: [m.span() for m in pattern.finditer(text)]


#: Kind of personal data and how to find it, in the order they are masked (e-mail first:
#: its digits are not a phone number; IBAN and BSN before phone numbers).
_FINDERS = (
    (EMAIL, _regex_spans(_EMAIL_RE)),
    (IBAN, _iban_spans),
    (BSN, _bsn_spans),
    (PHONE, _phone_spans),
    (POSTCODE, _postcode_spans),
    (ADDRESS, _address_spans),
    (NAME, _name_spans),
)


def _replace(text: str, spans: list[tuple[int, int]]) -> str:
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    for start, end in reversed(merged):
        text = text[:start] + MASK + text[end:]
    return text


def mask_personal(text: Any) -> tuple[Any, list[str]]:
    """Replace personal data in a text by :data:`MASK` (``[weggehaald]``).

    Found are: e-mail addresses; phone numbers (``phonenumbers``, region NL, and Dutch
    ways of writing such as ``06 - 1234 5678``, ``(030) 123 4567``, ``06.12.34.56.78``,
    ``+31 6 12345678``); IBANs and BSNs that pass their check (``python-stdnum``);
    postcodes in any case, with or without a space (``3511 AB``, ``3511ab``); a street with
    a house number; a title with a surname (``Mevrouw Jansen``, ``Dhr. Bakker``,
    ``mw. de Vries``, ``de heer Van Dam``). Ordinary text (``50 jaar``, ``om 10.30 uur``,
    ``bus 12``) stays.

    Parameters
    ----------
    text : Any
        A text. A missing value (None, NaN) is returned as it is; any other value that
        is not a string is masked as its text (a number can be a phone number or BSN).

    Returns
    -------
    (text, found)
        The masked text and the kinds found in Dutch, e.g. ``["een e-mailadres"]``
        (empty list when nothing was changed).
    """
    if _is_missing(text):
        return text, []
    value = str(text)
    found = []
    for label, finder in _FINDERS:
        spans = finder(value)
        if spans:
            value = _replace(value, spans)
            found.append(label)
    return value, found


def find_personal(text: Any) -> list[str]:
    """The kinds of personal data a text seems to hold (Dutch), see :func:`mask_personal`.

    Parameters
    ----------
    text : Any
        A text; missing values hold nothing.

    Returns
    -------
    list of str
        E.g. ``["een e-mailadres", "een postcode"]``; empty when nothing was found.
    """
    return mask_personal(text)[1]


def report_value(value: Any, limit: int | None = 60) -> str | None:
    """What a report may show of a value: masked text, or only the kind of value.

    A text is shown with personal data masked (:func:`mask_personal`) and shortened to
    ``limit`` characters. A value that is not text (a number, a date, a list, ...) is
    described by its kind ("een getal"), never shown: a number in a form can be a phone
    number or a BSN.

    Parameters
    ----------
    value : Any
        The value found in a file.
    limit : int or None, default 60
        Longest text shown (with "…" when cut); None for no limit.

    Returns
    -------
    str or None
        None for a missing value.
    """
    if _is_missing(value):
        return None
    if not isinstance(value, str):
        return _kind(value)
    shown = " ".join(mask_personal(value)[0].split())
    if limit is not None and len(shown) > limit:
        shown = shown[: max(limit - 1, 0)] + "…"
    return shown


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "(een ja/nee-waarde)"
    if isinstance(value, numbers.Number):
        return "(een getal)"
    if isinstance(value, datetime | date | time):
        return "(een datum of tijd)"
    if isinstance(value, Mapping):
        return "(een samengestelde waarde)"
    if isinstance(value, list | tuple | set | frozenset):
        return "(een lijst)"
    if isinstance(value, bytes | bytearray):
        return "(binaire gegevens)"
    try:
        import pandas as pd

        if isinstance(value, pd.Timestamp):
            return "(een datum of tijd)"
    except ImportError:  # pragma: no cover
        pass
    return "(een waarde die geen tekst is)"


# ---------------------------------------------------------------------------------------
# Suppression: which groups and totals may be shown
# ---------------------------------------------------------------------------------------

#: Why a group is hidden: it is too small itself.
REASON_SMALL = "te weinig antwoorden"
#: Why a group is hidden: showing it would let someone work a small group back.
REASON_SECONDARY = "verborgen om terugrekenen te voorkomen"
#: Name of the area that holds every group (the whole survey).
WHOLE = "totaal"
_BUURT_CODE = re.compile(r"^BU(\d{4})(\d{2})\d{2}$")


def _size(value: Any) -> int:
    return 0 if value is None or _is_missing(value) else int(value)


def _declared_areas(groups: Any, areas: Mapping[str, Any] | None) -> dict[str, frozenset[str]]:
    """The whole, every wijk (from CBS buurt codes ``BUggggwwbb``) and the given areas."""
    found: dict[str, set[str]] = {}
    for group in groups:
        match = _BUURT_CODE.match(group)
        if match:
            found.setdefault(f"WK{match.group(1)}{match.group(2)}", set()).add(group)
    out = {name: frozenset(members) for name, members in found.items()}
    for name, members in (areas or {}).items():
        out[str(name)] = frozenset(str(m) for m in members)
    out[WHOLE] = frozenset(groups)
    return out


class Suppression:
    """One decision per survey: which groups and which area totals may be shown.

    Made by :func:`decide_suppression`. Every output of a survey (response tables, age
    tables, scale scores, rings, the agenda, hand-over files) reads this one object, so
    no combination of outputs shows more than the decision allows. Build it once from all
    answers of the survey, not from a part of them.

    Attributes
    ----------
    limit : int
        The minimum group size.
    counts : dict
        Group (buurt code) -> number of respondents.
    hidden : frozenset
        Groups whose count and results are not shown.
    secondary : frozenset
        The hidden groups that are large enough themselves (hidden only so that a small
        group cannot be worked back).
    areas : dict
        Area name -> its groups: the whole survey (``"totaal"``), every wijk that follows
        from CBS buurt codes, and the areas given to :func:`decide_suppression`.
    hidden_areas : frozenset
        Areas whose total is not shown.
    """

    def __init__(self, limit: int, counts: Mapping[str, int], hidden: frozenset[str],
                 primary: frozenset[str], areas: Mapping[str, frozenset[str]],
                 hidden_areas: frozenset[str]) -> None:
        self.limit = limit
        self.counts = dict(counts)
        self.hidden = hidden
        self.secondary = hidden - primary
        self.areas = dict(areas)
        self.hidden_areas = hidden_areas

    def __repr__(self) -> str:
        return (f"Suppression(limit={self.limit}, groups={len(self.counts)}, "
                f"hidden={sorted(self.hidden)}, hidden_areas={sorted(self.hidden_areas)})")

    def shows(self, group: Any) -> bool:
        """Whether a group's count and results may be shown (it is large enough and not hidden)."""
        key = str(group)
        return key not in self.hidden and self.counts.get(key, 0) >= self.limit

    def count(self, group: Any) -> int | None:
        """The group's number of respondents, or None when it may not be shown."""
        return self.counts.get(str(group), 0) if self.shows(group) else None

    def reason(self, group: Any) -> str:
        """Why a group is hidden (:data:`REASON_SMALL`, :data:`REASON_SECONDARY`), or ``""``."""
        key = str(group)
        if key in self.secondary:
            return REASON_SECONDARY
        return "" if self.shows(key) else REASON_SMALL

    def area_of(self, groups: Any = None) -> str | None:
        """The declared area with exactly these groups (ignoring groups without answers)."""
        if groups is None:
            return WHOLE
        wanted = {str(g) for g in groups if self.counts.get(str(g), 0) > 0}
        for name, members in self.areas.items():
            if {g for g in members if self.counts.get(g, 0) > 0} == wanted:
                return name
        return None

    def total(self, groups: Any = None) -> int | None:
        """The number of respondents in these groups, or None when it may not be shown.

        Parameters
        ----------
        groups : iterable of str, optional
            Group codes; default every group (the whole survey).

        Returns
        -------
        int or None
            The sum, when it is the total of an area that may be shown, or when none of
            the groups is hidden (then it follows from the visible counts anyway).
            Otherwise None: a total over another choice of groups could be combined
            with the other outputs to work a hidden group back.
        """
        keys = list(self.counts) if groups is None else [str(g) for g in groups]
        whole = sum(self.counts.get(k, 0) for k in keys)
        if whole < self.limit:
            return None
        if not any(k in self.hidden and self.counts.get(k, 0) > 0 for k in keys):
            return whole
        area = self.area_of(keys)
        return whole if area is not None and area not in self.hidden_areas else None

    def to_dict(self) -> dict[str, Any]:
        """The decision as plain data (for hand-over files)."""
        return {"limit": self.limit, "counts": self.counts,
                "hidden": sorted(self.hidden), "primary": sorted(self.hidden - self.secondary),
                "areas": {k: sorted(v) for k, v in self.areas.items()},
                "hidden_areas": sorted(self.hidden_areas)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Suppression:
        """The decision back from :meth:`to_dict`."""
        return cls(int(data["limit"]), {str(k): int(v) for k, v in data["counts"].items()},
                   frozenset(data["hidden"]), frozenset(data["primary"]),
                   {k: frozenset(v) for k, v in data["areas"].items()},
                   frozenset(data["hidden_areas"]))


def decide_suppression(
    counts: Mapping[Any, Any] | Any,
    min_n: int | str | None = None,
    areas: Mapping[str, Any] | None = None,
) -> Suppression:
    """Decide once which groups and area totals of a survey may be shown.

    Primary suppression hides groups with 1 to ``min_n - 1`` respondents. That is not
    enough when totals are shown too: an area total minus the visible groups in it gives
    the hidden groups in it together, and the total of a larger area minus the totals of
    the areas inside it gives the groups outside them. So, for every area whose total is
    shown, the hidden groups that can be worked out this way must together be at least
    two groups with at least ``min_n`` respondents. When they are not, the next-smallest
    visible group there is hidden too (secondary suppression), and when there is none,
    the area's total is hidden. This repeats until nothing changes.

    Parameters
    ----------
    counts : dict or Series of group -> respondents, or a Series of group per respondent
        For example ``antwoorden["buurtcode"]`` (one row per respondent) or its
        ``value_counts()``. Use every answer of the survey.
    min_n : int, optional
        Minimum group size (see :func:`min_group_size`).
    areas : dict of name -> groups, optional
        More areas whose total may be shown. The whole survey and every wijk (from CBS
        buurt codes) are always included.

    Returns
    -------
    Suppression
    """
    limit = min_group_size(min_n)
    sizes = _group_sizes(counts)
    declared = _declared_areas(list(sizes), areas)
    primary = frozenset(k for k, n in sizes.items() if 0 < n < limit)
    hidden = set(primary)
    hidden_areas = {a for a, members in declared.items()
                    if sum(sizes.get(g, 0) for g in members) < limit}
    order = sorted(declared, key=lambda a: (len(declared[a]), a))

    def unsafe(groups: set[str]) -> bool:
        inside = [g for g in groups if g in hidden and sizes.get(g, 0) > 0]
        return bool(inside) and (len(inside) < 2 or sum(sizes[g] for g in inside) < limit)

    changed = True
    while changed:
        changed = False
        for area in order:
            if area in hidden_areas:
                continue
            members = set(declared[area])
            inner = [declared[b] for b in order if b != area and b not in hidden_areas
                     and declared[b] < declared[area]]
            rest = members.difference(*inner) if inner else members
            for part, sub in ((members, None), (rest, inner)):
                if not unsafe(part):
                    continue
                visible = sorted((sizes.get(g, 0), g) for g in part
                                 if g not in hidden and sizes.get(g, 0) > 0)
                if visible:
                    hidden.add(visible[0][1])
                elif sub:
                    smallest = min((b for b in order if declared[b] in sub),
                                   key=lambda b: (len(declared[b]), b))
                    hidden_areas.add(smallest)
                else:
                    hidden_areas.add(area)
                changed = True
                break
            if changed:
                break
    return Suppression(limit, sizes, frozenset(hidden), primary, declared,
                       frozenset(hidden_areas))


def _group_sizes(counts: Any) -> dict[str, int]:
    import pandas as pd

    if isinstance(counts, pd.Series) and not pd.api.types.is_numeric_dtype(counts):
        counts = counts.dropna().astype(str).value_counts()
    if isinstance(counts, pd.Series):
        counts = counts.to_dict()
    return {str(k): _size(v) for k, v in dict(counts).items()}


def secondary_suppress(
    counts: Mapping[str, int | None], min_n: int | None = None, total: int | None = None
) -> tuple[set[str], set[str], bool]:
    """Which groups of one table to hide so that no small group follows from its total.

    For groups that are not buurten of a survey (age groups inside one area, for
    example). Groups with 1 to ``min_n - 1`` respondents are hidden; when the hidden
    groups are fewer than two or add up to fewer than ``min_n``, the next-smallest
    visible group is hidden too, until that no longer holds. When no visible group is
    left to hide, the total must be hidden. For the buurten of a survey use
    :func:`decide_suppression`, which also looks at wijk and other area totals.

    Parameters
    ----------
    counts : dict
        Group -> number of respondents (missing counts as 0).
    min_n : int, optional
        Minimum group size; default :func:`min_group_size`.
    total : int, optional
        The total shown next to the groups; default the sum of ``counts``. A total below
        ``min_n`` is always hidden.

    Returns
    -------
    tuple
        ``(hidden, secondary, hide_total)``: all groups to hide (groups with 0 are not
        included: they reveal no one), the groups among them hidden only to prevent
        working back, and whether the total must be hidden.
    """
    limit = min_group_size(min_n)
    sizes = {k: _size(v) for k, v in counts.items()}
    whole = sum(sizes.values()) if total is None or _is_missing(total) else int(total)
    primary = {k for k, n in sizes.items() if 0 < n < limit}
    hidden = set(primary)
    hide_total = whole < limit
    while hidden and (len(hidden) < 2 or sum(sizes[k] for k in hidden) < limit):
        rest = sorted((n, str(k), k) for k, n in sizes.items() if k not in hidden and n > 0)
        if not rest:
            hide_total = True
            break
        hidden.add(rest[0][2])
    return hidden, hidden - primary, hide_total


#: The group of respondents who gave no answer, in :func:`share_groups_hidden` and in
#: tables by answer (e.g. :func:`wijklib.vertellen.samenvatting.age_table`).
NO_ANSWER_GROUP = "geen"


def share_groups_hidden(
    counts: Mapping[str, int | None], counted: str, min_n: int | None = None,
    hidden: Collection[str] | None = None,
) -> set[str]:
    """Which groups a share line would give away that a table of the same answers hides.

    A line "p % of the n who answered (m without an answer)" lets a reader work out the
    counted group (p × n) and the group without an answer (m). When the table by answer
    for the same respondents hides either of them — below the minimum, or hidden only so
    that another small group cannot be worked back — the line must show no numbers.

    Parameters
    ----------
    counts : dict
        Answer -> number of respondents, with :data:`NO_ANSWER_GROUP` for those without a
        (known) answer.
    counted : str
        The answer whose share the line shows.
    min_n : int, optional
        Minimum group size; default :func:`min_group_size`.
    hidden : collection of str, optional
        The groups the published table hides (e.g. ``attrs["verborgen"]`` of
        :func:`wijklib.vertellen.samenvatting.age_table`); default decided here from
        ``counts`` with :func:`secondary_suppress`, as that table does.

    Returns
    -------
    set of str
        The groups among ``counted`` and :data:`NO_ANSWER_GROUP` that are hidden; empty
        when the line may show its numbers.
    """
    decided = set(hidden) if hidden is not None else secondary_suppress(counts, min_n)[0]
    return decided & {counted, NO_ANSWER_GROUP}


def suppress(
    frame: pd.DataFrame,
    n_col: str | None,
    value_cols: str | Sequence[str],
    min_n: int | None = None,
    *,
    keep_zero: bool = False,
    flag_col: str | None = "verborgen",
) -> pd.DataFrame:
    """Blank values of groups below the minimum group size.

    Parameters
    ----------
    frame : DataFrame
        Any table, e.g. scores per buurt or counts of map notes per buurt and category.
    n_col : str or None
        Column with the group size. Rows where it is below ``min_n`` (or missing) get
        their ``value_cols`` *and* ``n_col`` blanked. ``None``: every value column is a
        count of its own (a wide table of counts): each cell below ``min_n`` is blanked.
    value_cols : str or list of str
        Columns to blank.
    min_n : int, optional
        Minimum group size; default :func:`min_group_size`.
    keep_zero : bool
        Keep counts of exactly 0 (they reveal no one). Default False: every number
        below the minimum is blanked.
    flag_col : str or None
        Name of a True/False column added to say which rows have blanked values
        (``None``: no column).

    Returns
    -------
    DataFrame
        A copy. Blanked numbers are NaN (whole-number columns become ``Int64`` with
        ``<NA>``); blanked text is missing. Never 0.
    """
    import numpy as np
    import pandas as pd

    limit = min_group_size(min_n)
    columns = [value_cols] if isinstance(value_cols, str) else list(value_cols)
    wanted = columns + ([n_col] if n_col else [])
    missing = [c for c in wanted if c not in frame.columns]
    if missing:
        raise InvalidChoiceError(f"De kolom(men) {', '.join(missing)} staan niet in de tabel.")
    out = frame.copy()

    def below(values: pd.Series) -> pd.Series:
        numbers = pd.to_numeric(values, errors="coerce")
        hidden = numbers.isna() | (numbers < limit)
        if keep_zero:
            hidden &= ~(numbers == 0)
        return hidden.fillna(True).astype(bool)

    def blank(column: str, mask: pd.Series) -> None:
        series = out[column]
        if pd.api.types.is_bool_dtype(series) or pd.api.types.is_integer_dtype(series):
            series = series.astype("Int64" if pd.api.types.is_integer_dtype(series) else object)
        elif not pd.api.types.is_numeric_dtype(series):
            series = series.astype(object)
        series = series.copy()
        series[mask.to_numpy()] = pd.NA if series.dtype == "Int64" else np.nan
        if series.dtype == object and not pd.api.types.is_numeric_dtype(frame[column]):
            series[mask.to_numpy()] = None
        out[column] = series

    if n_col is None:
        any_hidden = pd.Series(False, index=out.index)
        for column in columns:
            mask = below(out[column]) & out[column].notna()
            any_hidden |= mask
            blank(column, mask)
        if flag_col:
            out[flag_col] = any_hidden.to_numpy()
        return out
    mask = below(out[n_col])
    for column in dict.fromkeys(columns + [n_col]):
        blank(column, mask)
    if flag_col:
        out[flag_col] = mask.to_numpy()
    return out
