"""Greedy counting rules of participatory budgeting, with every project's decision explained.

A project's **score**: approval and choose-1, the number of voters who chose it; cumulative and
scoring, the sum of its points; ordinal, a Borda count (with ballots of at most k projects, the
first gets k points, the second k − 1, …). Projects are taken by score, highest first; the
declared **tie-break** is the lower cost first, then the order of the projects in the process.

| rule | Pabulib `rule` | what it does |
| --- | --- | --- |
| `greedy` | greedy | fund each project that still fits; skip the others |
| `greedy-threshold` | greedy-threshold | as greedy, among projects scoring at least the threshold |
| `greedy-no-skip` | greedy-no-skip | stop at the first project that does not fit |
| `greedy-reserve` | greedy-custom (Poznań) | as greedy-no-skip, then fund the project that did |
| | | not fit if the money left covers `reserve` (80 %) of its cost |
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

GREEDY_RULES = ("greedy", "greedy-threshold", "greedy-no-skip", "greedy-reserve")

FUNDED = "funded"
FUNDED_FROM_RESERVE = "funded_from_reserve"
DOES_NOT_FIT = "does_not_fit"
BELOW_THRESHOLD = "below_threshold"
AFTER_STOP = "after_stop"


@dataclass(frozen=True)
class Project:
    id: str
    cost: Decimal


@dataclass(frozen=True)
class Decision:
    """Why a project was or was not selected: its score and cost, its place in the order, and
    the money left when its turn came."""

    project: str
    score: Decimal
    cost: Decimal
    turn: int
    money_left: Decimal
    reason: str

    @property
    def selected(self) -> bool:
        return self.reason in (FUNDED, FUNDED_FROM_RESERVE)


@dataclass(frozen=True)
class Outcome:
    rule: str
    budget: Decimal
    decisions: tuple[Decision, ...]  # in the order the projects were considered

    @property
    def selected(self) -> list[str]:
        return [d.project for d in self.decisions if d.selected]

    @property
    def spent(self) -> Decimal:
        return sum((d.cost for d in self.decisions if d.selected), Decimal(0))


def scores(
    vote_type: str,
    ballots: Sequence[Sequence[str]],
    points: Sequence[Sequence[int]] | None = None,
    ballot_length: int | None = None,
) -> dict[str, Decimal]:
    """Each chosen project's score under `vote_type` (see the module's docstring)."""
    found: dict[str, Decimal] = {}
    if vote_type in ("cumulative", "scoring"):
        if points is None:
            raise ValueError("cumulative and scoring ballots need points")
        for ballot, given in zip(ballots, points, strict=True):
            for project, point in zip(ballot, given, strict=True):
                found[project] = found.get(project, Decimal(0)) + point
    elif vote_type == "ordinal":
        length = ballot_length or max((len(b) for b in ballots), default=0)
        for ballot in ballots:
            for rank, project in enumerate(ballot):
                found[project] = found.get(project, Decimal(0)) + max(length - rank, 0)
    else:
        for ballot in ballots:
            for project in ballot:
                found[project] = found.get(project, Decimal(0)) + 1
    return found


def greedy(
    projects: Sequence[Project],
    score: Mapping[str, Decimal],
    budget: Decimal,
    rule: str = "greedy",
    threshold: Decimal = Decimal(0),
    reserve: Decimal = Decimal("0.8"),
) -> Outcome:
    """The outcome of a greedy `rule` (one of GREEDY_RULES)."""
    if rule not in GREEDY_RULES:
        raise ValueError(f"unknown greedy rule {rule!r}")
    place = {project.id: index for index, project in enumerate(projects)}
    order = sorted(projects, key=lambda p: (-score.get(p.id, Decimal(0)), p.cost, place[p.id]))
    left = budget
    stopped = False
    decisions = []
    for turn, project in enumerate(order, start=1):
        points = score.get(project.id, Decimal(0))
        if rule == "greedy-threshold" and points < threshold:
            reason = BELOW_THRESHOLD
        elif stopped:
            reason = AFTER_STOP
        elif project.cost <= left:
            reason = FUNDED
        elif rule == "greedy-reserve" and left >= reserve * project.cost:
            reason, stopped = FUNDED_FROM_RESERVE, True
        else:
            reason = DOES_NOT_FIT
            stopped = rule in ("greedy-no-skip", "greedy-reserve")
        decisions.append(Decision(project.id, points, project.cost, turn, left, reason))
        if reason == FUNDED:
            left -= project.cost
        elif reason == FUNDED_FROM_RESERVE:
            left = Decimal(0)
    return Outcome(rule, budget, tuple(decisions))
