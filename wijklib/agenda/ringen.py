"""Two rings per theme: what the figures say (*cijfers*) and what residents say (*beleving*).

After the Wijkprofiel Rotterdam, each theme (wonen, veiligheid, sociaal, voorzieningen,
leefomgeving) gets two scores per buurt on one scale, shown side by side and never only
averaged: where the two disagree, counting and telling need each other.

Which CBS indicators and which survey scales feed each theme, and in which direction,
is set in one place: ``wijklib/ringen.csv`` (columns ``thema``, ``ring``, ``naam``,
``label``, ``bron``, ``hoger_is``, ``toelichting``). Pass your own table (see
:func:`definitie`) to change it.

The scale (rule :data:`RULE`)
-----------------------------
*Cijfers*: 100 is, per indicator, the value of Nederland of the same year (when the
Nederland row is passed and has it) or else of the whole gemeente of the same year, never
of another year (:func:`cijfers_ring`); ten points are one standard deviation of the
buurten (how much buurten usually differ from each other):

* higher is better (``gunstig``):  ``index = 100 + 10 × (buurt − referentie) / sd``
* higher is worse (``ongunstig``): ``index = 100 − 10 × (buurt − referentie) / sd``

``sd`` is the standard deviation (``ddof=0``) of the buurt values in the table you pass,
per indicator; override it with ``spreiding={name: sd}``.

*Beleving*: by default (``referentie="midden"``) 100 is the **middle of the answer
scale** (5 on 0–10, 50 %, 5,5 on 1–10) and ten points are **one tenth of the scale**
(1 point on 0–10, 10 procentpunt): a fixed reference that does not move with who took
part in the survey. (Before, 100 was the mean of all participants and ten points the
spread between the buurten that took part: the same answers of Overvecht then gave other
flags in a gemeente-wide survey than in a survey of Overvecht alone.) Give your own fixed
levels, for instance national Veiligheidsmonitor figures with their source, as
``referentie={"cohesie": 6.4}``. ``referentie="enquete"`` gives the old, moving
reference, and says so. So above 100 is always *better* than the reference, and a buurt
one standard deviation "worse" gets 90 in both directions. The two rings have different
references: read a gap as "the figures place the buurt lower in the gemeente than
residents place it on their scale", a question, not a measurement.

Indices are cut off at 50 and 150 (:data:`CLIP`) so that one extreme indicator does not
swamp a theme. Without spread (fewer than two buurten, or all equal) an index can only be
given where the buurt equals the reference (100); otherwise it is missing.

A theme score is the unweighted mean of the indices it *has*; ``n_indicators`` says how
many. Without any figure the score is missing (NaN, shown as "geen gegevens"), never 100.

For *beleving* the 95 % interval of each scale (exact for a share, t for a mean, see
:mod:`wijklib.vertellen.scores`) is put on the same scale (the bounds go through the same
rule; for ``ongunstig`` they swap). For a theme with more scales the bounds are the means
of the bounds (a cautious choice: it assumes the scales move together).

Gap flags (:func:`gap_flags`)
-----------------------------
A buurt's survey score is partly chance: who happened to answer. And buurten differ from
each other anyway. The flag counts both, with a stated model (empirical Bayes, see
:func:`shrink`):

1. per theme, the true spread of the buurten around the beleving reference (100) is
   estimated by the method of moments (as in DerSimonian–Laird):
   ``tau² = mean((beleving − 100)²) − mean(se²)``, at least 0, where ``se`` is the
   standard error of a buurt's score on the index scale (``(boven − onder) / 3.92``);
2. each buurt's score is pulled towards 100 by its reliability
   ``R = tau² / (tau² + se²)``: ``100 + R × (beleving − 100)``, with the interval
   narrowed to ``√R`` of its width (a buurt with few answers is pulled most);
3. a flag is raised only when the interval of the difference between that pulled score
   and the *cijfers* (with the figures' Poisson interval, when known) lies entirely
   beyond ``threshold`` points (default 15), with ``margin`` points of extra room.

So a flag says: "more than 15 points apart, taking into account chance in the survey
and how different buurten normally are". It is a question, not proof: the intervals
assume a random group of respondents, the model assumes the buurten scatter normally
around the reference, and the rings have different references. Each flag comes with a
question for the group: "de cijfers zeggen …, bewoners zeggen …: hoe kan dat?".
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from wijklib.errors import DataNotAvailableError, InvalidChoiceError
from wijklib.guarantees import provenance
from wijklib.guarantees.rendering import escape, raw_html_element
from wijklib.tellen.compare import format_number
from wijklib.tellen.pitfalls import rate_margins

#: The two rings.
RINGS = ("cijfers", "beleving")
#: Allowed directions in ``ringen.csv``.
DIRECTIONS = ("gunstig", "ongunstig")
#: Index points per standard deviation of the buurten.
POINTS_PER_SD = 10.0
#: Indices are cut off at these limits (five standard deviations).
CLIP = (50.0, 150.0)
#: Default gap threshold (index points) and extra room around the interval of the gap.
THRESHOLD = 15.0
MARGIN = 0.0
#: The normal quantile of the 95 % intervals (standard error = width / (2 × Z95)).
Z95 = 1.959963984540054
#: How the flag rule reads in Dutch (notebook 3, the agenda export).
FLAG_RULE = (
    "Een vlag betekent: het verschil tussen cijfers en beleving is groter dan {drempel} "
    "punten, rekening gehouden met toeval in de enquête en met hoe verschillend buurten "
    "normaal zijn. Een buurt met weinig deelnemers telt daarbij minder zwaar: haar score "
    "schuift een stukje naar het midden. Ook de onzekerheid van cijfers over weinig "
    "gevallen telt mee. Een vlag is geen bewijs, maar een vraag voor het gesprek: de "
    "marge gaat ervan uit dat de deelnemers een toevallige groep bewoners zijn."
)
#: Colours used for the rings in every chart (colour-blind safe, Okabe–Ito).
COLOUR_CIJFERS = "#0072b2"
COLOUR_BELEVING = "#d55e00"
#: Word bands: (lower limit, words). An index of at least the limit gets the words.
BANDS = (
    (115.0, "veel beter dan gemiddeld"),
    (105.0, "beter dan gemiddeld"),
    (95.0, "ongeveer gemiddeld"),
    (85.0, "slechter dan gemiddeld"),
    (-math.inf, "veel slechter dan gemiddeld"),
)
#: The scale rule in Dutch, for notebooks and the export.
RULE = (
    "Bij de cijfers is 100 de waarde van heel Nederland of van de hele gemeente, altijd "
    "van hetzelfde jaar (erbij staat welke), en tien punten is één "
    "standaardafwijking: zoveel verschillen de buurten gewoonlijk van elkaar. Bij de "
    "beleving is 100 het midden van de antwoordschaal (bijvoorbeeld 5 op een schaal van 0 "
    "tot 10, of 50 %), en tien punten is een tiende van de schaal. Dat midden verschuift "
    "niet met wie er meedeed aan de enquête. Boven 100 is altijd beter, onder 100 "
    "slechter; bij een cijfer waar hoger juist slecht is (zoals bijstand) is de richting "
    "omgedraaid. De twee ringen hebben dus elk hun eigen maat: een verschil is een vraag "
    "voor het gesprek, geen meting. Een thema is het gemiddelde van de indexen die er "
    "zijn; ontbreekt alles, dan staat er 'geen gegevens' (nooit 100). De index loopt van "
    "50 tot 150."
)

#: How the fixed reference of the *beleving* ring reads in a sentence.
MIDPOINT_TEXT = "het midden van de antwoordschaal (vast, niet afhankelijk van wie meedeed)"
SURVEY_TEXT = ("het gemiddelde van alle deelnemers aan de enquête (let op: dat verschuift "
               "met wie er meedeed)")

_DEF_COLUMNS = ("thema", "ring", "naam", "label", "bron", "hoger_is", "toelichting", "past",
                "koppeling")
#: Allowed values of ``past``: does a figure measure what the theme's survey questions ask?
FITS = ("ja", "deels", "nee")
#: How ``past`` reads in a chart caption.
FIT_WORDS = {
    "deels": "de cijfers meten maar een deel van wat bewoners gevraagd is",
    "nee": "geen cijfer meet wat bewoners gevraagd is; de cijfers zijn achtergrond",
}


def beleving_reference(rings: pd.DataFrame | None) -> str:
    """What 100 means in the beleving ring, in a few words ("midden van de schaal" …).

    Read from ``rings.attrs["referentie_beleving"]`` (set by :func:`two_rings`); tables
    without it are from before the fixed reference and used the survey's mean.
    """
    text = str((rings.attrs if rings is not None else {}).get("referentie_beleving",
                                                              SURVEY_TEXT))
    if text.startswith("vaste niveaus"):
        return "vaste niveaus per schaal"
    if text == MIDPOINT_TEXT:
        return "midden van de antwoordschaal"
    return "alle deelnemers"
_SURVEY_REQUIRED = ("buurtcode", "schaal", "score")
_SIGNALS = {
    "none": "geen gegevens",
    "no_cijfers": "geen gegevens over de cijfers",
    "no_beleving": "geen gegevens over de beleving",
    "hidden": "beleving verborgen (te weinig deelnemers)",
    "higher": "bewoners positiever dan de cijfers",
    "lower": "bewoners negatiever dan de cijfers",
    "uncertain": "verschil, maar toeval of gewone verschillen tussen buurten kunnen het "
                 "verklaren",
    "same": "cijfers en beleving komen overeen",
    "higher_background": "bewoners positiever dan de achtergrondcijfers (die meten iets "
                         "anders dan de vragen)",
    "lower_background": "bewoners negatiever dan de achtergrondcijfers (die meten iets "
                        "anders dan de vragen)",
}


# ------------------------------------------------------------------------ definition


def definitie(path: str | Path | None = None) -> pd.DataFrame:
    """The ring definition: which indicators and scales feed which theme.

    Parameters
    ----------
    path : str or Path, optional
        Your own CSV with the columns of ``wijklib/ringen.csv``. Default: that file.

    Returns
    -------
    pandas.DataFrame
        Columns ``thema``, ``ring`` ("cijfers"/"beleving"), ``naam`` (indicator column or
        survey scale), ``label``, ``bron`` ("cbs", "enquete", "politie", …), ``hoger_is``
        ("gunstig"/"ongunstig"), ``toelichting``, and on the *cijfers* rows ``past``
        ("ja"/"deels"/"nee": does the figure measure what the theme's survey questions
        ask?) with ``koppeling`` (why, with the source); themes in the order of the file.

    Raises
    ------
    InvalidChoiceError
        When the file has a missing column or a wrong value (the message names the row).
    """
    if path is None:
        text = resources.files("wijklib.agenda").joinpath("ringen.csv").read_text("utf-8")
        where = "ringen.csv"
    else:
        path = Path(path)
        if not path.is_file():
            raise InvalidChoiceError(f"Het bestand {path} bestaat niet. Controleer het pad.")
        text = path.read_text("utf-8-sig")
        where = path.name
    rows = list(csv.DictReader(text.splitlines()))
    frame = pd.DataFrame(rows, columns=list(rows[0]) if rows else list(_DEF_COLUMNS))
    return check_definitie(frame, where)


def check_definitie(frame: pd.DataFrame, where: str = "de ringdefinitie") -> pd.DataFrame:
    """Check a ring definition table and return a clean copy (see :func:`definitie`)."""
    if not isinstance(frame, pd.DataFrame):
        raise InvalidChoiceError(
            "De ringdefinitie moet een tabel zijn, zoals wijklib.agenda.ringen.definitie() geeft."
        )
    missing = [c for c in ("thema", "ring", "naam", "hoger_is") if c not in frame.columns]
    if missing:
        raise InvalidChoiceError(
            f"In {where} ontbreken de kolommen {', '.join(missing)}. Gebruik de kolommen "
            f"{', '.join(_DEF_COLUMNS)}."
        )
    out = frame.copy()
    for column in _DEF_COLUMNS:
        if column not in out.columns:
            out[column] = ""
        out[column] = out[column].astype("object").where(out[column].notna(), "")
        out[column] = [str(v).strip() for v in out[column]]
    for column in ("thema", "ring", "hoger_is", "bron", "past"):
        out[column] = out[column].str.lower()
    if out.empty:
        raise InvalidChoiceError(f"{where} is leeg. Zet er minstens één thema in.")
    for i, row in enumerate(out.itertuples(index=False), start=2):
        place = f"{where}, regel {i}"
        if not row.thema or not row.naam:
            raise InvalidChoiceError(f"{place}: vul 'thema' en 'naam' in.")
        if row.ring not in RINGS:
            raise InvalidChoiceError(
                f"{place}: ring '{row.ring}' bestaat niet. Kies 'cijfers' of 'beleving'."
            )
        if row.hoger_is not in DIRECTIONS:
            raise InvalidChoiceError(
                f"{place}: hoger_is '{row.hoger_is}' kan niet. Kies 'gunstig' (hoger is "
                "beter) of 'ongunstig' (hoger is slechter). Een ring heeft een richting nodig."
            )
        if row.past and row.past not in FITS:
            raise InvalidChoiceError(
                f"{place}: past '{row.past}' kan niet. Kies 'ja' (het cijfer meet wat "
                "bewoners gevraagd is), 'deels' of 'nee', of laat het leeg."
            )
    doubles = out.duplicated(["thema", "ring", "naam"])
    if doubles.any():
        row = out[doubles].iloc[0]
        raise InvalidChoiceError(
            f"In {where} staat '{row['naam']}' twee keer bij {row['thema']} ({row['ring']}). "
            "Haal één van de twee weg."
        )
    out["label"] = [lab or naam for lab, naam in zip(out["label"], out["naam"], strict=True)]
    return out[list(_DEF_COLUMNS)].reset_index(drop=True)


def themes(definition: pd.DataFrame | None = None) -> list[str]:
    """The themes of a ring definition, in file order."""
    definition = definitie() if definition is None else check_definitie(definition)
    return list(dict.fromkeys(definition["thema"]))


def scale_labels(definition: pd.DataFrame | None = None) -> dict[str, str]:
    """Label per indicator or scale name in a ring definition (for tables and exports)."""
    definition = definitie() if definition is None else check_definitie(definition)
    return dict(zip(definition["naam"], definition["label"], strict=True))


def _weakest_fit(thema: str, definition: pd.DataFrame) -> str:
    """The weakest ``past`` of a theme's figures ("nee" before "deels" before "ja")."""
    rows = definition[(definition["thema"] == thema) & (definition["ring"] == "cijfers")]
    fits = set(rows["past"])
    return next((fit for fit in ("nee", "deels", "ja") if fit in fits), "")


#: The column of the veiligheid figures ring (see ringen.csv).
POLICE_INDICATOR = "misdrijven_per_1000"
#: The column with the registered counts (see :func:`add_police`).
POLICE_COUNT = "misdrijven_aantal"
#: The caveat of police registrations, in Dutch.
POLICE_CAVEAT = ("Let op: een registratie zegt ook iets over aangifte en politie-inzet, niet "
                 "alleen over hoeveel er gebeurt.")


def add_police(
    buurten: pd.DataFrame, gemeente: pd.DataFrame, jaar: int | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Add the police's registered crimes per 1 000 inhabitants for the veiligheid ring.

    The figures come from :func:`wijklib.misdrijven` (table 47018NED, police via CBS),
    with their own year, the source and the exact Poisson interval per buurt (columns
    ``misdrijven_per_1000_onder`` and ``_boven``, used by :func:`cijfers_ring`).

    Parameters
    ----------
    buurten, gemeente : pandas.DataFrame
        :func:`wijklib.kerncijfers` of the buurten and of the gemeente.
    jaar : int, optional
        Year of registration; default the newest with figures.

    Returns
    -------
    (buurten, gemeente, notes)
        Copies with the column added (and ``misdrijven_aantal``: the registered counts,
        for when there is no rate because inhabitants of the same year are missing), and
        Dutch notes (the caveats of registrations, or
        why there are no police figures: then the tables come back unchanged and the
        veiligheid figures ring says "geen gegevens").
    """
    from wijklib.data import politie
    from wijklib.errors import WijklibError

    code = str(gemeente["code"].iloc[0]) if "code" in gemeente and len(gemeente) else ""
    try:
        per_buurt = politie.misdrijven(code, jaar=jaar, niveau="buurt")
        year = int(per_buurt.attrs["year"])
        total = politie.misdrijven(code, jaar=year, niveau="gemeente")
    except WijklibError as err:
        return buurten, gemeente, [
            f"Er zijn nu geen politiecijfers: {err} Bij veiligheid staat aan de cijferkant "
            "daarom 'geen gegevens'."]
    source = f"{politie.SOURCE} (tabel {politie.TABLE})"
    rows = per_buurt.set_index("code")
    out = add_indicator(buurten, POLICE_INDICATOR, rows["per_1000"], year, source)
    out[f"{POLICE_INDICATOR}_onder"] = out["code"].map(rows["per_1000_laag"])
    out[f"{POLICE_INDICATOR}_boven"] = out["code"].map(rows["per_1000_hoog"])
    # the registered counts themselves: shown when there is no rate (no inhabitants of
    # the same year), never turned into a rate with another year's inhabitants
    out[POLICE_COUNT] = out["code"].map(rows["misdrijven"]).astype("float64")
    whole = add_indicator(gemeente, POLICE_INDICATOR, float(total["per_1000"].iloc[0]), year,
                          source)
    return out, whole, list(per_buurt.attrs.get("notes", []))


def nederland_row(jaar: int | None = None) -> tuple[pd.DataFrame | None, str]:
    """The Nederland row for the *cijfers* reference, or None with the reason in Dutch.

    Parameters
    ----------
    jaar : int, optional
        Year of the table; default the newest (as :func:`wijklib.kerncijfers_nederland`).

    Returns
    -------
    (frame or None, note)
        The note says that per figure Nederland of the same year is 100 where it has that
        figure, and the gemeente otherwise; or why there is no Nederland row.
    """
    from wijklib.data.cbs import kerncijfers_nederland
    from wijklib.errors import WijklibError

    try:
        frame = kerncijfers_nederland(jaar)
    except WijklibError as err:
        return None, (f"Er is geen rij voor heel Nederland ({err}). Bij de cijfers is 100 "
                      "daarom de gemeente van hetzelfde jaar.")
    return frame, ("Bij elk cijfer is 100 Nederland van hetzelfde jaar als de buurten, als "
                   "het CBS dat cijfer voor Nederland heeft; anders de gemeente van "
                   "hetzelfde jaar.")


def add_indicator(
    frame: pd.DataFrame,
    naam: str,
    waarden: Mapping[str, float] | pd.Series | float,
    jaar: int | None,
    bron: str,
) -> pd.DataFrame:
    """Add a figure that is not in the CBS data (e.g. police registrations) to a table.

    The year and source travel along in the columns ``jaar_<naam>`` and ``bron_<naam>``
    (:func:`wijklib.guarantees.provenance.stamp_column`), so they show up in the rings and
    in the export, also after a merge. Use it for the buurt table *and* for the gemeente row.

    Parameters
    ----------
    frame : pandas.DataFrame
        A table with a ``code`` column, as from :func:`wijklib.kerncijfers`.
    naam : str
        Column name, as in the ring definition (e.g. ``"misdrijven_per_1000"``).
    waarden : dict, Series or number
        Value per code (codes without a value get NaN), or one number for every row (for
        the gemeente row).
    jaar : int or None
        Year of the figures.
    bron : str
        Source in words, e.g. "Politie, data.politie.nl".

    Returns
    -------
    pandas.DataFrame
        A copy with the new column.
    """
    if not isinstance(frame, pd.DataFrame) or "code" not in frame.columns:
        raise InvalidChoiceError("Ik verwacht een tabel met een kolom 'code'.")
    if not str(naam).strip() or not str(bron).strip():
        raise InvalidChoiceError("Geef de nieuwe kolom een naam en zeg waar de cijfers vandaan "
                                 "komen (bron).")
    out = frame.copy()
    if isinstance(waarden, Mapping | pd.Series):
        lookup = {str(k).strip(): v for k, v in dict(waarden).items()}
        values = [lookup.get(str(c).strip(), math.nan) for c in out["code"]]
    else:
        values = [waarden] * len(out)
    out[naam] = pd.to_numeric(pd.Series(values, index=out.index, dtype="object"),
                              errors="coerce").astype("float64")
    return provenance.stamp_column(out, naam, year=jaar, source=str(bron).strip())


# ---------------------------------------------------------------------------- scale


def spread(values: Any) -> float:
    """Standard deviation (``ddof=0``) of the non-missing values; NaN with fewer than two."""
    x = pd.to_numeric(pd.Series(values, dtype="object"), errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan
    )
    x = x[np.isfinite(x)]
    return float(np.std(x)) if len(x) >= 2 else math.nan


def to_index(
    values: Any,
    reference: float,
    hoger_is: str,
    sd: float,
    clip: tuple[float, float] | None = CLIP,
) -> np.ndarray:
    """Put values on the 100-scale (see :data:`RULE`).

    Parameters
    ----------
    values : array-like
        Buurt values; NaN stays NaN.
    reference : float
        The value that becomes 100 (missing: no index at all).
    hoger_is : {"gunstig", "ongunstig"}
    sd : float
        The spread that is worth 10 points (see :func:`spread`). Zero or missing: only a
        value equal to the reference gets an index (100).
    clip : (low, high) or None
        Cut-off limits; None keeps the raw index.

    Returns
    -------
    numpy.ndarray
        float64, above 100 = better than the reference.
    """
    if hoger_is not in DIRECTIONS:
        raise InvalidChoiceError(
            f"De richting '{hoger_is}' ken ik niet. Kies 'gunstig' of 'ongunstig'."
        )
    x = pd.to_numeric(pd.Series(values, dtype="object"), errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan
    )
    try:
        ref, scale = float(reference), float(sd)
    except (TypeError, ValueError):
        ref, scale = math.nan, math.nan
    if not math.isfinite(ref):
        return np.full(x.shape, np.nan)
    if not math.isfinite(scale) or scale <= 0:
        return np.where(x == ref, 100.0, np.nan)
    z = (x - ref) / scale
    index = 100.0 + POINTS_PER_SD * (z if hoger_is == "gunstig" else -z)
    if clip is not None:
        index = np.clip(index, clip[0], clip[1])
    return index


def words(index: Any) -> str:
    """Dutch words for an index: "beter dan gemiddeld", … or "geen gegevens"."""
    try:
        value = float(index)
    except (TypeError, ValueError):
        return "geen gegevens"
    if not math.isfinite(value):
        return "geen gegevens"
    for lower, text in BANDS:
        if value >= lower:
            return text
    return BANDS[-1][1]  # pragma: no cover - the last band has no lower limit


# --------------------------------------------------------------------- cijfers ring


def _reference_values(reference: Any) -> tuple[dict[str, float], dict[str, Any], str]:
    """Values, indicator metadata and a name from a gemeente row in any of its forms."""
    meta: dict[str, Any] = {}
    name = "de gemeente"
    if isinstance(reference, pd.DataFrame):
        frame = reference
        if len(frame) > 1 and "niveau" in frame.columns:
            frame = frame[frame["niveau"].astype("string").str.lower() == "gemeente"]
        if len(frame) != 1:
            raise InvalidChoiceError(
                "Geef als vergelijking één rij: de gemeente, bijvoorbeeld "
                "wijklib.kerncijfers('Utrecht', niveau='gemeente')."
            )
        meta = provenance.indicators(reference)
        row = frame.iloc[0]
        if "naam" in frame.columns and isinstance(row["naam"], str):
            name = f"de gemeente {row['naam']}"
        values = row.to_dict()
    elif isinstance(reference, pd.Series):
        values = reference.to_dict()
        if isinstance(values.get("naam"), str):
            name = f"de gemeente {values['naam']}"
    elif isinstance(reference, Mapping):
        values = dict(reference)
    else:
        raise InvalidChoiceError(
            "Geef als vergelijking de gemeente: wijklib.kerncijfers('Utrecht', "
            "niveau='gemeente'), of een woordenboek {indicator: waarde}."
        )
    numbers: dict[str, float] = {}
    for key, value in values.items():
        try:
            numbers[str(key)] = float(value)
        except (TypeError, ValueError):
            continue
    return numbers, meta, name


def _source_text(bron: str, info: Mapping[str, Any]) -> str:
    if bron == "cbs":
        table = info.get("table_id")
        return f"CBS Kerncijfers wijken en buurten ({table})" if table else (
            "CBS Kerncijfers wijken en buurten"
        )
    return str(info.get("source") or bron or "onbekende bron")


def _year_of(info: Mapping[str, Any]) -> int | None:
    year = info.get("year") if isinstance(info, Mapping) else None
    try:
        return None if year is None else int(year)
    except (TypeError, ValueError):
        return None


def _area_columns(frame: pd.DataFrame, code: str, name: str) -> tuple[np.ndarray, np.ndarray]:
    codes = frame[code].astype("string").str.strip().fillna("").to_numpy(dtype=object)
    if name in frame.columns:
        names = frame[name].astype("string").fillna("").to_numpy(dtype=object)
    else:
        names = codes.copy()
    return codes, names


def indicator_indices(
    kerncijfers: pd.DataFrame,
    referentie: Any,
    definition: pd.DataFrame | None = None,
    clip: tuple[float, float] | None = CLIP,
    spreiding: Mapping[str, float] | None = None,
    nederland: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per buurt × *cijfers* indicator: value, reference, index, year and source.

    Parameters
    ----------
    kerncijfers : pandas.DataFrame
        One row per buurt, as from :func:`wijklib.kerncijfers` (``code``, ``naam`` and
        indicator columns; the ``jaar``/``tabel``/``bron`` columns give years and
        tables). Pass *all* buurten of the gemeente: their spread sets the scale. Extra
        columns (e.g. ``misdrijven_per_1000`` from the police) can be added with
        :func:`add_indicator`.
    referentie : DataFrame, Series or dict
        The gemeente: ``wijklib.kerncijfers(gemeente, niveau="gemeente")``, one row of
        it, or ``{indicator: value}``.
    definition : pandas.DataFrame, optional
        Ring definition (default :func:`definitie`).
    clip : (low, high) or None
        See :func:`to_index`.
    spreiding : dict, optional
        Standard deviation per indicator instead of the one of these buurten.
    nederland : pandas.DataFrame, optional
        The Nederland row (:func:`wijklib.data.cbs.kerncijfers_nederland`). Per indicator
        it is the reference (100) when it has the figure *for the same year* as the
        buurten; otherwise the gemeente of the same year is. A reference of another year
        is never used: then the indicator gets no index (NaN) and
        ``attrs["ander_jaar"]`` names it.

    Returns
    -------
    pandas.DataFrame
        ``buurtcode``, ``buurtnaam``, ``thema``, ``indicator``, ``label``, ``hoger_is``,
        ``waarde``, ``referentie``, ``referentie_naam`` ("Nederland" or "de gemeente …"),
        ``spreiding``, ``index``, ``jaar``,
        ``jaar_referentie``, ``bron``, ``index_onder`` and ``index_boven`` (the exact
        Poisson interval of a rate made from a count, such as ``bijstand_per_1000``, on
        the same scale; equal to ``index`` when no count is known) and ``marge`` (the
        interval in words for a rate on few cases, see
        :func:`wijklib.tellen.pitfalls.rate_margins`).
        ``attrs["ontbrekende_kolommen"]`` lists indicators of the definition that are not
        columns of ``kerncijfers``.
    """
    definition = definitie() if definition is None else check_definitie(definition)
    if not isinstance(kerncijfers, pd.DataFrame) or "code" not in kerncijfers.columns:
        raise InvalidChoiceError(
            "Ik verwacht de kerncijfers per buurt: een tabel met een kolom 'code', "
            "bijvoorbeeld wijklib.kerncijfers('Utrecht')."
        )
    ref_values, ref_meta, ref_name = _reference_values(referentie)
    country_values: dict[str, float] = {}
    country_meta: dict[str, Any] = {}
    if nederland is not None:
        country_values, country_meta, _ = _reference_values(nederland)
    meta = provenance.indicators(kerncijfers)
    codes, names = _area_columns(kerncijfers, "code", "naam")
    parts: list[pd.DataFrame] = []
    absent: list[str] = []
    other_year: list[str] = []
    for row in definition[definition["ring"] == "cijfers"].itertuples(index=False):
        if row.naam not in kerncijfers.columns:
            absent.append(row.naam)
            continue
        info = meta.get(row.naam, {}) or {}
        values = pd.to_numeric(kerncijfers[row.naam], errors="coerce").astype("float64")
        year = _year_of(info)
        country_year = _year_of(country_meta.get(row.naam, {}) or {})
        if (math.isfinite(country_values.get(row.naam, math.nan))
                and (year is None or country_year == year)):
            ref, ref_year, ref_label = country_values[row.naam], country_year, "Nederland"
        else:
            ref = ref_values.get(row.naam, math.nan)
            ref_year, ref_label = _year_of(ref_meta.get(row.naam, {}) or {}), ref_name
            if year is not None and ref_year is not None and ref_year != year:
                other_year.append(row.naam)  # never a reference of another year
                ref = math.nan
        sd = (spreiding or {}).get(row.naam, spread(values.to_numpy()))
        index = to_index(values.to_numpy(), ref, row.hoger_is, sd, clip)
        own = [f"{row.naam}_onder", f"{row.naam}_boven"]
        if all(column in kerncijfers.columns for column in own):  # e.g. from add_police
            margins = pd.DataFrame({
                "ondergrens": pd.to_numeric(kerncijfers[own[0]], errors="coerce"),
                "bovengrens": pd.to_numeric(kerncijfers[own[1]], errors="coerce"),
                "tekst": ""}, index=kerncijfers.index)
        else:
            try:
                margins = rate_margins(kerncijfers, row.naam)
            except KeyError:  # not in the catalogue (an own column): no count known
                margins = pd.DataFrame({"ondergrens": np.nan, "bovengrens": np.nan,
                                        "tekst": ""}, index=kerncijfers.index)
        low = to_index(margins["ondergrens"].to_numpy(), ref, row.hoger_is, sd, clip)
        high = to_index(margins["bovengrens"].to_numpy(), ref, row.hoger_is, sd, clip)
        if row.hoger_is == "ongunstig":
            low, high = high, low
        low = np.where(np.isfinite(low) & np.isfinite(index), low, index)
        high = np.where(np.isfinite(high) & np.isfinite(index), high, index)
        parts.append(
            pd.DataFrame(
                {
                    "buurtcode": codes,
                    "buurtnaam": names,
                    "thema": row.thema,
                    "indicator": row.naam,
                    "label": row.label,
                    "hoger_is": row.hoger_is,
                    "waarde": values.to_numpy(),
                    "referentie": ref,
                    "referentie_naam": ref_label,
                    "spreiding": sd,
                    "index": index,
                    "jaar": year,
                    "jaar_referentie": ref_year,
                    "bron": _source_text(row.bron, info),
                    "index_onder": low,
                    "index_boven": high,
                    "marge": margins["tekst"].to_numpy(dtype=object),
                }
            )
        )
    columns = [
        "buurtcode", "buurtnaam", "thema", "indicator", "label", "hoger_is", "waarde",
        "referentie", "referentie_naam", "spreiding", "index", "jaar", "jaar_referentie",
        "bron", "index_onder", "index_boven", "marge",
    ]
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
    for column in ("jaar", "jaar_referentie"):
        out[column] = pd.array(out[column], dtype="Int64")
    for column in ("waarde", "referentie", "spreiding", "index", "index_onder", "index_boven"):
        out[column] = out[column].astype("float64")
    out = out[columns]
    out.attrs = {"ontbrekende_kolommen": absent, "regel": RULE, "ander_jaar": other_year}
    return out


def _reference_text(detail: pd.DataFrame, fallback: str) -> str:
    """What 100 is in the *cijfers* ring, with years: "de gemeente Utrecht (2023)", …."""
    used = detail[detail["referentie"].notna()] if len(detail) else detail
    if not len(used):
        return fallback
    parts: dict[str, list[int]] = {}
    for name, year in zip(used["referentie_naam"], used["jaar_referentie"], strict=True):
        parts.setdefault(str(name), [])
        if year is not None and not pd.isna(year):
            parts[str(name)].append(int(year))
    return " en ".join(f"{name} ({_years_text(years)})" for name, years in parts.items())


def _years_text(years: Sequence[Any]) -> str:
    known = sorted({int(y) for y in years if y is not None and not pd.isna(y)})
    if not known:
        return "jaar onbekend"
    return str(known[0]) if len(known) == 1 else f"{known[0]}–{known[-1]}"


def cijfers_ring(
    kerncijfers: pd.DataFrame,
    referentie: Any,
    definition: pd.DataFrame | None = None,
    clip: tuple[float, float] | None = CLIP,
    spreiding: Mapping[str, float] | None = None,
    nederland: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The *cijfers* ring: one score per buurt × theme from CBS indicators.

    100 is a reference that does not move with the buurten chosen: per indicator
    Nederland of the same year (when ``nederland`` is given and has the figure), else the
    gemeente of the same year. ``attrs["referentie"]`` says which, with the years.

    Parameters
    ----------
    kerncijfers, referentie, definition, clip, spreiding, nederland
        See :func:`indicator_indices`.

    Returns
    -------
    pandas.DataFrame
        One row per buurt × theme (every theme of the definition, buurten in input order):
        ``buurtcode``, ``buurtnaam``, ``thema``, ``cijfers`` (mean index, NaN without any
        figure), ``n_indicators``, ``indicatoren`` (labels with years of the figures used),
        ``jaren``, ``bronnen``, ``cijfers_onder`` and ``cijfers_boven`` (the mean of the
        indicators' Poisson bounds: how much the score could differ by chance when a rate
        rests on few cases) and ``past`` (the weakest ``past`` of the theme's figures in
        the definition: "ja", "deels", "nee" or ""). ``attrs`` holds the rule, the
        reference name and the missing columns.

    Examples
    --------
    A buurt with the gemeente's value gets 100; a share of empty homes (``ongunstig``) one
    standard deviation below the gemeente's gets 110.
    """
    definition = definitie() if definition is None else check_definitie(definition)
    detail = indicator_indices(kerncijfers, referentie, definition, clip, spreiding, nederland)
    _, _, ref_name = _reference_values(referentie)
    codes, names = _area_columns(kerncijfers, "code", "naam")
    records = []
    grouped = {key: g for key, g in detail.groupby(["buurtcode", "thema"], sort=False)}
    fits = {thema: _weakest_fit(thema, definition) for thema in themes(definition)}
    for code, name in zip(codes, names, strict=True):
        for thema in themes(definition):
            group = grouped.get((code, thema))
            used = group[group["index"].notna()] if group is not None else detail.iloc[0:0]
            records.append(
                {
                    "buurtcode": code,
                    "buurtnaam": name,
                    "thema": thema,
                    "cijfers": float(used["index"].mean()) if len(used) else math.nan,
                    "cijfers_onder": float(used["index_onder"].mean()) if len(used)
                    else math.nan,
                    "cijfers_boven": float(used["index_boven"].mean()) if len(used)
                    else math.nan,
                    "n_indicators": len(used),
                    "indicatoren": "; ".join(
                        f"{lab} ({'jaar onbekend' if pd.isna(y) else int(y)})"
                        for lab, y in zip(used["label"], used["jaar"], strict=True)
                    ),
                    "jaren": _years_text(list(used["jaar"])) if len(used) else "",
                    "bronnen": "; ".join(dict.fromkeys(used["bron"])),
                    "past": fits[thema],
                }
            )
    columns = [
        "buurtcode", "buurtnaam", "thema", "cijfers", "n_indicators", "indicatoren", "jaren",
        "bronnen", "cijfers_onder", "cijfers_boven", "past",
    ]
    out = pd.DataFrame.from_records(records, columns=columns)
    for column in ("cijfers", "cijfers_onder", "cijfers_boven"):
        out[column] = out[column].astype("float64")
    out["n_indicators"] = out["n_indicators"].astype("int64")
    out.attrs = {
        "regel": RULE,
        "referentie": _reference_text(detail, ref_name),
        "ontbrekende_kolommen": list(detail.attrs.get("ontbrekende_kolommen", [])),
        "ander_jaar": list(detail.attrs.get("ander_jaar", [])),
    }
    return out


# -------------------------------------------------------------------- beleving ring


def _check_survey(scores: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(scores, pd.DataFrame):
        raise InvalidChoiceError(
            "Ik verwacht de schaalscores van de enquête als tabel (uit wijklib.vertellen.scores)."
        )
    missing = [c for c in _SURVEY_REQUIRED if c not in scores.columns]
    if missing:
        raise DataNotAvailableError(
            f"De schaalscores missen de kolom(men) {', '.join(missing)}. Gebruik de tabel "
            "die wijklib.vertellen.scores maakt (kolommen buurtcode, schaal, score, ondergrens, "
            "bovengrens, n, verborgen)."
        )
    out = scores.copy()
    out["buurtcode"] = out["buurtcode"].astype("string").str.strip().fillna("")
    out["schaal"] = out["schaal"].astype("string").str.strip().fillna("")
    for column in ("score", "ondergrens", "bovengrens", "n"):
        if column in out.columns:
            out[column] = pd.to_numeric(out[column], errors="coerce").astype("float64")
        else:
            out[column] = math.nan
    if "verborgen" not in out.columns:
        out["verborgen"] = False
    out["verborgen"] = out["verborgen"].fillna(False).astype(bool)
    if "buurtnaam" not in out.columns:
        out["buurtnaam"] = out["buurtcode"]
    out["buurtnaam"] = out["buurtnaam"].astype("string").fillna(out["buurtcode"])
    return out


def _scale_range(subset: pd.DataFrame, scale: str) -> tuple[float, float]:
    """The answer range of a scale: from the scores table, else from the questionnaire."""
    if {"schaal_min", "schaal_max"} <= set(subset.columns):
        low = pd.to_numeric(subset["schaal_min"], errors="coerce").dropna()
        high = pd.to_numeric(subset["schaal_max"], errors="coerce").dropna()
        if len(low) and len(high):
            return float(low.iloc[0]), float(high.iloc[0])
    from wijklib.vertellen.survey import vragenlijst

    for item in vragenlijst().scales:
        if item.code == scale:
            return float(item.min), float(item.max)
    raise DataNotAvailableError(
        f"Ik weet niet van welk getal tot welk getal de schaal '{scale}' loopt. Geef de "
        "tabel uit wijklib.vertellen.scores (met schaal_min en schaal_max), of geef zelf "
        "een referentie: referentie={'" + scale + "': 6.0}."
    )


def beleving_ring(
    scale_scores: pd.DataFrame,
    definition: pd.DataFrame | None = None,
    clip: tuple[float, float] | None = CLIP,
    spreiding: Mapping[str, float] | None = None,
    referentie: str | Mapping[str, float] = "midden",
) -> pd.DataFrame:
    """The *beleving* ring: one score per buurt × theme from the survey scales.

    Parameters
    ----------
    scale_scores : pandas.DataFrame
        Scale scores as from :mod:`wijklib.vertellen.scores`: ``buurtcode``, ``buurtnaam``,
        ``schaal``, ``score``, ``ondergrens``, ``bovengrens`` (95 % interval), ``n``,
        ``verborgen``, ``hoger_is``, ``schaal_min``, ``schaal_max``; rows with
        ``buurtcode == "totaal"`` are the whole survey.
    definition : pandas.DataFrame, optional
        Ring definition (default :func:`definitie`).
    clip : (low, high) or None
        See :func:`to_index`.
    spreiding : dict, optional
        The score difference worth ten points, per scale (default: a tenth of the scale;
        with ``referentie="enquete"``: the standard deviation of the buurt scores shown).
    referentie : "midden", "enquete" or dict
        What is 100 (see the module docstring): ``"midden"`` (default) the middle of the
        answer scale; a dict ``{scale: level}`` fixed levels of your own (e.g. national
        figures; scales not in it use the middle); ``"enquete"`` the mean of all
        participants (``totaal`` rows), which moves with who took part.

    Returns
    -------
    pandas.DataFrame
        One row per buurt × theme: ``buurtcode``, ``buurtnaam``, ``thema``, ``beleving``,
        ``beleving_onder``, ``beleving_boven`` (interval on the index scale), ``n``
        (smallest group of the scales used), ``verborgen`` (no score because the group is
        too small) and ``schalen``. ``attrs["n_totaal"]`` is the number of participants.

    Raises
    ------
    DataNotAvailableError
        Without ``totaal`` rows (the reference) or with missing columns.
    InvalidChoiceError
        When the survey and the ring definition disagree on a scale's direction.
    """
    definition = definitie() if definition is None else check_definitie(definition)
    scores = _check_survey(scale_scores)
    moving = isinstance(referentie, str) and referentie == "enquete"
    if isinstance(referentie, str) and referentie not in ("midden", "enquete"):
        raise InvalidChoiceError(
            f"De referentie '{referentie}' ken ik niet. Kies 'midden' (het midden van de "
            "schaal), 'enquete' (alle deelnemers) of geef vaste niveaus, bijvoorbeeld "
            "{'cohesie': 6.4}."
        )
    if not isinstance(referentie, (str, Mapping)):
        raise InvalidChoiceError("Geef de referentie als 'midden', 'enquete' of als "
                                 "woordenboek, bijvoorbeeld {'cohesie': 6.4}.")
    levels = dict(referentie) if isinstance(referentie, Mapping) else {}
    is_total = scores["buurtcode"].str.lower() == "totaal"
    totals = scores[is_total].drop_duplicates("schaal").set_index("schaal")
    if moving and totals.empty and len(scores):
        raise DataNotAvailableError(
            "De schaalscores hebben geen rij 'totaal' (alle deelnemers samen). Die is nodig "
            "als 100. Maak de scores opnieuw met wijklib.vertellen.scores."
        )
    rows = scores[~is_total]
    buurten = rows.drop_duplicates("buurtcode")[["buurtcode", "buurtnaam"]]
    beleving_def = definition[definition["ring"] == "beleving"]
    parts = []
    spreads: dict[str, float] = {}
    references: dict[str, float] = {}
    for item in beleving_def.itertuples(index=False):
        subset = rows[rows["schaal"] == item.naam]
        if moving and item.naam not in totals.index:
            continue
        if not moving and subset.empty:
            continue
        if "hoger_is" in subset.columns:
            stated = {str(v).strip().lower() for v in subset["hoger_is"].dropna()}
            stated.discard("")
            if stated and stated != {item.hoger_is}:
                raise InvalidChoiceError(
                    f"Voor de schaal '{item.naam}' zegt de enquête hoger_is = "
                    f"{', '.join(sorted(stated))}, maar de ringdefinitie zegt "
                    f"'{item.hoger_is}'. Pas één van de twee aan, zodat ze hetzelfde zeggen."
                )
        if moving:
            ref = float(totals.loc[item.naam, "score"])
            sd = (spreiding or {}).get(item.naam, spread(subset["score"].to_numpy()))
        else:
            low, high = _scale_range(subset, item.naam)
            ref = float(levels.get(item.naam, (low + high) / 2))
            sd = (spreiding or {}).get(item.naam, (high - low) / 10)
        spreads[item.naam] = sd
        references[item.naam] = ref
        index = to_index(subset["score"].to_numpy(), ref, item.hoger_is, sd, clip)
        lower = to_index(subset["ondergrens"].to_numpy(), ref, item.hoger_is, sd, clip)
        upper = to_index(subset["bovengrens"].to_numpy(), ref, item.hoger_is, sd, clip)
        if item.hoger_is == "ongunstig":
            lower, upper = upper, lower
        parts.append(
            pd.DataFrame(
                {
                    "buurtcode": subset["buurtcode"].to_numpy(),
                    "thema": item.thema,
                    "label": item.label,
                    "index": index,
                    "onder": lower,
                    "boven": upper,
                    "n": subset["n"].to_numpy(),
                    "verborgen": subset["verborgen"].to_numpy(dtype=bool),
                }
            )
        )
    detail = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["buurtcode", "thema", "label", "index", "onder", "boven", "n", "verborgen"]
    )
    grouped = {key: g for key, g in detail.groupby(["buurtcode", "thema"], sort=False)}
    records = []
    for code, name in buurten.itertuples(index=False):
        for thema in themes(definition):
            group = grouped.get((code, thema))
            if group is None:
                group = detail.iloc[0:0]
            used = group[group["index"].notna()]
            bounds_known = len(used) and used["onder"].notna().all() and used["boven"].notna().all()
            n_values = used["n"].dropna()
            records.append(
                {
                    "buurtcode": code,
                    "buurtnaam": name,
                    "thema": thema,
                    "beleving": float(used["index"].mean()) if len(used) else math.nan,
                    "beleving_onder": float(used["onder"].mean()) if bounds_known else math.nan,
                    "beleving_boven": float(used["boven"].mean()) if bounds_known else math.nan,
                    "n": float(n_values.min()) if len(n_values) else math.nan,
                    "verborgen": bool(len(used) == 0 and group["verborgen"].any()),
                    "schalen": "; ".join(used["label"]),
                }
            )
    columns = [
        "buurtcode", "buurtnaam", "thema", "beleving", "beleving_onder", "beleving_boven",
        "n", "verborgen", "schalen",
    ]
    out = pd.DataFrame.from_records(records, columns=columns)
    for column in ("beleving", "beleving_onder", "beleving_boven"):
        out[column] = out[column].astype("float64")
    out["n"] = pd.array(
        [None if pd.isna(v) else int(v) for v in out["n"]], dtype="Int64"
    )
    out["verborgen"] = out["verborgen"].astype(bool)
    n_total = totals["n"].dropna() if "n" in totals.columns else pd.Series(dtype=float)
    if moving:
        reference_text = SURVEY_TEXT
    elif levels:
        reference_text = ("vaste niveaus: " + ", ".join(
            f"{k} {format_number(v)}" for k, v in levels.items())
            + "; de andere schalen: " + MIDPOINT_TEXT)
    else:
        reference_text = MIDPOINT_TEXT
    out.attrs = {
        "regel": RULE,
        "referentie": reference_text,
        "referentiewaarden": references,
        "n_totaal": int(n_total.max()) if len(n_total) else None,
        "spreiding": spreads,
    }
    return out


# ------------------------------------------------------------------------ two rings


#: Columns added by :func:`shrink`.
SHRINK_COLUMNS = ("beleving_krimp", "beleving_krimp_onder", "beleving_krimp_boven",
                  "betrouwbaarheid")


def _standard_errors(rows: pd.DataFrame) -> np.ndarray:
    """Standard error of each beleving score on the index scale, from its 95 % interval."""
    low = pd.to_numeric(rows.get("beleving_onder"), errors="coerce")
    high = pd.to_numeric(rows.get("beleving_boven"), errors="coerce")
    if low is None or high is None:
        return np.full(len(rows), np.nan)
    return ((high - low) / (2 * Z95)).to_numpy(dtype="float64", na_value=np.nan)


def between_buurt_variance(rings: pd.DataFrame) -> dict[str, float]:
    """The true spread of the buurten around the beleving reference, per theme (tau²).

    Method of moments, as in DerSimonian–Laird, but around the fixed reference (100) so
    that it does not move with the survey's mean: ``mean((beleving − 100)²) − mean(se²)``
    over the buurten with a score and an interval, at least 0. NaN for a theme without
    such buurten.

    Parameters
    ----------
    rings : pandas.DataFrame
        Columns ``thema``, ``beleving``, ``beleving_onder`` and ``beleving_boven``, as
        from :func:`beleving_ring` or :func:`two_rings`.

    Returns
    -------
    dict
        ``{thema: tau²}`` in index points squared.
    """
    se = _standard_errors(rings)
    score = pd.to_numeric(rings["beleving"], errors="coerce").to_numpy(dtype="float64",
                                                                      na_value=np.nan)
    usable = np.isfinite(score) & np.isfinite(se)
    out: dict[str, float] = {}
    for thema in dict.fromkeys(rings["thema"]):
        mask = usable & (rings["thema"] == thema).to_numpy()
        if not mask.any():
            out[str(thema)] = math.nan
            continue
        observed = float(np.mean((score[mask] - 100.0) ** 2))
        out[str(thema)] = max(0.0, observed - float(np.mean(se[mask] ** 2)))
    return out


def shrink(rings: pd.DataFrame, tau2: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Pull each beleving score towards the reference by its reliability (empirical Bayes).

    The model: a buurt's true score lies around the reference (100) with spread ``tau²``
    per theme (:func:`between_buurt_variance`), and the survey adds chance with the
    buurt's standard error ``se``. The best guess of the true score is then
    ``100 + R × (beleving − 100)`` with reliability ``R = tau² / (tau² + se²)``, and its
    interval is the survey's interval narrowed to ``√R`` of its width around that guess.
    A buurt without an interval keeps its score (``R = 1``); so does every buurt of a
    theme where ``tau²`` is unknown.

    Parameters
    ----------
    rings : pandas.DataFrame
        As from :func:`two_rings` (``thema``, ``beleving``, ``beleving_onder``,
        ``beleving_boven``).
    tau2 : dict, optional
        ``{thema: tau²}``; default estimated from these rows. Pass the estimate of all
        buurten when you shrink a selection.

    Returns
    -------
    pandas.DataFrame
        A copy with ``beleving_krimp``, ``beleving_krimp_onder``, ``beleving_krimp_boven``
        and ``betrouwbaarheid`` (R); ``attrs["tussen_buurten"]`` holds tau² per theme.
    """
    if not isinstance(rings, pd.DataFrame) or not {"thema", "beleving"} <= set(rings.columns):
        raise InvalidChoiceError(
            "Ik verwacht de tabel uit wijklib.agenda.ringen.two_rings(cijfers, beleving)."
        )
    out = rings.copy()
    for column in ("beleving_onder", "beleving_boven"):
        if column not in out.columns:
            out[column] = math.nan
    variances = dict(between_buurt_variance(out) if tau2 is None else tau2)
    se = _standard_errors(out)
    score = pd.to_numeric(out["beleving"], errors="coerce").to_numpy(dtype="float64",
                                                                    na_value=np.nan)
    low = pd.to_numeric(out["beleving_onder"], errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan)
    high = pd.to_numeric(out["beleving_boven"], errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan)
    t2 = np.array([variances.get(str(t), math.nan) for t in out["thema"]], dtype="float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        reliability = np.where(np.isfinite(se) & np.isfinite(t2),
                               np.where(t2 + se ** 2 > 0, t2 / (t2 + se ** 2), 1.0), 1.0)
    reliability = np.where(np.isfinite(score), reliability, np.nan)
    centre = 100.0 + reliability * (score - 100.0)
    root = np.sqrt(reliability)
    out["beleving_krimp"] = centre
    out["beleving_krimp_onder"] = np.where(np.isfinite(low), centre - root * (score - low),
                                           centre)
    out["beleving_krimp_boven"] = np.where(np.isfinite(high), centre + root * (high - score),
                                           centre)
    out["betrouwbaarheid"] = reliability
    out.attrs = {**rings.attrs, "tussen_buurten": variances}
    return out


def _signal(row: Mapping[str, Any], threshold: float, margin: float) -> tuple[str, bool]:
    c, b = row["cijfers"], row["beleving"]
    if pd.isna(c) and pd.isna(b):
        return _SIGNALS["none"], False
    if pd.isna(c):
        return _SIGNALS["no_cijfers"], False
    if pd.isna(b):
        return _SIGNALS["hidden" if row.get("verborgen") is True else "no_beleving"], False

    def known(value: Any, default: float) -> float:
        return default if value is None or pd.isna(value) else float(value)

    # the pulled (shrunken) survey score and its interval; without it the raw one
    centre = known(row.get("beleving_krimp"), b)
    lower = known(row.get("beleving_krimp_onder"), known(row.get("beleving_onder"), centre))
    upper = known(row.get("beleving_krimp_boven"), known(row.get("beleving_boven"), centre))
    c_low = known(row.get("cijfers_onder"), c)
    c_high = known(row.get("cijfers_boven"), c)
    # the interval of the difference beleving − cijfers, widened by the margin
    gap_low = lower - margin - c_high
    gap_high = upper + margin - c_low
    # a theme whose figures measure something else than its questions (past = "nee"):
    # the gap is still a question for the group, but the signal says what it compares
    background = "_background" if row.get("past") == "nee" else ""
    if gap_low > threshold:
        return _SIGNALS["higher" + background], True
    if gap_high < -threshold:
        return _SIGNALS["lower" + background], True
    if abs(b - c) > threshold:
        return _SIGNALS["uncertain"], False
    return _SIGNALS["same"], False


def two_rings(
    cijfers: pd.DataFrame,
    beleving: pd.DataFrame,
    threshold: float = THRESHOLD,
    margin: float = MARGIN,
) -> pd.DataFrame:
    """Both rings side by side, per buurt × theme.

    Parameters
    ----------
    cijfers : pandas.DataFrame
        From :func:`cijfers_ring`.
    beleving : pandas.DataFrame
        From :func:`beleving_ring`.
    threshold, margin : float
        Used for ``signaal``; see :func:`gap_flags`.

    Returns
    -------
    pandas.DataFrame
        ``buurtcode``, ``buurtnaam``, ``thema``, ``cijfers``, ``beleving``,
        ``beleving_onder``, ``beleving_boven``, ``verschil`` (beleving − cijfers),
        ``signaal`` (Dutch), then ``n``, ``verborgen``, ``n_indicators``,
        ``indicatoren``, ``jaren``, ``bronnen``, ``schalen``, ``cijfers_onder``,
        ``cijfers_boven`` and the columns of :func:`shrink` (the survey score pulled
        towards 100 by its reliability, estimated over *all* buurten passed here; the
        flags use it, also on a selection of rows later). A buurt that is on one side
        only gets NaN (shown as "geen gegevens") on the other side, never 100. No
        average column: the two rings stay apart.
    """
    for frame, what, column in ((cijfers, "cijfers", "cijfers"), (beleving, "beleving",
                                                                      "beleving")):
        if not isinstance(frame, pd.DataFrame) or not {"buurtcode", "thema", column} <= set(
            frame.columns
        ):
            raise InvalidChoiceError(
                f"Ik verwacht bij '{what}' de tabel uit wijklib.agenda.ringen.{what}_ring(...)."
            )
    merged = cijfers.merge(
        beleving, on=["buurtcode", "thema"], how="outer", suffixes=("", "_b"), sort=False
    )
    if "buurtnaam" not in merged.columns:
        merged["buurtnaam"] = merged["buurtcode"]
    if "buurtnaam_b" in merged.columns:
        merged["buurtnaam"] = merged["buurtnaam"].astype("object").where(
            merged["buurtnaam"].notna(), merged["buurtnaam_b"].astype("object")
        )
    merged["buurtnaam"] = merged["buurtnaam"].astype("object").where(
        merged["buurtnaam"].notna(), merged["buurtcode"]
    )
    for column, default in (
        ("beleving_onder", math.nan), ("beleving_boven", math.nan), ("n", pd.NA),
        ("cijfers_onder", math.nan), ("cijfers_boven", math.nan),
        ("verborgen", False), ("schalen", ""), ("n_indicators", 0), ("indicatoren", ""),
        ("jaren", ""), ("bronnen", ""), ("past", ""),
    ):
        if column not in merged.columns:
            merged[column] = default
    merged["verborgen"] = merged["verborgen"].astype("object").fillna(False).astype(bool)
    merged["n_indicators"] = merged["n_indicators"].fillna(0).astype("int64")
    for column in ("schalen", "indicatoren", "jaren", "bronnen", "past"):
        merged[column] = merged[column].astype("object").fillna("")
    merged["n"] = pd.array(merged["n"], dtype="Int64")
    for column in ("cijfers", "beleving", "beleving_onder", "beleving_boven",
                   "cijfers_onder", "cijfers_boven"):
        merged[column] = merged[column].astype("float64")
    merged["verschil"] = merged["beleving"] - merged["cijfers"]
    # Order: buurten as in cijfers (then any survey-only buurt), themes in definition order.
    buurt_order = list(dict.fromkeys([*cijfers["buurtcode"], *beleving["buurtcode"]]))
    theme_order = list(dict.fromkeys([*cijfers["thema"], *beleving["thema"]]))
    merged["_b"] = merged["buurtcode"].map({c: i for i, c in enumerate(buurt_order)})
    merged["_t"] = merged["thema"].map({t: i for i, t in enumerate(theme_order)})
    merged = merged.sort_values(["_b", "_t"], kind="stable").reset_index(drop=True)
    merged = shrink(merged)
    merged["signaal"] = [
        _signal(row, threshold, margin)[0] for row in merged.to_dict("records")
    ]
    columns = [
        "buurtcode", "buurtnaam", "thema", "cijfers", "beleving", "beleving_onder",
        "beleving_boven", "verschil", "signaal", "n", "verborgen", "n_indicators",
        "indicatoren", "jaren", "bronnen", "schalen", "cijfers_onder", "cijfers_boven",
        "past", *SHRINK_COLUMNS,
    ]
    out = merged[columns].copy()
    out.attrs = {
        "tussen_buurten": merged.attrs.get("tussen_buurten", {}),
        "regel": RULE,
        "referentie_cijfers": cijfers.attrs.get("referentie", "de gemeente"),
        "referentie_beleving": beleving.attrs.get("referentie", "alle deelnemers"),
        "n_totaal": beleving.attrs.get("n_totaal"),
        "threshold": threshold,
        "margin": margin,
    }
    return out


def flag_rule(rings: pd.DataFrame | None = None) -> str:
    """The flag rule in Dutch (:data:`FLAG_RULE`) with the threshold the rings used."""
    attrs = rings.attrs if isinstance(rings, pd.DataFrame) else {}
    text = FLAG_RULE.format(drempel=format_number(attrs.get("threshold", THRESHOLD), 0))
    margin = float(attrs.get("margin", MARGIN) or 0)
    if margin > 0:
        text += f" Er is {format_number(margin, 0)} punten extra ruimte genomen."
    return text


def _index_text(x: Any) -> str:
    return format_number(x, 0)


def question(row: Mapping[str, Any]) -> str:
    """The Dutch question for one flagged row ("de cijfers zeggen …: hoe kan dat?")."""
    c, b = row["cijfers"], row["beleving"]
    word_c, word_b = words(c), words(b)
    if word_b == word_c:
        word_b = f"ook {word_b}, maar {'sterker' if b > c else 'minder sterk'}"
        if word_c == "ongeveer gemiddeld":
            word_b = f"ook ongeveer gemiddeld, maar {'beter' if b > c else 'slechter'}"
    parts = [f"index {_index_text(b)}"]
    lower, upper = row.get("beleving_onder"), row.get("beleving_boven")
    if lower is not None and upper is not None and not pd.isna(lower) and not pd.isna(upper):
        parts.append(f"marge {_index_text(lower)} tot {_index_text(upper)}")
    n = row.get("n")
    if n is not None and not pd.isna(n):
        parts.append(f"n = {int(n)}")
    thema = str(row.get("thema", "")).capitalize()
    buurt = str(row.get("buurtnaam") or row.get("buurtcode") or "de buurt")
    return (
        f"{thema} in {buurt}: de cijfers zeggen {word_c} (index {_index_text(c)}), "
        f"bewoners zeggen {word_b} ({'; '.join(parts)}): hoe kan dat?"
    )


def gap_flags(
    rings: pd.DataFrame, threshold: float = THRESHOLD, margin: float = MARGIN
) -> pd.DataFrame:
    """Flag where the figures and the residents disagree beyond chance and normal spread.

    A row is flagged when both rings have a score and the interval of the difference
    between the shrunken survey score (:func:`shrink`: pulled towards 100 by its
    reliability) and the *cijfers* (``cijfers_onder`` to ``cijfers_boven``; just
    ``cijfers`` without them), widened by ``margin`` on each side, lies entirely beyond
    ``threshold`` points. So chance in the survey, the normal differences between buurten
    and chance in rates on few cases are all counted (see the module docstring). A
    missing side never gives a flag; ``signaal`` then says "geen gegevens …".

    The shrinkage columns made by :func:`two_rings` (over all buurten) are used when
    present; otherwise they are estimated from the rows passed.

    Parameters
    ----------
    rings : pandas.DataFrame
        From :func:`two_rings`.
    threshold : float, default 15
        Minimum difference in index points that the whole interval must exceed.
    margin : float, default 0
        Extra room around the interval of the difference, in index points.

    Returns
    -------
    pandas.DataFrame
        A copy of ``rings`` with ``signaal`` recomputed, ``vlag`` (bool) and ``vraag``
        (the question for the group; empty without a flag).
    """
    if threshold < 0 or margin < 0:
        raise InvalidChoiceError("De drempel en de marge kunnen niet negatief zijn.")
    required = {"cijfers", "beleving", "thema"}
    if not isinstance(rings, pd.DataFrame) or not required <= set(rings.columns):
        raise InvalidChoiceError(
            "Ik verwacht de tabel uit wijklib.agenda.ringen.two_rings(cijfers, beleving)."
        )
    out = rings.copy() if set(SHRINK_COLUMNS) <= set(rings.columns) else shrink(rings)
    signals = [_signal(row, threshold, margin) for row in out.to_dict("records")]
    out["signaal"] = [s for s, _ in signals]
    out["vlag"] = np.array([f for _, f in signals], dtype=bool)
    out["vraag"] = [
        question(row) if flag else "" for row, (_, flag) in zip(
            out.to_dict("records"), signals, strict=True
        )
    ]
    out.attrs = {**rings.attrs, "threshold": threshold, "margin": margin}
    return out


# --------------------------------------------------------------------------- charts


def _select(
    rings: pd.DataFrame, thema: str | None, buurten: Sequence[str] | None
) -> pd.DataFrame:
    data = rings
    if thema is not None:
        known = list(dict.fromkeys(rings["thema"]))
        if thema not in known:
            raise InvalidChoiceError(
                f"Het thema '{thema}' staat niet in de tabel. Kies uit: {', '.join(known)}."
            )
        data = data[data["thema"] == thema]
    if buurten is not None:
        wanted = [str(b) for b in buurten]
        mask = data["buurtcode"].isin(wanted) | data["buurtnaam"].isin(wanted)
        if not mask.any():
            raise InvalidChoiceError(
                "Geen van de gekozen buurten staat in de tabel. Gebruik de buurtcode, "
                "bijvoorbeeld " + (str(rings["buurtcode"].iloc[0]) if len(rings) else "BU…")
                + "."
            )
        data = data[mask]
    return data


def _flagged(data: pd.DataFrame) -> pd.DataFrame:
    if "vlag" in data.columns:
        return data
    threshold = data.attrs.get("threshold", THRESHOLD)
    margin = data.attrs.get("margin", MARGIN)
    return gap_flags(data, threshold, margin) if len(data) else data.assign(vlag=False, vraag="")


def _short_source(source: str) -> str:
    """A short name for a legend: "CBS" for the CBS tables, else the source itself."""
    text = str(source).strip()
    return "CBS" if text.upper().startswith("CBS") else text


def _figure_sources(data: pd.DataFrame) -> dict[str, list[int]]:
    """Every source in the ``bronnen`` column of the rows shown, with the years it gives."""
    out: dict[str, set[int]] = {}
    if "bronnen" not in data.columns:
        return {}
    has_figure = data["cijfers"].notna() if "cijfers" in data.columns else True
    rows = data[has_figure]
    jaren = rows["jaren"] if "jaren" in rows.columns else pd.Series("", index=rows.index)
    for bronnen, years in zip(rows["bronnen"], jaren, strict=True):
        numbers = {int(y) for y in str(years).replace("–", " ").replace("-", " ").split()
                   if y.isdigit()}
        for source in str(bronnen if not pd.isna(bronnen) else "").split("; "):
            if source.strip():
                out.setdefault(source.strip(), set()).update(numbers)
    return {source: sorted(years) for source, years in out.items()}


def figures_label(data: pd.DataFrame) -> str:
    """Legend label of the *cijfers* ring after the sources shown, e.g. "cijfers (CBS)"."""
    names = list(dict.fromkeys(_short_source(s) for s in _figure_sources(data)))
    return f"cijfers ({'; '.join(names)})" if names else "cijfers"


def survey_label(enquete: str | None = None, enquete_jaar: int | None = None) -> str:
    """Legend label of the *beleving* ring, e.g. "beleving (bewonersenquête 2026)"."""
    name = str(enquete).strip() if enquete and str(enquete).strip() else "enquête"
    year = f" {enquete_jaar}" if enquete_jaar is not None else ""
    return f"beleving ({name}{year})"


def _figure_intervals(data: pd.DataFrame) -> pd.DataFrame:
    """Rows whose *cijfers* score has a Poisson interval of some width (few cases)."""
    if not {"cijfers", "cijfers_onder", "cijfers_boven"} <= set(data.columns):
        return data.iloc[0:0]
    width = data["cijfers_boven"] - data["cijfers_onder"]
    return data[data["cijfers"].notna() & (width > 0.5)]


def _caption(
    rings: pd.DataFrame,
    data: pd.DataFrame | None = None,
    enquete: str | None = None,
    enquete_jaar: int | None = None,
) -> str:
    """Caption: the scale, the sources and years of the figures, the survey and its n."""
    data = rings if data is None else data
    ref_c = rings.attrs.get("referentie_cijfers", "de gemeente")
    sources = _figure_sources(data)
    if sources:
        parts = []
        for source, years in sources.items():
            when = _years_text(years) if years else "jaar onbekend"
            parts.append(f"{source}, {when}")
        figures = f"bron: {'; '.join(parts)}"
    else:
        figures = "geen cijfers in deze grafiek"
    name = str(enquete).strip() if enquete and str(enquete).strip() else "enquête"
    year = f" {enquete_jaar}" if enquete_jaar is not None else " (jaar onbekend)"
    n_total = rings.attrs.get("n_totaal")
    n_text = (f"n = {int(n_total)} deelnemers in totaal" if n_total is not None
              and not pd.isna(n_total) else "n onbekend")
    fits = (dict(zip(data["thema"], data["past"], strict=True)) if "past" in data.columns
            else {})
    warnings = " ".join(f"Let op, {str(t)}: {FIT_WORDS[f]}." for t, f in fits.items()
                        if f in FIT_WORDS)
    return (
        (f"{warnings} " if warnings else "")
        + f"Cijfers (■): 100 = {ref_c}; {figures}"
        + ("; het blauwe streepje is de 95%-marge van een cijfer dat op een aantal "
           "gevallen rust (Poisson): bij weinig gevallen is het lang"
           if len(_figure_intervals(data)) else "")
        + f". Beleving (●): {name}{year}, {n_text}; "
        f"100 = {beleving_reference(rings)}; het streepje is de 95%-marge. "
        "Boven 100 = beter dan gemiddeld."
    )


def dumbbell(
    rings: pd.DataFrame,
    thema: str | None = None,
    buurten: Sequence[str] | None = None,
    max_rows: int = 40,
    enquete: str | None = None,
    enquete_jaar: int | None = None,
):
    """Dumbbell chart: per row the *cijfers* and the *beleving* score with a line between.

    Parameters
    ----------
    rings : pandas.DataFrame
        From :func:`two_rings` (or :func:`gap_flags`).
    thema : str, optional
        One theme (rows are buurten); default all themes.
    buurten : list of str, optional
        Buurtcodes or names to show. Default: every buurt with at least one score; when
        that is more than ``max_rows`` rows, buurten with survey data come first.
    max_rows : int
        At most this many rows (a note says how many were left out).
    enquete, enquete_jaar : str and int, optional
        Name and year of the survey, for the legend and the caption (with the total n
        from ``rings.attrs["n_totaal"]``). The caption also names the sources and years of
        the figures shown (columns ``bronnen`` and ``jaren``).

    Returns
    -------
    matplotlib.figure.Figure
        Flagged rows have a thick line and a "!"; a missing side is written out as text.
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    data = _flagged(_select(rings, thema, buurten))
    if buurten is None:
        data = data[data["cijfers"].notna() | data["beleving"].notna()]
    both = data["cijfers"].notna() & data["beleving"].notna()
    order = data.assign(
        _group=np.where(both, 0, np.where(data["beleving"].notna(), 1, 2)),
        _gap=data["verschil"].abs().fillna(-1),
    ).sort_values(["_group", "_gap"], ascending=[True, False], kind="stable")
    left_out = max(0, len(order) - max_rows)
    order = order.head(max_rows)
    n = len(order)
    fig, ax = plt.subplots(figsize=(9, 1.9 + 0.34 * max(n, 1)))
    one_theme = thema is not None or order["thema"].nunique() == 1
    one_buurt = order["buurtcode"].nunique() == 1
    labels = []
    for row in order.itertuples(index=False):
        if one_theme:
            labels.append(str(row.buurtnaam))
        elif one_buurt:
            labels.append(str(row.thema).capitalize())
        else:
            labels.append(f"{row.buurtnaam} – {row.thema}")
    ys = np.arange(n)[::-1]
    values = pd.concat([order["cijfers"], order["beleving_onder"], order["beleving_boven"],
                        order["beleving"], *(order[c] for c in ("cijfers_onder",
                                                                "cijfers_boven")
                                             if c in order.columns)]).dropna()
    low = min(60.0, float(values.min()) - 10) if len(values) else 60.0
    high = max(140.0, float(values.max()) + 10) if len(values) else 140.0
    ax.axvline(100, color="#555555", linestyle="--", linewidth=1, zorder=1)
    for y, row in zip(ys, order.itertuples(index=False), strict=True):
        c, b = row.cijfers, row.beleving
        if not pd.isna(c) and not pd.isna(b):
            ax.plot([c, b], [y, y], color="#333333" if row.vlag else "#bbbbbb",
                    linewidth=3 if row.vlag else 1.5, zorder=2)
            if row.vlag:
                ends = [v for v in (c, b, row.beleving_boven) if not pd.isna(v)]
                ax.text(max(ends) + 2, y, "!", va="center", fontweight="bold", color="#333333")
        if not pd.isna(b):
            if not pd.isna(row.beleving_onder) and not pd.isna(row.beleving_boven):
                ax.plot([row.beleving_onder, row.beleving_boven], [y, y],
                        color=COLOUR_BELEVING, alpha=0.45, linewidth=5, zorder=2,
                        solid_capstyle="butt")
            ax.plot(b, y, "o", color=COLOUR_BELEVING, markersize=8, zorder=3)
        if not pd.isna(c):
            c_low, c_high = getattr(row, "cijfers_onder", c), getattr(row, "cijfers_boven", c)
            if not pd.isna(c_low) and not pd.isna(c_high) and c_high - c_low > 0.5:
                # a rate on few cases: its Poisson interval (95 %)
                ax.plot([c_low, c_high], [y, y], color=COLOUR_CIJFERS, alpha=0.45,
                        linewidth=5, zorder=2, solid_capstyle="butt")
            ax.plot(c, y, "s", color=COLOUR_CIJFERS, markersize=7, zorder=3)
        missing = []
        if pd.isna(c):
            missing.append("geen cijfers")
        if pd.isna(b):
            missing.append("beleving verborgen (te weinig deelnemers)" if row.verborgen
                           else "geen beleving")
        if missing:
            right = [v for v in (c, b, row.beleving_boven) if not pd.isna(v)]
            x = max(right) if right else 100.0
            ax.text(x + 3, y, " · ".join(missing), va="center", fontsize=8, style="italic",
                    color="#666666")
    if n == 0:
        ax.text(0.5, 0.5, "Geen gegevens om te tonen.", transform=ax.transAxes,
                ha="center", va="center", fontsize=11, color="#666666")
    ax.set_yticks(ys, labels)
    ax.set_ylim(-0.8, max(n, 1) - 0.2)
    ax.set_xlim(low, high + 25)
    ax.set_xlabel("index (100 = gemiddelde)")
    ax.text(100, 1.0, " 100 = gemiddelde", transform=ax.get_xaxis_transform(), fontsize=8,
            color="#555555", va="bottom")
    title = f"Twee ringen: {thema}" if thema else "Twee ringen per thema"
    ax.set_title(title, loc="left", fontsize=12, pad=14)
    handles = [
        Line2D([], [], marker="s", linestyle="", color=COLOUR_CIJFERS,
               label=figures_label(order)),
        Line2D([], [], marker="o", linestyle="", color=COLOUR_BELEVING,
               label=survey_label(enquete, enquete_jaar)),
        Line2D([], [], color="#333333", linewidth=3, label="! = groot verschil: bespreken"),
    ]
    height = fig.get_figheight()
    fig.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 0.2 / height),
               ncol=3, fontsize=8, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    caption = _caption(rings, order, enquete, enquete_jaar)
    if left_out:
        caption += f" {left_out} rijen niet getoond (kies buurten met buurten=[…])."
    fig.text(0.01, 0.04 / height, caption, fontsize=7, color="#555555", wrap=True)
    fig.tight_layout(rect=(0, 0.55 / height, 1, 1))
    return fig


def quadrant(
    rings: pd.DataFrame,
    thema: str,
    label_max: int = 30,
    enquete: str | None = None,
    enquete_jaar: int | None = None,
):
    """Quadrant chart for one theme: *cijfers* across, *beleving* up, both 100 in the middle.

    Parameters
    ----------
    rings : pandas.DataFrame
        From :func:`two_rings` (or :func:`gap_flags`).
    thema : str
        The theme.
    label_max : int
        Buurt names are written next to the points when there are at most this many.
    enquete, enquete_jaar : str and int, optional
        Name and year of the survey (axis label and caption; see :func:`dumbbell`).

    Returns
    -------
    matplotlib.figure.Figure
        Buurten with a missing side are not plotted; a note under the chart names them.
    """
    import matplotlib.pyplot as plt

    data = _flagged(_select(rings, thema, None))
    both = data[data["cijfers"].notna() & data["beleving"].notna()]
    one_side = data[data["cijfers"].notna() ^ data["beleving"].notna()]
    fig, ax = plt.subplots(figsize=(7.5, 7))
    values = pd.concat([both["cijfers"], both["beleving_onder"], both["beleving_boven"],
                        both["beleving"]]).dropna()
    spread = max(40.0, float((values - 100).abs().max()) + 10) if len(values) else 40.0
    lim = (100 - spread, 100 + spread)
    ax.axvline(100, color="#555555", linewidth=1)
    ax.axhline(100, color="#555555", linewidth=1)
    ax.plot(lim, lim, color="#999999", linestyle=":", linewidth=1)
    at = lim[0] + 0.7 * (lim[1] - lim[0])
    ax.text(at, at, "cijfers = beleving ", ha="right", va="bottom", fontsize=7,
            color="#777777", rotation=45, rotation_mode="anchor")
    corners = (
        (0.02, 0.98, "left", "top", "cijfers slechter,\nbewoners positiever"),
        (0.98, 0.98, "right", "top", "cijfers en bewoners:\nbeter dan gemiddeld"),
        (0.02, 0.02, "left", "bottom", "cijfers en bewoners:\nslechter dan gemiddeld"),
        (0.98, 0.02, "right", "bottom", "cijfers beter,\nbewoners negatiever"),
    )
    for x, y, ha, va, text in corners:
        ax.text(x, y, text, transform=ax.transAxes, ha=ha, va=va, fontsize=8,
                color="#666666", style="italic")
    if len(both):
        has_interval = both["beleving_onder"].notna() & both["beleving_boven"].notna()
        ci = both[has_interval]
        ax.errorbar(ci["cijfers"], ci["beleving"],
                    yerr=[ci["beleving"] - ci["beleving_onder"],
                          ci["beleving_boven"] - ci["beleving"]],
                    fmt="none", ecolor=COLOUR_BELEVING, alpha=0.4, linewidth=1.5, zorder=2)
        poisson = _figure_intervals(both)
        if len(poisson):  # rates on few cases: their Poisson interval, across
            ax.errorbar(poisson["cijfers"], poisson["beleving"],
                        xerr=[poisson["cijfers"] - poisson["cijfers_onder"],
                              poisson["cijfers_boven"] - poisson["cijfers"]],
                        fmt="none", ecolor=COLOUR_CIJFERS, alpha=0.4, linewidth=1.5,
                        zorder=2)
        flagged = both["vlag"].to_numpy(dtype=bool)
        ax.scatter(both["cijfers"][~flagged], both["beleving"][~flagged], s=40,
                   color="#666666", zorder=3, label="buurt")
        ax.scatter(both["cijfers"][flagged], both["beleving"][flagged], s=70,
                   color=COLOUR_BELEVING, edgecolor="#000000", zorder=4,
                   label="groot verschil: bespreken")
        if len(both) <= label_max:
            for row in both.itertuples(index=False):
                ax.annotate(str(row.buurtnaam), (row.cijfers, row.beleving), fontsize=7,
                            xytext=(4, 3), textcoords="offset points")
        ax.legend(loc="upper center", fontsize=8, frameon=True)
    else:
        ax.text(0.5, 0.5, "Geen buurt heeft allebei de ringen\nvoor dit thema.",
                transform=ax.transAxes, ha="center", va="center", fontsize=11, color="#666666")
    ax.set_xlim(*lim)
    ax.set_ylim(*lim)
    ax.set_aspect("equal")
    ax.set_xlabel(f"{figures_label(data)}: 100 = "
                  f"{rings.attrs.get('referentie_cijfers', 'de gemeente')}")
    ax.set_ylabel(f"{survey_label(enquete, enquete_jaar)}: 100 = {beleving_reference(rings)}")
    ax.set_title(f"Cijfers en beleving: {thema}", loc="left", fontsize=12)
    note = ("De lijnen bij 100 zijn het gemiddelde; boven en rechts is beter. "
            + _caption(rings, data, enquete, enquete_jaar))
    if len(one_side):
        names = ", ".join(str(n) for n in one_side["buurtnaam"].head(8))
        more = " …" if len(one_side) > 8 else ""
        note += (f"\nNiet getoond, want één van de twee ringen ontbreekt (geen gegevens): "
                 f"{len(one_side)} {'buurt' if len(one_side) == 1 else 'buurten'} ({names}{more}).")
    fig.text(0.01, 0.005, note, fontsize=7, color="#555555", wrap=True)
    fig.tight_layout(rect=(0, 0.1, 1, 1))
    return fig


#: Class limits of the gap map (beleving − cijfers, index points).
GAP_BINS = (-20.0, -10.0, -5.0, 5.0, 10.0, 20.0)


def _gap_colours() -> list[str]:
    import matplotlib as mpl
    from matplotlib.colors import to_hex

    cmap = mpl.colormaps["PuOr"]
    return [to_hex(cmap(x)) for x in (0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.95)]


def gap_map(
    rings: pd.DataFrame,
    gebieden: Any,
    thema: str,
    tiles: str | None = "OpenStreetMap",
    focus: str | None = None,
    enquete: str | None = None,
    enquete_jaar: int | None = None,
):
    """A map of the gap ``beleving − cijfers`` for one theme.

    Orange: residents are more negative than the figures; purple: more positive. Buurten
    with a flag (see :func:`gap_flags`) have a thick black outline; buurten where a side
    is missing are grey with a dashed outline. Every text in the tooltips is escaped.

    Parameters
    ----------
    rings : pandas.DataFrame
        From :func:`two_rings` (or :func:`gap_flags`).
    gebieden : geopandas.GeoDataFrame
        Boundaries from :func:`wijklib.gebieden` (``code``, ``naam``, ``geometry``).
    thema : str
        The theme.
    tiles : str or None
        A keyless tile layer, or None.
    focus : str, optional
        Buurtcode to outline in orange.
    enquete, enquete_jaar : str and int, optional
        Name and year of the survey; the legend names them with the sources and years of
        the figures (see :func:`dumbbell`).

    Returns
    -------
    folium.Map
    """
    import folium
    import shapely

    from wijklib.tellen import maps

    data = _flagged(_select(rings, thema, None))
    figures = pd.DataFrame({"code": data["buurtcode"].astype(str).to_numpy(),
                            "verschil": data["verschil"].to_numpy(dtype="float64")})
    prepared = maps.prepare(gebieden, figures, "verschil")
    info = data.drop_duplicates("buurtcode").set_index("buurtcode")
    colours = _gap_colours()
    edges = [-math.inf, *GAP_BINS, math.inf]
    features = []
    n_missing = 0
    for row in prepared.itertuples(index=False):
        gap = row.verschil
        has = row.code in info.index
        r = info.loc[row.code] if has else None
        if pd.isna(gap):
            fill, missing = maps.MISSING_COLOUR, True
            n_missing += 1
        else:
            k = int(np.searchsorted(edges, gap, side="right") - 1)
            fill, missing = colours[min(max(k, 0), len(colours) - 1)], False
        lines = [f"<strong>{escape(str(row.naam))}</strong>",
                 f"{escape(thema.capitalize())}"]
        if r is not None:
            c_text = _index_text(r["cijfers"]) if not pd.isna(r["cijfers"]) else "geen gegevens"
            b_text = _index_text(r["beleving"]) if not pd.isna(r["beleving"]) else (
                "verborgen (te weinig deelnemers)" if r["verborgen"] else "geen gegevens")
            if not pd.isna(r["beleving_onder"]) and not pd.isna(r["beleving"]):
                b_text += (f" (marge {_index_text(r['beleving_onder'])} tot "
                           f"{_index_text(r['beleving_boven'])})")
            if not pd.isna(r["n"]) and not pd.isna(r["beleving"]):
                b_text += f", n = {int(r['n'])}"
            lines.append(escape(f"Cijfers: {c_text}"))
            lines.append(escape(f"Beleving: {b_text}"))
            if not pd.isna(gap):
                lines.append(escape(f"Verschil (beleving − cijfers): {_index_text(gap)}"))
            if r["vraag"]:
                lines.append(f"<em>{escape(str(r['vraag']))}</em>")
            else:
                lines.append(f"<small>{escape(str(r['signaal']))}</small>")
        else:
            lines.append("geen gegevens")
        features.append(
            {
                "type": "Feature",
                "geometry": shapely.geometry.mapping(row.geometry),
                "properties": {
                    "tip": "<br>".join(lines),
                    "fill": fill,
                    "missing": missing,
                    "flag": bool(r is not None and r["vlag"]),
                    "focus": row.code == focus,
                },
            }
        )

    def style(feature: dict[str, Any]) -> dict[str, Any]:
        p = feature["properties"]
        colour = maps.FOCUS_COLOUR if p["focus"] else ("#000000" if p["flag"] else "#555555")
        return {
            "fillColor": p["fill"],
            "fillOpacity": 0.8,
            "color": colour,
            "weight": 3.5 if (p["flag"] or p["focus"]) else (1.2 if p["missing"] else 0.8),
            "dashArray": "4 3" if p["missing"] else None,
        }

    credit = maps.map_credit(
        gebieden, f"{figures_label(data)}; {survey_label(enquete, enquete_jaar)}")
    m = maps.lean_map(tiles, credit)  # Leaflet only; the scale bar away from the legend
    if len(prepared):
        b = prepared.total_bounds
        m.fit_bounds([[b[1], b[0]], [b[3], b[2]]])
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=escape(f"Verschil beleving − cijfers: {thema}"),
        style_function=style,
        highlight_function=lambda _: {"weight": 3, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True),
    ).add_to(m)
    texts = (
        "bewoners veel negatiever (meer dan 20 lager)",
        "bewoners negatiever (10 tot 20 lager)",
        "iets negatiever (5 tot 10 lager)",
        "ongeveer gelijk (minder dan 5 verschil)",
        "iets positiever (5 tot 10 hoger)",
        "bewoners positiever (10 tot 20 hoger)",
        "bewoners veel positiever (meer dan 20 hoger)",
    )
    legend = maps.legend_html(
        f"Verschil beleving − cijfers: {thema}",
        "indexpunten; dik zwart omlijnd = gesprekspunt; grijs gestreept = één van de "
        "ringen ontbreekt.",
        list(zip(colours, texts, strict=True)),
        n_missing,
        note=_caption(rings, data, enquete, enquete_jaar),  # folded: the legend stays small
    )
    m.get_root().html.add_child(raw_html_element(legend))
    return m
