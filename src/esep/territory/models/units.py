"""Units of Kazakhstan (republic down to village), their history, and the bodies governing them."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from esep.core.i18n import pick


class UnitKind(models.TextChoices):
    REPUBLIC = "republic", _("Republic")
    OBLAST = "oblast", _("Region (oblast)")
    REPUBLICAN_CITY = "republican_city", _("City of republican significance")
    DISTRICT = "district", _("District")
    REGIONAL_CITY = "regional_city", _("City of regional significance")
    CITY_DISTRICT = "city_district", _("District in a city")
    DISTRICT_CITY = "district_city", _("City of district significance")
    RURAL_DISTRICT = "rural_district", _("Rural district")
    VILLAGE = "village", _("Village")


# Which kinds may sit directly under which: the administrative-territorial structure.
CHILD_KINDS: dict[str, tuple[str, ...]] = {
    UnitKind.REPUBLIC: (UnitKind.OBLAST, UnitKind.REPUBLICAN_CITY),
    UnitKind.OBLAST: (UnitKind.DISTRICT, UnitKind.REGIONAL_CITY),
    UnitKind.REPUBLICAN_CITY: (UnitKind.CITY_DISTRICT,),
    UnitKind.REGIONAL_CITY: (UnitKind.CITY_DISTRICT, UnitKind.RURAL_DISTRICT, UnitKind.VILLAGE),
    UnitKind.DISTRICT: (UnitKind.DISTRICT_CITY, UnitKind.RURAL_DISTRICT, UnitKind.VILLAGE),
    UnitKind.CITY_DISTRICT: (),
    UnitKind.DISTRICT_CITY: (UnitKind.VILLAGE,),
    UnitKind.RURAL_DISTRICT: (UnitKind.VILLAGE,),
    UnitKind.VILLAGE: (),
}

# Budget and governance levels: 1 republic, 2 oblast / republican city, 3 district / regional
# city, 4 the "fourth level" (rural districts, villages, cities of district significance).
LEVEL_OF_KIND: dict[str, int] = {
    UnitKind.REPUBLIC: 1,
    UnitKind.OBLAST: 2,
    UnitKind.REPUBLICAN_CITY: 2,
    UnitKind.DISTRICT: 3,
    UnitKind.REGIONAL_CITY: 3,
    UnitKind.CITY_DISTRICT: 3,
    UnitKind.DISTRICT_CITY: 4,
    UnitKind.RURAL_DISTRICT: 4,
    UnitKind.VILLAGE: 4,
}


class Unit(models.Model):
    """A territorial unit. `path` lists the ids from the top down, for scope checks in one step.

    A unit is valid from `valid_from` until the day before `valid_until` (null: open). Units that
    were merged, split or abolished keep their rows and records; `UnitChange` says what became
    of them. Only units in force must have unique ISO codes and KATO codes."""

    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    name_kk = models.CharField(_("name in Kazakh"), max_length=200)
    name_ru = models.CharField(_("name in Russian"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)
    iso_code = models.CharField(_("ISO 3166-2 code"), max_length=6, null=True, blank=True)
    kato = models.CharField(_("KATO code"), max_length=9, null=True, blank=True)
    ocd_id = models.CharField(_("Open Civic Data id"), max_length=255, unique=True)
    population = models.PositiveBigIntegerField(_("population"), null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(_("population year"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    source = models.CharField(_("source"), max_length=1000, blank=True)
    search_key = models.TextField(editable=False, default="")
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                name="unit_kind_known", condition=models.Q(kind__in=UnitKind.values)
            ),
            models.CheckConstraint(name="unit_path_set", condition=models.Q(path__endswith="/")),
            models.CheckConstraint(
                name="unit_only_republic_is_top",
                condition=models.Q(kind="republic", parent__isnull=True)
                | (~models.Q(kind="republic") & models.Q(parent__isnull=False)),
            ),
            models.CheckConstraint(
                name="unit_population_year_with_population",
                condition=models.Q(population__isnull=True)
                | models.Q(population_year__isnull=False),
            ),
            models.CheckConstraint(
                name="unit_valid_until_after_from",
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gt=F("valid_from")),
            ),
            models.CheckConstraint(
                name="unit_kato_nine_digits",
                condition=Q(kato__isnull=True) | Q(kato__regex=r"^[0-9]{9}$"),
            ),
            models.UniqueConstraint(
                fields=["iso_code"],
                condition=Q(valid_until__isnull=True, iso_code__isnull=False),
                name="unit_iso_code_unique_in_force",
            ),
            models.UniqueConstraint(
                fields=["kato"],
                condition=Q(valid_until__isnull=True, kato__isnull=False),
                name="unit_kato_unique_in_force",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick(self, "name")

    @property
    def level(self) -> int:
        return LEVEL_OF_KIND[self.kind]

    @property
    def in_force(self) -> bool:
        return self.valid_until is None

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids from the top down to the parent (the path without this unit)."""
        return [int(part) for part in self.path.split("/")[:-2]]

    def covers(self, other: Unit) -> bool:
        """True if `other` is this unit or lies within it."""
        return self.covers_path(other.path)

    def covers_path(self, path: str) -> bool:
        """True if the unit at `path` is this unit or lies within it."""
        return path.startswith(self.path)

    def ledger_record(self) -> dict[str, Any]:
        return {
            "id": self.pk,
            "kind": self.kind,
            "parent": self.parent_id,
            "name": {"kk": self.name_kk, "ru": self.name_ru, "en": self.name_en},
            "iso_code": self.iso_code,
            "kato": self.kato,
            "ocd_id": self.ocd_id,
            "population": self.population,
            "population_year": self.population_year,
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "demo": self.is_demo,
            "source": self.source,
        }


class UnitPopulation(models.Model):
    """Population of a unit on 1 January of a year, with its source."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="populations")
    year = models.PositiveSmallIntegerField(_("year"))
    population = models.PositiveBigIntegerField(_("population"))
    source = models.CharField(_("source"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("population")
        verbose_name_plural = _("populations")
        ordering = ["unit", "year"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="population_one_per_year"),
            models.CheckConstraint(
                name="population_year_plausible", condition=Q(year__gte=1990, year__lte=2100)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.population}"


class FormerName(models.Model):
    """A name a unit carried until `valid_until` (Nur-Sultan, South Kazakhstan Region, …)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="former_names")
    name_kk = models.CharField(_("name in Kazakh"), max_length=200)
    name_ru = models.CharField(_("name in Russian"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"))
    source = models.CharField(_("source"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("former name")
        verbose_name_plural = _("former names")
        ordering = ["unit", "valid_until"]
        constraints = [
            models.CheckConstraint(
                name="former_name_dates_ordered",
                condition=Q(valid_from__isnull=True) | Q(valid_until__gt=F("valid_from")),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick(self, "name")


class UnitChangeKind(models.TextChoices):
    CREATED = "created", _("Created")
    RENAMED = "renamed", _("Renamed")
    SPLIT = "split", _("Part split off")
    MERGED = "merged", _("Merged into")
    ABOLISHED = "abolished", _("Abolished")
    MOVED = "moved", _("Moved under another unit")
    RECLASSIFIED = "reclassified", _("Status changed")


class UnitChange(models.Model):
    """One event in the administrative-territorial history: `unit` changed on `date`; `other`
    is the unit it was split from, merged into or moved under, when there is one."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="changes")
    other = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=UnitChangeKind.choices)
    date = models.DateField(_("date"))
    legal_basis = models.CharField(_("legal basis"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("change of a unit")
        verbose_name_plural = _("changes of units")
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(
                name="unit_change_kind_known", condition=Q(kind__in=UnitChangeKind.values)
            ),
            models.CheckConstraint(
                name="unit_change_not_with_itself",
                condition=Q(other__isnull=True) | ~Q(other=F("unit")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%Y-%m-%d}"


class Boundary(models.Model):
    """A unit's boundary: GeoJSON geometry (WGS84) and a simplified SVG path for the map."""

    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="boundary")
    geometry = models.JSONField(_("geometry"))
    svg_path = models.TextField(editable=False)
    source = models.CharField(_("source"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("boundary")
        verbose_name_plural = _("boundaries")

    def __str__(self) -> str:
        return f"{self.unit_id}"


class BodyKind(models.TextChoices):
    AKIMAT = "akimat", _("Akimat")
    MASLIKHAT = "maslikhat", _("Maslikhat")
    AUDIT_COMMISSION = "audit_commission", _("Audit commission")
    ELECTION_COMMISSION = "election_commission", _("Territorial election commission")
    COMMUNITY_MEETING = "community_meeting", _("Local community meeting")


class Body(models.Model):
    """An organization that governs or serves a unit: its akimat, maslikhat, …"""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="bodies"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=BodyKind.choices)

    class Meta:
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind"], name="body_one_kind_per_unit"),
            models.CheckConstraint(
                name="body_kind_known", condition=models.Q(kind__in=BodyKind.values)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.unit}"

    @property
    def ocd_id(self) -> str:
        return f"{self.unit.ocd_id}/{self.kind}"
