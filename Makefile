# Two commands do all set-up on a fresh machine (Python 3.11+):
#   make serve   builds archive.db from seeds/ and serves it on http://127.0.0.1:8001/
#   make test    runs the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: serve test build install clean

serve: build
	$(BIN)/datasette serve -i archive.db --setting suggest_facets off --setting sql_time_limit_ms 3000 --port 8001

build: install
	$(BIN)/python build_db.py seeds -o archive.db

test: install
	$(BIN)/python -m pytest

install: $(VENV)/installed

$(VENV)/installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

clean:
	rm -rf $(VENV) archive.db .pytest_cache
