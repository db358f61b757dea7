"""The package's import graph has no cycle, and the build fingerprint hashes what decides the rows and nothing the site alone uses."""

import ast
from pathlib import Path

from news_archive.build.fingerprint import PACKAGE, fingerprinted_files


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _graph() -> dict[str, set[str]]:
    """news_archive module -> the news_archive modules it imports (anywhere in it, type-checking too)."""
    modules = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        imported = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = (f"{anchor}.{node.module}" if node.module else anchor) if node.level else node.module
                imported.add(base)
                imported.update(f"{base}.{alias.name}" for alias in node.names)
        graph[name] = {m for m in imported if m in modules and m != name}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, as the modules along it, or None. A package importing its own submodules
    (its __init__ re-exporting them) is no cycle unless a submodule imports the package back."""
    state: dict[str, str] = {}
    path: list[str] = []

    def visit(name: str) -> list[str] | None:
        state[name] = "open"
        path.append(name)
        for other in sorted(graph[name]):
            if state.get(other) == "open":
                return path[path.index(other):] + [other]
            if other not in state and (found := visit(other)):
                return found
        state[name] = "done"
        path.pop()
        return None

    for name in sorted(graph):
        if name not in state and (found := visit(name)):
            return found
    return None


def test_no_two_modules_import_each_other():
    assert _cycle(_graph()) is None


def test_the_cycle_check_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_the_fingerprint_hashes_the_build_and_not_the_site():
    files = {path.relative_to(PACKAGE).as_posix() for path in fingerprinted_files()}
    for needed in ("parse/html_body.py", "places/gazetteer.py", "places/gazetteer.tsv", "places/overrides.tsv",
                   "search/normalize.py", "db/schema.py", "db/history.py", "textdiff.py", "build/worker.py"):
        assert needed in files
    # Editing a page, the search page or the command line never forces a full rebuild.
    assert not [name for name in files if name.startswith(("pages/", "research/"))]
    assert "build/cli.py" not in files
