# The README's two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test bench clean chromium

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The README's outputs are shown at 100 columns; rich would use 80 when stdout is not a terminal.
demo: $(STAMP)
	COLUMNS=$${COLUMNS:-100} $(VENV)/bin/usmca review

# The browser tests drive the system Chromium (Debian package); installed only when it is missing
# and apt is there (a machine without either skips them locally; under CI=true they fail).
chromium:
	@if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing chromium (apt-get) for the browser tests"; \
	  (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || echo "could not install chromium"; fi

# Twice: as the checkout is, then as a fresh clone with nothing beside it (USMCA_SHARED_DATA names an
# empty folder; the tests that need the third-party data, marked needs_data, are left out).
test: $(STAMP) chromium
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/mypy
	$(PY) -m pytest -q -p no:cacheprovider
	@empty=$$(mktemp -d) && echo "fresh-clone pass: USMCA_SHARED_DATA=$$empty, -m 'not needs_data'" && \
	  USMCA_SHARED_DATA=$$empty $(PY) -m pytest -q -p no:cacheprovider -m "not needs_data"; \
	  rc=$$?; rmdir $$empty; exit $$rc

bench: $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) out .pytest_cache
