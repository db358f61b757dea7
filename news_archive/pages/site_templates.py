"""Answer the template names Datasette asks for on archive databases' pages with the project's templates.

Datasette looks for index.html, database-<db>.html, table-<db>-<table>.html and
row-<db>-<table>.html (<db> and <table> as CSS classes) before its own database.html, table.html,
row.html. ArchiveTemplateLoader, first in the Jinja environment, answers those names for archive
databases only, whatever their file is called, and never a name the user's --template-dir holds.
Its templates extend Datasette's (index.html through the "default:" prefix, since they answer to
the same name), so everything Datasette shows stays on the page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

from datasette.utils import to_css_class
from jinja2 import BaseLoader, Environment, TemplateNotFound

from news_archive.pages import site

INDEX = "archive_index.html"
DATABASE = "archive_database.html"
TABLE = "archive_table.html"
ROWS = {"articles": "archive_row_article.html", "authors": "archive_row_author.html",
        "changes": "archive_row_change.html"}


class ArchiveTemplateLoader(BaseLoader):
    """Loads templates_dir's archive templates under the names Datasette asks for.

    archive_css_classes() gives the CSS classes of the archive databases being served, asked on
    every lookup (databases can be added while serving); user_template_dir, if any, wins.
    """

    def __init__(self, templates_dir: Path, archive_css_classes: Callable[[], Iterable[str]],
                 user_template_dir: str | None = None):
        self.templates_dir = Path(templates_dir)
        self.archive_css_classes = archive_css_classes
        self.user_template_dir = Path(user_template_dir) if user_template_dir else None

    def claimed(self, name: str) -> str | None:
        """The file of ours that answers to Datasette's template name, or None."""
        if self.user_template_dir and (self.user_template_dir / name).is_file():
            return None
        classes = list(self.archive_css_classes())
        if name == "index.html":
            return INDEX if classes else None
        for css in classes:
            if name == f"database-{css}.html":
                return DATABASE
            for table, file in ROWS.items():
                if name == f"row-{css}-{table}.html":
                    return file
            if name.startswith(f"table-{css}-") and name.endswith(".html"):
                return TABLE
        return None

    def list_templates(self) -> list[str]:
        """The names claimed now, but for table-<db>-<table>.html, which have no end (Datasette's
        router lists all templates to find pages/ ones)."""
        names = [f"{kind}-{css}{tail}.html" for css in self.archive_css_classes()
                 for kind, tail in [("database", ""), *(("row", f"-{table}") for table in ROWS)]]
        return sorted(name for name in names + ["index.html"] if self.claimed(name))

    def get_source(self, environment: Environment, template: str):
        file = self.claimed(template)
        if file is None:
            raise TemplateNotFound(template)
        path = self.templates_dir / file
        mtime = path.stat().st_mtime
        return path.read_text(encoding="utf-8"), str(path), lambda: _mtime(path) == mtime


def _mtime(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except OSError:
        return None


def archive_css_classes(datasette) -> list[str]:
    """CSS classes (as in template names) of the archive databases a Datasette serves."""
    return [to_css_class(name) for name in site.archive_databases(datasette)]
