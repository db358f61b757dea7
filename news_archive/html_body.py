"""Read an article's HTML body into paragraphs, figures and links, in reading order.

One walker serves every body style: 2020 (``<div><i>AUTHOR<br>date</i></div><img><div><small>``),
2021 (``<address>``, ``<time pudate>``, ``<figure>``, ``<section class=…>``) and 2022+ (the seed's), and
other outlets' markup. Text outside any ``<p>`` becomes a paragraph of its own so nothing is lost.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from .dates import parse_printed_date
from .model import Body, Figure, Link, Paragraph
from .text import clean_text, one_line

# Elements whose content is never article text.
SKIPPED = {
    "script", "style", "noscript", "iframe", "svg", "button", "form", "input", "select", "textarea",
    "meta", "link", "template", "object", "embed", "canvas", "head", "title", "nav",
}
MEDIA = {"audio", "video"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
INLINE = {
    "a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "del", "dfn", "em", "font", "i", "ins",
    "kbd", "label", "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup",
    "time", "tt", "u", "var", "wbr",
}
# Classes of elements that only screen readers see ("Image caption", "图片版权").
HIDDEN_CLASSES = {"off-screen", "visually-hidden", "sr-only"}

CREDIT_LINE = re.compile(r"\A(翻译|翻譯|译者|譯者|编译|編譯|审校|審校|责编|責編|网编|網編|编辑|編輯|记者|記者)\s*[：:/／ ]")
CONTRIBUTION_LINE = re.compile(r"对本文有(报道|研究)贡献|對本文有(報導|研究)貢獻")
COPYRIGHT_LINE = re.compile(r"\A(©|\(c\)|版权声明|版權聲明)", re.I)
FEED_BOILERPLATE = re.compile(r"\A(获取更多RSS|Feed enhanced by)")
ENGLISH_EDITION = re.compile(r"英文版|English version", re.I)
FOOTER_NAME = re.compile(r"\A([A-Z][A-Za-z.'’-]*(?: [A-Z][A-Za-z.'’-]*)+)")
CREDIT_IN_CAPTION = re.compile(r"\s*Credit\.\.\.\s*")
DATE_LINE = re.compile(r"\A日期[：:]\s*(.+)\Z")


def parse_body(html: str) -> Body:
    soup = BeautifulSoup(html, "lxml")
    walker = _Walker()
    root = soup.body or soup
    walker.walk(root, "body")
    walker.flush("body")
    if html and not html.rstrip().endswith(">"):
        walker.body.warnings.append(f"HTML looks truncated: it ends with {html.rstrip()[-30:]!r}")
    return walker.body


def element_text(node: Tag | NavigableString) -> str:
    """The text a reader sees: <br> as a line break, hidden and skipped elements left out."""
    if isinstance(node, Comment):
        return ""
    if isinstance(node, NavigableString):
        return str(node)
    if node.name == "br":
        return "\n"
    if node.name in SKIPPED or _is_hidden(node):
        return ""
    return "".join(element_text(child) for child in node.children)


def unwrap_image_proxy(url: str) -> tuple[str, str | None]:
    """(original URL, proxied URL or None) for images served through images.weserv.nl."""
    parts = urlsplit(url)
    if parts.hostname == "images.weserv.nl":
        target = parse_qs(parts.query).get("url", [""])[0]
        if target:
            target = re.sub(r"\Assl:", "", target)
            if not re.match(r"https?://", target):
                target = "https://" + target.lstrip("/")
            return target, url
    return url, None


def _is_hidden(tag: Tag) -> bool:
    return bool(HIDDEN_CLASSES.intersection(tag.get("class") or ()))


def _classes(tag: Tag) -> str:
    return " ".join(tag.get("class") or ())


class _Walker:
    def __init__(self) -> None:
        self.body = Body()
        self.position = 0
        self.inline: list = []
        self.last_block: str | None = None  # name of the last block-level element read

    # -- flow ------------------------------------------------------------------------------------

    def next_position(self) -> int:
        self.position += 1
        return self.position

    def walk(self, container: Tag, kind: str) -> None:
        for child in list(container.children):
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                if str(child).strip():
                    self.inline.append(child)
                continue
            if not isinstance(child, Tag):
                continue
            self.visit(child, kind)

    def visit(self, tag: Tag, kind: str) -> None:
        name = tag.name
        if name in SKIPPED or _is_hidden(tag):
            return
        if name in INLINE and not tag.find(["p", "img", "figure", "div", "li"]):
            if name == "time" and tag.get("pudate"):
                self.flush(kind)
                self.read_time(tag)
                return
            self.inline.append(tag)
            return
        self.flush(kind)
        if name == "address":
            self.body.byline = one_line(element_text(tag)) or self.body.byline
        elif name == "time":
            self.read_time(tag)
        elif name == "hr":
            self.last_block = "hr"
        elif name in MEDIA:
            self.last_block = name
        elif name == "footer":
            self.walk(tag, "footer")
            self.flush("footer")
        elif name == "figure" or self.is_figure_like(tag):
            self.add_figure(tag)
        elif name == "img" or name == "picture":
            self.add_figure(tag, caption_from=self.caption_after(tag))
        elif name == "p":
            self.read_paragraph(tag, kind)
        elif name in HEADINGS:
            self.add_paragraph(tag, "subhead" if kind == "body" else kind)
        elif name == "li":
            self.read_container_or_paragraph(tag, "list_item" if kind == "body" else kind)
        elif name == "blockquote":
            self.read_container_or_paragraph(tag, "quote" if kind == "body" else kind)
        elif self.read_header(tag):
            pass
        elif self.is_caption_box(tag):
            # A caption under audio or video (an image's caption was taken with the image).
            self.last_block = "caption"
        else:
            self.walk(tag, kind)
            self.flush(kind)

    def flush(self, kind: str) -> None:
        """Turn text read outside any block (e.g. in a bare <div>) into a paragraph of its own."""
        if not self.inline:
            return
        nodes, self.inline = self.inline, []
        text = clean_text("".join(element_text(node) for node in nodes))
        if not text:
            return
        if not self.body.paragraphs and not self.body.printed_date:
            match = DATE_LINE.match(text)
            if match:
                self.body.printed_date = match.group(1)
                return
        self.store_paragraph(nodes, text, kind, "".join(str(node) for node in nodes))

    # -- header --------------------------------------------------------------------------------

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
        children = [c for c in tag.children if not (isinstance(c, NavigableString) and not c.strip())]
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
            self.body.byline = " ".join(lines[:-1])
        return True

    # -- blocks --------------------------------------------------------------------------------

    def read_container_or_paragraph(self, tag: Tag, kind: str) -> None:
        if tag.find(["p", "div", "li", "figure", "img", "blockquote"] + sorted(HEADINGS)):
            self.walk(tag, kind)
            self.flush(kind)
        else:
            self.add_paragraph(tag, kind)

    def read_paragraph(self, tag: Tag, kind: str) -> None:
        images = tag.find_all("img")
        if not images:
            self.add_paragraph(tag, kind)
            return
        # <p><img><small>caption</small></p>: a figure; any other text stays a paragraph.
        for image in images:
            caption = image.find_next_sibling("small")
            self.add_figure(image, caption_from=caption)
            if caption is not None:
                caption.extract()
            image.extract()
        if clean_text(element_text(tag)):
            self.add_paragraph(tag, kind)

    def add_paragraph(self, tag: Tag, kind: str) -> None:
        text = clean_text(element_text(tag))
        if text:
            self.store_paragraph([tag], text, kind, str(tag))
        self.last_block = tag.name

    def store_paragraph(self, nodes: list, text: str, kind: str, html: str) -> None:
        if kind in ("body", "footer"):
            if CREDIT_LINE.match(text) or CONTRIBUTION_LINE.search(text):
                kind = "credit"
            elif COPYRIGHT_LINE.match(text) or FEED_BOILERPLATE.match(text):
                kind = "footer"
            elif kind == "body" and self.is_subhead(nodes, text):
                kind = "subhead"
        if kind == "footer":
            match = FOOTER_NAME.match(text)
            if match:
                self.body.footer_names.append(match.group(1))
        position = self.next_position()
        self.body.paragraphs.append(Paragraph(position, kind, text, html))
        for node in nodes:
            if isinstance(node, Tag):
                self.add_links(node, position)
        self.last_block = "p"

    @staticmethod
    def is_subhead(nodes: list, text: str) -> bool:
        """A short paragraph that is bold throughout (VOA, RFI style subheads)."""
        if len(nodes) != 1 or not isinstance(nodes[0], Tag) or len(text) > 40 or "\n" in text:
            return False
        bold = "".join(element_text(b) for b in nodes[0].find_all(["strong", "b"]))
        return clean_text(bold) == text and not text.endswith(("。", "：", ":"))

    def add_links(self, tag: Tag, paragraph_position: int | None) -> None:
        anchors = [tag] if tag.name == "a" else tag.find_all("a")
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
                    title=one_line(title) if title else None,
                )
            )

    # -- figures -------------------------------------------------------------------------------

    @staticmethod
    def is_figure_like(tag: Tag) -> bool:
        """A box that holds an image and its <figcaption> but no paragraphs (BBC's media boxes)."""
        return (
            tag.name in ("div", "span")
            and tag.find("figcaption") is not None
            and tag.find("img") is not None
            and tag.find("p") is None
        )

    @staticmethod
    def is_caption_box(tag: Tag) -> bool:
        """<div><small>…</small></div>: the 2020 style's caption line."""
        children = [c for c in tag.children if not (isinstance(c, NavigableString) and not c.strip())]
        return tag.name == "div" and len(children) == 1 and getattr(children[0], "name", None) == "small"

    def caption_after(self, image: Tag) -> Tag | None:
        following = image.find_next_sibling()
        if following is not None and self.is_caption_box(following):
            return following
        return None

    def add_figure(self, tag: Tag, caption_from: Tag | None = None) -> None:
        image = tag if tag.name == "img" else tag.find("img")
        source = _image_source(image, tag)
        caption = credit = None
        figcaption = tag.find("figcaption") if tag.name != "img" else None
        if figcaption is not None:
            cite = figcaption.find("cite")
            if cite is not None:
                credit = one_line(element_text(cite)) or None
                cite.extract()
            caption = one_line(element_text(figcaption))
            if "Credit..." in caption:
                caption, printed_credit = CREDIT_IN_CAPTION.split(caption, maxsplit=1)
                credit = credit or one_line(printed_credit) or None
        copyright_box = tag.find(class_=re.compile("copyright")) if tag.name != "img" else None
        if copyright_box is not None and credit is None:
            credit = one_line(element_text(copyright_box)) or None
        if caption_from is not None:
            caption = one_line(element_text(caption_from))
            caption_from.extract()
        alt = image.get("alt") if image is not None else None
        if source is None and not caption and not credit:
            return
        image_url, proxied_url = unwrap_image_proxy(source) if source else (None, None)
        position = self.next_position()
        self.body.figures.append(
            Figure(
                position=position,
                image_url=image_url,
                proxied_url=proxied_url,
                alt=one_line(alt) or None if alt is not None else None,
                caption=caption or None,
                credit=credit,
            )
        )
        if figcaption is not None:
            self.add_links(figcaption, None)
        self.last_block = "figure"


def _image_source(image: Tag | None, box: Tag) -> str | None:
    """src, else data-src, else the largest candidate of a <source srcset>."""
    if image is not None:
        for attribute in ("src", "data-src"):
            value = (image.get(attribute) or "").strip()
            if value:
                return value
    for source in box.find_all("source") if box.name != "img" else ():
        srcset = source.get("srcset") or source.get("srcSet") or ""
        candidates = [part.strip().split(" ")[0] for part in srcset.split(",") if part.strip()]
        if candidates:
            return candidates[-1]
    return None
