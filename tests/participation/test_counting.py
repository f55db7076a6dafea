"""Greedy counting rules: each decision explained, the declared tie-break, and the cities' real
winners reproduced exactly on every Pabulib instance with a greedy-family rule and `selected`
(the copies in tests/participation/pabulib/, and the project's shared set when it is there)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from esep.participation.counting import (
    AFTER_STOP,
    BELOW_THRESHOLD,
    DOES_NOT_FIT,
    FUNDED,
    FUNDED_FROM_RESERVE,
    NOT_ENOUGH_MONEY,
    Project,
    equal_shares,
    greedy,
    scores,
)
from esep.participation.pabulib import PABULIB_GREEDY, greedy_outcome, read_pb

HERE = Path(__file__).parent / "pabulib"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "pabulib"
PATHS = {path.name: path for path in sorted(HERE.glob("*.pb"))}
PATHS.update({path.name: path for path in sorted(SHARED.glob("*.pb"))} if SHARED.is_dir() else {})


def _with_winners(path: Path) -> bool:
    head = path.read_bytes()[:4000].decode("utf-8", "replace")
    rule = next(
        (line.split(";")[1].strip() for line in head.splitlines() if line.startswith("rule;")), ""
    )
    return rule in PABULIB_GREEDY and ";selected" in head


WITH_WINNERS = [path for path in PATHS.values() if _with_winners(path)]

D = Decimal
P = [Project("a", D(50)), Project("b", D(40)), Project("c", D(30)), Project("d", D(20))]
SCORE = {"a": D(10), "b": D(8), "c": D(8), "d": D(2)}


def reasons(outcome) -> list[tuple[str, str]]:
    return [(d.project, d.reason) for d in outcome.decisions]


def test_at_least_the_three_copied_instances_have_winners():
    assert {p.name for p in WITH_WINNERS} >= {
        "Poland_Krakow_2019_Bronowice.pb",
        "Poland_Katowice_2021_Janow-Nikiszowiec.pb",
        "Poland_Poznan_2023_9_-_Stare_Miasto.pb",
    }


@pytest.mark.parametrize("path", WITH_WINNERS, ids=lambda path: path.stem)
def test_the_citys_winners_are_reproduced(path):
    instance = read_pb(path.read_bytes(), path.name)
    winners = {pid for pid, row in instance.projects.items() if row["selected"].strip() != "0"}
    outcome = greedy_outcome(instance)
    assert set(outcome.selected) == winners
    assert outcome.spent <= instance.budget or any(
        d.reason == FUNDED_FROM_RESERVE for d in outcome.decisions
    )


def test_scores_agree_with_the_files_own_score_column():
    for name in ("Poland_Krakow_2019_Bronowice.pb", "Poland_Katowice_2021_Janow-Nikiszowiec.pb"):
        instance = read_pb(PATHS[name].read_bytes(), name)
        outcome = greedy_outcome(instance)
        found = {d.project: d.score for d in outcome.decisions}
        assert found == {pid: D(row["score"]) for pid, row in instance.projects.items()}


def test_greedy_skips_what_does_not_fit_and_breaks_ties_by_lower_cost():
    outcome = greedy(P, SCORE, D(100))
    # b and c tie on 8 points: c, the cheaper, comes first.
    assert reasons(outcome) == [("a", FUNDED), ("c", FUNDED), ("b", DOES_NOT_FIT), ("d", FUNDED)]
    assert [d.money_left for d in outcome.decisions] == [D(100), D(50), D(20), D(20)]
    assert outcome.selected == ["a", "c", "d"] and outcome.spent == D(100)


def test_equal_score_and_cost_keep_the_order_of_the_process():
    projects = [Project("x", D(10)), Project("y", D(10))]
    assert greedy(projects, {"x": D(1), "y": D(1)}, D(10)).selected == ["x"]
    assert greedy(projects[::-1], {"x": D(1), "y": D(1)}, D(10)).selected == ["y"]


def test_threshold_no_skip_and_reserve():
    threshold = greedy(P, SCORE, D(100), "greedy-threshold", threshold=D(8))
    assert reasons(threshold)[-1] == ("d", BELOW_THRESHOLD)
    no_skip = greedy(P, SCORE, D(100), "greedy-no-skip")
    assert reasons(no_skip) == [
        ("a", FUNDED),
        ("c", FUNDED),
        ("b", DOES_NOT_FIT),
        ("d", AFTER_STOP),
    ]
    # 20 left covers 50 % of b's 40: not enough for an 80 % reserve, enough for a 50 % one.
    assert greedy(P, SCORE, D(100), "greedy-reserve").selected == ["a", "c"]
    half = greedy(P, SCORE, D(100), "greedy-reserve", reserve=D("0.5"))
    assert reasons(half)[2:] == [("b", FUNDED_FROM_RESERVE), ("d", AFTER_STOP)]


def test_scores_by_vote_type():
    ballots = [["a", "b", "c"], ["b", "a"], ["c"]]
    assert scores("approval", ballots) == {"a": 2, "b": 2, "c": 2}
    assert scores("ordinal", ballots, ballot_length=3) == {"a": 5, "b": 5, "c": 4}
    assert scores("cumulative", ballots, [[1, 1, 1], [2, 1], [3]]) == {"a": 2, "b": 3, "c": 4}
    with pytest.raises(ValueError):
        scores("cumulative", ballots)
    with pytest.raises(ValueError):
        greedy(P, SCORE, D(100), "lottery")


def test_equal_shares_reproduces_assen_2024():
    """Assen 2024 (META rule equalshares/add1, without greedy completion)."""
    instance = read_pb(PATHS["Netherlands_Assen_2024.pb"].read_bytes(), "Assen")
    winners = {pid for pid, row in instance.projects.items() if row["selected"].strip() != "0"}
    projects = [Project(pid, instance.cost(pid)) for pid in instance.projects]
    outcome = equal_shares(projects, [instance.ballot(v) for v in instance.votes], instance.budget)
    assert set(outcome.selected) == winners
    assert outcome.spent <= instance.budget < outcome.virtual_budget


def test_equal_shares_explains_each_project():
    projects = [Project("A", D(60)), Project("B", D(40)), Project("C", D(30))]
    ballots = [["A", "C"], ["A"], ["A"], ["B", "C"]]
    outcome = equal_shares(projects, ballots, D(100))
    a, c, b = outcome.shares
    # Shares of 25. A: 20 from each of its three supporters (a rate of 1/3 per unit of cost).
    assert (a.project, a.round, a.price, a.ran_out, a.reason) == ("A", 1, 20, 0, FUNDED)
    # C: voter 0 has 5 left and pays it all (ran out); voter 3 pays 25.
    assert (c.project, c.round, c.price, c.ran_out, c.reason) == ("C", 2, 25, 1, FUNDED)
    # B: its one supporter has nothing left; B no longer fits, so add1 does not raise shares.
    assert (b.project, b.round, b.money_behind, b.reason) == ("B", None, 0, NOT_ENOUGH_MONEY)
    assert outcome.selected == ["A", "C"] and outcome.virtual_budget == D(100)


def test_add1_raises_the_shares_while_the_outcome_fits():
    projects = [Project("X", D(6))]
    ballots = [["X"], []]
    assert equal_shares(projects, ballots, D(10), completion="none").selected == []
    outcome = equal_shares(projects, ballots, D(10))
    assert outcome.selected == ["X"] and outcome.virtual_budget == D(12)
    with pytest.raises(ValueError):
        equal_shares(projects, ballots, D(10), completion="greedy")
