"""The one form in which indexed text and queries are compared."""

from __future__ import annotations

import unicodedata

from ..han import converter


# line -> normalize(line), for the lines of the last call of several lines. The build normalizes each
# article twice, in one call each (the place matcher its title, paragraphs and captions; the search
# index those and the lead and credits), and the second call then converts only what the first did
# not have. Entries are never changed, only replaced, so threads sharing them are safe.
_last_lines: dict[str, str] = {}


def normalize(text: str) -> str:
    """NFKC, accents off Latin-like letters, case folded, Traditional -> Simplified.

    The result always has the same length as the text, character for character, so a span found
    in normalize(text) is the same span of the original text.
    """
    global _last_lines
    if "\n" not in text:
        return _normalize(text)
    lines = text.split("\n")
    known = _last_lines
    missing = [line for line in dict.fromkeys(lines) if line not in known]
    # No dictionary phrase holds a line break, so each line converts as it would in the whole text.
    converted = _normalize("\n".join(missing)).split("\n") if missing else []
    if len(converted) != len(missing) or any(map(_differ_in_length, missing, converted)):
        return _normalize(text)  # whatever the whole text's own conversion makes of a changed length
    table = {line: known[line] for line in lines if line in known}
    table.update(zip(missing, converted))
    _last_lines = table
    return "\n".join(map(table.__getitem__, lines))


def _differ_in_length(a: str, b: str) -> bool:
    return len(a) != len(b)


def _normalize(text: str) -> str:
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
