"""Writes to the territorial registry. Publishing appends to the publication ledger."""

from __future__ import annotations

from django.utils import timezone

from esep.core import ledger
from esep.core.actions import Actor, action
from esep.core.models import LedgerEntry

from .models import Body, Unit


def create_unit(
    actor: Actor,
    *,
    kind: str,
    parent: Unit | None,
    name_kk: str,
    name_ru: str,
    name_en: str,
    ocd_id: str,
    iso_code: str | None = None,
    population: int | None = None,
    population_year: int | None = None,
    source: str = "",
) -> Unit:
    with action("create_unit", actor, "territory.create_unit", parent) as act:
        unit = Unit.objects.create(
            kind=kind,
            parent=parent,
            name_kk=name_kk,
            name_ru=name_ru,
            name_en=name_en,
            ocd_id=ocd_id,
            iso_code=iso_code,
            population=population,
            population_year=population_year,
            source=source,
            path=f"{parent.path if parent else ''}0/",  # id 0 never exists: replaced below
        )
        unit.path = f"{parent.path if parent else ''}{unit.pk}/"
        unit.save(update_fields=["path"])
        act.record(unit, ocd_id=ocd_id)
    return unit


def create_body(actor: Actor, *, unit: Unit, kind: str) -> Body:
    with action("create_body", actor, "territory.create_body", unit) as act:
        body = Body.objects.create(unit=unit, kind=kind)
        act.record(body, unit=unit.pk, kind=kind)
    return body


def publish_unit(actor: Actor, unit: Unit) -> LedgerEntry:
    with action("publish_unit", actor, "territory.publish_unit", unit) as act:
        unit.published_at = timezone.now()
        unit.save(update_fields=["published_at"])
        entry = ledger.append(unit)
        act.record(unit, ledger_seq=entry.seq)
    return entry
