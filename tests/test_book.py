"""The book (``make book``): built against the loopback servers, read in Chromium.

The book is built once for this module by the same function ``make book`` calls
(:func:`tools.book.build_book`), with the three solution notebooks executed against the
loopback CBS, PDOK and police servers. Its pages are then served on localhost and opened
in Debian's Chromium with every request off this machine blocked.
"""

from __future__ import annotations

import functools
import json
import re
import threading
import unicodedata
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from browser import ARTIFACTS_DIR, Chromium
from conftest import point_wijklib_at

from tools import book

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "notebooks" / "oplossingen"
NOTEBOOKS = [s.notebook for s in book.SESSIONS]


def source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def solution(name: str) -> dict:
    return json.loads((SOLUTIONS / name).read_text("utf-8"))


def answer_cells(name: str) -> list[str]:
    """The sources of the cells tagged ``oplossing`` in a solution notebook."""
    return [source(c) for c in solution(name)["cells"]
            if "oplossing" in c["metadata"].get("tags", [])]


def flat(text: str) -> str:
    """Text without markup and whitespace, to find it back in a PDF or a page."""
    text = unicodedata.normalize("NFKC", re.sub(r"\*\*|`|\*", "", text))
    return re.sub(r"\s+", "", text)


def bullets(markdown: str) -> list[str]:
    """The bullet items of a piece of Markdown (continuation lines joined)."""
    items: list[str] = []
    for line in markdown.splitlines():
        if line.lstrip().startswith("- "):
            items.append(line.strip()[2:])
        elif items and line.startswith("  ") and line.strip():
            items[-1] += " " + line.strip()
        elif not line.strip() or line.startswith(("#", "<")):
            if items and line.startswith("#"):
                break
    return items


def goals_in_notebook(name: str) -> list[str]:
    """The learning goals as written in the notebook: bullets under '## Leerdoelen'."""
    for cell in solution(name)["cells"]:
        text = source(cell)
        if "## Leerdoelen" in text:
            part = text.split("## Leerdoelen", 1)[1]
            return bullets(part.split("\n#", 1)[0])
    raise AssertionError(f"no Leerdoelen in {name}")


def bespreek_in_notebook(name: str) -> list[tuple[str, list[str]]]:
    """The Bespreek blocks as written in the notebook: bold title and their questions."""
    found = []
    for cell in solution(name)["cells"]:
        text = source(cell)
        text = "\n" + text
        start = text.find("\n**Bespreek")
        if cell["cell_type"] != "markdown" or start < 0:
            continue
        block = text[start + 1:].split("</div>", 1)[0]
        title, rest = block[2:].split("**", 1)
        if "<div" in text:
            questions = bullets(rest)
        else:  # "**Bespreek** (5 minuten): question ..." in one paragraph
            questions = [rest.split("\n\n", 1)[0].split(":", 1)[1]]
        found.append((title, questions))
    return found


# ---------------------------------------------------------------------------------------
# The book, built once
# ---------------------------------------------------------------------------------------


DATA_FOLDER: dict[str, list[str]] = {}


def data_files() -> list[str]:
    """The files in the checkout's data/ folder (a participant's own files and exports)."""
    return sorted(str(p) for p in (ROOT / "data").rglob("*"))


@pytest.fixture(scope="module")
def built(utrecht_cache, cbs_server, pdok_server, map_assets, tmp_path_factory):
    """The book built against the loopback servers (with the warm Utrecht cache)."""
    out = tmp_path_factory.mktemp("boek") / "html"
    with pytest.MonkeyPatch.context() as mp:
        point_wijklib_at(mp, cbs_server.url, pdok_server.url, utrecht_cache)
        mp.setenv("WIJKLIB_ASSETS", str(map_assets))
        before = data_files()
        result = book.build_book(out)
        DATA_FOLDER["before"], DATA_FOLDER["after"] = before, data_files()
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    (ARTIFACTS_DIR / "book-timings.json").write_text(json.dumps(result.timings, indent=1))
    print("book build times (s):", {k: round(v) for k, v in result.timings.items()})
    return result


class Quiet(SimpleHTTPRequestHandler):
    """A file server that does not log every request."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def site(built) -> Iterator[str]:
    """The built site served over HTTP on localhost."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(
        built.out)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Chromium]:
    with Chromium() as browser:
        yield browser


# ---------------------------------------------------------------------------------------
# Quick checks without a build
# ---------------------------------------------------------------------------------------


def test_build_stops_with_a_dutch_message_without_map_files(tmp_path, monkeypatch):
    monkeypatch.setenv("WIJKLIB_ASSETS", str(tmp_path / "leeg"))
    with pytest.raises(book.BookError, match="python -m wijklib.assets"):
        book.build_book(tmp_path / "html")
    assert not (tmp_path / "html").exists()


def test_answers_are_folded_and_widgets_become_a_note():
    nb = solution(NOTEBOOKS[0])
    nb["cells"][0]["outputs"] = []
    widget = {"output_type": "display_data", "metadata": {},
              "data": {book.WIDGET_MIME: {"model_id": "x"}, "text/plain": "VBox()"}}
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    code[0]["outputs"] = [widget]
    folded = book.fold_answers(nb)
    for before, after in zip(nb["cells"], folded["cells"], strict=True):
        tags = after["metadata"].get("tags", [])
        answer = "oplossing" in before["metadata"].get("tags", [])
        assert ("hide-input" in tags) == answer
        assert source(after) == source(before)  # the answer is there, only folded
    first = next(c for c in folded["cells"] if c["cell_type"] == "code")
    assert first["outputs"][0]["data"] == {"text/plain": book.WIDGET_NOTE}
    assert code[0]["outputs"] == [widget]  # the input notebook is not changed


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_handout_content_comes_from_the_notebook(name):
    session = next(s for s in book.SESSIONS if s.notebook == name)
    with pytest.warns(book.BookWarning, match="geen figuur"):  # not executed: no figures
        handout = book.handout_for(solution(name), session)
    assert handout.figure is None
    assert [flat(g) for g in handout.goals] == [flat(g) for g in goals_in_notebook(name)]
    expected = bespreek_in_notebook(name)
    assert len(handout.discussions) == len(expected) >= 1
    for got, (title, questions) in zip(handout.discussions, expected, strict=True):
        text = flat(got["titel"] + " ".join(
            b.get("tekst", "") + " ".join(b.get("punten", [])) for b in got["blokken"]))
        assert flat(title) in text
        assert all(flat(q) in text for q in questions), (got, questions)


def test_handout_text_is_only_text(tmp_path, monkeypatch):
    md = lambda text: {"cell_type": "markdown", "metadata": {}, "source": text}  # noqa: E731
    nb = {"cells": [
        md("# 1. <i>Titel</i>\n\n## Leerdoelen\nNa dit notebook kun je:\n- {{ 7*7 }} rekenen;"),
        md("<div>\n\n**Bespreek (5 minuten): <script>alert(1)</script>**\n\n"
           "- {% if 1 %}x?\n</div>"),
    ]}
    with pytest.warns(book.BookWarning):
        handout = book.handout_for(nb, book.SESSIONS[0])
    assert handout.goals == ["{{ 7*7 }} rekenen;"]
    page = book.handout_html(handout)
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "49" not in page and "&#123;&#123; 7*7 &#125;&#125;" in page
    assert "&#123;% if 1 %&#125;x?" in page and "&lt;i&gt;Titel&lt;/i&gt;" in page
    # a trainer's own template wins (WIJKLIB_SJABLONEN)
    (tmp_path / "handout.html.j2").write_text("<main>Eigen: {{ titel }}</main>", "utf-8")
    monkeypatch.setenv("WIJKLIB_SJABLONEN", str(tmp_path))
    assert book.handout_html(handout) == "<main>Eigen: 1. &lt;i&gt;Titel&lt;/i&gt;</main>"


def test_links_point_to_book_pages_or_github():
    text = "[gids](docs/trainershandleiding.md) [nb](notebooks/01_tellen_gebiedsanalyse.ipynb)"
    text += " [lijst](wijklib/vragenlijst.csv) [web](https://example.org) [anker](#kop)"
    out = book.rewrite_links(text, "README.md", "installeren.md")
    assert "](trainershandleiding.md)" in out
    assert "](notebooks/01_tellen_gebiedsanalyse.ipynb)" in out
    assert f"]({book.REPO_URL}/wijklib/vragenlijst.csv)" in out
    assert "](https://example.org)" in out and "](#kop)" in out
    guide = book.rewrite_links("[nb](../notebooks/oplossingen/02_vertellen_bewonersperspectief"
                               ".ipynb)", "docs/trainershandleiding.md",
                               "trainershandleiding.md")
    assert guide == "[nb](notebooks/02_vertellen_bewonersperspectief.ipynb)"


# ---------------------------------------------------------------------------------------
# The built book
# ---------------------------------------------------------------------------------------


@pytest.mark.notebook
def test_site_has_every_page_and_no_remote_files(built):
    for page in ("index.html", "installeren.html", "trainershandleiding.html", *[
            f"notebooks/{Path(n).stem}.html" for n in NOTEBOOKS]):
        assert (built.out / page).is_file(), page
    assert book.remote_files(built.out) == {}
    assert (built.out / ".nojekyll").is_file()  # GitHub Pages serves _static/ as it is
    setup = (built.out / "installeren.html").read_text("utf-8")
    for title in book.SETUP_SECTIONS:  # the README's set-up part
        assert f">{title}<" in setup, title
    index = (built.out / "index.html").read_text("utf-8")
    pdfs = re.findall(r'href="(handouts/[^"]+\.pdf)"', index)
    assert sorted(built.out / p for p in pdfs) == sorted(built.handouts)  # linked, all three
    guide = (built.out / "trainershandleiding.html").read_text("utf-8")
    assert "Waar staan de antwoorden?" in guide


MAPS_JS = """() => [document.querySelectorAll('.leaflet-container').length,
                     document.querySelectorAll('path.leaflet-interactive').length]"""
FOLDED_JS = """() => Array.from(document.querySelectorAll('details.hide'), d => ({
    open: d.open, summary: d.querySelector('summary').innerText,
    code: d.textContent, visible: !!d.querySelector('pre')
        && d.querySelector('pre').checkVisibility()}))"""


@pytest.mark.notebook
@pytest.mark.browser
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_page_in_chromium(name, built, site, chromium):
    page_file = built.out / "notebooks" / f"{Path(name).stem}.html"
    staged = json.loads((built.out.parent / "bron" / "notebooks" / name).read_text("utf-8"))
    expected_maps = sum(
        "L.map(" in "".join(o.get("data", {}).get("text/html", ""))
        for c in staged["cells"] for o in c.get("outputs", [])
    )
    assert page_file.is_file()
    with chromium.browse(f"{site}/notebooks/{page_file.name}", wait_ms=2500,
                         height=1000) as session:
        maps = [m for m in session.evaluate_all_frames(MAPS_JS) if m[0] > 0]
        folded = session.evaluate(FOLDED_JS)
        session.screenshot(ARTIFACTS_DIR / f"boek-{Path(name).stem}.png")
        session.page.locator("details.hide summary").first.click()
        opened = session.evaluate(FOLDED_JS)[0]
        report = session.report
    assert report.page_errors == [] and report.console_errors == [], report.problems
    assert report.failed_local == [] and report.dialogs == [], report.problems
    # every map of the executed notebook is drawn, with its areas, without internet
    assert len(maps) == expected_maps >= 1, (maps, expected_maps)
    assert all(paths > 0 for _, paths in maps), maps
    # every answer is on the page, folded behind "Toon het antwoord"
    answers = answer_cells(name)
    assert len(folded) == len(answers) >= 1
    for shown, answer in zip(folded, answers, strict=True):
        assert shown["open"] is False and shown["visible"] is False
        assert "Toon het antwoord" in shown["summary"]
        first = next(line for line in answer.splitlines() if "# oplossing" in line)
        assert flat(first.split("# oplossing")[0]) in flat(shown["code"])
    assert opened["open"] is True and opened["visible"] is True


@pytest.mark.notebook
def test_the_build_writes_nothing_in_data(built):
    assert DATA_FOLDER["after"] == DATA_FOLDER["before"]


@pytest.mark.notebook
def test_notebook_1_page_shows_the_example_buurt(built):
    page = (built.out / "notebooks" / f"{Path(NOTEBOOKS[0]).stem}.html").read_text("utf-8")
    assert "Taag- en Rubicondreef en omgeving" in page
    assert "Goed zo!" in page and "Nog niet ingevuld" not in page
    assert "Traceback" not in page


@pytest.mark.notebook
@pytest.mark.browser
@pytest.mark.parametrize("session", book.SESSIONS, ids=lambda s: f"sessie-{s.number}")
def test_handout_pdf_is_a4_with_goals_and_questions(session, built):
    from pypdf import PdfReader

    pdf = built.out / "handouts" / f"sessie-{session.number}.pdf"
    assert pdf in built.handouts and pdf.is_file()
    reader = PdfReader(str(pdf))
    assert len(reader.pages) >= 1
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - 595) <= 1 and abs(height - 842) <= 1, (width, height)
    text = flat("".join(page.extract_text() for page in reader.pages))
    for goal in goals_in_notebook(session.notebook):
        assert flat(goal) in text, goal
    for title, questions in bespreek_in_notebook(session.notebook):
        assert flat(title) in text, title
        for question in questions:
            assert flat(question) in text, question
    assert any("/XObject" in str(p.get("/Resources", {})) for p in reader.pages), \
        "the example's figure is missing"
    assert built.notes == []  # the figure is the one of the session's key cell


@pytest.mark.notebook
@pytest.mark.browser
def test_maps_also_draw_when_the_page_is_opened_as_a_file(built, chromium):
    # a downloaded copy of the site, opened by double-clicking: no server, no internet
    with chromium.browse(built.notebooks[0], wait_ms=2500) as session:
        maps = [m for m in session.evaluate_all_frames(MAPS_JS) if m[0] > 0]
        report = session.report
    assert report.page_errors == [] and report.failed_local == [], report.problems
    assert maps and all(paths > 0 for _, paths in maps), maps
