"""Notebook conveniences: friendly Dutch errors, download links, saving work.

Nothing here is needed to use :mod:`wijklib` from plain Python; the notebooks call
:func:`setup` once at the top.
"""

from __future__ import annotations

import base64
import mimetypes
import os
import re
import unicodedata
from pathlib import Path
from typing import Any

from wijklib.config import settings
from wijklib.errors import InvalidChoiceError, WijklibError
from wijklib.guarantees.rendering import escape
from wijklib.guarantees.writing import atomic_write_text


def export_dir() -> Path:
    """Folder for what a participant makes (``WIJKLIB_EXPORT``; ``data/export`` in a checkout)."""
    path = settings().export_dir
    path.mkdir(parents=True, exist_ok=True)
    return path


def file_stem(text: str, default: str = "pagina") -> str:
    """A safe file name part: ``"Taag- en Rubicondreef & co"`` -> ``"taag-en-rubicondreef-co"``."""
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    stem = re.sub(r"[^A-Za-z0-9]+", "-", plain).strip("-").lower()
    return stem[:60] or default


def save_page(page: str, path: str | Path | None = None, stem: str = "pagina") -> Path:
    """Save an HTML page a participant made (a profile, a summary).

    Parameters
    ----------
    page : str
        The HTML.
    path : str or Path, optional
        File to write; default ``<stem>.html`` in :func:`export_dir`.
    stem : str
        File name without extension, for the default path.

    Returns
    -------
    Path
        The file written (download it with :func:`download_link`).
    """
    return atomic_write_text(path if path is not None else export_dir() / f"{stem}.html", page)


def friendly_error_html(err: BaseException) -> str:
    """The Dutch message of a wijklib error as a small HTML box (text escaped)."""
    return (
        '<div style="border-left:6px solid #d55e00;background:#fff4ec;padding:.6em 1em;'
        'margin:.3em 0;font-family:sans-serif">'
        "<strong>Dat ging niet goed.</strong><br>"
        f"{escape(str(err))}</div>"
    )


def _traceback_text(shell: Any, etype: type, value: BaseException, tb: Any,
                    tb_offset: int | None = None) -> str:
    """The English traceback as IPython would have shown it (as text)."""
    if issubclass(etype, SyntaxError):
        stb = shell.SyntaxTB.structured_traceback(etype, value, [])
    else:
        stb = shell.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset)
    return shell.InteractiveTB.stb2text(stb)


def _show_explanation(shell: Any, etype: type, value: BaseException, tb: Any,
                      tb_offset: int | None = None) -> None:
    """IPython's handler for errors in cells: a Dutch explanation, the traceback folded."""
    import sys

    from IPython.display import display

    from wijklib.notebook.uitleg import explain, explanation_html, explanation_text

    # %tb and %debug in a next cell still find the error
    sys.last_type, sys.last_value, sys.last_traceback = etype, value, tb
    if hasattr(sys, "last_exc"):
        sys.last_exc = value
    try:
        details = _traceback_text(shell, etype, value, tb, tb_offset)
        uitleg = explain(value, namespace=shell.user_ns, details=details)
        display({"text/html": explanation_html(uitleg),
                 "text/plain": explanation_text(uitleg)}, raw=True)
    except Exception:  # never hide an error behind a broken explanation
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
    return None


def setup(quiet: bool = False) -> None:
    """Prepare a notebook: errors explained in Dutch, and checks that never grade stale values.

    In a notebook (IPython), an error in a cell shows a short Dutch explanation of what
    went wrong and what to do (:mod:`wijklib.notebook.uitleg`), with the full English
    traceback folded away underneath; wijklib's own errors show their Dutch message. And
    a cell that fails leaves the names it should have set marked as stale, so that a
    controle cell does not grade the old value (:mod:`wijklib.notebook.failed_cells`).
    Calling it again replaces the earlier set-up.

    With ``WIJKLIB_STRICT_CHECKS=1`` (how CI runs the solution notebooks) only wijklib's
    own errors are shown this way: any other error is a bug in the workbook, and keeps
    IPython's traceback so that the test report says where it happened.

    Parameters
    ----------
    quiet : bool
        Do not print the one-line status.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python: nothing to set up
        return
    shell = get_ipython()
    if shell is not None:
        from wijklib.notebook.failed_cells import install

        strict = os.environ.get("WIJKLIB_STRICT_CHECKS") == "1"
        shell.set_custom_exc((WijklibError,) if strict else (Exception,), _show_explanation)
        install(shell)
    if not quiet:
        cfg = settings()
        print(f"Klaar om te beginnen. Opgehaalde gegevens staan in: {cfg.cache_dir}")


def download_link(path: str | Path, label: str | None = None) -> Any:
    """A link that downloads ``path`` from the browser (also on Binder).

    The file is embedded in the link itself (a data URI), so it works wherever the
    notebook is shown, without a file server.

    Returns
    -------
    IPython.display.HTML
    """
    from IPython.display import HTML

    path = Path(path)
    if not path.is_file():
        raise WijklibError(f"Het bestand {path} bestaat niet (nog). Maak het eerst aan.")
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    text = escape(label or f"Download {path.name}")
    name = escape(path.name, quote=True)
    return HTML(
        f'<a download="{name}" href="data:{mime};base64,{data}" '
        'style="display:inline-block;padding:.4em .9em;background:#0072b2;color:#fff;'
        f'border-radius:4px;text-decoration:none">⬇ {text}</a>'
    )


def preview_html(page: str, height: int = 640) -> Any:
    """Show a complete HTML page (a buurtprofiel, a buurtagenda) inside the notebook.

    The page goes into an ``<iframe srcdoc>``, so its styles do not mix with the
    notebook's and its text stays escaped.

    Returns
    -------
    IPython.display.HTML
    """
    from IPython.display import HTML

    # wrapped in a div: IPython warns about a bare <iframe> (and the warning would reach
    # the participant)
    return HTML(
        f'<div class="wijklib-preview"><iframe srcdoc="{escape(page, quote=True)}" '
        f'title="voorbeeld" style="width:100%;height:{int(height)}px;border:1px solid #ccc">'
        "</iframe></div>"
    )


def data_file(name: str | Path) -> Path:
    """Find a participant's own file: a bare file name is looked up in the ``data/`` folder.

    Parameters
    ----------
    name : str or Path
        ``"mijn_enquete.csv"`` (looked up in ``data/`` of the workbook, as the README
        says), or a path to a file elsewhere (absolute, or relative to the folder the
        notebook runs in).

    Returns
    -------
    Path
        The file.

    Raises
    ------
    WijklibError
        When the file does not exist; the message lists the files that are in ``data/``.
    """
    text = str(name).strip()
    if not text:
        raise InvalidChoiceError("Geef de naam van je bestand, bijvoorbeeld 'mijn_enquete.csv'.")
    folder = settings().data_dir
    given = Path(text).expanduser()
    candidates = [given] if given.is_absolute() else [folder / given, Path.cwd() / given]
    for path in candidates:
        if path.is_file():
            return path
    present = sorted(p.name for p in folder.glob("*") if p.is_file() and p.name != "README.md"
                     and not p.name.startswith(".")) if folder.is_dir() else []
    listing = (f" Wel in de map: {', '.join(present[:10])}." if present
               else " De map is nu leeg.")
    raise WijklibError(
        f"Het bestand '{text}' staat niet in de map {folder}.{listing} Zet je bestand in die "
        "map (in JupyterLab: sleep het naar de map data/) en typ de naam precies over, met "
        "de extensie (.csv, .xlsx, .geojson of .kml)."
    )
