"""Units of Kazakhstan (republic down to village) and the bodies that govern them."""

from __future__ import annotations

from typing import Any

from django.db import models
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


class Unit(models.Model):
    """A territorial unit. `path` lists the ids from the top down, for scope checks in one step."""

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
    name_kk = models.CharField(_("name in Kazakh"), max_length=200)
    name_ru = models.CharField(_("name in Russian"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)
    iso_code = models.CharField(
        _("ISO 3166-2 code"), max_length=6, null=True, blank=True, unique=True
    )
    ocd_id = models.CharField(_("Open Civic Data id"), max_length=255, unique=True)
    population = models.PositiveBigIntegerField(_("population"), null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(_("population year"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=1000, blank=True)
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
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick(self, "name")

    def covers(self, other: Unit) -> bool:
        """True if `other` is this unit or lies within it."""
        return other.path.startswith(self.path)

    def ledger_record(self) -> dict[str, Any]:
        return {
            "id": self.pk,
            "kind": self.kind,
            "parent": self.parent_id,
            "name": {"kk": self.name_kk, "ru": self.name_ru, "en": self.name_en},
            "iso_code": self.iso_code,
            "ocd_id": self.ocd_id,
            "population": self.population,
            "population_year": self.population_year,
            "source": self.source,
        }


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
