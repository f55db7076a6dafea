"""How bodies handle appeals, in figures: per body, per unit (the bodies of the unit and of
every unit below it) and per region. Every figure is a `Tally`: how many appeals, how many of
them are public, and the filters of the public list that shows those (queries/public_appeals).
Definitions: docs/appeals-statistics.md.

Each function runs a fixed number of GROUP BY queries whatever the number of appeals: `figures`
five (appeals by outcome and month of filing, working days of decided appeals, appeals by
category, forwardings, categories), `key_figures` four."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    IntegerField,
    Q,
    Sum,
    Value,
    When,
)

from esep.territory.models import Body, Unit, UnitKind

from ..models import Appeal, AppealStatus, AppealStep, Category
from ..models.appeals import DECIDED_STATUSES, OPEN_STATUSES
from .public_appeals import SATISFIED, Scope, month_start

TREND_MONTHS = 24
REGION_KINDS = (UnitKind.OBLAST, UnitKind.REPUBLICAN_CITY)


PARAM_ORDER = ("body", "bodies_in", "unit", "category", "status", "outcome", "month")


def _query(filters: dict[str, str]) -> str:
    return urlencode([(key, filters[key]) for key in PARAM_ORDER if filters.get(key)])


def link(scope: Scope, **params: str) -> str:
    """The query string of the public list for `scope` and `params` (empty ones left out), in
    the order of PARAM_ORDER."""
    return _query({**scope.params, **params})


@dataclass
class Tally:
    """A number of appeals, how many of them are public, and the list's filters for them."""

    total: int = 0
    public: int = 0
    filters: dict[str, str] = field(default_factory=dict)

    @property
    def query(self) -> str:
        """The filters as the public list's query string (built when a page asks for it)."""
        return _query(self.filters)

    def add(self, count: int, public: bool = False) -> None:
        self.total += count
        if public:
            self.public += count


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def median(histogram: Iterable[tuple[int, int]]) -> float | None:
    """The median of values given as (value, how many times), in any order: the middle value
    of an odd number, the mean of the two middle ones of an even number; None when empty."""
    rows = sorted((value, count) for value, count in histogram if count > 0)
    total = sum(count for _value, count in rows)
    if not total:
        return None
    lower, upper = (total - 1) // 2, total // 2  # 0-based positions of the middle values
    seen, low, high = 0, None, None
    for value, count in rows:
        if low is None and lower < seen + count:
            low = value
        if upper < seen + count:
            high = value
            break
        seen += count
    assert low is not None and high is not None
    return (low + high) / 2


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @property
    def text(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def start(self) -> dt.datetime:
        return month_start(self.year, self.month)


def trend_months(today: dt.date, count: int = TREND_MONTHS) -> list[Month]:
    """The `count` months up to and including today's, oldest first."""
    index = today.year * 12 + today.month - 1 - (count - 1)
    return [Month(i // 12, i % 12 + 1) for i in range(index, index + count)]


def month_index(field_name: str, months: list[Month]) -> Case:
    """SQL: which of `months` the datetime field falls in (0 = the oldest), NULL before them.
    The month boundaries are computed here in Kazakhstan's time, so SQLite and PostgreSQL
    agree, and the database compares plain datetimes."""
    whens = [
        When(**{f"{field_name}__gte": month.start}, then=Value(index))
        for index, month in reversed(list(enumerate(months)))
    ]
    return Case(*whens, default=None, output_field=IntegerField())


def _flag(condition: Q) -> ExpressionWrapper:
    return ExpressionWrapper(condition, output_field=BooleanField())


@dataclass
class Outcomes:
    """Appeals of one category or one month, by what became of them."""

    received: Tally = field(default_factory=Tally)
    decided: Tally = field(default_factory=Tally)
    on_time: Tally = field(default_factory=Tally)
    late: Tally = field(default_factory=Tally)
    open: Tally = field(default_factory=Tally)
    overdue: Tally = field(default_factory=Tally)
    forwarded: Tally = field(default_factory=Tally)

    @property
    def on_time_share(self) -> float | None:
        return share(self.on_time.total, self.decided.total)

    def set_links(self, scope: Scope, **params: str) -> None:
        base = {**scope.params, **params}
        self.received.filters = base
        for name in ("decided", "on_time", "late", "open", "overdue", "forwarded"):
            getattr(self, name).filters = {**base, "outcome": name}

    def count(self, status: str, on_time: bool | None, overdue: bool, n: int, public: bool) -> None:
        """Count `n` appeals now at the scope's bodies."""
        self.received.add(n, public)
        if status in DECIDED_STATUSES:
            self.decided.add(n, public)
            (self.on_time if on_time else self.late).add(n, public)
        elif status == AppealStatus.FORWARDED_OUT:
            self.forwarded.add(n, public)
        else:
            self.open.add(n, public)
            if overdue:
                self.overdue.add(n, public)

    def count_forwarded_away(self, n: int, public: bool) -> None:
        self.received.add(n, public)
        self.forwarded.add(n, public)


@dataclass
class CategoryRow(Outcomes):
    category: Category | None = None


@dataclass
class MonthRow(Outcomes):
    month: Month | None = None


@dataclass
class Figures(Outcomes):
    """Every figure of a body or of a unit's bodies (see docs/appeals-statistics.md)."""

    scope: Scope = field(default_factory=Scope)
    today: dt.date | None = None
    forwarded_on_time: Tally = field(default_factory=Tally)
    extended: Tally = field(default_factory=Tally)
    rated: Tally = field(default_factory=Tally)
    satisfied: Tally = field(default_factory=Tally)
    rating_sum: int = 0
    median_days: float | None = None
    by_category: list[CategoryRow] = field(default_factory=list)
    trend: list[MonthRow] = field(default_factory=list)
    demo: bool = False

    @property
    def forwarded_on_time_share(self) -> float | None:
        return share(self.forwarded_on_time.total, self.forwarded.total)

    @property
    def mean_rating(self) -> float | None:
        return self.rating_sum / self.rated.total if self.rated.total else None

    @property
    def satisfied_share(self) -> float | None:
        return share(self.satisfied.total, self.rated.total)

    @property
    def months(self) -> list[Month]:
        return [row.month for row in self.trend if row.month is not None]


def figures(scope: Scope, today: dt.date) -> Figures:
    """The figures of `scope` on `today` (overdue = open with a deadline before today). Five
    queries."""
    months = trend_months(today)
    found = Figures(scope=scope, today=today)
    found.set_links(scope)
    for name in ("forwarded_on_time", "extended", "rated", "satisfied"):
        getattr(found, name).filters = {**scope.params, "outcome": name}
    found.trend = [MonthRow(month=month) for month in months]
    for row in found.trend:
        row.set_links(scope, month=row.month.text)
    at = Appeal.objects.filter(scope.at())
    overdue = _flag(Q(closed_on__isnull=True, deadline__lt=today))

    # 1. Appeals now at the bodies, by outcome, rating, public or not, and month of filing.
    rows = (
        at.annotate(
            month_index=month_index("filed_at", months),
            is_overdue=overdue,
            is_extended=_flag(Q(extended_on__isnull=False)),
        )
        .values(
            "is_public",
            "is_demo",
            "status",
            "on_time",
            "rating",
            "is_extended",
            "is_overdue",
            "month_index",
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        n, public, status, on_time = row["n"], row["is_public"], row["status"], row["on_time"]
        found.demo = found.demo or row["is_demo"]
        found.count(status, on_time, row["is_overdue"], n, public)
        if status == AppealStatus.FORWARDED_OUT and on_time:
            found.forwarded_on_time.add(n, public)
        if row["is_extended"]:
            found.extended.add(n, public)
        rating = row["rating"]
        if rating is not None:
            found.rated.add(n, public)
            found.rating_sum += rating * n
            if rating >= SATISFIED:
                found.satisfied.add(n, public)
        if row["month_index"] is not None:
            found.trend[row["month_index"]].count(status, on_time, row["is_overdue"], n, public)

    # 2. Working days of the decided appeals, as a histogram: the median is read from it in
    # Python, so SQLite and PostgreSQL give the same.
    histogram = (
        at.filter(status__in=DECIDED_STATUSES)
        .values_list("working_days")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found.median_days = median(histogram)

    # 3. By category.
    by_category: dict[int, CategoryRow] = defaultdict(CategoryRow)
    rows = (
        at.annotate(is_overdue=overdue)
        .values("category_id", "is_public", "status", "on_time", "is_overdue")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        by_category[row["category_id"]].count(
            row["status"], row["on_time"], row["is_overdue"], row["n"], row["is_public"]
        )

    # 4. Appeals the bodies forwarded to another body (they are counted where they are now
    # as well: as received there).
    steps = (
        AppealStep.objects.filter(scope.forwardings())
        .annotate(month_index=month_index("appeal__filed_at", months))
        .values(
            "on_time", "appeal__is_public", "appeal__is_demo", "appeal__category_id", "month_index"
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in steps:
        n, public = row["n"], row["appeal__is_public"]
        found.demo = found.demo or row["appeal__is_demo"]
        found.count_forwarded_away(n, public)
        if row["on_time"]:
            found.forwarded_on_time.add(n, public)
        by_category[row["appeal__category_id"]].count_forwarded_away(n, public)
        if row["month_index"] is not None:
            found.trend[row["month_index"]].count_forwarded_away(n, public)

    # 5. The categories' names, in their order.
    for category in Category.objects.order_by("position", "code"):
        row = by_category.get(category.pk)
        if row is not None:
            row.category = category
            row.set_links(scope, category=category.code)
            found.by_category.append(row)
    return found


def body_figures(body: Body, today: dt.date) -> Figures:
    return figures(Scope(body=body), today)


def unit_figures(unit: Unit, today: dt.date) -> Figures:
    return figures(Scope(unit=unit), today)


# Key figures of many bodies at once, added up by unit -------------------------------------


@dataclass
class KeyFigures(Outcomes):
    """The key figures of a group of bodies (a unit below, a body of the unit, a region)."""

    key: Any = None
    forwarded_on_time: Tally = field(default_factory=Tally)
    rated: Tally = field(default_factory=Tally)
    rating_sum: int = 0

    @property
    def mean_rating(self) -> float | None:
        return self.rating_sum / self.rated.total if self.rated.total else None


def key_figures(
    scope: Scope, today: dt.date, group_of: Callable[[int, str], Any]
) -> dict[Any, KeyFigures]:
    """Key figures of the bodies of `scope` added up by `group_of(body id, unit path)` (None
    leaves the body out). Four queries, each grouped by body, through the indexes
    `appeal_body_figures`, `appeal_open_by_deadline` and `step_from_body`."""
    groups: dict[Any, KeyFigures] = {}
    bodies = Body.objects.all()
    if scope.unit is not None:
        bodies = bodies.filter(unit__path__startswith=scope.unit.path)
    group_by_body = {}
    for pk, path in bodies.values_list("pk", "unit__path"):
        key = group_of(pk, path)
        if key is not None:
            group_by_body[pk] = key

    def group(body_id: int) -> KeyFigures | None:
        key = group_by_body.get(body_id)
        if key is None:
            return None
        if key not in groups:
            groups[key] = KeyFigures(key=key)
        return groups[key]

    at = Appeal.objects.filter(scope.at())
    for row in (
        at.values("body_id", "status")
        .annotate(
            n=Count("pk"),
            on_time=Count("pk", filter=Q(on_time=True)),
            rated=Count("rating"),
            rating_sum=Sum("rating"),
        )
        .order_by()
    ):
        found = group(row["body_id"])
        if found is None:
            continue
        n, on_time, status = row["n"], row["on_time"], row["status"]
        found.received.add(n)
        found.rated.add(row["rated"])
        found.rating_sum += row["rating_sum"] or 0
        if status in DECIDED_STATUSES:
            found.decided.add(n)
            found.on_time.add(on_time)
            found.late.add(n - on_time)
        elif status == AppealStatus.FORWARDED_OUT:
            found.forwarded.add(n)
            found.forwarded_on_time.add(on_time)
        elif status in OPEN_STATUSES:
            found.open.add(n)
    for body_id, n in (
        at.filter(closed_on__isnull=True, deadline__lt=today)
        .values_list("body_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        found = group(body_id)
        if found is not None:
            found.overdue.add(n)
    for body_id, n, on_time in (
        AppealStep.objects.filter(scope.forwardings())
        .values_list("from_body_id")
        .annotate(n=Count("pk"), on_time=Count("pk", filter=Q(on_time=True)))
        .order_by()
    ):
        found = group(body_id)
        if found is not None:
            found.count_forwarded_away(n, False)
            found.forwarded_on_time.add(on_time)
    return groups


def path_ids(path: str) -> list[str]:
    return path.strip("/").split("/")


def unit_rows(unit: Unit, today: dt.date) -> tuple[list, list]:
    """Key figures of each body of `unit` and of each unit directly below it (with every unit
    below that), as (Body, KeyFigures) and (Unit, KeyFigures) lists. Six queries."""
    depth = len(path_ids(unit.path))

    def group_of(body_id: int, path: str) -> Any:
        ids = path_ids(path)
        return ("body", body_id) if len(ids) == depth else ("unit", int(ids[depth]))

    groups = key_figures(Scope(unit=unit), today, group_of)
    own = [
        (body, _linked(groups.get(("body", body.pk)), Scope(body=body)))
        for body in Body.objects.filter(unit=unit).select_related("unit").order_by("kind")
    ]
    children = [
        (child, _linked(groups.get(("unit", child.pk)), Scope(unit=child)))
        for child in Unit.objects.filter(parent=unit, published_at__isnull=False).order_by(
            "valid_until", "name_" + _lang(), "pk"
        )
    ]
    return own, children


def _linked(found: KeyFigures | None, scope: Scope) -> KeyFigures:
    found = found or KeyFigures()
    found.set_links(scope)
    return found


def _lang() -> str:
    from django.utils.translation import get_language

    lang = (get_language() or "kk").split("-")[0]
    return lang if lang in ("kk", "ru", "en") else "kk"


@dataclass
class RegionRow:
    unit: Unit
    figures: KeyFigures


@dataclass
class National:
    regions: list[RegionRow]
    demo: bool


def national(today: dt.date) -> National:
    """Key figures of each region (oblast or city of republican significance in force): the
    bodies of the region and of every unit below it. Six queries."""
    regions = list(
        Unit.objects.filter(
            kind__in=REGION_KINDS,
            parent__parent__isnull=True,
            valid_until__isnull=True,
            published_at__isnull=False,
        ).order_by("name_" + _lang(), "pk")
    )
    wanted = {str(region.pk) for region in regions}

    def group_of(body_id: int, path: str) -> Any:
        ids = path_ids(path)
        return int(ids[1]) if len(ids) > 1 and ids[1] in wanted else None

    groups = key_figures(Scope(), today, group_of)
    rows = [
        RegionRow(region, _linked(groups.get(region.pk), Scope(unit=region))) for region in regions
    ]
    demo = Appeal.objects.filter(is_demo=True).exists()
    return National(rows, demo)
