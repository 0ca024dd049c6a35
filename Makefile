# The two commands: `make run` (install, start the embedded graph and the app) and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8501

.PHONY: run test bench bench-all docs clean browser

$(VENV)/bin/python:
	@echo "创建虚拟环境 / creating the virtual environment ($(VENV))"
	python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml constraints.txt | $(VENV)/bin/python
	@echo "安装 orggraph 及其依赖(首次需下载数百 MB,安装后约 850 MB,含图数据库自带的 Java 运行时)/ installing orggraph and its dependencies (first time: some hundred MB to download, ~850 MB installed, the graph server's own Java runtime included)"
	$(PIP) install --quiet --progress-bar on -c constraints.txt -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml constraints.txt tools/cypher-lint/package-lock.json | $(VENV)/bin/python
	$(PIP) install --quiet -c constraints.txt -e '.[test]'
	npm ci --prefix tools/cypher-lint --no-audit --no-fund --loglevel=error
	touch $@ $(VENV)/.installed

## run: install, start the embedded graph (demo region if empty) and the app on 127.0.0.1:$(PORT)
run: $(VENV)/.installed
	$(VENV)/bin/orggraph serve --port $(PORT)

## browser: headless Chromium and a CJK font from Debian, for the end-to-end test and screenshots
browser:
	@command -v chromium >/dev/null 2>&1 && dpkg -s fonts-noto-cjk >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk; }

## test: install with test extras, the Cypher linter and Chromium, then ruff, the layer contract, mypy and pytest
test: $(VENV)/.installed-test browser
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy
	$(VENV)/bin/pytest -n auto --dist loadfile  # a worker (and graph server) per core and one more, up to four: conftest.py

## bench: run benchmarks/ and print the table (takes a few minutes)
bench: $(VENV)/.installed-test
	$(PY) -m benchmarks.run

docs: $(VENV)/.installed
	$(VENV)/bin/orggraph docs

clean:
	rm -rf $(VENV) tools/cypher-lint/node_modules .pytest_cache .ruff_cache .mypy_cache

## bench-all: the benchmarks plus the province-scale load (≥ 1M nodes + 2M relationships; ~10 min)
bench-all: $(VENV)/.installed-test
	$(PY) -m benchmarks.run --province
