"""``make book``: the workbook as a static site to read without running it, plus handouts.

What it does, in order (:func:`build_book`):

1. Executes the three *solution* notebooks (``notebooks/oplossingen``) for the example
   buurt (Utrecht, the defaults in their parameter cell) with papermill, one after the
   other (notebook 3 reads what 1 and 2 saved), in a temporary folder: the data, export
   and group folders are set there through ``WIJKLIB_DATA``, ``WIJKLIB_EXPORT`` and
   ``WIJKLIB_GROEP`` (the download cache stays where it is), so nothing lands in
   ``data/`` and no file of your own ends up in the book. Each notebook is executed once;
   the site and the handouts both use that one result.
2. Prepares the executed notebooks for reading: cells tagged ``oplossing`` get the tag
   ``hide-input`` (myst-nb folds them behind "Toon het antwoord"), widgets (which need a
   kernel) get a short Dutch note instead.
3. Builds the site with Sphinx + myst-nb + sphinx-book-theme (configuration in
   ``book/conf.py``) from a staging folder: ``book/index.md``, the executed notebooks,
   the trainer guide and the set-up part of the README.
4. Renders one A4 handout per session from the template ``handout.html.j2`` through
   :func:`wijklib.guarantees.rendering.render` (a trainer adapts it with
   ``WIJKLIB_SJABLONEN``), and prints it to PDF with headless Chromium into
   ``_build/html/handouts/``.

Why Sphinx + myst-nb and not Jupyter Book 2: Jupyter Book 2 is built on the MyST engine,
which runs on Node.js; the workbook needs no Node anywhere (see ``wijklib.assets``).
Sphinx + myst-nb is pure Python, installs from PyPI (``pip install -e .[book]``) and works
offline. (Jupyter Book 1 is the same Sphinx + myst-nb underneath.)

Maps: the notebooks show folium maps through :func:`wijklib.notebook.offline.show`, which
puts Leaflet and the other files inside each map (``mode="inline"`` when the map files are
installed). So the maps in the site draw without internet and without a CDN. The build
stops with a Dutch message when the map files are missing, and checks afterwards that no
page loads a script or style sheet from the internet.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

if __name__ == "__main__":  # pragma: no cover - run as a script: use this checkout's wijklib
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
SOLUTIONS = ROOT / "notebooks" / "oplossingen"
DEFAULT_OUT = ROOT / "_build" / "html"
#: The GitHub repository, for links from the README and the guide to files in the repository.
REPO_URL = "https://github.com/wijkprofiel/werkboek/blob/main"
#: The tag of answer cells in the solution notebooks (see tools/build_exercises.py).
ANSWER_TAG = "oplossing"
#: The myst-nb tag that folds a cell's source behind a button.
FOLD_TAG = "hide-input"
#: The README sections that make the set-up page (by heading text).
SETUP_SECTIONS = ("Op je eigen computer", "Werken zonder internet")
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_NOTE = (
    "Hier staat in het notebook een knop of schuifje om te kiezen. Dat werkt alleen als "
    "je het notebook zelf uitvoert. In deze leesversie zie je de keuze van het voorbeeld."
)


class BookError(RuntimeError):
    """The book cannot be built (Dutch message that says what to do)."""


class BookWarning(UserWarning):
    """Something in the book is not as planned, but it can be built (Dutch message)."""


@dataclass(frozen=True)
class Session:
    """One session of the workbook: its notebook and its key output for the handout.

    Attributes
    ----------
    number : int
        1, 2 or 3.
    notebook : str
        File name in ``notebooks/oplossingen``.
    key_cell : str
        Text in the source of the code cell whose figure goes on the handout.
    key_caption : str
        Caption under that figure.
    """

    number: int
    notebook: str
    key_cell: str
    key_caption: str


SESSIONS: tuple[Session, ...] = (
    Session(1, "01_tellen_gebiedsanalyse.ipynb", "charts.comparison_chart(vergelijking)",
            "Het voorbeeld: de buurt vergeleken met de gemeente en Nederland."),
    Session(2, "02_vertellen_bewonersperspectief.ipynb", "scores.plot_scores(",
            "Het voorbeeld: wat bewoners zeggen over de sociale samenhang (oefendata)."),
    Session(3, "03_tellen_en_vertellen_buurtagenda.ipynb",
            "ringen.dumbbell(twee_ringen, buurten=[BUURTCODE]",
            "Het voorbeeld: per thema de cijfers naast de beleving van bewoners."),
)


# ---------------------------------------------------------------------------------------
# 1. Executing the notebooks (once)
# ---------------------------------------------------------------------------------------


def check_map_files() -> None:
    """Stop with a Dutch message when the offline map files are not installed."""
    from wijklib.notebook.offline import assets_dir, manifest_problem

    problem = manifest_problem(assets_dir())
    if problem is not None:
        raise BookError(
            f"{problem} Zonder die bestanden werken de kaarten in het boek niet zonder "
            "internet. Installeer ze eerst met `python -m wijklib.assets` (of `make assets`)."
        )


def execute_notebooks(work: Path, timings: dict[str, float]) -> list[Path]:
    """Execute the solution notebooks in ``work`` (data, export and group folders inside it).

    Parameters
    ----------
    work : Path
        An empty temporary folder.
    timings : dict
        Filled with the seconds each notebook took.

    Returns
    -------
    list of Path
        The executed notebooks, in session order.
    """
    import papermill

    from wijklib.config import settings

    env = {
        # the participant's folders in the temporary folder: no own files (a survey in
        # data/) in the book, nothing written to data/; the download cache stays the same
        "WIJKLIB_CACHE": str(settings().cache_dir),
        "WIJKLIB_DATA": str(work / "data"),
        "WIJKLIB_EXPORT": str(work / "export"),
        "WIJKLIB_GROEP": str(work / "groep"),
        "WIJKLIB_STRICT_CHECKS": "1",  # a wrong answer in a solution stops the build
    }
    executed = []
    # the kernels inherit the environment; patch.dict puts it back afterwards
    with mock.patch.dict(os.environ, env):
        for session in SESSIONS:
            source = SOLUTIONS / session.notebook
            target = work / "uitgevoerd" / session.notebook
            target.parent.mkdir(parents=True, exist_ok=True)
            start = time.perf_counter()
            try:
                papermill.execute_notebook(
                    str(source), str(target), kernel_name="python3", progress_bar=False,
                    cwd=str(work),
                )
            except papermill.PapermillExecutionError as err:
                raise BookError(
                    f"Notebook {session.notebook} gaf een fout in cel {err.cell_index}: "
                    f"{err.ename}: {err.evalue}. Los die eerst op; het boek toont alleen "
                    "notebooks die helemaal goed draaien."
                ) from None
            timings[session.notebook] = time.perf_counter() - start
            executed.append(target)
    return executed


# ---------------------------------------------------------------------------------------
# 2. Notebooks made ready for reading
# ---------------------------------------------------------------------------------------


def fold_answers(nb: dict[str, Any]) -> dict[str, Any]:
    """Fold the answer cells and replace widgets by a note; return a new notebook.

    Parameters
    ----------
    nb : dict
        An executed solution notebook (nbformat 4 JSON).

    Returns
    -------
    dict
        The same notebook where every ``oplossing`` cell also has the tag ``hide-input``
        and every widget output shows :data:`WIDGET_NOTE` instead; the rest is unchanged.
    """
    nb = json.loads(json.dumps(nb))
    nb.get("metadata", {}).pop("widgets", None)
    for cell in nb.get("cells", []):
        tags = cell.setdefault("metadata", {}).setdefault("tags", [])
        if cell.get("cell_type") != "code":
            continue
        if ANSWER_TAG in tags and FOLD_TAG not in tags:
            tags.append(FOLD_TAG)
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_MIME in data:
                output["data"] = {"text/plain": WIDGET_NOTE}
    return nb


# ---------------------------------------------------------------------------------------
# 3. The site
# ---------------------------------------------------------------------------------------

_LINK = re.compile(r"(\]\()(?!https?:|mailto:|#)([^)\s]+)(\))")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")


def _page_for(repo_path: str) -> str | None:
    """The page of the book that shows a repository file, relative to the book root."""
    if repo_path == "docs/trainershandleiding.md":
        return "trainershandleiding.md"
    if repo_path == "README.md":
        return "installeren.md"
    name = Path(repo_path).name
    if repo_path.startswith("notebooks/") and name in {s.notebook for s in SESSIONS}:
        return f"notebooks/{name}"
    return None


def rewrite_links(text: str, source: str, page: str) -> str:
    """Point relative links of a repository file to the book's pages or to GitHub.

    Parameters
    ----------
    text : str
        Markdown.
    source : str
        Path of the file in the repository (``docs/trainershandleiding.md``).
    page : str
        Path of the page in the book (``trainershandleiding.md``).
    """
    import posixpath

    def replace(match: re.Match[str]) -> str:
        target, _, anchor = match.group(2).partition("#")
        repo_path = posixpath.normpath(posixpath.join(posixpath.dirname(source), target))
        if repo_path.startswith(".."):
            return match.group(0)
        book_page = _page_for(repo_path)
        if book_page is None:
            url = f"{REPO_URL}/{repo_path}"
        else:
            url = posixpath.relpath(book_page, posixpath.dirname(page) or ".")
        return f"{match.group(1)}{url}{'#' + anchor if anchor else ''}{match.group(3)}"

    return _LINK.sub(replace, text)


def markdown_sections(
    text: str, titles: tuple[str, ...], where: str = "README.md"
) -> list[str]:
    """Return the sections of a Markdown text whose heading is one of ``titles``.

    A section runs to the next heading of the same or a higher level (code blocks are
    skipped when looking for headings).

    Raises
    ------
    BookError
        When a title is not found.
    """
    lines = text.splitlines()
    found: list[str] = []
    for title in titles:
        in_code = False
        start = level = None
        end = len(lines)
        for i, line in enumerate(lines):
            if line.startswith("```"):
                in_code = not in_code
            match = None if in_code else _HEADING.match(line)
            if match is None:
                continue
            if start is None and match.group(2).strip("`") == title:
                start, level = i, len(match.group(1))
            elif start is not None and len(match.group(1)) <= (level or 0):
                end = i
                break
        if start is None:
            raise BookError(
                f"In {where} staat geen kop '{title}'. Het boek neemt die paragraaf over; "
                "pas tools/book.py aan als de kop een andere naam kreeg."
            )
        found.append("\n".join(lines[start:end]).strip() + "\n")
    return found


def stage_sources(stage: Path, executed: list[Path]) -> None:
    """Put every page of the book in ``stage`` (the Sphinx source folder)."""
    if stage.exists():
        shutil.rmtree(stage)
    (stage / "notebooks").mkdir(parents=True)
    shutil.copy2(BOOK / "index.md", stage / "index.md")
    for path in executed:
        nb = fold_answers(json.loads(path.read_text("utf-8")))
        (stage / "notebooks" / path.name).write_text(json.dumps(nb, ensure_ascii=False), "utf-8")
    guide = (ROOT / "docs" / "trainershandleiding.md").read_text("utf-8")
    (stage / "trainershandleiding.md").write_text(
        rewrite_links(guide, "docs/trainershandleiding.md", "trainershandleiding.md"), "utf-8"
    )
    readme = (ROOT / "README.md").read_text("utf-8")
    parts = markdown_sections(readme, SETUP_SECTIONS)
    setup = "# Installeren\n\nDit deel komt uit de README van het werkboek.\n\n" + "\n".join(parts)
    (stage / "installeren.md").write_text(
        rewrite_links(setup, "README.md", "installeren.md"), "utf-8"
    )


def run_sphinx(stage: Path, out: Path) -> None:
    """Build the HTML site from ``stage`` into ``out`` (configuration: ``book/conf.py``)."""
    from sphinx.cmd.build import build_main

    with warnings.catch_warnings():
        # the theme and myst-parser still use Sphinx APIs that Sphinx 11 drops: not ours
        warnings.filterwarnings("ignore", message=r".*Check CHANGES for Sphinx API")
        code = build_main([
            "-b", "html", "-q", "-E", "-c", str(BOOK), "-d", str(stage / ".doctrees"),
            str(stage), str(out),
        ])
    if code != 0:
        raise BookError(f"Sphinx kon het boek niet bouwen (code {code}); zie de meldingen.")


_REMOTE_TAG = re.compile(
    r"""<(?:script|link)\b[^>]*?\b(?:src|href)\s*=\s*["']?((?:https?:)?//[^"'\s>]+)""", re.I
)


def remote_files(out: Path) -> dict[str, list[str]]:
    """Scripts and style sheets that pages of the site would load from the internet."""
    found = {}
    for page in sorted(out.rglob("*.html")):
        links = _REMOTE_TAG.findall(page.read_text("utf-8", errors="replace"))
        if links:
            found[str(page.relative_to(out))] = links
    return found


# ---------------------------------------------------------------------------------------
# 4. The handouts
# ---------------------------------------------------------------------------------------

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])")
_CODE = re.compile(r"`([^`]+)`")


def _plain(text: str) -> str:
    """Markdown inline text as plain text (marks of bold, italic and code dropped)."""
    for pattern in (_CODE, _BOLD, _ITALIC):
        text = pattern.sub(r"\1", text)
    return " ".join(text.split())


def _cell_source(cell: dict[str, Any]) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _blocks(lines: list[str]) -> list[dict[str, Any]]:
    """Paragraphs and bullet lists of Markdown lines, as plain text."""
    blocks: list[dict[str, Any]] = []
    current: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if current:
            blocks.append({"soort": "alinea", "tekst": _plain(" ".join(current))})
            current.clear()
        if items:
            blocks.append({"soort": "lijst", "punten": [_plain(i) for i in items]})
            items.clear()

    for line in lines:
        stripped = line.strip()
        if not stripped or stripped.startswith("<"):
            flush()
        elif stripped.startswith(("- ", "* ")):
            if current:
                flush()
            items.append(stripped[2:])
        elif items and line.startswith(" "):
            items[-1] += " " + stripped
        else:
            if items:
                flush()
            current.append(stripped)
    flush()
    return blocks


def _leerdoelen_cell(nb: dict[str, Any]) -> dict[str, Any] | None:
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown" and re.search(
            r"^#+\s+Leerdoelen\s*$", _cell_source(cell), re.M
        ):
            return cell
    return None


def discussion_blocks(nb: dict[str, Any]) -> list[dict[str, Any]]:
    """The Bespreek blocks of a notebook: a title and the questions, as plain text.

    A Bespreek block is a Markdown cell with a line that starts with a bold "Bespreek":
    either a coloured box (``<div>`` … ``</div>``) or one paragraph. The block runs to
    the end of the box, or to the end of the paragraph.

    Returns
    -------
    list of dict
        ``{"titel": str, "blokken": [{"soort": "alinea"|"lijst", ...}]}`` in notebook order.
    """
    found = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        source = _cell_source(cell)
        match = re.search(r"^\*\*Bespreek\b", source, re.M)
        if match is None:
            continue
        boxed = "<div" in source[: match.start()]
        rest = source[match.start():]
        if boxed:
            rest = rest.split("</div>", 1)[0]
        else:
            rest = re.split(r"\n\s*\n", rest, maxsplit=1)[0]
        first, *others = rest.splitlines()
        bold = _BOLD.match(first)
        title_md = bold.group(1) if bold else first
        after = first[bold.end():] if bold else ""
        if not boxed and after.strip():
            # "**Bespreek** (5 minuten): vraag ..." – the time belongs to the title
            head, sep, tail = after.partition(":")
            title_md += head if sep else ""
            lines = [tail if sep else after, *others]
        else:
            lines = others
        found.append({"titel": _plain(title_md), "blokken": _blocks(lines)})
    return found


def _first_image(cell: dict[str, Any]) -> str | None:
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        if "image/png" in data:
            return "data:image/png;base64," + "".join(data["image/png"]).strip()
        if "image/svg+xml" in data:
            svg = "".join(data["image/svg+xml"]).encode("utf-8")
            return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
    return None


def key_figure(nb: dict[str, Any], session: Session) -> str | None:
    """The key figure of the executed example (a data URI), or None when there is none."""
    cells = [c for c in nb["cells"] if c["cell_type"] == "code"]
    for cell in cells:
        if session.key_cell in _cell_source(cell):
            image = _first_image(cell)
            if image:
                return image
    warnings.warn(f"In {session.notebook} vond ik geen figuur bij '{session.key_cell}'; de "
                  "hand-out krijgt de eerste figuur van het notebook. Pas SESSIONS in "
                  "tools/book.py aan.", BookWarning, stacklevel=2)
    return next((img for img in map(_first_image, cells) if img), None)


@dataclass
class Handout:
    """What one handout shows (all plain text, escaped by the template engine)."""

    number: int
    title: str
    goals: list[str]
    discussions: list[dict[str, Any]]
    figure: str | None
    caption: str


def _title(nb: dict[str, Any]) -> str:
    for cell in nb["cells"]:
        match = re.search(r"^#\s+(.+)$", _cell_source(cell), re.M)
        if cell["cell_type"] == "markdown" and match:
            return _plain(match.group(1))
    return ""


def learning_goals(nb: dict[str, Any], name: str = "het notebook") -> list[str]:
    """The learning goals: the first bullet list under the heading ``Leerdoelen``.

    Raises
    ------
    BookError
        When the notebook has no Leerdoelen heading with a list under it.
    """
    cell = _leerdoelen_cell(nb)
    if cell is None:
        raise BookError(f"{name} heeft geen kop 'Leerdoelen'.")
    (section,) = markdown_sections(_cell_source(cell), ("Leerdoelen",), name)
    lists = [b for b in _blocks(section.splitlines()[1:]) if b["soort"] == "lijst"]
    if not lists:
        raise BookError(f"Onder 'Leerdoelen' in {name} staat geen lijst.")
    return lists[0]["punten"]


def handout_for(nb: dict[str, Any], session: Session) -> Handout:
    """Collect the handout of one session from its executed notebook."""
    return Handout(
        number=session.number,
        title=_title(nb),
        goals=learning_goals(nb, session.notebook),
        discussions=discussion_blocks(nb),
        figure=key_figure(nb, session),
        caption=session.key_caption,
    )


def find_browser() -> str:
    """Return a headless-capable Chromium (Debian's ``chromium``, or Google Chrome)."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    raise BookError(
        "Chromium is niet gevonden; dat is nodig om de hand-outs als PDF te maken. "
        "Installeer het met: apt-get install -y chromium (of `make chromium`)."
    )


def print_pdf(html_file: Path, pdf_file: Path, browser: str) -> None:
    """Print an HTML page to PDF with headless Chromium (paper size from its @page rule)."""
    with tempfile.TemporaryDirectory(prefix="wijklib-chromium-") as profile:
        result = subprocess.run(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", f"--user-data-dir={profile}",
             "--no-pdf-header-footer", "--print-to-pdf-no-header",  # new and old name
             f"--print-to-pdf={pdf_file}", html_file.as_uri()],
            capture_output=True, text=True, timeout=120, check=False,
        )
    if not pdf_file.is_file() or pdf_file.stat().st_size == 0:
        raise BookError(
            f"Chromium maakte geen PDF van {html_file.name} (code {result.returncode}): "
            f"{result.stderr.strip()[-500:]}"
        )


def handout_html(handout: Handout) -> str:
    """The handout page, from the template ``handout.html.j2`` (every value escaped)."""
    from wijklib.guarantees.rendering import render

    return render(
        "handout.html.j2", sessie=handout.number, titel=handout.title,
        leerdoelen=handout.goals, bespreken=handout.discussions,
        figuur=handout.figure, onderschrift=handout.caption,
    )


def build_handouts(executed: list[Path], out: Path) -> list[Path]:
    """Write ``sessie-N.html`` and ``sessie-N.pdf`` for every session into ``out``."""
    from wijklib.guarantees.writing import atomic_write_text

    out.mkdir(parents=True, exist_ok=True)
    browser = find_browser()
    pdfs = []
    for session, path in zip(SESSIONS, executed, strict=True):
        handout = handout_for(json.loads(path.read_text("utf-8")), session)
        page = handout_html(handout)
        html_file = out / f"sessie-{session.number}.html"
        atomic_write_text(html_file, page)
        pdf_file = out / f"sessie-{session.number}.pdf"
        print_pdf(html_file, pdf_file, browser)
        pdfs.append(pdf_file)
    return pdfs


# ---------------------------------------------------------------------------------------
# All of it
# ---------------------------------------------------------------------------------------


@dataclass
class BookResult:
    """What :func:`build_book` made, how long it took (seconds), and its notes (warnings)."""

    out: Path
    notebooks: list[Path]
    handouts: list[Path]
    timings: dict[str, float]
    notes: list[str] = field(default_factory=list)


def build_book(
    out: Path = DEFAULT_OUT, *, stage: Path | None = None, executed: list[Path] | None = None
) -> BookResult:
    """Build the site and the handouts (what ``make book`` runs).

    Parameters
    ----------
    out : Path, default ``_build/html``
        The site; emptied first.
    stage : Path, optional
        Folder for the Sphinx sources; default ``<out>/../bron``.
    executed : list of Path, optional
        The solution notebooks already executed for the example (in session order, as
        :func:`execute_notebooks` makes them, e.g. by a test that checks them): then they
        are not executed again. Default: execute them now.

    Returns
    -------
    BookResult
        The site folder, the pages of the notebooks, the handout PDFs and the timings.

    Raises
    ------
    BookError
        When the map files are missing, a notebook fails, Sphinx fails or a page would
        load files from the internet (message in Dutch).
    """
    check_map_files()
    start = time.perf_counter()
    timings: dict[str, float] = {}
    stage = stage if stage is not None else out.parent / "bron"
    with tempfile.TemporaryDirectory(prefix="wijklib-boek-") as tmp:
        if executed is None:
            executed = execute_notebooks(Path(tmp), timings)
        elif [p.name for p in executed] != [s.notebook for s in SESSIONS]:
            raise BookError("Geef de drie uitgevoerde notebooks, in de volgorde 1, 2, 3.")
        step = time.perf_counter()
        stage_sources(stage, executed)
        if out.exists():
            shutil.rmtree(out)
        run_sphinx(stage, out)
        timings["sphinx"] = time.perf_counter() - step
        step = time.perf_counter()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", BookWarning)
            handouts = build_handouts(executed, out / "handouts")
        timings["hand-outs"] = time.perf_counter() - step
    remote = remote_files(out)
    if remote:
        lines = "; ".join(f"{page}: {', '.join(links)}" for page, links in remote.items())
        raise BookError(f"Deze pagina's laden bestanden van internet: {lines}")
    timings["totaal"] = time.perf_counter() - start
    pages = [out / "notebooks" / f"{Path(s.notebook).stem}.html" for s in SESSIONS]
    notes = [str(w.message) for w in caught if issubclass(w.category, BookWarning)]
    return BookResult(out=out, notebooks=pages, handouts=handouts, timings=timings, notes=notes)


def main(argv: list[str] | None = None) -> int:
    """``python tools/book.py [--uit MAP]``."""
    parser = argparse.ArgumentParser(description="Bouw het boek en de hand-outs.")
    parser.add_argument("--uit", type=Path, default=DEFAULT_OUT, help="map voor de site")
    args = parser.parse_args(argv)
    try:
        result = build_book(args.uit)
    except BookError as err:
        print(f"Het boek is niet gebouwd. {err}", file=sys.stderr)
        return 1
    for note in result.notes:
        print(f"Let op: {note}", file=sys.stderr)
    for name, seconds in result.timings.items():
        print(f"{name}: {seconds:.0f} s")
    print(f"Klaar: open {result.out / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
