"""A small on-disk cache: every download is stored with its provenance and reused.

Each entry is a data file (Parquet, GeoParquet or JSON) plus a sidecar ``*.meta.json``
with where and when it came from. Both are written to a temporary name and moved into
place, the sidecar last, and an entry only counts when its sidecar exists: a download
that breaks off half-way never leaves anything that looks complete.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd

from wijklib.config import settings

META_SUFFIX = ".meta.json"


def cache_dir() -> Path:
    """Return the cache folder (created when needed)."""
    path = settings().cache_dir
    path.mkdir(parents=True, exist_ok=True)
    return path


def _path(key: str, suffix: str) -> Path:
    parts = [p for p in key.split("/") if p not in ("", ".", "..")]
    return cache_dir().joinpath(*parts).with_suffix(suffix)


def _atomic_write(target: Path, write) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_meta(key: str, data_path: Path, provenance: dict[str, Any]) -> None:
    meta = dict(provenance)
    meta["stored_at"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    meta["file"] = data_path.name
    meta_path = data_path.with_name(data_path.name + META_SUFFIX)
    _atomic_write(
        meta_path,
        lambda p: p.write_text(json.dumps(meta, ensure_ascii=False, indent=1), "utf-8"),
    )


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
    _atomic_write(path, lambda p: frame.to_parquet(p, index=False))
    _write_meta(key, path, provenance)


def get_frame(key: str, geo: bool = False) -> tuple[pd.DataFrame, dict[str, Any]] | None:
    """Return ``(frame, provenance)`` for ``key``, or None when it is not cached."""
    path = _path(key, ".parquet")
    meta = _read_meta(path)
    if meta is None:
        return None
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
    _atomic_write(path, lambda p: p.write_text(text, "utf-8"))
    _write_meta(key, path, provenance)


def get_json(key: str) -> tuple[Any, dict[str, Any]] | None:
    """Return ``(value, provenance)`` for ``key``, or None when it is not cached."""
    path = _path(key, ".json")
    meta = _read_meta(path)
    if meta is None:
        return None
    try:
        return json.loads(path.read_text("utf-8")), meta
    except (OSError, ValueError):
        return None


def entries() -> list[dict[str, Any]]:
    """List every complete cache entry with its provenance (for a cache overview)."""
    root = cache_dir()
    found = []
    for meta_path in sorted(root.rglob("*" + META_SUFFIX)):
        data_path = meta_path.with_name(meta_path.name[: -len(META_SUFFIX)])
        meta = _read_meta(data_path)
        if meta is not None:
            meta = dict(meta)
            meta["key"] = str(data_path.relative_to(root).with_suffix(""))
            found.append(meta)
    return found
