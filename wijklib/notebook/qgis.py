"""Files for QGIS: buurt figures and map notes as GeoPackage and GeoJSON.

A municipality's GIS staff open a GeoPackage (``.gpkg``) or GeoJSON file in QGIS or ArcGIS
without conversion. This module writes both, with the same guarantees as every other
export of the workbook:

* **Year and source.** Every figure column carries its year in its name
  (``woz_waarde_2023``); every feature has the columns ``jaar``, ``tabel`` and ``bron``;
  the GeoPackage has a table ``herkomst`` with one row per figure (CBS title, unit, year,
  table and source), all from :mod:`wijklib.guarantees.provenance`. A column whose year
  is not known is left out, with a Dutch warning.
* **Missing stays empty.** A figure the CBS does not publish or keeps secret is NULL,
  never 0.
* **No personal data.** Note texts and sources are masked with
  :func:`wijklib.guarantees.privacy.mask_personal`; a note file holds only the note
  columns (category, text, date, source, buurt), no other property.
* **Text is text.** A resident's text is stored exactly as written (after masking): no
  escaping, no template. A GIS file is data, not a page.
* **Atomic.** Every file goes through :func:`wijklib.guarantees.writing.atomic_write`.

The GeoPackage is in Rijksdriehoek (EPSG:28992), what Dutch offices use; the GeoJSON in
longitude/latitude (CRS84, RFC 7946), what web tools expect. Writing uses geopandas with
the pyogrio engine (GDAL), the library QGIS itself builds on.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from wijklib.errors import InvalidChoiceError
from wijklib.guarantees import provenance, writing
from wijklib.guarantees.privacy import mask_personal

__all__ = [
    "FIGURES_LAYER",
    "FOLDER",
    "NOTES_AREAS",
    "NOTES_POINTS",
    "PROVENANCE_LAYER",
    "RD",
    "figures_layer",
    "notes_layer",
    "save_figures",
    "save_notes",
    "write_notes_gpkg",
]

#: Folder in the export folder for the QGIS files of notebook 1.
FOLDER = "qgis"
#: Layer with the buurt figures in the GeoPackage.
FIGURES_LAYER = "buurtcijfers"
#: Table (no geometry) with the year and source of every figure.
PROVENANCE_LAYER = "herkomst"
#: Layers with map notes: points and areas apart, as QGIS draws one kind per layer.
NOTES_POINTS = "kaartnotities_punten"
NOTES_AREAS = "kaartnotities_vlakken"
#: The coordinate reference system of the GeoPackage: Rijksdriehoek (RD New).
RD = "EPSG:28992"
_LONLAT = "EPSG:4326"
#: Columns of a kerncijfers frame that describe the area (kept as they are).
_AREA_COLUMNS = ("code", "naam", "niveau", "gemeentecode", "gemeentenaam", "wijkcode")
_NOTE_COLUMNS = ("categorie", "tekst", "datum", "bron", "buurtcode", "buurtnaam")


def _check_frames(cijfers: Any, gebieden: Any) -> None:
    if not isinstance(cijfers, pd.DataFrame) or "code" not in cijfers.columns:
        raise InvalidChoiceError(
            "Geef de cijfers uit wijklib.kerncijfers(...): een tabel met de kolom 'code'.")
    if (not isinstance(gebieden, gpd.GeoDataFrame) or "code" not in gebieden.columns
            or gebieden.crs is None):
        raise InvalidChoiceError(
            "Geef de kaart uit wijklib.gebieden(...): een kaarttabel met de kolom 'code'.")
    shared = set(cijfers["code"].astype(str)) & set(gebieden["code"].astype(str))
    if not shared:
        raise InvalidChoiceError(
            "De cijfers en de kaart hebben geen enkel gebied gemeen. Haal de kaart op voor "
            "dezelfde gemeente, hetzelfde jaar en hetzelfde niveau, bijvoorbeeld "
            "wijklib.gebieden(GEMEENTE, jaar=cijfers.attrs['year'], niveau=NIVEAU, "
            "codes=cijfers['code']).")


def figures_layer(cijfers: pd.DataFrame,
                  gebieden: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """The buurt figures on the map, and the year and source of every figure.

    Parameters
    ----------
    cijfers : pandas.DataFrame
        :func:`wijklib.kerncijfers` (one row per area, with ``jaar``, ``tabel``, ``bron``).
    gebieden : geopandas.GeoDataFrame
        :func:`wijklib.gebieden` for the same areas.

    Returns
    -------
    (layer, herkomst)
        ``layer``: one row per area that has both figures and a boundary, in the CRS of
        ``gebieden``; figure columns are named ``<naam>_<jaar>`` (the name alone plus a
        ``jaar_<naam>`` column when the rows hold several years); missing figures are
        empty. ``herkomst``: one row per figure column (``kolom``, ``cijfer``,
        ``omschrijving``, ``eenheid``, ``jaar``, ``tabel``, ``bron``, ``gewijzigd``).

    Warns
    -----
    UserWarning
        For number columns whose year and source are not known; they are left out.
    """
    _check_frames(cijfers, gebieden)
    known = provenance.indicators(cijfers)
    frame = pd.DataFrame(cijfers).copy()
    frame["code"] = frame["code"].astype(str)
    columns: dict[str, pd.Series] = {
        c: frame[c] for c in _AREA_COLUMNS if c in frame.columns}
    rows: list[dict[str, Any]] = []
    left_out: list[str] = []
    provenance_names = provenance.PROVENANCE_COLUMNS
    for column in frame.columns:
        if column in columns or not isinstance(column, str):
            continue
        if column in provenance_names or column.startswith(
                tuple(f"{k}_" for k in provenance_names)):
            continue
        if not pd.api.types.is_numeric_dtype(frame[column]) or pd.api.types.is_bool_dtype(
                frame[column]):
            continue
        info = known.get(column)
        if info is None or not info.get("years"):
            left_out.append(column)
            continue
        years = provenance.row_years(frame, column)
        if info.get("year") is not None:
            name = f"{column}_{info['year']}"
        else:  # rows from several years: the year of each row next to the figure
            name = column
            columns[f"{provenance.YEAR}_{column}"] = years
        columns[name] = frame[column]
        rows.append({
            "kolom": name,
            "cijfer": column,
            "omschrijving": info.get("cbs_title") or column,
            "eenheid": info.get("unit"),
            "jaar": provenance.years_text(info),
            "tabel": info.get("table_id") or None,
            "bron": info.get("source") or None,
            "gewijzigd": info.get("modified"),
        })
    for column in provenance_names:
        if column in frame.columns:
            columns[column] = frame[column]
    if left_out:
        warnings.warn(
            f"Deze kolommen staan niet in het QGIS-bestand, omdat niet bekend is uit welk "
            f"jaar en van welke bron ze komen: {', '.join(left_out)}. Voeg een eigen cijfer "
            "toe met wijklib.agenda.ringen.add_indicator(..., jaar=..., bron=...).",
            UserWarning, stacklevel=2)
    table = pd.DataFrame(columns)
    shapes = gebieden[["code", "geometry"]].copy()
    shapes["code"] = shapes["code"].astype(str)
    shapes = shapes[shapes.geometry.notna() & ~shapes.geometry.is_empty]
    merged = shapes.merge(table, on="code", how="inner", validate="one_to_one")
    if not merged.geometry.is_valid.all():
        merged["geometry"] = merged.geometry.make_valid()
    layer = gpd.GeoDataFrame(merged[[*table.columns, "geometry"]], geometry="geometry",
                             crs=gebieden.crs)
    herkomst = pd.DataFrame(rows, columns=["kolom", "cijfer", "omschrijving", "eenheid",
                                           "jaar", "tabel", "bron", "gewijzigd"])
    return layer, herkomst


def notes_layer(notes: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Map notes ready for a GIS file: masked texts, only the note columns, WGS84.

    Parameters
    ----------
    notes : geopandas.GeoDataFrame
        :mod:`wijklib.vertellen.kaartnotities` notes.

    Returns
    -------
    geopandas.GeoDataFrame
        ``categorie``, ``tekst``, ``datum`` (text ``JJJJ-MM-DD`` or empty), ``bron``
        (and ``buurtcode``/``buurtnaam`` when assigned), in EPSG:4326. Personal data in
        ``tekst`` and ``bron`` is replaced by ``[weggehaald]``.
    """
    if not isinstance(notes, gpd.GeoDataFrame) or not {"categorie", "tekst"} <= set(
            notes.columns):
        raise InvalidChoiceError(
            "Geef een tabel met kaartnotities (begin met kaartnotities.new_notes()).")
    data = notes.to_crs(_LONLAT) if notes.crs is not None else notes.set_crs(_LONLAT)
    keep = [c for c in _NOTE_COLUMNS if c in data.columns]  # only these: no other property
    out = pd.DataFrame(index=data.index)
    for column in keep:
        values = data[column]
        if column == "datum":
            dates = pd.to_datetime(values, errors="coerce")
            out[column] = pd.Series(
                [None if pd.isna(d) else d.strftime("%Y-%m-%d") for d in dates],
                index=data.index, dtype="object")
        elif column in ("tekst", "bron"):
            out[column] = pd.Series(
                [None if pd.isna(v) else mask_personal(str(v))[0] for v in values],
                index=data.index, dtype="object")
        else:
            out[column] = pd.Series([None if pd.isna(v) else str(v) for v in values],
                                    index=data.index, dtype="object")
    layer = gpd.GeoDataFrame(out, geometry=data.geometry.values, crs=_LONLAT)
    return layer[layer.geometry.notna() & ~layer.geometry.is_empty].reset_index(drop=True)


def _write_gpkg(target: Path, layers: list[tuple[str, pd.DataFrame, str | None]]) -> Path:
    """Write layers into one GeoPackage.

    Each layer is ``(name, frame, geometry type)``: a GeoDataFrame with its geometry type
    (also when it is empty, so QGIS knows what the layer holds), or a DataFrame and None
    for a table without geometry.
    """
    import pyogrio

    def write(path: Path) -> None:
        path.unlink()  # GDAL makes the GeoPackage itself; an empty file is not one
        for i, (name, frame, kind) in enumerate(layers):
            options: dict[str, Any] = {}
            if kind is not None:
                options = {"geometry_type": kind, "promote_to_multi": kind.startswith("Multi")}
            pyogrio.write_dataframe(frame, path, layer=name, driver="GPKG", append=i > 0,
                                    **options)

    return writing.atomic_write(target, write)


def _write_geojson(target: Path, layer: gpd.GeoDataFrame) -> Path:
    """Write a layer as RFC 7946 GeoJSON (longitude/latitude, CRS84)."""
    import pyogrio

    data = layer.to_crs(_LONLAT)

    def write(path: Path) -> None:
        path.unlink()
        pyogrio.write_dataframe(data, path, driver="GeoJSON", layer=target.stem,
                                layer_options={"RFC7946": "YES", "WRITE_NAME": "NO"})

    return writing.atomic_write(target, write)


def _folder(folder: str | Path | None) -> Path:
    if folder is not None:
        return Path(folder)
    from wijklib.notebook.session import export_dir

    return export_dir() / FOLDER


def save_figures(
    cijfers: pd.DataFrame,
    gebieden: gpd.GeoDataFrame,
    folder: str | Path | None = None,
    *,
    name: str = FIGURES_LAYER,
) -> dict[str, Path]:
    """Save the figures per area as a GeoPackage and a GeoJSON file for QGIS.

    Parameters
    ----------
    cijfers : pandas.DataFrame
        :func:`wijklib.kerncijfers`.
    gebieden : geopandas.GeoDataFrame
        :func:`wijklib.gebieden` for the same areas.
    folder : str or Path, optional
        Default: the folder ``qgis`` in the export folder.
    name : str
        File name without extension.

    Returns
    -------
    dict
        ``{"gpkg": Path, "geojson": Path}``.
    """
    layer, herkomst = figures_layer(cijfers, gebieden)
    target = _folder(folder)
    return {
        "gpkg": _write_gpkg(target / f"{name}.gpkg",
                            [(FIGURES_LAYER, layer.to_crs(RD), "MultiPolygon"),
                             (PROVENANCE_LAYER, herkomst, None)]),
        "geojson": _write_geojson(target / f"{name}.geojson", layer),
    }


def write_notes_gpkg(notes: gpd.GeoDataFrame, target: str | Path) -> Path:
    """Write map notes into one GeoPackage: a layer of points and a layer of areas.

    Returns
    -------
    Path
        ``target``.
    """
    layer = notes_layer(notes).to_crs(RD)
    kinds = layer.geometry.geom_type
    points = layer[kinds == "Point"]
    areas = layer[kinds.isin(["Polygon", "MultiPolygon"])]
    return _write_gpkg(Path(target), [(NOTES_POINTS, points, "Point"),
                                      (NOTES_AREAS, areas, "MultiPolygon")])


def save_notes(notes: gpd.GeoDataFrame, folder: str | Path | None = None, *,
               name: str = "kaartnotities") -> dict[str, Path]:
    """Save map notes as a GeoPackage and a GeoJSON file for QGIS.

    Parameters
    ----------
    notes : geopandas.GeoDataFrame
        :mod:`wijklib.vertellen.kaartnotities` notes.
    folder, name
        As in :func:`save_figures` (default name ``kaartnotities``).

    Returns
    -------
    dict
        The two files, as :func:`save_figures` returns them.
    """
    target = _folder(folder)
    return {
        "gpkg": write_notes_gpkg(notes, target / f"{name}.gpkg"),
        "geojson": _write_geojson(target / f"{name}.geojson", notes_layer(notes)),
    }
