"""Checkers behind the notebooks' "controle" cells: friendly Dutch feedback.

Each checker takes the participant's answer and the data it should be computed from,
and returns :class:`Feedback`. Reference answers are computed here, from the same data,
at the moment of checking (never stored or computed at import time).

With the environment variable ``WIJKLIB_STRICT_CHECKS=1`` a wrong answer raises
``AssertionError``: CI runs the solution notebooks that way.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from wijklib.data import catalog
from wijklib.guarantees.rendering import escape
from wijklib.tellen.compare import format_number

_STYLE = {
    True: ("#009e73", "#ecfaf5", "✔ Goed zo!"),
    False: ("#d55e00", "#fff4ec", "✘ Nog niet goed."),
    None: ("#999999", "#f5f5f5", "… Nog niet ingevuld."),
}


@dataclass(frozen=True)
class Feedback:
    """The result of a check.

    Attributes
    ----------
    ok : bool or None
        True right, False wrong, None not filled in yet.
    message : str
        Dutch explanation or hint.
    """

    ok: bool | None
    message: str
    title: str | None = None

    def __str__(self) -> str:
        return f"{self.title or _STYLE[self.ok][2]} {self.message}"

    __repr__ = __str__

    def _repr_html_(self) -> str:
        border, background, title = _STYLE[self.ok]
        title = self.title or title
        return (
            f'<div style="border-left:6px solid {border};background:{background};'
            f'padding:.5em 1em;margin:.3em 0;font-family:sans-serif">'
            f"<strong>{escape(title)}</strong> {escape(self.message)}</div>"
        )


#: Title of the feedback when the cell that set the answer failed (nothing is graded).
STALE_TITLE = "✘ Eerst de fout hierboven oplossen."


#: Title of the feedback when the data of this year cannot carry the exercise.
NOT_POSSIBLE_TITLE = "ℹ Deze opdracht kan hier niet."


def not_possible(message: str) -> Feedback:
    """Feedback for an exercise the data cannot carry (no figures for it in this year).

    Not a wrong answer, so strict mode (CI) does not raise: the notebook says why instead.
    """
    return Feedback(None, message, title=NOT_POSSIBLE_TITLE)


def feedback(ok: bool | None, message: str) -> Feedback:
    """Build feedback; in strict mode (CI) anything but a right answer raises.

    In a notebook where the cell that should have set the answer failed, the answer still
    holds an old value: then no grade is given, only the Dutch request to solve that
    error first (:func:`wijklib.notebook.failed_cells.refusal`).
    """
    from wijklib.notebook.failed_cells import refusal

    stale = refusal()
    if stale is not None:
        if os.environ.get("WIJKLIB_STRICT_CHECKS") == "1":
            raise AssertionError(f"controle mislukt: {stale}")
        return Feedback(False, stale, title=STALE_TITLE)
    if ok is not True and os.environ.get("WIJKLIB_STRICT_CHECKS") == "1":
        raise AssertionError(f"controle mislukt: {message}")
    return Feedback(ok, message)


def is_unfilled(answer: Any) -> bool:
    return answer is Ellipsis or answer is None


NOT_FILLED = "Vul je antwoord in op de plek van de drie puntjes (...) en voer de cel opnieuw uit."


def check_share(answer: Any, areas: pd.DataFrame, part: str, whole: str) -> Feedback:
    """Check a share in percent: ``areas[part] / areas[whole] * 100`` per area.

    Recognises the usual slips: a fraction instead of a percentage, part and whole swapped.
    """
    if is_unfilled(answer):
        return feedback(None, NOT_FILLED)
    if not isinstance(answer, pd.Series):
        return feedback(
            False, "Je antwoord moet een kolom zijn (een Series), één getal per gebied."
        )
    expected = areas[part] / areas[whole].where(areas[whole] > 0) * 100
    if len(answer) != len(expected):
        return feedback(
            False, f"Je kolom heeft {len(answer)} waarden; er zijn {len(expected)} gebieden."
        )
    got = pd.Series(np.asarray(answer, dtype="float64"), index=expected.index)
    if np.allclose(got, expected, equal_nan=True, rtol=1e-6):
        return feedback(True, "Je hebt het aandeel in procenten goed uitgerekend.")
    if np.allclose(got * 100, expected, equal_nan=True, rtol=1e-6):
        return feedback(False, "Bijna: dit is een deel van 1. Vermenigvuldig nog met 100.")
    swapped = areas[whole] / areas[part].where(areas[part] > 0) * 100
    if np.allclose(got, swapped, equal_nan=True, rtol=1e-6):
        return feedback(False, f"Je deelt andersom. Deel '{part}' door '{whole}'.")
    return feedback(False, f"Deel '{part}' door '{whole}' en vermenigvuldig met 100.")


def named_area(answer: Any, areas: pd.DataFrame, code: str = "code",
               naam: str = "naam") -> tuple[str | None, str | None]:
    """Which area an answer names: its code, by code, name or a unique part of a name.

    The parameter cells promise that "een deel van de naam is genoeg"; the checks keep
    that promise with the same lookup (:func:`wijklib.data.areas.find_area`).

    Parameters
    ----------
    answer : Any
        What the participant wrote (``"Tigris"``, ``"bu03440311"``).
    areas : pandas.DataFrame
        The areas the answer may name.
    code, naam : str
        The columns with the code and the name.

    Returns
    -------
    (code, problem)
        The code of the area (None when no single area fits) and, when none fits, the
        Dutch reason (None when the answer is not a text).
    """
    from wijklib.data.areas import find_area
    from wijklib.errors import WijklibError

    if not isinstance(answer, str) or not answer.strip():
        return None, None
    table = pd.DataFrame({"code": areas[code].astype(str).to_numpy(),
                          "naam": areas[naam].to_numpy()}).drop_duplicates("code")
    try:
        return str(find_area(table, answer)["code"]), None
    except WijklibError as err:
        return None, str(err)


#: The statements of the reading exercise in notebook 1 (letter -> reading of
#: :func:`wijklib.tellen.pitfalls.margin_comparison`); F is always an over-reading.
MARGIN_STATEMENTS = {
    "A": "hoger_buiten", "B": "hoger_binnen", "C": "lager_buiten", "D": "lager_binnen",
    "E": "geen_cijfer", "F": "dus",
}


def chosen_letter(answer: Any, letters: Any) -> str | None:
    """The chosen letter (``" b "``, ``"B."`` and ``"b)"`` all give ``"B"``), or None."""
    if not isinstance(answer, str):
        return None
    letter = answer.strip().rstrip(".)").strip().upper()
    return letter if letter in letters else None


def check_margin_reading(answer: Any, comparison: pd.DataFrame) -> Feedback:
    """Check which statement about a difference and its margin is right (A–F).

    Parameters
    ----------
    answer : str
        The letter the participant chose.
    comparison : pandas.DataFrame
        :func:`wijklib.tellen.pitfalls.margin_comparison` of the focus area (its
        ``attrs["lezing"]`` is the reading that is right).
    """
    if is_unfilled(answer):
        return feedback(None, NOT_FILLED)
    letters = ", ".join(MARGIN_STATEMENTS)
    letter = chosen_letter(answer, MARGIN_STATEMENTS)
    if letter is None:
        return feedback(False, f"Kies één letter: {letters}. Zet hem tussen aanhalingstekens, "
                               'bijvoorbeeld uitspraak = "A".')
    reading = comparison.attrs.get("lezing")
    row = comparison.iloc[0]
    numbers = (f"{row['gebied']}: {format_number(row['cijfer'])}, de gemeente: "
               f"{format_number(row['gemeente'])}")
    margin = f"{format_number(row['marge_van'])} tot {format_number(row['marge_tot'])}"
    chosen = MARGIN_STATEMENTS[letter]
    right = {"gelijk": {"B", "D"}, "marge_onbekend": (
        {"A", "B"} if row["cijfer"] > row["gemeente"] else {"C", "D"})}.get(
        reading, {k for k, v in MARGIN_STATEMENTS.items() if v == reading})
    if letter in right:
        return feedback(True, f"{comparison.attrs.get('uitleg', '')} Een cijfer zegt hoeveel, "
                              "niet waarom: dat vraag je aan bewoners.".strip())
    if chosen == "dus":
        return feedback(False, "Pas op met 'dus'. Een cijfer zegt hoeveel, niet waarom of hoe "
                               "het voelt. Een hoger of lager cijfer zegt niet dat de buurt "
                               "'een probleem' heeft. Kies de zin die alleen zegt wat het "
                               "cijfer en de marge laten zien.")
    if reading == "geen_cijfer":
        return feedback(False, "Kijk in de tabel: er is geen cijfer (het ontbreekt of is "
                               "geheim). Een ontbrekend cijfer is geen 0: je weet het niet.")
    if chosen == "geen_cijfer":
        return feedback(False, f"Er is wel een cijfer. {numbers}.")
    if chosen.split("_")[0] != reading.split("_")[0] and reading != "gelijk":
        return feedback(False, f"Kijk nog eens naar de richting. {numbers}. Is het cijfer van "
                               "de buurt dan hoger of lager?")
    if reading.endswith(("_binnen", "_buiten")):  # the right direction, not the margin
        return feedback(False, f"De richting klopt, maar kijk naar de marge: die loopt van "
                               f"{margin}. Ligt het cijfer van de gemeente "
                               f"({format_number(row['gemeente'])}) daarbinnen of daarbuiten?")
    return feedback(False, f"Dat klopt niet. {comparison.attrs.get('uitleg', numbers)}")


def check_indicator(answer: Any, areas: pd.DataFrame) -> Feedback:
    """Check that ``answer`` is a catalogue indicator with figures in ``areas``."""
    if is_unfilled(answer):
        return feedback(None, NOT_FILLED)
    try:
        ind = catalog.get(str(answer))
    except KeyError as err:
        return feedback(False, str(err.args[0]))
    if ind.naam not in areas or areas[ind.naam].notna().sum() == 0:
        here = catalog.with_figures(areas)
        offer = (" Deze cijfers hebben hier wel een waarde: "
                 + ", ".join(f"'{n}'" for n in here[:8]) + ("…" if len(here) > 8 else "")
                 + "." if here else "")
        return feedback(
            False, f"Voor '{ind.naam}' zijn er hier geen cijfers. Kies een ander cijfer.{offer}"
        )
    if ind.eenheid == "aantal":  # a count: large areas colour dark on a map by size alone
        return feedback(False, f"'{ind.label}' is een aantal. Op een kaart worden grote "
                               "gebieden dan vanzelf donker, ook als er per inwoner niets "
                               "bijzonders is. Kies een aandeel of een gemiddelde, bijvoorbeeld "
                               "'pct_koopwoningen' (% van de woningen) of 'bijstand_per_1000'.")
    return feedback(True, f"'{ind.label}' ({ind.eenheid}) is een goede keuze.")


def check_count_missing(answer: Any, areas: pd.DataFrame, indicator: str) -> Feedback:
    """Check the number of areas without a figure for ``indicator``."""
    if is_unfilled(answer):
        return feedback(None, NOT_FILLED)
    expected = int(areas[indicator].isna().sum())
    if isinstance(answer, pd.Series | pd.DataFrame | np.ndarray):
        dtypes = list(answer.dtypes) if isinstance(answer, pd.DataFrame) else [answer.dtype]
        if dtypes and all(pd.api.types.is_bool_dtype(d) for d in dtypes):
            return feedback(False, "Je antwoord is een hele kolom met True en False: voor elk "
                                   "gebied of het cijfer ontbreekt. Tel de True's op met "
                                   ".sum(), bijvoorbeeld cijfers[\"woz_waarde\"].isna().sum().")
        return feedback(False, "Je antwoord moet één getal zijn, geen kolom. Tel de lege "
                               "plekken met .isna().sum().")
    if isinstance(answer, bool) or not isinstance(answer, int | float | np.number):
        return feedback(False, "Je antwoord moet één getal zijn: het aantal gebieden zonder "
                               "cijfer. Tel de lege plekken met .isna().sum().")
    if answer == expected:
        return feedback(True, f"Voor {expected} gebieden ontbreekt het cijfer.")
    zeros = int((areas[indicator] == 0).sum())
    if answer == zeros and zeros != expected:
        return feedback(
            False, "Je telt de nullen. Een ontbrekend cijfer is geen 0: gebruik isna()."
        )
    return feedback(False, "Tel de lege plekken met .isna().sum().")


def check_sum_difference(
    answer: Any, parts: pd.DataFrame, whole: pd.DataFrame, indicator: str
) -> Feedback:
    """Check: sum of the parts minus the whole (the effect of rounding to multiples of 5)."""
    if is_unfilled(answer):
        return feedback(None, NOT_FILLED)
    expected = float(parts[indicator].sum() - whole[indicator].iloc[0])
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return feedback(False, "Je antwoord moet één getal zijn.")
    if np.isclose(value, expected):
        return feedback(
            True,
            f"Het verschil is {expected:g}. Door afronden op vijftallen tellen de delen "
            "niet precies op tot het geheel.",
        )
    if np.isclose(value, -expected):
        return feedback(False, "Het teken is omgedraaid: doe de som van de delen min het geheel.")
    return feedback(False, "Tel de delen op met .sum() en trek het cijfer van het geheel eraf.")


def check_rank_change(
    answer: Any, before: pd.DataFrame, after: pd.DataFrame, code: str
) -> Feedback:
    """Check how many places an area moved between two rankings (positive = higher up)."""
    if is_unfilled(answer):
        return feedback(None, NOT_FILLED)
    if before["rang"].isna().all() or after["rang"].isna().all():
        return not_possible("Voor geen enkel gebied zijn er genoeg cijfers voor een score: de "
                            "gekozen cijfers ontbreken in dit jaar. Lees de uitwerking, of kijk "
                            "mee met iemand die een gemeente met nieuwere cijfers koos.")
    old_rank = before.set_index("code").loc[code, "rang"]
    new_rank = after.set_index("code").loc[code, "rang"]
    if pd.isna(old_rank) or pd.isna(new_rank):
        return feedback(
            None, "Dit gebied heeft te weinig cijfers voor een score. Kies andere cijfers."
        )
    old, new = int(old_rank), int(new_rank)
    expected = old - new
    if isinstance(answer, bool) or not isinstance(answer, int | float | np.number):
        return feedback(False, "Je antwoord moet één getal zijn: de oude rang min de nieuwe "
                               f"rang van {code}. Tip: pak één rang met .loc[code, \"rang\"].")
    if answer == expected:
        return feedback(True, f"Van plaats {old} naar plaats {new}: een index is een keuze.")
    if answer == -expected:
        return feedback(False, "Bijna: andersom. Een lager rangnummer betekent hoger op de lijst.")
    return feedback(False, f"Vergelijk de kolom 'rang' van {code} in beide tabellen.")
