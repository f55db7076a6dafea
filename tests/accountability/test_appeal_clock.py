"""The legal clock of an appeal, as the actions compute it (calendar details: test_calendar)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from esep.accountability import actions, clock
from esep.accountability.models import Appeal, AppealStep
from esep.core.actions import Actor

pytestmark = pytest.mark.django_db
D = dt.date


def test_filed_appeal_gets_its_terms_in_working_days(town, file_appeal, at):
    at(2026, 3, 2)  # Monday; Nauryz 21–23 March falls on Sat–Mon, so 24–25 March are off too
    appeal = file_appeal()
    assert appeal.body == town.belbulak_akimat
    assert appeal.received_on == D(2026, 3, 2)
    assert appeal.forward_due_on == D(2026, 3, 5)
    assert appeal.due_on == D(2026, 3, 27)
    assert appeal.deadline == appeal.due_on
    assert appeal.status == "registered"


def test_term_across_new_year(town, file_appeal, at):
    at(2025, 12, 24)
    appeal = file_appeal()
    # 25, 26, 29, 30, 31 December (5); 1–2 January off; 5, 6 (7); 7 January off;
    # 8, 9 (9); 12–16 (14); 19 (15)
    assert appeal.due_on == D(2026, 1, 19)


def test_filed_on_a_holiday_counts_from_the_next_working_day(town, file_appeal, at):
    at(2026, 3, 21)  # Saturday, Nauryz
    appeal = file_appeal()
    assert appeal.received_on == D(2026, 3, 21)
    assert appeal.forward_due_on == D(2026, 3, 30)  # 26, 27, 30


def test_answer_on_the_deadline_is_on_time_and_a_day_later_is_late(town, file_appeal, bolat, at):
    at(2026, 3, 2)
    first, second = file_appeal(), file_appeal(source="198.51.100.1")
    at(2026, 3, 27)
    first = actions.answer_appeal(Actor.of(bolat), first, text="Repaired on 26 March.")
    assert (first.on_time, first.working_days, first.closed_on) == (True, 15, D(2026, 3, 27))
    at(2026, 3, 30)
    second = actions.answer_appeal(Actor.of(bolat), second, text="Repaired.")
    assert (second.on_time, second.working_days) == (False, 16)


def test_extension_once_to_two_months_from_receipt(town, file_appeal, bolat, at):
    at(2026, 3, 2)
    appeal = file_appeal()
    at(2026, 3, 20)
    appeal = actions.extend_appeal(
        Actor.of(bolat), appeal, reason="A survey of the road is needed."
    )
    assert appeal.extended_on == D(2026, 3, 20)
    assert appeal.extended_due_on == D(2026, 5, 4)  # 2 May is a Saturday → next working day
    assert appeal.deadline == appeal.extended_due_on
    with pytest.raises(ValidationError, match="already been extended"):
        actions.extend_appeal(Actor.of(bolat), appeal, reason="Again.")
    at(2026, 4, 30)
    appeal = actions.answer_appeal(Actor.of(bolat), appeal, text="Done.")
    assert appeal.on_time is True


def test_extension_refused_after_the_term(town, file_appeal, bolat, at):
    at(2026, 3, 2)
    appeal = file_appeal()
    at(2026, 3, 30)
    with pytest.raises(ValidationError, match="only be extended before"):
        actions.extend_appeal(Actor.of(bolat), appeal, reason="Late decision.")
    assert Appeal.objects.get(pk=appeal.pk).extended_on is None


def test_forwarding_restarts_the_clock_and_is_judged_against_three_days(
    town, file_appeal, bolat, aidar, at
):
    at(2026, 3, 2)
    appeal = file_appeal()
    at(2026, 3, 5)
    appeal = actions.forward_appeal(
        Actor.of(bolat), appeal, to_body=town.talgar_akimat, reason="District road."
    )
    step = AppealStep.objects.get(appeal=appeal, kind="forwarded")
    assert step.on_time is True and step.from_body == town.belbulak_akimat
    assert appeal.body == town.talgar_akimat
    assert appeal.received_on == D(2026, 3, 5)
    # 6; 9 March off (8 March fell on a Sunday); 10–13; 16–20; 23–25 off; 26, 27, 30, 31, 1 April
    assert appeal.due_on == D(2026, 4, 1)
    assert appeal.forward_due_on == D(2026, 3, 11)
    at(2026, 3, 12)
    appeal = actions.forward_appeal(
        Actor.of(aidar), appeal, to_body=town.oblast_akimat, reason="Regional road."
    )
    late = AppealStep.objects.filter(appeal=appeal, kind="forwarded").last()
    assert late.on_time is False
    assert (appeal.body, appeal.received_on) == (town.oblast_akimat, D(2026, 3, 12))


def test_forwarding_out_closes_the_appeal(town, file_appeal, bolat, at):
    at(2026, 3, 2)
    appeal = file_appeal()
    at(2026, 3, 9)
    appeal = actions.forward_appeal_out(
        Actor.of(bolat), appeal, organisation="Police of Talgar district", reason="A crime."
    )
    assert appeal.status == "forwarded_out"
    assert appeal.on_time is False  # forwarding was due on 5 March


def test_calendar_change_moves_open_deadlines(town, file_appeal, alice, at):
    from esep.core.calendar_actions import set_transferred_day

    at(2026, 3, 2)
    appeal = file_appeal()
    assert appeal.due_on == D(2026, 3, 27)
    set_transferred_day(Actor.of(alice), day=D(2026, 3, 13), kind="day_off", reason="Decree No. 1")
    # on_commit: the test transaction runs it when captured; recompute directly as well
    clock.recompute_open_deadlines()
    assert Appeal.objects.get(pk=appeal.pk).due_on == D(2026, 3, 30)
