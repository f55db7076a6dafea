"""Proposals: residents propose projects and support others; the akimat reviews feasibility."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from esep.core.actions import Actor, action
from esep.territory.models import Unit

from .. import phases
from ..eligibility import check_eligible
from ..models import Process, Project, ProjectCategory, ProjectStatus, Support
from ..phases import Activity

MAX_TITLE = 300
MAX_DESCRIPTION = 10_000


def _money(value: Any, field: str, errors: dict[str, list[str]]) -> Decimal | None:
    try:
        amount = Decimal(str(value).strip().replace(" ", "").replace("\u00a0", ""))
    except (InvalidOperation, AttributeError):
        amount = None
    if amount is None or not amount.is_finite() or amount <= 0:
        errors.setdefault(field, []).append(_("An amount in tenge, more than zero."))
        return None
    if amount != amount.quantize(Decimal("0.01")) or amount >= Decimal("1e14"):
        errors.setdefault(field, []).append(
            _("At most two digits after the decimal point, and less than 100 trillion.")
        )
        return None
    return amount


def propose_project(
    actor: Actor,
    process: Process,
    *,
    title: str,
    description: str,
    estimated_cost: Any,
    category: str = ProjectCategory.OTHER,
    unit: Unit | None = None,
    address: str = "",
) -> Project:
    """A verified, eligible resident proposes a project during the proposals phase."""
    with action("propose_project", actor, "participation.take_part", process) as act:
        now = phases.now()
        phases.require(process, Activity.PROPOSE, now)
        check_eligible(process, Activity.PROPOSE, actor.user, timezone.localdate(now))
        errors: dict[str, list[str]] = {}
        title = (title or "").strip()
        description = (description or "").strip()
        if not title:
            errors.setdefault("title", []).append(_("This field is required."))
        elif len(title) > MAX_TITLE:
            errors.setdefault("title", []).append(
                _("At most %(limit)d characters.") % {"limit": MAX_TITLE}
            )
        if len(description) > MAX_DESCRIPTION:
            errors.setdefault("description", []).append(
                _("At most %(limit)d characters.") % {"limit": MAX_DESCRIPTION}
            )
        cost = _money(estimated_cost, "estimated_cost", errors)
        if cost is not None and cost > process.budget:
            errors.setdefault("estimated_cost", []).append(
                _("A project cannot cost more than the whole budget (%(budget)s).")
                % {"budget": process.budget}
            )
        if category not in ProjectCategory.values:
            errors.setdefault("category", []).append(_("Choose a category from the list."))
        if unit is not None and not process.unit.covers(unit):
            errors.setdefault("unit", []).append(_("Choose a place inside the process’s unit."))
        if errors:
            raise ValidationError(errors)
        Process.objects.select_for_update().filter(pk=process.pk).exists()
        number = Project.objects.filter(process=process).count() + 1
        while Project.objects.filter(process=process, code=str(number)).exists():
            number += 1
        project = Project.objects.create(
            process=process,
            code=str(number),
            title=title,
            description=description,
            estimated_cost=cost,
            category=category,
            unit=unit,
            address=address.strip()[:300],
            author=actor.user,
        )
        act.record(project, process=process.pk, code=project.code)
    return project


def support_project(actor: Actor, project: Project) -> Project:
    """An eligible resident supports a proposal, once; supporting again changes nothing."""
    process = project.process
    with action("support_project", actor, "participation.take_part", process) as act:
        now = phases.now()
        phases.require(process, Activity.SUPPORT, now)
        check_eligible(process, Activity.SUPPORT, actor.user, timezone.localdate(now))
        if project.status in (ProjectStatus.WITHDRAWN, ProjectStatus.INFEASIBLE):
            raise ValidationError(_("This project can no longer be supported."), code="closed")
        try:
            with transaction.atomic():
                Support.objects.create(project=project, user=actor.user)
        except IntegrityError:
            raise ValidationError(
                _("You already support this project."), code="already_supported"
            ) from None
        Project.objects.filter(pk=project.pk).update(supporters=F("supporters") + 1)
        project.refresh_from_db(fields=["supporters"])
        act.record(project, supporters=project.supporters)
    return project


def review_project(
    actor: Actor, project: Project, *, feasible: bool, cost: Any = None, reason: str = ""
) -> Project:
    """The akimat records whether a proposal is feasible, at what cost, and why. A project
    found not feasible needs a reason; a feasible one needs a cost within the budget."""
    process = project.process
    with action("review_project", actor, "participation.review_project", process) as act:
        phases.require(process, Activity.REVIEW, phases.now())
        project = Project.objects.select_for_update().get(pk=project.pk)
        if project.status == ProjectStatus.WITHDRAWN:
            raise ValidationError(_("The author withdrew this project."), code="withdrawn")
        errors: dict[str, list[str]] = {}
        reason = (reason or "").strip()
        revised = None
        if feasible:
            revised = _money(project.estimated_cost if cost in (None, "") else cost, "cost", errors)
            if revised is not None and revised > process.budget:
                errors.setdefault("cost", []).append(
                    _("A project cannot cost more than the whole budget (%(budget)s).")
                    % {"budget": process.budget}
                )
        elif not reason:
            errors.setdefault("reason", []).append(
                _("Say why the project is not feasible: the author and the public will read it.")
            )
        if errors:
            raise ValidationError(errors)
        project.status = ProjectStatus.FEASIBLE if feasible else ProjectStatus.INFEASIBLE
        project.cost = revised
        project.review_reason = reason
        project.reviewed_by = actor.user
        project.reviewed_at = phases.now()
        project.save()
        act.record(
            project,
            status=project.status,
            cost=None if project.cost is None else str(project.cost),
            reason=reason,
        )
    return project
