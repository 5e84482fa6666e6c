"""GeoPackage and GeoJSON exports for QGIS: buurt figures (notebook 1) and map notes (notebook 2).

Every file is read back with pyogrio/geopandas, as QGIS would open it.
"""

from __future__ import annotations

import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

import wijklib
from wijklib.guarantees import provenance
from wijklib.guarantees.privacy import MASK
from wijklib.notebook import qgis
from wijklib.notebook import resultaten as res
from wijklib.vertellen import kaartnotities as kn

TEMPLATE_TEXT = "{{ 7*7 }} {% if x %}ja{% endif %} <img src=x onerror=alert(1)> & 'quote'"


@pytest.fixture(scope="module")
def utrecht(utrecht_cache, cbs_server, pdok_server):
    from conftest import point_wijklib_at

    with pytest.MonkeyPatch.context() as mp:
        point_wijklib_at(mp, cbs_server.url, pdok_server.url, utrecht_cache)
        cijfers = wijklib.kerncijfers("Utrecht", niveau="buurt")
        kaart = wijklib.gebieden("Utrecht", jaar=cijfers.attrs["year"], niveau="buurt",
                                 codes=cijfers["code"])
        return cijfers, kaart


def _figure_columns(cijfers: pd.DataFrame) -> dict[str, dict]:
    return {c: info for c, info in provenance.indicators(cijfers).items()
            if pd.api.types.is_numeric_dtype(cijfers[c])}


# --------------------------------------------------------------------------- figures


def test_buurt_figures_read_back_as_qgis_layers(utrecht, tmp_path: Path) -> None:
    cijfers, kaart = utrecht
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning reaches the participant (nor GDAL's)
        files = qgis.save_figures(cijfers, kaart, tmp_path, name="utrecht")
    assert set(files) == {"gpkg", "geojson"}
    layers = dict(pyogrio.list_layers(files["gpkg"]))
    assert layers[qgis.FIGURES_LAYER] in ("Polygon", "MultiPolygon")
    assert qgis.PROVENANCE_LAYER in layers

    gpkg = gpd.read_file(files["gpkg"], layer=qgis.FIGURES_LAYER)
    geojson = gpd.read_file(files["geojson"])
    assert gpkg.crs.to_epsg() == 28992  # Rijksdriehoek, as Dutch offices use
    assert geojson.crs.equals("OGC:CRS84") or geojson.crs.to_epsg() == 4326
    assert '"type": "FeatureCollection"' in files["geojson"].read_text("utf-8")
    for layer in (gpkg, geojson):
        assert layer.geometry.is_valid.all() and not layer.geometry.is_empty.any()
        assert sorted(layer["code"]) == sorted(kaart["code"])
    # the GeoJSON is in longitude/latitude: the same places as the map from PDOK
    back = geojson.set_index("code").geometry.bounds
    expected = kaart.set_index("code").geometry.bounds
    assert np.allclose(back.loc[expected.index], expected, atol=1e-6)

    figures = _figure_columns(cijfers)
    assert len(figures) > 20
    rows = cijfers.set_index("code")
    for column, info in figures.items():
        name = f"{column}_{info['year']}"  # the year is in the column name
        for layer in (gpkg, geojson):
            assert name in layer.columns, name
            values = layer.set_index("code")[name].loc[rows.index]
            source = pd.to_numeric(rows[column], errors="coerce")
            # missing or secret at the CBS: empty (NULL), never 0
            assert (values.isna().to_numpy() == source.isna().to_numpy()).all(), name
            known = source.notna().to_numpy()
            assert np.allclose(values.to_numpy(dtype=float)[known],
                               source.to_numpy(dtype=float)[known]), name
    missing = [c for c in figures if cijfers[c].isna().any()]
    assert missing, "the Utrecht fixture has figures the CBS does not publish"
    for layer in (gpkg, geojson):
        assert (layer["bron"] == cijfers["bron"].iloc[0]).all()

    herkomst = pyogrio.read_dataframe(files["gpkg"], layer=qgis.PROVENANCE_LAYER)
    table = herkomst.set_index("kolom")
    for column, info in figures.items():
        row = table.loc[f"{column}_{info['year']}"]
        assert int(row["jaar"]) == info["year"]
        assert row["tabel"] == info["table_id"]
        assert row["bron"] == info["source"]
        assert row["cijfer"] == column


def test_a_figure_without_a_year_is_left_out_with_a_dutch_warning(utrecht, tmp_path) -> None:
    cijfers, kaart = utrecht
    eigen = cijfers.copy()
    eigen["mijn_cijfer"] = 1.0  # a participant's own column: no year, no source
    with pytest.warns(UserWarning, match="mijn_cijfer.*jaar"):
        files = qgis.save_figures(eigen, kaart, tmp_path)
    layer = gpd.read_file(files["gpkg"], layer=qgis.FIGURES_LAYER)
    assert not [c for c in layer.columns if c.startswith("mijn_cijfer")]


def test_figures_and_map_that_do_not_match_get_a_dutch_message(utrecht, tmp_path) -> None:
    cijfers, kaart = utrecht
    with pytest.raises(wijklib.WijklibError, match="kaart"):
        qgis.save_figures(cijfers, kaart.iloc[0:0], tmp_path)
    with pytest.raises(wijklib.WijklibError, match="kerncijfers"):
        qgis.save_figures(pd.DataFrame({"x": [1]}), kaart, tmp_path)


def test_the_figures_go_to_the_export_folder_by_default(utrecht, tmp_path, monkeypatch) -> None:
    cijfers, kaart = utrecht
    monkeypatch.setenv("WIJKLIB_EXPORT", str(tmp_path / "export"))
    files = qgis.save_figures(cijfers, kaart)
    assert files["gpkg"].parent == tmp_path / "export" / qgis.FOLDER
    assert not [p for p in files["gpkg"].parent.iterdir() if p.name.startswith(".")]


# --------------------------------------------------------------------------- map notes


def _notes() -> gpd.GeoDataFrame:
    notes = kn.new_notes()
    notes = kn.add_note(notes, "kans", "Leeg pand: buurtkamer?", lat=52.09, lon=5.12,
                        datum="2026-03-14", bron="bewonersavond")
    notes = kn.add_note(notes, "idee", "Bankjes langs de route", geometry={
        "type": "Polygon",
        "coordinates": [[[5.11, 52.09], [5.12, 52.09], [5.12, 52.10], [5.11, 52.09]]]})
    notes = kn.add_note(notes, "knelpunt", "tijdelijk", lat=52.08, lon=5.13)
    # resident text exactly as typed, also text that looks like a template or HTML
    notes.loc[2, "tekst"] = TEMPLATE_TEXT
    return notes


def test_map_notes_read_back_as_qgis_layers(tmp_path: Path) -> None:
    notes = _notes()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        files = qgis.save_notes(notes, tmp_path)
    layers = dict(pyogrio.list_layers(files["gpkg"]))
    assert layers[qgis.NOTES_POINTS] == "Point"
    assert layers[qgis.NOTES_AREAS] in ("Polygon", "MultiPolygon")
    points = gpd.read_file(files["gpkg"], layer=qgis.NOTES_POINTS)
    areas = gpd.read_file(files["gpkg"], layer=qgis.NOTES_AREAS)
    assert points.crs.to_epsg() == 28992 and areas.crs.to_epsg() == 28992
    assert len(points) + len(areas) == len(notes)
    geojson = gpd.read_file(files["geojson"])
    assert len(geojson) == len(notes)
    assert geojson.geometry.is_valid.all()
    assert np.allclose(shapely.get_coordinates(geojson.geometry),
                       shapely.get_coordinates(notes.geometry))
    for layer in (pd.concat([points, areas]), geojson):
        assert set(layer["tekst"]) == set(notes["tekst"])  # the literal text, not escaped
        assert TEMPLATE_TEXT in set(layer["tekst"])
        assert {"categorie", "tekst", "datum", "bron"} <= set(layer.columns)
    by_text = geojson.set_index("tekst")
    assert pd.isna(by_text.loc[TEMPLATE_TEXT, "datum"])  # no date: empty, not made up
    assert pd.isna(by_text.loc[TEMPLATE_TEXT, "bron"])
    assert str(by_text.loc["Leeg pand: buurtkamer?", "datum"])[:10] == "2026-03-14"


def test_personal_data_in_a_note_is_masked_in_the_qgis_files(tmp_path: Path) -> None:
    notes = _notes()
    # a notes table made by hand (not through add_note) can still hold personal data
    notes.loc[0, "tekst"] = "Bel Mevrouw Jansen op 06-12345678 of mail piet@example.nl"
    files = qgis.save_notes(notes, tmp_path)
    for path in files.values():
        raw = path.read_bytes()
        assert b"12345678" not in raw and b"piet@example.nl" not in raw and b"Jansen" not in raw
    texts = set(gpd.read_file(files["geojson"])["tekst"])
    assert any(MASK in t for t in texts)


def test_notebook_2_saves_the_qgis_files_with_its_results(tmp_path: Path) -> None:
    from wijklib.vertellen.wijkschouw import new_observations

    result = res.Vertellen(
        gemeente="Utrecht", antwoorden=pd.DataFrame({"respondent": [], "buurtcode": []}),
        kaartnotities=_notes(), verhalen=pd.DataFrame({"tekst": ["x"]}),
        krachten=pd.DataFrame({"naam": ["buurthuis"]}),
        wijkschouw=new_observations())
    folder = res.save_vertellen(result, tmp_path / "werk")
    assert dict(pyogrio.list_layers(folder / "kaartnotities.gpkg"))[qgis.NOTES_POINTS] == "Point"
    # the GeoJSON next to it (what notebook 3 reads) opens in QGIS too: WGS84 longitude/latitude
    assert gpd.read_file(folder / "kaartnotities.geojson").crs.to_epsg() == 4326
    back = res.load_vertellen(tmp_path / "werk")
    assert len(back.kaartnotities) == 3
    zipped = res.bundle([folder], tmp_path / "alles.zip")
    with zipfile.ZipFile(zipped) as archive:
        names = archive.namelist()
    assert "vertellen/kaartnotities.gpkg" in names
    assert "vertellen/kaartnotities.geojson" in names


def test_no_notes_gives_empty_layers_that_qgis_still_knows(tmp_path: Path) -> None:
    files = qgis.save_notes(kn.new_notes(), tmp_path)
    layers = dict(pyogrio.list_layers(files["gpkg"]))
    assert layers == {qgis.NOTES_POINTS: "Point", qgis.NOTES_AREAS: "MultiPolygon"}
    assert len(gpd.read_file(files["geojson"])) == 0
