"""A search as regular expressions over normalize()d text: which texts it finds, and where (no FTS).

pages/excerpt marks matches with patterns() (search results, keywords in context, an article's
page); the tests hold FTS to finding exactly the texts matches() finds.
"""

from __future__ import annotations

import re

from .normalize import normalize
from .terms import WORD_CHAR, Term, parse

_GAP = r"[\W_]+"  # one or more characters that are neither Han nor part of a word


def matches(search: str, text: str) -> bool:
    """True when every term of the search occurs in the text; a search without terms matches nothing."""
    terms = parse(search)
    normalized = normalize(text)
    return bool(terms) and all(_pattern(term).search(normalized) for term in terms)


def patterns(search: str) -> list[re.Pattern]:
    """One pattern per term, for normalize(text); its spans are spans of the original text too."""
    return [_pattern(term) for term in parse(search)]


def _pattern(term: Term) -> re.Pattern:
    parts = []
    last = len(term.pieces) - 1
    for i, piece in enumerate(term.pieces):
        if piece.spaced:
            parts.append(_GAP)
        if piece.han:
            parts.append(re.escape(piece.text))  # a substring, wherever it stands
        else:
            parts.append(f"(?<!{WORD_CHAR}){re.escape(piece.text)}")
            if not (term.prefix and i == last):
                parts.append(f"(?!{WORD_CHAR})")
    return re.compile("".join(parts))
