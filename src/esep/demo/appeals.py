"""Demo appeals: invented appeals of residents from 2021 to today, with the history of each
(filed, assigned, forwarded, extended, answered or left, published, rated, complained about),
marked as demo data.

How many and where: about 1,800 appeals a year at "small" scale and 35,000 at "national" scale
(fewer in 2021, more each year since, as residents find the platform), shared among the units
in force by their own population (the people not counted in a unit below), a third more per
head in towns; a region's own share is damped, since in the small registry it stands for all
the districts that are not invented.

Every appeal is routed as `esep.accountability.routing.route` routes it, and its clock is set
and closed by `esep.accountability.clock` on the working-day calendar, as the actions do. Bodies
differ: each draws how often it is late (a few markedly more often) and how fast it answers,
scaled so that about 11 % of closed appeals are late overall. Seasons follow the categories:
heating in winter, roads in spring, waste and landscaping in summer. About 5 % are forwarded
to another body, 5 % extended, 2 % left without consideration, 1 % forwarded outside esep;
the recent ones are still open, a few of them stuck past their deadline.

Web appeals come from accounts, as on the site: the residents of `accounts.DEMO_ACCOUNTS` (a
dozen each) and "Demo resident N" accounts made here, which cannot sign in. Open311 appeals
come from a demo client application with a name and an email only. Only applicants with an
account rate answers and complain to the akimat above. Texts come from templates in Russian
and Kazakh; the public texts and the answers name nobody.

Everything is drawn from `random.Random` seeded with the seed and a unit's or body's Open Civic
Data id, so the same seed and `today` give the same rows. The rows are written in bulk, not
through the actions (which would take hours at national scale), with ids given here, in one
transaction with one audit entry, `build_demo_appeals`. See docs/demo-appeals.md."""

from __future__ import annotations

import bisect
import datetime as dt
import math
import random
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from itertools import accumulate
from operator import attrgetter
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import shapely
from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max
from django.utils import timezone, translation
from shapely.geometry import shape

from esep.accountability import clock
from esep.accountability.actions import issue_api_key, load_categories
from esep.accountability.models import (
    ApiClient,
    Appeal,
    AppealKind,
    AppealStatus,
    AppealStep,
    AttributeType,
    Category,
    LeaveReason,
    StepKind,
)
from esep.accountability.models.appeals import CLOSED_STATUSES, EXTENSION_MONTHS, Channel
from esep.accountability.routing import body_above, route
from esep.accounts.models import BODY_ROLES, Role, User
from esep.core.actions import Actor, action
from esep.core.calendar import WorkingCalendar
from esep.territory.models import Body, BodyKind, Boundary, Unit, UnitKind

from .accounts import DEMO_ACCOUNTS
from .appeal_texts import (
    ADDRESS,
    ANSWERED,
    ASK,
    COMMENTS,
    COMPLAINT_ANSWERS,
    COMPLAINTS,
    EXTENSION_REASONS,
    FALLBACK,
    FORWARD_REASON,
    GREETING,
    LATE_APOLOGY,
    LEAVE_NOTES,
    MONTHS,
    ORGANISATIONS,
    OUT_REASON,
    PR,
    RQ,
    STREETS,
    TEMPLATES,
    P,
    Template,
)
from .territory import DEFAULT_SEED

FIRST_DAY = dt.date(2021, 1, 1)
YEARLY = {"small": 1_800, "national": 35_000}  # appeals a year at the level of 2023
TREND = {2021: 0.55, 2022: 0.8, 2023: 1.0, 2024: 1.15, 2025: 1.3, 2026: 1.4}
WEEKDAY = (1.0, 1.0, 1.0, 1.0, 0.95, 0.55, 0.45)  # Monday … Sunday
HOURS = (0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1, 1.5, 2, 2, 2, 1.8, 1.8, 2, 2, 2, 1.8, 1.6, 1.6,
         1.5, 1.2, 0.8, 0.4)  # fmt: skip
TOP_KINDS = (UnitKind.OBLAST, UnitKind.REPUBLICAN_CITY)
TOP_DAMPING = 0.1
URBAN_FACTOR = 1.3  # town residents write more appeals per head
RURAL_KINDS = (UnitKind.RURAL_DISTRICT, UnitKind.VILLAGE, UnitKind.DISTRICT)
DEFAULT_POPULATION = {UnitKind.VILLAGE: 800, UnitKind.RURAL_DISTRICT: 3_000,
                      UnitKind.DISTRICT_CITY: 15_000, UnitKind.DISTRICT: 20_000,
                      UnitKind.CITY_DISTRICT: 150_000, UnitKind.REGIONAL_CITY: 80_000,
                      UnitKind.OBLAST: 300_000, UnitKind.REPUBLICAN_CITY: 300_000}  # fmt: skip
# Share of appeals written in Kazakh by region (the rest in Russian); elsewhere 0.45.
KAZAKH = {"KZ-31": 0.7, "KZ-43": 0.8, "KZ-61": 0.8, "KZ-79": 0.7, "KZ-23": 0.7, "KZ-47": 0.6,
          "KZ-11": 0.3, "KZ-39": 0.25, "KZ-55": 0.3, "KZ-59": 0.25, "KZ-35": 0.35}  # fmt: skip

KINDS = {AppealKind.STATEMENT: 52, AppealKind.COMPLAINT: 26, AppealKind.PROPOSAL: 11,
         AppealKind.REQUEST: 11}  # fmt: skip
# Weights of the categories in towns and in the countryside; other categories weigh 2.
URBAN = {"roads": 13, "public_transport": 8, "heating": 10, "water": 8, "lighting": 8,
         "waste": 10, "landscaping": 9, "schools": 6, "clinics": 6, "social_aid": 6, "land": 3,
         "animals": 3, "other": 5}  # fmt: skip
RURAL = {"roads": 15, "public_transport": 4, "heating": 8, "water": 11, "lighting": 9,
         "waste": 6, "landscaping": 5, "schools": 7, "clinics": 7, "social_aid": 7, "land": 9,
         "animals": 7, "other": 4}  # fmt: skip
SEASONS = {  # January … December; other categories are even
    "heating": (3.0, 2.6, 1.8, 0.8, 0.12, 0.06, 0.06, 0.1, 0.6, 2.2, 2.8, 3.0),
    "roads": (1.2, 1.2, 1.8, 2.3, 1.8, 1.2, 1.0, 0.9, 0.9, 0.9, 1.0, 1.2),
    "waste": (0.7, 0.7, 0.8, 1.0, 1.3, 1.6, 1.8, 1.7, 1.2, 0.9, 0.7, 0.7),
    "landscaping": (0.3, 0.3, 0.5, 1.2, 1.8, 1.9, 1.8, 1.6, 1.2, 0.7, 0.4, 0.3),
    "water": (0.9, 0.9, 0.9, 1.0, 1.1, 1.4, 1.6, 1.5, 1.1, 0.9, 0.9, 0.9),
    "lighting": (1.4, 1.2, 1.0, 0.8, 0.6, 0.5, 0.5, 0.6, 0.9, 1.2, 1.4, 1.5),
    "public_transport": (1.0, 1.0, 1.0, 1.0, 1.0, 0.9, 0.8, 0.8, 1.2, 1.1, 1.0, 1.0),
    "schools": (0.8, 0.8, 0.8, 0.9, 1.0, 0.8, 0.9, 1.7, 1.9, 1.0, 0.8, 0.7),
    "clinics": (1.3, 1.3, 1.1, 1.0, 0.9, 0.8, 0.8, 0.8, 0.9, 1.0, 1.2, 1.3),
    "land": (0.6, 0.6, 1.0, 1.4, 1.5, 1.3, 1.1, 1.0, 1.0, 0.9, 0.7, 0.6),
    "animals": (0.6, 0.6, 0.8, 1.1, 1.3, 1.4, 1.4, 1.3, 1.1, 0.9, 0.7, 0.6),
}
SLOWER = {"heating": 1.3, "roads": 1.2, "water": 1.2, "land": 1.3, "social_aid": 0.8,
          "other": 0.8, "lighting": 0.9}  # fmt: skip

# Fates of an appeal (the rest are answered), and the other shares.
FATES = (("forwarded_out", 0.012), ("forwarded", 0.05), ("left", 0.02), ("extended", 0.05))
STUCK = 0.04  # of the appeals of the last 120 days: never answered
TARGET_LATE = 0.11
OPEN311 = 0.12
CONSENT, PUBLISHED = 0.4, 0.85
RATED = 0.68
COMPLAIN_LOW, COMPLAIN_OVERDUE = 0.12, 0.25
WITH_ADDRESS, WITH_POINT_WEB, WITH_POINT_APP = 0.55, 0.3, 0.85
APPEALS_PER_RESIDENT = 4
ACCOUNT_APPEALS = 12  # appeals of each resident of DEMO_ACCOUNTS
RATINGS = {  # (status, on time) → weights of 1 … 5
    (AppealStatus.ANSWERED, True): (4, 6, 14, 32, 44),
    (AppealStatus.ANSWERED, False): (30, 26, 22, 14, 8),
    (AppealStatus.LEFT, True): (35, 25, 20, 12, 8),
    (AppealStatus.LEFT, False): (45, 25, 15, 10, 5),
    (AppealStatus.FORWARDED_OUT, True): (10, 15, 30, 25, 20),
    (AppealStatus.FORWARDED_OUT, False): (25, 25, 25, 15, 10),
}
LEAVE = {LeaveReason.REPEATED: 35, LeaveReason.NO_SUBSTANCE: 25, LeaveReason.WITHDRAWN: 20,
         LeaveReason.COURT: 12, LeaveReason.OFFENSIVE: 8}  # fmt: skip
CLIENT_NAME = "Demo Open311 application (esep demo)"
CLIENT_EMAIL = "open311@demo.esep.kz"
RESIDENT_NAME, RESIDENT_EMAIL = "Demo resident {n}", "resident{n}@demo.esep.kz"
CHUNK = 5_000  # appeals kept in memory before they are written
COUNT_KEYS = ("appeals", "complaints", "steps", "applicants", "open", "overdue", "late",
              "forwarded", "extended", "left", "forwarded_out", "published", "rated")  # fmt: skip


def _record(model: type[models.Model]) -> type:
    """A light stand-in for `model` with its columns as attributes (by attname, defaults
    filled in): cheap to make by the hundred thousand, and what `clock.start` and
    `clock.close` set on an appeal."""
    fields = model._meta.concrete_fields
    fixed = {f.attname: None if f.null or f.primary_key else f.get_default() for f in fields}
    made = {f.attname: f.get_default for f in fields if callable(getattr(f, "default", None))}

    def __init__(self: Any, **values: Any) -> None:
        for name, default in fixed.items():
            setattr(self, name, values.get(name, default))
        for name, make in made.items():
            if name not in values:
                setattr(self, name, make())

    return type(f"{model.__name__}Row", (), {"__slots__": tuple(fixed), "__init__": __init__})


AppealRow = _record(Appeal)
StepRow = _record(AppealStep)


def insert(model: type[models.Model], rows: list[Any]) -> None:
    """Insert `rows` (objects with the model's attnames, ids set) with one prepared statement,
    values adapted as the model's fields adapt them; then let PostgreSQL's sequences catch up
    with the ids given."""
    fields = model._meta.concrete_fields
    ops, quote = connection.ops, connection.ops.quote_name
    adapters: dict[int, Any] = {}
    for i, f in enumerate(fields):
        if isinstance(f, models.DateTimeField):
            adapters[i] = ops.adapt_datetimefield_value
        elif isinstance(f, models.DateField):
            adapters[i] = ops.adapt_datefield_value
        elif isinstance(f, models.JSONField | models.DecimalField):
            adapters[i] = partial(f.get_db_prep_save, connection=connection)
    columns_of = attrgetter(*(f.attname for f in fields))
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from the model
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 2_000):
            batch = []
            for row in rows[start : start + 2_000]:
                columns = list(columns_of(row))
                for i, adapt in adapters.items():
                    columns[i] = adapt(columns[i])
                batch.append(columns)
            cursor.executemany(sql, batch)
        for statement in ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(statement)


def next_id(model: type[models.Model]) -> int:
    return (model.objects.aggregate(last=Max("id"))["last"] or 0) + 1


# ---------------------------------------------------------------- the builder


def plural_ru(n: int, one: str, few: str, many: str) -> str:
    """The Russian noun form after the number `n` (1 день, 2 дня, 5 дней)."""
    if n % 10 == 1 and n % 100 != 11:
        return one
    return few if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14 else many


def trend(year: int) -> float:
    """How many appeals a year brings, against 2023."""
    return TREND[min(max(year, min(TREND)), max(TREND))]


@dataclass(eq=False)
class Place:
    """A unit appeals are about, and what is needed to invent them."""

    unit: Unit
    chain: list[Unit]  # the unit and the units above it, upwards
    first: dt.date  # the first day appeals can be about it
    weight: float
    rural: bool
    kazakh: float  # share of appeals in Kazakh
    region: Any  # the prepared shapely geometry of its region, or None
    centre: tuple[float, float] | None = None
    residents: int = 0  # demo residents who write about it


class Plan(NamedTuple):
    """An appeal before its life: what is needed to count residents and each body's load."""

    place: Place
    category: Category
    at: dt.datetime
    channel: str
    slot: int  # the resident in the place's pool; negative: a resident of DEMO_ACCOUNTS
    body: Body


@dataclass
class Conduct:
    """How a body handles appeals: how often it is late, the working days it typically takes
    to answer on time, and the id of the staff member (if any) who takes the appeals."""

    late: float
    typical: float
    staff: int | None


@dataclass
class Life:
    """One appeal as it stands at the start of `today`, and its steps."""

    appeal: Any  # an AppealRow
    steps: list[Any]  # StepRows
    public: str  # the text cleared for publication
    complaint_at: dt.datetime | None = None  # when the applicant complains to the body above


class Builder:
    """Plans, invents and writes the demo appeals (see the module's description)."""

    def __init__(self, actor: Actor, seed: int, scale: str, today: dt.date) -> None:
        self.actor, self.seed, self.scale, self.today = actor, seed, scale, today
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.cutoff = dt.datetime(today.year, today.month, today.day, tzinfo=self.tz)
        self.calendar = WorkingCalendar.load()
        self.counts: Counter = Counter()
        self.days = [FIRST_DAY + dt.timedelta(n) for n in range(max(0, (today - FIRST_DAY).days))]
        self.routes: dict[tuple[str, int], Body | None] = {}
        self.above: dict[int, Body | None] = {}
        self.conducts: dict[int, Conduct] = {}
        self.late_factor = 1.0
        self.labels: dict[tuple[str, str], str] = {}
        self.client: int | None = None

    def rng(self, *parts: object) -> random.Random:
        return random.Random(":".join(map(str, (self.seed, *parts))))  # noqa: S311 - demo data

    # -- reference data

    def load(self) -> None:
        if not Category.objects.exists():
            load_categories(self.actor)
        self.categories = list(
            Category.objects.filter(is_active=True).prefetch_related("attributes")
        )
        self.bodies = {(b.unit_id, b.kind): b for b in Body.objects.select_related("unit")}
        self.staff: dict[int, int] = {}
        roles = Role.objects.filter(
            kind__in=BODY_ROLES, revoked_at__isnull=True, body__isnull=False
        )
        for body_id, user_id in roles.order_by("granted_at", "id").values_list("body", "user"):
            self.staff.setdefault(body_id, user_id)
        regions = {}
        for boundary in Boundary.objects.all():
            geometry = shape(boundary.geometry)
            shapely.prepare(geometry)
            regions[boundary.unit_id] = geometry
        units = {unit.pk: unit for unit in Unit.objects.filter(valid_until__isnull=True)}
        below: Counter = Counter()
        for unit in units.values():
            if unit.parent_id:
                below[unit.parent_id] += unit.population or DEFAULT_POPULATION.get(unit.kind, 0)
        with_bodies = {unit_id for unit_id, _kind in self.bodies}
        self.places: list[Place] = []
        for unit in sorted(units.values(), key=lambda u: u.ocd_id):
            chain = [unit, *(units[i] for i in reversed(unit.ancestor_ids) if i in units)]
            if unit.kind == UnitKind.REPUBLIC or not with_bodies.intersection(u.pk for u in chain):
                continue
            population = unit.population or DEFAULT_POPULATION.get(unit.kind, 1_000)
            own = max(population - below[unit.pk], population // 20 if below[unit.pk] else 0)
            top = next((u for u in chain if u.kind in TOP_KINDS), None)
            rural = unit.kind in RURAL_KINDS
            self.places.append(
                Place(
                    unit=unit,
                    chain=chain,
                    first=max([FIRST_DAY, *(u.valid_from for u in chain if u.valid_from)]),
                    weight=own
                    * (TOP_DAMPING if unit.kind in TOP_KINDS else 1)
                    * (1 if rural else URBAN_FACTOR),
                    rural=rural,
                    kazakh=KAZAKH.get(top.iso_code if top else "", 0.45),
                    region=next((regions[u.pk] for u in chain if u.pk in regions), None),
                )
            )

    def route(self, category: Category, place: Place) -> Body | None:
        """`routing.route`, asked once per power and nearest unit with a body: route gives a
        unit without a body what it gives the nearest unit above it that has one."""
        unit = next(u for u in place.chain if any((u.pk, k) in self.bodies for k in BodyKind))
        key = (category.power, unit.pk)
        if key not in self.routes:
            self.routes[key] = route(category, unit)
        return self.routes[key]

    def body_above(self, body: Body) -> Body | None:
        if body.pk not in self.above:
            self.above[body.pk] = body_above(body)
        return self.above[body.pk]

    def conduct(self, body: Body) -> Conduct:
        if body.pk not in self.conducts:
            rng = self.rng("body", body.unit.ocd_id, body.kind)
            roll = rng.random()
            if roll < 0.12:  # markedly worse than the others
                late = rng.uniform(0.25, 0.4)
            elif roll < 0.35:
                late = rng.uniform(0.1, 0.2)
            else:
                late = rng.uniform(0.03, 0.09)
            self.conducts[body.pk] = Conduct(
                min(0.6, late * self.late_factor), rng.uniform(5, 12), self.staff.get(body.pk)
            )
        return self.conducts[body.pk]

    # -- planning

    def plan(self) -> list[Plan]:
        """When, about what and through which channel each appeal comes, place by place."""
        if not self.days:
            return []
        cumulative = {}
        for category in self.categories:
            season = SEASONS.get(category.code, (1.0,) * 12)
            weights = (
                season[d.month - 1] * WEEKDAY[d.weekday()] * trend(d.year) for d in self.days
            )
            cumulative[category.code] = list(accumulate(weights, initial=0.0))
        years = list(accumulate((trend(d.year) / 365.25 for d in self.days), initial=0.0))
        total = sum(place.weight for place in self.places) or 1
        plans: list[Plan] = []
        for place in self.places:
            rng = self.rng("plan", place.unit.ocd_id)
            lo = (place.first - FIRST_DAY).days
            routed = {c.code: self.route(c, place) for c in self.categories}
            categories = [c for c in self.categories if routed[c.code] is not None]
            if lo >= len(self.days) or not categories:
                continue
            expected = YEARLY[self.scale] * place.weight / total * (years[-1] - years[lo])
            shares = RURAL if place.rural else URBAN
            category_weights = [shares.get(c.code, 2) for c in categories]
            drawn = []
            for _ in range(int(expected + rng.random())):
                category = rng.choices(categories, category_weights)[0]
                days = cumulative[category.code]
                mark = days[lo] + rng.random() * (days[-1] - days[lo])
                day = self.days[min(max(bisect.bisect_right(days, mark) - 1, lo), len(days) - 2)]
                hour = rng.choices(range(24), HOURS)[0]
                at = dt.datetime(
                    day.year, day.month, day.day, hour, rng.randrange(60), rng.randrange(60),
                    tzinfo=self.tz,
                )  # fmt: skip
                channel = Channel.OPEN311 if rng.random() < OPEN311 else Channel.WEB
                drawn.append((at, category.code, category, channel))
            drawn.sort(key=lambda item: item[:2])
            place.residents = max(1, math.ceil(len(drawn) / APPEALS_PER_RESIDENT))
            for at, _code, category, channel in drawn:
                slot = min(int(place.residents * rng.random() ** 1.6), place.residents - 1)
                plans.append(Plan(place, category, at, channel, slot, routed[category.code]))
        return plans

    def scale_lateness(self, plans: list[Plan]) -> None:
        """Scale each body's share of late answers so that, weighted by how many appeals each
        receives, it comes to TARGET_LATE."""
        volume = Counter(plan.body.pk for plan in plans)
        bodies = {plan.body.pk: plan.body for plan in plans}
        if volume:
            late = sum(self.conduct(bodies[pk]).late * n for pk, n in volume.items())
            self.late_factor = TARGET_LATE * sum(volume.values()) / late
            self.conducts.clear()

    def applicants(self, plans: list[Plan]) -> list[Plan]:
        """Give each resident of DEMO_ACCOUNTS a dozen web appeals, spread over the years, in
        one of the busiest places; create the demo resident accounts of the other web
        appeals."""
        emails = [email for email, _name, kind, _iso, _body in DEMO_ACCOUNTS if kind is None]
        self.accounts = list(User.objects.filter(email__in=emails).order_by("email"))
        by_place: dict[Place, list[int]] = {}
        for i, plan in enumerate(plans):
            if plan.channel == Channel.WEB:
                by_place.setdefault(plan.place, []).append(i)
        busiest = sorted(by_place.values(), key=lambda indices: (-len(indices), indices[0]))
        for k, (_account, indices) in enumerate(zip(self.accounts, busiest, strict=False)):
            spread = indices[:: max(1, len(indices) // ACCOUNT_APPEALS)][: ACCOUNT_APPEALS - 1]
            for i in {*spread, indices[-1]}:
                plans[i] = plans[i]._replace(slot=-1 - k)
        counted = accumulate((place.residents for place in self.places), initial=0)
        self.offsets = dict(zip(self.places, counted, strict=False))
        first_seen: dict[int, dt.datetime] = {}
        for plan in plans:
            if plan.channel == Channel.WEB and plan.slot >= 0:
                first_seen.setdefault(self.offsets[plan.place] + plan.slot + 1, plan.at)
        wanted = {RESIDENT_EMAIL.format(n=n): n for n in sorted(first_seen)}
        self.users = dict(User.objects.filter(email__in=wanted).values_list("email", "id"))
        rng, pk, new = self.rng("residents"), next_id(User), []
        for email, n in wanted.items():
            if email in self.users:
                continue
            joined = first_seen[n] - dt.timedelta(minutes=rng.randint(3, 600))
            password = f"!{rng.getrandbits(160):040x}"  # unusable: cannot sign in
            new.append(
                User(id=pk, email=email, full_name=RESIDENT_NAME.format(n=n), is_demo=True,
                     password=password, date_joined=joined)
            )  # fmt: skip
            self.users[email], pk = pk, pk + 1
        insert(User, new)
        self.counts["applicants"] = len(new)
        return plans

    # -- one appeal

    def applicant(self, plan: Plan) -> tuple[int | None, str, str]:
        if plan.slot < 0:
            user = self.accounts[-1 - plan.slot]
            return user.pk, user.full_name, user.email
        n = self.offsets[plan.place] + plan.slot + 1
        email = RESIDENT_EMAIL.format(n=n)
        user = self.users.get(email) if plan.channel == Channel.WEB else None
        return user, RESIDENT_NAME.format(n=n), email

    def staff_at(self, rng: random.Random, day: dt.date, after: dt.datetime) -> dt.datetime:
        """A moment of office hours on `day`, later than `after`."""
        at = dt.datetime(
            day.year, day.month, day.day, rng.randint(9, 17), rng.randrange(60), tzinfo=self.tz
        )
        return at if at > after else after + dt.timedelta(minutes=rng.randint(15, 120))

    def point(self, rng: random.Random, place: Place) -> tuple[Decimal, Decimal] | None:
        """A point near the place's centre (drawn once per place), inside its region."""
        region = place.region
        if region is None:
            return None
        if place.centre is None:
            geo = self.rng("geo", place.unit.ocd_id)
            west, south, east, north = region.bounds
            inside = region.representative_point()
            place.centre = (inside.x, inside.y)
            for _ in range(200):
                x, y = geo.uniform(west, east), geo.uniform(south, north)
                if shapely.contains_xy(region, x, y):
                    place.centre = (x, y)
                    break
        x, y = place.centre
        near = (x + rng.uniform(-0.03, 0.03), y + rng.uniform(-0.02, 0.02))
        if shapely.contains_xy(region, *near):
            x, y = near
        return Decimal(f"{y:.6f}"), Decimal(f"{x:.6f}")

    def attributes(
        self, rng: random.Random, category: Category, template: Template, values: dict[str, Any]
    ) -> dict[str, Any]:
        """Answers to the category's questions, as `check_attributes` accepts them."""
        answers: dict[str, Any] = {}
        for question in category.attributes.all():
            code, keys = question.code, [value.get("key") for value in question.values]
            if code in template.attrs:
                answers[code] = template.attrs[code]
            elif not question.required and rng.random() < 0.5:
                continue
            elif question.datatype == AttributeType.SINGLE and keys:
                answers[code] = rng.choice(keys)
            elif question.datatype == AttributeType.MULTI and keys:
                answers[code] = [key for key in keys if rng.random() < 0.5] or keys[:1]
            elif question.datatype == AttributeType.NUMBER:
                answers[code] = str(values.get(code, rng.randint(1, 50)))
            elif question.datatype == AttributeType.DATETIME:
                since = values["filed"] - dt.timedelta(days=values["n"])
                answers[code] = since.strftime("%Y-%m-%dT08:00")
            elif question.required:
                answers[code] = "—"
        return answers

    def write(self, rng: random.Random, plan: Plan, lang: int) -> tuple[str, str, str, dict]:
        """Kind, text (cleared for publication), answer, address and attributes of an appeal
        (`lang`: 0 Russian, 1 Kazakh)."""
        kind = rng.choices(list(KINDS), list(KINDS.values()))[0]
        group = {AppealKind.PROPOSAL: PR, AppealKind.REQUEST: RQ}.get(kind, P)
        fitting = [
            t
            for t in TEMPLATES.get(plan.category.code, FALLBACK)
            if not t.months or plan.at.month in t.months
        ]
        choices = [t for t in fitting if t.group == group]
        if not choices:
            kind, choices = AppealKind.STATEMENT, [t for t in fitting if t.group == P] or FALLBACK
        template = rng.choice(choices)
        later = plan.at + dt.timedelta(days=rng.randint(30, 75))
        values = {
            "street": rng.choice(STREETS)[lang],
            "house": rng.randint(1, 140),
            "n": rng.randint(2, 20),
            "m": rng.randint(2, 8),
            "temp": rng.randint(11, 16),
            "lamps": rng.randint(3, 12),
            "route": rng.randint(2, 120),
            "hour": rng.randint(19, 21),
            "minutes": rng.choice((25, 30, 35, 40, 45, 50)),
            "residents": rng.randint(4, 240),
            "month": MONTHS[later.month - 1][lang],
            "year": plan.at.year + 1,
            "filed": plan.at,
        }
        values["days"] = f"{values['n']} {plural_ru(values['n'], 'день', 'дня', 'дней')}"
        values["months"] = f"{values['m']} {plural_ru(values['m'], 'месяц', 'месяца', 'месяцев')}"
        text = template.text[lang].format(**values)
        if template.group == P:
            text = f"{text} {rng.choice(ASK)[lang]}"
        address = ""
        if "{street}" in template.text[0] and rng.random() < WITH_ADDRESS:
            address = ADDRESS[lang].format(**values)
        extra = {
            "address": address,
            "attributes": self.attributes(rng, plan.category, template, values),
        }
        return kind, text, template.answer[lang].format(**values), extra

    def live(self, rng: random.Random, plan: Plan, parent: Life | None = None) -> Life:
        """Invent an appeal and its life up to the start of `today`. With `parent`, a complaint
        about that appeal to the body above it (`plan.body`)."""
        user, name, email = self.applicant(plan)
        if parent is None:
            language = "kk" if rng.random() < plan.place.kazakh else "ru"
            lang = int(language == "kk")
            kind, text, answer, extra = self.write(rng, plan, lang)
            point = None
            share = WITH_POINT_APP if plan.channel == Channel.OPEN311 else WITH_POINT_WEB
            if rng.random() < share:
                point = self.point(rng, plan.place)
            consent = rng.random() < CONSENT
        else:
            first = parent.appeal
            language, lang, kind = first.language, int(first.language == "kk"), AppealKind.COMPLAINT
            situation = "answered" if first.status in CLOSED_STATUSES else "overdue"
            filed = timezone.localdate(first.filed_at).strftime("%d.%m.%Y")
            text = rng.choice(COMPLAINTS[situation])[lang].format(date=filed)
            answer = rng.choice(COMPLAINT_ANSWERS)[lang]
            extra = {"address": first.address, "attributes": first.attributes}
            point = (first.latitude, first.longitude) if first.latitude is not None else None
            consent = first.consent_public
        appeal = AppealRow(
            id=self.next_appeal,
            kind=kind,
            category_id=plan.category.pk,
            unit_id=plan.place.unit.pk,
            address=extra["address"],
            latitude=point[0] if point else None,
            longitude=point[1] if point else None,
            text=f"{GREETING[lang]} {text}\n\n{name}",
            attributes=extra["attributes"],
            applicant_id=user,
            applicant_name=name,
            applicant_email=email,
            language=language,
            channel=plan.channel,
            client_id=self.client if plan.channel == Channel.OPEN311 else None,
            consent_public=consent,
            body_id=plan.body.pk,
            status=AppealStatus.REGISTERED,
            filed_at=plan.at,
            updated_at=plan.at,
            parent_id=parent.appeal.id if parent else None,
            token=f"{rng.getrandbits(128):032x}",
            is_demo=True,
        )
        self.next_appeal += 1
        clock.start(appeal, timezone.localdate(plan.at), self.calendar)
        life = Life(appeal, [], text)
        self.step(life, StepKind.FILED, plan.at, actor_id=user, to_body_id=plan.body.pk)
        for event in self.events(rng, plan, complaint=parent is not None):
            if event[0] >= self.cutoff:
                break
            self.happen(rng, life, event, answer)
        self.after(rng, life, complaint=parent is not None)
        return life

    def events(self, rng: random.Random, plan: Plan, *, complaint: bool) -> list[tuple]:
        """What the bodies will do with an appeal, in order: (moment, event, data)."""
        cal = self.calendar
        t, received, body = plan.at, timezone.localdate(plan.at), plan.body
        events: list[tuple] = []
        fate = self.fate(rng, forward=not complaint)
        for _hop in range(2):
            conduct = self.conduct(body)
            if conduct.staff is not None:
                t = self.staff_at(rng, cal.add_working_days(received, rng.choice((0, 0, 1))), t)
                events.append((t, "assign", conduct.staff))
            if fate != "forwarded":
                break
            to = self.forward_target(rng, plan.place, body)
            if to is None:
                fate = self.fate(rng, forward=False)
                break
            k = rng.choice((0, 1, 1, 2, 2, 3, 3)) if rng.random() < 0.8 else rng.randint(4, 8)
            t = self.staff_at(rng, cal.add_working_days(received, k), t)
            events.append((t, "forward", to))
            received, body, fate = timezone.localdate(t), to, self.fate(rng, forward=False)
        if (self.today - received).days < 120 and rng.random() < STUCK:
            return events
        terms = clock.Clock.starting(received, cal)
        conduct = self.conduct(body)
        if fate == "forwarded_out":
            k = rng.randint(1, 3) if rng.random() < 0.9 else rng.randint(4, 7)
            events.append((self.staff_at(rng, cal.add_working_days(received, k), t), fate, None))
            return events
        if fate == "extended":
            extended = self.staff_at(rng, cal.add_working_days(received, rng.randint(6, 14)), t)
            if timezone.localdate(extended) <= terms.due_on:
                events.append((extended, "extend", None))
                span = cal.working_days_between(received, terms.extended_due_on)
                late = rng.random() < conduct.late * 0.5
                k = span + rng.randint(1, 10) if late else rng.randint(16, span)
                day = cal.add_working_days(received, k)
                events.append((self.staff_at(rng, day, extended), "answered", None))
                return events
            fate = "answered"
        if rng.random() < conduct.late * SLOWER.get(plan.category.code, 1.0):
            k = 16 + min(int(rng.expovariate(1 / 5)), 30)
        else:
            k = max(1, min(15, round(rng.triangular(2, 15, conduct.typical))))
        events.append((self.staff_at(rng, cal.add_working_days(received, k), t), fate, None))
        return events

    def fate(self, rng: random.Random, *, forward: bool) -> str:
        roll = rng.random()
        for name, share in FATES:
            if name == "forwarded" and not forward:
                continue
            if roll < share:
                return name
            roll -= share
        return "answered"

    def forward_target(self, rng: random.Random, place: Place, body: Body) -> Body | None:
        """Another body on the place's chain: most often an akimat near the place."""
        candidates, weights = [], []
        for unit in place.chain:
            for kind in (BodyKind.AKIMAT, BodyKind.MASLIKHAT):
                other = self.bodies.get((unit.pk, kind))
                if other is not None and other.pk != body.pk:
                    candidates.append(other)
                    near = 3 if len(candidates) <= 2 else 1
                    weights.append(near * (2 if kind == BodyKind.AKIMAT else 1))
        return rng.choices(candidates, weights)[0] if candidates else None

    def step(self, life: Life, kind: str, at: dt.datetime, **fields: Any) -> None:
        life.steps.append(StepRow(appeal_id=life.appeal.id, kind=kind, at=at, **fields))

    def label(self, reason: str, language: str) -> str:
        if (reason, language) not in self.labels:
            with translation.override(language):
                self.labels[(reason, language)] = str(LeaveReason(reason).label)
        return self.labels[(reason, language)]

    def happen(
        self, rng: random.Random, life: Life, event: tuple[dt.datetime, str, Any], answer: str
    ) -> None:
        """Apply one event to the appeal as the action of the same name does."""
        at, kind, data = event
        appeal, cal = life.appeal, self.calendar
        lang = int(appeal.language == "kk")
        staff = appeal.assignee_id or self.staff.get(appeal.body_id)
        if kind == "assign":
            appeal.assignee_id, appeal.status = data, AppealStatus.IN_PROGRESS
            appeal.updated_at = at
            self.step(life, StepKind.ASSIGNED, at, actor_id=data, note=self.names[data])
        elif kind == "forward":
            on_time = timezone.localdate(at) <= appeal.forward_due_on
            from_body = appeal.body_id
            appeal.body_id, appeal.assignee_id, appeal.status = (
                data.pk,
                None,
                AppealStatus.REGISTERED,
            )
            clock.start(appeal, timezone.localdate(at), cal)
            appeal.updated_at = at
            self.step(
                life, StepKind.FORWARDED, at, actor_id=staff, from_body_id=from_body,
                to_body_id=data.pk, note=FORWARD_REASON[lang], on_time=on_time,
            )  # fmt: skip
        elif kind == "forwarded_out":
            organisation = rng.choice(ORGANISATIONS)[lang]
            appeal.status, appeal.forwarded_to = AppealStatus.FORWARDED_OUT, organisation
            clock.close(appeal, at, cal, term=appeal.forward_due_on)
            self.step(
                life, StepKind.FORWARDED_OUT, at, actor_id=staff, from_body_id=appeal.body_id,
                note=f"{organisation}: {OUT_REASON[lang]}", on_time=appeal.on_time,
            )  # fmt: skip
        elif kind == "extend":
            reason = rng.choice(EXTENSION_REASONS)[lang]
            appeal.extended_on = timezone.localdate(at)
            appeal.extended_due_on = cal.add_months_term(appeal.received_on, EXTENSION_MONTHS)
            appeal.extension_reason, appeal.deadline = reason, appeal.extended_due_on
            appeal.updated_at = at
            self.step(life, StepKind.EXTENDED, at, actor_id=staff, note=reason, on_time=True)
        elif kind == "answered":
            appeal.status = AppealStatus.ANSWERED
            clock.close(appeal, at, cal, term=appeal.deadline)
            apology = "" if appeal.on_time else f" {LATE_APOLOGY[lang]}"
            appeal.answer_text = f"{ANSWERED[lang]}{apology} {answer}"
            self.step(
                life, StepKind.ANSWERED, at, actor_id=staff, note=appeal.answer_text,
                on_time=appeal.on_time,
            )  # fmt: skip
        elif kind == "left":
            reason = rng.choices(list(LEAVE), list(LEAVE.values()))[0]
            appeal.status, appeal.leave_reason = AppealStatus.LEFT, reason
            appeal.answer_text = LEAVE_NOTES[reason][lang]
            clock.close(appeal, at, cal, term=appeal.deadline)
            note = f"{self.label(reason, appeal.language)}\n{appeal.answer_text}"
            self.step(life, StepKind.LEFT, at, actor_id=staff, note=note, on_time=appeal.on_time)

    def after(self, rng: random.Random, life: Life, *, complaint: bool) -> None:
        """Publication, rating and a complaint to the body above, where they have happened."""
        appeal, cal = life.appeal, self.calendar
        lang = int(appeal.language == "kk")
        closed = appeal.status in CLOSED_STATUSES
        if appeal.consent_public and rng.random() < PUBLISHED:
            if closed and rng.random() < 0.6:
                day = cal.add_working_days(appeal.closed_on, rng.randint(0, 2))
                at = self.staff_at(rng, day, appeal.closed_at)
            else:
                day = cal.add_working_days(timezone.localdate(appeal.filed_at), rng.randint(1, 3))
                at = self.staff_at(rng, day, appeal.filed_at)
            if at < self.cutoff:
                appeal.public_text, appeal.is_public = life.public, True
                appeal.updated_at = max(appeal.updated_at, at)
                # Staff of the body that had the appeal then (it may have been forwarded since).
                body = life.steps[0].to_body_id
                for step in life.steps:
                    if step.kind == StepKind.FORWARDED and step.at <= at:
                        body = step.to_body_id
                self.step(life, StepKind.PUBLISHED, at, actor_id=self.staff.get(body))
        user = appeal.applicant_id
        if closed and user is not None and rng.random() < RATED:
            at = appeal.closed_at + dt.timedelta(seconds=rng.randint(1_800, 240 * 3_600))
            if at < self.cutoff:
                rating = rng.choices(range(1, 6), RATINGS[(appeal.status, appeal.on_time)])[0]
                appeal.rating, appeal.rated_at = rating, at
                if rng.random() < 0.35:
                    appeal.rating_comment = rng.choice(COMMENTS[rating])[lang]
                self.step(life, StepKind.RATED, at, actor_id=user, note=str(rating))
        if complaint or user is None or self.body_above(self.body_by_id[appeal.body_id]) is None:
            return
        if appeal.rating is not None and appeal.rating <= 2 and rng.random() < COMPLAIN_LOW:
            at = appeal.rated_at + dt.timedelta(seconds=rng.randint(7_200, 240 * 3_600))
        elif not closed and appeal.deadline < self.today and rng.random() < COMPLAIN_OVERDUE:
            day = appeal.deadline + dt.timedelta(days=rng.randint(1, 15))
            at = dt.datetime(day.year, day.month, day.day, rng.randint(8, 22), tzinfo=self.tz)
        else:
            return
        if at < self.cutoff:
            life.complaint_at = at

    # -- writing

    def build(self) -> None:
        self.load()
        plans = self.plan()
        self.scale_lateness(plans)
        plans = self.applicants(plans)
        self.body_by_id = {body.pk: body for body in self.bodies.values()}
        staff = User.objects.filter(pk__in=self.staff.values())
        self.names = {
            pk: name or email for pk, name, email in staff.values_list("pk", "full_name", "email")
        }
        if any(plan.channel == Channel.OPEN311 for plan in plans):
            client = ApiClient.objects.filter(name=CLIENT_NAME, revoked_at=None).first()
            if client is None:
                client, _key = issue_api_key(
                    self.actor, name=CLIENT_NAME, contact_email=CLIENT_EMAIL
                )
            self.client = client.pk
        self.next_appeal, self.next_step = next_id(Appeal), next_id(AppealStep)
        lives: list[Life] = []
        rng, place = None, None
        for plan in plans:
            if plan.place is not place:
                if len(lives) >= CHUNK:
                    self.flush(lives)
                    lives = []
                place, rng = plan.place, self.rng("life", plan.place.unit.ocd_id)
            life = self.live(rng, plan)
            lives.append(life)
            if life.complaint_at is not None:
                above = self.body_above(self.body_by_id[life.appeal.body_id])
                complaint = plan._replace(at=life.complaint_at, body=above, channel=Channel.WEB)
                lives.append(self.live(rng, complaint, parent=life))
                self.step(
                    life, StepKind.COMPLAINED, life.complaint_at, actor_id=life.appeal.applicant_id,
                    to_body_id=above.pk, note=str(lives[-1].appeal.id),
                )  # fmt: skip
        self.flush(lives)

    def flush(self, lives: list[Life]) -> None:
        """Write appeals and steps (parents before complaints); count them."""
        insert(Appeal, [life.appeal for life in lives if life.appeal.parent_id is None])
        insert(Appeal, [life.appeal for life in lives if life.appeal.parent_id is not None])
        steps = sorted((step for life in lives for step in life.steps), key=lambda s: s.appeal_id)
        for step in steps:
            step.id, self.next_step = self.next_step, self.next_step + 1
        insert(AppealStep, steps)
        counts = self.counts
        counts["steps"] += len(steps)
        for life in lives:
            appeal = life.appeal
            counts["appeals"] += 1
            counts["complaints"] += appeal.parent_id is not None
            if appeal.status in CLOSED_STATUSES:
                counts["late"] += not appeal.on_time
            else:
                counts["open"] += 1
                counts["overdue"] += appeal.deadline < self.today
            counts["forwarded"] += any(s.kind == StepKind.FORWARDED for s in life.steps)
            counts["extended"] += appeal.extended_on is not None
            counts["left"] += appeal.status == AppealStatus.LEFT
            counts["forwarded_out"] += appeal.status == AppealStatus.FORWARDED_OUT
            counts["published"] += appeal.is_public
            counts["rated"] += appeal.rating is not None


def build_appeals(
    actor: Actor, *, seed: int = DEFAULT_SEED, scale: str = "small", today: dt.date | None = None
) -> dict[str, int]:
    """Invent the demo appeals from 1 January 2021 up to the day before `today` (default: the
    local date) about the units, bodies and powers in the database (load the registry, the
    powers and the demo accounts first; the categories are loaded if there are none). Returns
    how many appeals (complaints included), complaints, steps and applicant accounts were
    written, and how many appeals are open, overdue, late, forwarded, extended, left,
    forwarded out, published and rated. Nothing is written where demo appeals exist."""
    if scale not in YEARLY:
        raise ValueError(f"unknown scale {scale!r}; choose one of {', '.join(YEARLY)}")
    counts = dict.fromkeys(COUNT_KEYS, 0)
    if Appeal.objects.filter(is_demo=True).exists():
        return counts
    today = today or timezone.localdate()
    with action("build_demo_appeals", actor, None) as act:
        builder = Builder(actor, seed, scale, today)
        builder.build()
        counts.update(builder.counts)
        act.data.update(counts, seed=seed, scale=scale, today=today.isoformat())
    return counts
