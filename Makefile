# Every target installs what it needs into .venv first (see `install`).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
# Two install levels: what the pipeline and the demo run on, and the test tools.
STAMP  := $(VENV)/.installed
TESTED := $(VENV)/.installed-test

comma := ,

# Arguments passed through to the commands below, e.g. `make crawl ARGS="--source portal"`.
ARGS ?=
# Options of the evaluation gate alone (`make check EVAL_ARGS=--require-shared` in CI).
EVAL_ARGS ?=

.PHONY: install demo test test-fast lint typecheck check crawl process reprocess report bench eval browser clean

install: $(TESTED)

# The oldest Python the project runs on (pyproject.toml, requires-python).
MIN_PYTHON := 3.11

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -c 'import sys; sys.exit(sys.version_info < ($(subst .,$(comma),$(MIN_PYTHON))))' \
	  || { echo "sxcorpus needs Python $(MIN_PYTHON) or newer; '$(PYTHON)' is $$($(PYTHON) --version 2>&1 || echo missing)."; \
	       echo "Run: make PYTHON=python3.12 (or another python >= $(MIN_PYTHON))"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "installing sxcorpus and its dependencies into $(VENV) (about a minute)"
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[analysis]'
	touch $(STAMP)

# The tests start a real Redis (tests/test_scale_redis.py): Debian's server when missing.
$(TESTED): $(STAMP)
	@echo "installing the test tools into $(VENV) (about a minute)"
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test,scale]'
	command -v redis-server >/dev/null || (DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server)
	touch $(TESTED)

## demo: serve the bundled sample sites on 127.0.0.1, crawl, clean, summarise
demo: $(STAMP)
	$(PY) scripts/demo.py $(ARGS)

## test: the whole test suite (offline; servers only on 127.0.0.1)
test: $(TESTED) browser
	$(PY) -m pytest -q $(ARGS)

## test-fast: the suite without the tests marked slow (the edit loop)
test-fast: $(TESTED) browser
	$(PY) -m pytest -q -m "not slow" $(ARGS)

## typecheck: mypy, strict on cleaning/ and crawler/
typecheck: $(TESTED)
	$(PY) -m mypy

## check: what CI runs: lint, types, tests, the evaluation gate
check: lint typecheck test eval

## lint: ruff over the packages and tests
lint: $(TESTED)
	$(PY) -m ruff check cleaning crawler sxcorpus tests bench scripts
	$(PY) -m ruff format --check cleaning crawler sxcorpus tests bench scripts

## crawl: fetch the configured sources into data/raw/ (cron-safe: locked, logged)
crawl: $(STAMP)
	$(PY) -m crawler crawl $(ARGS)

## process: clean raw files not yet processed into data/clean/
process: $(STAMP)
	$(PY) -m cleaning process $(ARGS)

## reprocess: rebuild the whole dataset from all raw, swapped in when complete
reprocess: $(STAMP)
	$(PY) -m cleaning reprocess $(ARGS)

## report: an HTML report of the dataset, with charts, in data/report.html (ARGS="--out FILE")
report: $(STAMP)
	$(PY) -m cleaning report $(ARGS)

## browser: Debian's chromium, which the report's test opens pages in (installed when missing)
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
		(DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		 DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

## bench: speed and quality figures (printed, never asserted)
bench: $(TESTED)
	$(PY) bench/run.py $(ARGS)

## eval: the evaluation gate: the seeds, the real dev pages and texts of ../shared
## scored and held to the floors of eval/floors.toml (`ARGS=--update` raises them)
eval: $(TESTED)
	$(PY) scripts/eval_gate.py $(EVAL_ARGS) $(ARGS)

clean:
	rm -rf $(VENV) build *.egg-info
