"""Counting rules of participatory budgeting, with every project's decision explained: the
greedy family (`greedy`) and the Method of Equal Shares (`equal_shares`, counted by
`shares.count`).

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

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from itertools import chain, zip_longest

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
    """Each chosen project's score under `vote_type` (see the module's docstring). Counted in
    whole numbers (points are whole: the importer and the ballot check see to it) and turned
    into `Decimal` once per project."""
    found: Counter[str] = Counter()
    if vote_type in ("cumulative", "scoring"):
        if points is None:
            raise ValueError("cumulative and scoring ballots need points")
        for ballot, given in zip(ballots, points, strict=True):
            for project, point in zip(ballot, given, strict=True):
                found[project] += point
    elif vote_type == "ordinal":
        length = ballot_length or max((len(b) for b in ballots), default=0)
        # The ballots read by rank: the first choices of all, then the second ones, … (ballots
        # shorter than a rank give None there).
        for rank, column in enumerate(zip_longest(*ballots)):
            weight = length - rank
            if weight <= 0:
                break
            for project, voters in Counter(column).items():
                if project is not None:
                    found[project] += weight * voters
    else:
        found.update(chain.from_iterable(ballots))
    return {project: Decimal(score) for project, score in found.items()}


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


NOT_ENOUGH_MONEY = "not_enough_money"
FUNDED_BY_COMPLETION = "funded_by_completion"


@dataclass(frozen=True)
class Share:
    """Why a project was or was not selected by the Method of Equal Shares: the round it was
    bought in, its price, and how many supporters ran out of money buying it; or, for a project
    not bought, the money its supporters still had when counting ended.

    `price` is what a supporter paid for each point they gave the project: with approval
    ballots (one point), the price each supporter paid; with cumulative and ordinal ballots, a
    supporter who gave it 3 points paid 3 × `price`. A supporter with less money paid all they
    had, and counts in `ran_out`. A project funded by the greedy completion has no round and
    no price."""

    project: str
    cost: Decimal
    supporters: int
    round: int | None
    price: Fraction | None
    ran_out: int
    money_behind: Fraction
    reason: str

    @property
    def selected(self) -> bool:
        return self.reason in (FUNDED, FUNDED_BY_COMPLETION)


@dataclass(frozen=True)
class SharesOutcome:
    rule: str
    budget: Decimal
    virtual_budget: Decimal  # the budget the voters' shares were computed from (add1)
    shares: tuple[Share, ...]  # bought in the order bought, then completion, then the others

    @property
    def selected(self) -> list[str]:
        return [s.project for s in self.shares if s.selected]

    @property
    def spent(self) -> Decimal:
        return sum((s.cost for s in self.shares if s.selected), Decimal(0))


def equal_shares(
    projects: Sequence[Project],
    ballots: Sequence[Sequence[str]],
    budget: Decimal,
    completion: str = "add1",
    *,
    vote_type: str = "approval",
    points: Sequence[Sequence[int]] | None = None,
    ballot_length: int | None = None,
    greedy_completion: bool = False,
    exhaustive_stop: bool = True,
) -> SharesOutcome:
    """The Method of Equal Shares, exact (prices are fractions).

    Each voter starts with an equal share of the budget. A supporter of a project gains a
    **satisfaction** from it: with approval and choose-1 ballots, the project's cost (cost
    satisfaction); with cumulative and scoring ballots, the points they gave it; with ordinal
    ballots, the Borda points of its position (as in `scores`). In each round the method buys
    the project whose supporters can pay for it at the lowest price per unit of satisfaction:
    the lowest r such that, if each supporter pays r × their satisfaction, or everything they
    have left if that is less, the payments add up to its cost. Ties go to more supporters,
    then to the lower cost, then to the process order. Counting ends when no project's
    supporters have its cost between them.

    `completion="add1"` (Pabulib's `equalshares/add1`): while the outcome leaves money for
    another project that has supporters, raise the budget the shares are computed from by 1 per
    voter and count again, as long as the outcome costs at most the real budget. With
    `exhaustive_stop=False` (as Wieliczka 2023 counted), the loop does not stop when no other
    project fits the money left: it raises the budget while the next outcome costs at most the
    real budget, until every project that has supporters is bought. `"none"`: one count with
    the real budget. `greedy_completion=True`: then fund the projects left by score, highest
    first, each that still fits in the real budget, with the greedy tie-break (lower cost, then
    process order)."""
    from .shares import count

    return count(
        projects,
        ballots,
        budget,
        completion,
        vote_type=vote_type,
        points=points,
        ballot_length=ballot_length,
        greedy_completion=greedy_completion,
        exhaustive_stop=exhaustive_stop,
    )
