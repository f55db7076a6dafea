"""The Method of Equal Shares, counted fast and exactly.

`count(...)` returns the same `SharesOutcome` as the definition in `counting.equal_shares`'s
docstring: same projects, same order, same prices (exact fractions), same tie-breaks. It is
built on four facts:

1. **Voters with the same ballot** always hold the same money, so they are counted once, with
   their number.
2. **Lazy re-evaluation.** Within a count, budgets only fall, so a project's rate never falls
   from one round to the next: a rate computed in an earlier round is a lower bound, and a
   project is re-evaluated only when that bound could beat the best project of the round. For
   any split of a project's supporters into those who pay all they have and those who pay the
   full price, `(cost − money of the first) / (points of the second)` is a lower bound of the
   price, whether or not the split is the right one.
3. **Floating point with proof, fractions where it is close.** Budgets are kept as floats with
   a bound on their error; every decision (which project is cheapest, whether a project is
   still affordable, who runs out of money) is taken in floating point only when its margin
   exceeds the error bound. Otherwise, and for every price that is paid, the exact value is
   computed with integers: each voter's money is the starting share minus the exact prices of
   the rounds in which they paid, over one common denominator.
4. **add1 without recounting every step.** With the same projects bought in the same order,
   a larger starting share gives every voter at least as much money after every round, so
   every price and rate is at most as large (monotone in the share). Hence if the counts at
   shares t_a < t_b buy the same projects in the same order, and in every round r every other
   project still in the running at t_b has a rate above the rate paid in round r at t_a (or
   equal and behind it in the tie-break), then every share between t_a and t_b buys the same
   projects in the same order: its outcome is the same, so the add1 loop can jump from t_a to
   t_b. The loop tries longer and longer jumps, and falls back to single steps where the
   outcome changes.

Money is counted in integer units of 1 / (voters × 10^d), where d is the number of decimal
places of the budget and the costs, so that the starting share and the costs are integers."""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from math import gcd

import numpy as np

from .counting import (
    FUNDED,
    FUNDED_BY_COMPLETION,
    NOT_ENOUGH_MONEY,
    Project,
    Share,
    SharesOutcome,
    greedy,
    scores,
)

U = 2.0**-53  # unit roundoff of float64
SAFETY = 4.0  # every error bound is multiplied by this


def utilities(
    vote_type: str,
    ballots: Sequence[Sequence[str]],
    points: Sequence[Sequence[int]] | None = None,
    ballot_length: int | None = None,
) -> list[list[tuple[str, int]]]:
    """Each voter's points for each project they support (only positive points): 1 for
    approval and choose-1, the points given for cumulative and scoring, the Borda points of the
    project's position for ordinal (as in `scores`)."""
    if vote_type in ("cumulative", "scoring"):
        if points is None:
            raise ValueError("cumulative and scoring ballots need points")
        return [
            [(p, int(w)) for p, w in zip(ballot, given, strict=True) if w > 0]
            for ballot, given in zip(ballots, points, strict=True)
        ]
    if vote_type == "ordinal":
        length = ballot_length or max((len(b) for b in ballots), default=0)
        return [
            [(p, length - rank) for rank, p in enumerate(ballot) if length - rank > 0]
            for ballot in ballots
        ]
    if vote_type in ("approval", "choose-1"):
        return [[(p, 1) for p in ballot] for ballot in ballots]
    raise ValueError(f"unknown vote type {vote_type!r}")


def _decimals(values: Sequence[Decimal]) -> int:
    return max((max(0, -int(v.as_tuple().exponent)) for v in values), default=0)


class _Result:
    """One count at one starting share: the rounds and the state after the last one."""

    __slots__ = ("t", "chosen", "prices", "rates", "ran_out", "budgets", "empty", "den", "nums")

    def __init__(self, t: int) -> None:
        self.t = t
        self.chosen: list[int] = []
        self.prices: list[Fraction] = []  # per point of the ballot, in money units
        self.rates: list[Fraction] = []  # price per unit of satisfaction
        self.ran_out: list[int] = []


class _Eval:
    """A project's price in one round: `lo` is a proven lower bound of its rate; `hi` a proven
    upper bound when the split of its supporters is proven; `exact` the exact price."""

    __slots__ = ("j", "lo", "hi", "poor", "rich_points", "exact", "ran_out")

    def __init__(self, j: int) -> None:
        self.j = j
        self.exact: Fraction | None = None
        self.ran_out = 0


class _Election:
    def __init__(
        self,
        costs: Sequence[Decimal],
        voters: Sequence[Sequence[tuple[int, int]]],
        budget: Decimal,
        cost_satisfaction: bool,
    ) -> None:
        self.n = n = len(voters)
        self.scale = 10 ** _decimals([budget, *costs])
        self.unit = n * self.scale  # money units per currency unit
        self.budget = int(budget * self.scale) * n
        self.t0 = int(budget * self.scale)  # the starting share, in money units
        self.step = self.unit  # add1: one currency unit more per voter
        p = len(costs)
        self.cost = [int(c * self.scale) * n for c in costs]
        self.cost_f = [float(c) for c in self.cost]
        self.sat = list(self.cost) if cost_satisfaction else [1] * p
        grouped = Counter(tuple(sorted(ballot)) for ballot in voters)
        groups = list(grouped)
        self.m = np.array([grouped[g] for g in groups], dtype=np.float64)
        lengths = np.array([len(g) for g in groups], dtype=np.int64)
        self.gptr = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
        self.gproj = np.array([j for g in groups for j, _ in g], dtype=np.int64)
        self.gw = np.array([w for g in groups for _, w in g], dtype=np.float64)
        self.ballots = groups
        members: list[list[int]] = [[] for _ in range(p)]
        weights: list[list[int]] = [[] for _ in range(p)]
        for index, group in enumerate(groups):
            for j, w in group:
                members[j].append(index)
                weights[j].append(w)
        self.sup = [np.array(x, dtype=np.int64) for x in members]
        self.w = [np.array(x, dtype=np.float64) for x in weights]
        self.ones = [bool(len(x)) and max(x) == 1 for x in weights]
        self.msup = [self.m[s] for s in self.sup]
        self.mw = [ms * w for ms, w in zip(self.msup, self.w, strict=True)]
        self.points = [float(x.sum()) for x in self.mw]
        self.voters = [int(x.sum()) for x in self.msup]
        self.static = [(-self.voters[j], self.cost[j], j) for j in range(p)]
        self.supported = [j for j in range(p) if self.voters[j]]
        # A proven lower bound of each project's rate in any round of any count: everyone pays.
        self.first = [
            (self.cost[j] / self.points[j] / self.sat[j] * (1 - 8 * U), self.static[j], j)
            for j in self.supported
        ]

    # --- exact money ------------------------------------------------------------------------

    def _exact_sum(self, state: _State, groups: np.ndarray) -> int:
        """Σ (number × money) of the given groups (none of them empty), times `state.den`."""
        if not len(groups):
            return 0
        total = int(self.m[groups].sum())
        starts = self.gptr[groups]
        lengths = self.gptr[groups + 1] - starts
        flat = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(
            int(lengths.sum())
        )
        rounds = state.round_of[self.gproj[flat]]
        paid = rounds >= 0
        if paid.any():
            count = np.bincount(
                rounds[paid],
                weights=(self.gw[flat] * np.repeat(self.m[groups], lengths))[paid],
                minlength=len(state.nums),
            )
            spent = sum(int(c) * state.nums[r] for r, c in enumerate(count) if c)
        else:
            spent = 0
        return total * state.t * state.den - spent

    def _exact_budget(self, state: _State, g: int) -> int:
        """The exact money of group g's voters, times `state.den`."""
        if state.empty[g]:
            return 0
        left = state.t * state.den
        for j, w in self.ballots[g]:
            r = state.round_of[j]
            if r >= 0:
                left -= state.nums[r] * w
        return left

    # --- one project in one round ---------------------------------------------------------

    def _evaluate(self, state: _State, j: int) -> _Eval | None:
        """The price of project j now, or None if its supporters cannot pay for it."""
        idx = self.sup[j]
        budgets = state.b[idx]
        mb = self.msup[j] * budgets
        total = float(mb.sum())
        cost = self.cost_f[j]
        slack = SAFETY * (self.voters[j] * state.error + (len(idx) + 3) * U * max(total, cost))
        if total + slack < cost:
            return None
        if total - slack < cost:
            live = idx[~state.empty[idx]]
            if self._exact_sum(state, live) < self.cost[j] * state.den:
                return None
        ratio = budgets if self.ones[j] else budgets / self.w[j]
        order = np.argsort(ratio)
        sorted_ratio = ratio[order]
        sorted_mb = mb[order]
        sorted_mw = self.mw[j][order]
        paid = np.cumsum(sorted_mb) - sorted_mb
        rest = self.points[j] - (np.cumsum(sorted_mw) - sorted_mw)
        price = (cost - paid) / rest
        fits = price <= sorted_ratio
        k = int(np.argmax(fits))
        if not fits[k]:
            return self._evaluate_exactly(state, j)
        pi = float(price[k])
        rich = float(rest[k])
        poor_voters = float(self.msup[j][order[:k]].sum()) if k else 0.0
        err = SAFETY * ((poor_voters * state.error + (k + 3) * U * cost) / rich + 2 * U * pi)
        result = _Eval(j)
        sat = self.sat[j]
        result.lo = (pi - err) / sat * (1 - 4 * U)
        proven = (k == 0 or sorted_ratio[k - 1] + state.error < pi - err) and (
            sorted_ratio[k] - state.error >= pi + err
        )
        if not proven:
            return self._evaluate_exactly(state, j)
        result.hi = (pi + err) / sat * (1 + 4 * U)
        result.poor = order[:k]
        result.rich_points = int(round(rich))
        result.ran_out = int(round(poor_voters))
        return result

    def _make_exact(self, state: _State, e: _Eval) -> None:
        if e.exact is not None:
            return
        poor = self.sup[e.j][e.poor]
        live = poor[~state.empty[poor]]
        numerator = self.cost[e.j] * state.den - self._exact_sum(state, live)
        e.exact = Fraction(numerator, state.den * e.rich_points)
        approx = float(e.exact) / self.sat[e.j]
        if not (e.lo <= approx <= e.hi):  # pragma: no cover - the error bounds failed
            raise ArithmeticError("equal shares: floating-point bound violated")

    def _evaluate_exactly(self, state: _State, j: int) -> _Eval | None:
        """The price of project j now, in exact arithmetic throughout."""
        idx = self.sup[j]
        den = state.den
        money = [self._exact_budget(state, int(g)) for g in idx]
        people = [int(x) for x in self.msup[j]]
        weights = [int(x) for x in self.w[j]]
        if sum(m * b for m, b in zip(people, money, strict=True)) < self.cost[j] * den:
            return None
        order = sorted(range(len(idx)), key=lambda i: Fraction(money[i], weights[i]))
        paid = 0
        rest = int(round(self.points[j]))
        price = Fraction(0)
        for position, i in enumerate(order):
            price = Fraction(self.cost[j] * den - paid, den * rest)
            if price * weights[i] * den <= money[i]:
                poor = order[:position]
                break
            paid += people[i] * money[i]
            rest -= people[i] * weights[i]
        else:  # pragma: no cover - the sum was enough, so the last supporter fits
            raise ArithmeticError("equal shares: no price found")
        result = _Eval(j)
        result.exact = price
        result.poor = np.array(poor, dtype=np.int64)
        result.rich_points = rest
        result.ran_out = sum(people[i] for i in poor)
        rate = float(price) / self.sat[j]
        result.lo = rate * (1 - 4 * U)
        result.hi = rate * (1 + 4 * U)
        return result

    @staticmethod
    def _rate(e: _Eval, sat: int) -> Fraction:
        assert e.exact is not None
        return e.exact / sat

    # --- one count ------------------------------------------------------------------------

    def count(self, k: int, guide: _Result | None = None) -> _Result | None:
        """The count with a starting share of t0 + k × step. With `guide` (a count at a smaller
        share), None unless this count buys the same projects in the same order and proves
        that every share in between does too (fact 4 of the module docstring)."""
        t = self.t0 + k * self.step
        state = _State(self, t)
        result = _Result(t)
        heap = list(self.first)
        heapq.heapify(heap)
        sat = self.sat
        static = self.static
        while heap:
            r = len(result.chosen)
            theta = None
            if guide is not None:
                if r >= len(guide.chosen):
                    theta = None
                else:
                    theta = guide.rates[r]
            fresh: list[_Eval] = []
            best: _Eval | None = None
            bar = float(theta) * (1 + 4 * U) if theta is not None else -1.0
            while heap and (best is None or heap[0][0] <= max(best.hi, bar)):
                _, _, j = heapq.heappop(heap)
                e = self._evaluate(state, j)
                if e is None:
                    continue
                fresh.append(e)
                if best is None or (e.hi, static[j]) < (best.hi, static[best.j]):
                    best = e
            if best is None:
                break
            close = [e for e in fresh if e.lo <= best.hi]
            if len(close) > 1:
                for e in close:
                    self._make_exact(state, e)
                best = min(close, key=lambda e: (self._rate(e, sat[e.j]), static[e.j]))
            else:
                self._make_exact(state, best)
            if guide is not None:
                if r >= len(guide.chosen) or best.j != guide.chosen[r]:
                    return None
                assert theta is not None
                for e in fresh:
                    if e is best or e.lo > float(theta) * (1 + 4 * U):
                        continue
                    self._make_exact(state, e)
                    if (self._rate(e, sat[e.j]), static[e.j]) <= (theta, static[best.j]):
                        return None
            for e in fresh:
                if e is not best:
                    heapq.heappush(heap, (e.lo, static[e.j], e.j))
            state.pay(best)
            assert best.exact is not None
            result.chosen.append(best.j)
            result.prices.append(best.exact)
            result.rates.append(best.exact / sat[best.j])
            result.ran_out.append(best.ran_out)
        if guide is not None and len(result.chosen) != len(guide.chosen):
            return None
        result.budgets = state.b
        result.empty = state.empty
        result.den = state.den
        result.nums = state.nums
        self._last_state = state
        return result

    # --- add1 -----------------------------------------------------------------------------

    def spent(self, result: _Result) -> int:
        return sum(self.cost[j] for j in result.chosen)

    def exhaustive(self, result: _Result) -> bool:
        left = self.budget - self.spent(result)
        chosen = set(result.chosen)
        return all(j in chosen or self.cost[j] > left for j in self.supported)

    def add1(self) -> tuple[int, _Result]:
        """The last count of the add1 loop and its step: while the outcome leaves money for
        another project with supporters, raise every voter's share by one currency unit, as
        long as the outcome costs at most the budget."""
        k = 0
        current = self.count(0)
        assert current is not None
        if self.exhaustive(current):
            return k, current
        jump = 1
        while True:
            if jump > 1:
                ahead = self.count(k + jump, guide=current)
                if ahead is None:
                    jump //= 4
                    continue
                k += jump
                current = ahead
                jump *= 2
                continue
            following = self.count(k + 1)
            assert following is not None
            if self.spent(following) > self.budget:
                return k, current
            k += 1
            if self.exhaustive(following):
                return k, following
            jump = 2 if following.chosen == current.chosen else 1
            current = following

    # --- what the supporters had left -----------------------------------------------------

    def money_left(self, result: _Result, j: int) -> Fraction:
        """Σ over project j's supporters of the money they have after the count."""
        state = _State.__new__(_State)
        state.t = result.t
        state.den = result.den
        state.nums = result.nums
        state.empty = result.empty
        state.round_of = np.full(len(self.cost), -1, dtype=np.int64)
        for r, chosen in enumerate(result.chosen):
            state.round_of[chosen] = r
        idx = self.sup[j]
        live = idx[~result.empty[idx]]
        return Fraction(self._exact_sum(state, live), result.den * self.unit)


class _State:
    """The money of every group during one count: floats with a proven error bound, and the
    exact prices paid so far over one common denominator."""

    def __init__(self, election: _Election, t: int) -> None:
        self.election = election
        self.t = t
        size = len(election.m)
        self.b = np.full(size, float(t))
        self.empty = np.zeros(size, dtype=bool)
        self.error = U * float(t)  # bound on |float money − exact money| of any group
        self.round_of = np.full(len(election.cost), -1, dtype=np.int64)
        self.den = 1
        self.nums: list[int] = []

    def pay(self, e: _Eval) -> None:
        election = self.election
        assert e.exact is not None
        price = e.exact
        q = price.denominator
        if self.den % q:
            factor = q // gcd(self.den, q)
            self.den *= factor
            self.nums = [x * factor for x in self.nums]
        self.round_of[e.j] = len(self.nums)
        self.nums.append(price.numerator * (self.den // q))
        idx = election.sup[e.j]
        poor = np.zeros(len(idx), dtype=bool)
        poor[e.poor] = True
        self.b[idx[poor]] = 0.0
        self.empty[idx[poor]] = True
        rich = ~poor
        self.b[idx[rich]] -= float(price) * election.w[e.j][rich]
        self.error += 4 * U * float(self.t)


def count(
    projects: Sequence[Project],
    voters: Sequence[Sequence[tuple[str, int]]],
    budget: Decimal,
    completion: str,
    cost_satisfaction: bool,
    greedy_completion: bool,
    score: dict[str, Decimal] | None = None,
) -> SharesOutcome:
    """The Method of Equal Shares over `voters` (each a list of (project, points), points > 0).
    See `counting.equal_shares`."""
    if completion not in ("add1", "none"):
        raise ValueError(f"unknown completion {completion!r}")
    if any(p.cost <= 0 for p in projects):
        raise ValueError("equal shares needs positive costs")
    index = {p.id: i for i, p in enumerate(projects)}
    ballots = [[(index[p], w) for p, w in ballot if p in index] for ballot in voters]
    rule = "equal-shares/add1" if completion == "add1" else "equal-shares"
    if greedy_completion:
        rule += "+greedy"
    n = len(ballots)
    if n == 0:
        bought: list[Share] = []
        left: dict[int, Fraction] = {}
        virtual = budget
        election = None
        result = None
    else:
        election = _Election([p.cost for p in projects], ballots, budget, cost_satisfaction)
        if completion == "add1":
            step, result = election.add1()
        else:
            step, found = 0, election.count(0)
            assert found is not None
            result = found
        virtual = budget + step * n
        unit = election.unit
        bought = [
            Share(
                projects[j].id,
                projects[j].cost,
                election.voters[j],
                r + 1,
                price / unit,
                ran_out,
                Fraction(0),
                FUNDED,
            )
            for r, (j, price, ran_out) in enumerate(
                zip(result.chosen, result.prices, result.ran_out, strict=True)
            )
        ]
    chosen = {s.project for s in bought}

    def behind(j: int) -> Fraction:
        if election is None or result is None or not election.voters[j]:
            return Fraction(0)
        return election.money_left(result, j)

    completed: list[Share] = []
    if greedy_completion:
        spent = sum((s.cost for s in bought), Decimal(0))
        others = [p for p in projects if p.id not in chosen]
        outcome = greedy(others, score or {}, budget - spent, "greedy")
        for decision in outcome.decisions:
            if decision.selected:
                j = index[decision.project]
                completed.append(
                    Share(
                        decision.project,
                        decision.cost,
                        election.voters[j] if election else 0,
                        None,
                        None,
                        0,
                        behind(j),
                        FUNDED_BY_COMPLETION,
                    )
                )
        chosen |= {s.project for s in completed}
    rest = [
        Share(
            p.id,
            p.cost,
            election.voters[index[p.id]] if election else 0,
            None,
            None,
            0,
            behind(index[p.id]),
            NOT_ENOUGH_MONEY,
        )
        for p in projects
        if p.id not in chosen
    ]
    return SharesOutcome(rule, budget, virtual, tuple(bought + completed + rest))


def equal_shares_outcome_scores(
    vote_type: str,
    ballots: Sequence[Sequence[str]],
    points: Sequence[Sequence[int]] | None,
    ballot_length: int | None,
) -> dict[str, Decimal]:
    return scores(vote_type, ballots, points, ballot_length)
