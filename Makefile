# Set-up and test targets; each creates .venv and installs the project on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint man bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Balance a file of real textbook and laboratory equations.
demo: $(STAMP)
	$(BIN)/toolbox balance fixtures/balance/equations.txt

# Lint, then run the whole test suite.
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

# Regenerate man/*.1 from the --help text and the hand-written sections in man/extra/.
man: $(STAMP)
	$(BIN)/python -m toolbox.cli.manpages man

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
