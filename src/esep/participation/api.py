"""Participatory budgeting as open data at /api/v1: processes with their phases and rules,
projects, and, once the result is published, the result with every decision, the anonymous
ballots with their receipts and the process as a Pabulib file. Nothing of a vote is visible
before its result is published, exactly as on the pages."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Path, Router, Schema
from ninja.pagination import paginate

from esep.api.pagination import MAX_ID, Paged

from . import queries
from .actions.imports import export_pb
from .models import Process, Project, Result

router = Router(tags=["participatory budgeting"])
PROCESS = Path(..., ge=1, le=MAX_ID)


class PhaseOut(Schema):
    kind: str
    starts_at: dt.datetime
    ends_at: dt.datetime


class ProcessOut(Schema):
    id: int
    title_kk: str
    title_ru: str
    title_en: str
    unit_id: int
    year: int
    budget: Decimal
    currency: str
    ballot_kind: str
    min_choices: int
    max_choices: int | None
    points: int | None
    min_spent_share: Decimal
    may_change_ballot: bool
    rule: str
    threshold: Decimal
    reserve: Decimal
    completion: str
    rules_hash: str
    demo: bool
    source: str
    phases: list[PhaseOut]
    results_published: bool

    @staticmethod
    def resolve_demo(obj: Process) -> bool:
        return obj.is_demo

    @staticmethod
    def resolve_phases(obj: Process) -> list[Any]:
        return list(obj.phases.all())

    @staticmethod
    def resolve_results_published(obj: Process) -> bool:
        return bool(getattr(obj, "published", None))


class ProjectOut(Schema):
    code: str
    title: str
    description: str
    category: str
    estimated_cost: Decimal
    cost: Decimal | None
    status: str
    review_reason: str
    supporters: int
    unit_id: int | None


class ResultOut(Schema):
    rule: str
    rules_hash: str
    published_at: dt.datetime
    online_ballots: int
    paper_ballots: int
    imported_ballots: int
    voters: int
    spent: Decimal
    decisions: list[dict[str, Any]]
    discrepancies: list[dict[str, Any]]
    # Completion add1-comparison: the outcome kept ("equal-shares" or "greedy"), the voters
    # preferring each (prefer_equal_shares, prefer_greedy) and what each selects; otherwise {}.
    comparison: dict[str, Any]


class BallotOut(Schema):
    receipt: str
    channel: str
    polling_place: str
    choices: list[str]
    points: list[int] | None


def _with_published(queryset):
    from django.db.models import Exists, OuterRef

    return queryset.annotate(
        published=Exists(Result.objects.filter(process=OuterRef("pk"), published_at__isnull=False))
    )


def _process(pk: int) -> Process:
    process = _with_published(Process.objects.prefetch_related("phases")).filter(pk=pk).first()
    if process is None:
        raise Http404
    return process


@router.get(
    "/pb-processes", response=list[ProcessOut], summary="List participatory budgeting processes"
)
@paginate(Paged)
def list_processes(request: HttpRequest) -> Any:
    return _with_published(queries.processes())


@router.get(
    "/pb-processes/{process_id}",
    response=ProcessOut,
    summary="One process, with its phases and rules",
)
def get_process(request: HttpRequest, process_id: int = PROCESS) -> Process:
    return _process(process_id)


@router.get(
    "/pb-processes/{process_id}/projects",
    response=list[ProjectOut],
    summary="The projects of a process (proposed, feasible, not feasible)",
)
@paginate(Paged)
def list_projects(request: HttpRequest, process_id: int = PROCESS) -> Any:
    process = _process(process_id)
    return Project.objects.filter(
        process=process, status__in=queries.PUBLIC_PROJECT_STATUSES
    ).order_by("id")


@router.get(
    "/pb-processes/{process_id}/result",
    response=ResultOut,
    summary="The published result, every project's decision explained (404 before publication)",
)
def get_result(request: HttpRequest, process_id: int = PROCESS) -> Result:
    result = queries.published_result(_process(process_id))
    if result is None:
        raise Http404
    return result


@router.get(
    "/pb-processes/{process_id}/ballots",
    response=list[BallotOut],
    summary="The counted anonymous ballots with their receipts (404 before publication)",
)
@paginate(Paged)
def list_ballots(request: HttpRequest, process_id: int = PROCESS) -> Any:
    rows = queries.public_ballots(_process(process_id))
    if rows is None:
        raise Http404
    return rows


@router.get(
    "/pb-processes/{process_id}/pabulib",
    summary="The process as a Pabulib .pb file (404 before publication)",
    response={200: None},
)
def get_pabulib(request: HttpRequest, process_id: int = PROCESS) -> HttpResponse:
    process = _process(process_id)
    if queries.published_result(process) is None:
        raise Http404
    return HttpResponse(export_pb(process), content_type="text/plain; charset=utf-8")
