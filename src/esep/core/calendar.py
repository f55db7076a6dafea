"""Kazakhstan's working-day calendar: the clock of every legal term counted in working days.

A day is a working day unless it is a Saturday or Sunday, a public holiday, or a day off that
the `holidays` package or the Government moved there; a weekend day the Government made a
working day is one. Two sources, in this order:

1. the `holidays` package (`holidays.country_holidays("KZ")`): public and religious holidays,
   holidays falling on a weekend moved to the next working day, and the days off the Government
   transferred by decree up to the last year the package knows (with their working Saturdays);
2. the `TransferredDay` table, edited by administrators, which overrides the package for its
   dates (new decrees, corrections of an estimated Kurban ait date).

`WorkingCalendar` precomputes every day of FIRST_YEAR…LAST_YEAR once, so each question is a
few list lookups, with no loop over days. Bulk users (demo data, benchmarks, recomputing open
deadlines) take one calendar with `WorkingCalendar.load()` and ask it; the module functions of
the same names do that for one-off questions. See docs/calendar.md.
"""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Iterable
from datetime import date
from functools import cache
from itertools import accumulate, compress
from typing import Any, NamedTuple

import holidays
from django.dispatch import Signal
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import TransferredDay, TransferredDayKind

FIRST_YEAR = 1995
LAST_YEAR = 2060
HOLIDAYS_VERSION: str = holidays.__version__

# Sent once a transferred day has been entered, changed or removed and the transaction has
# committed, with `day` (a date) and `kind` (the new kind, or None when removed). Receivers
# recompute whatever depends on the calendar (e.g. the deadlines of open appeals).
calendar_changed = Signal()

_FIRST = date(FIRST_YEAR, 1, 1).toordinal()
_LAST = date(LAST_YEAR, 12, 31).toordinal()

# The package's English names (language "en_US") and ours, which translators can put in every
# interface language (the package has no Russian names).
HOLIDAY_NAMES = {
    "New Year's Day": gettext_lazy("New Year"),
    "Orthodox Christmas": gettext_lazy("Orthodox Christmas"),
    "International Women's Day": gettext_lazy("International Women's Day"),
    "Nowruz Holiday": gettext_lazy("Nauryz meiramy"),
    "Kazakhstan's People Solidarity Holiday": gettext_lazy(
        "Day of Unity of the People of Kazakhstan"
    ),
    "Defender of the Fatherland Day": gettext_lazy("Defender of the Fatherland Day"),
    "Victory Day": gettext_lazy("Victory Day"),
    "Capital Day": gettext_lazy("Capital Day"),
    "Constitution Day": gettext_lazy("Constitution Day"),
    "Republic Day": gettext_lazy("Republic Day"),
    "First President Day": gettext_lazy("First President Day"),
    "Independence Day": gettext_lazy("Independence Day"),
    "Eid al-Adha": gettext_lazy("Kurban ait"),
}
_SUBSTITUTED = re.compile(r"^Day off \(substituted from (\d\d)/(\d\d)/(\d{4})\)$")
_SUFFIX = re.compile(r"^(.*) \((observed|estimated|observed, estimated)\)$")


class _Name(NamedTuple):
    """Why a day is off, kept language-neutral and rendered in the active language."""

    base: str = ""  # the package's English name; "" for a transferred day off
    observed: bool = False  # a holiday on a weekend, moved to this day
    estimated: bool = False  # an Islamic holiday whose date is not yet confirmed
    moved_from: date | None = None  # a day off the Government moved from this weekend day

    def render(self) -> str:
        if self.moved_from is not None:
            moved = date_format(self.moved_from, "SHORT_DATE_FORMAT")
            return _("Day off moved from %(date)s") % {"date": moved}
        if not self.base:
            return _("Transferred day off")
        name = str(HOLIDAY_NAMES.get(self.base, self.base))
        if self.observed:
            name = _("%(holiday)s (day off moved from a weekend)") % {"holiday": name}
        if self.estimated:
            name = _("%(holiday)s (estimated date)") % {"holiday": name}
        return name


def _parse_names(text: str) -> tuple[_Name, ...]:
    names = []
    for part in text.split("; "):
        if match := _SUBSTITUTED.match(part):
            month, day, year = (int(g) for g in match.groups())
            names.append(_Name(moved_from=date(year, month, day)))
        elif match := _SUFFIX.match(part):
            base, flags = match.groups()
            names.append(_Name(base, "observed" in flags, "estimated" in flags))
        else:
            names.append(_Name(part))
    return tuple(names)


class _PackageDays(NamedTuple):
    working: bytes  # one flag per day from FIRST_YEAR: 1 = working day
    names: dict[int, tuple[_Name, ...]]  # ordinal → why it is off


@cache
def _package_days() -> _PackageDays:
    """What the `holidays` package says, computed once per process (about 0.1 s)."""
    kz = holidays.country_holidays("KZ", years=range(FIRST_YEAR, LAST_YEAR + 1), language="en_US")
    weekend = frozenset(kz.weekend)
    weekend_workdays = {d.toordinal() for d in kz.weekend_workdays}
    names = {d.toordinal(): _parse_names(text) for d, text in kz.items()}
    working = bytes(
        o not in names and ((o - 1) % 7 not in weekend or o in weekend_workdays)
        for o in range(_FIRST, _LAST + 1)  # ordinal 1 (1 January of year 1) was a Monday
    )
    return _PackageDays(working, names)


def _out_of_range(d: date) -> ValueError:
    return ValueError(f"{d} is outside the working-day calendar ({FIRST_YEAR}–{LAST_YEAR})")


class WorkingCalendar:
    """Working days from FIRST_YEAR to LAST_YEAR, immutable. Every method is O(1): a flag per
    day, the sorted list of working days, and how many working days come before each day."""

    __slots__ = ("_names", "_ranks", "_working", "_working_days", "transferred")

    transferred: tuple[tuple[date, str], ...]

    def __init__(self, transferred: Iterable[tuple[date, str]] = ()) -> None:
        """The package's calendar with `transferred` (date, kind) overriding it. Without a
        database: `WorkingCalendar()` is the package alone."""
        package = _package_days()
        rows = tuple(sorted((day, str(kind)) for day, kind in transferred))
        working = bytearray(package.working)
        names = dict(package.names)
        for day, kind in rows:
            o = day.toordinal()
            if not _FIRST <= o <= _LAST:
                continue  # outside the range nothing is answered anyway
            working[o - _FIRST] = kind == TransferredDayKind.WORKING_DAY
            if kind == TransferredDayKind.DAY_OFF:
                names[o] = (*names.get(o, ()), _Name())
        set_ = object.__setattr__
        set_(self, "transferred", rows)
        set_(self, "_working", bytes(working))
        set_(self, "_names", names)
        # _ranks[i]: working days strictly before day i; _working_days[k]: the k-th (from 0).
        set_(self, "_ranks", list(accumulate(working, initial=0)))
        set_(self, "_working_days", list(compress(range(_FIRST, _LAST + 1), working)))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("WorkingCalendar is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("WorkingCalendar is immutable")

    def __repr__(self) -> str:
        return f"<WorkingCalendar {FIRST_YEAR}–{LAST_YEAR}, {len(self.transferred)} transferred>"

    @classmethod
    def load(cls) -> WorkingCalendar:
        """The calendar with the TransferredDay table as it is now: one query. The instance is
        shared while the table stays the same (see `_cached`)."""
        global _cached
        rows = tuple(TransferredDay.objects.order_by("date").values_list("date", "kind"))
        cached = _cached
        if cached is None or cached.transferred != rows:
            cached = _cached = cls(rows)
        return cached

    def _index(self, d: date) -> int:
        i = d.toordinal() - _FIRST
        if not 0 <= i < len(self._working):
            raise _out_of_range(d)
        return i

    def _nth(self, k: int, d: date) -> date:
        if k >= len(self._working_days):
            raise _out_of_range(d)
        return date.fromordinal(self._working_days[k])

    def is_working_day(self, d: date) -> bool:
        """Is `d` a working day?"""
        return bool(self._working[self._index(d)])

    def next_working_day(self, d: date) -> date:
        """`d` itself if it is a working day, else the first working day after it: a term whose
        last day is a day off ends on the next working day."""
        return self._nth(self._ranks[self._index(d)], d)

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start`, which is not counted (the day an appeal was
        received): a 15-working-day term received on `start` ends on
        `add_working_days(start, 15)`. n = 0 gives `next_working_day(start)`."""
        if n < 0:
            raise ValueError("n must be zero or more")
        if n == 0:
            return self.next_working_day(start)
        return self._nth(self._ranks[self._index(start) + 1] + n - 1, start)

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days there are after `start` up to and including `end`; 0 if `end`
        is not after `start`. For n ≥ 1, `working_days_between(s, add_working_days(s, n)) == n`."""
        if end <= start:
            return 0
        return self._ranks[self._index(end) + 1] - self._ranks[self._index(start) + 1]

    def add_months_term(self, start: date, months: int) -> date:
        """A term of `months` calendar months from `start`: the same day number that many months
        later (the month's last day if it is shorter), moved to the next working day if that
        is a day off. The two-month extension of an appeal is `add_months_term(received, 2)`."""
        if months < 0:
            raise ValueError("months must be zero or more")
        year, month0 = divmod(start.year * 12 + start.month - 1 + months, 12)
        day = min(start.day, monthrange(year, month0 + 1)[1])
        return self.next_working_day(date(year, month0 + 1, day))

    def holiday_name(self, d: date) -> str | None:
        """Why `d` is a day off, in the active language: the holiday, a holiday moved from a
        weekend, or a transferred day off. None for working days and ordinary weekends."""
        if self.is_working_day(d):
            return None
        names = self._names.get(d.toordinal())
        return "; ".join(name.render() for name in names) if names else None


# The calendar last built in this process, reused while the TransferredDay table holds the same
# rows. The rows themselves are the cache key (one small query per use), so the cache is exact
# across processes and transactions, even one rolled back, and is not rebuilt by other writes.
_cached: WorkingCalendar | None = None


def is_working_day(d: date) -> bool:
    """`WorkingCalendar.is_working_day` on the current calendar (one query)."""
    return WorkingCalendar.load().is_working_day(d)


def next_working_day(d: date) -> date:
    """`WorkingCalendar.next_working_day` on the current calendar (one query)."""
    return WorkingCalendar.load().next_working_day(d)


def add_working_days(start: date, n: int) -> date:
    """`WorkingCalendar.add_working_days` on the current calendar (one query)."""
    return WorkingCalendar.load().add_working_days(start, n)


def working_days_between(start: date, end: date) -> int:
    """`WorkingCalendar.working_days_between` on the current calendar (one query)."""
    return WorkingCalendar.load().working_days_between(start, end)


def add_months_term(start: date, months: int) -> date:
    """`WorkingCalendar.add_months_term` on the current calendar (one query)."""
    return WorkingCalendar.load().add_months_term(start, months)


def holiday_name(d: date) -> str | None:
    """`WorkingCalendar.holiday_name` on the current calendar (one query)."""
    return WorkingCalendar.load().holiday_name(d)


@cache
def package_calendar() -> WorkingCalendar:
    """The `holidays` package alone, without the table: what a date is before any transfer."""
    return WorkingCalendar()
