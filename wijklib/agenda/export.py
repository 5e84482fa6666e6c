"""The buurtagenda as a document: HTML that prints to a clean A4 PDF, and Markdown.

Both have the same sections (:data:`SECTIONS`), in this order: samenvatting, de buurt in
cijfers en verhalen, prioriteiten, ambities en aanpak, krachten van de buurt,
monitoringstabel and bronnen. Every ambition shows its indicator, the baseline with year
and source, the target, the actions (wat, wie, wanneer), the policy link, the review
moment and its evidence with sources and years, so each item traces back to the figures
and stories it rests on.

Safety: every text that comes from people (agenda texts, buurt names, quotes) is
escaped through :mod:`wijklib.guarantees.rendering`. In HTML braces are escaped too; in
Markdown raw HTML is neutralised (``<``, ``>`` and ``&`` become entities) and Markdown
syntax is backslash-escaped, so a text such as ``<img src=x onerror=alert(1)>`` shows as
text wherever the Markdown is rendered.

The HTML needs no JavaScript and no internet: charts are embedded as PNG images. Print it
from the browser (Ctrl+P, "Opslaan als PDF") for an A4 PDF.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from markupsafe import Markup

from wijklib.agenda import state as ag
from wijklib.errors import InvalidChoiceError
from wijklib.guarantees.rendering import escape, escape_markdown, render
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
        ev.soort == "enquete" for item in agenda.items for ev in item.onderbouwing
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
    for item in agenda.items:
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


def _chart_png(rows: Any) -> str | None:
    """A dumbbell chart of the agenda's buurten as a base64 PNG (None when empty)."""
    if rows is None or len(rows) == 0:
        return None
    if not (rows["cijfers"].notna() | rows["beleving"].notna()).any():
        return None
    import matplotlib.pyplot as plt

    from wijklib.agenda import ringen

    fig = ringen.dumbbell(rows, buurten=list(dict.fromkeys(rows["buurtcode"])))
    try:
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=130)
    finally:
        plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _ordered_open_points(agenda: ag.Agenda) -> list[str]:
    return [p for p in ag.validate(agenda) if not p.startswith("Tip:")]


# ---------------------------------------------------------------------------- HTML


def _todo_html(value: str | None) -> str:
    return escape(value) if value else f'<span class="leeg">{_TODO}</span>'


def _link_html(text: str) -> str:
    text = str(text).strip()
    if not text:
        return _todo_html(None)
    if _URL.match(text):
        return f'<a href="{escape(text)}">{escape(text)}</a>'
    return escape(text)


def _paragraphs_html(text: str) -> str:
    blocks = [b.strip() for b in re.split(r"\n\s*\n", str(text or "")) if b.strip()]
    return "".join(f"<p>{escape(b).replace(chr(10), '<br>')}</p>" for b in blocks)


def _section(section_id: str, body: str) -> str:
    title = dict(SECTIONS)[section_id]
    return f'<section id="{section_id}">\n<h2>{escape(title)}</h2>\n{body}\n</section>'


def _summary_html(agenda: ag.Agenda) -> str:
    parts = [_paragraphs_html(agenda.samenvatting) or (
        '<p class="leeg">Schrijf hier in een paar zinnen waar de buurt voor staat en wat '
        "jullie samen gaan doen.</p>"
    )]
    facts = []
    if agenda.priorities:
        order = ", ".join(f"{p.rang}. {p.thema}" for p in agenda.priorities)
        facts.append(f"<li>Prioriteiten: {escape(order)}</li>")
    facts.append(f"<li>Ambities: {len(agenda.items)}</li>")
    facts.append(f"<li>Krachten van de buurt: {len(agenda.krachten)}</li>")
    parts.append(f"<ul>{''.join(facts)}</ul>")
    open_points = _ordered_open_points(agenda)
    if open_points:
        items = "".join(f"<li>{escape(p)}</li>" for p in open_points)
        parts.append(
            '<div class="open"><strong>Nog aan te vullen</strong> (deze agenda is een '
            f"concept):<ul>{items}</ul></div>"
        )
    return "".join(parts)


def _buurt_html(agenda: ag.Agenda, rings: Any, charts: bool) -> str:
    from wijklib.agenda import ringen

    rows = _flagged(_ring_rows(agenda, rings))
    parts = []
    if rows is None:
        parts.append('<p class="klein">Er zijn geen cijfers en beleving meegegeven '
                     "(to_html(agenda, rings=...)).</p>")
    elif len(rows) == 0:
        parts.append('<p class="klein">De buurten van deze agenda staan niet in de tabel met '
                     "cijfers en beleving.</p>")
    else:
        parts.append(
            "<p>Per thema twee scores naast elkaar: wat de "
            '<span class="cijfers">cijfers</span> zeggen en wat '
            '<span class="beleving">bewoners</span> zeggen. '
            f"{escape(ringen.RULE)}</p>"
        )
        for code, group in rows.groupby("buurtcode", sort=False):
            name = group["buurtnaam"].iloc[0]
            parts.append(f"<h3>{escape(name)} <span class='klein'>({escape(code)})</span></h3>")
            body = []
            for row in group.itertuples(index=False):
                c = (f'<span class="cijfers">{escape(format_number(row.cijfers, 0))}</span> '
                     f"{escape(ringen.words(row.cijfers))}") if not _missing(row.cijfers) else (
                    '<span class="leeg">geen gegevens</span>')
                if not _missing(row.beleving):
                    extra = []
                    if not _missing(row.beleving_onder):
                        extra.append(f"marge {format_number(row.beleving_onder, 0)} tot "
                                     f"{format_number(row.beleving_boven, 0)}")
                    if not _missing(row.n):
                        extra.append(f"n = {int(row.n)}")
                    b = (f'<span class="beleving">{escape(format_number(row.beleving, 0))}</span> '
                         f"{escape(ringen.words(row.beleving))}"
                         f"<br><span class='klein'>{escape('; '.join(extra))}</span>")
                else:
                    b = '<span class="leeg">{}</span>'.format(
                        "verborgen (te weinig deelnemers)" if row.verborgen else "geen gegevens"
                    )
                remark = (f'<div class="vraag">{escape(row.vraag)}</div>' if row.vraag
                          else escape(row.signaal))
                basis = escape(row.indicatoren) if row.indicatoren else ""
                body.append(
                    f"<tr><td>{escape(str(row.thema).capitalize())}</td><td>{c}"
                    f"<br><span class='klein'>{basis}</span></td><td>{b}</td>"
                    f"<td>{remark}</td></tr>"
                )
            parts.append(
                "<table><thead><tr><th>thema</th><th>cijfers (100 = gemeente)</th>"
                "<th>beleving (100 = alle deelnemers)</th><th>wat valt op?</th></tr></thead>"
                f"<tbody>{''.join(body)}</tbody></table>"
            )
        if charts:
            png = _chart_png(rows)
            if png:
                parts.append(
                    f'<figure><img alt="Twee ringen per thema: cijfers en beleving" '
                    f'src="data:image/png;base64,{png}"><figcaption>Vierkantje = cijfers, '
                    "rondje = beleving (met de 95%-marge). Een dikke lijn met ! is een groot "
                    "verschil: een gesprekspunt.</figcaption></figure>"
                )
    if agenda.verhalen:
        parts.append("<h3>Wat bewoners vertellen</h3>")
        for ev in agenda.verhalen:
            text, where = _evidence_text(ev)
            parts.append(
                f"<blockquote>{escape(text)}<br><span class='klein'>"
                f"{escape(_EVIDENCE_NAMES.get(ev.soort, ev.soort))} · {escape(where)}</span>"
                "</blockquote>"
            )
    elif rows is not None:
        parts.append('<p class="klein">Er zijn nog geen verhalen of citaten toegevoegd.</p>')
    return "".join(parts)


def _priorities_html(agenda: ag.Agenda) -> str:
    if not agenda.priorities:
        return f'<p class="leeg">{_TODO}: verdeel de stippen of geef gewichten.</p>'
    rows = []
    for p in agenda.priorities:
        votes = f"{p.stemmen} stippen" if p.stemmen is not None else "gewicht"
        rows.append(
            f"<tr><td class='getal'>{p.rang}</td><td>{escape(p.thema)}</td>"
            f"<td class='getal'>{escape(votes)}</td>"
            f"<td class='getal'>{escape(format_number(100 * p.gewicht, 0))}%</td>"
            f"<td>{escape(p.toelichting)}</td></tr>"
        )
    return (
        "<table><thead><tr><th>rang</th><th>thema</th><th>stemmen</th><th>aandeel</th>"
        f"<th>waarom</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _item_html(number: int, item: ag.Ambitie, survey: str = "eigen enquête") -> str:
    label = _indicator_label(item)
    source = _source_name(item.bron, survey) or "bron onbekend"
    indicator = (f"{escape(label)} <span class='klein'>({escape(item.indicator)}; "
                 f"{escape(source)})</span>") if label else _todo_html(None)
    if item.acties:
        actions = "".join(
            f"<tr><td>{_todo_html(a.wat)}</td><td>{_todo_html(a.wie)}</td>"
            f"<td>{_todo_html(a.wanneer)}</td></tr>"
            for a in item.acties
        )
        actions = (f"<table><thead><tr><th>wat</th><th>wie</th><th>wanneer</th></tr></thead>"
                   f"<tbody>{actions}</tbody></table>")
    else:
        actions = _todo_html(None)
    if item.onderbouwing:
        evidence = "".join(
            f"<li><span class='label'>{escape(_EVIDENCE_NAMES.get(ev.soort, ev.soort))}</span> "
            f"{escape(_evidence_text(ev)[0])} <span class='klein'>— "
            f"{escape(_evidence_text(ev)[1])}</span></li>"
            for ev in item.onderbouwing
        )
        evidence = f"<ul class='onderbouwing'>{evidence}</ul>"
    else:
        evidence = _todo_html(None)
    partners = ", ".join(item.partners)
    return f"""<article class="item" id="ambitie-{escape(item.id)}">
<h3>{number}. {_todo_html(item.ambitie)} <span class="label">{escape(item.thema)}</span></h3>
<dl>
<dt>Indicator</dt><dd>{indicator}</dd>
<dt>Nulmeting</dt><dd>{_todo_html(_baseline_text(item, survey))}</dd>
<dt>Doel</dt><dd>{_todo_html(_target_text(item))}</dd>
<dt>Acties</dt><dd>{actions}</dd>
<dt>Partners</dt><dd>{_todo_html(partners)}</dd>
<dt>Beleid</dt><dd>{_link_html(item.beleid)}</dd>
<dt>Evaluatie</dt><dd>{_todo_html(item.evaluatie)}</dd>
<dt>Onderbouwing</dt><dd>{evidence}</dd>
</dl>
</article>"""


def _items_html(agenda: ag.Agenda) -> str:
    if not agenda.items:
        return f'<p class="leeg">{_TODO}: nog geen ambities.</p>'
    survey = _survey_label(agenda)
    return "\n".join(_item_html(i, item, survey) for i, item in enumerate(agenda.items, start=1))


def _assets_html(agenda: ag.Agenda) -> str:
    if not agenda.krachten:
        return ('<p class="leeg">Nog geen krachten genoteerd. Wie en wat is er al in de buurt '
                "(mensen, verenigingen, instellingen, plekken, bedrijven)?</p>")
    rows = "".join(
        f"<tr><td>{escape(k.wat)}</td><td>{escape(k.soort)}</td><td>{escape(k.thema)}</td>"
        f"<td>{escape(k.toelichting)}</td><td>{escape(k.bron)}</td></tr>"
        for k in agenda.krachten
    )
    return (
        "<p>Wat de buurt al heeft: mensen, verenigingen, instellingen, plekken en bedrijven "
        "die kunnen helpen bij de aanpak.</p>"
        "<table><thead><tr><th>wat</th><th>soort</th><th>thema</th><th>toelichting</th>"
        f"<th>bron</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _monitoring_rows(agenda: ag.Agenda) -> list[list[str]]:
    rows = []
    for i, item in enumerate(agenda.items, start=1):
        rows.append([
            str(i),
            str(item.ambitie),
            _indicator_label(item) or _TODO,
            _source_name(item.bron, _survey_label(agenda)) or _TODO,
            _baseline_text(item, _survey_label(agenda)) or _TODO,
            _target_text(item) or _TODO,
            str(item.evaluatie) or _TODO,
        ])
    return rows


_MONITOR_HEAD = ("nr", "ambitie", "indicator", "bron", "nulmeting (jaar)", "doel",
                 "evaluatie", "nieuwe meting (jaar)", "opmerking")


def _monitoring_html(agenda: ag.Agenda) -> str:
    if not agenda.items:
        return f'<p class="leeg">{_TODO}: eerst ambities toevoegen.</p>'
    head = "".join(f"<th>{escape(h)}</th>" for h in _MONITOR_HEAD)
    body = "".join(
        "<tr>" + "".join(
            f"<td>{_todo_html(None) if cell == _TODO else escape(cell)}</td>" for cell in row
        ) + "<td class='invul'></td><td class='invul'></td></tr>"
        for row in _monitoring_rows(agenda)
    )
    return (
        "<p>Meet volgend jaar dezelfde indicatoren op dezelfde manier (zelfde bron, zelfde "
        "buurtindeling, zelfde vragen) en vul de laatste twee kolommen in.</p>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def _sources_html(agenda: ag.Agenda, rings: Any) -> str:
    from wijklib import __version__
    from wijklib.agenda import ringen

    items = [f"<li>{escape(CBS_CREDIT)}</li>"]
    survey = _survey_credit(agenda, rings)
    if survey:
        items.append(f"<li>{escape(survey)}</li>")
    items.extend(f"<li>{escape(s)}</li>" for s in _all_sources(agenda, rings))
    return (
        f"<ul>{''.join(items)}</ul>"
        f"<p class='klein'>Twee ringen: {escape(ringen.RULE)}</p>"
        f"<p class='klein'>{escape(GUIDE_CREDIT)} Gemaakt met het werkboek Wijkprofiel &amp; "
        f"buurtagenda (wijklib {escape(__version__)}).</p>"
    )


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
        A complete HTML document without scripts; each section has an id from
        :data:`SECTIONS`.
    """
    if not isinstance(agenda, ag.Agenda):
        raise InvalidChoiceError("Geef een Agenda(...) mee, bijvoorbeeld uit load_state(...).")
    made_on = made_on or dt.date.today()
    title = agenda.titel or f"Buurtagenda {', '.join(_buurt_names(agenda)) or agenda.gemeente}"
    sections = [
        _section("samenvatting", _summary_html(agenda)),
        _section("buurt", _buurt_html(agenda, rings, charts)),
        _section("prioriteiten", _priorities_html(agenda)),
        _section("ambities", _items_html(agenda)),
        _section("krachten", _assets_html(agenda)),
        _section("monitoring", _monitoring_html(agenda)),
        _section("bronnen", _sources_html(agenda, rings)),
    ]
    return render(
        "buurtagenda.html.j2", titel=title, gemeente=agenda.gemeente,
        buurten=", ".join(agenda.buurt_labels()), nog_invullen=_TODO,
        versie=agenda.version, begonnen=str(agenda.made_at)[:10],
        afgedrukt=made_on.isoformat(), onderdelen=[Markup(part) for part in sections],
        bronvermelding=CBS_CREDIT,
    )


# ------------------------------------------------------------------------ Markdown


def _md_table(head: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    head = list(head)
    lines = ["| " + " | ".join(escape_markdown(h) for h in head) + " |",
             "|" + "|".join("---" for _ in head) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(escape_markdown(c) or " " for c in row) + " |")
    return "\n".join(lines)


def _md_or_todo(value: str | None) -> str:
    return escape_markdown(value) if value else f"*{_TODO}*"


def to_markdown(agenda: ag.Agenda, rings: Any = None, made_on: dt.date | None = None) -> str:
    """The buurtagenda as Markdown, with the same sections and content as :func:`to_html`.

    Every text from the agenda is escaped with :func:`escape_markdown` (raw HTML neutralised).
    """
    from wijklib import __version__
    from wijklib.agenda import ringen

    if not isinstance(agenda, ag.Agenda):
        raise InvalidChoiceError("Geef een Agenda(...) mee, bijvoorbeeld uit load_state(...).")
    made_on = made_on or dt.date.today()
    title = agenda.titel or f"Buurtagenda {', '.join(_buurt_names(agenda)) or agenda.gemeente}"
    titles = dict(SECTIONS)
    out = [
        f"# {escape_markdown(title)}",
        "",
        f"**Gemeente:** {_md_or_todo(agenda.gemeente)} · **Buurt:** "
        f"{_md_or_todo(', '.join(agenda.buurt_labels()))}  ",
        f"Versie {escape_markdown(agenda.version)} · "
        f"begonnen {escape_markdown(str(agenda.made_at)[:10])} · "
        f"afgedrukt {made_on.isoformat()}",
        "",
    ]

    def section(key: str) -> None:
        out.extend([f'<a id="{key}"></a>', "", f"## {titles[key]}", ""])

    section("samenvatting")
    out.append(escape_markdown(agenda.samenvatting, inline=False) or f"*{_TODO}*")
    out.append("")
    if agenda.priorities:
        order = ", ".join(f"{p.rang}. {p.thema}" for p in agenda.priorities)
        out.append(f"- Prioriteiten: {escape_markdown(order)}")
    out.append(f"- Ambities: {len(agenda.items)}")
    out.append(f"- Krachten van de buurt: {len(agenda.krachten)}")
    open_points = _ordered_open_points(agenda)
    if open_points:
        out.extend(["", "**Nog aan te vullen** (deze agenda is een concept):", ""])
        out.extend(f"- {escape_markdown(p)}" for p in open_points)
    out.append("")

    section("buurt")
    rows = _flagged(_ring_rows(agenda, rings))
    if rows is None:
        out.append("*Er zijn geen cijfers en beleving meegegeven.*")
    elif len(rows) == 0:
        out.append("*De buurten van deze agenda staan niet in de tabel met cijfers en beleving.*")
    else:
        out.extend([escape_markdown(ringen.RULE), ""])
        for code, group in rows.groupby("buurtcode", sort=False):
            name = escape_markdown(group["buurtnaam"].iloc[0])
            out.extend([f"### {name} ({escape_markdown(code)})", ""])
            table = []
            for row in group.itertuples(index=False):
                c = (f"{format_number(row.cijfers, 0)} {ringen.words(row.cijfers)}"
                     if not _missing(row.cijfers) else "geen gegevens")
                if row.indicatoren:
                    c += f" ({row.indicatoren})"
                if not _missing(row.beleving):
                    b = f"{format_number(row.beleving, 0)} {ringen.words(row.beleving)}"
                    if not _missing(row.beleving_onder):
                        b += (f"; marge {format_number(row.beleving_onder, 0)} tot "
                              f"{format_number(row.beleving_boven, 0)}")
                    if not _missing(row.n):
                        b += f"; n = {int(row.n)}"
                else:
                    b = "verborgen (te weinig deelnemers)" if row.verborgen else "geen gegevens"
                table.append([str(row.thema).capitalize(), c, b, row.vraag or row.signaal])
            out.extend([_md_table(("thema", "cijfers (100 = gemeente)",
                                   "beleving (100 = alle deelnemers)", "wat valt op?"), table),
                        ""])
    if agenda.verhalen:
        out.extend(["### Wat bewoners vertellen", ""])
        for ev in agenda.verhalen:
            text, where = _evidence_text(ev)
            out.append(f"> {escape_markdown(text)}  ")
            out.append(f"> *{escape_markdown(_EVIDENCE_NAMES.get(ev.soort, ev.soort))} · "
                       f"{escape_markdown(where)}*")
            out.append("")
    out.append("")

    section("prioriteiten")
    if agenda.priorities:
        out.append(_md_table(
            ("rang", "thema", "stemmen", "aandeel", "waarom"),
            ([str(p.rang), p.thema,
              f"{p.stemmen} stippen" if p.stemmen is not None else "gewicht",
              f"{format_number(100 * p.gewicht, 0)}%", p.toelichting]
             for p in agenda.priorities),
        ))
    else:
        out.append(f"*{_TODO}: verdeel de stippen of geef gewichten.*")
    out.append("")

    section("ambities")
    if not agenda.items:
        out.append(f"*{_TODO}: nog geen ambities.*")
    for i, item in enumerate(agenda.items, start=1):
        label = _indicator_label(item)
        source = _source_name(item.bron, _survey_label(agenda)) or "bron onbekend"
        indicator = (f"{escape_markdown(label)} ({escape_markdown(item.indicator)}; "
                     f"{escape_markdown(source)})") if label else f"*{_TODO}*"
        out.extend([
            f"### {i}. {_md_or_todo(item.ambitie)} ({escape_markdown(item.thema)})",
            "",
            f"- **Indicator:** {indicator}",
            f"- **Nulmeting:** {_md_or_todo(_baseline_text(item, _survey_label(agenda)))}",
            f"- **Doel:** {_md_or_todo(_target_text(item))}",
            f"- **Partners:** {_md_or_todo(', '.join(item.partners))}",
            f"- **Beleid:** {_md_or_todo(item.beleid)}",
            f"- **Evaluatie:** {_md_or_todo(item.evaluatie)}",
            "",
            "**Acties**",
            "",
        ])
        if item.acties:
            out.append(_md_table(("wat", "wie", "wanneer"),
                                 ([a.wat or _TODO, a.wie or _TODO, a.wanneer or _TODO]
                                  for a in item.acties)))
        else:
            out.append(f"*{_TODO}*")
        out.extend(["", "**Onderbouwing**", ""])
        if item.onderbouwing:
            for ev in item.onderbouwing:
                text, where = _evidence_text(ev)
                out.append(f"- *{escape_markdown(_EVIDENCE_NAMES.get(ev.soort, ev.soort))}:* "
                           f"{escape_markdown(text)} — {escape_markdown(where)}")
        else:
            out.append(f"*{_TODO}*")
        out.append("")

    section("krachten")
    if agenda.krachten:
        out.append(_md_table(("wat", "soort", "thema", "toelichting", "bron"),
                             ([k.wat, k.soort, k.thema, k.toelichting, k.bron]
                              for k in agenda.krachten)))
    else:
        out.append("*Nog geen krachten genoteerd.*")
    out.append("")

    section("monitoring")
    if agenda.items:
        out.append("Meet volgend jaar dezelfde indicatoren op dezelfde manier en vul de laatste "
                   "twee kolommen in.")
        out.append("")
        out.append(_md_table(_MONITOR_HEAD, ([*row, "", ""] for row in
                                             _monitoring_rows(agenda))))
    else:
        out.append(f"*{_TODO}: eerst ambities toevoegen.*")
    out.append("")

    section("bronnen")
    out.append(f"- {escape_markdown(CBS_CREDIT)}")
    survey = _survey_credit(agenda, rings)
    if survey:
        out.append(f"- {escape_markdown(survey)}")
    out.extend(f"- {escape_markdown(s)}" for s in _all_sources(agenda, rings))
    out.extend(["", f"Twee ringen: {escape_markdown(ringen.RULE)}", "",
                f"{escape_markdown(GUIDE_CREDIT)} Gemaakt met het werkboek "
                "Wijkprofiel & buurtagenda "
                f"(wijklib {__version__}).", ""])
    return "\n".join(out)


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
