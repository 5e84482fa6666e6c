"""Charts for the comparison and the attention score (matplotlib, Dutch labels).

Each chart shows the size of a difference as a number, not only as a colour or a
length; missing figures are written out as "geen cijfer", never drawn as zero.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wijklib.data import catalog
from wijklib.errors import InvalidChoiceError
from wijklib.tellen.compare import format_number, judge_values, reference_phrase

#: Okabe–Ito colours (colour-blind safe).
FAVOURABLE = "#009e73"
UNFAVOURABLE = "#d55e00"
NEUTRAL = "#0072b2"
GREY = "#777777"


def _colour(judgement: str) -> str:
    return {"gunstiger": FAVOURABLE, "ongunstiger": UNFAVOURABLE}.get(judgement, NEUTRAL)


def comparison_chart(table: pd.DataFrame, reference: str = "gemeente", title: str | None = None):
    """Bars of the relative difference of one area with a reference, per indicator.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`wijklib.tellen.compare.compare` (or
        :func:`~wijklib.tellen.compare.compare_similar`
        with ``reference="vergelijkbaar"``) for **one** area.
    reference : str
        Which reference to draw: the suffix of the ``verschil_pct_<reference>`` column.
    title : str, optional
        Title above the chart; default names the area and the reference.

    Returns
    -------
    matplotlib.figure.Figure
        Green is favourable, orange unfavourable, blue neutral (catalogue direction).
        Each bar carries its value and the reference value with the year; indicators
        without a figure say "geen cijfer".
    """
    import matplotlib.pyplot as plt

    column = f"verschil_pct_{reference}"
    if column not in table.columns:
        raise InvalidChoiceError(
            f"De tabel heeft geen vergelijking met '{reference}'. Gebruik de uitkomst van "
            "compare.compare(...) en kies bijvoorbeeld reference=\"gemeente\"."
        )
    if table["code"].nunique() > 1:
        raise InvalidChoiceError(
            "Deze grafiek is voor één gebied. Kies eerst één gebied, bijvoorbeeld met "
            "tabel[tabel[\"code\"] == focus[\"code\"]]."
        )
    rows = table.reset_index(drop=True)
    n = len(rows)
    fig, ax = plt.subplots(figsize=(12, 0.5 * max(n, 1) + 1.6))
    pct = pd.to_numeric(rows[column], errors="coerce").astype("float64") if n else pd.Series()
    sizes = rows["indicator"].map(lambda name: catalog.get(name).is_size).to_numpy(dtype=bool)
    pct[sizes] = np.nan
    y = np.arange(n)[::-1]
    known = pct.notna().to_numpy()
    ref_values = rows.get(f"waarde_{reference}", pd.Series([np.nan] * n))
    ref_years = rows.get(f"jaar_{reference}", pd.Series([None] * n))
    # favourable or not against THIS reference (compare's "oordeel" is against the first)
    directions = rows["indicator"].map(lambda name: catalog.get(name).hoger_is).to_numpy()
    judgements = judge_values(
        pd.to_numeric(rows["waarde"], errors="coerce").to_numpy(dtype="float64"),
        pd.to_numeric(ref_values, errors="coerce").to_numpy(dtype="float64"),
        directions, 0.05,
    )
    column_x = ax.get_yaxis_transform()  # x in axes fractions, y in data
    for i, r in rows.iterrows():
        if sizes[i]:
            text, style = "aantal: niet te vergelijken", {"color": GREY, "style": "italic"}
        elif not known[i]:
            text, style = "geen cijfer (ontbreekt of geheim)", {"color": GREY, "style": "italic"}
        else:
            ax.barh(y[i], pct[i], color=_colour(judgements[i]), height=0.6)
            year = ref_years[i]
            year_text = f" ({int(year)})" if year is not None and pd.notna(year) \
                else " (jaar onbekend)"
            sign = "+" if pct[i] > 0 else ""
            text = (f"{sign}{format_number(pct[i], 0)} %: {format_number(r['waarde'])} "
                    f"tegen {format_number(ref_values[i])}{year_text}")
            style = {}
        ax.text(1.02, y[i], text, transform=column_x, va="center", fontsize=8.5, **style)
    ax.axvline(0, color="#333333", linewidth=1)
    ax.set_yticks(y, [f"{r['label']} ({int(r['jaar']) if pd.notna(r['jaar']) else 'jaar onbekend'})"
                      for _, r in rows.iterrows()])
    limit = float(np.nanmax(np.abs(pct))) if known.any() else 10.0
    ax.set_xlim(-limit * 1.1 - 5, limit * 1.1 + 5)
    ax.set_xlabel(f"verschil met {reference_phrase(reference)} in % (0 = gelijk)")
    name = rows["naam"].iloc[0] if n and "naam" in rows else "het gebied"
    ax.set_title(title or f"{name} vergeleken met {reference_phrase(reference)}", fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    fig.text(0.01, 0.01, "Groen = gunstiger, oranje = ongunstiger, blauw = geen oordeel. "
             "Bron: CBS Kerncijfers wijken en buurten.", fontsize=7.5, color="#555555")
    ax.set_ylim(-0.7, n - 0.3)
    fig.tight_layout(rect=(0, 0.03, 0.74, 1))
    return fig


def sensitivity_chart(sensitivity: pd.DataFrame, top: int = 15, focus: str | None = None):
    """How far each area's rank moves when the weights change (a range per area).

    Parameters
    ----------
    sensitivity : pandas.DataFrame
        Output of :func:`wijklib.tellen.index.sensitivity` (columns ``rang``, ``rang_min``,
        ``rang_max``, ``naam``, ``code``).
    top : int
        Show the areas with the best (lowest) ranks, this many.
    focus : str, optional
        Code of an area to highlight (it is added when it is not in the top).

    Returns
    -------
    matplotlib.figure.Figure
        A dot for the rank with the chosen weights and a line from the best to the worst
        rank over all runs, with the numbers written next to it.
    """
    import matplotlib.pyplot as plt

    needed = {"rang", "rang_min", "rang_max", "naam", "code"}
    if not needed <= set(sensitivity.columns):
        raise InvalidChoiceError(
            "Geef de uitkomst van index.sensitivity(...) mee aan deze grafiek."
        )
    ranked = sensitivity.dropna(subset=["rang"]).sort_values("rang")
    shown = ranked.head(top)
    if focus is not None and focus not in set(shown["code"]):
        shown = pd.concat([shown, ranked[ranked["code"] == focus]])
    n = len(shown)
    fig, ax = plt.subplots(figsize=(8.5, 0.42 * max(n, 1) + 1.6))
    if n == 0:
        ax.text(0.5, 0.5, "Geen gebieden met een score.", ha="center", va="center")
        ax.set_axis_off()
        return fig
    y = np.arange(n)[::-1]
    for yi, r in zip(y, shown.itertuples(), strict=True):
        colour = UNFAVOURABLE if r.code == focus else NEUTRAL
        ax.plot([r.rang_min, r.rang_max], [yi, yi], color=colour, linewidth=3, alpha=0.5)
        ax.plot([r.rang], [yi], "o", color=colour)
        spread = (f"plek {int(r.rang)} (tussen {int(r.rang_min)} en {int(r.rang_max)})"
                  if r.rang_min != r.rang_max else f"plek {int(r.rang)} (vast)")
        ax.text(r.rang_max + 0.4, yi, spread, va="center", fontsize=8.5)
    ax.set_yticks(y, list(shown["naam"]))
    ax.set_xlim(0.5, float(shown["rang_max"].max()) * 1.35 + 6)
    ax.set_xlabel("plek op de ranglijst (1 = meeste aandacht)")
    runs = sensitivity.attrs.get("runs")
    spread_pct = sensitivity.attrs.get("spread")
    detail = (f"{runs} keer andere gewichten (elk tot {format_number(spread_pct * 100)} % "
              "zwaarder of lichter)") if runs and spread_pct is not None else "andere gewichten"
    ax.set_title(f"Hoe vast staat de ranglijst?\nDe lijn loopt van de beste tot de slechtste "
                 f"plek bij {detail}.", fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig
