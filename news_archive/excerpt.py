"""Search results shown in the original text: matches marked, everything else HTML-escaped.

Matches are found on normalize(text), which has the same length as the text, so every span found
there is the same span of the original (Traditional script, full-width letters and all).
"""

from __future__ import annotations

from markupsafe import Markup, escape

from .search import normalize, patterns

ELLIPSIS = "…"


def match_spans(text: str, search: str) -> list[tuple[int, int]]:
    """Non-overlapping spans of every term's matches, in order."""
    normalized = normalize(text)
    spans = sorted(m.span() for pattern in patterns(search) for m in pattern.finditer(normalized) if m.end() > m.start())
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str | None, search: str | None) -> str | None:
    """The whole text as safe HTML with <mark> around matches."""
    if text is None:
        return None
    return str(_marked(text, match_spans(text, search or ""), 0, len(text)))


def excerpt(text: str | None, search: str | None, before: int = 40, length: int = 160) -> str | None:
    """About ``length`` characters around the first match, as safe HTML; None when nothing matches."""
    if not text:
        return None
    spans = match_spans(text, search or "")
    if not spans:
        return None
    start = max(0, spans[0][0] - before)
    end = min(len(text), start + length)
    inside = [(max(s, start), min(e, end)) for s, e in spans if s < end and e > start]
    html = _marked(text, inside, start, end)
    return str((ELLIPSIS if start else "") + html + (ELLIPSIS if end < len(text) else ""))


def _marked(text: str, spans: list[tuple[int, int]], start: int, end: int) -> Markup:
    pieces = []
    position = start
    for span_start, span_end in spans:
        pieces.append(escape(text[position:span_start]))
        pieces.append(Markup("<mark>") + escape(text[span_start:span_end]) + Markup("</mark>"))
        position = span_end
    pieces.append(escape(text[position:end]))
    return Markup("").join(pieces)
