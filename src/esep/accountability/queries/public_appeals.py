"""The public list of appeals and the filters it shares with the figures that link to it.

Only appeals with `is_public` are ever listed, and only their public fields are read. Every
figure of the statistics pages (queries/statistics.py) is the count of one filter of this list
(plus the appeals that are not public): the figure's link opens the list with that filter, so a
visitor sees exactly the public appeals behind a number. See docs/appeals-statistics.md.

Filters (query parameters of the page and of GET /api/v1/appeals):

- `body`: appeals the body received, that is appeals now at the body or that it forwarded to
  another body; with an outcome or a status, appeals now at the body (closed appeals never move)
  except for the `forwarded` outcomes, which are the body's forwardings;
- `bodies_in`: the same for every body of a unit and of the units below it (with `body` as
  well: that body's, if it is one of them, else none);
- `unit`: appeals about a place in the unit or below it (the appeal's place, whoever answers);
- `category`: the category's code;
- `status`: the appeal's status now;
- `outcome`: see OUTCOMES;
- `month`: `YYYY-MM`, the month the appeal was filed in, in Kazakhstan's time (Asia/Almaty).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from esep.territory.models import Body, Unit

from ..models import Appeal, AppealStatus, AppealStep, StepKind
from ..models.appeals import DECIDED_STATUSES, OPEN_STATUSES

SATISFIED = 4  # ratings of 4 and 5 count as satisfied
MONTH_PATTERN = r"^(?P<year>19[0-9]{2}|2[0-9]{3})-(?P<month>0[1-9]|1[0-2])$"
MONTH = re.compile(MONTH_PATTERN)


class Outcome(models.TextChoices):
    """What happened to an appeal, as the figures count it."""

    DECIDED = "decided", _("Decided (answered or left without consideration)")
    ON_TIME = "on_time", _("Decided on time")
    LATE = "late", _("Decided late")
    OPEN = "open", _("Open")
    OVERDUE = "overdue", _("Open and overdue now")
    FORWARDED = "forwarded", _("Forwarded to another body or organisation")
    FORWARDED_ON_TIME = "forwarded_on_time", _("Forwarded on time")
    EXTENDED = "extended", _("Term extended")
    RATED = "rated", _("Rated by the applicant")
    SATISFIED = "satisfied", _("Rated 4 or 5 by the applicant")


OUTCOMES: dict[str, str] = dict(Outcome.choices)

# Only these fields of a public appeal are ever read for the list, the map and the API.
PUBLIC_FIELDS = (
    "id",
    "kind",
    "category",
    "unit",
    "body",
    "status",
    "filed_at",
    "deadline",
    "closed_on",
    "on_time",
    "working_days",
    "public_text",
    "answer_text",
    "latitude",
    "longitude",
    "is_demo",
)
RELATED_FIELDS = (
    "category__code",
    "category__name_kk",
    "category__name_ru",
    "category__name_en",
    "unit__name_kk",
    "unit__name_ru",
    "unit__name_en",
    "body__kind",
    "body__unit__name_kk",
    "body__unit__name_ru",
    "body__unit__name_en",
)


@cache
def zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def month_start(year: int, month: int) -> dt.datetime:
    """Midnight of the first day of the month in Kazakhstan's time."""
    return dt.datetime(year, month, 1, tzinfo=zone())


def next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def parse_month(text: str) -> tuple[int, int] | None:
    """The (year, month) of "2026-03"; None for anything else (years 1900 to 2999)."""
    found = MONTH.fullmatch(text or "")
    return (int(found["year"]), int(found["month"])) if found else None


@dataclass(frozen=True)
class Scope:
    """Whose appeals: one body, the bodies of a unit and of every unit below it, or all."""

    body: Body | None = None
    unit: Unit | None = None

    @property
    def params(self) -> dict[str, str]:
        if self.body is not None:
            return {"body": str(self.body.pk)}
        if self.unit is not None:
            return {"bodies_in": str(self.unit.pk)}
        return {}

    def bodies(self) -> QuerySet[Body] | None:
        if self.unit is None:
            return None
        return Body.objects.filter(unit__path__startswith=self.unit.path).values("pk")

    def at(self, prefix: str = "") -> Q:
        """Appeals now at one of the bodies (`prefix` "appeal__" from a step)."""
        if self.body is not None:
            return Q(**{f"{prefix}body_id": self.body.pk})
        if self.unit is not None:
            return Q(**{f"{prefix}body_id__in": self.bodies()})
        return Q()

    def forwardings(self) -> Q:
        """Steps in which one of the bodies forwarded an appeal to another body."""
        steps = Q(kind=StepKind.FORWARDED)
        if self.body is not None:
            return steps & Q(from_body_id=self.body.pk)
        if self.unit is not None:
            return steps & Q(from_body_id__in=self.bodies())
        return steps


def _forwarded(scope: Scope, on_time: bool) -> Q:
    steps = AppealStep.objects.filter(scope.forwardings())
    out = scope.at() & Q(status=AppealStatus.FORWARDED_OUT)
    if on_time:
        steps = steps.filter(on_time=True)
        out &= Q(on_time=True)
    return Q(pk__in=steps.values("appeal_id")) | out


def outcome_q(outcome: str, today: dt.date) -> Q:
    """The condition of an outcome other than the forwarded ones, on the appeal as it is now."""
    decided = Q(status__in=DECIDED_STATUSES)
    return {
        "decided": decided,
        "on_time": decided & Q(on_time=True),
        "late": decided & Q(on_time=False),
        "open": Q(status__in=OPEN_STATUSES),
        "overdue": Q(status__in=OPEN_STATUSES, deadline__lt=today),
        "extended": Q(extended_on__isnull=False),
        "rated": Q(rating__isnull=False),
        "satisfied": Q(rating__gte=SATISFIED),
    }[outcome]


def scoped(scope: Scope, outcome: str | None, status: str | None, today: dt.date) -> Q:
    """Appeals behind a figure of `scope` (see the module's docstring)."""
    if outcome in ("forwarded", "forwarded_on_time"):
        condition = _forwarded(scope, outcome == "forwarded_on_time")
        return condition & Q(status=status) if status else condition
    if outcome is None and status is None:
        if scope.body is None and scope.unit is None:
            return Q()
        steps = AppealStep.objects.filter(scope.forwardings()).values("appeal_id")
        return scope.at() | Q(pk__in=steps)
    condition = scope.at()
    if outcome:
        condition &= outcome_q(outcome, today)
    if status:
        condition &= Q(status=status)
    return condition


@dataclass(frozen=True)
class Filters:
    """Checked filters of the list (ids resolved to the rows they name)."""

    body: Body | None = None
    bodies_in: Unit | None = None
    unit: Unit | None = None
    category: str = ""
    status: str = ""
    outcome: str = ""
    month: tuple[int, int] | None = None

    @property
    def scope(self) -> Scope:
        return Scope(body=self.body, unit=self.bodies_in)

    @property
    def month_text(self) -> str:
        return f"{self.month[0]:04d}-{self.month[1]:02d}" if self.month else ""

    @property
    def params(self) -> dict[str, str]:
        """The filters as query parameters, in a fixed order."""
        found = {
            "body": str(self.body.pk) if self.body else "",
            "bodies_in": str(self.bodies_in.pk) if self.bodies_in else "",
            "unit": str(self.unit.pk) if self.unit else "",
            "category": self.category,
            "status": self.status,
            "outcome": self.outcome,
            "month": self.month_text,
        }
        return {name: value for name, value in found.items() if value}


def public_appeals(filters: Filters, today: dt.date) -> QuerySet[Appeal]:
    """The public appeals that match, newest first, with only their public fields (one query
    for a page of them, one to count them)."""
    qs = Appeal.objects.filter(is_public=True).filter(
        scoped(filters.scope, filters.outcome or None, filters.status or None, today)
    )
    both = filters.body is not None and filters.bodies_in is not None
    if both and not filters.bodies_in.covers(filters.body.unit):
        qs = qs.none()  # the body's appeals only if the body is one of the unit's
    if filters.unit is not None:
        qs = qs.filter(unit__path__startswith=filters.unit.path)
    if filters.category:
        qs = qs.filter(category__code=filters.category)
    if filters.month is not None:
        year, month = filters.month
        qs = qs.filter(
            filed_at__gte=month_start(year, month),
            filed_at__lt=month_start(*next_month(year, month)),
        )
    return (
        qs.select_related("category", "unit", "body__unit")
        .only(*PUBLIC_FIELDS, *RELATED_FIELDS)
        .order_by("-filed_at", "-id")
    )


def public_appeal(pk: int) -> Appeal | None:
    """One public appeal with its public fields, or None."""
    return (
        Appeal.objects.filter(pk=pk, is_public=True)
        .select_related("category", "unit", "body__unit")
        .only(*PUBLIC_FIELDS, *RELATED_FIELDS)
        .first()
    )
