"""Counting rules of participatory budgeting, with every project's decision explained: the
greedy family (`greedy`) and the Method of Equal Shares for approval ballots (`equal_shares`).

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
from fractions import Fraction

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


NOT_ENOUGH_MONEY = "not_enough_money"


@dataclass(frozen=True)
class Share:
    """Why a project was or was not selected by the Method of Equal Shares: the round it was
    bought in, the price each supporter paid (those with less paid all they had), and how many
    supporters ran out of money buying it; or, for a project not bought, the money its
    supporters still had when counting ended."""

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
        return self.reason == FUNDED


@dataclass(frozen=True)
class SharesOutcome:
    rule: str
    budget: Decimal
    virtual_budget: Decimal  # the budget the voters' shares were computed from (add1)
    shares: tuple[Share, ...]  # the bought projects in the order bought, then the others

    @property
    def selected(self) -> list[str]:
        return [s.project for s in self.shares if s.selected]

    @property
    def spent(self) -> Decimal:
        return sum((s.cost for s in self.shares if s.selected), Decimal(0))


def _price(budgets: Sequence[Fraction], cost: Fraction) -> tuple[Fraction, int] | None:
    """The lowest price p with sum(min(b, p)) = cost over the supporters' budgets, and how many
    pay less than p (all they have); None when their money is not enough."""
    if sum(budgets) < cost:
        return None
    ordered = sorted(budgets)
    paid = Fraction(0)
    for index, budget in enumerate(ordered):
        price = (cost - paid) / (len(ordered) - index)
        if price <= budget:
            return price, index
        paid += budget
    return None  # pragma: no cover - sum(budgets) >= cost always finds a price


def _equal_shares_once(
    projects: Sequence[Project], supporters: Mapping[str, list[int]], voters: int, virtual: Fraction
) -> tuple[list[Share], list[Fraction]]:
    budgets = [virtual / voters] * voters
    bought: list[Share] = []
    left = {p.id: p for p in projects if supporters.get(p.id)}
    order = {p.id: index for index, p in enumerate(projects)}
    while left:
        best: tuple[tuple, Project, Fraction, int] | None = None
        for project in left.values():
            found = _price([budgets[i] for i in supporters[project.id]], Fraction(project.cost))
            if found is None:
                continue
            price, ran_out = found
            # Cost satisfaction: a supporter gains the project's cost, so the rate paid per unit
            # of satisfaction is price / cost. Ties: more supporters, lower cost, process order.
            key = (
                price / Fraction(project.cost),
                -len(supporters[project.id]),
                project.cost,
                order[project.id],
            )
            if best is None or key < best[0]:
                best = (key, project, price, ran_out)
        if best is None:
            break
        _, project, price, ran_out = best
        for i in supporters[project.id]:
            budgets[i] -= min(budgets[i], price)
        bought.append(
            Share(
                project.id,
                project.cost,
                len(supporters[project.id]),
                len(bought) + 1,
                price,
                ran_out,
                Fraction(0),
                FUNDED,
            )
        )
        del left[project.id]
    return bought, budgets


def equal_shares(
    projects: Sequence[Project],
    ballots: Sequence[Sequence[str]],
    budget: Decimal,
    completion: str = "add1",
) -> SharesOutcome:
    """The Method of Equal Shares for approval ballots with cost satisfaction, in exact
    arithmetic. `completion="add1"`: while the outcome leaves money for another project, raise
    the budget the shares are computed from by 1 per voter and count again, as long as the
    outcome still costs at most the real budget (Pabulib's `equalshares/add1`). `"none"`: one
    count with the real budget."""
    if completion not in ("add1", "none"):
        raise ValueError(f"unknown completion {completion!r}")
    voters = len(ballots)
    supporters: dict[str, list[int]] = {}
    for index, ballot in enumerate(ballots):
        for project in ballot:
            supporters.setdefault(project, []).append(index)
    cost = {p.id: p.cost for p in projects}
    virtual = Fraction(budget)
    bought, budgets = _equal_shares_once(projects, supporters, voters, virtual)
    while completion == "add1" and voters:
        spent = sum(cost[s.project] for s in bought)
        chosen = {s.project for s in bought}
        if all(p.id in chosen or spent + p.cost > budget for p in projects):
            break  # exhaustive: no further project fits
        again, again_budgets = _equal_shares_once(projects, supporters, voters, virtual + voters)
        if sum(cost[s.project] for s in again) > budget:
            break
        virtual += voters
        bought, budgets = again, again_budgets
    chosen = {s.project for s in bought}
    rest = [
        Share(
            p.id,
            p.cost,
            len(supporters.get(p.id, [])),
            None,
            None,
            0,
            sum((budgets[i] for i in supporters.get(p.id, [])), Fraction(0)),
            NOT_ENOUGH_MONEY,
        )
        for p in projects
        if p.id not in chosen
    ]
    rule = "equal-shares/add1" if completion == "add1" else "equal-shares"
    return SharesOutcome(
        rule, budget, Decimal(virtual.numerator) / virtual.denominator, tuple(bought + rest)
    )
