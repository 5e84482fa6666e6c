"""wijklib: helper library for the workbook "Wijkprofiel & buurtagenda".

The notebooks call a few functions; everything else (downloads, caching, CBS quirks,
map styling) stays in here. Importing the package does no work: submodules load when a
function is first used.

Main entry points
-----------------
kerncijfers, kerncijfers_nederland, gemeenten, tables
    CBS Kerncijfers wijken en buurten (:mod:`wijklib.cbs`).
gebieden
    Boundaries from PDOK (:mod:`wijklib.pdok`).
indicatoren
    The indicator catalogue (:mod:`wijklib.catalog`).

Modules by concern
------------------
Data: ``cbs``, ``pdok``, ``catalog`` (+ ``indicatoren.csv``), ``gemeenten``, ``cache``,
``net``, ``download``, ``config``, ``errors``.
Tellen (notebook 1): ``areas``, ``compare``, ``charts``, ``maps``, ``assets`` (offline
maps), ``index`` (aandachtsscore), ``pitfalls``, ``profiel`` (buurtprofiel).
Vertellen (notebook 2): ``survey`` (+ ``vragenlijst.csv``), ``responses`` (import and
validation), ``scores`` (scale scores, minimum group size), ``kaartnotities``,
``verhalen`` (wijkschouw, stories, themes, krachten; + ``themas.csv``), ``practice``
(fictional practice data), ``samenvatting``.
Tellen én vertellen (notebook 3): ``ringen`` (two rings per theme; + ``ringen.csv``),
``agenda`` (buurtagenda state), ``agenda_export``, ``resultaten`` (hand-over between the
notebooks).
Notebook plumbing: ``notebook`` (friendly errors, downloads, previews), ``widgets``,
``checks`` / ``checks_vertellen`` / ``checks_agenda`` (controle cells), ``exercises``
(participant versions of the solution notebooks).
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "kerncijfers": "wijklib.cbs",
    "kerncijfers_nederland": "wijklib.cbs",
    "gemeenten": "wijklib.cbs",
    "tables": "wijklib.cbs",
    "gebieden": "wijklib.pdok",
    "indicatoren": "wijklib.catalog",
    "settings": "wijklib.config",
    "WijklibError": "wijklib.errors",
    "UnknownGemeenteError": "wijklib.errors",
    "NoConnectionError": "wijklib.errors",
    "DataNotAvailableError": "wijklib.errors",
    "UnknownIndicatorError": "wijklib.errors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'wijklib' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
