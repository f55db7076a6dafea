"""Projects residents propose, the support they gather, and staff's feasibility review."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .processes import MONEY, Process


class ProjectStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed, awaiting review")
    FEASIBLE = "feasible", _("Feasible: on the ballot")
    INFEASIBLE = "infeasible", _("Not feasible")
    WITHDRAWN = "withdrawn", _("Withdrawn by the author")


class ProjectCategory(models.TextChoices):
    LANDSCAPING = "landscaping", _("Landscaping and green spaces")
    ROADS = "roads", _("Roads and pavements")
    LIGHTING = "lighting", _("Street lighting")
    SPORT = "sport", _("Sport and play")
    CULTURE = "culture", _("Culture and education")
    SOCIAL = "social", _("Social help")
    ENVIRONMENT = "environment", _("Environment")
    OTHER = "other", _("Other")


class Implementation(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Project(models.Model):
    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="projects")
    code = models.CharField(_("number"), max_length=64)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(
        _("category"), max_length=16, choices=ProjectCategory.choices, default="other"
    )
    estimated_cost = models.DecimalField(_("estimated cost"), **MONEY)
    cost = models.DecimalField(_("cost after review"), null=True, blank=True, **MONEY)
    unit = models.ForeignKey(
        "territory.Unit",
        verbose_name=_("place"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ProjectStatus.choices, default="proposed"
    )
    review_reason = models.TextField(_("reason"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    supporters = models.PositiveIntegerField(_("supporters"), default=0)
    pabulib_row = models.JSONField(default=list, blank=True)  # the imported file's values
    # Set when the result that funds it is published; then its implementation is reported.
    selected = models.BooleanField(_("funded"), default=False)
    implementation = models.CharField(
        _("implementation"), max_length=16, choices=Implementation.choices, default="not_started"
    )
    progress = models.PositiveSmallIntegerField(_("progress, %"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["process", "id"]
        constraints = [
            models.UniqueConstraint("process", "code", name="project_code_once"),
            models.CheckConstraint(
                name="project_status_known", condition=models.Q(status__in=ProjectStatus.values)
            ),
            models.CheckConstraint(
                name="project_costs_positive",
                condition=models.Q(estimated_cost__gt=0)
                & (models.Q(cost__isnull=True) | models.Q(cost__gt=0)),
            ),
            models.CheckConstraint(
                name="project_feasible_has_cost",
                condition=~models.Q(status="feasible") | models.Q(cost__isnull=False),
            ),
            models.CheckConstraint(
                name="project_infeasible_has_reason",
                condition=~models.Q(status="infeasible") | ~models.Q(review_reason=""),
            ),
            models.CheckConstraint(
                name="project_progress_percent", condition=models.Q(progress__lte=100)
            ),
            models.CheckConstraint(
                name="project_implemented_if_funded",
                condition=models.Q(selected=True)
                | models.Q(implementation="not_started", progress=0),
            ),
            models.CheckConstraint(
                name="project_coordinates_both_or_none",
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__isnull=False, longitude__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"

    @property
    def ballot_cost(self):
        """The cost voters see and counting uses: the reviewed cost, else the estimate."""
        return self.cost if self.cost is not None else self.estimated_cost


class Support(models.Model):
    """A resident supports a proposal (once)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint("project", "user", name="support_once")]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.user_id}"


class ProjectUpdate(models.Model):
    """A dated report on a funded project's implementation, published as it is written."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="updates")
    on = models.DateField(_("date"))
    implementation = models.CharField(
        _("implementation"), max_length=16, choices=Implementation.choices
    )
    progress = models.PositiveSmallIntegerField(_("progress, %"))
    text = models.TextField(_("what was done"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="update_progress_percent", condition=models.Q(progress__lte=100)
            ),
            models.CheckConstraint(
                name="update_implementation_known",
                condition=models.Q(implementation__in=Implementation.values),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.on} {self.progress}%"
