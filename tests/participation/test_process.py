"""Processes: phases declared as data and enforced in one place; ballot and counting rules,
phases and eligibility frozen from the moment voting opens; who may set them up."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from esep.core.actions import Actor
from esep.core.models import AuditEntry
from esep.participation import phases
from esep.participation.actions import processes as actions
from esep.participation.actions.processes import Dates
from esep.participation.models import Eligibility, Phase, Process
from esep.participation.phases import Activity, PhaseKind
from tests.conftest import SYSTEM

from .conftest import SPANS, T0, during


def test_each_phase_allows_what_its_declaration_says(new_process, at):
    process = new_process()
    seen = {}
    for moment in [T0 - dt.timedelta(days=1)] + [during(kind) for kind in PhaseKind.values]:
        kind = phases.current_phase(list(process.phases.all()), moment)
        seen[kind] = {
            activity
            for activity in Activity.values
            if phases.allowed(list(process.phases.all()), activity, moment)
        }
    assert seen == {
        None: {"change_rules"},
        "proposals": {"propose", "support", "review", "change_rules"},
        "review": {"review", "change_rules"},
        "voting": {"vote", "enter_paper"},
        "results": {"enter_paper", "count"},
        "implementation": {"report_progress"},
    }


def test_voting_closes_at_its_end_even_before_results_open(new_process):
    process = new_process()
    spans = dict(SPANS)
    spans[PhaseKind.RESULTS] = Dates(
        SPANS[PhaseKind.VOTING].ends_at + dt.timedelta(days=2), SPANS[PhaseKind.RESULTS].ends_at
    )
    actions.set_phases(SYSTEM, process, spans)
    gap = SPANS[PhaseKind.VOTING].ends_at + dt.timedelta(hours=1)
    assert not phases.allowed(list(process.phases.all()), Activity.VOTE, gap)
    assert phases.allowed(list(process.phases.all()), Activity.ENTER_PAPER, gap)


def test_a_process_starts_with_residents_of_its_unit_eligible(new_process, city):
    process = new_process()
    rows = {e.activity: (e.unit, e.include_subunits, e.min_age) for e in process.eligibility.all()}
    assert rows == {
        "propose": (city.almaty, True, 18),
        "support": (city.almaty, True, 18),
        "vote": (city.almaty, True, 18),
    }
    assert process.rules_hash == process.compute_rules_hash()


def test_rules_change_before_voting_and_never_after(new_process, at, carol, city):
    process = new_process()
    at(during(PhaseKind.REVIEW))
    actions.change_rules(Actor(user=carol), process, rule="equal-shares", max_choices=5)
    process.refresh_from_db()
    assert (process.rule, process.max_choices) == ("equal-shares", 5)
    at(during(PhaseKind.VOTING, 0))
    frozen = process.rules_record()
    refusals = [
        lambda: actions.change_rules(Actor(user=carol), process, rule="greedy"),
        lambda: actions.change_rules(SYSTEM, process, budget=Decimal("2000000")),
        lambda: actions.set_phases(SYSTEM, process, SPANS),
        lambda: actions.set_eligibility(
            SYSTEM, process, activity="vote", unit=city.almaly, min_age=16
        ),
    ]
    for refuse in refusals:
        with pytest.raises(ValidationError, match="not open in this phase"):
            refuse()
    for kind in (PhaseKind.RESULTS, PhaseKind.IMPLEMENTATION):
        at(during(kind))
        with pytest.raises(ValidationError, match="not open in this phase"):
            actions.change_rules(SYSTEM, process, rule="greedy")
    process.refresh_from_db()
    assert process.rules_record() == frozen
    assert not AuditEntry.objects.filter(verb="change_rules", data__after__rule="greedy").exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"max_choices": 0, "min_choices": 2}, "max_choices"),
        ({"ballot_kind": "cumulative", "points": None}, "points"),
        ({"reserve": Decimal("1.5")}, "reserve"),
        ({"budget": Decimal("0")}, "budget"),
    ],
)
def test_impossible_rules_are_refused(new_process, changes, field):
    process = new_process()
    before = process.rules_record()
    with pytest.raises(ValidationError) as refused:
        actions.change_rules(SYSTEM, process, **changes)
    assert field in refused.value.message_dict
    process.refresh_from_db()
    assert process.rules_record() == before


def test_phase_dates_are_checked(new_process, at):
    process = new_process()
    spans = dict(SPANS)
    spans[PhaseKind.REVIEW] = Dates(
        SPANS[PhaseKind.PROPOSALS].starts_at, SPANS[PhaseKind.REVIEW].ends_at
    )
    with pytest.raises(ValidationError, match="cannot start before the phase before it ends"):
        actions.set_phases(SYSTEM, process, spans)
    missing = {k: v for k, v in SPANS.items() if k != PhaseKind.RESULTS}
    with pytest.raises(ValidationError, match="every phase"):
        actions.set_phases(SYSTEM, process, missing)
    at(SPANS[PhaseKind.VOTING].starts_at - dt.timedelta(hours=1))
    late = {k: Dates(v.starts_at - dt.timedelta(days=5), v.ends_at) for k, v in SPANS.items()}
    with pytest.raises(ValidationError):
        actions.set_phases(SYSTEM, process, late)
    assert {p.kind: p.starts_at for p in Phase.objects.filter(process=process)} == {
        k: v.starts_at for k, v in SPANS.items()
    }


def test_eligibility_is_set_per_activity(new_process, city):
    process = new_process()
    actions.set_eligibility(
        SYSTEM, process, activity="vote", unit=city.almaly, include_subunits=False, min_age=16
    )
    rule = Eligibility.objects.get(process=process, activity="vote")
    assert (rule.unit, rule.include_subunits, rule.min_age) == (city.almaly, False, 16)
    with pytest.raises(ValidationError, match="inside it"):
        actions.set_eligibility(SYSTEM, process, activity="vote", unit=city.astana)


def test_who_may_run_a_process(city, carol, alice, bob, dana, erlan, farida, at):
    arguments = {
        "unit": city.almaly,
        "titles": {"en": "Almaly budget"},
        "year": 2027,
        "budget": Decimal("500000"),
        "ballot_kind": "approval",
        "rule": "greedy",
    }
    for user in (carol, alice):
        process = actions.create_process(Actor(user=user), **arguments)
        actions.set_phases(Actor(user=user), process, SPANS)
        actions.change_rules(Actor(user=user), process, max_choices=2)
    for user in (bob, dana, erlan, farida):
        with pytest.raises(PermissionDenied):
            actions.create_process(Actor(user=user), **arguments)
        with pytest.raises(PermissionDenied):
            actions.change_rules(Actor(user=user), process, max_choices=4)
        with pytest.raises(PermissionDenied):
            actions.set_phases(Actor(user=user), process, SPANS)
    with pytest.raises(PermissionDenied):
        actions.create_process(Actor(user=carol), **{**arguments, "unit": city.astana})
    assert Process.objects.count() == 2
    assert Process.objects.get(pk=process.pk).max_choices == 2
