"""The clock of a request for information: the default law's 15 calendar days (a last day off
moves to the next working day), a law counting working days, the one extension, the stop for a
clarification, the new term of an internal review, and overdue / very overdue on the right
days. Kazakhstan's calendar: 8 March 2026 is a Sunday, so Monday 9 March is a day off; Nauryz
falls on 21–23 March 2026 (Saturday to Monday), so 24 and 25 March are days off too."""

from __future__ import annotations

from datetime import date

import pytest

from esep.accountability.actions import information as actions
from esep.accountability.models import DisplayStatus, RequestState
from esep.core.actions import Actor
from esep.core.calendar_actions import set_transferred_day
from tests.accountability.test_information_fixtures import (  # noqa: F401
    fixture_ask,
    fixture_law,
    fixture_media,
)
from tests.conftest import SYSTEM

OVERDUE, VERY_OVERDUE = DisplayStatus.OVERDUE, DisplayStatus.VERY_OVERDUE


def test_fifteen_calendar_days_from_the_day_sent(at, ask):
    at(2026, 3, 2)  # Monday
    request = ask()
    assert request.sent_on == request.term_started_on == date(2026, 3, 2)
    assert request.due_on == request.deadline == date(2026, 3, 17)
    assert request.extended_due_on is None
    assert request.very_overdue_after == date(2026, 4, 1)  # 15 more calendar days
    assert request.status_on(date(2026, 3, 17)) == RequestState.WAITING_RESPONSE
    assert request.status_on(date(2026, 3, 18)) == OVERDUE
    assert request.status_on(date(2026, 4, 1)) == OVERDUE
    assert request.status_on(date(2026, 4, 2)) == VERY_OVERDUE


def test_a_last_day_off_moves_to_the_next_working_day(at, ask):
    at(2026, 3, 7)  # Saturday: 15 days later is Sunday 22 March, inside Nauryz
    request = ask()
    assert request.due_on == date(2026, 3, 26)
    assert request.status_on(date(2026, 3, 26)) == RequestState.WAITING_RESPONSE
    assert request.status_on(date(2026, 3, 27)) == OVERDUE


def test_another_law_counting_working_days(at, ask, aigerim):
    working = actions.save_access_law(
        SYSTEM,
        code="working-10",
        title_en="A law counting working days",
        citation="Law No. 1",
        article="Article 1",
        response_days=10,
        day_kind="working",
        extension_days=5,
        notice_days=1,
        very_overdue_days=5,
    )
    actions.make_default_access_law(SYSTEM, working)
    at(2026, 3, 2)
    request = ask()
    assert request.law == working
    # 3–6 March, then 10–13 (9 March is off), 16 and 17 March: ten working days.
    assert request.due_on == date(2026, 3, 17)
    # Five working days more: 18–20 March, then 26 and 27 (21–25 March are off).
    assert request.very_overdue_after == date(2026, 3, 27)
    assert request.status_on(date(2026, 3, 27)) == OVERDUE
    assert request.status_on(date(2026, 3, 28)) == VERY_OVERDUE


def test_the_extension_moves_the_deadline_and_overdue(at, ask, aidar):
    at(2026, 3, 2)
    request = ask()
    at(2026, 3, 16)
    request = actions.extend_information_request(
        Actor.of(aidar), request, reason="We need the archive of 2025."
    )
    assert request.extended_on == date(2026, 3, 16)
    assert request.due_on == date(2026, 3, 17)
    assert request.extended_due_on == request.deadline == date(2026, 4, 1)  # 17 March + 15
    assert request.very_overdue_after == date(2026, 4, 16)
    assert request.status_on(date(2026, 3, 20)) == RequestState.WAITING_RESPONSE
    assert request.status_on(date(2026, 4, 2)) == OVERDUE
    assert request.status_on(date(2026, 4, 17)) == VERY_OVERDUE


def test_a_clarification_stops_the_clock_and_its_answer_starts_it_again(at, ask, aidar, aigerim):
    at(2026, 3, 2)
    request = ask()
    at(2026, 3, 5)
    request = actions.ask_clarification(Actor.of(aidar), request, text="Which streets?")
    assert request.status_on(date(2026, 4, 20)) == RequestState.WAITING_CLARIFICATION
    at(2026, 4, 10)
    request = actions.reply_clarification(Actor.of(aigerim), request, text="Abai street.")
    assert request.state == RequestState.WAITING_RESPONSE
    assert request.sent_on == date(2026, 3, 2)
    assert request.term_started_on == date(2026, 4, 10)
    assert request.due_on == request.deadline == date(2026, 4, 27)  # 25 April is a Saturday
    assert request.status_on(date(2026, 4, 27)) == RequestState.WAITING_RESPONSE
    assert request.status_on(date(2026, 4, 28)) == OVERDUE


def test_an_extension_carries_over_a_clarification(at, ask, aidar, aigerim):
    at(2026, 3, 2)
    request = ask()
    request = actions.extend_information_request(Actor.of(aidar), request, reason="Archive.")
    request = actions.ask_clarification(Actor.of(aidar), request, text="Which year?")
    at(2026, 4, 10)
    request = actions.reply_clarification(Actor.of(aigerim), request, text="2025.")
    assert request.due_on == date(2026, 4, 27)
    assert request.extended_due_on == request.deadline == date(2026, 5, 12)  # 27 April + 15


def test_an_internal_review_has_a_new_term(at, ask, aidar, aigerim):
    at(2026, 3, 2)
    request = ask()
    at(2026, 3, 20)  # after the deadline: the first answer is late
    request = actions.answer_information_request(
        Actor.of(aidar), request, text="Partly attached.", outcome="partially_successful"
    )
    assert request.on_time is False
    at(2026, 4, 1)
    request = actions.request_internal_review(
        Actor.of(aigerim), request, text="The contract with the amounts is missing."
    )
    assert request.state == RequestState.INTERNAL_REVIEW
    assert request.term_started_on == date(2026, 4, 1)
    assert request.deadline == date(2026, 4, 16)
    assert request.status_on(date(2026, 4, 17)) == OVERDUE
    assert request.on_time is False  # the first answer keeps its record


def test_answered_requests_are_never_overdue(at, ask, aidar):
    at(2026, 3, 2)
    request = ask()
    at(2026, 3, 17)
    request = actions.answer_information_request(
        Actor.of(aidar), request, text="Attached.", outcome="successful"
    )
    assert request.on_time is True
    assert request.status_on(date(2027, 1, 1)) == RequestState.SUCCESSFUL


@pytest.mark.parametrize("day_kind", ["calendar", "working"])
def test_open_deadlines_follow_a_changed_calendar(at, ask, day_kind):
    if day_kind == "working":
        working = actions.save_access_law(
            SYSTEM, code="w", title_en="W", citation="C", article="A", response_days=15,
            day_kind="working", extension_days=0, notice_days=0, very_overdue_days=15,
        )  # fmt: skip
        actions.make_default_access_law(SYSTEM, working)
    at(2026, 3, 2)
    request = ask()
    before = request.deadline
    set_transferred_day(SYSTEM, day=before, kind="day_off", reason="Decree No. 1")
    assert actions.recompute_open_information_deadlines() == 1
    request.refresh_from_db()
    assert request.deadline > before
    assert actions.recompute_open_information_deadlines() == 0  # nothing left to change
