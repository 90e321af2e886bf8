# Two commands do all the set-up on a fresh machine:
#   make build   install site_builder into .venv and build output/ from content/
#   make test    install the test tools too (and Debian's chromium when missing) and run every test
# Everything else is optional.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# axe-core, the accessibility checker the browser tests inject into every kind of page (tests/browserkit.py).
AXE_CORE_VERSION := 4.14.1
AXE_CORE := .cache/npm/.axe-core-$(AXE_CORE_VERSION)

.PHONY: build serve validate test schema bench clean

build: $(VENV)/.runtime
	$(VENV)/bin/site-builder build

serve: $(VENV)/.runtime
	$(VENV)/bin/site-builder serve

validate: $(VENV)/.runtime
	$(VENV)/bin/site-builder validate content

schema: $(VENV)/.runtime
	$(VENV)/bin/site-builder schema

SIZES ?= 100,1000
bench: $(VENV)/.test
	scripts/ensure-chromium
	$(PY) -m benchmarks.run --sizes $(SIZES)

test: $(VENV)/.test $(AXE_CORE)
	scripts/ensure-chromium
	$(PY) -m pytest

$(VENV)/.runtime: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.test: pyproject.toml $(VENV)/.runtime
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

$(AXE_CORE):
	@command -v npm >/dev/null || { echo "npm is missing: install Node.js (Debian: apt-get install nodejs npm) for the accessibility tests" >&2; exit 1; }
	npm install --prefix .cache/npm --no-save --no-audit --no-fund --loglevel=error axe-core@$(AXE_CORE_VERSION)
	touch $@

clean:
	rm -rf $(VENV) output .pytest_cache
