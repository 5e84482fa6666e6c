"""Where a participant's files, exports and downloads go (wijklib.config).

The rule for an installed package (not a checkout) is tested with a real non-editable
install in tests/test_install.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from wijklib.config import repo_root, settings
from wijklib.notebook.session import data_file, export_dir

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("WIJKLIB_DATA", "WIJKLIB_CACHE", "WIJKLIB_EXPORT"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_checkout_uses_its_data_folder(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_env.chdir(tmp_path)  # the working folder does not matter in a checkout
    assert repo_root() == ROOT
    cfg = settings()
    assert cfg.data_dir == ROOT / "data"
    assert cfg.cache_dir == ROOT / "data" / "cache"
    assert cfg.export_dir == ROOT / "data" / "export"


def test_wijklib_data_moves_files_exports_and_cache(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    werk = tmp_path / "mijn werkboek"
    (werk).mkdir()
    (werk / "enquete.csv").write_text("a;b\n1;2\n", encoding="utf-8")
    clean_env.setenv("WIJKLIB_DATA", str(werk))
    cfg = settings()
    assert cfg.data_dir == werk
    assert cfg.cache_dir == werk / "cache"
    assert cfg.export_dir == werk / "export"
    assert export_dir() == werk / "export" and (werk / "export").is_dir()
    assert data_file("enquete.csv") == werk / "enquete.csv"


def test_cache_and_export_can_still_be_set_apart(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    clean_env.setenv("WIJKLIB_DATA", str(tmp_path / "d"))
    clean_env.setenv("WIJKLIB_CACHE", str(tmp_path / "gedeeld"))
    clean_env.setenv("WIJKLIB_EXPORT", str(tmp_path / "uit"))
    cfg = settings()
    assert (cfg.data_dir, cfg.cache_dir, cfg.export_dir) == (
        tmp_path / "d", tmp_path / "gedeeld", tmp_path / "uit"
    )


def test_export_is_never_hidden(clean_env: pytest.MonkeyPatch) -> None:
    cfg = settings()
    assert not any(part.startswith(".") for part in cfg.export_dir.parts)
    assert cfg.export_dir.parent == cfg.data_dir
