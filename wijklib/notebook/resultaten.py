"""Results that travel between the sessions: what notebook 1 and 2 hand to notebook 3.

Notebook 1 saves its choices (``tellen.json``); notebook 2 saves what residents said (a
folder ``vertellen/`` with the survey's aggregates (participation and scale scores per
buurt, suppression already decided; see :mod:`wijklib.notebook.uitkomsten`), map notes (also
as a GeoPackage for QGIS), coded stories, the asset inventory and a ``meta.json``). The
individual survey answers are only saved when the participant asks for it
(``save_vertellen(..., antwoorden=True)``, in a file whose name says so). Notebook 3 loads
both, or makes the same thing from the practice data when a participant starts there.
Everything is written to :func:`wijklib.notebook.session.export_dir` unless a folder is
given, and can be packed into one zip file to download from Binder (:func:`bundle`).

The survey answers hold no names or addresses (the questionnaire never asks for them):
one row per respondent with a buurt code and the answers. They still tell per respondent
what they answered, also in buurten whose results are hidden; that is why they do not
travel between the notebooks by default.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from wijklib.errors import WijklibError
from wijklib.guarantees import writing
from wijklib.guarantees.privacy import Suppression, decide_suppression
from wijklib.notebook.uitkomsten import SAVED_COLUMNS, SurveyAggregates

TELLEN = "tellen.json"
VERTELLEN = "vertellen"
#: 2: tables in the Dutch spreadsheet dialect of :func:`wijklib.guarantees.writing.write_csv`
#: (version 1 used commas and no BOM; it is still read).
#: 3: the survey as aggregates (:data:`AGGREGATE_FILES`); the individual answers only on
#: request (:data:`INDIVIDUAL_ANSWERS`). Folders of version 1 and 2 held ``antwoorden.csv``.
FORMAT_VERSION = 3
#: The individual answers (one row per respondent), written only when asked for.
INDIVIDUAL_ANSWERS = "losse-antwoorden-per-bewoner.csv"
#: The raw answers of folders saved before version 3.
OLD_ANSWERS = "antwoorden.csv"
#: The survey's aggregates in the hand-over folder.
AGGREGATE_FILES = {"deelname": "enquete-deelname.csv", "scores": "enquete-scores.csv"}
_FILES = {
    "verhalen": "verhalen.csv",
    "krachten": "krachten.csv",
    "wijkschouw": "wijkschouw.csv",
}
_NOTES = "kaartnotities.geojson"
#: The same notes as a GeoPackage for QGIS (:mod:`wijklib.notebook.qgis`).
_NOTES_GPKG = "kaartnotities.gpkg"


class ResultsFileError(WijklibError, ValueError):
    """A saved result that cannot be read; the message says which file and what to do."""


def _no_observations() -> pd.DataFrame:
    """An empty wijkschouw table with its columns (it can be saved and loaded back)."""
    from wijklib.vertellen.wijkschouw import new_observations

    return new_observations()


def _read_csv(path: Path, version: int) -> pd.DataFrame:
    """A saved table; a file without any line (an old save of an empty table) is empty."""
    try:
        if version >= 2:
            return writing.read_csv(path, dtype={"buurtcode": "str"})
        return pd.read_csv(path, dtype={"buurtcode": "str"})
    except pd.errors.EmptyDataError:
        if path.is_file() and not path.read_text("utf-8").strip():
            return pd.DataFrame()
        raise


def _folder(folder: str | Path | None) -> Path:
    if folder is None:
        from wijklib.notebook.session import export_dir

        return export_dir()
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    return path


def save_tellen(
    gemeente: str,
    niveau: str,
    focus: str,
    indicators: list[str] | None = None,
    questions: list[str] | None = None,
    folder: str | Path | None = None,
    reflectie: str = "",
) -> Path:
    """Save the choices of notebook 1 (gemeente, level, focus area, indicators, questions).

    Parameters
    ----------
    reflectie : str
        The participant's written reflection at the end of notebook 1 (their own words;
        :func:`wijklib.notebook.gesprek.reflection_text`). Notebook 3 shows it again.

    Returns
    -------
    Path
        The JSON file written.
    """
    data = {
        "versie": FORMAT_VERSION,
        "gemaakt": datetime.now().isoformat(timespec="seconds"),
        "gemeente": gemeente,
        "niveau": niveau,
        "focus": focus,
        "indicatoren": list(indicators or []),
        "vragen": list(questions or []),
        "reflectie": reflectie if isinstance(reflectie, str) else "",
    }
    path = _folder(folder) / TELLEN
    return writing.atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=1))


def load_tellen(folder: str | Path | None = None) -> dict[str, Any] | None:
    """The saved choices of notebook 1, or None when notebook 1 saved nothing here."""
    path = _folder(folder) / TELLEN
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ResultsFileError(
            f"Het bestand {path} is beschadigd ({err}). Voer notebook 1 opnieuw uit tot en "
            "met 'Bewaar je keuzes', of verwijder het bestand om met de oefendata te werken."
        ) from err
    if not isinstance(data, dict) or not {"gemeente", "niveau", "focus"} <= set(data):
        raise ResultsFileError(
            f"In {path} ontbreken de gemeente, het niveau of het gebied. Voer notebook 1 "
            "opnieuw uit tot en met 'Bewaar je keuzes'."
        )
    if not isinstance(data.get("reflectie"), str):  # saved before there was a reflection
        data["reflectie"] = ""
    return data


@dataclass
class Vertellen:
    """What residents said, as notebook 2 leaves it.

    Attributes
    ----------
    gemeente : str
    antwoorden : pandas.DataFrame
        Survey answers, one row per respondent (``respondent``, ``buurtcode`` …).
    kaartnotities : geopandas.GeoDataFrame
        Map notes with ``categorie``, ``tekst`` and (after assigning) ``buurtcode``.
    verhalen : pandas.DataFrame
        Stories with confirmed themes (:func:`wijklib.vertellen.themas.confirm_themes`).
    krachten : pandas.DataFrame
        The asset inventory.
    wijkschouw : pandas.DataFrame
        Observations of the neighbourhood walk (default: an empty table with the columns
        of :func:`wijklib.vertellen.wijkschouw.new_observations`).
    oefendata : bool
        True when (part of) it is the fictional practice set.
    extra : dict
        Anything else worth keeping (seed, planted disagreements, survey year …).
    reflectie : str
        The participant's written reflection at the end of notebook 2 (their own words;
        empty for the practice set and for results saved before there was one).
    vragenlijst : Path, optional
        The participant's own questionnaire file, when notebook 2 used one (None: the
        workbook's own). Saved as a copy with the results, so notebook 3 reads the
        answers with the same questions.
    enquete : SurveyAggregates, optional
        The survey's aggregates (:func:`wijklib.notebook.uitkomsten.survey_aggregates`).
        A loaded result has these and no individual answers (``antwoorden`` is empty).
    """

    gemeente: str
    antwoorden: pd.DataFrame
    kaartnotities: gpd.GeoDataFrame
    verhalen: pd.DataFrame
    krachten: pd.DataFrame
    wijkschouw: pd.DataFrame = field(default_factory=_no_observations)
    oefendata: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    reflectie: str = ""
    vragenlijst: Path | None = None
    enquete: SurveyAggregates | None = None

    def suppression(self, min_n: int | None = None) -> Suppression:
        """The survey's one decision on which counts may be shown.

        Parameters
        ----------
        min_n : int, optional
            Minimum group size; default the one notebook 2 used (``extra["min_groep"]``),
            else :func:`wijklib.guarantees.privacy.min_group_size`.

        Returns
        -------
        wijklib.guarantees.privacy.Suppression
            Decided from every answer in :attr:`antwoorden`; pass it to every table,
            text and score of this survey (``suppression=``).
        """
        limit = min_n if min_n is not None else self.extra.get("min_groep")
        answers = self.antwoorden
        codes = answers["buurtcode"] if "buurtcode" in answers.columns else {}
        return decide_suppression(codes, limit)


#: Names of the saved parts in messages.
_PART_NAMES = {"antwoorden": "enquêteantwoorden", "verhalen": "verhalen",
               "krachten": "krachten", "wijkschouw": "wijkschouw",
               "kaartnotities": "kaartnotities",
               "enquete-deelname": "deelname aan de enquête per buurt",
               "enquete-scores": "enquêtescores per buurt"}


def _answers_buurten(answers: pd.DataFrame) -> pd.DataFrame:
    """Buurt codes and names from the answers themselves (no CBS table was given)."""
    if answers is None or "buurtcode" not in answers.columns:
        return pd.DataFrame({"code": pd.Series(dtype="str"), "naam": pd.Series(dtype="str")})
    names = (answers["buurtnaam"].astype(str) if "buurtnaam" in answers.columns
             else answers["buurtcode"].astype(str))
    table = pd.DataFrame({"code": answers["buurtcode"].astype(str), "naam": names})
    return table.dropna().drop_duplicates("code").sort_values("code").reset_index(drop=True)


def aggregates(result: Vertellen, buurten: pd.DataFrame | None = None,
               questionnaire: Any = None) -> SurveyAggregates:
    """The survey's aggregates of a result: ``result.enquete``, or made from its answers.

    Parameters
    ----------
    result : Vertellen
    buurten : DataFrame, optional
        :func:`wijklib.kerncijfers` at buurt level (names, inhabitants, wijken); default
        the buurten that occur in the answers.
    questionnaire : Questionnaire, optional
        Default: the result's own questionnaire, else the workbook's.

    Returns
    -------
    SurveyAggregates
        Made with :func:`wijklib.notebook.uitkomsten.survey_aggregates` and the minimum
        group size notebook 2 used (``extra["min_groep"]``).
    """
    if result.enquete is not None:
        return result.enquete
    from wijklib.notebook.uitkomsten import survey_aggregates
    from wijklib.vertellen.survey import vragenlijst

    q = questionnaire
    if q is None:
        q = vragenlijst(result.vragenlijst) if result.vragenlijst is not None else vragenlijst()
    table = buurten if buurten is not None else _answers_buurten(result.antwoorden)
    return survey_aggregates(result.antwoorden, table, q, result.extra.get("min_groep"),
                             suppression=result.suppression())


def save_vertellen(result: Vertellen, folder: str | Path | None = None, *,
                   buurten: pd.DataFrame | None = None, questionnaire: Any = None,
                   antwoorden: bool = False) -> Path:
    """Write the results of notebook 2 to ``<folder>/vertellen/``.

    The survey is saved as aggregates only (:func:`aggregates`): what notebook 3 shows,
    with the small groups already hidden.

    Parameters
    ----------
    result : Vertellen
    folder : str or Path, optional
        Default :func:`wijklib.notebook.session.export_dir`.
    buurten : DataFrame, optional
        :func:`wijklib.kerncijfers` at buurt level, for the participation table (names,
        inhabitants) and the wijken.
    questionnaire : Questionnaire, optional
        The questionnaire of the answers.
    antwoorden : bool, default False
        Also write the individual answers, in :data:`INDIVIDUAL_ANSWERS` (one row per
        respondent, also from hidden buurten: only for yourself, not to share). Notebook 3
        never reads them.

    Returns
    -------
    Path
        The folder written; ``meta.json`` is written last, so a folder without it is
        an unfinished save.
    """
    survey = aggregates(result, buurten, questionnaire)
    target = _folder(folder) / VERTELLEN
    target.mkdir(parents=True, exist_ok=True)
    meta_path = target / "meta.json"
    meta_path.unlink(missing_ok=True)
    (target / OLD_ANSWERS).unlink(missing_ok=True)  # an older save's raw answers
    individual = target / INDIVIDUAL_ANSWERS
    if antwoorden:
        writing.write_csv(result.antwoorden, individual)
    else:
        individual.unlink(missing_ok=True)
    for attr, name in _FILES.items():
        writing.write_csv(getattr(result, attr), target / name)
    writing.write_csv(survey.deelname, target / AGGREGATE_FILES["deelname"])
    writing.write_csv(survey.scores, target / AGGREGATE_FILES["scores"])
    from wijklib.vertellen.kaartnotities import save_notes

    save_notes(result.kaartnotities, target / _NOTES)
    from wijklib.notebook.qgis import write_notes_gpkg

    write_notes_gpkg(result.kaartnotities, target / _NOTES_GPKG)
    own_questions = None
    if result.vragenlijst is not None:
        source = Path(result.vragenlijst)
        if not source.is_file():
            raise ResultsFileError(f"De vragenlijst {source} bestaat niet (meer). Zet hem "
                                   "terug in de map data/, of laat vragenlijst leeg.")
        own_questions = f"vragenlijst{source.suffix.lower() or '.csv'}"
        writing.atomic_write_bytes(target / own_questions, source.read_bytes())
    meta = {
        "versie": FORMAT_VERSION,
        "gemaakt": datetime.now().isoformat(timespec="seconds"),
        "gemeente": result.gemeente,
        "oefendata": result.oefendata,
        "aantallen": {**{attr: len(getattr(result, attr)) for attr in [*_FILES, "kaartnotities"]},
                      **{f"enquete-{key}": len(getattr(survey, key)) for key in AGGREGATE_FILES}},
        "enquete": {"min_groep": survey.min_n, "gebieden": survey.gebieden,
                    "leeftijd": survey.leeftijd,
                    "buurten_met_antwoorden": survey.buurten_met_antwoorden,
                    "scores_attrs": dict(survey.scores.attrs),
                    "losse_antwoorden": INDIVIDUAL_ANSWERS if antwoorden else None},
        "extra": result.extra,
        "reflectie": result.reflectie if isinstance(result.reflectie, str) else "",
        "vragenlijst": own_questions,
    }
    writing.atomic_write_text(meta_path,
                              json.dumps(meta, ensure_ascii=False, indent=1, default=str))
    return target


#: What notebook 3 says about a folder of notebook 2 saved before the aggregates.
OLD_FOLDER_MESSAGE = (
    "Het werk van notebook 2 in {target} is bewaard met een oudere versie van het werkboek. "
    "Daarin staan de losse antwoorden van de enquête, en die gebruikt notebook 3 niet meer. "
    "Open notebook 2 en voer het opnieuw uit tot en met de cel 'Bewaar je werk'. Daarna "
    "werkt notebook 3 met de uitkomsten per buurt. Of verwijder de map om met de oefendata "
    "te werken.")


def _read_aggregates(target: Path, meta: dict[str, Any]) -> SurveyAggregates:
    text = {c: "str" for c in SAVED_COLUMNS if c != "inwoners"}
    deelname = writing.read_csv(target / AGGREGATE_FILES["deelname"], dtype=text)
    if list(deelname.columns) != SAVED_COLUMNS:
        raise ValueError(f"andere kolommen in {AGGREGATE_FILES['deelname']}")
    for column in text:
        deelname[column] = deelname[column].astype(object).fillna("").astype("str")
    deelname["inwoners"] = pd.to_numeric(deelname["inwoners"], errors="raise")
    scores_path = target / AGGREGATE_FILES["scores"]
    words = {c: "str" for c in ("buurtcode", "buurtnaam", "schaal", "label", "hoger_is",
                                "eenheid", "reden", "interval")}
    try:
        scores = writing.read_csv(scores_path, dtype=words)
    except pd.errors.EmptyDataError:
        scores = pd.DataFrame()
    if len(scores.columns):
        for column in words:
            if column in scores.columns:
                scores[column] = scores[column].astype(object).fillna("").astype("str")
        if "n" in scores.columns:
            scores["n"] = pd.to_numeric(scores["n"], errors="raise").astype("Int64")
        if "verborgen" in scores.columns:
            flags = scores["verborgen"].astype(str).str.lower().map(
                {"true": True, "false": False})
            if flags.isna().any():
                raise ValueError(f"een onbekende waarde in 'verborgen' van "
                                 f"{AGGREGATE_FILES['scores']}")
            scores["verborgen"] = flags.astype(bool)
    survey = meta["enquete"]
    scores.attrs = {**dict(survey.get("scores_attrs") or {}), "min_n": int(survey["min_groep"])}
    return SurveyAggregates(min_n=int(survey["min_groep"]), deelname=deelname,
                            gebieden=dict(survey["gebieden"]), scores=scores,
                            leeftijd=dict(survey["leeftijd"]),
                            buurten_met_antwoorden=int(survey["buurten_met_antwoorden"]))


def load_vertellen(folder: str | Path | None = None) -> Vertellen | None:
    """The saved results of notebook 2, or None when there are none.

    The survey comes back as aggregates (``enquete``); ``antwoorden`` is empty.

    Raises
    ------
    ResultsFileError
        A file is missing, damaged or shorter than ``meta.json`` says, or the folder was
        saved by an older version (with the raw answers): the message names it and says
        what to do.
    """
    from wijklib.vertellen.kaartnotities import load_notes

    target = _folder(folder) / VERTELLEN
    meta_path = target / "meta.json"
    if not meta_path.is_file():
        return None
    try:
        meta = json.loads(meta_path.read_text("utf-8"))
        version = int(meta.get("versie", 1))
    except (OSError, ValueError, json.JSONDecodeError) as err:
        raise ResultsFileError(
            f"De bewaarde resultaten van notebook 2 in {target} zijn niet compleet of "
            f"beschadigd ({err}). Voer notebook 2 opnieuw uit tot en met 'Bewaar je werk', "
            "of verwijder de map om met de oefendata te werken."
        ) from err
    if version < 3 or not isinstance(meta.get("enquete"), dict):
        raise ResultsFileError(OLD_FOLDER_MESSAGE.format(target=target))
    try:
        frames = {attr: _read_csv(target / name, version) for attr, name in _FILES.items()}
        notes = load_notes(target / _NOTES)
        survey = _read_aggregates(target, meta)
    except (OSError, ValueError, KeyError, TypeError, WijklibError) as err:
        raise ResultsFileError(
            f"De bewaarde resultaten van notebook 2 in {target} zijn niet compleet of "
            f"beschadigd ({err}). Voer notebook 2 opnieuw uit tot en met 'Bewaar je werk', "
            "of verwijder de map om met de oefendata te werken."
        ) from err
    counts = meta.get("aantallen") or {}
    found = {**{attr: len(frame) for attr, frame in frames.items()}, "kaartnotities": len(notes),
             **{f"enquete-{key}": len(getattr(survey, key)) for key in AGGREGATE_FILES}}
    short = [f"{_PART_NAMES.get(attr, attr)}: {found[attr]} van de {int(counts[attr])}"
             for attr in found if attr in counts and found[attr] != int(counts[attr])]
    missing = [f"{_PART_NAMES.get(attr, attr)}: aantal ontbreekt" for attr in found
               if attr.startswith("enquete-") and attr not in counts]
    if short or missing:
        raise ResultsFileError(
            f"De bewaarde resultaten van notebook 2 in {target} zijn niet compleet: "
            f"{'; '.join(short + missing)} rijen. Het bestand is afgebroken of met de hand "
            "veranderd. Voer notebook 2 opnieuw uit tot en met 'Bewaar je werk', of "
            "verwijder de map om met de oefendata te werken."
        )
    for frame in frames.values():
        if "buurtcode" in frame:
            frame["buurtcode"] = frame["buurtcode"].astype("str")
    own_questions = meta.get("vragenlijst")
    if own_questions and not (target / str(own_questions)).is_file():
        raise ResultsFileError(
            f"Notebook 2 gebruikte een eigen vragenlijst, maar {own_questions} ontbreekt in "
            f"{target}. Voer notebook 2 opnieuw uit tot en met 'Bewaar je werk'.")
    return Vertellen(
        gemeente=str(meta.get("gemeente", "")),
        antwoorden=pd.DataFrame({"buurtcode": pd.Series(dtype="str")}),
        kaartnotities=notes,
        oefendata=bool(meta.get("oefendata", False)),
        extra=dict(meta.get("extra", {})),
        reflectie=meta["reflectie"] if isinstance(meta.get("reflectie"), str) else "",
        vragenlijst=target / str(own_questions) if own_questions else None,
        enquete=survey,
        **frames,
    )


def practice_vertellen(
    buurten: pd.DataFrame, gebieden: gpd.GeoDataFrame, seed: int = 2026,
    focus: str | None = None,
) -> Vertellen:
    """The fictional practice set for a gemeente's real buurten (labelled as practice data).

    Parameters
    ----------
    buurten : pandas.DataFrame
        :func:`wijklib.kerncijfers` at buurt level.
    gebieden : geopandas.GeoDataFrame
        :func:`wijklib.gebieden` at buurt level.
    seed : int
        The same seed gives the same set.
    focus : str, optional
        A buurt or wijk code to concentrate the map notes and stories on.
    """
    from wijklib.vertellen import kaartnotities, practice, themas

    antwoorden = practice.practice_responses(buurten, seed=seed)
    notes = kaartnotities.assign_buurt(
        kaartnotities.practice_notes(gebieden, seed=seed, focus=focus), gebieden
    )
    # stories, strengths and observations go by the figures' buurten, so none lands in a
    # buurt where nobody lives (the map notes need the geometry)
    stories = practice.practice_stories(buurten, seed=seed, focus=focus)
    coded = themas.confirm_themes(themas.suggest_themes(stories), "alle")
    gemeente = str(buurten["gemeentenaam"].iloc[0]) if "gemeentenaam" in buurten and \
        len(buurten) else ""
    result = Vertellen(
        gemeente=gemeente,
        antwoorden=antwoorden,
        kaartnotities=notes,
        verhalen=coded,
        krachten=practice.practice_assets(buurten, seed=seed, focus=focus),
        wijkschouw=practice.practice_observations(buurten, seed=seed, focus=focus),
        oefendata=True,
        extra={"seed": seed, "afwijkingen": antwoorden.attrs.get("afwijkingen", [])},
    )
    result.enquete = aggregates(result, buurten)  # what notebook 3 shows, as from notebook 2
    return result


#: What a zip without raw answers says in their place.
NO_ANSWERS_NOTE = (
    "De losse antwoorden van de enquete zitten niet in dit zip-bestand: daarin staat per "
    "bewoner wat die antwoordde, ook uit buurten met te weinig deelnemers om te laten "
    "zien. De samenvattingen laten alleen zien wat mag. Wil je de losse antwoorden toch "
    "bewaren (alleen voor jezelf, niet om te delen)? Bewaar ze dan met "
    "resultaten.save_vertellen(..., antwoorden=True) en pak ze in met "
    "resultaten.bundle(..., antwoorden=True), in een zip-bestand met een naam die zegt dat "
    "er losse antwoorden in zitten.\r\n"
)
#: Words in a zip's name that promise a summary: such a zip never holds individual answers.
SUMMARY_WORDS = ("samenvatting", "overzicht", "uitkomsten", "resultaten")


#: The agenda's name in a zip (the name the trainer guide and the group mode know).
AGENDA_MEMBER = "buurtagenda.json"


def bundle(paths: list[str | Path], zip_path: str | Path, *, antwoorden: bool = False,
           agenda: Any = None) -> Path:
    """Pack files and folders into one zip file (to download everything at once).

    Parameters
    ----------
    paths : list of str or Path
        Files and folders (a folder is packed with everything in it, except hidden files).
    zip_path : str or Path
        The zip file to write.
    antwoorden : bool, default False
        Also pack the individual survey answers (:data:`INDIVIDUAL_ANSWERS`, or
        ``antwoorden.csv`` of an older save, in a folder of notebook 2). Left out by
        default: they hold every respondent's row, also from buurten whose results are
        hidden; the zip then holds a short note in their place. Refused for a zip whose
        name promises a summary (:data:`SUMMARY_WORDS`).
    agenda : Agenda, optional
        Pack this agenda as ``buurtagenda.json``, as its public copy
        (:func:`wijklib.agenda.state.public_copy`: no personal data), in place of a file
        of that name in ``paths``. The zip is what a participant sends to the trainer.

    Returns
    -------
    Path
        The zip file.
    """
    missing = [str(p) for p in paths if not Path(p).exists()]
    if missing:
        raise ResultsFileError(f"{', '.join(missing)} bestaat niet (nog); maak het eerst aan.")
    if antwoorden and any(w in Path(zip_path).name.lower() for w in SUMMARY_WORDS):
        raise ResultsFileError(
            f"In {Path(zip_path).name} zouden de losse antwoorden van de enquête komen, maar "
            "de naam belooft een samenvatting. Geef het zip-bestand een naam die zegt wat "
            "erin zit, bijvoorbeeld 'losse-antwoorden-enquete.zip'.")
    members: list[tuple[str, Path | bytes]] = []
    left_out = False
    for item in map(Path, paths):
        files = (sorted(f for f in item.rglob("*") if f.is_file()) if item.is_dir()
                 else [item])
        for file in files:
            if file.name.startswith("."):
                continue
            if not antwoorden and file.name in (INDIVIDUAL_ANSWERS, OLD_ANSWERS):
                left_out = True
                continue
            name = str(Path(item.name) / file.relative_to(item)) if item.is_dir() else item.name
            members.append((name, file))
    if left_out:
        members.append(("LEES-MIJ-antwoorden.txt", NO_ANSWERS_NOTE.encode("utf-8")))
    if agenda is not None:
        from wijklib.agenda import state as ag

        members = [m for m in members if m[0] != AGENDA_MEMBER]
        members.append((AGENDA_MEMBER,
                        ag.state_text(ag.public_copy(agenda)[0]).encode("utf-8")))
    return writing.write_zip(zip_path, members)
