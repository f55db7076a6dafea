"""Counting and publishing. `count_votes` applies the process's frozen rule to the counted
ballots (online and paper) and stores every project's decision with its reasons and how the
ballots reconcile; `publish_result` appends it to the ledger, once."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from esep.core import ledger
from esep.core.actions import Actor, action

from .. import counting, phases
from ..models import (
    Ballot,
    BallotKind,
    Channel,
    Completion,
    CountTask,
    Implementation,
    PaperReturn,
    Process,
    Project,
    ProjectUpdate,
    Result,
    Voter,
)
from ..models.projects import ProjectStatus
from ..phases import Activity
from ..shares import GREEDY, compare_with_greedy

VOTE_TYPE = {
    BallotKind.APPROVAL: "approval",
    BallotKind.KNAPSACK: "approval",
    BallotKind.CUMULATIVE: "cumulative",
    BallotKind.ORDINAL: "ordinal",
}


def _number(value: Decimal | Fraction | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return str(value.quantize(Decimal("0.01")))


def _greedy_decisions(result: counting.Outcome) -> list[dict]:
    return [
        {
            "project": d.project,
            "score": _number(d.score),
            "cost": _number(d.cost),
            "turn": d.turn,
            "money_left": _number(d.money_left),
            "reason": d.reason,
            "selected": d.selected,
        }
        for d in result.decisions
    ]


def outcome_of(
    process: Process, projects: list[Project], ballots: list[Ballot]
) -> tuple[list[dict], dict]:
    """Every project's decision under the process's rule, and the comparison step's record
    (completion add1-comparison; otherwise empty). When the comparison step keeps the greedy
    outcome, the decisions are greedy's."""
    vote_type = VOTE_TYPE[process.ballot_kind]
    items = [counting.Project(p.code, p.ballot_cost) for p in projects]
    choices = [b.choices for b in ballots]
    points = [b.points for b in ballots] if vote_type == "cumulative" else None
    length = process.max_choices if vote_type == "ordinal" else None
    if process.rule == "equal-shares":
        compare = process.completion == Completion.ADD1_COMPARISON
        result = counting.equal_shares(
            items,
            choices,
            process.budget,
            completion="none" if process.completion == Completion.NONE else "add1",
            vote_type=vote_type,
            points=points,
            ballot_length=length,
            greedy_completion=process.completion == Completion.ADD1_GREEDY,
            exhaustive_stop=not compare,
        )
        comparison: dict[str, Any] = {}
        if compare:
            step = compare_with_greedy(
                result,
                items,
                choices,
                process.budget,
                vote_type=vote_type,
                points=points,
                ballot_length=length,
            )
            comparison = {
                "winner": step.winner,
                "prefer_equal_shares": step.prefer_shares,
                "prefer_greedy": step.prefer_greedy,
                "equal_shares": result.selected,
                "greedy": step.greedy.selected,
            }
            if step.winner == GREEDY:
                return _greedy_decisions(step.greedy), comparison
        return [
            {
                "project": s.project,
                "cost": _number(s.cost),
                "supporters": s.supporters,
                "round": s.round,
                "price": _number(s.price),
                "ran_out": s.ran_out,
                "money_behind": _number(s.money_behind),
                "reason": s.reason,
                "selected": s.selected,
            }
            for s in result.shares
        ], comparison
    score = counting.scores(vote_type, choices, points, length)
    chosen = counting.greedy(
        items,
        score,
        process.budget,
        process.rule,
        threshold=process.threshold,
        reserve=process.reserve,
    )
    return _greedy_decisions(chosen), {}


def reconcile(process: Process, online: int, voters: int, paper: Counter) -> list[dict]:
    """Why the totals do not add up, if they do not: online ballots against voters, and each
    polling place's entered ballots against its box."""
    found: list[dict[str, Any]] = []
    if online != voters:
        found.append({"kind": "online", "ballots": online, "expected": voters})
    returns = {r.polling_place: r.ballots for r in PaperReturn.objects.filter(process=process)}
    for place in sorted(set(returns) | set(paper)):
        if returns.get(place) != paper.get(place, 0):
            found.append(
                {
                    "kind": "paper",
                    "polling_place": place,
                    "ballots": paper.get(place, 0),
                    "expected": returns.get(place),
                }
            )
    return found


def count_votes(actor: Actor, process: Process) -> Result:
    """Count the ballots with the process's rule (after voting has closed) and store the
    result, unpublished. Counting again replaces an unpublished result."""
    with action("count_votes", actor, "participation.count", process) as act:
        process = Process.objects.select_for_update().get(pk=process.pk)
        now = phases.now()
        phases.require(process, Activity.COUNT, now)
        if process.results.filter(published_at__isnull=False).exists():
            raise ValidationError(_("The results are already published."), code="published")
        if process.rules_hash != process.compute_rules_hash():
            raise ValidationError(
                _("This process’s rules were changed outside esep; it cannot be counted."),
                code="rules_altered",
            )
        projects = list(
            Project.objects.filter(process=process, status=ProjectStatus.FEASIBLE).order_by("id")
        )
        ballots = list(
            Ballot.objects.filter(process=process, replaced=False)
            .only("choices", "points", "channel", "polling_place")
            .order_by("position", "receipt")
        )
        decisions, comparison = outcome_of(process, projects, ballots)
        online = sum(1 for b in ballots if b.channel == Channel.ONLINE)
        paper = Counter(b.polling_place for b in ballots if b.channel == Channel.PAPER)
        voters = Voter.objects.filter(process=process).count()
        process.results.filter(published_at__isnull=True).delete()
        result = Result.objects.create(
            process=process,
            rule=process.rule,
            rules_hash=process.rules_hash,
            computed_at=now,
            online_ballots=online,
            paper_ballots=sum(paper.values()),
            imported_ballots=sum(1 for b in ballots if b.channel == Channel.IMPORTED),
            voters=voters,
            spent=sum((Decimal(d["cost"]) for d in decisions if d["selected"]), Decimal(0)),
            decisions=decisions,
            discrepancies=reconcile(process, online, voters, paper),
            comparison=comparison,
        )
        act.record(result, rule=result.rule, spent=str(result.spent), ballots=len(ballots))
    return result


def publish_result(actor: Actor, result: Result) -> Result:
    """Publish a counted result to the ledger; from then on it is what the pages show."""
    with action("publish_result", actor, "participation.count", result.process) as act:
        result = Result.objects.select_for_update().get(pk=result.pk)
        if result.published_at is not None:
            raise ValidationError(_("The results are already published."), code="published")
        result.published_at = phases.now().replace(microsecond=0)
        result.save(update_fields=["published_at"])
        funded = [d["project"] for d in result.decisions if d["selected"]]
        Project.objects.filter(process=result.process, code__in=funded).update(selected=True)
        entry = ledger.append(result)
        act.record(result, ledger_seq=entry.seq)
    return result


def report_progress(
    actor: Actor,
    project: Project,
    *,
    implementation: str,
    progress: int,
    text: str,
    on: Any = None,
) -> ProjectUpdate:
    """The akimat reports how a funded project's implementation stands, on a date."""
    process = project.process
    with action("report_progress", actor, "participation.report_progress", process) as act:
        now = phases.now()
        phases.require(process, Activity.REPORT_PROGRESS, now)
        project = Project.objects.select_for_update().get(pk=project.pk)
        errors: dict[str, list[str]] = {}
        if not project.selected:
            raise ValidationError(_("Only funded projects are implemented."), code="not_funded")
        if implementation not in Implementation.values:
            errors.setdefault("implementation", []).append(_("Choose a state from the list."))
        if not isinstance(progress, int) or not 0 <= progress <= 100:
            errors.setdefault("progress", []).append(_("A whole number from 0 to 100."))
        text = (text or "").strip()
        if not text:
            errors.setdefault("text", []).append(_("This field is required."))
        day = on or timezone.localdate(now)
        if day > timezone.localdate(now):
            errors.setdefault("on", []).append(_("The date cannot be in the future."))
        if errors:
            raise ValidationError(errors)
        update = ProjectUpdate.objects.create(
            project=project,
            on=day,
            implementation=implementation,
            progress=progress,
            text=text,
            author=actor.user,
        )
        project.implementation = implementation
        project.progress = progress
        project.save(update_fields=["implementation", "progress"])
        act.record(update, project=project.code, implementation=implementation, progress=progress)
    return update


def request_count(actor: Actor, process: Process) -> CountTask:
    """Queue a count of the process's ballots, run in the background (`tasks.py`); refused
    when one is already waiting or running."""
    from .. import tasks

    with action("request_count", actor, "participation.count", process) as act:
        phases.require(process, Activity.COUNT, phases.now())
        if process.results.filter(published_at__isnull=False).exists():
            raise ValidationError(_("The results are already published."), code="published")
        if CountTask.objects.filter(process=process, finished_at__isnull=True).exists():
            raise ValidationError(_("A count is already under way."), code="counting")
        task = CountTask.objects.create(
            process=process, requested_by=actor.user, requested_at=timezone.now()
        )
        act.record(task, process=process.pk)
        if settings.ESEP_TASKS != "inline":
            transaction.on_commit(lambda: tasks.dispatch(task.pk))
    if settings.ESEP_TASKS == "inline":
        tasks.run(task.pk)
        task.refresh_from_db()
    return task
