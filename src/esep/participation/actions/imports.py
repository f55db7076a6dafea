"""Pabulib files in and out of processes. `import_pb` turns a whole `.pb` file into a process
(its projects feasible at the file's costs, its votes as anonymous ballots) for simulations and
rule comparisons; `export_pb` writes any process as a `.pb` file. A process imported from a
file exports to the same text as `write_pb(read_pb(file))`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _

from esep.core.actions import Actor, action
from esep.core.problems import Problems
from esep.territory.models import Unit

from .. import phases
from ..models import (
    Ballot,
    BallotKind,
    Channel,
    Completion,
    Eligibility,
    Phase,
    Process,
    Project,
    ProjectStatus,
)
from ..pabulib import Instance, read_pb, write_pb
from ..phases import Activity, PhaseKind

BALLOT_OF_VOTE_TYPE = {
    "approval": BallotKind.APPROVAL,
    "choose-1": BallotKind.APPROVAL,
    "cumulative": BallotKind.CUMULATIVE,
    "scoring": BallotKind.CUMULATIVE,
    "ordinal": BallotKind.ORDINAL,
}
VOTE_TYPE_OF_BALLOT = {
    BallotKind.APPROVAL: "approval",
    BallotKind.KNAPSACK: "approval",
    BallotKind.CUMULATIVE: "cumulative",
    BallotKind.ORDINAL: "ordinal",
}
RULE_OF_PABULIB = {
    "greedy": "greedy",
    "greedy-threshold": "greedy-threshold",
    "greedy-no-skip": "greedy-no-skip",
    "greedy-custom": "greedy-reserve",
}
PABULIB_OF_RULE = {
    "greedy": "greedy",
    "greedy-threshold": "greedy-threshold",
    "greedy-no-skip": "greedy-no-skip",
    "greedy-reserve": "greedy-custom",
    "equal-shares": "equalshares",
}


# Equal Shares labels whose completion is not esep's default (add1).
COMPLETION_OF_PABULIB = {"equalshares/add1-comparison": Completion.ADD1_COMPARISON}
PABULIB_OF_COMPLETION = {v: k for k, v in COMPLETION_OF_PABULIB.items()}


def _rule(meta: dict[str, str]) -> str:
    rule = meta.get("rule", "").strip()
    if rule.startswith("equalshares"):
        return "equal-shares"
    return RULE_OF_PABULIB.get(rule, "greedy")


def _completion(meta: dict[str, str]) -> str:
    return COMPLETION_OF_PABULIB.get(meta.get("rule", "").strip(), Completion.ADD1)


def _whole(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


def import_pb(
    actor: Actor, *, unit: Unit, data: bytes, file_name: str, source: str = ""
) -> Process:
    """A new process in `unit` holding the whole file, in its results phase (ready to count
    with the file's rule). `source` credits where the file came from (default: its name). All
    or nothing: any problem refuses the file."""
    with action("import_pb", actor, "participation.manage_process", unit) as act:
        instance = read_pb(data, file_name)
        meta = instance.meta
        problems = Problems(file_name)
        budget = instance.budget
        if budget <= 0 or budget >= Decimal("1e14") or -budget.as_tuple().exponent > 2:
            problems.add(0, 0, _("The budget must be more than zero, with at most two decimals."))
        for pid in instance.projects:
            cost = instance.cost(pid)
            if -cost.as_tuple().exponent > 2:
                problems.add(
                    0, 0, _("Project %(id)s: a cost with at most two decimals.") % {"id": pid}
                )
        if problems:
            raise problems.refuse()
        ballot_kind = BALLOT_OF_VOTE_TYPE[instance.vote_type]
        max_length = _whole(meta.get("max_length"))
        if instance.vote_type == "choose-1":
            max_length = 1
        points = (
            _whole(meta.get("max_sum_points")) if ballot_kind == BallotKind.CUMULATIVE else None
        )
        if ballot_kind == BallotKind.CUMULATIVE and not points:
            points = max((sum(instance.points(v)) for v in instance.votes), default=1) or 1
        title = (
            " ".join(
                part
                for part in (meta.get("unit"), meta.get("subunit"), meta.get("instance"))
                if part
            )
            or file_name
        )
        year = _whole(meta.get("instance", "")[:4]) or dt.date.today().year
        process = Process(
            unit=unit,
            title_kk=title,
            title_ru=title,
            title_en=title,
            description=meta.get("description", ""),
            year=year if 1900 < year < 2200 else dt.date.today().year,
            budget=budget,
            currency=(meta.get("currency") or "KZT")[:3],
            ballot_kind=ballot_kind,
            min_choices=min(_whole(meta.get("min_length")) or 0, max_length or 10**4),
            max_choices=max_length,
            points=points,
            may_change_ballot=False,
            rule=_rule(meta),
            completion=_completion(meta),
            threshold=Decimal(meta.get("min_project_score_threshold", "0") or "0"),
            source=source or _("Imported from the Pabulib file %(file)s") % {"file": file_name},
            created_by=actor.user,
            pabulib_meta=[[k, v] for k, v in meta.items()],
            pabulib_project_columns=list(instance.project_columns),
            pabulib_vote_columns=list(instance.vote_columns),
        )
        process.rules_hash = process.compute_rules_hash()
        process.save()
        now = phases.now()
        day = dt.timedelta(days=1)
        spans = {
            PhaseKind.PROPOSALS: (now - 4 * day, now - 3 * day),
            PhaseKind.REVIEW: (now - 3 * day, now - 2 * day),
            PhaseKind.VOTING: (now - 2 * day, now - day),
            PhaseKind.RESULTS: (now - day, now + 365 * day),
            PhaseKind.IMPLEMENTATION: (now + 365 * day, now + 730 * day),
        }
        Phase.objects.bulk_create(
            [Phase(process=process, kind=k, starts_at=a, ends_at=b) for k, (a, b) in spans.items()]
        )
        Eligibility.objects.bulk_create(
            [
                Eligibility(process=process, activity=activity, unit=unit)
                for activity in (Activity.PROPOSE, Activity.SUPPORT, Activity.VOTE)
            ]
        )
        Project.objects.bulk_create(
            [
                Project(
                    process=process,
                    code=pid,
                    title=(row.get("name") or pid)[:300],
                    estimated_cost=instance.cost(pid),
                    cost=instance.cost(pid),
                    status=ProjectStatus.FEASIBLE,
                    review_reason="",
                    pabulib_row=[row[c] for c in instance.project_columns],
                )
                for pid, row in instance.projects.items()
            ],
            batch_size=2000,
        )
        with_points = ballot_kind == BallotKind.CUMULATIVE
        Ballot.objects.bulk_create(
            [
                Ballot(
                    process=process,
                    receipt=f"{process.pk}-{position}",
                    channel=Channel.IMPORTED,
                    choices=instance.ballot(vid),
                    points=instance.points(vid) if with_points else None,
                    position=position,
                    pabulib_row=[row[c] for c in instance.vote_columns],
                )
                for position, (vid, row) in enumerate(instance.votes.items(), start=1)
            ],
            batch_size=5000,
        )
        act.record(
            process,
            file=file_name,
            projects=len(instance.projects),
            ballots=len(instance.votes),
        )
    return process


def export_pb(process: Process) -> str:
    """The process as a Pabulib file. An imported process gives back its file; any other gives
    its feasible projects and its counted ballots (voters numbered in receipt order)."""
    projects = list(
        Project.objects.filter(process=process, status=ProjectStatus.FEASIBLE).order_by("id")
    )
    ballots = list(
        Ballot.objects.filter(process=process, replaced=False).order_by("position", "receipt")
    )
    if process.pabulib_meta:
        columns = tuple(process.pabulib_project_columns)
        vote_columns = tuple(process.pabulib_vote_columns)
        return write_pb(
            Instance(
                meta={k: v for k, v in process.pabulib_meta},
                project_columns=columns,
                projects={p.code: dict(zip(columns, p.pabulib_row, strict=True)) for p in projects},
                vote_columns=vote_columns,
                votes={
                    row[0]: dict(zip(vote_columns, row, strict=True))
                    for row in (b.pabulib_row for b in ballots)
                },
            )
        )
    vote_type = VOTE_TYPE_OF_BALLOT[process.ballot_kind]
    votes = {str(i): b for i, b in enumerate(ballots, start=1)}
    counts: dict[str, int] = {}
    for ballot in ballots:
        for code in ballot.choices:
            counts[code] = counts.get(code, 0) + 1
    meta = {
        "description": process.title_en or process.title,
        "country": "Kazakhstan",
        "unit": process.unit.name_en,
        "instance": str(process.year),
        "num_projects": str(len(projects)),
        "num_votes": str(len(ballots)),
        "budget": format(process.budget.normalize(), "f"),
        "vote_type": vote_type,
        "rule": PABULIB_OF_COMPLETION.get(process.completion, PABULIB_OF_RULE[process.rule])
        if process.rule == "equal-shares"
        else PABULIB_OF_RULE[process.rule],
        "currency": process.currency,
    }
    if process.max_choices:
        meta["max_length"] = str(process.max_choices)
    if process.ballot_kind == BallotKind.CUMULATIVE and process.points:
        meta["max_sum_points"] = str(process.points)
    vote_columns = (
        ("voter_id", "vote", "points") if vote_type == "cumulative" else ("voter_id", "vote")
    )
    return write_pb(
        Instance(
            meta=meta,
            project_columns=("project_id", "cost", "votes", "name"),
            projects={
                p.code: {
                    "project_id": p.code,
                    "cost": format(p.ballot_cost.normalize(), "f"),
                    "votes": str(counts.get(p.code, 0)),
                    "name": p.title,
                }
                for p in projects
            },
            vote_columns=vote_columns,
            votes={
                vid: {
                    "voter_id": vid,
                    "vote": ",".join(b.choices),
                    **(
                        {"points": ",".join(str(x) for x in b.points or [])}
                        if vote_type == "cumulative"
                        else {}
                    ),
                }
                for vid, b in votes.items()
            },
        )
    )
