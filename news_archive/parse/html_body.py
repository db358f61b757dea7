"""Read an article's HTML body into paragraphs, figures and links, in reading order.

One walker serves every body style: 2020 (``<div><i>AUTHOR<br>date</i></div><img><div><small>``),
2021 (``<address>``, ``<time pudate>``, ``<figure>``, ``<section class=…>``) and 2022+ (the seed's), and
other outlets' markup. Text outside any ``<p>`` becomes a paragraph of its own so nothing is lost.
"""

from __future__ import annotations

import re
from html import escape
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from bs4.builder import LXMLTreeBuilder

from .dates import parse_printed_date
from .model import Body, Figure, Link, Paragraph
from .source import SourceError
from .text import clean_text, one_line

# Elements whose content is never article text.
SKIPPED = {
    "script", "style", "noscript", "iframe", "svg", "button", "form", "input", "select", "textarea",
    "meta", "link", "template", "object", "embed", "canvas", "head", "title", "nav",
}
# Classes of elements that only screen readers see ("Image caption", "图片版权"), and of the page
# furniture some archived pages carry after the article (related links, app promotions).
SKIPPED_CLASSES = {
    "off-screen", "visually-hidden", "sr-only",
    "refer-list", "related-title", "related-articles", "apple-store-icon", "google-play-icon", "download-apk",
}
MEDIA = {"audio", "video"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
INLINE = {
    "a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "del", "dfn", "em", "font", "i", "ins",
    "kbd", "label", "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup",
    "time", "tt", "u", "var", "wbr",
}
BOLD = ("b", "strong")
BLOCKS = {"p", "li", "blockquote", *HEADINGS}
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# An inline element holding any of these is walked as a box, not read as part of a paragraph.
INLINE_BREAKERS = {"p", "img", "figure", "div", "li"}
# A <li> or <blockquote> holding any of these is walked as a box of paragraphs.
CONTAINER_MARKERS = {"div", "figure", "img", *BLOCKS}
# The summary printed above an article (FT), kept as a paragraph of kind "standfirst".
STANDFIRST_CLASSES = {"story-lead"}

CREDIT_LINE = re.compile(
    r"\A(翻译|翻譯|译者|譯者|编译|編譯|审校|審校|责编|責編|网编|網編|编辑|編輯|发稿|發稿|"
    r"(实习|實習|特约|特約)?(记者|記者))\s*[：:/／|｜ ]"
)
CONTRIBUTION_LINE = re.compile(r"对本文有[^。]{0,8}贡献|對本文有[^。]{0,8}貢獻|补充报道\Z|補充報導\Z")
# DW's closing line: the staff who wrote and edited it, then the agencies, "文山/李鱼/(德新社、路透社)".
SIGNATURE_LINE = re.compile(r"\A[\u4e00-\u9fff·]{2,5}(\s*/\s*[\u4e00-\u9fff·]{2,5})*\s*/?\s*[（(][^（）()]*社[^（）()]*[）)]\Z")
COPYRIGHT_LINE = re.compile(r"\A(©|\(c\)|版权声明|版權聲明)", re.I)
ENGLISH_EDITION_LINE = re.compile(r"\A点击查看本文英文版")
BOILERPLATE = re.compile(
    r"\A(获取更多RSS|Feed enhanced by|我们的标准：|感谢阅读今天的简报|免费下载 纽约时报中文网|[（(]欢迎点击此处订阅|相关报道\Z"
    r"|告知：第三方内容可能包含广告)"
    r"|不代表德国之声|仅代表作者"
)
# Credit lines are names; "记者：“最高刑罚……”" in an interview transcript is a question.
SENTENCE_MARKS = re.compile(r"[。？！?!“”「」\"]")
FOOTER_NAME = re.compile(r"\A([A-Z][A-Za-z.'’-]*(?: [A-Z][A-Za-z.'’-]*)+)")
CREDIT_IN_CAPTION = re.compile(r"\s*Credit\.\.\.\s*")
DATE_LINE = re.compile(r"\A日期[：:]\s*(.+)\Z")
MARKDOWN_BOLD = re.compile(r"\A\*\*(.+)\*\*\Z", re.S)
STANDFIRST_AUTHOR = re.compile(r"\A([\u4e00-\u9fff·•]{2,8})：")
CAPTION_CLASS = re.compile(r"caption", re.I)
COPYRIGHT_CLASS = re.compile(r"copyright", re.I)
PROXY_PREFIX = re.compile(r"\A(ssl:)?/*")
THUMBOR_PATH = re.compile(r"\A/unsafe/(?:\d+x\d+/)?(?P<target>https?://.+)\Z")
# Real articles nest 13 levels at most; libxml2 stops at 256. Deeper trees are refused up front: the
# walker recurses per level and scans each box's descendants (100k nested <div>s took 35 s).
MAX_DEPTH = 256


class _TreeBuilder(LXMLTreeBuilder):
    """bs4's lxml tree builder without the namespace bookkeeping that HTML never needs.

    bs4 copies every element's attributes twice and looks up namespaces for each, a tenth of the
    tree's time; lxml's HTML parser reports no namespaces, and anything namespaced still goes
    through bs4's own code.
    """

    def start(self, tag, attrib, nsmap={}):  # noqa: B006 (bs4's signature)
        if nsmap or len(self.nsmaps) > 1 or tag[:1] == "{" or any(name[:1] == "{" for name in attrib):
            return super().start(tag, attrib, nsmap)
        attributes = self.attribute_dict_class(attrib)  # lxml gives str values: nothing to convert
        self.soup.handle_starttag(tag, None, None, attributes, namespaces=self.active_namespace_prefixes[-1])

    def end(self, tag):
        if len(self.nsmaps) > 1 or tag[:1] == "{":
            return super().end(tag)
        self.soup.endData()
        self.soup.handle_endtag(tag, None)


def parse_body(html: str) -> Body:
    soup = BeautifulSoup(html, builder=_TreeBuilder())  # a builder holds its soup: one per call
    if _deeper_than(soup, MAX_DEPTH):
        raise SourceError(f"HTML nested too deeply: more than {MAX_DEPTH} levels of elements")
    walker = _Walker()
    walker.walk(soup.body or soup, "body")
    walker.flush("body")
    if html and not html.rstrip().endswith(">"):
        walker.body.warnings.append(f"HTML looks truncated: it ends with {html.rstrip()[-30:]!r}")
    return walker.body


def _deeper_than(root: Tag, limit: int) -> bool:
    stack = [(root, 0)]  # iterative: the tree may be deeper than Python's recursion limit
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in node.children if isinstance(child, Tag))
    return False


def element_text(node: Tag | NavigableString) -> str:
    """The text a reader sees: <br> as a line break, hidden and skipped elements left out."""
    if isinstance(node, Comment):
        return ""
    if isinstance(node, NavigableString):
        return str(node)
    if node.name == "br":
        return "\n"
    if _is_skipped(node):
        return ""
    return "".join(element_text(child) for child in node.children)


def unwrap_image_proxy(url: str) -> tuple[str, str | None]:
    """(original URL, proxied URL or None) for images served through images.weserv.nl or thumbor."""
    parts = urlsplit(url)
    if parts.hostname == "images.weserv.nl" and parts.query.startswith("url="):
        # The feed appended the image URL unencoded, so its own query ("?quality=75&width=600") follows.
        target = PROXY_PREFIX.sub("", url.split("url=", 1)[1])
        if target:
            return (target if re.match(r"https?://", target) else "https://" + target), url
    match = THUMBOR_PATH.match(parts.path) if parts.hostname and "thumbor" in parts.hostname else None
    if match:
        return match.group("target"), url
    return url, None


def outer_html(node: Tag | NavigableString) -> str:
    """A node's HTML, attributes in source order (bs4's str() is 3.5x slower: its formatter runs per node)."""
    if isinstance(node, Comment):
        return f"<!--{node}-->"
    if isinstance(node, NavigableString):
        return escape(node, quote=False)
    attributes = "".join(
        f' {name}="{escape(" ".join(value) if isinstance(value, list) else value)}"'
        for name, value in node.attrs.items()
    )
    if node.name in VOID_ELEMENTS:
        return f"<{node.name}{attributes}/>"
    return f"<{node.name}{attributes}>{''.join(map(outer_html, node.children))}</{node.name}>"


# bs4's find() builds a matcher per call (25 us), and its descendants generator costs more than
# the recursion over .contents below (5 us) on the small trees of article bodies.
def _contains(tag: Tag, names) -> bool:
    for child in tag.contents:
        if isinstance(child, Tag) and (child.name in names or _contains(child, names)):
            return True
    return False


def _all(tag: Tag, name: str) -> list[Tag]:
    """The elements called ``name`` inside ``tag``, in document order."""
    found = []
    for child in tag.contents:
        if isinstance(child, Tag):
            if child.name == name:
                found.append(child)
            if child.contents:
                found += _all(child, name)
    return found


def _first(tag: Tag, test) -> Tag | None:
    """The first element inside ``tag``, in document order, that passes ``test``."""
    for child in tag.contents:
        if isinstance(child, Tag):
            if test(child):
                return child
            found = _first(child, test)
            if found is not None:
                return found
    return None


def _next_tag(node: Tag, name: str | None = None) -> Tag | None:
    """The first following sibling element (called ``name``, when given)."""
    return next((s for s in node.next_siblings if isinstance(s, Tag) and name in (None, s.name)), None)


def _is_caption(tag: Tag) -> bool:
    return any(CAPTION_CLASS.search(name) for name in tag.get("class") or ())


def _is_copyright(tag: Tag) -> bool:
    return any(COPYRIGHT_CLASS.search(name) for name in tag.get("class") or ())


def _is_figcaption(tag: Tag) -> bool:
    return tag.name == "figcaption"


def _is_cite(tag: Tag) -> bool:
    return tag.name == "cite"


def _plain(nodes: list) -> bool:
    """Text only: no element inside (a paragraph's own <p> aside)."""
    if len(nodes) == 1 and isinstance(nodes[0], Tag):
        return not any(isinstance(child, Tag) for child in nodes[0].children)
    return not any(isinstance(node, Tag) for node in nodes)


def _is_skipped(tag: Tag) -> bool:
    return tag.name in SKIPPED or bool(SKIPPED_CLASSES.intersection(tag.get("class") or ()))


def _significant(nodes) -> list:
    return [n for n in nodes if not (isinstance(n, NavigableString) and not n.strip()) and not isinstance(n, Comment)]


def _is_br(node) -> bool:
    return isinstance(node, Tag) and node.name == "br"


def _split_at_breaks(nodes: list, breaks: int) -> list[list]:
    """Split a run of inline nodes where ``breaks`` or more <br> follow each other."""
    if not any(map(_is_br, nodes)):
        return [nodes]
    groups: list[list] = [[]]
    pending: list = []  # <br>s (and the blank text between them) not yet known to end a group
    for node in nodes:
        if _is_br(node) or (pending and isinstance(node, NavigableString) and not node.strip()):
            pending.append(node)
            continue
        if sum(map(_is_br, pending)) >= breaks:
            groups.append([])
        else:
            groups[-1].extend(pending)
        pending = []
        groups[-1].append(node)
    groups[-1].extend(pending)
    return [group for group in groups if clean_text("".join(element_text(n) for n in group))]


def _is_credit(text: str) -> bool:
    if CONTRIBUTION_LINE.search(text) or SIGNATURE_LINE.match(text):
        return True
    return bool(CREDIT_LINE.match(text)) and len(text) <= 80 and not SENTENCE_MARKS.search(text)


def _is_colophon_line(text: str) -> bool:
    return _is_credit(text) or bool(ENGLISH_EDITION_LINE.match(text))


def _unbolded_text(node) -> str:
    if isinstance(node, Tag) and (node.name in BOLD or _is_skipped(node)):
        return ""
    if isinstance(node, Tag) and node.name != "br":
        return "".join(_unbolded_text(child) for child in node.children)
    return element_text(node)


class _Walker:
    def __init__(self) -> None:
        self.body = Body()
        self.position = 0
        self.inline: list = []

    def next_position(self) -> int:
        self.position += 1
        return self.position

    # -- flow ------------------------------------------------------------------------------------

    def walk(self, container: Tag, kind: str) -> None:
        for child in list(container.children):
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                if str(child).strip():
                    self.inline.append(child)
            elif isinstance(child, Tag):
                self.visit(child, kind)

    def visit(self, tag: Tag, kind: str) -> None:
        name = tag.name
        if _is_skipped(tag):
            return
        if name in INLINE and not _contains(tag, INLINE_BREAKERS):
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
        elif STANDFIRST_CLASSES.intersection(tag.get("class") or ()):
            self.read_standfirst(tag)
        elif name == "figure" or self.is_figure_box(tag):
            self.add_figure(tag)
        elif name in ("img", "picture"):
            self.add_figure(tag, caption_from=self.caption_after(tag))
        elif name == "p":
            self.read_paragraph(tag, kind)
        elif name in HEADINGS:
            self.store_run([tag], "subhead" if kind == "body" else kind)
        elif name == "li":
            self.read_container_or_paragraph(tag, "list_item" if kind == "body" else kind)
        elif name == "blockquote":
            self.read_container_or_paragraph(tag, "quote" if kind == "body" else kind)
        elif self.read_header(tag) or self.is_caption_box(tag):
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
        for group in _split_at_breaks(nodes, 2):
            self.store_run(group, kind)

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
        children = _significant(tag.children)
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

    # -- blocks --------------------------------------------------------------------------------

    def read_container_or_paragraph(self, tag: Tag, kind: str) -> None:
        if _contains(tag, CONTAINER_MARKERS):
            self.walk(tag, kind)
            self.flush(kind)
        else:
            self.store_run([tag], kind)

    def read_paragraph(self, tag: Tag, kind: str) -> None:
        # <p><img><small>caption</small></p>: a figure; any other text stays a paragraph.
        for image in _all(tag, "img"):
            self.add_figure(image, caption_from=_next_tag(image, "small"))
            image.extract()
        groups = _split_at_breaks(list(tag.children), 2)
        if len(groups) <= 1:
            self.store_run([tag], kind)
        else:
            for group in groups:
                self.store_run(group, kind)

    def store_run(self, nodes: list, kind: str) -> None:
        """Store a run of nodes as one paragraph, or line by line when it is a colophon.

        NYT 2020 bodies end in one <p> of <br>-separated lines: author bios, "…对本文有报道贡献",
        "翻译：…" and the link to the English edition. Each line is stored with its own kind.
        """
        parts = list(nodes[0].children) if len(nodes) == 1 and isinstance(nodes[0], Tag) else nodes
        lines = _split_at_breaks(parts, 1)
        texts = [clean_text("".join(element_text(n) for n in line)) for line in lines]
        if kind in ("body", "footer") and len(lines) > 1 and any(map(_is_colophon_line, texts)):
            for line, text in zip(lines, texts):
                self.store_paragraph(line, text, "footer")
            return
        # One line is the whole run's text; several are joined as element_text joins them at <br>.
        text = texts[0] if len(lines) == 1 else clean_text("".join(element_text(n) for n in nodes))
        if text:
            self.store_paragraph(nodes, text, kind)

    def store_paragraph(self, nodes: list, text: str, kind: str) -> None:
        if kind in ("body", "footer"):
            markdown = MARKDOWN_BOLD.match(text)
            if _is_credit(text):
                kind = "credit"
            elif COPYRIGHT_LINE.match(text) or BOILERPLATE.search(text) or ENGLISH_EDITION_LINE.match(text):
                kind = "footer"
            elif kind == "body" and markdown:
                kind, text = "subhead", markdown.group(1).strip()
            elif kind == "body" and self.is_subhead(nodes, text):
                kind = "subhead"
        if kind == "footer":
            match = FOOTER_NAME.match(text)
            if match:
                self.body.footer_names.append(match.group(1))
        position = self.next_position()
        # Most paragraphs are plain text: their markup would repeat the text, so it is kept only
        # for paragraphs with links, emphasis or line breaks (a third of the database otherwise).
        # A block's own tag (<p class=...>) is left out: its content is the paragraph.
        if len(nodes) == 1 and isinstance(nodes[0], Tag) and nodes[0].name in BLOCKS:
            nodes_html = list(nodes[0].children)
        else:
            nodes_html = nodes
        html = None if _plain(nodes) else "".join(map(outer_html, nodes_html))
        self.body.paragraphs.append(Paragraph(position, kind, text, html))
        for node in nodes:
            if isinstance(node, Tag):
                self.add_links(node, position)

    @staticmethod
    def is_subhead(nodes: list, text: str) -> bool:
        """A short paragraph that is bold throughout (VOA, RFA, CDT style subheads)."""
        if len(text) > 40 or "\n" in text or text.endswith(("。", "：", ":")):
            return False
        has_bold = any(isinstance(n, Tag) and (n.name in BOLD or _contains(n, BOLD)) for n in nodes)
        return has_bold and not clean_text("".join(_unbolded_text(n) for n in nodes))

    def add_links(self, tag: Tag, paragraph_position: int | None) -> None:
        anchors = [tag] if tag.name == "a" else _all(tag, "a")
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

    # -- figures -------------------------------------------------------------------------------

    @staticmethod
    def is_figure_box(tag: Tag) -> bool:
        """A box holding an image and its caption or copyright line, and no article text.

        BBC (``<span class=image-and-copyright-container>``, ``<figcaption>``), VOA
        (``<span class=imageCaption>``), RFA (``<div class=image-caption>``), WordPress
        (``<p class=wp-caption-text>``).
        """
        if tag.name not in ("div", "span"):
            return False
        blocks, has_image, has_copyright = [], False, False
        for node in tag.descendants:  # one pass: most boxes tested are large wrappers
            if not isinstance(node, Tag):
                continue
            if node.name in BLOCKS:
                blocks.append(node)
                if len(blocks) > 1:
                    return False  # more than a caption: a wrapper around article text
            has_image = has_image or (node.name == "img" and not _in_noscript(node))
            has_copyright = has_copyright or _is_copyright(node)
        if not has_image:
            return False
        caption = _caption_of(tag)
        if blocks and (caption is None or not (blocks[0] is caption or caption in blocks[0].parents)):
            return False
        return caption is not None or has_copyright

    @staticmethod
    def is_caption_box(tag: Tag) -> bool:
        """<div><small>…</small></div>: the 2020 style's caption line."""
        children = _significant(tag.children)
        return tag.name == "div" and len(children) == 1 and getattr(children[0], "name", None) == "small"

    def caption_after(self, image: Tag) -> Tag | None:
        following = _next_tag(image)
        if following is not None and self.is_caption_box(following):
            return following
        return None

    def add_figure(self, tag: Tag, caption_from: Tag | None = None) -> None:
        image = tag if tag.name == "img" else _first_image(tag)
        source = _image_source(image, tag)
        caption_box = caption_from if caption_from is not None else (_caption_of(tag) if tag.name != "img" else None)
        credit = None
        copyright_box = _first(tag, _is_copyright) if tag.name != "img" else None
        if copyright_box is not None:
            credit = one_line(element_text(copyright_box)) or None
            copyright_box.extract()
        caption = None
        if caption_box is not None:
            cite = _first(caption_box, _is_cite)
            if cite is not None:
                credit = one_line(element_text(cite)) or credit
                cite.extract()
            caption = one_line(element_text(caption_box))
            if "Credit..." in caption:
                caption, printed_credit = CREDIT_IN_CAPTION.split(caption, maxsplit=1)
                credit = credit or one_line(printed_credit) or None
        alt = image.get("alt") if image is not None else None
        if source is None and not caption and not credit:
            return
        image_url, proxied_url = unwrap_image_proxy(source) if source else (None, None)
        self.body.figures.append(
            Figure(
                position=self.next_position(),
                image_url=image_url,
                proxied_url=proxied_url,
                alt=one_line(alt) or None if alt is not None else None,
                caption=caption or None,
                credit=credit,
            )
        )
        if caption_box is not None:
            self.add_links(caption_box, None)
        if caption_from is not None:
            caption_from.extract()


def _first_image(box: Tag) -> Tag | None:
    """The box's image: its first <img> that is not a <noscript> fallback."""
    return next((image for image in _all(box, "img") if not _in_noscript(image)), None)


def _in_noscript(node: Tag) -> bool:
    return any(parent.name == "noscript" for parent in node.parents)


def _caption_of(box: Tag) -> Tag | None:
    return _first(box, _is_figcaption) or _first(box, _is_caption)


def _image_source(image: Tag | None, box: Tag) -> str | None:
    """src, else data-src, else the last <source srcset> candidate (NYT lists them smallest first)."""
    if image is not None:
        for attribute in ("src", "data-src"):
            value = (image.get(attribute) or "").strip()
            if value:
                return value
    candidates = [
        part.strip().split(" ")[0]
        for source in (_all(box, "source") if box.name != "img" else ())
        for part in (source.get("srcset") or source.get("srcSet") or "").split(",")
        if part.strip()
    ]
    return candidates[-1] if candidates else None
