#!/usr/bin/env bash
# Run Datasette's own test suite, for the datasette version this project installs, in a throwaway
# venv, with our Datasette plugins registered by register_archive_plugins.py. Exits non-zero if any
# test fails.
#
#   DATASETTE_SRC=... upstream/run_datasette_suite.sh [extra pytest args]
#   DATASETTE=1.0a41 DATASETTE_SRC=... upstream/run_datasette_suite.sh   another datasette, e.g. a 1.0 alpha
#
# The test modules (tests/test_*.py) come from the datasette sdist on PyPI. The sdist does NOT ship
# tests/conftest.py, fixtures.py, utils.py, plugins/, nor docs/ and pytest.ini (conftest.py reads
# docs/authentication.rst), so those come from DATASETTE_SRC: a directory holding them (a checkout or
# an unpacked `git archive`), or a git URL or repository, where the tag named after the version is
# used, or failing that the version's maintenance branch (0.65.x for 0.65.5; main for an alpha), with a
# warning.
# Default: the GitHub repository. JOBS=N sets the xdist workers (default: one per core);
# KEEP=1 keeps the work directory.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DATASETTE_SRC=${DATASETTE_SRC:-https://github.com/simonw/datasette.git}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/datasette-suite.XXXXXX")
# The tests write many small SQLite files; on tmpfs they run ~3x faster than on a slow VM disk.
TESTTMP=$(mktemp -d /dev/shm/datasette-suite.XXXXXX 2>/dev/null || mktemp -d "$WORK/tmp.XXXXXX")
[[ ${KEEP:-0} == 1 ]] && echo "work directory: $WORK" || trap 'rm -rf "$WORK" "$TESTTMP"' EXIT
START=$SECONDS

# 1. A venv with this project, then the test dependencies of the datasette it resolved: 0.65 names
# them as its [test] extra, the 1.0 alphas as the "dev" dependency group of their pyproject.toml.
"${PYTHON:-python3}" -m venv "$WORK/venv"
PY=$WORK/venv/bin/python
PIP=("$PY" -m pip --quiet --disable-pip-version-check)
"${PIP[@]}" install -e "$ROOT"
[[ -n ${DATASETTE:-} ]] && "${PIP[@]}" install "datasette==$DATASETTE"
VERSION=$("$PY" -c 'import importlib.metadata as m; print(m.version("datasette"))')
"${PIP[@]}" download --no-deps --no-binary :all: "datasette==$VERSION" -d "$WORK/dl"
tar xzf "$WORK/dl/datasette-$VERSION.tar.gz" -C "$WORK"
mapfile -t DEV_GROUP < <("$PY" -c 'import sys, tomllib, pathlib
path = pathlib.Path(sys.argv[1], "pyproject.toml")
groups = tomllib.loads(path.read_text()).get("dependency-groups", {}) if path.exists() else {}
sys.stdout.write("".join(f"{requirement}\n" for requirement in groups.get("dev", [])))' \
  "$WORK/datasette-$VERSION")
if ((${#DEV_GROUP[@]})); then
  "${PIP[@]}" install "${DEV_GROUP[@]}"
else
  "${PIP[@]}" install "datasette[test]==$VERSION"
fi

# 2. The suite: test modules from the sdist, support files from DATASETTE_SRC (see above).
if [[ -f $DATASETTE_SRC/tests/conftest.py ]]; then
  SRC=$DATASETTE_SRC
else
  export GIT_TERMINAL_PROMPT=0
  TAG=$(git ls-remote --tags "$DATASETTE_SRC" "refs/tags/$VERSION")  # exits here if unreachable
  REF=$VERSION
  if [[ -z $TAG ]]; then
    REF=${VERSION%.*}.x
    [[ $VERSION =~ [a-z] ]] && REF=main  # a pre-release such as 1.0a41: no maintenance branch yet
    echo "WARNING: no tag $VERSION in $DATASETTE_SRC; support files from branch $REF" >&2
  fi
  [[ -d $DATASETTE_SRC ]] && DATASETTE_SRC=file://$(cd "$DATASETTE_SRC" && pwd)
  git clone --quiet --depth 1 --branch "$REF" "$DATASETTE_SRC" "$WORK/git"
  echo "support files: $REF @ $(git -C "$WORK/git" rev-parse --short HEAD)"
  SRC=$WORK/git
fi
# No datasette/ source in the suite directory: the tests must import the installed datasette.
mkdir "$WORK/suite"
cp -r "$SRC/tests" "$SRC/docs" "$SRC/pytest.ini" "$WORK/suite/"
rm -f "$WORK/suite/tests/"test_*.py "$WORK/suite/tests/"ext.so
cp "$WORK/datasette-$VERSION/tests/"test_*.py "$WORK/suite/tests/"
# As upstream CI does, build the SQLite extension for the --load-extension tests, but only if this
# Python's sqlite3 can load extensions (pyenv's builds often cannot); without ext.so they skip.
if command -v gcc >/dev/null && "$PY" -c 'import sqlite3, sys
sys.exit(not hasattr(sqlite3.connect(":memory:"), "enable_load_extension"))'; then
  gcc "$WORK/suite/tests/ext.c" -fPIC -shared -o "$WORK/suite/tests/ext.so"
fi

# 3. Run it as upstream CI does (in parallel, then the "serial" tests), with our plugins registered.
# Only upstream tests that cannot pass with ANY extra plugin installed, or that fail here without our
# plugins too (environment, network, timing), may be deselected, each with its reason.
DESELECT=(
  # These assert the exact list of installed plugins; every extra plugin (ours add its entries) fails them.
  --deselect tests/test_api.py::test_plugins_json
  --deselect tests/test_cli.py::test_plugins_cli
)
cd "$WORK/suite"
export PATH="$WORK/venv/bin:$PATH"  # some tests start the `datasette` command
run() {
  TMPDIR=$TESTTMP PYTHONPATH="$ROOT/upstream" "$PY" -m pytest -p register_archive_plugins \
    -p no:cacheprovider -rfEs --timeout=300 "${DESELECT[@]}" "$@" 2>&1 | tee -a "$WORK/pytest.log"
  return "${PIPESTATUS[0]}"
}
status=0
# A whole run must also have called each of our hooks (register_archive_plugins.py checks).
ARCHIVE_PLUGINS_REQUIRE_CALLS=$(($# == 0)) run -n "${JOBS:-auto}" -m "not serial" "$@" || status=$?
run -m serial "$@" || { rc=$?; [[ $rc == 5 ]] || status=$rc; }  # 5: extra args left no serial test
echo "== datasette $VERSION's suite with our plugins, $((SECONDS - START)) s in all:"
grep -E '^=+ .* in [0-9.]+s' "$WORK/pytest.log" || true
exit "$status"
