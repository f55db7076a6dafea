"""Reads shared by the pages and the API. Visibility is decided here: ballots, receipts with
their contents and results are public only once a result is published."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum

from . import phases
from .models import Ballot, Eligibility, Phase, Process, Project, ProjectStatus, Result

PUBLIC_PROJECT_STATUSES = (ProjectStatus.PROPOSED, ProjectStatus.FEASIBLE, ProjectStatus.INFEASIBLE)


def processes() -> QuerySet[Process]:
    return (
        Process.objects.select_related("unit").prefetch_related("phases").order_by("-year", "-id")
    )


@dataclass
class ProcessPage:
    process: Process
    phases: list[Phase]
    phase: str | None
    eligibility: dict[str, Eligibility]
    projects: list[Project]
    result: Result | None
    now: datetime
    open: set[str] = field(default_factory=set)
    minimum: LegalMinimum | None = None


def process_page(pk: int) -> ProcessPage:
    """A process with everything its page shows, in a constant number of queries."""
    process = Process.objects.select_related("unit").get(pk=pk)
    now = phases.now()
    rows = list(Phase.objects.filter(process=process).order_by("starts_at"))
    eligibility = {
        e.activity: e for e in Eligibility.objects.filter(process=process).select_related("unit")
    }
    projects = list(
        Project.objects.filter(process=process, status__in=PUBLIC_PROJECT_STATUSES)
        .select_related("unit")
        .order_by("id")
    )
    return ProcessPage(
        process=process,
        phases=rows,
        phase=phases.current_phase(rows, now),
        eligibility=eligibility,
        projects=projects,
        result=published_result(process),
        now=now,
        open={a for a in phases.Activity.values if phases.allowed(rows, a, now)},
        minimum=legal_minimum(process),
    )


def published_result(process: Process) -> Result | None:
    return Result.objects.filter(process=process, published_at__isnull=False).first()


def public_ballots(process: Process) -> QuerySet[Ballot] | None:
    """The counted anonymous ballots, once the result is published; else None."""
    if published_result(process) is None:
        return None
    return Ballot.objects.filter(process=process, replaced=False).order_by("position", "receipt")


def receipt_status(process: Process, receipt: str) -> dict[str, Any]:
    """What anyone may learn from a receipt: whether it is recorded and counted; its ballot
    only once the result is published."""
    ballot = Ballot.objects.filter(process=process, receipt=receipt.strip().upper()).first()
    if ballot is None:
        return {"found": False}
    published = published_result(process) is not None
    return {
        "found": True,
        "counted": not ballot.replaced,
        "choices": ballot.choices if published else None,
        "points": ballot.points if published else None,
    }


# The legal minimum of participatory budgeting: a share of the unit's spending on housing and
# utilities (functional group 07) — 5 % in districts of cities of republican significance,
# 10 % in cities of regional significance (see docs/participation.md for the sources).
LEGAL_SHARE = {"city_district": Decimal("0.05"), "regional_city": Decimal("0.10")}
HOUSING_AND_UTILITIES = 7


@dataclass(frozen=True)
class LegalMinimum:
    share: Decimal
    spending: Decimal  # tenge, the unit's housing and utilities spending that year
    budget_phase: str
    required: Decimal
    met: bool

    @property
    def percent(self) -> int:
        return int(self.share * 100)


def legal_minimum(process: Process) -> LegalMinimum | None:
    """Whether the process's money meets the legal minimum, where the law sets one for the
    unit's kind and esep holds the unit's spending for the year (approved, else adjusted, else
    executed); None otherwise."""
    from esep.finance.models import BudgetLine
    from esep.finance.queries import tenge

    share = LEGAL_SHARE.get(process.unit.kind)
    if share is None:
        return None
    rows = dict(
        BudgetLine.objects.filter(
            unit_id=process.unit_id,
            year=process.year,
            direction="expenditure",
            top=HOUSING_AND_UTILITIES,
        )
        .values("phase")
        .annotate(total=Sum("amount"))
        .values_list("phase", "total")
    )
    for phase in ("approved", "adjusted", "executed"):
        if rows.get(phase):
            spending = tenge(rows[phase])
            required = (spending * share).quantize(Decimal("0.01"))
            return LegalMinimum(share, spending, phase, required, process.budget >= required)
    return None
