"""Casting ballots. Who voted (`Voter`) and what was voted (`Ballot`) are written in one
transaction but never linked: the ballot has a random receipt, no time and no voter."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from esep.accounts.identity import _key
from esep.core.actions import Actor, action, refuse_unless

from .. import phases
from ..eligibility import check_rule, eligibility_rule
from ..models import (
    Ballot,
    BallotKind,
    Channel,
    Eligibility,
    PaperReturn,
    Phase,
    Process,
    Project,
    Voter,
)
from ..models.projects import ProjectStatus
from ..phases import Activity, PhaseKind


def new_receipt() -> str:
    """16 random characters (80 bits) in groups of four: XXXX-XXXX-XXXX-XXXX."""
    text = base64.b32encode(secrets.token_bytes(10)).decode()
    return "-".join(text[i : i + 4] for i in range(0, 16, 4))


def ballot_link(receipt: str) -> str:
    return hmac.new(_key(), f"ballot|{receipt}".encode(), hashlib.sha256).hexdigest()


def on_ballot(process: Process) -> dict[str, Project]:
    """The projects voters may choose: those found feasible, by code."""
    return {
        p.code: p
        for p in Project.objects.filter(process=process, status=ProjectStatus.FEASIBLE).only(
            "id", "code", "cost", "estimated_cost", "process_id"
        )
    }


def check_ballot(
    process: Process,
    projects: dict[str, Project],
    choices: Sequence[str],
    points: Sequence[Any] | None = None,
) -> tuple[list[str], list[int] | None]:
    """The ballot, cleaned, or a ValidationError listing everything wrong with it."""
    errors: list[str] = []
    codes = [str(code).strip() for code in choices]
    unknown = [code for code in codes if code not in projects]
    if unknown:
        errors.append(
            _("These projects are not on the ballot: %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    if len(set(codes)) != len(codes):
        errors.append(_("A project is chosen more than once."))
    kind = process.ballot_kind
    if len(codes) < process.min_choices:
        errors.append(_("Choose at least %(count)d projects.") % {"count": process.min_choices})
    if process.max_choices is not None and len(codes) > process.max_choices:
        errors.append(_("Choose at most %(count)d projects.") % {"count": process.max_choices})
    clean_points = None
    if kind == BallotKind.CUMULATIVE:
        try:
            clean_points = [int(str(value).strip()) for value in (points or [])]
        except ValueError:
            clean_points = None
        if clean_points is None or len(clean_points) != len(codes):
            errors.append(_("Give a whole number of points to each project chosen."))
        elif any(value <= 0 for value in clean_points):
            errors.append(_("Each project chosen gets at least one point."))
        elif sum(clean_points) > (process.points or 0):
            errors.append(
                _("You gave %(given)d points; you have %(points)d.")
                % {"given": sum(clean_points), "points": process.points}
            )
    elif points:
        errors.append(_("This ballot takes no points."))
    if kind == BallotKind.KNAPSACK and not unknown:
        total = sum((projects[code].ballot_cost for code in set(codes)), Decimal(0))
        if total > process.budget:
            errors.append(
                _("The projects chosen cost %(total)s; the budget is %(budget)s.")
                % {"total": total, "budget": process.budget}
            )
        least = process.min_spent_share * process.budget
        if total < least:
            errors.append(
                _("The projects chosen must cost at least %(least)s; they cost %(total)s.")
                % {"least": least.quantize(Decimal("0.01")), "total": total}
            )
    if errors:
        raise ValidationError(errors, code="bad_ballot")
    return codes, clean_points


def _linked(process: Process, link: str) -> list[Any]:
    """The counted ballot a voter's link points to: found by hashing each receipt with the key
    (the database alone cannot tell)."""
    return [
        pk
        for pk, receipt in Ballot.objects.filter(
            process=process, replaced=False, channel=Channel.ONLINE
        ).values_list("pk", "receipt")
        if hmac.compare_digest(ballot_link(receipt), link)
    ]


@dataclass(frozen=True)
class VotingContext:
    """What a vote is checked against, none of which may change while voting is open: the
    process with its rules, its phases, who may vote and the projects on the ballot."""

    process: Process
    phases: list[Phase]
    rule: Eligibility | None
    projects: dict[str, Project]


# Read once per process and worker for a few seconds at most, keyed by the database and the
# process: a change made behind esep's back (the rules' hash stops voting on one to the rules)
# is read within CONTEXT_SECONDS.
CONTEXT_SECONDS = 5.0
_contexts: dict[tuple[Any, ...], tuple[float, VotingContext]] = {}


def voting_context(process: Process, now: datetime) -> VotingContext:
    """The context of a vote at `now`: kept only if voting was in force at `now` when it was
    read (before that, the rules, projects and eligibility may still change)."""
    key = (connection.settings_dict["NAME"], process.pk, process.created_at)
    held = _contexts.get(key)
    if held is not None and held[0] > time.monotonic():
        return held[1]
    fresh = Process.objects.get(pk=process.pk)
    context = VotingContext(
        process=fresh,
        phases=list(fresh.phases.all()),
        rule=eligibility_rule(fresh, Activity.VOTE),
        projects=on_ballot(fresh),
    )
    if phases.current_phase(context.phases, now) == PhaseKind.VOTING:
        if len(_contexts) > 1000:
            _contexts.clear()
        _contexts[key] = (time.monotonic() + CONTEXT_SECONDS, context)
    return context


def forget_voting_contexts() -> None:
    """Drop every kept voting context (tests, which move the clock phases are read at)."""
    _contexts.clear()


def cast_ballot(
    actor: Actor, process: Process, *, choices: Sequence[str], points: Sequence[Any] | None = None
) -> str:
    """An eligible resident votes online; returns the ballot's receipt. A second ballot from
    the same person (another tab, a double click) is refused, unless the process lets voters
    change their ballot until close: then it replaces the first.

    Everything is checked before the transaction that writes opens, so the write lock (SQLite
    takes it as the transaction opens) is held only for the writes. The unique `Voter` row
    decides between two submissions of one person that pass the checks together."""
    refuse_unless(actor, "participation.take_part", process)
    now = phases.now()
    today = timezone.localdate(now)
    context = voting_context(process, now)
    process = context.process
    phases.require(process, Activity.VOTE, now, context.phases)
    if process.rules_hash != process.compute_rules_hash():
        raise ValidationError(
            _("This process’s rules were changed outside esep; voting is stopped."),
            code="rules_altered",
        )
    verification = check_rule(context.rule, actor.user, today)
    if not process.may_change_ballot and has_voted(process, verification.identity_hash):
        raise _already_voted()
    codes, clean_points = check_ballot(process, context.projects, choices, points)
    receipt = new_receipt()
    link = ballot_link(receipt) if process.may_change_ballot else ""
    role = "resident" if actor.user is not None else None
    with action("cast_ballot", actor, "participation.take_part", process, role=role) as act:
        voter = Voter(
            process=process,
            identity_hash=verification.identity_hash,
            voted_on=today,
            ballot_link=link,
        )
        try:
            # Where a second ballot is refused, a failed insert ends the action: no savepoint.
            with transaction.atomic() if process.may_change_ballot else nullcontext():
                voter.save(force_insert=True)
        except IntegrityError:
            if not process.may_change_ballot:
                raise _already_voted() from None
            voter = Voter.objects.select_for_update().get(
                process=process, identity_hash=verification.identity_hash
            )
            Ballot.objects.filter(pk__in=_linked(process, voter.ballot_link)).update(replaced=True)
            voter.ballot_link = link
            voter.voted_on = today
            voter.save(update_fields=["ballot_link", "voted_on"])
        Ballot.objects.create(
            process=process,
            receipt=receipt,
            channel=Channel.ONLINE,
            choices=codes,
            points=clean_points,
        )
        # The audit names the voter, never the ballot.
        act.record(voter, process=process.pk)
    return receipt


def has_voted(process: Process, identity_hash: str) -> bool:
    """Whether this person has voted in the process, with plain SQL (once per ballot). A
    refusal here spares a second submission the rest of the checks; the unique `Voter` row
    still decides between two that pass it together."""
    table = connection.ops.quote_name(Voter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {table} WHERE process_id = %s AND identity_hash = %s",  # noqa: S608
            [process.pk, identity_hash],
        )
        return cursor.fetchone() is not None


def _already_voted() -> ValidationError:
    return ValidationError(
        _("You have already voted in this process; your ballot is counted once."),
        code="already_voted",
    )


def enter_paper_ballot(
    actor: Actor,
    process: Process,
    *,
    polling_place: str,
    choices: Sequence[str],
    points: Sequence[Any] | None = None,
) -> str:
    """Staff enter one paper ballot from a polling place's box, checked as an online one."""
    with action("enter_paper_ballot", actor, "participation.enter_paper", process) as act:
        phases.require(process, Activity.ENTER_PAPER, phases.now())
        place = (polling_place or "").strip()
        if not place:
            raise ValidationError({"polling_place": [_("Name the polling place.")]})
        codes, clean_points = check_ballot(process, on_ballot(process), choices, points)
        ballot = Ballot.objects.create(
            process=process,
            receipt=new_receipt(),
            channel=Channel.PAPER,
            polling_place=place[:200],
            choices=codes,
            points=clean_points,
        )
        act.record(ballot, polling_place=ballot.polling_place)
    return ballot.receipt


def record_paper_return(
    actor: Actor, process: Process, *, polling_place: str, ballots: int
) -> PaperReturn:
    """A polling place's count of the ballots in its box; the results reconcile against it."""
    with action("record_paper_return", actor, "participation.enter_paper", process) as act:
        phases.require(process, Activity.ENTER_PAPER, phases.now())
        place = (polling_place or "").strip()
        if not place:
            raise ValidationError({"polling_place": [_("Name the polling place.")]})
        if ballots < 0:
            raise ValidationError({"ballots": [_("A number of ballots, zero or more.")]})
        paper, _created = PaperReturn.objects.update_or_create(
            process=process, polling_place=place[:200], defaults={"ballots": ballots}
        )
        act.record(paper, polling_place=paper.polling_place, ballots=ballots)
    return paper
