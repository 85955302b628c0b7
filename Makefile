# Exchange Atlas: every set-up step lives here so that a fresh machine needs nothing by hand.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUNTIME := $(VENV)/.runtime-installed
DEV := $(VENV)/.dev-installed
SAMPLE := data/build/sample.parquet
PORT ?= 8501

.PHONY: run test sample lint bench load fuzz chromium clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(RUNTIME): requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(DEV): requirements.txt requirements-dev.txt $(RUNTIME)
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

# Debian's Chromium drives the browser tests; Playwright never downloads a browser of its own.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

$(SAMPLE): $(RUNTIME) $(wildcard data/sample/* etl/*.py etl/*/*.py etl/codebook.yaml)
	$(PY) -m etl build data/sample --out $(SAMPLE) --quiet

sample: $(SAMPLE)

run: $(SAMPLE)
	$(VENV)/bin/streamlit run dashboard.py --server.port $(PORT) --server.headless true

test: $(DEV) chromium
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -q

lint: $(DEV)
	$(VENV)/bin/ruff check .

bench: $(DEV)
	$(PY) bench/run_all.py

load: $(DEV) chromium $(SAMPLE)
	$(PY) bench/load_test.py

fuzz: $(DEV)
	$(PY) -m pip install -q atheris==3.0.0
	$(PY) tests/fuzz/run_fuzz.py

clean:
	rm -rf data/build .pytest_cache
