"""Ballots: checked against the process's frozen rules, one counted ballot per person (a
database constraint), kept apart from who voted, each with a receipt; paper ballots entered by
staff; who may do what."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from esep.accounts import actions as account_actions
from esep.accounts.identity import make_iin
from esep.core.actions import Actor
from esep.core.models import AuditEntry
from esep.participation.actions import voting as actions
from esep.participation.models import Ballot, Process, Project, Voter
from esep.participation.models.projects import ProjectStatus
from esep.participation.phases import PhaseKind
from tests.conftest import SYSTEM

from .conftest import during


def vote(user, process, choices, points=None):
    return actions.cast_ballot(Actor(user=user), process, choices=choices, points=points)


def test_a_vote_is_counted_once_with_a_receipt_and_no_link_to_the_voter(on_ballot, aru):
    process = on_ballot()
    receipt = vote(aru, process, ["1", "3"])
    ballot = Ballot.objects.get()
    assert (ballot.receipt, ballot.choices, ballot.channel) == (receipt, ["1", "3"], "online")
    assert len(receipt) == 19 and receipt.count("-") == 3
    voter = Voter.objects.get()
    assert voter.ballot_link == ""  # this process does not let voters change their ballot
    # Nothing in the ballot row names the voter or the time; the audit names the voter only.
    assert {f.name for f in Ballot._meta.fields} == {
        "id",
        "process",
        "receipt",
        "channel",
        "polling_place",
        "choices",
        "points",
        "replaced",
        "position",  # imported ballots only (a constraint)
        "pabulib_row",  # imported ballots only
    }
    assert ballot.position is None and ballot.pabulib_row is None
    entry = AuditEntry.objects.get(verb="cast_ballot")
    assert (
        entry.actor == aru and receipt not in str(entry.data) and entry.target_id == str(voter.pk)
    )


def test_a_second_ballot_is_refused_and_nothing_counts_twice(on_ballot, aru):
    process = on_ballot()
    vote(aru, process, ["1"])
    with pytest.raises(ValidationError, match="already voted"):
        vote(aru, process, ["2"])
    assert Ballot.objects.count() == 1 and Voter.objects.count() == 1


def test_the_database_refuses_a_second_voter_row(on_ballot, aru):
    process = on_ballot()
    vote(aru, process, ["1"])
    voter = Voter.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Voter.objects.create(
            process=process, identity_hash=voter.identity_hash, voted_on=voter.voted_on
        )


def test_where_allowed_a_new_ballot_replaces_the_first(on_ballot, aru, daniyar):
    process = on_ballot(may_change_ballot=True)
    first = vote(aru, process, ["1"])
    vote(daniyar, process, ["1", "2"])
    second = vote(aru, process, ["2", "4"])
    counted = {b.receipt: b.choices for b in Ballot.objects.filter(replaced=False)}
    assert second in counted and first not in counted and len(counted) == 2
    assert Ballot.objects.get(receipt=first).replaced
    assert Voter.objects.count() == 2


@pytest.mark.parametrize(
    ("rules", "choices", "points", "message"),
    [
        ({}, ["1", "2", "3", "4"], None, "at most 3"),
        ({"min_choices": 2}, ["1"], None, "at least 2"),
        ({}, ["9"], None, "not on the ballot: 9"),
        ({}, ["1", "1"], None, "more than once"),
        ({}, ["1"], [5], "takes no points"),
        ({"ballot_kind": "knapsack", "max_choices": None}, ["1", "2", "3"], None, "budget is"),
        (
            {"ballot_kind": "knapsack", "min_spent_share": "0.5"},
            ["4"],
            None,
            "at least 500000.00",
        ),
        ({"ballot_kind": "cumulative", "points": 10}, ["1", "2"], [6, 5], "you have 10"),
        ({"ballot_kind": "cumulative", "points": 10}, ["1", "2"], [6], "whole number of points"),
        ({"ballot_kind": "cumulative", "points": 10}, ["1", "2"], [6, 0], "at least one point"),
    ],
)
def test_bad_ballots_are_refused_with_the_reason(on_ballot, aru, rules, choices, points, message):
    process = on_ballot(**rules)
    with pytest.raises(ValidationError, match=message):
        vote(aru, process, choices, points)
    assert not Ballot.objects.exists() and not Voter.objects.exists()


def test_infeasible_projects_are_not_on_the_ballot(on_ballot, aru):
    from esep.participation.models import Project

    process = on_ballot()
    Project.objects.filter(process=process, code="2").update(status="infeasible", review_reason="x")
    with pytest.raises(ValidationError, match="not on the ballot: 2"):
        vote(aru, process, ["2"])


def test_only_eligible_residents_vote_and_only_during_voting(
    on_ballot, at, aru, kamila, sanzhar, bob
):
    process = on_ballot()
    for user, message in [
        (kamila, "aged 18 or over"),
        (sanzhar, "Only residents of Almaty"),
        (bob, "verified identity"),
    ]:
        with pytest.raises(ValidationError, match=message):
            vote(user, process, ["1"])
    with pytest.raises(PermissionDenied):
        actions.cast_ballot(Actor(), process, choices=["1"])
    at(during(PhaseKind.RESULTS))
    with pytest.raises(ValidationError, match="not open in this phase"):
        vote(aru, process, ["1"])
    assert not Ballot.objects.exists()


def test_rules_altered_behind_esep_stop_the_vote(on_ballot, aru):
    process = on_ballot()
    Process.objects.filter(pk=process.pk).update(rule="greedy-no-skip")
    with pytest.raises(ValidationError, match="changed outside esep"):
        vote(aru, process, ["1"])


def test_paper_ballots_are_entered_by_staff(on_ballot, carol, farida, bob, dana, aru):
    process = on_ballot()
    for user in (carol, SYSTEM.user):
        actor = Actor(user=user) if user else SYSTEM
        actions.enter_paper_ballot(actor, process, polling_place="School 12", choices=["1", "2"])
    actions.record_paper_return(Actor(user=carol), process, polling_place="School 12", ballots=2)
    for user in (bob, dana, aru):
        with pytest.raises(PermissionDenied):
            actions.enter_paper_ballot(Actor(user=user), process, polling_place="X", choices=["1"])
        with pytest.raises(PermissionDenied):
            actions.record_paper_return(Actor(user=user), process, polling_place="X", ballots=1)
    with pytest.raises(PermissionDenied):  # farida's commission is Almaty Region, not the city
        actions.enter_paper_ballot(Actor(user=farida), process, polling_place="X", choices=["1"])
    with pytest.raises(ValidationError, match="polling place"):
        actions.enter_paper_ballot(Actor(user=carol), process, polling_place=" ", choices=["1"])
    with pytest.raises(ValidationError, match="at most 3"):
        actions.enter_paper_ballot(
            Actor(user=carol), process, polling_place="School 12", choices=["1", "2", "3", "4"]
        )
    assert (
        list(Ballot.objects.values_list("channel", "polling_place")) == [("paper", "School 12")] * 2
    )


def test_a_vote_takes_a_fixed_number_of_queries_and_a_second_one_writes_nothing(
    on_ballot, aru, daniyar, django_assert_num_queries
):
    process = on_ballot()
    vote(aru, process, ["1"])  # reads the voting context: process, phases, rule, projects
    # The verification, whether this person voted; then, in one transaction (a savepoint
    # here, as tests run inside one), Voter, Ballot, audit entry, data version.
    with django_assert_num_queries(8):
        vote(daniyar, process, ["2", "3"])
    with django_assert_num_queries(2), pytest.raises(ValidationError, match="already voted"):
        vote(daniyar, process, ["4"])
    assert (
        Ballot.objects.count() == 2 and AuditEntry.objects.filter(verb="cast_ballot").count() == 2
    )


def test_the_voting_context_is_read_again_after_its_time(on_ballot, aru, daniyar, monkeypatch):
    """A change made behind esep's back while voting is open (esep refuses any) is seen within
    CONTEXT_SECONDS."""
    process = on_ballot()
    vote(aru, process, ["1"])
    Project.objects.filter(process=process, code="2").update(status=ProjectStatus.WITHDRAWN)
    later = time.monotonic() + actions.CONTEXT_SECONDS + 1
    monkeypatch.setattr(actions.time, "monotonic", lambda: later)
    with pytest.raises(ValidationError, match="not on the ballot: 2"):
        vote(daniyar, process, ["2"])
    assert Ballot.objects.count() == 1


def test_staff_vote_as_residents(on_ballot, carol, city):
    """A vote is a person's, never an office's: the audit names the role as resident."""
    account_actions.verify_in_person(
        SYSTEM, user=carol, iin=make_iin(dt.date(1980, 3, 3), 505), unit=city.almaly
    )
    process = on_ballot()
    vote(carol, process, ["1"])
    assert AuditEntry.objects.get(verb="cast_ballot").role == "resident"


def test_a_vote_refused_before_voting_keeps_no_context(new_process, aru, at):
    """Until voting opens the rules, the projects and who may vote may change: a vote refused
    then must not leave them cached for the first votes."""
    from esep.participation.actions import processes as process_actions
    from esep.participation.actions import projects as project_actions

    process = new_process()
    at(during(PhaseKind.PROPOSALS))
    project = project_actions.propose_project(
        Actor(user=aru), process, title="Park", description="", estimated_cost=100_000
    )
    at(during(PhaseKind.REVIEW))
    with pytest.raises(ValidationError, match="not open in this phase"):
        vote(aru, process, ["1"])
    project_actions.review_project(SYSTEM, project, feasible=True)
    process_actions.change_rules(SYSTEM, process, max_choices=1)
    at(during(PhaseKind.VOTING))
    assert vote(aru, process, ["1"])
    assert Ballot.objects.get().choices == ["1"]
