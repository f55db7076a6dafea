from __future__ import annotations

from decimal import Decimal

from django import template

from esep.finance.figures import money, percent
from esep.finance.models import TIYN

register = template.Library()


@register.filter
def kzt(value: Decimal | int | None) -> str:
    """An amount in tenge, grouped, in the page's language: "1 234 567 ₸"."""
    return money(value)


@register.filter
def tiyn_kzt(value: int | None) -> str:
    """An amount stored in tiyn, shown in tenge."""
    return money(None if value is None else Decimal(value) / TIYN)


@register.filter
def share(value: float | None) -> str:
    return percent(value)
