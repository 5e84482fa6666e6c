"""Buurtprofiel: a one-page, printable HTML profile of one buurt (or wijk).

The page is self-contained (no scripts, no web fonts, no tiles): key figures against
the gemeente, Nederland and similar areas with the year and source of every figure, a
static map (:func:`wijklib.tellen.maps.svg_map`), what stands out, notes on small numbers and
rounding, and open questions to take to residents. Every text is escaped.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
from markupsafe import Markup

from wijklib.data import catalog
from wijklib.data.areas import find_area
from wijklib.errors import InvalidChoiceError
from wijklib.guarantees import provenance
from wijklib.guarantees.rendering import paragraphs, render
from wijklib.tellen import compare, maps, pitfalls

#: Key figures shown when no list is given; missing columns are skipped.
KEY_INDICATORS = (
    "inwoners",
    "pct_0_15",
    "pct_65_plus",
    "pct_eenpersoonshuishoudens",
    "pct_huishoudens_met_kinderen",
    "woz_waarde",
    "pct_huurwoningen",
    "bijstand_per_1000",
    "bevolkingsdichtheid",
)
#: At most this many standouts against the gemeente (half as many against similar areas).
MAX_STANDOUTS = 3
#: Below this number of inhabitants rates jump from year to year (see pitfalls).
SMALL_AREA = 200


def _cell(text: str, klasse: str = "", klein: str = "", onder: bool = False,
          vet: bool = False) -> dict[str, Any]:
    """One table cell for the template: its text, class, small text (beside or under)."""
    return {"tekst": text, "klasse": klasse, "klein": klein, "onder": onder, "vet": vet}


def _number_cell(value: Any, year: Any = None, show_year: bool = False,
                 margin: str = "") -> dict[str, Any]:
    if value is None or pd.isna(value):
        return _cell("geen cijfer", "num missing")
    text = compare.format_number(value)
    if show_year and year is not None and not pd.isna(year):
        text += f" ({int(year)})"
    return _cell(text, "num", margin, onder=True)


def _sources(frames: list[pd.DataFrame], indicators: list[str], areas_year: Any) -> list[str]:
    """One line per CBS table used, with its years; plus the map."""
    tables: dict[str, set[int]] = {}
    for frame in frames:
        info = provenance.indicators(frame) if frame is not None else {}
        for name in indicators:
            meta = info.get(name) or {}
            if meta.get("table_id"):
                tables.setdefault(str(meta["table_id"]), set()).add(int(meta.get("year") or 0))
    lines = [
        f"CBS, Kerncijfers wijken en buurten {', '.join(str(y) for y in sorted(ys) if y)} "
        f"(tabel {table}), via CBS Open Data (OData)."
        for table, ys in sorted(tables.items())
    ]
    if areas_year:
        lines.append(f"Kaart: CBS/Kadaster, Wijk- en buurtkaart {areas_year}, via PDOK.")
    lines.append("Licentie: CC BY 4.0 (Bron: CBS, Kadaster).")
    return lines


def _standouts(table: pd.DataFrame, comparable: dict[str, bool], size: str) -> pd.DataFrame:
    """Rows that stand out, comparable kinds only, largest relative difference first."""
    if not len(table):
        return table
    keep = table["opvallend"].fillna(False).astype(bool) & table["indicator"].map(comparable)
    out = table[keep.fillna(False).astype(bool)]
    order = out[size].abs().sort_values(ascending=False).index
    return out.loc[order]


def _difference_cell(r: Any, comparable: bool) -> dict[str, Any]:
    """Size and direction of the difference with the gemeente; bold when it stands out."""
    if not comparable:
        return _cell("niet te vergelijken (aantal)", "missing")
    if pd.isna(r.verschil_gemeente):
        return _cell("onbekend", "missing")
    ind = catalog.get(r.indicator)
    if ind.soort in ("percentage", "aandeel"):
        size = f"{compare.format_number(r.verschil_gemeente, 1)} procentpunt"
    else:
        size = f"{compare.format_number(r.verschil_pct_gemeente, 0)} %"
    if not size.startswith("-"):
        size = "+" + size
    text = f"{size} ({r.oordeel})" if r.oordeel in ("gunstiger", "ongunstiger") else size
    return _cell(text, vet=bool(r.opvallend))


def _lower_first(text: str) -> str:
    """'Aandeel X' -> 'aandeel X', but 'WOZ-waarde' stays."""
    if len(text) > 1 and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def default_questions(standouts: pd.DataFrame, limit: int = 3) -> list[str]:
    """Questions for residents that start from what stands out in the figures.

    Parameters
    ----------
    standouts : pandas.DataFrame
        Rows of :func:`wijklib.tellen.compare.compare` that stand out (most important first).
    limit : int
        At most this many questions from the figures.

    Returns
    -------
    list of str
        Dutch questions; always ends with two open questions about strengths and wishes.
    """
    questions = [
        f"De cijfers zeggen: {_lower_first(row.label)} is "
        f"{'hoger' if row.verschil_gemeente > 0 else 'lager'} dan in de gemeente. "
        "Herkent u dat, en wat merkt u ervan?"
        for row in standouts.head(limit).itertuples()
    ]
    questions += [
        "Wat is sterk aan deze buurt? Wie of wat zorgt daarvoor?",
        "Wat zou u als eerste willen veranderen, en wie kan daarbij helpen?",
    ]
    return questions


def profile_html(
    focus: str,
    areas: pd.DataFrame,
    gemeente: pd.DataFrame,
    nederland: pd.DataFrame | None = None,
    gebieden: gpd.GeoDataFrame | None = None,
    indicators: list[str] | tuple[str, ...] | None = None,
    map_indicator: str | None = None,
    questions: list[str] | None = None,
    similar: int = 5,
    made_on: date | None = None,
    landelijk: pd.DataFrame | None = None,
    reflection: str = "",
) -> str:
    """Build the printable profile page of one area.

    Parameters
    ----------
    focus : str
        Code or (part of the) name of the buurt or wijk.
    areas : pandas.DataFrame
        All areas of the gemeente at the same level, from :func:`wijklib.kerncijfers`.
    gemeente : pandas.DataFrame
        The gemeente's row (``niveau="gemeente"``).
    nederland : pandas.DataFrame, optional
        The row for Nederland (:func:`wijklib.kerncijfers_nederland`).
    gebieden : geopandas.GeoDataFrame, optional
        Boundaries for the map; without them the page has no map.
    indicators : list of str, optional
        Catalogue names for the table; default :data:`KEY_INDICATORS` (those present).
    map_indicator : str, optional
        Indicator of the map; default the first standout, else ``inwoners``.
    questions : list of str, optional
        Your own questions for residents; default :func:`default_questions`.
    similar : int
        Compare with the median of this many similar areas (0 for none).
    made_on : datetime.date, optional
        Date printed on the page (default today).
    landelijk : pandas.DataFrame, optional
        All areas of the country at the same level; the similar areas are then searched
        across the country where the profile figures exist
        (:func:`wijklib.tellen.compare.similar_areas`), and the note says where.
    reflection : str
        The participant's written reflection (:func:`wijklib.notebook.gesprek.reflection_text`),
        printed as text under "Mijn reflectie"; ``""`` leaves the section out.

    Returns
    -------
    str
        A complete HTML document. Sections have the ids ``kerncijfers``, ``kaart``,
        ``opvallend``, ``vragen``, ``reflectie`` (only with a reflection) and ``bronnen``.
    """
    row = find_area(areas, focus)
    code = str(row["code"])
    names = list(indicators) if indicators else [n for n in KEY_INDICATORS if n in areas]
    for name in names:
        catalog.get(name)  # unknown names: a Dutch error with suggestions
    names = [n for n in names if n in areas.columns]
    if not names:
        raise InvalidChoiceError("Geen van de gekozen cijfers staat in de tabel.")
    comparable = {n: not catalog.get(n).is_size for n in names}
    focus_rows = areas[areas["code"] == code]
    refs = {"gemeente": gemeente}
    if nederland is not None and len(nederland):
        refs["Nederland"] = nederland
    table = compare.compare(focus_rows, refs, names)
    peers = pd.DataFrame()
    peer_note: dict[str, Any] | None = None
    if similar and len(areas) > 2:
        found = compare.compare_similar(areas, code, names, n=similar, landelijk=landelijk)
        peers = found.set_index("indicator")
        if len(peers) and found.attrs.get("aantal_gebieden"):
            on = compare.profile_words(found.attrs["vergeleken_op"])
            listed = ", ".join(
                f"{name} (afstand {compare.format_number(dist, 2)})"
                for name, dist in found.attrs.get("afstanden", {}).items())
            peer_note = {"aantal": found.attrs["aantal_gebieden"], "naam": row["naam"],
                         "kenmerken": on, "gebieden": listed,
                         "waar": ("in heel Nederland"
                                  if found.attrs.get("gezocht_in") == "Nederland"
                                  else "in de gemeente"),
                         "toelichting": found.attrs.get("toelichting", "")}
    niveau = str(row.get("niveau", "gebied") or "gebied").lower()
    gm_name = str(gemeente["naam"].iloc[0]) if "naam" in gemeente and len(gemeente) else ""

    head = ["Cijfer (eenheid)", "Jaar", str(row["naam"]), "Gemeente"]
    head += ["Nederland"] if "Nederland" in refs else []
    head += ["Vergelijkbare gebieden*"] if len(peers) else []
    head += ["Verschil met gemeente"]
    body = []
    margins = {n: str(pitfalls.rate_margins(focus_rows, n)["tekst"].iloc[0]) for n in names}
    for r in table.itertuples():
        cells = [_cell(str(r.label), klein=f"({r.eenheid})"),
                 _cell(str(r.jaar) if pd.notna(r.jaar) else "–"),
                 _number_cell(r.waarde, margin=margins.get(r.indicator, "")),
                 _number_cell(r.waarde_gemeente, year=r.jaar_gemeente,
                              show_year=r.jaar_gemeente != r.jaar)]
        if "Nederland" in refs:
            cells.append(_number_cell(r.waarde_Nederland, year=r.jaar_Nederland,
                                      show_year=r.jaar_Nederland != r.jaar))
        if len(peers):
            cells.append(_number_cell(peers["waarde_vergelijkbaar"].get(r.indicator)))
        cells.append(_difference_cell(r, comparable[r.indicator]))
        body.append(cells)

    standouts = _standouts(table, comparable, "verschil_pct_gemeente")
    peer_out = _standouts(peers.reset_index(), comparable, "verschil_pct_vergelijkbaar")
    items = [f"{r.label}: {r.toelichting} ({r.jaar})"
             for r in standouts.head(MAX_STANDOUTS).itertuples()]
    items += [f"{r.label}: {r.toelichting}" for r in peer_out.head(MAX_STANDOUTS // 2).itertuples()]

    notes = ['Aantallen zijn door het CBS willekeurig afgerond op vijftallen; daardoor tellen '
             'buurten niet precies op tot de gemeente. "Geen cijfer" betekent: het cijfer '
             "ontbreekt of is geheim. Het is geen 0."]
    inhabitants = pd.to_numeric(pd.Series([row.get("inwoners")]), errors="coerce").iloc[0]
    if any(margins.values()):
        notes.append("Bij een cijfer dat op weinig gevallen rust, staat de 95%-marge eronder: "
                     "daarbinnen ligt het cijfer waarschijnlijk als je het toeval meetelt. "
                     "CBS rondt de aantallen ook nog af, dus de echte onzekerheid is iets "
                     "groter.")
    if pd.notna(inhabitants) and inhabitants < SMALL_AREA:
        notes.append(f"Let op: dit gebied heeft maar {compare.format_number(inhabitants)} "
                     "inwoners. Percentages en cijfers per 1 000 inwoners kunnen dan sterk "
                     "schommelen: één verhuizing maakt al verschil.")
    if table["ander_jaar"].fillna(False).astype(bool).any():
        notes.append("Bij sommige cijfers komt de vergelijking uit een ander jaar; dat jaar "
                     "staat dan tussen haakjes.")

    svg = None
    if gebieden is not None and len(gebieden):
        chosen = map_indicator or (standouts["indicator"].iloc[0] if len(standouts)
                                   else names[0])
        # a finished SVG element: svg_map escapes every text in it itself
        svg = Markup(maps.svg_map(gebieden, areas, chosen, focus=code, width=520))

    asked = questions if questions else default_questions(standouts)
    made = made_on or date.today()
    sources = _sources([areas, gemeente, nederland] if nederland is not None
                       else [areas, gemeente], names, gebieden.attrs.get("year")
                       if gebieden is not None else None)
    return render(
        "buurtprofiel.html.j2", titel=f"Buurtprofiel {row['naam']}",
        niveau=niveau.capitalize(), code=code, gemeente=gm_name,
        gemaakt=made.strftime("%d-%m-%Y"), kolommen=head, rijen=body,
        vergelijkbaar=peer_note, opmerkingen=notes, kaart=svg, naam=str(row["naam"]),
        opvallend=items, vragen=list(asked), bronnen=sources,
        reflectie=paragraphs(reflection if isinstance(reflection, str) else ""),
    )


def save_profile(page: str, path: str | Path | None = None, name: str = "") -> Path:
    """Write a profile page to disk.

    Parameters
    ----------
    page : str
        HTML from :func:`profile_html`.
    path : str or Path, optional
        File to write; default ``buurtprofiel-<name>.html`` in
        :func:`wijklib.notebook.session.export_dir`.
    name : str
        Used in the default file name.

    Returns
    -------
    Path
        The file written (download it with :func:`wijklib.notebook.session.download_link`).
    """
    from wijklib.notebook.session import file_stem, save_page

    return save_page(page, path, f"buurtprofiel-{file_stem(name, 'gebied')}")
