"""Reads of the appeal pages: what a person may see of an appeal, the staff inbox, the
applicant's list. Each runs a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet

from esep.accounts.models import BODY_ROLES, Role
from esep.accounts.queries import active_roles
from esep.territory.models import Body, Unit

from ..models import Appeal, AppealFile, AppealStep, Category

INBOX_PAGE = 50


def staff_bodies(user: Any) -> list[int]:
    """Ids of the bodies whose appeals `user` handles (body roles held now)."""
    return sorted({role.body_id for role in active_roles(user) if role.kind in BODY_ROLES})


def _appeals() -> QuerySet[Appeal]:
    return Appeal.objects.select_related("category", "unit", "body__unit", "assignee")


@dataclass
class AppealView:
    appeal: Appeal
    viewer: str  # "staff", "applicant" or "public"
    steps: list[AppealStep]
    files: list[AppealFile]
    complaint: Appeal | None


def appeal_for(user: Any, pk: int) -> AppealView | None:
    """The appeal `pk` as `user` may see it, or None (not found or not theirs to see)."""
    appeal = _appeals().select_related("parent").filter(pk=pk).first()
    if appeal is None:
        return None
    if user.is_authenticated and user.has_perm("accountability.handle_appeal", appeal):
        viewer = "staff"
    elif user.is_authenticated and appeal.applicant_id == user.pk:
        viewer = "applicant"
    elif appeal.is_public:
        viewer = "public"
    else:
        return None
    steps = list(appeal.steps.select_related("from_body__unit", "to_body__unit"))
    files = [f for f in appeal.files.all() if viewer != "public" or f.role == "answer"]
    complaint = appeal.complaints.first()
    return AppealView(appeal, viewer, steps, files, complaint)


def visible_file(user: Any, appeal_pk: int, file_pk: int) -> AppealFile | None:
    view = appeal_for(user, appeal_pk)
    if view is None:
        return None
    return next((f for f in view.files if f.pk == file_pk), None)


INBOX_SHOWS = ("open", "mine", "unassigned", "overdue", "closed")


@dataclass
class Inbox:
    bodies: list[Body]
    body: Body | None
    show: str
    page: Page
    counts: dict[str, int]
    today: date


def inbox(user: Any, *, body_id: int | None, show: str, page: int, today: date) -> Inbox:
    """Appeals of the bodies the user works for, the soonest deadline first."""
    body_ids = staff_bodies(user)
    bodies = list(Body.objects.filter(pk__in=body_ids).select_related("unit"))
    chosen = [b for b in bodies if b.pk == body_id] or bodies[:1]
    body = chosen[0] if chosen else None
    qs = _appeals().filter(body=body) if body else Appeal.objects.none()
    if show not in INBOX_SHOWS:
        show = "open"
    open_qs = qs.filter(closed_on__isnull=True)
    filters = {
        "open": open_qs.order_by("deadline", "id"),
        "mine": open_qs.filter(assignee=user).order_by("deadline", "id"),
        "unassigned": open_qs.filter(assignee__isnull=True).order_by("deadline", "id"),
        "overdue": open_qs.filter(deadline__lt=today).order_by("deadline", "id"),
        "closed": qs.filter(closed_on__isnull=False).order_by("-closed_at", "-id"),
    }
    from django.db.models import Count

    counts = (
        Appeal.objects.filter(body=body, closed_on__isnull=True).aggregate(
            open=Count("id"),
            mine=Count("id", filter=Q(assignee=user)),
            unassigned=Count("id", filter=Q(assignee__isnull=True)),
            overdue=Count("id", filter=Q(deadline__lt=today)),
        )
        if body
        else {"open": 0, "mine": 0, "unassigned": 0, "overdue": 0}
    )
    paginator = Paginator(filters[show], INBOX_PAGE)
    paginator.count = counts[show] if show != "closed" else paginator.count
    return Inbox(bodies, body, show, paginator.get_page(page), counts, today)


def my_appeals(user: Any) -> QuerySet[Appeal]:
    return _appeals().filter(applicant=user).order_by("-filed_at", "-id")


def body_staff(body: Body) -> list[Any]:
    """People holding a body role for `body` now (to assign appeals to)."""
    roles = Role.objects.filter(body=body, revoked_at__isnull=True, kind__in=BODY_ROLES)
    return sorted({role.user for role in roles.select_related("user")}, key=str)


def forward_targets(appeal: Appeal) -> list[Body]:
    """Bodies an appeal may be forwarded to: those of the appeal's place and the units above
    it, and of the units directly below the answering body's unit."""
    unit = appeal.unit
    chain = [unit.pk, *unit.ancestor_ids]
    return list(
        Body.objects.filter(
            Q(unit_id__in=chain)
            | Q(unit__parent_id=appeal.body.unit_id)
            | Q(unit__parent_id=unit.pk),
            unit__valid_until__isnull=True,
        )
        .exclude(pk=appeal.body_id)
        .select_related("unit")
        .order_by("unit__depth", "unit__name_en", "kind")
    )


def categories() -> list[Category]:
    return list(Category.objects.filter(is_active=True))


def place_choices(query: str, region_id: int | None, unit: Unit | None) -> dict[str, Any]:
    """What the place step of the filing form lists: units found by name, the units of a
    region chosen on the map, or the places within the chosen unit."""
    from esep.territory import queries as territory

    found: list[Unit] = []
    if query:
        found = [u for u in territory.search(query)[0] if u.valid_until is None]
    region = None
    within: list[Unit] = []
    if region_id:
        region = Unit.objects.filter(pk=region_id, valid_until__isnull=True).first()
    parent = unit or region
    if parent is not None:
        within = list(
            Unit.objects.filter(parent=parent, valid_until__isnull=True).order_by("name_en")
        )
    return {"found": found, "region": region, "within": within}
