# Two commands do all the set-up on a fresh machine:
#   make build   install site_builder into .venv and build output/ from content/
#   make test    install the test tools too (and Debian's chromium when missing) and run every test
# Everything else is optional.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: build serve validate test schema clean

build: $(VENV)/.runtime
	$(VENV)/bin/site-builder build

serve: $(VENV)/.runtime
	$(VENV)/bin/site-builder serve

validate: $(VENV)/.runtime
	$(VENV)/bin/site-builder validate content

schema: $(VENV)/.runtime
	$(VENV)/bin/site-builder schema

test: $(VENV)/.test
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

clean:
	rm -rf $(VENV) output .pytest_cache
