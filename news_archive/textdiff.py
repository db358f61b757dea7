"""Compare two saved texts of an article character by character, as a reader of Chinese would.

Texts are compared after news_archive.search.normalize (width, case, Traditional -> Simplified;
it keeps every character's place) with each run of whitespace as one space and empty paragraphs
left out, so a re-save in the other script or with other spacing is no change; paragraph breaks
are not characters, so a re-save that only splits or joins paragraphs is none either. Paragraphs
equal after normalizing anchor the comparison; between anchors, characters are aligned by a
longest common subsequence (rapidfuzz's Indel, bit-parallel C++): the counts are the fewest
characters removed and added, and the marks shown are exactly the counted characters.
"""

from __future__ import annotations

import bisect
import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import groupby

from rapidfuzz.distance import Indel

from .search import normalize

@dataclass(frozen=True, slots=True)
class Piece:
    kind: str  # same, removed or added
    text: str  # as saved


@dataclass(slots=True)
class Block:
    """A run of the text: unchanged paragraphs (same), paragraphs edited in place with their marks
    inline (inline), or a passage rewritten, shown as it was and as it became (rewritten)."""

    kind: str
    paragraphs: list[list[Piece]] = field(default_factory=list)  # same, inline
    before: list[list[Piece]] = field(default_factory=list)  # rewritten
    after: list[list[Piece]] = field(default_factory=list)  # rewritten


@dataclass(slots=True)
class TextDiff:
    chars_added: int = 0
    chars_removed: int = 0
    paragraphs_added: int = 0  # fewer than half of their characters were there before
    paragraphs_removed: int = 0  # fewer than half of their characters remain
    paragraphs_changed: int = 0  # later paragraphs that differ from every earlier one, but not added
    blocks: list[Block] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Comparable:
    raw: str  # as saved
    text: str  # normalized, whitespace collapsed and stripped
    starts: tuple[int, ...]  # raw offset of each character of text

    def raw_slice(self, start: int, end: int) -> str:
        """The saved text behind text[start:end], with the spaces around it that collapsing took."""
        left = 0 if start == 0 else self.starts[start]
        right = len(self.raw) if end == len(self.text) else self.starts[end]
        return self.raw[left:right]


def comparable(raw: str, normalized: str) -> Comparable:
    text, starts, offset = [], [], 0
    for space, run in groupby(normalized, str.isspace):
        length = len(list(run))
        if not space:
            text.append(normalized[offset:offset + length])
            starts.extend(range(offset, offset + length))
        elif text and offset + length < len(normalized):  # inner whitespace: one space
            text.append(" ")
            starts.append(offset)
        offset += length
    return Comparable(raw, "".join(text), tuple(starts))


def comparables(raws: Sequence[str]) -> list[Comparable]:
    """comparable() of each text, normalized in one call (OpenCC costs per call; it converts no
    phrase across a line break, so the joined text converts as its parts would)."""
    joined = normalize("\n".join(raws))
    found, start = [], 0
    for raw in raws:
        found.append(comparable(raw, joined[start:start + len(raw)]))
        start += len(raw) + 1
    return found


def collapsed(normalized: str) -> str:
    """What comparable() makes of a text, without the offsets (str.split splits on str.isspace too)."""
    return " ".join(normalized.split())


def text_key(normalized_title: str, normalized_paragraphs: Sequence[str]) -> str:
    """Equal for two versions exactly when they have the same headline and text (normalized texts in)."""
    body = "".join(collapsed(text) for text in normalized_paragraphs)
    return hashlib.sha256(f"{collapsed(normalized_title)}\0{body}".encode()).hexdigest()[:16]


def compare_titles(before: str, after: str) -> tuple[list[Piece], list[Piece]] | None:
    """The headline before (removed characters marked) and after (added marked); None when the same."""
    old, new = comparables([before, after])
    if old.text == new.text:
        return None
    chunks = list(_Gap([old], [new]).chunks())
    return (_side(chunks, "old", absorb=False) or [[]])[0], (_side(chunks, "new", absorb=False) or [[]])[0]


def compare_texts(before: Sequence[str], after: Sequence[str]) -> TextDiff:
    """The paragraphs of two versions, compared: counts, and blocks to show."""
    found = comparables([*before, *after])
    old = [c for c in found[:len(before)] if c.text]
    new = [c for c in found[len(before):] if c.text]
    diff = TextDiff()
    for tag, i1, i2, j1, j2 in _paragraph_runs(old, new):
        if tag == "same":
            diff.blocks.append(Block("same", paragraphs=[[Piece("same", c.raw)] for c in new[j1:j2]]))
            continue
        gap = _Gap(old[i1:i2], new[j1:j2])
        gap.count_into(diff)
        diff.blocks.extend(gap.blocks())
    return diff


def _paragraph_runs(old: list[Comparable], new: list[Comparable]):
    """(same or changed, i1, i2, j1, j2): runs of equal paragraphs (a longest common subsequence of
    the paragraphs) and the gaps between them."""
    ids: dict[str, int] = {}
    old_ids = [ids.setdefault(c.text, len(ids)) for c in old]
    new_ids = [ids.setdefault(c.text, len(ids)) for c in new]
    runs: list[list] = []
    for op in Indel.opcodes(old_ids, new_ids):
        tag = "same" if op.tag == "equal" else "changed"
        if tag == "changed" and runs and runs[-1][0] == "changed":
            runs[-1][2], runs[-1][4] = op.src_end, op.dest_end
        else:
            runs.append([tag, op.src_start, op.src_end, op.dest_start, op.dest_end])
    return [tuple(run) for run in runs if run[1] < run[2] or run[3] < run[4]]


class _Side:
    """The paragraphs of one version in a gap, as one text, and which of its characters are matched."""

    def __init__(self, paragraphs: list[Comparable]):
        self.paragraphs = paragraphs
        self.ends = []
        for c in paragraphs:
            self.ends.append((self.ends[-1] if self.ends else 0) + len(c.text))
        self.matched = [0] * len(paragraphs)

    @property
    def text(self) -> str:
        return "".join(c.text for c in self.paragraphs)

    def start(self, index: int) -> int:
        return self.ends[index - 1] if index else 0

    def locate(self, offset: int) -> tuple[int, int]:
        """(paragraph, offset in it) of an offset into the joined text."""
        index = bisect.bisect_right(self.ends, offset)
        return index, offset - self.start(index)

    def chunks(self, start: int, end: int):
        """(paragraph, local start, local end) of the pieces of [start, end) in each paragraph."""
        while start < end:
            index, local = self.locate(start)
            length = min(end - start, len(self.paragraphs[index].text) - local)
            yield index, local, local + length
            start += length

    def mostly_new(self, index: int) -> bool:
        return 2 * self.matched[index] < len(self.paragraphs[index].text)


class _Gap:
    """The changed paragraphs between two anchors, aligned character by character."""

    def __init__(self, old: list[Comparable], new: list[Comparable]):
        self.old, self.new = _Side(old), _Side(new)
        self.ops = _ordered(Indel.opcodes(self.old.text, self.new.text))
        for tag, i1, i2, j1, j2 in self.ops:
            if tag == "same":
                for side, start, end in ((self.old, i1, i2), (self.new, j1, j2)):
                    for index, left, right in side.chunks(start, end):
                        side.matched[index] += right - left

    def count_into(self, diff: TextDiff) -> None:
        same = sum(self.old.matched)
        diff.chars_removed += len(self.old.text) - same
        diff.chars_added += len(self.new.text) - same
        removed = sum(self.old.mostly_new(i) for i in range(len(self.old.paragraphs)))
        added = sum(self.new.mostly_new(i) for i in range(len(self.new.paragraphs)))
        diff.paragraphs_removed += removed
        diff.paragraphs_added += added
        diff.paragraphs_changed += len(self.new.paragraphs) - added

    def blocks(self) -> list[Block]:
        """Both versions in one, line by line, marks inline; a run of lines where more changed than
        stayed is shown as it was, then as it became (inline, two unrelated texts would interleave)."""
        shown = []
        for rewritten, lines in groupby(self._lines(), key=_mostly_changed):
            lines = list(lines)
            if rewritten:
                chunks = [chunk for line in lines for chunk in line]
                shown.append(Block("rewritten", before=_side(chunks, "old"), after=_side(chunks, "new")))
            else:
                shown.append(Block("inline", paragraphs=[_joined(chunk.shown() for chunk in line) for line in lines]))
        return shown

    def _lines(self) -> list[list[_Chunk]]:
        """The chunks, a new line wherever either version starts a paragraph (once per line)."""
        lines: list[list[_Chunk]] = []
        begun = {"old": -1, "new": -1}  # the last paragraph of each version shown so far
        holds: set[str] = set()  # the versions the current line shows a paragraph of
        for chunk in self.chunks():
            new_line = not lines
            for side, paragraph in (("old", chunk.old), ("new", chunk.new)):
                if paragraph is not None and paragraph > begun[side]:
                    begun[side] = paragraph
                    new_line = new_line or side in holds
            if new_line:
                lines.append([])
                holds = set()
            holds.update(side for side in ("old", "new") if getattr(chunk, side) is not None)
            lines[-1].append(chunk)
        return lines

    def chunks(self) -> Iterator[_Chunk]:
        """The aligned text in order, cut at the paragraph breaks of the version(s) each piece is in."""
        for tag, i1, i2, j1, j2 in self.ops:
            if tag == "removed":
                for index, left, right in self.old.chunks(i1, i2):
                    yield _Chunk("removed", index, None, self.old.paragraphs[index].raw_slice(left, right), "")
            elif tag == "added":
                for index, left, right in self.new.chunks(j1, j2):
                    yield _Chunk("added", None, index, "", self.new.paragraphs[index].raw_slice(left, right))
            else:
                for old_index, old_left, old_right in self.old.chunks(i1, i2):
                    offset = j1 + self.old.start(old_index) + old_left - i1
                    for index, left, right in self.new.chunks(offset, offset + old_right - old_left):
                        at = old_left + (self.new.start(index) + left - offset)
                        yield _Chunk("same", old_index, index,
                                     self.old.paragraphs[old_index].raw_slice(at, at + right - left),
                                     self.new.paragraphs[index].raw_slice(left, right))


@dataclass(frozen=True, slots=True)
class _Chunk:
    """A piece of the aligned text within one paragraph of each version that has it."""

    kind: str  # same, removed or added
    old: int | None  # its paragraph in the earlier version's gap
    new: int | None
    old_text: str  # as saved in each
    new_text: str

    def shown(self) -> Piece:
        """Inline, unchanged text reads as the later version has it."""
        return Piece(self.kind, self.old_text if self.kind == "removed" else self.new_text)


def _mostly_changed(line: list[_Chunk]) -> bool:
    size = {kind: sum(len(c.new_text or c.old_text) for c in line if c.kind == kind) for kind in ("same", "removed", "added")}
    return bool(size["removed"] and size["added"]) and 2 * size["same"] < size["removed"] + size["added"]


def _side(chunks: list[_Chunk], version: str, absorb: bool = True) -> list[list[Piece]]:
    """The paragraphs of one version among chunks, what the other lacks marked (chance matches
    absorbed, as in a rewritten passage, unless told not to)."""
    changed = "removed" if version == "old" else "added"
    shown = [_joined(Piece(c.kind, c.old_text if version == "old" else c.new_text) for c in paragraph)
             for _, paragraph in groupby((c for c in chunks if getattr(c, version) is not None),
                                         key=lambda c: getattr(c, version))]
    return [_absorbed(pieces, changed) for pieces in shown] if absorb else shown


def _absorbed(pieces: list[Piece], changed: str) -> list[Piece]:
    """One or two unchanged characters between changes, in a rewritten passage, are a chance match
    (的, 在, a comma): marked with the changes around them, they no longer cut the passage into shreds."""
    shown: list[Piece] = []
    for i, piece in enumerate(pieces):
        chance = (piece.kind == "same" and 0 < i < len(pieces) - 1 and len(piece.text.strip()) <= 2
                  and pieces[i - 1].kind == pieces[i + 1].kind == changed)
        _append(shown, changed if chance else piece.kind, piece.text)
    return shown


def _joined(pieces) -> list[Piece]:
    joined: list[Piece] = []
    for piece in pieces:
        _append(joined, piece.kind, piece.text)
    return joined


def _ordered(opcodes) -> list[tuple[str, int, int, int, int]]:
    """Opcodes as (same|removed|added, i1, i2, j1, j2), each run of changes with its removals first."""
    ops, pending = [], []
    for op in opcodes:
        if op.tag == "equal":
            ops += sorted(pending, key=lambda o: o[0] != "removed")
            pending = []
            ops.append(("same", op.src_start, op.src_end, op.dest_start, op.dest_end))
            continue
        if op.src_start < op.src_end:
            pending.append(("removed", op.src_start, op.src_end, op.dest_start, op.dest_start))
        if op.dest_start < op.dest_end:
            pending.append(("added", op.src_end, op.src_end, op.dest_start, op.dest_end))
    return ops + sorted(pending, key=lambda o: o[0] != "removed")


def _append(pieces: list[Piece], kind: str, text: str) -> None:
    if pieces and pieces[-1].kind == kind:
        pieces[-1] = Piece(kind, pieces[-1].text + text)
    elif text:
        pieces.append(Piece(kind, text))
