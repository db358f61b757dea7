"""Search results shown in the original text: matches marked, everything else HTML-escaped.

Matches are found on normalize(text), which has the same length as the text, so every span found
there is the same span of the original (Traditional script, full-width letters and all).
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import unescape

from markupsafe import Markup, escape

from ..search import normalize, patterns

ELLIPSIS = "…"


def match_spans(text: str, search: str) -> list[tuple[int, int]]:
    """Non-overlapping spans of every term's matches, in order."""
    normalized = normalize(text)
    spans = sorted(m.span() for pattern in _patterns(search) for m in pattern.finditer(normalized) if m.end() > m.start())
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


@lru_cache(maxsize=256)
def _patterns(search: str) -> tuple:
    """patterns() once per search: an export marks thousands of passages for the same one."""
    return tuple(patterns(search))


def highlight(text: str | None, search: str | None) -> str | None:
    """The whole text as safe HTML with <mark> around matches."""
    if text is None:
        return None
    return str(_marked(text, match_spans(text, search or ""), 0, len(text)))


def excerpt(text: str | None, search: str | None, before: int = 40, length: int = 160) -> str | None:
    """About ``length`` characters around the first match, as safe HTML; None when nothing matches."""
    window = _window(text, search, before, length)
    if window is None:
        return None
    start, end, spans = window
    html = _marked(text, spans, start, end)
    return str((ELLIPSIS if start else "") + html + (ELLIPSIS if end < len(text) else ""))


def excerpt_text(text: str | None, search: str | None, before: int = 40, length: int = 160) -> str | None:
    """The same passage as excerpt(), as plain text (for CSV)."""
    window = _window(text, search, before, length)
    if window is None:
        return None
    start, end, _ = window
    return (ELLIPSIS if start else "") + text[start:end] + (ELLIPSIS if end < len(text) else "")


def _window(text, search, before, length) -> tuple[int, int, list[tuple[int, int]]] | None:
    if not text:
        return None
    spans = match_spans(text, search or "")
    if not spans:
        return None
    start = max(0, spans[0][0] - before)
    end = min(len(text), start + length)
    return start, end, [(max(s, start), min(e, end)) for s, e in spans if s < end and e > start]


def _marked(text: str, spans: list[tuple[int, int]], start: int, end: int) -> Markup:
    pieces = []
    position = start
    for span_start, span_end in spans:
        pieces.append(escape(text[position:span_start]))
        pieces.append(Markup("<mark>") + escape(text[span_start:span_end]) + Markup("</mark>"))
        position = span_end
    pieces.append(escape(text[position:end]))
    return Markup("").join(pieces)


_TAG = re.compile(r"(<[^>]*>)")


def mark_html(html: str, search: str | None) -> Markup:
    """Safe HTML (already sanitized) with <mark> around matches in its text; a match that crosses a
    tag is left unmarked."""
    if not search:
        return Markup(html)
    pieces = []
    for piece in _TAG.split(str(html)):
        if not piece or piece.startswith("<"):
            pieces.append(piece)
            continue
        text = unescape(piece)
        pieces.append(str(_marked(text, match_spans(text, search), 0, len(text))))
    return Markup("".join(pieces))
