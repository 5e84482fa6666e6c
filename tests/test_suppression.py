"""Small groups placed to invite subtraction: no output, and no combination of outputs,
gives a hidden count away.

Every number an output publishes about respondents is a linear equation in the unknown
buurt counts (a buurt's count, or the total of a set of buurten). A hidden buurt's count
follows from the published numbers exactly when its unit vector lies in the row space of
those equations; the test checks that for every hidden buurt and every pair of hidden
buurten with fewer respondents together than the minimum.
"""

from __future__ import annotations

import itertools
import re

import numpy as np
import pandas as pd
import pytest

from wijklib.agenda import state as ag
from wijklib.guarantees.privacy import (
    REASON_SECONDARY,
    Suppression,
    decide_suppression,
)
from wijklib.vertellen import practice, samenvatting, scores, survey

MIN = 10
#: wijk 01: a small buurt (the focus), one just above the minimum, a large one;
#: wijk 02: a small buurt next to a large one; wijk 03: two ordinary buurten.
SIZES = {
    "BU00010101": 3, "BU00010102": 12, "BU00010103": 40,
    "BU00010201": 4, "BU00010202": 50,
    "BU00010301": 30, "BU00010302": 25,
}
FOCUS = "BU00010101"
WIJKEN = {"WK000101": ["BU00010101", "BU00010102", "BU00010103"],
          "WK000102": ["BU00010201", "BU00010202"],
          "WK000103": ["BU00010301", "BU00010302"]}
CODES = list(SIZES)


@pytest.fixture(scope="module")
def buurten() -> pd.DataFrame:
    rows = []
    for i, code in enumerate(CODES):
        rows.append({"code": code, "naam": f"Buurt {'ABCDEFG'[i]}", "wijkcode": "WK" + code[2:8],
                     "inwoners": 2000.0 + 100 * i, "leeftijd_15_25": 300.0,
                     "leeftijd_25_45": 700.0, "leeftijd_45_65": 600.0,
                     "leeftijd_65_plus": 300.0, "bijstand_per_1000": 30.0 + i,
                     "woz_waarde": 300.0 + 10 * i, "pct_65_plus": 15.0})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def vragen() -> survey.Questionnaire:
    return survey.vragenlijst()


@pytest.fixture(scope="module")
def answers(buurten, vragen) -> pd.DataFrame:
    pool = practice.practice_responses(buurten, seed=5, n=sum(SIZES.values()),
                                       questionnaire=vragen, min_n=MIN)
    codes = [code for code, n in SIZES.items() for _ in range(n)]
    out = pool.iloc[: len(codes)].copy()
    out["buurtcode"] = codes
    out["buurtnaam"] = out["buurtcode"].map(dict(zip(buurten["code"], buurten["naam"],
                                                     strict=True)))
    return out.reset_index(drop=True)


class Published:
    """The linear equations that published numbers put on unknown counts.

    One set of unknowns per dimension: the respondents per buurt (``"respondenten"``),
    and per scale the respondents with a score on it (a scale's ``n``).
    """

    def __init__(self, truth: dict[str, dict[str, int]]) -> None:
        self.truth = truth
        self.rows: dict[str, list[np.ndarray]] = {dim: [] for dim in truth}
        self.where: list[str] = []

    def count(self, code: str, value: int, where: str, dim: str = "respondenten") -> None:
        self.total([code], value, where, dim)

    def total(self, codes, value: int, where: str, dim: str = "respondenten") -> None:
        assert value == sum(self.truth[dim][c] for c in codes), f"{where}: wrong number"
        row = np.zeros(len(CODES))
        row[[CODES.index(c) for c in codes]] = 1
        self.rows[dim].append(row)
        self.where.append(where)

    def determines(self, codes, dim: str) -> bool:
        if not self.rows[dim]:
            return False
        matrix = np.array(self.rows[dim])
        target = np.zeros(len(CODES))
        target[[CODES.index(c) for c in codes]] = 1
        return (np.linalg.matrix_rank(np.vstack([matrix, target]))
                == np.linalg.matrix_rank(matrix))


def _truth(answers, vragen) -> dict[str, dict[str, int]]:
    per_person = scores.respondent_scores(answers, vragen)
    truth = {"respondenten": dict(SIZES)}
    for scale in vragen.scales:
        has = per_person[scale.code].notna().groupby(answers["buurtcode"]).sum()
        truth[scale.code] = {c: int(has.get(c, 0)) for c in CODES}
    return truth


def _areas():
    """Every area a participant can publish a page or table for."""
    yield "gemeente", None, CODES
    for wijk, members in WIJKEN.items():
        yield wijk, members, members
    for code in CODES:
        yield code, [code], [code]


def _publish_response_tables(out: Published, answers, buurten, decision=None) -> None:
    for name, codes, members in _areas():
        table = samenvatting.response_table(answers, buurten, codes, MIN,
                                            suppression=decision)
        for row in table.itertuples():
            if str(row.Respondenten).isdigit():
                out.count(row.buurtcode, int(row.Respondenten), f"respons {name}")
        if table.attrs["totaal"] is not None:
            out.total(members, table.attrs["totaal"], f"respons {name} totaal")


def _publish_age_tables(out: Published, answers, buurten, vragen, decision=None) -> None:
    for name, codes, members in _areas():
        table = samenvatting.age_table(answers, buurten, codes, vragen, MIN,
                                       suppression=decision)
        counts = table["Respondenten"]
        if len(table) and counts.str.isdigit().all():
            out.total(members, int(counts.astype(int).sum()), f"leeftijd {name}")


def _publish_scale_scores(out: Published, answers, vragen, decision=None) -> None:
    """Notebook 2's page for a wijk scores the wijk's answers; notebook 3 scores all."""
    subsets = [("alles", CODES)] + [(w, m) for w, m in WIJKEN.items()]
    for name, members in subsets:
        data = answers[answers["buurtcode"].isin(members)]
        table = scores.scale_scores(data, vragen, min_n=MIN, suppression=decision)
        for row in table.itertuples():
            if pd.isna(row.n):
                continue
            if row.buurtcode == scores.AREA_CODE:
                out.total(members, int(row.n), f"scores {name} totaal", row.schaal)
            else:
                out.count(row.buurtcode, int(row.n), f"scores {name}", row.schaal)


def _counts_in(page: str) -> set[int]:
    """Numbers printed as a count: alone in a table cell, or as ``n = …``."""
    cells = re.findall(r"<td[^>]*>\s*(\d+)\s*</td>", page)
    return {int(n) for n in cells + re.findall(r"n = (\d+)", page)}


def _assert_nothing_follows(out: Published, decision: Suppression) -> None:
    hidden = [c for c in CODES if not decision.shows(c)]
    assert FOCUS in hidden
    for dim, truth in out.truth.items():
        small = [c for c in CODES if 0 < truth[c] < MIN]
        for code in set(hidden) | set(small):
            assert not out.determines([code], dim), f"{dim} {code} follows from {out.where}"
        for pair in itertools.combinations(sorted(set(hidden) | set(small)), 2):
            if sum(truth[c] for c in pair) < MIN:
                assert not out.determines(pair, dim), f"{dim} {pair} follow from {out.where}"


def test_the_decision_protects_every_wijk_and_the_whole():
    decision = decide_suppression(SIZES, MIN)
    assert {"BU00010101", "BU00010201"} <= decision.hidden
    assert decision.reason("BU00010101") == "te weinig antwoorden"
    # wijk 02 holds one small buurt next to a large one: either both are hidden or the
    # wijk total is not shown; the same for what the gemeente total leaves over
    for members in WIJKEN.values():
        inside = [c for c in members if c in decision.hidden]
        shown = decision.total(members) is not None
        assert not shown or not inside or (len(inside) >= 2
                                           and sum(SIZES[c] for c in inside) >= MIN)
    assert decision.total() == sum(SIZES.values())
    assert any(decision.reason(c) == REASON_SECONDARY for c in CODES)
    assert Suppression.from_dict(decision.to_dict()).to_dict() == decision.to_dict()


def test_no_hidden_count_follows_from_all_outputs_together(answers, buurten, vragen):
    out = Published(_truth(answers, vragen))
    _publish_response_tables(out, answers, buurten)
    _publish_age_tables(out, answers, buurten, vragen)
    _publish_scale_scores(out, answers, vragen)
    assert len(out.where) > 10  # the outputs did publish numbers
    _assert_nothing_follows(out, decide_suppression(answers["buurtcode"], MIN))


def test_outputs_with_the_survey_decision_agree(answers, buurten, vragen):
    decision = decide_suppression(answers["buurtcode"], MIN)
    out = Published(_truth(answers, vragen))
    _publish_response_tables(out, answers, buurten, decision)
    _publish_age_tables(out, answers, buurten, vragen, decision)
    _publish_scale_scores(out, answers, vragen, decision)
    _assert_nothing_follows(out, decision)


def test_pages_print_no_hidden_count(answers, buurten, vragen):
    """The printed pages for every area show no count below the minimum."""
    from wijklib.notebook.resultaten import Vertellen

    result = Vertellen(gemeente="Testgemeente", antwoorden=answers,
                       kaartnotities=pd.DataFrame(), verhalen=pd.DataFrame(),
                       krachten=pd.DataFrame())
    for name, codes, _ in _areas():
        page = samenvatting.summary_html(result, buurten, codes if name != "gemeente"
                                         else None, questionnaire=vragen, min_n=MIN)
        shown = _counts_in(page)
        assert shown, name  # the page does print counts
        assert not {3, 4, 7} & shown, name  # the small counts and their sum


def test_share_text_never_prints_a_count_below_the_minimum():
    text = ag.share_text(["65_plus"] * 2 + ["18_35"] * 5, "65_plus", "65 jaar of ouder", MIN)
    assert "7" not in text and "minder dan 10" in text
    decision = decide_suppression(SIZES, MIN)
    # a selection of buurten that is no wijk, with a buurt hidden to protect a small one
    codes = ["BU00010202", "BU00010103"]
    assert decision.total(codes) is None
    groups = ["65_plus"] * 20 + ["18_35"] * (sum(SIZES[c] for c in codes) - 20)
    text = ag.share_text(groups, "65_plus", "65 jaar of ouder", MIN, suppression=decision,
                         codes=codes)
    assert "terugrekenen" in text and not re.search(r"\d", text.replace("65", ""))
    shown = ag.share_text(groups[:40], "65_plus", "65 jaar of ouder", MIN,
                          suppression=decision, codes=["BU00010103"])
    assert "n = 40" in shown


#: Age groups in wijk 03 (55 respondents) placed so that the 65+ line could give a hidden
#: age group away: few without an age, few of 65+, 65+ hidden only to protect another
#: group, and one distribution where nothing needs hiding.
AGE_CASES = {
    "weinig zonder leeftijd": {"18_34": 25, "35_64": 15, "65_plus": 12, "": 3},
    "weinig 65+": {"18_34": 26, "35_64": 25, "65_plus": 4, "": 0},
    "65+ verborgen voor een ander": {"18_34": 22, "35_64": 20, "65_plus": 11, "": 2},
    "zeg ik liever niet": {"18_34": 25, "35_64": 22, "65_plus": 0, "geen_antwoord": 8},
    "niets verborgen": {"18_34": 20, "35_64": 13, "65_plus": 12, "": 10},
}


def _with_ages(answers: pd.DataFrame, ages: dict[str, int]) -> pd.DataFrame:
    out = answers.copy()
    rows = out.index[out["buurtcode"].isin(WIJKEN["WK000103"])]
    assert len(rows) == sum(ages.values())
    out.loc[rows, "leeftijdsgroep"] = [g or None for g, n in ages.items() for _ in range(n)]
    return out


def _line_counts(line: str) -> dict[str, int] | None:
    """The counts a share line lets a reader work out (None: it shows no numbers)."""
    found = re.search(r": (\d+)% van de deelnemers die het invulden \(n = (\d+)", line)
    if found is None:
        assert not re.search(r"\d", line.replace("65", "").replace(f"{MIN}", "")), line
        return None
    share, n = int(found[1]), int(found[2])
    left_out = re.search(r"; (\d+) zonder antwoord", line)
    return {"65_plus": round(share * n / 100), "geen": int(left_out[1]) if left_out else 0}


@pytest.mark.parametrize("case", list(AGE_CASES))
def test_the_65_plus_line_gives_away_no_age_group_the_age_table_hides(
        case, answers, buurten, vragen):
    from wijklib.notebook.uitkomsten import survey_aggregates

    data = _with_ages(answers, AGE_CASES[case])
    decision = decide_suppression(data["buurtcode"], MIN)
    members = WIJKEN["WK000103"]
    assert decision.total(members) == 55  # the wijk total is published
    table = samenvatting.age_table(data, buurten, members, vragen, suppression=decision)
    shown = dict(zip(table["Leeftijdsgroep"], table["Respondenten"], strict=True))
    published = {"65_plus": shown["65 jaar of ouder"], "geen": shown["Geen leeftijd opgegeven"]}
    part = data.loc[data["buurtcode"].isin(members), "leeftijdsgroep"]
    lines = {
        "share_text": ag.share_text(part, "65_plus", "65 jaar of ouder", MIN,
                                    suppression=decision, codes=members),
        "notebook 3": ag.share_line(survey_aggregates(data, buurten, vragen, MIN)
                                    .age_share(members), "65 jaar of ouder"),
    }
    for where, line in lines.items():
        counts = _line_counts(line)
        if counts is None:
            assert "laat ik" in line and "niet zien" in line, (where, line)
            continue
        for group, value in counts.items():  # only what the age table shows itself
            assert published[group] == str(value), (case, where, line, shown)
    if case == "niets verborgen":
        assert all(_line_counts(line) for line in lines.values()), lines
