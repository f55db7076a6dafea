"""Counted results: the rule applied, every project's decision with its reasons, and how the
ballots reconcile. A result is computed, then published to the ledger; a published result is
never changed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .processes import Process


class PaperReturn(models.Model):
    """A polling place's count of the paper ballots in its box, entered by staff. The paper
    ballots entered one by one for that place must add up to it."""

    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="paper_returns")
    polling_place = models.CharField(_("polling place"), max_length=200)
    ballots = models.PositiveIntegerField(_("ballots in the box"))

    class Meta:
        constraints = [
            models.UniqueConstraint("process", "polling_place", name="paper_return_once"),
        ]

    def __str__(self) -> str:
        return f"{self.process_id}: {self.polling_place}"


class Result(models.Model):
    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="results")
    rule = models.CharField(max_length=32)
    rules_hash = models.CharField(max_length=64)
    computed_at = models.DateTimeField()
    online_ballots = models.PositiveIntegerField()
    paper_ballots = models.PositiveIntegerField()
    imported_ballots = models.PositiveIntegerField(default=0)
    voters = models.PositiveIntegerField()
    spent = models.DecimalField(max_digits=16, decimal_places=2)
    # One entry per project, in the order the rule considered them (see counting.py).
    decisions = models.JSONField()
    # Why the totals do not reconcile, if they do not (empty: they do).
    discrepancies = models.JSONField(default=list)
    # The comparison step of completion add1-comparison (empty for other rules): the outcome
    # kept ("equal-shares" or "greedy"), how many voters prefer each, and what each selects.
    comparison = models.JSONField(default=dict, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        constraints = [
            models.UniqueConstraint(
                "process",
                condition=models.Q(published_at__isnull=False),
                name="result_published_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.process_id}: {self.rule}"

    def ledger_record(self) -> dict:
        record = {
            "process": self.process_id,
            "rule": self.rule,
            "rules_hash": self.rules_hash,
            "online_ballots": self.online_ballots,
            "paper_ballots": self.paper_ballots,
            "imported_ballots": self.imported_ballots,
            "voters": self.voters,
            "spent": self.spent,
            "decisions": self.decisions,
            "discrepancies": self.discrepancies,
            "published_at": self.published_at,
        }
        # Only when there is one, so that the records of other results read as before.
        if self.comparison:
            record["comparison"] = self.comparison
        return record


class CountTask(models.Model):
    """A request to count a process's ballots, run in the background (`esep.participation.tasks`).
    At most one waits or runs per process."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="count_tasks")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.ForeignKey(Result, null=True, blank=True, on_delete=models.SET_NULL)
    error = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "process",
                condition=models.Q(finished_at__isnull=True),
                name="count_task_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.process_id}: {self.requested_at}"
