"""Residents' text is only text: the one place that escapes text for pages and maps.

Every text that reaches an HTML page, a Markdown document or a folium/branca map goes
through :func:`escape` (or :func:`escape_markdown`). Nothing else in the workbook escapes
on its own, so the rule can only be kept or broken here.

Why braces are escaped too
--------------------------
folium and branca build a map by rendering Jinja2 templates, and they render the
scripts of a map *twice*: what a first pass writes (with our text inside) is parsed
again as a template. A resident's note such as ``{{ 7*7 }}`` would then be evaluated in
the kernel (and an expression can reach ``os.popen``), and ordinary text such as
``50{% korting`` or ``{# :-)`` would make the whole map fail. HTML escaping alone does not
help: braces are not special in HTML. So :func:`escape` also writes ``{`` and ``}`` as
the character references ``&#123;`` and ``&#125;``. A browser shows them as braces, and
no template engine sees a brace any more.

:func:`raw_html_element` is the way to put a finished piece of HTML (a legend) on a
map: branca's own ``Element(html)`` parses its text as a template; this one never does.

Printable documents
-------------------
:func:`render` fills a document template from ``wijklib/templates/`` (Jinja2 with
autoescape, in a sandbox). The values are never parsed as a template, and every printed
value goes through :func:`escape`, so a resident's ``{{ 7*7 }}`` shows as written (its
braces as character references, as on the maps). A trainer adapts a document by copying
its template into a folder and naming that folder in ``WIJKLIB_SJABLONEN``: a file there
wins over the workbook's own.

A template whose name ends in ``.md.j2`` is a Markdown document: there every value is
escaped with :func:`escape_markdown` instead (one line; the filter ``tekstblok`` keeps
the lines of a longer text), so a value can neither start a list or a link nor carry raw
HTML. Jinja2 has no autoescape for Markdown; it is built from ``finalize``, which sees
every printed value, and :class:`markupsafe.Markup`, which marks what is already escaped
(the output of macros and of ``tekstblok``) so that it is not escaped twice.
"""

from __future__ import annotations

import html
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from markupsafe import Markup

from wijklib.errors import WijklibError

__all__ = [
    "TEMPLATES",
    "TEMPLATES_ENV",
    "TEMPLATE_BRACES",
    "TemplateError",
    "escape",
    "escape_markdown",
    "paragraphs",
    "raw_html_element",
    "render",
    "template_folders",
]

#: Environment variable naming a folder with a trainer's own versions of the templates.
TEMPLATES_ENV = "WIJKLIB_SJABLONEN"
#: The workbook's own document templates.
TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


class TemplateError(WijklibError, ValueError):
    """A document template is missing or has a mistake (Dutch message with file and line)."""

#: Character references for the two characters that open and close template syntax.
TEMPLATE_BRACES = {"{": "&#123;", "}": "&#125;"}
_BRACES = str.maketrans(TEMPLATE_BRACES)
#: Markdown syntax characters (braces included) that are backslash-escaped.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}#|~!])")
#: Markers that start a block (list, quote, heading, numbered list) at the start of a line.
_MD_LINE_START = re.compile(r"^(\s*)([-+>=]|\d+[.)])", re.MULTILINE)


def _text(value: Any) -> str:
    if value is None:
        return ""
    try:
        import pandas as pd

        if not isinstance(value, str) and pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def escape(value: Any, *, quote: bool = True) -> Markup:
    """Escape a value for HTML and for the template engines behind the maps.

    Parameters
    ----------
    value : Any
        Any value; ``None`` and missing values (``NaN``, ``pd.NA``) give ``""``.
    quote : bool, default True
        Also escape ``"`` and ``'`` (needed inside attributes).

    Returns
    -------
    markupsafe.Markup
        The escaped text, marked as safe, so a Jinja2 template with autoescape does not
        escape it a second time. ``<``, ``>``, ``&`` (and quotes) become entities, ``{``
        and ``}`` become ``&#123;`` and ``&#125;``.

    Examples
    --------
    >>> str(escape("<b>{{ 7*7 }}</b>"))
    '&lt;b&gt;&#123;&#123; 7*7 &#125;&#125;&lt;/b&gt;'
    """
    if isinstance(value, Markup):
        return Markup(str(value).translate(_BRACES))
    return Markup(html.escape(_text(value), quote=quote).translate(_BRACES))


def escape_markdown(value: Any, inline: bool = True) -> str:
    """Escape text for Markdown: syntax is backslash-escaped and raw HTML is neutralised.

    Parameters
    ----------
    value : Any
        The text; ``None`` and missing values give ``""``.
    inline : bool, default True
        True: line breaks become spaces (for table cells and list items). False: lines
        are kept. Either way markers at the start of a line (``-``, ``1.``, ``>``, ``=``)
        are escaped too.

    Returns
    -------
    str
        Text that a Markdown renderer shows literally: Markdown syntax and braces with a
        backslash, ``<``, ``>`` and ``&`` as entities.
    """
    text = _text(value).replace("\r\n", "\n").replace("\r", "\n")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    if inline:
        text = " ".join(text.split())
    text = _MD_LINE_START.sub(_escape_marker, text)
    return html.escape(text, quote=False)


def _escape_marker(match: re.Match[str]) -> str:
    """``- x`` → ``\\- x``; ``1. x`` → ``1\\. x`` (only punctuation can be escaped)."""
    marker = match.group(2)
    return match.group(1) + marker[:-1] + "\\" + marker[-1]


def raw_html_element(markup: str) -> Any:
    """A branca element that puts finished HTML on a map without parsing it as a template.

    Parameters
    ----------
    markup : str
        HTML built with :func:`escape` for every text in it (for example a legend).

    Returns
    -------
    branca.element.Element
        Add it with ``m.get_root().html.add_child(element)``.
    """
    from branca.element import Element

    element = Element("{{ this.markup }}")
    element.markup = str(markup)
    return element


def paragraphs(text: Any) -> list[list[str]]:
    """A participant's longer text as paragraphs (split on an empty line), each as its lines.

    Templates print each line as text (escaped like every value) with a line break in
    between, so what someone typed keeps its shape without any HTML from Python.

    Parameters
    ----------
    text : str or None
        The text as typed; ``None`` or blank gives no paragraphs.

    Returns
    -------
    list of list of str
    """
    blocks = [b.strip() for b in re.split(r"\n\s*\n", str(text or "")) if b.strip()]
    return [b.splitlines() for b in blocks]


def template_folders() -> list[Path]:
    """Where templates are looked up: ``WIJKLIB_SJABLONEN`` (when set) first, then ours."""
    own = os.environ.get(TEMPLATES_ENV, "").strip()
    return ([Path(own).expanduser()] if own else []) + [TEMPLATES]


def _html_value(value: Any) -> Any:
    """Escape a printed value with :func:`escape` (braces too) unless it is Markup."""
    if hasattr(value, "__html__"):
        return value
    return escape(value)


def _markdown_value(value: Any) -> Any:
    """Escape a printed value for Markdown unless it is already escaped (Markup)."""
    if hasattr(value, "__html__"):
        return value
    return Markup(escape_markdown(value))


def _markdown_block(value: Any) -> Markup:
    """The ``tekstblok`` filter: a longer text with its lines kept, escaped for Markdown."""
    return Markup(escape_markdown(value, inline=False))


@lru_cache(maxsize=8)
def _environment(folders: tuple[str, ...], markdown: bool = False) -> Any:
    # A sandbox because a trainer's template may come from anywhere; StrictUndefined so
    # that a typo in a template is an error, not an empty spot on the page.
    from jinja2 import FileSystemLoader, StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    loader = FileSystemLoader(list(folders))
    if not markdown:
        # finalize: one rule for every page, braces written as character references too
        return SandboxedEnvironment(loader=loader, autoescape=True, finalize=_html_value,
                                    undefined=StrictUndefined, keep_trailing_newline=True)
    # autoescape=True only makes macros return Markup; the escaping itself is finalize's.
    env = SandboxedEnvironment(loader=loader, autoescape=True, undefined=StrictUndefined,
                               keep_trailing_newline=True, trim_blocks=True,
                               lstrip_blocks=True, finalize=_markdown_value)
    env.filters["tekstblok"] = _markdown_block
    return env


def render(name: str, **context: Any) -> str:
    """Fill a document template; every value is escaped and never parsed as a template.

    Parameters
    ----------
    name : str
        File name in ``wijklib/templates/`` (or in the ``WIJKLIB_SJABLONEN`` folder);
        ``*.md.j2`` is escaped for Markdown, anything else for HTML.
    **context
        The values the template uses.

    Returns
    -------
    str
        The document.

    Raises
    ------
    TemplateError
        When the template does not exist or has a mistake (with file and line).
    """
    import jinja2

    folders = tuple(str(f) for f in template_folders())
    try:
        env = _environment(folders, markdown=name.endswith(".md.j2"))
        return env.get_template(name).render(**context)
    except jinja2.TemplateNotFound:
        raise TemplateError(
            f"Het sjabloon {name} bestaat niet in {', '.join(folders)}. Kopieer het uit "
            f"{TEMPLATES} als je het wilt aanpassen.") from None
    except jinja2.TemplateSyntaxError as err:
        raise TemplateError(
            f"In het sjabloon {err.filename or name} staat een fout op regel {err.lineno}: "
            f"{err.message}. Vergelijk het met het origineel in {TEMPLATES}.") from None
    except (jinja2.UndefinedError, jinja2.exceptions.SecurityError) as err:
        raise TemplateError(
            f"Het sjabloon {name} gebruikt iets dat niet bestaat of niet mag ({err}). "
            f"Vergelijk het met het origineel in {TEMPLATES}.") from None
