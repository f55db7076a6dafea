"""Public appeals and their figures at /api/v1: the list (the same filters as the page
/<lang>/appeals/public/), one appeal, and the statistics of a body or of a unit's bodies. Only
public appeals, and only their public fields; an applicant's name, contacts and rating are
never part of an answer. See docs/appeals-statistics.md."""

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema
from ninja.decorators import decorate_view
from ninja.errors import HttpError
from ninja.pagination import paginate

from esep.api.pagination import MAX_ID, Paged
from esep.territory.labels import body_label
from esep.territory.models import Body, Unit

from .. import clock
from ..models import Appeal, AppealStatus, Category
from ..queries import statistics
from ..queries.public_appeals import (
    MONTH_PATTERN,
    Filters,
    Outcome,
    Scope,
    parse_month,
    public_appeal,
    public_appeals,
)
from ..views.statistics import appeals_page

router = Router(tags=["appeals"])
ID = Query(None, ge=1, le=MAX_ID)
LIST_PARAMS = ("body", "bodies_in", "unit", "category", "status", "outcome", "month")


class CategoryRef(Schema):
    code: str
    name: str


class Ref(Schema):
    id: int
    name: str


class AppealOut(Schema):
    id: int
    kind: str
    category: CategoryRef
    unit: Ref
    body: Ref
    status: str
    filed_at: dt.datetime
    deadline: dt.date
    closed_on: dt.date | None
    on_time: bool | None
    working_days: int | None
    public_text: str
    answer_text: str
    latitude: float | None
    longitude: float | None
    demo: bool

    @staticmethod
    def resolve_category(appeal: Appeal) -> dict[str, str]:
        return {"code": appeal.category.code, "name": appeal.category.name}

    @staticmethod
    def resolve_unit(appeal: Appeal) -> dict[str, Any]:
        return {"id": appeal.unit_id, "name": appeal.unit.name}

    @staticmethod
    def resolve_body(appeal: Appeal) -> dict[str, Any]:
        return {"id": appeal.body_id, "name": body_label(appeal.body)}

    @staticmethod
    def resolve_latitude(appeal: Appeal) -> float | None:
        return None if appeal.latitude is None else float(appeal.latitude)

    @staticmethod
    def resolve_longitude(appeal: Appeal) -> float | None:
        return None if appeal.longitude is None else float(appeal.longitude)

    @staticmethod
    def resolve_demo(appeal: Appeal) -> bool:
        return appeal.is_demo


def _missing(what: str) -> HttpError:
    return HttpError(404, what)


def _unit(pk: int | None) -> Unit | None:
    if pk is None:
        return None
    found = Unit.objects.filter(pk=pk, published_at__isnull=False).first()
    if found is None:
        raise _missing(_("No published unit has the id %(pk)s.") % {"pk": pk})
    return found


def _body(pk: int | None) -> Body | None:
    if pk is None:
        return None
    found = (
        Body.objects.select_related("unit").filter(pk=pk, unit__published_at__isnull=False).first()
    )
    if found is None:
        raise _missing(_("No body of a published unit has the id %(pk)s.") % {"pk": pk})
    return found


@router.get("/appeals", response=list[AppealOut], summary="List public appeals")
@decorate_view(appeals_page(*LIST_PARAMS, "limit", "offset"))
@paginate(Paged)
def list_appeals(
    request: HttpRequest,
    body: int | None = Query(None, ge=1, le=MAX_ID, description="Received by this body"),
    bodies_in: int | None = Query(
        None, ge=1, le=MAX_ID, description="Received by a body of this unit or of a unit below it"
    ),
    unit: int | None = Query(
        None, ge=1, le=MAX_ID, description="About a place in this unit or in a unit below it"
    ),
    category: str | None = Query(None, max_length=60, pattern=r"^[-a-zA-Z0-9_]+$"),
    status: AppealStatus | None = None,
    outcome: Outcome | None = None,
    month: str | None = Query(None, pattern=MONTH_PATTERN, description="Month of filing, YYYY-MM"),
) -> Any:
    """Public appeals, newest first, with the filters of the page /<lang>/appeals/public/ and
    of the figures of /api/v1/appeal-statistics (their `query`). A body, unit or category that
    does not exist answers 404."""
    if category is not None and not Category.objects.filter(code=category).exists():
        raise _missing(_("No category has the code %(code)s.") % {"code": category})
    filters = Filters(
        body=_body(body),
        bodies_in=_unit(bodies_in),
        unit=_unit(unit),
        category=category or "",
        status=status or "",
        outcome=outcome or "",
        month=parse_month(month) if month else None,
    )
    return public_appeals(filters, clock.today())


@router.get("/appeals/{appeal_id}", response=AppealOut, summary="One public appeal")
@decorate_view(appeals_page())
def get_appeal(request: HttpRequest, appeal_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    found = public_appeal(appeal_id)
    if found is None:
        raise Http404
    return found


class TallyOut(Schema):
    count: int
    public: int
    query: str


class OutcomesOut(Schema):
    received: TallyOut
    decided: TallyOut
    on_time: TallyOut
    late: TallyOut
    open: TallyOut
    overdue: TallyOut
    forwarded: TallyOut
    on_time_share: float | None


class CategoryFiguresOut(OutcomesOut):
    code: str
    name: str


class MonthFiguresOut(OutcomesOut):
    month: str


class StatisticsOut(OutcomesOut):
    body: Ref | None
    unit: Ref | None
    date: dt.date
    forwarded_on_time: TallyOut
    extended: TallyOut
    rated: TallyOut
    satisfied: TallyOut
    median_working_days: float | None
    mean_rating: float | None
    satisfied_share: float | None
    by_category: list[CategoryFiguresOut]
    by_month: list[MonthFiguresOut]
    demo: bool


def _tally(tally: statistics.Tally) -> dict[str, Any]:
    return {"count": tally.total, "public": tally.public, "query": tally.query}


def _outcomes(row: statistics.Outcomes) -> dict[str, Any]:
    names = ("received", "decided", "on_time", "late", "open", "overdue", "forwarded")
    return {
        **{name: _tally(getattr(row, name)) for name in names},
        "on_time_share": row.on_time_share,
    }


@router.get("/appeal-statistics", response=StatisticsOut, summary="Figures of appeals")
@decorate_view(appeals_page("body", "unit"))
def appeal_statistics(request: HttpRequest, body: int | None = ID, unit: int | None = ID) -> Any:
    """The figures of a body (`body`), of every body of a unit and of the units below it
    (`unit`), or, without either, of every body on esep. Each figure gives the number of
    appeals, how many of them are public, and `query`: the filters of /api/v1/appeals (and of
    the page /<lang>/appeals/public/) that list those public appeals. With both, the body's
    figures if the body is one of the unit's (else 404). Definitions:
    docs/appeals-statistics.md."""
    found_body = _body(body)
    found_unit = _unit(unit)
    if found_body is not None and found_unit is not None:
        if not found_unit.covers(found_body.unit):
            raise _missing(_("The body is not one of the unit's."))
        found_unit = None
    scope = Scope(body=found_body, unit=found_unit)
    found = statistics.figures(scope, clock.today())
    return {
        **_outcomes(found),
        "body": {"id": found_body.pk, "name": body_label(found_body)} if found_body else None,
        "unit": {"id": found_unit.pk, "name": found_unit.name} if found_unit else None,
        "date": found.today,
        "forwarded_on_time": _tally(found.forwarded_on_time),
        "extended": _tally(found.extended),
        "rated": _tally(found.rated),
        "satisfied": _tally(found.satisfied),
        "median_working_days": found.median_days,
        "mean_rating": found.mean_rating,
        "satisfied_share": found.satisfied_share,
        "by_category": [
            {**_outcomes(row), "code": row.category.code, "name": row.category.name}
            for row in found.by_category
            if row.category
        ],
        "by_month": [
            {**_outcomes(row), "month": row.month.text} for row in found.trend if row.month
        ],
        "demo": found.demo,
    }
