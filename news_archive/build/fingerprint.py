"""The build's fingerprint: a hash of the code and data that decide the database's rows, so a build by other code starts afresh.

Hashed: every news_archive module the build imports, found by reading the imports of
news_archive.build.run and then of each module it reaches (parse/, places/, search/, db/, textdiff,
ids and the build itself), and the data files (.tsv) of the packages among them. Not hashed: what
only serves the site (pages/, research/, the plugins) and the command line, so editing a page never
forces a full rebuild.
"""

from __future__ import annotations

import ast
import hashlib
from functools import lru_cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent  # news_archive/
ROOT_MODULE = "news_archive.build.run"
DATA_SUFFIXES = (".tsv",)


@lru_cache(maxsize=1)
def build_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in fingerprinted_files():
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def fingerprinted_files() -> list[Path]:
    """The files the fingerprint hashes, in a stable order."""
    modules, frontier = set(), [ROOT_MODULE]
    while frontier:
        name = frontier.pop()
        if name in modules or _path(name) is None:
            continue
        modules.add(name)
        frontier.extend(_imports(name))
    files = {_path(name) for name in modules}
    files.update(data for path in list(files) if path.name == "__init__.py"
                 for data in path.parent.iterdir() if data.suffix in DATA_SUFFIXES)
    return sorted(files)


def _path(module: str) -> Path | None:
    """The file of a news_archive module or package, or None for anything else."""
    parts = module.split(".")
    if parts[0] != "news_archive":
        return None
    base = PACKAGE.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imports(module: str) -> set[str]:
    """The modules a module imports (where in the function they stand makes no difference), and the
    packages holding it, which Python runs first."""
    path = _path(module)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = {package.rsplit(".", depth)[0] for depth in range(package.count(".") + 1)}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found
