"""Checkers behind the "controle" cells of notebook 3 (tellen én vertellen, buurtagenda).

Same rules as :mod:`wijklib.notebook.checks`: each checker takes the participant's answer and the
data it should come from, computes the reference answer at the moment of checking and
returns friendly Dutch :class:`~wijklib.notebook.checks.Feedback`. With
``WIJKLIB_STRICT_CHECKS=1`` anything but a right answer raises ``AssertionError``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import pandas as pd

from wijklib.agenda import state as ag
from wijklib.errors import WijklibError
from wijklib.notebook.checks import NOT_FILLED, Feedback, feedback, is_unfilled, named_area
from wijklib.tellen.compare import format_number

#: The answer to give when there is nothing to find (no gap, no flag).
NOTHING = "geen"


def _text(value: Any) -> str:
    return " ".join(str(value).split()).casefold()


def _is_nothing(answer: Any) -> bool:
    return isinstance(answer, str) and _text(answer) in {NOTHING, "niets", "geen thema",
                                                         "geen buurt"}


def _rows_of(rings: pd.DataFrame, buurtcode: str) -> pd.DataFrame:
    return rings[rings["buurtcode"].astype(str) == str(buurtcode)]


# ----------------------------------------------------------------------- two rings


def check_largest_gap(answer: Any, rings: pd.DataFrame, buurtcode: str) -> Feedback:
    """Check the theme with the largest gap (either way) between the rings of one buurt.

    Parameters
    ----------
    answer : str
        A theme, e.g. ``"sociaal"``.
    rings : pandas.DataFrame
        From :func:`wijklib.agenda.ringen.two_rings` or :func:`wijklib.agenda.ringen.gap_flags`.
    buurtcode : str
        The buurt.

    Notes
    -----
    Themes where a ring is missing have no gap and can never be the answer. When no theme
    has both rings, the right answer is ``"geen"``.
    """
    if is_unfilled(answer):
        return feedback(None, NOT_FILLED)
    rows = _rows_of(rings, buurtcode)
    if rows.empty:
        return feedback(False, f"De buurt '{buurtcode}' staat niet in de tabel met ringen, dus "
                               "ik kan je antwoord niet controleren. Gebruik de buurtcode "
                               "(bijvoorbeeld BUURTCODE) en de tabel twee_ringen.")
    gaps = rows.set_index("thema")["verschil"].astype("float64")
    known = gaps.dropna()
    if known.empty:
        if _is_nothing(answer):
            return feedback(True, "Klopt: bij geen enkel thema zijn er allebei de ringen.")
        return feedback(False, "In deze buurt heeft geen thema allebei de ringen, dus er is "
                               f"geen verschil. Vul dan \"{NOTHING}\" in.")
    if not isinstance(answer, str):
        return feedback(False, "Je antwoord moet de naam van een thema zijn, tussen "
                               "aanhalingstekens, bijvoorbeeld \"wonen\".")
    given = _text(answer)
    themes = {_text(t): t for t in gaps.index}
    if given not in themes:
        return feedback(False, f"'{answer}' is geen thema. Kies uit: {', '.join(gaps.index)}.")
    thema = themes[given]
    largest = known.abs().idxmax()
    size = abs(float(known[largest]))
    if math.isclose(abs(float(gaps[thema])) if thema in known else -1.0, size):
        return feedback(True, f"Bij {thema} is het verschil het grootst: "
                              f"{format_number(size, 0)} indexpunten tussen cijfers en "
                              "beleving.")
    if thema not in known:
        return feedback(False, f"Bij {thema} ontbreekt één van de twee ringen (geen "
                               "gegevens). Daar kun je geen verschil uitrekenen. Kijk alleen "
                               "naar thema's met allebei de ringen.")
    if len(known) > 1 and thema == known.idxmax() and thema != largest:
        return feedback(False, "Bijna: je nam het grootste getal, maar een groot verschil "
                               "kan ook negatief zijn. Kijk naar de grootte: gebruik .abs().")
    if len(known) > 1 and thema == known.abs().idxmin():
        return feedback(False, "Dat is juist het kleinste verschil. Sorteer andersom.")
    return feedback(False, "Dat is niet het grootste verschil. Neem de kolom 'verschil', "
                           "maak hem positief met .abs() en zoek het grootste getal.")


def check_flagged_buurt(
    answer: Any,
    rings: pd.DataFrame,
    buurten: Iterable[str] | None = None,
    richting: str = "positiever",
) -> Feedback:
    """Check a buurt with a gap flag where residents are more positive (or negative).

    Parameters
    ----------
    answer : str
        Name or code of a buurt.
    rings : pandas.DataFrame
        From :func:`wijklib.agenda.ringen.gap_flags` (columns ``vlag`` and ``verschil``).
    buurten : list of str, optional
        Only these buurtcodes count (e.g. the buurten of the wijk).
    richting : {"positiever", "negatiever"}
        Residents more positive than the figures (``verschil > 0``) or more negative.
    """
    if richting not in ("positiever", "negatiever"):
        raise ValueError("richting is 'positiever' of 'negatiever'")
    if is_unfilled(answer):
        return feedback(None, NOT_FILLED)
    if "vlag" not in rings.columns:
        return feedback(False, "Gebruik de tabel met vlaggen: ringen.gap_flags(...).")
    data = rings
    if buurten is not None:
        data = data[data["buurtcode"].astype(str).isin([str(b) for b in buurten])]
    up = data["verschil"] > 0
    wanted = data[data["vlag"] & (up if richting == "positiever" else ~up)]
    other = data[data["vlag"] & (~up if richting == "positiever" else up)]
    if wanted.empty:
        if _is_nothing(answer):
            return feedback(True, f"Klopt: nergens zijn bewoners met een vlag {richting} dan "
                                  "de cijfers.")
        return feedback(False, f"Er is geen buurt met een vlag waar bewoners {richting} zijn "
                               f"dan de cijfers. Vul dan \"{NOTHING}\" in.")
    given = _text(answer)
    code, problem = named_area(answer, data, code="buurtcode", naam="buurtnaam")
    if code is not None:  # a unique part of the name is enough
        given = _text(code)
    elif problem and "meer gebieden" in problem:
        return feedback(False, problem)

    def names(frame: pd.DataFrame) -> set[str]:
        return {_text(v) for v in [*frame["buurtcode"], *frame["buurtnaam"]]}

    if given in names(wanted):
        row = wanted[(wanted["buurtcode"].map(_text) == given)
                     | (wanted["buurtnaam"].map(_text) == given)].iloc[0]
        return feedback(True, f"Ja: {row['buurtnaam']} ({row['thema']}). Lees de vraag voor "
                              "de groep hardop en bespreek hem.")
    if given in names(other):
        tegendeel = "negatiever" if richting == "positiever" else "positiever"
        return feedback(False, f"Daar staat een vlag, maar daar zijn bewoners juist "
                               f"{tegendeel} dan de cijfers. Kijk naar het teken van "
                               "'verschil'.")
    if given in names(data):
        return feedback(False, "Bij die buurt staat geen vlag. Filter op de kolom 'vlag'.")
    return feedback(False, "Die buurt staat niet in de tabel. Kopieer de naam uit de kolom "
                           "'buurtnaam'.")


# ------------------------------------------------------------------------ ambitions


def _direction(indicator: str) -> str | None:
    """``gunstig``/``ongunstig`` for a ring indicator, survey scale or CBS indicator."""
    return ag.direction(indicator)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _limits(answer: Any) -> tuple[float, float] | None:
    """The range an ambition's indicator can take (0–10, 0–100 %), or None when unknown.

    From the unit of the baseline; without a unit from the scale of the workbook's
    questionnaire or the catalogue's unit of a CBS figure.
    """
    limits = ag.unit_limits(str(answer.eenheid or ""))
    if limits is not None:
        return limits
    indicator = str(answer.indicator)
    from wijklib.vertellen.survey import vragenlijst

    try:
        for scale in vragenlijst().scales:
            if scale.code == indicator:
                return (float(scale.min), float(scale.max))
    except WijklibError:
        pass
    from wijklib.data import catalog

    try:
        return ag.unit_limits(str(catalog.get(indicator).eenheid))
    except (KeyError, WijklibError):
        return None


def check_ambition(answer: Any, thema: str | None = None) -> Feedback:
    """Check an ambition: a measurable indicator, a baseline with year and a target.

    Parameters
    ----------
    answer : Ambitie
    thema : str, optional
        The theme the ambition should be about.

    Notes
    -----
    When the indicator's direction is known (ring definition or catalogue), the target
    must be better than the baseline: higher for ``gunstig``, lower for ``ongunstig``.
    """
    if is_unfilled(answer):
        return feedback(None, NOT_FILLED)
    if not isinstance(answer, ag.Ambitie):
        return feedback(False, "Maak een ambitie met ag.Ambitie(thema=..., ambitie=..., "
                               "...).")
    if thema is not None and _text(answer.thema) != _text(thema):
        return feedback(False, f"Deze ambitie gaat over '{answer.thema}'. Schrijf er een "
                               f"voor het thema '{thema}'.")
    if not str(answer.ambitie).strip():
        return feedback(False, "Schrijf bij ambitie= in gewone woorden wat je wilt bereiken.")
    if not str(answer.indicator).strip():
        return feedback(False, "Er is nog geen indicator: waaraan zie je of het lukt? "
                               "Gebruik **ag.nulmeting_enquete(...) of **ag.nulmeting_cbs(...).")
    if answer.basiswaarde is None:
        return feedback(False, "De nulmeting (basiswaarde) ontbreekt. Voor deze buurt is er "
                               "misschien geen cijfer; kies dan een andere indicator.")
    if answer.basisjaar is None:
        return feedback(False, "Het jaar van de nulmeting (basisjaar) ontbreekt. Geef bij "
                               "nulmeting_enquete het jaar van de enquête mee.")
    if answer.doel is None or (isinstance(answer.doel, str) and not answer.doel.strip()):
        return feedback(False, "Er is nog geen doel. Vul doel= in: waar willen jullie uitkomen?")
    if answer.doeljaar is None:
        return feedback(False, "Vul bij doeljaar= in wanneer het doel bereikt moet zijn.")
    if answer.doeljaar <= answer.basisjaar:
        return feedback(False, f"Het doeljaar ({answer.doeljaar}) moet na het jaar van de "
                               f"nulmeting ({answer.basisjaar}) liggen.")
    target, base = _number(answer.doel), _number(answer.basiswaarde)
    limits = _limits(answer)
    if target is not None and limits is not None and not limits[0] <= target <= limits[1]:
        low, high = (format_number(x) for x in limits)
        unit = "%" if str(answer.eenheid).strip() == "%" else ""
        return feedback(False, f"Je doel ({format_number(target)}) kan niet: "
                               f"'{answer.indicator}' loopt van {low}{unit} tot {high}{unit}. "
                               "Kies een doel binnen die schaal"
                               + (f", iets beter dan de nulmeting ({format_number(base)})."
                                  if base is not None else "."))
    direction = _direction(str(answer.indicator))
    if target is not None and base is not None and direction is not None:
        if math.isclose(target, base):
            return feedback(False, "Je doel is gelijk aan de nulmeting. Wat willen jullie "
                                   "verbeteren?")
        better = target > base if direction == "gunstig" else target < base
        if not better:
            wat = "hoger" if direction == "gunstig" else "lager"
            return feedback(False, f"Bij '{answer.indicator}' is {wat} beter, maar je doel "
                                   f"({format_number(target)}) is "
                                   f"{'lager' if wat == 'hoger' else 'hoger'} dan de nulmeting "
                                   f"({format_number(base)}). Draai het doel om.")
    doel = answer.doel if isinstance(answer.doel, str) else format_number(answer.doel)
    return feedback(True, f"Een meetbare ambitie: {answer.indicator} van {format_number(base)} "
                          f"({answer.basisjaar}) naar {doel} in {answer.doeljaar}."
                    if base is not None else "Een meetbare ambitie met nulmeting en doel.")


def check_action(answer: Any, partners: Any) -> Feedback:
    """Check an action (wat, wie, wanneer) and the partners: the doer is one of them.

    Parameters
    ----------
    answer : Actie or list of Actie
    partners : list of str
        The partners of the ambition.
    """
    if is_unfilled(answer) or is_unfilled(partners):
        return feedback(None, NOT_FILLED)
    actions = answer if isinstance(answer, list) else [answer]
    if not actions:
        return feedback(False, "Er staat nog geen actie in de lijst. Maak er een met "
                               "ag.Actie(wat, wie, wanneer).")
    for number, actie in enumerate(actions, start=1):
        if not isinstance(actie, ag.Actie):
            return feedback(False, "Maak de actie met ag.Actie(wat, wie, wanneer), "
                                   "bijvoorbeeld ag.Actie(\"Buurtontbijt\", \"welzijn\", "
                                   "\"maart 2027\").")
        for veld in ("wat", "wie", "wanneer"):
            if not str(getattr(actie, veld)).strip():
                where = f" {number}" if len(actions) > 1 else ""
                return feedback(False, f"Bij de actie{where} ontbreekt '{veld}'. Een actie "
                                       "zegt wat er gebeurt, wie het doet en wanneer.")
    if isinstance(partners, str) or not isinstance(partners, list | tuple):
        return feedback(False, "Geef de partners als lijst, bijvoorbeeld "
                               "[\"bewoners\", \"welzijn\"].")
    names = {_text(p) for p in partners if str(p).strip()}
    if not names:
        return feedback(False, "De lijst met partners is leeg. Wie doen er mee?")
    doers = [a.wie for a in actions if _text(a.wie) in names]
    if not doers:
        return feedback(False, "Wie de actie doet, is ook een partner. Zet die partij ook in "
                               "de lijst met partners (of laat een partner de actie doen).")
    return feedback(True, f"De actie heeft een trekker ({doers[0]}) en een moment. Zo weet "
                          "iedereen wat er gebeurt.")


# ----------------------------------------------------------------------- reading the vote

#: Words that show an explanation looks at the figures (the outside view) …
FIGURE_WORDS = ("cijfer", "cbs", "ring", "statistiek", "gegevens", "geteld", "registr",
                "politie", "index", "gemiddeld")
#: … and words that show it looks at what residents say (the inside view).
RESIDENT_WORDS = ("bewoner", "beleving", "verhaal", "verhalen", "enquête", "enquete",
                  "vertel", "citaat", "citaten", "buurtgeno", "mensen", "kaartnotitie")


def check_vote_reading(top: Any, why: Any, priorities: Iterable[Any]) -> Feedback:
    """Check the reading of the vote: the theme on top, and why, in the participant's words.

    Parameters
    ----------
    top : str
        The theme the participant says got the most dots.
    why : str
        One or two sentences on why that theme matters: what the figures say *and* what
        residents tell (or that one of them is missing).
    priorities : list of Prioriteit
        The vote as the notebook holds it (``stemknoppen.prioriteiten()``); themes that
        share the first place are all right.

    Notes
    -----
    The text is not graded for its opinion, only for looking at both sides: it must name
    the figures (cijfers, CBS, ring …) and the residents (bewoners, beleving, verhalen …).
    """
    if is_unfilled(top):
        return feedback(None, NOT_FILLED)
    ranked = [p for p in priorities if isinstance(p, ag.Prioriteit)]
    if not ranked:
        return feedback(False, "Er is nog niet gestemd. Voer eerst de cellen met de stippen "
                               "uit.")
    if not isinstance(top, str) or not top.strip():
        return feedback(False, "Zet het thema tussen aanhalingstekens, bijvoorbeeld "
                               f"\"{ranked[0].thema}\".")
    first = min(p.rang for p in ranked)
    winners = [p for p in ranked if p.rang == first]
    by_theme = {_text(p.thema): p for p in ranked}
    given = by_theme.get(_text(top))
    if given is None:
        return feedback(False, f"'{top.strip()}' staat niet bij de stemming. De thema's zijn: "
                               f"{', '.join(p.thema for p in ranked)}.")
    if given.rang != first:
        amount = ag.dots_text(given.stemmen) if given.stemmen is not None else "minder gewicht"
        return feedback(False, f"{given.thema} kreeg {amount} en staat op plaats "
                               f"{given.rang}. Kijk in de tabel met prioriteiten: welk thema "
                               "staat op plaats 1?")
    if is_unfilled(why) or not isinstance(why, str) or not why.strip():
        return feedback(False, f"{given.thema} staat bovenaan, goed. Schrijf nu in 'waarom' "
                               "een of twee zinnen tussen aanhalingstekens: wat zeggen de "
                               "cijfers, en wat vertellen bewoners?")
    text = _text(why)
    if len(text.split()) < 6:
        return feedback(False, "Schrijf iets meer: een of twee hele zinnen, zodat de groep "
                               "begrijpt waarom dit thema belangrijk is.")
    figures = any(w in text for w in FIGURE_WORDS) or any(c.isdigit() for c in text)
    residents = any(w in text for w in RESIDENT_WORDS)
    if not figures:
        return feedback(False, "Je schrijft over wat bewoners vertellen. Wat zeggen de "
                               "cijfers over dit thema? Of staan er geen cijfers? Zet dat er "
                               "ook bij.")
    if not residents:
        return feedback(False, "Je schrijft over de cijfers. Wat vertellen bewoners over dit "
                               "thema (de beleving, de verhalen)? Zet dat er ook bij.")
    shared = "" if len(winners) == 1 else (
        f" (Samen bovenaan: {', '.join(p.thema for p in winners)}.)")
    return feedback(True, f"{given.thema} staat bovenaan, en je kijkt naar de cijfers én naar "
                          f"wat bewoners vertellen.{shared} Lees je zin voor aan de groep: "
                          "zien de anderen het ook zo?")
