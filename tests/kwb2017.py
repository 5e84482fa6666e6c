"""Build a 2017 world for the loopback servers at test time (never committed).

``shared`` has CBS's real metadata of the 2017 KWB table (``data/kwb-2017-metadata``) and
the 2017 Wijk- en buurtkaart of Zaanstad with its figures (``data/znstd-shiny-pilot``), but
no wire-format fixture of that year. This module reshapes those files into the wire
format of ``shared/fixtures`` in a temporary folder:

- ``cbs-odata/83765NED/``: CBS's own 2017 ``DataProperties`` and ``TableInfos``, and a
  ``TypedDataSet`` with the 19 wijken and 50 buurten of Zaanstad. Only the figures that the
  kaart gives in the unit of the table are filled in (inhabitants, men, women, density,
  households, household size, areas, urbanity, postcode, the boundary-change flag); the
  kaart gives age groups and marital status as percentages where the table has counts,
  so those stay ``null``, as do all other topics. No figure is invented or computed.
- the 2023 and 2024 tables of ``shared/fixtures/cbs-odata``, linked (not copied);
- ``pdok/wijken-en-buurten-2017/``: the Zaanstad wijken and buurten of 2017 in CRS84,
  and ``pdok/wijken-en-buurten-2024`` linked from the shared fixtures.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

TABLE_2017 = "83765NED"
ORIGIN = "https://opendata.cbs.nl/ODataFeed/odata"

#: kaart property -> title of the 2017 KWB topic with the same unit.
SAME_UNIT = {
    "aant_inw": "Aantal inwoners",
    "aant_man": "Mannen",
    "aant_vrouw": "Vrouwen",
    "bev_dichth": "Bevolkingsdichtheid",
    "aantal_hh": "Huishoudens totaal",
    "gem_hh_gr": "Gemiddelde huishoudensgrootte",
    "opp_tot": "Oppervlakte totaal",
    "opp_land": "Oppervlakte land",
    "opp_water": "Oppervlakte water",
    "oad": "Omgevingsadressendichtheid",
    "sted": "Mate van stedelijkheid",
}


def _value(raw: Any) -> Any:
    if raw is None or raw == "":
        return None
    if isinstance(raw, float) and math.isnan(raw):
        return None
    if isinstance(raw, int | float) and raw <= -99990:
        return None  # the kaart's sentinel for a secret figure
    return raw


def _properties(shared: Path) -> list[dict[str, Any]]:
    path = shared / "data" / "kwb-2017-metadata" / "DataProperties.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    out = []
    numeric = {"ID", "Position", "ParentID", "MapYear", "Decimals"}
    for row in rows:
        entry: dict[str, Any] = {}
        for key, value in row.items():
            if key in numeric:
                entry[key] = int(float(value)) if value not in ("", None) else None
            else:
                entry[key] = value
        out.append(entry)
    return out


def _info(shared: Path) -> dict[str, Any]:
    path = shared / "data" / "kwb-2017-metadata" / "TableInfos.csv"
    with path.open(encoding="utf-8") as handle:
        row = next(csv.DictReader(handle))
    return {**row, "ID": 0}


def _document(name: str, value: list[dict[str, Any]]) -> dict[str, Any]:
    return {"odata.metadata": f"{ORIGIN}/{TABLE_2017}/$metadata#Cbs.OData.{name}",
            "value": value}


def _kaart(shared: Path, name: str) -> dict[str, Any]:
    return json.loads((shared / "data" / "znstd-shiny-pilot" / name).read_text("utf-8"))


def _rows(shared: Path, props: list[dict[str, Any]]) -> tuple[list, list]:
    key = {p["Title"].strip(): p["Key"] for p in props if p["Type"] == "Topic"}
    topics = [p["Key"] for p in props if p["Type"] == "Topic"]
    rows, dimension = [], []
    for level, name, code_prop, name_prop in (
        ("Wijk", "wijk_zaanstad.geojson", "wk_code", "wk_naam"),
        ("Buurt", "buurt_zaanstad.geojson", "bu_code", "bu_naam"),
    ):
        for feature in _kaart(shared, name)["features"]:
            p = feature["properties"]
            code = str(p[code_prop]).strip()
            row: dict[str, Any] = dict.fromkeys(topics)
            row.update({
                "ID": len(rows),
                "WijkenEnBuurten": f"{code:<10}",
                key["Gemeentenaam"]: f"{p['gm_naam']:<40}",
                key["Soort regio"]: f"{level:<10}",
                key["Codering"]: f"{code:<10}",
                key["Indelingswijziging wijken en buurten"]: str(p["ind_wbi"]),
                key["Meest voorkomende postcode"]: str(p.get("postcode") or "."),
            })
            for prop, title in SAME_UNIT.items():
                row[key[title]] = _value(p.get(prop))
            rows.append(row)
            dimension.append({"Key": f"{code:<10}", "Title": str(p[name_prop]).strip(),
                              "Description": "", "DetailRegionCode": code})
    return rows, dimension


def _write(folder: Path, name: str, payload: dict[str, Any]) -> None:
    (folder / f"{name}.json").write_text(json.dumps(payload, ensure_ascii=False), "utf-8")


def build_cbs(shared: Path, target: Path) -> Path:
    """The ``cbs-odata`` folder: 2017 built here, 2023 and 2024 linked from ``shared``."""
    target.mkdir(parents=True, exist_ok=True)
    for table in (shared / "fixtures" / "cbs-odata").iterdir():
        link = target / table.name
        if not link.exists():
            link.symlink_to(table, target_is_directory=True)
    folder = target / TABLE_2017
    folder.mkdir(exist_ok=True)
    props = _properties(shared)
    rows, dimension = _rows(shared, props)
    names = ["TableInfos", "UntypedDataSet", "TypedDataSet", "DataProperties",
             "CategoryGroups", "WijkenEnBuurten"]
    _write(folder, "_root", {
        "odata.metadata": f"{ORIGIN}/{TABLE_2017}/$metadata",
        "value": [{"name": n, "url": f"{ORIGIN}/{TABLE_2017}/{n}"} for n in names],
    })
    _write(folder, "TableInfos", _document("TableInfos", [_info(shared)]))
    _write(folder, "DataProperties", _document("DataProperties", props))
    _write(folder, "CategoryGroups", _document("CategoryGroups", []))
    _write(folder, "WijkenEnBuurten", _document("Dimensions", dimension))
    _write(folder, "TypedDataSet", _document("TypedDataSet", rows))
    untyped = [{k: "       ." if v is None else str(v) for k, v in row.items()} for row in rows]
    _write(folder, "UntypedDataSet", _document("UntypedDataSet", untyped))
    return target


def build_pdok(shared: Path, target: Path) -> Path:
    """The ``pdok`` folder: Zaanstad 2017 in CRS84, 2024 linked from ``shared``."""
    import geopandas as gpd

    target.mkdir(parents=True, exist_ok=True)
    for dataset in (shared / "fixtures" / "pdok").iterdir():
        link = target / dataset.name
        if not link.exists():
            link.symlink_to(dataset, target_is_directory=True)
    folder = target / "wijken-en-buurten-2017"
    folder.mkdir(exist_ok=True)
    for collection, name, renames in (
        ("wijken", "wijk_zaanstad.geojson", {"wk_code": "wijkcode", "wk_naam": "wijknaam"}),
        ("buurten", "buurt_zaanstad.geojson",
         {"bu_code": "buurtcode", "bu_naam": "buurtnaam", "wk_code": "wijkcode"}),
    ):
        frame = gpd.read_file(shared / "data" / "znstd-shiny-pilot" / name).to_crs("EPSG:4326")
        features = []
        for i, (_, row) in enumerate(frame.iterrows()):
            props = {new: str(row[old]).strip() for old, new in renames.items()}
            code = props.get("buurtcode") or props["wijkcode"]
            props.update({"gemeentecode": row["gm_code"], "gemeentenaam": row["gm_naam"],
                          "water": row["water"], "jrstatcode": f"2017{code}"})
            features.append({"type": "Feature", "id": i + 1, "properties": props,
                             "geometry": row.geometry.__geo_interface__})
        payload = {"type": "FeatureCollection", "features": features}
        (folder / f"{collection}.json").write_text(json.dumps(payload), "utf-8")
    return target
