"""Keyword in context: each match in a text as one line, the match centred in its sentence."""

from __future__ import annotations

import re
from typing import NamedTuple

from ..pages.excerpt import match_spans

# A sentence ends after 。！？!?;； (with any closing quotes or brackets that follow) or at a line end.
SENTENCE_END = re.compile(r"[。！？!?;；]+[”’」』）)\]】\"']*|\n")
WIDTH = 30  # characters of context either side


class Line(NamedTuple):
    left: str
    match: str
    right: str
    sentence: str
    start: int  # the match's offset in the text


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, surrounding spaces left out; empty sentences dropped."""
    spans, start = [], 0
    for end_mark in SENTENCE_END.finditer(text):
        spans.append((start, end_mark.end()))
        start = end_mark.end()
    spans.append((start, len(text)))
    trimmed = []
    for start, end in spans:
        piece = text[start:end]
        left = len(piece) - len(piece.lstrip())
        right = len(piece.rstrip())
        if right > left:
            trimmed.append((start + left, start + right))
    return trimmed


def lines(text: str, search: str, width: int = WIDTH) -> list[Line]:
    """One Line per match, in order, with up to ``width`` characters of its sentence either side."""
    matches = match_spans(text, search)
    if not matches:
        return []
    sentences = sentence_spans(text)
    found, index = [], 0
    for start, end in matches:
        while index < len(sentences) - 1 and sentences[index][1] <= start:
            index += 1
        sentence_start, sentence_end = sentences[index]
        sentence_start, sentence_end = min(sentence_start, start), max(sentence_end, end)
        left = text[max(sentence_start, start - width):start]
        right = text[end:min(sentence_end, end + width)]
        found.append(Line(left, text[start:end], right, text[sentence_start:sentence_end].strip(), start))
    return found
