"""Requests for information (as on Alaveteli / WhatDoTheyKnow): a resident asks a body for
information it holds; the body's staff answer in a public thread, with documents.

The clock follows the law on access to information the request was filed under (`AccessLaw`,
one row per law, editable by administrators; the default is the Law of the Republic of
Kazakhstan "On access to information", see docs/information-requests.md). Every date of the
clock is computed by the actions and stored, so lists can be filtered and sorted in the
database. "Overdue" and "very overdue" are never stored: they follow from the stored dates and
today's date (`InformationRequest.status_on`)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.utils.translation import gettext_lazy as _

from esep.core.i18n import pick

from ..files import ACCEPTED_TYPES, MAX_FILE_BYTES
from .appeals import MAX_TEXT, StoredFile

MAX_TITLE = 200
MAX_TERM_DAYS = 366

models.CharField.register_lookup(Length)


class DayKind(models.TextChoices):
    CALENDAR = "calendar", _("calendar days")
    WORKING = "working", _("working days")


class AccessLaw(models.Model):
    """A law that sets the terms of answering a request for information. A term ending on a
    day off ends on the next working day. Once a request uses a law its terms are frozen: a
    changed law is a new row, made the default."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    title_kk = models.CharField(_("title in Kazakh"), max_length=300)
    title_ru = models.CharField(_("title in Russian"), max_length=300)
    title_en = models.CharField(_("title in English"), max_length=300)
    citation = models.CharField(_("citation"), max_length=500)
    article = models.CharField(_("article"), max_length=100)
    response_days = models.PositiveSmallIntegerField(_("days to answer"))
    day_kind = models.CharField(_("days counted"), max_length=8, choices=DayKind.choices)
    extension_days = models.PositiveSmallIntegerField(_("days of extension"))
    notice_days = models.PositiveSmallIntegerField(_("days to tell the requester of an extension"))
    very_overdue_days = models.PositiveSmallIntegerField(
        _("days after the deadline until very overdue")
    )
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    is_default = models.BooleanField(_("applies to new requests"), default=False)

    class Meta:
        verbose_name = _("law on access to information")
        verbose_name_plural = _("laws on access to information")
        ordering = ["-is_default", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="access_law_one_default"
            ),
            models.CheckConstraint(
                name="access_law_day_kind_known", condition=Q(day_kind__in=DayKind.values)
            ),
            models.CheckConstraint(
                name="access_law_terms_in_range",
                condition=Q(
                    response_days__gte=1,
                    response_days__lte=MAX_TERM_DAYS,
                    extension_days__lte=MAX_TERM_DAYS,
                    notice_days__lte=MAX_TERM_DAYS,
                    very_overdue_days__gte=1,
                    very_overdue_days__lte=MAX_TERM_DAYS,
                ),
            ),
            models.CheckConstraint(
                name="access_law_named",
                condition=~Q(code="") & ~Q(title_en="") & ~Q(citation="") & ~Q(article=""),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return pick(self, "title")

    def term_end(self, start: date, days: int, calendar: Any) -> date:
        """The last day of a term of `days` of this law's kind counted after `start` (which is
        not counted); a last day that is a day off moves to the next working day."""
        if self.day_kind == DayKind.WORKING:
            return calendar.add_working_days(start, days)
        return calendar.next_working_day(start + timedelta(days=days))


class RequestState(models.TextChoices):
    """Alaveteli's states of a request. "Overdue" and "very overdue" are not states: see
    `DisplayStatus`."""

    WAITING_RESPONSE = "waiting_response", _("Awaiting response")
    WAITING_CLARIFICATION = "waiting_clarification", _("Awaiting clarification")
    SUCCESSFUL = "successful", _("Successful")
    PARTIALLY_SUCCESSFUL = "partially_successful", _("Partially successful")
    NOT_HELD = "not_held", _("Information not held")
    REJECTED = "rejected", _("Refused")
    INTERNAL_REVIEW = "internal_review", _("Awaiting internal review")
    WITHDRAWN = "withdrawn", _("Withdrawn by the requester")


class DisplayStatus(models.TextChoices):
    """What a request shows: its state, or, while the body owes an answer past the deadline,
    overdue (and very overdue after the law's further period)."""

    WAITING_RESPONSE = RequestState.WAITING_RESPONSE.value, RequestState.WAITING_RESPONSE.label
    WAITING_CLARIFICATION = (
        RequestState.WAITING_CLARIFICATION.value,
        RequestState.WAITING_CLARIFICATION.label,
    )
    SUCCESSFUL = RequestState.SUCCESSFUL.value, RequestState.SUCCESSFUL.label
    PARTIALLY_SUCCESSFUL = (
        RequestState.PARTIALLY_SUCCESSFUL.value,
        RequestState.PARTIALLY_SUCCESSFUL.label,
    )
    NOT_HELD = RequestState.NOT_HELD.value, RequestState.NOT_HELD.label
    REJECTED = RequestState.REJECTED.value, RequestState.REJECTED.label
    INTERNAL_REVIEW = RequestState.INTERNAL_REVIEW.value, RequestState.INTERNAL_REVIEW.label
    WITHDRAWN = RequestState.WITHDRAWN.value, RequestState.WITHDRAWN.label
    OVERDUE = "overdue", _("Overdue")
    VERY_OVERDUE = "very_overdue", _("Very overdue")


# The body owes an answer (the clock runs and can be overdue).
AWAITING_STATES = (RequestState.WAITING_RESPONSE, RequestState.INTERNAL_REVIEW)
# Still open: the body or the requester has something to do.
OPEN_STATES = (*AWAITING_STATES, RequestState.WAITING_CLARIFICATION)
# What an answer (or the requester's classification of it) says.
OUTCOME_STATES = (
    RequestState.SUCCESSFUL,
    RequestState.PARTIALLY_SUCCESSFUL,
    RequestState.NOT_HELD,
    RequestState.REJECTED,
)


class InformationRequest(models.Model):
    """One request for information to a body. Public by default, never with the requester's
    name or email: pages and the API show "a resident"."""

    body = models.ForeignKey(
        "territory.Body", verbose_name=_("body"), on_delete=models.PROTECT, related_name="+"
    )
    law = models.ForeignKey(
        AccessLaw, verbose_name=_("law"), on_delete=models.PROTECT, related_name="requests"
    )
    title = models.CharField(_("title"), max_length=MAX_TITLE)
    text = models.TextField(_("text"))
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requester"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="information_requests",
    )
    language = models.CharField(_("language"), max_length=8, default="kk")
    state = models.CharField(_("state"), max_length=24, choices=RequestState.choices)

    # The clock. The current term counts from `term_started_on`: the day the request was sent,
    # the day the requester clarified it, or the day an internal review was asked.
    sent_at = models.DateTimeField(_("sent"))
    sent_on = models.DateField(_("sent on"))
    term_started_on = models.DateField(_("term counted from"))
    due_on = models.DateField(_("answer due"))
    extended_on = models.DateField(_("extended on"), null=True, blank=True)
    extended_due_on = models.DateField(_("extended deadline"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    deadline = models.DateField(_("deadline"))
    very_overdue_after = models.DateField(_("very overdue after"))
    answered_at = models.DateTimeField(_("first answered"), null=True, blank=True)
    on_time = models.BooleanField(_("first answer on time"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"))

    # Publication: public unless staff or a moderator hid it (personal data in it).
    is_public = models.BooleanField(_("public"), default=True)
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_reason = models.TextField(_("why it is hidden"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("request for information")
        verbose_name_plural = _("requests for information")
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(fields=["is_public", "sent_at"], name="inforeq_public_sent"),
            models.Index(fields=["state", "deadline"], name="inforeq_state_deadline"),
            models.Index(fields=["body", "state", "deadline"], name="inforeq_body_state"),
            models.Index(fields=["requester", "sent_at"], name="inforeq_requester_sent"),
        ]
        constraints = [
            models.CheckConstraint(
                name="inforeq_state_known", condition=Q(state__in=RequestState.values)
            ),
            models.CheckConstraint(
                name="inforeq_title_length",
                condition=Q(title__length__gte=1, title__length__lte=MAX_TITLE),
            ),
            models.CheckConstraint(
                name="inforeq_text_length",
                condition=Q(text__length__gte=1, text__length__lte=MAX_TEXT),
            ),
            models.CheckConstraint(
                name="inforeq_clock_in_order",
                condition=Q(
                    term_started_on__gte=F("sent_on"),
                    due_on__gt=F("term_started_on"),
                    very_overdue_after__gt=F("deadline"),
                ),
            ),
            # The deadline is the extended one if there is one, else the original.
            models.CheckConstraint(
                name="inforeq_deadline_derived",
                condition=(
                    Q(
                        extended_on__isnull=True,
                        extended_due_on__isnull=True,
                        extension_reason="",
                        deadline=F("due_on"),
                    )
                    | (
                        Q(
                            extended_on__isnull=False,
                            extended_due_on__gt=F("due_on"),
                            deadline=F("extended_due_on"),
                        )
                        & ~Q(extension_reason="")
                    )
                ),
            ),
            # Answered states have a first answer; states before any answer have none.
            models.CheckConstraint(
                name="inforeq_answer_matches_state",
                condition=(
                    Q(
                        state__in=[*OUTCOME_STATES, RequestState.INTERNAL_REVIEW],
                        answered_at__isnull=False,
                        on_time__isnull=False,
                    )
                    | Q(
                        state__in=[
                            RequestState.WAITING_RESPONSE,
                            RequestState.WAITING_CLARIFICATION,
                        ],
                        answered_at__isnull=True,
                        on_time__isnull=True,
                    )
                    | Q(
                        state=RequestState.WITHDRAWN,
                        answered_at__isnull=True,
                        on_time__isnull=True,
                    )
                    | Q(
                        state=RequestState.WITHDRAWN,
                        answered_at__isnull=False,
                        on_time__isnull=False,
                    )
                ),
            ),
            models.CheckConstraint(
                name="inforeq_withdrawn_dated",
                condition=Q(state=RequestState.WITHDRAWN, withdrawn_at__isnull=False)
                | (~Q(state=RequestState.WITHDRAWN) & Q(withdrawn_at__isnull=True)),
            ),
            models.CheckConstraint(
                name="inforeq_hidden_explained",
                condition=Q(is_public=True, hidden_at__isnull=True, hidden_reason="")
                | (Q(is_public=False, hidden_at__isnull=False) & ~Q(hidden_reason="")),
            ),
        ]

    def __str__(self) -> str:
        return f"№{self.pk} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_awaiting(self) -> bool:
        return self.state in AWAITING_STATES

    def status_on(self, day: date) -> str:
        """The state, or overdue / very overdue while the body owes an answer past the
        deadline (on the days after `deadline`, after `very_overdue_after`)."""
        if self.state in AWAITING_STATES:
            if day > self.very_overdue_after:
                return DisplayStatus.VERY_OVERDUE
            if day > self.deadline:
                return DisplayStatus.OVERDUE
        return self.state

    @property
    def status(self) -> str:
        from ..clock import today

        return self.status_on(today())

    @property
    def status_label(self) -> str:
        return DisplayStatus(self.status).label

    def role_matches(self, role: Any) -> bool:
        """Which roles act for this request in the audit trail: staff of its body, moderators
        of its body's unit (or above)."""
        from esep.accounts.models import BODY_ROLES, UNIT_ROLES

        if role.kind in BODY_ROLES:
            return role.body_id == self.body_id
        if role.kind in UNIT_ROLES and role.unit is not None:
            return role.unit.covers(self.body.unit)
        return False


class Direction(models.TextChoices):
    TO_BODY = "to_body", _("To the body")
    FROM_BODY = "from_body", _("From the body")


class MessageKind(models.TextChoices):
    REQUEST = "request", _("Request")
    CLARIFICATION_ASKED = "clarification_asked", _("Asked for a clarification")
    CLARIFICATION = "clarification", _("Clarification")
    EXTENDED = "extended", _("Extended the term")
    ANSWER = "answer", _("Answer")
    REVIEW_REQUESTED = "review_requested", _("Asked for an internal review")
    CLASSIFIED = "classified", _("Classified the outcome")
    WITHDRAWN = "withdrawn", _("Withdrew the request")


TO_BODY_KINDS = (
    MessageKind.REQUEST,
    MessageKind.CLARIFICATION,
    MessageKind.REVIEW_REQUESTED,
    MessageKind.CLASSIFIED,
    MessageKind.WITHDRAWN,
)
FROM_BODY_KINDS = (MessageKind.CLARIFICATION_ASKED, MessageKind.EXTENDED, MessageKind.ANSWER)
# Kinds whose text may be empty (the state says it all).
TEXT_OPTIONAL_KINDS = (MessageKind.CLASSIFIED, MessageKind.WITHDRAWN)


class InformationMessage(models.Model):
    """One message of the public thread of a request, in order: the request itself, the
    body's answers and questions, the requester's clarifications and classifications. The
    author is kept for the audit, never shown: the thread names the body, or "the requester"."""

    request = models.ForeignKey(
        InformationRequest, on_delete=models.CASCADE, related_name="messages"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=MessageKind.choices)
    direction = models.CharField(_("direction"), max_length=12, choices=Direction.choices)
    text = models.TextField(_("text"), blank=True)
    at = models.DateTimeField(_("when"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state_after = models.CharField(_("state after"), max_length=24, choices=RequestState.choices)

    class Meta:
        verbose_name = _("message of a request for information")
        verbose_name_plural = _("messages of requests for information")
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                name="inforeq_message_kind_known", condition=Q(kind__in=MessageKind.values)
            ),
            models.CheckConstraint(
                name="inforeq_message_direction_matches_kind",
                condition=Q(kind__in=TO_BODY_KINDS, direction=Direction.TO_BODY)
                | Q(kind__in=FROM_BODY_KINDS, direction=Direction.FROM_BODY),
            ),
            models.CheckConstraint(
                name="inforeq_message_state_known",
                condition=Q(state_after__in=RequestState.values),
            ),
            models.CheckConstraint(
                name="inforeq_message_text_length",
                condition=Q(text__length__lte=MAX_TEXT)
                & (Q(kind__in=TEXT_OPTIONAL_KINDS) | Q(text__length__gte=1)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request_id}:{self.kind}"

    @property
    def from_body(self) -> bool:
        return self.direction == Direction.FROM_BODY


class InformationFile(StoredFile):
    """A document of an answer (PDF, JPEG or PNG up to 5 MB), public with its request."""

    message = models.ForeignKey(InformationMessage, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to="information/%Y/%m/")

    class Meta:
        verbose_name = _("document of an answer to a request for information")
        verbose_name_plural = _("documents of answers to requests for information")
        ordering = ["message", "id"]
        constraints = [
            models.CheckConstraint(
                name="inforeq_file_type_accepted", condition=Q(content_type__in=ACCEPTED_TYPES)
            ),
            models.CheckConstraint(
                name="inforeq_file_size", condition=Q(size__gt=0, size__lte=MAX_FILE_BYTES)
            ),
            models.CheckConstraint(name="inforeq_file_named", condition=~Q(name="")),
        ]

    def __str__(self) -> str:
        return self.name
