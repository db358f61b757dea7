"""pytest plugin: run Datasette's own test suite with this project's Datasette plugins installed.

Datasette's tests/conftest.py sets ``sys._called_from_test``, so datasette.plugins skips setuptools
entry points and installing the project is not enough (this module sets it even earlier, see below).
Loaded with ``-p register_archive_plugins`` (upstream/ on PYTHONPATH), this plugin registers our
modules in ``datasette.plugins.pm`` under their entry-point names, and fails the run (exit status 4)
if any of them is not registered after registration, at session start or at session end, in the main
process or in any xdist worker.

It also counts the hook calls that ran our implementations and prints them after the tests; with
ARCHIVE_PLUGINS_REQUIRE_CALLS=1 the run fails if one of our hooks that this Datasette defines was
never called (1.0 defines neither get_metadata nor canned_queries: the plugins use them on 0.65 only).
"""

import importlib
import os
import sys
import tomllib
from collections import Counter
from pathlib import Path

import pytest

# Entry-point name -> module, from pyproject.toml: the names Datasette itself would register them under.
PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"
ARCHIVE_PLUGINS = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["entry-points"]["datasette"]

# Datasette's conftest.py sets this in its pytest_configure, but 1.0's own pytest plugin (the pytest11
# entry point datasette._pytest_plugin) imports datasette.plugins in an earlier pytest_configure, and
# that import loads every installed plugin's entry points unless it is set. -p imports this first.
sys._called_from_test = True

_calls = Counter()  # hook name -> calls that ran one of our implementations
_our_hooks = set()  # hooks our modules implement that the installed Datasette defines
_problems = []  # registration problems found at session end, here or in xdist workers


def _unregistered(when):
    from datasette.plugins import pm

    problems = []
    for name, module_name in ARCHIVE_PLUGINS.items():
        plugin = pm.get_plugin(name)
        if plugin is None or plugin.__name__ != module_name:
            problems.append(f"{when}: {name} ({module_name}) is not registered, found {plugin!r}")
        elif not pm.get_hookcallers(plugin):
            problems.append(f"{when}: {name} implements no Datasette hook")
    return problems


# trylast: after Datasette's conftest.py has set up its test session.
@pytest.hookimpl(trylast=True)
def pytest_configure(config):
    if not (config.rootpath / "tests" / "fixtures.py").is_file():
        raise pytest.UsageError("run this on Datasette's test suite (no tests/fixtures.py here)")
    from datasette.plugins import pm

    if pm.list_plugin_distinfo():  # entry points were loaded: not the plugin set upstream tests
        raise pytest.UsageError(f"entry-point plugins loaded: {pm.list_plugin_distinfo()}")
    ours = set()
    for name, module_name in ARCHIVE_PLUGINS.items():
        module = importlib.import_module(module_name)
        ours.add(module)
        if pm.get_plugin(name) is None:
            pm.register(module, name=name)
        _our_hooks.update(caller.name for caller in pm.get_hookcallers(module) if caller.has_spec())

    def after(outcome, hook_name, hook_impls, kwargs):
        if any(impl.plugin in ours for impl in hook_impls):
            _calls[hook_name] += 1

    pm.add_hookcall_monitoring(before=lambda *args: None, after=after)
    if problems := _unregistered("after registration"):
        raise pytest.UsageError("; ".join(problems))


def pytest_report_header(config):
    return "archive plugins registered in datasette.plugins.pm: " + ", ".join(ARCHIVE_PLUGINS)


def pytest_sessionstart(session):
    if problems := _unregistered("at session start"):
        raise pytest.UsageError("; ".join(problems))


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    # xdist controller: collect what each worker sent back from its pytest_sessionfinish.
    output = getattr(node, "workeroutput", {})
    _calls.update(output.get("archive_hook_calls", {}))
    _problems.extend(output.get("archive_problems", []))


def pytest_sessionfinish(session, exitstatus):
    _problems.extend(_unregistered("at session end"))
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: the controller judges
        workeroutput["archive_hook_calls"] = dict(_calls)
        workeroutput["archive_problems"] = list(_problems)
        return
    if os.environ.get("ARCHIVE_PLUGINS_REQUIRE_CALLS") == "1":
        if never_called := sorted(_our_hooks - set(_calls)):
            _problems.append(f"Datasette never called our hooks {never_called}")
    if _problems:
        # After the tests, pytest turns only pytest.exit() into an exit status.
        pytest.exit("; ".join(_problems), returncode=pytest.ExitCode.USAGE_ERROR)


def pytest_terminal_summary(terminalreporter):
    terminalreporter.write_line(
        "archive plugin hook calls: "
        + (", ".join(f"{k}={v}" for k, v in sorted(_calls.items())) or "none")
    )
