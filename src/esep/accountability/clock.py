"""The legal clock of an appeal, computed from the working-day calendar (core.calendar).

`now()` is the one place appeals read the time, so tests can move it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from esep.core.calendar import WorkingCalendar

from .models.appeals import (
    ANSWER_WORKING_DAYS,
    EXTENSION_MONTHS,
    FORWARD_WORKING_DAYS,
    OPEN_STATUSES,
    Appeal,
)


def now() -> datetime:
    return timezone.now()


def today() -> date:
    return timezone.localdate(now())


@dataclass(frozen=True)
class Clock:
    """The dates of an appeal received by a body on `received_on`."""

    received_on: date
    due_on: date
    forward_due_on: date
    extended_due_on: date

    @classmethod
    def starting(cls, received_on: date, calendar: WorkingCalendar) -> Clock:
        return cls(
            received_on=received_on,
            due_on=calendar.add_working_days(received_on, ANSWER_WORKING_DAYS),
            forward_due_on=calendar.add_working_days(received_on, FORWARD_WORKING_DAYS),
            extended_due_on=calendar.add_months_term(received_on, EXTENSION_MONTHS),
        )


def start(appeal: Appeal, received_on: date, calendar: WorkingCalendar) -> None:
    """Set the clock of an appeal that a body receives on `received_on` (no extension)."""
    clock = Clock.starting(received_on, calendar)
    appeal.received_on = clock.received_on
    appeal.due_on = clock.due_on
    appeal.forward_due_on = clock.forward_due_on
    appeal.extended_on = None
    appeal.extended_due_on = None
    appeal.extension_reason = ""
    appeal.deadline = clock.due_on


def close(appeal: Appeal, closed_at: datetime, calendar: WorkingCalendar, *, term: date) -> None:
    """Record when the body closed the appeal, whether by `term` and in how many working days."""
    closed_on = timezone.localdate(closed_at)
    appeal.closed_at = closed_at
    appeal.closed_on = closed_on
    appeal.on_time = closed_on <= term
    appeal.working_days = calendar.working_days_between(appeal.received_on, closed_on)
    appeal.updated_at = closed_at


def recompute_open_deadlines(calendar: WorkingCalendar | None = None) -> int:
    """After the calendar changed: compute the dates of every open appeal again. Returns how
    many appeals changed."""
    calendar = calendar or WorkingCalendar.load()
    changed = []
    fields = ["due_on", "forward_due_on", "extended_due_on", "deadline"]
    for appeal in (
        Appeal.objects.filter(status__in=OPEN_STATUSES)
        .only("id", "received_on", *fields, "extended_on")
        .iterator(chunk_size=2000)
    ):
        clock = Clock.starting(appeal.received_on, calendar)
        extended = clock.extended_due_on if appeal.extended_on else None
        new = (clock.due_on, clock.forward_due_on, extended, extended or clock.due_on)
        if new != (appeal.due_on, appeal.forward_due_on, appeal.extended_due_on, appeal.deadline):
            appeal.due_on, appeal.forward_due_on, appeal.extended_due_on, appeal.deadline = new
            changed.append(appeal)
    Appeal.objects.bulk_update(changed, fields, batch_size=500)
    return len(changed)
