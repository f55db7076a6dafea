"""The charts and the map of the budget pages, built from the page's figures (see
`datatables.py` for the same figures as tables)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from esep.territory.geo import region_map

from .charts import Bar, BarChart, LineChart, Point, bar_chart, line_chart
from .queries import National, UnitBudget

# Five steps of one blue, light to dark, as on the registry's map (see territory.views).
PALETTE = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"]
NO_DATA = "#d9d9d9"


def rounded(value: Decimal | float | int, places: int) -> Decimal:
    """`value` rounded half up to `places` decimals (never "-0"). Django's `number_format`
    cuts the digits after `decimal_pos` off, so 46.18 would be shown as 46.1: numbers are
    rounded here first."""
    exact = value if isinstance(value, Decimal) else Decimal(str(value))
    result = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return result if result else abs(result)


def money(value: Decimal | int | None) -> str:
    if value is None:
        return "—"
    return (
        number_format(rounded(value, 0), decimal_pos=0, use_l10n=True, force_grouping=True) + " ₸"
    )


def percent(value: float | None) -> str:
    if value is None:
        return "—"
    return number_format(rounded(value * 100, 1), decimal_pos=1, use_l10n=True) + " %"


def for_unit(budget: UnitBudget) -> dict[str, BarChart | LineChart]:
    years = [r for r in budget.trend]
    return {
        "revenue": bar_chart(
            [Bar(g.classification.name, float(g.tenge), money(g.tenge)) for g in budget.revenue]
        ),
        "spending": bar_chart(
            [Bar(g.classification.name, float(g.tenge), money(g.tenge)) for g in budget.spending]
        ),
        "dependence": line_chart(
            [
                (
                    _("Transfer dependence"),
                    [
                        Point(
                            r.row.year,
                            r.indicators.transfer_dependence,
                            percent(r.indicators.transfer_dependence),
                        )
                        for r in years
                    ],
                )
            ],
            percent=True,
        ),
        "per_capita": line_chart(
            [
                (
                    _("Revenue per resident"),
                    [_money_point(r.row.year, r.indicators.revenue_per_capita) for r in years],
                ),
                (
                    _("Spending per resident"),
                    [_money_point(r.row.year, r.indicators.spending_per_capita) for r in years],
                ),
            ]
        ),
    }


def _money_point(year: int, value: Decimal | None) -> Point:
    return Point(year, None if value is None else float(value), money(value))


def for_national(page: National) -> dict[str, LineChart]:
    return {
        "positions": line_chart(
            [
                (_("Donors"), [Point(y, d, str(d)) for y, d, _s, _n in page.positions]),
                (_("Subsidised"), [Point(y, s, str(s)) for y, _d, s, _n in page.positions]),
            ]
        ),
        "inequality": line_chart(
            [
                (
                    _("Gini"),
                    [
                        Point(y, u.gini if u else None, _num(u.gini if u else None))
                        for y, u, _w in page.inequality
                    ],
                ),
                (
                    _("Gini, weighted by population"),
                    [
                        Point(y, w.gini if w else None, _num(w.gini if w else None))
                        for y, _u, w in page.inequality
                    ],
                ),
                (
                    _("Theil T"),
                    [
                        Point(y, u.theil_t if u else None, _num(u.theil_t if u else None))
                        for y, u, _w in page.inequality
                    ],
                ),
            ]
        ),
    }


def _num(value: float | None) -> str:
    return "—" if value is None else number_format(rounded(value, 3), decimal_pos=3, use_l10n=True)


def dependence_map(page: National) -> dict[str, Any]:
    """The regions coloured by transfer dependence in the page's year. A region that did not
    exist yet is drawn with the figures of the region it was part of."""
    shapes = region_map()
    values = [r.indicators.transfer_dependence if r.indicators else None for r in page.regions]
    known = [v for v in values if v is not None]
    low, high = (min(known), max(known)) if known else (0.0, 1.0)
    width = (high - low) / len(PALETTE) or 1
    regions = []
    for region, value in zip(page.regions, values, strict=True):
        path = shapes.paths.get(region.unit.iso_code or "")
        if not path:
            continue
        colour = (
            NO_DATA if value is None else PALETTE[min(int((value - low) / width), len(PALETTE) - 1)]
        )
        label = f"{region.unit.name}: {percent(value)}"
        if region.part_of is not None:
            label += " " + _("(part of %(region)s in %(year)d)") % {
                "region": region.part_of.name,
                "year": page.year,
            }
        dot = (
            shapes.labels.get(region.unit.iso_code)
            if region.unit.kind == "republican_city"
            else None
        )
        regions.append(
            {
                "path": path,
                "colour": colour,
                "label": label,
                "dot": dot,
                "href": reverse("finance:unit_budget", args=[region.unit.pk])
                + f"?year={page.year}",
            }
        )
    steps = len(PALETTE) if high > low else 1
    legend = [
        (PALETTE[i], percent(low + i * width), percent(low + (i + 1) * width)) for i in range(steps)
    ]
    return {"regions": regions, "legend": legend, "viewbox": shapes.viewbox}
