"""The text of an article that can name places: title, every paragraph (author bios and credits too:
"常驻香港", "自上海对本文有研究贡献") and figure captions. Outlets' names (德国之声版权所有) are in the
gazetteer as phrases that are not places."""

from __future__ import annotations

from ..parse.model import Article
from .match import Mention, find_places


def text_units(article: Article) -> list[tuple[int, str]]:
    """(position, text) pairs: the title at 0, then paragraphs and figure captions at their positions."""
    units = [(0, article.title)]
    units += [(p.position, p.text) for p in article.body.paragraphs]
    units += [(f.position, f.caption) for f in article.body.figures if f.caption]
    return sorted(units)


def article_places(article: Article) -> list[Mention]:
    return find_places(text_units(article))
