"""A small on-disk cache: every download is stored with its provenance and reused.

Each entry is a data file (Parquet, GeoParquet or JSON) plus a sidecar ``*.meta.json``
with where and when it came from. Both are written atomically by
:mod:`wijklib.guarantees.writing`, the sidecar last, and an entry only counts when its
sidecar exists: a download that breaks off half-way never leaves anything that looks
complete. A cache that cannot be written (read-only, full) is not an error: the data
was downloaded and is returned; a Dutch warning says once that it was not kept.

``WIJKLIB_CACHE`` may list several folders (:func:`cache_dirs`): entries are written to the
first one only and read from all, the newest complete entry winning. On a JupyterHub the
participant's own folder comes first and the admin's prefilled, read-only folder after
it, so the shared cache is read without a warning and never written.
"""

from __future__ import annotations

import json
import time
import warnings
from pathlib import Path
from typing import Any

import pandas as pd

from wijklib.config import settings
from wijklib.guarantees.writing import FileWriteError, atomic_write, atomic_write_text

META_SUFFIX = ".meta.json"


def cache_dir() -> Path:
    """Return the cache folder (created when possible; a read-only place is allowed)."""
    path = settings().cache_dir
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass  # reading still works where it exists; writing warns (see _keep)
    return path


def cache_dirs() -> list[Path]:
    """Return every cache folder read, the written one (:func:`cache_dir`) first."""
    return [cache_dir(), *settings().cache_dirs[1:]]


def _relative(key: str, suffix: str) -> Path:
    parts = [p for p in key.split("/") if p not in ("", ".", "..")]
    return Path(*parts).with_suffix(suffix)


def _path(key: str, suffix: str) -> Path:
    """Where an entry is written: in the first cache folder."""
    return cache_dir() / _relative(key, suffix)


def _found(key: str, suffix: str) -> tuple[Path, dict[str, Any]] | None:
    """The newest complete entry for ``key`` in any cache folder, with its sidecar."""
    found = []
    for root in cache_dirs():
        path = root / _relative(key, suffix)
        meta = _read_meta(path)
        if meta is not None:
            found.append((path, meta))
    return min(found, key=lambda pm: age_seconds(pm[1])) if found else None


class CacheWriteWarning(UserWarning):
    """The cache could not be written; the data is used without being kept."""


_warned: set[str] = set()


def _keep(write, *args) -> None:
    """Run a cache write; a failure becomes one Dutch warning per folder, not an error."""
    try:
        write(*args)
    except FileWriteError as err:
        folder = str(err.path.parent)
        if folder not in _warned:
            _warned.add(folder)
            warnings.warn(
                f"De gegevens zijn opgehaald, maar ik kan ze niet bewaren in de cache "
                f"({err.reason}: {folder}). Alles werkt, alleen wordt het de volgende keer "
                "opnieuw gedownload. Kies een andere cachemap met de omgevingsvariabele "
                "WIJKLIB_CACHE als je dat wilt voorkomen.",
                CacheWriteWarning,
                stacklevel=3,
            )


def _write_meta(data_path: Path, provenance: dict[str, Any]) -> None:
    meta = dict(provenance)
    meta["stored_at"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    meta["file"] = data_path.name
    meta_path = data_path.with_name(data_path.name + META_SUFFIX)
    atomic_write_text(meta_path, json.dumps(meta, ensure_ascii=False, indent=1))


def _read_meta(data_path: Path) -> dict[str, Any] | None:
    meta_path = data_path.with_name(data_path.name + META_SUFFIX)
    if not (meta_path.exists() and data_path.exists()):
        return None
    try:
        return json.loads(meta_path.read_text("utf-8"))
    except (OSError, ValueError):
        return None


def age_seconds(meta: dict[str, Any]) -> float:
    """Return how long ago an entry was stored, in seconds (infinite if unknown)."""
    try:
        stored = time.mktime(time.strptime(meta["stored_at"][:19], "%Y-%m-%dT%H:%M:%S"))
    except (KeyError, ValueError):
        return float("inf")
    return max(0.0, time.time() - stored)


def put_frame(key: str, frame: pd.DataFrame, provenance: dict[str, Any]) -> None:
    """Store a (Geo)DataFrame under ``key`` as (Geo)Parquet with its provenance."""
    path = _path(key, ".parquet")

    def write() -> None:
        atomic_write(path, lambda p: frame.to_parquet(p, index=False))
        _write_meta(path, provenance)

    _keep(write)


def get_frame(key: str, geo: bool = False) -> tuple[pd.DataFrame, dict[str, Any]] | None:
    """Return ``(frame, provenance)`` for ``key``, or None when it is not cached."""
    entry = _found(key, ".parquet")
    if entry is None:
        return None
    path, meta = entry
    try:
        if geo:
            import geopandas as gpd

            frame = gpd.read_parquet(path)
        else:
            frame = pd.read_parquet(path)
    except (OSError, ValueError):
        return None
    return frame, meta


def put_json(key: str, value: Any, provenance: dict[str, Any]) -> None:
    """Store a JSON-serialisable value under ``key`` with its provenance."""
    path = _path(key, ".json")
    text = json.dumps(value, ensure_ascii=False)

    def write() -> None:
        atomic_write_text(path, text)
        _write_meta(path, provenance)

    _keep(write)


def get_json(key: str) -> tuple[Any, dict[str, Any]] | None:
    """Return ``(value, provenance)`` for ``key``, or None when it is not cached."""
    entry = _found(key, ".json")
    if entry is None:
        return None
    path, meta = entry
    try:
        return json.loads(path.read_text("utf-8")), meta
    except (OSError, ValueError):
        return None


def entries() -> list[dict[str, Any]]:
    """List every complete cache entry with its provenance (for a cache overview).

    An entry kept in several cache folders is listed once, as the newest one.
    """
    found: dict[str, dict[str, Any]] = {}
    for root in cache_dirs():
        if not root.is_dir():
            continue
        for meta_path in sorted(root.rglob("*" + META_SUFFIX)):
            data_path = meta_path.with_name(meta_path.name[: -len(META_SUFFIX)])
            meta = _read_meta(data_path)
            if meta is None:
                continue
            meta = dict(meta)
            meta["key"] = key = str(data_path.relative_to(root).with_suffix(""))
            if key not in found or age_seconds(meta) < age_seconds(found[key]):
                found[key] = meta
    return [found[key] for key in sorted(found)]
