"""Notebook conveniences: download links that work on Binder, friendly errors."""

from __future__ import annotations

import base64
import re

import pytest

from wijklib.errors import UnknownGemeenteError, WijklibError
from wijklib.notebook import download_link, friendly_error_html


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
    from wijklib.notebook import export_dir

    monkeypatch.setenv("WIJKLIB_EXPORT", str(tmp_path / "mijn werk"))
    assert export_dir() == tmp_path / "mijn werk" and export_dir().is_dir()
    monkeypatch.delenv("WIJKLIB_EXPORT")
    assert export_dir().parts[-2:] == ("data", "export")  # in a checkout


def test_preview_keeps_the_page_inside_its_frame():
    from wijklib.notebook import preview_html

    shown = preview_html('<p class="x">A & "B"</p>', height=300).data
    assert "<iframe srcdoc=" in shown and "height:300px" in shown
    assert '<p class="x">' not in shown
    assert "&lt;p class=&quot;x&quot;&gt;A &amp; &quot;B&quot;" in shown
