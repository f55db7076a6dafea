"""Which unit an Open311 request is about: from `address_id` (a KATO code, an ISO 3166-2 code
or an esep unit id) or from its coordinates (the smallest unit in force whose boundary holds
the point)."""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Any

from shapely.errors import ShapelyError
from shapely.geometry import Point, shape

from esep.territory.geo import read_regions
from esep.territory.models import Boundary, Unit

KATO = re.compile(r"^[0-9]{9}$")
ISO = re.compile(r"^KZ-[0-9]{2}$", re.IGNORECASE)
UNIT_ID = re.compile(r"^[0-9]{1,12}$")


def unit_for_address_id(address_id: str) -> Unit | None:
    """The unit in force that `address_id` names: nine digits are a KATO code, `KZ-NN` an ISO
    3166-2 code, other digits an esep unit id."""
    address_id = address_id.strip()
    in_force = Unit.objects.filter(valid_until__isnull=True)
    if KATO.match(address_id):
        return in_force.filter(kato=address_id).first()
    if ISO.match(address_id):
        return in_force.filter(iso_code=address_id.upper()).first()
    if UNIT_ID.match(address_id):
        return in_force.filter(pk=int(address_id)).first()
    return None


def coordinates(latitude: str, longitude: str) -> tuple[float, float] | None:
    """(lat, long) as finite numbers, or None when either is missing or not a number."""
    try:
        lat, lon = float(latitude), float(longitude)
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    return lat, lon


@lru_cache(maxsize=1)
def _shipped_regions() -> dict[str, Any]:
    """ISO code → geometry of the region boundaries shipped with esep (not prepared: GEOS
    prepared geometries may not be shared between threads)."""
    return {iso: shape(geometry) for iso, geometry in read_regions().items()}


def unit_at(latitude: float, longitude: float) -> Unit | None:
    """The deepest unit in force whose stored boundary contains the point; where no stored
    boundary does (none loaded yet), the region whose shipped boundary does."""
    point = Point(longitude, latitude)
    found: Unit | None = None
    stored = Boundary.objects.filter(unit__valid_until__isnull=True).select_related("unit")
    for boundary in stored:
        if found is not None and boundary.unit.depth <= found.depth:
            continue
        try:
            if shape(boundary.geometry).contains(point):
                found = boundary.unit
        except (ShapelyError, ValueError, TypeError, KeyError, AttributeError):
            continue  # a malformed stored geometry locates nothing
    if found is not None:
        return found
    for iso, geometry in _shipped_regions().items():
        if geometry.contains(point):
            return Unit.objects.filter(iso_code=iso, valid_until__isnull=True).first()
    return None
