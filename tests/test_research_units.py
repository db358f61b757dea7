"""The search page's pure pieces: parameters, sentences, periods, the Atom feed."""

from datetime import date
from xml.etree import ElementTree as ET

import numpy as np
import pytest

from news_archive.research import atom, kwic, params, series


class Args(dict):
    """Request arguments as Datasette gives them: getlist and get."""

    def getlist(self, name):
        value = self.get(name)
        return [] if value is None else value if isinstance(value, list) else [value]

    def get(self, name, default=None):
        return super().get(name, default)


def parse(**args):
    return params.parse(Args(args), {"bbc", "nyt"})


def test_dates_take_days_months_and_years_inclusively():
    got = parse(**{"from": "2020", "to": "2021-02"})
    assert (got.date_from, got.date_to) == (date(2020, 1, 1), date(2021, 2, 28))
    assert parse(**{"from": "2020-02", "to": "2020-02"}).date_to == date(2020, 2, 29)
    assert parse(**{"to": "2020-03-15"}).date_to == date(2020, 3, 15)


def test_defaults_and_the_query_string_leaves_them_out():
    got = parse(q=["拜登", " 特朗普 ", "拜登", ""], outlet=["nyt", "bbc"])
    assert got.queries == ("拜登", "特朗普") and got.outlets == ("nyt", "bbc")
    assert (got.sort, got.page, got.size, got.by, got.split, got.measure) == ("relevance", 1, 20, "month", None, "articles")
    assert got.query_string() == "q=%E6%8B%9C%E7%99%BB&q=%E7%89%B9%E6%9C%97%E6%99%AE&outlet=nyt&outlet=bbc"
    assert got.query_string(page=3, sort="newest").endswith("&sort=newest&page=3")


@pytest.mark.parametrize("args, parameter", [
    ({"size": "0"}, "size"), ({"page": "-1"}, "page"), ({"outlet": "cnn"}, "outlet"), ({"from": "2020-02-30"}, "from"),
    ({"to": "2020-13"}, "to"), ({"sort": "rank"}, "sort"), ({"q": [str(i) for i in range(9)]}, "q"),
])
def test_bad_parameters_name_themselves(args, parameter):
    with pytest.raises(params.ParameterError) as error:
        parse(**args)
    assert error.value.parameter == parameter and str(error.value).startswith(parameter + ": ")


def test_sentences_end_at_chinese_and_latin_marks_and_line_ends():
    text = "他说：“走吧。”她问？好！A; b\n第二行"
    assert [text[s:e] for s, e in kwic.sentence_spans(text)] == ["他说：“走吧。”", "她问？", "好！", "A;", "b", "第二行"]


def test_a_line_per_match_with_its_sentence_around_it():
    text = "甲乙丙。中国和中國都是。" + "长" * 40 + "中国" + "尾" * 40
    lines = kwic.lines(text, "中国")
    assert [(line.left, line.match) for line in lines[:2]] == [("", "中国"), ("中国和", "中國")]  # 中國 matches too; context stays in its sentence
    assert lines[2].left == "长" * 30 and lines[2].right == "尾" * 30 and lines[2].match == "中国"


def test_periods_are_labelled_as_calendars_do():
    days = np.array([date(2021, 3, 8).toordinal() - date(1970, 1, 1).toordinal()], dtype=np.int32)
    labels = {by: series.period_label(int(series.period_codes(days, by)[0]), by) for by in params.PERIODS}
    assert labels == {"day": "2021-03-08", "week": "2021-W10", "month": "2021-03", "year": "2021"}
    sunday = days - 1
    assert series.period_label(int(series.period_codes(sunday, "week")[0]), "week") == "2021-W09"


def test_the_feed_is_atom_with_rfc3339_times():
    xml = atom.feed("Archive search: 拜登 <&>", "http://x/search.atom?q=1", "http://x/search?q=1", [
        {"id": "http://x/a/1", "title": "标题 & <b>", "link": "http://x/a/1", "url": "https://nyt/1",
         "published": "2021-03-08T01:02:03Z", "summary": "摘要", "author": "纽约时报中文网"},
        {"id": "http://x/a/2", "title": "", "link": "http://x/a/2", "published": "2021-03-07"},
    ])
    ns = {"a": atom.ATOM}
    root = ET.fromstring(xml)
    assert root.find("a:title", ns).text == "Archive search: 拜登 <&>"
    assert root.find("a:updated", ns).text == "2021-03-08T01:02:03Z"
    entries = root.findall("a:entry", ns)
    assert [e.find("a:title", ns).text for e in entries] == ["标题 & <b>", "(untitled)"]
    assert entries[1].find("a:published", ns).text == "2021-03-07T00:00:00Z"
