"""Reads of the territorial registry shared by pages and the API."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Unit, UnitKind


def top_level_units() -> QuerySet[Unit]:
    """The 17 oblasts and 3 cities of republican significance, by ISO code."""
    return Unit.objects.filter(
        kind__in=[UnitKind.OBLAST, UnitKind.REPUBLICAN_CITY], parent__parent__isnull=True
    ).order_by("iso_code")


def units() -> QuerySet[Unit]:
    return Unit.objects.order_by("path")
