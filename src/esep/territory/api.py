"""Open data of the registry at /api/v1: units, bodies, posts, people, mandates (filtered and
paged), and the whole registry as Popolo JSON."""

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import override
from ninja import Field, Path, Query, Router, Schema
from ninja.decorators import decorate_view
from ninja.pagination import paginate

from esep.api.pagination import MAX_ID, Paged
from esep.core.cache import public_page

from . import queries
from .labels import post_label
from .models import (
    Body,
    BodyKind,
    Mandate,
    MandateBasis,
    Person,
    Post,
    PostKind,
    Unit,
    UnitKind,
)
from .popolo import popolo_export

router = Router(tags=["registry"])
ID = Query(None, ge=1, le=MAX_ID)


class UnitOut(Schema):
    id: int
    kind: str
    parent_id: int | None
    name_kk: str
    name_ru: str
    name_en: str
    iso_code: str | None
    kato: str | None
    ocd_id: str
    population: int | None
    population_year: int | None
    valid_from: dt.date | None
    valid_until: dt.date | None
    demo: bool = Field(alias="is_demo")
    source: str


class BodyOut(Schema):
    id: int
    unit_id: int
    kind: str


class PostOut(Schema):
    id: int
    body_id: int
    unit_id: int = Field(alias="body.unit_id")
    kind: str
    number: int
    label_en: str

    @staticmethod
    def resolve_label_en(post: Post) -> str:
        with override("en"):
            return post_label(post)


class PersonOut(Schema):
    id: int
    family_name: str
    given_name: str
    patronymic: str
    name_latin: str
    birth_year: int | None
    demo: bool = Field(alias="is_demo")


class MandateOut(Schema):
    id: int
    person_id: int
    post_id: int
    unit_id: int = Field(alias="post.body.unit_id")
    basis: str
    appointed_by_id: int | None
    appointed_by_note: str
    party: str | None = Field(None, alias="party.abbreviation")
    start: dt.date
    end: dt.date | None
    end_reason: str
    term_ends: dt.date | None
    demo: bool = Field(alias="is_demo")
    source: str


def _under(qs: QuerySet, field: str, unit_id: int | None) -> QuerySet:
    """Only rows in `unit_id` and below it; an unknown unit gives no rows (not an error)."""
    if unit_id is None:
        return qs
    unit = Unit.objects.filter(pk=unit_id).only("path").first()
    if unit is None:
        return qs.none()
    return qs.filter(**{f"{field}__startswith": unit.path})


@router.get("/units", response=list[UnitOut], summary="List units")
@decorate_view(
    public_page(
        params=("kind", "parent", "under", "in_force", "iso_code", "kato", "q", "limit", "offset")
    )
)
@paginate(Paged)
def list_units(
    request: HttpRequest,
    kind: UnitKind | None = None,
    parent: int | None = ID,
    under: int | None = ID,
    in_force: bool | None = None,
    iso_code: str | None = Query(None, max_length=6),
    kato: str | None = Query(None, max_length=9),
    q: str | None = Query(None, max_length=200, description="Name in any language or spelling"),
) -> Any:
    qs = queries.matching(_under(queries.units(), "path", under), q)
    if kind:
        qs = qs.filter(kind=kind)
    if parent:
        qs = qs.filter(parent_id=parent)
    if in_force is not None:
        qs = qs.filter(valid_until__isnull=in_force)
    if iso_code:
        qs = qs.filter(iso_code=iso_code.upper())
    if kato:
        qs = qs.filter(kato=kato)
    return qs


@router.get("/units/{unit_id}", response=UnitOut, summary="One unit")
def get_unit(request: HttpRequest, unit_id: int = Path(..., ge=1, le=MAX_ID)) -> Unit:
    return get_object_or_404(Unit, pk=unit_id)


@router.get("/bodies", response=list[BodyOut], summary="List bodies")
@decorate_view(public_page(params=("unit", "under", "kind", "limit", "offset")))
@paginate(Paged)
def list_bodies(
    request: HttpRequest,
    unit: int | None = ID,
    under: int | None = ID,
    kind: BodyKind | None = None,
) -> Any:
    qs = _under(Body.objects.order_by("id"), "unit__path", under)
    if unit:
        qs = qs.filter(unit_id=unit)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


@router.get("/posts", response=list[PostOut], summary="List posts")
@decorate_view(public_page(params=("body", "unit", "under", "kind", "limit", "offset")))
@paginate(Paged)
def list_posts(
    request: HttpRequest,
    body: int | None = ID,
    unit: int | None = ID,
    under: int | None = ID,
    kind: PostKind | None = None,
) -> Any:
    qs = _under(Post.objects.select_related("body__unit").order_by("id"), "body__unit__path", under)
    if body:
        qs = qs.filter(body_id=body)
    if unit:
        qs = qs.filter(body__unit_id=unit)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


@router.get("/people", response=list[PersonOut], summary="List people")
@decorate_view(public_page(params=("q", "limit", "offset")))
@paginate(Paged)
def list_people(
    request: HttpRequest,
    q: str | None = Query(None, max_length=200, description="Name in Cyrillic or Latin letters"),
) -> Any:
    return queries.matching(Person.objects.filter(published_at__isnull=False).order_by("id"), q)


@router.get("/people/{person_id}", response=PersonOut, summary="One person")
def get_person(request: HttpRequest, person_id: int = Path(..., ge=1, le=MAX_ID)) -> Person:
    return get_object_or_404(Person, pk=person_id, published_at__isnull=False)


@router.get("/mandates", response=list[MandateOut], summary="List mandates")
@decorate_view(
    public_page(
        params=(
            "person",
            "post",
            "unit",
            "under",
            "basis",
            "post_kind",
            "current",
            "party",
            "limit",
            "offset",
        )
    )
)
@paginate(Paged)
def list_mandates(
    request: HttpRequest,
    person: int | None = ID,
    post: int | None = ID,
    unit: int | None = ID,
    under: int | None = ID,
    basis: MandateBasis | None = None,
    post_kind: PostKind | None = None,
    current: bool | None = None,
    party: str | None = Query(None, max_length=40),
) -> Any:
    qs = _under(queries.published_mandates().order_by("id"), "post__body__unit__path", under)
    if person:
        qs = qs.filter(person_id=person)
    if post:
        qs = qs.filter(post_id=post)
    if unit:
        qs = qs.filter(post__body__unit_id=unit)
    if basis:
        qs = qs.filter(basis=basis)
    if post_kind:
        qs = qs.filter(post__kind=post_kind)
    if current is not None:
        qs = qs.filter(end__isnull=current)
    if party:
        qs = qs.filter(party__abbreviation__iexact=party)
    return qs


@router.get("/mandates/{mandate_id}", response=MandateOut, summary="One mandate")
def get_mandate(request: HttpRequest, mandate_id: int = Path(..., ge=1, le=MAX_ID)) -> Mandate:
    return get_object_or_404(queries.published_mandates(), pk=mandate_id)


@router.get(
    "/popolo",
    response=dict[str, list[dict[str, Any]]],
    summary="The registry as Popolo JSON",
    description="Persons, organizations (bodies and parties), posts, memberships (mandates) "
    "and areas (units), in Popolo's names. `under` limits it to a unit and what lies below.",
)
@decorate_view(public_page(params=("under",)))
def popolo(request: HttpRequest, under: int | None = ID) -> dict[str, Any]:
    unit = get_object_or_404(Unit, pk=under) if under else None
    return popolo_export(unit)
