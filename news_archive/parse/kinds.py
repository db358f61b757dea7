"""Which kind a paragraph of an article's body is: credit, footer, subhead or body, from its text and markup."""

from __future__ import annotations

import re

from bs4 import Tag

from ..han import UNIFIED
from .html_tree import BOLD, contains, unbolded_text
from .text import clean_text

CREDIT_LINE = re.compile(
    r"\A(翻译|翻譯|译者|譯者|编译|編譯|审校|審校|责编|責編|网编|網編|编辑|編輯|发稿|發稿|"
    r"(实习|實習|特约|特約)?(记者|記者))\s*[：:/／|｜ ]"
)
CONTRIBUTION_LINE = re.compile(r"对本文有[^。]{0,8}贡献|對本文有[^。]{0,8}貢獻|补充报道\Z|補充報導\Z")
# DW's closing line: the staff who wrote and edited it, then the agencies, "文山/李鱼/(德新社、路透社)".
SIGNATURE_LINE = re.compile(f"\\A[{UNIFIED}·]{{2,5}}(\\s*/\\s*[{UNIFIED}·]{{2,5}})*\\s*/?\\s*[（(][^（）()]*社[^（）()]*[）)]\\Z")
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
MARKDOWN_BOLD = re.compile(r"\A\*\*(.+)\*\*\Z", re.S)


def kind_of(nodes: list, text: str, kind: str) -> tuple[str, str]:
    """(kind, text) of a paragraph that the markup around it calls ``kind``; a subhead written in
    Markdown's **bold** loses its asterisks. Only body and footer text is looked at again."""
    if kind not in ("body", "footer"):
        return kind, text
    markdown = MARKDOWN_BOLD.match(text)
    if is_credit(text):
        return "credit", text
    if COPYRIGHT_LINE.match(text) or BOILERPLATE.search(text) or ENGLISH_EDITION_LINE.match(text):
        return "footer", text
    if kind == "body" and markdown:
        return "subhead", markdown.group(1).strip()
    if kind == "body" and _is_subhead(nodes, text):
        return "subhead", text
    return kind, text


def is_credit(text: str) -> bool:
    if CONTRIBUTION_LINE.search(text) or SIGNATURE_LINE.match(text):
        return True
    return bool(CREDIT_LINE.match(text)) and len(text) <= 80 and not SENTENCE_MARKS.search(text)


def is_colophon_line(text: str) -> bool:
    """A line of the colophon that ends NYT 2020 bodies: a credit or the link to the English edition."""
    return is_credit(text) or bool(ENGLISH_EDITION_LINE.match(text))


def footer_name(text: str) -> str | None:
    """The proper-case name an author bio opens with ("Amy Qin is ...")."""
    match = FOOTER_NAME.match(text)
    return match.group(1) if match else None


def _is_subhead(nodes: list, text: str) -> bool:
    """A short paragraph that is bold throughout (VOA, RFA, CDT style subheads)."""
    if len(text) > 40 or "\n" in text or text.endswith(("。", "：", ":")):
        return False
    has_bold = any(isinstance(n, Tag) and (n.name in BOLD or contains(n, BOLD)) for n in nodes)
    return has_bold and not clean_text("".join(unbolded_text(n) for n in nodes))
