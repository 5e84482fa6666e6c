# Wijkprofiel & buurtagenda — het werkboek.
#   make lab    installs what the workbook needs and opens JupyterLab at this folder
#               (notebooks/ and data/ side by side)
#   make test   installs that plus the test tools (incl. Chromium) and runs every test
#   make book   builds the book to read without running it (_build/html) and the handouts
# Without make (Windows, macOS): see "Zonder make" in README.md.
# Other targets: make data (prefetch), make bench (benchmarks), make lint, make strip,
#   make hub-proxy (the JupyterHub proxy for the hub test; needs Node/npm, only for tests),
#   make axe (axe-core for the accessibility test).

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-lab
TEST_STAMP := $(VENV)/.installed-test
BOOK_STAMP := $(VENV)/.installed-book
GEMEENTE ?= Utrecht
# JupyterLab rooted at the repository, so data/ (your own files) is reachable next to notebooks/.
LAB    := $(VENV)/bin/jupyter lab --ServerApp.root_dir=.

.PHONY: lab test book venv test-venv assets axe chromium hub-proxy data bench lint strip clean

# The workbook itself: only the `lab` extra (no test tools such as Playwright).
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Python 3.11 of nieuwer is nodig (nu: $$($(PYTHON) --version))."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[lab]"
	@touch $(STAMP)

# The test tools on top (pytest, Playwright, nbclient, ruff …), and the book's tools
# (Sphinx, myst-nb), because the tests build the book too (tests/test_book.py).
$(TEST_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e ".[lab,test,book]"
	@touch $(TEST_STAMP)

# The book's tools (Sphinx, myst-nb, papermill) on top of the workbook.
$(BOOK_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e ".[lab,book]"
	@touch $(BOOK_STAMP)

venv: $(STAMP)

test-venv: $(TEST_STAMP)

# Leaflet, jQuery, Bootstrap … from the npm registry over HTTPS (no Node/npm needed),
# so maps also work offline; and JupyterLab's settings (Dutch, no news pop-up).
assets: venv
	$(PY) -m wijklib.assets

# Debian's Chromium for the browser tests (as root: installed when missing).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else \
	    echo "Chromium ontbreekt. Installeer het met: sudo apt-get install chromium"; exit 1; \
	  fi; }

# configurable-http-proxy for tests/test_jupyterhub.py (a real JupyterHub). Only the hub
# test needs Node: the workbook itself never does. Installed into the git-ignored venv.
HUB_DIR := $(VENV)/hub
CHP     := $(HUB_DIR)/node_modules/.bin/configurable-http-proxy

$(CHP):
	@command -v npm >/dev/null 2>&1 || { \
	  echo "npm ontbreekt (nodig voor de JupyterHub-test). Installeer het met: sudo apt-get install nodejs npm"; exit 1; }
	mkdir -p $(HUB_DIR)
	npm install --silent --no-fund --no-audit --prefix $(HUB_DIR) configurable-http-proxy@5

hub-proxy: $(CHP)

# axe-core for the accessibility test, from the npm registry with its sha512 check (kept
# in test-artifacts/). Fetched here, so a run without it fails instead of skipping.
axe: test-venv
	cd tests && $(abspath $(PY)) -c 'import browser; browser.axe_script()'

lab: venv assets
	$(LAB)

test: test-venv assets axe chromium hub-proxy
	$(PY) -m pytest

# The book: the solution notebooks executed for the example buurt (Utrecht), the trainer
# guide and the set-up, as a static site in _build/html, with A4 handouts (PDF) in
# _build/html/handouts. Needs internet for CBS and PDOK, or a filled data/cache.
book: $(BOOK_STAMP) assets chromium
	$(PY) tools/book.py

data: venv
	$(PY) -m wijklib download --gemeente "$(GEMEENTE)"

bench: venv assets
	$(PY) benchmarks/run.py

lint: test-venv
	$(VENV)/bin/ruff check wijklib tests tools book benchmarks notebooks

strip: venv
	$(VENV)/bin/nbstripout notebooks/*.ipynb

clean:
	rm -rf $(VENV) data/cache wijklib/_assets test-artifacts _build
