"""Bad input: mutated seed files never break the build, good files still load, bad ones say why.

Fixed seeds throughout (random.Random(7), hypothesis derandomized), so a failure reproduces.
"""

import os
import random

import sqlite_utils
from db_fixtures import SEEDS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from news_archive.parse.article import parse_article
from news_archive.build import build
from news_archive.build.worker import parse_file
from news_archive.db.parsed import SourceFile
from news_archive.db.ids import article_id

RANDOM = random.Random(7)
# Plain files (no front matter): their header ends at the first "------" line.
PLAIN = sorted(p for p in SEEDS.rglob("*.md") if p.read_bytes().startswith(b"<!--"))
VALID = RANDOM.sample(PLAIN, 12)
SEPARATOR = b"\n------\n"


def _cases() -> list[tuple[str, bytes, str | None]]:
    """(file name, content, expected error text; None: loads; "?": either, but never a crash)."""
    cases = [(f"valid/{i}.md", p.read_bytes(), None) for i, p in enumerate(VALID)]
    seed = VALID[0].read_bytes()
    header, _, body = seed.partition(SEPARATOR)
    title_end = header.rindex(b"\n")  # the [title](url) line starts here
    cases += [
        ("empty.md", b"", "empty file"),
        ("blank.md", b" \n\t\n", "empty file"),
        ("nul.md", seed[:200] + b"\x00" + seed[200:], "binary file"),
        ("utf16.md", seed.decode().encode("utf-16"), "UTF-16"),
        ("gbk.md", seed.decode().encode("gbk", errors="replace"), "not UTF-8"),
        ("bad-byte.md", seed[:300] + b"\xff" + seed[300:], "not UTF-8: invalid byte 0xff at offset 300"),
        ("no-title-line.md", header[:title_end] + SEPARATOR + body, "no header"),
        ("no-separator.md", header + b"\n" + body, "no header"),
        ("no-feed-time-no-title.md", SEPARATOR.lstrip() + body, "no header"),
        ("bad-url.md", seed.replace(b"](https://", b"](javascript://", 1), "not http(s)"),
        ("unclosed-front-matter.md", b"---\ntitle: x\n" + seed, "front matter not closed"),
        ("nested.md", header + SEPARATOR + b"<div>" * 100_000 + b"<p>x</p>", "nested too deeply"),
        ("unclosed-tags.md", header.replace(b"/world/", b"/unclosed/") + SEPARATOR
         + b"<p><b><i><a href='/x'>text" * 50, None),
        # 2 MB: 65 times the largest seed (31 KB); each MB more costs the build one to two seconds.
        ("big.md", header.replace(b"/world/", b"/big/") + SEPARATOR + body * (2_000_000 // len(body) + 1), None),
        # The same URL again, fed later: one article, two versions.
        ("duplicate.md", seed.replace(seed[4:17], b"9999999999999", 1), None),
    ]
    for i in range(12):
        data = RANDOM.randbytes(RANDOM.randrange(1, 4000))
        cases.append((f"random/{i}.md", data, "?"))
    for i, path in enumerate(RANDOM.sample(PLAIN, 30)):
        data = path.read_bytes()
        cut = RANDOM.randrange(len(data))
        header_kept = cut >= data.index(SEPARATOR) + len(SEPARATOR)
        expected = None if header_kept else "?"
        if _splits_a_character(data[:cut]):
            expected = "not UTF-8"
        cases.append((f"truncated/{i}.md", data[:cut], expected))
    for i, path in enumerate(RANDOM.sample(PLAIN, 10)):  # markup characters strewn over the body
        text = list(path.read_text(encoding="utf-8"))
        start = "".join(text).index(SEPARATOR.decode()) + len(SEPARATOR)
        for _ in range(20):
            text[RANDOM.randrange(start, len(text))] = RANDOM.choice("<>/&\"'=!-[]")
        cases.append((f"flipped/{i}.md", "".join(text).encode(), None))
    return cases


def _splits_a_character(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def test_bad_input_never_breaks_the_build(tmp_path):
    inputs, cases = tmp_path / "in", _cases()
    for name, data, _ in cases:
        (inputs / name).parent.mkdir(parents=True, exist_ok=True)
        (inputs / name).write_bytes(data)
    os.symlink("..", inputs / "valid" / "loop")  # a folder symlink loop: read once, no hang

    summary = build([inputs], tmp_path / "out.db", jobs=1)

    db = sqlite_utils.Database(tmp_path / "out.db")
    errors = dict(db.execute("select source_file, error from build_errors where level = 'error'").fetchall())
    loaded = {file: article for file, article in db.execute("select source_file, article_id from versions")}
    outcome = {}
    for name, data, expected in cases:
        if expected == "?" and loaded[name] is not None:
            expected = None  # a mutation that still reads as an article
        if expected is None:
            assert name not in errors, (name, errors.get(name))
            assert db["articles"].count_where("id = ?", [article_id(parse_article(data))]) == 1, name
        else:
            assert loaded[name] is None, name
            assert errors[name] and (expected == "?" or expected in errors[name]), (name, errors[name])
        outcome[name] = "error" if name in errors else "loaded"
    assert not [e for e in errors.values() if e.startswith("parser failed")]
    assert summary.versions == len(cases)  # the loop added no file twice
    # The duplicate (fed last) is the current version of valid/0.md's article.
    assert loaded["duplicate.md"] == loaded["valid/0.md"]
    assert db["articles"].get(loaded["duplicate.md"])["source_file"] == "duplicate.md"
    print(f"\nfuzz build: {len(cases)} files, {list(outcome.values()).count('loaded')} loaded, "
          f"{list(outcome.values()).count('error')} errors")


@settings(derandomize=True, max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PLAIN[:40]), st.integers(min_value=0), st.integers(0, 200), st.binary(max_size=200))
def test_spliced_bytes_never_crash_the_parser(tmp_path_factory, seed, at, drop, insert):
    data = seed.read_bytes()
    at %= len(data) + 1
    path = tmp_path_factory.getbasetemp() / "spliced.md"
    path.write_bytes(data[:at] + insert + data[at + drop:])
    parsed = parse_file(SourceFile(str(path), path.name))
    assert (parsed.article is None) != (parsed.error is None)
    assert not (parsed.error or "").startswith("parser failed"), parsed.error
