"""Citizen appeals and their legal clock.

The clock (Administrative Procedural Code, see docs/appeals.md): an appeal is decided within 15
working days of its receipt by the body; a body may extend that once, by a reasoned decision,
to at most two months from receipt, telling the applicant within 3 working days; an appeal
outside the body's competence is forwarded within 3 working days. Every date of the clock is
computed by the actions from the working-day calendar and stored, so lists can be sorted and
counted in the database; nobody types a deadline."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.utils.translation import gettext_lazy as _

from .categories import Category
from .clients import ApiClient

ANSWER_WORKING_DAYS = 15
FORWARD_WORKING_DAYS = 3
EXTENSION_MONTHS = 2
NOTICE_WORKING_DAYS = 3
MAX_TEXT = 10_000

models.TextField.register_lookup(Length)


class AppealKind(models.TextChoices):
    STATEMENT = "statement", _("Statement")
    COMPLAINT = "complaint", _("Complaint")
    PROPOSAL = "proposal", _("Proposal")
    REQUEST = "request", _("Request")


class AppealStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    IN_PROGRESS = "in_progress", _("In progress")
    ANSWERED = "answered", _("Answered")
    LEFT = "left", _("Left without consideration")
    FORWARDED_OUT = "forwarded_out", _("Forwarded to an organisation outside esep")


OPEN_STATUSES = (AppealStatus.REGISTERED, AppealStatus.IN_PROGRESS)
CLOSED_STATUSES = (AppealStatus.ANSWERED, AppealStatus.LEFT, AppealStatus.FORWARDED_OUT)
DECIDED_STATUSES = (AppealStatus.ANSWERED, AppealStatus.LEFT)


class LeaveReason(models.TextChoices):
    """Legal grounds to leave an appeal without consideration."""

    ANONYMOUS = "anonymous", _("The applicant gave no name or no address for the answer")
    REPEATED = "repeated", _("It repeats an appeal already answered, with no new arguments")
    COURT = "court", _("The matter has been decided by a court or is before a court")
    NO_SUBSTANCE = "no_substance", _("The text cannot be read or asks nothing")
    WITHDRAWN = "withdrawn", _("The applicant withdrew the appeal")
    OFFENSIVE = "offensive", _("It contains obscene or offensive language")


class Channel(models.TextChoices):
    WEB = "web", _("esep website")
    OPEN311 = "open311", _("Open311 application")


class Appeal(models.Model):
    """One appeal of a resident to a body about a place."""

    kind = models.CharField(_("kind"), max_length=12, choices=AppealKind.choices)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "territory.Unit", verbose_name=_("place"), on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    text = models.TextField(_("text"))
    attributes = models.JSONField(_("answers to the category's questions"), default=dict)

    # Who wrote it: private, never published.
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appeals",
    )
    applicant_name = models.CharField(_("applicant's name"), max_length=150)
    applicant_email = models.EmailField(_("applicant's email"))
    applicant_phone = models.CharField(_("applicant's phone"), max_length=40, blank=True)
    language = models.CharField(_("language"), max_length=8, default="kk")
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    client = models.ForeignKey(
        ApiClient, null=True, blank=True, on_delete=models.PROTECT, related_name="appeals"
    )
    source_hash = models.CharField(max_length=64, blank=True, editable=False)

    # Publication: only with consent, and only the text staff have cleared of personal data.
    consent_public = models.BooleanField(_("may be published"), default=False)
    public_text = models.TextField(_("public text"), blank=True)
    is_public = models.BooleanField(_("public"), default=False)

    # Who answers, and the clock.
    body = models.ForeignKey(
        "territory.Body", verbose_name=_("body"), on_delete=models.PROTECT, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=16, choices=AppealStatus.choices)
    filed_at = models.DateTimeField(_("filed"))
    updated_at = models.DateTimeField(_("updated"))
    received_on = models.DateField(_("received by the body"))
    due_on = models.DateField(_("answer due"))
    forward_due_on = models.DateField(_("forwarding due"))
    extended_on = models.DateField(_("extended on"), null=True, blank=True)
    extended_due_on = models.DateField(_("extended deadline"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    deadline = models.DateField(_("deadline"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    on_time = models.BooleanField(_("on time"), null=True, blank=True)
    working_days = models.PositiveSmallIntegerField(_("working days taken"), null=True, blank=True)
    answer_text = models.TextField(_("answer"), blank=True)
    leave_reason = models.CharField(
        _("legal ground"), max_length=16, choices=LeaveReason.choices, blank=True
    )
    forwarded_to = models.CharField(_("forwarded to"), max_length=300, blank=True)

    # The applicant's judgement, and a complaint to the body above.
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.TextField(_("comment on the answer"), blank=True)
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("complaint about"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    token = models.CharField(max_length=32, unique=True, editable=False)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-filed_at", "-id"]
        indexes = [
            models.Index(
                fields=["body", "deadline"],
                condition=Q(closed_on__isnull=True),
                name="appeal_open_by_deadline",
            ),
            models.Index(
                fields=["body", "status", "closed_on", "on_time", "working_days", "rating"],
                name="appeal_body_figures",
            ),
            models.Index(fields=["filed_at"], name="appeal_filed"),
            models.Index(fields=["updated_at"], name="appeal_updated"),
            models.Index(fields=["unit", "filed_at"], name="appeal_unit_filed"),
            models.Index(fields=["source_hash", "filed_at"], name="appeal_source_filed"),
        ]
        constraints = [
            models.CheckConstraint(
                name="appeal_kind_known", condition=Q(kind__in=AppealKind.values)
            ),
            models.CheckConstraint(
                name="appeal_status_known", condition=Q(status__in=AppealStatus.values)
            ),
            models.CheckConstraint(
                name="appeal_channel_known", condition=Q(channel__in=Channel.values)
            ),
            models.CheckConstraint(
                name="appeal_leave_reason_known",
                condition=Q(leave_reason="") | Q(leave_reason__in=LeaveReason.values),
            ),
            models.CheckConstraint(
                name="appeal_text_length",
                condition=Q(text__length__gte=1, text__length__lte=MAX_TEXT),
            ),
            models.CheckConstraint(
                name="appeal_clock_in_order",
                condition=Q(due_on__gt=F("received_on"), forward_due_on__gt=F("received_on")),
            ),
            # The deadline is the extended one if there is one, else the original.
            models.CheckConstraint(
                name="appeal_deadline_derived",
                condition=(
                    Q(extended_due_on__isnull=True, extended_on__isnull=True, deadline=F("due_on"))
                    | Q(
                        extended_due_on__gt=F("due_on"),
                        extended_on__isnull=False,
                        deadline=F("extended_due_on"),
                    )
                    & ~Q(extension_reason="")
                ),
            ),
            # Open appeals have no outcome; closed ones have all of it.
            models.CheckConstraint(
                name="appeal_outcome_matches_status",
                condition=(
                    Q(
                        status__in=OPEN_STATUSES,
                        closed_at__isnull=True,
                        closed_on__isnull=True,
                        on_time__isnull=True,
                        working_days__isnull=True,
                        rating__isnull=True,
                    )
                    | Q(
                        status__in=CLOSED_STATUSES,
                        closed_at__isnull=False,
                        closed_on__isnull=False,
                        on_time__isnull=False,
                        working_days__isnull=False,
                    )
                ),
            ),
            models.CheckConstraint(
                name="appeal_answer_given",
                condition=~Q(status=AppealStatus.ANSWERED) | ~Q(answer_text=""),
            ),
            models.CheckConstraint(
                name="appeal_leave_reason_given",
                condition=Q(status=AppealStatus.LEFT, leave_reason__in=LeaveReason.values)
                | (~Q(status=AppealStatus.LEFT) & Q(leave_reason="")),
            ),
            models.CheckConstraint(
                name="appeal_forwarded_out_named",
                condition=~Q(status=AppealStatus.FORWARDED_OUT) | ~Q(forwarded_to=""),
            ),
            models.CheckConstraint(
                name="appeal_rating_range",
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
            ),
            models.CheckConstraint(
                name="appeal_place_pair",
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
            ),
            models.CheckConstraint(
                name="appeal_public_needs_consent",
                condition=Q(is_public=False) | (Q(consent_public=True) & ~Q(public_text="")),
            ),
            # One complaint to the body above per appeal.
            models.UniqueConstraint(
                fields=["parent"], condition=Q(parent__isnull=False), name="appeal_one_complaint"
            ),
            models.CheckConstraint(name="appeal_not_own_parent", condition=~Q(parent=F("id"))),
            models.CheckConstraint(
                name="appeal_open311_has_client",
                condition=~Q(channel=Channel.OPEN311) | Q(client__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"№{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def number(self) -> str:
        return f"{self.pk}"


class StepKind(models.TextChoices):
    FILED = "filed", _("Filed")
    ASSIGNED = "assigned", _("Assigned")
    FORWARDED = "forwarded", _("Forwarded")
    EXTENDED = "extended", _("Deadline extended")
    ANSWERED = "answered", _("Answered")
    LEFT = "left", _("Left without consideration")
    FORWARDED_OUT = "forwarded_out", _("Forwarded outside esep")
    PUBLISHED = "published", _("Published")
    UNPUBLISHED = "unpublished", _("Withdrawn from publication")
    RATED = "rated", _("Rated by the applicant")
    COMPLAINED = "complained", _("Complaint to the body above")


class AppealStep(models.Model):
    """One step in an appeal's life, in order. `from_body`/`to_body` are set for forwarding;
    `on_time` says whether a forwarding or a decision kept the legal term."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("step"), max_length=16, choices=StepKind.choices)
    at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_body = models.ForeignKey(
        "territory.Body", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_body = models.ForeignKey(
        "territory.Body", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    on_time = models.BooleanField(_("on time"), null=True, blank=True)

    class Meta:
        verbose_name = _("step of an appeal")
        verbose_name_plural = _("steps of appeals")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["from_body", "kind"], name="step_from_body"),
            models.Index(fields=["at"], name="step_at"),
        ]
        constraints = [
            models.CheckConstraint(name="step_kind_known", condition=Q(kind__in=StepKind.values)),
            models.CheckConstraint(
                name="step_forward_names_bodies",
                condition=~Q(kind=StepKind.FORWARDED)
                | Q(from_body__isnull=False, to_body__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.appeal_id}:{self.kind}"


class FileRole(models.TextChoices):
    APPLICANT = "applicant", _("Attached by the applicant")
    ANSWER = "answer", _("Answer document")


class StoredFile(models.Model):
    """What esep keeps of every uploaded file (checked by `esep.accountability.files`)."""

    file = models.FileField(_("file"), upload_to="files/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        abstract = True


class AppealFile(StoredFile):
    """A file attached to an appeal or to its answer. Applicants' files are never public."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="files")
    role = models.CharField(_("role"), max_length=10, choices=FileRole.choices)
    file = models.FileField(_("file"), upload_to="appeals/%Y/%m/")

    class Meta:
        verbose_name = _("file of an appeal")
        verbose_name_plural = _("files of appeals")
        ordering = ["appeal", "id"]
        constraints = [
            models.CheckConstraint(name="file_role_known", condition=Q(role__in=FileRole.values)),
            models.CheckConstraint(name="file_not_empty", condition=Q(size__gt=0)),
        ]

    def __str__(self) -> str:
        return self.name
