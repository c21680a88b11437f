# Etjänst — the two commands: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: demo test faults soak lint format venv system-deps clean bench

## Set everything up and start the platform with demo content (SQLite).
demo: $(VENV)/.installed-demo
	@scripts/system-deps.sh demo
	@scripts/demo.sh

## Set up what the tests need (PostgreSQL, Chromium) and run the whole suite.
test: $(VENV)/.installed-dev
	@scripts/system-deps.sh test
	@scripts/test.sh

## The fault suite: real worker and web processes killed, the mail server down,
## two web processes and two workers on one PostgreSQL behind a proxy (docs/operations.md, "När delar fallerar").
faults: $(VENV)/.installed-dev
	@scripts/system-deps.sh test
	@scripts/test.sh -m "faults or slow_faults" tests/jobs tests/faults

## A steady load for SOAK_MINUTES (default 30) on two web processes, two
## workers and PostgreSQL; report in var/soak-report.md. Not in CI.
SOAK_MINUTES ?= 30
soak: $(VENV)/.installed-dev
	@scripts/system-deps.sh test
	@SOAK_MINUTES=$(SOAK_MINUTES) scripts/test.sh -m soak -s -p no:logging tests/faults/test_soak.py

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## Benchmarks (by hand, never in the suite): see bench/README.md.
bench: $(VENV)/.installed-dev
	@scripts/system-deps.sh test
	$(PY) bench/run.py

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip

$(VENV)/.installed-demo: pyproject.toml | $(VENV)/bin/python
	$(VENV)/bin/pip install --quiet -e ".[demo]"
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(VENV)/bin/python
	$(VENV)/bin/pip install --quiet -e ".[dev]"
	@touch $@ $(VENV)/.installed-demo

clean:
	rm -rf $(VENV) var build *.egg-info src/*.egg-info
