"""The audit trail and the publication ledger.

Both are append-only: rows are written by `esep.core.audit` and `esep.core.ledger` only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """Who did what, when, and from which role. One row per action taken."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("who (as recorded)"), max_length=254)
    role = models.CharField(_("role"), max_length=200)
    verb = models.CharField(_("action"), max_length=80, db_index=True)
    target_type = models.CharField(_("record type"), max_length=80, blank=True)
    target_id = models.CharField(_("record"), max_length=64, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.verb}"


class LedgerEntry(models.Model):
    """One publication: the record's canonical JSON, its hash, and the chain link."""

    seq = models.PositiveBigIntegerField(_("number"), unique=True)
    published_at = models.DateTimeField(_("published"))
    record_type = models.CharField(_("record type"), max_length=80)
    record_id = models.CharField(_("record"), max_length=64)
    payload = models.TextField(_("canonical JSON"))
    record_hash = models.CharField(_("record hash"), max_length=64)
    prev_hash = models.CharField(_("previous entry hash"), max_length=64, unique=True)
    entry_hash = models.CharField(_("entry hash"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("publication ledger")
        ordering = ["seq"]
        indexes = [models.Index(fields=["record_type", "record_id", "seq"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(seq__gte=1), name="ledger_seq_positive"),
            models.CheckConstraint(
                condition=~models.Q(prev_hash=models.F("entry_hash")), name="ledger_no_self_link"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.record_type}:{self.record_id}"


class DataVersion(models.Model):
    """One row counting committed actions: cached public pages are keyed by it. Every action
    increments it in its own transaction, so the count moves exactly when data has changed
    (an id sequence would not: on PostgreSQL ids can commit out of order)."""

    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(name="data_version_single_row", condition=models.Q(id=1))
        ]

    def __str__(self) -> str:
        return str(self.value)


class TransferredDayKind(models.TextChoices):
    DAY_OFF = "day_off", _("day off")
    WORKING_DAY = "working_day", _("working day")


class TransferredDay(models.Model):
    """A day the Government moved by decree: a weekday made a day off, or a weekend day made a
    working day. It overrides the public-holiday calendar for its date (see core.calendar)."""

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=TransferredDayKind.choices)
    reason = models.CharField(
        _("reason"),
        max_length=300,
        help_text=_("The act that moved the day, e.g. “Decree of the Government No. … of …”."),
    )
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("entered"), auto_now_add=True)

    class Meta:
        verbose_name = _("transferred day")
        verbose_name_plural = _("transferred days")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=TransferredDayKind.values),
                name="transferred_day_kind_known",
            ),
            models.CheckConstraint(
                condition=~models.Q(reason=""), name="transferred_day_reason_given"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"
