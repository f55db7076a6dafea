"""Writes to the working-day calendar: the days off and working days moved by decree.

Each action checks `core.edit_calendar`, leaves an audit entry, and, once committed, sends
`calendar_changed` so that deadlines computed from the calendar can follow."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .actions import Actor, action
from .calendar import FIRST_YEAR, LAST_YEAR, calendar_changed, package_calendar
from .models import TransferredDay, TransferredDayKind


def check_transferred_day(*, day: date, kind: str, reason: str) -> None:
    """Refuse a transfer that changes nothing or has no reason (the admin form asks too).
    A date is judged by the holidays package alone: its own row, if any, is being replaced."""
    if not reason.strip():
        raise ValidationError(
            _("Give the reason: the decree that moved this day."), code="reason_missing"
        )
    if kind not in TransferredDayKind.values:
        raise ValidationError(_("Choose a day off or a working day."), code="kind_unknown")
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValidationError(
            _("The calendar covers the years %(first)s to %(last)s.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
            code="day_out_of_range",
        )
    working = package_calendar().is_working_day(day)
    if kind == TransferredDayKind.DAY_OFF and not working:
        raise ValidationError(_("This day is already a day off."), code="already_day_off")
    if kind == TransferredDayKind.WORKING_DAY and working:
        raise ValidationError(_("This day is already a working day."), code="already_working")


def _announce(day: date, kind: str | None) -> None:
    transaction.on_commit(
        lambda: calendar_changed.send(sender=TransferredDay, day=day, kind=kind), robust=True
    )


def set_transferred_day(
    actor: Actor, *, day: date, kind: str, reason: str, source_url: str = ""
) -> TransferredDay:
    """Enter (or correct) the transfer of `day`: a weekday made a day off, or a day off made
    a working day, by the act named in `reason`."""
    with action("set_transferred_day", actor, "core.edit_calendar", None) as act:
        check_transferred_day(day=day, kind=kind, reason=reason)
        transferred = TransferredDay.objects.filter(date=day).first() or TransferredDay(date=day)
        previous = transferred.kind if transferred.pk else None
        transferred.kind = kind
        transferred.reason = reason.strip()
        transferred.source_url = source_url.strip()
        transferred.full_clean(validate_unique=False)
        transferred.save()
        act.record(
            transferred,
            day=day.isoformat(),
            kind=kind,
            previous=previous,
            reason=transferred.reason,
            source_url=transferred.source_url,
        )
        _announce(day, kind)
    return transferred


def remove_transferred_day(actor: Actor, *, day: date) -> None:
    """Remove the transfer of `day`: it is again what the holidays package says."""
    with action("remove_transferred_day", actor, "core.edit_calendar", None) as act:
        transferred = TransferredDay.objects.filter(date=day).first()
        if transferred is None:
            raise ValidationError(_("No day is transferred on this date."), code="not_transferred")
        # Recorded before deleting, while the row still has its id.
        act.record(transferred, day=day.isoformat(), kind=transferred.kind)
        TransferredDay.objects.filter(pk=transferred.pk).delete()
        _announce(day, None)
