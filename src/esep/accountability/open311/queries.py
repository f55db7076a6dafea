"""Reads behind the Open311 endpoints: one query each, whatever the number of rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Exists, OuterRef, QuerySet

from ..models import Appeal, AppealStatus, AppealStep, Category, CategoryAttribute
from ..models.appeals import CLOSED_STATUSES, OPEN_STATUSES
from .records import UPDATE_STATUS

LIMIT = 1000  # GeoReport v2: at most 1000 requests per answer

STATUSES: dict[str, tuple[AppealStatus, ...]] = {"open": OPEN_STATUSES, "closed": CLOSED_STATUSES}


def services() -> QuerySet[Category]:
    """Active categories, each with `has_attributes`."""
    questions = CategoryAttribute.objects.filter(category=OuterRef("pk"))
    return Category.objects.filter(is_active=True).annotate(has_attributes=Exists(questions))


def service(code: str) -> tuple[Category, list[CategoryAttribute]] | None:
    category = Category.objects.filter(code=code, is_active=True).first()
    if category is None:
        return None
    return category, list(category.attributes.order_by("order", "code"))


def _appeals() -> QuerySet[Appeal]:
    return Appeal.objects.select_related("category", "body__unit", "unit").order_by(
        "-filed_at", "-id"
    )


def appeals_by_id(ids: Sequence[int]) -> list[Appeal]:
    return list(_appeals().filter(pk__in=ids)[:LIMIT])


def appeals(
    *,
    start: dt.datetime,
    end: dt.datetime,
    codes: Sequence[str] = (),
    statuses: Sequence[str] = (),
) -> list[Appeal]:
    """Appeals filed between `start` and `end`, newest first, at most LIMIT. One query: a
    subquery walks the filing-time index for the newest numbers, and only those rows are
    joined to their category, body and place (joining first would let the database start
    from the small tables and sort the whole window)."""
    newest = Appeal.objects.filter(filed_at__gte=start, filed_at__lte=end)
    if codes:
        newest = newest.filter(category_id__in=Category.objects.filter(code__in=codes).values("pk"))
    if statuses:
        newest = newest.filter(status__in=[s for name in statuses for s in STATUSES[name]])
    numbers = newest.order_by("-filed_at", "-id").values("pk")[:LIMIT]
    return list(_appeals().filter(pk__in=numbers))


def appeal(pk: int) -> Appeal | None:
    return _appeals().filter(pk=pk).first()


def appeal_by_token(token: str) -> Appeal | None:
    return Appeal.objects.filter(token=token).only("pk", "token").first()


def updates(*, start: dt.datetime, end: dt.datetime) -> list[AppealStep]:
    """Steps that change where an appeal stands, between `start` and `end`, oldest first (a
    client reads on from the last one it saw), at most LIMIT."""
    return list(
        AppealStep.objects.filter(kind__in=list(UPDATE_STATUS), at__gte=start, at__lte=end)
        .select_related("appeal", "to_body__unit")
        .order_by("at", "id")[:LIMIT]
    )
