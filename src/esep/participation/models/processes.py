"""Participatory budgeting processes: the money, the dated phases, who may take part, and the
ballot and counting rules, which freeze when voting opens."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ..phases import Activity, PhaseKind

MONEY = {"max_digits": 16, "decimal_places": 2}


def _canon(value: Decimal | int | str | None) -> str | None:
    """One spelling per number (1000000, not 1000000.00), so the rules' hash is stable."""
    return None if value is None else format(Decimal(value).normalize(), "f")


class BallotKind(models.TextChoices):
    APPROVAL = "approval", _("Approval: choose between a minimum and a maximum number of projects")
    KNAPSACK = "knapsack", _("Knapsack: choose projects costing at most the budget")
    CUMULATIVE = "cumulative", _("Cumulative: share out a number of points")
    ORDINAL = "ordinal", _("Ordinal: rank projects, best first")


class CountingRule(models.TextChoices):
    GREEDY = "greedy", _("Greedy by score: fund each project that still fits")
    GREEDY_THRESHOLD = "greedy-threshold", _("Greedy among projects with a minimum score")
    GREEDY_NO_SKIP = "greedy-no-skip", _("Greedy, stopping at the first project that does not fit")
    GREEDY_RESERVE = (
        "greedy-reserve",
        _("Greedy with a reserve: fund the next project if enough of its cost is covered"),
    )
    EQUAL_SHARES = "equal-shares", _("Method of Equal Shares")


class Completion(models.TextChoices):
    ADD1 = "add1", _("Raise the voters’ shares by 1 while money is left (add1)")
    ADD1_GREEDY = "add1-greedy", _("add1, then fund what still fits by score")
    # Pabulib's equalshares/add1-comparison (Wieliczka 2023): add1 without the stop when no
    # other project fits, then greedy by score replaces the outcome if more voters prefer it.
    ADD1_COMPARISON = (
        "add1-comparison",
        _("add1 while the budget allows, then compared with greedy by score"),
    )
    NONE = "none", _("No completion")


class Process(models.Model):
    unit = models.ForeignKey(
        "territory.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    title_kk = models.CharField(_("title in Kazakh"), max_length=300, blank=True)
    title_ru = models.CharField(_("title in Russian"), max_length=300, blank=True)
    title_en = models.CharField(_("title in English"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    budget = models.DecimalField(_("budget"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, default="KZT")
    year = models.PositiveSmallIntegerField(_("year"))
    # Ballot rules.
    ballot_kind = models.CharField(_("ballot"), max_length=16, choices=BallotKind.choices)
    min_choices = models.PositiveSmallIntegerField(_("fewest projects on a ballot"), default=1)
    max_choices = models.PositiveSmallIntegerField(
        _("most projects on a ballot"), null=True, blank=True
    )
    points = models.PositiveSmallIntegerField(
        _("points to share out (cumulative)"), null=True, blank=True
    )
    min_spent_share = models.DecimalField(
        _("least share of the budget a knapsack ballot must spend"),
        max_digits=4,
        decimal_places=3,
        default=Decimal(0),
    )
    may_change_ballot = models.BooleanField(_("voters may change their ballot until close"))
    # Counting rule.
    rule = models.CharField(_("counting rule"), max_length=20, choices=CountingRule.choices)
    threshold = models.DecimalField(_("minimum score"), max_digits=16, decimal_places=2, default=0)
    reserve = models.DecimalField(
        _("share of the cost the money left must cover (reserve rule)"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.8"),
    )
    completion = models.CharField(
        _("completion"), max_length=16, choices=Completion.choices, default=Completion.ADD1
    )
    rules_hash = models.CharField(max_length=64, editable=False, default="")
    # A process imported from a Pabulib file keeps the file's META (key, value pairs in order)
    # and column names, so that it exports to the same file.
    pabulib_meta = models.JSONField(default=list, blank=True)
    pabulib_project_columns = models.JSONField(default=list, blank=True)
    pabulib_vote_columns = models.JSONField(default=list, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    source = models.CharField(_("source"), max_length=1000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("participatory budgeting process")
        verbose_name_plural = _("participatory budgeting processes")
        constraints = [
            models.CheckConstraint(
                name="process_budget_positive", condition=models.Q(budget__gt=0)
            ),
            models.CheckConstraint(
                name="process_ballot_known", condition=models.Q(ballot_kind__in=BallotKind.values)
            ),
            models.CheckConstraint(
                name="process_rule_known", condition=models.Q(rule__in=CountingRule.values)
            ),
            models.CheckConstraint(
                name="process_completion_known",
                condition=models.Q(completion__in=Completion.values),
            ),
            models.CheckConstraint(
                name="process_choices_ordered",
                condition=models.Q(max_choices__isnull=True)
                | models.Q(max_choices__gte=models.F("min_choices")),
            ),
            models.CheckConstraint(
                name="process_cumulative_has_points",
                condition=~models.Q(ballot_kind="cumulative") | models.Q(points__gte=1),
            ),
            models.CheckConstraint(
                name="process_shares_in_range",
                condition=models.Q(min_spent_share__gte=0, min_spent_share__lte=1)
                & models.Q(reserve__gte=0, reserve__lte=1),
            ),
            models.CheckConstraint(
                name="process_threshold_not_negative", condition=models.Q(threshold__gte=0)
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        language = (get_language() or "kk")[:2]
        return (
            getattr(self, f"title_{language}", "")
            or self.title_ru
            or self.title_kk
            or self.title_en
        )

    def rules_record(self) -> dict:
        """The ballot and counting rules, as frozen when voting opens."""
        return {
            "budget": _canon(self.budget),
            "ballot_kind": self.ballot_kind,
            "min_choices": self.min_choices,
            "max_choices": self.max_choices,
            "points": self.points,
            "min_spent_share": _canon(self.min_spent_share),
            "may_change_ballot": self.may_change_ballot,
            "rule": self.rule,
            "threshold": _canon(self.threshold),
            "reserve": _canon(self.reserve),
            "completion": self.completion,
        }

    def compute_rules_hash(self) -> str:
        text = json.dumps(self.rules_record(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


class Phase(models.Model):
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(_("phase"), max_length=16, choices=PhaseKind.choices)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint("process", "kind", name="phase_once_per_process"),
            models.CheckConstraint(
                name="phase_kind_known", condition=models.Q(kind__in=PhaseKind.values)
            ),
            models.CheckConstraint(
                name="phase_ends_after_start", condition=models.Q(ends_at__gt=models.F("starts_at"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.process_id}: {self.kind}"


class Eligibility(models.Model):
    """Who may take an activity: verified residents of `unit` (and of the units inside it when
    `include_subunits`) at least `min_age` years old on the day."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="eligibility")
    activity = models.CharField(_("activity"), max_length=16, choices=Activity.choices)
    unit = models.ForeignKey(
        "territory.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    include_subunits = models.BooleanField(_("and the units inside it"), default=True)
    min_age = models.PositiveSmallIntegerField(_("minimum age"), default=18)

    class Meta:
        verbose_name = _("eligibility")
        verbose_name_plural = _("eligibility")
        constraints = [
            models.UniqueConstraint("process", "activity", name="eligibility_once_per_activity"),
            models.CheckConstraint(
                name="eligibility_resident_activity",
                condition=models.Q(activity__in=["propose", "support", "vote"]),
            ),
            models.CheckConstraint(
                name="eligibility_age_plausible", condition=models.Q(min_age__lte=120)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.process_id}: {self.activity}"
