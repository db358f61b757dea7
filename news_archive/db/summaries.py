"""Summary tables the build derives from the base tables, for the canned queries no index makes fast.

- place_pairs: how many articles name each pair of places ("Places mentioned together"; counting it
  from article_places took over 3 s at 100,000 articles).
- place_articles: which articles name each place, with their publication time, so "Articles
  mentioning a place" reads one place's articles newest first from an index and stops at the page's
  1,000 rows instead of sorting every article that names 北京.
- cited_domains: per host, the links from article text (not footers or credit lines) and the
  articles holding them ("Most-cited domains"); article_cited_domains holds the same per article.

A full build fills them from scratch (compute). An incremental build updates them for the articles it
added, replaced or removed (update): each total first loses what the per-article tables
(place_articles, article_cited_domains) recorded of those articles, the per-article rows are read
again from the base tables, and the totals gain what they now hold. One changed file costs its own
rows, not a recount of the archive.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from itertools import combinations, groupby
from operator import itemgetter

import sqlite_utils

# WITHOUT ROWID: each table is stored as its primary key's index, and a secondary index carries the
# primary key, so every query below reads one index.
TABLE_SCHEMA = (
    # Each pair once, the lower place id first.
    """create table place_pairs (
  place_id integer not null references places(id),
  other_place_id integer not null references places(id),
  articles integer not null,
  primary key (place_id, other_place_id)
) without rowid""",
    """create table place_articles (
  article_id integer not null references articles(id),
  place_id integer not null references places(id),
  published text,
  primary key (article_id, place_id)
) without rowid""",
    """create table article_cited_domains (
  article_id integer not null references articles(id),
  domain text not null,
  links integer not null,
  primary key (article_id, domain)
) without rowid""",
    """create table cited_domains (
  domain text not null primary key,
  links integer not null,
  articles integer not null
) without rowid""",
)
INDEXES = (
    "create index idx_place_pairs_other_place_id on place_pairs(other_place_id)",
    # The most frequent pairs first, ties in id order (the primary key follows in the index).
    "create index idx_place_pairs_articles on place_pairs(articles desc)",
    # A place's articles newest first (then by id), as "Articles mentioning a place" lists them.
    "create index idx_place_articles_place_id_published on place_articles(place_id, published desc)",
)
TABLES = ("place_pairs", "place_articles", "article_cited_domains", "cited_domains")

# The articles in scope ({scope}): an update's, listed in temp.summary_scope, or in a full build every
# article, with nothing to take away first. PLACE_PAIRS serves updates alone (compute() counts pairs in Python).
IN_SCOPE = "in (select article_id from temp.summary_scope)"
EVERY_ARTICLE = "is not null"
# What the articles in scope add to the totals ({sign} empty), or take away ({sign} "-"), as the
# per-article tables hold them. "where true": an upsert's SELECT needs a WHERE to parse.
PLACE_PAIRS = """insert into place_pairs (place_id, other_place_id, articles)
select a.place_id, b.place_id, {sign}count(*)
from temp.summary_scope as scope
join place_articles as a on a.article_id = scope.article_id
join place_articles as b on b.article_id = a.article_id and b.place_id > a.place_id
where true
group by a.place_id, b.place_id
on conflict (place_id, other_place_id) do update set articles = articles + excluded.articles"""
CITED_DOMAINS = """insert into cited_domains (domain, links, articles)
select domain, {sign}sum(links), {sign}count(*)
from article_cited_domains
where article_id {scope}
group by domain
on conflict (domain) do update set links = links + excluded.links, articles = articles + excluded.articles"""
# The per-article rows of the articles in scope, read again from the base tables (none for an
# article no longer in the archive).
PER_ARTICLE_DELETES = (
    "delete from place_articles where article_id {scope}",
    "delete from article_cited_domains where article_id {scope}",
)
PER_ARTICLE = (
    """insert into place_articles (article_id, place_id, published)
select article_places.article_id, article_places.place_id, articles.published
from article_places join articles on articles.id = article_places.article_id
where article_places.article_id {scope}""",
    # Links in captions have no paragraph: like footers and credit lines, they are not article text.
    """insert into article_cited_domains (article_id, domain, links)
select links.article_id, links.domain, count(*)
from links join paragraphs on paragraphs.id = links.paragraph_id
where links.article_id {scope}
  and links.domain is not null and paragraphs.kind not in ('footer', 'credit')
group by links.article_id, links.domain""",
)
EMPTIED = ("delete from place_pairs where articles = 0", "delete from cited_domains where articles = 0")


def compute(db: sqlite_utils.Database) -> None:
    """Create the summary tables afresh and fill them from the base tables (a full build, or an
    archive built before they existed): update()'s statements for every article, with nothing to take
    away first, and the pairs of places counted in Python."""
    for table in TABLES:
        db.execute(f"drop table if exists [{table}]")
    for sql in TABLE_SCHEMA:
        db.execute(sql)
    for sql in (*PER_ARTICLE, CITED_DOMAINS):
        db.execute(sql.format(scope=EVERY_ARTICLE, sign=""))
    db.conn.executemany("insert into place_pairs values (?, ?, ?)", _place_pairs(db))
    # Made once the tables are full: cheaper than keeping them sorted row by row.
    for sql in INDEXES:
        db.execute(sql)


def update(db: sqlite_utils.Database, article_ids: Iterable[int]) -> None:
    """Bring the summaries in step with the base tables for these articles: the ones a build added,
    replaced or removed."""
    db.execute("create temp table summary_scope (article_id integer primary key)")
    try:
        db.conn.executemany("insert into temp.summary_scope values (?)", ((article_id,) for article_id in article_ids))
        for sql in (*(total.format(scope=IN_SCOPE, sign="-") for total in (PLACE_PAIRS, CITED_DOMAINS)),
                    *(sql.format(scope=IN_SCOPE) for sql in (*PER_ARTICLE_DELETES, *PER_ARTICLE)),
                    *(total.format(scope=IN_SCOPE, sign="") for total in (PLACE_PAIRS, CITED_DOMAINS)), *EMPTIED):
            db.execute(sql)
    finally:
        db.execute("drop table temp.summary_scope")


def _place_pairs(db: sqlite_utils.Database) -> list[tuple[int, int, int]]:
    """(place, other place, articles naming both) of every pair, the lower id first, in key order.
    Counted from place_articles in its key order (an article's places ascending), in Python: SQLite's
    GROUP BY sorted every pair of every article (4.6-5.3 s at 100,000 articles; this, 1.6 s)."""
    pairs: Counter = Counter()
    rows = db.execute("select article_id, place_id from place_articles order by article_id, place_id")
    for _, article_places in groupby(rows, key=itemgetter(0)):
        pairs.update(combinations([place for _, place in article_places], 2))
    return sorted((*pair, count) for pair, count in pairs.items())
