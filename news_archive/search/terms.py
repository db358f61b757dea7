"""A text as a sequence of pieces, and a search as a list of terms."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from .normalize import normalize

# Written without spaces between words, so searched as substrings: Han ideographs (with 々 and 〇) and kana.
HAN_CHARS = "\u3005\u3007\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fc-\u30ff\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0003134f"
# A piece is a run of Han characters or a word (letters and digits of any other script);
# everything else separates pieces, as unicode61 separates tokens.
WORD_CHAR = f"[^\\W_{HAN_CHARS}]"
PIECES = re.compile(f"([{HAN_CHARS}]+)|{WORD_CHAR}+")
_TERMS = re.compile(r'"([^"]*)"?|[^\s"]+')
_PREFIX = re.compile(f"{WORD_CHAR}\\*+$")


class Piece(NamedTuple):
    text: str
    han: bool
    spaced: bool  # other characters (space, punctuation) stand between it and the previous piece


class Term(NamedTuple):
    pieces: tuple[Piece, ...]
    prefix: bool  # the last piece is a word typed with a trailing *


def pieces(text: str) -> Iterator[Piece]:
    end = None
    for match in PIECES.finditer(text):
        yield Piece(match.group(), match.group(1) is not None, end is not None and match.start() > end)
        end = match.end()


def parse(search: str) -> list[Term]:
    """Whitespace separates terms, "..." makes one term of a phrase; terms without any piece are dropped."""
    texts = (match.group() if match.group(1) is None else match.group(1) for match in _TERMS.finditer(normalize(search)))
    terms = (Term(tuple(pieces(text)), bool(_PREFIX.search(text.rstrip()))) for text in texts)
    return list(dict.fromkeys(term for term in terms if term.pieces))
