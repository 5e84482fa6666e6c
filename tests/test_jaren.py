"""Every year 2017–2025: the year fall-back is bounded in years, says when a row mixes
years, and never carries a figure across a boundary change (loopback servers, real
cbsodata client)."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import point_wijklib_at
from loopback import CbsODataServer

import wijklib
from wijklib.errors import DataNotAvailableError
from wijklib.guarantees import provenance
from wijklib.tellen import pitfalls


def test_fall_back_is_bounded_in_years_not_tables(services_2017):
    cbs, _ = services_2017
    assert {"83765NED", "85618NED", "85984NED"} <= set(cbs.tables)
    df = wijklib.kerncijfers("Zaanstad", niveau="wijk")
    assert df.attrs["year"] == 2024
    # 2024 has inhabitants but no households for Zaanstad; 2023 has no Zaanstad rows, and
    # 2017 is seven years older: no households, and so no 2024/2017 household size
    assert df["inwoners"].notna().all()
    assert df["huishoudens"].isna().all() and df["huishoudensgrootte"].isna().all()
    info = provenance.indicators(df)
    assert all(entry["years"] != [2017] for entry in info.values())
    assert "jaar_huishoudens" not in df.columns
    assert "niet in" in df.attrs["missing"]["huishoudens"] or "nog niet" in \
        df.attrs["missing"]["huishoudens"]


def test_newest_table_with_rows_is_named_in_a_note(services_2017, shared_dir):
    df = wijklib.kerncijfers("Zaanstad", niveau="buurt")
    assert df.attrs["year"] == 2017 and df.attrs["table_id"] == "83765NED"
    assert len(df) == 50 and (df["jaar"] == 2017).all()
    assert any("van 2017" in n and "2024" in n for n in df.attrs["notes"]), df.attrs["notes"]
    # the kaart's figures in the table's unit, under the real 2017 keys
    kaart = json.loads((shared_dir / "data" / "znstd-shiny-pilot" / "buurt_zaanstad.geojson")
                       .read_text("utf-8"))
    first = kaart["features"][0]["properties"]
    row = df.set_index("code").loc[first["bu_code"]]
    assert row["inwoners"] == first["aant_inw"] and row["huishoudens"] == first["aantal_hh"]
    assert df["leeftijd_0_15"].isna().all()  # the kaart has % where the table has counts
    reasons = pitfalls.missing_overview(df).set_index("indicator")["reden"]
    assert reasons["opleiding_laag"] == "niet in de tabel van 2017"
    assert reasons["woz_waarde"].startswith("nog niet gepubliceerd")
    assert reasons["inwoners"] == ""


def test_a_row_that_mixes_years_says_so(services):
    df = wijklib.kerncijfers("Utrecht", niveau="buurt")
    notes = " ".join(df.attrs["notes"])
    assert "mengt jaren" in notes and "2023" in notes and "2024" in notes
    assert (df["jaar_woz_waarde"] == 2023).all() and (df["jaar"] == 2024).all()
    assert provenance.require(df, "woz_waarde")["year"] == 2023
    assert provenance.require(df[["code", "woz_waarde", "jaar", "tabel", "bron",
                                  "jaar_woz_waarde", "tabel_woz_waarde"]],
                              "woz_waarde")["year"] == 2023
    # an explicit year never mixes
    only = wijklib.kerncijfers("Utrecht", jaar=2024, niveau="buurt")
    assert not any("mengt" in n for n in only.attrs["notes"])
    assert not [c for c in only.columns if c.startswith("jaar_")]


def test_missing_overview_says_why(services):
    df = wijklib.kerncijfers("Utrecht", niveau="buurt")
    out = pitfalls.missing_overview(df).set_index("indicator")
    assert "nog niet gepubliceerd" in out.loc["elektriciteit", "reden"]
    assert "2023" in out.loc["elektriciteit", "reden"]  # the older table was looked at
    partly = out[out["status"] == pitfalls.STATUS_PARTLY]
    assert not partly.empty and partly["reden"].str.contains("geheim").all()


# ------------------------------------------------------------------- boundary changes

CHANGED, RECODED = "BU03440111", "BU03440112"


def utrecht_only_2024(shared_dir, tmp_path_factory, flag):
    """2023 as is; 2024 with Utrecht's rows only, its boundary flags set by ``flag``."""
    root = tmp_path_factory.mktemp("indeling")
    source = shared_dir / "fixtures" / "cbs-odata"
    (root / "85618NED").symlink_to(source / "85618NED", target_is_directory=True)
    folder = root / "85984NED"
    shutil.copytree(source / "85984NED", folder,
                    ignore=shutil.ignore_patterns("TypedDataSet.json", "UntypedDataSet.json"))
    data = json.loads((source / "85984NED" / "TypedDataSet.json").read_text("utf-8"))
    rows = [r for r in data["value"] if r["Codering_3"].strip()[2:6] == "0344"]
    for row in rows:
        row["IndelingswijzigingGemeenteWijkBuurt_4"] = flag(row["Codering_3"].strip())
    (folder / "TypedDataSet.json").write_text(json.dumps({**data, "value": rows}), "utf-8")
    return root


@pytest.fixture(scope="module")
def boundary_server(shared_dir, tmp_path_factory):
    """One buurt changed (3), one recoded (2) in 2024."""
    changes = {CHANGED: "3", RECODED: "2"}
    root = utrecht_only_2024(shared_dir, tmp_path_factory, lambda code: changes.get(code, "1"))
    with CbsODataServer(root, page_size=1000) as server:
        yield server


def test_unknown_boundary_flags_are_said(shared_dir, tmp_path_factory, pdok_server, tmp_path,
                                         monkeypatch):
    root = utrecht_only_2024(shared_dir, tmp_path_factory, lambda code: None)
    with CbsODataServer(root, page_size=1000) as server:
        point_wijklib_at(monkeypatch, server.url, pdok_server.url, tmp_path / "cache")
        df = wijklib.kerncijfers("Utrecht", niveau="wijk")
    assert (df["jaar_woz_waarde"] == 2023).all() and df["woz_waarde"].notna().all()
    assert any("kan ik niet" in n and "2024" in n for n in df.attrs["notes"]), df.attrs["notes"]


def test_no_older_figure_across_a_boundary_change(boundary_server, pdok_server, tmp_path,
                                                  monkeypatch):
    point_wijklib_at(monkeypatch, boundary_server.url, pdok_server.url, tmp_path / "cache")
    df = wijklib.kerncijfers("Utrecht", niveau="buurt").set_index("code")
    assert df.loc[CHANGED, "indelingswijziging"] == "3"
    # the 2023 WOZ value is about another area (or another code) for these two buurten
    assert df.loc[[CHANGED, RECODED], "woz_waarde"].isna().all()
    unchanged = df.drop(index=[CHANGED, RECODED])
    assert unchanged["woz_waarde"].notna().sum() > 90
    notes = " ".join(df.attrs["notes"])
    assert "andere indeling" in notes and CHANGED in notes and RECODED in notes


# ------------------------------------------------------------- geometry follows the year


def test_map_of_the_figures_year_or_the_nearest_with_the_same_codes(services):
    cijfers = wijklib.kerncijfers("Utrecht", jaar=2023, niveau="buurt")
    kaart = wijklib.gebieden("Utrecht", jaar=2023, niveau="buurt", codes=cijfers["code"])
    # PDOK (the fixture) has no 2023 map; 2024 has the same 111 buurt codes
    assert kaart.attrs["year"] == 2024 and kaart.attrs["jaar_gevraagd"] == 2023
    assert set(kaart["code"]) == set(cijfers["code"])
    notes = " ".join(kaart.attrs["notes"])
    assert "De kaart is van 2024" in notes and "2023" in notes and "dezelfde" in notes
    # the newest year asked gives that year's map without a note
    same = wijklib.gebieden("Utrecht", jaar=2024, niveau="buurt")
    assert same.attrs["year"] == 2024 and same.attrs["notes"] == []


def test_codes_not_on_any_map_are_named(services):
    codes = [*wijklib.gebieden("Utrecht", niveau="buurt")["code"], "BU03449999"]
    kaart = wijklib.gebieden("Utrecht", niveau="buurt", codes=codes)
    assert kaart.attrs["year"] == 2024
    assert any("BU03449999" in n and "niet op de kaart" in n for n in kaart.attrs["notes"])


def test_zaanstad_buurten_get_the_2017_map(services_2017):
    cijfers = wijklib.kerncijfers("Zaanstad", niveau="buurt")
    kaart = wijklib.gebieden("Zaanstad", jaar=cijfers.attrs["year"], niveau="buurt",
                             codes=cijfers["code"])
    assert kaart.attrs["year"] == 2017 and kaart.attrs["notes"] == []
    assert set(kaart["code"]) == set(cijfers["code"]) and len(kaart) == 50
    minx, miny, maxx, maxy = kaart.total_bounds  # reprojected to lon/lat around Zaanstad
    assert 4.6 < minx < maxx < 5.0 and 52.4 < miny < maxy < 52.6
    # asked for 2024 with the figures' codes: the nearest year whose codes match, said
    later = wijklib.gebieden("Zaanstad", jaar=2024, niveau="buurt", codes=cijfers["code"])
    assert later.attrs["year"] == 2017 and "De kaart is van 2017" in later.attrs["notes"][0]
    # without codes to check, a map seven years off is not taken silently
    with pytest.raises(DataNotAvailableError) as err:
        wijklib.gebieden("Zaanstad", jaar=2024, niveau="buurt")
    assert "2024" in str(err.value)


def test_prefetch_fetches_the_map_of_the_figures_year(services_2017, monkeypatch):
    from wijklib.data.download import prefetch

    problems = prefetch(["Zaanstad"], progress=False)
    assert not [p for p in problems if "kaart per buurt" in p[0]], problems
    # offline, the notebook's call is answered from the cache
    monkeypatch.setenv("WIJKLIB_CBS_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("WIJKLIB_PDOK_URL", "http://127.0.0.1:9")
    cijfers = wijklib.kerncijfers("Zaanstad", niveau="buurt")
    kaart = wijklib.gebieden("Zaanstad", jaar=cijfers.attrs["year"], niveau="buurt",
                             codes=cijfers["code"])
    assert kaart.attrs["year"] == 2017 and len(kaart) == 50


@pytest.fixture(scope="module")
def euro_server(shared_dir, tmp_path_factory):
    """The 2023 table with the WOZ value in euro instead of x 1 000 euro (values × 1 000)
    and the 0-15 age group in % (another figure)."""
    root = tmp_path_factory.mktemp("euro")
    source = shared_dir / "fixtures" / "cbs-odata"
    (root / "85984NED").symlink_to(source / "85984NED", target_is_directory=True)
    folder = root / "85618NED"
    shutil.copytree(source / "85618NED", folder)
    props_path = folder / "DataProperties.json"
    props = json.loads(props_path.read_text("utf-8"))
    woz = kind = None
    for prop in props["value"]:
        if prop.get("Title") == "Gemiddelde WOZ-waarde van woningen":
            prop["Unit"], woz = "euro", prop["Key"]
        if prop.get("Title") == "0 tot 15 jaar":
            prop["Unit"], kind = "%", prop["Key"]
    data_path = folder / "TypedDataSet.json"
    data = json.loads(data_path.read_text("utf-8"))
    for row in data["value"]:
        if row.get(woz) is not None:
            row[woz] = row[woz] * 1000
    for path in (props_path, data_path):
        path.chmod(0o644)
    props_path.write_text(json.dumps(props), "utf-8")
    data_path.write_text(json.dumps(data), "utf-8")
    with CbsODataServer(root, page_size=1000) as server:
        yield server, kind


def test_exact_unit_conversion_only(euro_server, services, tmp_path, monkeypatch):
    server, kind_key = euro_server
    plain = wijklib.kerncijfers("Utrecht", jaar=2023, niveau="wijk").set_index("code")
    point_wijklib_at(monkeypatch, server.url, services[1].url, tmp_path / "other-cache")
    euro = wijklib.kerncijfers("Utrecht", jaar=2023, niveau="wijk").set_index("code")
    assert euro["woz_waarde"].tolist() == pytest.approx(plain["woz_waarde"].tolist())
    assert euro.attrs["indicators"]["woz_waarde"]["factor"] == 0.001
    assert euro["leeftijd_0_15"].isna().all()  # % is not a count: left out, with why
    assert "andere eenheid (%)" in euro.attrs["missing"]["leeftijd_0_15"]
    # the converted figure falls back like any other
    newest = wijklib.kerncijfers("Utrecht", niveau="wijk").set_index("code")
    assert newest["woz_waarde"].tolist() == pytest.approx(plain["woz_waarde"].tolist())
