"""Checkers behind the "controle" cells of notebook 2 (Vertellen): friendly Dutch feedback.

Same rules as :mod:`wijklib.notebook.checks`: each checker takes the participant's answer and the
data it should come from, computes the reference answer at the moment of checking and
returns :class:`wijklib.notebook.checks.Feedback`. With ``WIJKLIB_STRICT_CHECKS=1`` anything but a
right answer raises ``AssertionError`` (CI runs the solution notebook that way).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from wijklib.notebook.checks import (
    NOT_FILLED,
    Feedback,
    chosen_letter,
    feedback,
    is_unfilled,
    named_area,
)
from wijklib.tellen.compare import format_number


def _as_counts(answer: Any) -> pd.Series | None:
    """A Series or dict of counts as a Series with text keys (None when it is neither)."""
    if isinstance(answer, pd.DataFrame) and answer.shape[1] == 1:
        answer = answer.iloc[:, 0]
    if isinstance(answer, Mapping):
        answer = pd.Series(dict(answer))
    if not isinstance(answer, pd.Series):
        return None
    values = pd.to_numeric(answer, errors="coerce")
    return pd.Series(values.to_numpy(), index=[str(k) for k in answer.index])


# --------------------------------------------------------------------------- opdracht 1


def check_respondents_per_buurt(
    answer: Any, antwoorden: pd.DataFrame, min_n: int | None = None
) -> Feedback:
    """Check the number of respondents per buurt (a Series by buurt name or code).

    ``antwoorden["buurtnaam"].value_counts()`` and ``antwoorden.groupby("buurtcode").size()``
    are both right; a dict works too. ``min_n``: the minimum group size mentioned in the
    feedback (``None``: the default, :func:`wijklib.guarantees.privacy.min_group_size`).
    """
    from wijklib.guarantees.privacy import min_group_size

    limit = min_group_size(min_n)
    if is_unfilled(answer):
        return feedback(None, NOT_FILLED)
    got = _as_counts(answer)
    if got is None:
        return feedback(False, "Je antwoord moet een kolom (Series) zijn met per buurt een "
                               "aantal, bijvoorbeeld van value_counts().")
    by_name = antwoorden["buurtnaam"].astype(str).value_counts()
    by_code = antwoorden["buurtcode"].astype(str).value_counts()
    for expected in (by_name, by_code):
        if set(got.index) == set(expected.index.astype(str)):
            if np.allclose(got.reindex(expected.index).to_numpy(dtype="float64"),
                           expected.to_numpy(dtype="float64"), equal_nan=False):
                small = int((expected < limit).sum())
                extra = (f" {small} buurt(en) hebben minder dan {limit} respondenten."
                         if small else "")
                return feedback(True, f"{len(expected)} buurten, samen {int(expected.sum())} "
                                      f"respondenten.{extra}")
            return feedback(False, "De buurten kloppen, maar de aantallen niet. Tel de rijen "
                                   "per buurt met value_counts() of groupby(...).size().")
    if len(got) == 1 or (got.index.size and got.index[0] in antwoorden.columns):
        return feedback(False, "Je telt niet per buurt. Gebruik de kolom 'buurtnaam' of "
                               "'buurtcode'.")
    return feedback(False, "Tel per buurt: antwoorden[\"buurtnaam\"].value_counts().")


# --------------------------------------------------------------------------- opdracht 2


def check_lowest_buurt(answer: Any, scores: pd.DataFrame, schaal: str) -> Feedback:
    """Check the name (or code) of the buurt with the lowest shown score on ``schaal``.

    Hidden buurten (fewer answers than the minimum, or hidden so that a small buurt cannot
    be worked out) and the row for the whole area do not count.
    """
    if is_unfilled(answer):
        return feedback(None, NOT_FILLED)
    part = scores[(scores["schaal"] == schaal) & (scores["buurtcode"] != "totaal")]
    visible = part[~part["verborgen"].astype(bool) & part["score"].notna()]
    if visible.empty:
        return feedback(None, f"Geen enkele buurt heeft genoeg antwoorden voor '{schaal}'.")
    text = str(answer).strip().casefold()
    low = visible.loc[visible["score"].idxmin()]
    high = visible.loc[visible["score"].idxmax()]
    given, problem = named_area(answer, part, code="buurtcode", naam="buurtnaam")
    if given is not None:  # a unique part of the name is enough
        row = part[part["buurtcode"].astype(str) == given].iloc[0]
        text = str(row["buurtnaam"]).casefold()
    elif problem and "meer gebieden" in problem:
        return feedback(False, problem)
    names = {str(low["buurtnaam"]).casefold(), str(low["buurtcode"]).casefold()}
    if text in names:
        return feedback(True, f"{low['buurtnaam']} heeft de laagste score "
                              f"({format_number(low['score'], 1)}). Kijk ook naar het "
                              "interval: is het verschil groter dan de onzekerheid?")
    if text in {"totaal", "hele gebied"}:
        return feedback(False, "Dat is het hele gebied. Laat de rij 'totaal' weg en kies een "
                               "buurt.")
    hidden = part[part["verborgen"].astype(bool)]
    for row in hidden.itertuples():
        if text in {str(row.buurtnaam).casefold(), str(row.buurtcode).casefold()}:
            if str(getattr(row, "reden", "")) == "verborgen om terugrekenen te voorkomen":
                return feedback(False, "De score van die buurt is verborgen (leeg), zodat "
                                       "je een kleine buurt niet kunt terugrekenen. Kijk "
                                       "alleen naar buurten met een score.")
            return feedback(False, "Die buurt heeft te weinig antwoorden: de score is "
                                   "verborgen (leeg). Kijk alleen naar buurten met een score.")
    if text in {str(high["buurtnaam"]).casefold(), str(high["buurtcode"]).casefold()}:
        return feedback(False, "Dat is de buurt met de hóógste score. Sorteer andersom.")
    return feedback(False, "Dat is niet de buurt met de laagste score. Tip: filter op de "
                           "schaal en gebruik sort_values(\"score\").")


# --------------------------------------------------------------------------- opdracht 3


def check_within_margin(answer: Any, vergelijking: pd.DataFrame, buurtcode: str) -> Feedback:
    """Check True/False: does the difference of this buurt fall within the uncertainty?

    ``vergelijking`` comes from :func:`wijklib.vertellen.scores.compare_buurten`.
    """
    if is_unfilled(answer):
        return feedback(None, NOT_FILLED)
    rows = vergelijking[vergelijking["buurtcode"] == buurtcode]
    if rows.empty:
        return feedback(None, f"De buurt {buurtcode} staat niet in de vergelijking.")
    row = rows.iloc[0]
    if pd.isna(row["verschil"]) or pd.isna(row["marge"]):
        return feedback(None, "Deze buurt heeft te weinig antwoorden om te vergelijken. "
                              "Kies een buurt met meer antwoorden.")
    if not isinstance(answer, bool | np.bool_):
        return feedback(False, "Je antwoord moet True (ja, binnen de marge) of False (nee) "
                               "zijn.")
    expected = bool(abs(row["verschil"]) <= row["marge"])
    numbers = (f"Het verschil is {format_number(row['verschil'], 1)} en de onzekerheid "
               f"± {format_number(row['marge'], 1)}.")
    if bool(answer) == expected:
        meaning = ("We kunnen dus niet zeggen dat de buurt echt verschilt." if expected else
                   "Het verschil is groter dan de onzekerheid: dit is het bespreken waard.")
        return feedback(True, f"{numbers} {meaning}")
    return feedback(False, f"{numbers} Vergelijk de grootte van het verschil (zonder min-teken: "
                           "abs()) met de marge.")


# --------------------------------------------------------------------------- opdracht 4


def check_theme_decisions(
    answer: Any, suggesties: pd.DataFrame, verhaal_nrs: Iterable[Any], themes: Any = None
) -> Feedback:
    """Check a person's theme decisions ``{verhaal_nr: [thema, ...]}`` for some stories.

    There is no single right answer: a person decides. The check is that every asked story
    has a decision, that each theme exists, and it says what was changed against the
    suggestions.
    """
    from wijklib.vertellen.themas import load_themes

    if is_unfilled(answer):
        return feedback(None, NOT_FILLED)
    if not isinstance(answer, Mapping):
        return feedback(False, "Schrijf je besluit als woordenboek: {nummer: [\"thema\", ...]}, "
                               "bijvoorbeeld {0: [\"sociaal\"], 1: [], 2: [\"wonen\"]}.")
    wanted = [int(x) for x in verhaal_nrs]
    given = {}
    for key, value in answer.items():
        try:
            given[int(key)] = value
        except (TypeError, ValueError):
            return feedback(False, f"'{key}' is geen verhaalnummer. Gebruik de getallen uit de "
                                   "kolom 'verhaal_nr'.")
    missing = [n for n in wanted if n not in given]
    if missing:
        return feedback(False, f"Je besluit mist verhaal {', '.join(map(str, missing))}. Geef "
                               f"voor {_each(len(wanted))} een lijst (een lege lijst [] "
                               "betekent: geen thema).")
    extra = [n for n in given if n not in wanted]
    if extra:
        return feedback(False, f"Verhaal {', '.join(map(str, extra))} hoort niet bij deze "
                               f"opdracht. Neem alleen {_the(len(wanted))} uit de tabel.")
    table = themes if isinstance(themes, pd.DataFrame) else load_themes(themes)
    known = set(table["thema"].astype(str))
    by_key = {t.strip().casefold(): t for t in known}  # as confirm_themes: no case
    accepted = rejected = added = 0
    for nr in wanted:
        value = given[nr]
        chosen = [value] if isinstance(value, str) else list(value or [])
        unknown = [t for t in chosen if str(t).strip().casefold() not in by_key]
        chosen = [by_key.get(str(t).strip().casefold(), str(t)) for t in chosen]
        if unknown:
            return feedback(False, f"Het thema '{unknown[0]}' bestaat niet. Kies uit: "
                                   f"{', '.join(sorted(known))}.")
        suggested = set(suggesties.loc[(suggesties["verhaal_nr"] == nr)
                                       & suggesties["thema"].notna(), "thema"].astype(str))
        accepted += len(suggested & set(chosen))
        rejected += len(suggested - set(chosen))
        added += len(set(chosen) - suggested)
    return feedback(True, f"Je hebt {_count(len(wanted))} bekeken: {accepted} suggestie(s) "
                          "bevestigd, "
                          f"{rejected} afgewezen en {added} thema('s) zelf toegevoegd. Een "
                          "computer stelt voor, een mens beslist.")


_NUMBERS = {2: "twee", 3: "drie", 4: "vier", 5: "vijf", 6: "zes", 7: "zeven", 8: "acht",
            9: "negen", 10: "tien"}


def _count(n: int) -> str:
    """``"1 verhaal"``, ``"drie verhalen"``, ``"12 verhalen"``."""
    return "1 verhaal" if n == 1 else f"{_NUMBERS.get(n, str(n))} verhalen"


def _each(n: int) -> str:
    return "het verhaal" if n == 1 else f"elk van de {_count(n)}"


def _the(n: int) -> str:
    return "het verhaal" if n == 1 else f"de {_count(n)}"


# --------------------------------------------------------------------------- opdracht 5


#: The statements of the reading exercise about map notes (notebook 2): letter -> what
#: it says; D and E read more into the notes than they can tell.
NOTES_STATEMENTS = {"A": "meer_knelpunten", "B": "meer_kansen", "C": "evenveel",
                    "D": "slechtste_buurt", "E": "meeste_bewoners"}


def check_notes_reading(answer: Any, notities: pd.DataFrame, focus: str) -> Feedback:
    """Check which statement about the focus buurt's map notes is right (A–E).

    Parameters
    ----------
    answer : str
        The letter the participant chose.
    notities : pandas.DataFrame
        The map notes of the area (``buurtcode``, ``buurtnaam``, ``categorie``).
    focus : str
        Code of the focus buurt.
    """
    if is_unfilled(answer):
        return feedback(None, NOT_FILLED)
    letters = ", ".join(NOTES_STATEMENTS)
    letter = chosen_letter(answer, NOTES_STATEMENTS)
    if letter is None:
        return feedback(False, f"Kies één letter: {letters}. Zet hem tussen aanhalingstekens, "
                               'bijvoorbeeld lezing = "A".')
    mine = notities[notities["buurtcode"].astype(str) == str(focus)]
    name = str(mine["buurtnaam"].iloc[0]) if len(mine) else str(focus)
    kansen = int((mine["categorie"] == "kans").sum())
    knelpunten = int((mine["categorie"] == "knelpunt").sum())
    right = ("meer_knelpunten" if knelpunten > kansen else
             "meer_kansen" if kansen > knelpunten else "evenveel")
    chosen = NOTES_STATEMENTS[letter]
    counted = (f"{name}: {kansen} {'kans' if kansen == 1 else 'kansen'} en {knelpunten} "
               f"{'knelpunt' if knelpunten == 1 else 'knelpunten'}")
    if chosen == right:
        return feedback(True, f"{counted}. Dat is wat op de kaart staat: wat de mensen die "
                              "meededen opviel. Vraag in het gesprek ook naar de kansen.")
    if chosen == "slechtste_buurt":
        return feedback(False, "Een kaartnotitie zegt wat iemand opviel, niet hoe goed een "
                               "buurt is. Waar meer mensen meededen, staan meer notities. Kies "
                               "een zin die alleen zegt wat er op de kaart staat.")
    if chosen == "meeste_bewoners":
        return feedback(False, "De notities zijn van de mensen die meededen, niet van alle "
                               "bewoners. Een aantal notities zegt niet hoeveel bewoners er zo "
                               "over denken. Kies een zin die alleen zegt wat er op de kaart "
                               "staat.")
    return feedback(False, f"Kijk nog eens in de rij van je focusbuurt, in de kolommen 'kans' "
                           f"en 'knelpunt'. {counted}.")


# --------------------------------------------------------------------------- opdracht 6


def check_asset_added(
    answer: Any, before: pd.DataFrame, buurtcodes: Iterable[str] | None = None
) -> Feedback:
    """Check that one strength of the buurt was added to the inventory (with add_asset).

    ``buurtcodes``: the buurten of the area; the new strength should be in one of them.
    """
    from wijklib.guarantees.privacy import find_personal
    from wijklib.vertellen.krachten import ASSET_KINDS

    if is_unfilled(answer):
        return feedback(None, NOT_FILLED)
    if not isinstance(answer, pd.DataFrame) or "naam_of_omschrijving" not in answer.columns:
        return feedback(False, "Gebruik krachten.add_asset(krachten_tabel, ...): dat geeft de hele "
                               "tabel terug, met jouw kracht erbij.")
    if len(answer) == len(before):
        return feedback(False, "De tabel is even lang als eerst: er is niets toegevoegd.")
    if len(answer) < len(before):
        return feedback(False, "De tabel is korter geworden. Begin met de tabel krachten en "
                               "voeg één regel toe.")
    if len(answer) > len(before) + 3:
        return feedback(False, "Er zijn veel regels bijgekomen. Voeg er één (of een paar) toe.")
    new = answer.iloc[len(before):]
    for row in new.itertuples():
        if str(row.soort) not in ASSET_KINDS:
            return feedback(False, f"De soort moet een van deze zijn: {', '.join(ASSET_KINDS)}.")
        hints = list(dict.fromkeys(find_personal(row.naam_of_omschrijving)
                                   + find_personal(getattr(row, "kort", None))))
        if hints:
            return feedback(False, f"De omschrijving lijkt {' en '.join(hints)} te bevatten. "
                                   "Beschrijf wat iemand kan of doet, zonder naam.")
        if buurtcodes is not None and str(row.buurtcode) not in {str(c) for c in buurtcodes}:
            return feedback(False, f"De buurt {row.buurtcode} ligt niet in je gebied. Gebruik "
                                   "een buurtcode uit je wijk, bijvoorbeeld focus_code.")
    first = new.iloc[0]
    return feedback(True, f"Toegevoegd bij '{first['soort']}': {first['naam_of_omschrijving']}. "
                          "Zo staat er niet alleen wat er mis is, maar ook waar de buurt op "
                          "kan bouwen.")
