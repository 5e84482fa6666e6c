"""The on-disk cache: complete entries only, with provenance."""

from __future__ import annotations

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
