"""The buurt's strengths ("krachten van de buurt"): an inventory of what is already there.

People (described by what they can or do, not by name), associations, places,
organisations and the local economy (:data:`ASSET_COLUMNS`). Names of organisations, clubs
and places are fine.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from wijklib.errors import InvalidChoiceError
from wijklib.guarantees.rendering import render
from wijklib.vertellen.records import (
    ALIASES,
    PersonalDataError,
    ReadResult,
    RecordSpec,
    append_row,
    check_buurtcode,
    check_choice,
    check_text,
    empty_table,
    looks_like_person,
    read_records,
)

__all__ = [
    "ASSET_COLUMNS",
    "ASSET_KINDS",
    "add_asset",
    "assets_html",
    "assets_overview",
    "new_assets",
    "read_assets",
]

#: Columns of the inventory of strengths.
ASSET_COLUMNS = ["buurtcode", "soort", "naam_of_omschrijving", "kort"]
#: Allowed values of ``soort`` in the inventory.
ASSET_KINDS = ("mensen", "verenigingen", "plekken", "organisaties", "economie")


def new_assets() -> pd.DataFrame:
    """An empty inventory of strengths (:data:`ASSET_COLUMNS`)."""
    return empty_table(ASSET_COLUMNS)


def add_asset(
    assets: pd.DataFrame,
    buurtcode: str,
    soort: str,
    naam_of_omschrijving: str,
    kort: str | None = None,
) -> pd.DataFrame:
    """Return the inventory with one strength of the buurt added.

    Parameters
    ----------
    assets : pandas.DataFrame
        Start with :func:`new_assets`.
    buurtcode : str
    soort : {"mensen", "verenigingen", "plekken", "organisaties", "economie"}
    naam_of_omschrijving : str
        The name of an organisation, club or place ("Buurthuis De Pijler"), or for
        ``mensen`` a description of what someone can or does ("buurvrouw die
        Arabisch en Nederlands spreekt"), never a person's name.
    kort : str, optional
        Why it is a strength, in a few words.

    Raises
    ------
    InvalidChoiceError, PersonalDataError
    """
    kind = check_choice(soort, ASSET_KINDS, ALIASES["soort_kracht"], "soort")
    name = check_text(naam_of_omschrijving, "de naam of omschrijving", 150)
    if kind == "mensen" and name and looks_like_person(name):
        raise PersonalDataError(
            f"'{name}' lijkt de naam van een persoon. Beschrijf wat iemand kan of doet, "
            "zonder naam, bijvoorbeeld 'buurman die fietsen repareert'."
        )
    row = {
        "buurtcode": check_buurtcode(buurtcode, allow_missing=False),
        "soort": kind,
        "naam_of_omschrijving": name,
        "kort": check_text(kort, "de korte uitleg", 300, required=False),
    }
    return append_row(assets, row, ASSET_COLUMNS)


_ASSET_SPEC = RecordSpec(
    "krachten",
    tuple(ASSET_COLUMNS),
    {
        "buurtcode": ("buurtcode", "buurt", "code", "buurtnaam"),
        "soort": ("soort", "type", "categorie"),
        "naam_of_omschrijving": ("naam_of_omschrijving", "naam of omschrijving",
                                 "omschrijving", "wat", "kracht"),
        "kort": ("kort", "toelichting", "waarom", "uitleg"),
    },
    "naam_of_omschrijving",
    {"soort": (ASSET_KINDS, "soort_kracht")},
    {"naam_of_omschrijving": 150, "kort": 300},
    no_person_when=("naam_of_omschrijving", "soort", "mensen"),
)


def read_assets(
    path: Path | str, gebieden: pd.DataFrame | None = None, sheet: str | int | None = None
) -> ReadResult:
    """Read an inventory of strengths from CSV or Excel, with a report.

    See :func:`wijklib.vertellen.verhalen.read_stories` for what is reported.

    Needs a column ``naam_of_omschrijving``; for ``soort`` "mensen" a value that looks
    like a person's name is replaced and reported.
    """
    return read_records(path, _ASSET_SPEC, gebieden, sheet)


def assets_overview(assets: pd.DataFrame, by: str | None = "buurtcode") -> pd.DataFrame:
    """Count the strengths per kind (and per buurt).

    A 0 means that nothing of that kind was written down, not that there is nothing.

    Parameters
    ----------
    assets : pandas.DataFrame
        From :func:`new_assets`/:func:`add_asset`, :func:`read_assets` or
        :func:`wijklib.vertellen.practice.practice_assets`.
    by : str or None, default "buurtcode"
        None for one row for the whole area.

    Returns
    -------
    pandas.DataFrame
        One row per buurt, one column per kind (:data:`ASSET_KINDS`) and ``totaal``.
    """
    missing = [c for c in ("soort", *([by] if by else [])) if c not in assets.columns]
    if missing:
        raise InvalidChoiceError(
            f"De tabel mist de kolom(men) {', '.join(missing)}. Gebruik new_assets()."
        )
    data = assets.copy()
    key = by if by else "_alle"
    if not by:
        data[key] = "hele gebied"
    table = pd.crosstab(data[key].fillna("onbekend"), data["soort"])
    for kind in ASSET_KINDS:
        if kind not in table.columns:
            table[kind] = 0
    other = [c for c in table.columns if c not in ASSET_KINDS]
    table = table[list(ASSET_KINDS) + other].astype("Int64")
    table["totaal"] = table.sum(axis=1).astype("Int64")
    table.columns.name = None
    out = table.reset_index().rename(columns={"_alle": "gebied"})
    out.attrs = {"oefendata": bool(assets.attrs.get("oefendata", False))}
    return out


def assets_html(
    assets: pd.DataFrame, buurtcode: str | None = None, max_examples: int = 3,
    title: str | None = None,
) -> str:
    """A small HTML table of the buurt's strengths: per kind the number and examples.

    Parameters
    ----------
    assets : pandas.DataFrame
    buurtcode : str, optional
        One buurt; default the whole area.
    max_examples : int, default 3
    title : str, optional
        Caption; default "Krachten van de buurt".

    Returns
    -------
    str
        HTML with every text escaped.
    """
    subset = assets if buurtcode is None else assets[assets["buurtcode"] == buurtcode]
    rows = []
    for kind in ASSET_KINDS:
        part = subset[subset["soort"] == kind]
        examples = ", ".join(str(v) for v in
                             part["naam_of_omschrijving"].dropna().head(max_examples))
        more = " …" if len(part) > max_examples else ""
        rows.append([kind, str(len(part)), (examples + more) or "—"])
    note = "Een 0 betekent: niets opgeschreven, niet: er is niets."
    if assets.attrs.get("oefendata"):
        note += " Oefendata: verzonnen, niet echt."
    return render("tabel.html.j2", klasse="wijklib-table wijklib-assets",
                  titel=title or "Krachten van de buurt", kop=["Soort", "Aantal", "Voorbeelden"],
                  rijen=rows, noot=note)
