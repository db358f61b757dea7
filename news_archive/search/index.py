"""The text stored in the FTS5 column, for SQLite's default unicode61 tokenizer."""

from __future__ import annotations

from .normalize import normalize
from .terms import pieces

# Stands where spaces or punctuation separate a word from Han characters, so 11月 does not match "11 月".
# A private-use character: unicode61 keeps it as a token; in texts and searches such characters only separate.
BOUNDARY = "\ue000"


def index_text(text: str) -> str:
    """Words as they are; each Han run as its overlapping bigrams, then its last character alone.

    中国人 -> "中国 国人 人", so a 2-character term is one token, a longer one a phrase of bigrams, and
    a 1-character term the prefix query 中* (every occurrence starts a bigram or ends a run).
    """
    tokens: list[str] = []
    previous = None
    for piece in pieces(normalize(text)):
        if piece.spaced and piece.han != previous.han:
            tokens.append(BOUNDARY)
        if piece.han:
            tokens += bigrams(piece.text)
            tokens.append(piece.text[-1])
        else:
            tokens.append(piece.text)
        previous = piece
    return " ".join(tokens)


def bigrams(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]
