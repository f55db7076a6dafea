"""What each phase of a participatory budgeting process allows, declared in one table and
enforced in one place (`allowed`). Actions ask `require(process, activity, now)`; nothing else
decides whether a step is open."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PhaseKind(models.TextChoices):
    PROPOSALS = "proposals", _("Proposals")
    REVIEW = "review", _("Feasibility review")
    VOTING = "voting", _("Voting")
    RESULTS = "results", _("Results")
    IMPLEMENTATION = "implementation", _("Implementation")


ORDER = list(PhaseKind.values)


class Activity(models.TextChoices):
    PROPOSE = "propose", _("Propose a project")
    SUPPORT = "support", _("Support a proposal")
    REVIEW = "review", _("Review feasibility")
    VOTE = "vote", _("Vote")
    ENTER_PAPER = "enter_paper", _("Enter paper ballots")
    COUNT = "count", _("Count and publish the results")
    REPORT_PROGRESS = "report_progress", _("Report implementation progress")
    CHANGE_RULES = "change_rules", _("Change the ballot and counting rules")


# The declaration. Rules may change only before voting opens: in no phase from voting on.
ALLOWS: dict[str, frozenset[str]] = {
    PhaseKind.PROPOSALS: frozenset(
        {Activity.PROPOSE, Activity.SUPPORT, Activity.REVIEW, Activity.CHANGE_RULES}
    ),
    PhaseKind.REVIEW: frozenset({Activity.REVIEW, Activity.CHANGE_RULES}),
    PhaseKind.VOTING: frozenset({Activity.VOTE, Activity.ENTER_PAPER}),
    PhaseKind.RESULTS: frozenset({Activity.ENTER_PAPER, Activity.COUNT}),
    PhaseKind.IMPLEMENTATION: frozenset({Activity.REPORT_PROGRESS}),
}
# Before the first phase opens, only the rules may be set.
BEFORE_START = frozenset({Activity.CHANGE_RULES})


def current_phase(phases: list, now: datetime) -> str | None:
    """The kind of the phase in force at `now`: the last one that has started. None before the
    first. A phase's end is informative; the next phase's start closes it."""
    started = [p for p in phases if p.starts_at <= now]
    if not started:
        return None
    return max(started, key=lambda p: (p.starts_at, ORDER.index(p.kind))).kind


def allowed(phases: list, activity: str, now: datetime) -> bool:
    kind = current_phase(phases, now)
    if kind is None:
        return activity in BEFORE_START and not any(
            ORDER.index(p.kind) >= ORDER.index(PhaseKind.VOTING) and p.starts_at <= now
            for p in phases
        )
    if kind == PhaseKind.VOTING:
        voting = next(p for p in phases if p.kind == PhaseKind.VOTING)
        if activity == Activity.VOTE and voting.ends_at <= now:
            return False
    return activity in ALLOWS[kind]


def require(process, activity: str, now: datetime, phases: list | None = None) -> None:
    """Refuse `activity` unless the process's phase in force at `now` allows it (`phases`: the
    process's phases when the caller holds them already)."""
    if phases is None:
        phases = list(process.phases.all())
    if not allowed(phases, activity, now):
        kind = current_phase(phases, now)
        label = PhaseKind(kind).label if kind else _("Not started")
        raise ValidationError(
            _("“%(activity)s” is not open in this phase (%(phase)s).")
            % {"activity": Activity(activity).label, "phase": label},
            code="phase_closed",
        )


def now() -> datetime:
    """The time phases are read at (one place, so tests can set it)."""
    return timezone.now()
