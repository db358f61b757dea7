"""SVG charts drawn on the server (news_archive.research.chart), read back as XML."""

import time
import xml.etree.ElementTree as ET

import pytest
from markupsafe import Markup

from news_archive.research.chart import Line, data_table, nice_ticks, time_chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: Markup) -> ET.Element:
    return ET.fromstring(str(svg))


def all_of(root: ET.Element, tag: str) -> list[ET.Element]:
    return list(root.iter(SVG + tag))


def texts(root: ET.Element, css_class: str) -> list[str]:
    return [t.text for t in all_of(root, "text") if css_class in t.get("class", "").split()]


def tooltips(root: ET.Element, tag: str) -> list[str]:
    return [el.find(SVG + "title").text for el in all_of(root, tag)]


MONTHS = ["2021-01", "2021-02", "2021-03", "2021-04"]


def test_one_polyline_per_line_with_a_tooltip_per_point():
    lines = [Line("拜登", [3, 37, 12, 0]), Line("特朗普", [1, 2, 3, 4])]
    root = parse(time_chart(MONTHS, lines))
    assert len(all_of(root, "polyline")) == 2
    assert len(all_of(root, "circle")) == 8
    assert "拜登 · 2021-02: 37" in tooltips(root, "circle")
    assert "特朗普 · 2021-04: 4" in tooltips(root, "circle")


def test_a_gap_splits_the_line_and_has_no_point():
    root = parse(time_chart(MONTHS, [Line("BBC中文", [5, None, 7, 8])]))
    assert len(all_of(root, "polyline")) == 2
    assert tooltips(root, "circle") == ["BBC中文 · 2021-01: 5", "BBC中文 · 2021-03: 7", "BBC中文 · 2021-04: 8"]


def test_y_ticks_are_nice_numbers_from_zero():
    root = parse(time_chart(MONTHS, [Line("a", [3, 37, 12, 0])]))
    assert texts(root, "y-tick") == ["0", "10", "20", "30", "40"]
    root = parse(time_chart(MONTHS, [Line("a", [1200, 3400, 0, 5])]))
    assert texts(root, "y-tick") == ["0", "1,000", "2,000", "3,000", "4,000"]


def test_stacked_bars_one_rect_per_non_zero_cell_and_one_group_per_period():
    lines = [Line("纽约时报中文网", [10, 0, 4, 1]), Line("BBC中文", [2, 0, 0, 30])]
    root = parse(time_chart(MONTHS, lines, stacked=True))
    bars = [g for g in all_of(root, "g") if g.get("class") == "bar"]
    assert [g.get("data-period") for g in bars] == MONTHS
    assert sum(len(g.findall(SVG + "rect")) for g in bars) == 5
    assert "纽约时报中文网 · 2021-03: 4" in [r.find(SVG + "title").text for g in bars for r in g]
    assert not all_of(root, "polyline")
    assert texts(root, "y-tick") == ["0", "10", "20", "30", "40"]  # the stack's top is 31


def test_stacked_bars_rise_from_the_axis_in_series_order():
    root = parse(time_chart(["2021"], [Line("a", [1]), Line("b", [3])], stacked=True))
    first, second = next(g for g in all_of(root, "g") if g.get("class") == "bar")
    assert float(second.get("y")) + float(second.get("height")) == pytest.approx(float(first.get("y")))
    assert float(second.get("height")) == pytest.approx(3 * float(first.get("height")), abs=0.2)


def test_percent_axis_and_tooltips():
    root = parse(time_chart(MONTHS, [Line("台湾", [0.125, 0.05, 0.0, 0.1])], percent=True))
    assert texts(root, "y-tick") == ["0%", "5%", "10%", "15%"]
    assert tooltips(root, "circle")[0] == "台湾 · 2021-01: 12.5%"


def test_labels_are_escaped():
    label = '<b>&"x"'
    svg = time_chart(MONTHS, [Line(label, [1, 2, 3, 4])], title='A & <b>')
    root = parse(svg)  # well-formed XML despite the label
    assert "<b>" not in str(svg)
    assert label in texts(root, "legend-label")
    assert f"{label} · 2021-01: 1" in tooltips(root, "circle")
    assert root.find(SVG + "title").text == "A & <b>"
    assert data_table(MONTHS, [Line(label, [1, 2, 3, 4])]).count("&lt;b&gt;&amp;&#34;x&#34;") == 1


def test_accessible_and_scalable():
    root = parse(time_chart(MONTHS, [Line("a", [1, 2, 3, 4])], title="Articles per month"))
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(SVG + "title").get("id") == title_id
    assert root.find(SVG + "desc").get("id") == desc_id
    assert root.get("width") == "100%"
    assert root.get("viewBox").startswith("0 0 900 ")


def test_one_period():
    root = parse(time_chart(["2021-03"], [Line("a", [7])]))
    assert tooltips(root, "circle") == ["a · 2021-03: 7"]
    assert texts(root, "x-tick") == ["2021-03"]
    root = parse(time_chart(["2021-03"], [Line("a", [7])], stacked=True))
    assert len(all_of(root, "rect")) >= 1


def test_no_data():
    for periods, lines in (([], []), (MONTHS, []), (MONTHS, [Line("a", [0, None, 0, 0])])):
        root = parse(time_chart(periods, lines))
        assert "No data" in "".join(root.itertext())
        assert not all_of(root, "polyline") and not all_of(root, "circle")


def days(n: int) -> list[str]:
    from datetime import date, timedelta

    return [(date(2021, 1, 1) + timedelta(days=i)).isoformat() for i in range(n)]


def test_x_labels_thinned_on_a_thousand_days_first_and_last_kept():
    periods = days(1000)
    root = parse(time_chart(periods, [Line("a", [i % 17 for i in range(1000)])]))
    labels = texts(root, "x-tick")
    assert 2 <= len(labels) <= 12
    assert labels[0] == periods[0] and labels[-1] == periods[-1]
    positions = [float(t.get("x")) for t in all_of(root, "text") if "x-tick" in t.get("class", "")]
    assert min(b - a for a, b in zip(positions, positions[1:])) >= 70  # "2021-01-01" is ~60 units wide


def test_fast_on_a_thousand_periods_and_twenty_stacked_series():
    periods = days(1000)
    line = Line("a", [float(i % 50) for i in range(1000)])
    started = time.perf_counter()
    time_chart(periods, [line])
    assert time.perf_counter() - started < 0.03
    lines = [Line(f"outlet {k}", [float((i * k) % 7) for i in range(36)]) for k in range(20)]
    root = parse(time_chart(days(36), lines, stacked=True))
    assert len(texts(root, "legend-label")) == 20


def test_second_colour_cycle_is_dashed():
    lines = [Line(f"s{k}", [k, k + 1]) for k in range(14)]
    root = parse(time_chart(["2021", "2022"], lines))
    dashes = [p.get("stroke-dasharray") for p in all_of(root, "polyline")]
    colours = [p.get("stroke") for p in all_of(root, "polyline")]
    assert dashes[0] is None and dashes[-1] is not None
    assert len(set(colours)) == 12 and colours[0] == colours[12]


def test_data_table_holds_the_same_numbers():
    html = str(data_table(MONTHS, [Line("拜登", [3, 1234, None, 0]), Line("台湾", [0.5, 0, 0, 0])]))
    assert "<th scope=\"col\">拜登</th>" in html
    assert "<th scope=\"row\">2021-02</th><td>1,234</td><td>0</td>" in html
    assert "<th scope=\"row\">2021-03</th><td></td><td>0</td>" in html
    html = str(data_table(["2021"], [Line("台湾", [0.125])], percent=True))
    assert "<td>12.5%</td>" in html


def test_months_are_labelled_every_january_between_the_first_and_last():
    months = [f"{y}-{m:02d}" for y in range(2017, 2026) for m in range(1, 13)][3:-10]  # 2017-04 … 2025-02
    root = parse(time_chart(months, [Line("a", [1] * len(months))], stacked=True))
    assert texts(root, "x-tick") == ["2017-04", *(f"{y}-01" for y in range(2018, 2025)), "2025-02"]


def test_few_periods_are_all_labelled():
    root = parse(time_chart(MONTHS, [Line("a", [1, 2, 3, 4])]))
    assert texts(root, "x-tick") == MONTHS


def test_nice_ticks():
    assert nice_ticks(37, integers=True) == [0, 10, 20, 30, 40]
    assert nice_ticks(5, integers=True) == [0, 1, 2, 3, 4, 5]
    assert nice_ticks(1, integers=True) == [0, 1]  # no "0.2 articles"
    assert nice_ticks(1.0) == [0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert nice_ticks(0.125) == [0, 0.05, 0.1, 0.15]
    assert nice_ticks(9400, integers=True) == [0, 2000, 4000, 6000, 8000, 10000]
