"""The text stored in the FTS5 column, for SQLite's default unicode61 tokenizer."""

from __future__ import annotations

from .normalize import normalize
from .terms import PIECES

# Stands where spaces or punctuation separate a word from Han characters, so 11月 does not match "11 月".
# A private-use character: unicode61 keeps it as a token; in texts and searches such characters only separate.
BOUNDARY = "\ue000"


def index_text(text: str) -> str:
    """Words as they are; each Han run as its overlapping bigrams, then its last character alone.

    中国人 -> "中国 国人 人", so a 2-character term is one token, a longer one a phrase of bigrams, and
    a 1-character term the prefix query 中* (every occurrence starts a bigram or ends a run).
    """
    return index_normalized(normalize(text))


def index_normalized(normalized: str) -> str:
    """index_text of a text already normalize()d (normalizing many texts in one call is cheaper)."""
    # terms.pieces() inlined: this runs on every paragraph of every build.
    tokens: list[str] = []
    end = previous_han = None
    for match in PIECES.finditer(normalized):
        run, han = match.group(), match.group(1) is not None
        if end is not None and match.start() > end and han != previous_han:
            tokens.append(BOUNDARY)
        if han:
            tokens += [run[i : i + 2] for i in range(len(run) - 1)]
            tokens.append(run[-1])
        else:
            tokens.append(run)
        end, previous_han = match.end(), han
    return " ".join(tokens)


def bigrams(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]
