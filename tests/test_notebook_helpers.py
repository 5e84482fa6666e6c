"""Notebook conveniences: download links that work on Binder, friendly errors."""

from __future__ import annotations

import base64
import re
import uuid

import pytest

from wijklib.errors import InvalidChoiceError, UnknownGemeenteError, WijklibError
from wijklib.notebook.session import data_file, download_link, friendly_error_html


def test_download_link_embeds_the_file(tmp_path):
    path = tmp_path / "profiel <1>.html"
    path.write_text("<h1>Buurt</h1>", "utf-8")
    link = download_link(path, label="Download <mijn> profiel").data
    payload = re.search(r'href="data:text/html;base64,([^"]+)"', link).group(1)
    assert base64.b64decode(payload).decode("utf-8") == "<h1>Buurt</h1>"
    assert "&lt;mijn&gt;" in link and "<mijn>" not in link
    assert 'download="profiel &lt;1&gt;.html"' in link


def test_download_link_for_a_missing_file_is_a_dutch_error(tmp_path):
    with pytest.raises(WijklibError, match="bestaat niet"):
        download_link(tmp_path / "nee.html")


def test_friendly_error_is_escaped():
    shown = friendly_error_html(UnknownGemeenteError("<script>x</script>", []))
    assert "<script>" not in shown and "&lt;script&gt;" in shown


def test_export_dir_follows_the_environment(tmp_path, monkeypatch):
    from wijklib.notebook.session import export_dir

    monkeypatch.setenv("WIJKLIB_EXPORT", str(tmp_path / "mijn werk"))
    assert export_dir() == tmp_path / "mijn werk" and export_dir().is_dir()
    monkeypatch.delenv("WIJKLIB_EXPORT")
    assert export_dir().parts[-2:] == ("data", "export")  # in a checkout


def test_preview_keeps_the_page_inside_its_frame():
    from wijklib.notebook.session import preview_html

    shown = preview_html('<p class="x">A & "B"</p>', height=300).data
    assert "<iframe srcdoc=" in shown and "height:300px" in shown
    assert '<p class="x">' not in shown
    assert "&lt;p class=&quot;x&quot;&gt;A &amp; &quot;B&quot;" in shown


def test_data_file_finds_a_bare_name_in_the_data_folder(tmp_path):
    from wijklib.config import repo_root

    name = f"test-data-file-{uuid.uuid4().hex}.csv"
    path = repo_root() / "data" / name
    try:
        path.write_text("buurt;cijfer\n", encoding="utf-8")
        assert data_file(name) == path
        assert data_file(f"  {name} ") == path
    finally:
        path.unlink(missing_ok=True)
    other = tmp_path / "eigen.csv"
    other.write_text("x\n", encoding="utf-8")
    assert data_file(other) == other  # a full path works too


def test_data_file_missing_says_what_to_do():
    with pytest.raises(WijklibError, match="staat niet in de map .*data/"):
        data_file("bestaat-niet.csv")
    with pytest.raises(InvalidChoiceError):
        data_file(" ")


def test_file_stem_and_atomic_pages(tmp_path, monkeypatch):
    from wijklib.guarantees.writing import atomic_write_text
    from wijklib.notebook.session import file_stem, save_page

    assert file_stem("Taag- en Rubicondreef & co") == "taag-en-rubicondreef-co"
    assert file_stem("Café ’t Hoekje") == "cafe-t-hoekje"
    assert file_stem("<>", "gebied") == "gebied"
    path = atomic_write_text(tmp_path / "a" / "b.txt", "één")
    assert path.read_text("utf-8") == "één" and list(path.parent.iterdir()) == [path]
    monkeypatch.setenv("WIJKLIB_EXPORT", str(tmp_path / "export"))
    assert save_page("<p>x</p>", stem="profiel") == tmp_path / "export" / "profiel.html"
