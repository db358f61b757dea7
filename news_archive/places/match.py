"""Find the gazetteer's places in text: longest dictionary match, checked against a word segmenter.

Chinese has no spaces, so a place name can sit inside another word: 美 in 中美, 塞尔 in 拉塞尔, 阿拉 in
阿拉伯, 纽约 in 纽约时报. A match counts when it starts where the segmenter (rjieba) starts a word
and ends where a word ends, or where the rest of that word is a suffix (台湾人, 北京市) or words of
their own (上海|复旦大学). Overlapping matches keep the longest; phrases of kind not_place (纽约时报)
take part in that and are then dropped. Names of one character are not in the gazetteer at all.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import rjieba
from ahocorasick_rs import AhoCorasick, Implementation

from .. import han
from ..search import normalize
from .gazetteer import NOT_PLACE, places

# What may follow a place name inside one segmenter word: 台湾人, 中国籍, 港府 …
SUFFIXES = frozenset("人籍裔军方省市县州城队侨府版")
# A name followed by one of these as a word of its own names a village, town or street (黄山村, 南京路).
SMALLER = frozenset("村镇乡路街")
# A name beside a name dot is part of a person's name (乔治·华盛顿, 多米尼克•拉布).
NAME_DOTS = frozenset("·•‧・")
# rjieba (like jieba) segments each run of these characters on its own, so segmenting only the run
# around a match gives the same words as segmenting the whole paragraph, at a fraction of the cost.
SEGMENT_RUN = re.compile(f"[{han.BMP}{han.SEGMENTER_SUPPLEMENTARY}a-zA-Z0-9+#&._%\\-]+")


@dataclass(frozen=True)
class Mention:
    place_id: int
    count: int  # matches in the article
    first_position: int  # the first text unit (title 0, paragraph or figure position) that names it


class _Names:
    """The gazetteer's names and an Aho-Corasick automaton of them (ahocorasick_rs, in Rust), which
    finds every occurrence, overlaps included, in one pass: 0.03 ms an article, where a regular
    expression for each name's first two characters and a dict lookup per length took 0.14 (and
    pyahocorasick 0.3 us a character). The contiguous automaton: 5 MB a process, the DFA 45 MB."""

    def __init__(self) -> None:
        self.names = {alias: (p.id, p.kind == NOT_PLACE) for p in places().values() for alias in p.aliases}
        self.found = list(self.names.values())  # by the automaton's pattern index
        self.automaton = AhoCorasick(list(self.names), implementation=Implementation.ContiguousNFA)

    def occurrences(self, text: str) -> list[tuple[int, int, int, bool]]:
        """(start, end, place id, is a not_place phrase) of every name in the text, overlaps included
        (offsets in characters; the text is normalize()d, so it holds no lone surrogate)."""
        found = self.found
        return [(start, end, *found[index])
                for index, start, end in self.automaton.find_matches_as_indexes(text, overlapping=True)]


@cache
def _names() -> _Names:
    return _Names()


def find_places(units: Iterable[tuple[int, str]], *, normalized: bool = False) -> list[Mention]:
    """Places named in an article's text units, (position, text) pairs, in order of first mention
    (``normalized``: the texts are normalize()d already)."""
    units = [(position, text) for position, text in units if text]
    # One pass over the whole article: units joined by line breaks, which no name and no segmenter
    # run crosses; each match is mapped back to its unit by offset.
    starts, offset = [], 0
    for _, text in units:
        starts.append(offset)
        offset += len(text) + 1
    counts: dict[int, int] = {}
    first: dict[int, int] = {}
    for start, place_id in _matches("\n".join(text for _, text in units), normalized):
        counts[place_id] = counts.get(place_id, 0) + 1
        first.setdefault(place_id, units[bisect_right(starts, start) - 1][0])
    return sorted((Mention(pid, counts[pid], first[pid]) for pid in counts),
                  key=lambda m: (m.first_position, -m.count, m.place_id))


def place_ids(text: str) -> list[int]:
    """The place of every accepted match in one text, in reading order (a place once per match)."""
    return [place_id for _, place_id in _matches(text)]


def _matches(text: str, normalized: bool = False) -> list[tuple[int, int]]:
    """(offset, place id) of every accepted match, in reading order."""
    if not normalized:
        text = normalize(text)
    words = None
    candidates = []
    for start, end, place_id, skip in _names().occurrences(text):
        if not skip:
            words = words or _Words(text)
            if not words.aligned(start, end):
                continue
        candidates.append((start, end, place_id, skip))
    # Longest first, then leftmost: 朝鲜半岛 over 朝鲜, 纽约时报 (skipped whole) over 纽约.
    taken = bytearray(len(text))
    chosen = []
    for start, end, place_id, skip in sorted(candidates, key=lambda c: (c[0] - c[1], c[0])):
        if 1 not in taken[start:end]:
            taken[start:end] = b"\x01" * (end - start)
            if not skip:
                chosen.append((start, place_id))
    return sorted(chosen)


class _Words:
    """The segmenter's words of one text, computed run by run as matches ask for them."""

    def __init__(self, text: str):
        self.text = text
        self.backwards = text[::-1]  # where a run starts: SEGMENT_RUN matched leftwards from a match
        self.ends_by_start: dict[int, int] = {}  # word start -> word end
        self.ends: set[int] = set()

    def aligned(self, start: int, end: int) -> bool:
        self._segment(start)
        if start not in self.ends_by_start:
            return False
        if (start and self.text[start - 1] in NAME_DOTS) or self.text[end:end + 1] in NAME_DOTS:
            return False
        if end in self.ends:
            return not (self.ends_by_start.get(end) == end + 1 and self.text[end] in SMALLER)
        word_end = self.ends_by_start[start]  # the match ends inside the word it starts
        if word_end < end:
            return False
        rest = self.text[end:word_end]
        # 台湾人, 上海|复旦大学, 香港|中文大学 but not 阿拉|伯 (阿拉伯) or 马里|兰大学 (马里兰大学)
        return rest in SUFFIXES or (len(rest) > 1 and all(len(w) > 1 for w in rjieba.cut(rest, hmm=False)))

    def _segment(self, position: int) -> None:
        """Segment the run holding ``position``, unless it was. Runs are found only where matches
        are (an article has ~100 runs, between its punctuation, and ~30 matches)."""
        if position in self.ends_by_start:  # a word start: its run is segmented
            return
        text = self.text
        run = SEGMENT_RUN.match(text, position)
        if run is None or run.end() in self.ends:  # no run here; or its run is segmented (each run's
            return                                  # end is its last word's, and in no other run)
        run_start = len(text) - SEGMENT_RUN.match(self.backwards, len(text) - 1 - position).end()
        for _, start, end in rjieba.tokenize(text[run_start:run.end()], hmm=False):
            self.ends_by_start[run_start + start] = run_start + end
            self.ends.add(run_start + end)
