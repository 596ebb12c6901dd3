# The two commands that matter: `make workshop` builds the workshop pack, `make test` runs the tests.
# Both create .venv and install what they need; only Python >= 3.11 and make are required.

SHELL := /bin/bash
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do command -v $$p >/dev/null && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && echo $$p && break; done)
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --quiet --disable-pip-version-check
# Reinstall when the package definition or the installed templates change.
INSTALL_INPUTS := pyproject.toml $(wildcard export/templates/*/* export/voila/templates/*/* export/jupyterlab/*/*)

.PHONY: workshop test check lab participant room preview bench clean messages docs

WORKSHOP ?= workshop.yml
# The port for preview, participant and room (each has its own default when unset).
PORT ?=
PORT_OPTION := $(if $(PORT),--port $(PORT))

workshop: $(VENV)/.installed-runtime
	$(BIN)/dpskit build --workshop $(WORKSHOP)

# Every core: each test module runs whole in one worker (its builds, browser and servers shared inside it);
# `pytest tests/test_x.py` alone runs in one process.
test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -n auto --dist loadfile

bench: $(VENV)/.installed-runtime
	$(BIN)/python bench/bench.py

preview: $(VENV)/.installed-runtime
	$(BIN)/dpskit preview --workshop $(WORKSHOP) $(PORT_OPTION)

check: $(VENV)/.installed-runtime
	$(BIN)/dpskit check --workshop $(WORKSHOP)

# JupyterLab on the project root (sessions/ and data/ side by side), installed once; session notebooks
# are saved without outputs and with their kernel metadata unchanged (dpskit.scaffold.lab_pre_save).
lab: $(VENV)/.installed-lab
	$(BIN)/jupyter lab --notebook-dir=. --ContentsManager.pre_save_hook=dpskit.scaffold.lab_pre_save $(PORT_OPTION)

$(VENV)/.installed-lab: $(INSTALL_INPUTS) | $(BIN)/python
	$(PIP) install -e ".[pdf,lab]"
	@touch $@ $(VENV)/.installed-runtime

# The pack that `make workshop WORKSHOP=…` built (build/<date>-<title>), read from the workshop file.
WORKSHOP_PACK = build/$(shell $(BIN)/python -c "import sys; from pathlib import Path; from dpskit.content.yamlio import load_yaml; from dpskit.workshop import Workshop; d = load_yaml(Path(sys.argv[1])).data; print(Workshop(title=d['title'], date=str(d['date']), start='', sessions=[]).slug)" $(WORKSHOP) 2>/dev/null)

# The workshop's participant pack in Voilà, as participants see them (PACK=build/<folder> for another pack).
PACK ?= $(WORKSHOP_PACK)-participant
participant: $(VENV)/.installed-live
	@test -d "$(PACK)" || { echo "no pack at $(PACK): run make workshop WORKSHOP=$(WORKSHOP) first" >&2; exit 1; }
	$(BIN)/dpskit participant $(PACK) $(PORT_OPTION)

# The room server on this computer's networks (dpskit room) for the workshop's facilitator pack (ROOM=build/<folder>).
ROOM ?= $(WORKSHOP_PACK)
room: $(VENV)/.installed-live
	@test -d "$(ROOM)" || { echo "no pack at $(ROOM): run make workshop WORKSHOP=$(WORKSHOP) first" >&2; exit 1; }
	$(BIN)/dpskit room $(ROOM) --workshop $(WORKSHOP) $(PORT_OPTION)

$(VENV)/.installed-live: $(INSTALL_INPUTS) | $(BIN)/python
	$(PIP) install -e ".[pdf,live]"
	@touch $@ $(VENV)/.installed-runtime

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "dpskit needs Python 3.11 or newer (python3.11, python3.12, ...) on PATH" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip

$(VENV)/.installed-runtime: $(INSTALL_INPUTS) | $(BIN)/python
	$(PIP) install -e ".[pdf]"
	@touch $@

$(VENV)/.installed-test: $(INSTALL_INPUTS) | $(BIN)/python
	$(PIP) install -e ".[pdf,test,browser,live,hub]"
	@touch $@ $(VENV)/.installed-runtime $(VENV)/.installed-live

# The interface strings (Python, templates; babel.cfg says where): extract them with Babel and merge
# them into every src/dpskit/locale/<language>/LC_MESSAGES/dpskit.po, which dpskit compiles when used.
messages: $(VENV)/.installed-runtime
	$(BIN)/python -m dpskit.messages

# docs/reference.md from the content schemas (a test fails when it is out of date).
docs: $(VENV)/.installed-runtime
	$(BIN)/python -m dpskit.content.reference docs/reference.md

clean:
	rm -rf build .dpskit-cache
