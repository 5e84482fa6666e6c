"""Benchmark of the map pages: our choropleth against ``GeoDataFrame.explore()``, offline.

Both pages are made self-contained the same way (:func:`wijklib.notebook.offline.map_html`
with ``mode="inline"``: every JavaScript and CSS file that wijklib has a local copy of is
embedded), and their sizes are compared, for two cities:

* Utrecht's 111 buurten, coloured by the average WOZ value (a CBS figure);
* Amsterdam's 519 buurten (the PDOK fixture has their geometry but no buurt figures),
  coloured by the area computed from the geometry itself, labelled as such.

``explore()`` also loads d3 from a CDN for its colour bar; wijklib has no local copy of
d3, so that link stays in explore's page and is not counted: the ratio is, if anything,
in explore's favour. Target: ours ≤ 0.3 × explore().

Run with ``make bench`` (part of ``benchmarks/run.py``) or ``python benchmarks/kaarten.py``
with the loopback servers running (see ``benchmarks/run.py``).
"""

from __future__ import annotations

import warnings
from typing import Any

TARGET = 0.3
#: The column for Amsterdam: an area computed from the geometry, not a CBS figure.
AREA = "oppervlakte_kaart"


def area_figures(areas: Any) -> tuple[Any, Any]:
    """Figures with the area of each buurt in hectares, computed from its geometry.

    Returns
    -------
    (figures, indicator)
        A DataFrame ``code``, :data:`AREA` (with its year and source, as
        :func:`wijklib.guarantees.provenance.stamp_column` writes them) and the
        :class:`wijklib.data.catalog.Indicator` that labels it.
    """
    import pandas as pd

    from wijklib.data import catalog
    from wijklib.guarantees import provenance

    hectares = areas.to_crs(28992).area.to_numpy() / 10_000
    figures = pd.DataFrame({"code": areas["code"].to_numpy(), AREA: hectares.round(1)})
    provenance.stamp_column(figures, AREA, year=areas.attrs.get("year"),
                            source="berekend uit de kaart (CBS/Kadaster, PDOK)")
    indicator = catalog.Indicator(
        naam=AREA, label="Oppervlakte, berekend uit de kaart", thema="leefomgeving",
        eenheid="ha", hoger_is="neutraal", soort="oppervlakte", cbs_titels=(),
        cbs_eenheden=(),
    )
    return figures, indicator


def offline_bytes(m: Any) -> int:
    """Bytes of a map's self-contained page (local copies embedded, as our offline mode)."""
    from wijklib.notebook.offline import CdnLinkWarning, map_html

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CdnLinkWarning)  # explore's d3: no local copy
        return len(map_html(m, mode="inline").encode("utf-8"))


def compare(label: str, areas: Any, figures: Any, indicator: Any) -> tuple[str, float, float]:
    """Print our size, explore's size and the ratio side by side; return the ratio."""
    from wijklib.tellen import maps

    column = indicator if isinstance(indicator, str) else indicator.naam
    ours = offline_bytes(maps.choropleth(areas, figures, indicator))
    joined = areas[["code", "naam", "geometry"]].merge(figures[["code", column]], on="code")
    theirs = offline_bytes(joined.explore(column=column))
    ratio = ours / theirs
    mark = "ok" if ratio <= TARGET else "NIET GEHAALD"
    print(f"  {label:<50} {ours / 1024:8.0f} kB {theirs / 1024:8.0f} kB"
          f"  {ratio:5.2f} (doel ≤ {TARGET:.1f}) {mark}")
    return label, ratio, TARGET


def run() -> list[tuple[str, float, float]]:
    """Compare both cities (wijklib pointed at the loopback servers and a warm cache)."""
    import wijklib

    print("Kaart offline (alles ingebed) tegenover GeoDataFrame.explore():")
    print(f"  {'':<50} {'eigen':>11} {'explore()':>11}  verhouding")
    results = [
        compare("Utrecht, 111 buurten, WOZ-waarde (CBS)", wijklib.gebieden("Utrecht"),
                wijklib.kerncijfers("Utrecht"), "woz_waarde"),
    ]
    amsterdam = wijklib.gebieden("Amsterdam")
    figures, indicator = area_figures(amsterdam)
    results.append(compare(f"Amsterdam, {len(amsterdam)} buurten, oppervlakte uit de kaart",
                           amsterdam, figures, indicator))
    print("  (explore() laadt ook d3 van internet; dat is niet meegeteld)")
    return results
