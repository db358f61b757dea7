"""The full-text index: FTS5 tables holding index_text() of the stored rows, kept up to date by the build.

The index keeps no copy of the text, only what search needs, so the text is stored once, in the
tables people browse. paragraphs_fts and figures_fts name their table as external content
(``content="paragraphs"``), which is how Datasette finds a table's search index without metadata
or plugin; the indexed tokens come from index_text(), not from that content, so never run FTS5's
'rebuild' on them: removing a row means giving FTS5 the tokens it indexed ('delete' with
index_text of the old values). The default unicode61 tokenizer keeps the file readable by any
SQLite, and Datasette's stock escape_fts still finds 2-character words in it.

articles_fts indexes the title and the lead (the opening paragraph), not the whole body: every
paragraph is already in paragraphs_fts, and a second copy of the body made the database 1.4x larger.
It is contentless (its rows are removed with the same 'delete' command, given the indexed values).

version_paragraphs_fts indexes the saved texts of edited articles (news_archive.db.history) the same
way, so a word that an edit took out is still found there.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Sequence
from typing import NamedTuple

import sqlite_utils

from ..parse.model import Article
from ..search import index_many, index_text, normalize

# table -> (FTS table, the table's columns it indexes). FTS rowids are the tables' rowids.
SEARCH_TABLES = {
    "articles": ("articles_fts", ("title", "lead")),
    "paragraphs": ("paragraphs_fts", ("text",)),
    "figures": ("figures_fts", ("caption", "credit")),
}
# Indexed like paragraphs, but not rows of the article shown: removed with their versions.
VERSION_SEARCH_TABLES = {"version_paragraphs": ("version_paragraphs_fts", ("text",))}
ALL_SEARCH_TABLES = {**SEARCH_TABLES, **VERSION_SEARCH_TABLES}
BATCH = 5000
ARTICLE_BATCH = 400  # packed articles handed on at once (~6,000 paragraphs)


# While a full build loads: no merging of index segments as rows come in (the build's 'optimize'
# merges them once at the end), 24% less time indexing. Afterwards FTS5's defaults come back for
# incremental builds.
BULK_LOAD_CONFIG = {"automerge": 0, "crisismerge": 64}
DEFAULT_CONFIG = {"automerge": 4, "crisismerge": 16}


def create_search_tables(db: sqlite_utils.Database) -> None:
    for table, (fts_table, columns) in ALL_SEARCH_TABLES.items():
        # articles_fts names no content table, so Datasette does not take it for the articles' whole
        # index: plugins/archive_search.py searches articles through it and paragraphs_fts together.
        content = "''" if table == "articles" else f'"{table}"'
        db.execute(f"create virtual table [{fts_table}] using fts5({', '.join(columns)}, content={content})")
        _configure(db.conn.executemany, fts_table, BULK_LOAD_CONFIG)


def _configure(run: Callable, fts_table: str, config: dict[str, int]) -> None:
    run(f"insert into [{fts_table}] ([{fts_table}], rank) values (?, ?)", list(config.items()))


def indexed(*texts: str | None) -> tuple[str, ...]:
    return tuple(index_text(text) if text else "" for text in texts)


def index_texts(texts: list[str | None]) -> list[str]:
    """index_text() of each text, normalized in one call (see _normalize_each)."""
    return _index_each(_normalize_each(texts))


def _index_each(normalized: list[str]) -> list[str]:
    """index_normalized of each text, each different text once (index_many): the same text's
    tokens are then one string, which the pickle to the writer holds once (the lead is a paragraph)."""
    tokens = dict(zip(unique := list(dict.fromkeys(normalized)), index_many(unique)))
    return [tokens[text] for text in normalized]


class Normalized(NamedTuple):
    """normalize() of an article's texts: what the index is made of, and what versions are compared by."""

    title: str
    lead: str
    paragraphs: list[str]
    figures: list[tuple[str, str]]  # caption, credit


def normalized_texts_of(articles: list[Article]) -> list[Normalized]:
    """Each article's texts normalize()d (title, lead, paragraphs, figures' captions and credits),
    all in one normalize() call."""
    texts: list[str | None] = []
    for article in articles:
        body = article.body
        texts += [article.title, article.lead, *(p.text for p in body.paragraphs)]
        texts += [text for f in body.figures for text in (f.caption, f.credit)]
    normalized = iter(_normalize_each(texts))
    return [Normalized(next(normalized), next(normalized), [next(normalized) for _ in article.body.paragraphs],
                       [(next(normalized), next(normalized)) for _ in article.body.figures])
            for article in articles]


def index_texts_of(normalized: list[Normalized]) -> list[dict[str, list[tuple[str, ...]]]]:
    """What the FTS tables index for each article, per table in row order, from its normalized texts:
    all tokenized in one index_many call (computed in the parser processes)."""
    texts = [text for title, lead, paragraphs, figures in normalized
             for text in (title, lead, *paragraphs, *(text for figure in figures for text in figure))]
    tokens = iter(_index_each(texts))
    return [{
        "articles": [(next(tokens), next(tokens))],
        "paragraphs": [(next(tokens),) for _ in paragraphs],
        "figures": [(next(tokens), next(tokens)) for _ in figures],
    } for _, _, paragraphs, figures in normalized]


def pack_index_texts(texts: dict[str, list[tuple[str, ...]]]) -> bytes:
    """One article's index texts (of index_texts_of) as one bytes object: the writer hands it on
    unread (a full build's index process unpacks it), so it costs the writer a copy, not a string
    and a tuple per row."""
    return pickle.dumps(texts, protocol=pickle.HIGHEST_PROTOCOL)


def unpack_index_texts(packed: bytes) -> dict[str, list[tuple[str, ...]]]:
    return pickle.loads(packed)


def write_articles(run: Callable[[str, list], object], articles: Sequence[tuple[int, int, int, bytes]]) -> None:
    """Index packed articles, (articles rowid, first paragraph rowid, first figure rowid, packed texts),
    through ``run`` (executemany's signature), table by table in the order given."""
    rows: dict[str, list[tuple]] = {table: [] for table in SEARCH_TABLES}
    for rowid, first_paragraph, first_figure, packed in articles:
        texts = pickle.loads(packed)
        rows["articles"].append((rowid, *texts["articles"][0]))
        rows["paragraphs"].extend((first_paragraph + i, *row) for i, row in enumerate(texts["paragraphs"]))
        rows["figures"].extend((first_figure + i, *row) for i, row in enumerate(texts["figures"]))
    for table, table_rows in rows.items():
        if table_rows:
            run(insert_sql(table), table_rows)


def insert_sql(table: str) -> str:
    fts_table, columns = ALL_SEARCH_TABLES[table]
    return f"insert into [{fts_table}] (rowid, {', '.join(columns)}) values (?{', ?' * len(columns)})"


def _normalize_each(texts: list[str | None]) -> list[str]:
    """normalize() of each text in one call: it keeps every character's place, and a call per
    paragraph cost 0.3 ms an article in OpenCC's per-call overhead alone."""
    joined = normalize("\n".join(text or "" for text in texts))
    normalized, start = [], 0
    for text in texts:
        normalized.append(joined[start:start + len(text or "")])
        start += len(text or "") + 1
    return normalized


class SearchIndexBuffer:
    """Queues FTS rows and inserts them in batches, in the build's one transaction; or, given ``run``,
    hands every statement to it (executemany's signature), and packed articles to ``run_articles``
    (write_articles' second argument: a full build's index process)."""

    def __init__(self, db: sqlite_utils.Database, run: Callable[[str, list], object] | None = None,
                 run_articles: Callable[[list], object] | None = None):
        self.run = run or db.conn.executemany
        self.run_articles = run_articles or (lambda articles: write_articles(self.run, articles))
        self.pending: dict[str, list[tuple]] = {table: [] for table in ALL_SEARCH_TABLES}
        self.articles: list[tuple[int, int, int, bytes]] = []  # add_article's, not yet handed on

    def add_article(self, rowid: int, first_paragraph: int, first_figure: int, packed: bytes) -> None:
        """An article's entries in articles_fts, paragraphs_fts and figures_fts, from its packed texts
        (pack_index_texts); its paragraphs' and figures' rowids run from the first ones given."""
        self.articles.append((rowid, first_paragraph, first_figure, packed))
        if len(self.articles) >= ARTICLE_BATCH:
            self._flush_articles()

    def add(self, table: str, rowid: int, texts: Sequence[str]) -> None:
        pending = self.pending[table]
        pending.append((rowid, *texts))
        if len(pending) >= BATCH:
            self.flush(table)

    def remove(self, table: str, rows: Sequence[tuple]) -> None:
        """Take rows out of the index: (rowid, *original texts) as the table holds them."""
        self.flush(table)
        fts_table, columns = ALL_SEARCH_TABLES[table]
        self.run(
            f"insert into [{fts_table}] ([{fts_table}], rowid, {', '.join(columns)}) "
            f"values ('delete', ?{', ?' * len(columns)})",
            [(rowid, *indexed(*texts)) for rowid, *texts in rows],
        )

    def flush(self, table: str | None = None) -> None:
        if table is None or table in SEARCH_TABLES:
            self._flush_articles()
        for name in [table] if table else list(self.pending):
            rows, self.pending[name] = self.pending[name], []
            if rows:
                self.run(insert_sql(name), rows)

    def _flush_articles(self) -> None:
        articles, self.articles = self.articles, []
        if articles:
            self.run_articles(articles)

    def optimize(self, tables: dict[str, tuple[str, tuple[str, ...]]] = ALL_SEARCH_TABLES) -> None:
        """One b-tree segment per index instead of many: smaller file, faster queries (full builds).
        An index no longer written to can be merged early: a full build's index process then merges
        it while the writer settles the rest."""
        for table, (fts_table, _) in tables.items():
            self.flush(table)
            self.run(f"insert into [{fts_table}] ([{fts_table}]) values ('optimize')", [()])
            _configure(self.run, fts_table, DEFAULT_CONFIG)
