# The two commands: `make run` (install, start the embedded graph and the app) and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8501

.PHONY: run test bench bench-all docs clean

$(VENV)/bin/python:
	python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml tools/cypher-lint/package-lock.json | $(VENV)/bin/python
	$(PIP) install --quiet -e '.[test]'
	npm ci --prefix tools/cypher-lint --no-audit --no-fund --loglevel=error
	touch $@ $(VENV)/.installed

## run: install, start the embedded graph (demo region if empty) and the app on 127.0.0.1:$(PORT)
run: $(VENV)/.installed
	$(VENV)/bin/orggraph serve --port $(PORT)

## test: install with test extras and the Cypher linter, then ruff, the layer contract and pytest
test: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/pytest

## bench: run benchmarks/ and print the table (takes a few minutes)
bench: $(VENV)/.installed-test
	$(PY) -m benchmarks.run

docs: $(VENV)/.installed
	$(VENV)/bin/orggraph docs

clean:
	rm -rf $(VENV) tools/cypher-lint/node_modules .pytest_cache .ruff_cache

## bench-all: the benchmarks plus the province-scale load (≥ 1M nodes + 2M relationships; ~10 min)
bench-all: $(VENV)/.installed-test
	$(PY) -m benchmarks.run --province
