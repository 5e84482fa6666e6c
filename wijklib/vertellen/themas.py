"""Theme coding of stories: suggestions by keyword, a person's decision, counts and quotes.

Theme coding is a suggestion, never a verdict: :func:`suggest_themes` looks for the
keywords of ``themas.csv`` (adapt that one file to change themes or words), a person reads
the suggestions and decides with :func:`confirm_themes`. Only confirmed themes count
(:func:`count_themes`) and only confirmed stories are quoted (:func:`pick_quotes`).
"""

from __future__ import annotations

import csv
import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from wijklib.errors import InvalidChoiceError, WijklibError
from wijklib.guarantees.privacy import NO_SUPPRESSION, min_group_size, suppress
from wijklib.guarantees.rendering import render
from wijklib.vertellen.records import is_blank, normalise, plain_text

__all__ = [
    "CODED_COLUMNS",
    "MISSING_DECISION",
    "confirm_themes",
    "count_themes",
    "load_themes",
    "pick_quotes",
    "stories_html",
    "suggest_themes",
]


#: ``besluit`` of a story that no person has looked at yet; it does not count.
MISSING_DECISION = "nog niet bekeken"
#: Columns of a coded stories table (:func:`confirm_themes`).
CODED_COLUMNS = ["verhaal_nr", "buurtcode", "bron_type", "verhaal", "thema", "woorden",
                 "voorgesteld", "bevestigd", "besluit"]


@cache
def _default_themes_text() -> str:
    return resources.files("wijklib.vertellen").joinpath("themas.csv").read_text("utf-8")


def load_themes(path: Path | str | None = None) -> pd.DataFrame:
    """The theme list: one row per theme with its keywords.

    The list lives in ``wijklib/vertellen/themas.csv`` (columns ``thema``, ``label``, ``uitleg``,
    ``trefwoorden``; keywords separated by ``|``). A ``*`` at the start or end of a
    keyword stands for any letters: ``woning*`` finds woningen and woningbouw,
    ``*woning*`` also eengezinswoning. Matching ignores capitals and accents. To change
    the themes, edit that file or pass your own file with the same columns.

    Returns
    -------
    pandas.DataFrame
        Columns ``thema``, ``label``, ``uitleg``, ``trefwoorden`` (a list).
    """
    text = _default_themes_text() if path is None else Path(path).read_text("utf-8-sig")
    rows = []
    for row in csv.DictReader(text.splitlines()):
        name = (row.get("thema") or "").strip()
        if not name:
            continue
        words = [w.strip() for w in (row.get("trefwoorden") or "").split("|") if w.strip()]
        rows.append({"thema": name, "label": (row.get("label") or name).strip(),
                     "uitleg": (row.get("uitleg") or "").strip(), "trefwoorden": words})
    if not rows:
        raise InvalidChoiceError(
            "De themalijst is leeg. Een themabestand heeft de kolommen thema, label, uitleg "
            "en trefwoorden (gescheiden door |)."
        )
    return pd.DataFrame(rows)


def _theme_table(themes: Any) -> pd.DataFrame:
    if themes is None:
        return load_themes()
    if isinstance(themes, (str, Path)):
        return load_themes(themes)
    if isinstance(themes, pd.DataFrame):
        if not {"thema", "trefwoorden"} <= set(themes.columns):
            raise InvalidChoiceError("Een themalijst heeft de kolommen 'thema' en 'trefwoorden'.")
        out = themes.copy()
        out["trefwoorden"] = out["trefwoorden"].map(
            lambda w: [x.strip() for x in w.split("|")] if isinstance(w, str) else list(w)
        )
        return out
    if isinstance(themes, Mapping):
        return pd.DataFrame({"thema": list(themes),
                             "trefwoorden": [list(v) for v in themes.values()]})
    raise InvalidChoiceError(
        "Geef de thema's als bestand, als tabel (load_themes()) of als woordenboek "
        "{'wonen': ['woning*', 'huur*']}."
    )


def _keyword_pattern(word: str) -> str:
    plain = normalise(word)
    lead, trail = plain.startswith("*"), plain.endswith("*")
    core = plain.strip("*").strip()
    body = r"\s+".join(re.escape(part) for part in core.split())
    return (r"(?<!\w)" + (r"\w*" if lead else "") + body + (r"\w*" if trail else "")
            + r"(?!\w)")


@cache
def _compiled(theme_words: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple:
    out = []
    for name, words in theme_words:
        patterns = [_keyword_pattern(w) for w in words if w.strip("* ")]
        if patterns:
            out.append((name, re.compile("|".join(patterns))))
    return tuple(out)


def _match(text: str, compiled: tuple) -> dict[str, list[str]]:
    plain = plain_text(text)
    found: dict[str, list[str]] = {}
    for name, pattern in compiled:
        words = []
        for m in pattern.finditer(plain):
            word = text[m.start():m.end()]
            if word.lower() not in (w.lower() for w in words):
                words.append(word)
        if words:
            found[name] = words
    return found


def suggest_themes(
    stories: pd.DataFrame, themes: Any = None, text_column: str = "verhaal"
) -> pd.DataFrame:
    """Suggest themes for each story by looking for keywords: suggestions, not a verdict.

    A keyword says nothing about what someone means ("ik voel me hier véilig" and "ik
    voel me hier niet veilig" both suggest *veiligheid*), and a story can be about a
    theme without any keyword. So a person reads the suggestions and decides with
    :func:`confirm_themes`.

    Parameters
    ----------
    stories : pandas.DataFrame
        A stories table (:mod:`wijklib.vertellen.verhalen`, or
        :func:`wijklib.vertellen.practice.practice_stories`).
    themes : path, DataFrame or dict, optional
        Default: ``wijklib/vertellen/themas.csv`` (see :func:`load_themes`).
    text_column : str, default "verhaal"

    Returns
    -------
    pandas.DataFrame
        One row per story and suggested theme: ``verhaal_nr`` (the story's index label,
        used in :func:`confirm_themes`), ``buurtcode``, ``bron_type``, ``verhaal``,
        ``thema`` and ``woorden`` (the words found). A story without any suggestion gets
        one row with an empty ``thema``, so it is not forgotten.
    """
    if text_column not in stories.columns:
        raise InvalidChoiceError(
            f"De tabel heeft geen kolom '{text_column}'. Gebruik een verhalentabel "
            "(new_stories(), read_stories(...) of practice_stories(...))."
        )
    table = _theme_table(themes)
    key = tuple((str(r.thema), tuple(r.trefwoorden)) for r in table.itertuples(index=False))
    compiled = _compiled(key)
    rows = []
    for label, record in zip(stories.index, stories.to_dict("records"), strict=True):
        text = record.get(text_column)
        base = {
            "verhaal_nr": label,
            "buurtcode": record.get("buurtcode"),
            "bron_type": record.get("bron_type"),
            "verhaal": text,
        }
        found = {} if is_blank(text) else _match(str(text), compiled)
        if not found:
            rows.append(base | {"thema": None, "woorden": ""})
        for name, words in found.items():
            rows.append(base | {"thema": name, "woorden": ", ".join(words)})
    out = pd.DataFrame(rows, columns=CODED_COLUMNS[:6])
    out = out.astype({c: "str" for c in CODED_COLUMNS[1:6]})
    out.attrs = {"themas": [name for name, _ in key],
                 "oefendata": bool(stories.attrs.get("oefendata", False))}
    return out


def _known_themes(frame: pd.DataFrame) -> list[str]:
    names = list(frame.attrs.get("themas") or load_themes()["thema"])
    names += [t for t in pd.unique(frame["thema"].dropna()) if t not in names]
    return names


def confirm_themes(
    suggestions: pd.DataFrame, accept: Mapping[Any, Iterable[str] | str] | str
) -> pd.DataFrame:
    """Record a person's decision about the suggested themes.

    Parameters
    ----------
    suggestions : pandas.DataFrame
        From :func:`suggest_themes`, or an earlier result of this function (decisions
        already made are kept, new ones are added or replace them per story).
    accept : dict or "alle"
        ``{verhaal_nr: [themes]}``: the final themes of that story, as a person decided.
        Suggested themes that are left out are rejected ("afgewezen"); themes that were
        not suggested are added ("toegevoegd"); an empty list means "no theme". Stories
        that are not in the dict stay "nog niet bekeken" and do not count.
        ``"alle"`` accepts every suggestion of every story as it is: use it only after
        you have read them all.

    Returns
    -------
    pandas.DataFrame
        The coded table: the columns of the suggestions plus ``voorgesteld`` (suggested by
        keywords), ``bevestigd`` (True only when a person confirmed this theme for this
        story) and ``besluit`` ("bevestigd", "afgewezen", "toegevoegd", "geen thema" or
        "nog niet bekeken").
    """
    required = {"verhaal_nr", "thema", "verhaal"}
    if not isinstance(suggestions, pd.DataFrame) or not required <= set(suggestions.columns):
        raise InvalidChoiceError(
            "Geef de tabel met suggesties van suggest_themes(...) (of een eerder resultaat "
            "van confirm_themes)."
        )
    frame = suggestions.copy()
    if "voorgesteld" not in frame.columns:
        frame["voorgesteld"] = frame["thema"].notna()
        frame["bevestigd"] = False
        frame["besluit"] = MISSING_DECISION
        frame.loc[frame["thema"].isna(), "woorden"] = ""
    known = _known_themes(frame)
    stories = list(pd.unique(frame["verhaal_nr"]))
    if isinstance(accept, str):
        if normalise(accept) not in ("alle", "all"):
            raise InvalidChoiceError(
                "accept is een woordenboek {verhaal_nr: [thema's]} of het woord 'alle'."
            )
        decisions = {
            nr: list(frame.loc[(frame["verhaal_nr"] == nr) & frame["voorgesteld"], "thema"])
            for nr in stories
        }
    elif isinstance(accept, Mapping):
        decisions = {}
        for nr, chosen in accept.items():
            if nr not in stories:
                close = [s for s in stories if str(s) == str(nr)]
                if close:
                    nr = close[0]
                else:
                    raise InvalidChoiceError(
                        f"Verhaal {nr!r} staat niet in de suggesties. Gebruik het getal uit "
                        "de kolom 'verhaal_nr'."
                    )
            items = [chosen] if isinstance(chosen, str) else list(chosen or [])
            checked = []
            for theme in items:
                match = next((k for k in known if normalise(k) == normalise(theme)), None)
                if match is None:
                    close = difflib.get_close_matches(normalise(theme), known, n=1, cutoff=0.6)
                    maybe = f" Bedoel je '{close[0]}'?" if close else ""
                    raise InvalidChoiceError(
                        f"Het thema '{theme}' ken ik niet.{maybe} Kies uit: {', '.join(known)} "
                        "(of voeg het toe aan themas.csv)."
                    )
                if match not in checked:
                    checked.append(match)
            decisions[nr] = checked
    else:
        raise InvalidChoiceError(
            "accept is een woordenboek {verhaal_nr: [thema's]} of het woord 'alle'."
        )
    parts = []
    for nr in stories:
        rows = frame[frame["verhaal_nr"] == nr]
        if nr not in decisions:
            parts.append(rows)
            continue
        chosen = decisions[nr]
        suggested = rows[rows["voorgesteld"]]
        base = rows.iloc[0]
        new_rows = []
        for _, row in suggested.iterrows():
            keep = row["thema"] in chosen
            new_rows.append(row.to_dict() | {"bevestigd": keep,
                                             "besluit": "bevestigd" if keep else "afgewezen"})
        for theme in chosen:
            if theme not in set(suggested["thema"]):
                new_rows.append(base.to_dict() | {"thema": theme, "woorden": "",
                                                  "voorgesteld": False, "bevestigd": True,
                                                  "besluit": "toegevoegd"})
        if not chosen:
            new_rows.append(base.to_dict() | {"thema": None, "woorden": "",
                                              "voorgesteld": False, "bevestigd": True,
                                              "besluit": "geen thema"})
        parts.append(pd.DataFrame(new_rows, columns=frame.columns))
    out = pd.concat(parts, ignore_index=True) if parts else frame.iloc[0:0]
    out = out[CODED_COLUMNS + [c for c in out.columns if c not in CODED_COLUMNS]]
    out = out.astype({"thema": "str", "woorden": "str", "besluit": "str",
                      "voorgesteld": bool, "bevestigd": bool})
    out.attrs = dict(suggestions.attrs)
    return out


def _require_coded(coded: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(coded, pd.DataFrame) or "besluit" not in coded.columns:
        raise InvalidChoiceError(
            "Dit zijn nog suggesties. Lees ze en bevestig de thema's eerst met "
            "confirm_themes(suggesties, {verhaal_nr: [thema's]})."
        )
    return coded


def count_themes(
    coded: pd.DataFrame,
    by: str | Sequence[str] | None = "buurtcode",
    min_n: int | str | None = NO_SUPPRESSION,
) -> pd.DataFrame:
    """Count confirmed themes: in how many stories of a buurt does a theme occur?

    Only stories that a person has looked at count (``besluit`` is not "nog niet
    bekeken"), and only confirmed themes. ``verhalen`` is that number of stories (n):
    always read ``aantal`` as "aantal van verhalen". A few stories are not a sample of the
    buurt: they show what people brought up, not how many residents think so.

    Parameters
    ----------
    coded : pandas.DataFrame
        From :func:`confirm_themes`.
    by : str, list or None, default "buurtcode"
        Group by these columns; None for the whole area.
    min_n : int, "standaard" or None, default 1
        Blank ``aantal`` and ``verhalen`` where fewer stories than this were looked at
        (same rule as the survey results, :func:`wijklib.guarantees.privacy.suppress`; a column
        ``verborgen`` says where). The default 1 hides nothing: stories are not survey
        answers and a person picks them. ``None`` or ``"standaard"`` is the usual minimum
        group size (``WIJKLIB_MIN_GROEP``, default 10); use it when the table leaves the
        group.

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, ``thema``, ``aantal`` (Int64) and ``verhalen`` (Int64).
        ``attrs["niet_bekeken"]`` is the number of stories not yet looked at.

    Raises
    ------
    WijklibError
        When no story has been looked at yet: there is nothing to count.
    """
    coded = _require_coded(coded)
    keys = [] if by is None else ([by] if isinstance(by, str) else list(by))
    missing = [k for k in keys if k not in coded.columns]
    if missing:
        raise InvalidChoiceError(f"De tabel heeft geen kolom {', '.join(missing)}.")
    looked = coded[coded["besluit"] != MISSING_DECISION]
    not_looked = coded.loc[coded["besluit"] == MISSING_DECISION, "verhaal_nr"].nunique()
    if looked.empty:
        raise WijklibError(
            "Er is nog geen enkel verhaal bekeken, dus er is niets te tellen. Lees de "
            "suggesties en bevestig de thema's met confirm_themes(...)."
        )
    confirmed = looked[looked["bevestigd"] & looked["thema"].notna()]
    themes = [t for t in _known_themes(coded) if t in set(confirmed["thema"])]
    if keys:
        groups = looked.groupby(keys, dropna=False)["verhaal_nr"].nunique()
        group_keys = [k if isinstance(k, tuple) else (k,) for k in groups.index]
        totals = dict(zip(group_keys, groups.to_numpy(), strict=True))
    else:
        group_keys = [()]
        totals = {(): looked["verhaal_nr"].nunique()}
    rows = []
    for gk in group_keys:
        mask = np.ones(len(confirmed), dtype=bool)
        for k, v in zip(keys, gk, strict=True):
            col = confirmed[k]
            mask &= (col.isna() if is_blank(v) else (col == v)).to_numpy()
        sub = confirmed[mask]
        per_theme = sub.groupby("thema")["verhaal_nr"].nunique()
        for theme in themes:
            rows.append(dict(zip(keys, gk, strict=True))
                        | {"thema": theme, "aantal": int(per_theme.get(theme, 0)),
                           "verhalen": int(totals[gk])})
    out = pd.DataFrame(rows, columns=[*keys, "thema", "aantal", "verhalen"])
    out = out.astype({"aantal": "Int64", "verhalen": "Int64", "thema": "str"})
    threshold = min_group_size(min_n)
    if threshold > NO_SUPPRESSION:
        out = suppress(out, "verhalen", ["aantal"], threshold)
        for column in ("aantal", "verhalen"):
            out[column] = pd.to_numeric(out[column], errors="coerce").astype("Int64")
    out.attrs = {"niet_bekeken": int(not_looked), "min_n": threshold,
                 "oefendata": bool(coded.attrs.get("oefendata", False))}
    return out


def pick_quotes(
    coded: pd.DataFrame,
    thema: str,
    buurtcode: str | None = None,
    k: int = 3,
    seed: int = 2026,
    max_chars: int = 220,
) -> pd.DataFrame:
    """Pick a few confirmed stories that illustrate a theme.

    Short stories (up to ``max_chars``) come first; longer ones only when there are not
    enough short ones. The picks are spread over the kinds of source (a gesprek, an
    interview, the verhalenavond …) so one evening does not speak for everyone.
    Reproducible with ``seed``. Quotes are never shortened or changed.

    Parameters
    ----------
    coded : pandas.DataFrame
        From :func:`confirm_themes`.
    thema : str
    buurtcode : str, optional
        Only stories about this buurt.
    k : int, default 3
    seed : int, default 2026
    max_chars : int, default 220

    Returns
    -------
    pandas.DataFrame
        ``verhaal_nr``, ``buurtcode``, ``bron_type``, ``verhaal``; ``attrs["beschikbaar"]``
        is the number of different stories to choose from (the same words told twice
        count once).
    """
    coded = _require_coded(coded)
    known = _known_themes(coded)
    match = next((t for t in known if normalise(t) == normalise(thema)), None)
    if match is None:
        close = difflib.get_close_matches(normalise(thema), known, n=1, cutoff=0.6)
        maybe = f" Bedoel je '{close[0]}'?" if close else ""
        raise InvalidChoiceError(
            f"Het thema '{thema}' ken ik niet.{maybe} Kies uit: {', '.join(known)}."
        )
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise InvalidChoiceError("k is het aantal citaten: een heel getal van 1 of meer.")
    pool = coded[coded["bevestigd"] & (coded["thema"] == match)]
    if buurtcode is not None:
        pool = pool[pool["buurtcode"] == str(buurtcode).strip().upper()]
    pool = pool.drop_duplicates("verhaal_nr")[["verhaal_nr", "buurtcode", "bron_type",
                                               "verhaal"]]
    pool = pool[~pool["verhaal"].map(normalise).duplicated()]  # the same words only once
    rng = np.random.default_rng(seed)
    if pool.empty:
        out = pool.reset_index(drop=True)
        out.attrs = {"beschikbaar": 0}
        return out
    pool = pool.iloc[rng.permutation(len(pool))]
    lengths = pool["verhaal"].str.len().to_numpy()
    short = pool[lengths <= max_chars]
    long = pool[lengths > max_chars].assign(_len=lambda f: f["verhaal"].str.len())
    long = long.sort_values("_len", kind="stable").drop(columns="_len")
    chosen: list[Any] = []
    for part in (short, long):
        groups = {src: list(g.index) for src, g in part.groupby(
            part["bron_type"].fillna("onbekend"), sort=True)}
        order = list(groups)
        order = [order[i] for i in rng.permutation(len(order))]
        while len(chosen) < k and any(groups[s] for s in order):
            for source in order:
                if groups[source] and len(chosen) < k:
                    chosen.append(groups[source].pop(0))
        if len(chosen) >= k:
            break
    out = pool.loc[chosen].reset_index(drop=True)
    out.attrs = {"beschikbaar": len(pool)}
    return out


def stories_html(
    coded: pd.DataFrame,
    buurtcode: str | None = None,
    k: int = 2,
    seed: int = 2026,
    min_n: int | str | None = NO_SUPPRESSION,
    title: str | None = None,
) -> str:
    """A small HTML table: per confirmed theme, how many stories, and a few quotes.

    Every text is escaped. Counts are "aantal van n verhalen"; with ``min_n`` counts of
    fewer stories than that are not shown.

    Parameters
    ----------
    coded : pandas.DataFrame
        From :func:`confirm_themes`.
    buurtcode : str, optional
        One buurt; default the whole area.
    k : int, default 2
        Quotes per theme.
    seed : int, default 2026
    min_n : int, "standaard" or None, default 1
        As in :func:`count_themes`: 1 hides nothing, None is the usual minimum.
    title : str, optional
        Caption; default "Wat vertellen bewoners?".

    Returns
    -------
    str
        HTML (for ``IPython.display.HTML`` or an export).
    """
    coded = _require_coded(coded)
    subset = coded if buurtcode is None else coded[coded["buurtcode"] == buurtcode]
    caption = title or "Wat vertellen bewoners?"
    if subset.empty or (subset["besluit"] == MISSING_DECISION).all():
        return render("tabel.html.j2", klasse="wijklib-table wijklib-stories", titel=caption,
                      kop=["Thema", "Verhalen", "Voorbeelden"],
                      rijen=[["—", "geen bekeken verhalen", "—"]], noot=None)
    counts = count_themes(subset, by=None, min_n=min_n)
    labels = dict(zip(load_themes()["thema"], load_themes()["label"], strict=False))
    rows = []
    for row in counts.sort_values("aantal", ascending=False, na_position="last").itertuples():
        quotes = pick_quotes(subset, row.thema, k=k, seed=seed)
        items = [{"tekst": q.verhaal, "bron": None if is_blank(q.bron_type) else q.bron_type}
                 for q in quotes.itertuples()]
        shown = ("te weinig verhalen om te tellen" if pd.isna(row.aantal)
                 else f"{row.aantal} van {row.verhalen}")
        rows.append([labels.get(row.thema, row.thema), shown, items])
    n_open = counts.attrs.get("niet_bekeken", 0)
    note = "Alleen thema's die een persoon heeft bevestigd tellen mee."
    if n_open:
        note += f" {n_open} verhalen zijn nog niet bekeken en tellen niet mee."
    if coded.attrs.get("oefendata"):
        note += " Oefendata: verzonnen verhalen, niet echt."
    return render("tabel.html.j2", klasse="wijklib-table wijklib-stories", titel=caption,
                  kop=["Thema", "Verhalen (aantal van n)", "Voorbeelden"], rijen=rows,
                  noot=note)
