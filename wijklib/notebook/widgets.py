"""Small widgets for the notebooks (ipywidgets): a picker and dot voting.

* :class:`Picker` chooses gemeente, niveau and focus area (notebook 1);
* :class:`Stemmen` divides dots (or weights) over themes (notebook 3).

Each widget is a thin layer: the work is done by tested functions (:func:`focus_options`,
:func:`resolve_choice`, :func:`wijklib.agenda.state.dot_vote`, :func:`wijklib.agenda.state.weigh`).
A notebook never depends on a widget: the parameter cell holds the same choices, and
``waarden()`` returns those values unchanged when nobody touches the widget (for example
when papermill runs the notebook).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from wijklib.data.areas import find_area
from wijklib.errors import InvalidChoiceError, WijklibError
from wijklib.guarantees.rendering import escape

LEVELS = ("buurt", "wijk")


@dataclass(frozen=True)
class Choice:
    """A checked choice: the gemeente's name, the level and the focus area's code."""

    gemeente: str
    niveau: str
    focus: str
    focus_naam: str


def focus_options(areas: pd.DataFrame, wijk: str | None = None) -> list[tuple[str, str]]:
    """Options for a focus dropdown: ``("Naam (code)", code)``, sorted by name.

    Parameters
    ----------
    areas : pandas.DataFrame
        Wijken or buurten from :func:`wijklib.kerncijfers` (``code``, ``naam``).
    wijk : str, optional
        Only the buurten of this wijk, by its code (``"WK034403"``).

    Returns
    -------
    list of (label, code)
    """
    if wijk:
        if "wijkcode" not in areas.columns:
            raise InvalidChoiceError("Deze tabel heeft geen wijkcodes: kies geen wijk.")
        rows = areas[areas["wijkcode"].str.upper() == str(wijk).strip().upper()]
        if rows.empty:
            raise InvalidChoiceError(
                f"Er zijn geen buurten in wijk '{wijk}'. Gebruik de code van de wijk, "
                "bijvoorbeeld 'WK034403'."
            )
    else:
        rows = areas
    ordered = rows.sort_values("naam", key=lambda s: s.fillna("").str.casefold())
    return [(f"{naam} ({code})", str(code)) for code, naam in
            zip(ordered["code"], ordered["naam"], strict=True)]


def resolve_choice(
    gemeente: str | int,
    niveau: str,
    focus: str,
    load: Callable[..., pd.DataFrame] | None = None,
) -> Choice:
    """Check a choice of gemeente, niveau and focus area and make it exact.

    Parameters
    ----------
    gemeente : str or int
        Name or code; unknown names raise an error with the closest names.
    niveau : {"buurt", "wijk"}
    focus : str
        Code or (part of the) name of an area at that level.
    load : callable, optional
        Loader with the signature of :func:`wijklib.kerncijfers` (default that one).

    Returns
    -------
    Choice
    """
    if niveau not in LEVELS:
        raise InvalidChoiceError(f"Kies als niveau 'buurt' of 'wijk', niet '{niveau}'.")
    if load is None:
        from wijklib.data.cbs import kerncijfers as load
    areas = load(gemeente, niveau=niveau)
    row = find_area(areas, focus)
    name = str(areas["gemeentenaam"].iloc[0]) if "gemeentenaam" in areas and len(areas) \
        else str(gemeente)
    return Choice(gemeente=name, niveau=niveau, focus=str(row["code"]),
                  focus_naam=str(row["naam"]))


#: File in the export folder that keeps the picker's last choice, so that it survives
#: "Run All" (which creates the picker anew from the parameter cell).
CHOICE_FILE = "keuzelijst.json"
#: Where the values in use come from: the picker or the parameter cell.
FROM_PICKER, FROM_CELL = "keuzelijst", "keuzes"


def save_choice(path: str | Path, start: Sequence[str], chosen: Sequence[str]) -> Path:
    """Keep a choice made with the picker, with the parameter values it started from.

    Parameters
    ----------
    path : str or Path
        The file (written atomically).
    start : (gemeente, niveau, focus)
        The values of the parameter cell when the choice was made.
    chosen : (gemeente, niveau, focus)
        The choice in the picker.

    Returns
    -------
    Path
    """
    from wijklib.guarantees.writing import atomic_write_text

    data = {"start": [str(v) for v in start], "keuze": [str(v) for v in chosen]}
    return atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=1))


def saved_choice(path: str | Path) -> dict[str, list[str]] | None:
    """The choice kept by :func:`save_choice`; None when there is none (or it is damaged)."""
    try:
        data = json.loads(Path(path).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    ok = isinstance(data, dict) and all(
        isinstance(data.get(k), list) and len(data[k]) == 3
        and all(isinstance(v, str) for v in data[k]) for k in ("start", "keuze"))
    return data if ok else None


def choice_to_use(start: Sequence[str], saved: Mapping[str, Any] | None
                  ) -> tuple[tuple[str, str, str], str]:
    """Which values count: the picker's kept choice, or the parameter cell.

    The kept choice counts when the parameter cell still holds the values it was made
    from. When the parameter cell was changed after the choice, the cell counts: it is
    the newer decision.

    Returns
    -------
    (values, source)
        ``(gemeente, niveau, focus)`` and :data:`FROM_PICKER` or :data:`FROM_CELL`.
    """
    begin = tuple(str(v) for v in start)
    if saved and [str(v) for v in saved.get("start", [])] == list(begin):
        gemeente, niveau, focus = (str(v) for v in saved["keuze"])
        return (gemeente, niveau, focus), FROM_PICKER
    gemeente, niveau, focus = begin
    return (gemeente, niveau, focus), FROM_CELL


def choice_text(values: Sequence[str], source: str) -> str:
    """One Dutch line that says which choice is used, and where it comes from."""
    gemeente, niveau, focus = values
    if source == FROM_PICKER:
        return (f"Je kijkt naar: {focus} in {gemeente} (niveau: {niveau}), gekozen met de "
                "keuzelijst. Wil je de keuzes uit de cel Jouw keuzes? Verander daar iets, of "
                "kies opnieuw in de keuzelijst.")
    return (f"Je kijkt naar: {focus} in {gemeente} (niveau: {niveau}), uit de cel Jouw "
            "keuzes.")


class Picker:
    """Dropdowns for gemeente, niveau and focus; read the result with :meth:`waarden`.

    A choice made with the dropdowns is kept in a small file (:func:`save_choice`), so
    that running all cells again (which makes a new picker) does not silently undo it.
    Changing the parameter cell afterwards makes the parameter cell count again
    (:func:`choice_to_use`).

    Parameters
    ----------
    gemeente, niveau, focus
        The values of the parameter cell; they are the starting point and the result
        when the widget is not used.
    load : callable, optional
        As in :func:`resolve_choice`.
    path : str or Path, optional
        The file that keeps the choice; default :data:`CHOICE_FILE` in the export folder.
    """

    def __init__(self, gemeente: str, niveau: str = "buurt", focus: str = "",
                 load: Callable[..., pd.DataFrame] | None = None,
                 path: str | Path | None = None) -> None:
        import ipywidgets as w

        if load is None:
            from wijklib.data.cbs import kerncijfers as load
        if path is None:
            from wijklib.notebook.session import export_dir

            path = export_dir() / CHOICE_FILE
        self._load = load
        self._path = Path(path)
        self._start = (gemeente, niveau, focus)
        self._kept, self._source = choice_to_use(self._start, saved_choice(self._path))
        gemeente, niveau, focus = self._kept if self._source == FROM_PICKER else self._start
        self.gemeente = w.Text(value=str(gemeente), description="Gemeente",
                               continuous_update=False)
        self.niveau = w.ToggleButtons(options=list(LEVELS), value=niveau, description="Niveau")
        self.focus = w.Dropdown(options=[], description="Gebied",
                                layout=w.Layout(width="32em"))
        self.message = w.HTML()
        self.box = w.VBox([self.gemeente, self.niveau, self.focus, self.message])
        self._touched = False
        self._refresh(initial_focus=focus)
        self.gemeente.observe(self._changed, names="value")
        self.niveau.observe(self._changed, names="value")
        self.focus.observe(self._focus_changed, names="value")

    def _changed(self, _change: dict[str, Any]) -> None:
        self._touched = True
        self._refresh()
        self._keep()

    def _focus_changed(self, _change: dict[str, Any]) -> None:
        self._touched = True
        self._say_next()
        self._keep()

    def _keep(self) -> None:
        """Keep a valid choice, so that Run All does not undo it."""
        if not self.focus.value:
            return
        try:
            save_choice(self._path, self._start, self.waarden())
        except OSError:  # a read-only folder: the choice still counts in this run
            pass

    def _refresh(self, initial_focus: str = "") -> None:

        try:
            areas = self._load(self.gemeente.value, niveau=self.niveau.value)
            options = focus_options(areas)
        except WijklibError as err:
            self.focus.options = []
            self.message.value = (f'<span style="color:#a84a00">{escape(str(err))}</span>')
            return
        self.focus.options = options
        if initial_focus:
            try:
                self.focus.value = str(find_area(areas, initial_focus)["code"])
            except WijklibError:
                pass
        self._say_next()

    def _say_next(self) -> None:

        label = dict((code, label) for label, code in self.focus.options).get(self.focus.value)
        self.message.value = (
            f"Gekozen: <b>{escape(label or 'nog geen gebied')}</b>. Voer nu de volgende "
            "cel uit; daarna de rest van het notebook."
        )

    def waarden(self) -> tuple[str, str, str]:
        """``(GEMEENTE, NIVEAU, FOCUS)``: the widget's choice, a kept choice, or the start."""
        if not self._touched or not self.focus.value:
            return self._kept if self._source == FROM_PICKER else self._start
        return (self.gemeente.value, self.niveau.value, self.focus.value)

    def bron(self) -> str:
        """Where :meth:`waarden` comes from: :data:`FROM_PICKER` or :data:`FROM_CELL`."""
        if self._touched and self.focus.value:
            return FROM_PICKER
        return self._source

    def uitleg(self) -> str:
        """One Dutch line: the choice in use and where it comes from (:func:`choice_text`)."""
        return choice_text(self.waarden(), self.bron())

    def __repr__(self) -> str:
        gemeente, niveau, focus = self.waarden()
        return (f"Keuzelijst voor gemeente, niveau en gebied (nu: {gemeente}, {niveau}, "
                f"{focus}). De keuzelijst werkt in JupyterLab en op Binder.")

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        bundle = self.box._repr_mimebundle_(**kwargs)
        if isinstance(bundle, dict):  # shown where widgets do not work: a readable line
            bundle["text/plain"] = repr(self)
        return bundle


def picker(gemeente: str, niveau: str = "buurt", focus: str = "",
           path: str | Path | None = None) -> Picker:
    """Show the picker; see :class:`Picker`."""
    return Picker(gemeente, niveau, focus, path=path)


# --------------------------------------------------------------- dot voting (notebook 3)

#: Kinds of vote of :class:`Stemmen`: dots (whole numbers) or weights.
VOTE_KINDS = ("stippen", "gewichten")
#: File in the export folder that keeps the sliders' last votes, so that they survive
#: "Run All" (which makes new sliders from the parameter cell).
VOTES_FILE = "stemmen.json"
#: Where the votes in use come from: the sliders of an earlier run, or the parameter cell.
FROM_SLIDERS = "schuifjes"


def save_votes(path: str | Path, start: Mapping[str, float], votes: Mapping[str, float]
               ) -> Path:
    """Keep the votes of the sliders, with the starting votes they were made from.

    Returns
    -------
    Path
        The file (written atomically).
    """
    from wijklib.guarantees.writing import atomic_write_text

    data = {"start": {str(k): float(v) for k, v in start.items()},
            "stemmen": {str(k): float(v) for k, v in votes.items()}}
    return atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=1))


def saved_votes(path: str | Path) -> dict[str, dict[str, float]] | None:
    """The votes kept by :func:`save_votes`; None when there are none (or they are damaged)."""
    try:
        data = json.loads(Path(path).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    ok = isinstance(data, dict) and all(
        isinstance(data.get(k), dict) and all(
            isinstance(v, int | float) and not isinstance(v, bool) and v >= 0
            for v in data[k].values()) for k in ("start", "stemmen"))
    return data if ok else None


def votes_to_use(start: Mapping[str, float], saved: Mapping[str, Any] | None
                 ) -> tuple[dict[str, float], str]:
    """Which votes count: the sliders' kept votes, or the starting votes.

    The kept votes count when the start is still what they were made from; a changed
    parameter cell (or another loaded agenda) is the newer decision.

    Returns
    -------
    (votes, source)
        The votes and :data:`FROM_SLIDERS` or :data:`FROM_CELL`.
    """
    begin = {str(k): float(v) for k, v in start.items()}
    if saved and dict(saved.get("start", {})) == begin:
        return {str(k): float(v) for k, v in saved["stemmen"].items()}, FROM_SLIDERS
    return begin, FROM_CELL


def votes_from(priorities: Any) -> dict[str, int]:
    """The dots per theme of earlier priorities (e.g. of a loaded agenda).

    Parameters
    ----------
    priorities : list of wijklib.agenda.state.Prioriteit

    Returns
    -------
    dict
        ``{thema: stippen}``; empty when there are no priorities or when they came from
        weights (then there are no dots to start from).
    """
    out: dict[str, int] = {}
    for p in priorities or []:
        if getattr(p, "stemmen", None) is None:
            return {}
        out[str(p.thema)] = int(p.stemmen)
    return out


def priority_table(priorities: Any) -> pd.DataFrame:
    """The priorities as a small Dutch table: rang, thema, stemmen and aandeel (%).

    Parameters
    ----------
    priorities : list of wijklib.agenda.state.Prioriteit
        From :func:`wijklib.agenda.state.dot_vote` or :func:`wijklib.agenda.state.weigh`.

    Returns
    -------
    pandas.DataFrame
        ``stemmen`` is empty (``<NA>``) for weights; ``aandeel`` is rounded to whole
        percents.
    """
    rows = [
        {"rang": p.rang, "thema": p.thema, "stemmen": p.stemmen,
         "aandeel (%)": round(100 * p.gewicht)}
        for p in priorities or []
    ]
    frame = pd.DataFrame(rows, columns=["rang", "thema", "stemmen", "aandeel (%)"])
    frame["stemmen"] = pd.array(frame["stemmen"].tolist(), dtype="Int64")
    frame["rang"] = frame["rang"].astype("int64")
    frame["aandeel (%)"] = frame["aandeel (%)"].astype("int64")
    return frame


class Stemmen:
    """Sliders to divide dots (or weights) over the themes; read with :meth:`waarden`.

    A thin layer over :func:`wijklib.agenda.state.dot_vote` and :func:`wijklib.agenda.state.weigh`:
    the sliders only collect numbers. Untouched (for example when papermill runs the
    notebook), :meth:`waarden` returns the starting values unchanged, just as the
    parameter cell has them.

    Parameters
    ----------
    start : dict
        Dots (or weights) per theme: the parameter cell, or :func:`votes_from` of a loaded
        agenda. Checked right away (Dutch message when a value is wrong).
    themas : list of str, optional
        Themes to show a slider for (missing themes start at 0). Default: those of
        ``start``.
    soort : {"stippen", "gewichten"}
        Dots (whole numbers, :func:`~wijklib.agenda.state.dot_vote`) or weights
        (:func:`~wijklib.agenda.state.weigh`).
    maximum : int
        Highest value of a slider (raised to the highest starting value when needed).
    on_change : callable, optional
        Called with the new list of priorities after every change that gives a valid
        vote (use it to save the agenda).
    path : str or Path, optional
        A file that keeps the sliders' votes (:func:`save_votes`), so that running all
        cells again does not silently undo them (:func:`votes_to_use`); None keeps nothing.
    """

    def __init__(
        self,
        start: Any,
        themas: list[str] | None = None,
        soort: str = "stippen",
        maximum: int = 10,
        on_change: Callable[[list[Any]], None] | None = None,
        path: str | Path | None = None,
    ) -> None:
        import math

        import ipywidgets as w

        if soort not in VOTE_KINDS:
            raise InvalidChoiceError(f"Kies als soort 'stippen' of 'gewichten', niet '{soort}'.")
        self.soort = soort
        self._vote = self._rule()
        self._vote(start)  # a wrong start gives a Dutch message here, not later
        self._path = Path(path) if path is not None else None
        self._begin = dict(start)
        self.bron = FROM_CELL
        self._start = dict(start)
        if self._path is not None:
            kept, self.bron = votes_to_use(start, saved_votes(self._path))
            if self.bron == FROM_SLIDERS:
                if soort == "stippen":
                    kept = {k: int(v) for k, v in kept.items()}
                try:
                    self._vote(kept)
                    self._start = kept
                except WijklibError:  # a kept vote that no longer counts: the cell counts
                    self.bron = FROM_CELL
        names = list(dict.fromkeys([*(themas or []), *self._start]))
        top = max([int(maximum), *(math.ceil(float(v)) for v in self._start.values())])
        slider = w.IntSlider if soort == "stippen" else w.FloatSlider
        self.sliders = {
            naam: slider(value=self._start.get(naam, 0), min=0, max=top,
                         step=1 if soort == "stippen" else 0.5,
                         description=naam, continuous_update=False,
                         style={"description_width": "9em"}, layout=w.Layout(width="30em"))
            for naam in names
        }
        self.message = w.HTML()
        self.box = w.VBox([*self.sliders.values(), self.message])
        self._touched = False
        self._on_change = on_change
        self._show()
        for item in self.sliders.values():
            item.observe(self._changed, names="value")

    def _rule(self) -> Callable[[Any], list[Any]]:
        from wijklib.agenda import state as agenda

        return agenda.dot_vote if self.soort == "stippen" else agenda.weigh

    def _changed(self, _change: dict[str, Any]) -> None:
        self._touched = True
        priorities = self._show()
        if priorities is not None and self._path is not None:
            save_votes(self._path, self._begin, self.waarden())
            self.bron = FROM_SLIDERS
        if priorities is not None and self._on_change is not None:
            self._on_change(priorities)

    def _show(self) -> list[Any] | None:

        try:
            priorities = self.prioriteiten()
        except WijklibError as err:
            self.message.value = f'<span style="color:#a84a00">{escape(str(err))}</span>'
            return None
        order = ", ".join(f"{p.rang}. {p.thema}" for p in priorities)
        total = sum(self.waarden().values())
        what = f"{total:g} stippen" if self.soort == "stippen" else "gewichten"
        kept = (" Dit zijn de stemmen van de schuifjes van de vorige keer; verander ze, of "
                "verander STEMMEN in de cel Jouw keuzes." if self.bron == FROM_SLIDERS
                and not self._touched else "")
        self.message.value = (f"Volgorde ({escape(what)}): <b>{escape(order)}</b>. "
                              f"Voer daarna de volgende cel uit.{escape(kept)}")
        return priorities

    def waarden(self) -> dict[str, float]:
        """Dots (or weights) per theme: the sliders, or the starting values when untouched."""
        if not self._touched:
            return dict(self._start)
        return {naam: item.value for naam, item in self.sliders.items()}

    def prioriteiten(self) -> list[Any]:
        """The priorities of :meth:`waarden` (list of :class:`wijklib.agenda.state.Prioriteit`)."""
        return self._vote(self.waarden())

    def __repr__(self) -> str:
        values = ", ".join(f"{k}: {v:g}" for k, v in self.waarden().items())
        return (f"Stemknoppen ({self.soort}; nu: {values}). De schuifjes werken in "
                "JupyterLab en op Binder.")

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        bundle = self.box._repr_mimebundle_(**kwargs)
        if isinstance(bundle, dict):  # shown where widgets do not work: a readable line
            bundle["text/plain"] = repr(self)
        return bundle


def stemmen(
    start: Any,
    themas: list[str] | None = None,
    soort: str = "stippen",
    on_change: Callable[[list[Any]], None] | None = None,
    path: str | Path | None = None,
) -> Stemmen:
    """Show the voting sliders; see :class:`Stemmen`.

    The votes are kept in ``path`` (default :data:`VOTES_FILE` in the export folder), so
    that "Run All" does not undo what the group voted with the sliders.
    """
    if path is None:
        from wijklib.notebook.session import export_dir

        path = export_dir() / VOTES_FILE
    return Stemmen(start, themas=themas, soort=soort, on_change=on_change, path=path)
