"""esep's counting rules against pabutools as an oracle: on small random instances and on the
real Pabulib instances kept in tests/participation/pabulib/, esep selects the same projects, in
the same order, as pabutools for the same rule and satisfaction.

- Greedy by score. pabutools' `greedy_utilitarian_welfare` takes projects by total satisfaction
  per unit of cost and funds each one that still fits. With cost satisfaction (`Cost_Sat`: a
  supporter gains the project's cost) that ratio is the approval score; for cumulative ballots a
  voter gains points × cost (`PointsTimesCost`), so the ratio is the sum of points.
- The Method of Equal Shares for approval ballots with cost satisfaction: pabutools'
  `method_of_equal_shares` with `Cost_Sat`, one count (`voter_budget_increment=None`,
  esep's `completion="none"`) or raising each voter's share by 1 (`voter_budget_increment=1`,
  esep's `"add1"`).

pabutools breaks ties with a `TieBreakingRule` on esep's declared keys: greedy, the lower cost,
then the process order; Equal Shares (among projects at the same rate per unit of
satisfaction), more supporters, then the lower cost, then the process order. Random instances
have costs from 1 to 8 and at most 30 voters, so equal scores, costs and rates are common, and
project ids whose alphabetical order is not the process order, so pabutools' default
lexicographic tie-break would not pass by chance.

The real instances are read by each library's own reader (esep's `read_pb`, pabutools'
`parse_pabulib`).

add1 without the exhaustive stop (`exhaustive_stop=False`, completion add1-comparison before
its comparison step) is checked against pabutools' `exhaustion_by_budget_increase` with
`exhaustive_stop=False` and a budget step of one per voter, on random instances and Assen 2024.

Random add1 instances include projects nobody supports: both libraries stop raising the
shares once no supported project still fits (the two cases that first showed a difference are
kept as examples below).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pabutools.election import (
    AbstractBallot,
    AbstractProfile,
    AdditiveSatisfaction,
    ApprovalBallot,
    ApprovalProfile,
    Cost_Sat,
    CumulativeBallot,
    CumulativeProfile,
    parse_pabulib,
)
from pabutools.election import Instance as PabuInstance
from pabutools.election import Project as PabuProject
from pabutools.rules import (
    exhaustion_by_budget_increase,
    greedy_utilitarian_welfare,
    method_of_equal_shares,
)
from pabutools.tiebreaking import TieBreakingRule, lexico_tie_breaking

from esep.participation.counting import Project, equal_shares, greedy, scores
from esep.participation.pabulib import WITH_POINTS, Instance, read_pb

HERE = Path(__file__).parent / "pabulib"
APPROVAL_FILES = [
    "Netherlands_Assen_2024.pb",
    "Poland_Poznan_2023_9_-_Stare_Miasto.pb",
    "Poland_Zabrze_2020_Konczyce.pb",
]
CUMULATIVE_FILES = [
    "Poland_Czestochowa_2020_Grabowka.pb",
    "Poland_Katowice_2021_Janow-Nikiszowiec.pb",
    "Switzerland_Zurich_D10.pb",
    "Worldwide_Mechanical_Turk_Utilities_3.pb",
]
COMPLETIONS = {"none": None, "add1": 1}
RANDOM = settings(max_examples=400, deadline=None, derandomize=True, database=None)


def points_times_cost(
    instance: PabuInstance,
    profile: AbstractProfile,
    ballot: AbstractBallot,
    project: PabuProject,
    precomputed_values: dict,
) -> Fraction:
    return ballot.get(project, 0) * project.cost


class PointsTimesCost(AdditiveSatisfaction):
    """A voter gains the points they gave a project times its cost (cumulative ballots)."""

    def __init__(
        self, instance: PabuInstance, profile: AbstractProfile, ballot: AbstractBallot
    ) -> None:
        AdditiveSatisfaction.__init__(self, instance, profile, ballot, points_times_cost)


def greedy_tie_break(order: Sequence[str]) -> TieBreakingRule:
    """esep's greedy tie-break: the lower cost, then the process order."""
    place = {pid: index for index, pid in enumerate(order)}
    return TieBreakingRule(lambda instance, profile, project: (project.cost, place[project.name]))


def shares_tie_break(order: Sequence[str]) -> TieBreakingRule:
    """esep's Equal Shares tie-break: more supporters, the lower cost, then the process order."""
    place = {pid: index for index, pid in enumerate(order)}
    return TieBreakingRule(
        lambda instance, profile, project: (
            -profile.approval_score(project),
            project.cost,
            place[project.name],
        )
    )


@dataclass(frozen=True)
class Case:
    """A small instance: projects in the process order, integer costs and budget, and one
    ballot per voter (with points for cumulative ballots)."""

    costs: dict[str, int]
    budget: int
    ballots: list[list[str]]
    points: list[list[int]] | None = None

    @property
    def order(self) -> list[str]:
        return list(self.costs)

    def esep_projects(self) -> list[Project]:
        return [Project(pid, Decimal(cost)) for pid, cost in self.costs.items()]

    def pabu_instance(self) -> tuple[PabuInstance, dict[str, PabuProject]]:
        projects = {pid: PabuProject(pid, cost) for pid, cost in self.costs.items()}
        return PabuInstance(projects.values(), budget_limit=self.budget), projects

    def approval_profile(self) -> tuple[PabuInstance, ApprovalProfile]:
        instance, projects = self.pabu_instance()
        ballots = [ApprovalBallot(projects[pid] for pid in ballot) for ballot in self.ballots]
        return instance, ApprovalProfile(ballots, instance=instance)

    def cumulative_profile(self) -> tuple[PabuInstance, CumulativeProfile]:
        assert self.points is not None
        instance, projects = self.pabu_instance()
        ballots = [
            CumulativeBallot({projects[pid]: p for pid, p in zip(ballot, given, strict=True)})
            for ballot, given in zip(self.ballots, self.points, strict=True)
        ]
        return instance, CumulativeProfile(ballots, instance=instance)


@st.composite
def cases(draw: Callable, cumulative: bool = False) -> Case:
    """2 to 9 projects with costs from 1 to 8, a budget from the highest cost to the sum of the
    costs, and 1 to 30 ballots."""
    n = draw(st.integers(2, 9))
    order = draw(st.permutations([f"p{i}" for i in range(n)]))
    costs = dict(zip(order, draw(st.lists(st.integers(1, 8), min_size=n, max_size=n)), strict=True))
    budget = draw(st.integers(max(costs.values()), sum(costs.values())))
    voters = draw(st.integers(1, 30))
    ballot = st.lists(st.sampled_from(order), unique=True, max_size=n)
    ballots = draw(st.lists(ballot, min_size=voters, max_size=voters))
    points = None
    if cumulative:
        points = [
            draw(st.lists(st.integers(1, 5), min_size=len(b), max_size=len(b))) for b in ballots
        ]
    return Case(costs, budget, ballots, points)


def pabu_names(allocation: Sequence[PabuProject]) -> list[str]:
    return [project.name for project in allocation]


def esep_greedy(case: Case) -> list[str]:
    vote_type = "cumulative" if case.points is not None else "approval"
    score = scores(vote_type, case.ballots, case.points)
    return greedy(case.esep_projects(), score, Decimal(case.budget)).selected


def pabu_greedy(case: Case) -> list[str]:
    if case.points is None:
        instance, profile = case.approval_profile()
        sat_class: type[AdditiveSatisfaction] = Cost_Sat
    else:
        instance, profile = case.cumulative_profile()
        sat_class = PointsTimesCost
    return pabu_names(
        greedy_utilitarian_welfare(
            instance, profile, sat_class=sat_class, tie_breaking=greedy_tie_break(case.order)
        )
    )


def esep_shares(case: Case, completion: str) -> list[str]:
    return equal_shares(
        case.esep_projects(), case.ballots, Decimal(case.budget), completion
    ).selected


def pabu_shares(case: Case, completion: str) -> list[str]:
    instance, profile = case.approval_profile()
    return pabu_names(
        method_of_equal_shares(
            instance,
            profile,
            sat_class=Cost_Sat,
            tie_breaking=shares_tie_break(case.order),
            voter_budget_increment=COMPLETIONS[completion],
        )
    )


@RANDOM
@given(cases())
def test_greedy_by_approval_score_equals_pabutools(case: Case) -> None:
    assert esep_greedy(case) == pabu_greedy(case)


@RANDOM
@given(cases(cumulative=True))
def test_greedy_by_cumulative_points_equals_pabutools(case: Case) -> None:
    assert esep_greedy(case) == pabu_greedy(case)


@RANDOM
@given(cases())
def test_equal_shares_without_completion_equals_pabutools(case: Case) -> None:
    assert esep_shares(case, "none") == pabu_shares(case, "none")


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(cases())
def test_equal_shares_add1_equals_pabutools(case: Case) -> None:
    assert esep_shares(case, "add1") == pabu_shares(case, "add1")


def pabu_shares_no_stop(case: Case) -> list[str]:
    """pabutools' add1 without the exhaustive stop: `exhaustion_by_budget_increase` raising the
    budget by one per voter (`budget_step`) until the outcome is not feasible. Its default
    bound (the budget × (voters + 1)) is raised above the shares at which every supported
    project is affordable from any one supporter (the budget plus the highest cost, per
    voter), where esep's loop stops at the latest."""
    instance, profile = case.approval_profile()
    voters = len(case.ballots)
    return pabu_names(
        exhaustion_by_budget_increase(
            instance,
            profile,
            method_of_equal_shares,
            rule_params={"sat_class": Cost_Sat, "tie_breaking": shares_tie_break(case.order)},
            exhaustive_stop=False,
            budget_step=voters,
            budget_bound=voters * (case.budget + max(case.costs.values()) + 2),
        )
    )


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(cases())
def test_add1_without_the_exhaustive_stop_equals_pabutools(case: Case) -> None:
    """The same projects; in the same order when the loop stopped because the next outcome
    would cost too much. When every supported project is bought, esep stops at the first such
    count and pabutools at its bound: the same projects, maybe bought in another order."""
    found = equal_shares(
        case.esep_projects(), case.ballots, Decimal(case.budget), exhaustive_stop=False
    ).selected
    expected = pabu_shares_no_stop(case)
    supported = {pid for ballot in case.ballots for pid in ballot}
    if set(found) == supported:
        assert sorted(found) == sorted(expected)
    else:
        assert found == expected


@pytest.mark.parametrize(
    ("costs", "budget", "ballots"),
    [
        ({"X": 1, "Y": 1}, 10, [["X"]]),
        ({"p0": 1, "p1": 4, "p2": 2}, 4, [["p0", "p1"], [], ["p1"]]),
        ({"a": 1, "b": 1}, 1, [[]]),
    ],
)
def test_add1_with_projects_nobody_supports_equals_pabutools(costs, budget, ballots) -> None:
    case = Case(costs, budget, ballots, None)
    assert esep_shares(case, "add1") == pabu_shares(case, "add1")


def test_the_tie_break_given_to_pabutools_is_esep_s_not_pabutools_default() -> None:
    """Two projects of equal score and cost, the second named first in the alphabet: esep and
    the matching rule fund the first in the process; pabutools' default funds the other."""
    case = Case({"p1": 10, "p0": 10}, 10, [["p1", "p0"]])
    instance, profile = case.approval_profile()
    default = greedy_utilitarian_welfare(
        instance, profile, sat_class=Cost_Sat, tie_breaking=lexico_tie_breaking
    )
    assert esep_greedy(case) == pabu_greedy(case) == ["p1"]
    assert pabu_names(default) == ["p0"]
    assert esep_shares(case, "none") == pabu_shares(case, "none") == ["p1"]


def read_both(name: str) -> tuple[Instance, PabuInstance, AbstractProfile]:
    path = HERE / name
    instance = read_pb(path.read_bytes(), name)
    pabu_instance, profile = parse_pabulib(str(path))
    assert {p.name: Fraction(p.cost) for p in pabu_instance} == {
        pid: Fraction(instance.cost(pid)) for pid in instance.projects
    }
    assert Fraction(pabu_instance.budget_limit) == Fraction(instance.budget)
    assert profile.num_ballots() == len(instance.votes)
    return instance, pabu_instance, profile


def esep_real_greedy(instance: Instance) -> list[str]:
    voters = list(instance.votes)
    points = [instance.points(v) for v in voters] if instance.vote_type in WITH_POINTS else None
    score = scores(instance.vote_type, [instance.ballot(v) for v in voters], points)
    projects = [Project(pid, instance.cost(pid)) for pid in instance.projects]
    return greedy(projects, score, instance.budget).selected


@pytest.mark.parametrize("name", APPROVAL_FILES + CUMULATIVE_FILES, ids=lambda n: n[:-3])
def test_greedy_on_real_instances_equals_pabutools(name: str) -> None:
    instance, pabu_instance, profile = read_both(name)
    sat_class = PointsTimesCost if instance.vote_type in WITH_POINTS else Cost_Sat
    expected = greedy_utilitarian_welfare(
        pabu_instance,
        profile,
        sat_class=sat_class,
        tie_breaking=greedy_tie_break(list(instance.projects)),
    )
    found = esep_real_greedy(instance)
    assert found and found == pabu_names(expected)


@pytest.mark.parametrize("completion", COMPLETIONS)
@pytest.mark.parametrize("name", APPROVAL_FILES, ids=lambda n: n[:-3])
def test_equal_shares_on_real_instances_equals_pabutools(name: str, completion: str) -> None:
    instance, pabu_instance, profile = read_both(name)
    projects = [Project(pid, instance.cost(pid)) for pid in instance.projects]
    ballots = [instance.ballot(v) for v in instance.votes]
    expected = method_of_equal_shares(
        pabu_instance,
        profile,
        sat_class=Cost_Sat,
        tie_breaking=shares_tie_break(list(instance.projects)),
        voter_budget_increment=COMPLETIONS[completion],
    )
    found = equal_shares(projects, ballots, instance.budget, completion).selected
    assert found == pabu_names(expected)


def test_add1_without_the_exhaustive_stop_on_assen_equals_pabutools() -> None:
    instance, pabu_instance, profile = read_both("Netherlands_Assen_2024.pb")
    projects = [Project(pid, instance.cost(pid)) for pid in instance.projects]
    ballots = [instance.ballot(v) for v in instance.votes]
    expected = exhaustion_by_budget_increase(
        pabu_instance,
        profile,
        method_of_equal_shares,
        rule_params={
            "sat_class": Cost_Sat,
            "tie_breaking": shares_tie_break(list(instance.projects)),
        },
        exhaustive_stop=False,
        budget_step=profile.num_ballots(),
    )
    found = equal_shares(projects, ballots, instance.budget, exhaustive_stop=False).selected
    assert found == pabu_names(expected)
