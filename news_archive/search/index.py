"""The text stored in the FTS5 column, for SQLite's default unicode61 tokenizer."""

from __future__ import annotations

import re
from operator import add

from .normalize import normalize
from .terms import HAN_CHARS, WORD_CHAR

# Stands where spaces or punctuation separate a word from Han characters, so 11月 does not match "11 月".
# A private-use character: unicode61 keeps it as a token; in texts and searches such characters only separate.
BOUNDARY = "\ue000"


def index_text(text: str) -> str:
    """Words as they are; each Han run as its overlapping bigrams, then its last character alone.

    中国人 -> "中国 国人 人", so a 2-character term is one token, a longer one a phrase of bigrams, and
    a 1-character term the prefix query 中* (every occurrence starts a bigram or ends a run).
    """
    return index_normalized(normalize(text))


# What separates pieces: neither a Han character nor a word's (terms.PIECES), as unicode61 separates tokens.
_GAP = f"(?:[^{HAN_CHARS}\\w]|_)"
# A piece with the separators before it, (gap, Han run, word); a trailing gap is one match of its own.
_GAPPED_PIECES = re.compile(f"({_GAP}++)?(?:([{HAN_CHARS}]++)|({WORD_CHAR}++))|{_GAP}++\\Z")


def index_normalized(normalized: str) -> str:
    """index_text of a text already normalize()d (normalizing many texts in one call is cheaper)."""
    # terms.pieces() inlined, its pieces found with the gaps before them by one findall() and each Han
    # run's bigrams made by map(): this runs on every paragraph of every build.
    tokens: list[str] = []
    previous_han = None
    for gap, han, word in _GAPPED_PIECES.findall(normalized):
        if han:
            if gap and previous_han is False:
                tokens.append(BOUNDARY)
            tokens += map(add, han, han[1:])
            tokens.append(han[-1])
            previous_han = True
        elif word:
            if gap and previous_han:
                tokens.append(BOUNDARY)
            tokens.append(word)
            previous_han = False
    return " ".join(tokens)


def bigrams(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]
