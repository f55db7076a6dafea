"""Reads of the territorial registry shared by pages, exports and the API. Each function runs a
fixed number of queries whatever the size of the registry."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Prefetch, QuerySet
from django.utils import timezone

from .models import (
    Body,
    BodyKind,
    Mandate,
    MandateBasis,
    Person,
    Post,
    PostKind,
    Power,
    PowerAssignment,
    Unit,
    UnitKind,
)
from .models.mandates import DEPUTY_KINDS
from .search import fold

TOP_KINDS = (UnitKind.OBLAST, UnitKind.REPUBLICAN_CITY)


def today() -> dt.date:
    return timezone.localdate()


def top_level_units() -> QuerySet[Unit]:
    """The 17 oblasts and 3 cities of republican significance in force, by ISO code."""
    return Unit.objects.filter(
        kind__in=TOP_KINDS, parent__parent__isnull=True, valid_until__isnull=True
    ).order_by("iso_code")


def units() -> QuerySet[Unit]:
    return Unit.objects.order_by("path")


def mandates() -> QuerySet[Mandate]:
    """Mandates with everything a list shows, in one query."""
    return Mandate.objects.select_related(
        "person", "post__body__unit", "party", "appointed_by__unit"
    )


def published_mandates() -> QuerySet[Mandate]:
    return mandates().filter(published_at__isnull=False)


# ---------------------------------------------------------------- national page


MEASURES = ("direct_share", "population", "ending_soon")
ENDING_SOON_DAYS = 365


@dataclass
class RegionRow:
    unit: Unit
    akims: int = 0
    direct: int = 0
    ending_soon: int = 0
    boundary: str = ""

    @property
    def direct_share(self) -> float | None:
        return self.direct / self.akims if self.akims else None

    def value(self, measure: str) -> float | None:
        if measure == "population":
            return self.unit.population
        if measure == "ending_soon":
            return self.ending_soon
        return self.direct_share


def national_overview() -> list[RegionRow]:
    """One row per top-level unit: its current akims below it (and how many directly elected),
    terms ending within a year, and its boundary for the map. Three queries."""
    regions = list(top_level_units().select_related("boundary"))
    rows = {
        str(unit.pk): RegionRow(unit, boundary=getattr(_boundary(unit), "svg_path", ""))
        for unit in regions
    }
    soon = today() + dt.timedelta(days=ENDING_SOON_DAYS)
    akim_mandates = Mandate.objects.filter(
        end__isnull=True, post__kind=PostKind.AKIM, post__body__unit__valid_until__isnull=True
    ).values_list("post__body__unit__path", "basis", "term_ends")
    for path, basis, term_ends in akim_mandates:
        parts = path.split("/")
        row = rows.get(parts[1]) if len(parts) > 2 else None
        if row is None:
            continue
        row.akims += 1
        row.direct += basis == MandateBasis.ELECTED_DIRECT
        row.ending_soon += term_ends is not None and term_ends <= soon
    return list(rows.values())


def _boundary(unit: Unit) -> Any:
    try:
        return unit.boundary
    except Unit.boundary.RelatedObjectDoesNotExist:
        return None


# ---------------------------------------------------------------- unit page


@dataclass
class Composition:
    """Seats of a maslikhat now: by basis and by party (None: self-nominated)."""

    seats: int = 0
    filled: int = 0
    by_kind: Counter = field(default_factory=Counter)
    by_party: list[tuple[Any, int]] = field(default_factory=list)


@dataclass
class UnitPage:
    unit: Unit
    ancestors: list[Unit]
    bodies: list[Body]
    holders: dict[int, Mandate]  # post id → current mandate
    posts: dict[int, list[Post]]  # body id → posts that are not deputy seats
    composition: Composition | None
    children: list[Unit]
    child_akims: dict[int, Mandate]  # child unit id → current akim mandate
    populations: list[Any]
    former_names: list[Any]
    changes: list[Any]

    @property
    def akim(self) -> Mandate | None:
        for body in self.bodies:
            if body.kind == BodyKind.AKIMAT:
                for post in self.posts.get(body.pk, []):
                    if post.kind == PostKind.AKIM:
                        return self.holders.get(post.pk)
        return None


def unit_page(unit_id: int) -> UnitPage | None:
    unit = Unit.objects.filter(pk=unit_id).select_related("parent").first()
    if unit is None:
        return None
    ancestors = list(Unit.objects.filter(pk__in=unit.ancestor_ids).order_by("depth"))
    bodies = list(Body.objects.filter(unit=unit).order_by("kind"))
    current = list(
        Mandate.objects.filter(post__body__unit=unit, end__isnull=True).select_related(
            "person", "party", "post", "appointed_by__unit"
        )
    )
    holders = {m.post_id: m for m in current}
    posts: dict[int, list[Post]] = defaultdict(list)
    seats: dict[int, int] = Counter()
    for post in Post.objects.filter(body__unit=unit).order_by("kind", "number"):
        if post.kind in DEPUTY_KINDS:
            seats[post.body_id] += 1
        else:
            posts[post.body_id].append(post)
    composition = None
    maslikhat = next((b for b in bodies if b.kind == BodyKind.MASLIKHAT), None)
    if maslikhat is not None:
        deputies = [
            m for m in current if m.post.body_id == maslikhat.pk and m.post.kind in DEPUTY_KINDS
        ]
        party_counts: Counter = Counter(m.party for m in deputies)
        composition = Composition(
            seats=seats[maslikhat.pk],
            filled=len(deputies),
            by_kind=Counter(m.post.kind for m in deputies),
            by_party=sorted(
                party_counts.items(), key=lambda item: (-item[1], item[0] is None, str(item[0]))
            ),
        )
    children = sorted(
        unit.children.all(), key=lambda c: (c.valid_until is not None, c.kind, c.name)
    )
    child_akims = {
        m.post.body.unit_id: m
        for m in Mandate.objects.filter(
            post__body__unit__parent=unit, post__kind=PostKind.AKIM, end__isnull=True
        ).select_related("person", "post__body")
    }
    return UnitPage(
        unit=unit,
        ancestors=ancestors,
        bodies=bodies,
        holders=holders,
        posts=dict(posts),
        composition=composition,
        children=children,
        child_akims=child_akims,
        populations=list(unit.populations.order_by("-year")[:30]),
        former_names=list(unit.former_names.order_by("valid_until")),
        changes=list(unit.changes.select_related("other").order_by("date")),
    )


# ---------------------------------------------------------------- people and posts


def person_page(person_id: int) -> tuple[Person, list[Mandate]] | None:
    person = Person.objects.filter(pk=person_id, published_at__isnull=False).first()
    if person is None:
        return None
    history = list(published_mandates().filter(person=person).order_by("-start", "-id"))
    return person, history


def post_page(post_id: int) -> tuple[Post, list[Mandate], list[Unit]] | None:
    post = Post.objects.filter(pk=post_id).select_related("body__unit").first()
    if post is None:
        return None
    history = list(published_mandates().filter(post=post).order_by("-start", "-id"))
    ancestors = list(Unit.objects.filter(pk__in=post.body.unit.ancestor_ids).order_by("depth"))
    return post, history, ancestors


# ---------------------------------------------------------------- search


SEARCH_LIMIT = 20


def query_words(query: str | None) -> list[str]:
    """The folded words of a search (at most six)."""
    return fold(query or "").split()[:6]


def matching(qs: QuerySet, query: str | None) -> QuerySet:
    """Rows of `qs` (units or people) whose search key contains every word of `query`."""
    for word in query_words(query):
        qs = qs.filter(search_key__contains=word)
    return qs


def search(query: str, limit: int = SEARCH_LIMIT) -> tuple[list[Unit], list[Person]]:
    """Units and people whose names, in any language or spelling, contain every word of the
    query. Two queries."""
    if not query_words(query):
        return [], []
    found_units = list(
        matching(Unit.objects.all(), query)
        .select_related("parent")
        .order_by(F("valid_until").asc(nulls_first=True), "depth", "name_en")[:limit]
    )
    found_people = list(
        matching(Person.objects.filter(published_at__isnull=False), query).order_by(
            "family_name", "given_name", "id"
        )[:limit]
    )
    return found_units, found_people


# ---------------------------------------------------------------- terms and powers


def terms_ending(
    within_days: int, under: Unit | None = None, limit: int = 200
) -> QuerySet[Mandate]:
    """Open elected mandates whose term ends within `within_days` (or has already run out)."""
    qs = published_mandates().filter(
        end__isnull=True,
        term_ends__isnull=False,
        term_ends__lte=today() + dt.timedelta(within_days),
    )
    if under is not None:
        qs = qs.filter(post__body__unit__path__startswith=under.path)
    return qs.order_by("term_ends", "id")[:limit]


def powers() -> list[Power]:
    return list(
        Power.objects.prefetch_related(
            Prefetch(
                "assignments", queryset=PowerAssignment.objects.order_by("body_kind", "unit_kind")
            )
        ).order_by("area", "code")
    )


def overlapping_powers() -> list[tuple[Power, str, list[str]]]:
    """Powers given to the same kind of body at two or more kinds of unit: (power, body kind,
    unit kinds). Two queries."""
    shared = (
        PowerAssignment.objects.values("power_id", "body_kind")
        .annotate(levels=Count("unit_kind"))
        .filter(levels__gte=2)
    )
    keys = {(row["power_id"], row["body_kind"]) for row in shared}
    by_key: dict[tuple[int, str], list[str]] = defaultdict(list)
    power_of: dict[int, Power] = {}
    for assignment in (
        PowerAssignment.objects.filter(power_id__in={key[0] for key in keys})
        .select_related("power")
        .order_by("power__area", "power__code", "unit_kind")
    ):
        key = (assignment.power_id, assignment.body_kind)
        if key in keys:
            by_key[key].append(assignment.unit_kind)
            power_of[assignment.power_id] = assignment.power
    return [(power_of[key[0]], key[1], kinds) for key, kinds in by_key.items()]
