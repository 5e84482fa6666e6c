"""The on-disk cache: complete entries only, with provenance."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from wijklib.data import cache


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("WIJKLIB_CACHE", str(tmp_path))
    return tmp_path


def test_frame_round_trip_keeps_provenance():
    frame = pd.DataFrame({"code": ["BU1", "BU2"], "x": [1.5, None]})
    cache.put_frame("cbs/T/buurt-GM1", frame, {"table_id": "T", "year": 2024})
    got, meta = cache.get_frame("cbs/T/buurt-GM1")
    pd.testing.assert_frame_equal(got, frame)
    assert meta["table_id"] == "T" and meta["year"] == 2024 and "stored_at" in meta
    assert [e["key"] for e in cache.entries()] == ["cbs/T/buurt-GM1"]


def test_entry_without_sidecar_does_not_count(own_cache):
    cache.put_json("a/b", {"x": 1}, {"source": "test"})
    (own_cache / "a" / "b.json.meta.json").unlink()
    assert cache.get_json("a/b") is None
    assert cache.entries() == []


def test_failed_write_leaves_nothing(own_cache, monkeypatch):
    def broken(self, path, **kwargs):
        path.write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", broken)
    monkeypatch.setattr(cache, "_warned", set())
    with pytest.warns(cache.CacheWriteWarning, match="disk full"):
        cache.put_frame("x/y", pd.DataFrame({"a": [1]}), {"source": "test"})
    assert [p for p in own_cache.rglob("*") if p.is_file()] == []
    assert cache.get_frame("x/y") is None


def test_keys_cannot_escape_the_cache(own_cache):
    cache.put_json("../../evil", [1], {"source": "test"})
    assert (own_cache / "evil.json").exists()


def _snapshot(folder):
    return {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_shared_cache_is_read_and_never_written_after_an_own_one(services, tmp_path,
                                                                    monkeypatch):
    """WIJKLIB_CACHE lists an own cache first and a shared one (a hub's) after it: figures
    come from the shared one without a connection, and what is downloaded later goes into
    the own one, so the shared folder is never touched."""
    import os

    import wijklib

    shared, own = tmp_path / "gedeeld", tmp_path / "eigen"
    monkeypatch.setenv("WIJKLIB_CACHE", str(shared))
    filled = wijklib.kerncijfers("Utrecht")
    before = _snapshot(shared)
    cbs_server, pdok_server = services
    monkeypatch.setenv("WIJKLIB_CACHE", f"{own}{os.pathsep}{shared}")
    assert cache.cache_dirs() == [own, shared]
    cbs_server.clear_requests()
    monkeypatch.setenv("WIJKLIB_CBS_URL", "http://127.0.0.1:9")  # offline
    read = wijklib.kerncijfers("Utrecht")
    assert sorted(read["code"]) == sorted(filled["code"])
    assert read.attrs["year"] == filled.attrs["year"]
    monkeypatch.setenv("WIJKLIB_CBS_URL", cbs_server.url)  # online: a wijk table is new
    wijk = wijklib.kerncijfers("Utrecht", niveau="wijk")
    assert _snapshot(shared) == before
    assert any(own.rglob("*.meta.json"))
    stored = {str(m.relative_to(folder))[: -len(cache.META_SUFFIX)].rsplit(".", 1)[0]
              for folder in (own, shared) for m in folder.rglob("*" + cache.META_SUFFIX)}
    assert sorted(e["key"] for e in cache.entries()) == sorted(stored)
    monkeypatch.setenv("WIJKLIB_CBS_URL", "http://127.0.0.1:9")
    again = wijklib.kerncijfers("Utrecht", niveau="wijk")
    assert sorted(again["code"]) == sorted(wijk["code"])


def test_the_newest_entry_of_the_listed_caches_wins(tmp_path, monkeypatch):
    import os

    first, second = tmp_path / "a", tmp_path / "b"
    monkeypatch.setenv("WIJKLIB_CACHE", str(second))
    cache.put_json("x/y", {"v": "nieuw"}, {"source": "test"})
    monkeypatch.setenv("WIJKLIB_CACHE", str(first))
    cache.put_json("x/y", {"v": "oud"}, {"source": "test"})
    meta = first / "x" / ("y.json" + cache.META_SUFFIX)
    older = json.loads(meta.read_text())
    older["stored_at"] = "2000-01-01T00:00:00+0000"
    meta.write_text(json.dumps(older))
    monkeypatch.setenv("WIJKLIB_CACHE", f"{first}{os.pathsep}{second}")
    assert cache.get_json("x/y")[0] == {"v": "nieuw"}
    assert [e["key"] for e in cache.entries()] == ["x/y"]
