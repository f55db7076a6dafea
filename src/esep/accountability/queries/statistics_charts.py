"""The drawings of the appeals statistics pages, computed on the server as SVG geometry: the
trend by month (a line chart of esep.finance.charts with months on the x axis), the regions
coloured by the share of appeals decided on time (the map of territory.geo) and a region's
outline with the public appeals that have coordinates (same projection)."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from esep.finance.charts import LineChart, Point, Tick, line_chart
from esep.finance.figures import percent
from esep.territory.geo import (
    ALBERS_KZ,
    MAP_TOLERANCE,
    read_regions,
    region_map,
    simplify,
    svg_paths,
)
from esep.territory.models import Unit, UnitKind

from ..models import Appeal
from .statistics import Figures, National

# Share decided on time: fixed classes, so that colours mean the same on every day and page.
# Light to dark blue (darker = more on time), as the other maps of esep.
SHARE_CLASSES: tuple[tuple[float, float, str], ...] = (
    (0.0, 0.5, "#eff3ff"),
    (0.5, 0.7, "#bdd7e7"),
    (0.7, 0.85, "#6baed6"),
    (0.85, 0.95, "#3182bd"),
    (0.95, 1.0, "#08519c"),
)
NO_DATA = "#d9d9d9"
TICK_EVERY = 6  # months between labelled ticks of the trend
MAP_WIDTH = 600
MAP_POINTS = 300  # the newest public appeals with coordinates drawn on a map


def count(value: int) -> str:
    return number_format(value, decimal_pos=0, use_l10n=True, force_grouping=True)


def share_colour(value: float | None) -> str:
    if value is None:
        return NO_DATA
    for low, high, colour in SHARE_CLASSES:
        if low <= value < high:
            return colour
    return SHARE_CLASSES[-1][2]


def share_legend() -> list[tuple[str, str, str]]:
    return [(colour, percent(low), percent(high)) for low, high, colour in SHARE_CLASSES]


# The trend ------------------------------------------------------------------------------------


def trend_chart(found: Figures) -> LineChart:
    """Received, decided, on time and late appeals by month of filing, for the months of
    `found.trend` (the chart's x is the month's position; ticks name the months)."""
    rows = found.trend
    series = [
        (
            _("Received"),
            [Point(i, r.received.total, count(r.received.total)) for i, r in enumerate(rows)],
        ),
        (
            _("Decided"),
            [Point(i, r.decided.total, count(r.decided.total)) for i, r in enumerate(rows)],
        ),
        (
            _("On time"),
            [Point(i, r.on_time.total, count(r.on_time.total)) for i, r in enumerate(rows)],
        ),
        (_("Late"), [Point(i, r.late.total, count(r.late.total)) for i, r in enumerate(rows)]),
    ]
    chart = line_chart(series, width=720, height=260)
    last = len(rows) - 1
    if last < 1:
        return chart
    span = chart.plot_right - chart.plot_left
    positions = sorted({*range(last % TICK_EVERY, last + 1, TICK_EVERY), last})
    ticks = []
    for i in positions:
        text = rows[i].month.text if rows[i].month else str(i)
        pos = round(chart.plot_left + i / last * span, 1)
        half = len(text) * 0.6 * chart.font_size / 2  # the text is centred on its tick...
        ticks.append(
            Tick(
                value=i,
                display=text,
                pos=pos,
                label_x=round(min(max(pos, half), chart.width - half), 1),  # ...inside the SVG
                label_y=round(chart.plot_bottom + chart.font_size + 4, 1),
            )
        )
    return dataclasses.replace(chart, x_ticks=tuple(ticks))


# The national map -----------------------------------------------------------------------------


def national_map(page: National) -> dict[str, Any]:
    """Every region coloured by its share of appeals decided on time, linking to its page."""
    shapes = region_map()
    regions = []
    for row in page.regions:
        path = shapes.paths.get(row.unit.iso_code or "")
        if not path:
            continue
        value = row.figures.on_time_share
        label = _("%(region)s: %(share)s decided on time (%(decided)s decided)") % {
            "region": row.unit.name,
            "share": percent(value),
            "decided": count(row.figures.decided.total),
        }
        regions.append(
            {
                "path": path,
                "colour": share_colour(value),
                "label": label,
                "href": reverse("accountability:unit_appeals", args=[row.unit.pk]),
                "dot": shapes.labels.get(row.unit.iso_code)
                if row.unit.kind == UnitKind.REPUBLICAN_CITY
                else None,
            }
        )
    return {"regions": regions, "legend": share_legend(), "viewbox": shapes.viewbox}


# A region with the appeals on it ---------------------------------------------------------------


@lru_cache(maxsize=1)
def _simplified() -> Mapping[str, dict[str, Any]]:
    """ISO code → the region's boundary, simplified as on the national map."""
    return {iso: simplify(g, MAP_TOLERANCE) for iso, g in read_regions().items()}


def _rings(geometry: Mapping[str, Any]) -> Iterable[list[list[float]]]:
    polygons = (
        geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    )
    for polygon in polygons:
        yield from polygon


@dataclasses.dataclass(frozen=True)
class Outline:
    """A region's outline as SVG, and how to place a longitude/latitude on it: the same
    Albers projection, offset and scale as territory.geo.svg_paths gives the outline."""

    viewbox: str
    path: str
    min_x: float
    max_y: float
    scale: float
    width: int
    height: int

    def point(self, lon: float, lat: float) -> tuple[float, float] | None:
        """SVG coordinates of a place, or None when it lies outside the drawing."""
        x, y = ALBERS_KZ(lon, lat)
        px, py = round((x - self.min_x) * self.scale, 1), round((self.max_y - y) * self.scale, 1)
        if not (0 <= px <= self.width and 0 <= py <= self.height):
            return None
        return px, py


@lru_cache(maxsize=32)
def outline(iso: str | None) -> Outline:
    """The outline of one region (by ISO code), or of all regions for None."""
    shapes = _simplified()
    geometries = {iso: shapes[iso]} if iso in shapes else dict(shapes)
    viewbox, paths = svg_paths(geometries, MAP_WIDTH)
    points = [ALBERS_KZ(p[0], p[1]) for g in geometries.values() for r in _rings(g) for p in r]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    scale = MAP_WIDTH / (max(xs) - min(xs))
    height = math.ceil(round((max(ys) - min(ys)) * scale, 1))
    return Outline(viewbox, "".join(paths.values()), min(xs), max(ys), scale, MAP_WIDTH, height)


def region_of(unit: Unit, ancestors: list[Unit]) -> Unit | None:
    """The oblast or city of republican significance of a unit (itself, or above it)."""
    for candidate in [*ancestors, unit]:
        if candidate.kind in (UnitKind.OBLAST, UnitKind.REPUBLICAN_CITY) and candidate.iso_code:
            return candidate
    return None


def appeals_map(region: Unit | None, appeals: Iterable[Appeal]) -> dict[str, Any]:
    """The region's outline (the whole country without a region) with a dot for each public
    appeal that has coordinates, each linking to the appeal."""
    shape = outline(region.iso_code if region else None)
    points, outside = [], 0
    for appeal in appeals:
        placed = shape.point(float(appeal.longitude), float(appeal.latitude))
        if placed is None:
            outside += 1
            continue
        points.append(
            {
                "x": placed[0],
                "y": placed[1],
                "href": reverse("accountability:appeal", args=[appeal.pk]),
                "label": _("№%(number)s, %(category)s, %(status)s")
                % {
                    "number": appeal.pk,
                    "category": appeal.category.name,
                    "status": appeal.get_status_display(),
                },
            }
        )
    return {
        "viewbox": shape.viewbox,
        "outline": shape.path,
        "points": points,
        "outside": outside,
        "region": region,
    }


def map_appeals(scope_q: Any) -> list[Appeal]:
    """The newest public appeals of a scope with coordinates (at most MAP_POINTS)."""
    return list(
        Appeal.objects.filter(scope_q, is_public=True, latitude__isnull=False)
        .select_related("category")
        .only(
            "id",
            "status",
            "latitude",
            "longitude",
            "category__name_kk",
            "category__name_ru",
            "category__name_en",
        )
        .order_by("-filed_at", "-id")[:MAP_POINTS]
    )
