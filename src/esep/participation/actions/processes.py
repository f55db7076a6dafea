"""Setting up a process: its money, ballot and counting rules, phases and eligibility. The
rules and the phases may change only while the phase in force allows it (`change_rules`):
from the moment voting opens, every change is refused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from esep.core.actions import Actor, action
from esep.territory.models import Unit

from .. import phases
from ..models import BallotKind, Eligibility, Phase, Process
from ..phases import Activity, PhaseKind

RULE_FIELDS = (
    "budget",
    "ballot_kind",
    "min_choices",
    "max_choices",
    "points",
    "min_spent_share",
    "may_change_ballot",
    "rule",
    "threshold",
    "reserve",
    "completion",
)


@dataclass(frozen=True)
class Dates:
    starts_at: datetime
    ends_at: datetime


def _check_rules(process: Process) -> None:
    errors: dict[str, list[str]] = {}
    for name in ("budget", "min_spent_share", "reserve", "threshold"):
        try:
            setattr(process, name, Decimal(str(getattr(process, name)).strip()))
        except InvalidOperation:
            errors.setdefault(name, []).append(_("A number."))
            setattr(process, name, None)
    if process.budget is None or process.budget <= 0:
        errors.setdefault("budget", []).append(_("The budget must be more than zero."))
    if process.max_choices is not None and process.max_choices < process.min_choices:
        errors.setdefault("max_choices", []).append(
            _("The most projects on a ballot cannot be fewer than the fewest.")
        )
    if process.ballot_kind == BallotKind.CUMULATIVE and not process.points:
        errors.setdefault("points", []).append(
            _("A cumulative ballot needs the number of points to share out.")
        )
    for name in ("min_spent_share", "reserve"):
        value = getattr(process, name)
        if value is None or not Decimal(0) <= value <= Decimal(1):
            errors.setdefault(name, []).append(_("A share between 0 and 1."))
    if errors:
        raise ValidationError(errors)


def create_process(
    actor: Actor,
    *,
    unit: Unit,
    titles: dict[str, str],
    year: int,
    budget: Decimal,
    ballot_kind: str,
    rule: str,
    may_change_ballot: bool = False,
    min_age: int = 18,
    is_demo: bool = False,
    source: str = "",
    **rules: Any,
) -> Process:
    """A new process in `unit`, without phases yet. Propose, support and vote are open to the
    verified residents of the unit and the units inside it aged `min_age` or over."""
    with action("create_process", actor, "participation.manage_process", unit) as act:
        process = Process(
            unit=unit,
            title_kk=titles.get("kk", "").strip(),
            title_ru=titles.get("ru", "").strip(),
            title_en=titles.get("en", "").strip(),
            year=year,
            budget=budget,
            ballot_kind=ballot_kind,
            rule=rule,
            may_change_ballot=may_change_ballot,
            is_demo=is_demo,
            source=source,
            created_by=actor.user,
            **rules,
        )
        if not (process.title_kk or process.title_ru or process.title_en):
            raise ValidationError({"title_kk": [_("Give the process a title.")]})
        _check_rules(process)
        process.rules_hash = process.compute_rules_hash()
        process.full_clean(exclude=["rules_hash"])
        process.save()
        for activity in (Activity.PROPOSE, Activity.SUPPORT, Activity.VOTE):
            Eligibility.objects.create(
                process=process, activity=activity, unit=unit, min_age=min_age
            )
        act.record(process, unit=unit.pk, rules=process.rules_record())
    return process


def change_rules(actor: Actor, process: Process, **changes: Any) -> Process:
    """Change the ballot or counting rules; refused from the moment voting opens."""
    with action("change_rules", actor, "participation.manage_process", process) as act:
        process = Process.objects.select_for_update().get(pk=process.pk)
        phases.require(process, Activity.CHANGE_RULES, phases.now())
        unknown = set(changes) - set(RULE_FIELDS)
        if unknown:
            raise ValueError(f"not rule fields: {sorted(unknown)}")
        before = process.rules_record()
        for name, value in changes.items():
            setattr(process, name, value)
        _check_rules(process)
        process.full_clean(exclude=["rules_hash"])
        process.rules_hash = process.compute_rules_hash()
        process.save()
        act.record(process, before=before, after=process.rules_record())
    return process


def set_phases(actor: Actor, process: Process, dates: dict[str, Dates]) -> Process:
    """Set every phase's dates at once, in the declared order, each starting when or after the
    one before ends. Refused from the moment voting opens (the phases decide when it closes)."""
    with action("set_phases", actor, "participation.manage_process", process) as act:
        process = Process.objects.select_for_update().get(pk=process.pk)
        now = phases.now()
        phases.require(process, Activity.CHANGE_RULES, now)
        errors: list[str] = []
        missing = [kind for kind in phases.ORDER if kind not in dates]
        if missing or set(dates) - set(phases.ORDER):
            errors.append(_("Give the dates of every phase, and only of these."))
        previous = None
        for kind in phases.ORDER:
            span = dates.get(kind)
            if span is None:
                continue
            if span.ends_at <= span.starts_at:
                errors.append(
                    _("%(phase)s must end after it starts.") % {"phase": PhaseKind(kind).label}
                )
            if previous is not None and span.starts_at < previous.ends_at:
                errors.append(
                    _("%(phase)s cannot start before the phase before it ends.")
                    % {"phase": PhaseKind(kind).label}
                )
            previous = span
        voting = dates.get(PhaseKind.VOTING)
        if voting is not None and voting.starts_at <= now:
            errors.append(_("Voting must open in the future: its rules freeze when it opens."))
        if errors:
            raise ValidationError(errors)
        process.phases.all().delete()
        Phase.objects.bulk_create(
            [
                Phase(process=process, kind=kind, starts_at=span.starts_at, ends_at=span.ends_at)
                for kind, span in dates.items()
            ]
        )
        act.record(
            process,
            phases={
                kind: [span.starts_at.isoformat(), span.ends_at.isoformat()]
                for kind, span in dates.items()
            },
        )
    return process


def set_eligibility(
    actor: Actor,
    process: Process,
    *,
    activity: str,
    unit: Unit,
    include_subunits: bool = True,
    min_age: int = 18,
) -> Eligibility:
    """Who may propose, support or vote; like the rules, refused once voting opens."""
    with action("set_eligibility", actor, "participation.manage_process", process) as act:
        phases.require(process, Activity.CHANGE_RULES, phases.now())
        if activity not in (Activity.PROPOSE, Activity.SUPPORT, Activity.VOTE):
            raise ValueError(f"not a resident activity: {activity}")
        if not process.unit.covers(unit):
            raise ValidationError({"unit": [_("Choose the process’s unit or a unit inside it.")]})
        if not 0 <= min_age <= 120:
            raise ValidationError({"min_age": [_("An age between 0 and 120.")]})
        rule, _created = Eligibility.objects.update_or_create(
            process=process,
            activity=activity,
            defaults={"unit": unit, "include_subunits": include_subunits, "min_age": min_age},
        )
        act.record(
            rule,
            activity=activity,
            unit=unit.pk,
            include_subunits=include_subunits,
            min_age=min_age,
        )
    return rule
