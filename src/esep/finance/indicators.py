"""Indicators of one unit-year, from its sums (`UnitYear`). Each formula is written out, with
its source, in docs/finance-indicators.md."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from .models import TIYN, UnitYear

DONOR, SUBSIDISED, NEITHER = "donor", "subsidised", "neither"
POSITION_LABELS = {
    DONOR: _("donor"),
    SUBSIDISED: _("subsidised"),
    NEITHER: _("neither"),
}


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class Indicators:
    total_revenue: int  # tiyn
    own_revenue: int
    own_spending: int
    transfer_dependence: float | None
    own_revenue_share: float | None
    vertical_imbalance: float | None
    net_general_transfer: int
    position: str
    revenue_per_capita: Decimal | None  # tenge
    spending_per_capita: Decimal | None
    transfer_volatility: float | None

    @property
    def position_label(self) -> str:
        return str(POSITION_LABELS[self.position])


def per_capita(tiyn: int, population: int | None) -> Decimal | None:
    if not population:
        return None
    return (Decimal(tiyn) / TIYN / population).quantize(Decimal("0.01"))


def indicators(row: UnitYear, previous: UnitYear | None = None) -> Indicators:
    """transfer dependence = transfer receipts / total revenue; own-revenue share = 1 − that;
    vertical fiscal imbalance = 1 − own revenue / own spending (spending without transfers to
    other budgets); net general transfer = subventions received − withdrawals paid (< 0: donor,
    > 0: subsidised); volatility = |transfer receipts − last year's| / last year's."""
    own = row.tax + row.non_tax + row.capital
    total = own + row.transfers_in
    dependence = _ratio(row.transfers_in, total)
    imbalance = _ratio(own, row.expenditure)
    net = row.subventions - row.withdrawals
    volatility = None
    if previous is not None and previous.transfers_in:
        volatility = abs(row.transfers_in - previous.transfers_in) / previous.transfers_in
    return Indicators(
        total_revenue=total,
        own_revenue=own,
        own_spending=row.expenditure,
        transfer_dependence=dependence,
        own_revenue_share=None if dependence is None else 1 - dependence,
        vertical_imbalance=None if imbalance is None else 1 - imbalance,
        net_general_transfer=net,
        position=DONOR if net < 0 else SUBSIDISED if net > 0 else NEITHER,
        revenue_per_capita=per_capita(total, row.population),
        spending_per_capita=per_capita(row.expenditure, row.population),
        transfer_volatility=volatility,
    )
