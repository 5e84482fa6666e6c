"""Every figure keeps its year and source through what participants do with it.

The attacks are the operations of the notebooks' exercises: merge, join, concat, filter,
copy and groupby, on real frames from the loopback CBS server. After each, the library
still knows year, table and source, or refuses in Dutch instead of "jaar onbekend".
"""

from __future__ import annotations

import pandas as pd
import pytest

import wijklib
from wijklib.agenda import ringen
from wijklib.agenda import state as ag
from wijklib.guarantees import provenance
from wijklib.guarantees.provenance import ProvenanceError
from wijklib.tellen import compare


@pytest.fixture
def utrecht(warm) -> tuple[pd.DataFrame, pd.DataFrame]:
    return (wijklib.kerncijfers("Utrecht", niveau="buurt"),
            wijklib.kerncijfers("Utrecht", niveau="gemeente"))


def _year(frame: pd.DataFrame, column: str) -> int:
    return provenance.require(frame, column)["year"]


def test_rows_carry_year_table_and_source(utrecht):
    buurten, _ = utrecht
    assert {"jaar", "tabel", "bron"} <= set(buurten.columns)
    info = provenance.indicators(buurten)
    assert info["inwoners"]["year"] == buurten.attrs["year"]
    assert info["inwoners"]["table_id"] == buurten.attrs["table_id"]
    # a figure filled from an older table keeps that older year, also without attrs
    older = [n for n, m in buurten.attrs["indicators"].items()
             if m.get("year") != buurten.attrs["year"] and m.get("available")]
    assert older, "the fixture has figures from an older table"
    bare = buurten.copy()
    bare.attrs = {}
    for name in older:
        assert _year(bare, name) == buurten.attrs["indicators"][name]["year"]
    assert _year(bare, "inwoners") == buurten.attrs["year"]


def test_merge_join_filter_copy_keep_the_year(utrecht):
    buurten, gemeente = utrecht
    year = buurten.attrs["year"]
    own = pd.DataFrame({"code": buurten["code"], "bankjes": range(len(buurten))})
    merged = buurten.merge(own, on="code")
    merged.attrs = {}  # what pandas does in many versions: nothing left in attrs
    assert _year(merged, "inwoners") == year
    joined = own.set_index("code").join(buurten.set_index("code"))
    joined.attrs = {}
    assert _year(joined, "woz_waarde") == provenance.indicators(buurten)["woz_waarde"]["year"]
    few = merged[merged["inwoners"] > 5000].copy()
    assert _year(few, "inwoners") == year
    # the participant's own column has no CBS year: refused, not "jaar onbekend"
    with pytest.raises(ProvenanceError, match="jaar"):
        provenance.require(merged, "bankjes")
    # compare after a merge still prints the year (it showed "jaar <NA>")
    table = compare.compare(merged, gemeente, ["inwoners", "woz_waarde"])
    assert table["jaar"].notna().all()


def test_merge_of_two_years_keeps_both(utrecht, warm):
    buurten, _ = utrecht
    before = wijklib.kerncijfers("Utrecht", niveau="buurt", jaar=2023)
    both = buurten.merge(before[["code", "inwoners", "jaar", "tabel", "bron"]], on="code",
                         suffixes=("_nu", "_toen"))
    both.attrs = {}
    assert _year(both, "inwoners_nu") == buurten.attrs["year"]
    assert _year(both, "inwoners_toen") == 2023
    stacked = pd.concat([buurten, before], ignore_index=True)
    entry = provenance.indicators(stacked)["inwoners"]
    assert entry["year"] is None and entry["years"] == sorted({2023, buurten.attrs["year"]})
    assert provenance.years_text(entry) == f"2023 en {buurten.attrs['year']}"


def test_groupby_keeps_or_refuses(utrecht):
    buurten, _ = utrecht
    kept = buurten.groupby(["wijkcode", "jaar", "tabel", "bron"], as_index=False)[
        ["inwoners"]].sum()
    assert _year(kept, "inwoners") == buurten.attrs["year"]
    summed = buurten.groupby("wijkcode")[["inwoners", "jaar"]].sum()
    with pytest.raises(ProvenanceError, match="geen jaartal"):
        provenance.indicators(summed)
    chosen = buurten.groupby("wijkcode")[["inwoners"]].sum()
    chosen.attrs = {}
    with pytest.raises(ProvenanceError, match="Houd de kolommen 'jaar', 'tabel' en 'bron'"):
        provenance.require(chosen, "inwoners")


def test_baseline_and_rings_after_merge(utrecht):
    buurten, gemeente = utrecht
    own = pd.DataFrame({"code": buurten["code"], "bankjes": 1.0})
    merged = buurten.merge(own, on="code")
    merged.attrs = {}
    code = str(buurten["code"].iloc[0])
    base = ag.nulmeting_cbs(merged, code, "woz_waarde")
    assert base["basisjaar"] == provenance.indicators(buurten)["woz_waarde"]["year"]
    police = ringen.add_indicator(merged, "misdrijven_per_1000",
                                  dict.fromkeys(buurten["code"], 40.0), 2024, "Politie")
    police = police.merge(own.rename(columns={"bankjes": "x"}), on="code")
    police.attrs = {}
    entry = provenance.require(police, "misdrijven_per_1000")
    assert entry["year"] == 2024 and entry["source"] == "Politie"
    # the rings name the same tables (with their ids) after a merge as before
    ring = ringen.cijfers_ring(merged, gemeente)
    before = ringen.cijfers_ring(buurten, gemeente)
    assert ring["bronnen"].str.contains("NED").any()
    assert ring["bronnen"].tolist() == before["bronnen"].tolist()


def test_maps_show_the_year_after_a_merge_and_refuse_without_one(utrecht):
    from wijklib.tellen import maps

    buurten, _ = utrecht
    areas = wijklib.gebieden("Utrecht", niveau="buurt")
    own = pd.DataFrame({"code": buurten["code"], "bankjes": 1.0})
    merged = buurten.merge(own, on="code")
    merged.attrs = {}
    year = str(provenance.require(buurten, "inwoners")["year"])
    m = maps.choropleth(areas, merged, "inwoners")
    assert f"Bron: CBS {year}" in m.get_root().render()
    assert "jaar onbekend" not in m.get_root().render()
    bare = merged[["code", "inwoners"]].copy()
    with pytest.raises(ProvenanceError, match="niet zien als actueel cijfer"):
        maps.svg_map(areas, bare, "inwoners")


def test_compare_keeps_each_rows_year_after_concat(utrecht, warm):
    buurten, gemeente = utrecht
    before = wijklib.kerncijfers("Utrecht", niveau="buurt", jaar=2023)
    stacked = pd.concat([buurten.iloc[:3], before.iloc[:3]], ignore_index=True)
    table = compare.compare(stacked, gemeente, ["inwoners"])
    assert table["jaar"].tolist() == [buurten.attrs["year"]] * 3 + [2023] * 3
    assert table["ander_jaar"].tolist() == [False] * 3 + [True] * 3
