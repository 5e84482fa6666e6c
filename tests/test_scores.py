"""Scale scores: known inputs give known scores and intervals; small groups stay hidden."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from wijklib.errors import InvalidChoiceError, WijklibError
from wijklib.guarantees.privacy import suppress
from wijklib.vertellen.scores import (
    AREA_CODE,
    MIN_N_INTERVAL,
    WITHIN,
    SurveyDataError,
    area_scores,
    compare_buurten,
    compare_scales,
    min_group_size,
    plot_scores,
    respondent_scores,
    scale_scores,
    score_table,
    score_table_html,
)
from wijklib.vertellen.survey import vragenlijst

INJECTED = "<img src=x onerror=alert(1)>"
NAN = np.nan


@pytest.fixture(scope="module")
def q():
    return vragenlijst()


def frame(q, rows):
    """Response data with every item column; ``rows`` give some of them."""
    records = []
    for i, row in enumerate(rows):
        record = {c: NAN for c in q.data_columns()}
        record.update(respondent=f"R{i + 1}", leeftijdsgroep="35_64")
        record.update(row)
        records.append(record)
    data = pd.DataFrame(records, columns=q.data_columns())
    for item in q.items:
        data[item.code] = data[item.code].astype("float64")
    return data


def coh(kennen, prettig, saamhorig, thuis, helpen):
    return dict(coh_kennen=kennen, coh_prettig=prettig, coh_saamhorig=saamhorig,
                coh_thuis=thuis, coh_helpen=helpen)


A = dict(buurtcode="BU1", buurtnaam="Aburen")
B = dict(buurtcode="BU2", buurtnaam="Beekdal")


@pytest.fixture(scope="module")
def known(q):
    return frame(q, [
        {**A, **coh(2, 4, 4, NAN, NAN), "onveilig_buurt": 1, "cijfer_buurt": 8},   # 7.5
        {**A, **coh(5, 1, 3, 3, 1), "onveilig_buurt": 0, "cijfer_buurt": 6},       # 2.0
        {**A, **coh(1, 5, NAN, NAN, NAN), "onveilig_buurt": 1},                    # too few
        {**B, **coh(2, 4, 4, 4, 4), "onveilig_buurt": 0, "cijfer_buurt": 7},       # 7.5
        {**B, **coh(1, 5, 5, 5, 5), "onveilig_buurt": 0, "cijfer_buurt": 7},       # 10
        {**B, **coh(3, 3, 3, 3, 3), "onveilig_buurt": 0, "cijfer_buurt": 8},       # 5
        {**B, **coh(2, 4, 4, 4, 4), "onveilig_buurt": 1, "cijfer_buurt": 9},       # 7.5
    ])


def row(scores, code, schaal):
    return scores[(scores["buurtcode"] == code) & (scores["schaal"] == schaal)].iloc[0]


def t_interval(values, low, high):
    values = np.asarray(values, dtype=float)
    n = len(values)
    half = stats.t.ppf(0.975, n - 1) * values.std(ddof=1) / math.sqrt(n)
    return max(low, values.mean() - half), min(high, values.mean() + half)


# --------------------------------------------------------------------------- scores


def test_respondent_scores_flip_and_half_rule(q, known):
    per = respondent_scores(known, q)
    assert per["cohesie"].tolist()[:2] == [7.5, 2.0]
    assert math.isnan(per["cohesie"].iloc[2])  # 2 of 5 items: not enough
    assert per["cohesie"].tolist()[3:] == [7.5, 10.0, 5.0, 7.5]
    assert per["onveiligheid"].tolist() == [100, 0, 100, 0, 0, 0, 100]
    assert per["rapportcijfer"].iloc[0] == 8 and math.isnan(per["rapportcijfer"].iloc[2])


def test_known_scores_and_intervals(q, known):
    scores = scale_scores(known, q, min_n=1)
    assert list(scores.columns[:10]) == ["buurtcode", "buurtnaam", "schaal", "label", "score",
                                         "ondergrens", "bovengrens", "n", "verborgen",
                                         "hoger_is"]
    a = row(scores, "BU1", "cohesie")
    assert a["score"] == pytest.approx(4.75) and a["n"] == 2
    # a mean needs MIN_N_INTERVAL respondents for its t-interval: below that none is shown
    assert MIN_N_INTERVAL == 5
    assert math.isnan(a["ondergrens"]) and math.isnan(a["bovengrens"])
    b = row(scores, "BU2", "cohesie")
    assert b["score"] == pytest.approx(7.5) and b["n"] == 4
    assert math.isnan(b["ondergrens"]) and b["interval"] == "t"
    total = row(scores, AREA_CODE, "cohesie")
    values = [7.5, 2, 7.5, 10, 5, 7.5]
    assert total["score"] == pytest.approx(np.mean(values))
    assert total["n"] == 6 and total["buurtnaam"] == "Hele gebied"
    low, high = t_interval(values, 0, 10)
    assert total["ondergrens"] == pytest.approx(low) and total["bovengrens"] == pytest.approx(high)
    assert low == pytest.approx(np.mean(values) - 2.570582 * np.std(values, ddof=1) / 6**0.5)
    unsafe = row(scores, "BU1", "onveiligheid")
    assert unsafe["score"] == pytest.approx(200 / 3) and unsafe["eenheid"] == "%"
    assert unsafe["hoger_is"] == "ongunstig" and unsafe["interval"] == "exact"
    grade = row(scores, AREA_CODE, "rapportcijfer")
    assert grade["score"] == pytest.approx(7.5) and grade["eenheid"] == "1–10"
    low, high = t_interval([8, 6, 7, 7, 8, 9], 1, 10)
    assert grade["ondergrens"] == pytest.approx(low)
    single = scale_scores(known.iloc[[0]], q, min_n=1)
    assert math.isnan(row(single, "BU1", "cohesie")["ondergrens"])  # n = 1: no interval
    assert not row(single, "BU1", "cohesie")["verborgen"]


def test_area_scores(q, known):
    area = area_scores(known, q, min_n=1)
    assert area["buurtcode"].unique().tolist() == [AREA_CODE]
    assert len(area) == len(q.scales)


def test_group_by_other_column(q, known):
    scores = scale_scores(known, q, by="leeftijdsgroep", min_n=1, totaal=False)
    assert scores.columns[0] == "leeftijdsgroep"
    assert scores["leeftijdsgroep"].unique().tolist() == ["35_64"]
    with pytest.raises(SurveyDataError, match="staat niet"):
        scale_scores(known, q, by="geslacht")


# --------------------------------------------------------------------------- minimum group


def test_min_group_hides_score_interval_and_n(q, known):
    scores = scale_scores(known, q, min_n=3)
    a = row(scores, "BU1", "cohesie")  # 2 respondents with a cohesion score
    assert a["verborgen"]
    assert all(pd.isna(a[c]) for c in ("score", "ondergrens", "bovengrens", "n",
                                       "standaardfout"))
    assert not row(scores, "BU1", "onveiligheid")["verborgen"]  # 3 answers: shown
    visible = scores[~scores["verborgen"]]
    assert (visible["n"] >= 3).all()
    assert scores["n"].dropna().ge(3).all()  # no number below the minimum anywhere
    assert scores.attrs["min_n"] == 3
    table = score_table(scores)
    hidden = table[(table["Buurt"] == "Aburen") & table["Schaal"].str.startswith("Sociale")]
    assert hidden["Score"].item() == "te weinig antwoorden (<3)"
    assert hidden["Antwoorden"].item() == "<3" and hidden["95%-interval"].item() == ""
    numbers = [int(x) for x in table["Antwoorden"] if x.isdigit()]
    assert min(numbers) >= 3


def test_min_group_from_environment(q, known, monkeypatch):
    monkeypatch.delenv("WIJKLIB_MIN_GROEP", raising=False)
    assert min_group_size() == 10
    scores = scale_scores(known, q)
    assert scores["verborgen"].all()  # 7 respondents in all: nothing is shown
    assert scores["score"].isna().all() and scores["n"].isna().all()
    monkeypatch.setenv("WIJKLIB_MIN_GROEP", "4")
    assert min_group_size() == 4
    scores = scale_scores(known, q)
    assert row(scores, AREA_CODE, "cohesie")["n"] == 6
    assert row(scores, "BU1", "cohesie")["verborgen"]
    # BU2 (4) is hidden too: otherwise 6 - 4 gives BU1 away
    assert row(scores, "BU2", "cohesie")["reden"] == "verborgen om terugrekenen te voorkomen"
    for bad in ("tien", "0", "-3", "2.5"):
        monkeypatch.setenv("WIJKLIB_MIN_GROEP", bad)
        with pytest.raises(InvalidChoiceError, match="WIJKLIB_MIN_GROEP"):
            min_group_size()
    with pytest.raises(InvalidChoiceError):
        scale_scores(known, q, min_n=0)


def test_buurten_without_answers_get_a_hidden_row(q, known):
    buurten = pd.DataFrame({"code": ["BU1", "BU2", "BU3"],
                            "naam": ["Aburen", "Beekdal", "Cityveld"]})
    scores = scale_scores(known, q, min_n=1, buurten=buurten)
    c = row(scores, "BU3", "cohesie")
    assert c["verborgen"] and c["buurtnaam"] == "Cityveld" and pd.isna(c["n"])


def test_empty_and_all_missing(q):
    empty = frame(q, [])
    scores = scale_scores(empty, q, min_n=1)
    assert scores["buurtcode"].unique().tolist() == [AREA_CODE]
    assert scores["verborgen"].all() and scores["score"].isna().all()
    blank = frame(q, [{**A}, {**A}, {**B}])
    scores = scale_scores(blank, q, min_n=1)
    assert scores["score"].isna().all()  # no answers: no score, never 0
    with pytest.raises(SurveyDataError, match="ontbreken"):
        scale_scores(empty.drop(columns=["coh_kennen"]), q)
    with pytest.raises(SurveyDataError):
        scale_scores("geen tabel", q)


# --------------------------------------------------------------------------- suppress


def test_suppress_with_group_size_column():
    notes = pd.DataFrame({"buurt": ["A", "B", "C"], "aantal": [12, 3, 0],
                          "gemiddelde": [1.5, 2.5, np.nan], "label": ["x", "y", "z"]})
    out = suppress(notes, "aantal", ["gemiddelde", "label"], min_n=10)
    assert out["aantal"].tolist()[0] == 12 and out["aantal"].isna().tolist() == [False, True,
                                                                                 True]
    assert str(out["aantal"].dtype) == "Int64"
    assert out["gemiddelde"].isna().tolist() == [False, True, True]
    assert out["label"].tolist()[0] == "x" and out["label"].isna().tolist()[1:] == [True, True]
    assert out["verborgen"].tolist() == [False, True, True]
    assert notes["aantal"].tolist() == [12, 3, 0]  # the input is not changed


def test_suppress_wide_counts_cell_by_cell():
    counts = pd.DataFrame({"buurt": ["A", "B"], "kans": [14, 2], "knelpunt": [0, 25]})
    out = suppress(counts, None, ["kans", "knelpunt"], min_n=10)
    assert out["kans"].tolist()[0] == 14 and pd.isna(out["kans"].iloc[1])
    assert pd.isna(out["knelpunt"].iloc[0]) and out["knelpunt"].iloc[1] == 25
    assert out["verborgen"].tolist() == [True, True]
    kept = suppress(counts, None, "knelpunt", min_n=10, keep_zero=True, flag_col=None)
    assert kept["knelpunt"].tolist() == [0, 25] and "verborgen" not in kept
    with pytest.raises(InvalidChoiceError, match="staan niet"):
        suppress(counts, None, ["thema"], min_n=10)


def test_suppress_default_minimum(monkeypatch):
    monkeypatch.setenv("WIJKLIB_MIN_GROEP", "5")
    out = suppress(pd.DataFrame({"n": [4, 5]}), "n", [], flag_col="weg")
    assert out["n"].isna().tolist() == [True, False] and out["weg"].tolist() == [True, False]


# --------------------------------------------------------------------------- comparisons


@pytest.fixture(scope="module")
def three(q):
    rng = np.random.default_rng(1)
    rows = []
    for code, name, centre in (("BU1", "Hoogland", 8.0), ("BU2", "Laagland", 6.0),
                               ("BU3", "Bijna-Hoogland", 7.9), ("BU4", "Klein", 5.0),
                               ("BU5", "Mini", 6.0)):
        # two small groups (4 + 7 >= 10): hiding them is enough, no big group is hidden
        size = {"BU4": 4, "BU5": 7}.get(code, 60)
        for value in np.clip(np.round(rng.normal(centre, 1.0, size)), 1, 10):
            rows.append({"buurtcode": code, "buurtnaam": name, "cijfer_buurt": value})
    return scale_scores(frame(q, rows), q, min_n=10)


def test_compare_with_area(three):
    result = compare_buurten(three, "rapportcijfer")
    judged = dict(zip(result["buurtnaam"], result["oordeel"], strict=True))
    assert judged["Hoogland"] == "gunstiger" and judged["Laagland"] == "ongunstiger"
    assert judged["Klein"] == "te weinig antwoorden"
    small = result[result["buurtnaam"] == "Klein"].iloc[0]
    assert pd.isna(small["score"]) and pd.isna(small["verschil"])
    assert "te weinig antwoorden" in small["uitleg"] and not re.search(r"\d,\d", small["uitleg"])
    assert "het hele gebied" in result["vergeleken_met"].tolist()[0]


def test_compare_pairs_within_margin(three):
    pairs = compare_buurten(three, "rapportcijfer", met="elkaar")
    assert len(pairs) == 3  # only the three visible buurten
    close = pairs[pairs["buurtnaam"].isin(["Hoogland", "Bijna-Hoogland"])
                  & pairs["vergeleken_met"].isin(["Hoogland", "Bijna-Hoogland"])].iloc[0]
    assert close["oordeel"] == "binnen de onzekerheid"
    assert WITHIN in close["uitleg"]
    assert abs(close["verschil"]) <= close["marge"]
    one = compare_buurten(three, "rapportcijfer", met="BU2")
    assert set(one["buurtcode"]) == {"BU1", "BU3", "BU4", "BU5"}
    assert one.set_index("buurtcode").loc["BU1", "oordeel"] == "gunstiger"


def test_compare_wrong_input(three):
    with pytest.raises(InvalidChoiceError, match="Kies uit"):
        compare_buurten(three, "geluk")
    with pytest.raises(InvalidChoiceError):
        compare_buurten(three, "rapportcijfer", met="BU9")
    with pytest.raises(SurveyDataError):
        compare_buurten(three[three["buurtcode"] != AREA_CODE], "rapportcijfer")
    with pytest.raises(WijklibError):
        compare_buurten(pd.DataFrame({"x": [1]}), "rapportcijfer")


# --------------------------------------------------------------------------- display


def all_texts(figure):
    texts = [t.get_text() for t in figure.findobj(lambda o: hasattr(o, "get_text"))]
    return [t for t in texts if t]


def test_plot_hides_small_groups(three):
    figure = plot_scores(three, "rapportcijfer")
    ax = figure.axes[0]
    texts = all_texts(figure)
    assert "te weinig antwoorden (<10)" in texts
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert "Klein" in labels and any(lab.startswith("Hoogland (n = 60") for lab in labels)
    assert len([p for p in ax.patches if p.get_width() > 0]) == 3  # no bar for "Klein"
    for text in texts:
        for number in re.findall(r"n = (\d+)", text):
            assert int(number) >= 10
    assert ax.get_xlim() == (1.0, 10.0)
    with pytest.raises(InvalidChoiceError):
        plot_scores(three, "geluk")


def test_plot_into_given_axes_and_all_hidden(q, known):
    from matplotlib.figure import Figure

    figure = Figure()
    ax = figure.add_subplot()
    assert plot_scores(scale_scores(known, q, min_n=100), "cohesie", ax=ax) is figure
    texts = all_texts(figure)
    assert texts.count("te weinig antwoorden (<100)") == 2
    assert not any(re.search(r"n = \d", t) for t in texts)


def test_score_table_html_is_escaped(q, known):
    data = known.copy()
    data.loc[data["buurtcode"] == "BU2", "buurtnaam"] = INJECTED
    page = score_table_html(scale_scores(data, q, min_n=1), ["cohesie"])
    assert INJECTED not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "7,5" in page  # Dutch decimal comma


# --------------------------------------------------------------------------- secondary


def test_secondary_suppress_rules():
    from wijklib.guarantees.privacy import secondary_suppress

    assert secondary_suppress({"a": 53, "b": 36, "c": 1}, 10) == ({"b", "c"}, {"b"}, False)
    assert secondary_suppress({"a": 13, "b": 11, "c": 9, "geen": 0}, 10) == (
        {"b", "c"}, {"b"}, False)
    assert secondary_suppress({"a": 30, "b": 3, "c": 4, "geen": 12}, 10)[0] == {"b", "c",
                                                                                "geen"}
    assert secondary_suppress({"a": 30, "b": 20, "c": 0}, 10) == (set(), set(), False)
    assert secondary_suppress({"a": 2, "b": 3}, 10) == ({"a", "b"}, set(), True)
    # one small group and the rest of the total is unknown: hide the total
    assert secondary_suppress({"c": 5}, 10, total=40) == ({"c"}, set(), True)
    assert secondary_suppress({}, 10) == (set(), set(), True)  # total 0 < 10
    assert secondary_suppress({"a": None, "b": 12, "c": 12}, 10) == (set(), set(), False)


def _subtraction_leaks(scores, truth):
    """Hidden groups whose n follows from the total minus the visible groups."""
    leaks = []
    for schaal, part in scores.groupby("schaal"):
        area = part[part["buurtcode"] == AREA_CODE].iloc[0]
        groups = part[part["buurtcode"] != AREA_CODE]
        if area["verborgen"]:
            continue
        hidden = groups[groups["verborgen"]]
        rest = int(area["n"]) - int(groups.loc[~groups["verborgen"], "n"].sum())
        real = [truth[(schaal, c)] for c in hidden["buurtcode"] if truth[(schaal, c)] > 0]
        if len(real) == 1 or (real and rest < 10):
            leaks.append((schaal, rest))
    return leaks


def test_secondary_suppression_in_scale_scores(q):
    rows = ([{**A, **coh(4, 4, 4, 4, 4), "cijfer_buurt": 8}] * 53
            + [{**B, **coh(3, 3, 3, 3, 3), "cijfer_buurt": 6}] * 36
            + [{"buurtcode": "BU3", "buurtnaam": "Cmini", **coh(1, 1, 1, 1, 1),
                "cijfer_buurt": 2}])
    data = frame(q, rows)
    open_ = scale_scores(data, q, min_n=1)
    truth = {(r.schaal, r.buurtcode): 0 if pd.isna(r.n) else int(r.n)
             for r in open_.itertuples()}
    scores = scale_scores(data, q, min_n=10)
    assert _subtraction_leaks(scores, truth) == []
    cohesie = scores[scores["schaal"] == "cohesie"].set_index("buurtcode")
    assert not cohesie.loc["BU1", "verborgen"] and cohesie.loc["BU1", "n"] == 53
    assert cohesie.loc["BU2", "verborgen"] and pd.isna(cohesie.loc["BU2", "score"])
    assert pd.isna(cohesie.loc["BU2", "n"])
    assert cohesie.loc["BU2", "reden"] == "verborgen om terugrekenen te voorkomen"
    assert cohesie.loc["BU3", "reden"] == "te weinig antwoorden"
    assert cohesie.loc["BU1", "reden"] == ""
    assert cohesie.loc[AREA_CODE, "n"] == 90  # the total stays: 37 = two hidden groups
    table = score_table(scores, ["cohesie"]).set_index("Buurt")
    assert table.loc["Beekdal", "Score"] == "verborgen om terugrekenen te voorkomen"
    assert table.loc["Beekdal", "Antwoorden"] == "niet getoond"
    # without secondary suppression the hidden buurt would follow from the total
    assert int(cohesie.loc[AREA_CODE, "n"]) - 53 - 36 == 1


def test_secondary_suppression_hides_total_when_nothing_else_helps(q):
    rows = ([{**A, **coh(4, 4, 4, 4, 4)}] * 3
            + [{"buurtcode": pd.NA, "buurtnaam": pd.NA, **coh(3, 3, 3, 3, 3)}] * 30)
    scores = scale_scores(frame(q, rows), q, min_n=10)
    area = row(scores, AREA_CODE, "cohesie")
    assert area["verborgen"] and pd.isna(area["n"]) and pd.isna(area["score"])
    assert area["reden"] == "verborgen om terugrekenen te voorkomen"


# ------------------------------------------------------------------ shares and many tests


def nee_rows(code, name, n, ja=0):
    return [{"buurtcode": code, "buurtnaam": name, "onveilig_buurt": 1.0 if i < ja else 0.0}
            for i in range(n)]


@pytest.mark.parametrize("n", [10, 11, 12])
def test_all_nee_gives_an_exact_interval_not_zero_zero(q, n):
    scores = scale_scores(frame(q, nee_rows("BU1", "Aburen", n)), q, min_n=10)
    share = row(scores, "BU1", "onveiligheid")
    assert share["score"] == 0 and share["interval"] == "exact"
    assert share["ondergrens"] == 0
    # Clopper-Pearson: 1 - 0.025 ** (1 / n) -> 30,8 % (n = 10) to 26,5 % (n = 12)
    assert share["bovengrens"] == pytest.approx(100 * (1 - 0.025 ** (1 / n)))
    assert 26 <= share["bovengrens"] <= 31
    shown = score_table(scores, ["onveiligheid"]).iloc[0]["95%-interval"]
    assert shown != "0 – 0" and shown.endswith(format(share["bovengrens"], ".1f")
                                               .replace(".", ","))


def test_all_nee_buurt_is_not_called_gunstiger(q):
    rows = nee_rows("BU1", "Aburen", 12)
    for i, code in enumerate(("BU2", "BU3", "BU4", "BU5", "BU6")):
        rows += nee_rows(code, f"Buurt {i}", 40, ja=8)
    scores = scale_scores(frame(q, rows), q, min_n=10)
    judged = compare_buurten(scores, "onveiligheid").set_index("buurtcode")
    own = judged.loc["BU1"]
    assert own["oordeel"] == "binnen de onzekerheid", own["uitleg"]
    assert abs(own["verschil"]) <= own["marge"]  # what notebook 2's exercise 3 checks
    assert own["ondergrens_verschil"] < 0 < own["bovengrens_verschil"]
    # one comparison alone, without correction, still does not call 0 of 12 "gunstiger"
    one = compare_buurten(scores, "onveiligheid", met="BU2", correctie=False)
    assert one.set_index("buurtcode").loc["BU1", "oordeel"] == "binnen de onzekerheid"
    # a real, large difference is still found
    rows = nee_rows("BU1", "Aburen", 60) + nee_rows("BU2", "Beekdal", 60, ja=40)
    big = compare_buurten(scale_scores(frame(q, rows), q, min_n=10), "onveiligheid",
                          met="elkaar")
    assert big["oordeel"].tolist() == ["gunstiger"]


def survey_with_buurt_effects(q, rng):
    """Seven buurten of 30-60 respondents whose true scores differ a lot."""
    rows = []
    for b in range(7):
        level = rng.uniform(0.15, 0.85)
        for _ in range(int(rng.integers(30, 60))):
            record = {"buurtcode": f"BU{b}", "buurtnaam": f"Buurt {b}"}
            for item in q.items:
                if not item.scored:
                    continue
                values = sorted(set(item.values.values())) or list(
                    range(int(item.min), int(item.max) + 1))
                p = np.clip(level + rng.normal(0, 0.25), 0, 1)
                record[item.code] = values[int(round(p * (len(values) - 1)))]
            rows.append(record)
    return frame(q, rows)


def test_shuffled_buurt_labels_give_essentially_no_real_differences(q):
    rng = np.random.default_rng(11)
    data = survey_with_buurt_effects(q, rng)
    real = compare_scales(scale_scores(data, q, min_n=10))
    echt = ~real["oordeel"].isin(["binnen de onzekerheid", "te weinig antwoorden"])
    assert echt.mean() > 0.5  # true differences are found
    assert real.attrs["vergelijkingen"] == len(real) >= 40
    assert "Bonferroni" in real.attrs["correctie"] and str(len(real)) in real.attrs["correctie"]
    corrected = uncorrected = total = 0
    for _ in range(25):
        shuffled = data.copy()
        order = rng.permutation(len(data))
        shuffled[["buurtcode", "buurtnaam"]] = data[["buurtcode", "buurtnaam"]].to_numpy()[order]
        scores = scale_scores(shuffled, q, min_n=10)
        found = compare_scales(scores)
        corrected += int((~found["oordeel"].isin(["binnen de onzekerheid"])).sum())
        for schaal in q.scales:
            plain = compare_buurten(scores, schaal.code, correctie=False)
            uncorrected += int((~plain["oordeel"].isin(["binnen de onzekerheid"])).sum())
        total += len(found)
    assert uncorrected / total > 0.02  # without a correction chance "finds" differences
    assert corrected / total < 0.005  # with it essentially none come out "echt"
