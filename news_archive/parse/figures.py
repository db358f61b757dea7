"""Figures in an article's HTML: which boxes are figures, and each one's image, caption and credit."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

from bs4 import Tag

from .html_tree import BLOCKS, contains, element_text, first_tag, in_noscript, next_tag, significant, tags_named
from .model import Figure
from .text import one_line
from .urls import HTTP_SCHEME

CAPTION_CLASS = re.compile(r"caption", re.I)
COPYRIGHT_CLASS = re.compile(r"copyright", re.I)
CREDIT_IN_CAPTION = re.compile(r"\s*Credit\.\.\.\s*")
PROXY_PREFIX = re.compile(r"\A(ssl:)?/*")
IMAGE = frozenset({"img"})
THUMBOR_PATH = re.compile(r"\A/unsafe/(?:\d+x\d+/)?(?P<target>https?://.+)\Z")


def is_figure_box(tag: Tag) -> bool:
    """A box holding an image and its caption or copyright line, and no article text.

    BBC (``<span class=image-and-copyright-container>``, ``<figcaption>``), VOA
    (``<span class=imageCaption>``), RFA (``<div class=image-caption>``), WordPress
    (``<p class=wp-caption-text>``).
    """
    if tag.name not in ("div", "span") or not contains(tag, IMAGE):  # most boxes hold no image: no walk
        return False
    blocks, has_image, has_copyright = [], False, False
    for node in tag.descendants:  # one pass: most boxes tested are large wrappers
        if not isinstance(node, Tag):
            continue
        if node.name in BLOCKS:
            blocks.append(node)
            if len(blocks) > 1:
                return False  # more than a caption: a wrapper around article text
        has_image = has_image or (node.name == "img" and not in_noscript(node))
        has_copyright = has_copyright or _is_copyright(node)
    if not has_image:
        return False
    caption = _caption_of(tag)
    if blocks and (caption is None or not (blocks[0] is caption or caption in blocks[0].parents)):
        return False
    return caption is not None or has_copyright


def is_caption_box(tag: Tag) -> bool:
    """<div><small>…</small></div>: the 2020 style's caption line."""
    children = significant(tag.contents)
    return tag.name == "div" and len(children) == 1 and getattr(children[0], "name", None) == "small"


def caption_after(image: Tag) -> Tag | None:
    """The 2020 style's caption line right after an image, if there is one."""
    following = next_tag(image)
    return following if following is not None and is_caption_box(following) else None


def read_figure(tag: Tag, caption_from: Tag | None, position: Callable[[], int]) -> tuple[Figure, Tag | None] | None:
    """The figure of an image or a box, and the element its caption came from (whose links are the
    figure's); None when it has no image, caption or credit. Copyright lines and <cite> credits are
    taken out of the tree, so the caption's text is the caption alone; ``position`` numbers a kept figure."""
    image = tag if tag.name == "img" else _first_image(tag)
    source = _image_source(image, tag)
    caption_box = caption_from if caption_from is not None else (_caption_of(tag) if tag.name != "img" else None)
    credit = None
    copyright_box = first_tag(tag, _is_copyright) if tag.name != "img" else None
    if copyright_box is not None:
        credit = one_line(element_text(copyright_box)) or None
        copyright_box.extract()
    caption = None
    if caption_box is not None:
        cite = first_tag(caption_box, _is_cite)
        if cite is not None:
            credit = one_line(element_text(cite)) or credit
            cite.extract()
        caption = one_line(element_text(caption_box))
        if "Credit..." in caption:
            caption, printed_credit = CREDIT_IN_CAPTION.split(caption, maxsplit=1)
            credit = credit or one_line(printed_credit) or None
    alt = image.get("alt") if image is not None else None
    if source is None and not caption and not credit:
        return None
    image_url, proxied_url = unwrap_image_proxy(source) if source else (None, None)
    alt = one_line(alt) or None if alt is not None else None
    return Figure(position(), image_url, proxied_url, alt, caption or None, credit), caption_box


def unwrap_image_proxy(url: str) -> tuple[str, str | None]:
    """(original URL, proxied URL or None) for images served through images.weserv.nl or thumbor."""
    parts = urlsplit(url)
    if parts.hostname == "images.weserv.nl" and parts.query.startswith("url="):
        # The feed appended the image URL unencoded, so its own query ("?quality=75&width=600") follows.
        target = PROXY_PREFIX.sub("", url.split("url=", 1)[1])
        if target:
            return (target if HTTP_SCHEME.match(target) else "https://" + target), url
    match = THUMBOR_PATH.match(parts.path) if parts.hostname and "thumbor" in parts.hostname else None
    if match:
        return match.group("target"), url
    return url, None


def _first_image(box: Tag) -> Tag | None:
    """The box's image: its first <img> that is not a <noscript> fallback."""
    return next((image for image in tags_named(box, "img") if not in_noscript(image)), None)


def _caption_of(box: Tag) -> Tag | None:
    return first_tag(box, _is_figcaption) or first_tag(box, _is_caption)


def _image_source(image: Tag | None, box: Tag) -> str | None:
    """src, else data-src, else the last <source srcset> candidate (NYT lists them smallest first)."""
    if image is not None:
        for attribute in ("src", "data-src"):
            value = (image.get(attribute) or "").strip()
            if value:
                return value
    candidates = [
        part.strip().split(" ")[0]
        for source in (tags_named(box, "source") if box.name != "img" else ())
        for part in (source.get("srcset") or source.get("srcSet") or "").split(",")
        if part.strip()
    ]
    return candidates[-1] if candidates else None


# Tests for first_tag: bs4's find(class_=pattern) matches a pattern against each class name.
def _is_caption(tag: Tag) -> bool:
    return any(CAPTION_CLASS.search(name) for name in tag.attrs.get("class") or ())


def _is_copyright(tag: Tag) -> bool:
    return any(COPYRIGHT_CLASS.search(name) for name in tag.attrs.get("class") or ())


def _is_figcaption(tag: Tag) -> bool:
    return tag.name == "figcaption"


def _is_cite(tag: Tag) -> bool:
    return tag.name == "cite"
