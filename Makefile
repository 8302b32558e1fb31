# Two commands matter: `make run` (install, seed the demo company, open the
# admin app) and `make test` (the whole suite). Everything installs into .venv
# from the pinned requirements.lock; only Python 3.11 and make are assumed.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
PIP_QUIET := --quiet --disable-pip-version-check --no-input

.PHONY: install run test lint lock clean

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install $(PIP_QUIET) -r requirements.lock 2>&1 | grep -v "is ignored: it is neither" || true
	$(BIN)/python -m pip install $(PIP_QUIET) --no-deps --no-build-isolation -e . 2>&1 | grep -v "is ignored: it is neither" || true
	$(BIN)/python -c "import server, padcom_cli, padcom_tui, fastapi, textual, peewee"
	rm -f $(VENV)/.installed-* && touch $@

run: install
	$(BIN)/python -m scripts.run_demo

test: install
	$(BIN)/python -m pytest -n 2 --dist loadfile -q --durations=20

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pylint server padcom_cli padcom_tui

lock:
	$(BIN)/python -m pip install $(PIP_QUIET) uv
	$(BIN)/uv pip compile --quiet requirements.in -p 3.11 -o requirements.lock --custom-compile-command "make lock"

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info
