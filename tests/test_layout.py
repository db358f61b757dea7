"""The house rules a newcomer relies on: every module says its job first, and no function or class
grows past what one reading holds."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted([*(ROOT / "news_archive").rglob("*.py"), *(ROOT / "plugins").glob("*.py"), ROOT / "build_db.py"])
FUNCTION_LINES, CLASS_LINES = 60, 150


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: path.relative_to(ROOT).as_posix())
def test_module_says_its_job_on_its_first_line(path):
    tree = _tree(path)
    docstring = ast.get_docstring(tree)
    assert docstring, f"{path.relative_to(ROOT)} has no module docstring"
    assert isinstance(tree.body[0], ast.Expr), "the docstring comes first"
    assert len(docstring.splitlines()[0]) >= 20, f"{path.relative_to(ROOT)}: the first line should say the module's job"


def test_no_function_or_class_too_long_to_read_at_once():
    too_long = []
    for path in SOURCES:
        for node in ast.walk(_tree(path)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                limit = CLASS_LINES if isinstance(node, ast.ClassDef) else FUNCTION_LINES
                lines = node.end_lineno - node.lineno + 1
                if lines > limit:
                    too_long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({lines} lines > {limit})")
    assert too_long == []


def test_the_readme_layout_names_every_module_and_plugin():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme[readme.index("## Project layout"):readme.index("## Credits and licenses")]
    words = set(re.findall(r"[\w.]+", layout))
    modules = [path for path in SOURCES if path.stem not in ("__init__", "build_db")]
    packages = [path.parent.name for path in (ROOT / "news_archive").glob("*/__init__.py")]
    missing = sorted({path.stem for path in modules if path.stem not in words} | {p for p in packages if p not in words})
    assert missing == []
