"""FTS5 over index_text() must find exactly the rows the regex oracle finds, for terms drawn from seeds/.

Run with -s to see precision and recall, ours and stock Datasette's, and the index size.
"""

from __future__ import annotations

import bisect
import itertools
import random
import re
import sqlite3
from collections import defaultdict
from pathlib import Path

import opencc
import pytest
from datasette.utils import escape_fts

from news_archive.parse.article import parse_article
from news_archive.search import fts_query, index_text, normalize, patterns
from news_archive.search.terms import HAN_CHARS, WORD_CHAR, parse
from news_archive.parse.source import SourceError

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
HAN = f"[{HAN_CHARS}]"
PIECE = re.compile(f"{HAN}+|{WORD_CHAR}+")
MIXED = re.compile(f"(?<!{WORD_CHAR}){WORD_CHAR}+{HAN}{{1,3}}|{HAN}{{1,3}}{WORD_CHAR}+(?!{WORD_CHAR})")
HOSTILE = [
    "", " ", '"', '""', '"中国', '中国"', "*", "**", "-", "-中国", ":", "text:中国", "(", ")", "(中国)",
    "AND", "OR", "NOT", "NEAR", "中国 OR 美国", "NEAR(中国 美国)", "中国 NOT 美国", "^中国", "中国*",
    "😀", "中😀国", "\x00", "\ue000", "11 月", "Trump*", "trump's", "C++", "a*b", "新冠-19",
]


def seed_texts() -> list[str]:
    files = sorted(SEEDS.glob("**/*.md")) + [SEEDS / "000_cc2fef80fd5ee816.txt"]
    texts = []
    for path in files:
        try:
            article = parse_article(path.read_bytes())
        except SourceError:
            continue
        texts += [paragraph.text for paragraph in article.body.paragraphs]
    return texts


def build_fts(texts: list[str], options: str = "content=''") -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute(f"create virtual table fts using fts5(text, {options})")
    db.executemany("insert into fts(rowid, text) values (?, ?)", ((i, index_text(t)) for i, t in enumerate(texts)))
    db.execute("insert into fts(fts) values ('optimize')")
    return db


def fts_rows(db: sqlite3.Connection, expression: str) -> set[int]:
    return {rowid for (rowid,) in db.execute("select rowid from fts where fts match ?", [expression])}


def oracle_rows(normalized: list[str], search: str) -> set[int]:
    """Every text that each of the search's patterns matches: a scan of them all."""
    found = patterns(search)
    if not found:
        return set()
    return {i for i, text in enumerate(normalized) if all(pattern.search(text) for pattern in found)}


class Oracle:
    """oracle_rows() for many searches of the same texts, by ids: each pattern holds its search's pieces
    as they are (regex._pattern), so only the texts holding every piece, found with str.find in all
    of them joined, are matched against the patterns. test_the_oracles_shortcut_is_a_full_scan holds
    it to oracle_rows()."""

    def __init__(self, normalized: list[str], ids=None):
        self.texts = normalized
        self.ids = list(range(len(normalized)) if ids is None else ids)
        self.joined = "\n".join(normalized)  # no piece holds a line break: no find spans two texts
        self.starts = list(itertools.accumulate((len(text) + 1 for text in normalized), initial=0))

    def holding(self, piece: str) -> set[int]:
        """The index of every text that holds PIECE."""
        found, at = set(), self.joined.find(piece)
        while at >= 0:
            index = bisect.bisect_right(self.starts, at) - 1
            found.add(index)
            at = self.joined.find(piece, self.starts[index + 1])  # on from the next text
        return found

    def __call__(self, search: str) -> set:
        found = patterns(search)
        if not found:
            return set()
        candidates = set.intersection(*(self.holding(piece.text) for term in parse(search) for piece in term.pieces))
        return {self.ids[i] for i in candidates if all(pattern.search(self.texts[i]) for pattern in found)}


def draw_queries(texts: list[str], normalized: list[str], seed: int = 20240601) -> list[tuple[str, str]]:
    """(category, query) pairs; slices of the original texts, found through the same-length normalized ones."""
    rng = random.Random(seed)
    to_traditional = opencc.OpenCC("s2t")
    to_simplified = opencc.OpenCC("t2s")
    runs = [(i, m) for i, text in enumerate(normalized) for m in re.finditer(f"{HAN}+", text)]
    long_runs = {length: [(i, m) for i, m in runs if len(m.group()) >= length] for length in range(1, 7)}
    pieces = {texts[i][m.start() : m.end()] for i, text in enumerate(normalized) for m in PIECE.finditer(text)}
    words = sorted(p for p in pieces if not re.match(HAN, p) and not p.isdigit())
    numbers = sorted(p for p in pieces if p.isdigit())
    mixed = sorted({texts[i][m.start() : m.end()] for i, text in enumerate(normalized) for m in MIXED.finditer(text)})
    # Windows of 2-4 Han characters that normalize() changes: Traditional as someone would type it.
    traditional = sorted(
        window
        for i, m in runs
        for length in (2, 3, 4)
        for start in range(m.start(), m.end() - length + 1)
        if (window := texts[i][start : start + length]) != normalized[i][start : start + length]
    )

    def han(length: int, simplified: bool = False) -> str:
        i, run = rng.choice(long_runs[length])
        start = rng.randrange(run.start(), run.end() - length + 1)
        return (normalized if simplified else texts)[i][start : start + length]

    def phrase() -> str:
        while True:
            i = rng.randrange(len(texts))
            spans = [m.span() for m in PIECE.finditer(normalized[i])]
            if len(spans) < 2:
                continue
            first = rng.randrange(len(spans) - 1)
            last = min(len(spans) - 1, first + rng.randint(1, 3))
            window = texts[i][spans[first][0] : spans[last][1]]
            if '"' not in window:
                return f'"{window}"'

    def pair() -> str:
        i, run = rng.choice(long_runs[2])
        others = [m.group() for j, m in long_runs[2] if j == i]
        return f"{run.group()[:2]} {rng.choice(others)[-2:]}"

    def traditional_form() -> str:
        while True:
            term = han(rng.randint(2, 4), simplified=True)
            if to_traditional.convert(term) != term:
                return to_traditional.convert(term)

    queries = [("han", han(length)) for length in range(1, 7) for _ in range(30)]
    queries += [("word", rng.choice(words)) for _ in range(40)]
    long_words = [word for word in words if len(word) > 2]
    queries += [("prefix", word[: rng.randint(1, len(word) - 1)] + "*") for word in rng.sample(long_words, 20)]
    queries += [("number", rng.choice(numbers)) for _ in range(30)]
    queries += [("mixed", rng.choice(mixed)) for _ in range(40)]
    queries += [("phrase", phrase()) for _ in range(40)]
    queries += [("and", pair()) for _ in range(25)]
    queries += [("and", f"{han(rng.randint(1, 3))} {rng.choice(words + numbers)}") for _ in range(15)]
    queries += [("s2t", traditional_form()) for _ in range(30)]
    traditional_terms = rng.sample(sorted(set(traditional)), 20)
    queries += [("traditional", term) for term in traditional_terms]
    queries += [("t2s", to_simplified.convert(term)) for term in traditional_terms]
    queries += [("hostile", query) for query in HOSTILE]
    return queries


def evaluate(db, oracle, queries, to_expression=fts_query):
    """Per category: [queries, rows found, rows the oracle finds, rows in both], and the mismatching queries."""
    totals = defaultdict(lambda: [0, 0, 0, 0])
    mismatches = []
    for category, query in queries:
        found, truth = fts_rows(db, to_expression(query)), oracle(query)
        total = totals[category]
        total[0] += 1
        total[1] += len(found)
        total[2] += len(truth)
        total[3] += len(found & truth)
        if found != truth:
            mismatches.append((category, query, len(found - truth), len(truth - found)))
    return dict(totals), mismatches


def report(title: str, totals: dict) -> None:
    print(f"\n{title}\n{'category':12} {'queries':>7} {'found':>7} {'truth':>7} {'precision':>9} {'recall':>7}")
    for category, (queries, found, truth, both) in [*totals.items(), ("all", [sum(x) for x in zip(*totals.values())])]:
        precision = both / found if found else 1.0
        recall = both / truth if truth else 1.0
        print(f"{category:12} {queries:7} {found:7} {truth:7} {precision:9.4f} {recall:7.4f}")


@pytest.fixture(scope="module")
def corpus():
    texts = seed_texts()
    normalized = [normalize(text) for text in texts]
    return texts, normalized, build_fts(texts)


@pytest.fixture(scope="module")
def queries(corpus):
    texts, normalized, _ = corpus
    return draw_queries(texts, normalized)


@pytest.fixture(scope="module")
def oracle(corpus):
    """Oracle over the corpus, each search's rows found once for the module's tests."""
    _, normalized, _ = corpus
    scan, found = Oracle(normalized), {}
    return lambda search: found[search] if search in found else found.setdefault(search, scan(search))


def test_normalize_keeps_every_offset(corpus):
    texts, normalized, _ = corpus
    assert [len(t) for t in normalized] == [len(t) for t in texts]


def test_the_oracles_shortcut_is_a_full_scan(corpus, queries, oracle):
    _, normalized, _ = corpus
    sample = queries[::10]
    assert {category for category, _ in sample} == {category for category, _ in queries}
    for _, query in sample:
        assert oracle(query) == oracle_rows(normalized, query), query


def test_fts_finds_exactly_what_the_oracle_finds(corpus, queries, oracle):
    texts, _, db = corpus
    assert len(queries) > 450
    totals, mismatches = evaluate(db, oracle, queries)
    report(f"fts_query over index_text, {len(texts)} paragraphs", totals)
    assert mismatches == []
    assert sum(total[2] for total in totals.values()) > 10_000  # the terms do find something


def test_stock_datasette_escaping_finds_two_character_words(corpus, queries, oracle):
    _, normalized, db = corpus
    rng = random.Random(7)
    runs = [run for text in normalized for run in re.findall(f"{HAN}{{2,}}", text)]
    terms = []
    for run in rng.sample(runs, 200):
        start = rng.randrange(len(run) - 1)
        terms.append(("two han", run[start : start + 2]))
    totals, mismatches = evaluate(db, Oracle(normalized), terms, to_expression=escape_fts)
    assert mismatches == []
    # What Datasette without the plugin finds (hostile input is an FTS5 syntax error there): nothing
    # the oracle does not, and not a third of what it does (single characters, Traditional forms,
    # words next to Han text, prefixes and phrases are missed): why the plugin turns searches into
    # fts_query()'s expressions.
    totals, _ = evaluate(db, oracle, [(category, query) for category, query in queries if category != "hostile"],
                         to_expression=escape_fts)
    report("Datasette's stock escape_fts over index_text (no plugin)", totals)
    _, found, truth, both = (sum(column) for column in zip(*totals.values()))
    assert found == both and both < truth / 3


def test_index_size(corpus):
    texts, _, db = corpus
    text_bytes = sum(len(text.encode()) for text in texts)
    size = db.execute("select sum(pgsize) from dbstat where name like 'fts%'").fetchone()[0]
    print(f"\nFTS5 index (content='') for {text_bytes:,} bytes of UTF-8 text: {size:,} bytes, {size / text_bytes:.2f} x text")
    assert size <= 2.0 * text_bytes
