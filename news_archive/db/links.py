"""Links between archived articles: the id a link's target would have, and pointing links at the articles they cite."""

from __future__ import annotations

import re
from urllib.parse import unquote, urljoin, urlsplit

import sqlite_utils

from ..ids import stable_id
from ..parse.urls import canonical_url, domain_of
from .buffer import chunks


def link_target(base_url: str, href: str) -> tuple[str | None, int | None]:
    """(domain, id the target would have as an archived article) of a link; Nones for hrefs no URL parser takes."""
    try:
        absolute = urljoin(base_url, href)
        domain = domain_of(absolute)
        return domain, stable_id(canonical_url(absolute)) if domain else None
    except ValueError:
        return None, None


class LinkTargets:
    """(link id, id its target would have) of every link saved by this build, settled once all articles are in."""

    def __init__(self, db: sqlite_utils.Database, batch_size: int = 5_000):
        self.db = db
        self.batch_size = batch_size
        self.pending: list[tuple[int, int]] = []
        self.created = False

    def add(self, first_link_id: int, targets: list[tuple[int, int]]) -> None:
        """The targets of one article's links, (index among them, target id); their ids run from first_link_id."""
        self.pending.extend((first_link_id + i, target) for i, target in targets)
        if len(self.pending) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        if not self.created:
            self.db.execute("create temp table link_targets (link_id integer primary key, target_id integer)")
            self.created = True
        self.db.conn.executemany("insert into temp.link_targets values (?, ?)", self.pending)
        self.pending = []

    def settle(self, *, full: bool, removed: set[int], added: set[int], added_domains: set[str]) -> None:
        """Point links at the archived articles they cite, now that every article of this build is in;
        an incremental build also unpoints links to removed articles and points older links at added ones."""
        self.flush()
        self.db.execute(
            "update links set target_article_id = t.target_id from temp.link_targets t"
            " where links.id = t.link_id and t.target_id in (select id from articles)"
        )
        if not full:
            if removed:
                self.db.execute(
                    "update links set target_article_id = null"
                    " where target_article_id is not null and target_article_id not in (select id from articles)"
                )
            if added and added_domains:
                self._point_older_links(added, added_domains)
        self.db.execute("drop table temp.link_targets")
        self.created = False

    def _point_older_links(self, added: set[int], added_domains: set[str]) -> None:
        """Links saved by earlier builds may cite an article this build added (one on the same host)."""
        domains = sorted(d for d in added_domains if d)
        candidates = self.db.execute(
            "select links.id, articles.url, links.href from links join articles on articles.id = links.article_id"
            " where links.target_article_id is null and links.id not in (select link_id from temp.link_targets)"
            f" and links.domain in ({', '.join('?' * len(domains))})", domains
        )
        # Resolving a link costs ~20 us (urljoin, canonical_url, a hash), and at 100,000 articles
        # 150,000 links are candidates: only hrefs naming an added article's last path segment are.
        mentions = _added_article_keys(self.db, added)
        resolved = [(target, link_id) for link_id, base, href in candidates
                    if (mentions is None or mentions.search(unquote(href)))
                    and (target := link_target(base, href)[1]) in added]
        self.db.conn.executemany("update links set target_article_id = ? where id = ?", resolved)


def _added_article_keys(db: sqlite_utils.Database, added: set[int]) -> re.Pattern | None:
    """A pattern finding the last path segment (or the query) of any added article's URL in an href;
    None when some URL has no distinctive part, so that every href must be checked."""
    keys = set()
    for chunk in chunks(sorted(added)):
        for (url,) in db.execute(f"select url from articles where id in ({', '.join('?' * len(chunk))})", chunk):
            parts = urlsplit(url)
            key = next((s for s in reversed(unquote(parts.path).split("/")) if s), "") or unquote(parts.query)
            if len(key) < 4:
                return None
            keys.add(key)
    return re.compile("|".join(map(re.escape, sorted(keys)))) if keys else None
