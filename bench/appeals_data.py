"""The appeals of `bench/appeals.py`: millions of appeals over about ten years across the akimats
and maslikhats of the national demo site, written with raw `executemany` into the real tables
(`accountability_appeal` and, for the appeals forwarded from one body to another,
`accountability_appealstep`), every row valid under the models' database constraints.

Run inside the site (`esep shell`: Django configured, the site's database). The legal clock of
every appeal comes from `esep.core.calendar.WorkingCalendar`, as the actions compute it: the
deadline is the 15th working day after receipt (or the extended one, two months from receipt),
forwarding is due within 3 working days, and a decision after `n` working days is on the n-th
working day after receipt, so `working_days` is n and `on_time` says whether that day was not
after the deadline. Appeals are written day by day in the order they were filed, as a real
site fills up. The data is synthetic: every appeal is `is_demo`, with a fixed seed."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, transaction

APPEAL_COLUMNS = (
    "id",
    "kind",
    "category_id",
    "unit_id",
    "address",
    "latitude",
    "longitude",
    "text",
    "attributes",
    "applicant_name",
    "applicant_email",
    "applicant_phone",
    "language",
    "channel",
    "source_hash",
    "consent_public",
    "public_text",
    "is_public",
    "body_id",
    "status",
    "filed_at",
    "updated_at",
    "received_on",
    "due_on",
    "forward_due_on",
    "extended_on",
    "extended_due_on",
    "extension_reason",
    "deadline",
    "closed_at",
    "closed_on",
    "on_time",
    "working_days",
    "answer_text",
    "leave_reason",
    "forwarded_to",
    "rating",
    "rating_comment",
    "rated_at",
    "token",
    "is_demo",
)
STEP_COLUMNS = ("appeal_id", "kind", "at", "note", "on_time", "from_body_id", "to_body_id")

# Shares of what becomes of an appeal (the rest is answered).
FORWARDED = 0.05  # to another body on esep, which then handles it
FORWARDED_OUT = 0.03
LEFT = 0.08
NEVER = 0.004  # never answered: open and, once its deadline passed, overdue
EXTENDED = 0.07
LATE = 0.12  # decided after the deadline
PUBLIC = 0.25
PLACED = 0.3  # with coordinates
RATED = 0.3
KINDS = ("statement", "complaint", "proposal", "request")
BATCH = 20_000


@dataclass
class Written:
    appeals: int = 0
    steps: int = 0
    first_id: int = 0
    last_id: int = 0
    first_day: str = ""
    last_day: str = ""


class _Clocks:
    """The clock of an appeal received on a day, computed once per day (ISO strings)."""

    def __init__(self) -> None:
        from esep.core.calendar import WorkingCalendar

        self.calendar = WorkingCalendar.load()
        self.cache: dict[dt.date, tuple[str, str, str, dt.date, dt.date, dt.date]] = {}

    def of(self, received: dt.date) -> tuple[str, str, str, dt.date, dt.date, dt.date]:
        found = self.cache.get(received)
        if found is None:
            cal = self.calendar
            due = cal.add_working_days(received, 15)
            forward_due = cal.add_working_days(received, 3)
            extended_due = cal.add_months_term(received, 2)
            found = (
                due.isoformat(),
                forward_due.isoformat(),
                extended_due.isoformat(),
                due,
                forward_due,
                extended_due,
            )
            self.cache[received] = found
        return found

    def after(self, received: dt.date, n: int) -> dt.date:
        return self.calendar.add_working_days(received, n)


def _timestamp(day: dt.date, minutes: int, offset: int, postgres: bool) -> str:
    """The UTC text of `minutes` after local midnight of `day` (minutes ≥ offset × 60, so the
    UTC date is the same day)."""
    total = minutes - offset * 60
    text = f"{day.isoformat()} {total // 60:02d}:{total % 60:02d}:00"
    return text + "+00:00" if postgres else text


def generate(
    *,
    total: int,
    bodies: list[dict[str, Any]],
    categories: list[int],
    today: dt.date,
    years: int,
    seed: int,
) -> Written:
    """Write about `total` appeals filed over the `years` years up to `today` (inclusive)
    across `bodies` ({"id", "unit_id", "weight", "next": body id forwarded to or None, "lat",
    "lon"}), in transactions of one day each. Returns what was written."""
    rng = random.Random(seed)
    zone = ZoneInfo(settings.TIME_ZONE)
    postgres = connection.vendor == "postgresql"
    clocks = _Clocks()
    cumulative, running = [], 0.0
    for body in bodies:
        running += body["weight"]
        cumulative.append(running)
    first_day = today - dt.timedelta(days=round(365.25 * years) - 1)
    days = (today - first_day).days + 1
    per_day = total / days
    table = connection.ops.quote_name("accountability_appeal")
    steps_table = connection.ops.quote_name("accountability_appealstep")
    # Table and column names are the constants above; the values are parameters.
    insert = (
        f"INSERT INTO {table} ({', '.join(APPEAL_COLUMNS)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(APPEAL_COLUMNS))})"
    )
    insert_step = (
        f"INSERT INTO {steps_table} ({', '.join(STEP_COLUMNS)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(STEP_COLUMNS))})"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 - no input
        next_id = cursor.fetchone()[0] + 1
    written = Written(first_id=next_id, first_day=first_day.isoformat())
    rows: list[tuple[Any, ...]] = []
    steps: list[tuple[Any, ...]] = []
    carry = 0.0

    def flush() -> None:
        with connection.cursor() as cursor:
            if rows:
                cursor.executemany(insert, rows)
            if steps:
                cursor.executemany(insert_step, steps)
        written.appeals += len(rows)
        written.steps += len(steps)
        rows.clear()
        steps.clear()

    for offset_days in range(days):
        day = first_day + dt.timedelta(days=offset_days)
        # Fewer appeals at weekends; the total stays about `total`.
        weight = 0.4 if day.weekday() >= 5 else 1.24
        carry += per_day * weight
        count = int(carry)
        carry -= count
        if not count:
            continue
        noon = dt.datetime(day.year, day.month, day.day, 12, tzinfo=zone)
        utc_offset = int(noon.utcoffset().total_seconds()) // 3600
        chosen = rng.choices(bodies, cum_weights=cumulative, k=count)
        for body in chosen:
            appeal_id = next_id
            next_id += 1
            filed_minutes = rng.randrange(7 * 60, 23 * 60)
            filed_at = _timestamp(day, filed_minutes, utc_offset, postgres)
            received = day
            draw = rng.random()
            body_id = body["id"]
            if draw < FORWARDED and body["next"] is not None:
                # Forwarded after 1 to 5 working days (on time within 3).
                after = rng.randint(1, 5)
                forwarded_on = clocks.after(day, after)
                if forwarded_on <= today:
                    _due, fwd_due_text, _ext, _d, forward_due, _e = clocks.of(day)
                    steps.append(
                        (
                            appeal_id,
                            "forwarded",
                            _timestamp(forwarded_on, 11 * 60, utc_offset, postgres),
                            "Outside this body's competence.",
                            forwarded_on <= forward_due,
                            body_id,
                            body["next"],
                        )
                    )
                    body_id = body["next"]  # the place stays the same
                    received = forwarded_on
                draw = rng.random() * (1 - FORWARDED) + FORWARDED  # what then becomes of it
            due_text, forward_due_text, extended_text, due, forward_due, extended_due = clocks.of(
                received
            )
            extended_on = extended_due_text = None
            extension_reason = ""
            deadline, deadline_text = due, due_text
            if rng.random() < EXTENDED:
                extended_on = clocks.after(received, rng.randint(1, 10))
                if extended_on <= today and extended_on <= due:
                    extended_due_text = extended_text
                    extension_reason = "An inspection on site is needed."
                    deadline, deadline_text = extended_due, extended_text
                    extended_on = extended_on.isoformat()
                else:
                    extended_on = None
            status = "answered"
            if draw < FORWARDED + FORWARDED_OUT:
                status = "forwarded_out"
                taken = rng.randint(1, 5)
                term = forward_due
            else:
                if draw < FORWARDED + FORWARDED_OUT + LEFT:
                    status = "left"
                elif draw > 1 - NEVER:
                    status = "registered"
                term = deadline
                limit = 15 if extended_on is None else 40
                late = rng.random() < LATE
                taken = limit + rng.randint(1, 20) if late else rng.randint(1, limit)
            closed_on = clocks.after(received, taken)
            if status == "registered" or closed_on > today:
                status = "registered"
                closed = None
            else:
                closed = closed_on
            public = rng.random() < PUBLIC
            placed = rng.random() < PLACED
            lat = lon = None
            if placed:
                lat = round(body["lat"] + rng.uniform(-0.25, 0.25), 6)
                lon = round(body["lon"] + rng.uniform(-0.35, 0.35), 6)
            if closed is None:
                closed_at = closed_on_text = on_time = working_days = None
                rating = rated_at = None
                updated_at = filed_at
                answer = leave = forwarded_to = ""
            else:
                closed_at = _timestamp(closed, 15 * 60, utc_offset, postgres)
                closed_on_text = closed.isoformat()
                on_time = closed <= term
                working_days = taken
                updated_at = closed_at
                answer = "The answer of the body." if status == "answered" else ""
                leave = "withdrawn" if status == "left" else ""
                forwarded_to = "A utility company" if status == "forwarded_out" else ""
                rating = rated_at = None
                if rng.random() < RATED:
                    rating = rng.choices((1, 2, 3, 4, 5), weights=(2, 1, 2, 3, 4))[0]
                    rated_at = closed_at
            rows.append(
                (
                    appeal_id,
                    KINDS[appeal_id % 4],
                    categories[appeal_id % len(categories)],
                    body["unit_id"],
                    "",
                    lat,
                    lon,
                    "Bench appeal: the text the applicant wrote.",
                    "{}",
                    "Bench Applicant",
                    "applicant@bench.invalid",
                    "",
                    "kk",
                    "web",
                    "",
                    public,
                    "Bench appeal: the text cleared for publication." if public else "",
                    public,
                    body_id,
                    status,
                    filed_at,
                    updated_at,
                    received.isoformat(),
                    due_text,
                    forward_due_text,
                    extended_on,
                    extended_due_text,
                    extension_reason,
                    deadline_text,
                    closed_at,
                    closed_on_text,
                    on_time,
                    working_days,
                    answer,
                    leave,
                    forwarded_to,
                    rating,
                    "",
                    rated_at,
                    f"bench{appeal_id:027x}",
                    True,
                )
            )
        if len(rows) >= BATCH:
            with transaction.atomic():
                flush()
    with transaction.atomic():
        flush()
    written.last_id = next_id - 1
    written.last_day = today.isoformat()
    from esep.accountability.models import Appeal, AppealStep

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Appeal, AppealStep]):
            cursor.execute(sql)
    return written
