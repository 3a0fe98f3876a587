# Every target installs what it needs into .venv first (see `install`).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

# Arguments passed through to the commands below, e.g. `make crawl ARGS="--source portal"`.
ARGS ?=

.PHONY: install demo test lint crawl process reprocess bench eval clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

## demo: serve the bundled sample sites on 127.0.0.1, crawl, clean, summarise
demo: $(STAMP)
	$(PY) scripts/demo.py $(ARGS)

## test: the whole test suite (offline; servers only on 127.0.0.1)
test: $(STAMP)
	$(PY) -m pytest -q $(ARGS)

## lint: ruff over the packages and tests
lint: $(STAMP)
	$(PY) -m ruff check cleaning crawler tests bench
	$(PY) -m ruff format --check cleaning crawler tests bench

## crawl: fetch the configured sources into data/raw/ (cron-safe: locked, logged)
crawl: $(STAMP)
	$(PY) -m crawler crawl $(ARGS)

## process: clean raw files not yet processed into data/clean/
process: $(STAMP)
	$(PY) -m cleaning process $(ARGS)

## reprocess: rebuild the whole dataset from all raw, swapped in when complete
reprocess: $(STAMP)
	$(PY) -m cleaning reprocess $(ARGS)

## bench: speed and quality figures (printed, never asserted)
bench: $(STAMP)
	$(PY) bench/run.py $(ARGS)

## eval: seed scores against the hand-checked gold (needs ../shared)
eval: $(STAMP)
	$(PY) ../shared/tools/check_seeds.py --strict

clean:
	rm -rf $(VENV) build *.egg-info
