"""Maps: an interactive choropleth (folium) and static small multiples (matplotlib).

Design choices, so that a map tells the truth:

* classes by quantiles (default) or equal intervals (numpy, no scipy), natural breaks
  from :mod:`mapclassify`; a legend shows the class limits, the unit and the year;
* areas without a figure (missing or secret) are drawn grey with a dashed outline and get
  their own legend entry: never a colour of the scale;
* colour-blind-safe palettes only (cividis, viridis, ColorBrewer YlGnBu/PuBu);
* every text that reaches HTML (names, labels, values) is escaped: folium inserts tooltip
  fields as raw HTML;
* tiles that need no key (OpenStreetMap) or none at all; the map stays readable
  without tiles;
* geometry rounded to about 1 m and lightly simplified, and a page that loads Leaflet
  only (:class:`LeafletMap`), so the page stays small (offline about 0.2 × ``explore()``);
* a metric scale bar clear of the legend, a legend that folds and covers at most a quarter
  of the map, and credits for what is drawn: the geometry and the figures always, tiles
  only once they load (:func:`lean_map`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from folium.template import Template

from wijklib.data import catalog
from wijklib.errors import InvalidChoiceError
from wijklib.guarantees import provenance
from wijklib.guarantees.rendering import escape, raw_html_element, render
from wijklib.tellen.compare import format_number
from wijklib.tellen.pitfalls import rate_margins

PALETTES = ("cividis", "viridis", "YlGnBu", "PuBu")
SCHEMES = {
    "quantiles": "Quantiles",
    "natural_breaks": "NaturalBreaks",
    "equal_interval": "EqualInterval",
}
MISSING_COLOUR = "#d9d9d9"
FOCUS_COLOUR = "#d55e00"
#: Coordinates are rounded to this grid (degrees; about 1 m) and lines simplified by 2 m.
GRID = 1e-5
SIMPLIFY = 2e-5


class LeafletMap(folium.Map):
    """A folium map whose page loads Leaflet only.

    ``folium.Map`` loads jQuery, Bootstrap, Font Awesome, the Bootstrap 3 glyphicons and
    Leaflet.awesome-markers on every page (about 1.2 MB once embedded for offline use).
    wijklib's maps use none of them: GeoJSON layers, tooltips, ``GeoJsonPopup``,
    ``DivIcon`` markers, the layer control and Leaflet.draw need Leaflet alone (a plugin
    still adds its own files). Not supported here: ``folium.Popup`` with HTML (jQuery),
    ``folium.Icon`` (awesome-markers) and ``keep_in_front`` (jQuery).

    The page frame is folium's (branca's ``Figure``), so a ``<main>`` wrapper or a
    ``lang`` attribute can be added there as for any folium map.
    """

    default_js = [pair for pair in folium.Map.default_js if pair[0] == "leaflet"]
    default_css = [pair for pair in folium.Map.default_css if pair[0] == "leaflet_css"]


class MapFrame(MacroElement):
    """Scale bar and credits of a map, after the map and its layers (see :func:`lean_map`).

    Parameters
    ----------
    code : str
        The JavaScript from ``wijklib/templates/kaart-kader.js.j2``.
    """

    _template = Template("{% macro script(this, kwargs) %}{{ this.code }}{% endmacro %}")

    def __init__(self, code: str) -> None:
        super().__init__()
        self._name = "MapFrame"
        self.code = code


def lean_map(
    tiles: str | folium.TileLayer | None,
    credit: str,
    *,
    scale_position: str = "bottomright",
    **options: Any,
) -> LeafletMap:
    """A Leaflet-only map with a metric scale bar and credits that match what is drawn.

    Parameters
    ----------
    tiles : str, folium.TileLayer or None
        Background tiles; None for none (the map works fully offline).
    credit : str
        Plain text for the credits: where the geometry and the figures come from
        (escaped here). A tile layer is credited once one of its tiles has loaded.
    scale_position : str
        Leaflet corner of the metric scale bar, away from the legend.
    **options
        More arguments for :class:`folium.Map`.

    Returns
    -------
    LeafletMap
    """
    m = LeafletMap(tiles=tiles, control_scale=False, **options)
    code = render("kaart-kader.js.j2", map=m.get_name(), scale_position=scale_position,
                  credit=escape(credit))
    MapFrame(code).add_to(m)
    return m


def map_credit(areas: gpd.GeoDataFrame, figures: str = "") -> str:
    """The credit line of a map: "Kaart: CBS / Kadaster (PDOK) <year>" and the figures' source.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Boundaries from :func:`wijklib.gebieden` (``attrs["year"]``: the geometry's year).
    figures : str
        Where the figures come from, e.g. ``"cijfers: CBS 2023"``.
    """
    year = areas.attrs.get("year") if isinstance(areas.attrs, dict) else None
    geometry = f"Kaart: CBS / Kadaster (PDOK) {year}" if year else "Kaart: CBS / Kadaster (PDOK)"
    return f"{geometry} · {figures}" if figures else geometry


def _short_source(info: dict[str, Any]) -> str:
    source = str(info.get("source") or "").strip()
    return "CBS" if not source or source.upper().startswith("CBS") else source


def _colours(palette: str, k: int) -> list[str]:
    import matplotlib as mpl
    from matplotlib.colors import to_hex

    if palette not in PALETTES:
        raise InvalidChoiceError(
            f"Het kleurenpalet '{palette}' ken ik niet. Kies uit: {', '.join(PALETTES)}."
        )
    cmap = mpl.colormaps[palette]
    if k == 1:
        return [to_hex(cmap(0.6))]
    return [to_hex(cmap(0.1 + 0.85 * i / (k - 1))) for i in range(k)]


def _quantile_bins(values: np.ndarray, k: int) -> np.ndarray:
    """Upper class limits of ``k`` quantile classes, as :class:`mapclassify.Quantiles`.

    The same percentiles (``arange`` in steps of 100/k, the last one capped at 100) and
    the same linear interpolation as ``scipy.stats.scoreatpercentile``; equal limits
    (ties) merge, so there may be fewer than ``k`` classes. Done with numpy because
    mapclassify imports scipy, which costs about a second in a notebook's map cell.
    """
    step = 100.0 / k
    percents = np.arange(step, 100 + step, step)
    percents[-1] = min(percents[-1], 100.0)
    return np.unique(np.percentile(values, percents))


def _equal_interval_bins(values: np.ndarray, k: int) -> np.ndarray:
    """Upper class limits of ``k`` classes of equal width, as :class:`mapclassify.EqualInterval`."""
    low, high = float(values.min()), float(values.max())
    width = (high - low) / k
    cuts = np.arange(low + width, high + width, width)[:k]
    cuts[-1] = high
    return cuts


def classify(values: pd.Series, scheme: str = "quantiles", k: int = 5) -> tuple[np.ndarray, list]:
    """Assign classes to the non-missing values.

    Quantiles and equal intervals are computed with numpy (the same limits and classes
    as mapclassify); natural breaks come from :mod:`mapclassify`, imported only then.

    Returns
    -------
    (classes, bins)
        ``classes`` has the class number per value (-1 for missing); ``bins`` the upper
        limits of the classes. A value belongs to the first class whose upper limit is at
        least the value.
    """
    if scheme not in SCHEMES:
        raise InvalidChoiceError(
            f"De indeling '{scheme}' ken ik niet. Kies uit: {', '.join(SCHEMES)}."
        )
    values = pd.to_numeric(values, errors="coerce").astype("float64")
    classes = np.full(len(values), -1, dtype=int)
    known = values.notna().to_numpy()
    distinct = np.unique(values[known])
    if len(distinct) == 0:
        return classes, []
    k = int(max(1, min(k, len(distinct))))
    if k == 1:
        classes[known] = 0
        return classes, [float(distinct[-1])]
    y = values[known].to_numpy()
    if scheme == "quantiles":
        bins = _quantile_bins(y, k)
    elif scheme == "equal_interval":
        bins = _equal_interval_bins(y, k)
    else:
        import mapclassify  # the rarer schemes only (it imports scipy)

        bins = np.asarray(getattr(mapclassify, SCHEMES[scheme])(y, k=k).bins, dtype="float64")
    classes[known] = np.minimum(np.searchsorted(bins, y, side="left"), len(bins) - 1)
    return classes, [float(b) for b in bins]


def _classed(
    data: pd.DataFrame, indicator: str, scheme: str, k: int, palette: str
) -> tuple[np.ndarray, list[float], list[str], float]:
    """Classes, class limits, colours and the lowest value of one indicator."""
    classes, bins = classify(data[indicator], scheme, k)
    colours = _colours(palette, max(1, len(bins)))
    known = data[indicator].notna()
    lower = float(np.nanmin(data[indicator].astype("float64"))) if known.any() else 0.0
    return classes, bins, colours, lower


def _legend_rows(bins: list[float], lower: float, colours: list[str], decimals: int | None):
    rows = []
    start = lower
    for colour, upper in zip(colours, bins, strict=False):
        text = f"{format_number(start, decimals)} – {format_number(upper, decimals)}"
        rows.append((colour, text))
        start = upper
    return rows


#: Legend box on a map: bottom left, at most 40 % of the map wide and 55 % high (scrolls
#: when longer), so it never covers more than a quarter of the map; it can be folded.
_FLOATING = (
    "position:absolute;bottom:24px;left:10px;z-index:9999;max-width:min(250px,40%);"
    "max-height:55%;overflow:auto;box-sizing:border-box;"
    "background:rgba(255,255,255,.93);padding:5px 8px;border-radius:4px;"
    "font:11px/1.3 sans-serif;box-shadow:0 1px 4px rgba(0,0,0,.3)"
)
_STATIC = "font:10px/1.25 sans-serif;padding:4px 0"


def legend_html(
    title: str,
    subtitle: str,
    rows: list[tuple[str, str]],
    missing: int,
    *,
    note: str = "",
    floating: bool = True,
) -> str:
    """The legend of a map as HTML (every text escaped).

    Parameters
    ----------
    title, subtitle : str
        Heading and a short line under it (unit, source, year).
    rows : list of (colour, text)
        One row per class.
    missing : int
        Areas without a figure (a grey row says how many), or 0.
    note : str
        A longer explanation, folded away under "Uitleg en bronnen".
    floating : bool
        True: a box in the map's lower left corner that can be folded; False: a block
        under a static map (for printing, nothing folded).
    """
    items = "".join(
        f'<div><span style="display:inline-block;width:14px;height:14px;background:{c};'
        f'border:1px solid #555;margin-right:6px;vertical-align:middle"></span>'
        f"{escape(t)}</div>"
        for c, t in rows
    )
    if missing:
        items += (
            f'<div><span style="display:inline-block;width:14px;height:14px;'
            f"background:{MISSING_COLOUR};border:1px dashed #333;margin-right:6px;"
            f'vertical-align:middle"></span>geen cijfer (ontbreekt of geheim): {missing}</div>'
        )
    heading = f"<strong>{escape(title)}</strong>"
    sub = f"<em>{escape(subtitle)}</em>" if subtitle else ""
    if not floating:
        extra = f"<div>{escape(note)}</div>" if note else ""
        return (f'<div class="wijklib-legend" style="{_STATIC}">'
                f"{heading}<br>{sub}{items}{extra}</div>")
    extra = (
        '<details class="wijklib-legend-note"><summary style="cursor:pointer">'
        f"Uitleg en bronnen</summary><small>{escape(note)}</small></details>" if note else ""
    )
    return (
        f'<div class="wijklib-legend" style="{_FLOATING}"><details open>'
        f'<summary style="cursor:pointer">{heading}</summary>{sub}{items}{extra}'
        "</details></div>"
    )


def _tip_lines(
    row: Any, indicator: str, ind: catalog.Indicator, year_text: str, decimals: int | None
) -> tuple[str, ...]:
    """Plain-text tooltip lines: name, "label: value unit", a margin for a rate on few
    cases, "year · code" (not escaped)."""
    value = getattr(row, indicator)
    shown = format_number(value, decimals)
    unit = "" if pd.isna(value) else f" {ind.eenheid}"
    margin = str(getattr(row, "marge", "") or "")
    lines = [str(row.naam), f"{ind.label}: {shown}{unit}"]
    if margin and not pd.isna(value):
        lines.append(f"{margin}: een klein aantal, dus onzeker")
    return (*lines, f"{year_text} · {row.code}")


def _figure_year(figures: pd.DataFrame, indicator: str) -> str:
    """The year(s) of a figure in words; a Dutch ProvenanceError when they are not known."""
    return provenance.years_text(provenance.require(figures, indicator))


def map_indicator(
    chosen: Any, figures: pd.DataFrame, preferred: Sequence[str] | None = None
) -> tuple[str, str]:
    """The figure to draw: the participant's choice if it can go on a map, else a fallback.

    Parameters
    ----------
    chosen : str, Ellipsis or None
        The participant's choice (``...`` or None: nothing chosen yet).
    figures : DataFrame
        :func:`wijklib.kerncijfers` of the areas on the map.
    preferred : list of str, optional
        Fallbacks in order (default the catalogue's order); the first with figures in
        ``figures`` that is not a count (:func:`wijklib.data.catalog.with_figures`) is
        drawn.

    Returns
    -------
    (str, str)
        The indicator and a Dutch note on why it is not the choice ("" when it is).

    Raises
    ------
    InvalidChoiceError
        When neither the choice nor any fallback has figures here.
    """
    if isinstance(chosen, str) and chosen in catalog.with_figures(figures):
        return chosen, ""
    fallback = catalog.with_figures(figures, preferred)
    if not fallback:
        raise InvalidChoiceError(
            "Voor deze gebieden heeft geen van deze cijfers een waarde: "
            f"{', '.join(preferred or ['de catalogus'])}. Kies een ander jaar of een ander "
            "gebied, of een cijfer uit wijklib.indicatoren() dat hier wel cijfers heeft.")
    name = fallback[0]
    drawn = f"De kaart laat '{catalog.get(name).label}' ({name}) zien."
    if chosen is Ellipsis or chosen is None:
        return name, f"Je koos nog geen cijfer. {drawn}"
    try:
        ind = catalog.get(str(chosen))
    except KeyError as err:
        return name, f"{err.args[0]} {drawn}"
    if ind.is_size:
        return name, (f"'{ind.label}' is een aantal; op een kaart worden grote gebieden "
                      f"dan vanzelf donker. {drawn}")
    return name, (f"Voor '{ind.label}' zijn er hier geen cijfers"
                  f"{_year_words(figures, ind.naam)}. {drawn}")


def _year_words(figures: pd.DataFrame, indicator: str) -> str:
    """" in 2017" for the year of a figure (or of the table), "" when it is not known."""
    try:  # the owner reads the year columns (and refuses a summed one) or the attrs
        years = sorted({int(y) for y in provenance.row_years(figures, indicator).dropna()})
        return f" in {provenance.years_text({'years': years})}"
    except provenance.ProvenanceError:
        return ""


def prepare(areas: gpd.GeoDataFrame, figures: pd.DataFrame, indicator: str) -> gpd.GeoDataFrame:
    """Join figures onto areas by ``code`` and lighten the geometry for the web."""
    if indicator not in figures.columns:
        catalog.get(indicator)  # raises with suggestions when the name is unknown
        raise InvalidChoiceError(f"De tabel heeft geen kolom '{indicator}'.")
    try:
        margins = rate_margins(figures, indicator)["tekst"]
    except KeyError:  # a column of its own (such as a gap between the rings): no count
        margins = pd.Series("", index=figures.index)
    figures = figures.assign(marge=margins)
    joined = areas[["code", "naam", "geometry"]].merge(
        figures[["code", indicator, "marge"]], on="code", how="left"
    )
    joined["marge"] = joined["marge"].fillna("")
    geometry = shapely.set_precision(
        joined.geometry.simplify(SIMPLIFY, preserve_topology=True).values, GRID
    )
    return gpd.GeoDataFrame(joined.drop(columns="geometry"), geometry=geometry, crs=areas.crs)


def choropleth(
    areas: gpd.GeoDataFrame,
    figures: pd.DataFrame,
    indicator: str,
    scheme: str = "quantiles",
    k: int = 5,
    palette: str = "cividis",
    focus: str | None = None,
    tiles: str | folium.TileLayer | None = "OpenStreetMap",
    decimals: int | None = None,
) -> folium.Map:
    """An interactive map of one indicator per area.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Boundaries from :func:`wijklib.gebieden`.
    figures : pandas.DataFrame
        Figures from :func:`wijklib.kerncijfers` (joined on ``code``).
    indicator : str or wijklib.data.catalog.Indicator
        Catalogue name, e.g. ``"woz_waarde"``; or an own ``Indicator`` (label and unit)
        for a column that is not in the catalogue (it needs its year and source, see
        :func:`wijklib.guarantees.provenance.stamp_column`).
    scheme : {"quantiles", "natural_breaks", "equal_interval"}
    k : int
        Number of classes (fewer when there are fewer distinct values).
    palette : str
        One of :data:`PALETTES` (all colour-blind safe).
    focus : str, optional
        Code of an area to outline.
    tiles : str, folium.TileLayer or None
        A keyless tile layer, or None for no background. The credits name the tiles
        once they load, and always the geometry (CBS / Kadaster via PDOK, with its year)
        and the figures (source and year).
    decimals : int, optional
        Decimals in legend and tooltip (default: depends on the size of the numbers).

    Returns
    -------
    folium.Map
        A :class:`LeafletMap` (its page loads Leaflet only). Show it with
        :func:`wijklib.notebook.offline.show` (works offline) or save it with
        :func:`wijklib.notebook.offline.save_map`.
    """
    if indicator is Ellipsis or indicator is None:
        raise InvalidChoiceError("Kies eerst een cijfer voor de kaart (bijvoorbeeld 'inwoners').")
    ind = indicator if isinstance(indicator, catalog.Indicator) else catalog.get(indicator)
    indicator = ind.naam
    data = prepare(areas, figures, indicator)
    classes, bins, colours, lower = _classed(data, indicator, scheme, k, palette)
    info = provenance.require(figures, indicator)
    year_text = provenance.years_text(info)
    source = f"Bron: {_short_source(info)} {year_text}; kaart CBS/Kadaster " \
             f"{areas.attrs.get('year', '')}".strip()
    features = []
    for row, cls in zip(data.itertuples(index=False), classes, strict=True):
        name, figure, *extra, small = _tip_lines(row, indicator, ind, year_text, decimals)
        tip = (
            f"<strong>{escape(name)}</strong><br>{escape(figure)}<br>"
            + "".join(f"<em>{escape(line)}</em><br>" for line in extra)
            + f"<small>{escape(small)}</small>"
        )
        features.append(
            {
                "type": "Feature",
                "geometry": shapely.geometry.mapping(row.geometry),
                "properties": {
                    "tip": tip,
                    "fill": MISSING_COLOUR if cls < 0 else colours[cls],
                    "missing": bool(cls < 0),
                    "focus": row.code == focus,
                },
            }
        )
    bounds = data.total_bounds
    credit = map_credit(areas, f"cijfers: {_short_source(info)} {year_text}")
    m = lean_map(tiles, credit, prefer_canvas=False, zoom_control=True)
    if len(data):
        m.fit_bounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]])

    def style(feature: dict[str, Any]) -> dict[str, Any]:
        p = feature["properties"]
        return {
            "fillColor": p["fill"],
            "fillOpacity": 0.75,
            "color": FOCUS_COLOUR if p["focus"] else "#444444",
            "weight": 3 if p["focus"] else (1 if not p["missing"] else 1.2),
            "dashArray": "4 3" if p["missing"] else None,
        }

    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=escape(ind.label),
        style_function=style,
        highlight_function=lambda _: {"weight": 3, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True),
        smooth_factor=1.0,
    ).add_to(m)
    rows = _legend_rows(bins, lower, colours, decimals)
    legend = legend_html(f"{ind.label} ({ind.eenheid})", source, rows, int((classes < 0).sum()))
    m.get_root().html.add_child(raw_html_element(legend))
    return m


def small_multiples(
    areas: gpd.GeoDataFrame,
    figures: pd.DataFrame,
    indicators: list[str],
    ncols: int = 3,
    k: int = 5,
    palette: str = "cividis",
):
    """A static figure with one small map per indicator, for printing.

    Missing figures are hatched grey; each panel says unit and year.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    if not indicators:
        raise InvalidChoiceError("Kies minstens één cijfer voor de kaartjes.")
    n = len(indicators)
    ncols = max(1, min(ncols, n))
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 4.2 * nrows), squeeze=False)
    for ax in axes.flat[n:]:
        ax.set_axis_off()
    for ax, indicator in zip(axes.flat, indicators, strict=False):
        ind = catalog.get(indicator)
        data = prepare(areas, figures, indicator)
        classes, bins, colours, lower = _classed(data, indicator, "quantiles", k, palette)
        fills = [MISSING_COLOUR if c < 0 else colours[c] for c in classes]
        data.plot(ax=ax, color=fills, edgecolor="#555555", linewidth=0.3)
        missing = data[classes < 0]
        if len(missing):
            missing.plot(ax=ax, facecolor="none", edgecolor="#555555", hatch="///", linewidth=0.3)
        year = _figure_year(figures, indicator)
        ax.set_title(f"{ind.label}\n({ind.eenheid}, {year})", fontsize=9)
        ax.set_axis_off()
        handles = [Patch(facecolor=c, edgecolor="#555555", label=t)
                   for c, t in _legend_rows(bins, lower, colours, None)]
        if len(missing):
            handles.append(Patch(facecolor=MISSING_COLOUR, hatch="///", label="geen cijfer"))
        ax.legend(handles=handles, fontsize=6, loc="lower left", frameon=False)
    fig.text(0.01, 0.005, "Bron: CBS Kerncijfers wijken en buurten; kaart CBS/Kadaster",
             fontsize=7, color="#555555")
    fig.tight_layout()
    return fig


def _svg_path(geom: Any, x0: float, y1: float, scale: float) -> str:
    """SVG path data of a (multi)polygon in projected metres; y axis flipped."""
    parts = []
    polygons = getattr(geom, "geoms", [geom])
    for poly in polygons:
        if poly.is_empty or poly.geom_type != "Polygon":
            continue
        for ring in [poly.exterior, *poly.interiors]:
            xy = np.asarray(ring.coords)[:, :2]
            px = (xy[:, 0] - x0) * scale
            py = (y1 - xy[:, 1]) * scale
            pts = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(px, py, strict=True))
            parts.append(f"M{pts}Z")
    return "".join(parts)


def svg_map(
    areas: gpd.GeoDataFrame,
    figures: pd.DataFrame,
    indicator: str,
    focus: str | None = None,
    k: int = 5,
    palette: str = "cividis",
    width: int = 640,
    decimals: int | None = None,
) -> str:
    """A static map as inline SVG, for pages that must print well (no scripts, no tiles).

    Same honest rules as :func:`choropleth`: classes from :func:`classify`, missing
    figures hatched grey with their own legend entry, every text escaped. Each area
    is one ``<path class="gebied">`` with a ``<title>`` (the browser shows it as a
    tooltip) holding name, value, unit and year.

    Parameters
    ----------
    areas, figures, indicator, focus, k, palette, decimals
        As in :func:`choropleth` (quantile classes).
    width : int
        Width in SVG units; the height follows the shape of the area.

    Returns
    -------
    str
        An ``<svg>`` element followed by a legend ``<div class="wijklib-legend">``.
    """
    ind = catalog.get(indicator)
    data = prepare(areas, figures, indicator)
    if not len(data):
        return '<p class="wijklib-legend">Geen gebieden om te tekenen.</p>'
    classes, bins, colours, lower = _classed(data, indicator, "quantiles", k, palette)
    year_text = _figure_year(figures, indicator)
    projected = data.to_crs(28992) if data.crs is not None and data.crs.is_geographic else data
    x0, y0, x1, y1 = projected.total_bounds
    scale = width / max(x1 - x0, 1.0)
    height = max(1.0, (y1 - y0) * scale)
    paths = []
    order = np.argsort([row.code == focus for row in data.itertuples()], kind="stable")
    for i in order:  # focus area last, so its outline is on top
        row = data.iloc[i]
        cls = classes[i]
        lines = _tip_lines(row, indicator, ind, year_text, decimals)
        fill = "url(#wijklib-missing)" if cls < 0 else colours[cls]
        stroke = (f'stroke="{FOCUS_COLOUR}" stroke-width="4"' if row["code"] == focus
                  else 'stroke="#444" stroke-width="0.6"')
        paths.append(
            f'<path class="gebied" data-code="{escape(str(row["code"]))}" '
            f'd="{_svg_path(projected.geometry.iloc[i], x0, y1, scale)}" fill="{fill}" '
            f'{stroke}><title>{escape(chr(10).join(lines))}</title></path>'
        )
    title = escape(f"Kaart: {ind.label} per gebied")
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{title}" '
        f'viewBox="-4 -4 {width + 8} {height + 8:.0f}" style="width:100%;height:auto">'
        '<defs><pattern id="wijklib-missing" width="6" height="6" '
        'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="{MISSING_COLOUR}"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#777" stroke-width="1.5"/></pattern></defs>'
        f"{''.join(paths)}</svg>"
    )
    rows = _legend_rows(bins, lower, colours, decimals)
    source = f"Bron: CBS {year_text}; kaart CBS/Kadaster {areas.attrs.get('year', '')}".strip()
    legend = legend_html(f"{ind.label} ({ind.eenheid})", source, rows, int((classes < 0).sum()),
                         floating=False)
    return svg + legend


def geojson_size(m: folium.Map) -> int:
    """Bytes of GeoJSON data in a map (for comparing map sizes)."""
    total = 0
    for child in m._children.values():
        data = getattr(child, "data", None)
        if isinstance(data, dict):
            total += len(json.dumps(data))
    return total
