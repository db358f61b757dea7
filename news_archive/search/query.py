"""What a user types -> an FTS5 MATCH expression over index_text()."""

from __future__ import annotations

from .index import BOUNDARY, bigrams
from .terms import Term, parse

MATCH_NOTHING = '""'  # an empty phrase: valid FTS5, matches no row


def fts_query(search: str) -> str:
    """Terms ANDed, each one FTS5 phrase; never an FTS5 syntax error, whatever the input."""
    return " AND ".join(_phrase(term) for term in parse(search)) or MATCH_NOTHING


def term_queries(search: str) -> list[str]:
    """One MATCH expression per term, for searches that AND terms across rows (an article's paragraphs)."""
    return [_phrase(term) for term in parse(search)]


def _phrase(term: Term) -> str:
    tokens: list[str] = []
    prefix = term.prefix
    last = len(term.pieces) - 1
    for i, piece in enumerate(term.pieces):
        if piece.spaced and piece.han != term.pieces[i - 1].han:
            tokens.append(BOUNDARY)
        if not piece.han:
            tokens.append(piece.text)
        elif i < last:
            # Something follows in the term, so the run must end here: its last character stands alone.
            tokens += bigrams(piece.text)
            tokens.append(piece.text[-1])
        elif len(piece.text) > 1:
            tokens += bigrams(piece.text)
        else:
            tokens.append(piece.text)
            prefix = True
    return '"' + " ".join(tokens) + '"' + ("*" if prefix else "")
