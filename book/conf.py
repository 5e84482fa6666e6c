"""Sphinx configuration of the book (``make book``; the build script is tools/book.py).

Why Sphinx + myst-nb + sphinx-book-theme and not Jupyter Book 2: Jupyter Book 2 runs on
the MyST engine, which needs Node.js, and the workbook needs no Node anywhere. These three
packages are pure Python (the ``book`` extra in pyproject.toml), work offline and render
notebooks that were already executed (tools/book.py executes them once, for the example
buurt; Sphinx does not execute anything: ``nb_execution_mode = "off"``).
"""

project = "Wijkprofiel & buurtagenda"
author = "de makers van het werkboek"
copyright = "het werkboek (MIT-licentie)"
language = "nl"

# githubpages writes .nojekyll, so GitHub Pages serves the _static/ folder as it is.
extensions = ["myst_nb", "sphinx.ext.githubpages"]
# The sources are staged by tools/book.py; only these pages are part of the book.
exclude_patterns = [".doctrees", "**/.ipynb_checkpoints"]

# --- notebooks (myst-nb) ------------------------------------------------------------
nb_execution_mode = "off"  # executed once by tools/book.py, never again here
# Cells tagged `oplossing` get `hide-input`: the answer is folded behind this button.
nb_code_prompt_show = "Toon het antwoord"
nb_code_prompt_hide = "Verberg het antwoord"
# Widgets need a kernel; tools/book.py replaces them by a note, so no widget scripts
# from a CDN (myst-nb's default loads require.js and the widget manager from the internet).
nb_ipywidgets_js = {}
nb_merge_streams = True
myst_enable_extensions = ["colon_fence"]
myst_heading_anchors = 3
# The notebooks jump from "#" to "###" and link to files outside the book: not errors here.
suppress_warnings = ["myst.header", "myst.xref_missing", "misc.highlighting_failure"]

# --- pages -----------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = "Wijkprofiel & buurtagenda"
html_static_path: list[str] = []
html_last_updated_fmt = ""
html_theme_options = {
    "repository_url": "https://github.com/wijkprofiel/werkboek",
    "use_repository_button": True,
    "use_download_button": True,
    "show_toc_level": 2,
}
html_show_sourcelink = False
# Light mode from the start (without it the theme logs a console error on a first visit).
html_context = {"default_mode": "light"}
