# journeymap: `make demo` and `make test` work from a bare machine (Python >= 3.11 and make).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= build/demo
EXAMPLE ?= examples/life_events/transition-to-civilian-life.yaml

.PHONY: demo test check lint typecheck unit schema venv clean bench gallery sysdeps lsp

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "journeymap needs Python >= 3.11")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,events,wasm,spark]'
	@touch $(STAMP)

venv: $(STAMP)

sysdeps:
	@bash .ci/sysdeps

demo: sysdeps $(STAMP)
	@mkdir -p $(OUT)
	$(BIN)/journeymap validate examples/life_events
	$(BIN)/journeymap analyze $(EXAMPLE)
	$(BIN)/journeymap analyze $(EXAMPLE) --format json -o $(OUT)/report.json
	$(BIN)/journeymap schema --report -o $(OUT)/report.schema.json
	$(PY) examples/python/read_back.py $(OUT)/report.json $(EXAMPLE)
	$(BIN)/journeymap analyze examples/life_events --format markdown -o $(OUT)/portfolio.md
	$(BIN)/journeymap render $(EXAMPLE) -o $(OUT)/map.svg
	$(BIN)/journeymap render $(EXAMPLE) -o $(OUT)/map.png
	$(BIN)/journeymap render $(EXAMPLE) --scenario dd214-shared-by-dod -o $(OUT)/future-map.svg
	$(BIN)/journeymap report $(EXAMPLE) -o $(OUT)/report.html \
	  --feedback examples/life_events/data/transition-feedback-a11v2.csv --every quarter \
	  --scenario dd214-shared-by-dod
	$(BIN)/journeymap compare $(EXAMPLE) --format markdown -o $(OUT)/compare.md
	$(BIN)/journeymap compare $(EXAMPLE) --suggest --format markdown -o $(OUT)/suggestions.md
	$(BIN)/journeymap analyze $(EXAMPLE) \
	  --feedback examples/life_events/data/transition-feedback-a11v2.csv --every quarter \
	  --format markdown -o $(OUT)/feedback.md
	$(BIN)/journeymap analyze examples/life_events/disaster-recovery.yaml \
	  --events examples/life_events/data/disaster-recovery-events.csv --format markdown \
	  -o $(OUT)/disaster-observed.md
	$(BIN)/journeymap report examples/life_events/disaster-recovery.yaml \
	  --events examples/life_events/data/disaster-recovery-events.csv --by channel \
	  --every quarter -o $(OUT)/disaster-observed.html
	@echo
	@echo "Wrote, in $(OUT)/:"
	@echo "  report.html     the narrative report, with A-11 feedback and a scenario (open it in a browser; it works offline)"
	@echo "  map.svg         the journey map (map.png for slides)"
	@echo "  report.json     the analysis, for other tools (report.schema.json: its JSON Schema)"
	@echo "  future-map.svg  the map with the scenario applied (changed steps marked)"
	@echo "  portfolio.md    all examples side by side"
	@echo "  compare.md      the journey against its scenarios; suggestions.md: what would help most"
	@echo "  feedback.md     trust and its drivers step by step, by fiscal quarter"
	@echo "  disaster-observed.md/.html  the disaster journey measured with its event log"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict journeymap
	$(BIN)/lint-imports --no-cache

unit: $(STAMP)
	$(PY) -W error -c 'import journeymap'
	$(BIN)/pytest -q

# yaml-language-server for tests/test_editor.py (the version pinned there), installed once
LSP_VERSION := $(shell sed -n 's/^LSP_VERSION = "\(.*\)"/\1/p' tests/test_editor.py)
LSP_STAMP   := build/lsp/.installed-$(LSP_VERSION)

$(LSP_STAMP):
	npm install --prefix build/lsp --no-audit --no-fund --save-exact --loglevel=error \
	  yaml-language-server@$(LSP_VERSION)
	@touch $(LSP_STAMP)

lsp: $(LSP_STAMP)

test: sysdeps lint lsp unit

# The fast loop while developing: lint and every test but Spark's and the browser's
# (`make test` still runs everything, as CI does).
check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict journeymap
	$(BIN)/lint-imports --no-cache
	$(BIN)/pytest -q -m "not spark and not browser" -p no:cacheprovider

schema: $(STAMP)
	$(BIN)/journeymap schema > schemas/journey.schema.json

bench: $(STAMP)
	$(PY) benchmarks/validate.py
	$(PY) benchmarks/analyze.py
	$(PY) benchmarks/render_map.py
	$(PY) -m pip install --quiet pm4py pyarrow
	$(PY) benchmarks/event_logs.py --spark

gallery: $(STAMP)
	@mkdir -p docs/gallery
	for f in examples/life_events/*.yaml; do $(BIN)/journeymap render $$f -o docs/gallery/$$(basename $$f .yaml).png; done

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache .hypothesis
