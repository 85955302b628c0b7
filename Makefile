# Exchange Atlas: every set-up step lives here so that a fresh machine needs nothing by hand.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUNTIME := $(VENV)/.runtime-installed
DEV := $(VENV)/.dev-installed
SAMPLE := data/build/sample.parquet
NATIVE := build/native/stamp.json
PORT ?= 8501

.PHONY: run test sample native lint bench load fuzz chromium compiler clean

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

# A C compiler for the compiled text extractor (etl/native.py); without one, the Python sources run.
compiler:
	@command -v cc >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq gcc >/dev/null; } || true

# The build is optional: when it fails (the script says why), the Python sources stay in use, only slower.
$(NATIVE): $(RUNTIME) scripts/build_native.py $(wildcard etl/*.py etl/*/*.py)
	@$(MAKE) -s compiler
	-$(PY) scripts/build_native.py

native: $(NATIVE)

$(SAMPLE): $(RUNTIME) $(wildcard data/sample/* etl/*.py etl/*/*.py etl/codebook.yaml) | $(NATIVE)
	$(PY) -m etl build data/sample --out $(SAMPLE) --quiet

sample: $(SAMPLE)

run: $(NATIVE) $(SAMPLE)
	$(VENV)/bin/streamlit run dashboard.py --server.port $(PORT) --server.headless true

test: $(DEV) $(NATIVE) chromium
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -q

lint: $(DEV)
	$(VENV)/bin/ruff check .

bench: $(DEV) $(NATIVE)
	$(PY) bench/run_all.py

load: $(DEV) chromium $(SAMPLE)
	$(PY) bench/load_test.py

fuzz: $(DEV)
	$(PY) -m pip install -q atheris==3.0.0
	$(PY) tests/fuzz/run_fuzz.py

clean:
	rm -rf data/build build .pytest_cache
