"""Server-side SVG charts: the geometry of esep.finance.charts and the figure that
finance/_chart.html makes of it (caption, SVG, data table, download links)."""

from __future__ import annotations

import math
import re
from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string
from django.test import override_settings
from django.utils import translation

from esep.finance.charts import (
    STYLES,
    Bar,
    BarChart,
    LineChart,
    Point,
    bar_chart,
    line_chart,
    nice_axis,
)

# Helpers ----------------------------------------------------------------------------------------


class _Page(HTMLParser):
    """Elements (tag, attrs) in document order and the text of every table cell."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.cells: list[tuple[str, str]] = []  # (tag, text)
        self._cell: tuple[str, list[str]] | None = None
        self._hidden_depth = 0
        self._stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag in ("th", "td"):
            self._cell = (tag, [])

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._cell:
            self.cells.append((self._cell[0], " ".join("".join(self._cell[1]).split())))
            self._cell = None

    def handle_data(self, data):
        if self._cell:
            self._cell[1].append(data)

    def find(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [
            a
            for t, a in self.elements
            if t == tag
            and all(a.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items())
        ]


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


@pytest.fixture
def render():
    """Render finance/_chart.html whether or not esep.finance is an installed app yet."""
    from django.apps import apps
    from django.conf import settings

    installed = list(settings.INSTALLED_APPS)
    if not apps.is_installed("esep.finance"):
        installed.append("esep.finance")
    with override_settings(INSTALLED_APPS=installed), translation.override("en"):

        def _render(chart: BarChart | LineChart, **context: object) -> str:
            defaults = {
                "caption": "Spending per resident, tenge",
                "chart_id": "spending",
                "csv_url": "/en/finance/spending.csv",
                "json_url": "/en/finance/spending.json",
            }
            return render_to_string("finance/_chart.html", {"chart": chart, **defaults, **context})

        yield _render


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast_on_white(colour: str) -> float:
    return 1.05 / (_luminance(colour) + 0.05)


BARS = [
    Bar("Astana", 400.0, "400", "/en/units/1/"),
    Bar("Almaty", 100.0, "100"),
    Bar("Shymkent", 200.0, "200"),
]


# Bar charts -----------------------------------------------------------------------------------


def test_largest_bar_spans_the_plot_and_the_others_are_proportional():
    chart = bar_chart(BARS)
    widths = {b.label: b.width for b in chart.bars}
    assert widths["Astana"] == chart.plot_width
    assert widths["Almaty"] == pytest.approx(chart.plot_width / 4, abs=0.05)
    assert widths["Shymkent"] == pytest.approx(chart.plot_width / 2, abs=0.05)
    assert chart.plot_left + chart.plot_width < chart.width  # room left for the values
    assert [b.label for b in chart.bars] == ["Astana", "Almaty", "Shymkent"]  # order kept
    assert chart.largest is not None and chart.largest.label == "Astana"
    assert chart.smallest is not None and chart.smallest.label == "Almaty"


def test_bars_are_stacked_without_overlap_inside_the_viewbox():
    chart = bar_chart(BARS, width=500, bar_height=30)
    assert chart.viewbox == f"0 0 500 {chart.height}"
    previous_bottom = -1.0
    for bar in chart.bars:
        assert bar.height == 30
        assert bar.label_y < bar.bar_y  # label above its bar
        assert bar.label_y > previous_bottom
        assert bar.value_x >= bar.x + bar.width  # value printed after the bar
        assert bar.bar_y < bar.value_y < bar.bar_y + bar.height
        previous_bottom = bar.bar_y + bar.height
    assert previous_bottom <= chart.height


def test_values_are_printed_inside_the_viewbox():
    chart = bar_chart([Bar("A", 10**9, "1 000 000 000 ₸"), Bar("B", 1, "1 ₸")])
    longest = chart.bars[0]
    assert longest.value_x + len(longest.display) * 0.6 * chart.font_size <= chart.width


def test_all_zero_bars_have_no_width():
    chart = bar_chart([Bar("A", 0, "0"), Bar("B", 0.0, "0")])
    assert chart.max_value == 0
    assert [b.width for b in chart.bars] == [0, 0]
    assert not chart.empty
    assert all(b.value_x > b.x for b in chart.bars)


def test_no_bars_make_an_empty_chart():
    chart = bar_chart([])
    assert chart.empty
    assert chart.bars == ()
    assert chart.largest is None
    assert chart.height == 0


@pytest.mark.parametrize("value", [-1, -0.001, math.nan, math.inf])
def test_negative_or_non_finite_bars_are_refused(value):
    with pytest.raises(ValueError, match="'Bad'"):
        bar_chart([Bar("Good", 1, "1"), Bar("Bad", value, "?")])


def test_bad_sizes_are_refused():
    with pytest.raises(ValueError):
        bar_chart(BARS, width=0)
    with pytest.raises(ValueError):
        bar_chart(BARS, bar_height=-5)


def test_long_labels_are_shortened_in_the_chart_only():
    label = "Akimat of the city of regional significance " * 4
    chart = bar_chart([Bar(label, 5, "5"), Bar("Short", 1, "1")], width=320)
    long, short = chart.bars
    assert long.truncated and long.text.endswith("…")
    assert len(long.text) * 0.6 * chart.font_size <= chart.width
    assert long.label == label  # the full label stays for the table
    assert not short.truncated and short.text == "Short"


# Line charts -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("maximum", "top", "step"),
    [
        (0, 1, 0.2),
        (1, 1, 0.2),
        (3, 4, 1),
        (7, 8, 2),
        (100, 100, 20),
        (101, 125, 25),
        (0.46, 0.5, 0.1),
        (12345, 12500, 2500),
        (987_654_321, 1e9, 2e8),
    ],
)
def test_value_axis_is_rounded_up_to_a_nice_maximum(maximum, top, step):
    assert nice_axis(maximum) == (pytest.approx(top), pytest.approx(step))


def test_value_axis_has_four_or_five_steps_and_little_headroom():
    for exponent in range(-6, 10):
        for mantissa in (1, 1.01, 1.3, 1.9, 2.2, 2.6, 3.1, 3.9, 4.4, 5.01, 6.7, 8.2, 9.99):
            maximum = mantissa * 10**exponent
            top, step = nice_axis(maximum)
            assert top >= maximum
            assert round(top / step) in (4, 5)
            assert top / maximum < 1.6


def test_value_axis_refuses_negative_maximum():
    with pytest.raises(ValueError):
        nice_axis(-1)


def _line(**kwargs) -> LineChart:
    return line_chart(
        [
            (
                "Revenue",
                [
                    Point(2012, 120.0, "120"),
                    Point(2013, 150.0, "150"),
                    Point(2014, None, "—"),
                    Point(2015, 180.0, "180"),
                    Point(2016, 210.0, "210"),
                    Point(2017, 230.0, "230"),
                ],
            ),
            ("Spending", [Point(2012, 100.0, "100"), Point(2017, 260.0, "260")]),
        ],
        number=lambda value, decimals: f"{value:.{decimals}f}",
        **kwargs,
    )


def test_line_chart_axis_ticks_and_rows():
    chart = _line()
    assert chart.y_max == 400  # 260 → 4 steps of 100
    assert [t.display for t in chart.y_ticks] == ["0", "100", "200", "300", "400"]
    assert chart.y_ticks[0].pos == chart.plot_bottom
    assert chart.y_ticks[-1].pos == chart.plot_top
    assert [t.display for t in chart.x_ticks] == [str(y) for y in range(2012, 2018)]
    assert [r.year for r in chart.rows] == [2012, 2013, 2014, 2015, 2016, 2017]
    assert chart.rows[2].cells == (None, None)
    assert chart.rows[0].cells == ("120", "100")
    assert chart.rows[1].cells == ("150", None)
    assert (chart.first_year, chart.last_year) == (2012, 2017)


def test_missing_values_leave_a_gap_in_the_line():
    revenue, spending = _line().series
    assert len(revenue.segments) == 2
    first, second = (segment.split() for segment in revenue.segments)
    assert len(first) == 2 and len(second) == 3
    assert [p.year for p in revenue.points] == [2012, 2013, 2015, 2016, 2017]
    assert len(spending.segments) == 1  # no point for 2013–2016 is not a gap: 2 points joined
    # the gap is in x: the second run starts at 2015, to the right of where the first ended
    x_end_first = float(first[-1].split(",")[0])
    x_start_second = float(second[0].split(",")[0])
    assert x_start_second > x_end_first


def test_a_lone_value_between_gaps_is_a_marker_not_a_line():
    chart = line_chart(
        [("A", [Point(2000, 1, "1"), Point(2001, None, ""), Point(2002, 2, "2")])],
        number=lambda v, d: str(v),
    )
    (series,) = chart.series
    assert series.segments == ()
    assert len(series.points) == 2
    assert all(p.marker.startswith("M") and p.marker.endswith("Z") for p in series.points)


def test_points_scale_to_the_axis():
    chart = _line()
    revenue = chart.series[0]
    span = chart.plot_bottom - chart.plot_top
    for point in revenue.points:
        assert point.y == pytest.approx(chart.plot_bottom - point.value / 400 * span, abs=0.1)
    assert revenue.points[0].x == chart.plot_left
    assert revenue.points[-1].x == chart.plot_right


def test_year_ticks_every_five_years_over_long_spans():
    chart = line_chart(
        [("A", [Point(y, float(y - 1990), str(y - 1990)) for y in range(1991, 2025)])],
        number=lambda v, d: str(v),
    )
    assert [t.value for t in chart.x_ticks] == [1995, 2000, 2005, 2010, 2015, 2020]
    positions = [t.pos for t in chart.x_ticks]
    assert positions == sorted(positions)
    assert chart.plot_left <= positions[0] and positions[-1] <= chart.plot_right


def test_percent_axis_is_labelled_in_per_cent():
    chart = line_chart(
        [("Share", [Point(2020, 0.12, "12 %"), Point(2021, 0.46, "46 %")])],
        percent=True,
        number=lambda v, d: f"{v:.{d}f}",
    )
    assert chart.percent
    assert [t.display for t in chart.y_ticks] == ["0 %", "10 %", "20 %", "30 %", "40 %", "50 %"]


def test_default_tick_labels_follow_the_language():
    series = [("A", [Point(2020, 12000.0, "12 000"), Point(2021, 2500.0, "2 500")])]
    with translation.override("kk"):
        kk = [t.display for t in line_chart(series).y_ticks]
    with translation.override("en"):
        en = [t.display for t in line_chart(series).y_ticks]
    assert kk[-1] == "12\xa0500"
    assert en[-1] == "12,500"


def test_every_series_differs_in_colour_dash_and_marker():
    assert len({s.colour for s in STYLES}) == len(STYLES)
    assert len({s.dash for s in STYLES}) == len(STYLES)
    assert len({(s.marker, s.hollow) for s in STYLES}) == len(STYLES)
    for style in STYLES:  # also used for text: 4.5:1 on white, which covers 3:1 for lines
        assert _contrast_on_white(style.colour) >= 4.5, style


def test_end_labels_do_not_overlap():
    series = [
        (f"S{i}", [Point(2020, 10.0, "10"), Point(2021, 10.0 + i * 0.01, "10")]) for i in range(6)
    ]
    chart = line_chart(series, number=lambda v, d: str(v))
    ys = sorted(s.end_label.y for s in chart.series if s.end_label)
    assert len(ys) == 6
    assert all(b - a >= chart.font_size for a, b in zip(ys, ys[1:], strict=False))
    assert all(s.end_label and s.end_label.x > chart.plot_right for s in chart.series)


def test_line_chart_refusals():
    with pytest.raises(ValueError, match="negative"):
        line_chart([("A", [Point(2020, -1, "-1")])])
    with pytest.raises(ValueError, match="twice"):
        line_chart([("A", [Point(2020, 1, "1"), Point(2020, 2, "2")])])
    with pytest.raises(ValueError, match="series"):
        line_chart([(str(i), [Point(2020, 1, "1")]) for i in range(len(STYLES) + 1)])


def test_line_chart_without_values_is_empty():
    chart = line_chart([("A", [Point(2020, None, "—")])], number=lambda v, d: str(v))
    assert chart.empty
    assert chart.series[0].segments == () and chart.series[0].end_label is None
    assert line_chart([], number=lambda v, d: str(v)).empty


# The template ----------------------------------------------------------------------------------


def test_bar_chart_figure_has_svg_table_and_downloads(render):
    html = render(bar_chart(BARS), label_header="Region", value_header="Tenge")
    page = parse(html)
    assert html.lstrip().startswith("<figure")
    assert page.find("figcaption", id="spending-caption")
    (svg,) = page.find("svg")
    assert svg["role"] == "group"  # a bar is a link
    assert svg["aria-labelledby"] == "spending-title"
    assert svg["viewbox"].startswith("0 0 640 ")
    assert '<title id="spending-title">Spending per resident, tenge</title>' in html
    assert "Largest: Astana, 400." in html
    assert page.find("a", href="/en/units/1/", aria_label="Astana: 400")
    assert page.find("g", role="img", aria_label="Almaty: 100")
    assert len(page.find("rect")) == 3
    assert page.find("caption")
    assert ("th", "Region") in page.cells and ("th", "Tenge") in page.cells
    for bar in BARS:
        assert ("th", bar.label) in page.cells
        assert ("td", bar.display) in page.cells
    assert page.find("th", scope="col") and len(page.find("th", scope="row")) == 3
    assert page.find("a", href="/en/finance/spending.csv")
    assert page.find("a", href="/en/finance/spending.json")
    assert "Download CSV" in html and "Download JSON" in html


def test_bar_chart_without_links_is_one_image(render):
    page = parse(render(bar_chart([Bar("A", 1, "1"), Bar("B", 2, "2")])))
    (svg,) = page.find("svg")
    assert svg["role"] == "img"
    assert not page.find("a", aria_label="A: 1")
    assert ("th", "Name") in page.cells and ("th", "Value") in page.cells


def test_labels_are_escaped(render):
    html = render(bar_chart([Bar("<script>alert(1)</script>", 1, "<b>1</b>")]))
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html


def test_coordinates_are_not_localised(render):
    chart = bar_chart([Bar("A", 1, "1"), Bar("B", 3, "3")], width=333)
    with translation.override("kk"):
        html = render(chart)
    page = parse(html)
    for rect in page.find("rect"):
        for name in ("x", "y", "width", "height"):
            float(rect[name] or "")  # "12,5" would fail
    assert re.search(r'width="\d+\.\d"', html)


def test_line_chart_figure_has_svg_legend_table_and_downloads(render):
    chart = _line()
    html = render(chart, caption="Budget, million tenge", chart_id="budget")
    page = parse(html)
    (svg, *legend) = page.find("svg")
    assert svg["role"] == "img" and svg["aria-labelledby"] == "budget-title"
    assert len(legend) == 2 and all(s["aria-hidden"] == "true" for s in legend)
    assert len(page.find("polyline")) == 3  # two runs of revenue, one of spending
    dashes = {p["stroke-dasharray"] for p in page.find("polyline")}
    assert dashes == {STYLES[0].dash, STYLES[1].dash}
    assert "Revenue: 120 in 2012, 230 in 2017." in html
    assert page.find("div", tabindex="0", role="region", aria_labelledby="budget-table-caption")
    assert ("th", "Year") in page.cells
    assert ("th", "Revenue") in page.cells and ("th", "Spending") in page.cells
    for row in chart.rows:
        assert ("th", str(row.year)) in page.cells
    for value in ("120", "150", "180", "210", "230", "100", "260"):
        assert ("td", value) in page.cells
    assert sum(c == ("td", "—no data") for c in page.cells) == 5  # 2013–2016 spending, 2014 revenue
    for t in chart.y_ticks + chart.x_ticks:
        assert f">{t.display}</text>" in html
    assert page.find("a", href="/en/finance/spending.csv")
    assert page.find("a", href="/en/finance/spending.json")


def test_empty_chart_says_so_and_keeps_the_downloads(render):
    html = render(bar_chart([]), json_url="", note="Source: budget.gov.kz")
    page = parse(html)
    assert "No data to show." in html
    assert not page.find("svg") and not page.find("table")
    assert page.find("a", href="/en/finance/spending.csv")
    assert not page.find("a", href="/en/finance/spending.json")
    assert "Source: budget.gov.kz" in html
