"""No hidden count follows by subtraction, within one output or across all outputs together.

One survey with small groups placed to invite subtraction (the focus buurt hidden, a small
buurt next to one just above the minimum in the focus wijk, and small groups outside the
wijk) goes through notebook 2 and then notebook 3, as a participant would run them. Every
published number of participants is collected from every output (the notebooks' tables
and texts, the two summary pages, the buurtagenda in HTML and Markdown, the CSV files in
the zips and the hand-over folder) as a linear equation over the buurten's true counts:
"these buurten together have N participants". A hidden buurt's count must not follow
from all equations together (it must not lie in their row space), and every equation
must hold for the true counts (so the collector reads the outputs right).

The same is checked for the number of respondents with a score on each scale (the n of
the score tables and score files).
"""

from __future__ import annotations

import html
import io
import json
import re
import zipfile

import numpy as np
import pandas as pd
import pytest
from test_notebooks import SOLUTIONS, outputs, run_notebook

import wijklib
from wijklib.guarantees import writing
from wijklib.vertellen import practice, scores, survey

MIN = 10
WIJK = "WK034403"
FOCUS = "BU03440311"
ROW = re.compile(r"<tr[^>]*>(.*?)</tr>", re.S)
CELL = re.compile(r"<t([dh])[^>]*>(.*?)</t[dh]>", re.S)


def _plain(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", fragment)).replace("\xa0", " ").strip()


def _number(text: str) -> int | None:
    text = text.strip()
    return int(text.replace(".", "")) if re.fullmatch(r"\d{1,3}(\.\d{3})*|\d+", text) else None


def _tables(page: str) -> list[list[list[str]]]:
    """Every HTML table of a page as rows of plain cell texts (header rows included)."""
    found = []
    for table in re.findall(r"<table[^>]*>(.*?)</table>", page, re.S):
        found.append([[_plain(c) for _, c in CELL.findall(row)] for row in ROW.findall(table)])
    return found


def _make_survey(buurten: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """Answers for all of Utrecht with small groups placed to invite subtraction."""
    answers = practice.practice_responses(buurten, seed=2026)
    members = sorted(buurten.loc[buurten["wijkcode"] == WIJK, "code"])
    others = [c for c in members if c != FOCUS]
    elsewhere = buurten.loc[buurten["wijkcode"] != WIJK]
    other_wijk = str(elsewhere["wijkcode"].iloc[0])
    outside = sorted(elsewhere.loc[elsewhere["wijkcode"] == other_wijk, "code"])
    sizes = {FOCUS: 4, others[0]: 3, others[1]: 11, outside[0]: 2, outside[1]: 10}
    names = dict(zip(buurten["code"], buurten["naam"], strict=True))
    spare = list(answers.index[~answers["buurtcode"].isin([*members, *outside])])
    for code, n in sizes.items():
        rows = list(answers.index[answers["buurtcode"] == code])
        extra = [spare.pop() for _ in range(max(0, n - len(rows)))]
        keep, drop = (rows + extra)[:n], rows[n:]
        answers.loc[keep, ["buurtcode", "buurtnaam"]] = [code, names[code]]
        answers = answers.drop(index=drop)
    counts = answers["buurtcode"].value_counts()
    assert all(counts[c] == n for c, n in sizes.items())
    return answers, names


class Equations:
    """Published facts "these groups together have N" over one set of true counts."""

    def __init__(self, truth: dict[str, int], what: str) -> None:
        self.truth = truth
        self.keys = sorted(truth)
        self.rows: list[tuple[frozenset[str], int, str]] = []
        self.what = what

    def add(self, groups, value: int, where: str) -> None:
        members = frozenset(str(g) for g in groups)
        expected = sum(self.truth.get(g, 0) for g in members)
        assert expected == value, (self.what, where, sorted(members)[:5], value, expected)
        self.rows.append((members, int(value), where))

    def determined(self) -> dict[str, list[str]]:
        """Groups whose count follows from the equations, with the outputs used."""
        index = {k: i for i, k in enumerate(self.keys)}
        if not self.rows:
            return {}
        matrix = np.zeros((len(self.rows), len(self.keys)))
        for r, (members, _, _) in enumerate(self.rows):
            for g in members:
                if g in index:
                    matrix[r, index[g]] = 1
        rank = np.linalg.matrix_rank(matrix)
        found = {}
        for key, i in index.items():
            unit = np.zeros((1, len(self.keys)))
            unit[0, i] = 1
            if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
                used = sorted({w for members, _, w in self.rows if key in members})
                found[key] = used
        return found


def _respondent_tables(eq: Equations, page: str, codes_of: dict[str, str], where: str) -> None:
    """Rows "buurt … Respondenten N" of every participation table on a page."""
    for table in _tables(page):
        if not table or "Respondenten" not in table[0]:
            continue
        from_end = len(table[0]) - table[0].index("Respondenten")
        for cells in table[1:]:
            code = next((codes_of[c] for c in cells if c in codes_of), None)
            if code is None or len(cells) < from_end:
                continue
            value = _number(cells[-from_end])
            if value is not None:
                eq.add([code], value, where)


def _scale_tables(eqs: dict[str, Equations], page: str, codes_of: dict[str, str],
                  labels: dict[str, str], whole: list[str], one: str | None,
                  where: str) -> None:
    """The n of every score cell of the summary's survey section."""
    part = re.search(r'<section id="enquete">(.*?)</section>', page, re.S)
    if not part:
        return
    for table in _tables(part.group(1)):
        head = table[0]
        for cells in table[1:]:
            if one is not None:  # one buurt: rows are scales, columns this buurt and all
                scale = next((s for label, s in labels.items() if cells[0].startswith(label)),
                             None)
                for column, groups in ((1, [one]), (2, whole)):
                    n = re.search(r"n = (\d+)", cells[column]) if scale else None
                    if n:
                        eqs[scale].add(groups, int(n.group(1)), where)
                continue
            name = cells[0]
            groups = whole if name == "Hele gebied" else [codes_of[name]] if (
                name in codes_of) else None
            for label, cell in zip(head[1:], cells[1:], strict=False):
                scale = next((s for lab, s in labels.items() if label.startswith(lab)), None)
                n = re.search(r"n = (\d+)", cell)
                if groups is not None and scale and n:
                    eqs[scale].add(groups, int(n.group(1)), where)


def _score_csv(eqs: dict[str, Equations], frame: pd.DataFrame, whole: list[str],
               where: str) -> None:
    numbers = pd.to_numeric(frame["n"], errors="coerce")
    for row, n in zip(frame.itertuples(), numbers, strict=True):
        if pd.isna(n) or row.schaal not in eqs:
            continue
        eqs[row.schaal].add(whole if row.buurtcode == "totaal" else [row.buurtcode], int(n),
                            where)


def _answer_tables(eqs: dict[str, Equations], page: str, codes_of: dict[str, str],
                   labels: dict[str, str], whole: list[str], where: str) -> None:
    """Rows "buurt, schaal … Antwoorden n" of the score tables a notebook shows."""
    for table in _tables(page):
        if not table or not {"Buurt", "Schaal", "Antwoorden"} <= set(table[0]):
            continue
        head = table[0]
        for cells in table[1:]:
            cells = cells[len(cells) - len(head):]  # without the index column
            name, scale = cells[head.index("Buurt")], cells[head.index("Schaal")]
            n = _number(cells[head.index("Antwoorden")])
            code = next((s for label, s in labels.items() if scale.startswith(label)), None)
            groups = whole if name == "Hele gebied" else [codes_of[name]] if (
                name in codes_of) else None
            if n is not None and code and groups:
                eqs[code].add(groups, n, where)


@pytest.mark.notebook
def test_no_hidden_count_follows_from_all_outputs_of_notebooks_2_and_3(
    utrecht_cache, cbs_server, pdok_server, map_assets, tmp_path
):
    from conftest import point_wijklib_at

    export = tmp_path / "export"
    with pytest.MonkeyPatch.context() as mp:
        point_wijklib_at(mp, cbs_server.url, pdok_server.url, utrecht_cache)
        buurten = wijklib.kerncijfers("Utrecht")
        answers, names = _make_survey(buurten)
        own = practice.practice_export(answers, survey.vragenlijst(), "kobo",
                                       tmp_path / "upload" / "enquete.csv", buurten=buurten)
        mp.setenv("WIJKLIB_EXPORT", str(export))
        mp.setenv("WIJKLIB_ASSETS", str(map_assets))
        mp.delenv("WIJKLIB_MIN_GROEP", raising=False)
        mp.delenv("WIJKLIB_STRICT_CHECKS", raising=False)
        nb2 = run_notebook(SOLUTIONS / "02_vertellen_bewonersperspectief.ipynb",
                           tmp_path / "nb2.ipynb",
                           {"ENQUETE_BESTAND": str(own), "ENQUETE_JAAR": 2025})
        nb3 = run_notebook(SOLUTIONS / "03_tellen_en_vertellen_buurtagenda.ipynb",
                           tmp_path / "nb3.ipynb",
                           {"ENQUETE_BESTAND": str(own), "ENQUETE_JAAR": 2025})
    for nb in (nb2, nb3):
        assert outputs(nb, "error") == []

    members = sorted(buurten.loc[buurten["wijkcode"] == WIJK, "code"])
    in_wijk = answers[answers["buurtcode"].isin(members)]
    everyone = sorted(buurten["code"])
    codes_of = {v: k for k, v in names.items()}
    q = survey.vragenlijst()
    labels = {s.label: s.code for s in q.scales}

    # the true counts: respondents per buurt, and per scale those with a score
    counts = answers["buurtcode"].value_counts().to_dict()
    people = Equations({c: int(counts.get(c, 0)) for c in everyone}, "deelnemers")
    per_person = scores.respondent_scores(answers, q)
    scored = {s.code: Equations(
        {c: int(per_person.loc[answers["buurtcode"] == c, s.code].notna().sum())
         for c in everyone}, s.code) for s in q.scales}

    # notebook 2 works with the answers from its wijk: its outputs are about those
    nb2_counts = in_wijk["buurtcode"].value_counts()
    assert people.truth[FOCUS] == 4 and nb2_counts[FOCUS] == 4

    # 1. the notebooks: every table and text they show
    start = next(i for i, c in enumerate(nb2["cells"])
                 if "".join(c["source"]).startswith("samenvatting.response_table("))
    shown = [(f"notebook 2, cel {i}", c) for i, c in enumerate(nb2["cells"]) if i >= start]
    shown += [(f"notebook 3, cel {i}", c) for i, c in enumerate(nb3["cells"])]
    for where, cell in shown:
        for o in cell.get("outputs", []):
            page = "".join(o.get("data", {}).get("text/html", ""))
            text = "".join(o.get("text", "")) + "".join(o.get("data", {}).get("text/plain", ""))
            _respondent_tables(people, page, codes_of, where)
            _answer_tables(scored, page, codes_of, labels,
                           members if where.startswith("notebook 2") else everyone, where)
            for n, left in re.findall(r"in de wijk: \d+% van de deelnemers die het invulden "
                                      r"\(n = (\d+)(?:; (\d+) zonder antwoord)?", text):
                people.add(members, int(n) + int(left or 0), where)
            for n in re.findall(r"Enquête: ([\d.]+) deelnemers", text):
                people.add(members, _number(n), where)  # the hand-over of notebook 2
            for n in re.findall(r"(\d+) respondenten wonen in", text):
                people.add(members, int(n), where)

    # 2. the summary pages of notebook 2 (the focus buurt and the wijk)
    pages = {p.name: p.read_text("utf-8") for p in export.glob("wat-vertellen-bewoners-*.html")}
    assert len(pages) == 2, sorted(pages)
    for name, page in pages.items():
        one = FOCUS if 'id="wie"' in page and f"({FOCUS})" in page else None
        area = [one] if one else members
        _respondent_tables(people, page, codes_of, name)
        for n in re.findall(r"deden <strong>([\d.]+)</strong>", page):
            people.add(area, _number(n), name)
        for n in re.findall(r"Bewonersenquête: ([\d.]+) respondenten", page):
            people.add(members, _number(n), name)
        _scale_tables(scored, page, codes_of, labels, members, one, name)

    # 3. the buurtagenda
    for path in [*export.glob("buurtagenda*.html"), *export.glob("buurtagenda*.md")]:
        text = path.read_text("utf-8")
        _respondent_tables(people, text, codes_of, path.name)
        for n in re.findall(r"n = ([\d.]+) deelnemers", text):
            people.add(everyone, _number(n), path.name)

    # 4. the hand-over folder and every CSV in the zips
    folder = export / "vertellen"
    meta = json.loads((folder / "meta.json").read_text("utf-8"))
    for area, facts in meta["enquete"]["gebieden"].items():
        if facts["totaal"] is not None:
            people.add(facts["buurten"] if area != "totaal" else members, facts["totaal"],
                       f"meta.json {area}")
    for area, figure in meta["enquete"]["leeftijd"].items():
        if figure["status"] == "getoond":
            group = members if area == "totaal" else [
                c for c in members if str(buurten.set_index("code").loc[c, "wijkcode"])
                == area]
            people.add(group, figure["n"] + figure["zonder"], f"meta.json leeftijd {area}")
    assert not list(folder.glob("*antwoorden*.csv")), "individual answers in the hand-over"
    csvs: list[tuple[str, bytes]] = [(p.name, p.read_bytes()) for p in folder.glob("*.csv")]
    for zipped in export.glob("*.zip"):
        with zipfile.ZipFile(zipped) as archive:
            names_in = archive.namelist()
            assert not [n for n in names_in if "antwoorden" in n and n.endswith(".csv")], (
                zipped.name)
            csvs += [(f"{zipped.name}/{n}", archive.read(n)) for n in names_in
                     if n.endswith(".csv")]
    for where, data in csvs:
        frame = writing.read_csv(io.BytesIO(data), dtype={"buurtcode": "str"})
        if {"buurtcode", "Respondenten"} <= set(frame.columns):
            for row in frame.itertuples():
                value = _number(str(row.Respondenten))
                if value is not None:
                    people.add([row.buurtcode], value, where)
        if {"buurtcode", "schaal", "n"} <= set(frame.columns):
            _score_csv(scored, frame, members, where)

    # 5. nothing hidden follows from everything published together
    assert len(people.rows) > 20, "the collector found too little to be a real test"
    assert all(len(eq.rows) > 10 for eq in scored.values()), "too few score tables found"
    for eq in (people, *scored.values()):
        shown_alone = {next(iter(m)) for m, _, _ in eq.rows if len(m) == 1}
        assert FOCUS not in shown_alone, (eq.what, "the focus buurt is shown")
        leaks = {code: used for code, used in eq.determined().items()
                 if code not in shown_alone and eq.truth[code] > 0}
        assert not leaks, (eq.what, {names.get(c, c): (eq.truth[c], used)
                                     for c, used in leaks.items()})


def test_the_collector_finds_a_count_that_follows_by_subtraction():
    """The check above can fail: 204 − 189 − 12 = 3 (the finding of issue #9)."""
    truth = {"groot": 189, "naast": 12, "klein": 3}
    leak = Equations(truth, "deelnemers")
    leak.add(truth, 204, "totaal")
    leak.add(["groot"], 189, "tabel")
    leak.add(["naast"], 12, "tabel")
    assert set(leak.determined()) == {"groot", "naast", "klein"}
    assert leak.determined()["klein"] == ["totaal"]
    safe = Equations(truth, "deelnemers")
    safe.add(truth, 204, "totaal")
    safe.add(["groot"], 189, "tabel")
    assert set(safe.determined()) == {"groot"}  # 15 for two hidden buurten together
    with pytest.raises(AssertionError):  # a misread output is found, not counted
        safe.add(["klein"], 4, "verkeerd gelezen")
