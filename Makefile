# Tongda: `make run` builds the demo portal and serves it on http://127.0.0.1:8000;
# `make test` runs the whole suite. Both set up everything they need first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
STAMP  := $(VENV)/.tongda-setup
# pytest workers for `make test`: one per CPU core, at most 4 (each may run a Chromium).
# Whole files per worker, in the order tests/conftest.py gives (the longest first).
TEST_WORKERS ?= $(shell $(PYTHON) -c "import os; print(min(4, os.cpu_count() or 1))")

.PHONY: setup run build test lint check a11y mutation clean system-packages

setup: $(STAMP)

# Debian packages (Chromium for the browser checks, PostgreSQL for storage tests, Hugo for
# the benchmark, eSpeak NG for audio) when we are root on a machine with apt; npm packages
# from the lock file; Python packages into .venv.
$(STAMP): pyproject.toml package.json package-lock.json Makefile
	@$(MAKE) --no-print-directory system-packages
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[site,functions,dev,bench]'
	npm ci --no-audit --no-fund --loglevel=error
	touch $(STAMP)

system-packages:
	@if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	  need=""; for p in $$(cat .ci/debian-packages.txt); do \
	    dpkg -s $$p >/dev/null 2>&1 || need="$$need $$p"; done; \
	  if [ -n "$$need" ]; then echo "installing Debian packages:$$need"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$need >/dev/null; fi; \
	else echo "not root or no apt-get: install $$(cat .ci/debian-packages.txt | tr '\n' ' ') yourself"; fi

build: setup
	$(BIN)/tongda build

check: setup
	$(BIN)/tongda check

# Accessibility: static rules on every page, axe-core, keyboard and reflow in Chromium.
a11y: build
	$(BIN)/tongda a11y

run: setup
	$(BIN)/tongda serve --port $(PORT)

# The declared ruff rule set and mypy, both with zero findings (configured in pyproject.toml).
lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy

# Lint, then the whole suite even when lint failed (both results are worth reading); either
# failing fails. A worker that dies (a crash in a C library) ends the run with its test named
# (--max-worker-restart=0): pytest-xdist, restarting it, waited forever for the dead worker's
# file with --dist loadfile. pytest's exit code 5 means no test ran: that is a failure, never a pass.
test: setup
	@lint=0; $(MAKE) --no-print-directory lint || lint=1; \
	$(BIN)/python -m pytest -q -p no:cacheprovider -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder --max-worker-restart=0 tests; status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest ran no test: failing" >&2; exit 1; fi; \
	if [ $$lint -ne 0 ]; then echo "ruff or mypy found problems: failing" >&2; exit 1; fi; \
	exit $$status

# Mutation testing (issue 22), not part of `make test`: mutmut over each module of
# tests/mutation/modules.toml with the tests that guard it, Stryker over the browser scripts;
# the score of every module goes to docs/mutation.md, the survivors to build/mutation/.
# Fails when a module is below 80 %. One module: `.venv/bin/python tests/mutation/run.py limits`.
mutation: setup
	$(BIN)/pip install --quiet -e '.[mutation]'
	$(BIN)/python tests/mutation/run.py

clean:
	rm -rf site .tongda-cache var
