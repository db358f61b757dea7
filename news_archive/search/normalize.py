"""The one form in which indexed text and queries are compared."""

from __future__ import annotations

import unicodedata

from ..han import converter


def normalize(text: str) -> str:
    """NFKC, accents off Latin-like letters, case folded, Traditional -> Simplified.

    The result always has the same length as the text, character for character, so a span found
    in normalize(text) is the same span of the original text. Many texts joined by line breaks
    normalize as each would alone: no dictionary phrase holds a line break.
    """
    folded = text.translate(_FOLD)
    simplified = converter("t2s").convert(folded)
    if len(simplified) == len(folded):
        return simplified
    # Never seen in 23.6 M characters of news, but a phrase conversion could change the length.
    return "".join(_simplify_char(char) for char in folded)


class _Fold(dict):
    """str.translate table filled on demand: code point -> exactly one character."""

    def __missing__(self, code: int) -> str:
        self[code] = _fold(chr(code))
        return self[code]


_FOLD = _Fold()


def _fold(char: str) -> str:
    if unicodedata.category(char) == "Cs":
        return "\ufffd"  # a lone surrogate cannot be encoded, for OpenCC or for SQLite
    compatible = unicodedata.normalize("NFKC", char)
    if len(compatible) == 1:
        char = compatible
    decomposed = unicodedata.normalize("NFD", char)
    # Drop accents (é -> e, as unicode61 does), but keep kana voicing marks (が stays が).
    if len(decomposed) > 1 and not _is_kana(char) and all(unicodedata.category(c)[0] == "M" for c in decomposed[1:]):
        char = decomposed[0]
    for lowered in (char.casefold(), char.lower()):
        if len(lowered) == 1:
            return lowered
    return char


def _is_kana(char: str) -> bool:
    return "\u3040" <= char <= "\u30ff"


def _simplify_char(char: str) -> str:
    simplified = converter("t2s").convert(char)
    return simplified if len(simplified) == 1 else char
