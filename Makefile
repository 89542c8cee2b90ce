# One venv in .venv; every target installs what it needs first.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export OMP_NUM_THREADS ?= 1

.PHONY: install demo test check lint typecheck format clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Set up the embedded database with the demo organisation and ask a first question.
demo: install
	$(BIN)/hrm init --demo
	$(BIN)/hrm ask --org demo --as marta.rossi@demo.example "what skills do I have?"

test: install
	$(BIN)/pytest -q

lint: install
	$(BIN)/ruff check hrm tests
	$(BIN)/ruff format --check hrm tests

typecheck: install
	$(BIN)/mypy

check: lint typecheck test

format: install
	$(BIN)/ruff format hrm tests
	$(BIN)/ruff check --fix hrm tests

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
