# The two commands that matter: `make workshop` builds the workshop pack, `make test` runs the tests.
# Both create .venv and install what they need; only Python >= 3.11 and make are required.

SHELL := /bin/bash
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do command -v $$p >/dev/null && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && echo $$p && break; done)
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --quiet --disable-pip-version-check
# Reinstall when the package definition or the installed templates change.
INSTALL_INPUTS := pyproject.toml $(wildcard export/templates/*/* export/voila/templates/*/* export/jupyterlab/*/*)

.PHONY: workshop test check lab participant room bench clean messages

WORKSHOP ?= workshop.yml

workshop: $(VENV)/.installed-runtime
	$(BIN)/dpskit build --workshop $(WORKSHOP)

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest

bench: $(VENV)/.installed-runtime
	$(BIN)/python bench/bench.py

preview: $(VENV)/.installed-runtime
	$(BIN)/dpskit preview --workshop $(WORKSHOP)

check: $(VENV)/.installed-runtime
	$(BIN)/dpskit check --workshop $(WORKSHOP)

lab: $(VENV)/.installed-runtime
	$(PIP) install -e ".[lab]"
	$(BIN)/jupyter lab sessions/

# The default pack's notebooks in Voilà, as participants see them (PACK=build/<folder> for another pack).
PACK ?= $(firstword $(wildcard build/*-participant) $(patsubst %/notebooks,%,$(wildcard build/*/notebooks)))
participant: $(VENV)/.installed-live
	@test -n "$(PACK)" || { echo "no pack yet: run make workshop first" >&2; exit 1; }
	$(BIN)/dpskit participant $(PACK)

# The room server on this computer's networks (dpskit room): give the facilitator pack (ROOM=build/<folder>).
ROOM ?= $(patsubst %-participant,%,$(firstword $(wildcard build/*-participant)))
room: $(VENV)/.installed-live
	@test -n "$(ROOM)" || { echo "no pack yet: run make workshop first" >&2; exit 1; }
	$(BIN)/dpskit room $(ROOM)

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

clean:
	rm -rf build .dpskit-cache
