"""Completion add1-comparison (Pabulib's `equalshares/add1-comparison`): Equal Shares with add1
without the exhaustive stop, then the comparison step against greedy by score. The step on
small instances worked out by hand (greedy wins; a tie keeps Equal Shares); Wieliczka 2023
reproduced from its copy in tests/participation/pabulib/ and Assen 2024
under the option; every shared or copied instance with an Equal Shares rule and `selected`
counts to the city's winners; a process with the option counts, stores and shows the step."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from esep.core import ledger
from esep.core.actions import Actor
from esep.participation.actions import results, voting
from esep.participation.actions.imports import export_pb, import_pb
from esep.participation.counting import Project, equal_shares
from esep.participation.models import Completion
from esep.participation.pabulib import read_pb
from esep.participation.phases import PhaseKind
from esep.participation.shares import (
    EQUAL_SHARES,
    GREEDY,
    compare_with_greedy,
    compared_outcome,
    shares_outcome,
)
from tests.conftest import SYSTEM

from .conftest import during

D = Decimal
HERE = Path(__file__).parent / "pabulib"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "pabulib"
PATHS = {path.name: path for path in sorted(HERE.glob("*.pb"))}
PATHS.update({path.name: path for path in sorted(SHARED.glob("*.pb"))} if SHARED.is_dir() else {})
WIELICZKA = HERE / "Poland_Wieliczka_2023_Green_Budget.pb"  # copied, with its credit


def _meta_rule(path: Path) -> str:
    head = path.read_bytes()[:4000].decode("utf-8", "replace")
    return next(
        (line.split(";")[1].strip() for line in head.splitlines() if line.startswith("rule;")), ""
    )


SHARES_RULES = ("equalshares/add1", "equalshares/add1-comparison")
WITH_SHARES_WINNERS = [
    path
    for path in PATHS.values()
    if _meta_rule(path) in SHARES_RULES and ";selected" in path.read_bytes()[:4000].decode()
]


def winners(instance) -> set[str]:
    return {pid for pid, row in instance.projects.items() if row["selected"].strip() != "0"}


# --- the comparison step --------------------------------------------------------------------


def test_greedy_wins_when_strictly_more_voters_prefer_it():
    """A and B cost 7 each, the budget is 10, one voter for each. Equal Shares: shares of 5,
    then 6 (add1); at 7 both are bought, 14 > 10, so it keeps the count at 6, which buys
    nothing. Greedy: one vote each at the same cost, so A (first in the process) is funded and
    B no longer fits. A's voter prefers greedy (1 project against 0), B's voter neither."""
    projects = [Project("A", D(7)), Project("B", D(7))]
    ballots = [["B"], ["A"]]
    shares = equal_shares(projects, ballots, D(10), exhaustive_stop=False)
    assert shares.selected == [] and shares.virtual_budget == D(12)
    step = compare_with_greedy(shares, projects, ballots, D(10))
    assert (step.prefer_shares, step.prefer_greedy) == (0, 1)
    assert step.winner == GREEDY and step.selected == ["A"] and step.spent == D(7)


def test_a_tie_keeps_equal_shares():
    """A (6), B (4), C (5), a budget of 10; voter 0 chooses A, voter 1 B and C. Equal Shares
    raises the shares to 8 (virtual budget 16): B (rate 1, tied with A and C, the cheapest),
    then A; voter 1 has 4 left, short of C's 5; at 9 C too, 15 > 10. Greedy (one vote each,
    the cheaper first): B, C, and A no longer fits. Voter 0 prefers Equal Shares, voter 1
    greedy: 1 against 1, so Equal Shares is kept."""
    projects = [Project("A", D(6)), Project("B", D(4)), Project("C", D(5))]
    ballots = [["A"], ["B", "C"]]
    shares = equal_shares(projects, ballots, D(10), exhaustive_stop=False)
    assert shares.selected == ["B", "A"] and shares.virtual_budget == D(16)
    step = compare_with_greedy(shares, projects, ballots, D(10))
    assert step.greedy.selected == ["B", "C"]
    assert (step.prefer_shares, step.prefer_greedy) == (1, 1)
    assert step.winner == EQUAL_SHARES and step.selected == ["B", "A"] and step.spent == D(10)


def test_cumulative_ballots_compare_the_projects_given_points():
    """Voter 0 gives A 2 points and B none: only A counts for them. Greedy by points funds A
    (2 points) over B (1); Equal Shares (shares of 5; A needs 6 from voter 0) buys B from
    voter 1. Voter 0 prefers greedy, voter 1 Equal Shares: a tie."""
    projects = [Project("A", D(6)), Project("B", D(5))]
    ballots = [["A", "B"], ["B"]]
    points = [[2, 0], [1]]
    shares = equal_shares(projects, ballots, D(10), "none", vote_type="cumulative", points=points)
    assert shares.selected == ["B"]
    step = compare_with_greedy(
        shares, projects, ballots, D(10), vote_type="cumulative", points=points
    )
    assert step.greedy.selected == ["A"]
    assert (step.prefer_shares, step.prefer_greedy) == (1, 1) and step.winner == EQUAL_SHARES


# --- real instances -------------------------------------------------------------------------


def test_wieliczka_2023_is_reproduced():
    """Wieliczka 2023 Green Budget (META rule equalshares/add1-comparison): the add1 loop goes
    on past the exhaustive outcome at 301.84 zł per voter (which funds 66 and 67, not 46) to
    315.84 zł, the city's 30 projects for 995,079 zł; 1,615 voters prefer it and 873 the
    greedy outcome (23 projects, 998,997 zł), so Equal Shares is kept."""
    instance = read_pb(WIELICZKA.read_bytes(), WIELICZKA.name)
    voters = len(instance.votes)
    assert voters == 6586
    step = compared_outcome(instance)
    assert set(step.shares.selected) == winners(instance) and len(step.shares.selected) == 30
    assert step.shares.spent == D(995079)
    assert step.shares.virtual_budget == instance.budget + 164 * voters
    assert (step.prefer_shares, step.prefer_greedy) == (1615, 873)
    assert step.winner == EQUAL_SHARES and step.selected == step.shares.selected
    assert len(step.greedy.selected) == 23 and step.greedy.spent == D(998997)
    stopped = shares_outcome(instance)
    assert stopped.virtual_budget == instance.budget + 150 * voters
    assert stopped.spent == D(984579)
    assert set(stopped.selected) ^ winners(instance) == {"46", "66", "67"}


def test_assen_2024_under_add1_comparison():
    """Assen 2024 (META rule equalshares/add1): without the exhaustive stop the loop ends
    where add1 ends (the outcome is not exhaustive before the next count costs too much), and
    the comparison step ties 21 to 21, so the city's winners stand."""
    instance = read_pb((HERE / "Netherlands_Assen_2024.pb").read_bytes(), "Assen")
    step = compared_outcome(instance)
    assert step.shares == shares_outcome(instance, exhaustive_stop=False)
    assert step.shares.selected == shares_outcome(instance).selected
    assert step.shares.virtual_budget == D(170812)
    assert (step.prefer_shares, step.prefer_greedy) == (21, 21)
    assert step.winner == EQUAL_SHARES and set(step.selected) == winners(instance)
    assert len(step.greedy.selected) == 7 and step.greedy.spent == D(99200)


def test_at_least_assen_has_an_equal_shares_rule_and_winners():
    names = {path.name for path in WITH_SHARES_WINNERS}
    assert "Netherlands_Assen_2024.pb" in names
    assert WIELICZKA.name in names


@pytest.mark.parametrize("path", WITH_SHARES_WINNERS, ids=lambda path: path.stem)
def test_the_citys_equal_shares_winners_are_reproduced(path):
    """Each instance with an Equal Shares rule and `selected`, counted with the rule its META
    names: equalshares/add1 with esep's add1, equalshares/add1-comparison with the option."""
    instance = read_pb(path.read_bytes(), path.name)
    if _meta_rule(path) == "equalshares/add1-comparison":
        selected = compared_outcome(instance).selected
    else:
        selected = shares_outcome(instance).selected
    assert set(selected) == winners(instance)


# --- a process with the option ----------------------------------------------------------------


def test_a_process_records_and_shows_the_comparison(client, on_ballot, at, aru, daniyar, carol):
    """Two projects of 700,000 from 1,000,000, one voter each: Equal Shares buys nothing (both
    at once would cost too much), greedy funds project 1; its voter prefers greedy, so the
    stored decisions are greedy's, and the page says why."""
    process = on_ballot(
        costs=(700_000, 700_000), rule="equal-shares", completion=Completion.ADD1_COMPARISON
    )
    voting.cast_ballot(Actor(user=aru), process, choices=["2"])
    voting.cast_ballot(Actor(user=daniyar), process, choices=["1"])
    at(during(PhaseKind.RESULTS))
    result = results.count_votes(Actor(user=carol), process)
    assert result.comparison == {
        "winner": "greedy",
        "prefer_equal_shares": 0,
        "prefer_greedy": 1,
        "equal_shares": [],
        "greedy": ["1"],
    }
    assert [(d["project"], d["score"], d["reason"]) for d in result.decisions] == [
        ("1", "1.00", "funded"),
        ("2", "1.00", "does_not_fit"),
    ]
    assert result.spent == 700_000
    results.publish_result(Actor(user=carol), result)
    assert ledger.verify().ok
    page = client.get(f"/en/participation/{process.pk}/results/").text
    assert "<dt>Voters who prefer the outcome of greedy by score</dt><dd>1</dd>" in page
    assert "More voters prefer greedy, so its outcome replaces Equal Shares" in page
    assert "Money left at its turn" in page
    api = client.get(f"/api/v1/pb-processes/{process.pk}/result").json()
    assert api["comparison"]["winner"] == "greedy"


def test_an_imported_add1_comparison_file_keeps_its_rule(city):
    """A file labelled equalshares/add1-comparison imports with the option and exports its
    label (Assen's file, relabelled: Equal Shares is kept on a tie, the city's winners)."""
    data = (HERE / "Netherlands_Assen_2024.pb").read_bytes()
    data = data.replace(b"rule;equalshares/add1", b"rule;equalshares/add1-comparison")
    process = import_pb(SYSTEM, unit=city.almaty, data=data, file_name="assen.pb")
    assert process.rule == "equal-shares" and process.completion == "add1-comparison"
    assert "rule;equalshares/add1-comparison" in export_pb(process)
    result = results.count_votes(SYSTEM, process)
    instance = read_pb(data, "assen.pb")
    assert {d["project"] for d in result.decisions if d["selected"]} == winners(instance)
    assert result.comparison["winner"] == "equal-shares"
    assert (result.comparison["prefer_equal_shares"], result.comparison["prefer_greedy"]) == (
        21,
        21,
    )
