"""Draw numbers over time as an SVG chart on the server: lines or stacked bars, axes, legend, tooltips.

No JavaScript and nothing fetched: the SVG goes into the page as it is, scales with its container
(viewBox, width 100%), and every point or bar carries a <title> tooltip ("label · period: value").
data_table() gives the same numbers as an HTML table for screen readers and copying.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

from markupsafe import Markup, escape


@dataclass(frozen=True)
class Line:
    """One series: a label and one value per period (None: no data, drawn as a gap)."""

    label: str
    values: list[float | None]


# Okabe & Ito's colour-blind-safe palette (yellow left out: too pale on white) and Paul Tol's muted
# scheme; a second cycle of series gets dashed lines and hatched bars.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9",
           "#332288", "#999933", "#882255", "#44AA99", "#555555", "#DDCC77"]
DASHES = [None, "6 3", "2 2", "8 3 2 3"]

FONT = 12  # px in viewBox units, tick and legend labels
MAX_X_LABELS = 12
TOP, BOTTOM, RIGHT = 12, 26, 16
LEGEND_ROW = 20


def time_chart(periods: list[str], lines: list[Line], *, percent: bool = False, stacked: bool = False,
               title: str = "", width: int = 900, height: int = 260) -> Markup:
    """The lines (or, stacked, bars of the values added up per period) over the periods, in order."""
    chart_id = _chart_id(title, periods, lines)
    top_value = _top_value(periods, lines, stacked)
    if top_value <= 0:  # values are counts or shares, never below 0
        return _no_data(chart_id, title, width)
    ticks = nice_ticks(top_value, integers=not percent and _all_integers(lines))
    fmt = _percent if percent else _number
    legend, legend_height = _legend(lines, stacked, width, chart_id)
    left = 10 + max(_text_width(fmt(tick, ticks[1])) for tick in ticks)
    plot = _Plot(left, TOP, width - left - RIGHT, height - TOP - BOTTOM, len(periods), ticks[-1])
    body = _bars(plot, periods, lines, fmt, chart_id) if stacked else _lines(plot, periods, lines, fmt)
    total_height = height + legend_height
    return Markup("").join([
        Markup('<svg xmlns="http://www.w3.org/2000/svg" class="time-chart" role="img" '
               'aria-labelledby="{0}-title {0}-desc" viewBox="0 0 {1} {2}" width="100%" '
               'preserveAspectRatio="xMinYMin meet" font-size="{3}">').format(chart_id, width, total_height, FONT),
        Markup('<title id="{}-title">{}</title>').format(chart_id, title or "Chart"),
        Markup('<desc id="{}-desc">{}</desc>').format(chart_id, _description(periods, lines, stacked, fmt, top_value)),
        _hatches(chart_id, len(lines)) if stacked else Markup(""),
        _y_axis(plot, ticks, fmt),
        _x_axis(plot, periods, width),
        body,
        Markup('<g class="legend" transform="translate(0 {})">{}</g>').format(height, legend),
        Markup("</svg>"),
    ])


def data_table(periods: list[str], lines: list[Line], percent: bool = False) -> Markup:
    """The chart's numbers as an HTML table: a row per period, a column per series."""
    fmt = _percent if percent else _number
    head = Markup("").join(Markup('<th scope="col">{}</th>').format(line.label) for line in lines)
    rows = []
    for i, period in enumerate(periods):
        cells = "".join(f"<td>{'' if line.values[i] is None else fmt(line.values[i])}</td>" for line in lines)
        rows.append(Markup('<tr><th scope="row">{}</th>').format(period) + Markup(cells) + Markup("</tr>"))
    return (Markup('<table class="chart-data"><thead><tr><th scope="col">Period</th>{}</tr></thead><tbody>')
            .format(head) + Markup("").join(rows) + Markup("</tbody></table>"))


def nice_ticks(top_value: float, integers: bool = False) -> list[float]:
    """Ticks 0, s, 2s … up to the first at or above top_value, s being 1, 2 or 5 × 10^k, 4 to 6 of
    them (fewer only for whole numbers under 3, which get a step of 1)."""
    exponent = math.floor(math.log10(top_value))
    candidates = [m * 10.0 ** e for e in (exponent - 1, exponent) for m in (1, 2, 5)]
    if integers:  # whole numbers of at least 1: exponent >= 0, so 1, 2 and 5 remain
        candidates = [step for step in candidates if step >= 1]
    fitting = [step for step in candidates if 3 <= _steps_to(top_value, step) <= 5] or [min(candidates)]
    step = min(fitting, key=lambda s: (_steps_to(top_value, s) * s, -s))
    return [round(i * step, 12) for i in range(_steps_to(top_value, step) + 1)]


def _steps_to(top_value: float, step: float) -> int:
    """How many steps reach top_value (a hair of float error does not add one)."""
    return math.ceil(top_value / step - 1e-9)


@dataclass(frozen=True)
class _Plot:
    """The plotting area in viewBox units, and where a period and a value fall in it."""

    left: float
    top: float
    width: float
    height: float
    periods: int
    top_value: float

    @property
    def band(self) -> float:
        return self.width / self.periods

    @property
    def bottom(self) -> float:
        return self.top + self.height

    def x(self, index: int) -> float:
        return self.left + self.band * (index + 0.5)

    def y(self, value: float) -> float:
        return self.bottom - self.height * value / self.top_value

    def x_texts(self) -> list[str]:
        """Each period's x, formatted once for every series."""
        return [f"{self.x(i):.1f}" for i in range(self.periods)]


def _lines(plot: _Plot, periods: list[str], lines: list[Line], fmt) -> Markup:
    radius = min(3.0, max(1.2, plot.band * 0.4))
    xs = plot.x_texts()
    bottom, scale = plot.bottom, plot.height / plot.top_value
    tips = [f" · {escape(period)}: " for period in periods]
    parts = []
    for k, line in enumerate(lines):
        colour, dash = _style(k)
        label = escape(line.label)
        points = [(i, xs[i], f"{bottom - scale * v:.1f}", v) for i, v in enumerate(line.values) if v is not None]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<g class="series" fill="{colour}">')
        for run in _runs(points):
            coords = " ".join([f"{x},{y}" for _, x, y, _ in run])
            parts.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2"'
                         f' stroke-linejoin="round"{dash_attr}/>')
        parts.extend([f'<circle cx="{x}" cy="{y}" r="{radius:.1f}"><title>{label}{tips[i]}{fmt(v)}</title></circle>'
                      for i, x, y, v in points])
        parts.append("</g>")
    return Markup("".join(parts))


def _runs(points: list[tuple]) -> list[list[tuple]]:
    """Points split where a period is missing: each run is drawn as one polyline."""
    runs: list[list[tuple]] = []
    previous = -2
    for point in points:
        if point[0] == previous + 1:
            runs[-1].append(point)
        else:
            runs.append([point])
        previous = point[0]
    return runs


def _bars(plot: _Plot, periods: list[str], lines: list[Line], fmt, chart_id: str) -> Markup:
    bar_width = plot.band * (0.8 if plot.band > 3 else 1.0)
    # Everything but y and height is the same for a whole period or series: formatted once.
    xs = [f'x="{plot.x(i) - bar_width / 2:.2f}" width="{bar_width:.2f}"' for i in range(len(periods))]
    fills = [f'fill="{_fill(k, chart_id)}"><title>{escape(line.label)} · ' for k, line in enumerate(lines)]
    bottom, scale = plot.bottom, plot.height / plot.top_value
    parts = []
    for i, period in enumerate(periods):
        period_html = escape(period)
        parts.append(f'<g class="bar" data-period="{period_html}">')
        total, base_y = 0.0, round(bottom, 1)
        for k, line in enumerate(lines):
            value = line.values[i]
            if not value or value < 0:
                continue
            total += value
            top_y = round(bottom - scale * total, 1)
            parts.append(f'<rect {xs[i]} y="{top_y:.1f}" height="{base_y - top_y:.1f}" {fills[k]}'
                         f'{period_html}: {fmt(value)}</title></rect>')
            base_y = top_y
        parts.append("</g>")
    return Markup("".join(parts))


def _y_axis(plot: _Plot, ticks: list[float], fmt) -> Markup:
    parts = ['<g class="y-axis" fill="#555">']
    for tick in ticks:
        y = plot.y(tick)
        parts.append(f'<line x1="{plot.left:.1f}" x2="{plot.left + plot.width:.1f}" y1="{y:.1f}" y2="{y:.1f}"'
                     f' stroke="{"#999" if tick == 0 else "#e4e4e4"}" stroke-width="1"/>')
        parts.append(f'<text class="y-tick" x="{plot.left - 6:.1f}" y="{y + FONT * 0.35:.1f}"'
                     f' text-anchor="end">{fmt(tick, ticks[1])}</text>')
    parts.append("</g>")
    return Markup("".join(parts))


def _x_axis(plot: _Plot, periods: list[str], width: int) -> Markup:
    y = plot.bottom + FONT + 4
    parts = ['<g class="x-axis" fill="#555">']
    parts.extend(f'<text class="x-tick" x="{x:.1f}" y="{y:.1f}" text-anchor="middle">{escape(periods[i])}</text>'
                 for i, x in _x_label_positions(plot, periods, width))
    parts.append("</g>")
    return Markup("".join(parts))


def _x_label_positions(plot: _Plot, periods: list[str], width: int) -> list[tuple[int, float]]:
    """(period index, x) of the labels to print: at most MAX_X_LABELS, never overlapping, the
    first and last period always, between them periods at round calendar steps (every January
    for years of months)."""
    label_width = max(_text_width(period) for period in periods)
    room = label_width + 12
    most = max(2, min(MAX_X_LABELS, int(plot.width // room) + 1))
    ordinals, steps = _calendar(periods)
    for step in steps:
        if step * plot.band < room:  # labels a step apart would overlap even with no period missing
            continue
        positions = _with_ends(plot, [i for i, o in enumerate(ordinals) if o % step == 0], label_width, width, room)
        gaps = [b[1] - a[1] for a, b in zip(positions, positions[1:])]
        if len(positions) <= most and min(gaps, default=room) >= room:
            return positions
    return _with_ends(plot, [], label_width, width, room)


def _with_ends(plot: _Plot, indexes: list[int], label_width: float, width: int, room: float) -> list[tuple[int, float]]:
    """The first and last periods' labels and those of indexes not too close to them, kept inside the chart."""
    last = plot.periods - 1
    ends = [(i, min(max(plot.x(i), label_width / 2 + 2), width - label_width / 2 - 2)) for i in sorted({0, last})]
    first_x, last_x = ends[0][1], ends[-1][1]
    inner = [(i, plot.x(i)) for i in indexes if 0 < i < last]
    return [ends[0], *((i, x) for i, x in inner if x - first_x >= room and last_x - x >= room), *ends[1:]]


MONTH_STEPS = [1, 2, 3, 6, 12, 24, 60, 120, 240]
NICE_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000]


def _calendar(periods: list[str]) -> tuple[list[int], list[int]]:
    """Each period's place on its calendar (months since year 0 for "2021-03", the year for
    "2021", else its index) and the steps worth labelling at."""
    if all(len(p) == 7 and p[:4].isdigit() and p[4] == "-" and p[5:].isdigit() for p in periods):
        return [int(p[:4]) * 12 + int(p[5:]) - 1 for p in periods], MONTH_STEPS
    if all(len(p) == 4 and p.isdigit() for p in periods):
        return [int(p) for p in periods], NICE_STEPS
    return list(range(len(periods))), NICE_STEPS


def _legend(lines: list[Line], stacked: bool, width: int, chart_id: str) -> tuple[Markup, int]:
    """The legend's items in rows that fit the width, and the height they take."""
    parts, x, row = [], 10.0, 0
    for k, line in enumerate(lines):
        item_width = 22 + _text_width(line.label) + 18
        if x + item_width > width and x > 10:
            x, row = 10.0, row + 1
        y = 14 + row * LEGEND_ROW
        colour, dash = _style(k)
        if stacked:
            swatch = f'<rect x="{x:.1f}" y="{y - 9}" width="16" height="11" fill="{_fill(k, chart_id)}"/>'
        else:
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            swatch = f'<line x1="{x:.1f}" x2="{x + 16:.1f}" y1="{y - 4}" y2="{y - 4}" stroke="{colour}" stroke-width="2.5"{dash_attr}/>'
        parts.append(Markup(swatch))
        parts.append(Markup('<text class="legend-label" x="{:.1f}" y="{}" fill="#333">{}</text>').format(x + 22, y, line.label))
        x += item_width
    return Markup("").join(parts), (row + 1) * LEGEND_ROW + 8


def _style(k: int) -> tuple[str, str | None]:
    return PALETTE[k % len(PALETTE)], DASHES[(k // len(PALETTE)) % len(DASHES)]


def _fill(k: int, chart_id: str) -> str:
    """A bar's fill: the palette colour, hatched from the second cycle on."""
    if k < len(PALETTE):
        return PALETTE[k]
    return f"url(#{chart_id}-hatch-{k % len(PALETTE)})"


def _hatches(chart_id: str, series: int) -> Markup:
    if series <= len(PALETTE):
        return Markup("")
    patterns = "".join(
        f'<pattern id="{chart_id}-hatch-{k}" width="5" height="5" patternUnits="userSpaceOnUse"'
        f' patternTransform="rotate(45)"><rect width="5" height="5" fill="{colour}"/>'
        f'<line x1="0" y1="0" x2="0" y2="5" stroke="#fff" stroke-width="2"/></pattern>'
        for k, colour in enumerate(PALETTE))
    return Markup(f"<defs>{patterns}</defs>")


def _description(periods: list[str], lines: list[Line], stacked: bool, fmt, top_value: float) -> str:
    kind = "Stacked bars" if stacked else "Lines"
    span = periods[0] if len(periods) == 1 else f"{periods[0]} to {periods[-1]}"
    highest = "highest total" if stacked else "highest value"
    names = ", ".join(line.label for line in lines[:20]) + (" …" if len(lines) > 20 else "")
    return (f"{kind}: {len(lines)} series ({names}) over {len(periods)} periods, {span}; "
            f"{highest} {fmt(top_value)}.")


def _no_data(chart_id: str, title: str, width: int) -> Markup:
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" class="time-chart" role="img" aria-labelledby="{0}-title {0}-desc"'
        ' viewBox="0 0 {1} 60" width="100%" font-size="{2}"><title id="{0}-title">{3}</title>'
        '<desc id="{0}-desc">No data</desc><text x="{4}" y="34" text-anchor="middle" fill="#777">No data</text></svg>'
    ).format(chart_id, width, FONT, title or "Chart", width / 2)


def _top_value(periods: list[str], lines: list[Line], stacked: bool) -> float:
    """The highest point (or stack) the chart must reach; 0 when there is nothing to draw."""
    if not periods or not lines:
        return 0.0
    if stacked:
        return max(sum(max(line.values[i] or 0, 0) for line in lines) for i in range(len(periods)))
    return max((v for line in lines for v in line.values if v is not None), default=0.0)


def _all_integers(lines: list[Line]) -> bool:
    return all(float(v).is_integer() for line in lines for v in line.values if v is not None)


def _chart_id(title: str, periods: list[str], lines: list[Line]) -> str:
    """An id for the chart's title, desc and patterns, the same for the same chart (pages stay
    deterministic) and different for different charts on one page."""
    key = "\x1f".join([title, *periods[:1], *periods[-1:], str(len(periods)), *(line.label for line in lines)])
    return "chart-" + hashlib.sha1(key.encode()).hexdigest()[:10]


def _text_width(text: str) -> float:
    """Rough width of text at FONT px: CJK and other wide characters 1 em, the rest 0.62 em."""
    return sum(FONT if ord(c) >= 0x2E80 else FONT * 0.62 for c in text)


def _number(value: float, step: float | None = None) -> str:
    """1,234; decimals only where the value (or the axis step) has them."""
    if step is None:
        return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"
    return f"{value:,.{_decimals(step)}f}"


def _percent(value: float, step: float | None = None) -> str:
    """A fraction as a percentage: 0.125 -> 12.5%; the axis (given its step) prints what it needs."""
    if step is not None:
        return f"{value * 100:.{_decimals(step * 100)}f}%"
    percent = value * 100
    return f"{percent:.1f}%" if percent == 0 or abs(percent) >= 0.1 else f"{percent:.2g}%"


def _decimals(step: float) -> int:
    """Decimals that print every multiple of a 1/2/5 × 10^k step exactly."""
    return max(0, -math.floor(math.log10(step) + 1e-9))
