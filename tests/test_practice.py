"""Practice survey data: labelled fictional, reproducible, realistic, with planted surprises."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wijklib.errors import InvalidChoiceError, WijklibError
from wijklib.vertellen.practice import (
    PREFIX,
    STYLES,
    figures_index,
    practice_export,
    practice_responses,
)
from wijklib.vertellen.responses import read_responses
from wijklib.vertellen.scores import AREA_CODE, respondent_scores, scale_scores
from wijklib.vertellen.survey import parse_questionnaire, vragenlijst


@pytest.fixture(scope="module")
def utrecht(utrecht_cache, cbs_server, pdok_server):
    """The real Utrecht buurten from the warm cache (as the ``warm`` fixture, once per module)."""
    from conftest import point_wijklib_at

    import wijklib

    with pytest.MonkeyPatch.context() as mp:
        point_wijklib_at(mp, cbs_server.url, pdok_server.url, utrecht_cache)
        return wijklib.kerncijfers("Utrecht", niveau="buurt")


@pytest.fixture(scope="module")
def q():
    return vragenlijst()


def test_labelled_and_shaped_like_an_import(utrecht, q):
    data = practice_responses(utrecht, seed=2026)
    assert data.attrs["oefendata"] is True and data.attrs["seed"] == 2026
    assert "Verzonnen" in data.attrs["bron"]
    assert list(data.columns) == q.data_columns()
    assert data["respondent"].str.startswith(PREFIX).all() and data["respondent"].is_unique
    assert data["respondent"].iloc[0] == "OEFEN-0001"
    assert set(data["buurtcode"]) <= set(utrecht["code"])
    names = dict(zip(utrecht["code"], utrecht["naam"], strict=True))
    assert (data["buurtnaam"] == data["buurtcode"].map(names)).all()
    for item in q.items:
        values = data[item.code].dropna()
        assert data[item.code].dtype == "float64"
        assert values.between(item.min, item.max).all()
        allowed = item.values.values() if item.soort == "schaal" else range(1, 11)
        assert set(values) <= set(allowed)
    assert data[[x.code for x in q.items]].isna().any(axis=None)  # some "no answer"
    assert set(data["leeftijdsgroep"].dropna()) <= {"18_34", "35_64", "65_plus",
                                                     "geen_antwoord"}


def test_reproducible_from_seed(utrecht):
    first = practice_responses(utrecht, seed=2026, n=400)
    again = practice_responses(utrecht, seed=2026, n=400)
    pd.testing.assert_frame_equal(first, again)
    assert first.attrs["afwijkingen"] == again.attrs["afwijkingen"]
    other = practice_responses(utrecht, seed=7, n=400)
    assert not first.equals(other)


def test_counts_follow_population_with_some_small_buurten(utrecht):
    data = practice_responses(utrecht, seed=2026)
    counts = data["buurtcode"].value_counts()
    inhabitants = utrecht.set_index("code")["inwoners"].reindex(counts.index)
    assert np.corrcoef(counts, inhabitants)[0, 1] > 0.9
    assert abs(len(data) - 0.008 * utrecht["inwoners"].sum()) < 2
    per_buurt = counts.reindex(utrecht["code"], fill_value=0)
    assert (per_buurt < 10).sum() >= 3  # some buurten stay below the minimum group size
    assert (per_buurt >= 10).mean() > 0.6


def test_answers_follow_the_cbs_figures(utrecht, q):
    data = practice_responses(utrecht, seed=2026)
    planted = {a["buurtcode"] for a in data.attrs["afwijkingen"]}
    scores = respondent_scores(data, q).assign(buurtcode=data["buurtcode"])
    means = scores.groupby("buurtcode").mean()
    counts = data["buurtcode"].value_counts()
    keep = counts[counts >= 15].index.difference(list(planted))
    figures = utrecht.set_index("code").loc[keep]
    index = figures_index(utrecht).set_axis(utrecht["code"]).loc[keep]
    grade = means.loc[keep, "rapportcijfer"]
    assert np.corrcoef(grade, index)[0, 1] > 0.5
    valid = figures["bijstand_per_1000"].notna()
    assert np.corrcoef(grade[valid], figures.loc[valid, "bijstand_per_1000"])[0, 1] < -0.2
    assert np.corrcoef(means.loc[keep, "onveiligheid"], index)[0, 1] < -0.4
    # levels in a realistic range (CBS Veiligheidsmonitor: cohesion ~6, grade ~7)
    assert 6.2 < data["cijfer_buurt"].mean() < 7.8
    assert 4.5 < scores["cohesie"].mean() < 7.0
    assert 10 < scores["onveiligheid"].mean() < 45


def test_planted_disagreements_are_visible(utrecht, q):
    data = practice_responses(utrecht, seed=2026)
    planted = data.attrs["afwijkingen"]
    assert [a["schaal"] for a in planted] == ["onveiligheid", "cohesie", "verloedering"]
    assert len({a["buurtcode"] for a in planted}) == 3
    assert all(a["wat"] and a["buurtnaam"] for a in planted)
    scores = scale_scores(data, q).set_index(["buurtcode", "schaal"])
    index = figures_index(utrecht).set_axis(utrecht["code"])
    unsafe, cohesive, littered = (a["buurtcode"] for a in planted)
    assert index[unsafe] > index.quantile(0.8)  # good figures ...
    assert not scores.loc[(unsafe, "onveiligheid"), "verborgen"]
    assert scores.loc[(unsafe, "onveiligheid"), "ondergrens"] > \
        scores.loc[(AREA_CODE, "onveiligheid"), "bovengrens"]  # ... but clearly more unsafe
    assert index[cohesive] < index.quantile(0.2)  # weak figures ...
    assert scores.loc[(cohesive, "cohesie"), "ondergrens"] > \
        scores.loc[(AREA_CODE, "cohesie"), "bovengrens"]  # ... but strong cohesion
    assert scores.loc[(littered, "verloedering"), "ondergrens"] > \
        scores.loc[(AREA_CODE, "verloedering"), "bovengrens"]


def test_planted_texts_tell_the_buurts_own_figures(utrecht):
    """The practice text says what notebook 1 shows: the buurt's own numbers, never a
    judgement that its figures contradict."""
    from wijklib.tellen.compare import format_number

    rows = utrecht.set_index("code")
    weights = pd.to_numeric(utrecht["inwoners"], errors="coerce").fillna(0)
    for planted in practice_responses(utrecht, seed=2026).attrs["afwijkingen"]:
        text, row = planted["wat"], rows.loc[planted["buurtcode"]]
        for column, name in (("bijstand_per_1000", "bijstand"), ("woz_waarde", "WOZ-waarde")):
            values = pd.to_numeric(utrecht[column], errors="coerce")
            known = values.notna() & (weights > 0)
            mean = np.average(values[known], weights=weights[known])
            if pd.notna(row[column]):
                assert f"{name} {format_number(row[column], 0)} " in text, text
                assert f"gemiddeld {format_number(mean, 0)} " in text, text
                better = (row[column] < mean) if column.startswith("bijstand") else (
                    row[column] > mean)
                if "gunstiger dan gemiddeld" in text:
                    assert better or column != "bijstand_per_1000", text
                if "minder gunstig" in text:
                    assert not better or column != "bijstand_per_1000", text
        assert ", maar " in text and "weinig bijstand" not in text


@pytest.mark.parametrize("style", STYLES)
def test_round_trip_through_every_export(utrecht, q, tmp_path, style):
    subset = utrecht[utrecht["wijkcode"].isin(["WK034401", "WK034402"])]
    data = practice_responses(subset, seed=3, n=120)
    path = practice_export(data, q, style, tmp_path / f"export_{style}.csv", buurten=utrecht)
    result = read_responses(path, q, utrecht)
    assert result.source_format == style
    columns = [c for c in data.columns if style != "google" or c != "respondent"]
    pd.testing.assert_frame_equal(result.data[columns], data[columns], check_dtype=False)
    assert len(result.report) == 0


@pytest.mark.parametrize("style", ["kobo", "msforms"])
def test_round_trip_excel(utrecht, q, tmp_path, style):
    subset = utrecht[utrecht["wijkcode"] == "WK034401"]
    data = practice_responses(subset, seed=4, n=40)
    path = practice_export(data, q, style, tmp_path / "export.xlsx")
    result = read_responses(path, q, subset)
    pd.testing.assert_frame_equal(result.data, data, check_dtype=False)
    if style == "msforms":
        assert result.personal_columns == ["Email", "Name"]


def test_small_area_and_own_questionnaire():
    buurten = pd.DataFrame({"code": ["BU1", "BU2"], "naam": ["Een", "Twee"],
                            "inwoners": [1000.0, np.nan]})
    header = ["code", "schaal", "schaal_label", "hoger_is", "tekst", "soort", "antwoorden"]
    own = parse_questionnaire(header, [
        ["buurt", "", "", "", "Buurt?", "buurt", ""],
        ["x1", "samen", "Samen", "gunstig", "Een", "schaal", "1=Nee|2=Ja"],
    ])
    data = practice_responses(buurten, seed=1, n=25, questionnaire=own)
    assert list(data.columns) == ["respondent", "buurtcode", "buurtnaam", "x1"]
    assert set(data["buurtcode"]) == {"BU1"}  # no inhabitants: no respondents
    assert data.attrs["afwijkingen"] == []  # the planted scales are not in this questionnaire
    assert len(practice_responses(buurten[["code", "naam"]], seed=1)) == 60


def test_wrong_input(q, tmp_path):
    with pytest.raises(WijklibError, match="kerncijfers"):
        practice_responses(pd.DataFrame({"x": [1]}))
    with pytest.raises(WijklibError, match="leeg"):
        practice_responses(pd.DataFrame({"code": [], "naam": []}))
    buurten = pd.DataFrame({"code": ["BU1"], "naam": ["Een"]})
    with pytest.raises(InvalidChoiceError):
        practice_responses(buurten, n=0)
    data = practice_responses(buurten, n=5)
    with pytest.raises(InvalidChoiceError, match="Kies uit"):
        practice_export(data, q, "surveymonkey", tmp_path / "x.csv")


def _sparse(columns_with_figures: dict) -> pd.DataFrame:
    """Five buurten with inhabitants; only the given figure columns are (partly) filled."""
    frame = pd.DataFrame({"code": [f"BU000000{i}" for i in range(5)],
                          "naam": ["Een", "Twee", "Drie", "Vier", "Vijf"],
                          "inwoners": [3000.0, 4000.0, 5000.0, 6000.0, 7000.0]})
    for column in ("bijstand_per_1000", "woz_waarde", "pct_koopwoningen",
                   "pct_personen_laag_inkomen", "pct_huishoudens_laag_inkomen"):
        frame[column] = columns_with_figures.get(column, [np.nan] * 5)
    frame.attrs["year"] = 2017
    return frame


def test_planted_texts_say_what_is_missing_when_the_figures_are_not_there():
    """A year without bijstand, WOZ or koopwoningen (such as 2017): no judgement of the
    figures is invented, the text says they are missing and names them."""
    data = practice_responses(_sparse({}), seed=2026, n=400)
    assert len(data.attrs["afwijkingen"]) == 3
    for planted in data.attrs["afwijkingen"]:
        text = planted["wat"]
        assert text.startswith("Over bijstand, WOZ-waarde en koopwoningen heeft het CBS voor "
                               "deze buurt geen cijfers (tabel van 2017)"), text
        assert "gemiddeld" not in text and "gunstig" not in text and ", maar " in text


def test_a_buurt_without_own_figures_is_not_called_average():
    """Other buurten have figures, this one has none: it is not 'ongeveer gemiddeld'."""
    figures = {"bijstand_per_1000": [10.0, 80.0, 20.0, np.nan, np.nan],
               "woz_waarde": [400.0, 150.0, 300.0, np.nan, np.nan]}
    data = practice_responses(_sparse(figures), seed=2026, n=400)
    for planted in data.attrs["afwijkingen"]:
        code, text = planted["buurtcode"], planted["wat"]
        if code in ("BU0000003", "BU0000004"):
            assert "geen cijfers" in text and "gemiddeld" not in text, text
        else:
            assert "gemiddeld" in text and "bijstand" in text, text


def test_zaanstad_2017_practice_texts_stay_true(services_2017):
    """The real 2017 table of Zaanstad (only inhabitants, households, density, areas)."""
    import wijklib

    buurten = wijklib.kerncijfers("Zaanstad", niveau="buurt")
    assert buurten.attrs["year"] == 2017 and buurten["bijstand_per_1000"].isna().all()
    data = practice_responses(buurten[buurten["wijkcode"] == "WK047951"], seed=2026)
    assert data.attrs["afwijkingen"], "no planted disagreement for Wormerveer"
    names = set(buurten["naam"])
    for planted in data.attrs["afwijkingen"]:
        assert planted["buurtnaam"] in names
        assert "geen cijfers (tabel van 2017)" in planted["wat"], planted["wat"]
        assert "gemiddeld" not in planted["wat"]
    assert set(data["buurtcode"]) <= set(buurten.loc[buurten["inwoners"] > 0, "code"])


def test_nobody_tells_stories_or_lists_strengths_where_nobody_lives():
    """Guisveld (Zaanstad) has 0 inhabitants: practice stories and strengths go to buurten
    where people live, unless a participant picks such a buurt as focus on purpose."""
    from wijklib.vertellen.practice import practice_assets, practice_stories

    buurten = pd.DataFrame({
        "code": [f"BU0479{i:04d}" for i in range(6)],
        "naam": ["Noord", "Zuid", "Guisveld", "Oost", "West", "Midden"],
        "inwoners": [7470.0, 3200.0, 0.0, 1500.0, np.nan, 800.0],  # unknown is not nobody
    })
    empty = "BU04790002"
    for make in (practice_stories, practice_assets):
        placed = set(make(buurten, seed=3, max_buurten=10)["buurtcode"])
        assert empty not in placed and "BU04790004" in placed, make.__name__
        assert empty in set(make(buurten, seed=3, focus=empty)["buurtcode"])
