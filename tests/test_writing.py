"""The one owner of writing files: atomic, shareable, clear when it fails, safe in Excel."""

from __future__ import annotations

import errno
import os
import stat
import zipfile

import pandas as pd
import pytest

from wijklib.data import cache
from wijklib.guarantees import writing
from wijklib.guarantees.writing import FileWriteError


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_files_get_the_umask_mode_not_0600(tmp_path, umask_022):
    path = writing.atomic_write_text(tmp_path / "a.txt", "hoi")
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    os.umask(0o002)
    path = writing.atomic_write_bytes(tmp_path / "b.bin", b"x")
    assert stat.S_IMODE(path.stat().st_mode) == 0o664
    assert writing.current_umask() == 0o002


def test_cache_entries_are_readable_by_others(tmp_path, monkeypatch, umask_022):
    monkeypatch.setenv("WIJKLIB_CACHE", str(tmp_path))
    cache.put_json("a/b", [1], {"source": "test"})
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(files) == 2
    assert {stat.S_IMODE(p.stat().st_mode) for p in files} == {0o644}


def test_a_failed_write_keeps_the_old_file_and_leaves_nothing(tmp_path, monkeypatch):
    target = writing.atomic_write_text(tmp_path / "agenda.json", "oud")

    def full(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(FileWriteError) as caught:
        writing.atomic_write_text(target, "nieuw")
    assert "de schijf is vol" in str(caught.value) and "niet veranderd" in str(caught.value)
    assert target.read_text() == "oud"
    assert [p.name for p in tmp_path.iterdir()] == ["agenda.json"]


def test_a_writer_that_breaks_halfway_leaves_nothing(tmp_path):
    def half(path):
        path.write_bytes(b"half")
        raise ValueError("kapot")

    with pytest.raises(ValueError):
        writing.atomic_write(tmp_path / "x.parquet", half)
    assert list(tmp_path.iterdir()) == []


def test_a_file_in_the_way_gives_a_dutch_message(tmp_path):
    (tmp_path / "export").write_text("ik ben een bestand")
    with pytest.raises(FileWriteError) as caught:
        writing.atomic_write_text(tmp_path / "export" / "profiel.html", "<p>")
    message = str(caught.value)
    assert "profiel.html" in message and "Kies een andere map" in message
    assert isinstance(caught.value, OSError)


def test_an_unwritable_cache_warns_once_and_the_data_still_comes(tmp_path, monkeypatch):
    blocker = tmp_path / "cache"
    blocker.write_text("geen map")
    monkeypatch.setenv("WIJKLIB_CACHE", str(blocker / "sub"))
    monkeypatch.setattr(cache, "_warned", set())
    with pytest.warns(cache.CacheWriteWarning, match="niet bewaren in de cache") as record:
        cache.put_frame("x/y", pd.DataFrame({"a": [1]}), {"source": "test"})
        cache.put_json("x/z", [1], {"source": "test"})
    assert len(record) == 1
    assert cache.get_frame("x/y") is None
    assert cache.entries() == []


@pytest.mark.parametrize(
    "text", ["=1+1", "+31 6 12345678", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)", "\tx", "\rx",
             "'=al beschermd", "'gewoon"],
)
def test_formulas_are_neutralised_and_restored_exactly(text):
    safe = writing.neutralise_formula(text)
    assert safe.startswith("'")
    assert writing.restore_formula(safe) == text


@pytest.mark.parametrize("value", ["-1.5", "+3", "-1,5", "gewoon", "1=1", 7, -1.5, None])
def test_numbers_and_plain_text_are_untouched(value):
    assert writing.neutralise_formula(value) == value


def test_csv_round_trip_through_the_dutch_dialect(tmp_path):
    frame = pd.DataFrame({
        "buurtcode": ["BU03440000", "BU03440001"],
        "toelichting": ["=HYPERLINK(\"http://x\")", "mooi; groen, en \"rustig\""],
        "score": [-1.5, 7.25],
        "n": [3, 12],
        "=kolom": ["a", "b"],
    })
    path = writing.write_csv(frame, tmp_path / "t.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0].split(";")[-1] == "'=kolom"
    assert "'=HYPERLINK" in text and "-1,5" in text and "7,25" in text
    back = writing.read_csv(path, dtype={"buurtcode": "str"})
    pd.testing.assert_frame_equal(back, frame)


def test_zip_is_written_atomically(tmp_path):
    member = writing.atomic_write_text(tmp_path / "a.txt", "a")
    target = writing.write_zip(tmp_path / "alles.zip", [("map/a.txt", member), ("b.csv", b"x")])
    with zipfile.ZipFile(target) as archive:
        assert archive.namelist() == ["map/a.txt", "b.csv"]
        assert archive.read("map/a.txt") == b"a"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "alles.zip"]
