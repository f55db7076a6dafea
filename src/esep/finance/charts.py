"""Charts drawn on the server as inline SVG: no JavaScript, no external requests.

The functions here only compute geometry: they return frozen data structures that the template
`finance/_chart.html` turns into an SVG figure with a data table and download links (Django
escapes every label there). Coordinates are in the units of the SVG viewBox and rounded to
0.1; the template prints them with localisation off, so "12.5" never becomes "12,5".

* `bar_chart` draws horizontal bars, each with its label above and its value printed after it,
  scaled so that the largest value fills the plot width.
* `line_chart` draws one or more series over years from 0 to a rounded maximum, with a gap
  wherever a value is missing. Every series has its own colour, dash pattern and marker shape,
  and its last value printed at the end of the line, so colour is never the only cue.

Text widths are estimated (about 0.6 em per character): labels that would not fit are
shortened with "…"; the table under the chart always has them in full.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal

__all__ = [
    "STYLES",
    "Bar",
    "BarChart",
    "EndLabel",
    "LineChart",
    "LineRow",
    "PlacedBar",
    "PlacedPoint",
    "PlottedSeries",
    "Point",
    "SeriesStyle",
    "Tick",
    "bar_chart",
    "line_chart",
    "nice_axis",
]

FONT_SIZE = 14  # in viewBox units; the template sets it on the <svg>
CHAR_WIDTH = 0.6 * FONT_SIZE  # a generous average for Latin and Cyrillic letters and digits
ELLIPSIS = "…"


def _r(value: float) -> float:
    """A coordinate rounded to 0.1 (and -0.0 made 0.0)."""
    return round(value, 1) + 0.0


def _text_width(text: str) -> float:
    return len(text) * CHAR_WIDTH


def _check_value(value: float, what: str) -> None:
    if not math.isfinite(value):
        raise ValueError(f"{what}: {value!r} is not a finite number.")
    if value < 0:
        raise ValueError(f"{what}: negative values ({value!r}) cannot be drawn from 0.")


# Bar charts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """One bar: `display` is `value` formatted for the reader; `href` makes the bar a link."""

    label: str
    value: float
    display: str
    href: str = ""


@dataclass(frozen=True)
class PlacedBar:
    """A bar with its place in the SVG: the label's baseline at (label_x, label_y), the bar's
    rectangle at (x, bar_y) with `width` × `height`, the value's baseline at (value_x, value_y).
    `text` is the label as drawn (shortened when `truncated`)."""

    bar: Bar
    text: str
    truncated: bool
    label_x: float
    label_y: float
    x: float
    bar_y: float
    width: float
    height: float
    value_x: float
    value_y: float

    @property
    def label(self) -> str:
        return self.bar.label

    @property
    def value(self) -> float:
        return self.bar.value

    @property
    def display(self) -> str:
        return self.bar.display

    @property
    def href(self) -> str:
        return self.bar.href


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars, top to bottom in the order given. The plot runs from `plot_left` over
    `plot_width`; the space to its right is kept for the printed values."""

    kind: ClassVar[Literal["bar"]] = "bar"
    width: int
    height: int
    plot_left: float
    plot_width: float
    max_value: float
    bars: tuple[PlacedBar, ...]
    font_size: int = FONT_SIZE

    @property
    def viewbox(self) -> str:
        return f"0 0 {self.width} {self.height}"

    @property
    def empty(self) -> bool:
        return not self.bars

    @property
    def has_links(self) -> bool:
        return any(b.href for b in self.bars)

    @property
    def largest(self) -> PlacedBar | None:
        """The first bar with the largest value (None without bars)."""
        return max(self.bars, key=lambda b: b.value, default=None)

    @property
    def smallest(self) -> PlacedBar | None:
        """The first bar with the smallest value (None without bars)."""
        return min(self.bars, key=lambda b: b.value, default=None)


def _shorten(text: str, max_chars: int) -> tuple[str, bool]:
    """`text` cut to at most `max_chars` characters (ending in "…") and whether it was cut."""
    if len(text) <= max_chars:
        return text, False
    return text[: max(max_chars - 1, 1)].rstrip() + ELLIPSIS, True


def bar_chart(bars: Sequence[Bar], *, width: int = 640, bar_height: int = 22) -> BarChart:
    """Horizontal bars scaled so the largest value spans the plot width and the others are
    proportional to it; all-zero values give bars of width 0 and no bars an empty chart.
    Each bar's label is drawn above it, its `display` right after it. Raises ValueError for a
    negative or non-finite value, or a width or bar height that is not positive."""
    if width <= 0 or bar_height <= 0:
        raise ValueError("The width and the bar height must be positive.")
    for bar in bars:
        _check_value(bar.value, f"Bar {bar.label!r}")
    pad = 4.0
    gap_label = 6.0  # between a label's baseline and its bar
    gap_rows = 12.0  # between a bar and the next label
    row = FONT_SIZE + gap_label + bar_height + gap_rows
    value_gutter = max((_text_width(b.display) for b in bars), default=0) + 2 * pad
    value_gutter = min(value_gutter, width * 0.4)
    plot_left = pad
    plot_width = max(width - plot_left - value_gutter, 1.0)
    max_value = max((b.value for b in bars), default=0.0)
    max_chars = max(int((width - 2 * pad) / CHAR_WIDTH), 4)
    placed = []
    for index, bar in enumerate(bars):
        top = pad + index * row
        text, truncated = _shorten(bar.label, max_chars)
        bar_width = plot_width * bar.value / max_value if max_value > 0 else 0.0
        if bar.value == max_value and max_value > 0:
            bar_width = plot_width  # exactly, whatever the rounding
        bar_y = top + FONT_SIZE + gap_label
        placed.append(
            PlacedBar(
                bar=bar,
                text=text,
                truncated=truncated,
                label_x=_r(plot_left),
                label_y=_r(top + FONT_SIZE),
                x=_r(plot_left),
                bar_y=_r(bar_y),
                width=_r(bar_width),
                height=float(bar_height),
                value_x=_r(plot_left + bar_width + pad + 2),
                value_y=_r(bar_y + bar_height / 2 + FONT_SIZE * 0.35),
            )
        )
    height = math.ceil(2 * pad + len(placed) * row - gap_rows) if placed else 0
    return BarChart(
        width=width,
        height=height,
        plot_left=_r(plot_left),
        plot_width=_r(plot_width),
        max_value=float(max_value),
        bars=tuple(placed),
    )


# Line charts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    """The value of a series in year `x`; `value` None means no data (a gap in the line)."""

    x: int
    value: float | None
    display: str


@dataclass(frozen=True)
class SeriesStyle:
    """How a series is told apart: colour (at least 4.5:1 on white, so it also serves for its
    printed values), SVG dash pattern ("none" = solid) and marker shape (hollow = white fill)."""

    colour: str
    dash: str
    marker: Literal["circle", "square", "triangle", "diamond"]
    hollow: bool = False


STYLES: tuple[SeriesStyle, ...] = (
    SeriesStyle("#0b4f6c", "none", "circle"),  # the brand colour
    SeriesStyle("#a04000", "8 4", "square"),
    SeriesStyle("#4c2c92", "2 4", "triangle"),
    SeriesStyle("#00703c", "12 4 2 4", "diamond"),
    SeriesStyle("#b01a3c", "4 3", "circle", hollow=True),
    SeriesStyle("#484949", "14 6", "square", hollow=True),
)
MARKER_RADIUS = 4.0


def _marker(shape: str, x: float, y: float, r: float = MARKER_RADIUS) -> str:
    """SVG path data of a marker of about radius `r` centred on (x, y)."""
    f = _fmt
    if shape == "square":
        s = r * 0.9
        return f"M{f(x - s)},{f(y - s)}H{f(x + s)}V{f(y + s)}H{f(x - s)}Z"
    if shape == "triangle":
        t = r * 1.25
        return f"M{f(x)},{f(y - t)}L{f(x + t)},{f(y + t * 0.8)}L{f(x - t)},{f(y + t * 0.8)}Z"
    if shape == "diamond":
        d = r * 1.3
        return f"M{f(x)},{f(y - d)}L{f(x + d)},{f(y)}L{f(x)},{f(y + d)}L{f(x - d)},{f(y)}Z"
    arc = f"A{f(r)},{f(r)} 0 1 0"  # a circle: two half arcs
    return f"M{f(x - r)},{f(y)}{arc} {f(x + r)},{f(y)}{arc} {f(x - r)},{f(y)}Z"


def _fmt(value: float) -> str:
    """A coordinate as SVG text: rounded to 0.1, no trailing ".0", never localised."""
    text = f"{_r(value):.1f}"
    return text[:-2] if text.endswith(".0") else text


@dataclass(frozen=True)
class Tick:
    """An axis tick: its `value`, its text and its position along the axis (`pos`: y for the
    value axis, x for years), and where its text goes."""

    value: float
    display: str
    pos: float
    label_x: float
    label_y: float


@dataclass(frozen=True)
class PlacedPoint:
    """A point with data, at (x, y), and its marker's path data."""

    year: int
    value: float
    display: str
    x: float
    y: float
    marker: str


@dataclass(frozen=True)
class EndLabel:
    """The last value of a series, printed at (x, y) to the right of the plot."""

    display: str
    x: float
    y: float


@dataclass(frozen=True)
class PlottedSeries:
    """A series as drawn: `segments` are <polyline> point lists (one per unbroken run of two
    or more values; a lone value shows as its marker), `points` the markers, `legend_marker`
    the marker centred at (20, 7) for a 40 × 14 legend sample with the line across it."""

    name: str
    style: SeriesStyle
    segments: tuple[str, ...]
    points: tuple[PlacedPoint, ...]
    end_label: EndLabel | None
    legend_marker: str

    @property
    def colour(self) -> str:
        return self.style.colour

    @property
    def dash(self) -> str:
        return self.style.dash

    @property
    def marker_fill(self) -> str:
        return "#fff" if self.style.hollow else self.style.colour

    @property
    def first(self) -> PlacedPoint | None:
        return self.points[0] if self.points else None

    @property
    def last(self) -> PlacedPoint | None:
        return self.points[-1] if self.points else None


@dataclass(frozen=True)
class LineRow:
    """A row of the data table: a year and, per series, its `display` (None: no data)."""

    year: int
    cells: tuple[str | None, ...]


@dataclass(frozen=True)
class LineChart:
    """Series over years; the plot spans (plot_left, plot_top)–(plot_right, plot_bottom), the
    value axis runs from 0 (at plot_bottom) to `y_max`."""

    kind: ClassVar[Literal["line"]] = "line"
    width: int
    height: int
    plot_left: float
    plot_top: float
    plot_right: float
    plot_bottom: float
    y_max: float
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    series: tuple[PlottedSeries, ...]
    rows: tuple[LineRow, ...]
    percent: bool = False
    font_size: int = FONT_SIZE

    @property
    def viewbox(self) -> str:
        return f"0 0 {self.width} {self.height}"

    @property
    def empty(self) -> bool:
        return not any(s.points for s in self.series)

    @property
    def tick_bottom(self) -> float:
        """Where the year ticks below the plot end."""
        return _r(self.plot_bottom + 5)

    @property
    def first_year(self) -> int | None:
        return self.rows[0].year if self.rows else None

    @property
    def last_year(self) -> int | None:
        return self.rows[-1].year if self.rows else None


_NICE = (1.0, 2.0, 2.5, 5.0)  # preferred steps (× a power of ten)
_FAIR = (3.0, 4.0)  # used when they fit more than 10 % tighter


def nice_axis(maximum: float) -> tuple[float, float]:
    """(top, step) of a value axis from 0 that shows `maximum`, as tight as it can be with 4 or
    5 steps above 0 of 1, 2, 2.5 or 5 times a power of ten (or 3 or 4 times one, if that is
    more than 10 % tighter). A maximum of 0 gives the axis of 1."""
    if not math.isfinite(maximum) or maximum < 0:
        raise ValueError(f"The maximum must be a finite number ≥ 0, not {maximum!r}.")
    if maximum == 0:
        maximum = 1.0
    best: tuple[float, float, float] | None = None  # (score, top, step)
    magnitude = math.floor(math.log10(maximum / 5))
    for exponent in (magnitude - 1, magnitude, magnitude + 1):
        for mantissas, penalty in ((_NICE, 1.0), (_FAIR, 1.1)):
            for mantissa in mantissas:
                step = float(f"{mantissa}e{exponent}")
                steps = math.ceil(round(maximum / step, 9))
                if steps > 5:
                    continue
                steps = max(steps, 4)
                top = float(f"{steps * mantissa:g}e{exponent}")
                score = top * penalty
                if best is None or score < best[0]:
                    best = (score, top, step)
    assert best is not None  # a step of 1, 2 or 5 × 10^magnitude always fits
    return best[1], best[2]


def _decimals(step: float) -> int:
    """How many decimals the ticks of `step` need."""
    for decimals in range(10):
        if abs(round(step, decimals) - step) < 1e-9 * max(step, 1):
            return decimals
    return 10


def _default_number(value: float, decimals: int) -> str:
    from django.utils.formats import number_format

    return number_format(value, decimals, force_grouping=True)


def line_chart(
    series: Sequence[tuple[str, Sequence[Point]]],
    *,
    width: int = 640,
    height: int = 240,
    percent: bool = False,
    number: Callable[[float, int], str] | None = None,
) -> LineChart:
    """One or more named series of yearly points on a shared value axis from 0 to a rounded
    maximum (see `nice_axis`), with year ticks every 5 years (every year when the years
    span 10 or fewer). A point with value None breaks the line. With `percent`, values are shares
    (0.25 = 25 %) and the axis is labelled in per cent. `number(value, decimals)` formats
    the tick labels (default: Django's `number_format` in the active language).

    Raises ValueError for a negative or non-finite value, a year given twice in a series,
    more series than `STYLES`, or a size too small to draw in."""
    if len(series) > len(STYLES):
        raise ValueError(f"At most {len(STYLES)} series can be told apart in one chart.")
    if width < 200 or height < 100:
        raise ValueError("A line chart needs at least 200 × 100.")
    number = number or _default_number
    by_year: list[dict[int, Point]] = []
    for name, points in series:
        seen: dict[int, Point] = {}
        for point in points:
            if point.x in seen:
                raise ValueError(f"Series {name!r} has year {point.x} twice.")
            if point.value is not None:
                _check_value(point.value, f"Series {name!r}, {point.x}")
            seen[point.x] = point
        by_year.append(dict(sorted(seen.items())))
    years = sorted({year for points in by_year for year in points})
    values = [p.value for points in by_year for p in points.values() if p.value is not None]
    y_max, step = nice_axis(max(values, default=0.0))

    # Tick texts first: their widths decide the margins.
    scale = 100.0 if percent else 1.0
    decimals = _decimals(step * scale)
    tick_values = [step * i for i in range(round(y_max / step) + 1)]
    tick_texts = [number(v * scale, decimals) + (" %" if percent else "") for v in tick_values]
    last_points = [
        next((p for p in reversed(points.values()) if p.value is not None), None)
        for points in by_year
    ]
    end_width = max((_text_width(p.display) for p in last_points if p), default=0.0)
    plot_left = max(max(_text_width(t) for t in tick_texts) + 10, 24.0)
    plot_right = width - max(end_width + 14, 20.0)
    plot_top = FONT_SIZE * 0.75
    plot_bottom = height - FONT_SIZE - 12
    if plot_right - plot_left < 50:
        raise ValueError("The labels leave no room for the plot; make the chart wider.")

    def x_of(year: int) -> float:
        if len(years) < 2:
            return (plot_left + plot_right) / 2
        return plot_left + (year - years[0]) / (years[-1] - years[0]) * (plot_right - plot_left)

    def y_of(value: float) -> float:
        return plot_bottom - value / y_max * (plot_bottom - plot_top)

    y_ticks = tuple(
        Tick(
            value=v,
            display=text,
            pos=_r(y_of(v)),
            label_x=_r(plot_left - 6),
            label_y=_r(y_of(v) + FONT_SIZE * 0.35),
        )
        for v, text in zip(tick_values, tick_texts, strict=True)
    )
    if years and years[-1] - years[0] <= 10:
        tick_years = list(range(years[0], years[-1] + 1))
    elif years:
        tick_years = list(range(math.ceil(years[0] / 5) * 5, years[-1] + 1, 5))
    else:
        tick_years = []
    x_ticks = tuple(
        Tick(
            value=year,
            display=str(year),
            pos=_r(x_of(year)),
            label_x=_r(x_of(year)),
            label_y=_r(plot_bottom + FONT_SIZE + 4),
        )
        for year in tick_years
    )

    # End labels: at the last point's height, pushed apart so they never overlap.
    ends = sorted(
        ((y_of(p.value), i) for i, p in enumerate(last_points) if p and p.value is not None),
    )
    spacing = FONT_SIZE + 2
    placed_y: dict[int, float] = {}
    previous = -math.inf
    for y, i in ends:
        placed_y[i] = max(y, previous + spacing)
        previous = placed_y[i]
    overflow = previous - plot_bottom
    if ends and overflow > 0:  # move the whole stack up, never above the top of the plot
        for i in placed_y:
            placed_y[i] = max(placed_y[i] - overflow, plot_top)

    plotted = []
    for index, ((name, _points), points) in enumerate(zip(series, by_year, strict=True)):
        style = STYLES[index]
        segments: list[str] = []
        run: list[str] = []
        placed_points = []
        for point in points.values():
            if point.value is None:
                if run:
                    segments.append(" ".join(run))
                run = []
                continue
            x, y = x_of(point.x), y_of(point.value)
            run.append(f"{_fmt(x)},{_fmt(y)}")
            marker = _marker(style.marker, x, y)
            placed_points.append(
                PlacedPoint(point.x, float(point.value), point.display, _r(x), _r(y), marker)
            )
        if run:
            segments.append(" ".join(run))
        last = last_points[index]
        end_label = None
        if last is not None and last.value is not None:
            end_label = EndLabel(
                display=last.display,
                x=_r(x_of(last.x) + 8),
                y=_r(placed_y[index] + FONT_SIZE * 0.35),
            )
        plotted.append(
            PlottedSeries(
                name=name,
                style=style,
                segments=tuple(s for s in segments if " " in s),  # 2 points or more
                points=tuple(placed_points),
                end_label=end_label,
                legend_marker=_marker(style.marker, 20, 7),
            )
        )

    rows = tuple(
        LineRow(
            year=year,
            cells=tuple(
                points[year].display if year in points and points[year].value is not None else None
                for points in by_year
            ),
        )
        for year in years
    )
    return LineChart(
        width=width,
        height=height,
        plot_left=_r(plot_left),
        plot_top=_r(plot_top),
        plot_right=_r(plot_right),
        plot_bottom=_r(plot_bottom),
        y_max=y_max,
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        series=tuple(plotted),
        rows=rows,
        percent=percent,
    )
