"""The figures behind every chart and table of the budget pages, as tables with machine
column names: the page shows them beside the chart, and /…/<chart>.csv and .json download them."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from .queries import National, UnitBudget, tenge


@dataclass
class DataTable:
    key: str
    title: Any
    keys: list[str]
    headers: list[Any]
    rows: list[list[Any]] = field(default_factory=list)

    @staticmethod
    def _plain(value: Any) -> Any:
        if isinstance(value, float):
            return round(value, 6)
        if isinstance(value, Decimal):
            return str(value)
        if value is None or isinstance(value, int | str | bool):
            return value
        return str(value)

    def csv_rows(self) -> list[list[Any]]:
        """Numbers stay numbers (a negative amount is not text a spreadsheet would run)."""
        return [
            ["" if v is None else v if isinstance(v, Decimal) else self._plain(v) for v in row]
            for row in self.rows
        ]

    def json_rows(self) -> list[dict[str, Any]]:
        return [dict(zip(self.keys, map(self._plain, row), strict=True)) for row in self.rows]


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def unit_tables(budget: UnitBudget) -> dict[str, DataTable]:
    revenue_total = sum(g.amount for g in budget.revenue)
    spending_total = sum(g.amount for g in budget.spending)
    tables = {
        "revenue": DataTable(
            "revenue",
            _("Revenue by category"),
            ["code", "name", "amount_kzt", "share"],
            [_("Code"), _("Category"), _("Amount, tenge"), _("Share")],
            [
                [
                    g.classification.code,
                    g.classification.name,
                    g.tenge,
                    _share(g.amount, revenue_total),
                ]
                for g in budget.revenue
            ],
        ),
        "spending": DataTable(
            "spending",
            _("Spending by function (without transfers to other budgets)"),
            ["code", "name", "amount_kzt", "share"],
            [_("Code"), _("Functional group"), _("Amount, tenge"), _("Share")],
            [
                [
                    g.classification.code,
                    g.classification.name,
                    g.tenge,
                    _share(g.amount, spending_total),
                ]
                for g in budget.spending
            ],
        ),
        "trend": DataTable(
            "trend",
            _("Trend since 2000"),
            [
                "year",
                "transfer_dependence",
                "revenue_per_capita_kzt",
                "spending_per_capita_kzt",
                "transfers_in_kzt",
            ],
            [
                _("Year"),
                _("Transfer dependence"),
                _("Revenue per resident, tenge"),
                _("Spending per resident, tenge"),
                _("Transfer receipts, tenge"),
            ],
            [
                [
                    r.row.year,
                    r.indicators.transfer_dependence,
                    r.indicators.revenue_per_capita,
                    r.indicators.spending_per_capita,
                    tenge(r.row.transfers_in),
                ]
                for r in budget.trend
            ],
        ),
        "peers": DataTable(
            "peers",
            _("Units of the same kind"),
            ["unit_id", "unit", "transfer_dependence", "revenue_per_capita_kzt", "position"],
            [
                _("Id"),
                _("Unit"),
                _("Transfer dependence"),
                _("Revenue per resident, tenge"),
                _("Donor or subsidised"),
            ],
            [
                [
                    p.row.unit_id,
                    p.row.unit.name,
                    p.indicators.transfer_dependence,
                    p.indicators.revenue_per_capita,
                    p.indicators.position,
                ]
                for p in budget.peers
            ],
        ),
        "transfers": DataTable(
            "transfers",
            _("Transfers received and paid"),
            ["direction", "kind", "giver", "receiver", "amount_kzt", "legal_basis"],
            [
                _("Received or paid"),
                _("Kind"),
                _("From"),
                _("To"),
                _("Amount, tenge"),
                _("Legal basis"),
            ],
            [
                [
                    "received" if t.receiver_id == budget.unit.pk else "paid",
                    t.kind,
                    t.giver.name,
                    t.receiver.name,
                    t.amount_tenge,
                    t.legal_basis,
                ]
                for t in budget.received + budget.given
            ],
        ),
    }
    return tables


def national_tables(page: National) -> dict[str, DataTable]:
    return {
        "regions": DataTable(
            "regions",
            _("Regions in %(year)d (consolidated budgets)") % {"year": page.year},
            [
                "unit_id",
                "unit",
                "transfer_dependence",
                "revenue_per_capita_kzt",
                "net_general_transfer_kzt",
                "position",
                "part_of",
            ],
            [
                _("Id"),
                _("Region"),
                _("Transfer dependence"),
                _("Revenue per resident, tenge"),
                _("Subventions minus withdrawals, tenge"),
                _("Donor or subsidised"),
                _("Part of, that year"),
            ],
            [
                [
                    r.unit.pk,
                    r.unit.name,
                    r.indicators.transfer_dependence if r.indicators else None,
                    r.indicators.revenue_per_capita if r.indicators else None,
                    tenge(r.indicators.net_general_transfer) if r.indicators else None,
                    r.indicators.position if r.indicators else None,
                    r.part_of.name if r.part_of else None,
                ]
                for r in page.regions
            ],
        ),
        "positions": DataTable(
            "positions",
            _("Donor and subsidised regions by year"),
            ["year", "donors", "subsidised", "neither"],
            [_("Year"), _("Donors"), _("Subsidised"), _("Neither")],
            [list(row) for row in page.positions],
        ),
        "inequality": DataTable(
            "inequality",
            _("Inequality of revenue per resident across regions"),
            [
                "year",
                "regions",
                "gini",
                "gini_oecd",
                "theil_t",
                "theil_l",
                "cv",
                "max_min",
                "top_bottom_20",
                "gini_weighted",
                "theil_t_weighted",
                "cv_weighted",
                "top_bottom_20_weighted",
            ],
            [
                _("Year"),
                _("Regions compared"),
                _("Gini"),
                _("Gini (OECD)"),
                _("Theil T"),
                _("Theil L"),
                _("Coefficient of variation"),
                _("Max / min"),
                _("Top 20% / bottom 20%"),
                _("Gini, weighted by population"),
                _("Theil T, weighted"),
                _("Coefficient of variation, weighted"),
                _("Top 20% / bottom 20% of residents"),
            ],
            [
                [
                    year,
                    page.compared.get(year, 0),
                    *(
                        (
                            u.gini,
                            u.gini_oecd,
                            u.theil_t,
                            u.theil_l,
                            u.cv,
                            u.max_min,
                            u.top_bottom_20,
                        )
                        if u
                        else (None,) * 7
                    ),
                    *((w.gini, w.theil_t, w.cv, w.top_bottom_20) if w else (None,) * 4),
                ]
                for year, u, w in page.inequality
            ],
        ),
    }
