"""Cleaning of text taken from article HTML."""

import re

# Zero-width characters carry no meaning in the text but break search and comparisons.
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
# No-break and other odd spaces become plain spaces.
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2002\u2003\u2009\u202f\u205f"), " ")
_RUNS_OF_SPACE = re.compile(r"[ \t\r\f\v]+")


_ODD = re.compile("[" + "".join(map(chr, {**_ZERO_WIDTH, **_SPACES})) + "]")


def clean_text(text: str) -> str:
    """Normalize spaces, drop zero-width characters, keep line breaks, strip every line."""
    if _ODD.search(text):  # rare; str.translate is slow enough to matter on every paragraph
        text = text.translate(_ZERO_WIDTH).translate(_SPACES)
    lines = (_RUNS_OF_SPACE.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def one_line(text: str) -> str:
    """clean_text, with line breaks turned into spaces (for titles, names, captions)."""
    return clean_text(text).replace("\n", " ")
