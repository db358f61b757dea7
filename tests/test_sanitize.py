import pytest
from markupsafe import Markup

from news_archive.pages.sanitize import clean_html, safe_url

BASE = "https://cn.nytimes.com/world/20240202/china-us-fentanyl-iran-north-korea/"
REL = 'rel="nofollow noopener noreferrer"'


@pytest.mark.parametrize("html, expected", [
    ("<p>正文<script>alert(1)</script>。</p>", "正文。"),
    ('<p>图<img src=x onerror="alert(1)">片</p>', "图片"),
    ('<a href="javascript:alert(1)">链接</a>', f"<a {REL}>链接</a>"),
    ('<a href="JaVaScRiPt:alert(1)">a</a><a href=" javascript:alert(1)">b</a><a href="java&#x09;script:x">c</a>',
     f"<a {REL}>a</a><a {REL}>b</a><a {REL}>c</a>"),
    ('<a href="data:text/html,<script>alert(1)</script>">d</a>', f"<a {REL}>d</a>"),
    ('<p style="background:url(javascript:alert(1))" class="x" onmouseover="alert(1)">样式</p>', "样式"),
    ('<svg onload="alert(1)"><text>图</text></svg>后', "后"),  # foreign content goes whole
    ("<style>p { color: red }</style><iframe src=x></iframe><object data=x></object>文字", "文字"),
    ("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>", ""),
    ("未闭合<b>粗体<i>斜体", "未闭合<b>粗体<i>斜体</i></b>"),
    ("<<script>alert(1)//<</script>文", "&lt;文"),
    ("<!-- <script>alert(1)</script> -->注释", "注释"),
])
def test_dangerous_markup_is_removed(html, expected):
    assert clean_html(html, BASE) == expected


def test_allowed_inline_markup_is_kept_and_links_get_rel():
    html = ('<p class="c"><b>粗</b><strong>强</strong><i>斜</i><em>重</em><br/><small>小</small><sup>1</sup>'
            '<sub>2</sub><cite>引</cite><a href="https://example.com/a" title="标题" target="_blank" rel="tag">链</a>'
            '<a href="mailto:cn.letters@nytimes.com">信</a></p>')
    assert clean_html(html, BASE) == (
        "<b>粗</b><strong>强</strong><i>斜</i><em>重</em><br><small>小</small><sup>1</sup><sub>2</sub><cite>引</cite>"
        f'<a href="https://example.com/a" title="标题" {REL}>链</a>'
        f'<a href="mailto:cn.letters@nytimes.com" {REL}>信</a>')


def test_block_tags_go_and_their_text_stays():
    assert clean_html('<h2 class="x">小标题</h2>') == "小标题"
    assert clean_html("<li><b>条目</b></li>") == "<b>条目</b>"
    assert clean_html('<div class="story-lead">导语</div>') == "导语"


def test_relative_links_resolve_against_the_article_or_are_dropped():
    html = '<a href="/investing/x?a=1&amp;b=2">r</a><a href="//www.reuters.com/companies/C.N">p</a>'
    assert clean_html(html, "https://www.reuters.com/article/x") == (
        f'<a href="https://www.reuters.com/investing/x?a=1&amp;b=2" {REL}>r</a>'
        f'<a href="https://www.reuters.com/companies/C.N" {REL}>p</a>')
    assert clean_html(html) == f"<a {REL}>r</a><a {REL}>p</a>"
    assert clean_html(html, "javascript:alert(1)") == f"<a {REL}>r</a><a {REL}>p</a>"


def test_attribute_values_are_escaped():
    assert clean_html('<a href="https://e.com/" title=\'" onmouseover=alert(1) \'>q</a>') == (
        f'<a href="https://e.com/" title="&quot; onmouseover=alert(1) " {REL}>q</a>')


def test_result_is_markup():
    assert isinstance(clean_html("<b>x</b>"), Markup)
    assert clean_html(None) == clean_html("") == ""


@pytest.mark.parametrize("url, expected", [
    ("https://static01.nyt.com/a.jpg", "https://static01.nyt.com/a.jpg"),
    (" http://example.com/ ", "http://example.com/"),
    ("HTTPS://EXAMPLE.COM/A", "HTTPS://EXAMPLE.COM/A"),
    ("javascript:alert(1)", None),
    (" JavaScript:alert(1)", None),
    ("data:image/png;base64,AAAA", None),
    ("x", None),
    ("//example.com/a.jpg", None),
    ("https://", None),
    ("http://[::1", None),
    ("", None),
    (None, None),
])
def test_safe_url(url, expected):
    assert safe_url(url) == expected
