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
