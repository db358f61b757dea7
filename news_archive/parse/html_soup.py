"""bs4's tree of an article's HTML, as BeautifulSoup(html, TREE_FEATURES) makes it, copied from the tree lxml builds in C.

bs4's lxml builder hears libxml2's parse as one Python call per tag and string and makes each
node through its general machinery (attribute lists, string containers, whitespace, linkage):
0.66 ms of a file's 2.8 ms. The same libxml2 parse built as lxml's own tree, then copied into
bs4's classes, is the same tree in half the time (0.36 ms; bench/parse_bench.py). Every tag takes the fields
that do not depend on its place in the tree from a Tag bs4 made itself for that name, and its
attributes from bs4's own builder, so the copy follows bs4's choices; tests/test_html_soup.py holds
the copy to bs4's tree node by node. What the copy does not handle (a doctype, processing
instructions or entities as nodes, anything beside the root element, namespaced names, a tree deep
enough or long enough that lxml may have cut it short, a document lxml gives no root for) is left to bs4's builder.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from lxml import etree

from .html_tree import TREE_FEATURES, deeper_than

# The fields bs4 sets on a node for its place in the tree; the copy sets these itself.
_LINKS = ("parent", "previous_element", "next_element", "previous_sibling", "next_sibling")
_PLACED = {"name", "attrs", "contents", *_LINKS}


# Where libxml2's events say more than its tree keeps: text or tags after </body> or </html> (bs4 puts
# them beside the <html> element), text after an end tag that opens the document, a doctype anywhere.
_SAX_ONLY = re.compile(r"<(?:/(?:html|body)|!doctype)", re.IGNORECASE)  # starting at "<": scanned for in C
_END_TAG_FIRST = re.compile(r"\s*</")


# libxml2's tree stops at 255 levels, silently, where its events go on (and parse_body refuses a tree
# deeper than html_tree.MAX_DEPTH): a tree this deep may have been cut short.
LXML_FULL_DEPTH = 200
# Nor does its tree hold a text node over 10 MB: a body this long (articles are under 100 KB) goes to bs4.
LXML_FULL_SIZE = 1_000_000


class _Unhandled(Exception):
    """Something only bs4's own builder reads."""


class TooDeep(ValueError):
    """The tree is deeper than make_soup's max_depth."""


def make_soup(html: str, max_depth: int | None = None) -> BeautifulSoup:
    """bs4's tree of ``html``; with ``max_depth``, TooDeep when its elements nest deeper than that
    (a copy stops deeper than LXML_FULL_DEPTH, so only bs4's own trees are walked to know)."""
    limit = LXML_FULL_DEPTH if max_depth is None else min(max_depth, LXML_FULL_DEPTH)
    root = _lxml_root(html)
    if root is not None:
        try:
            return _Copy(root, limit).soup
        except _Unhandled:
            pass
    soup = BeautifulSoup(html, TREE_FEATURES)
    if max_depth is not None and deeper_than(soup, max_depth):
        raise TooDeep(f"more than {max_depth} levels of elements")
    return soup


def _lxml_root(html: str):
    if len(html) > LXML_FULL_SIZE or _SAX_ONLY.search(html) or _END_TAG_FIRST.match(html):
        return None
    # bs4's builder feeds lxml's HTML parser the whole text at once, with recover on: the same here.
    parser = etree.HTMLParser(recover=True, default_doctype=False)
    try:
        parser.feed(html)
        root = parser.close()
    except etree.LxmlError:
        return None
    if root is None or root.getprevious() is not None or root.getnext() is not None:
        return None
    info = root.getroottree().docinfo
    return None if info.doctype or info.internalDTD is not None else root


class _Reference:
    """What bs4 itself makes of a tag name: a Tag's fixed fields, the builder's attribute handling."""

    def __init__(self) -> None:
        self.soup = BeautifulSoup("<p></p>", TREE_FEATURES)
        paragraph = self.soup.p
        self.builder = self.soup.builder
        self.namespaces = paragraph._namespaces  # what our builder hands every tag
        self.attribute_dict = type(paragraph.attrs)
        self.string_containers = self.builder.string_containers
        self.preserve_whitespace = self.builder.preserve_whitespace_tags
        self.spaces = BeautifulSoup.ASCII_SPACES
        self.fields: dict[str, dict] = {}
        # Attributes bs4 may split into lists, for any tag: an element with none of them is left as it is.
        self.list_attributes = set().union(*self.builder.cdata_list_attributes.values())
        self.empty = BeautifulSoup("", TREE_FEATURES)  # bs4's own root, parsed once (making one costs 50 us)
        self.root_fields = {k: v for k, v in vars(self.empty).items() if k not in _PLACED}

    def root(self) -> BeautifulSoup:
        soup = BeautifulSoup.__new__(BeautifulSoup)
        fields = soup.__dict__
        # Its parse-time state (the stack of open tags, counters) copied, so no two documents share
        # a list, and pointing at this root where it pointed at the empty one.
        for key, value in self.root_fields.items():
            if value is self.empty:
                value = soup
            elif isinstance(value, list):
                value = [soup if item is self.empty else item for item in value]
            elif isinstance(value, dict):
                value = value.copy()
            fields[key] = value
        fields.update(dict.fromkeys(_LINKS), name=self.empty.name, attrs=self.attribute_dict(), contents=[])
        return soup

    def fields_of(self, name: str) -> dict:
        fields = self.fields.get(name)
        if fields is None:
            made = Tag(self.soup, self.builder, name, namespaces=self.namespaces)
            fields = self.fields[name] = {k: v for k, v in vars(made).items() if k not in _PLACED}
        return fields


_reference: _Reference | None = None


class _Copy:
    """One document: lxml's tree copied into bs4's classes, linked in document order as bs4 links them."""

    def __init__(self, root, max_depth: int) -> None:
        global _reference
        self.reference = _reference = _reference or _Reference()
        self.max_depth = max_depth
        self.soup = self.reference.root()
        self.last = None  # the node before the next one, in document order (bs4 links the root to none)
        self.element(root, self.soup, NavigableString, False, 1)
        self.soup._most_recent_element = self.last

    def link(self, node, parent: Tag) -> None:
        contents = parent.contents
        before = contents[-1] if contents else None
        fields = node.__dict__
        fields["parent"] = parent
        fields["previous_sibling"] = before
        fields["next_sibling"] = None
        fields["previous_element"] = self.last
        fields["next_element"] = None
        if before is not None:
            before.next_sibling = node
        if self.last is not None:
            self.last.next_element = node
        self.last = node
        contents.append(node)

    def element(self, element, parent: Tag, container: type, preserve: bool, depth: int) -> None:
        name = element.tag
        if not isinstance(name, str) or name[:1] == "{" or depth > self.max_depth:
            raise _Unhandled(name)
        reference = self.reference
        tag = Tag.__new__(Tag)
        tag.__dict__.update(reference.fields.get(name) or reference.fields_of(name))
        tag.name = name
        tag.contents = []
        attrs = tag.attrs = reference.attribute_dict(element.items())
        if attrs:
            if not reference.list_attributes.isdisjoint(attrs):
                tag.attrs = reference.builder._replace_cdata_list_attribute_values(name, attrs)
            reference.builder.set_up_substitutions(tag)
        self.link(tag, parent)
        container = reference.string_containers.get(name, container)
        preserve = preserve or name in reference.preserve_whitespace
        if element.text is not None:
            self.string(element.text, tag, container, preserve)
        for child in element:
            if child.tag is etree.Comment:
                self.string(child.text or "", tag, Comment, preserve)
            else:
                self.element(child, tag, container, preserve, depth + 1)
            if child.tail is not None:
                self.string(child.tail, tag, container, preserve)

    def string(self, text: str, parent: Tag, kind: type, preserve: bool) -> None:
        # bs4 turns a string of ASCII spaces alone into one space or line break, outside <pre> and <textarea>.
        if not preserve and not text.strip(self.reference.spaces):
            text = "\n" if "\n" in text else " "
        node = str.__new__(kind, text)
        node.__dict__["hidden"] = False
        self.link(node, parent)
