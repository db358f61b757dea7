"""Read an article's HTML body into paragraphs, figures and links, in reading order.

One walker serves every body style: 2020 (``<div><i>AUTHOR<br>date</i></div><img><div><small>``),
2021 (``<address>``, ``<time pudate>``, ``<figure>``, ``<section class=…>``) and 2022+ (the seed's), and
other outlets' markup. Text outside any ``<p>`` becomes a paragraph of its own so nothing is lost.
The tree and the walks over it are html_tree's; which boxes are figures, figures'; what kind a
paragraph is, kinds'.
"""

from __future__ import annotations

import re

from bs4 import Comment, NavigableString, Tag

from ..han import UNIFIED
from .dates import parse_printed_date
from .figures import caption_after, is_caption_box, is_figure_box, read_figure
from .html_soup import TooDeep, make_soup
from .html_tree import (
    BLOCKS, HEADINGS, MAX_DEPTH, contains, element_text, is_plain, is_skipped,
    next_tag, outer_html, significant, split_at_breaks, tags_named,
)
from .kinds import footer_name, is_colophon_line, kind_of
from .model import Body, Link, Paragraph
from .source import SourceError
from .text import clean_text, one_line

MEDIA = {"audio", "video"}
INLINE = {
    "a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "del", "dfn", "em", "font", "i", "ins",
    "kbd", "label", "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup",
    "time", "tt", "u", "var", "wbr",
}
# An inline element holding any of these is walked as a box, not read as part of a paragraph.
INLINE_BREAKERS = {"p", "img", "figure", "div", "li"}
# A <li> or <blockquote> holding any of these is walked as a box of paragraphs.
CONTAINER_MARKERS = {"div", "figure", "img", *BLOCKS}
# The summary printed above an article (FT), kept as a paragraph of kind "standfirst".
STANDFIRST_CLASSES = {"story-lead"}
DATE_LINE = re.compile(r"\A日期[：:]\s*(.+)\Z")
STANDFIRST_AUTHOR = re.compile(f"\\A([{UNIFIED}·•]{{2,8}})：")


def parse_body(html: str) -> Body:
    try:
        soup = make_soup(html, MAX_DEPTH)
    except TooDeep as error:
        raise SourceError(f"HTML nested too deeply: {error}") from None
    walker = _Walker()
    walker.walk(soup.body or soup, "body")
    walker.flush("body")
    if html and not html.rstrip().endswith(">"):
        walker.body.warnings.append(f"HTML looks truncated: it ends with {html.rstrip()[-30:]!r}")
    return walker.body


def _text_only(tag: Tag) -> bool:
    """Only strings inside: no element, comment or other special string."""
    return all(type(node) is NavigableString for node in tag.contents)


class _Store:
    """Puts paragraphs, their links and figures into the Body, numbered in reading order."""

    def __init__(self) -> None:
        self.body = Body()
        self.position = 0

    def next_position(self) -> int:
        self.position += 1
        return self.position

    def store_run(self, nodes: list, kind: str) -> None:
        """Store a run of nodes as one paragraph, or line by line when it is a colophon.

        NYT 2020 bodies end in one <p> of <br>-separated lines: author bios, "…对本文有报道贡献",
        "翻译：…" and the link to the English edition. Each line is stored with its own kind.
        """
        if len(nodes) == 1 and isinstance(nodes[0], Tag) and _text_only(nodes[0]):
            self.store_text(nodes[0], kind)
            return
        parts = list(nodes[0].contents) if len(nodes) == 1 and isinstance(nodes[0], Tag) else nodes
        lines = split_at_breaks(parts, 1)
        texts = [clean_text("".join(element_text(n) for n in line)) for line in lines]
        if kind in ("body", "footer") and len(lines) > 1 and any(map(is_colophon_line, texts)):
            for line, text in zip(lines, texts):
                self.store_paragraph(line, text, "footer")
            return
        # One line is the whole run's text; several are joined as element_text joins them at <br>.
        text = texts[0] if len(lines) == 1 else clean_text("".join(element_text(n) for n in nodes))
        if text:
            self.store_paragraph(nodes, text, kind)

    def store_text(self, tag: Tag, kind: str) -> None:
        """A block of text alone (most paragraphs): one line, its text the strings' own."""
        text = clean_text("".join(tag.contents))
        if text:
            self.store_paragraph([tag], text, kind)

    def store_paragraph(self, nodes: list, text: str, kind: str) -> None:
        kind, text = kind_of(nodes, text, kind)
        name = footer_name(text) if kind == "footer" else None
        if name:
            self.body.footer_names.append(name)
        position = self.next_position()
        # Most paragraphs are plain text: their markup would repeat the text, so it is kept only
        # for paragraphs with links, emphasis or line breaks (a third of the database otherwise).
        # A block's own tag (<p class=...>) is left out: its content is the paragraph.
        if len(nodes) == 1 and isinstance(nodes[0], Tag) and nodes[0].name in BLOCKS:
            nodes_html = list(nodes[0].contents)
        else:
            nodes_html = nodes
        html = None if is_plain(nodes) else "".join(map(outer_html, nodes_html))
        self.body.paragraphs.append(Paragraph(position, kind, text, html))
        for node in nodes:
            if isinstance(node, Tag):
                self.add_links(node, position)

    def add_links(self, tag: Tag, paragraph_position: int | None) -> None:
        anchors = [tag] if tag.name == "a" else tags_named(tag, "a")
        for anchor in anchors:
            href = (anchor.get("href") or "").strip()
            if not href:
                continue
            title = anchor.get("title")
            self.body.links.append(
                Link(
                    position=len(self.body.links) + 1,
                    paragraph_position=paragraph_position,
                    href=href,
                    text=one_line(element_text(anchor)),
                    title=one_line(title) or None if title else None,
                )
            )

    def add_figure(self, tag: Tag, caption_from: Tag | None = None) -> None:
        found = read_figure(tag, caption_from, self.next_position)
        if found is None:
            return
        figure, caption_box = found
        self.body.figures.append(figure)
        if caption_box is not None:
            self.add_links(caption_box, None)
        if caption_from is not None:
            caption_from.extract()


class _Walker(_Store):
    """Walks the tree in reading order and says what each element is: header, paragraph, figure or box."""

    def __init__(self) -> None:
        super().__init__()
        self.inline: list = []  # text and inline elements read outside any block, not yet stored

    def walk(self, container: Tag, kind: str) -> None:
        for child in list(container.contents):
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                if str(child).strip():
                    self.inline.append(child)
            elif isinstance(child, Tag):
                self.visit(child, kind)

    def visit(self, tag: Tag, kind: str) -> None:
        name = tag.name
        if is_skipped(tag):
            return
        if name in INLINE and not contains(tag, INLINE_BREAKERS):
            if name == "time" and tag.get("pudate"):
                self.flush(kind)
                self.read_time(tag)
            else:
                self.inline.append(tag)
            return
        self.flush(kind)
        if name == "address":
            self.body.byline = one_line(element_text(tag)) or self.body.byline
        elif name == "time":
            self.read_time(tag)
        elif name in MEDIA or name == "hr":
            pass
        elif name == "footer":
            self.walk(tag, "footer")
            self.flush("footer")
        elif STANDFIRST_CLASSES.intersection(tag.attrs.get("class") or ()):
            self.read_standfirst(tag)
        elif name == "figure" or is_figure_box(tag):
            self.add_figure(tag)
        elif name in ("img", "picture"):
            self.add_figure(tag, caption_from=caption_after(tag))
        elif name == "p":
            self.read_paragraph(tag, kind)
        elif name in HEADINGS:
            self.store_run([tag], "subhead" if kind == "body" else kind)
        elif name == "li":
            self.read_container_or_paragraph(tag, "list_item" if kind == "body" else kind)
        elif name == "blockquote":
            self.read_container_or_paragraph(tag, "quote" if kind == "body" else kind)
        elif self.read_header(tag) or is_caption_box(tag):
            # A <div><small> not taken by an image is the title under an <audio> or <video>.
            pass
        else:
            self.walk(tag, kind)
            self.flush(kind)

    def flush(self, kind: str) -> None:
        """Turn text read outside any block (e.g. in a bare <div>) into paragraphs of its own."""
        if not self.inline:
            return
        nodes, self.inline = self.inline, []
        text = clean_text("".join(element_text(node) for node in nodes))
        if not self.body.paragraphs and not self.body.printed_date:
            match = DATE_LINE.match(text)
            if match:
                self.body.printed_date = match.group(1)
                return
        for group in split_at_breaks(nodes, 2):
            self.store_run(group, kind)

    def read_time(self, tag: Tag) -> None:
        if tag.get("pudate"):
            self.body.pudate = tag["pudate"].strip()
        value = (tag.get("datetime") or tag.get("dateTime") or element_text(tag)).strip()
        if value and not self.body.printed_date:
            self.body.printed_date = value

    def read_header(self, tag: Tag) -> bool:
        """2020 bylines: <div><i>AUTHOR<br>date</i></div>, or a bare <div>date</div>, before any text."""
        if tag.name != "div" or self.body.paragraphs or self.body.figures:
            return False
        children = significant(tag.contents)
        holder = tag
        if len(children) == 1 and isinstance(children[0], Tag) and children[0].name == "i":
            holder = children[0]
        elif any(isinstance(c, Tag) and c.name != "br" for c in children):
            return False
        lines = [one_line(line) for line in element_text(holder).split("\n")]
        lines = [line for line in lines if line]
        if not lines:
            return holder is not tag  # an empty <div><i><br></i></div> is still the header
        if parse_printed_date(lines[-1]) is None:
            return False
        self.body.printed_date = lines[-1]
        if len(lines) > 1:
            # Some feeds wrote a missing name as the word "null" before the real one.
            self.body.byline = re.sub(r"\Anull\s+", "", " ".join(lines[:-1])) or None
        return True

    def read_standfirst(self, tag: Tag) -> None:
        """FT columns open the summary with the author's name: "尹鑫鑫：鉴于……"."""
        text = clean_text(element_text(tag))
        match = STANDFIRST_AUTHOR.match(text)
        if match and not self.body.byline:
            self.body.byline = match.group(1)
        self.store_run([tag], "standfirst")

    def read_container_or_paragraph(self, tag: Tag, kind: str) -> None:
        if contains(tag, CONTAINER_MARKERS):
            self.walk(tag, kind)
            self.flush(kind)
        else:
            self.store_run([tag], kind)

    def read_paragraph(self, tag: Tag, kind: str) -> None:
        if _text_only(tag):  # no image, no line break
            self.store_text(tag, kind)
            return
        # <p><img><small>caption</small></p>: a figure; any other text stays a paragraph.
        for image in tags_named(tag, "img"):
            self.add_figure(image, caption_from=next_tag(image, "small"))
            image.extract()
        groups = split_at_breaks(list(tag.contents), 2)
        if len(groups) <= 1:
            self.store_run([tag], kind)
        else:
            for group in groups:
                self.store_run(group, kind)
