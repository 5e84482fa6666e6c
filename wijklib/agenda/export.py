"""The buurtagenda as a document: HTML that prints to a clean A4 PDF, and Markdown.

Both have the same sections (:data:`SECTIONS`), in this order: samenvatting, de buurt in
cijfers en verhalen, prioriteiten, ambities en aanpak, krachten van de buurt,
monitoringstabel and bronnen. Every ambition shows its indicator, the baseline with year
and source, the target, the actions (wat, wie, wanneer), the policy link, the review
moment and its evidence with sources and years, so each item traces back to the figures
and stories it rests on.

Only what the group decided goes in: example ambitions (``voorbeeld=True``) are left
out, the ambitions follow the vote, and priorities, counts and open points are worked out
at export time (:func:`document`), so a re-vote changes every part.

The documents come from two templates a trainer can adapt, ``buurtagenda.html.j2`` and
``buurtagenda.md.j2`` (:func:`wijklib.guarantees.rendering.render`): every value is
escaped there, for HTML or for Markdown, and never parsed as a template. A text such as
``<img src=x onerror=alert(1)>`` or ``{{ 7*7 }}`` shows as text.

The HTML needs no JavaScript and no internet: charts are embedded as PNG images. Print it
from the browser (Ctrl+P, "Opslaan als PDF") for an A4 PDF.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import math
import re
from pathlib import Path
from typing import Any

from wijklib.agenda import state as ag
from wijklib.errors import InvalidChoiceError
from wijklib.guarantees.rendering import paragraphs, render
from wijklib.guarantees.writing import atomic_write_text
from wijklib.notebook.session import file_stem
from wijklib.tellen.compare import format_number

#: Section ids and titles, in document order.
SECTIONS = (
    ("samenvatting", "Samenvatting"),
    ("buurt", "De buurt in cijfers en verhalen"),
    ("prioriteiten", "Prioriteiten"),
    ("ambities", "Ambities en aanpak"),
    ("krachten", "Krachten van de buurt"),
    ("monitoring", "Monitoringstabel: volgend jaar opnieuw meten"),
    ("bronnen", "Bronnen"),
)
#: The CBS/Kadaster attribution (CC BY 4.0).
CBS_CREDIT = (
    "Bron: CBS, Kadaster. CBS Kerncijfers wijken en buurten en de Wijk- en buurtkaart "
    "(via PDOK), licentie CC BY 4.0."
)
GUIDE_CREDIT = (
    "Werkwijze: Platform31, Hoe maak ik een buurtagenda? Zeven bouwstenen (2021); de twee "
    "ringen naar het voorbeeld van het Wijkprofiel Rotterdam."
)
_TODO = "nog invullen"
_URL = re.compile(r"^https?://[^\s<>\"']+$", re.I)



# ------------------------------------------------------------------------- helpers


def _missing(value: Any) -> bool:
    import pandas as pd

    return value is None or bool(pd.isna(value))


def _number(value: Any, unit: str = "") -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    shown = format_number(value)
    if shown == "onbekend":
        return None
    if re.fullmatch(r"\d+\s*[–-]\s*\d+", unit.strip()):  # a score on a scale: "0–10"
        return f"{shown} (schaal {unit.strip()})"
    return f"{shown} {unit}".strip()


def _indicator_label(item: ag.Ambitie) -> str:
    name = str(item.indicator).strip()
    if not name:
        return ""
    if item.bron == "cbs":
        from wijklib.data import catalog

        try:
            return catalog.get(name).label
        except Exception:  # noqa: BLE001 - any unknown name just shows as given
            return name
    if item.bron == "enquete":
        from wijklib.agenda import ringen

        try:
            return ringen.scale_labels().get(name, name)
        except Exception:  # noqa: BLE001
            return name
    return name


_SOURCE_NAMES = {"cbs": "CBS", "enquete": "eigen enquête", "politie": "politie",
                 "gemeente": "gemeente", "eigen": "eigen meting"}


def _source_name(bron: str, survey: str = "eigen enquête") -> str:
    """People's name of a source key; ``survey`` names the group's own survey."""
    key = str(bron).strip().lower()
    if key == "enquete":
        return survey
    return _SOURCE_NAMES.get(key, str(bron).strip())


def _survey_label(agenda: ag.Agenda) -> str:
    return agenda.enquete.naam if agenda.enquete is not None else "eigen enquête"


def _baseline_text(item: ag.Ambitie, survey: str = "eigen enquête") -> str | None:
    value = _number(item.basiswaarde, item.eenheid)
    if value is None:
        return None
    parts = [str(item.basisjaar) if item.basisjaar is not None else "jaar onbekend"]
    if item.bron:
        parts.append(_source_name(item.bron, survey))
    return f"{value} ({', '.join(parts)})"


def _target_text(item: ag.Ambitie) -> str | None:
    value = _number(item.doel, item.eenheid if not isinstance(item.doel, str) else "")
    if value is None:
        return None
    return f"{value} in {item.doeljaar}" if item.doeljaar is not None else value


def _evidence_text(ev: ag.Onderbouwing) -> tuple[str, str]:
    """(text, source with year) of one evidence item."""
    where = ", ".join(p for p in (str(ev.bron).strip(), str(ev.jaar or "").strip()) if p)
    return str(ev.tekst), where or "bron onbekend"


_EVIDENCE_NAMES = {"cijfer": "cijfer", "enquete": "enquête", "verhaal": "verhaal",
                   "kaartnotitie": "kaartnotitie", "wijkschouw": "wijkschouw",
                   "overig": "overig"}


def _buurt_names(agenda: ag.Agenda) -> list[str]:
    """The agenda's buurten by name (the code when no name is known)."""
    return [agenda.buurtnamen.get(b, b) for b in agenda.buurten]


def _ring_rows(agenda: ag.Agenda, rings: Any) -> Any:
    """Rows of the rings table that belong to the agenda's buurten (None without rings).

    Buurten are matched on their code. Older agendas stored the name: a name is used only
    when exactly one buurtcode in the table has it, so two buurten with the same name never
    mix.
    """
    if rings is None or len(rings) == 0:
        return None
    codes = rings["buurtcode"].astype(str).str.strip()
    names = rings["buurtnaam"].astype(str).str.strip().str.casefold()
    known = set(codes)
    wanted: list[str] = []
    for buurt in (str(b).strip() for b in agenda.buurten):
        if buurt in known:
            wanted.append(buurt)
            continue
        matches = set(codes[names == buurt.casefold()])
        if len(matches) == 1:
            wanted.extend(matches)
    return rings[codes.isin(wanted)]


def _flagged(rows: Any) -> Any:
    from wijklib.agenda import ringen

    if rows is None or len(rows) == 0 or "vlag" in rows.columns:
        return rows
    return ringen.gap_flags(rows, rows.attrs.get("threshold", ringen.THRESHOLD),
                            rows.attrs.get("margin", ringen.MARGIN))


def _survey_n(agenda: ag.Agenda, rings: Any) -> int | None:
    if agenda.enquete is not None and agenda.enquete.n is not None:
        return agenda.enquete.n
    if rings is not None:
        n = rings.attrs.get("n_totaal")
        if n is not None:
            return int(n)
    return None


def _survey_credit(agenda: ag.Agenda, rings: Any) -> str | None:
    n = _survey_n(agenda, rings)
    uses_survey = rings is not None or agenda.enquete is not None or any(
        ev.soort == "enquete" for item in ag.decided_items(agenda) for ev in item.onderbouwing
    )
    if not uses_survey:
        return None
    name = agenda.enquete.naam if agenda.enquete is not None else "eigen enquête"
    year = agenda.enquete.jaar if agenda.enquete is not None else None
    text = f"{name}, {year}" if year else name
    text += f", n = {n}" if n is not None else ", n = onbekend"
    if agenda.enquete is not None and agenda.enquete.toelichting:
        text += f". {agenda.enquete.toelichting}"
    return text


def _all_sources(agenda: ag.Agenda, rings: Any) -> list[str]:
    """Every source named in the agenda and the rings, with years, without duplicates."""
    seen: dict[str, None] = {}
    for item in ag.decided_items(agenda):
        for ev in item.onderbouwing:
            _, where = _evidence_text(ev)
            seen.setdefault(where)
    for ev in agenda.verhalen:
        _, where = _evidence_text(ev)
        seen.setdefault(where)
    for kracht in agenda.krachten:
        if kracht.bron:
            seen.setdefault(str(kracht.bron))
    rows = _ring_rows(agenda, rings)
    if rows is not None and "bronnen" in rows.columns:
        for bronnen, jaren in zip(rows["bronnen"], rows["jaren"], strict=False):
            for bron in str(bronnen).split("; "):
                if bron:
                    seen.setdefault(f"{bron}, {jaren}" if jaren else bron)
    return [s for s in seen if s and s != "bron onbekend"]


def chart(agenda: ag.Agenda, rings: Any) -> Any:
    """The dumbbell chart of the agenda's buurten, as it appears in the export.

    Parameters
    ----------
    agenda : Agenda
    rings : pandas.DataFrame or None
        See :func:`to_html`.

    Returns
    -------
    matplotlib.figure.Figure or None
        None when the agenda's buurten have no score. The legend and caption name the
        survey with its year (e.g. the practice data's label).
    """
    return _chart_of(_flagged(_ring_rows(agenda, rings)), agenda)


def _chart_of(rows: Any, agenda: ag.Agenda) -> Any:
    """:func:`chart` for the agenda's ring rows, already selected and flagged."""
    from wijklib.agenda import ringen

    if rows is None or len(rows) == 0:
        return None
    if not (rows["cijfers"].notna() | rows["beleving"].notna()).any():
        return None
    survey = agenda.enquete
    return ringen.dumbbell(rows, buurten=list(dict.fromkeys(rows["buurtcode"])),
                           enquete=survey.naam if survey is not None else None,
                           enquete_jaar=survey.jaar if survey is not None else None)


def _chart_png(rows: Any, agenda: ag.Agenda) -> str | None:
    """:func:`chart` as a base64 PNG (None when there is nothing to draw)."""
    import matplotlib.pyplot as plt

    fig = _chart_of(rows, agenda)
    if fig is None:
        return None
    try:
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=130)
    finally:
        plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


# ------------------------------------------------------------------------ document


def _open_points(agenda: ag.Agenda) -> list[str]:
    """What is still missing, without tips and without the examples' own texts."""
    examples = {ag.example_message(item) for item in agenda.items
                if item.voorbeeld is not False}
    return [p for p in ag.validate(agenda)
            if not p.startswith("Tip:") and p not in examples]


def _survey_title(agenda: ag.Agenda) -> str:
    """The survey by name and year, e.g. "oefenenquête (verzonnen), 2026"."""
    if agenda.enquete is None:
        return "eigen enquête"
    name, year = agenda.enquete.naam, agenda.enquete.jaar
    return f"{name}, {year}" if year else f"{name} (jaar onbekend)"


def _ring_view(agenda: ag.Agenda, rings: Any, charts: bool) -> dict[str, Any]:
    """The rings part of the document: per buurt the two scores side by side."""
    from wijklib.agenda import ringen

    rows = _flagged(_ring_rows(agenda, rings))
    survey = _survey_title(agenda)
    reference = (rings.attrs if rings is not None else {}).get("referentie_cijfers",
                                                               "de gemeente")
    view: dict[str, Any] = {
        "gegeven": rows is not None, "buurten": [], "regel": ringen.RULE,
        "vlagregel": ringen.flag_rule(rows),
        "kop_cijfers": f"cijfers (100 = {reference})",
        "kop_beleving": f"beleving (100 = {ringen.beleving_reference(rings)}; {survey})",
        "grafiek": None,
        "bijschrift": (f"Vierkantje = cijfers, rondje = beleving ({survey}, met de "
                       "95%-marge). Een blauw streepje bij een vierkantje is de 95%-marge van "
                       "een cijfer dat op een aantal gevallen rust (zoals misdrijven): bij "
                       "weinig gevallen is het lang. Een dikke lijn met ! is een "
                       "verschil met een vlag: een gesprekspunt."),
    }
    if rows is None or len(rows) == 0:
        return view
    for code, group in rows.groupby("buurtcode", sort=False):
        lines = []
        for row in group.itertuples(index=False):
            extra = []
            if not _missing(row.beleving) and not _missing(row.beleving_onder):
                extra.append(f"marge {format_number(row.beleving_onder, 0)} tot "
                             f"{format_number(row.beleving_boven, 0)}")
            if not _missing(row.beleving) and not _missing(row.n):
                extra.append(f"n = {int(row.n)}")
            c_low = getattr(row, "cijfers_onder", math.nan)
            c_high = getattr(row, "cijfers_boven", math.nan)
            lines.append({
                "thema": str(row.thema).capitalize(),
                "cijfers": None if _missing(row.cijfers) else format_number(row.cijfers, 0),
                "cijfers_marge": ("" if _missing(row.cijfers) or _missing(c_low)
                                  or _missing(c_high) or c_high - c_low <= 0.5
                                  else f"marge {format_number(c_low, 0)} tot "
                                       f"{format_number(c_high, 0)} (weinig gevallen)"),
                "cijfers_woorden": "" if _missing(row.cijfers) else ringen.words(row.cijfers),
                "indicatoren": str(row.indicatoren or ""),
                "beleving": None if _missing(row.beleving) else format_number(row.beleving, 0),
                "beleving_woorden": ("" if _missing(row.beleving)
                                     else ringen.words(row.beleving)),
                "beleving_extra": "; ".join(extra),
                "leeg": ("verborgen (te weinig deelnemers)" if bool(row.verborgen)
                         else "geen gegevens"),
                "vraag": str(row.vraag or ""),
                "signaal": str(row.signaal or ""),
            })
        view["buurten"].append({"naam": str(group["buurtnaam"].iloc[0]), "code": str(code),
                                "rijen": lines})
    if charts:
        view["grafiek"] = _chart_png(rows, agenda)  # the rows selected above, not again
    return view


def _evidence_view(ev: ag.Onderbouwing) -> dict[str, str]:
    text, where = _evidence_text(ev)
    return {"soort": _EVIDENCE_NAMES.get(ev.soort, ev.soort), "tekst": text, "waar": where}


def _item_view(number: int, item: ag.Ambitie, survey: str) -> dict[str, Any]:
    beleid = str(item.beleid).strip()
    return {
        "nr": number, "id": item.id, "ambitie": str(item.ambitie), "thema": str(item.thema),
        "indicator_label": _indicator_label(item), "indicator": str(item.indicator),
        "bron": _source_name(item.bron, survey) or "bron onbekend",
        "nulmeting": _baseline_text(item, survey), "doel": _target_text(item),
        "acties": [{"wat": a.wat, "wie": a.wie, "wanneer": a.wanneer} for a in item.acties],
        "partners": ", ".join(item.partners), "beleid": beleid,
        "beleid_url": beleid if _URL.match(beleid) else None,
        "evaluatie": str(item.evaluatie),
        "onderbouwing": [_evidence_view(ev) for ev in item.onderbouwing],
    }


_MONITOR_HEAD = ("nr", "ambitie", "indicator", "bron", "nulmeting (jaar)", "doel",
                 "evaluatie", "nieuwe meting (jaar)", "opmerking")


def document(
    agenda: ag.Agenda,
    rings: Any = None,
    charts: bool = True,
    made_on: dt.date | None = None,
) -> dict[str, Any]:
    """Everything the agenda documents show, as plain values for the templates.

    Only what the group decided is in it: the ambitions of
    :func:`wijklib.agenda.state.decided_items` (examples are left out), in the order of
    the vote; the priorities, counts and open points are worked out now, so re-voting
    changes every part. Texts are not escaped here: the templates do that
    (:func:`wijklib.guarantees.rendering.render`).

    Parameters
    ----------
    agenda : Agenda
    rings : pandas.DataFrame, optional
        See :func:`to_html`.
    charts : bool
        Add the dumbbell chart as a base64 PNG (key ``ringen["grafiek"]``).
    made_on : datetime.date, optional
        Date printed in the header (default today).

    Returns
    -------
    dict
        The template context: ``titel``, ``gemeente``, ``buurten``, ``versie``,
        ``begonnen``, ``afgedrukt``, ``nog_invullen``, ``onderdelen`` (section id →
        title), ``samenvatting`` and ``reflectie`` (paragraphs, each a list of lines),
        ``prioriteiten_kort``,
        ``aantal_ambities``, ``aantal_krachten``, ``open_punten``, ``ringen``,
        ``verhalen``, ``prioriteiten``, ``ambities``, ``krachten``, ``monitoring_kop``,
        ``monitoring`` (rows; None = still to fill in), ``bronnen``, ``regel``,
        ``werkwijze``, ``wijklib_versie``, ``bronvermelding``.
    """
    from wijklib import __version__
    from wijklib.agenda import ringen

    if not isinstance(agenda, ag.Agenda):
        raise InvalidChoiceError("Geef een Agenda(...) mee, bijvoorbeeld uit load_state(...).")
    agenda = ag.public_copy(agenda)[0]  # a document leaves the file: no personal data
    made_on = made_on or dt.date.today()
    survey = _survey_label(agenda)
    items = [_item_view(i, item, survey)
             for i, item in enumerate(ag.decided_items(agenda), start=1)]
    return {
        "titel": agenda.titel or (
            f"Buurtagenda {', '.join(_buurt_names(agenda)) or agenda.gemeente}"),
        "gemeente": agenda.gemeente, "buurten": ", ".join(agenda.buurt_labels()),
        "versie": agenda.version, "begonnen": str(agenda.made_at)[:10],
        "afgedrukt": made_on.isoformat(), "nog_invullen": _TODO,
        "onderdelen": dict(SECTIONS),
        "samenvatting": paragraphs(agenda.samenvatting),
        "reflectie": paragraphs(agenda.reflectie),
        "prioriteiten_kort": ", ".join(f"{p.rang}. {p.thema}" for p in agenda.priorities),
        "aantal_ambities": len(items), "aantal_krachten": len(agenda.krachten),
        "open_punten": _open_points(agenda),
        "ringen": _ring_view(agenda, rings, charts),
        "verhalen": [_evidence_view(ev) for ev in agenda.verhalen],
        "prioriteiten": [
            {"rang": p.rang, "thema": p.thema,
             "stemmen": ag.dots_text(p.stemmen) if p.stemmen is not None else "gewicht",
             "aandeel": f"{format_number(100 * p.gewicht, 0)}%", "toelichting": p.toelichting}
            for p in agenda.priorities],
        "ambities": items,
        "krachten": [{"wat": k.wat, "soort": k.soort, "thema": k.thema,
                      "toelichting": k.toelichting, "bron": k.bron} for k in agenda.krachten],
        "monitoring_kop": list(_MONITOR_HEAD),
        "monitoring": [[str(a["nr"]), a["ambitie"], a["indicator_label"] or None, a["bron"],
                        a["nulmeting"], a["doel"], a["evaluatie"] or None] for a in items],
        "bronnen": [s for s in (CBS_CREDIT, _survey_credit(agenda, rings)) if s]
        + _all_sources(agenda, rings),
        "regel": ringen.RULE, "werkwijze": GUIDE_CREDIT, "wijklib_versie": __version__,
        "bronvermelding": CBS_CREDIT,
    }


def to_html(
    agenda: ag.Agenda,
    rings: Any = None,
    charts: bool = True,
    made_on: dt.date | None = None,
) -> str:
    """The buurtagenda as one HTML page that prints to a clean A4 PDF.

    Parameters
    ----------
    agenda : Agenda
    rings : pandas.DataFrame, optional
        From :func:`wijklib.agenda.ringen.two_rings` or
        :func:`wijklib.agenda.ringen.gap_flags`; the rows
        of the agenda's buurten (matched by code or name) are shown.
    charts : bool
        Embed a dumbbell chart (PNG) of the two rings.
    made_on : datetime.date, optional
        Date printed in the header (default today).

    Returns
    -------
    str
        A complete HTML document without scripts, from the template
        ``buurtagenda.html.j2``; each section has an id from :data:`SECTIONS`. Only what
        the group decided is in it (see :func:`document`).
    """
    return render("buurtagenda.html.j2", **document(agenda, rings, charts, made_on))


def to_markdown(agenda: ag.Agenda, rings: Any = None, made_on: dt.date | None = None) -> str:
    """The buurtagenda as Markdown, with the same sections and content as :func:`to_html`.

    From the template ``buurtagenda.md.j2``; every value is escaped for Markdown (raw HTML
    neutralised, Markdown syntax and braces backslash-escaped).
    """
    return render("buurtagenda.md.j2", **document(agenda, rings, False, made_on))


# -------------------------------------------------------------------------- saving


def save_export(
    agenda: ag.Agenda,
    folder: str | Path,
    rings: Any = None,
    name: str | None = None,
    charts: bool = True,
) -> dict[str, Path]:
    """Write the agenda as HTML and Markdown, plus its state file, into ``folder``.

    Parameters
    ----------
    agenda : Agenda
    folder : str or Path
        Created when missing (e.g. :func:`wijklib.notebook.session.export_dir`).
    rings : pandas.DataFrame, optional
        See :func:`to_html`.
    name : str, optional
        File name without extension; default ``buurtagenda-<buurt>``.
    charts : bool
        Embed the chart in the HTML.

    Warns
    -----
    BackupWarning
        When the folder already held a different agenda state under the same name: it is
        copied to ``<name>.bak-<timestamp>.json`` first, so no earlier agenda is lost.

    Returns
    -------
    dict
        ``{"html": Path, "markdown": Path, "state": Path}``; use
        :func:`wijklib.notebook.session.download_link` on them (works on Binder).
    """
    folder = Path(folder)
    stem = file_stem(name or f"buurtagenda-{'-'.join(agenda.buurten) or agenda.gemeente}",
                     "buurtagenda")
    paths = {
        "html": folder / f"{stem}.html",
        "markdown": folder / f"{stem}.md",
        "state": folder / f"{stem}.json",
    }
    atomic_write_text(paths["html"], to_html(agenda, rings, charts=charts))
    atomic_write_text(paths["markdown"], to_markdown(agenda, rings))
    _keep_earlier_state(agenda, paths["state"])
    ag.save_state(agenda, paths["state"], replace=True)  # an earlier, other one is kept
    return paths


def _keep_earlier_state(agenda: ag.Agenda, path: Path) -> Path | None:
    """Copy an existing, different state file aside before it is overwritten.

    A damaged or older file is backed up by :func:`wijklib.agenda.state.save_state` itself; this
    covers a valid file with another agenda (e.g. an earlier export of the same buurt).
    Returns the backup, or None when nothing needed to be kept.
    """
    import json
    import shutil
    import warnings

    if not path.is_file():
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ag.MigrationWarning)
            earlier = ag.load_state(path)
    except ag.StateFileError:
        return None  # save_state backs up files it cannot read
    if json.dumps(ag.to_dict(earlier), sort_keys=True) == json.dumps(ag.to_dict(agenda),
                                                                     sort_keys=True):
        return None
    backup = ag.backup_path(path)
    try:
        shutil.copy2(path, backup)
    except OSError as err:
        raise ag.AgendaError(
            f"Er staat al een andere agenda in {path.name}, en ik kan er geen reservekopie "
            f"van maken ({err.strerror}). Ik heb niets overschreven. Kies een andere naam "
            "met save_export(..., name=\"...\")."
        ) from None
    warnings.warn(
        f"Er stond al een andere agenda in {path.name}. Die is eerst bewaard als "
        f"{backup.name}.",
        ag.BackupWarning,
        stacklevel=3,
    )
    return backup
