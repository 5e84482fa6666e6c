"""Outputs for offices: CSV files that Dutch Excel opens correctly, readable colours
(WCAG AA contrast) and a ``<main>`` landmark in every full HTML document."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import wijklib
from wijklib.guarantees import writing
from wijklib.notebook import resultaten as res

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = sorted((ROOT / "wijklib" / "templates").glob("*.j2"))
BOM = b"\xef\xbb\xbf"
DOT_DECIMAL = re.compile(r"-?\d+\.\d+")

# --------------------------------------------------------------------------- CSV


def cells(raw: bytes) -> list[list[str]]:
    assert raw.startswith(BOM), "no BOM: Dutch Excel would read the file as Windows-1252"
    text = raw[len(BOM):].decode("utf-8")
    header = text.split("\r\n", 1)[0]
    assert ";" in header or len(next(csv.reader([header], delimiter=";"))) == 1
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_csv_bytes_are_the_dutch_excel_dialect() -> None:
    frame = pd.DataFrame({
        "buurt": ["Noord", "Zuid, Oost"],
        "aandeel": [6.0, 12.5],
        "n": pd.array([12, None], dtype="Int64"),
        "gemiddelde": pd.array([3.25, None], dtype="Float64"),
    })
    raw = writing.csv_bytes(frame)
    rows = cells(raw)
    assert rows[0] == ["buurt", "aandeel", "n", "gemiddelde"]
    assert rows[1] == ["Noord", "6,0", "12", "3,25"]
    assert rows[2] == ["Zuid, Oost", "12,5", "", ""]  # missing stays empty, never 0
    assert b"\r\n" in raw


def test_numbers_in_a_mixed_column_get_a_decimal_comma_too() -> None:
    # a column that holds figures and the word for a hidden one is an object column
    frame = pd.DataFrame({"waarde": pd.Series([6.0, "geheim", np.float64(0.25), 3], dtype=object)})
    rows = cells(writing.csv_bytes(frame))
    assert [r[0] for r in rows[1:]] == ["6,0", "geheim", "0,25", "3"]


def test_mixed_column_round_trips_its_text() -> None:
    frame = pd.DataFrame({"waarde": pd.Series(["geheim", 1.5], dtype=object)})
    back = writing.read_csv(io.BytesIO(writing.csv_bytes(frame)))
    assert back["waarde"].tolist() == ["geheim", "1,5"]


@pytest.fixture(scope="module")
def practice_set(utrecht_cache, cbs_server, pdok_server):
    from conftest import point_wijklib_at

    with pytest.MonkeyPatch.context() as mp:
        point_wijklib_at(mp, cbs_server.url, pdok_server.url, utrecht_cache)
        buurten, gebieden = wijklib.kerncijfers("Utrecht"), wijklib.gebieden("Utrecht")
        return res.practice_vertellen(buurten, gebieden, seed=7, focus="WK034403")


def test_every_csv_in_the_download_everything_zip_opens_in_dutch_excel(
    practice_set, tmp_path: Path
) -> None:
    folder = res.save_vertellen(practice_set, tmp_path / "werk")
    zipped = res.bundle([folder], tmp_path / "alles.zip", antwoorden=True)
    with zipfile.ZipFile(zipped) as archive:
        names = [n for n in archive.namelist() if n.endswith(".csv")]
        assert names
        for name in names:
            rows = cells(archive.read(name))
            for row in rows[1:]:
                assert not [c for c in row if DOT_DECIMAL.fullmatch(c)], (name, row)


# --------------------------------------------------------------------------- contrast

_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_HEX = re.compile(r"#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b")
_STYLE_BLOCK = re.compile(r"<style[^>]*>(.*?)</style>", re.S | re.I)
_STYLE_ATTR = re.compile(r"""style\s*=\s*(["'])(.*?)\1""", re.S | re.I)
_PY_STYLE = re.compile(r"""(?<![-\w])color\s*:\s*(#[0-9a-fA-F]{3,6})\b""")


def luminance(colour: str) -> float:
    value = colour.lstrip("#")
    if len(value) == 3:
        value = "".join(ch * 2 for ch in value)
    channels = []
    for i in (0, 2, 4):
        c = int(value[i:i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    r, g, b = channels
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def declarations(body: str) -> dict[str, str]:
    out = {}
    for part in body.split(";"):
        name, _, value = part.partition(":")
        if value.strip():
            out[name.strip().lower()] = value.strip()
    return out


def text_colours(page: str) -> list[tuple[str, str, str]]:
    """(where, text colour, background) for every ``color`` in a page's CSS and styles."""
    css = "\n".join(_STYLE_BLOCK.findall(page))
    variables: dict[str, str] = {}
    rules = [(sel.strip(), declarations(body)) for sel, body in _RULE.findall(css)]
    for _, decl in rules:
        variables.update({k: v for k, v in decl.items() if k.startswith("--")})
    page_background = "#ffffff"
    for sel, decl in rules:
        if sel.split(",")[0].strip() in ("body", "html") and "background" in decl:
            page_background = _resolve(decl["background"], variables) or page_background
    rules += [("style=" + m.group(2)[:40], declarations(m.group(2)))
              for m in _STYLE_ATTR.finditer(page)]
    found = []
    for sel, decl in rules:
        if "color" not in decl:
            continue
        colour = _resolve(decl["color"], variables)
        if colour is None:  # inherit, currentColor, a template variable …
            continue
        back = _resolve(decl.get("background-color", decl.get("background", "")), variables)
        found.append((sel, colour, back or page_background))
    return found


def _resolve(value: str, variables: dict[str, str]) -> str | None:
    for _ in range(5):
        var = re.search(r"var\((--[\w-]+)\)", value)
        if not var:
            break
        value = value.replace(var.group(0), variables.get(var.group(1), ""))
    match = _HEX.search(value)
    return match.group(0) if match else None


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_every_text_colour_in_the_templates_meets_wcag_aa(template: Path) -> None:
    page = template.read_text("utf-8")
    for where, colour, background in text_colours(page):
        ratio = contrast(colour, background)
        assert ratio >= 4.5, f"{template.name}: {where}: {colour} op {background} = {ratio:.2f}"


def test_known_weak_colours_are_gone_from_text() -> None:
    pages = [t.read_text("utf-8") for t in TEMPLATES]
    for page in pages:
        used = {colour.lower() for _, colour, _ in text_colours(page)}
        assert not used & {"#777", "#777777", "#d55e00"}


def test_text_colours_in_python_generated_html_meet_wcag_aa() -> None:
    for path in sorted((ROOT / "wijklib").rglob("*.py")):
        for line in path.read_text("utf-8").splitlines():
            for colour in _PY_STYLE.findall(line):
                background = re.search(r"background(?:-color)?\s*:\s*(#[0-9a-fA-F]{3,6})", line)
                back = background.group(1) if background else "#ffffff"
                ratio = contrast(colour, back)
                assert ratio >= 4.5, f"{path.name}: {colour} op {back} = {ratio:.2f}: {line}"


def test_the_contrast_check_catches_the_old_colours() -> None:
    assert contrast("#777", "#fff") < 4.5 and contrast("#d55e00", "#ffffff") < 4.5
    assert contrast("#000", "#fff") == pytest.approx(21)
    page = "<style>:root{--x:#d55e00}.a{color:var(--x)}</style><p style='color:#777'>"
    assert {c for _, c, _ in text_colours(page)} == {"#d55e00", "#777"}


# --------------------------------------------------------------------------- landmarks


class Landmarks(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.mains: list[list[str]] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "main":
            self.mains.append(list(self.stack))
        if tag not in ("br", "meta", "link", "img", "input", "hr", "col", "source", "wbr"):
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass


def assert_one_main(page: str, name: str) -> None:
    parser = Landmarks()
    parser.feed(page)
    assert len(parser.mains) == 1, f"{name}: {len(parser.mains)} <main>"
    assert parser.mains[0] == ["html", "body"] or parser.mains[0][-1] == "body", (
        name, parser.mains[0])
    assert page.index("<main") < page.index("</main>")


@pytest.mark.parametrize(
    "template", [t for t in TEMPLATES if "<html" in t.read_text("utf-8")], ids=lambda p: p.name
)
def test_every_full_html_template_has_one_main_landmark(template: Path) -> None:
    assert_one_main(template.read_text("utf-8"), template.name)


def test_rendered_documents_have_a_main_landmark() -> None:
    from wijklib.agenda import export as ex
    from wijklib.agenda import state as ag
    from wijklib.vertellen import survey

    buurten = pd.DataFrame({"code": ["BU03440111"], "naam": ["Kerkbuurt"]})
    pages = {
        "vragenformulier": survey.printable_html(survey.vragenlijst(), buurten),
        "buurtagenda": ex.to_html(ag.Agenda(gemeente="Utrecht")),
    }
    for name, page in pages.items():
        assert_one_main(page, name)
        for where, colour, background in text_colours(page):
            assert contrast(colour, background) >= 4.5, (name, where, colour)


def test_map_pages_are_dutch_zoomable_and_have_a_main_landmark(tmp_path: Path) -> None:
    import folium

    from wijklib.notebook import offline

    m = folium.Map(tiles=None)
    folium.Marker([52.09, 5.12], tooltip="Buurthuis").add_to(m)
    for page in (offline.map_html(m, mode="cdn"),
                 offline.save_map(m, tmp_path / "kaart.html", mode="cdn").read_text("utf-8")):
        assert page.lstrip().startswith("<!DOCTYPE html>\n<html lang=\"nl\">")
        assert_one_main(page, "kaartpagina")
        assert "<title>Kaart</title>" in page
        assert "user-scalable=no" not in page and "maximum-scale" not in page
        assert page.count('name="viewport"') == 1
        assert page.index("<main") < page.index(f'id="{m.get_name()}"') < page.index("</main>")
