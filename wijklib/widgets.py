"""A small picker for gemeente, niveau and focus area (ipywidgets).

The widget is a thin layer: :func:`focus_options` and :func:`resolve_choice` do the work
and are tested on their own. A notebook never depends on the widget: the parameter cell
holds the same choices, and ``Picker.waarden()`` returns those values unchanged when
nobody touches the widget (for example when papermill runs the notebook).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .areas import find_area
from .errors import InvalidChoiceError, WijklibError

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
        from .cbs import kerncijfers as load
    areas = load(gemeente, niveau=niveau)
    row = find_area(areas, focus)
    name = str(areas["gemeentenaam"].iloc[0]) if "gemeentenaam" in areas and len(areas) \
        else str(gemeente)
    return Choice(gemeente=name, niveau=niveau, focus=str(row["code"]),
                  focus_naam=str(row["naam"]))


class Picker:
    """Dropdowns for gemeente, niveau and focus; read the result with :meth:`waarden`.

    Parameters
    ----------
    gemeente, niveau, focus
        The values of the parameter cell; they are the starting point and the result
        when the widget is not used.
    load : callable, optional
        As in :func:`resolve_choice`.
    """

    def __init__(self, gemeente: str, niveau: str = "buurt", focus: str = "",
                 load: Callable[..., pd.DataFrame] | None = None) -> None:
        import ipywidgets as w

        if load is None:
            from .cbs import kerncijfers as load
        self._load = load
        self._start = (gemeente, niveau, focus)
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

    def _focus_changed(self, _change: dict[str, Any]) -> None:
        self._touched = True
        self._say_next()

    def _refresh(self, initial_focus: str = "") -> None:
        import html

        try:
            areas = self._load(self.gemeente.value, niveau=self.niveau.value)
            options = focus_options(areas)
        except WijklibError as err:
            self.focus.options = []
            self.message.value = (f'<span style="color:#d55e00">{html.escape(str(err))}</span>')
            return
        self.focus.options = options
        if initial_focus:
            try:
                self.focus.value = str(find_area(areas, initial_focus)["code"])
            except WijklibError:
                pass
        self._say_next()

    def _say_next(self) -> None:
        import html

        label = dict((code, label) for label, code in self.focus.options).get(self.focus.value)
        self.message.value = (
            f"Gekozen: <b>{html.escape(label or 'nog geen gebied')}</b>. Voer nu de volgende "
            "cel uit; daarna de rest van het notebook."
        )

    def waarden(self) -> tuple[str, str, str]:
        """``(GEMEENTE, NIVEAU, FOCUS)``: the widget's choice, or the starting values."""
        if not self._touched or not self.focus.value:
            return self._start
        return (self.gemeente.value, self.niveau.value, self.focus.value)

    def __repr__(self) -> str:
        gemeente, niveau, focus = self.waarden()
        return (f"Keuzelijst voor gemeente, niveau en gebied (nu: {gemeente}, {niveau}, "
                f"{focus}). De keuzelijst werkt in JupyterLab en op Binder.")

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        bundle = self.box._repr_mimebundle_(**kwargs)
        if isinstance(bundle, dict):  # shown where widgets do not work: a readable line
            bundle["text/plain"] = repr(self)
        return bundle


def picker(gemeente: str, niveau: str = "buurt", focus: str = "") -> Picker:
    """Show the picker; see :class:`Picker`."""
    return Picker(gemeente, niveau, focus)
