"""Prefetch everything the notebooks need, so a live session never waits on the network."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from wijklib.data import cbs, pdok
from wijklib.errors import WijklibError


@dataclass
class Step:
    """One download step: a Dutch description and what to call."""

    label: str
    run: Callable[[], object]


def plan(gemeenten: Iterable[str | int], jaar: int | None = None) -> list[Step]:
    """List the downloads for these gemeenten (kerncijfers and maps at every level, and the
    police figures of notebook 3), and the country's wijken and buurten (similar areas)."""
    steps = [Step("Nederland (kerncijfers)", lambda: cbs.kerncijfers_nederland(jaar))]
    # every wijk and buurt of the country: notebook 1 looks for similar areas there
    for niveau in ("wijk", "buurt"):
        steps.append(Step(f"Nederland: kerncijfers per {niveau} (vergelijkbare gebieden)",
                          lambda n=niveau: cbs.kerncijfers("Nederland", jaar=jaar, niveau=n)))
    for gemeente in gemeenten:
        for niveau in ("gemeente", "wijk", "buurt"):
            steps.append(
                Step(
                    f"{gemeente}: kerncijfers per {niveau}",
                    lambda g=gemeente, n=niveau: cbs.kerncijfers(g, jaar=jaar, niveau=n),
                )
            )
            steps.append(
                Step(
                    f"{gemeente}: kaart per {niveau}",
                    lambda g=gemeente, n=niveau: _map(g, n, jaar),
                )
            )
        if not cbs.is_country(gemeente):
            steps.append(Step(f"{gemeente}: politiecijfers",
                              lambda g=gemeente: _police(g)))
    return steps


def _police(gemeente: str | int) -> object:
    """The police figures notebook 3 draws (per buurt and for the gemeente, newest year)."""
    from wijklib.data import politie

    per_buurt = politie.misdrijven(gemeente, niveau="buurt")
    return politie.misdrijven(gemeente, jaar=int(per_buurt.attrs["year"]), niveau="gemeente")


def _map(gemeente: str | int, niveau: str, jaar: int | None) -> object:
    """The map the notebooks draw: of the figures' year, with the figures' codes."""
    try:
        figures = cbs.kerncijfers(gemeente, jaar=jaar, niveau=niveau)
    except WijklibError:
        return pdok.gebieden(gemeente, jaar=jaar, niveau=niveau)
    return pdok.gebieden(gemeente, jaar=figures.attrs["year"], niveau=niveau,
                         codes=figures["code"])


def prefetch(
    gemeenten: Iterable[str | int], jaar: int | None = None, progress: bool = True
) -> list[tuple[str, str]]:
    """Download and cache the data for ``gemeenten``.

    A step that fails (e.g. no buurt figures for a gemeente) is reported, not fatal.

    Returns
    -------
    list of (label, problem)
        The steps that failed, with their Dutch message.
    """
    from tqdm.auto import tqdm

    problems: list[tuple[str, str]] = []
    steps = plan(list(gemeenten), jaar)
    bar = tqdm(steps, desc="Gegevens ophalen", unit="stap", disable=not progress)
    for step in bar:
        bar.set_postfix_str(step.label[:40])
        try:
            step.run()
        except WijklibError as err:
            problems.append((step.label, str(err)))
    return problems
