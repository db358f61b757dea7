"""html_soup.make_soup builds the very tree BeautifulSoup(html, TREE_FEATURES) builds: every node's
class, fields, attributes and links (parent, siblings, document order), for every seed file and for
markup chosen to reach each rule bs4 applies (whitespace, string containers, attribute lists,
comments) and each case left to bs4's own builder."""

from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Comment, Script
from hypothesis import given, settings
from hypothesis import strategies as st

from news_archive.parse import html_soup
from news_archive.parse.html_soup import make_soup
from news_archive.parse.html_tree import TREE_FEATURES
from news_archive.parse.source import SourceError, parse_source

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
LINKS = ("parent", "previous_element", "next_element", "previous_sibling", "next_sibling")
# The root's builder is an instance of its own in every BeautifulSoup, compared by type.
BY_TYPE = {"builder"}


def in_order(root) -> list:
    """Every node under root, root first, in document order (by contents, not by the links under test)."""
    found = [root]
    for child in getattr(root, "contents", ()):
        found += in_order(child)
    return found


def described(root) -> list[dict]:
    nodes = in_order(root)
    index = {id(node): i for i, node in enumerate(nodes)}
    rows = []
    for node in nodes:
        fields = {k: v for k, v in vars(node).items() if k not in LINKS and k != "contents"}
        for key in BY_TYPE & fields.keys():
            fields[key] = type(fields[key])
        for key in ("currentTag", "_most_recent_element"):  # the root's parse state names nodes
            if key in fields:
                fields[key] = index.get(id(fields[key]), fields[key])
        if "tagStack" in fields:
            fields["tagStack"] = [index.get(id(tag)) for tag in fields["tagStack"]]
        if "attrs" in fields:
            fields["attrs"] = (type(fields["attrs"]), {k: (type(v), v) for k, v in fields["attrs"].items()})
        rows.append({
            "class": type(node),
            "text": str(node) if isinstance(node, str) else None,
            "fields": fields,
            "links": tuple(index.get(id(getattr(node, link))) for link in LINKS),
            "contents": [index[id(child)] for child in getattr(node, "contents", ())],
        })
    return rows


def assert_same_tree(html: str) -> None:
    assert described(make_soup(html)) == described(BeautifulSoup(html, TREE_FEATURES))


MARKUP = {
    "paragraphs": "<p>一</p><p>二 <b>粗</b> 三<br/>四</p>",
    "whitespace between tags": "<div>\n  <p>a</p>  <p>b</p>\t\r\n</div>",
    "whitespace kept in pre and textarea": "<pre>  \n  </pre><textarea> </textarea><pre><b> </b>  </pre> ",
    "string containers": "<script>var a = 1;</script><style> p {} </style><template>t</template>"
                         "<ruby>漢<rt>han</rt><rp>(</rp></ruby><script> </script>",
    "attribute lists": '<div class="a  b\tc" id="x"><a rel="nofollow noopener" rev="r" href="/u">l</a>'
                       '<td headers="h1 h2"></td><p accesskey="k  j" title="a b">t</p></div>',
    "comments": "<p>a<!----><!--   -->b</p><div><!--\n--></div><!-- last -->",
    "entities and odd text": "<p>&amp; &lt;&nbsp;&#x4e2d;&#22269; &unknown; \u00a0\u200b</p>",
    "meta charset": '<meta charset="utf-8"><meta http-equiv="Content-Type" content="text/html; charset=gbk"><p>x</p>',
    "broken markup": "<p>a<p>b<div>c</span><b><i>d</b></i><table><tr><td>e<td>f</table><li>g<li>h",
    "void elements and images": '<img src="a.jpg" alt="图"><br><hr/><figure><img/><figcaption>c</figcaption></figure>',
    "head and body": "<html><head><title>t</title></head><body><p>x</p> ",
    "prefixed names": "<o:p>word</o:p><svg><rect width='1'/></svg>",
    "plain text": "just text, no tags",
    "upper case and odd names": "<DIV CLASS='Q  r'><P>x</P><Font Color=red>y</Font><x-y z=1>w</x-y></DIV>",
}
# Cases make_soup leaves to bs4's own builder (html_soup._lxml_root gives no root for them).
LEFT_TO_BS4 = {
    "empty": "",
    "doctype": "<!DOCTYPE html><p>x</p>",
    "doctype inside": "<p>x<!doctype html></p>",
    "comment before the root": "<!-- c --><html><body><p>x</p></body></html>",
    "processing instruction": "<?php echo 1; ?><p>x</p>",
    "whitespace only": " \n ",
    "text after </html>": "<html><body><p>x</p></body></html>\n<p>y</p>",
    "an end tag first": "</b>\n<p>x</p>",
    "a body over a million characters": "<p>" + "长" * 1_000_000 + "</p>",
}


@pytest.mark.parametrize("html", MARKUP.values(), ids=MARKUP.keys())
def test_markup_gives_bs4s_tree(html):
    assert html_soup._lxml_root(html) is not None
    assert_same_tree(html)


@pytest.mark.parametrize("html", LEFT_TO_BS4.values(), ids=LEFT_TO_BS4.keys())
def test_what_the_copy_does_not_handle_is_bs4s(html):
    assert html_soup._lxml_root(html) is None
    assert_same_tree(html)


def test_a_tree_lxml_cuts_short_is_bs4s():
    # libxml2's tree stops at 255 levels without a word; bs4 hears all 300, and parse_body refuses them.
    deep = "<div>" * 300 + "<p>x</p>"
    assert sum(1 for _ in html_soup._lxml_root(deep).iter()) < 300
    assert_same_tree(deep)
    assert_same_tree("<div>" * 150 + "<p>x</p>")  # deep, not cut: the copy


def test_every_seed_body_gives_bs4s_tree():
    compared = 0
    for path in sorted(p for p in SEEDS.rglob("*") if p.suffix in {".md", ".txt"}):
        try:
            html = parse_source(path.read_text(encoding="utf-8")).body_html
        except SourceError:
            continue
        assert described(make_soup(html)) == described(BeautifulSoup(html, TREE_FEATURES)), path
        compared += 1
    assert compared == 418


def test_the_copy_works_as_bs4s_tree():
    html = '<div class="x y"><p>a<b>b</b></p><!--c--><script>s</script><p>d</p></div>'
    copied, parsed = make_soup(html), BeautifulSoup(html, TREE_FEATURES)
    assert copied.body.div["class"] == ["x", "y"]
    assert isinstance(copied.find(string=lambda s: isinstance(s, Comment)), Comment)
    assert isinstance(copied.script.string, Script)
    for soup in (copied, parsed):  # bs4's own tree surgery relies on the links
        soup.find("p").extract()
    assert str(copied) == str(parsed) == (
        '<html><body><div class="x y"><!--c--><script>s</script><p>d</p></div></body></html>')
    assert list(copied.strings) == list(parsed.strings)
    assert [p.get_text() for p in copied.find_all("p")] == ["d"]
    assert described(copied) == described(parsed)


# Pieces of markup, broken and whole, that random documents are made of.
PIECES = [
    "<p>", "</p>", "<div class='a  b'>", "</div>", "<!--c-->", "<!---->", " ", "\n", "\r\n", "\t", "文字", "x",
    "<br>", "<br/>", "<html>", "<body>", "<head>", "</head>", "<title>", "</title>", "<pre>", "</pre>",
    "<textarea>", "</textarea>", "<script>", "</script>", "<style>", "</style>", "<template>", "</template>",
    "<ruby>", "<rt>", "<rp>", "&amp;", "&nbsp;", "&#20013;", "&bogus;", "<", ">", "&", "</", "<table>", "<tr>",
    "<td headers='h i'>", "</table>", "<li>", "<ul>", "</ul>", "<o:p>", "</o:p>", "<b>", "</b>", "<i>", "</i>",
    "<meta charset=utf-8>", "<img src=a>", "<a rel='x y' href=u>", "</a>", "<noscript>", "</noscript>", "<svg>",
    "</svg>", "<math>", "<frameset>", "<form>", "</form>", "<select>", "<option>", "<![CDATA[x]]>", "<p/>",
    "<P CLASS='Q  r'>", "<figure>", "<figcaption>", "</figure>", "<xmp>", "</xmp>", "<plaintext>", "<?x?>",
    "</html>", "</body>", "<!DOCTYPE html>", "\x00",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=25))
def test_random_markup_gives_bs4s_tree(pieces):
    assert_same_tree("".join(pieces))


@pytest.mark.parametrize(("limit", "too_deep"), [(3, 10), (8, 5), (300, 0)])
def test_too_deep_is_told_as_bs4s_tree_would_tell_it(limit, too_deep):
    from news_archive.parse.html_tree import deeper_than

    told = 0
    for levels in range(1, 12):  # html 1, body 2, the divs below
        html = "<div>" * levels + "x"
        assert deeper_than(BeautifulSoup(html, TREE_FEATURES), limit) == (levels + 2 > limit)
        if levels + 2 > limit:
            with pytest.raises(html_soup.TooDeep, match=f"more than {limit} levels"):
                make_soup(html, limit)
            told += 1
        else:
            assert described(make_soup(html, limit)) == described(BeautifulSoup(html, TREE_FEATURES))
    assert told == too_deep
