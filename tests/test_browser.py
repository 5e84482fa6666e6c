"""Browser tests: localized folium maps really work offline in Chromium.

Every page is opened with all requests to other hosts blocked (see
tests/browser.py), so these tests behave the same with or without internet.
The map assets are installed from npm once per session into a temp folder.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import folium
import folium.plugins
import geopandas as gpd
import pytest
from browser import ARTIFACTS_DIR, Chromium, PageReport, find_chromium, is_local_url, open_page
from shapely.geometry import box

from tools.install_assets import install_assets
from wijklib.notebook.offline import save_map, show

WIJKEN = ["Noord", "Oost", "Zuid"]
CDN_HOSTS = (
    "cdn.jsdelivr.net",
    "code.jquery.com",
    "netdna.bootstrapcdn.com",
    "cdnjs.cloudflare.com",
)
PATHS_JS = "document.querySelectorAll('path.leaflet-interactive').length"


@pytest.fixture(scope="session")
def assets_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Install the assets once per session (shared with test_assets.py)."""
    return install_assets(tmp_path_factory.getbasetemp() / "wijklib-assets")


@pytest.fixture(scope="session")
def chromium() -> Iterator[Chromium]:
    """One headless Chromium for the whole session."""
    with Chromium() as browser:
        yield browser


def wijken() -> gpd.GeoDataFrame:
    """Three neighbouring, non-overlapping squares in Utrecht."""
    squares = [box(5.100 + 0.012 * i, 52.080, 5.110 + 0.012 * i, 52.090) for i in range(3)]
    return gpd.GeoDataFrame(
        {"naam": WIJKEN, "inwoners": [1200, 3400, 560]}, geometry=squares, crs="EPSG:4326"
    )


def polygon_map(tiles: str | None = None) -> folium.Map:
    """A map with one GeoJson layer of polygons and a tooltip."""
    gdf = wijken()
    m = folium.Map(tiles=tiles)
    folium.GeoJson(
        gdf,
        name="wijken",
        tooltip=folium.GeoJsonTooltip(fields=["naam", "inwoners"], aliases=["Wijk", "Inwoners"]),
    ).add_to(m)
    minx, miny, maxx, maxy = gdf.total_bounds
    m.fit_bounds([[miny, minx], [maxy, maxx]])
    return m


def cdn_links(page: str) -> list[str]:
    links = re.findall(r"""<(?:script|link)\b[^>]*\b(?:src|href)=["']?([^"'\s>]+)""", page)
    return [u for u in links if any(host in u for host in CDN_HOSTS)]


def assert_no_problems(report: PageReport) -> None:
    assert report.page_errors == []
    assert report.console_errors == []
    assert report.dialogs == []
    assert report.failed_local == []


# --- maps ---------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("tiles", [None, "OpenStreetMap"], ids=["zonder-tegels", "osm"])
def test_localized_map_works_offline(
    tiles: str | None, assets_root: Path, chromium: Chromium, tmp_path: Path
) -> None:
    page = save_map(polygon_map(tiles), tmp_path / "kaart.html", assets=assets_root)
    assert cdn_links(page.read_text(encoding="utf-8")) == []
    shot = ARTIFACTS_DIR / f"kaart-offline-{tiles or 'zonder-tegels'}.png"
    with chromium.browse(page) as session:
        assert session.evaluate("typeof L") == "object"
        assert session.evaluate(PATHS_JS) == len(WIJKEN)
        session.hover("path.leaflet-interactive >> nth=1")
        tooltip = session.evaluate(
            "Array.from(document.querySelectorAll('.leaflet-tooltip'), e => e.innerText).join()"
        )
        assert "Oost" in tooltip and "3400" in tooltip
        session.screenshot(shot)
        report = session.report
    assert_no_problems(report)
    assert shot.is_file() and shot.stat().st_size > 1000
    if tiles is None:
        assert report.failed_remote == []
    else:  # tiles are online-only: blocked, recorded apart, and nothing else
        assert report.failed_remote
        assert all("tile.openstreetmap.org" in r for r in report.failed_remote)


@pytest.mark.browser
def test_cdn_only_map_fails_offline(chromium: Chromium, tmp_path: Path) -> None:
    """Without localize the map is empty offline: proves the checks can fail."""
    m = polygon_map()
    page = tmp_path / "cdn.html"
    m.save(str(page))
    with chromium.browse(page) as session:
        assert session.evaluate("typeof L") == "undefined"
        assert session.evaluate(PATHS_JS) == 0
        report = session.report
    assert any("L is not defined" in e for e in report.page_errors)
    assert any("cdn.jsdelivr.net" in r for r in report.failed_remote)


@pytest.mark.browser
def test_icons_and_fonts_work_offline(
    assets_root: Path, chromium: Chromium, tmp_path: Path
) -> None:
    m = folium.Map(location=[52.09, 5.12], zoom_start=15, tiles=None)
    folium.Marker([52.090, 5.120], tooltip="standaard").add_to(m)
    folium.Marker([52.091, 5.118], icon=folium.Icon(icon="info-sign")).add_to(m)
    folium.Marker([52.091, 5.122], icon=folium.Icon(prefix="fa", icon="house", angle=30)).add_to(m)
    page = save_map(m, tmp_path / "iconen.html", assets=assets_root)
    with chromium.browse(page) as session:
        default_icons = session.evaluate(
            "Array.from(document.querySelectorAll('img.leaflet-marker-icon'),"
            " i => [i.src.slice(0, 15), i.naturalWidth])"
        )
        backgrounds = session.evaluate(
            "Array.from(document.querySelectorAll('.awesome-marker'),"
            " e => getComputedStyle(e).backgroundImage.slice(0, 20))"
        )
        fa_ok = session.evaluate("document.fonts.check('900 14px \"Font Awesome 6 Free\"')")
        glyph_ok = session.evaluate("document.fonts.check('14px \"Glyphicons Halflings\"')")
        glyph_font = session.evaluate(
            "getComputedStyle(document.querySelector('.glyphicon'), '::before').fontFamily"
        )
        rotated = session.evaluate(
            "getComputedStyle(document.querySelector('.fa-rotate-30')).transform"
        )
        session.screenshot(ARTIFACTS_DIR / "kaart-iconen.png")
        report = session.report
    assert_no_problems(report)
    assert default_icons == [["data:image/png;", 25]]
    assert len(backgrounds) >= 2  # the markers (and their shadows)
    assert all(b.startswith('url("data:image/png') for b in backgrounds)
    assert fa_ok and glyph_ok
    assert "Glyphicons Halflings" in glyph_font
    assert rotated not in ("none", "")


@pytest.mark.browser
def test_draw_plugin_works_offline(assets_root: Path, chromium: Chromium, tmp_path: Path) -> None:
    m = polygon_map()
    folium.plugins.Draw(export=True).add_to(m)
    page = save_map(m, tmp_path / "tekenen.html", assets=assets_root)
    assert cdn_links(page.read_text(encoding="utf-8")) == []
    with chromium.browse(page) as session:
        assert session.evaluate("typeof L.Control.Draw") == "function"
        sprite = session.evaluate(
            "getComputedStyle(document.querySelector('.leaflet-draw-draw-marker')).backgroundImage"
        )
        assert 'url("data:image/svg+xml' in sprite
        # draw a marker: pick the tool, click on the map
        session.page.click(".leaflet-draw-draw-marker")
        session.page.mouse.click(900, 650)
        session.wait(300)
        drawn = session.evaluate(
            "Array.from(document.querySelectorAll('img.leaflet-marker-icon'), i => i.naturalWidth)"
        )
        session.screenshot(ARTIFACTS_DIR / "kaart-tekenen.png")
        report = session.report
    assert_no_problems(report)
    assert drawn == [25]
    assert report.failed_remote == []


# --- notebook display ---------------------------------------------------------


def notebook_page(body: str, path: Path) -> Path:
    """Write an HTML page that holds one notebook output cell."""
    path.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Notebook</title></head>"
        f"<body><h1>Uitvoer van een cel</h1><div class='output'>{body}</div></body></html>",
        encoding="utf-8",
    )
    return path


@pytest.mark.browser
def test_notebook_display_works_offline(
    assets_root: Path, chromium: Chromium, tmp_path: Path
) -> None:
    m = polygon_map("OpenStreetMap")
    page = notebook_page(show(m, assets=assets_root)._repr_html_(), tmp_path / "nb.html")
    with chromium.browse(page) as session:
        assert session.report.title == "Notebook"
        kinds = session.evaluate_all_frames("typeof L")
        assert kinds[0] == "undefined" and "object" in kinds[1:]
        frame = session.frame_with("path.leaflet-interactive")
        assert frame is not None and frame != session.page.main_frame
        assert frame.evaluate(PATHS_JS) == len(WIJKEN)
        session.hover("path.leaflet-interactive >> nth=0")
        assert "Noord" in frame.evaluate(
            "Array.from(document.querySelectorAll('.leaflet-tooltip'), e => e.innerText).join()"
        )
        session.screenshot(ARTIFACTS_DIR / "notebook-kaart.png")
        report = session.report
    assert_no_problems(report)
    assert all("tile.openstreetmap.org" in r for r in report.failed_remote)


@pytest.mark.browser
def test_notebook_display_without_localize_fails_offline(
    chromium: Chromium, tmp_path: Path
) -> None:
    page = notebook_page(polygon_map()._repr_html_(), tmp_path / "nb-cdn.html")
    with chromium.browse(page) as session:
        assert "object" not in session.evaluate_all_frames("typeof L")
        report = session.report
    assert any("L is not defined" in e for e in report.page_errors)


@pytest.mark.browser
@pytest.mark.notebook
def test_executed_notebook_shows_map_offline(
    assets_root: Path, chromium: Chromium, tmp_path: Path
) -> None:
    """Run a real notebook, export it to HTML and open that in Chromium."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nbconvert = pytest.importorskip("nbconvert")
    features = wijken().to_json()  # GeoJSON text, so the kernel needs no geopandas
    source = f"""
import json
import folium
from wijklib.notebook.offline import show
m = folium.Map(tiles=None)
folium.GeoJson(json.loads({features!r}), tooltip=folium.GeoJsonTooltip(fields=["naam"])).add_to(m)
m.fit_bounds([[52.080, 5.100], [52.090, 5.134]])
show(m, assets={str(assets_root)!r})
"""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    outputs = nb.cells[0].outputs
    assert outputs and "text/html" in outputs[0]["data"]
    body, _ = nbconvert.HTMLExporter(template_name="classic").from_notebook_node(nb)
    page = tmp_path / "notebook.html"
    page.write_text(body, encoding="utf-8")
    with chromium.browse(page, wait_ms=800) as session:
        frame = session.frame_with("path.leaflet-interactive")
        assert frame is not None
        assert frame.evaluate(PATHS_JS) == len(WIJKEN)
        session.screenshot(ARTIFACTS_DIR / "notebook-uitgevoerd.png")
        report = session.report
    assert report.page_errors == []
    assert report.dialogs == []
    assert report.failed_local == []


# --- the helper itself --------------------------------------------------------


@pytest.mark.browser
def test_injected_script_is_detected(chromium: Chromium, tmp_path: Path) -> None:
    page = tmp_path / "xss.html"
    page.write_text(
        "<!DOCTYPE html><title>xss</title><p>Naam: <img src=x onerror=alert(1)></p>",
        encoding="utf-8",
    )
    report = chromium.open_page(page, screenshot=tmp_path / "xss.png")
    assert report.dialogs == ["alert: 1"]
    assert report.title == "xss"
    assert any(f.startswith(page.with_name("x").as_uri()) for f in report.failed_local)
    with pytest.raises(AssertionError, match="dialoogvenster: alert: 1"):
        report.assert_clean()


@pytest.mark.browser
def test_open_page_saves_screenshot_in_artifacts(tmp_path: Path) -> None:
    page = tmp_path / "leeg-voorbeeld.html"
    page.write_text("<!DOCTYPE html><title>Leeg</title><p>Hallo</p>", encoding="utf-8")
    report = open_page(page)  # starts and stops its own browser
    assert report.title == "Leeg"
    assert report.screenshot is not None and report.screenshot.parent == ARTIFACTS_DIR
    assert report.screenshot.is_file()
    report.assert_clean()


def test_missing_chromium_gives_dutch_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    with pytest.raises(RuntimeError, match="apt-get install -y chromium"):
        find_chromium()
    with pytest.raises(RuntimeError, match="Chromium is niet gevonden"):
        Chromium()


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("file:///tmp/kaart.html", True),
        ("data:image/png;base64,AAAA", True),
        ("http://localhost:8888/tree", True),
        ("http://127.0.0.1:8000/x.js", True),
        ("http://[::1]/x.js", True),
        ("https://tile.openstreetmap.org/1/1/1.png", False),
        ("https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js", False),
    ],
)
def test_is_local_url(url: str, local: bool) -> None:
    assert is_local_url(url) is local
