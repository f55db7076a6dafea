"""What residents write about: categories of appeals (Open311 "services") and the extra
questions each one asks (Open311 service attributes)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from esep.core.i18n import pick


class Category(models.Model):
    """A category such as "roads" or "heating". `power` names the function in the powers
    registry (territory.Power.code) whose holder answers appeals of this category; `code` is
    the Open311 service_code."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    group = models.SlugField(_("group"), max_length=40)
    name_kk = models.CharField(_("name in Kazakh"), max_length=200)
    name_ru = models.CharField(_("name in Russian"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)
    description_kk = models.TextField(_("description in Kazakh"), blank=True)
    description_ru = models.TextField(_("description in Russian"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    keywords = models.CharField(_("keywords"), max_length=300, blank=True)
    power = models.SlugField(_("power"), max_length=80, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("category of appeals")
        verbose_name_plural = _("categories of appeals")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick(self, "name")

    @property
    def description(self) -> str:
        return pick(self, "description")


class AttributeType(models.TextChoices):
    """Open311 attribute datatypes."""

    STRING = "string", _("Text (one line)")
    NUMBER = "number", _("Number")
    DATETIME = "datetime", _("Date and time")
    TEXT = "text", _("Text")
    SINGLE = "singlevaluelist", _("One of a list")
    MULTI = "multivaluelist", _("Several of a list")


class CategoryAttribute(models.Model):
    """One extra question of a category, e.g. "Is there heating in the flat?" `values` is a list
    of {"key": …, "name_kk": …, "name_ru": …, "name_en": …} for list types."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="attributes")
    code = models.SlugField(_("code"), max_length=60)
    datatype = models.CharField(_("type"), max_length=16, choices=AttributeType.choices)
    required = models.BooleanField(_("required"), default=False)
    description_kk = models.CharField(_("question in Kazakh"), max_length=300)
    description_ru = models.CharField(_("question in Russian"), max_length=300)
    description_en = models.CharField(_("question in English"), max_length=300)
    values = models.JSONField(_("values"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("question of a category")
        verbose_name_plural = _("questions of categories")
        ordering = ["category", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="attribute_code_once"),
            models.CheckConstraint(
                name="attribute_type_known", condition=Q(datatype__in=AttributeType.values)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category_id}:{self.code}"

    @property
    def description(self) -> str:
        return pick(self, "description")

    def value_name(self, key: str) -> str:
        from django.utils.translation import get_language

        lang = (get_language() or "en")[:2]
        for value in self.values:
            if value.get("key") == key:
                return value.get(f"name_{lang}") or value.get("name_en") or key
        return key
