"""The one form in which indexed text and queries are compared."""

from __future__ import annotations

import threading
import unicodedata

import numpy as np

from ..han import converter


def normalize(text: str) -> str:
    """NFKC, accents off Latin-like letters, case folded, Traditional -> Simplified.

    The result always has the same length as the text, character for character, so a span found
    in normalize(text) is the same span of the original text. Many texts joined by line breaks
    normalize as each would alone: no dictionary phrase holds a line break.
    """
    folded = _fold_text(text)
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
# str.translate looks every character up in a dict (0.1 ms an article); longer texts go through an
# array of every BMP character's fold, indexed by the text's code points in one step (0.02 ms).
ARRAY_FROM = 128  # characters: below this the array's fixed cost (~6 us) is more than the dict's
_BMP = 0x10000


class _FoldArray:
    """_fold of each BMP code point, computed the first time a text holds it (as _Fold does)."""

    def __init__(self) -> None:
        self.folded = np.arange(_BMP, dtype=np.uint32)  # code point -> its fold's code point
        self.known = np.zeros(_BMP, dtype=bool)
        self.lock = threading.Lock()  # Datasette normalizes queries in threads

    def fold(self, text: str) -> str | None:
        """The text folded; None if it holds a character beyond the BMP (left to _Fold)."""
        # "surrogatepass": a lone surrogate is a code point like any other here (_fold makes it U+FFFD).
        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        if codes.max() >= _BMP:
            return None
        unknown = codes[~self.known[codes]]
        if unknown.size:
            with self.lock:
                for code in np.unique(unknown).tolist():
                    self.folded[code] = ord(_FOLD[code])
                    self.known[code] = True
        return self.folded[codes].tobytes().decode("utf-32-le")


_FOLD_ARRAY = _FoldArray()


def _fold_text(text: str) -> str:
    if len(text) >= ARRAY_FROM:
        folded = _FOLD_ARRAY.fold(text)
        if folded is not None:
            return folded
    return text.translate(_FOLD)


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
