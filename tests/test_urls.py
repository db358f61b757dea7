"""Canonical URLs, link domains, and the section a URL's path names."""

import pytest

from news_archive.parse.outlets import outlet_for, section_for
from news_archive.parse.urls import canonical_url, domain_of


@pytest.mark.parametrize("url, canonical", [
    ("https://cn.nytimes.com/world/20240202/china-us-fentanyl-iran-north-korea/",
     "https://cn.nytimes.com/world/20240202/china-us-fentanyl-iran-north-korea/"),
    ("http://www.rfi.fr//cn/%E4%B8%AD%E5%9B%BD/20200718-abc", "https://www.rfi.fr/cn/%E4%B8%AD%E5%9B%BD/20200718-abc"),
    # CDT spells its percent-escapes in lower case, links to it in upper case: one key for both.
    ("https://chinadigitaltimes.net/chinese/2020/07/%e4%b8%89%e8%81%94/",
     "https://chinadigitaltimes.net/chinese/2020/07/%E4%B8%89%E8%81%94/"),
    ("https://cn.ft.com/story/001088586?full=y", "https://cn.ft.com/story/001088586"),
    ("https://www.nytimes.com/2024/01/24/business/red-sea.html?searchResultPosition=20#x",
     "https://www.nytimes.com/2024/01/24/business/red-sea.html"),
    ("HTTP://WWW.BBC.COM:80/zhongwen/simp/world-53367088", "https://www.bbc.com/zhongwen/simp/world-53367088"),
    ("https://x.test/a?utm_source=tw&id=3&ref=abc", "https://x.test/a?id=3"),
    ("https://x.test:8443/a", "https://x.test:8443/a"),
])
def test_canonical_url(url, canonical):
    assert canonical_url(url) == canonical


@pytest.mark.parametrize("url, domain", [
    ("https://www.nytimes.com/by/david-pierson", "nytimes.com"),
    ("//www.reuters.com/companies/TWTR.N", "reuters.com"),
    ("/rfa_resources/graphics/icon-zoom.png", None),
    ("mailto:cn.newsletter@nytimes.com", None),
    ("#jump-link", None),
])
def test_domain_of(url, domain):
    assert domain_of(url) == domain


@pytest.mark.parametrize("url, outlet_id, section", [
    ("https://cn.nytimes.com/world/20240202/china-us-fentanyl-iran-north-korea/", "nyt", "world"),
    ("https://www.nytimes.com/zh-hans/2023/04/20/world/asia/china-us-xi.html", "nyt", "world"),
    ("http://www.bbc.com/zhongwen/simp/science-53402970", "bbc", "science"),
    ("http://www.bbc.com/zhongwen/simp/chinese-news-53234038", "bbc", "chinese-news"),
    ("http://www.rfi.fr//cn/%E4%B8%AD%E5%9B%BD/20200718-%E4%B8%AD%E5%9B%BD", "rfi", "中国"),
    ("http://www.rfi.fr//cn/contenu/20200717-%E8%84%B1%E5%8C%97", "rfi", None),  # "contenu": French for content
    ("https://www.rfa.org/mandarin/yataibaodao/zhengzhi/gf1-07172020091205.html", "rfa", "yataibaodao"),
    ("https://www.cna.com.tw/news/firstnews/202106305008.aspx", "cna", "firstnews"),
    # The segment before the article number is the title's slug, not a section.
    ("https://www.dw.com/zh/%E5%8D%AB%E6%98%9F%E5%9B%BE%E7%89%87%E6%8A%AB%E9%9C%B2%E4%B8%AD%E5%8D%B0%E8%BE%B9"
     "%E5%A2%83%E6%96%B0%E5%B7%A5%E4%BA%8B/a-53971813", "dw", None),
    ("https://www.voachinese.com/a/ny-hk-popup-lennon-wall/5496561.html", "voa", None),
    ("https://cn.reuters.com/article/us-twitter-hack-cio-0717-idCNKCS24I06R", "reuters", None),
    ("https://chinadigitaltimes.net/chinese/2020/10/658453/", "cdt", None),
    ("https://cn.ft.com/story/001088586?full=y", "ft", None),
])
def test_outlet_and_section(url, outlet_id, section):
    outlet = outlet_for(url)
    assert (outlet.id, section_for(url, outlet)) == (outlet_id, section)


def test_unknown_host_is_an_outlet_of_its_own():
    outlet = outlet_for("https://www.solidot.org.cn/story?sid=1", "奇客")
    assert (outlet.id, outlet.name, outlet.homepage) == ("solidot-org-cn", "奇客", "https://www.solidot.org.cn/")
