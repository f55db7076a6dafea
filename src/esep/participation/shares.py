"""The Method of Equal Shares, counted fast and exactly.

`count(...)` returns the same `SharesOutcome` as the definition in `counting.equal_shares`'s
docstring: same projects, same order, same prices (exact fractions), same tie-breaks. It rests
on five facts.

1. **Voters with the same ballot** always hold the same money, so they are counted once, with
   their number.
2. **Lazy re-evaluation.** Within a count, budgets only fall, so a project's rate never falls
   from one round to the next: a rate computed in an earlier round is a lower bound, and a
   project is re-evaluated only when that bound could beat the best project of the round. For
   any split of a project's supporters into those who pay all they have and the others,
   `(cost − money of the first) / (points of the others)` is a lower bound of the price,
   whether or not the split is the right one.
3. **Floating point with proof, integers where it is close.** Money is kept as floats with a
   proven bound on their error; a decision (which project is cheapest, whether a project is
   still affordable, who runs out of money) is taken in floating point only when its margin
   exceeds the bound, and otherwise in exact arithmetic. Every price paid is computed exactly:
   a voter's money is the starting share minus the exact prices of the rounds in which they
   paid, over one common denominator, so the floats never drift.
4. **add1 without recounting every step.** With the same projects bought in the same order,
   a larger starting share leaves every voter at least as much money after every round, so
   every price and rate is at most as large. Hence if the counts at shares t_a < t_b buy the
   same projects in the same order, and in every round every other project still in the
   running has a rate at t (a share between them) above the rate paid at t, then every such
   share buys the same projects in the same order: the add1 loop jumps from t_a to t_b.
   The simplest proof of that: the other project's rate at t_b is above the rate paid at t_a.
5. **How fast rates fall.** Between t_a and t_b, a supporter who still has money before a round
   at t_a gains at least 1 + Σ (fall of each earlier price they paid × their points) per unit
   of share; one who pays all they have at t_b does so at every share in between; one with
   nothing left at t_b had nothing at every share in between. So a project's price falls at
   least (the gains of those who pay all they have) / (the points of the others) per unit of
   share, and a rate is bounded by straight lines in between: above by its value at t_a less
   that fall, below by its value at t_b plus it. Comparing those lines at both ends proves
   jumps over stretches where two rates fall side by side.

The add1 loop counts single steps where the outcome changes, and after a proven step jumps as
far as the gaps between rates, and how fast they close, suggest; a jump that cannot be proven
is retried shorter.

Money is counted in integer units of 1 / (voters × 10^d), where d is the number of decimal
places of the budget and the costs, so that the starting share and the costs are integers."""

from __future__ import annotations

import heapq
import operator
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from math import gcd
from typing import Any

import numpy as np

from .counting import (
    FUNDED,
    FUNDED_BY_COMPLETION,
    NOT_ENOUGH_MONEY,
    Outcome,
    Project,
    Share,
    SharesOutcome,
    equal_shares,
    greedy,
    scores,
)
from .pabulib import Instance, election_of

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


class _Eval:
    """A project's price in one round. `lo` is a proven lower bound of its rate (price per
    unit of satisfaction); when the split of its supporters into those who pay everything they
    have (`poor`, positions among its supporters) and the others is proven, `hi` is a proven
    upper bound, `price` the price per point in floating point within `err` of the exact one,
    and `exact` the exact price once computed."""

    __slots__ = ("j", "lo", "hi", "price", "err", "poor", "rich_points", "ran_out", "exact")

    def __init__(self, j: int) -> None:
        self.j = j
        self.exact: Fraction | None = None


class _State:
    """One count at one starting share `t`: every group's money as a float within `error` of
    the exact money, the rounds so far, and their exact prices over one common denominator
    (`nums[r] / den` is round r's price per point)."""

    def __init__(self, election: _Election, t: int) -> None:
        self.election = election
        self.t = t
        size = len(election.m)
        self.b = np.full(size, float(t))
        self.empty = np.zeros(size, dtype=bool)
        # The round in which each group ran out of money (int64 max: not yet).
        self.emptied = np.full(size, np.iinfo(np.int64).max, dtype=np.int64)
        self.error = U * float(t)
        self.round_of = np.full(len(election.cost), -1, dtype=np.int64)
        self.chosen: list[int] = []
        self.rounds: list[_Eval] = []
        self.den = 1
        self.nums: list[int] = []
        # paid[g, r]: the points group g gave the project bought in round r (0: none).
        self.paid = np.zeros(
            (size, min(len(election.cost), 64) or 1), dtype=election.wtype, order="F"
        )
        self.certified = True  # as a guided count: same projects, same order, proven between
        self.reach = np.inf
        # As a guided count: the proven fall of each round's price, and how fast each group's
        # money grows at least (1 + Σ fall of a price it paid × its points), per money unit.
        self.falls: list[float] = []
        self.growth: np.ndarray | None = None
        self.seen: list[dict[int, float]] = []  # per round: the rates evaluated, lower bounds
        self.short: dict[int, float] = {}  # projects found unaffordable: their supporters' money

    def pay(self, e: _Eval) -> None:
        """Buy e's project at its exact price."""
        election = self.election
        price = e.exact
        assert price is not None
        q = price.denominator
        if self.den % q:
            factor = q // gcd(self.den, q)
            self.den *= factor
            self.nums = [x * factor for x in self.nums]
        self.nums.append(price.numerator * (self.den // q))
        idx = election.sup[e.j]
        after = self.b[idx] - float(price) * election.w[e.j]
        after[e.poor] = 0.0
        self.b[idx] = after
        poor = idx[e.poor]
        self.emptied[poor[~self.empty[poor]]] = len(self.chosen)
        self.empty[poor] = True
        r = len(self.chosen)
        if r == self.paid.shape[1]:
            wider = np.zeros((len(self.b), 2 * r), dtype=self.paid.dtype, order="F")
            wider[:, :r] = self.paid
            self.paid = wider
        self.paid[idx, r] = election.wi[e.j]
        self.round_of[e.j] = r
        self.chosen.append(e.j)
        self.rounds.append(e)
        self.error += 4 * U * float(self.t)

    def rate(self, r: int) -> Fraction:
        e = self.rounds[r]
        assert e.exact is not None
        return e.exact / self.election.sat[e.j]


class _Election:
    def __init__(
        self,
        costs: Sequence[Decimal],
        grouped: Counter[tuple[tuple[int, int], ...]],
        n: int,
        budget: Decimal,
        cost_satisfaction: bool,
    ) -> None:
        """`grouped`: each distinct ballot (sorted (project, points) pairs, points > 0) and
        how many of the `n` voters cast it."""
        self.n = n
        self.scale = 10 ** _decimals([budget, *costs])
        self.unit = n * self.scale  # money units per currency unit
        self.budget = int(budget * self.scale) * n
        self.t0 = int(budget * self.scale)  # the starting share, in money units
        self.step = self.unit  # add1: one currency unit more per voter
        p = len(costs)
        self.cost = [int(c * self.scale) * n for c in costs]
        self.cost_f = [float(c) for c in self.cost]
        self.sat = list(self.cost) if cost_satisfaction else [1] * p
        groups = list(grouped)
        self.m = np.array([grouped[g] for g in groups], dtype=np.float64)
        self.ballots = groups
        members: list[list[int]] = [[] for _ in range(p)]
        weights: list[list[int]] = [[] for _ in range(p)]
        for index, group in enumerate(groups):
            for j, w in group:
                members[j].append(index)
                weights[j].append(w)
        self.sup = [np.array(x, dtype=np.int64) for x in members]
        self.w = [np.array(x, dtype=np.float64) for x in weights]
        most = max((max(x) for x in weights if x), default=1)
        self.wtype = np.int8 if most < 128 else np.int32
        self.wi = [np.array(x, dtype=self.wtype) for x in weights]
        self.ones = [bool(x) and max(x) == 1 for x in weights]
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

    def exact_sum(self, state: _State, groups: np.ndarray) -> int:
        """Σ (voters × money) of the given groups (none of them empty), times `state.den`."""
        if not len(groups):
            return 0
        people = self.m[groups]
        total = int(people.sum())
        rounds = len(state.nums)
        if not rounds:
            return total * state.t * state.den
        points = people @ state.paid[groups, :rounds]  # per round: Σ voters × points paid for
        spent = sum(map(operator.mul, points.astype(np.int64).tolist(), state.nums))
        return total * state.t * state.den - spent

    def exact_budget(self, state: _State, g: int) -> int:
        """The exact money of group g's voters now, times `state.den`."""
        if state.empty[g]:
            return 0
        left = state.t * state.den
        for j, w in self.ballots[g]:
            r = state.round_of[j]
            if r >= 0:
                left -= state.nums[r] * w
        return left

    def check(self, e: _Eval) -> None:
        assert e.exact is not None
        if abs(float(e.exact) - e.price) > e.err:  # pragma: no cover - a bound failed
            raise ArithmeticError("equal shares: a floating-point error bound failed")

    # --- one project in one round ---------------------------------------------------------

    def evaluate(self, state: _State, j: int) -> _Eval | None:
        """The price of project j now, or None if its supporters cannot pay for it."""
        idx = self.sup[j]
        budgets = state.b[idx]
        mb = self.msup[j] * budgets
        total = float(mb.sum())
        cost = self.cost_f[j]
        slack = SAFETY * (self.voters[j] * state.error + (len(idx) + 3) * U * max(total, cost))
        if total + slack < cost:
            state.short[j] = total
            return None
        if total - slack < cost:
            live = idx[~state.empty[idx]]
            if self.exact_sum(state, live) < self.cost[j] * state.den:
                state.short[j] = total
                return None
            return self.evaluate_exactly(state, j)
        ratio = budgets if self.ones[j] else budgets / self.w[j]
        points = self.points[j]
        pi = cost / points
        poor = ratio < pi
        k = int(np.count_nonzero(poor))
        rich = points
        poor_voters = 0.0
        if k:
            weight = poor.astype(np.float64)
            for _ in range(8):
                rich = points - float(self.mw[j] @ weight)
                pi = (cost - float(mb @ weight)) / rich
                more = ratio < pi
                grown = int(np.count_nonzero(more))
                if grown == k:
                    break
                poor, k = more, grown
                weight = poor.astype(np.float64)
            else:
                return self.evaluate_sorted(state, j, budgets, mb, ratio)
            poor_voters = float(self.msup[j] @ weight)
        err = SAFETY * ((poor_voters * state.error + (len(idx) + 3) * U * cost) / rich + 2 * U * pi)
        margin = err + state.error
        if k and float(np.where(poor, ratio, -np.inf).max()) >= pi - margin:
            return self.evaluate_exactly(state, j)
        if k < len(idx) and float(np.where(poor, np.inf, ratio).min()) < pi + margin:
            return self.evaluate_exactly(state, j)
        return self._proven(j, pi, err, np.flatnonzero(poor), rich, poor_voters)

    def _proven(
        self, j: int, pi: float, err: float, poor: np.ndarray, rich: float, voters: float
    ) -> _Eval:
        e = _Eval(j)
        sat = self.sat[j]
        e.price = pi
        e.err = err
        e.lo = (pi - err) / sat * (1 - 4 * U)
        e.hi = (pi + err) / sat * (1 + 4 * U)
        e.poor = poor
        e.rich_points = int(round(rich))
        e.ran_out = int(round(voters))
        return e

    def evaluate_sorted(
        self, state: _State, j: int, budgets: np.ndarray, mb: np.ndarray, ratio: np.ndarray
    ) -> _Eval | None:
        """As `evaluate`, by sorting the supporters: for a project many supporters of which
        cannot pay the price."""
        cost = self.cost_f[j]
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
            return self.evaluate_exactly(state, j)
        pi = float(price[k])
        rich = float(rest[k])
        poor_voters = float(self.msup[j][order[:k]].sum()) if k else 0.0
        err = SAFETY * ((poor_voters * state.error + (k + 3) * U * cost) / rich + 2 * U * pi)
        if k and sorted_ratio[k - 1] + state.error >= pi - err:
            return self.evaluate_exactly(state, j)
        if sorted_ratio[k] - state.error < pi + err:
            return self.evaluate_exactly(state, j)
        return self._proven(j, pi, err, np.sort(order[:k]), rich, poor_voters)

    def make_exact(self, state: _State, e: _Eval) -> None:
        if e.exact is not None:
            return
        poor = self.sup[e.j][e.poor]
        live = poor[~state.empty[poor]]
        paid = self.exact_sum(state, live)
        e.exact = Fraction(self.cost[e.j] * state.den - paid, state.den * e.rich_points)
        self.check(e)
        e.price = float(e.exact)
        e.err = 2 * U * e.price

    def evaluate_exactly(self, state: _State, j: int) -> _Eval | None:
        """The price of project j now, in exact arithmetic throughout."""
        idx = self.sup[j]
        money = [self.exact_budget(state, int(g)) for g in idx]
        den = state.den
        people = [int(x) for x in self.msup[j]]
        weights = [int(x) for x in self.w[j]]
        if sum(m * b for m, b in zip(people, money, strict=True)) < self.cost[j] * den:
            return None
        order = sorted(range(len(idx)), key=lambda i: Fraction(money[i], weights[i]))
        paid = 0
        rest = int(round(self.points[j]))
        for position, i in enumerate(order):
            price = Fraction(self.cost[j] * den - paid, den * rest)
            if price * weights[i] * den <= money[i]:
                poor = sorted(order[:position])
                break
            paid += people[i] * money[i]
            rest -= people[i] * weights[i]
        else:  # pragma: no cover - the money was enough, so the last supporter can pay
            raise ArithmeticError("equal shares: no price found")
        e = self._proven(
            j,
            float(price),
            U * float(price),
            np.array(poor, dtype=np.int64),
            rest,
            sum(people[i] for i in poor),
        )
        e.exact = price
        return e

    def exact_rate(self, e: _Eval) -> Fraction:
        assert e.exact is not None
        return e.exact / self.sat[e.j]

    # --- one count ------------------------------------------------------------------------

    def count(
        self, k: int, guide: _State | None = None, span: int = 1, strict: bool = False
    ) -> _State | None:
        """The count with a starting share of t0 + k × step.

        With `guide` (the count `span` steps before), the count also checks facts 4 and 5 of
        the module docstring: it buys the same projects in the same order, and in every round
        every other project still in the running has, at every share in between, a rate above
        the one paid. `certified` says whether it held; with `strict`, the count stops and
        returns None as soon as it fails. `reach` estimates how many more steps the same check
        would hold."""
        state = _State(self, self.t0 + k * self.step)
        if guide is not None:
            state.growth = np.ones(len(self.m))
        heap = list(self.first)
        heapq.heapify(heap)
        static = self.static
        while heap:
            r = len(state.chosen)
            guided = guide is not None and state.certified and r < len(guide.chosen)
            bar = -1.0
            if guided:
                assert guide is not None
                bar = guide.rounds[r].hi
            fresh: list[_Eval] = []
            best: _Eval | None = None
            while heap and (best is None or heap[0][0] <= max(best.hi, bar)):
                _, _, j = heapq.heappop(heap)
                e = self.evaluate(state, j)
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
                    self.make_exact(state, e)
                best = min(close, key=lambda e: (self.exact_rate(e), static[e.j]))
            if guide is not None and state.certified:
                falls: dict[int, float] = {}
                if not self.sandwich(state, guide, r, best, fresh, span, falls):
                    state.certified = False
                    if strict:
                        return None
                else:
                    reach = self.reach(state, guide, r, span, best, fresh, falls)
                    state.reach = min(state.reach, reach)
            state.seen.append({e.j: e.lo for e in fresh})
            for e in fresh:
                if e is not best:
                    heapq.heappush(heap, (e.lo, static[e.j], e.j))
            self.make_exact(state, best)
            if guide is not None and state.certified:
                assert state.growth is not None
                fall = self.price_fall(state, best, guide, r)
                state.falls.append(fall)
                rich = np.ones(len(self.sup[best.j]), dtype=bool)
                rich[best.poor] = False
                state.growth[self.sup[best.j][rich]] += fall * self.w[best.j][rich]
            state.pay(best)
        if guide is not None and len(state.chosen) != len(guide.chosen):
            state.certified = False
            if strict:
                return None
        if guide is not None and state.certified:
            state.reach = min(state.reach, self.reach_to_afford(state, guide, span))
        return state

    def reach_to_afford(self, state: _State, guide: _State, span: int) -> float:
        """An estimate of how many steps beyond this count a project found unaffordable stays
        so: the money its supporters lack, over how fast their money grew since the guide (or
        one money unit per supporter and step)."""
        reach = np.inf
        for j, total in state.short.items():
            before = guide.short.get(j)
            growth = (total - before) / span if before is not None else 0.0
            growth = max(growth, self.voters[j] * float(self.step))
            reach = min(reach, (self.cost_f[j] - total) / growth)
        return reach

    def fall(self, state: _State, e: _Eval, guide: _State, r: int) -> float:
        """A proven lower bound of how fast e's rate in round r falls as the starting share
        grows, per money unit, between the guide's share and this count's (fact 5 of the
        module docstring)."""
        return self.price_fall(state, e, guide, r) / self.sat[e.j]

    def price_fall(self, state: _State, e: _Eval, guide: _State, r: int) -> float:
        """As `fall`, for the price per point."""
        if not len(e.poor):
            return 0.0
        poor = self.sup[e.j][e.poor]
        live = guide.emptied[poor] >= r
        if not live.any():
            return 0.0
        kept = poor[live]
        # The most the supporters can add per unit of price: not the kept groups (who pay all
        # they have at every share in between), nor the groups with nothing left before this
        # round here (then also at every smaller share).
        out = live | (state.emptied[poor] < r)
        rest = self.points[e.j] - float(self.mw[e.j][e.poor[out]].sum())
        if rest <= 0:  # pragma: no cover - someone always pays the full price
            return 0.0
        assert state.growth is not None
        return float(self.m[kept] @ state.growth[kept]) / rest * (1 - 256 * U)

    def reach(
        self,
        state: _State,
        guide: _State,
        r: int,
        span: int,
        best: _Eval,
        fresh: list[_Eval],
        falls: dict[int, float],
    ) -> float:
        """Round r's estimate of how many steps beyond this count facts 4 and 5 would still
        hold: for each other project evaluated, the gap between its rate and the best rate,
        over how fast that gap could close per step (its rate's fall since the guide, or the
        best project's if it was not evaluated then, less the proven fall). Projects not
        evaluated in this round are left out: a longer jump evaluates them."""
        g = guide.rounds[r]
        before = guide.seen[r]
        own = max((g.hi - best.lo) / span, 0.0)
        reach = np.inf
        for e in fresh:
            if e is best:
                continue
            fall = (before[e.j] - e.lo) / span if e.j in before else own
            gap = e.lo - best.hi
            if fall <= 0 or gap >= fall * reach:
                continue
            if best.j not in falls:
                falls[best.j] = self.fall(state, best, guide, r)
            if e.j not in falls:
                falls[e.j] = self.fall(state, e, guide, r)
            closing = fall - min(falls[e.j], falls[best.j]) * self.step
            if closing > 0:
                reach = min(reach, gap / closing)
        return reach

    def sandwich(
        self,
        state: _State,
        guide: _State,
        r: int,
        best: _Eval,
        fresh: list[_Eval],
        span: int,
        falls: dict[int, float],
    ) -> bool:
        """Round r of a guided count (facts 4 and 5): the same project as the guide, and every
        other project in the running has, at every share in between, a rate above the best
        one's. A project's rate at a share in between is at least its rate here plus its
        proven fall; the best project's is at most its rate at the guide's share less its
        proven fall; comparing these two straight lines at both ends suffices. Otherwise: its
        rate here above the best one's at the guide's share (or equal and behind in the
        tie-break)."""
        if r >= len(guide.chosen) or best.j != guide.chosen[r]:
            return False
        g = guide.rounds[r]
        width = span * self.step
        theta: Fraction | None = None
        for e in fresh:
            if e is best or e.lo > g.hi:
                continue
            if best.j not in falls:
                falls[best.j] = self.fall(state, best, guide, r)
            falls[e.j] = self.fall(state, e, guide, r)
            ahead = e.lo + falls[e.j] * width - g.hi
            behind = e.lo - g.hi + falls[best.j] * width
            slack = 8 * U * (abs(e.lo) + abs(g.hi) + (falls[e.j] + falls[best.j]) * width)
            if ahead > slack and behind > slack:
                continue
            if e.hi < g.lo:
                return False
            if theta is None:
                theta = guide.rate(r)
            self.make_exact(state, e)
            if (self.exact_rate(e), self.static[e.j]) <= (theta, self.static[best.j]):
                return False
        return True

    # --- add1 -----------------------------------------------------------------------------

    def spent(self, state: _State) -> int:
        return sum(self.cost[j] for j in state.chosen)

    def exhaustive(self, state: _State) -> bool:
        left = self.budget - self.spent(state)
        chosen = set(state.chosen)
        return all(j in chosen or self.cost[j] > left for j in self.supported)

    def complete(self, state: _State) -> bool:
        """Every project with supporters is bought (a count only buys such projects)."""
        return len(state.chosen) == len(self.supported)

    def add1(self, exhaustive_stop: bool = True) -> tuple[int, _State]:
        """The last count of the add1 loop and its step: while the outcome leaves money for
        another project with supporters, raise every voter's share by one currency unit, as
        long as the outcome costs at most the budget. Without `exhaustive_stop`, the loop does
        not stop at an outcome that leaves no money for another project: it goes on while the
        next outcome costs at most the budget, until every project with supporters is bought.
        Counts at single steps are guided by the previous one; after a proven step the loop
        tries to jump as far as the count estimates it may (`reach`), and after a jump that
        could not be proven, at most halfway to where it aimed. Where jumps do not come,
        guiding (which costs more) is tried less often: after n guided steps or jumps in a row
        that did not lead to a jump, the next 2^n − 1 single steps (at most 4) are counted
        without a guide.

        A proven jump lands on a count that buys the same projects in the same order as every
        count it jumps over and as the count it starts from, so each of them costs what that
        count costs and none of them is a stopping point (with either stop) if the count it
        starts from is not: single steps would have gone on to the same count."""
        done = self.exhaustive if exhaustive_stop else self.complete
        k = 0
        current = self.count(0)
        assert current is not None
        if done(current):
            return k, current
        jump = 0
        misses = 0
        patience = 0
        ceiling = None  # a step a jump failed to reach: later jumps aim at most halfway there
        while True:
            if ceiling is not None:
                if ceiling <= k + 1:
                    ceiling = None
                else:
                    jump = min(jump, (ceiling - k) // 2)
            if jump >= 2:
                ahead = self.count(k + jump, guide=current, span=jump, strict=True)
                if ahead is None:
                    ceiling = k + jump
                    jump //= 4
                    misses += 1
                    continue
                k += jump
                current = ahead
                jump = self.next_jump(ahead, jump)
                misses = 0
                continue
            guided = patience == 0
            following = self.count(k + 1, guide=current if guided else None)
            assert following is not None
            if self.spent(following) > self.budget:
                return k, current
            k += 1
            if done(following):
                return k, following
            current = following
            if not guided:
                patience -= 1
                continue
            jump = self.next_jump(following, 1) if following.certified else 0
            if jump < 2:
                patience = min(2**misses - 1, 4)
                misses += 1

    @staticmethod
    def next_jump(state: _State, last: int) -> int:
        """How far to try to jump next: 9/10 of the estimated reach, at most 16 × the last
        jump (a jump that fails to be proven costs one count; one that falls short, more)."""
        return int(min(state.reach * 0.9, 16 * last))

    # --- the outcome ----------------------------------------------------------------------

    def prices(self, state: _State) -> list[Fraction]:
        return [e.exact for e in state.rounds if e.exact is not None]

    def money_left(self, state: _State, j: int) -> Fraction:
        """Σ over project j's supporters of the money they have after the count."""
        idx = self.sup[j]
        live = idx[~state.empty[idx]]
        total = self.exact_sum(state, live)
        return Fraction(total, state.den * self.unit)


def _distinct(
    vote_type: str,
    ballots: Sequence[Sequence[str]],
    points: Sequence[Sequence[int]] | None,
    ballot_length: int | None,
) -> tuple[Counter[Any], list[Any], list[list[tuple[str, int]]]]:
    """The distinct ballots (with their points where the vote type has them), how many voters
    cast each, and each one's utilities."""
    if vote_type in ("cumulative", "scoring"):
        if points is None:
            raise ValueError("cumulative and scoring ballots need points")
        raw: Counter[Any] = Counter(zip(map(tuple, ballots), map(tuple, points), strict=True))
        distinct = list(raw)
        return (
            raw,
            distinct,
            utilities(vote_type, [b for b, _ in distinct], [p for _, p in distinct]),
        )
    raw = Counter(map(tuple, ballots))
    distinct = list(raw)
    return raw, distinct, utilities(vote_type, distinct, None, ballot_length)


def count(
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
    """The Method of Equal Shares: see `counting.equal_shares`."""
    if completion not in ("add1", "none"):
        raise ValueError(f"unknown completion {completion!r}")
    if any(p.cost <= 0 for p in projects):
        raise ValueError("equal shares needs positive costs")
    index = {p.id: i for i, p in enumerate(projects)}
    raw, distinct, given = _distinct(vote_type, ballots, points, ballot_length)
    grouped: Counter[tuple[tuple[int, int], ...]] = Counter()
    for key, ballot in zip(distinct, given, strict=True):
        grouped[tuple(sorted((index[p], w) for p, w in ballot if p in index))] += raw[key]
    score = scores(vote_type, ballots, points, ballot_length) if greedy_completion else {}
    rule = "equal-shares/add1" if completion == "add1" else "equal-shares"
    if completion == "add1" and not exhaustive_stop:
        rule += "-no-stop"
    if greedy_completion:
        rule += "+greedy"
    n = len(ballots)
    if n == 0:
        bought: list[Share] = []
        virtual = budget
        election = None
        result = None
    else:
        election = _Election(
            [p.cost for p in projects],
            grouped,
            n,
            budget,
            cost_satisfaction=vote_type in ("approval", "choose-1"),
        )
        if completion == "add1":
            step, result = election.add1(exhaustive_stop)
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
                zip(
                    result.chosen,
                    election.prices(result),
                    [e.ran_out for e in result.rounds],
                    strict=True,
                )
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
        outcome = greedy(others, score, budget - spent, "greedy")
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


def shares_outcome(
    instance: Instance,
    completion: str = "add1",
    greedy_completion: bool = False,
    exhaustive_stop: bool = True,
) -> SharesOutcome:
    """The Method of Equal Shares on a Pabulib instance, with the satisfaction of its vote type
    (META `max_length` is the ordinal ballots' length for Borda points)."""
    election = election_of(instance)
    return equal_shares(
        election.projects,
        election.ballots,
        instance.budget,
        completion,
        vote_type=instance.vote_type,
        points=election.points,
        ballot_length=election.ballot_length,
        greedy_completion=greedy_completion,
        exhaustive_stop=exhaustive_stop,
    )


# --- the comparison step ----------------------------------------------------------------------

EQUAL_SHARES = "equal-shares"
GREEDY = "greedy"


@dataclass(frozen=True)
class Comparison:
    """The comparison step: the Equal Shares outcome against the greedy one (by score), and
    how many voters prefer each, a voter preferring the outcome that funds more of the projects
    on their ballot (projects they gave no points count for neither; equal numbers prefer
    neither). Greedy wins only if strictly more voters prefer it."""

    shares: SharesOutcome
    greedy: Outcome
    prefer_shares: int
    prefer_greedy: int

    @property
    def winner(self) -> str:
        return GREEDY if self.prefer_greedy > self.prefer_shares else EQUAL_SHARES

    @property
    def selected(self) -> list[str]:
        return self.greedy.selected if self.winner == GREEDY else self.shares.selected

    @property
    def spent(self) -> Decimal:
        return self.greedy.spent if self.winner == GREEDY else self.shares.spent


def compare_with_greedy(
    shares: SharesOutcome,
    projects: Sequence[Project],
    ballots: Sequence[Sequence[str]],
    budget: Decimal,
    *,
    vote_type: str = "approval",
    points: Sequence[Sequence[int]] | None = None,
    ballot_length: int | None = None,
) -> Comparison:
    """The comparison step after `shares` (an Equal Shares outcome of the same election):
    greedy by score (`counting.greedy`, its tie-break included) and the voters who prefer each
    outcome (see `Comparison`)."""
    outcome = greedy(projects, scores(vote_type, ballots, points, ballot_length), budget)
    by_shares = set(shares.selected)
    by_greedy = set(outcome.selected)
    keys, distinct, given = _distinct(vote_type, ballots, points, ballot_length)
    prefer_shares = prefer_greedy = 0
    for key, ballot in zip(distinct, given, strict=True):
        chosen = {p for p, _ in ballot}
        difference = len(chosen & by_shares) - len(chosen & by_greedy)
        if difference > 0:
            prefer_shares += keys[key]
        elif difference < 0:
            prefer_greedy += keys[key]
    return Comparison(shares, outcome, prefer_shares, prefer_greedy)


def compared_outcome(instance: Instance) -> Comparison:
    """Pabulib's `equalshares/add1-comparison` on an instance: Equal Shares with add1 without
    the stop when no other project fits (`exhaustive_stop=False`), then the comparison step."""
    election = election_of(instance)
    return compare_with_greedy(
        shares_outcome(instance, "add1", exhaustive_stop=False),
        election.projects,
        election.ballots,
        instance.budget,
        vote_type=instance.vote_type,
        points=election.points,
        ballot_length=election.ballot_length,
    )
