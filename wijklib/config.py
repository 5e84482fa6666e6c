"""Configuration through a few environment variables with sensible defaults.

=====================  ==========================================  =========================
variable               meaning                                     default
=====================  ==========================================  =========================
``WIJKLIB_CBS_URL``    base URL of CBS open data (OData v3)        ``https://opendata.cbs.nl``
``WIJKLIB_PDOK_URL``   base URL of the PDOK OGC API                ``https://api.pdok.nl``
``WIJKLIB_POLITIE_URL`` base URL of CBS open data for third        ``https://dataderden.cbs.nl``
                       parties (police registrations, OData v3)
``WIJKLIB_DATA``       folder for a participant's own files        see below
                       (survey exports, notes, stories)
``WIJKLIB_CACHE``      folder for downloaded data; several         ``data/cache`` in a checkout
                       folders separated by ``os.pathsep`` (``:``,  or in ``WIJKLIB_DATA``,
                       ``;`` on Windows): the first is written,    else ``~/.cache/wijklib``
                       all are read (a shared cache on a hub)
``WIJKLIB_EXPORT``     folder for what participants make           ``export`` in the data
                       (profiles, agendas, saved work)             folder
``WIJKLIB_TIMEOUT``    seconds one user call (``kerncijfers`` …)   ``30``
                       may wait on the services in total; one
                       attempt waits at most a third of it
``WIJKLIB_RETRIES``    attempts per request (a page on its own)    ``4``
``WIJKLIB_BACKOFF``    first wait between attempts, in seconds     ``1``
``WIJKLIB_GROEP``      shared folder with the participants' saved  ``groep`` in the data
                       agendas, for the group mode                 folder
``WIJKLIB_SJABLONEN``  folder with a trainer's own templates       none (the workbook's own)
=====================  ==========================================  =========================

The data folder is, in this order: ``WIJKLIB_DATA``; ``data/`` of the workbook checkout
(an editable install, ``pip install -e .``); otherwise, for an installed package
(``pip install .`` or conda), the ``data/`` folder in the current working folder, or in its
parent when only that one has it (notebooks in ``notebooks/`` next to ``data/``), and
else ``data/`` in the current working folder (created when something is saved). So the
participant's files and exports are always in a visible ``data/`` folder, never in a hidden
one; only the download cache of an installed package lives in ``~/.cache/wijklib``, so one
prefetch serves every working folder.

A list in ``WIJKLIB_CACHE`` serves a JupyterHub: ``~/wijkprofiel/cache:/srv/wijkprofiel/cache``
reads the admin's prefilled, read-only cache and keeps what the participant downloads
later in their own folder, so the shared one is never written (:mod:`wijklib.data.cache`).

``WIJKLIB_GROEP`` is read by :func:`wijklib.agenda.groep.group_folder` (default ``groep``
in the data folder) and ``WIJKLIB_SJABLONEN`` by
:func:`wijklib.guarantees.rendering.template_folders`. Settings are read each time
:func:`settings` is called, so a notebook or a test can change
an environment variable without re-importing anything.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_CBS_URL = "https://opendata.cbs.nl"
DEFAULT_PDOK_URL = "https://api.pdok.nl"
DEFAULT_POLITIE_URL = "https://dataderden.cbs.nl"


@dataclass(frozen=True)
class Settings:
    """Resolved configuration.

    Attributes
    ----------
    cbs_url, pdok_url, politie_url : str
        Base URLs without a trailing slash.
    data_dir : Path
        Folder for a participant's own files (a bare file name is looked up here).
    cache_dir : Path
        Folder where downloads are kept (the first one of ``cache_dirs``).
    export_dir : Path
        Folder for what a participant makes and wants to keep or download.
    timeout : float
        Seconds one user call may wait on the network in total (its deadline); one
        attempt of a request waits at most a third of it, so a hanging service leaves
        room for another attempt.
    retries : int
        Attempts per HTTP request (1 means no retry).
    backoff : float
        Seconds to wait after the first failed attempt; doubles each time.
    politie_url : str
        Base URL of CBS open data for third parties.
    cache_dirs : tuple of Path
        Every folder the cache reads, ``cache_dir`` first (more only when
        ``WIJKLIB_CACHE`` lists several).
    """

    cbs_url: str
    pdok_url: str
    data_dir: Path
    cache_dir: Path
    export_dir: Path
    timeout: float
    retries: int
    backoff: float
    politie_url: str = DEFAULT_POLITIE_URL
    cache_dirs: tuple[Path, ...] = ()


def repo_root() -> Path | None:
    """Return the root of the workbook checkout, or None for an installed package."""
    root = Path(__file__).resolve().parent.parent
    if (root / "notebooks").is_dir() and (root / "data").is_dir():
        return root
    return None


def default_data_dir() -> Path:
    """Return the data folder used when ``WIJKLIB_DATA`` is not set.

    Returns
    -------
    Path
        ``data/`` of the checkout; for an installed package ``data/`` in the current
        working folder, or in its parent when only that one exists, else in the working
        folder.
    """
    root = repo_root()
    if root is not None:
        return root / "data"
    here = Path.cwd()
    for folder in (here, here.parent):
        if (folder / "data").is_dir():
            return folder / "data"
    return here / "data"


def default_cache_dir() -> Path:
    """Return the cache folder used when ``WIJKLIB_CACHE`` is not set."""
    data = os.environ.get("WIJKLIB_DATA", "").strip()
    if data:
        return Path(data).expanduser() / "cache"
    root = repo_root()
    if root is not None:
        return root / "data" / "cache"
    return Path.home() / ".cache" / "wijklib"


def _number(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError as err:
        raise ValueError(
            f"De omgevingsvariabele {name} moet een getal zijn, maar is {raw!r}."
        ) from err


def settings() -> Settings:
    """Read the current settings from the environment.

    Returns
    -------
    Settings
    """
    data = os.environ.get("WIJKLIB_DATA", "").strip()
    data_dir = Path(data).expanduser() if data else default_data_dir()
    listed = [part.strip() for part in os.environ.get("WIJKLIB_CACHE", "").split(os.pathsep)]
    cache_dirs = tuple(Path(p).expanduser() for p in listed if p) or (default_cache_dir(),)
    cache_dir = cache_dirs[0]
    export = os.environ.get("WIJKLIB_EXPORT", "").strip()
    export_dir = Path(export).expanduser() if export else data_dir / "export"
    return Settings(
        cbs_url=(os.environ.get("WIJKLIB_CBS_URL", "").strip() or DEFAULT_CBS_URL).rstrip("/"),
        pdok_url=(os.environ.get("WIJKLIB_PDOK_URL", "").strip() or DEFAULT_PDOK_URL).rstrip("/"),
        data_dir=data_dir,
        cache_dir=cache_dir,
        export_dir=export_dir,
        timeout=max(0.1, _number("WIJKLIB_TIMEOUT", 30.0)),
        retries=max(1, int(_number("WIJKLIB_RETRIES", 4))),
        backoff=max(0.0, _number("WIJKLIB_BACKOFF", 1.0)),
        politie_url=(os.environ.get("WIJKLIB_POLITIE_URL", "").strip()
                     or DEFAULT_POLITIE_URL).rstrip("/"),
        cache_dirs=cache_dirs,
    )
