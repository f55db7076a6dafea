"""The floor of `bench/appeals.py`, part (2): the figures of one body (esep's
`esep.accountability.queries.statistics.figures`) written as ONE raw SQL statement, run through
the same database connection. It returns the same groups esep's five queries read (appeals at
the body by outcome, rating, publicity and month of filing; the working days of the decided
ones; appeals by category; the body's forwardings), as one UNION ALL, without the category
names and without folding the rows into figures: what the database must do at the least.
Kept apart so that the SQL can be read next to the Python it mirrors; see bench/README.md,
"Appeals"."""

from __future__ import annotations

import datetime as dt
from typing import Any

FIGURES_SQL = """
SELECT 0 AS part, is_public, is_demo, status, on_time, rating,
       extended_on IS NOT NULL AS is_extended,
       (closed_on IS NULL AND deadline < %(today)s) AS is_overdue,
       {month_of_filed_at} AS month_index,
       CAST(NULL AS BIGINT) AS category_id, CAST(NULL AS INTEGER) AS working_days,
       COUNT(*) AS n
FROM accountability_appeal
WHERE body_id = %(body)s
GROUP BY 2, 3, 4, 5, 6, 7, 8, 9
UNION ALL
SELECT 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, working_days, COUNT(*)
FROM accountability_appeal
WHERE body_id = %(body)s AND status IN ('answered', 'left')
GROUP BY working_days
UNION ALL
SELECT 2, is_public, NULL, status, on_time, NULL, NULL,
       (closed_on IS NULL AND deadline < %(today)s), NULL, category_id, NULL, COUNT(*)
FROM accountability_appeal
WHERE body_id = %(body)s
GROUP BY category_id, 2, 4, 5, 8
UNION ALL
SELECT 3, a.is_public, a.is_demo, NULL, s.on_time, NULL, NULL, NULL,
       {month_of_appeal_filed_at}, a.category_id, NULL, COUNT(*)
FROM accountability_appealstep AS s
JOIN accountability_appeal AS a ON a.id = s.appeal_id
WHERE s.kind = 'forwarded' AND s.from_body_id = %(body)s
GROUP BY 2, 3, 5, 9, 10
"""


def month_case(column: str, starts: list[str]) -> str:
    """CASE giving the index of the month a datetime falls in (0 = the oldest), as esep's
    `month_index` does, with the month starts as parameters named m0, m1, …"""
    whens = " ".join(
        f"WHEN {column} >= %(m{index})s THEN {index}" for index in reversed(range(len(starts)))
    )
    return f"CASE {whens} ELSE NULL END"


def figures_query(body: int, today: dt.date, starts: list[str]) -> tuple[str, dict[str, Any]]:
    """The statement and its parameters: `starts` are the month starts (oldest first) as the
    database adapts datetimes (`connection.ops.adapt_datetimefield_value`)."""
    sql = FIGURES_SQL.format(
        month_of_filed_at=month_case("filed_at", starts),
        month_of_appeal_filed_at=month_case("a.filed_at", starts),
    )
    params: dict[str, Any] = {"body": body, "today": today.isoformat()}
    params.update({f"m{index}": start for index, start in enumerate(starts)})
    return sql, params


def fold(rows: list[tuple[Any, ...]]) -> dict[str, Any]:
    """The headline figures from the statement's rows (untimed: to check the floor computed
    the same thing as esep)."""
    found = dict.fromkeys(
        (
            "received",
            "decided",
            "on_time",
            "late",
            "open",
            "overdue",
            "forwarded",
            "forwarded_on_time",
            "extended",
            "rated",
            "satisfied",
            "public",
        ),
        0,
    )
    histogram: dict[int, int] = {}
    months: dict[int, int] = {}
    categories: dict[int, int] = {}
    for (
        part,
        public,
        _demo,
        status,
        on_time,
        rating,
        extended,
        overdue,
        month,
        category,
        days,
        n,
    ) in rows:  # noqa: E501
        if part == 0:
            found["received"] += n
            found["public"] += n if public else 0
            if status in ("answered", "left"):
                found["decided"] += n
                found["on_time" if on_time else "late"] += n
            elif status == "forwarded_out":
                found["forwarded"] += n
                found["forwarded_on_time"] += n if on_time else 0
            else:
                found["open"] += n
                found["overdue"] += n if overdue else 0
            found["extended"] += n if extended else 0
            if rating is not None:
                found["rated"] += n
                found["satisfied"] += n if rating >= 4 else 0
            if month is not None:
                months[month] = months.get(month, 0) + n
        elif part == 1:
            histogram[days] = histogram.get(days, 0) + n
        elif part == 2:
            categories[category] = categories.get(category, 0) + n
        else:
            found["received"] += n
            found["public"] += n if public else 0
            found["forwarded"] += n
            found["forwarded_on_time"] += n if on_time else 0
            categories[category] = categories.get(category, 0) + n
            if month is not None:
                months[month] = months.get(month, 0) + n
    found["histogram"] = histogram
    found["months"] = months
    found["categories"] = categories
    return found
