"""The appeals benchmark's data and floor (bench/appeals_data.py, bench/appeals_sql.py), on a
small scale: the generated rows satisfy every constraint of the models (the database enforces
them on insert) and are what the actions would compute, and the one raw SQL statement of the
floor computes the same figures as esep's `figures`."""

from __future__ import annotations

import datetime as dt

from django.db import connection

from bench.appeals_data import generate
from bench.appeals_sql import figures_query, fold
from esep.accountability.models import Appeal, AppealStep
from esep.accountability.queries.public_appeals import Scope
from esep.accountability.queries.statistics import figures, median, trend_months
from esep.core.calendar import WorkingCalendar

TODAY = dt.date(2026, 3, 10)


def _bodies(town):
    return [
        {"id": town.belbulak_akimat.pk, "unit_id": town.belbulak.pk, "weight": 5.0,
         "next": town.talgar_akimat.pk, "lat": 43.5, "lon": 77.4},
        {"id": town.talgar_akimat.pk, "unit_id": town.talgar.pk, "weight": 3.0,
         "next": town.oblast_akimat.pk, "lat": 43.5, "lon": 77.4},
        {"id": town.talgar_maslikhat.pk, "unit_id": town.talgar.pk, "weight": 0.5,
         "next": town.talgar_akimat.pk, "lat": 43.5, "lon": 77.4},
    ]  # fmt: skip


def test_generated_appeals_are_valid_and_the_floor_agrees(town):
    categories = [town.category[code].pk for code in ("roads", "water", "heating")]
    written = generate(
        total=3000, bodies=_bodies(town), categories=categories, today=TODAY, years=3, seed=7
    )
    assert 2900 <= written.appeals <= 3100 and written.steps > 50
    assert Appeal.objects.count() == written.appeals
    assert AppealStep.objects.filter(kind="forwarded").count() == written.steps
    calendar = WorkingCalendar.load()
    for appeal in Appeal.objects.order_by("?")[:300]:
        assert appeal.due_on == calendar.add_working_days(appeal.received_on, 15)
        assert appeal.forward_due_on == calendar.add_working_days(appeal.received_on, 3)
        if appeal.closed_on is not None:
            assert appeal.working_days == calendar.working_days_between(
                appeal.received_on, appeal.closed_on
            )
            term = appeal.forward_due_on if appeal.status == "forwarded_out" else appeal.deadline
            assert appeal.on_time == (appeal.closed_on <= term)
            assert appeal.closed_on <= TODAY
        assert appeal.is_demo and appeal.filed_at.date() <= TODAY
    # The floor: the same figures from one statement.
    starts = [connection.ops.adapt_datetimefield_value(m.start) for m in trend_months(TODAY)]
    for body in (town.belbulak_akimat, town.talgar_akimat):
        sql, params = figures_query(body.pk, TODAY, starts)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            raw = fold(cursor.fetchall())
        found = figures(Scope(body=body), TODAY)
        for name in ("received", "decided", "on_time", "late", "open", "overdue", "forwarded",
                     "forwarded_on_time", "extended", "rated", "satisfied"):  # fmt: skip
            assert getattr(found, name).total == raw[name], name
        assert found.received.total > 500 and found.late.total > 0 and found.overdue.total > 0
        assert found.received.public == raw["public"]
        assert found.median_days == median(raw["histogram"].items())
        months = {i: row.received.total for i, row in enumerate(found.trend) if row.received.total}
        assert months == raw["months"]
        assert {row.category.pk: row.received.total for row in found.by_category} == raw[
            "categories"
        ]
