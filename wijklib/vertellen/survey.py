"""The resident questionnaire (bewonersenquête): one CSV, several forms.

The questionnaire lives in ``vragenlijst.csv`` next to this module: one row per question.
A trainer adapts it in that one place (or passes a CSV or Excel file of their own with
the same columns to :func:`vragenlijst`). From it this module makes

* an XLSForm for KoBoToolbox / ODK Collect (:func:`to_xlsform`, checked with pyxform by
  :func:`check_xlsform`),
* a header line for MS Forms, Google Forms or a spreadsheet (:func:`csv_header`),
* a printable Dutch paper form (:func:`printable_html`).

Columns of the questionnaire file
---------------------------------
code
    Short name of the question: a letter, then letters, digits or ``_`` (at most 40).
    It is the column name in the data and the XLSForm ``name``.
schaal
    Code of the scale the question counts towards (empty for buurt, postcode, keuze and
    tekst questions).
schaal_label, hoger_is, schaalscore
    Scale settings, given on the first row of a scale (later rows may stay empty).
    ``hoger_is`` is ``gunstig``, ``ongunstig`` or ``neutraal``: is a higher scale score
    favourable? ``schaalscore`` says how the score is shown: ``0-10`` (as the CBS
    Veiligheidsmonitor does), ``procent`` (share of the highest answer, for ja/nee) or
    ``gemiddelde`` (the mean on the answer scale itself, for a 1–10 grade).
tekst
    The question as residents read it.
soort
    ``buurt`` (choose the buurt from a list), ``postcode`` (only the 4 digits),
    ``keuze`` (one answer from a list, not scored, e.g. an age group), ``schaal`` (one
    answer from a list with number codes), ``getal`` (a number between ``min`` and
    ``max``) or ``tekst`` (short open answer; never ask for names or addresses).
min, max
    Range of a ``getal`` question (for ``schaal`` questions it follows from the codes).
omgekeerd
    ``ja`` when agreeing means *less* of what the scale measures (the item is flipped
    before the scale score is computed), else ``nee``.
antwoorden
    The answers, in the order shown: ``code=Label`` separated by ``|``. A code that is
    a number counts in the score; a code that is not a number (``weet_niet``) is a valid
    answer that counts as "no answer".
bron
    Where the question comes from.

Privacy: the form asks for the buurt (or only the 4 digits of the postcode) and at most
an age group. Questions that ask for a name, address, e-mail, phone number or exact age
are refused when the file is read.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from wijklib.errors import WijklibError
from wijklib.guarantees import reading
from wijklib.guarantees.rendering import escape
from wijklib.guarantees.writing import atomic_write_text

#: Kinds of question (column ``soort``).
KINDS = ("buurt", "postcode", "keuze", "schaal", "getal", "tekst")
#: Kinds that can count towards a scale.
SCORED_KINDS = frozenset({"schaal", "getal"})
#: Values of ``hoger_is``.
DIRECTIONS = ("gunstig", "ongunstig", "neutraal")
#: Values of ``schaalscore``: how a scale score is expressed.
SCORE_TYPES = ("0-10", "procent", "gemiddelde")
#: Columns the questionnaire file must have.
REQUIRED_COLUMNS = ("code", "schaal", "tekst", "soort")
#: All columns the questionnaire file may have, in this order.
COLUMNS = (
    "code",
    "schaal",
    "schaal_label",
    "hoger_is",
    "schaalscore",
    "tekst",
    "soort",
    "min",
    "max",
    "omgekeerd",
    "antwoorden",
    "bron",
)
#: Names question codes may not take (data columns and the notes of the XLSForm).
RESERVED_CODES = frozenset({"respondent", "buurtcode", "buurtnaam", "uitleg", "bedankt"})
#: Choice name of "I do not know my buurt" in forms (then the postcode is asked).
UNKNOWN_BUURT = "onbekend"

PRIVACY_TEXT = (
    "Deze vragenlijst is anoniem. Vul nergens uw naam, adres, e-mailadres of "
    "telefoonnummer in. We vragen alleen in welke buurt u woont. Uw antwoorden worden "
    "alleen samen met die van andere bewoners bekeken. Uitkomsten van een groep met te "
    "weinig antwoorden laten we niet zien, zodat niemand te herkennen is. Meedoen is "
    "vrijwillig: u mag vragen overslaan."
)

_CODE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,39}$")
_CHOICE_RE = re.compile(r"^[A-Za-z0-9_.+\-]{1,40}$")
_YES = {"ja", "j", "yes", "y", "true", "waar", "1"}
_NO = {"nee", "n", "no", "false", "onwaar", "0", ""}
# Free-entry questions that would collect personal data (checked on normalised text).
_PERSONAL_TEXT_RE = re.compile(
    r"\b(naam|namen|voornaam|achternaam|adres|woonadres|e ?mail\w*|telefoon\w*|mobiel\w*|"
    r"geboortedatum|geboortejaar|huisnummer|straatnaam|bsn)\b"
)
_PERSONAL_NUMBER_RE = re.compile(
    r"\b(leeftijd|geboortejaar|geboortedatum|huisnummer|telefoon\w*|bsn)\b"
)


class QuestionnaireError(WijklibError, ValueError):
    """The questionnaire file has a mistake; the message names row and column.

    Attributes
    ----------
    problems : list of str
        Every mistake found, one sentence each.
    """

    def __init__(self, source: str, problems: list[str]) -> None:
        self.problems = list(problems)
        shown = problems[:8]
        more = len(problems) - len(shown)
        text = f"De vragenlijst ({source}) klopt nog niet. " + " ".join(shown)
        if more:
            text += f" En nog {more} andere fout(en)."
        text += " Verbeter het bestand en lees het opnieuw in."
        super().__init__(text)


class XLSFormError(WijklibError, ValueError):
    """The XLSForm does not follow the XLSForm rules (as checked by pyxform)."""


# --------------------------------------------------------------------------- text helpers


def normalise(text: Any) -> str:
    """Text for matching: no accents, lower case, punctuation as single spaces.

    >>> normalise("  Hoe tevreden bent u over de speelplekken? ")
    'hoe tevreden bent u over de speelplekken'
    """
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    return _normalise(str(text))


@lru_cache(maxsize=65536)
def _normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^0-9a-z]+", " ", plain.casefold()).strip()


def squash(text: Any) -> str:
    """Only the letters and digits of :func:`normalise` (``"coh_kennen"`` -> ``"cohkennen"``)."""
    return normalise(text).replace(" ", "")


def parse_number(text: Any) -> float | None:
    """A number written the Dutch or English way (``"7,5"``, ``"7.5"``), else None.

    Nothing is stripped first: ``"1 0"``, ``"(4)"`` and ``"1.000"`` (a thousand or
    one?) give None, so that the caller reports them instead of reading 10, 4 or 1.
    """
    if text is None:
        return None
    if isinstance(text, bool):
        return None
    if isinstance(text, int | float):
        value = float(text)
        return value if math.isfinite(value) else None
    cleaned = str(text).strip()
    if not cleaned:
        return None
    if re.fullmatch(r"[+-]?\d{1,3}(?:\.\d{3})+", cleaned):
        return None  # "1.000": a Dutch thousand or an English one? Not guessed.
    if re.fullmatch(r"[+-]?\d+,\d+", cleaned):
        cleaned = cleaned.replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _fmt(value: float) -> str:
    """A range bound for messages: ``1`` not ``1.0``; a decimal comma."""
    if float(value).is_integer():
        return str(int(value))
    return str(value).replace(".", ",")


# --------------------------------------------------------------------------- data classes


@dataclass(frozen=True)
class Question:
    """One row of the questionnaire.

    Attributes
    ----------
    code : str
        Column name in the data and XLSForm name.
    tekst : str
        The question as residents read it.
    soort : str
        One of :data:`KINDS`.
    schaal : str or None
        Code of the scale it counts towards.
    antwoorden : tuple of (code, label)
        Answers in the order shown.
    min, max : float or None
        Range of the numeric answers (``schaal``: from the codes; ``getal``: from the file).
    omgekeerd : bool
        Flip before scoring (agreeing means less of what the scale measures).
    bron : str
        Source of the question.
    rij : int
        Row in the questionnaire file (header is row 1).
    """

    code: str
    tekst: str
    soort: str
    schaal: str | None = None
    antwoorden: tuple[tuple[str, str], ...] = ()
    min: float | None = None
    max: float | None = None
    omgekeerd: bool = False
    bron: str = ""
    rij: int = 0

    @property
    def scored(self) -> bool:
        """True when the question counts towards a scale."""
        return self.schaal is not None

    @cached_property
    def values(self) -> dict[str, float]:
        """Answer codes that are numbers, with their value."""
        out = {}
        for code, _label in self.antwoorden:
            value = parse_number(code)
            if value is not None:
                out[code] = value
        return out

    @property
    def no_answer_codes(self) -> tuple[str, ...]:
        """Answer codes of a scored question that mean "no answer" (``weet_niet``)."""
        if self.soort not in SCORED_KINDS:
            return ()
        return tuple(c for c, _ in self.antwoorden if parse_number(c) is None)

    def label(self, code: str) -> str:
        """The label of an answer code (the code itself when it has no label)."""
        for c, label in self.antwoorden:
            if c == code:
                return label
        return code

    def code_for_value(self, value: float) -> str | None:
        """The answer code of a numeric value (None when no code has that value)."""
        for code, v in self.values.items():
            if v == value:
                return code
        return None


@dataclass(frozen=True)
class Scale:
    """A scale: questions whose answers together give one score.

    Attributes
    ----------
    code : str
        Short name (``cohesie``).
    label : str
        Dutch label for people.
    hoger_is : str
        ``gunstig``, ``ongunstig`` or ``neutraal``: is a higher score favourable?
    schaalscore : str
        ``0-10``, ``procent`` or ``gemiddelde`` (see the module docstring).
    items : tuple of str
        Question codes, in questionnaire order.
    min, max : float
        Range of the scale score (0–10, 0–100 or the answer range).
    """

    code: str
    label: str
    hoger_is: str
    schaalscore: str
    items: tuple[str, ...]
    min: float
    max: float

    @property
    def eenheid(self) -> str:
        """How the score reads: ``"0–10"``, ``"%"`` or ``"1–10"``."""
        if self.schaalscore == "procent":
            return "%"
        return f"{_fmt(self.min)}–{_fmt(self.max)}"


@dataclass(frozen=True)
class Questionnaire:
    """The whole questionnaire: questions in order and the scales they form.

    Attributes
    ----------
    questions : tuple of Question
    scales : tuple of Scale
    source : str
        File it was read from.
    """

    questions: tuple[Question, ...]
    scales: tuple[Scale, ...]
    source: str = ""
    _by_code: dict[str, Question] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_code.update({q.code: q for q in self.questions})

    def by_code(self) -> dict[str, Question]:
        """Every question by its code."""
        return dict(self._by_code)

    def question(self, code: str) -> Question:
        """The question with this code (KeyError with a Dutch message when unknown)."""
        try:
            return self._by_code[code]
        except KeyError:
            raise KeyError(f"De vraag '{code}' staat niet in de vragenlijst.") from None

    def scale(self, code: str) -> Scale:
        """The scale with this code (KeyError with a Dutch message when unknown)."""
        for s in self.scales:
            if s.code == code:
                return s
        names = ", ".join(s.code for s in self.scales)
        raise KeyError(f"De schaal '{code}' ken ik niet. Kies uit: {names}.")

    @property
    def items(self) -> tuple[Question, ...]:
        """Questions that count towards a scale, grouped by scale."""
        return tuple(self.question(c) for s in self.scales for c in s.items)

    @property
    def buurt_question(self) -> Question | None:
        """The question that asks for the buurt (None when the form has none)."""
        return next((q for q in self.questions if q.soort == "buurt"), None)

    @property
    def postcode_question(self) -> Question | None:
        """The question that asks for the 4 digits of the postcode (or None)."""
        return next((q for q in self.questions if q.soort == "postcode"), None)

    @property
    def extra_questions(self) -> tuple[Question, ...]:
        """Unscored ``keuze`` and ``tekst`` questions (kept as text in the data)."""
        return tuple(q for q in self.questions if q.soort in ("keuze", "tekst"))

    def form_order(self) -> list[Question]:
        """Questions in the order a form shows them: buurt, postcode, extra, then scales."""
        first = [q for q in self.questions if q.soort in ("buurt", "postcode")]
        return first + list(self.extra_questions) + list(self.items)

    def data_columns(self) -> list[str]:
        """Columns of response data: respondent, buurtcode, buurtnaam, then questions."""
        return (
            ["respondent", "buurtcode", "buurtnaam"]
            + [q.code for q in self.extra_questions]
            + [q.code for q in self.items]
        )

    def to_frame(self) -> pd.DataFrame:
        """The questionnaire as a table (one row per question), for showing."""
        rows = []
        for q in self.questions:
            scale = self.scale(q.schaal) if q.schaal else None
            rows.append(
                {
                    "code": q.code,
                    "schaal": q.schaal or "",
                    "tekst": q.tekst,
                    "soort": q.soort,
                    "antwoorden": " | ".join(label for _, label in q.antwoorden),
                    "omgekeerd": "ja" if q.omgekeerd else "",
                    "hoger_is": scale.hoger_is if scale else "",
                    "bron": q.bron,
                }
            )
        return pd.DataFrame(rows)

    def _repr_html_(self) -> str:
        intro = (
            f"<p><strong>Vragenlijst</strong>: {len(self.questions)} vragen, "
            f"{len(self.scales)} schalen ({escape(', '.join(s.label for s in self.scales))})."
            "</p>"
        )
        return intro + self.to_frame().to_html(index=False, escape=True)

    def __repr__(self) -> str:
        return (
            f"Questionnaire({len(self.questions)} vragen, schalen: "
            f"{', '.join(s.code for s in self.scales)})"
        )


# --------------------------------------------------------------------------- reading


def default_path() -> Path:
    """Path of the questionnaire that comes with wijklib."""
    return Path(str(resources.files("wijklib.vertellen").joinpath("vragenlijst.csv")))


def _flag(value: str) -> bool | None:
    key = value.strip().casefold()
    if key in _YES:
        return True
    if key in _NO:
        return False
    return None


def _parse_answers(text: str) -> tuple[list[tuple[str, str]], list[str]]:
    """``"1=Ja|0=Nee"`` -> ``[("1", "Ja"), ("0", "Nee")]`` plus problems found."""
    pairs: list[tuple[str, str]] = []
    problems: list[str] = []
    if not text.strip():
        return pairs, problems
    for part in text.split("|"):
        if "=" not in part:
            problems.append(
                f"'{part.strip()}' heeft geen '='. Schrijf elk antwoord als code=Label, "
                "bijvoorbeeld 5=Helemaal mee eens."
            )
            continue
        code, label = (s.strip() for s in part.split("=", 1))
        if not code or not label:
            problems.append(f"'{part.strip()}' mist een code of een label.")
            continue
        if not _CHOICE_RE.match(code):
            problems.append(
                f"de antwoordcode '{code}' mag alleen letters, cijfers en _ bevatten "
                "(geen spaties)."
            )
            continue
        pairs.append((code, label))
    codes = [c for c, _ in pairs]
    labels = [normalise(lab) for _, lab in pairs]
    for what, items in (("code", codes), ("label", labels)):
        seen = {x for x in items if items.count(x) > 1}
        if seen:
            problems.append(f"het antwoord-{what} '{sorted(seen)[0]}' komt twee keer voor.")
    return pairs, problems


def _read_rows(source: Any) -> tuple[list[str], list[list[str]], int]:
    """Header, rows and header row of a CSV or Excel file (:mod:`wijklib.guarantees.reading`)."""
    table = reading.read_table(source)
    return table.header, table.rows, table.header_row


def vragenlijst(path: str | Path | None = None) -> Questionnaire:
    """Read a questionnaire.

    Parameters
    ----------
    path : str or Path, optional
        A CSV (``,`` ``;`` or tab; UTF-8 or Windows encoding) or ``.xlsx`` file with the
        columns described in the module docstring. ``None`` reads the questionnaire that
        comes with wijklib (``wijklib/vragenlijst.csv``).

    Returns
    -------
    Questionnaire

    Raises
    ------
    QuestionnaireError
        When the file has mistakes: the message names the row (the header is row 1)
        and the column of each one, and says what to do.
    """
    source = Path(path) if path is not None else default_path()
    label = source.name
    try:
        header, rows, header_row = _read_rows(source)
    except WijklibError as err:
        raise QuestionnaireError(label, [str(err)]) from None
    return parse_questionnaire(header, rows, source=label, header_row=header_row)


def parse_questionnaire(
    header: list[str],
    rows: Iterable[list[str]],
    source: str = "vragenlijst",
    header_row: int = 1,
) -> Questionnaire:
    """Build a :class:`Questionnaire` from a header and rows of text (see :func:`vragenlijst`).

    ``header_row`` is the row of the header in the file (for the row numbers in messages).
    """
    names = [h.strip().casefold() for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise QuestionnaireError(
            source,
            [
                f"Rij {header_row} (de kopregel) mist de kolom(men): {', '.join(missing)}. "
                f"Gebruik de kolommen: {', '.join(COLUMNS)}."
            ],
        )
    problems: list[str] = []
    questions: list[Question] = []
    scale_info: dict[str, dict[str, Any]] = {}
    seen_codes: dict[str, int] = {}
    seen_texts: dict[str, int] = {}

    def problem(row: int, column: str, text: str) -> None:
        problems.append(f"Rij {row}, kolom '{column}': {text}")

    for index, raw in enumerate(rows):
        rownr = header_row + 1 + index
        cells = {n: (raw[i].strip() if i < len(raw) and raw[i] is not None else "")
                 for i, n in enumerate(names)}
        if not any(cells.values()):
            continue
        code = cells.get("code", "")
        soort = cells.get("soort", "").casefold()
        tekst = cells.get("tekst", "")
        schaal = cells.get("schaal", "") or None
        ok = True
        if not _CODE_RE.match(code):
            problem(rownr, "code", f"'{code}' is geen goede code. Begin met een letter en "
                    "gebruik alleen letters, cijfers en _ (geen spaties, hoogstens 40 tekens).")
            ok = False
        elif code.casefold() in RESERVED_CODES:
            problem(rownr, "code", f"'{code}' is gereserveerd. Kies een andere code.")
            ok = False
        elif code.casefold() in seen_codes:
            problem(rownr, "code", f"de code '{code}' staat ook in rij "
                    f"{seen_codes[code.casefold()]}. Elke vraag heeft een eigen code.")
            ok = False
        else:
            seen_codes[code.casefold()] = rownr
        if soort not in KINDS:
            problem(rownr, "soort", f"'{soort}' ken ik niet. Kies uit: {', '.join(KINDS)}.")
            continue
        if not tekst:
            problem(rownr, "tekst", "de vraag heeft geen tekst. Schrijf de vraag op.")
            ok = False
        elif normalise(tekst) in seen_texts:
            earlier = seen_texts[normalise(tekst)]
            problem(rownr, "tekst", f"dezelfde tekst staat ook in rij {earlier}. Elke vraag "
                    "heeft een eigen tekst (anders zijn de antwoorden niet uit elkaar te houden).")
            ok = False
        else:
            seen_texts[normalise(tekst)] = rownr
        omgekeerd = _flag(cells.get("omgekeerd", ""))
        if omgekeerd is None:
            problem(rownr, "omgekeerd", f"'{cells.get('omgekeerd')}' moet 'ja' of 'nee' zijn.")
            ok = False
        answers, answer_problems = _parse_answers(cells.get("antwoorden", ""))
        for text in answer_problems:
            problem(rownr, "antwoorden", text)
            ok = False
        low = parse_number(cells.get("min", ""))
        high = parse_number(cells.get("max", ""))
        for col in ("min", "max"):
            if cells.get(col, "") and parse_number(cells[col]) is None:
                problem(rownr, col, f"'{cells[col]}' is geen getal.")
                ok = False
        norm_text = normalise(tekst) + " " + normalise(code.replace("_", " "))
        if soort == "tekst" and _PERSONAL_TEXT_RE.search(norm_text):
            problem(rownr, "tekst", "deze open vraag lijkt te vragen naar een naam, adres, "
                    "e-mailadres of telefoonnummer. Dat mag niet: de enquête is anoniem.")
            ok = False
        if soort == "getal" and _PERSONAL_NUMBER_RE.search(norm_text):
            problem(rownr, "tekst", "vraag niet naar een exacte leeftijd, geboortejaar of "
                    "huisnummer. Gebruik een keuzevraag met leeftijdsgroepen.")
            ok = False
        if schaal and soort not in SCORED_KINDS:
            problem(rownr, "schaal", f"een vraag van soort '{soort}' telt niet mee in een "
                    "schaal. Maak de kolom 'schaal' leeg, of kies soort 'schaal' of 'getal'.")
            ok = False
        if soort in SCORED_KINDS and not schaal:
            problem(rownr, "schaal", "deze vraag hoort bij geen schaal. Vul de schaal in.")
            ok = False
        if schaal and not _CODE_RE.match(schaal):
            problem(rownr, "schaal", f"'{schaal}' is geen goede schaalcode (letters, cijfers, _).")
            ok = False
        numeric = [parse_number(c) for c, _ in answers]
        numbers = [v for v in numeric if v is not None]
        if soort == "schaal":
            if len(numbers) < 2:
                problem(rownr, "antwoorden", "een schaalvraag heeft minstens twee antwoorden "
                        "met een getal als code nodig, zoals 1=Nee|2=Ja.")
                ok = False
            else:
                if (low is not None and low != min(numbers)) or (
                    high is not None and high != max(numbers)
                ):
                    problem(rownr, "min", "min en max passen niet bij de antwoordcodes. "
                            "Maak ze leeg: ze volgen uit de codes.")
                    ok = False
                low, high = min(numbers), max(numbers)
        elif soort == "getal":
            if low is None or high is None or low >= high:
                problem(rownr, "min", "een getalvraag heeft een min en een max nodig "
                        "(min kleiner dan max), bijvoorbeeld 1 en 10.")
                ok = False
            if numbers:
                problem(rownr, "antwoorden", "bij een getalvraag mogen alleen antwoorden "
                        "zonder getal staan, zoals weet_niet=Weet ik niet.")
                ok = False
        elif soort == "keuze":
            if len(answers) < 2:
                problem(rownr, "antwoorden", "een keuzevraag heeft minstens twee antwoorden "
                        "nodig, als code=Label gescheiden door |.")
                ok = False
            low = high = None
        else:
            if answers:
                problem(rownr, "antwoorden", f"een vraag van soort '{soort}' heeft geen "
                        "antwoordlijst. Maak de kolom leeg.")
                ok = False
            low = high = None
        if schaal:
            info = scale_info.setdefault(schaal, {"rij": rownr, "items": []})
            for col, allowed in (
                ("schaal_label", None),
                ("hoger_is", DIRECTIONS),
                ("schaalscore", SCORE_TYPES),
            ):
                value = cells.get(col, "")
                if col != "schaal_label":
                    value = value.casefold().replace("–", "-")
                if not value:
                    continue
                if allowed and value not in allowed:
                    problem(rownr, col, f"'{value}' ken ik niet. Kies uit: {', '.join(allowed)}.")
                    ok = False
                elif col in info and info[col] != value:
                    problem(rownr, col, f"'{value}' verschilt van rij {info['rij']} "
                            f"('{info[col]}'). Een schaal heeft één {col}.")
                    ok = False
                else:
                    info[col] = value
            info["items"].append(code)
        if ok:
            questions.append(
                Question(
                    code=code,
                    tekst=tekst,
                    soort=soort,
                    schaal=schaal,
                    antwoorden=tuple(answers),
                    min=low,
                    max=high,
                    omgekeerd=bool(omgekeerd),
                    bron=cells.get("bron", ""),
                    rij=rownr,
                )
            )

    by_code = {q.code: q for q in questions}
    scales: list[Scale] = []
    for code, info in scale_info.items():
        if code in by_code:
            problem(info["rij"], "schaal", f"de schaal '{code}' heeft dezelfde naam als een "
                    "vraag. Geef de schaal een andere code.")
            continue
        if "hoger_is" not in info:
            problem(info["rij"], "hoger_is", f"zeg bij de schaal '{code}' of een hogere score "
                    "gunstig, ongunstig of neutraal is.")
            continue
        items = [by_code[c] for c in info["items"] if c in by_code]
        if len(items) != len(info["items"]):
            continue  # the item rows already have a problem
        kinds = {q.soort for q in items}
        score_type = info.get("schaalscore") or ("gemiddelde" if kinds == {"getal"} else "0-10")
        ranges = {(q.min, q.max) for q in items}
        if score_type == "gemiddelde" and len(ranges) > 1:
            problem(info["rij"], "schaalscore", f"de vragen van schaal '{code}' hebben "
                    "verschillende antwoordbereiken. Gebruik schaalscore 0-10.")
            continue
        if score_type == "0-10":
            low, high = 0.0, 10.0
        elif score_type == "procent":
            low, high = 0.0, 100.0
        else:
            low, high = next(iter(ranges))
        scales.append(
            Scale(
                code=code,
                label=info.get("schaal_label") or code,
                hoger_is=info["hoger_is"],
                schaalscore=score_type,
                items=tuple(q.code for q in items),
                min=float(low),
                max=float(high),
            )
        )
    kinds_present = [q.soort for q in questions]
    if "buurt" not in kinds_present and "postcode" not in kinds_present and not problems:
        problems.append("Er is geen vraag naar de buurt. Voeg een vraag toe met soort 'buurt' "
                        "(of 'postcode').")
    for kind in ("buurt", "postcode"):
        if kinds_present.count(kind) > 1:
            problems.append(f"Er zijn meer vragen van soort '{kind}'. Eén is genoeg.")
    if not scales and not problems:
        problems.append("Er is geen enkele schaalvraag. Voeg vragen toe met een schaal.")
    if problems:
        raise QuestionnaireError(source, problems)
    return Questionnaire(questions=tuple(questions), scales=tuple(scales), source=source)


# --------------------------------------------------------------------------- buurten


def buurt_choices(buurten: pd.DataFrame) -> list[tuple[str, str]]:
    """``(code, label)`` per buurt, sorted by name; the label is the name, or
    ``"naam (code)"`` when two buurten share a name.

    Parameters
    ----------
    buurten : DataFrame
        With columns ``code`` and ``naam`` (as from :func:`wijklib.kerncijfers`).
    """
    if not isinstance(buurten, pd.DataFrame) or not {"code", "naam"} <= set(buurten.columns):
        raise WijklibError(
            "Geef een tabel met buurten met de kolommen 'code' en 'naam', bijvoorbeeld "
            "wijklib.kerncijfers('Utrecht', niveau='buurt')."
        )
    frame = buurten[["code", "naam"]].dropna(subset=["code"]).astype(str)
    frame = frame.assign(code=frame["code"].str.strip(), naam=frame["naam"].str.strip())
    frame = frame.drop_duplicates("code")
    counts = frame["naam"].map(normalise).value_counts()
    out = []
    for code, naam in zip(frame["code"], frame["naam"], strict=True):
        label = f"{naam} ({code})" if counts.get(normalise(naam), 0) > 1 or not naam else naam
        out.append((code, label))
    return sorted(out, key=lambda pair: (normalise(pair[1]), pair[0]))


# --------------------------------------------------------------------------- XLSForm


def _list_names(q: Questionnaire) -> dict[tuple[tuple[str, str], ...], str]:
    """One choice list per distinct answer list, named after its first question."""
    names: dict[tuple[tuple[str, str], ...], str] = {}
    for question in q.form_order():
        if question.soort in ("keuze", "schaal") and question.antwoorden not in names:
            names[question.antwoorden] = f"antw_{question.code}"
    return names


def _range_constraint(question: Question) -> str:
    return f". >= {_fmt(question.min)} and . <= {_fmt(question.max)}".replace(",", ".")


def xlsform_sheets(
    q: Questionnaire, buurten: pd.DataFrame, titel: str = "Bewonersenquête",
    form_id: str = "bewonersenquete", versie: str | None = None,
) -> dict[str, list[dict[str, str]]]:
    """The XLSForm as rows per sheet (``survey``, ``choices``, ``settings``)."""
    lists = _list_names(q)
    survey: list[dict[str, str]] = [
        {"type": "note", "name": "uitleg", "label": PRIVACY_TEXT}
    ]
    choices: list[dict[str, str]] = []
    has_buurt = q.buurt_question is not None
    for question in q.form_order():
        row: dict[str, str] = {"name": question.code, "label": question.tekst}
        if question.soort == "buurt":
            row.update(type="select_one buurten", required="yes", appearance="minimal")
            if q.postcode_question is not None:
                row["hint"] = "Weet u het niet? Kies dan 'Weet ik niet'."
        elif question.soort == "postcode":
            row.update(
                type="text",
                constraint="regex(., '^[1-9][0-9]{3}$')",
                constraint_message="Vul alleen de 4 cijfers van de postcode in, zoals 3581.",
                appearance="numbers",
            )
            if has_buurt:
                row.update(relevant=f"${{{q.buurt_question.code}}} = '{UNKNOWN_BUURT}'",
                           required="yes")
            else:
                row["required"] = "yes"
        elif question.soort in ("keuze", "schaal"):
            row["type"] = f"select_one {lists[question.antwoorden]}"
        elif question.soort == "getal":
            whole = float(question.min).is_integer() and float(question.max).is_integer()
            row.update(
                type="integer" if whole else "decimal",
                constraint=_range_constraint(question),
                constraint_message=(
                    f"Vul een getal in van {_fmt(question.min)} tot en met {_fmt(question.max)}."
                ),
                hint="Weet u het niet? Laat het dan leeg.",
            )
        else:
            row.update(type="text", hint="Noem geen namen of adressen.")
        survey.append(row)
    # wrap the scale items in one group per scale (KoBo then prefixes 'schaal/code')
    grouped: list[dict[str, str]] = []
    current: str | None = None
    for row in survey:
        scale = q.question(row["name"]).schaal if row["name"] in q.by_code() else None
        if scale != current:
            if current is not None:
                grouped.append({"type": "end_group", "name": current})
            if scale is not None:
                grouped.append(
                    {"type": "begin_group", "name": scale, "label": q.scale(scale).label,
                     "appearance": "field-list"}
                )
            current = scale
        grouped.append(row)
    if current is not None:
        grouped.append({"type": "end_group", "name": current})
    grouped.append({"type": "note", "name": "bedankt", "label": "Bedankt voor het invullen!"})

    for code, label in buurt_choices(buurten):
        choices.append({"list_name": "buurten", "name": code, "label": label})
    if q.postcode_question is not None and has_buurt:
        choices.append({"list_name": "buurten", "name": UNKNOWN_BUURT, "label": "Weet ik niet"})
    for answers, list_name in lists.items():
        for code, label in answers:
            choices.append({"list_name": list_name, "name": code, "label": label})
    settings = [
        {
            "form_title": titel,
            "form_id": form_id,
            "version": versie or date.today().strftime("%Y%m%d"),
            "default_language": "Nederlands (nl)",
        }
    ]
    return {"survey": grouped, "choices": choices, "settings": settings}


def _write_sheets(sheets: dict[str, list[dict[str, str]]], path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        columns: list[str] = []
        for row in rows:
            columns.extend(c for c in row if c not in columns)
        sheet.append(columns)
        for row in rows:
            sheet.append([row.get(c, "") for c in columns])
    book.save(path)


def to_xlsform(
    q: Questionnaire,
    path: str | Path,
    buurten: pd.DataFrame,
    *,
    titel: str = "Bewonersenquête",
    form_id: str = "bewonersenquete",
    versie: str | None = None,
) -> Path:
    """Write the questionnaire as an XLSForm for KoBoToolbox or ODK Collect.

    Parameters
    ----------
    q : Questionnaire
    path : str or Path
        The ``.xlsx`` file to write.
    buurten : DataFrame
        ``code`` and ``naam`` of the buurten people choose from.
    titel, form_id, versie : str
        Form title, form id and version (default: today's date as ``YYYYMMDD``).

    Returns
    -------
    Path
        The file written. Upload it in KoBoToolbox ("Deploy") or check it first with
        :func:`check_xlsform`. The form asks no names and collects no device ids.
    """
    path = Path(path)
    if path.suffix.casefold() != ".xlsx":
        raise XLSFormError(f"Een XLSForm is een Excel-bestand: geef een naam die eindigt op "
                           f".xlsx (nu: '{path.name}').")
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_sheets(xlsform_sheets(q, buurten, titel, form_id, versie), path)
    return path


def check_xlsform(path: str | Path) -> list[str]:
    """Check an XLSForm with pyxform (the converter KoBoToolbox and ODK use).

    Parameters
    ----------
    path : str or Path
        The ``.xlsx`` file.

    Returns
    -------
    list of str
        pyxform's warnings (often empty). The form converts to a valid XForm.

    Raises
    ------
    XLSFormError
        When pyxform cannot convert the form; the message quotes pyxform's reason.
    """
    from pyxform.errors import PyXFormError
    from pyxform.xls2xform import convert

    path = Path(path)
    if not path.is_file():
        raise XLSFormError(f"Het bestand '{path}' bestaat niet. Maak het eerst met to_xlsform.")
    warnings: list[str] = []
    try:
        convert(xlsform=str(path), warnings=warnings, validate=False)
    except (PyXFormError, ValueError, KeyError, TypeError) as err:
        raise XLSFormError(
            f"Het formulier '{path.name}' volgt de XLSForm-regels niet. pyxform zegt: "
            f"{str(err).strip()} Verbeter het bestand (of maak het opnieuw met to_xlsform)."
        ) from None
    return warnings


# --------------------------------------------------------------------------- CSV header


def csv_header(q: Questionnaire, *, kolommen: str = "tekst", sep: str = ";") -> str:
    """One header line for MS Forms, Google Forms or typing in paper forms.

    Parameters
    ----------
    q : Questionnaire
    kolommen : {"tekst", "code"}
        ``tekst``: the question texts (MS and Google Forms export these as column names;
        copy each text exactly into the form builder, one question per item).
        ``code``: the short codes (handy for typing in paper forms in a spreadsheet).
    sep : str
        Separator: ``;`` (Dutch Excel) or ``,``.

    Returns
    -------
    str
        The line, ending in a newline. :func:`wijklib.vertellen.responses.read_responses` recognises
        both kinds of header.
    """
    if kolommen not in ("tekst", "code"):
        raise WijklibError("Kies kolommen='tekst' of kolommen='code'.")
    names = [question.tekst if kolommen == "tekst" else question.code
             for question in q.form_order()]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=sep, lineterminator="\n").writerow(names)
    return buffer.getvalue()


# --------------------------------------------------------------------------- paper form

def printable_html(
    q: Questionnaire,
    buurten: pd.DataFrame,
    *,
    titel: str = "Bewonersenquête",
    inleiding: str | None = None,
    min_groep: int | None = None,
) -> str:
    """A printable Dutch paper form (A4) as a complete HTML page.

    Parameters
    ----------
    q : Questionnaire
    buurten : DataFrame
        ``code`` and ``naam`` of the buurten to tick.
    titel : str
        Title on top of the form.
    inleiding : str, optional
        Your own short introduction (who asks, what happens with the answers).
    min_groep : int, optional
        Minimum group size mentioned in the privacy text (default: the setting
        ``WIJKLIB_MIN_GROEP``, else 10).

    Returns
    -------
    str
        HTML; all text is escaped. Print it from the browser (A4). It asks no names,
        addresses or exact ages.
    """
    from wijklib.guarantees.privacy import min_group_size
    from wijklib.guarantees.rendering import render

    parts: list[dict[str, Any]] = []
    current: str | None = "-"
    for number, question in enumerate(q.form_order(), start=1):
        if question.schaal != current:
            heading = q.scale(question.schaal).label if question.schaal else "Over u"
            parts.append({"kop": heading, "vragen": []})
            current = question.schaal
        options: list[str] = []
        if question.soort == "buurt":
            options = [label for _, label in buurt_choices(buurten)]
        elif question.soort in ("keuze", "schaal"):
            options = [label for _, label in question.antwoorden]
        elif question.soort == "getal":
            low, high = int(question.min), int(question.max)
            if high - low <= 10:
                options = [str(v) for v in range(low, high + 1)]
                options += [label for _, label in question.antwoorden]
        parts[-1]["vragen"].append({
            "nummer": number, "tekst": question.tekst, "soort": question.soort,
            "opties": options,
            "postcode_tip": question.soort == "buurt" and q.postcode_question is not None,
        })
    return render("vragenformulier.html.j2", titel=titel, inleiding=inleiding or "",
                  privacy=PRIVACY_TEXT, min_groep=int(min_group_size(min_groep)),
                  onderdelen=parts)


def save_csv_header(q: Questionnaire, path: str | Path, *, kolommen: str = "tekst",
                    sep: str = ";") -> Path:
    """Save :func:`csv_header` as a file for MS Forms, Google Forms or Excel.

    Written with a BOM (so Dutch Excel shows the accents) and atomically: a failed write
    gives a Dutch message and leaves an earlier file unchanged.

    Parameters
    ----------
    q : Questionnaire
    path : str or Path
        The file to write.
    kolommen, sep
        As in :func:`csv_header`.

    Returns
    -------
    Path
    """
    return atomic_write_text(path, csv_header(q, kolommen=kolommen, sep=sep),
                             encoding="utf-8-sig")


def save_printable(q: Questionnaire, buurten: pd.DataFrame, path: str | Path,
                   **options: Any) -> Path:
    """Save the paper form of :func:`printable_html` (atomically, like :func:`save_csv_header`).

    Parameters
    ----------
    q : Questionnaire
    buurten : DataFrame
        ``code`` and ``naam`` of the buurten to tick.
    path : str or Path
        The HTML file to write.
    **options
        ``titel``, ``inleiding``, ``min_groep``, as in :func:`printable_html`.

    Returns
    -------
    Path
    """
    return atomic_write_text(path, printable_html(q, buurten, **options))
