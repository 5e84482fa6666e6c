"""Maps: honest classes and legend, missing values marked, escaped text, drawn in Chromium."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest

import wijklib
from wijklib.errors import InvalidChoiceError
from wijklib.notebook.offline import map_html, save_map
from wijklib.tellen import maps

INJECTED = "<img src=x onerror=alert(1)>"


@pytest.fixture
def utrecht(warm):
    return wijklib.gebieden("Utrecht"), wijklib.kerncijfers("Utrecht")


def test_classify_leaves_missing_out():
    values = pd.Series([1.0, 2.0, np.nan, 4.0, 8.0, 16.0])
    classes, bins = maps.classify(values, "quantiles", k=3)
    assert classes[2] == -1 and (classes[[0, 1, 3, 4, 5]] >= 0).all()
    assert len(bins) == 3 and bins[-1] == 16.0
    assert maps.classify(pd.Series([np.nan, np.nan]))[1] == []  # all missing: no classes
    assert maps.classify(pd.Series([5.0, 5.0]))[1] == [5.0]  # one distinct value: one class
    with pytest.raises(InvalidChoiceError, match="Kies uit"):
        maps.classify(values, "random")


def test_choropleth_marks_missing_and_escapes(utrecht):
    areas, figures = utrecht
    figures = figures.copy()
    figures.loc[0, "woz_waarde"] = np.nan
    areas = areas.copy()
    areas.loc[areas["code"] == figures.loc[1, "code"], "naam"] = INJECTED
    m = maps.choropleth(areas, figures, "woz_waarde", focus="BU03440311", tiles=None)
    page = m.get_root().render()
    # folium writes "<" and "&" as \u003c and \u0026; the name arrives as escaped text
    assert INJECTED not in page and "\\u0026lt;img src=x onerror=alert(1)\\u0026gt;" in page
    assert "geen cijfer (ontbreekt of geheim): " in page
    assert "Gemiddelde WOZ-waarde van woningen (x 1 000 euro)" in page
    assert "Bron: CBS 2023" in page  # the year of this figure, not of the table
    assert maps.MISSING_COLOUR in page


def test_map_is_smaller_than_explore(utrecht):
    areas, figures = utrecht
    ours = maps.geojson_size(maps.choropleth(areas, figures, "inwoners", tiles=None))
    explore = areas.merge(figures[["code", "inwoners"]], on="code").explore(column="inwoners")
    assert ours < maps.geojson_size(explore)


def test_small_multiples(utrecht):
    areas, figures = utrecht
    fig = maps.small_multiples(areas, figures, ["inwoners", "woz_waarde", "elektriciteit"])
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert any("2023" in t for t in titles) and any("2024" in t for t in titles)
    with pytest.raises(InvalidChoiceError):
        maps.small_multiples(areas, figures, [])


@pytest.mark.browser
def test_map_in_chromium(utrecht, map_assets, tmp_path):
    from browser import ARTIFACTS_DIR, browse

    areas, figures = utrecht
    areas = areas.copy()
    areas.loc[0, "naam"] = INJECTED
    m = maps.choropleth(areas, figures, "woz_waarde", focus="BU03440311")
    path = save_map(m, tmp_path / "kaart.html", assets=map_assets)
    with browse(path) as page:
        drawn = page.evaluate("document.querySelectorAll('path.leaflet-interactive').length")
        assert drawn == len(areas)
        page.hover("path.leaflet-interactive")
        tooltip = page.evaluate(
            "Array.from(document.querySelectorAll('.leaflet-tooltip')).map(t => t.innerText)"
        )
        legend = page.evaluate("document.querySelector('.wijklib-legend').innerText")
        page.screenshot(ARTIFACTS_DIR / "kaart_woz_utrecht.png")
        report = page.report
    assert len(tooltip) == 1 and "Gemiddelde WOZ-waarde" in tooltip[0]
    assert INJECTED in tooltip[0]  # the first path is the first area: its name shows as text
    assert "WOZ" in legend
    assert report.dialogs == [] and report.page_errors == []


def test_svg_map_draws_every_area_and_marks_missing(utrecht):
    areas, figures = utrecht
    figures = figures.copy()
    figures.loc[figures.index[:3], "woz_waarde"] = np.nan
    areas = areas.copy()
    areas.loc[areas.index[5], "naam"] = INJECTED
    svg = maps.svg_map(areas, figures, "woz_waarde", focus="BU03440311")
    assert svg.count('<path class="gebied"') == len(areas)
    missing = int(areas["code"].isin(figures.loc[figures["woz_waarde"].isna(), "code"]).sum())
    assert svg.count('fill="url(#wijklib-missing)"') == missing
    assert f"geen cijfer (ontbreekt of geheim): {missing}" in svg
    assert INJECTED not in svg and "&lt;img src=x onerror=alert(1)&gt;" in svg
    assert "<script" not in svg
    # the focus area is drawn last (its outline on top) with the focus colour
    assert svg.rindex('data-code="BU03440311"') > svg.rindex('data-code="BU03440111"')
    assert f'stroke="{maps.FOCUS_COLOUR}"' in svg


def test_svg_map_empty_and_all_missing(utrecht):
    areas, figures = utrecht
    assert "Geen gebieden" in maps.svg_map(areas.iloc[:0], figures, "inwoners")
    blank = figures.assign(inwoners=np.nan)
    svg = maps.svg_map(areas, blank, "inwoners")
    assert svg.count('fill="url(#wijklib-missing)"') == len(areas)


def test_rates_on_few_cases_carry_their_margin_on_the_map(utrecht):
    areas, figures = utrecht
    small = figures[(figures["bijstand"] < 100) & figures["bijstand_per_1000"].notna()]
    large = figures[figures["bijstand"] >= 100]
    assert len(small) and len(large)
    svg = maps.svg_map(areas, figures, "bijstand_per_1000")
    titles = dict(zip(re.findall(r'data-code="([^"]+)"', svg),
                      re.findall(r"<title>(.*?)</title>", svg, flags=re.S), strict=True))
    code = small["code"].iloc[0]
    assert "95%-marge" in titles[code] and "klein aantal, dus onzeker" in titles[code]
    assert "95%-marge" not in titles[large["code"].iloc[0]]
    html = maps.choropleth(areas, figures, "bijstand_per_1000").get_root().render()
    assert "95%-marge" in html


# --- lean, correct maps (issue #13) -----------------------------------------------------

CLASS_DATA = {
    "spread": [3.0, 17.5, 4.25, 88.0, 12.0, 12.0, 41.0, 0.5, 7.0, 23.0, 23.0, 60.0, 5.5],
    "ties": [1.0, 1.0, 1.0, 1.0, 2.0, 2.0, 9.0, 9.0, 9.0, 30.0],
    "negative": [-12.5, -3.0, 0.0, 0.0, 4.0, 8.5, 15.0, -7.25, 2.0],
    "two": [10.0, 20.0],
}


@pytest.mark.parametrize("name", sorted(CLASS_DATA))
@pytest.mark.parametrize("k", [2, 3, 5, 7])
@pytest.mark.parametrize(("scheme", "mc_name"),
                         [("quantiles", "Quantiles"), ("equal_interval", "EqualInterval")])
def test_numpy_classes_are_those_of_mapclassify(name, k, scheme, mc_name):
    mapclassify = pytest.importorskip("mapclassify")
    values = np.array(CLASS_DATA[name])
    classes, bins = maps.classify(pd.Series(values), scheme, k=k)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # mapclassify warns when ties merge quantiles
        expected = getattr(mapclassify, mc_name)(values, k=min(k, len(np.unique(values))))
    np.testing.assert_allclose(bins, expected.bins, rtol=1e-12, atol=0)
    assert classes.tolist() == expected.yb.tolist()


def test_natural_breaks_still_come_from_mapclassify():
    pytest.importorskip("mapclassify")
    classes, bins = maps.classify(pd.Series(CLASS_DATA["spread"]), "natural_breaks", k=3)
    assert len(bins) == 3 and bins[-1] == 88.0 and set(classes.tolist()) == {0, 1, 2}


QUANTILE_MAP_IN_FRESH_PYTHON = """
import sys
import geopandas as gpd
import pandas as pd
from shapely.geometry import box
from wijklib.guarantees import provenance
from wijklib.notebook.offline import map_html
from wijklib.tellen import maps

areas = gpd.GeoDataFrame({"code": ["B1", "B2", "B3"], "naam": ["Een", "Twee", "Drie"]},
                         geometry=[box(5.0 + i / 100, 52.0, 5.01 + i / 100, 52.01)
                                   for i in range(3)], crs="EPSG:4326")
figures = pd.DataFrame({"code": ["B1", "B2", "B3"], "inwoners": [100.0, 250.0, 900.0]})
provenance.stamp(figures, {}, year=2024, table="85984NED", source="CBS")
map_html(maps.choropleth(areas, figures, "inwoners", tiles=None), mode="cdn")
print(sorted(m for m in ("scipy", "mapclassify") if m in sys.modules))
"""


def test_quantile_map_needs_neither_scipy_nor_mapclassify(tmp_path):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", QUANTILE_MAP_IN_FRESH_PYTHON],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def page_links(page: str) -> list[str]:
    return re.findall(r"""<(?:script|link)\b[^>]*\b(?:src|href)=["']?([^"'\s>]+)""", page)


def test_choropleth_page_loads_only_leaflet(utrecht):
    areas, figures = utrecht
    page = map_html(maps.choropleth(areas, figures, "woz_waarde"), mode="cdn")
    links = page_links(page)
    assert links and all("/leaflet@" in link for link in links), links
    assert {link.rsplit("/", 1)[-1] for link in links} == {"leaflet.js", "leaflet.css"}
    for unused in ("jquery", "bootstrap", "awesome", "fontawesome", "glyphicons"):
        assert unused not in page.lower()


def test_choropleth_metric_scale_and_attribution_in_page(utrecht):
    areas, figures = utrecht
    page = maps.choropleth(areas, figures, "woz_waarde", tiles=None).get_root().render()
    assert "imperial" in page and "L.control.scale()" not in page
    assert "CBS / Kadaster (PDOK) 2024" in page
    assert "OpenStreetMap" not in page  # no tiles: no tile credit


#: A 1x1 PNG as a "tile server": every tile is this image, so tiles really draw offline.
TILE_PNG = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8"
    "/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg=="
)
BOXES_JS = """() => {
  const box = s => { const e = document.querySelector(s); if (!e) return null;
    const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  return {map: box('.folium-map'), legend: box('.wijklib-legend'),
          scale: box('.leaflet-control-scale'),
          scaleText: document.querySelector('.leaflet-control-scale').innerText,
          credit: document.querySelector('.leaflet-control-attribution').innerText};
}"""
CENTRE_JS = """() => { const r = document.querySelector('.folium-map').getBoundingClientRect();
  const e = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
  return e ? e.getAttribute('class') || e.tagName : null; }"""


def area(box):
    return max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1])


def overlap(a, b):
    return area([max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])])


def map_boxes(path, width=1200, height=800, wait_ms=500):
    """Boxes of map, legend and scale, the scale's text and the credits, in Chromium."""
    from browser import browse

    with browse(path, width=width, height=height, wait_ms=wait_ms) as page:
        boxes = page.page.evaluate(BOXES_JS)
        boxes["centre"] = page.page.evaluate(CENTRE_JS)
        report = page.report
    assert report.page_errors == [] and report.console_errors == []
    return boxes


@pytest.mark.browser
@pytest.mark.parametrize(("width", "height"), [(1200, 800), (760, 456)])
def test_map_scale_is_metric_visible_and_legend_leaves_the_map(
    utrecht, map_assets, tmp_path, width, height
):
    areas, figures = utrecht
    m = maps.choropleth(areas, figures, "woz_waarde", tiles=None)
    boxes = map_boxes(save_map(m, tmp_path / "kaart.html", assets=map_assets), width, height)
    assert re.search(r"\d+ (km|m)\b", boxes["scaleText"]) and "mi" not in boxes["scaleText"]
    assert "ft" not in boxes["scaleText"]
    assert overlap(boxes["scale"], boxes["legend"]) == 0
    assert area(boxes["legend"]) < 0.25 * area(boxes["map"])
    assert "leaflet-interactive" in boxes["centre"]  # an area, not the legend


@pytest.mark.browser
def test_map_credits_match_what_is_drawn(utrecht, map_assets, tmp_path):
    import folium

    areas, figures = utrecht
    # OpenStreetMap tiles cannot load here (offline): no OpenStreetMap credit
    blocked = map_boxes(save_map(maps.choropleth(areas, figures, "woz_waarde"),
                                 tmp_path / "osm.html", assets=map_assets), wait_ms=1500)
    assert "OpenStreetMap" not in blocked["credit"]
    assert "CBS / Kadaster (PDOK) 2024" in blocked["credit"]
    assert "CBS 2023" in blocked["credit"]  # the figures' source and year
    # tiles that do draw bring their own credit
    tiles = folium.TileLayer(TILE_PNG, attr="Testtegels van de proef")
    drawn = map_boxes(save_map(maps.choropleth(areas, figures, "woz_waarde", tiles=tiles),
                               tmp_path / "tegels.html", assets=map_assets), wait_ms=1000)
    assert "Testtegels van de proef" in drawn["credit"]
    assert "CBS / Kadaster (PDOK) 2024" in drawn["credit"]


# ------------------------------------------- a map figure that has figures in this year


FIGURES_2017 = pd.DataFrame({
    "code": ["BU1", "BU2"],
    "inwoners": [100.0, 200.0],
    "bevolkingsdichtheid": [5000.0, 7000.0],
    "pct_koopwoningen": [np.nan, np.nan],
})
FIGURES_2017.attrs["indicators"] = {"bevolkingsdichtheid": {"year": 2017},
                                    "pct_koopwoningen": {"year": 2017}}
PREFERRED = ["pct_koopwoningen", "bijstand_per_1000", "bevolkingsdichtheid"]


def test_map_indicator_keeps_a_good_choice_and_says_nothing():
    assert maps.map_indicator("bevolkingsdichtheid", FIGURES_2017, PREFERRED) == (
        "bevolkingsdichtheid", "")


@pytest.mark.parametrize("chosen", [..., None, "pct_koopwoningen", "inwoners", "woz_waard"])
def test_map_indicator_falls_back_to_the_first_with_figures_and_says_why(chosen):
    name, note = maps.map_indicator(chosen, FIGURES_2017, PREFERRED)
    assert name == "bevolkingsdichtheid"
    assert "Bevolkingsdichtheid" in note or "bevolkingsdichtheid" in note
    if chosen == "pct_koopwoningen":  # the participant's choice had no figures in 2017
        assert "geen cijfers" in note and "2017" in note
    if chosen == "inwoners":
        assert "aantal" in note
    if chosen == "woz_waard":
        assert "woz_waarde" in note  # the closest name, as the catalogue says it


def test_map_indicator_without_any_figure_says_what_to_do():
    empty = FIGURES_2017.assign(bevolkingsdichtheid=np.nan)
    with pytest.raises(InvalidChoiceError, match="Kies een ander jaar|ander gebied"):
        maps.map_indicator(..., empty, PREFERRED)


def test_map_indicator_on_the_real_table_keeps_koopwoningen(utrecht):
    _, figures = utrecht
    assert maps.map_indicator(..., figures, PREFERRED)[0] == "pct_koopwoningen"


def test_map_indicator_falls_back_in_catalogue_order_without_a_list():
    assert maps.map_indicator("pct_koopwoningen", FIGURES_2017)[0] == "bevolkingsdichtheid"


def test_map_indicator_names_no_year_from_a_summed_year_column():
    """After a groupby(...).sum() the year column holds 12102, not a year: the owner of
    provenance refuses it, so the note names no year rather than a made-up one."""
    summed = FIGURES_2017.assign(jaar=[12102, 12102])
    summed.attrs = {}
    name, note = maps.map_indicator("pct_koopwoningen", summed, PREFERRED)
    assert name == "bevolkingsdichtheid" and "geen cijfers" in note
    assert "12102" not in note and " in " not in note.split(". ")[0]
    table_year = FIGURES_2017.assign(jaar=[2017, 2017])  # the table's year, no attrs
    table_year.attrs = {}
    assert "geen cijfers in 2017" in maps.map_indicator("pct_koopwoningen", table_year)[1]
