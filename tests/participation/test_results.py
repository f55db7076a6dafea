"""Counting and publishing: the frozen rule over online and paper ballots, every project's
decision with its reasons, totals that reconcile or say why not, published once to the ledger."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from esep.core import ledger
from esep.core.actions import Actor
from esep.participation.actions import results as actions
from esep.participation.actions import voting
from esep.participation.models import Result
from esep.participation.phases import PhaseKind

from .conftest import during


def _vote_and_close(process, at, carol, ballots):
    for user, choices in ballots:
        voting.cast_ballot(Actor(user=user), process, choices=choices)
    voting.enter_paper_ballot(Actor(user=carol), process, polling_place="School 12", choices=["2"])
    at(during(PhaseKind.RESULTS))


def test_greedy_results_explain_every_project(on_ballot, at, aru, daniyar, carol):
    process = on_ballot()  # costs 400k, 300k, 500k, 200k; budget 1,000k
    _vote_and_close(process, at, carol, [(aru, ["1", "3"]), (daniyar, ["3", "4"])])
    voting.record_paper_return(Actor(user=carol), process, polling_place="School 12", ballots=1)
    result = actions.count_votes(Actor(user=carol), process)
    assert [(d["project"], d["score"], d["money_left"], d["reason"]) for d in result.decisions] == [
        ("3", "2.00", "1000000.00", "funded"),
        ("4", "1.00", "500000.00", "funded"),
        ("2", "1.00", "300000.00", "funded"),
        ("1", "1.00", "0.00", "does_not_fit"),
    ]
    assert (result.online_ballots, result.paper_ballots, result.voters) == (2, 1, 2)
    assert result.discrepancies == [] and result.spent == 1000000
    assert result.published_at is None


def test_totals_that_do_not_reconcile_say_why(on_ballot, at, aru, carol):
    process = on_ballot()
    _vote_and_close(process, at, carol, [(aru, ["1"])])
    voting.record_paper_return(Actor(user=carol), process, polling_place="School 12", ballots=3)
    voting.record_paper_return(Actor(user=carol), process, polling_place="Library", ballots=1)
    result = actions.count_votes(Actor(user=carol), process)
    assert result.discrepancies == [
        {"kind": "paper", "polling_place": "Library", "ballots": 0, "expected": 1},
        {"kind": "paper", "polling_place": "School 12", "ballots": 1, "expected": 3},
    ]


def test_equal_shares_explains_rounds_and_prices(on_ballot, at, aru, daniyar, carol):
    process = on_ballot(costs=(600_000, 400_000, 300_000), rule="equal-shares")
    _vote_and_close(process, at, carol, [(aru, ["1", "3"]), (daniyar, ["2", "3"])])
    result = actions.count_votes(Actor(user=carol), process)
    bought = [d for d in result.decisions if d["selected"]]
    assert bought and bought[0]["round"] == 1 and bought[0]["price"] is not None
    assert sum(int(float(d["cost"])) for d in bought) <= 1_000_000
    assert all(d["reason"] == "not_enough_money" for d in result.decisions if not d["selected"])


def test_counting_waits_for_the_close_and_publishing_happens_once(on_ballot, at, aru, carol):
    process = on_ballot()
    voting.cast_ballot(Actor(user=aru), process, choices=["1"])
    with pytest.raises(ValidationError, match="not open in this phase"):
        actions.count_votes(Actor(user=carol), process)
    at(during(PhaseKind.RESULTS))
    first = actions.count_votes(Actor(user=carol), process)
    again = actions.count_votes(Actor(user=carol), process)
    assert not Result.objects.filter(pk=first.pk).exists()
    published = actions.publish_result(Actor(user=carol), again)
    assert published.published_at is not None
    assert ledger.verify().ok
    with pytest.raises(ValidationError, match="already published"):
        actions.publish_result(Actor(user=carol), again)
    with pytest.raises(ValidationError, match="already published"):
        actions.count_votes(Actor(user=carol), process)


def test_who_may_count_and_publish(on_ballot, at, carol, alice, bob, dana, farida, aru):
    process = on_ballot()
    at(during(PhaseKind.RESULTS))
    for user in (bob, dana, farida, aru):
        with pytest.raises(PermissionDenied):
            actions.count_votes(Actor(user=user), process)
    result = actions.count_votes(Actor(user=alice), process)
    for user in (bob, dana, farida, aru):
        with pytest.raises(PermissionDenied):
            actions.publish_result(Actor(user=user), result)
    actions.publish_result(Actor(user=carol), result)
    assert Result.objects.get().published_at is not None


def test_funded_projects_report_their_implementation(on_ballot, at, aru, carol, bob, dana):
    import datetime as dt

    from esep.participation.models import Project

    process = on_ballot()
    voting.cast_ballot(Actor(user=aru), process, choices=["1", "2"])
    at(during(PhaseKind.RESULTS))
    actions.publish_result(Actor(user=carol), actions.count_votes(Actor(user=carol), process))
    funded = Project.objects.get(process=process, code="1")
    unfunded = Project.objects.get(process=process, code="3")
    assert funded.selected and not unfunded.selected
    with pytest.raises(ValidationError, match="not open in this phase"):
        actions.report_progress(
            Actor(user=carol), funded, implementation="in_progress", progress=10, text="Started."
        )
    at(during(PhaseKind.IMPLEMENTATION, 3))
    today = during(PhaseKind.IMPLEMENTATION, 3).date()
    update = actions.report_progress(
        Actor(user=carol),
        funded,
        implementation="in_progress",
        progress=40,
        text="Foundations laid.",
    )
    assert (update.on, update.progress) == (today, 40)
    funded.refresh_from_db()
    assert (funded.implementation, funded.progress) == ("in_progress", 40)
    with pytest.raises(ValidationError, match="Only funded projects"):
        actions.report_progress(
            Actor(user=carol), unfunded, implementation="done", progress=100, text="x"
        )
    with pytest.raises(ValidationError) as refused:
        actions.report_progress(
            Actor(user=carol),
            funded,
            implementation="done",
            progress=101,
            text="",
            on=today + dt.timedelta(days=1),
        )
    assert set(refused.value.message_dict) == {"progress", "text", "on"}
    for user in (bob, dana, aru):
        with pytest.raises(PermissionDenied):
            actions.report_progress(
                Actor(user=user), funded, implementation="done", progress=100, text="x"
            )
    funded.refresh_from_db()
    assert funded.progress == 40 and funded.updates.count() == 1


def test_equal_shares_counts_cumulative_and_ordinal_ballots(on_ballot, at, aru, daniyar, carol):
    import datetime as dt

    from .conftest import T0

    cumulative = on_ballot(
        costs=(600_000, 400_000, 300_000),
        rule="equal-shares",
        ballot_kind="cumulative",
        points=5,
        completion="add1-greedy",
    )
    voting.cast_ballot(Actor(user=aru), cumulative, choices=["1", "3"], points=[4, 1])
    voting.cast_ballot(Actor(user=daniyar), cumulative, choices=["2"], points=[5])
    at(T0 - dt.timedelta(days=1))
    ordinal = on_ballot(
        costs=(600_000, 400_000, 300_000), rule="equal-shares", ballot_kind="ordinal"
    )
    voting.cast_ballot(Actor(user=aru), ordinal, choices=["3", "1"])
    voting.cast_ballot(Actor(user=daniyar), ordinal, choices=["2", "3"])
    at(during(PhaseKind.RESULTS))
    for process in (cumulative, ordinal):
        result = actions.count_votes(Actor(user=carol), process)
        funded = [d for d in result.decisions if d["selected"]]
        assert funded and sum(float(d["cost"]) for d in funded) <= 1_000_000
        assert all(d["reason"] in ("funded", "funded_by_completion") for d in funded)
        assert {d["project"] for d in result.decisions} == {"1", "2", "3"}
