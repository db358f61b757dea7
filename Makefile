# Two commands do all set-up on a fresh machine (Python 3.11+):
#   make serve   builds archive.db from seeds/ and serves it on http://127.0.0.1:8001/
#   make test    runs the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: serve test build install clean

serve: build
	$(BIN)/datasette serve -i archive.db --inspect-file counts.json \
		--setting suggest_facets off --setting sql_time_limit_ms 3000 --port 8001

# Incremental: only new and changed files are parsed. Table counts for the immutable server.
build: install
	$(BIN)/python build_db.py seeds -o archive.db
	$(BIN)/datasette inspect archive.db --inspect-file counts.json

test: install
	$(BIN)/python -m pytest

install: $(VENV)/installed

$(VENV)/installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

clean:
	rm -rf $(VENV) archive.db counts.json .pytest_cache
