"""Explain a Python error in plain Dutch: what went wrong and what to do.

A participant who makes a typo in a cell should not meet forty lines of English
traceback. :func:`explain` turns an exception into an :class:`Uitleg` (explanation):
one sentence on what went wrong, a few steps to do, and the full English traceback kept
apart. :func:`explanation_html` shows it as a small box with the traceback folded away in
a ``<details>`` element; :func:`wijklib.notebook.session.setup` installs it as IPython's
handler for errors in cells.

Everything here is pure: the exception, the names the participant has (the notebook's
namespace) and the traceback text come in, text goes out.
"""

from __future__ import annotations

import ast
import builtins
import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from wijklib.errors import WijklibError

__all__ = ["Uitleg", "closest", "explain", "explanation_html", "explanation_text",
           "strip_colours"]

#: Names in a notebook's namespace that belong to IPython, not to the participant.
_SHELL_NAMES = frozenset({"In", "Out", "get_ipython", "exit", "quit", "open"})
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_TRUTH_VALUE = re.compile(r"truth value of an? (\w+) is ambiguous", re.IGNORECASE)
_NOT_IN_INDEX = re.compile(r"\[(.*?)\] not in index")
_NONE_OF = re.compile(r"None of \[Index\(\[(.*?)\]")


@dataclass(frozen=True)
class Uitleg:
    """An error explained for a participant.

    Attributes
    ----------
    wat : str
        What went wrong, in plain Dutch (one or two sentences).
    doen : tuple of str
        What to do, step by step (Dutch).
    soort : str
        The English name of the error (``"KeyError"``), for the trainer.
    melding : str
        The English one-line message of the error.
    details : str
        The full English traceback (may be empty).
    eigen : bool
        True for a wijklib error: its message is already written for a participant.
    regel : str
        For a syntax error: the line of the cell with the mistake (else empty).
    """

    wat: str
    doen: tuple[str, ...] = ()
    soort: str = ""
    melding: str = ""
    details: str = ""
    eigen: bool = False
    regel: str = ""


def strip_colours(text: str) -> str:
    """Remove the terminal colour codes that IPython puts in a traceback."""
    return _ANSI.sub("", str(text))


def closest(name: str, candidates: Iterable[Any], n: int = 3) -> list[str]:
    """The candidates closest to ``name``: same letters in another case first, then difflib.

    Parameters
    ----------
    name : str
        What the participant typed.
    candidates : iterable
        Names that exist (non-text candidates are compared as text).
    n : int
        At most this many.

    Returns
    -------
    list of str
        Best first; empty when nothing is close.
    """
    texts = list(dict.fromkeys(str(c) for c in candidates if str(c) != str(name)))
    folded = str(name).casefold().replace(" ", "_")
    same = [c for c in texts if c.casefold().replace(" ", "_") == folded]
    by_fold = {c.casefold(): c for c in texts}
    close = difflib.get_close_matches(str(name).casefold(), list(by_fold), n=n, cutoff=0.6)
    out = same + [by_fold[c] for c in close if by_fold[c] not in same]
    if not out:  # a part of a name: "inwoner" for "inwoners", "65" for "leeftijd_65_plus"
        part = [c for c in texts if len(folded) >= 3 and folded in c.casefold()]
        out = part
    return out[:n]


def _quoted(names: Iterable[str]) -> str:
    items = [f"'{n}'" for n in names]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " of " + items[-1]


def _participant_names(namespace: Mapping[str, Any] | None) -> list[str]:
    if not namespace:
        return []
    return [k for k in namespace if isinstance(k, str) and not k.startswith("_")
            and k not in _SHELL_NAMES]


def _frames(tb: TracebackType | None) -> Iterable[Any]:
    while tb is not None:
        yield tb.tb_frame
        tb = tb.tb_next


def _looked_in(error: BaseException) -> tuple[list[Any] | None, str | None]:
    """Where a pandas lookup failed: the labels of the Index, and "kolom" or "rij".

    The deepest pandas Index in the traceback is where the lookup failed; the table that
    owns it says whether those are its columns or its rows (None when unknown).
    """
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is a dependency
        return None, None
    found: pd.Index | None = None
    kind: str | None = None
    owner: Any = None
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:  # the error and its causes
        seen.add(id(current))
        for frame in _frames(current.__traceback__):
            value = frame.f_locals.get("self")
            if isinstance(value, pd.DataFrame | pd.Series):
                owner = value
            elif isinstance(value, pd.Index) and not isinstance(value, pd.RangeIndex):
                found = value
                kind = ("kolom" if isinstance(owner, pd.DataFrame) and owner.columns is value
                        else "rij" if owner is not None and owner.index is value else None)
        current = current.__cause__ or current.__context__
    return (list(found), kind) if found is not None else (None, None)


def _missing_keys(error: KeyError) -> list[str]:
    """The keys a KeyError is about: ``'inwonrs'``, or several from ``[...] not in index``."""
    text = str(error.args[0]) if error.args else ""
    for pattern in (_NOT_IN_INDEX, _NONE_OF):
        match = pattern.search(text)
        if match:
            try:
                value = ast.literal_eval(f"[{match.group(1)}]")
                return [str(v) for v in value]
            except (ValueError, SyntaxError):
                return [match.group(1)]
    return [str(error.args[0])] if error.args else []


def _namespace_keys(namespace: Mapping[str, Any] | None) -> list[str]:
    """Column names of the tables and keys of the dicts in the namespace."""
    out: list[str] = []
    if not namespace:
        return out
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover
        return out
    for name in _participant_names(namespace):
        value = namespace[name]
        if isinstance(value, pd.DataFrame):
            out += [str(c) for c in value.columns]
        elif isinstance(value, Mapping):
            out += [str(k) for k in list(value)[:200]]
    return out


# ------------------------------------------------------------------ per kind of error


def _key_error(error: KeyError, namespace: Mapping[str, Any] | None) -> Uitleg:
    keys = _missing_keys(error)
    labels, kind = _looked_in(error)
    candidates = labels if labels is not None else _namespace_keys(namespace)
    shown = _quoted(keys) or "die naam"
    many = len(keys) > 1
    if labels is None:
        wat = f"Python kent {shown} niet: die naam staat niet in de tabel of de lijst."
    elif kind == "rij":
        wat = (f"De rij{'en' if many else ''} {shown} "
               f"{'staan' if many else 'staat'} niet in deze tabel: die code of naam "
               "komt niet voor in de index (de eerste kolom).")
    else:  # the columns of a table (or an index of which it is not known)
        wat = (f"De kolommen {shown} bestaan niet in deze tabel." if many
               else f"De kolom {shown} bestaat niet in deze tabel.")
    doen = []
    for key in keys:
        near = closest(key, candidates)
        if near:
            doen.append(f"Bedoel je {_quoted(near)}? Typ de naam precies zo, met dezelfde "
                        "hoofdletters en liggende streepjes (_), tussen aanhalingstekens.")
    if not doen:
        doen.append("Controleer de spelling. Welke kolommen er zijn, zie je met "
                    "tabel.columns (zet de naam van je tabel op de plek van 'tabel')."
                    if kind != "rij" else
                    "Controleer de code of naam. Gaf een filter hierboven misschien geen "
                    "rijen, of koos je een ander gebied?")
    if labels is not None and 0 < len(labels) <= 40:
        what = "rijen" if kind == "rij" else "namen"
        doen.append(f"Deze {what} zijn er: " + ", ".join(str(x) for x in labels) + ".")
    return Uitleg(wat, tuple(doen))


def _name_error(error: NameError, namespace: Mapping[str, Any] | None) -> Uitleg:
    name = getattr(error, "name", None)
    if not name:
        match = re.search(r"name '([^']+)'", str(error))
        name = match.group(1) if match else ""
    near = closest(name, _participant_names(namespace)) if name else []
    if name and not near:  # a Python word: "Print", "lenn"
        near = closest(name, [b for b in dir(builtins) if not b.startswith("_")], n=1)
    wat = f"Python kent de naam '{name}' niet." if name else "Python kent een naam niet."
    doen = []
    if near:
        doen.append(f"Een typefout? Bedoel je {_quoted(near)}? Let op hoofdletters.")
    doen.append("Voer eerst de cellen erboven uit: een naam bestaat pas als de cel die hem "
                "maakt is uitgevoerd (menu Run → Run All Above Selected Cell). Na een "
                "herstart van de kernel moet dat opnieuw.")
    if name and not near:
        doen.append(f"Bedoel je een tekst? Zet er dan aanhalingstekens omheen: \"{name}\".")
    return Uitleg(wat, tuple(doen))


_SYNTAX_CAUSES = (
    (("unterminated string", "eol while scanning", "unterminated triple-quoted",
      "eof while scanning"),
     "Er mist een aanhalingsteken: een tekst begint en eindigt met \" (of met ').",
     "Zet het ontbrekende aanhalingsteken aan het eind van de tekst."),
    (("was never closed", "unmatched", "does not match opening parenthesis",
      "unexpected eof", "incomplete input"),
     "Er mist een haakje, of er staat er een te veel: elk ( [ { heeft een ) ] } nodig. "
     "(Of een tekst met drie aanhalingstekens is niet gesloten.)",
     "Tel de haakjes op deze regel en de regels erboven."),
    (("expected ':'",),
     "Er mist een dubbele punt (:) aan het eind van de regel.",
     "Na if, for, def en else komt een dubbele punt, bijvoorbeeld: if aantal > 10:"),
    (("forgot a comma",),
     "Er mist een komma tussen twee waarden.",
     "Zet een komma tussen de waarden, bijvoorbeeld [\"wonen\", \"sociaal\"]."),
    (("invalid character", "invalid non-printable"),
     "Er staat een teken dat Python niet kent. Vaak zijn dat krulletjes-aanhalingstekens "
     "(“ ” ‘ ’) uit Word of een e-mail.",
     "Typ de aanhalingstekens opnieuw met het toetsenbord: \" of '."),
    (("maybe you meant '==' or ':='", "cannot assign to", "cannot be assigned"),
     "Op deze regel staat = waar Python iets anders verwacht.",
     "Vergelijken doe je met == (twee is-tekens); = zet een waarde in een naam."),
    (("invalid decimal literal", "leading zeros"),
     "Een getal en letters staan aan elkaar vast, of een getal begint met een 0.",
     "Schrijf decimalen met een punt (3.5, niet 3,5) en zet tekst tussen aanhalingstekens."),
)

_INDENT_CAUSE = ("De regel springt niet goed in: de spaties aan het begin kloppen niet.",
                 "Zet de regel precies onder de regel erboven, of gebruik 4 spaties na een "
                 "regel die op : eindigt. Meng geen tabs en spaties.")


def _syntax_error(error: SyntaxError) -> Uitleg:
    message = str(getattr(error, "msg", "") or error).casefold()
    line = getattr(error, "lineno", None)
    text = (getattr(error, "text", None) or "").rstrip("\n")
    where = f"Op regel {line} van de cel" if line else "In de cel"
    if isinstance(error, IndentationError):
        cause, todo = _INDENT_CAUSE
    else:
        default = ((), "Python kan de regel niet lezen.",
                   "Meestal mist er een aanhalingsteken (\"), een haakje ( ) of een dubbele "
                   "punt (:), of staat er een komma te veel of te weinig.")
        _, cause, todo = next((c for c in _SYNTAX_CAUSES if any(k in message for k in c[0])),
                              default)
    wat = f"{where} staat een schrijffout, zodat Python de cel niet kan lezen. {cause}"
    doen = (todo, "Kijk ook naar de regel erboven: daar begint de fout vaak. Verbeter het en "
                  "voer de cel opnieuw uit.")
    return Uitleg(wat, doen, regel=text.strip())


def _value_error(error: ValueError) -> Uitleg:
    message = str(error)
    truth = _TRUTH_VALUE.search(message)
    if truth:
        what = {"series": "een hele kolom (een Series)", "dataframe": "een hele tabel"}.get(
            truth.group(1).casefold(), "een rij met waarden")
        return Uitleg(
            f"Python verwacht hier één ja of nee, maar krijgt {what}: voor elke rij een "
            "True of False. Dat gebeurt bij if, and, or en not, of als een controle één "
            "getal verwacht.",
            ("Wil je tellen hoeveel keer het klopt? Zet er .sum() achter, bijvoorbeeld "
             "cijfers[\"woz_waarde\"].isna().sum().",
             "Wil je weten of het ergens klopt? Gebruik .any(); overal? Gebruik .all().",
             "Wil je twee voorwaarden combineren? Gebruik & (en) en | (of), met haakjes om "
             "elke voorwaarde: (a > 1) & (b < 5)."))
    if "could not convert string to float" in message or "invalid literal for int" in message:
        return Uitleg("Python verwacht een getal, maar krijgt een tekst.",
                      ("Zet een getal zonder aanhalingstekens: 10, niet \"10\".",
                       "Schrijf decimalen met een punt: 7.5, niet 7,5."))
    if "length of values" in message.casefold() or "length mismatch" in message.casefold():
        return Uitleg("Het aantal waarden past niet bij het aantal rijen van de tabel.",
                      ("Maak een nieuwe kolom uit een kolom van dezelfde tabel, zodat er "
                       "voor elke rij één waarde is.",))
    return Uitleg("Een waarde past hier niet.",
                  ("Lees de laatste regel van de Engelse melding hieronder: daar staat welke "
                   "waarde niet past.", "Controleer wat je tussen de haakjes invulde."))


def _type_error(error: TypeError) -> Uitleg:
    message = str(error)
    low = message.casefold()
    if "ellipsis" in low:
        return Uitleg("Op een plek staan nog de drie puntjes (...): daar hoort je antwoord.",
                      ("Vul je antwoord in op de plek van ... en voer de cel opnieuw uit.",))
    if "nonetype" in low:
        return Uitleg("Een waarde is leeg (None): er is niets om mee te werken.",
                      ("Kijk welke naam hier None is. Een functie zonder resultaat (zoals "
                       "print) geeft None terug.", "Voer de cellen erboven opnieuw uit."))
    if "not callable" in low:
        return Uitleg("Je zet haakjes ( ) achter iets dat geen functie is.",
                      ("Kies je een kolom? Gebruik vierkante haken: tabel[\"naam\"], niet "
                       "tabel(\"naam\").",
                       "Heb je een functie per ongeluk een andere waarde gegeven (met =)? "
                       "Herstart dan de kernel en voer alles opnieuw uit."))
    missing = re.search(r"missing (\d+) required positional argument[s]?: (.*)", message)
    if missing:
        return Uitleg(f"Er ontbreekt iets tussen de haakjes: {missing.group(2)}.",
                      ("Vul alle waarden in die de functie nodig heeft. Bekijk het voorbeeld "
                       "of de hint in de opdracht.",))
    keyword = re.search(r"unexpected keyword argument '([^']+)'|'([^']+)' is an invalid "
                        r"keyword argument", message)
    if keyword:
        return Uitleg(f"De functie kent de naam '{keyword.group(1) or keyword.group(2)}=' "
                      "niet.",
                      ("Controleer de spelling van de naam voor het =-teken. Met "
                       "help(functie) zie je welke namen er zijn.",))
    if "unsupported operand" in low or "can only concatenate" in low or "must be str" in low:
        return Uitleg("Je rekent met een tekst alsof het een getal is (of andersom).",
                      ("Staan er aanhalingstekens om een getal? Haal ze weg: 10, niet \"10\".",
                       "Wil je tekst en een getal samen laten zien? Gebruik een f-tekst: "
                       "f\"{aantal} buurten\"."))
    return Uitleg("Een waarde is van de verkeerde soort (bijvoorbeeld tekst waar een getal "
                  "hoort, of één waarde waar een lijst hoort).",
                  ("Controleer wat je tussen de haakjes invulde, en vergelijk het met het "
                   "voorbeeld in de opdracht.",))


def _attribute_error(error: AttributeError) -> Uitleg:
    name = getattr(error, "name", None) or ""
    obj = getattr(error, "obj", None)
    if not name:
        match = re.search(r"has no attribute '([^']+)'", str(error))
        name = match.group(1) if match else ""
    if obj is None and "NoneType" in str(error):
        return Uitleg(f"Een waarde is leeg (None), dus '.{name}' werkt niet.",
                      ("Kijk welke naam hier None is; voer de cellen erboven opnieuw uit.",))
    kind = type(obj).__name__ if obj is not None else "deze waarde"
    wat = f"'.{name}' bestaat niet bij {kind}."
    doen = []
    candidates = [a for a in dir(obj) if not a.startswith("_")] if obj is not None else []
    near = closest(name, candidates) if name else []
    if near:
        doen.append(f"Een typefout? Bedoel je {_quoted('.' + n for n in near)}?")
    try:
        import pandas as pd

        if isinstance(obj, pd.DataFrame):
            columns = closest(name, [str(c) for c in obj.columns])
            if columns:
                doen.append(f"Zoek je de kolom {_quoted(columns)}? Schrijf dan "
                            f"tabel[\"{columns[0]}\"], met vierkante haken.")
    except ImportError:  # pragma: no cover
        pass
    if not doen:
        doen.append("Controleer de spelling na de punt. Met dir(...) zie je wat er wel is.")
    return Uitleg(wat, tuple(doen))


def _other_error(error: BaseException) -> Uitleg:
    if isinstance(error, ZeroDivisionError):
        return Uitleg("Je deelt door 0, en dat kan niet.",
                      ("Kijk welk getal 0 is. Een leeg vakje is geen 0; een aantal van 0 "
                       "geeft geen aandeel.",))
    if isinstance(error, IndexError):
        return Uitleg("Je vraagt een rij of plek die er niet is: de tabel of lijst is leeg, of "
                      "korter dan je denkt.",
                      ("Kijk met len(...) hoeveel rijen er zijn. Gaf een filter geen enkele "
                       "rij? Kies dan iets anders, of vul \"geen\" in als de opdracht dat "
                       "zegt.",))
    if isinstance(error, ModuleNotFoundError):
        return Uitleg(f"Het pakket '{error.name}' is niet geïnstalleerd.",
                      ("Controleer de spelling. Klopt die? Vraag dan de trainer.",))
    if isinstance(error, FileNotFoundError):
        return Uitleg("Het bestand is niet gevonden.",
                      ("Zet je bestand in de map data/ en typ de naam precies over, met de "
                       "extensie (.csv, .xlsx). Gebruik data_file(\"naam.csv\").",))
    if isinstance(error, AssertionError):
        return Uitleg("Een controle is niet gelukt." + (f" {error}" if str(error) else ""),
                      ("Lees de melding, verbeter je antwoord en voer de cel opnieuw uit.",))
    return Uitleg("Python gaf een foutmelding.",
                  ("Lees de laatste regel van de Engelse melding hieronder.",
                   "Voer de cellen erboven opnieuw uit, van boven naar beneden.",
                   "Lukt het niet? Vraag de trainer, en laat deze melding zien."))


def explain(error: BaseException, namespace: Mapping[str, Any] | None = None,
            details: str = "") -> Uitleg:
    """Explain an error in plain Dutch.

    Parameters
    ----------
    error : BaseException
        The error a cell raised (its traceback is read for a pandas lookup).
    namespace : mapping, optional
        The names the participant has (the notebook's namespace), for "bedoel je …?".
    details : str
        The full traceback as text (English); kept apart in the explanation (not for a
        wijklib error, whose message is written for the participant).

    Returns
    -------
    Uitleg
        A wijklib error keeps its own (Dutch) message; ordinary Python errors get a
        Dutch explanation: a missing column or name with the closest names, a syntax error
        with its line and usual causes, a pandas truth value with ``.sum()``, …
    """
    soort = type(error).__name__
    melding = str(error) if not isinstance(error, KeyError) or not error.args else \
        str(error.args[0])
    if isinstance(error, WijklibError):
        found = Uitleg(str(error), eigen=True)
    elif isinstance(error, SyntaxError):
        found = _syntax_error(error)
        melding = f"{error.msg} (regel {error.lineno})" if error.lineno else str(error.msg)
    elif isinstance(error, KeyError):
        found = _key_error(error, namespace)
    elif isinstance(error, NameError):
        found = _name_error(error, namespace)
    elif isinstance(error, AttributeError):
        found = _attribute_error(error)
    elif isinstance(error, ValueError):
        found = _value_error(error)
    elif isinstance(error, TypeError):
        found = _type_error(error)
    else:
        found = _other_error(error)
    # a wijklib error is written for the participant: shown as it is, without the English
    # traceback (%tb in a next cell still shows it)
    return Uitleg(found.wat, found.doen, soort=soort, melding=melding,
                  details="" if found.eigen else strip_colours(details).strip("\n"),
                  eigen=found.eigen, regel=found.regel)


def explanation_html(uitleg: Uitleg) -> str:
    """The explanation as a small HTML box; the English traceback folded in ``<details>``.

    Every text is escaped by the template (:func:`wijklib.guarantees.rendering.render`).
    """
    from wijklib.guarantees.rendering import render

    return render("foutuitleg.html.j2", titel="Dat ging niet goed." if uitleg.eigen
                  else "Er ging iets mis in deze cel.", uitleg=uitleg)


def explanation_text(uitleg: Uitleg) -> str:
    """The explanation as plain text (for places where HTML is not shown)."""
    lines = ["Dat ging niet goed." if uitleg.eigen else "Er ging iets mis in deze cel.",
             uitleg.wat]
    if uitleg.regel:
        lines.append(f"    {uitleg.regel}")
    if uitleg.doen:
        lines.append("Wat je kunt doen:")
        lines += [f"- {step}" for step in uitleg.doen]
    if uitleg.soort and not uitleg.eigen:
        lines.append(f"(De Engelse melding: {uitleg.soort}: {uitleg.melding})")
    return "\n".join(lines)
