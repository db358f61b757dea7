# Two commands do all set-up on a fresh machine (Python 3.11+):
#   make serve   builds archive.db from seeds/ and serves it on http://127.0.0.1:8001/
#   make serve-workers   the same, from one worker process per CPU core (WORKERS=N)
#   make test    runs the whole test suite
#   make test-datasette1   runs it again on the Datasette 1.0 alpha, in .venv-datasette1
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The same project in a second environment, with the Datasette 1.0 alpha pyproject's [datasette1] extra pins.
VENV1 := .venv-datasette1
BIN1 := $(VENV1)/bin

.PHONY: serve serve-workers test test-fast test-datasette1 build install clean

# What is served: the archive immutable, its table counts from counts.json, two settings.
SERVE_ARGS := -i archive.db --inspect-file counts.json --setting suggest_facets off --setting sql_time_limit_ms 3000 \
	--port 8001

serve: build
	$(BIN)/datasette serve $(SERVE_ARGS)

# The same site from several worker processes on the same port, for more traffic than one process
# answers: one per CPU core, or WORKERS=N.
serve-workers: build
	$(BIN)/python -m news_archive.pages.serve $(if $(WORKERS),--workers $(WORKERS)) $(SERVE_ARGS)

# Incremental: only new and changed files are parsed. Table counts for the immutable server.
build: install
	$(BIN)/python build_db.py seeds -o archive.db
	$(BIN)/datasette inspect archive.db --inspect-file counts.json

# One test process per core (pytest-xdist); an idle one takes tests queued for the other (worksteal: the
# slowest module no longer sets the pace, as it did with each module on one process). On two cores,
# with nothing else: 91 s, 146 s of CPU (149 s and 239 s before the suite's fixtures were shared; see README).
PYTEST := -m pytest -n auto --dist worksteal

test: install
	$(BIN)/python $(PYTEST)

# The suite without the slow modules (browser, load, benchmarks, fuzz, killed builds) and the few
# exhaustive tests marked slow: while working. 31 s, 58 s of CPU on the same two cores (it was 106 s).
test-fast: install
	$(BIN)/python $(PYTEST) -m "not slow"

test-datasette1: $(VENV1)/installed
	$(BIN1)/python $(PYTEST)

install: $(VENV)/installed

$(VENV)/installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

$(VENV1)/installed: pyproject.toml
	test -x $(BIN1)/python || $(PYTHON) -m venv $(VENV1)
	$(BIN1)/python -m pip install --quiet --upgrade pip
	$(BIN1)/python -m pip install --quiet -e '.[test,datasette1]'
	touch $@

clean:
	rm -rf $(VENV) $(VENV1) archive.db counts.json .pytest_cache
