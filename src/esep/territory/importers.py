"""Load the 20 top-level units of Kazakhstan from regions.csv (shipped in territory/data)."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from esep.core.actions import Actor

from . import actions
from .models import BodyKind, Unit, UnitKind

REGIONS_CSV = Path(__file__).parent / "data" / "regions.csv"
REPUBLIC_OCD = "ocd-division/country:kz"
KINDS = {"oblast": UnitKind.OBLAST, "city": UnitKind.REPUBLICAN_CITY}


def region_ocd_id(iso_code: str) -> str:
    return f"{REPUBLIC_OCD}/region:{iso_code.lower()}"


def load_regions(
    actor: Actor, path: Path = REGIONS_CSV, step: Callable[[], None] | None = None
) -> int:
    """Create the republic and its 20 units with their akimat and maslikhat, and publish them.
    Units already present (same OCD id) are left as they are. Returns how many were created."""
    republic = Unit.objects.filter(ocd_id=REPUBLIC_OCD).first()
    created = 0
    if republic is None:
        republic = actions.create_unit(
            actor,
            kind=UnitKind.REPUBLIC,
            parent=None,
            name_kk="Қазақстан Республикасы",
            name_ru="Республика Казахстан",
            name_en="Republic of Kazakhstan",
            ocd_id=REPUBLIC_OCD,
            iso_code="KZ",
            population=19_765_004,
            population_year=2023,
            source="Bureau of National Statistics, 1 January 2023 (sum of the 20 units)",
        )
        actions.publish_unit(actor, republic)
        created += 1
    existing = set(Unit.objects.values_list("ocd_id", flat=True))
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            ocd_id = region_ocd_id(row["iso_code"])
            if ocd_id not in existing:
                unit = actions.create_unit(
                    actor,
                    kind=KINDS[row["kind"]],
                    parent=republic,
                    name_kk=row["name_kk"],
                    name_ru=row["name_ru"],
                    name_en=row["name_en"],
                    ocd_id=ocd_id,
                    iso_code=row["iso_code"],
                    population=int(row["population_approx"]),
                    population_year=int(row["population_year"]),
                    source=row["source"],
                )
                for kind in (BodyKind.AKIMAT, BodyKind.MASLIKHAT):
                    actions.create_body(actor, unit=unit, kind=kind)
                actions.publish_unit(actor, unit)
                created += 1
            if step:
                step()
    return created
