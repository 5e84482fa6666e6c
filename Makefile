# Wijkprofiel & buurtagenda — het werkboek.
#   make lab    installs everything and opens the workbook in JupyterLab
#   make test   installs everything (incl. Chromium) and runs every test
# Other targets: make data (prefetch), make bench (benchmarks), make lint, make strip.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
GEMEENTE ?= Utrecht

.PHONY: lab test venv assets chromium data bench lint strip clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Python 3.11 of nieuwer is nodig (nu: $$($(PYTHON) --version))."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[lab,test]"
	@touch $(STAMP)

venv: $(STAMP)

# Leaflet, jQuery, Bootstrap … from the npm registry over HTTPS (no Node/npm needed),
# so maps also work offline.
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

lab: venv assets
	$(VENV)/bin/jupyter lab notebooks/

test: venv assets chromium
	$(PY) -m pytest

data: venv
	$(PY) -m wijklib download --gemeente "$(GEMEENTE)"

bench: venv assets
	$(PY) benchmarks/run.py

lint: venv
	$(VENV)/bin/ruff check wijklib tests benchmarks notebooks

strip: venv
	$(VENV)/bin/nbstripout notebooks/*.ipynb

clean:
	rm -rf $(VENV) data/cache wijklib/_assets test-artifacts
