"""Ballots, kept apart from who cast them.

`Voter` says that a person (the keyed hash of their IIN) voted in a process: at most one row per
person and process, a database constraint, so concurrent submissions cannot both count. `Ballot`
says what was voted, with a random receipt and no link to the voter: no foreign key, no time.
Where voters may change their ballot, `Voter.ballot_link` holds a keyed hash of the receipt, so
the ballot it replaces can be found (see docs/participation.md on what this reveals)."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from .processes import Process


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    PAPER = "paper", _("Paper, at a polling place")
    IMPORTED = "imported", _("Imported from a Pabulib file")


class Voter(models.Model):
    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="voters")
    identity_hash = models.CharField(max_length=64)
    voted_on = models.DateField()
    ballot_link = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint("process", "identity_hash", name="voter_once_per_process"),
        ]

    def __str__(self) -> str:
        return f"{self.process_id}: {self.identity_hash[:12]}"


class Ballot(models.Model):
    # A random key: row numbers in casting order would follow the voters' audit entries.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="ballots")
    receipt = models.CharField(_("receipt"), max_length=32, unique=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    polling_place = models.CharField(_("polling place"), max_length=200, blank=True)
    # Project codes as chosen (ordinal: best first); cumulative: the points given to each.
    choices = models.JSONField()
    points = models.JSONField(null=True, blank=True)
    replaced = models.BooleanField(_("replaced by a later ballot"), default=False)
    # Imported ballots only: the file's order and values (voter ids are the file's own).
    position = models.PositiveIntegerField(null=True, blank=True)
    pabulib_row = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [
            models.CheckConstraint(
                name="ballot_channel_known", condition=models.Q(channel__in=Channel.values)
            ),
            models.CheckConstraint(
                name="ballot_paper_has_place",
                condition=~models.Q(channel="paper") | ~models.Q(polling_place=""),
            ),
            models.CheckConstraint(
                name="ballot_online_never_placed",
                condition=~models.Q(channel="online") | models.Q(polling_place=""),
            ),
            models.CheckConstraint(
                name="ballot_only_imported_ordered",
                condition=models.Q(channel="imported")
                | models.Q(position__isnull=True, pabulib_row__isnull=True),
            ),
        ]
        indexes = [models.Index(fields=["process", "replaced"], name="ballot_counted")]

    def __str__(self) -> str:
        return self.receipt
