"""The Method of Equal Shares: the fast count (`esep.participation.shares`) against a slow,
plain transcription of the definition (`reference` below: one voter at a time, fractions
throughout, the add1 loop one step at a time), compared as whole outcomes (every `Share`),
on seeded random approval, cumulative and ordinal instances (with exact ties, and with long
add1 raises) and on the real instances kept in tests/participation/pabulib/; Assen 2024
reproduced; explanations checked on instances whose numbers are worked out by hand."""

from __future__ import annotations

import random
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from esep.participation.counting import (
    FUNDED,
    FUNDED_BY_COMPLETION,
    NOT_ENOUGH_MONEY,
    Project,
    Share,
    SharesOutcome,
    equal_shares,
    greedy,
    scores,
)
from esep.participation.pabulib import read_pb
from esep.participation.shares import shares_outcome

HERE = Path(__file__).parent / "pabulib"
D = Decimal


def reference(
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
    """The definition of `equal_shares`, counted the slow way."""
    if vote_type in ("cumulative", "scoring"):
        assert points is not None
        given = [dict(zip(b, p, strict=True)) for b, p in zip(ballots, points, strict=True)]
    elif vote_type == "ordinal":
        length = ballot_length or max((len(b) for b in ballots), default=0)
        given = [{p: length - rank for rank, p in enumerate(b)} for b in ballots]
    else:
        given = [dict.fromkeys(b, 1) for b in ballots]
    n = len(ballots)
    # supporters[p]: (voter, points) with points > 0
    supporters = {
        p.id: [(i, w[p.id]) for i, w in enumerate(given) if w.get(p.id, 0) > 0] for p in projects
    }
    cost_satisfaction = vote_type in ("approval", "choose-1")
    place = {p.id: i for i, p in enumerate(projects)}

    def once(virtual: Fraction) -> tuple[list[tuple[Project, Fraction, int]], list[Fraction]]:
        money = [virtual / n] * n
        bought: list[tuple[Project, Fraction, int]] = []
        left = [p for p in projects if supporters[p.id]]
        while True:
            best = None
            for p in left:
                backers = supporters[p.id]
                cost = Fraction(p.cost)
                if sum(money[i] for i, _ in backers) < cost:
                    continue
                # The lowest price per point r with Σ min(money, r × points) = cost.
                paid, rest = Fraction(0), sum(w for _, w in backers)
                for i, w in sorted(backers, key=lambda b: money[b[0]] / b[1]):
                    price = (cost - paid) / rest
                    if price * w <= money[i]:
                        break
                    paid += money[i]
                    rest -= w
                rate = price / cost if cost_satisfaction else price
                key = (rate, -len(backers), p.cost, place[p.id])
                if best is None or key < best[0]:
                    ran_out = sum(1 for i, w in backers if money[i] < price * w)
                    best = (key, p, price, ran_out)
            if best is None:
                return bought, money
            _, p, price, ran_out = best
            for i, w in supporters[p.id]:
                money[i] -= min(money[i], price * w)
            bought.append((p, price, ran_out))
            left.remove(p)

    virtual = Fraction(budget)
    bought, money = once(virtual) if n else ([], [])
    while completion == "add1" and n:
        spent = sum(p.cost for p, _, _ in bought)
        chosen = {p.id for p, _, _ in bought}
        if all(
            p.id in chosen or (exhaustive_stop and spent + p.cost > budget) or not supporters[p.id]
            for p in projects
        ):
            break
        again, again_money = once(virtual + n)
        if sum(p.cost for p, _, _ in again) > budget:
            break
        virtual += n
        bought, money = again, again_money

    def behind(p: Project) -> Fraction:
        return sum((money[i] for i, _ in supporters[p.id]), Fraction(0))

    shares = [
        Share(p.id, p.cost, len(supporters[p.id]), r, price, ran_out, Fraction(0), FUNDED)
        for r, (p, price, ran_out) in enumerate(bought, start=1)
    ]
    chosen = {s.project for s in shares}
    if greedy_completion:
        score = scores(vote_type, ballots, points, ballot_length)
        spent = sum((s.cost for s in shares), Decimal(0))
        others = [p for p in projects if p.id not in chosen]
        for d in greedy(others, score, budget - spent).decisions:
            if d.selected:
                p = next(p for p in projects if p.id == d.project)
                shares.append(
                    Share(
                        p.id,
                        p.cost,
                        len(supporters[p.id]),
                        None,
                        None,
                        0,
                        behind(p),
                        FUNDED_BY_COMPLETION,
                    )
                )
                chosen.add(p.id)
    shares += [
        Share(p.id, p.cost, len(supporters[p.id]), None, None, 0, behind(p), NOT_ENOUGH_MONEY)
        for p in projects
        if p.id not in chosen
    ]
    rule = "equal-shares/add1" if completion == "add1" else "equal-shares"
    if completion == "add1" and not exhaustive_stop:
        rule += "-no-stop"
    if greedy_completion:
        rule += "+greedy"
    virtual_budget = Decimal(virtual.numerator) / Decimal(virtual.denominator)
    return SharesOutcome(rule, budget, virtual_budget, tuple(shares))


# --- random instances -----------------------------------------------------------------------


def random_case(seed: int, vote_type: str) -> dict:
    rng = random.Random(seed)
    size = rng.randint(1, 7)
    names = [f"p{i}" for i in rng.sample(range(20), size)]  # ids not in process order
    decimals = rng.choice([0, 0, 1, 2])
    costs = [D(rng.randint(1, 12 * 10**decimals)) / 10**decimals for _ in names]
    projects = [Project(n, c) for n, c in zip(names, costs, strict=True)]
    budget = D(rng.randint(1, 30 * 10**decimals)) / 10**decimals
    budget = max(budget, max(costs))
    voters = rng.randint(0 if seed % 50 == 0 else 1, 12)
    ballots, points = [], []
    for _ in range(voters):
        ballot = rng.sample(names, rng.randint(0, size))
        ballots.append(ballot)
        points.append([rng.randint(0, 4) for _ in ballot])
    case = {"projects": projects, "ballots": ballots, "budget": budget, "vote_type": vote_type}
    if vote_type == "cumulative":
        case["points"] = points
    if vote_type == "ordinal":
        case["ballot_length"] = rng.choice([None, size + rng.randint(0, 2)])
    return case


@pytest.mark.parametrize("vote_type", ["approval", "cumulative", "ordinal"])
@pytest.mark.parametrize("completion", ["add1", "none"])
def test_the_fast_count_equals_the_definition_on_random_instances(vote_type, completion):
    for seed in range(150):
        case = random_case(seed, vote_type)
        for greedy_completion in (False, True):
            fast = equal_shares(**case, completion=completion, greedy_completion=greedy_completion)
            slow = reference(**case, completion=completion, greedy_completion=greedy_completion)
            assert fast == slow, (seed, case)


def tied_case(seed: int) -> dict:
    """Many equal costs and identical ballots, so that rates tie exactly and often."""
    rng = random.Random(seed)
    names = [f"q{i}" for i in range(rng.randint(2, 6))]
    projects = [Project(n, D(rng.choice([2, 4, 6]))) for n in names]
    kinds = [rng.sample(names, rng.randint(1, min(3, len(names)))) for _ in range(3)]
    ballots = [list(rng.choice(kinds)) for _ in range(rng.randint(1, 18))]
    return {"projects": projects, "ballots": ballots, "budget": D(rng.choice([6, 9, 12]))}


def test_the_fast_count_equals_the_definition_when_rates_tie():
    for seed in range(200):
        case = tied_case(seed)
        assert equal_shares(**case) == reference(**case), seed


def long_case(seed: int, vote_type: str) -> dict:
    """Few voters, costs far above a voter's share: the add1 loop raises the shares hundreds
    of times, and the fast count jumps over many raises at once."""
    rng = random.Random(seed)
    names = [f"s{i}" for i in range(rng.randint(3, 7))]
    projects = [Project(n, D(rng.randint(100, 3000))) for n in names]
    budget = D(sum(p.cost for p in projects) * rng.randint(3, 6) // 10)
    budget = max(budget, max(p.cost for p in projects))
    ballots = [rng.sample(names, rng.randint(1, len(names))) for _ in range(rng.randint(2, 9))]
    case = {"projects": projects, "ballots": ballots, "budget": budget, "vote_type": vote_type}
    if vote_type == "cumulative":
        case["points"] = [[rng.randint(1, 5) for _ in b] for b in ballots]
    return case


@pytest.mark.parametrize("vote_type", ["approval", "cumulative", "ordinal"])
def test_the_fast_count_equals_the_definition_on_long_raises(vote_type):
    for seed in range(60):
        case = long_case(seed, vote_type)
        assert equal_shares(**case) == reference(**case), seed


def test_the_add1_jumps_equal_the_definition_on_a_long_raise():
    """Few voters and costs far above their shares: 315 and 204 add1 steps, with outcomes that
    stay the same over long stretches, which the fast count jumps over."""
    rng = random.Random(7)
    names = [f"r{i}" for i in range(8)]
    projects = [Project(n, D(rng.randint(100, 4000))) for n in names]
    ballots = [rng.sample(names, rng.randint(1, 4)) for _ in range(9)]
    for budget in (D(5000), D("6000.5")):
        fast = equal_shares(projects, ballots, budget)
        assert fast == reference(projects, ballots, budget)
        assert fast.virtual_budget > budget + 9 * 100


# --- add1 without the exhaustive stop ---------------------------------------------------------


@pytest.mark.parametrize("vote_type", ["approval", "cumulative", "ordinal"])
def test_add1_without_the_exhaustive_stop_equals_the_definition(vote_type):
    """Random, long-raise and tied instances: the fast loop, jumps included, ends where single
    steps end, with the same outcome; on some instances the two stops differ."""
    differ = 0
    for seed in range(150):
        case = random_case(seed, vote_type)
        fast = equal_shares(**case, exhaustive_stop=False)
        assert fast == reference(**case, exhaustive_stop=False), (seed, case)
        assert fast.spent <= case["budget"]
        differ += fast.selected != equal_shares(**case).selected
    for seed in range(60):
        case = long_case(seed, vote_type)
        fast = equal_shares(**case, exhaustive_stop=False)
        assert fast == reference(**case, exhaustive_stop=False), seed
        differ += fast.selected != equal_shares(**case).selected
    assert differ >= 5


def test_add1_without_the_exhaustive_stop_equals_the_definition_when_rates_tie():
    for seed in range(200):
        case = tied_case(seed)
        fast = equal_shares(**case, exhaustive_stop=False, greedy_completion=seed % 2 == 0)
        slow = reference(**case, exhaustive_stop=False, greedy_completion=seed % 2 == 0)
        assert fast == slow, seed


def test_add1_without_the_exhaustive_stop_goes_on_past_an_exhaustive_outcome():
    """Three voters, a budget of 5: shares of 5/3. Y's two supporters have 10/3, short of 5;
    Z (1) is bought from voter 1. With 4 left no other project fits, so the exhaustive stop
    ends there. Without it: at shares of 7/3 still Z; at 8/3 Y's supporters pay 5/2 each, a
    rate of 1/2 per unit of cost against Z's 1, so Y comes first and voter 1 has 1/6 left, too
    little for Z. At 11/3 they buy Y and Z, 6 > 5: the loop keeps the count at 8/3."""
    projects = [Project("X", D(5)), Project("Y", D(5)), Project("Z", D(1))]
    ballots = [["X"], ["Y", "Z"], ["Y"]]
    stop = equal_shares(projects, ballots, D(5))
    assert stop.selected == ["Z"] and stop.virtual_budget == D(5)
    no_stop = equal_shares(projects, ballots, D(5), exhaustive_stop=False)
    assert no_stop.rule == "equal-shares/add1-no-stop"
    assert no_stop.selected == ["Y"] and no_stop.virtual_budget == D(8)
    assert no_stop.shares[0].price == Fraction(5, 2)
    # A budget of 6: shares of 2, 3 and 4 buy Y and Z; at 5 X too, 11 > 6.
    wider = equal_shares(projects, ballots, D(6), exhaustive_stop=False)
    assert wider.selected == ["Y", "Z"] and wider.virtual_budget == D(12)


# --- real instances -------------------------------------------------------------------------


def test_assen_2024_is_reproduced():
    """Assen 2024 (META rule equalshares/add1, no greedy completion): the city's winners, and
    every share exactly as the definition counts it."""
    instance = read_pb((HERE / "Netherlands_Assen_2024.pb").read_bytes(), "Assen")
    winners = {pid for pid, row in instance.projects.items() if row["selected"].strip() != "0"}
    outcome = shares_outcome(instance)
    assert set(outcome.selected) == winners
    assert outcome.virtual_budget == D(170812)
    projects = [Project(pid, instance.cost(pid)) for pid in instance.projects]
    ballots = [instance.ballot(v) for v in instance.votes]
    assert outcome == reference(projects, ballots, instance.budget)


@pytest.mark.parametrize(
    "name",
    [
        "Poland_Zabrze_2020_Konczyce.pb",  # choose-1
        "Poland_Czestochowa_2020_Grabowka.pb",  # cumulative
        "Worldwide_Mechanical_Turk_Utilities_3.pb",  # cumulative
        "Switzerland_Zurich_S5R.pb",  # ordinal
        "Switzerland_Zurich_D10.pb",  # cumulative
    ],
)
def test_real_instances_of_each_vote_type_equal_the_definition(name):
    instance = read_pb((HERE / name).read_bytes(), name)
    voters = list(instance.votes)
    projects = [Project(pid, instance.cost(pid)) for pid in instance.projects]
    ballots = [instance.ballot(v) for v in voters]
    points = [instance.points(v) for v in voters] if instance.vote_type == "cumulative" else None
    length = instance.meta.get("max_length", "").strip()
    extra = {
        "vote_type": instance.vote_type,
        "points": points,
        "ballot_length": int(length) if length.isdigit() else None,
    }
    for greedy_completion in (False, True):
        fast = shares_outcome(instance, greedy_completion=greedy_completion)
        slow = reference(
            projects, ballots, instance.budget, greedy_completion=greedy_completion, **extra
        )
        assert fast == slow
    assert fast.spent <= instance.budget


# --- explanations ---------------------------------------------------------------------------


def test_each_project_is_explained():
    """Four voters with shares of 25. A (60): its three supporters pay 20 each, a rate of
    1/3 per unit of cost, the best. Then C (30): voter 0 has 5 left and pays it (ran out),
    voter 3 pays 25, the price. B (40): its supporter has nothing left."""
    projects = [Project("A", D(60)), Project("B", D(40)), Project("C", D(30))]
    ballots = [["A", "C"], ["A"], ["A"], ["B", "C"]]
    outcome = equal_shares(projects, ballots, D(100))
    a, c, b = outcome.shares
    assert (a.project, a.round, a.price, a.ran_out, a.supporters) == ("A", 1, 20, 0, 3)
    assert (c.project, c.round, c.price, c.ran_out, c.supporters) == ("C", 2, 25, 1, 2)
    assert (b.project, b.round, b.price, b.money_behind) == ("B", None, None, 0)
    assert b.reason == NOT_ENOUGH_MONEY and a.reason == c.reason == FUNDED
    assert outcome.selected == ["A", "C"] and outcome.spent == 90
    # B no longer fits the 10 left, so add1 does not raise the shares.
    assert outcome.virtual_budget == D(100)


def test_prices_with_points_are_per_point():
    """Cumulative: voter 0 gives X 3 points, voter 1 gives it 1 point; shares of 10. X (8)
    costs 2 per point: voter 0 pays 6, voter 1 pays 2. Y (9), supported by voter 1 alone
    with 2 points, would need 9 from the 8 voter 1 has left."""
    projects = [Project("X", D(8)), Project("Y", D(9))]
    outcome = equal_shares(
        projects,
        [["X"], ["X", "Y"]],
        D(20),
        "none",
        vote_type="cumulative",
        points=[[3], [1, 2]],
    )
    x, y = outcome.shares
    assert (x.project, x.round, x.price, x.ran_out, x.reason) == ("X", 1, 2, 0, FUNDED)
    assert (y.project, y.money_behind, y.reason) == ("Y", 8, NOT_ENOUGH_MONEY)


def test_a_supporter_who_cannot_pay_the_price_pays_all_they_have():
    """Ordinal ballots of length 2: the first choice has 2 Borda points, the second 1. Shares
    of 3. Z is first on ballot 0 and second on ballot 1; V is first on ballot 1. At a cost of
    4, Z's price per point p solves min(3, 2p) + min(3, p) = 4: p = 4/3, voter 0 pays 8/3 and
    voter 1 pays 4/3, and V (5) is out of reach of the 5/3 voter 1 has left. At a cost of 5,
    3p = 5 would ask 10/3 of voter 0, who has 3: voter 0 pays 3 (ran out) and p = 2."""
    ballots = [["Z"], ["V", "Z"]]
    ordinal = {"vote_type": "ordinal", "ballot_length": 2}
    projects = [Project("Z", D(4)), Project("V", D(5))]
    z, v = equal_shares(projects, ballots, D(6), "none", **ordinal).shares
    assert (z.project, z.round, z.price, z.ran_out) == ("Z", 1, Fraction(4, 3), 0)
    assert (v.project, v.reason, v.money_behind) == ("V", NOT_ENOUGH_MONEY, Fraction(5, 3))
    (dear,) = equal_shares([Project("Z", D(5))], ballots, D(6), "none", **ordinal).shares
    assert (dear.round, dear.price, dear.ran_out) == (1, 2, 1)


def test_add1_raises_the_shares_while_the_outcome_fits():
    projects = [Project("X", D(6))]
    ballots = [["X"], []]
    assert equal_shares(projects, ballots, D(10), completion="none").selected == []
    outcome = equal_shares(projects, ballots, D(10))
    assert outcome.selected == ["X"] and outcome.virtual_budget == D(12)
    assert outcome.shares[0].price == 6 and outcome.shares[0].ran_out == 0


def test_add1_stops_once_every_supported_project_fits_or_is_bought():
    """Y has no supporters: it still fits, but no raise of the shares can buy it."""
    projects = [Project("X", D(6)), Project("Y", D(1))]
    outcome = equal_shares(projects, [["X"], []], D(10))
    assert outcome.selected == ["X"] and outcome.virtual_budget == D(12)


def test_greedy_completion_funds_what_still_fits_by_score():
    """Shares of 20. Equal Shares buys A (its three supporters pay 20 each) and D (15, from
    voter 4); B's supporters have 20 left and C's 20, short of 50 and 25. Greedy completion
    then takes the 25 left by score: B (2 votes) does not fit, C (1 vote) does."""
    projects = [
        Project("A", D(60)),
        Project("B", D(50)),
        Project("C", D(25)),
        Project("D", D(15)),
    ]
    ballots = [["A"], ["A"], ["A", "B"], ["B", "C"], ["D"]]
    outcome = equal_shares(projects, ballots, D(100), "none", greedy_completion=True)
    assert outcome.rule == "equal-shares+greedy"
    assert [(s.project, s.reason) for s in outcome.shares] == [
        ("A", FUNDED),
        ("D", FUNDED),
        ("C", FUNDED_BY_COMPLETION),
        ("B", NOT_ENOUGH_MONEY),
    ]
    assert outcome.spent == 100


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        equal_shares([Project("X", D(1))], [["X"]], D(1), completion="greedy")
    with pytest.raises(ValueError):
        equal_shares([Project("X", D(1))], [["X"]], D(1), vote_type="cumulative")
    with pytest.raises(ValueError):
        equal_shares([Project("X", D(0))], [["X"]], D(1))
