"""The HTML body walker: nothing a reader sees is lost, and each kind of markup lands where it belongs."""

import html
import re
from pathlib import Path

import lxml.html
import pytest

from news_archive.parse.article import parse_article
from news_archive.parse.figures import unwrap_image_proxy
from news_archive.parse.html_body import parse_body
from news_archive.parse.model import Figure, Link
from news_archive.parse.source import decode, parse_source

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED_FILES = sorted(p for p in SEEDS.rglob("*") if p.is_file() and p.suffix in (".md", ".txt"))
# <p>s a reader never sees as article text: screen-reader labels (BBC "off-screen") and the
# related-articles list some archived NYT pages carry after the article ("refer-list").
UNSEEN = "ancestor-or-self::*[contains(@class, 'off-screen') or contains(@class, 'refer-list')]"


def _squeeze(text: str) -> str:
    """Compare texts without whitespace, zero-width characters or markdown bold markers."""
    return re.sub(r"[\s\u200b\u200c\u200d\u2060\ufeff]|\*\*", "", text)


def _lines_of_p(p) -> list[str]:
    """The text lines of a <p>, read with lxml and regular expressions, not with the parser's walker."""
    markup = lxml.html.tostring(p, encoding="unicode", with_tail=False)
    markup = re.sub(r"<(script|style)\b.*?</\1>", "", markup, flags=re.S)
    markup = re.sub(r"<br\s*/?>", "\n", markup)
    lines = html.unescape(re.sub(r"<[^>]+>", "", markup)).split("\n")
    return [_squeeze(line) for line in lines if _squeeze(line)]


@pytest.mark.parametrize("path", SEED_FILES, ids=[p.relative_to(SEEDS).as_posix() for p in SEED_FILES])
def test_every_p_lands_in_a_paragraph_or_caption(path):
    data = path.read_bytes()
    article = parse_article(data)
    document = lxml.html.fromstring(f"<div>{parse_source(decode(data)).body_html}</div>")
    ps = [_lines_of_p(p) for p in document.iter("p") if not p.xpath(UNSEEN)]
    ps = [lines for lines in ps if lines]
    paragraphs = [_squeeze(p.text) for p in article.body.paragraphs]
    captions = [_squeeze(f"{f.caption or ''}{f.credit or ''}") for f in article.body.figures]

    def found(line, texts):
        return any(line in text for text in texts)

    missing = [line for lines in ps for line in lines if not found(line, paragraphs) and not found(line, captions)]
    assert missing == []
    # Each <p> gives at least one paragraph, unless it only wraps an image's caption.
    captions_only = [lines for lines in ps if not all(found(line, paragraphs) for line in lines)]
    assert len(article.body.paragraphs) >= len(ps) - len(captions_only)


def test_bbc_box_with_figcaption_copyright_and_hidden_labels():
    body = parse_body(
        '<div class="media-landscape has-caption full-width"><span class="image-and-copyright-container">'
        '<img src="https://images.weserv.nl/?url=ichef.bbci.co.uk/news/640/a.jpg"><br>'
        '<span class="off-screen">图片版权</span><span class="story-image-copyright">Reuters</span></span>'
        '<figcaption class="media-caption"><span class="off-screen">Image caption</span>'
        '<span class="media-caption__text">里维拉和儿子租用的小船</span></figcaption></div><p>正文。</p>'
    )
    assert body.figures == [Figure(1, "https://ichef.bbci.co.uk/news/640/a.jpg",
                                   "https://images.weserv.nl/?url=ichef.bbci.co.uk/news/640/a.jpg",
                                   None, "里维拉和儿子租用的小船", "Reuters")]
    assert [p.text for p in body.paragraphs] == ["正文。"]


def test_box_with_only_a_copyright_line():
    body = parse_body('<span class="image-and-copyright-container"><img src="https://x.test/a.jpg">'
                      '<span class="off-screen">图片版权</span><span class="story-image-copyright">AFP</span></span>')
    assert (body.paragraphs, body.figures) == ([], [Figure(1, "https://x.test/a.jpg", None, None, None, "AFP")])


@pytest.mark.parametrize("box", [
    '<div class="contentImage floatLeft"><img class="photo" src="https://x.test/a.jpg" alt="说明"/>'
    '<span class="imageCaption">说明</span></div>',  # VOA
    '<div class="image-inline captioned"><div><img alt="说明" src="https://x.test/a.jpg"/></div>'
    '<div class="image-caption"><span>说明</span><span class="copyright"> </span></div>'
    '<div id="zoomattribute"><a href="/a.jpg"><img src="/icon-zoom.png"/></a></div></div>',  # RFA
    '<div class="wp-caption"><img src="https://x.test/a.jpg" alt="说明"/>'
    '<p class="wp-caption-text">说明</p></div>',  # WordPress (CDT)
])
def test_caption_boxes(box):
    body = parse_body(box + "<p>正文。</p>")
    assert body.figures == [Figure(1, "https://x.test/a.jpg", None, "说明", "说明", None)]
    assert [p.text for p in body.paragraphs] == ["正文。"]


def test_wrapper_around_text_is_not_a_figure():
    body = parse_body('<div class="story-body"><div class="wp-caption"><img src="https://x.test/a.jpg">'
                      '<p class="wp-caption-text">说明</p></div><p>第一段。</p><p>第二段。</p></div>')
    assert [(f.position, f.caption) for f in body.figures] == [(1, "说明")]
    assert [(p.position, p.text) for p in body.paragraphs] == [(2, "第一段。"), (3, "第二段。")]


def test_2020_style_header_image_caption_and_media_title():
    body = parse_body(
        '<div><i>黄安伟,黄安伟<br>2020-07-16 16:44:26</i></div>'
        '<img src="https://images.weserv.nl?url=static01.nyt.com/a.jpg" width="100%">'
        '<div><small style="color: #999;">图片说明</small></div>'
        '<audio src="https://av.voanews.com/a.mp3" controls></audio><div><small>节目标题</small></div>'
        '<p>正文。</p>'
    )
    assert (body.byline, body.printed_date) == ("黄安伟,黄安伟", "2020-07-16 16:44:26")
    assert body.figures == [Figure(1, "https://static01.nyt.com/a.jpg", "https://images.weserv.nl?url=static01.nyt.com/a.jpg",
                                   None, "图片说明", None)]
    assert [(p.position, p.text) for p in body.paragraphs] == [(2, "正文。")]


def test_null_in_byline_is_dropped():
    assert parse_body("<div><i>null 邹宗翰<br>2020-06-27T12:15:38.736Z</i></div>").byline == "邹宗翰"


def test_blank_lines_split_paragraphs_and_bold_lines_are_subheads():
    body = parse_body("<p>第一段。<br /><br /><strong>小标题</strong><br /> <br />第二段，<a href='https://x.test/'>链接</a>。"
                      "<br />同一段的第二行。</p>")
    assert [(p.kind, p.text) for p in body.paragraphs] == [
        ("body", "第一段。"), ("subhead", "小标题"), ("body", "第二段，链接。\n同一段的第二行。")]
    assert body.links == [Link(1, 3, "https://x.test/", "链接", None)]


def test_colophon_lines_get_their_own_kinds():
    body = parse_body(
        "<p>正文。</p><p>Michelle Goldberg自2017年起担任时报专栏作者。<br/>Claire Fu对本文有研究贡献。"
        "<br/>翻译：安妮、杜然<br/><a href='https://www.nytimes.com/a.html'>点击查看本文英文版。</a></p>"
    )
    assert [(p.kind, p.text) for p in body.paragraphs] == [
        ("body", "正文。"),
        ("footer", "Michelle Goldberg自2017年起担任时报专栏作者。"),
        ("credit", "Claire Fu对本文有研究贡献。"),
        ("credit", "翻译：安妮、杜然"),
        ("footer", "点击查看本文英文版。"),
    ]
    assert body.footer_names == ["Michelle Goldberg"]
    assert body.links == [Link(1, 5, "https://www.nytimes.com/a.html", "点击查看本文英文版。", None)]


def test_lines_of_a_poem_stay_one_paragraph():
    body = parse_body("<p>食肉何曾尽虎头，<br>卅年书剑海天秋。</p>")
    assert [(p.kind, p.text) for p in body.paragraphs] == [("body", "食肉何曾尽虎头，\n卅年书剑海天秋。")]


@pytest.mark.parametrize("text, kind", [
    ("记者 | 黄子懿", "credit"),
    ("实习记者｜岳颖", "credit"),
    ("编译 王灿；审校 张荻", "credit"),
    ("发稿 马蓉/韩笑；审校 杨淑祯", "credit"),
    ("记者:高锋 责编：胡力汉 梒青 网编：瑞哲", "credit"),
    ("译者/何黎", "credit"),
    ("劳拉•努南(Laura Noonan)补充报道", "credit"),
    ("Keith Bradsher、Claire Fu自北京，Elaine Yu自香港对本文有报道及研究贡献。", "credit"),
    ("张慈/邹宗翰 (德新社、法新社、路透社)", "credit"),
    ("记者：您说的中国错误的人口数据是怎么一回事？", "body"),
    ("© 2020 AFP", "footer"),
    ("（欢迎点击此处订阅NYT简报，我们将在每个工作日发送最新内容至您的邮箱。）", "footer"),
    ("摘译自其它媒体，不代表德国之声观点", "footer"),
    ("**内容问题**", "subhead"),
])
def test_paragraph_kinds(text, kind):
    assert [p.kind for p in parse_body(f"<p>{text}</p>").paragraphs] == [kind]


def test_standfirst_names_the_columnist():
    body = parse_body('<div class="story-lead">曹辛：世卫对中国的态度变得微妙。</div><p>正文。</p>')
    assert [(p.kind, p.text) for p in body.paragraphs] == [("standfirst", "曹辛：世卫对中国的态度变得微妙。"), ("body", "正文。")]
    assert body.byline == "曹辛"


def test_figures_without_image_or_with_srcset_only():
    body = parse_body(
        '<figure>Image<picture><source srcSet="https://x.test/a.jpg?width=600"/>'
        '<source srcSet="https://x.test/a.jpg?width=1800"/><img></picture>'
        "<figcaption>说明。Credit...Pool photo by Ken Ishii</figcaption></figure>"
        "<figure><figcaption><cite>Getty Images</cite></figcaption></figure>"
        "<figure><img></figure>"
    )
    assert body.figures == [
        Figure(1, "https://x.test/a.jpg?width=1800", None, None, "说明。", "Pool photo by Ken Ishii"),
        Figure(2, None, None, None, None, "Getty Images"),
    ]


@pytest.mark.parametrize("url, original", [
    ("https://images.weserv.nl/?url=static01.nyt.com/a.jpg", "https://static01.nyt.com/a.jpg"),
    ("https://images.weserv.nl?url=gdb.voanews.com/a.jpg", "https://gdb.voanews.com/a.jpg"),
    ("https://images.weserv.nl/?url=ssl:example.com/a.jpg", "https://example.com/a.jpg"),
    ("https://images.weserv.nl/?url=static01.nyt.com/a.jpg?quality=75&width=600",
     "https://static01.nyt.com/a.jpg?quality=75&width=600"),
    ("https://thumbor.ftacademy.cn/unsafe/1340x754/https://thumbor.ftacademy.cn/unsafe/picture/6/a.jpg",
     "https://thumbor.ftacademy.cn/unsafe/picture/6/a.jpg"),
])
def test_unwrap_image_proxy(url, original):
    assert unwrap_image_proxy(url) == (original, url)


def test_plain_image_url_is_not_a_proxy():
    assert unwrap_image_proxy("https://s.rfi.fr/media/a.jpg") == ("https://s.rfi.fr/media/a.jpg", None)


def test_truncated_html_warns():
    assert parse_body("<p>第一段。</p><p>第二段没有写").warnings == ["HTML looks truncated: it ends with '<p>第一段。</p><p>第二段没有写'"]
