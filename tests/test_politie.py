"""wijklib.misdrijven: police registrations (47018NED) against a loopback dataderden server."""

from __future__ import annotations

import json
import math
import shutil

import pytest
from loopback import CbsODataServer

import wijklib
from wijklib.errors import (
    DataNotAvailableError,
    InvalidChoiceError,
    NoConnectionError,
    ServiceError,
)
from wijklib.guarantees import provenance


def police_rows(shared_dir) -> dict[str, int | None]:
    """Code -> count of the fixture's 2023 total rows (read independently of wijklib)."""
    path = shared_dir / "fixtures" / "cbs-dataderden" / "47018NED" / "TypedDataSet.json"
    rows = json.loads(path.read_text("utf-8"))["value"]
    return {r["WijkenEnBuurten"].strip(): r["GeregistreerdeMisdrijven_1"] for r in rows
            if r["SoortMisdrijf"].strip() == "0.0.0" and r["Perioden"] == "2023JJ00"}


def kwb_2023_inhabitants(shared_dir) -> dict[str, int | None]:
    path = shared_dir / "fixtures" / "cbs-odata" / "85618NED" / "TypedDataSet.json"
    rows = json.loads(path.read_text("utf-8"))["value"]
    return {r["Codering_3"].strip(): r["AantalInwoners_5"] for r in rows}


def test_utrecht_buurten_counts_rates_and_provenance(politie, shared_dir):
    df = wijklib.misdrijven("Utrecht")
    expected = {c: n for c, n in police_rows(shared_dir).items() if c.startswith("BU0344")}
    assert len(df) == 111 and set(df["code"]) == set(expected)
    assert list(df.columns[:12]) == [
        "code", "naam", "niveau", "gemeentecode", "soort", "soort_naam", "misdrijven",
        "inwoners", "per_1000", "per_1000_laag", "per_1000_hoog", "weinig_inwoners"]
    inhabitants = kwb_2023_inhabitants(shared_dir)
    for _, row in df.iterrows():
        assert row["misdrijven"] == expected[row["code"]]
        assert row["inwoners"] == inhabitants[row["code"]]  # KWB of the same year, 2023
        if row["inwoners"] and row["inwoners"] > 0:
            rate = row["misdrijven"] / row["inwoners"] * 1000
            assert row["per_1000"] == pytest.approx(rate)
            assert row["per_1000_laag"] <= row["per_1000"] <= row["per_1000_hoog"]
        else:
            assert math.isnan(row["per_1000"])
    assert (df["soort"] == "0.0.0").all() and (df["soort_naam"] == "Totaal misdrijven").all()
    assert df.set_index("code").loc["BU03440111", "naam"] != "BU03440111"  # a real name
    # provenance: the counts are the police's, the inhabitants CBS's, both of 2023
    assert (df["jaar"] == 2023).all() and (df["tabel"] == "47018NED").all()
    assert (df["bron"] == "Politie, via CBS").all()
    assert provenance.require(df, "misdrijven")["year"] == 2023
    inw = provenance.require(df, "inwoners")
    assert inw["year"] == 2023 and inw["table_id"] == "85618NED" and "CBS" in inw["source"]
    assert df.attrs["table_id"] == "47018NED" and df.attrs["year"] == 2023
    assert any("aangifte" in n for n in df.attrs["notes"])
    # small buurten are flagged, their wide interval shows why
    small = df[df["weinig_inwoners"].fillna(False)]
    assert not small.empty and any("minder dan 200" in n for n in df.attrs["notes"])


def test_gemeente_level_and_the_feed_is_paged(politie):
    df = wijklib.misdrijven("utrecht", niveau="gemeente")
    assert df["code"].tolist() == ["GM0344"] and df["misdrijven"].tolist() == [25614]
    wijklib.misdrijven("Utrecht", niveau="buurt")
    assert any("$skip=100" in r for r in politie.requests)  # 111 rows, pages of 100


def test_codes_are_kept_and_no_other_years_inhabitants(politie, shared_dir):
    df = wijklib.misdrijven("Zaanstad", niveau="buurt")
    expected = {c: n for c, n in police_rows(shared_dir).items() if c.startswith("BU0479")}
    assert len(df) == 50 and set(df["code"]) == set(expected)
    # KWB 2023 has no Zaanstad here: no rate rather than a rate on 2024 inhabitants
    assert df["inwoners"].isna().all() and df["per_1000"].isna().all()
    assert any("inwoners van een ander jaar" in n for n in df.attrs["notes"])
    assert not any(".)" in n or ".." in n for n in df.attrs["notes"])  # reads as one sentence
    zero = [c for c, n in expected.items() if n == 0]
    assert df.set_index("code").loc[zero, "misdrijven"].eq(0).all()  # a real 0 stays 0


@pytest.fixture
def politie_with_gap(shared_dir, tmp_path, politie, monkeypatch):
    """The police table with one buurt's count unknown (null)."""
    folder = tmp_path / "dataderden" / "47018NED"
    shutil.copytree(shared_dir / "fixtures" / "cbs-dataderden" / "47018NED", folder)
    for name in ("TypedDataSet.json",):
        path = folder / name
        path.chmod(0o644)
        data = json.loads(path.read_text("utf-8"))
        for row in data["value"]:
            if row["WijkenEnBuurten"].strip() == "BU03440111":
                row["GeregistreerdeMisdrijven_1"] = None
        path.write_text(json.dumps(data), "utf-8")
    with CbsODataServer(tmp_path / "dataderden") as server:
        monkeypatch.setenv("WIJKLIB_POLITIE_URL", server.url)
        yield server


def test_missing_count_is_nan_never_zero(politie_with_gap):
    df = wijklib.misdrijven("Utrecht").set_index("code")
    assert math.isnan(df.loc["BU03440111", "misdrijven"])
    assert math.isnan(df.loc["BU03440111", "per_1000"])
    assert any("geen 0" in n for n in df.attrs["notes"])


def test_kinds_and_years_say_what_to_choose(politie):
    with pytest.raises(InvalidChoiceError) as err:
        wijklib.misdrijven("Utrecht", soort="ruimteschip")
    assert "soorten()" in str(err.value)
    with pytest.raises(DataNotAvailableError) as err:  # a kind the request got no rows for
        wijklib.misdrijven("Utrecht", soort="1.1.1")
    assert "Diefstal/inbraak woning" in str(err.value)
    with pytest.raises(DataNotAvailableError):  # keys are padded as CBS pads them
        wijklib.misdrijven("Utrecht", soort="2.6.10")
    assert any("SoortMisdrijf eq '2.6.10' and" in r for r in politie.requests)
    with pytest.raises(InvalidChoiceError) as err:
        wijklib.misdrijven("Utrecht", soort="diefstal")  # fits many kinds
    assert "past bij meer soorten" in str(err.value)
    with pytest.raises(DataNotAvailableError) as err:
        wijklib.misdrijven("Utrecht", jaar=2019)
    assert "2019" in str(err.value) and "2023" in str(err.value)
    from wijklib.data import politie as module

    kinds = module.soorten()
    assert len(kinds) == 59 and kinds.iloc[0].tolist() == ["0.0.0", "Totaal misdrijven"]


def test_transient_failures_are_retried(politie):
    politie.fail_next(2, status=503)
    df = wijklib.misdrijven("Utrecht", niveau="gemeente")
    assert df["misdrijven"].tolist() == [25614]


def test_persistent_error_is_reported(politie):
    politie.fail_next(50, status=500)
    with pytest.raises(ServiceError) as err:
        wijklib.misdrijven("Utrecht", niveau="gemeente")
    assert "dataderden" in str(err.value) and "HTTP 500" in str(err.value)


def test_down_without_cache_says_how_to_prefetch(politie, monkeypatch, closed_port_url):
    monkeypatch.setenv("WIJKLIB_POLITIE_URL", closed_port_url)
    with pytest.raises(NoConnectionError) as err:
        wijklib.misdrijven("Utrecht", niveau="gemeente")
    assert "politiecijfers" in str(err.value) and "python -m wijklib download" in str(err.value)


def test_warm_cache_answers_without_the_server(politie, monkeypatch, closed_port_url):
    first = wijklib.misdrijven("Utrecht")
    monkeypatch.setenv("WIJKLIB_POLITIE_URL", closed_port_url)
    politie.clear_requests()
    again = wijklib.misdrijven("Utrecht")
    assert politie.requests == []
    assert first.equals(again) and first.attrs["notes"] == again.attrs["notes"]


def test_prefetch_also_keeps_the_police_figures(politie, monkeypatch, closed_port_url):
    from wijklib.data.download import prefetch

    assert prefetch(["Utrecht"], progress=False) == []
    monkeypatch.setenv("WIJKLIB_POLITIE_URL", closed_port_url)  # the service is gone now
    df = wijklib.misdrijven("Utrecht")
    assert len(df) == 111 and df["per_1000"].notna().any()
    assert wijklib.misdrijven("Utrecht", jaar=int(df.attrs["year"]), niveau="gemeente")[
        "per_1000"].notna().all()
