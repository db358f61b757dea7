"""The file layout: header fields of the odd seed files, and inputs that are not article files at all."""

from pathlib import Path

from datetime import datetime, timezone

import pytest

from news_archive.parse.article import parse_article
from news_archive.parse.source import SourceError, decode, parse_source

DATA = Path(__file__).resolve().parent / "data"

EMPTY_BODY = "empty body: the file has a title and URL but no paragraphs or figures"


@pytest.mark.parametrize("name, title, warnings", [
    # A title over three lines: the line breaks go.
    ("1048198_德语媒体：北京的快速回应__.md", "德语媒体：北京的快速回应", []),
    # Trailing whitespace inside the brackets goes.
    ("1048206_新冠疫情下_同志繼續「驕傲」_.md", "新冠疫情下 同志繼續「驕傲」", []),
    ("1048263_《她的交易艺术》：梅拉尼娅·特朗普新传记_.md", "《她的交易艺术》：梅拉尼娅·特朗普新传记", []),
    # Brackets inside the title are kept, wherever they stand.
    ("2017-04-05-[Institutional]_BBC中文合作伙伴.md", "[Institutional] BBC中文合作伙伴", []),
    ("2021-01-07-[视频]：国际社会一致谴责特朗普支持者冲击国会大厦行动.md",
     "[视频]：国际社会一致谴责特朗普支持者冲击国会大厦行动", []),
    ("2021-06-30-TIFA復談共識_台美成立多項工作小組整年不斷討論[影].md", "TIFA復談共識 台美成立多項工作小組整年不斷討論[影]", []),
    # Entities are decoded.
    ("2020-11-25-Bertelsmann_snags_Simon_&amp;_Schuster.md", "Bertelsmann snags Simon & Schuster", []),
    ("2021-07-01-习近平誓&quot;粉碎台&quot;独_美国国务院呼吁和平解决两岸问题.md", '习近平誓"粉碎台"独 美国国务院呼吁和平解决两岸问题', []),
    ("2020-12-24-摩根大通银行(中国)获准增加注册资本15亿元至80亿元.md", "摩根大通银行(中国)获准增加注册资本15亿元至80亿元", []),
    ("2021-07-05-时事大家谈__西方学者齐慕实(Timothy_Cheek)：从十场人生看中共一百年.md",
     "时事大家谈: 西方学者齐慕实(Timothy Cheek)：从十场人生看中共一百年", []),
    ("2020-10-23-.md", "", []),
    ("2020-09-08-专访：不要看空美国股市_可能涨得更高--贝莱德高管.md", "专访：不要看空美国股市 可能涨得更高--贝莱德高管", [EMPTY_BODY]),
    ("2020-10-02-Photo__Speeding_along_Tongli_Old_Town,_by_Dickson_.md",
     "Photo: Speeding along Tongli Old Town, by Dickson Phua", [EMPTY_BODY]),
])
def test_edge_case_titles(seed, name, title, warnings):
    article = seed(f"edge-cases/{name}")
    assert (article.title, article.warnings) == (title, warnings)


def test_front_matter_file_keeps_its_header_line_and_feed_time(seed):
    article = seed("edge-cases/2017-04-05-[Institutional]")
    assert article.url == "http://www.bbc.com/zhongwen/simp/institutional-39504015"
    assert article.feed_time == "2017-04-05T11:45:30Z"


def test_front_matter_is_read_only_when_the_header_leaves_something_to_it():
    text = ("---\nauthor: 某台\ndate: 2020-01-02T03:04:05Z\n---\n"
            "<!--1594478800000-->\n[标题](https://x.test/a)\n------\n<p>正文</p>")
    document = parse_source(text)
    assert "front_matter" not in vars(document)  # not parsed yet: a known host would never need it
    assert document.front_matter == {"author": "某台", "date": datetime(2020, 1, 2, 3, 4, 5, tzinfo=timezone.utc)}
    article = parse_article(text.encode())  # x.test is no outlet we know: its name is the feed's
    assert (article.outlet_id, article.outlet_name, article.feed_time) == ("x-test", "某台", "2020-07-11T14:46:40Z")
    bbc = parse_article(text.replace("x.test", "www.bbc.com").encode())
    assert (bbc.outlet_id, bbc.outlet_name) == ("bbc", "BBC中文")


def test_header_url_with_parentheses():
    source = parse_source("[Title](https://en.wikipedia.org/wiki/Foo_(bar))\n------\n<p>x</p>")
    assert (source.title, source.url, source.body_html) == ("Title", "https://en.wikipedia.org/wiki/Foo_(bar)", "<p>x</p>")


def test_windows_line_ends_and_byte_order_mark():
    source = parse_source(decode("\ufeff<!--1594478800000-->\r\n[标题](https://x.test/a)\r\n------\r\n<p>正文</p>".encode()))
    assert (source.title, source.feed_time_ms, source.body_html) == ("标题", 1594478800000, "<p>正文</p>")


@pytest.mark.parametrize("name, message", [
    ("empty.md", "empty file"),
    ("blank.md", "empty file"),
    ("binary.md", r"binary file \(contains NUL bytes\)"),
    ("utf16.md", "UTF-16 file: article files must be UTF-8"),
    ("invalid_utf8.md", r"not UTF-8: invalid byte 0xe6 at offset 103"),
    ("gbk.md", r"not UTF-8: invalid byte 0xb1 at offset 22 \(GBK, Big5 or another legacy encoding\?\)"),
    ("no_header_line.md", r"no header: expected \[title\]\(url\) before '------', found ''"),
    ("no_separator.md", r"no header: missing the '------' line after \[title\]\(url\)"),
    ("unclosed_front_matter.md", "front matter not closed"),
    ("ftp_url.md", r"header URL is not http\(s\): 'ftp://example.com/a.txt'"),
    ("javascript_url.md", r"header URL is not http\(s\): 'javascript:alert\(1\)'"),
])
def test_files_that_are_not_articles(name, message):
    with pytest.raises(SourceError, match=message):
        parse_article((DATA / name).read_bytes())


def test_truncated_html_loads_with_a_warning():
    article = parse_article((DATA / "truncated.md").read_bytes())
    assert [p.text for p in article.body.paragraphs] == ["正文第一段。", "第二段没有写完"]
    assert article.warnings == ["HTML looks truncated: it ends with '<p>正文第一段。</p><p>第二段没有写完'"]


def test_malformed_front_matter_costs_nothing():
    article = parse_article((DATA / "bad_yaml.md").read_bytes())
    assert (article.title, article.outlet_id, article.feed_time) == ("标题", "bbc", "2020-07-11T14:46:40Z")


@pytest.mark.parametrize("url", ["https://x.test:abc/a", "http://[::1", "https:///a"])
def test_header_url_without_a_valid_host_or_port(url):
    with pytest.raises(SourceError, match="header URL has no valid host or port"):
        parse_source(f"[标题]({url})\n------\n<p>正文</p>")


def test_front_matter_alone_can_be_the_header():
    # The nei.st files of news-beyond-wall: title and URL only in the front matter, no header lines.
    document = parse_source((DATA / "front_matter_only.md").read_text(encoding="utf-8"))
    assert (document.title, document.url, document.feed_time_ms) == ("渤钢重生", "https://nei.st/medium/caixin/cw896h", None)
    assert document.body_html.startswith('<article class="post-17904')
    article = parse_article((DATA / "front_matter_only.md").read_bytes())
    assert (article.feed_time, article.published, article.published_from) == (
        "2020-03-21T05:02:06Z", "2020-03-21T05:02:06Z", "feed")
    assert [p.text for p in article.body.paragraphs][-2:] == [
        "总负债近 3000 亿元的国有钢铁集团重组案有两个样本意义：引入民企；用复杂债务置换化解风险", "2020 年 1 月 8 日，天津人家"]
