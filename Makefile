# The README's two commands: `make demo` and `make test`. Each sets up what it needs on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: help demo test test-fast bench lint templates clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 16

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

# PDFs too where LibreOffice is installed.
PDF    := $(if $(shell command -v soffice 2>/dev/null),--pdf,)

demo: $(STAMP) ## write the documents of the bundled example (territory and one SME) into out/
	$(BIN)/alize-docs generer fixtures/toulinois.yaml -o out/ $(PDF)
	$(BIN)/alize-docs generer fixtures/cooperation-menuiseries-du-toulois.yaml -o out/ $(PDF)

test: lint ## lint, types, layers, then the whole test suite (doctests, property tests, Word and LibreOffice checks)
	$(BIN)/python -m pytest

test-fast: $(STAMP) ## the tests that need neither LibreOffice nor seconds each (under 30 s on two cores, in parallel), for the edit-test loop
	$(BIN)/python -m pytest -q -n auto -m "not libreoffice and not slow"

bench: $(STAMP) ## measure speed and memory (prints figures; needs LibreOffice for the PDF part)
	$(BIN)/python bench/bench.py

lint: $(STAMP) ## ruff, mypy and the layers contract (no stage imports from a later one)
	$(BIN)/ruff check alize_docs tests tools bench
	$(BIN)/mypy alize_docs
	$(BIN)/lint-imports

templates: $(STAMP) ## rebuild templates/*.docx from tools/build_templates.py
	$(BIN)/python tools/build_templates.py

clean: ## remove the virtual environment and outputs
	rm -rf $(VENV) out dist build
