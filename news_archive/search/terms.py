"""A text as a sequence of pieces, and a search as a list of terms."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from .. import han
from .normalize import normalize

# Hiragana and katakana, with their iteration marks and the prolonged sound mark.
KANA = "\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fc-\u30ff"

# Written without spaces between words, so searched as substrings: Han ideographs (with 々 and 〇) and kana.
# The compatibility block is left out: normalize() (NFKC) has turned nearly all of it into unified ideographs.
HAN_CHARS = f"\u3005\u3007{KANA}{han.EXTENSION_A}{han.UNIFIED}{han.SUPPLEMENTARY}"
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
