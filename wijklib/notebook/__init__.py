"""Notebook support: set-up, friendly errors, widgets, controle cells, hand-over, offline maps.

The names most notebooks need are available here directly, so a notebook starts with
``from wijklib.notebook import setup, show, download_link``.

Modules
-------
session
    ``setup()`` (Dutch errors), download links, previews, data and export folders.
uitleg
    Ordinary Python errors explained in plain Dutch (installed by ``setup()``).
failed_cells
    Names a failed cell left stale, so a controle cell does not grade them.
tabel
    ``show_table()``: tables as a person reads them.
offline
    Maps that work without internet: local JavaScript and CSS (``show``, ``save_map``).
installer
    Set-up without Node: the map files from the npm registry and JupyterLab's settings
    (``python -m wijklib.assets``).
widgets
    Pickers and dot voting (thin layers over tested functions).
checks, checks_vertellen, checks_agenda
    The checkers behind the controle cells of notebooks 1, 2 and 3.
resultaten
    What notebooks 1 and 2 hand to notebook 3.
qgis
    Files for QGIS: buurt figures and map notes as GeoPackage and GeoJSON.
gesprek
    The conversation: reflections (saved with the results), the earlier reflections for
    notebook 3, and the step "vertalen naar je eigen situatie".
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "setup": "wijklib.notebook.session",
    "download_link": "wijklib.notebook.session",
    "preview_html": "wijklib.notebook.session",
    "data_file": "wijklib.notebook.session",
    "export_dir": "wijklib.notebook.session",
    "show": "wijklib.notebook.offline",
    "show_table": "wijklib.notebook.tabel",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'wijklib.notebook' has no attribute {name!r}")
