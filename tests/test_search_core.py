"""normalize, index_text, fts_query and the regular expressions of search/regex.py on hand-picked and hostile input."""

from __future__ import annotations

import random
import sqlite3

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from news_archive.search import fts_query, index_normalized, index_text, matches, normalize, patterns

B = "\ue000"  # index_text's boundary token
SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("台灣的計畫", "台湾的计划"),  # phrase-aware: 計畫 -> 计划, not 计画
        ("ＴｉｋＴｏｋ　２０２０", "tiktok 2020"),
        ("Café İstanbul", "cafe istanbul"),
        ("Straße …", "straße …"),  # casefold (ss) and NFKC (...) would change the length: kept
        ("がガ", "がガ"),  # kana voicing is not an accent
        ("\ud800x", "\ufffdx"),  # a lone surrogate cannot be encoded
        ("", ""),
    ],
)
def test_normalize(text, expected):
    assert normalize(text) == expected


def test_normalize_of_lines_is_normalize_of_each_line_whatever_it_remembers():
    lines = ["臺灣的總統", "乾隆皇帝", "ＡＢＣ１２３", "", "香港特別行政區政府"]
    for order in (lines, lines[::-1], lines[1:3] + ["新的一行：繁體"], lines):
        assert normalize("\n".join(order)) == "\n".join(normalize(line) for line in order)


def test_normalize_keeps_the_length_of_anything():
    rng = random.Random(1)
    for _ in range(2000):
        text = "".join(chr(rng.choice([rng.randrange(0x20, 0x3000), rng.randrange(0x3000, 0xA000), rng.randrange(0xF900, 0x10FFFF)]))
                       for _ in range(rng.randrange(12)))
        assert len(normalize(text)) == len(text)


def test_long_texts_fold_through_the_array_as_short_ones_through_the_dict():
    from news_archive.search.normalize import _FOLD, ARRAY_FROM, _fold_text

    rng = random.Random(2)
    sample = "ＴｉｋＴｏｋ，Café İstanbul\ud800がガ臺灣" * 20
    cases = [sample[:length] for length in (ARRAY_FROM - 1, ARRAY_FROM, 400)]
    for _ in range(300):  # the whole BMP, lone surrogates included; a tenth with a character beyond it
        text = "".join(chr(rng.randrange(0x10000)) for _ in range(rng.randrange(ARRAY_FROM, 700)))
        cases.append(text + ("\U00020000" if rng.random() < 0.1 else ""))
    for text in cases:
        assert _fold_text(text) == text.translate(_FOLD)
    assert normalize(cases[1]).startswith("tiktok,cafe istanbul\ufffdがガ台湾tiktok")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("中国人", "中国 国人 人"),
        ("中", "中"),
        ("11月份", "11 月份 份"),
        ("11 月", f"11 {B} 月"),
        ("G20峰会", "g20 峰会 会"),
        ("字节跳动TikTok", "字节 节跳 跳动 动 tiktok"),
        ("中国，美国 abc", f"中国 国 美国 国 {B} abc"),
        ("COVID-19", "covid 19"),
        ("a\ue000中", f"a {B} 中"),  # a private-use character in the text is only a separator
        ("😀 ", ""),
        ("", ""),
    ],
)
def test_index_text(text, expected):
    assert index_text(text) == expected


# What texts are made of, for index_many against index_normalized: Han (kana, 々, 〇, Extension A),
# words of several scripts, gaps of every kind, line breaks, the boundary character itself.
INDEX_PIECES = ["中", "国", "人", "々", "〇", "か", "カー", "\u3400", "a", "Z9", "é", "ж", "١", "_", " ", "，", "\n",
                "\t", "-", B, "\ufffd", "\uffff"]


@given(st.lists(st.lists(st.sampled_from(INDEX_PIECES), max_size=12).map("".join), max_size=8))
@settings(max_examples=400, deadline=None)
def test_index_many_is_index_normalized_of_each(texts):
    from news_archive.search.index import index_many

    normalized = [normalize(text) for text in texts]
    assert index_many(normalized) == [index_normalized(text) for text in normalized]
    # Characters beyond the BMP (an emoji separates, an Extension B character is Han) anywhere:
    # every text goes through index_normalized.
    for astral in ("😀", "\U00020000中"):
        with_astral = [*normalized, f"中{astral}a"]
        assert index_many(with_astral) == [index_normalized(text) for text in with_astral]


def test_index_many_of_seed_articles():
    from news_archive.db.fts import normalized_texts_of
    from news_archive.parse.article import parse_article
    from news_archive.parse.source import SourceError
    from news_archive.search.index import index_many

    tokens = 0
    for path in sorted(p for p in SEEDS.rglob("*") if p.suffix in {".md", ".txt"}):
        try:
            article = parse_article(path.read_bytes())
        except SourceError:
            continue
        title, lead, paragraphs, figures = normalized_texts_of([article])[0]
        texts = [title, lead, *paragraphs, *(text for figure in figures for text in figure)]
        made = index_many(texts)
        assert made == [index_normalized(text) for text in texts], path
        tokens += sum(len(text.split()) for text in made)
    assert tokens > 300_000


@pytest.mark.parametrize(
    "search, expected",
    [
        ("中国人", '"中国 国人"'),
        ("中华人民共和国", '"中华 华人 人民 民共 共和 和国"'),
        ("中国", '"中国"'),
        ("中", '"中"*'),
        ("中国*", '"中国"'),
        ("台灣", '"台湾"'),
        ("11月", '"11 月"*'),
        ("11月份", '"11 月份"'),
        ("月11", '"月 11"'),
        ("G20峰会", '"g20 峰会"'),
        ("TikTok字节跳动", '"tiktok 字节 节跳 跳动"'),
        ("字节跳动TikTok", '"字节 节跳 跳动 动 tiktok"'),
        ("中国，美国", '"中国 国 美国"'),
        ("Trump", '"trump"'),
        ("app*", '"app"*'),
        ("covid-19", '"covid 19"'),
        ("中国 美国", '"中国" AND "美国"'),
        ("中国 中国", '"中国"'),
        ('"美国 总统"', '"美国 国 总统"'),
        ('"Donald Trump"', '"donald trump"'),
        ('"new yor*"', '"new yor"*'),
        ('"11 月"', f'"11 {B} 月"*'),
        ('"unbalanced 中国', f'"unbalanced {B} 中国"'),
        ("AND OR NOT NEAR", '"and" AND "or" AND "not" AND "near"'),
        ("text:中国", f'"text {B} 中国"'),
        ("-中国 (美国)", '"中国" AND "美国"'),
        ("a*b", '"a b"'),
        ("中😀国", '"中 国"*'),
    ],
)
def test_fts_query(search, expected):
    assert fts_query(search) == expected


@pytest.mark.parametrize("search", ["", " ", "　", '"', '""', "*", "-", ":", "()", "^", "😀", "\x00", B, "\ud800", '" "'])
def test_fts_query_without_searchable_token_matches_nothing(search):
    assert fts_query(search) == '""'
    assert not matches(search, "anything 中国")


@pytest.mark.parametrize(
    "search, text, expected",
    [
        ("11月", "今年11月份", True),
        ("11月", "11 月", False),
        ("11月", "211月", False),
        ("G20峰会", "G20 峰会", False),
        ("TikTok字节跳动", "TikTok字节跳动公司", True),
        ("字节跳动TikTok", "字节跳动TikTokX", False),
        ("app", "apple", False),
        ("app*", "Apple", True),
        ("app*", "pineapple", False),
        ("台灣", "台湾", True),
        ("台湾", "臺灣", True),
        ("国", "中国", True),
        ("国美", "中国，美国", False),
        ("中国 美国", "美国和中国", True),
        ('"美国 总统"', "美国总统", False),
        ('"美国 总统"', "美国，总统", True),
        ("covid-19", "COVID 19", True),
        ("jose", "José", True),
        ("AND", "this and that", True),
    ],
)
def test_matches(search, text, expected):
    assert matches(search, text) is expected


def test_pattern_spans_are_spans_of_the_original_text():
    text = "据报导，ＴｉｋＴｏｋ字節跳動公司"
    match = patterns("tiktok字节跳动")[0].search(normalize(text))
    assert text[match.start() : match.end()] == "ＴｉｋＴｏｋ字節跳動"


def test_hostile_input_never_breaks_fts5_and_agrees_with_the_oracle():
    alphabet = ["中", "国", "人", "臺", "灣", "台", "月", " ", "　", '"', "＂", "*", "-", ":", "(", ")", "^", "+",
                "a", "B", "1", "AND", "OR", "NOT", "NEAR", "😀", "\x00", B, "\ud800", "é", "ß", "，", "_", "ｱ", "…"]
    rng = random.Random(2)
    texts = ["".join(rng.choices(alphabet, k=rng.randrange(20))) for _ in range(300)]
    db = sqlite3.connect(":memory:")
    db.execute("create virtual table fts using fts5(text, content='')")
    db.executemany("insert into fts(rowid, text) values (?, ?)", ((i, index_text(t)) for i, t in enumerate(texts)))
    normalized = [normalize(text) for text in texts]
    for n in range(1000):
        search = "".join(rng.choices(alphabet, k=rng.randrange(1, 9)))
        found = {i for (i,) in db.execute("select rowid from fts where fts match ?", [fts_query(search)])}
        # matches(search, text) for every text, its patterns compiled once (matches() itself, for one search in 20)
        terms = patterns(search)
        want = {i for i, text in enumerate(normalized) if terms and all(term.search(text) for term in terms)}
        if n % 20 == 0:
            assert want == {i for i, text in enumerate(texts) if matches(search, text)}, search
        assert found == want, search
