"""The bs4 tree of an article's HTML, and the plain walks and texts the body reader takes from it."""

from __future__ import annotations

from html import escape

from bs4 import Comment, NavigableString, Tag
from bs4.builder import LXMLTreeBuilder, builder_registry

from .text import clean_text

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
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
BOLD = ("b", "strong")
BLOCKS = {"p", "li", "blockquote", *HEADINGS}
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Real articles nest 13 levels at most; libxml2 stops at 256. Deeper trees are refused up front: the
# walker recurses per level and scans each box's descendants (100k nested <div>s took 35 s).
MAX_DEPTH = 256
# What parse_body asks BeautifulSoup for: the builder below (a name of its own, so bs4's "lxml" stays bs4's).
TREE_FEATURES = "news-archive-lxml"


class _TreeBuilder(LXMLTreeBuilder):
    """bs4's lxml tree builder without the namespace bookkeeping that HTML never needs.

    bs4 copies every element's attributes twice and looks up namespaces for each, a tenth of the
    tree's time; lxml's HTML parser reports no namespaces, and anything namespaced still goes
    through bs4's own code.
    """

    NAME = TREE_FEATURES
    ALTERNATE_NAMES = []
    features = [TREE_FEATURES]

    def start(self, tag, attrib, nsmap={}):  # noqa: B006 (bs4's signature)
        if nsmap or len(self.nsmaps) > 1 or tag[:1] == "{" or any(name[:1] == "{" for name in attrib):
            return super().start(tag, attrib, nsmap)
        # lxml gives str values: nothing for bs4's attribute dict (4.13+; a dict before) to convert.
        attributes = getattr(self, "attribute_dict_class", dict)(attrib)
        self.soup.handle_starttag(tag, None, None, attributes, namespaces=self.active_namespace_prefixes[-1])

    def end(self, tag):
        if len(self.nsmaps) > 1 or tag[:1] == "{":
            return super().end(tag)
        self.soup.endData()
        self.soup.handle_endtag(tag, None)


builder_registry.register(_TreeBuilder)


def deeper_than(root: Tag, limit: int) -> bool:
    stack = [(root, 0)]  # iterative: the tree may be deeper than Python's recursion limit
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in node.contents if isinstance(child, Tag))
    return False


def element_text(node: Tag | NavigableString) -> str:
    """The text a reader sees: <br> as a line break, hidden and skipped elements left out."""
    if isinstance(node, Comment):
        return ""
    if isinstance(node, NavigableString):
        return str(node)
    if node.name == "br":
        return "\n"
    if is_skipped(node):
        return ""
    return "".join(map(element_text, node.contents))


def unbolded_text(node) -> str:
    """element_text without what bold elements hold."""
    if isinstance(node, Tag) and (node.name in BOLD or is_skipped(node)):
        return ""
    if isinstance(node, Tag) and node.name != "br":
        return "".join(map(unbolded_text, node.contents))
    return element_text(node)


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
    return f"<{node.name}{attributes}>{''.join(map(outer_html, node.contents))}</{node.name}>"


# bs4's find() builds a matcher per call (25 us), and its descendants generator costs more than
# the recursion over .contents below (5 us) on the small trees of article bodies.
def contains(tag: Tag, names) -> bool:
    for child in tag.contents:
        if isinstance(child, Tag) and (child.name in names or contains(child, names)):
            return True
    return False


def tags_named(tag: Tag, name: str) -> list[Tag]:
    """The elements called ``name`` inside ``tag``, in document order."""
    found = []
    for child in tag.contents:
        if isinstance(child, Tag):
            if child.name == name:
                found.append(child)
            if child.contents:
                found += tags_named(child, name)
    return found


def first_tag(tag: Tag, test) -> Tag | None:
    """The first element inside ``tag``, in document order, that passes ``test``."""
    for child in tag.contents:
        if isinstance(child, Tag):
            if test(child):
                return child
            found = first_tag(child, test)
            if found is not None:
                return found
    return None


def next_tag(node: Tag, name: str | None = None) -> Tag | None:
    """The first following sibling element (called ``name``, when given)."""
    return next((s for s in node.next_siblings if isinstance(s, Tag) and name in (None, s.name)), None)


def in_noscript(node: Tag) -> bool:
    return any(parent.name == "noscript" for parent in node.parents)


def is_plain(nodes: list) -> bool:
    """Text only: no element inside (a paragraph's own <p> aside)."""
    if len(nodes) == 1 and isinstance(nodes[0], Tag):
        return not any(isinstance(child, Tag) for child in nodes[0].contents)
    return not any(isinstance(node, Tag) for node in nodes)


def is_skipped(tag: Tag) -> bool:
    return tag.name in SKIPPED or bool(SKIPPED_CLASSES.intersection(tag.attrs.get("class") or ()))


def significant(nodes) -> list:
    """The nodes without comments and blank text."""
    return [n for n in nodes if not (isinstance(n, NavigableString) and not n.strip()) and not isinstance(n, Comment)]


def is_br(node) -> bool:
    return isinstance(node, Tag) and node.name == "br"


def split_at_breaks(nodes: list, breaks: int) -> list[list]:
    """Split a run of inline nodes where ``breaks`` or more <br> follow each other."""
    if not any(map(is_br, nodes)):
        return [nodes]
    groups: list[list] = [[]]
    pending: list = []  # <br>s (and the blank text between them) not yet known to end a group
    for node in nodes:
        if is_br(node) or (pending and isinstance(node, NavigableString) and not node.strip()):
            pending.append(node)
            continue
        if sum(map(is_br, pending)) >= breaks:
            groups.append([])
        else:
            groups[-1].extend(pending)
        pending = []
        groups[-1].append(node)
    groups[-1].extend(pending)
    return [group for group in groups if clean_text("".join(element_text(n) for n in group))]
