"""The text of an article that can name places: title, every paragraph (author bios and credits too:
"常驻香港", "自上海对本文有研究贡献") and figure captions. Outlets' names (德国之声版权所有) are in the
gazetteer as phrases that are not places."""

from __future__ import annotations

from typing import NamedTuple

from ..parse.model import Article
from .match import Mention, find_places


class NormalizedTexts(NamedTuple):
    """normalize() of an article's title, of each paragraph's text and of each figure's caption, in order."""

    title: str
    paragraphs: list[str]
    captions: list[str | None]



def text_units(article: Article, normalized: NormalizedTexts | None = None) -> list[tuple[int, str]]:
    """(position, text) pairs: the title at 0, then paragraphs and figure captions at their positions;
    given ``normalized``, those texts normalize()d (the build normalizes each article's texts once)."""
    body = article.body
    title, paragraphs, captions = normalized or (
        article.title, [p.text for p in body.paragraphs], [f.caption for f in body.figures])
    units = [(0, title)]
    units += [(p.position, text) for p, text in zip(body.paragraphs, paragraphs)]
    units += [(f.position, caption) for f, caption in zip(body.figures, captions) if caption]
    return sorted(units)


def article_places(article: Article, normalized: NormalizedTexts | None = None) -> list[Mention]:
    return find_places(text_units(article, normalized), normalized=normalized is not None)
