"""wijklib: helper library for the workbook "Wijkprofiel & buurtagenda".

The notebooks call a few functions; everything else (downloads, caching, CBS quirks,
map styling) stays in here. Importing the package does no work: submodules load when a
function is first used.

Main entry points
-----------------
kerncijfers, kerncijfers_nederland, gemeenten, tables
    CBS Kerncijfers wijken en buurten (:mod:`wijklib.data.cbs`).
gebieden
    Boundaries from PDOK (:mod:`wijklib.data.pdok`).
misdrijven
    Police-registered crimes per wijk and buurt, per 1 000 inhabitants
    (:mod:`wijklib.data.politie`).
indicatoren
    The indicator catalogue (:mod:`wijklib.data.catalog`).

Subpackages by concern
----------------------
``wijklib.data``
    Data access: CBS, PDOK, the indicator catalogue, gemeenten, areas, cache, HTTP.
``wijklib.guarantees``
    The shared promises, each with one owner: rendering (escaping, templates), privacy
    (minimum group size, suppression, masking), provenance and files.
``wijklib.tellen``
    Notebook 1: comparisons, charts, maps, attention score, pitfalls, buurtprofiel.
``wijklib.vertellen``
    Notebook 2: questionnaire, responses, scores, map notes, stories, practice data,
    samenvatting.
``wijklib.agenda``
    Notebook 3: the two rings, the buurtagenda state and its export.
``wijklib.notebook``
    Notebook support: set-up, offline maps, widgets, controle cells, hand-over.

``config`` (environment variables) and ``errors`` (Dutch errors) serve all of them.
Build tools (participant notebooks, map assets) live in ``tools/``, outside the package.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "kerncijfers": "wijklib.data.cbs",
    "kerncijfers_nederland": "wijklib.data.cbs",
    "gemeenten": "wijklib.data.cbs",
    "tables": "wijklib.data.cbs",
    "gebieden": "wijklib.data.pdok",
    "misdrijven": "wijklib.data.politie",
    "indicatoren": "wijklib.data.catalog",
    "settings": "wijklib.config",
    "WijklibError": "wijklib.errors",
    "UnknownGemeenteError": "wijklib.errors",
    "NoConnectionError": "wijklib.errors",
    "ServiceError": "wijklib.errors",
    "ServiceSlowError": "wijklib.errors",
    "UnreadableAnswerError": "wijklib.errors",
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
