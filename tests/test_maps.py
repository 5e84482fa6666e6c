"""Maps: honest classes and legend, missing values marked, escaped text, drawn in Chromium."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import wijklib
from wijklib.errors import InvalidChoiceError
from wijklib.notebook.offline import save_map
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
