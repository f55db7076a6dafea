"""Reads of requests for information that the pages and the API share. Each runs a fixed
number of queries whatever the number of requests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from esep.territory.models import Body, Unit, UnitKind
from esep.territory.search import fold

from ..models import (
    DisplayStatus,
    InformationFile,
    InformationMessage,
    InformationRequest,
    RequestState,
)
from ..models.information import AWAITING_STATES, OPEN_STATES

BODY_CHOICES_LIMIT = 50
# What the list filters by: a stored state, or overdue / very overdue (both computed).
STATUS_FILTERS = tuple(DisplayStatus.values)


def with_places(qs: QuerySet[InformationRequest]) -> QuerySet[InformationRequest]:
    return qs.select_related("body__unit__parent", "law")


def by_status(qs: QuerySet[InformationRequest], status: str | None, today: date) -> QuerySet:
    """Filter by state; "overdue": the body owes an answer past the deadline (very overdue
    ones included); "very_overdue": past the law's further period too."""
    if not status:
        return qs
    if status == DisplayStatus.OVERDUE:
        return qs.filter(state__in=AWAITING_STATES, deadline__lt=today)
    if status == DisplayStatus.VERY_OVERDUE:
        return qs.filter(state__in=AWAITING_STATES, very_overdue_after__lt=today)
    if status in RequestState.values:
        return qs.filter(state=status)
    return qs.none()


def under_unit(qs: QuerySet[InformationRequest], unit: Unit | None) -> QuerySet:
    """Requests to the bodies of `unit` and of every unit below it."""
    if unit is None:
        return qs
    return qs.filter(body__unit__path__startswith=unit.path)


def public_requests(
    *,
    today: date,
    body_id: int | None = None,
    unit: Unit | None = None,
    status: str | None = None,
) -> QuerySet[InformationRequest]:
    """Public requests, newest first, filtered."""
    qs = with_places(InformationRequest.objects.filter(is_public=True))
    if body_id is not None:
        qs = qs.filter(body_id=body_id)
    qs = under_unit(qs, unit)
    return by_status(qs, status, today).order_by("-sent_at", "-id")


def visible_request(pk: int, user: Any) -> InformationRequest | None:
    """The request with its thread and documents (three queries), if `user` may see it."""
    found = (
        with_places(InformationRequest.objects.filter(pk=pk))
        .prefetch_related(
            Prefetch(
                "messages",
                queryset=InformationMessage.objects.order_by("at", "id").prefetch_related(
                    Prefetch("files", queryset=InformationFile.objects.order_by("id"))
                ),
            )
        )
        .first()
    )
    if found is None:
        return None
    if not found.is_public and not user.has_perm("accountability.view_information_request", found):
        return None
    return found


def visible_file(request_pk: int, file_pk: int, user: Any) -> InformationFile | None:
    found = (
        InformationFile.objects.select_related("message__request__body__unit")
        .filter(pk=file_pk, message__request_id=request_pk)
        .first()
    )
    if found is None:
        return None
    info_request = found.message.request
    if not info_request.is_public and not user.has_perm(
        "accountability.view_information_request", info_request
    ):
        return None
    return found


def staff_bodies(user: Any) -> list[int]:
    """The bodies whose requests `user` answers (from their roles, no query of its own)."""
    from esep.accounts.models import BODY_ROLES
    from esep.accounts.queries import active_roles

    return sorted({role.body_id for role in active_roles(user) if role.kind in BODY_ROLES})


def inbox(user: Any, *, include_closed: bool = False) -> QuerySet[InformationRequest]:
    """Requests to the user's bodies: open ones by deadline (the most urgent first), then,
    with `include_closed`, the others, latest first."""
    qs = with_places(InformationRequest.objects.filter(body_id__in=staff_bodies(user)))
    if not include_closed:
        return qs.filter(state__in=OPEN_STATES).order_by("deadline", "sent_at", "id")
    return qs.order_by("-updated_at", "-id")


def my_requests(user: Any) -> QuerySet[InformationRequest]:
    return with_places(InformationRequest.objects.filter(requester=user)).order_by(
        "-sent_at", "-id"
    )


def answering_bodies() -> QuerySet[Body]:
    from ..actions.information import ANSWERING_KINDS

    return Body.objects.filter(kind__in=ANSWERING_KINDS, unit__valid_until__isnull=True)


def body_choices(query: str | None, selected: int | None = None) -> list[Body]:
    """Bodies to choose from on the form: those whose unit's name (in any language or
    spelling) contains every word of `query`, else the akimats and maslikhats of the 20
    top-level units; with `selected` always among them. One or two queries."""
    qs = answering_bodies().select_related("unit__parent")
    words = fold(query or "").split()[:6]
    if words:
        for word in words:
            qs = qs.filter(unit__search_key__contains=word)
    else:
        qs = qs.filter(unit__kind__in=(UnitKind.OBLAST, UnitKind.REPUBLICAN_CITY))
    bodies = list(qs.order_by("unit__depth", "unit__name_en", "kind")[:BODY_CHOICES_LIMIT])
    if selected is not None and all(body.pk != selected for body in bodies):
        chosen = answering_bodies().select_related("unit__parent").filter(pk=selected).first()
        if chosen is not None:
            bodies.insert(0, chosen)
    return bodies


@dataclass(frozen=True)
class Counts:
    """How many public requests there are in each display status (for the list's filter)."""

    total: int
    overdue: int
    very_overdue: int


def counts(today: date) -> Counts:
    row = InformationRequest.objects.filter(is_public=True).aggregate(
        total=Count("id"),
        overdue=Count("id", filter=Q(state__in=AWAITING_STATES, deadline__lt=today)),
        very_overdue=Count("id", filter=Q(state__in=AWAITING_STATES, very_overdue_after__lt=today)),
    )
    return Counts(**row)
