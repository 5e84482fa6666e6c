"""What the survey hands from notebook 2 to notebook 3: aggregates, suppression decided once.

Notebook 3 needs the participation per buurt, the scale scores per buurt (with n and
their interval) and the share of participants of 65 and older per wijk. Notebook 2 makes
them with :func:`survey_aggregates` from all its answers, with the survey's one
suppression decision (:func:`wijklib.guarantees.privacy.decide_suppression`): a hidden
buurt stays hidden ("<10" or "niet getoond"), no number below the minimum is kept, and
an area total is only kept where the decision shows it. The individual answers are not
part of it; :func:`wijklib.notebook.resultaten.save_vertellen` only writes them when the
participant asks for it.

When notebook 3 reads its own survey file, it makes the same aggregates with the same
function, so both notebooks show the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from wijklib.guarantees.privacy import WHOLE, Suppression, decide_suppression, min_group_size

#: The answer counted for the share of older participants, and the column it is in.
AGE_VALUE = "65_plus"
AGE_COLUMN = "leeftijdsgroep"
#: Columns of the participation table (:func:`wijklib.vertellen.samenvatting.response_table`).
PARTICIPATION_COLUMNS = ["buurtcode", "Buurt", "Inwoners (CBS)", "Respondenten",
                         "Respons (% van de inwoners)"]
#: The same as kept (and saved): the inhabitants as a number, so a spreadsheet reads them.
SAVED_COLUMNS = ["buurtcode", "Buurt", "inwoners", "Respondenten",
                 "Respons (% van de inwoners)"]


@dataclass
class SurveyAggregates:
    """The survey's published numbers, with no count below the minimum.

    Attributes
    ----------
    min_n : int
        The minimum group size used.
    deelname : pandas.DataFrame
        Participation per buurt (:data:`SAVED_COLUMNS`; text, except ``inwoners``): hidden
        buurten read ``<10`` or ``niet getoond``.
    gebieden : dict
        Area (``"totaal"`` or a wijk code) -> ``buurten`` (codes), ``totaal`` (respondents,
        or None when it may not be shown), ``totaal_klein`` (bool) and
        ``verborgen_om_terugrekenen`` (names).
    scores : pandas.DataFrame
        :func:`wijklib.vertellen.scores.scale_scores` per buurt and for the whole survey;
        hidden rows have no score, interval or n.
    leeftijd : dict
        Area -> :func:`wijklib.agenda.state.share_figure` for participants of 65 and older.
    buurten_met_antwoorden : int
        How many buurten have at least one answer.
    """

    min_n: int
    deelname: pd.DataFrame
    gebieden: dict[str, dict[str, Any]] = field(default_factory=dict)
    scores: pd.DataFrame = field(default_factory=pd.DataFrame)
    leeftijd: dict[str, dict[str, Any]] = field(default_factory=dict)
    buurten_met_antwoorden: int = 0

    def _area(self, codes: Sequence[str] | None) -> str | None:
        if codes is None:
            return WHOLE
        wanted = {str(c) for c in codes}
        return next((name for name, area in self.gebieden.items()
                     if set(area["buurten"]) == wanted), None)

    def total(self, codes: Sequence[str] | None = None) -> int | None:
        """Respondents in these buurten (default: the whole survey), or None when hidden.

        Only the totals of the areas notebook 2 decided on are known; any other choice of
        buurten gives None (its total could give a hidden buurt away).
        """
        area = self._area(codes)
        value = self.gebieden.get(area, {}).get("totaal") if area else None
        return None if value is None else int(value)

    def total_text(self, codes: Sequence[str] | None = None) -> str:
        """The number of participants in words: a number, or why it is not shown."""
        from wijklib.tellen.compare import format_number

        total = self.total(codes)
        if total is not None:
            return f"{format_number(total)} deelnemers"
        area = self.gebieden.get(self._area(codes) or "", {})
        if area.get("totaal_klein"):
            return f"minder dan {self.min_n} deelnemers"
        return "aantal deelnemers niet getoond (anders kun je een kleine buurt terugrekenen)"

    def participation(self, codes: Sequence[str]) -> pd.DataFrame:
        """The participation table for these buurten, with the area's total in ``attrs``.

        Returns
        -------
        pandas.DataFrame
            As :func:`wijklib.vertellen.samenvatting.response_table` shows it (text);
            ``attrs``: ``totaal``, ``totaal_klein``, ``min_n`` and
            ``verborgen_om_terugrekenen``.
        """
        from wijklib.tellen.compare import format_number

        chosen = [str(c) for c in codes]
        table = self.deelname.set_index("buurtcode")
        rows = table.reindex([c for c in chosen if c in table.index]).reset_index()
        people = pd.to_numeric(rows["inwoners"], errors="coerce")
        rows["Inwoners (CBS)"] = [format_number(p) if pd.notna(p) else "onbekend"
                                  for p in people]  # as response_table writes them
        out = rows[PARTICIPATION_COLUMNS].reset_index(drop=True)
        area = self.gebieden.get(self._area(chosen) or "", {})
        out.attrs.update(totaal=self.total(chosen),
                         totaal_klein=bool(area.get("totaal_klein", False)),
                         min_n=self.min_n,
                         verborgen_om_terugrekenen=list(
                             area.get("verborgen_om_terugrekenen", [])))
        return out

    def age_share(self, codes: Sequence[str] | None = None) -> dict[str, Any]:
        """The share of 65 and older for an area (:func:`wijklib.agenda.state.share_line`)."""
        area = self._area(codes)
        return dict(self.leeftijd.get(area or "", {"status": "terugrekenen",
                                                    "minimum": self.min_n}))


def _areas(buurten: pd.DataFrame) -> dict[str, list[str]]:
    """The whole survey and every wijk of the CBS table, with their buurtcodes."""
    codes = buurten["code"].astype(str)
    areas = {WHOLE: codes.tolist()}
    if "wijkcode" in buurten.columns:
        for wijk, part in buurten.groupby(buurten["wijkcode"].astype(str), sort=True):
            areas[str(wijk)] = part["code"].astype(str).tolist()
    return areas


def survey_aggregates(
    antwoorden: pd.DataFrame | None,
    buurten: pd.DataFrame,
    questionnaire: Any = None,
    min_n: int | None = None,
    *,
    suppression: Suppression | None = None,
) -> SurveyAggregates:
    """Everything notebook 3 shows of a survey, with the suppression decided once.

    Parameters
    ----------
    antwoorden : DataFrame or None
        All answers of the survey (one row per respondent, ``buurtcode``).
    buurten : DataFrame
        :func:`wijklib.kerncijfers` at buurt level (``code``, ``naam``, ``inwoners``,
        ``wijkcode``); without inhabitants the table says "onbekend".
    questionnaire : Questionnaire, optional
        The questionnaire of the answers (default the workbook's own).
    min_n : int, optional
        Minimum group size (see :func:`wijklib.guarantees.privacy.min_group_size`).
    suppression : Suppression, optional
        The survey's decision; default decided from all of ``antwoorden``.

    Returns
    -------
    SurveyAggregates
    """
    from wijklib.agenda.state import share_figure
    from wijklib.vertellen.samenvatting import age_table, response_table
    from wijklib.vertellen.scores import scale_scores
    from wijklib.vertellen.survey import vragenlijst

    limit = min_group_size(min_n)
    answers = (antwoorden if isinstance(antwoorden, pd.DataFrame) and len(antwoorden)
               and "buurtcode" in antwoorden.columns else None)
    decision = suppression if suppression is not None else decide_suppression(
        answers["buurtcode"] if answers is not None else {}, limit)
    q = questionnaire if questionnaire is not None else vragenlijst()
    areas = _areas(buurten)
    gebieden: dict[str, dict[str, Any]] = {}
    for name, members in areas.items():
        table = response_table(answers, buurten, members, suppression=decision)
        gebieden[name] = {
            "buurten": members,
            "totaal": decision.total() if name == WHOLE else table.attrs["totaal"],
            "totaal_klein": bool(table.attrs["totaal_klein"]),
            "verborgen_om_terugrekenen": list(table.attrs["verborgen_om_terugrekenen"])}
    deelname = response_table(answers, buurten, areas[WHOLE], suppression=decision)
    deelname["inwoners"] = (pd.to_numeric(buurten["inwoners"], errors="coerce").to_numpy()
                            if "inwoners" in buurten.columns else float("nan"))
    deelname = deelname[SAVED_COLUMNS]
    leeftijd = {}
    for name, members in areas.items():
        part = (answers[answers["buurtcode"].astype(str).isin(members)]
                if answers is not None else None)
        groups = (part[AGE_COLUMN] if part is not None and AGE_COLUMN in part.columns
                  else None)
        hidden = (age_table(answers, buurten, members, q, suppression=decision)
                  .attrs["verborgen"] if answers is not None else None)
        leeftijd[name] = share_figure(groups, AGE_VALUE, decision.limit,
                                      suppression=decision,
                                      codes=None if name == WHOLE else members,
                                      hidden_groups=hidden)
    scores = (scale_scores(answers, q, min_n=decision.limit,
                           buurten=buurten[["code", "naam"]], suppression=decision)
              if answers is not None else pd.DataFrame())
    with_answers = (int(answers["buurtcode"].dropna().astype(str).nunique())
                    if answers is not None else 0)
    return SurveyAggregates(min_n=decision.limit, deelname=deelname.reset_index(drop=True),
                            gebieden=gebieden, scores=scores, leeftijd=leeftijd,
                            buurten_met_antwoorden=with_answers)
