"""One spelling per author across the archive, chosen as articles are saved and written when the build ends."""

from __future__ import annotations

import json

import sqlite_utils

from .ids import author_id


class AuthorSpellings:
    """A proper-case form wins over ALL CAPS ("David Pierson" over "DAVID PIERSON"), then the first in order."""

    def __init__(self, db: sqlite_utils.Database):
        self.db = db
        self.names = {name.casefold(): name for (name,) in db.execute("select name from authors")}
        self.respelled: set[int] = set()  # authors whose chosen spelling changed in this build

    def spelling(self, name: str) -> str:
        key = name.casefold()
        chosen = self.names.get(key)
        if chosen is None or (name.isupper(), name) < (chosen.isupper(), chosen):
            if chosen is not None:
                self.respelled.add(author_id(name))
            self.names[key] = chosen = name
        return chosen

    def save(self) -> None:
        """The authors rows (article_count is counted when the build ends)."""
        self.db["authors"].upsert_all(
            ({"id": author_id(name), "name": name, "article_count": 0} for name in self.names.values()), pk="id")

    def respell_articles(self) -> None:
        """articles.authors of the articles naming an author whose spelling changed since it was saved."""
        if not self.respelled:
            return
        ids = ", ".join(map(str, self.respelled))
        articles = [aid for (aid,) in self.db.execute(
            f"select distinct article_id from article_authors where author_id in ({ids})")]
        for aid in articles:
            names = [name for (name,) in self.db.execute(
                "select authors.name from article_authors join authors on authors.id = article_authors.author_id"
                " where article_id = ? order by position", [aid])]
            self.db.execute("update articles set authors = ? where id = ?",
                            [json.dumps(names, ensure_ascii=False), aid])
