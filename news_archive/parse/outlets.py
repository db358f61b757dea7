"""Which outlet published a URL, and the section its path names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit


@dataclass(frozen=True)
class Outlet:
    id: str
    name: str
    name_en: str
    homepage: str
    hosts: tuple[str, ...]
    # Path segments that name the site's edition or layout rather than a section.
    path_prefixes: tuple[str, ...] = ()


OUTLETS = (
    Outlet("nyt", "纽约时报中文网", "The New York Times Chinese", "https://cn.nytimes.com/",
           ("cn.nytimes.com", "m.cn.nytimes.com", "www.nytimes.com"), ("zh-hans", "zh-hant")),
    Outlet("bbc", "BBC中文", "BBC News Chinese", "https://www.bbc.com/zhongwen/simp",
           ("www.bbc.com", "www.bbc.co.uk"), ("zhongwen", "simp", "trad", "ukchina")),
    Outlet("dw", "德国之声", "Deutsche Welle Chinese", "https://www.dw.com/zh/", ("www.dw.com",), ("zh",)),
    Outlet("voa", "美国之音", "Voice of America Chinese", "https://www.voachinese.com/",
           ("www.voachinese.com",), ("a",)),
    Outlet("rfi", "法广", "Radio France Internationale Chinese", "https://www.rfi.fr/cn/",
           ("www.rfi.fr",), ("cn", "contenu")),
    Outlet("rfa", "自由亚洲电台", "Radio Free Asia Mandarin", "https://www.rfa.org/mandarin/",
           ("www.rfa.org",), ("mandarin",)),
    Outlet("reuters", "路透中文网", "Reuters Chinese", "https://cn.reuters.com/",
           ("cn.reuters.com",), ("article",)),
    Outlet("ft", "FT中文网", "Financial Times Chinese", "https://www.ftchinese.com/",
           ("cn.ft.com", "www.ftchinese.com"), ("story",)),
    Outlet("cdt", "中国数字时代", "China Digital Times", "https://chinadigitaltimes.net/chinese/",
           ("chinadigitaltimes.net",), ("chinese",)),
    Outlet("cna", "中央社", "Central News Agency (Taiwan)", "https://www.cna.com.tw/",
           ("www.cna.com.tw",), ("news",)),
    Outlet("zaobao", "联合早报", "Lianhe Zaobao", "https://www.zaobao.com/",
           ("www.zaobao.com", "www.zaobao.com.sg"), ("realtime",)),
    Outlet("epochtimes", "大纪元", "The Epoch Times Chinese", "https://www.epochtimes.com/",
           ("www.epochtimes.com",), ("gb", "b5")),
    Outlet("economist", "经济学人", "The Economist", "https://www.economist.com/", ("www.economist.com",)),
    Outlet("solidot", "Solidot", "Solidot", "https://www.solidot.org/", ("www.solidot.org",)),
    Outlet("rti", "中央廣播電臺", "Radio Taiwan International", "https://www.rti.org.tw/",
           ("www.rti.org.tw",), ("news",)),
)

_BY_HOST = {host: outlet for outlet in OUTLETS for host in outlet.hosts}
_SLUG = re.compile(r"[^a-z0-9]+")
_SECTION = re.compile(r"\A[^\W\d_][\w-]{0,30}\Z")
# A final segment that is only the article's number: the segment before it is the title's slug,
# as in DW's /zh/<slug>/a-54030183 and VOA's /a/<slug>/5496561.html.
_ARTICLE_NUMBER = re.compile(r"\A(a-\d+|\d+\.html?)\Z")


def known_outlet(url: str) -> Outlet | None:
    """The outlet of a known host."""
    return _BY_HOST.get((urlsplit(url).hostname or "").lower())


def outlet_for(url: str, feed_name: str | None = None) -> Outlet:
    """The outlet of a known host; otherwise one named after the host (and the feed, if given)."""
    known = known_outlet(url)
    if known:
        return known
    host = (urlsplit(url).hostname or "").lower()
    bare = host.removeprefix("www.")
    slug = _SLUG.sub("-", bare).strip("-") or "unknown"
    return Outlet(slug, feed_name or bare, bare, f"https://{host}/", (host,))


def section_for(url: str, outlet: Outlet) -> str | None:
    """The first path segment that names a section: not an edition prefix, a number or the slug."""
    segments = [unquote(s) for s in urlsplit(url).path.split("/") if s]
    if segments and _ARTICLE_NUMBER.match(segments[-1]):
        segments = segments[:-1]
    for segment in segments[:-1]:
        if segment.lower() in outlet.path_prefixes or segment.isdigit():
            continue
        return segment.lower() if _SECTION.match(segment) else None
    if outlet.id == "bbc" and segments:
        # BBC puts the section before the story number: /zhongwen/simp/science-53402970
        match = re.match(r"([a-z-]+?)-\d+\Z", segments[-1])
        return match.group(1) if match else None
    return None
