"""Powers: the functions the law gives each kind of body at each level, with the legal basis."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from esep.core.i18n import pick

from .units import BodyKind, UnitKind


class Power(models.Model):
    """A function in law, e.g. "approve the local budget" (Law No. 148-II, Art. 6 p. 1 sp. 1)."""

    code = models.SlugField(_("code"), max_length=80, unique=True)
    title_kk = models.CharField(_("title in Kazakh"), max_length=500)
    title_ru = models.CharField(_("title in Russian"), max_length=500)
    title_en = models.CharField(_("title in English"), max_length=500)
    area = models.SlugField(_("area"), max_length=40)
    law = models.CharField(_("law"), max_length=300)
    article = models.CharField(_("article"), max_length=100)

    class Meta:
        verbose_name = _("power")
        verbose_name_plural = _("powers")
        ordering = ["area", "code"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return pick(self, "title")


class PowerAssignment(models.Model):
    """`power` is given to bodies of `body_kind` in units of `unit_kind`, under `article`."""

    power = models.ForeignKey(Power, on_delete=models.CASCADE, related_name="assignments")
    body_kind = models.CharField(_("kind of body"), max_length=24, choices=BodyKind.choices)
    unit_kind = models.CharField(_("kind of unit"), max_length=20, choices=UnitKind.choices)
    article = models.CharField(_("article"), max_length=100)

    class Meta:
        verbose_name = _("assigned power")
        verbose_name_plural = _("assigned powers")
        ordering = ["power", "body_kind", "unit_kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["power", "body_kind", "unit_kind"], name="power_assigned_once"
            ),
            models.CheckConstraint(
                name="power_body_kind_known", condition=Q(body_kind__in=BodyKind.values)
            ),
            models.CheckConstraint(
                name="power_unit_kind_known", condition=Q(unit_kind__in=UnitKind.values)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.power_id}: {self.body_kind}@{self.unit_kind}"
