"""The character-level comparison of two saved texts (news_archive.textdiff), against a longest
common subsequence computed here by another algorithm."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from news_archive.search import normalize
from news_archive.textdiff import compare_texts, compare_titles, text_key


def lcs_length(a: str, b: str) -> int:
    """Length of a longest common subsequence, by the bit-vector algorithm (Hyyrö 2004): independent
    of the library news_archive.textdiff uses."""
    masks: dict[str, int] = {}
    for i, char in enumerate(a):
        masks[char] = masks.get(char, 0) | (1 << i)
    full = (1 << len(a)) - 1
    row = full
    for char in b:
        matched = row & masks.get(char, 0)
        row = ((row + matched) | (row - matched)) & full
    return len(a) - bin(row).count("1")


def lcs_table(a: str, b: str) -> int:
    """The same by the textbook O(n·m) table, to check lcs_length itself."""
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b):
            current.append(previous[j] + 1 if x == y else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


def test_the_bit_vector_lcs_agrees_with_the_table():
    rng = random.Random(12)
    for _ in range(300):
        a = "".join(rng.choice("的中国人大") for _ in range(rng.randint(0, 30)))
        b = "".join(rng.choice("的中国人大") for _ in range(rng.randint(0, 30)))
        assert lcs_length(a, b) == lcs_table(a, b)


def key(title: str, paragraphs: list[str]) -> str:
    """text_key of saved texts (the build gives it texts it has normalized already)."""
    return text_key(normalize(title), [normalize(p) for p in paragraphs])


def pieces(paragraph) -> list[tuple[str, str]]:
    return [(piece.kind, piece.text) for piece in paragraph]


def test_a_swapped_word_is_two_characters_out_and_two_in():
    diff = compare_texts(["第一段。", "我们尊重他们的选择。", "最后一段。"], ["第一段。", "我们崇拜他们的选择。", "最后一段。"])
    assert (diff.chars_added, diff.chars_removed) == (2, 2)
    assert (diff.paragraphs_added, diff.paragraphs_removed, diff.paragraphs_changed) == (0, 0, 1)
    assert [block.kind for block in diff.blocks] == ["same", "inline", "same"]
    assert [pieces(p) for p in diff.blocks[0].paragraphs] == [[("same", "第一段。")]]
    assert [pieces(p) for p in diff.blocks[1].paragraphs] == [
        [("same", "我们"), ("removed", "尊重"), ("added", "崇拜"), ("same", "他们的选择。")]
    ]


def test_script_width_case_and_spacing_are_no_change():
    before = ["台灣總統蔡英文說：「ＡＰＰ　很好」。", "  第二段  有  空格 "]
    after = ["台湾总统蔡英文说：「app 很好」。", "第二段 有 空格"]
    diff = compare_texts(before, after)
    assert (diff.chars_added, diff.chars_removed, diff.paragraphs_changed) == (0, 0, 0)
    assert [block.kind for block in diff.blocks] == ["same"]
    assert key("標題", before) == key("标题", after)
    assert compare_titles("美國 大選", "美国  大选") is None


def test_paragraph_breaks_are_not_text():
    """A re-save that splits or joins paragraphs without changing a character has the same text."""
    assert key("t", ["甲乙。丙丁。"]) == key("t", ["甲乙。", "丙丁。"])
    assert key("t", ["甲乙。丙丁。"]) != key("t", ["甲乙。丙丁"])
    assert key("t", ["甲乙"]) != key("u", ["甲乙"])
    diff = compare_texts(["甲乙。丙丁。"], ["甲乙。", "丙丁。", "新的一段。"])
    assert (diff.chars_added, diff.chars_removed) == (5, 0)


def test_added_and_removed_paragraphs_are_whole():
    diff = compare_texts(["开头。", "被删掉的一段话。", "结尾。"], ["开头。", "结尾。", "新加的一段。"])
    assert (diff.chars_added, diff.chars_removed) == (6, 8)
    assert (diff.paragraphs_added, diff.paragraphs_removed, diff.paragraphs_changed) == (1, 1, 0)
    assert [block.kind for block in diff.blocks] == ["same", "inline", "same", "inline"]
    assert [pieces(p) for p in diff.blocks[1].paragraphs] == [[("removed", "被删掉的一段话。")]]
    assert [pieces(p) for p in diff.blocks[3].paragraphs] == [[("added", "新加的一段。")]]


def test_a_rewritten_passage_shows_before_then_after():
    before = ["美国总统特朗普在推特上宣布确诊。", "白宫医官表示总统情况良好。"]
    after = ["距离大选还有一个月。", "分析认为选举日期不会改变。"]
    diff = compare_texts(before, after)
    assert (diff.paragraphs_added, diff.paragraphs_removed, diff.paragraphs_changed) == (2, 2, 0)
    common = lcs_length("".join(before), "".join(after))
    assert diff.chars_removed == len("".join(before)) - common
    assert diff.chars_added == len("".join(after)) - common
    [block] = diff.blocks
    assert block.kind == "rewritten"
    assert ["".join(text for _, text in pieces(p)) for p in block.before] == before
    assert ["".join(text for _, text in pieces(p)) for p in block.after] == after
    # A character or two shared by chance between changes is marked with them, not left as a shred.
    for side, changed in ((block.before, "removed"), (block.after, "added")):
        for p in side:
            shown = pieces(p)
            assert {kind for kind, _ in shown} <= {"same", changed}
            assert not any(kind == "same" and len(text) <= 2 and 0 < i < len(shown) - 1
                           for i, (kind, text) in enumerate(shown))


def test_an_edited_line_stays_inline_beside_a_rewritten_one():
    diff = compare_texts(["最近更新：41分钟前", "美国总统特朗普在推特上宣布确诊。"], ["最近更新：46分钟前", "距离大选还有一个月。"])
    assert [block.kind for block in diff.blocks] == ["inline", "rewritten"]
    assert [pieces(p) for p in diff.blocks[0].paragraphs] == [
        [("same", "最近更新：4"), ("removed", "1"), ("added", "6"), ("same", "分钟前")]]
    assert ["".join(text for _, text in pieces(p)) for p in diff.blocks[1].before] == ["美国总统特朗普在推特上宣布确诊。"]
    assert ["".join(text for _, text in pieces(p)) for p in diff.blocks[1].after] == ["距离大选还有一个月。"]


def test_pieces_keep_the_saved_text_and_its_spacing():
    """Marks are placed on the text as saved (Traditional, full-width, several spaces), not on the
    normalized form; unchanged text reads as the later version has it."""
    diff = compare_texts(["總統  說：ＯＫ"], ["总统  表示：OK"])
    [block] = diff.blocks
    assert [pieces(p) for p in block.paragraphs] == [
        [("same", "总统  "), ("removed", "說"), ("added", "表示"), ("same", "：OK")]
    ]
    assert (diff.chars_added, diff.chars_removed) == (2, 1)


def test_titles_show_what_went_and_what_came():
    before, after = compare_titles("甘肃马拉松21人死 是人祸还是天灾？", "甘肃马拉松二十一人遇难 人祸还是天灾？")
    assert pieces(before) == [("same", "甘肃马拉松"), ("removed", "21"), ("same", "人"), ("removed", "死"),
                              ("same", " "), ("removed", "是"), ("same", "人祸还是天灾？")]
    assert pieces(after) == [("same", "甘肃马拉松"), ("added", "二十一"), ("same", "人"), ("added", "遇难"),
                             ("same", " 人祸还是天灾？")]


def test_nothing_to_compare():
    diff = compare_texts([], ["", "  "])
    assert (diff.chars_added, diff.chars_removed, diff.blocks) == (0, 0, [])
    diff = compare_texts([], ["新的。"])
    assert (diff.chars_added, diff.paragraphs_added) == (3, 1)


@settings(max_examples=300, deadline=None)
@given(st.text("的中国人大", max_size=40), st.text("的中国人大", max_size=40))
def test_one_paragraph_counts_are_a_longest_common_subsequence(before, after):
    diff = compare_texts([before], [after])
    common = lcs_length(before, after)
    assert (diff.chars_removed, diff.chars_added) == (len(before) - common, len(after) - common)
    marked = [piece for block in diff.blocks for p in block.paragraphs + block.before + block.after for piece in p]
    shown = (sum(len(p.text) for p in marked if p.kind == "removed"), sum(len(p.text) for p in marked if p.kind == "added"))
    if any(block.kind == "rewritten" for block in diff.blocks):  # chance matches are marked there
        assert shown[0] >= diff.chars_removed and shown[1] >= diff.chars_added
    else:
        assert shown == (diff.chars_removed, diff.chars_added)


paragraph_lists = st.lists(st.text("的中国人大。", min_size=1, max_size=12), max_size=6)


@settings(max_examples=300, deadline=None)
@given(paragraph_lists, paragraph_lists)
def test_marks_rebuild_both_texts(before, after):
    """Whatever the paragraphs, the unchanged and removed pieces spell the earlier text, the unchanged
    and added ones the later text, and the marks are the counted characters (more, in rewritten
    passages, where a character or two shared by chance is marked with the changes around it)."""
    diff = compare_texts(before, after)
    old, new, removed, added = [], [], 0, 0
    for block in diff.blocks:
        for p in block.paragraphs + block.before:
            old += [piece.text for piece in p if piece.kind != "added"]
        for p in block.paragraphs + block.after:
            new += [piece.text for piece in p if piece.kind != "removed"]
        for p in block.paragraphs + block.before + block.after:
            removed += sum(len(piece.text) for piece in p if piece.kind == "removed")
            added += sum(len(piece.text) for piece in p if piece.kind == "added")
    assert "".join(old) == "".join(before) and "".join(new) == "".join(after)
    if any(block.kind == "rewritten" for block in diff.blocks):
        assert removed >= diff.chars_removed and added >= diff.chars_added
    else:
        assert (removed, added) == (diff.chars_removed, diff.chars_added)
    assert diff.chars_removed - diff.chars_added == len("".join(before)) - len("".join(after))
    assert diff.chars_removed >= len("".join(before)) - lcs_length("".join(before), "".join(after))
    assert (key("t", before) == key("t", after)) == (diff.chars_added + diff.chars_removed == 0)


@pytest.mark.parametrize("before, after", [(["甲"], ["乙"]), (["甲乙丙"], ["甲乙丙丁"])])
def test_keys_differ_exactly_when_the_text_does(before, after):
    assert key("t", before) != key("t", after)
