from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Schema
from ninja.pagination import paginate

from esep.api.pagination import MAX_ID, Paged

from . import queries
from .models import Unit, UnitKind

router = Router(tags=["units"])


class UnitOut(Schema):
    id: int
    kind: str
    parent_id: int | None
    name_kk: str
    name_ru: str
    name_en: str
    iso_code: str | None
    ocd_id: str
    population: int | None
    population_year: int | None
    source: str


@router.get("", response=list[UnitOut])
@paginate(Paged)
def list_units(
    request: HttpRequest,
    kind: UnitKind | None = None,
    parent: int | None = Query(None, ge=1, le=MAX_ID),
):
    qs = queries.units()
    if kind:
        qs = qs.filter(kind=kind)
    if parent:
        qs = qs.filter(parent_id=parent)
    return qs


@router.get("/{unit_id}", response=UnitOut)
def get_unit(request: HttpRequest, unit_id: int = Path(..., ge=1, le=MAX_ID)) -> Unit:
    return get_object_or_404(Unit, pk=unit_id)
