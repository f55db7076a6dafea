"""The demo registry below the 20 real top-level units: districts, cities, rural districts and
villages (governed by their rural district's akim), akimats and maslikhats, invented people,
and mandate histories that follow Kazakhstan's reforms (rural akims elected by maslikhats from
2013 and directly from 2021, the district akim pilot of 2023, maslikhat elections of 2016, 2021
and 2023).

Everything invented comes from `random.Random` seeded with a fixed number and is marked
`is_demo`. The parties are real and not demo data; the real history of the top-level units
is recorded by `esep.territory.history`. All writes go through the registry's actions.

Invented KATO codes begin with the top-level unit's two-digit code, the number of its ISO
3166-2 code (KZ-19 → 19…), then two digits for the district or city, two for the rural
district and three for the village, as KATO does. Open Civic Data ids continue the region's:
…/region:kz-19/district:<slug>/rural_district:<slug>/village:<slug>, cities as city:<slug>.

Simplifications, because the registry cannot retire a post: a maslikhat's seats are the same
numbered posts in every convocation, so the 2021 convocation (elected on party lists in every
maslikhat) sits on the seats the 2023 convocation fills by list and by single-member district;
the 2016 convocation fills the single-member seats only. Maslikhat chairs are recorded from
2021, when the chair became a standing post."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass

from django.db import transaction

from esep.core.actions import Actor
from esep.territory import actions
from esep.territory.models import (
    Body,
    BodyKind,
    Mandate,
    MandateBasis,
    MandateEndReason,
    Party,
    Person,
    Post,
    PostKind,
    Unit,
    UnitKind,
)

from .names import PARTIES, Place, person_name, place_name, unit_names

Date = dt.date
DEFAULT_SEED = 2026
REFERENCE_DAY = Date(2026, 11, 27)  # every invented history ends before this day
SOURCE = "Invented demo data (esep demo, seed {seed})"
PRESIDENT = "President of the Republic of Kazakhstan"
COUNT_KEYS = ("parties", "units", "bodies", "posts", "people", "mandates")

MASLIKHAT_ELECTIONS = (Date(2016, 3, 20), Date(2021, 1, 10), Date(2023, 3, 19))
FIRST_DIRECT_RURAL = Date(2021, 7, 25)  # first direct elections of rural akims
DISTRICT_PILOT = Date(2023, 11, 5)  # pilot direct elections of district akims
# Top-level units formed later: ISO code → (the unit they came from, the day they began).
FORMED = {
    "KZ-79": ("KZ-61", Date(2018, 6, 19)),  # Shymkent: city of republican significance
    "KZ-10": ("KZ-63", Date(2022, 6, 8)),  # Abai Region from East Kazakhstan
    "KZ-33": ("KZ-19", Date(2022, 6, 8)),  # Jetisu Region from Almaty Region
    "KZ-62": ("KZ-35", Date(2022, 6, 8)),  # Ulytau Region from Karaganda Region
}

REPLACED = MandateEndReason.REPLACED
EXPIRED = MandateEndReason.TERM_EXPIRED
APPOINTED, ACTING = MandateBasis.APPOINTED, MandateBasis.ACTING
DIRECT, INDIRECT = MandateBasis.ELECTED_DIRECT, MandateBasis.ELECTED_INDIRECT

# Shares of seats by election year and kind of seat; None: self-nominated.
SEAT_SHARES: dict[tuple[int, str], dict[str | None, int]] = {
    (2016, "single"): {"AMANAT": 80, "AQ JOL": 5, "QHP": 5, None: 10},
    (2021, "list"): {"AMANAT": 74, "AQ JOL": 11, "QHP": 9, "AUYL": 6},
    (2023, "list"): {"AMANAT": 55, "AQ JOL": 12, "AUYL": 10, "RESPUBLICA": 10, "QHP": 8, "JSDP": 5},
    (2023, "single"): {"AMANAT": 64, None: 22, "AQ JOL": 4, "AUYL": 4, "QHP": 3, "RESPUBLICA": 3},
}


@dataclass(frozen=True)
class Scale:
    """How much to invent. Counts below a district are national totals for "national"."""

    districts: int  # "small": per oblast; "national": in all
    cities: int
    rural_districts: int  # "small": per district; "national": in all
    villages: int  # "small": at most, per rural district; "national": in all
    city_districts: tuple[int, int]  # per city of republican significance
    top_seats: tuple[int, int]  # oblast and republican-city maslikhats: half list, half single
    district_seats: tuple[int, int]
    elections: tuple[Date, ...]


SCALES = {
    "small": Scale(2, 1, 2, 2, (2, 2), (12, 12), (8, 12), MASLIKHAT_ELECTIONS[1:]),
    "national": Scale(188, 40, 2169, 6256, (3, 8), (30, 50), (15, 25), MASLIKHAT_ELECTIONS),
}


# ---------------------------------------------------------------- helpers


def apportion(total: int, weights: list[float], minimum: int = 0) -> list[int]:
    """Split `total` into whole shares in proportion to `weights` (largest remainder), each
    share at least `minimum`."""
    rest = total - minimum * len(weights)
    raw = [rest * w / sum(weights) for w in weights]
    shares = [int(r) for r in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: shares[i] - raw[i])
    for i in by_remainder[: rest - sum(shares)]:
        shares[i] += 1
    return [s + minimum for s in shares]


def codes(count: int, start: int, limit: int) -> list[int]:
    """`count` KATO sub-codes from `start`, every other number when they fit (as KATO does)."""
    step = 2 if start + 2 * (count - 1) <= limit else 1
    if start + step * (count - 1) > limit:
        raise ValueError(f"{count} units do not fit in KATO codes {start}–{limit}")
    return [start + step * i for i in range(count)]


def add_years(day: Date, years: int) -> Date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass
class Term:
    """One holder in a post's history. `keep`: the previous holder again (re-elected);
    `ends_previous`: why the previous mandate ended (replaced: handed over on `start`)."""

    start: Date
    basis: str
    keep: bool = False
    ends_previous: str = REPLACED
    appointed_by: Body | None = None
    note: str = ""


@dataclass
class DistrictPlan:
    kind: str
    villages: list[int]  # villages in each rural district


# ---------------------------------------------------------------- real facts


def ensure_parties(actor: Actor) -> tuple[dict[str, Party], int]:
    """The parties of the 2016–2023 maslikhat elections, created when missing."""
    have = {p.abbreviation: p for p in Party.objects.all()}
    created = 0
    for abbreviation, kk, ru, en, colour in PARTIES:
        if abbreviation not in have:
            have[abbreviation] = actions.create_party(
                actor, abbreviation=abbreviation, name_kk=kk, name_ru=ru, name_en=en, colour=colour
            )
            created += 1
    return have, created


# ---------------------------------------------------------------- the plan


def plan_registry(regions: list[Unit], scale: Scale, rng: random.Random) -> dict[str, list]:
    """What goes under each top-level unit: a list of DistrictPlan for an oblast, the number of
    city districts for a city of republican significance."""
    oblasts = [r for r in regions if r.kind == UnitKind.OBLAST]
    plan: dict[str, list] = {}
    for region in regions:
        if region.kind == UnitKind.REPUBLICAN_CITY:
            plan[region.iso_code] = [rng.randint(*scale.city_districts)]
    if scale is SCALES["small"]:
        for region in oblasts:
            districts = [
                DistrictPlan(
                    UnitKind.DISTRICT,
                    [rng.randint(1, scale.villages) for _ in range(scale.rural_districts)],
                )
                for _ in range(scale.districts)
            ]
            cities = [DistrictPlan(UnitKind.REGIONAL_CITY, []) for _ in range(scale.cities)]
            plan[region.iso_code] = cities + districts
        return plan
    population = [r.population or 1 for r in oblasts]
    district_counts = apportion(scale.districts, population, minimum=3)
    city_counts = apportion(scale.cities, population, minimum=1)
    weights = [rng.uniform(0.5, 1.6) for _ in range(sum(district_counts))]
    rural = apportion(scale.rural_districts, weights, minimum=2)
    villages = iter(
        apportion(scale.villages, [rng.uniform(0.4, 1.8) for _ in range(sum(rural))], 1)
    )
    rural_counts = iter(rural)
    for region, n_districts, n_cities in zip(oblasts, district_counts, city_counts, strict=True):
        districts = [
            DistrictPlan(UnitKind.DISTRICT, [next(villages) for _ in range(next(rural_counts))])
            for _ in range(n_districts)
        ]
        plan[region.iso_code] = [DistrictPlan(UnitKind.REGIONAL_CITY, [])] * n_cities + districts
    return plan


# ---------------------------------------------------------------- building one region


class RegionBuilder:
    """Creates the demo units, bodies, posts, people and mandates of one top-level unit."""

    def __init__(
        self,
        actor: Actor,
        rng: random.Random,
        scale: Scale,
        parties: dict[str, Party],
        counts: Counter,
        source: str,
    ) -> None:
        self.actor, self.rng, self.scale = actor, rng, scale
        self.parties, self.counts, self.source = parties, counts, source

    # -- primitives

    def day(self, first: Date, last: Date) -> Date:
        return first + dt.timedelta(days=self.rng.randint(0, (last - first).days))

    def sunday(self, first: Date, last: Date) -> Date:
        day = self.day(first, last)
        return day + dt.timedelta(days=(6 - day.weekday()) % 7)

    def spread(self, first: Date, last: Date, count: int) -> list[Date]:
        """`first` and `count - 1` later dates up to `last`, one in each equal slice."""
        span = (last - first).days
        starts = [first]
        for k in range(1, count):
            centre, half = span * k // count, span // (3 * count)
            starts.append(first + dt.timedelta(days=self.rng.randint(centre - half, centre + half)))
        return starts

    def person(self, start: Date) -> Person:
        name = person_name(self.rng)
        self.counts["people"] += 1
        return actions.create_person(
            self.actor,
            family_name=name.family_name,
            given_name=name.given_name,
            patronymic=name.patronymic,
            name_latin=name.name_latin,
            birth_year=self.rng.randint(1955, min(1995, start.year - 25)),
            is_demo=True,
            source=self.source,
        )

    def unit(self, kind: str, parent: Unit, place: Place, kato: str, ocd: str, pop: int) -> Unit:
        name_kk, name_ru, name_en = unit_names(kind, place)
        self.counts["units"] += 1
        return actions.create_unit(
            self.actor,
            kind=kind,
            parent=parent,
            name_kk=name_kk,
            name_ru=name_ru,
            name_en=name_en,
            ocd_id=ocd,
            kato=kato,
            population=pop,
            population_year=2023,
            is_demo=True,
            source=self.source,
            publish=True,
        )

    def body(self, unit: Unit, kind: str) -> Body:
        found = None if unit.is_demo else Body.objects.filter(unit=unit, kind=kind).first()
        if found is not None:
            return found
        self.counts["bodies"] += 1
        return actions.create_body(self.actor, unit=unit, kind=kind)

    def post(self, body: Body, kind: str, number: int = 1) -> Post:
        fresh = body.unit.is_demo
        found = None if fresh else Post.objects.filter(body=body, kind=kind, number=number).first()
        if found is not None:
            return found
        self.counts["posts"] += 1
        return actions.create_post(self.actor, body=body, kind=kind, number=number)

    def chain(self, post: Post, terms: list[Term]) -> Mandate | None:
        """Record the holders of `post` in order; returns the last (open) mandate. A post that
        already has a history is left as it is."""
        if not post.body.unit.is_demo and Mandate.objects.filter(post=post).exists():
            return None
        current: Mandate | None = None
        for term in terms:
            if current is not None and term.ends_previous != REPLACED:
                actions.end_mandate(self.actor, current, end=term.start, reason=term.ends_previous)
            person = current.person if term.keep and current else self.person(term.start)
            current = actions.record_mandate(
                self.actor,
                person=person,
                post=post,
                basis=term.basis,
                start=term.start,
                appointed_by=term.appointed_by,
                appointed_by_note=term.note,
                replaces_current=current is not None and current.end is None,
                is_demo=True,
                source=self.source,
            )
            self.counts["mandates"] += 1
        return current

    # -- akims

    def appointer(self, akimat: Body, day: Date) -> tuple[Body | None, str]:
        """Who appointed on `day` in the name of the top-level `akimat`: before the region was
        formed, the akim of the region it was formed from (named in a note)."""
        iso = akimat.unit.iso_code
        if iso in FORMED and day < FORMED[iso][1]:
            origin = Unit.objects.only("name_en").get(iso_code=FORMED[iso][0], valid_until=None)
            return None, f"Akim of {origin.name_en}"
        return akimat, ""

    def akimat(self, unit: Unit, terms: list[Term], deputies: int = 0) -> Body:
        body = self.body(unit, BodyKind.AKIMAT)
        self.chain(self.post(body, PostKind.AKIM), terms)
        since = terms[0].start
        for number in range(1, deputies + 1):
            first = self.day(
                max(since, Date(2015, 1, 1)),
                max(since + dt.timedelta(days=180), Date(2021, 12, 31)),
            )
            starts = self.spread(first, Date(2026, 6, 30), self.rng.choice((1, 2)))
            self.chain(
                self.post(body, PostKind.DEPUTY_AKIM, number),
                [Term(s, APPOINTED, appointed_by=body) for s in starts],
            )
        return body

    def appointed_terms(self, first: Date, last: Date, count: int, akimat: Body | None) -> list:
        terms = []
        for start in self.spread(first, last, count):
            by, note = self.appointer(akimat, start) if akimat else (None, PRESIDENT)
            terms.append(Term(start, APPOINTED, appointed_by=by, note=note))
        return terms

    def district_akim_terms(self, region_akimat: Body) -> list[Term]:
        """Appointed by the region's akim; then elected directly in the 2023 pilot (one in ten),
        in 2025 (most) or still appointed."""
        rng = self.rng
        first = self.day(Date(2012, 6, 1), Date(2015, 12, 31))
        terms = self.appointed_terms(
            first, Date(2023, 6, 30), rng.choice((1, 2, 2, 3)), region_akimat
        )
        roll = rng.random()
        if roll < 0.1:
            terms.append(Term(DISTRICT_PILOT, DIRECT, keep=rng.random() < 0.3))
        elif roll < 0.85:
            day = self.sunday(Date(2025, 1, 12), Date(2025, 12, 14))
            terms.append(Term(day, DIRECT, keep=rng.random() < 0.4))
        return terms

    def local_akim_terms(self, district_akimat: Body) -> list[Term]:
        """Rural district and village akims: elected by the district maslikhat in 2013 and 2017,
        directly from 2021; some left early, with an acting akim until a by-election."""
        rng = self.rng
        first = Date(2013, 8, rng.randint(5, 30))
        terms = [
            Term(first, INDIRECT),
            Term(
                first.replace(year=2017), INDIRECT, keep=rng.random() < 0.4, ends_previous=EXPIRED
            ),
        ]
        roll = rng.random()
        if roll < 0.22:  # the 2017 akim left early; the successor's term ran out in 2022–2024
            left = self.day(Date(2018, 12, 1), Date(2020, 6, 30))
            terms.append(Term(left, INDIRECT, ends_previous=rng.choice(("resigned", "moved"))))
            election = add_years(left, 4) + dt.timedelta(days=rng.randint(0, 40))
            terms.append(Term(election, DIRECT, keep=rng.random() < 0.35, ends_previous=EXPIRED))
            return terms
        terms.append(
            Term(FIRST_DIRECT_RURAL, DIRECT, keep=rng.random() < 0.35, ends_previous=EXPIRED)
        )
        if roll < 0.34:  # left during the term: an acting akim, then a by-election
            left = self.day(Date(2022, 10, 1), Date(2023, 10, 31))
            reason = rng.choice(("resigned", "moved", "dismissed"))
            terms.append(Term(left, ACTING, ends_previous=reason, appointed_by=district_akimat))
            terms.append(Term(left + dt.timedelta(days=rng.randint(60, 150)), DIRECT))
            return terms
        election = self.sunday(Date(2025, 7, 27), Date(2025, 12, 7))
        terms.append(Term(election, DIRECT, keep=rng.random() < 0.45, ends_previous=EXPIRED))
        return terms

    # -- maslikhats

    def seat_parties(self, election: Date, kind: str, seats: int) -> list[Party | None]:
        """Parties of `seats` seats: list seats in list order, single-member seats at random."""
        shares = SEAT_SHARES[(election.year, kind)]
        names = list(shares)
        if kind == "list":
            weights = [shares[n] * self.rng.uniform(0.7, 1.3) for n in names]
            counts = apportion(seats, weights)
            drawn = [n for n, c in zip(names, counts, strict=True) for _ in range(c)]
        else:
            drawn = self.rng.choices(names, weights=[shares[n] for n in names], k=seats)
        return [self.parties[n] if n else None for n in drawn]

    def seats(self, election: Date, lists: list[Post], singles: list[Post]) -> list[tuple]:
        """(seat, party) of a convocation: 2016 single-member seats only, 2021 every seat by
        party list, 2023 list seats by list and single-member seats by district."""
        if election.year == 2016:
            groups = [(singles, "single")]
        elif election.year == 2021:
            groups = [(lists + singles, "list")]
        else:
            groups = [(lists, "list"), (singles, "single")]
        return [
            seat
            for posts, kind in groups
            for seat in zip(posts, self.seat_parties(election, kind, len(posts)), strict=True)
        ]

    def maslikhat(self, unit: Unit, list_seats: int, single_seats: int, since: Date) -> None:
        body = self.body(unit, BodyKind.MASLIKHAT)
        lists = [self.post(body, PostKind.LIST_DEPUTY, n) for n in range(1, list_seats + 1)]
        singles = [self.post(body, PostKind.DISTRICT_DEPUTY, n) for n in range(1, single_seats + 1)]
        chair = self.post(body, PostKind.MASLIKHAT_CHAIR)
        if Mandate.objects.filter(post__body=body).exists():
            return
        held: dict[int, Mandate] = {}
        chair_mandate: Mandate | None = None
        for election in [e for e in self.scale.elections if e >= since]:
            elected: list[Mandate] = []
            for post, party in self.seats(election, lists, singles):
                previous = held.get(post.pk)
                if previous is not None:
                    actions.end_mandate(self.actor, previous, end=election, reason=EXPIRED)
                keep = previous is not None and previous.party == party and self.rng.random() < 0.3
                person = previous.person if keep else self.person(election)
                held[post.pk] = actions.record_mandate(
                    self.actor,
                    person=person,
                    post=post,
                    basis=DIRECT,
                    start=election,
                    party=party,
                    is_demo=True,
                    source=self.source,
                )
                self.counts["mandates"] += 1
                elected.append(held[post.pk])
            if election.year < 2021:
                continue
            if chair_mandate is not None:
                actions.end_mandate(self.actor, chair_mandate, end=election, reason=EXPIRED)
            chosen = next((m for m in elected if m.party == self.parties["AMANAT"]), elected[0])
            chair_mandate = actions.record_mandate(
                self.actor,
                person=chosen.person,
                post=chair,
                basis=INDIRECT,
                start=election + dt.timedelta(days=self.rng.randint(7, 20)),
                is_demo=True,
                source=self.source,
            )
            self.counts["mandates"] += 1

    # -- units

    def build(self, region: Unit, plan: list) -> None:
        rng, prefix = self.rng, region.iso_code[3:5]
        formed = FORMED.get(region.iso_code, (None, Date(2013, 1, 10)))[1]
        akim_from = (
            formed if region.iso_code in FORMED else self.day(Date(2013, 1, 10), Date(2015, 12, 20))
        )
        count = rng.choice((1, 2)) if formed.year >= 2022 else rng.choice((2, 3))
        akimat = self.akimat(
            region,
            self.appointed_terms(akim_from, Date(2025, 6, 30), count, None),
            rng.choice((2, 3)),
        )
        seats = rng.randint(*self.scale.top_seats) // 2
        self.maslikhat(region, seats, seats, formed)
        taken: set[str] = set()
        if region.kind == UnitKind.REPUBLICAN_CITY:
            n = plan[0]
            for i in range(n):
                place = place_name(rng, taken)
                unit = self.unit(
                    UnitKind.CITY_DISTRICT,
                    region,
                    place,
                    f"{prefix}{11 + 2 * i:02d}10000",
                    f"{region.ocd_id}/district:{place.slug}",
                    int((region.population or 10**6) / n * rng.uniform(0.7, 1.3)),
                )
                first = max(formed, self.day(Date(2012, 6, 1), Date(2015, 12, 31)))
                self.akimat(
                    unit,
                    self.appointed_terms(first, Date(2025, 6, 30), rng.choice((2, 3)), akimat),
                    2,
                )
            return
        cities = [p for p in plan if p.kind == UnitKind.REGIONAL_CITY]
        districts = [p for p in plan if p.kind == UnitKind.DISTRICT]
        numbered = list(zip(cities, codes(len(cities), 10, 19), strict=True)) + list(
            zip(districts, codes(len(districts), 20, 99), strict=True)
        )
        for district_plan, code in numbered:
            self.district(region, akimat, district_plan, f"{prefix}{code:02d}", taken)

    def district(
        self, region: Unit, region_akimat: Body, plan: DistrictPlan, kato: str, taken: set[str]
    ) -> None:
        rng = self.rng
        place = place_name(rng, taken)
        rural_places: list[tuple[Place, list[tuple[Place, int]]]] = []
        rural_taken: set[str] = set()
        for villages in plan.villages:
            village_taken: set[str] = set()
            rural_places.append(
                (
                    place_name(rng, rural_taken),
                    [
                        (place_name(rng, village_taken), int(300 + 3700 * rng.random() ** 2))
                        for _ in range(villages)
                    ],
                )
            )
        rural_pops = [
            max(2000, sum(p for _, p in vs) + rng.randint(200, 2000)) for _, vs in rural_places
        ]
        if plan.kind == UnitKind.REGIONAL_CITY:
            pop, segment = rng.randint(25_000, 240_000), "city"
        else:
            pop, segment = sum(rural_pops) + rng.randint(8_000, 30_000), "district"
        unit = self.unit(
            plan.kind, region, place, f"{kato}00000", f"{region.ocd_id}/{segment}:{place.slug}", pop
        )
        akimat = self.akimat(unit, self.district_akim_terms(region_akimat), rng.choice((2, 3)))
        self.maslikhat(unit, 0, rng.randint(*self.scale.district_seats), Date(2013, 1, 1))
        for (rural_place, villages), rural_pop, cc in zip(
            rural_places, rural_pops, codes(len(rural_places), 10, 99), strict=True
        ):
            rural = self.unit(
                UnitKind.RURAL_DISTRICT,
                unit,
                rural_place,
                f"{kato}{cc:02d}000",
                f"{unit.ocd_id}/rural_district:{rural_place.slug}",
                rural_pop,
            )
            self.akimat(rural, self.local_akim_terms(akimat))
            for (village_place, village_pop), ddd in zip(
                villages, codes(len(villages), 31, 999), strict=True
            ):
                # A village inside a rural district has no akim of its own: the rural
                # district's akim governs it.
                self.unit(
                    UnitKind.VILLAGE,
                    rural,
                    village_place,
                    f"{kato}{cc:02d}{ddd:03d}",
                    f"{rural.ocd_id}/village:{village_place.slug}",
                    village_pop,
                )


# ---------------------------------------------------------------- entry point


def build_registry(
    actor: Actor,
    *,
    scale: str = "small",
    seed: int = DEFAULT_SEED,
    step: Callable[[str, int], None] | None = None,
    only: Collection[str] | None = None,
) -> dict[str, int]:
    """Build the demo registry below the top-level units (load_regions first) and return how
    many records of each kind were created. Each top-level unit is built in its own
    transaction and from its own random generator (seeded with `seed` and its ISO code), so
    a run stopped halfway resumes with the same result; a top-level unit that already has
    demo units below it is skipped, and a second run creates nothing. `step(label, n)` is
    called after each top-level unit; `only` limits the build to these ISO codes."""
    spec = SCALES[scale]
    counts: Counter = Counter()
    with transaction.atomic():
        parties, counts["parties"] = ensure_parties(actor)
    regions = list(
        Unit.objects.filter(
            kind__in=(UnitKind.OBLAST, UnitKind.REPUBLICAN_CITY),
            parent__parent__isnull=True,
            valid_until__isnull=True,
        ).order_by("iso_code")
    )
    plan = plan_registry(regions, spec, random.Random(seed))  # noqa: S311 - demo data
    source = SOURCE.format(seed=seed)
    for region in regions:
        if only is not None and region.iso_code not in only:
            continue
        if not Unit.objects.filter(path__startswith=region.path, is_demo=True).exists():
            rng = random.Random(f"{seed}:{region.iso_code}")  # noqa: S311 - demo data
            with transaction.atomic():
                RegionBuilder(actor, rng, spec, parties, counts, source).build(
                    region, plan[region.iso_code]
                )
        if step is not None:
            step(region.name_en, 1)
    return {key: counts[key] for key in COUNT_KEYS}
