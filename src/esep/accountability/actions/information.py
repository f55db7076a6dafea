"""Requests for information: filing, the body's steps (answer, ask for a clarification,
extend), the requester's steps (clarify, ask for an internal review, classify the outcome,
withdraw), hiding a request that holds personal data, and the laws whose terms the clock
follows. Each is one transaction with one audit entry; the requester is emailed once it is
committed.

The clock (docs/information-requests.md): the term counts from the day the request is sent;
a requester's clarification starts it again (as Alaveteli does), an internal review starts a
new term of the same length; one extension, before the term ends, adds the law's extension
days to it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from esep.core.actions import ActionRefused, Actor, action
from esep.core.calendar import WorkingCalendar
from esep.territory.models import Body, BodyKind

from .. import clock
from ..files import Upload, check_uploads, discard_files, store_file
from ..models import (
    AccessLaw,
    DayKind,
    Direction,
    InformationFile,
    InformationMessage,
    InformationRequest,
    MessageKind,
    RequestState,
)
from ..models.appeals import MAX_TEXT
from ..models.information import (
    AWAITING_STATES,
    MAX_TERM_DAYS,
    MAX_TITLE,
    OPEN_STATES,
    OUTCOME_STATES,
)
from .appeals import RateLimited

# Bodies that answer requests on esep: those with staff accounts (akimat editors, maslikhat
# staff). Other bodies are asked through their own channels.
ANSWERING_KINDS = (BodyKind.AKIMAT, BodyKind.MASLIKHAT)

# The Law of the Republic of Kazakhstan of 16 November 2015 No. 401-V "On access to
# information", Article 11 (see docs/information-requests.md for what is still to verify).
STATUTORY_LAW: dict[str, Any] = {
    "code": "kz-401-v-art-11",
    "title_kk": "«Ақпаратқа қол жеткізу туралы» Қазақстан Республикасының Заңы",
    "title_ru": "Закон Республики Казахстан «О доступе к информации»",
    "title_en": "Law of the Republic of Kazakhstan “On access to information”",
    "citation": "No. 401-V of 16 November 2015",
    "article": "Article 11",
    "response_days": 15,
    "day_kind": DayKind.CALENDAR,
    "extension_days": 15,
    "notice_days": 2,
    "very_overdue_days": 15,
    "source_url": "https://adilet.zan.kz/rus/docs/Z1500000401",
}
LAW_TERM_FIELDS = (
    "response_days",
    "day_kind",
    "extension_days",
    "notice_days",
    "very_overdue_days",
)
LAW_TEXT_FIELDS = ("title_kk", "title_ru", "title_en", "citation", "article", "source_url")


# ---------------------------------------------------------------- helpers


def _per_hour() -> int:
    return int(getattr(settings, "ESEP_INFORMATION_REQUESTS_PER_HOUR_ACCOUNT", 5))


def _text(
    value: Any,
    field: str,
    errors: dict[str, list[str]],
    *,
    limit: int = MAX_TEXT,
    required: bool = True,
) -> str:
    value = str(value or "").strip()
    if required and not value:
        errors.setdefault(field, []).append(_("This field is required."))
    elif len(value) > limit:
        errors.setdefault(field, []).append(
            _("At most %(limit)d characters (this text has %(count)d).")
            % {"limit": limit, "count": len(value)}
        )
    return value


def _checked(**fields: tuple[Any, bool]) -> dict[str, str]:
    """Check several texts (value, required) at once; every problem in one ValidationError."""
    errors: dict[str, list[str]] = {}
    clean = {
        name: _text(value, name, errors, required=required)
        for name, (value, required) in fields.items()
    }
    if errors:
        raise ValidationError(errors)
    return clean


def _outcome(value: Any) -> str:
    if value not in OUTCOME_STATES:
        raise ValidationError({"outcome": [_("Choose what the answer gives from the list.")]})
    return str(value)


def _refuse_unless(actor: Actor, permission: str, obj: Any) -> None:
    if not actor.may(permission, obj):
        raise ActionRefused(_("You are not allowed to do this here."))


def _locked(info_request: InformationRequest) -> InformationRequest:
    return (
        InformationRequest.objects.select_for_update()
        .select_related("law", "body__unit")
        .get(pk=info_request.pk)
    )


def _require_state(info_request: InformationRequest, states: Sequence[str]) -> None:
    if info_request.state not in states:
        raise ValidationError(
            _("This cannot be done while the request is in the state “%(state)s”.")
            % {"state": RequestState(info_request.state).label},
            code="state",
        )


def _message(
    info_request: InformationRequest, kind: str, actor: Actor, text: str = ""
) -> InformationMessage:
    direction = (
        Direction.FROM_BODY
        if kind in (MessageKind.CLARIFICATION_ASKED, MessageKind.EXTENDED, MessageKind.ANSWER)
        else Direction.TO_BODY
    )
    return InformationMessage.objects.create(
        request=info_request,
        kind=kind,
        direction=direction,
        text=text,
        at=info_request.updated_at,
        author=actor.user,
        state_after=info_request.state,
    )


def _store(message: InformationMessage, uploads: Sequence[Upload], stored: list) -> None:
    for upload in uploads:
        store_file(InformationFile(message=message), upload, stored)


def start_term(
    info_request: InformationRequest, start: date, calendar: WorkingCalendar, *, extended: bool
) -> None:
    """Set the dates of a term counted from `start` (with the extension if `extended`)."""
    law = info_request.law
    info_request.term_started_on = start
    info_request.due_on = law.term_end(start, law.response_days, calendar)
    if extended:
        info_request.extended_due_on = law.term_end(
            info_request.due_on, law.extension_days, calendar
        )
        info_request.deadline = info_request.extended_due_on
    else:
        info_request.extended_on = None
        info_request.extended_due_on = None
        info_request.extension_reason = ""
        info_request.deadline = info_request.due_on
    info_request.very_overdue_after = law.term_end(
        info_request.deadline, law.very_overdue_days, calendar
    )


def _tell_requester(info_request: InformationRequest, subject: Any, note: str = "") -> None:
    """Email the requester, in the language they wrote in, once the transaction commits.
    `subject` is a lazy translation with a %(number)s placeholder."""
    user = info_request.requester
    if user is None or not user.email or info_request.is_demo:
        return
    language = info_request.language or settings.LANGUAGE_CODE

    def send() -> None:
        with translation.override(language):
            lines = [
                _("Request for information №%(number)s: %(title)s")
                % {"number": info_request.pk, "title": info_request.title},
                _("Body: %(body)s.") % {"body": info_request.body},
            ]
            if info_request.state in OPEN_STATES:
                lines.append(
                    _("Deadline: %(deadline)s.") % {"deadline": info_request.deadline.isoformat()}
                )
            if note:
                lines += ["", note]
            lines += ["", _("The whole thread is on esep, under “Requests for information”.")]
            send_mail(
                str(subject) % {"number": info_request.pk},
                "\n".join(lines),
                None,
                [user.email],
                fail_silently=True,
            )

    transaction.on_commit(send)


# ---------------------------------------------------------------- the requester


def file_information_request(
    actor: Actor, *, body: Body | None, title: str, text: str, is_demo: bool = False
) -> InformationRequest:
    """A signed-in resident asks `body` for information. Every problem is reported at once,
    as a ValidationError keyed by field; nothing is written. At most
    ESEP_INFORMATION_REQUESTS_PER_HOUR_ACCOUNT (5) requests an hour per account. Only the
    system (the demo build) marks a request as demo data."""
    if actor.user is None and not actor.system:
        raise ActionRefused(_("Sign in to ask for information."))
    if is_demo and not actor.system:
        raise ActionRefused(_("You are not allowed to do this here."))
    _refuse_unless(actor, "accountability.file_information_request", None)
    errors: dict[str, list[str]] = {}
    if not isinstance(body, Body):
        errors.setdefault("body", []).append(_("Choose the body from the list."))
    elif body.kind not in ANSWERING_KINDS or body.unit.valid_until is not None:
        errors.setdefault("body", []).append(
            _("%(body)s does not answer requests for information on esep.") % {"body": body}
        )
    title = _text(title, "title", errors, limit=MAX_TITLE)
    text = _text(text, "text", errors)
    law = AccessLaw.objects.filter(is_default=True).first()
    if law is None:
        errors.setdefault("body", []).append(
            _("No law on access to information is set up on esep yet.")
        )
    if errors:
        raise ValidationError(errors)
    with action("file_information_request", actor, None, body) as act:
        now = clock.now()
        if (
            actor.user is not None
            and not actor.system  # the demo build files for its invented resident
            and InformationRequest.objects.filter(
                requester=actor.user, sent_at__gt=now - timedelta(hours=1)
            ).count()
            >= _per_hour()
        ):
            raise RateLimited(
                _(
                    "You have sent %(count)d requests for information in the last hour. "
                    "Please try again later."
                )
                % {"count": _per_hour()},
                code="rate_limited",
            )
        today = timezone.localdate(now)
        info_request = InformationRequest(
            body=body,
            law=law,
            title=title,
            text=text,
            requester=actor.user,
            language=(get_language() or settings.LANGUAGE_CODE)[:8],
            state=RequestState.WAITING_RESPONSE,
            sent_at=now,
            sent_on=today,
            updated_at=now,
            is_demo=is_demo,
        )
        start_term(info_request, today, WorkingCalendar.load(), extended=False)
        info_request.save()
        _message(info_request, MessageKind.REQUEST, actor, text)
        act.record(info_request, body=body.pk, law=law.code, due_on=info_request.due_on.isoformat())
        _tell_requester(
            info_request, gettext_lazy("Your request for information №%(number)s is sent")
        )
    return info_request


def reply_clarification(
    actor: Actor, info_request: InformationRequest, *, text: str
) -> InformationRequest:
    """The requester clarifies the request as the body asked: the term starts again today."""
    _refuse_unless(actor, "accountability.act_as_requester", info_request)
    text = _checked(text=(text, True))["text"]
    with action("reply_clarification", actor, None, info_request) as act:
        info_request = _locked(info_request)
        _require_state(info_request, [RequestState.WAITING_CLARIFICATION])
        now = clock.now()
        info_request.state = RequestState.WAITING_RESPONSE
        info_request.updated_at = now
        start_term(
            info_request,
            timezone.localdate(now),
            WorkingCalendar.load(),
            extended=info_request.extended_on is not None,
        )
        info_request.save()
        _message(info_request, MessageKind.CLARIFICATION, actor, text)
        act.record(info_request, deadline=info_request.deadline.isoformat())
    return info_request


def request_internal_review(
    actor: Actor, info_request: InformationRequest, *, text: str
) -> InformationRequest:
    """After an answer, the requester asks the body to review it; the body owes a new answer
    within a new term of the law's length, counted from today."""
    _refuse_unless(actor, "accountability.act_as_requester", info_request)
    text = _checked(text=(text, True))["text"]
    with action("request_internal_review", actor, None, info_request) as act:
        info_request = _locked(info_request)
        _require_state(info_request, OUTCOME_STATES)
        now = clock.now()
        info_request.state = RequestState.INTERNAL_REVIEW
        info_request.updated_at = now
        start_term(info_request, timezone.localdate(now), WorkingCalendar.load(), extended=False)
        info_request.save()
        _message(info_request, MessageKind.REVIEW_REQUESTED, actor, text)
        act.record(info_request, deadline=info_request.deadline.isoformat())
    return info_request


def classify_information_request(
    actor: Actor, info_request: InformationRequest, *, outcome: str, comment: str = ""
) -> InformationRequest:
    """The requester says what the answer really gave them (Alaveteli lets the requester, not
    the body, have the last word on the outcome)."""
    _refuse_unless(actor, "accountability.act_as_requester", info_request)
    outcome = _outcome(outcome)
    comment = _checked(comment=(comment, False))["comment"]
    with action("classify_information_request", actor, None, info_request) as act:
        info_request = _locked(info_request)
        _require_state(info_request, OUTCOME_STATES)
        if info_request.state == outcome:
            raise ValidationError(
                {"outcome": [_("The request is already classified so.")]}, code="unchanged"
            )
        previous = info_request.state
        info_request.state = outcome
        info_request.updated_at = clock.now()
        info_request.save(update_fields=["state", "updated_at"])
        _message(info_request, MessageKind.CLASSIFIED, actor, comment)
        act.record(info_request, previous=previous, outcome=outcome)
    return info_request


def withdraw_information_request(
    actor: Actor, info_request: InformationRequest, *, reason: str = ""
) -> InformationRequest:
    """The requester no longer wants an answer (while one is still owed or a clarification
    is awaited)."""
    _refuse_unless(actor, "accountability.act_as_requester", info_request)
    reason = _checked(reason=(reason, False))["reason"]
    with action("withdraw_information_request", actor, None, info_request) as act:
        info_request = _locked(info_request)
        _require_state(info_request, OPEN_STATES)
        now = clock.now()
        info_request.state = RequestState.WITHDRAWN
        info_request.withdrawn_at = now
        info_request.updated_at = now
        info_request.save(update_fields=["state", "withdrawn_at", "updated_at"])
        _message(info_request, MessageKind.WITHDRAWN, actor, reason)
        act.record(info_request)
    return info_request


# ---------------------------------------------------------------- the body


def answer_information_request(
    actor: Actor,
    info_request: InformationRequest,
    *,
    text: str,
    outcome: str,
    files: Sequence[tuple[str, bytes, str]] = (),
) -> InformationRequest:
    """The body answers (text, and the signed documents): the information is given in full or
    in part, is not held by the body, or is refused."""
    _refuse_unless(actor, "accountability.answer_information_request", info_request)
    errors: dict[str, list[str]] = {}
    text = _text(text, "text", errors)
    if outcome not in OUTCOME_STATES:
        errors.setdefault("outcome", []).append(_("Choose what the answer gives from the list."))
    try:
        uploads = check_uploads(list(files))
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    stored: list[InformationFile] = []
    try:
        with action("answer_information_request", actor, None, info_request) as act:
            info_request = _locked(info_request)
            _require_state(info_request, OPEN_STATES)
            now = clock.now()
            if info_request.answered_at is None:
                info_request.answered_at = now
                info_request.on_time = (
                    info_request.state == RequestState.WAITING_CLARIFICATION
                    or timezone.localdate(now) <= info_request.deadline
                )
            info_request.state = outcome
            info_request.updated_at = now
            info_request.save()
            message = _message(info_request, MessageKind.ANSWER, actor, text)
            _store(message, uploads, stored)
            act.record(
                info_request, outcome=outcome, on_time=info_request.on_time, files=len(stored)
            )
            _tell_requester(
                info_request, gettext_lazy("Your request for information №%(number)s is answered")
            )
    except BaseException:
        discard_files(stored)
        raise
    return info_request


def ask_clarification(
    actor: Actor, info_request: InformationRequest, *, text: str
) -> InformationRequest:
    """The body cannot tell what is asked: it asks the requester, before the deadline. The
    clock stops until the requester answers, then starts again."""
    _refuse_unless(actor, "accountability.answer_information_request", info_request)
    text = _checked(text=(text, True))["text"]
    with action("ask_clarification", actor, None, info_request) as act:
        info_request = _locked(info_request)
        _require_state(info_request, [RequestState.WAITING_RESPONSE])
        if clock.today() > info_request.deadline:
            raise ValidationError(
                _("The term ended on %(date)s: answer the request instead.")
                % {"date": info_request.deadline.isoformat()},
                code="too_late",
            )
        info_request.state = RequestState.WAITING_CLARIFICATION
        info_request.updated_at = clock.now()
        info_request.save(update_fields=["state", "updated_at"])
        _message(info_request, MessageKind.CLARIFICATION_ASKED, actor, text)
        act.record(info_request)
        _tell_requester(
            info_request,
            gettext_lazy("The body asks you to clarify your request for information №%(number)s"),
            text,
        )
    return info_request


def extend_information_request(
    actor: Actor, info_request: InformationRequest, *, reason: str
) -> InformationRequest:
    """Extend the term once, with a reason, before it ends, by the law's extension days. The
    requester is told at once (the law allows a few days: `AccessLaw.notice_days`)."""
    _refuse_unless(actor, "accountability.answer_information_request", info_request)
    reason = _checked(reason=(reason, True))["reason"]
    with action("extend_information_request", actor, None, info_request) as act:
        info_request = _locked(info_request)
        _require_state(info_request, [RequestState.WAITING_RESPONSE])
        if info_request.extended_on is not None:
            raise ValidationError(
                _("The term of this request has already been extended once."), code="extended"
            )
        if info_request.law.extension_days == 0:
            raise ValidationError(
                _("%(law)s does not allow extending the term.") % {"law": info_request.law},
                code="no_extension",
            )
        today = clock.today()
        if today > info_request.due_on:
            raise ValidationError(
                _("The term ended on %(date)s; it can only be extended before it ends.")
                % {"date": info_request.due_on.isoformat()},
                code="too_late",
            )
        info_request.extended_on = today
        info_request.extension_reason = reason
        info_request.updated_at = clock.now()
        start_term(
            info_request, info_request.term_started_on, WorkingCalendar.load(), extended=True
        )
        info_request.save()
        _message(info_request, MessageKind.EXTENDED, actor, reason)
        act.record(info_request, extended_due_on=info_request.extended_due_on.isoformat())
        _tell_requester(
            info_request,
            gettext_lazy("The term of your request for information №%(number)s was extended"),
            reason,
        )
    return info_request


def hide_information_request(
    actor: Actor, info_request: InformationRequest, *, reason: str
) -> InformationRequest:
    """Take a request off the public pages and the API (it holds personal data, say). The
    requester, the body's staff and moderators still see it."""
    _refuse_unless(actor, "accountability.moderate_information_request", info_request)
    reason = _checked(reason=(reason, True))["reason"]
    with action("hide_information_request", actor, None, info_request) as act:
        info_request = _locked(info_request)
        if not info_request.is_public:
            raise ValidationError(_("This request is already hidden."), code="hidden")
        info_request.is_public = False
        info_request.hidden_reason = reason
        info_request.hidden_at = clock.now()
        info_request.save(update_fields=["is_public", "hidden_reason", "hidden_at"])
        act.record(info_request, reason=reason)
    return info_request


def unhide_information_request(
    actor: Actor, info_request: InformationRequest
) -> InformationRequest:
    _refuse_unless(actor, "accountability.moderate_information_request", info_request)
    with action("unhide_information_request", actor, None, info_request) as act:
        info_request = _locked(info_request)
        if info_request.is_public:
            raise ValidationError(_("This request is already public."), code="public")
        info_request.is_public = True
        info_request.hidden_reason = ""
        info_request.hidden_at = None
        info_request.save(update_fields=["is_public", "hidden_reason", "hidden_at"])
        act.record(info_request)
    return info_request


# ---------------------------------------------------------------- laws and the calendar


def load_access_laws(actor: Actor) -> int:
    """Add the statutory default law if it is missing (and make it the default if no law is).
    Returns how many laws were added. Safe to run again."""
    if not actor.may("accountability.manage_access_laws"):
        raise ActionRefused(_("You are not allowed to do this here."))
    if AccessLaw.objects.filter(code=STATUTORY_LAW["code"]).exists():
        return 0
    with action("load_access_laws", actor, "accountability.manage_access_laws") as act:
        law = AccessLaw.objects.create(
            **STATUTORY_LAW, is_default=not AccessLaw.objects.filter(is_default=True).exists()
        )
        act.record(law, code=law.code)
    return 1


def _law_errors(fields: dict[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name in ("title_en", "citation", "article"):
        if not str(fields.get(name) or "").strip():
            errors.setdefault(name, []).append(_("This field is required."))
    if "day_kind" in fields and fields["day_kind"] not in DayKind.values:
        errors.setdefault("day_kind", []).append(_("Choose calendar or working days."))
    bounds = {
        "response_days": 1,
        "extension_days": 0,
        "notice_days": 0,
        "very_overdue_days": 1,
    }
    for name, low in bounds.items():
        if name not in fields:
            continue
        value = fields[name]
        if isinstance(value, bool) or not isinstance(value, int):
            try:
                value = int(str(value))
            except ValueError:
                value = None
        if value is None or not low <= value <= MAX_TERM_DAYS:
            errors.setdefault(name, []).append(
                _("A whole number of days from %(low)d to %(high)d.")
                % {"low": low, "high": MAX_TERM_DAYS}
            )
        else:
            fields[name] = value
    return errors


def save_access_law(actor: Actor, *, law: AccessLaw | None = None, **fields: Any) -> AccessLaw:
    """Add a law (no `law`) or correct one. Its terms (days, their kind) can be changed only
    while no request uses it: a changed law is a new law, made the default."""
    unknown = set(fields) - {"code", *LAW_TERM_FIELDS, *LAW_TEXT_FIELDS}
    if unknown:
        raise ValidationError({name: [_("Unknown field.")] for name in sorted(unknown)})
    for name in ("code", *LAW_TEXT_FIELDS):
        if name in fields:
            fields[name] = str(fields[name] or "").strip()
    current = (
        {name: getattr(law, name) for name in ("code", *LAW_TERM_FIELDS, *LAW_TEXT_FIELDS)}
        if law is not None
        else {}
    )
    merged = {**current, **fields}
    errors = _law_errors(merged)
    if law is None:
        missing = [name for name in ("code", *LAW_TERM_FIELDS) if name not in merged]
        for name in missing:
            errors.setdefault(name, []).append(_("This field is required."))
    if (
        merged.get("code")
        and AccessLaw.objects.filter(code=merged["code"])
        .exclude(pk=getattr(law, "pk", None))
        .exists()
    ):
        errors.setdefault("code", []).append(_("Another law has this code."))
    if errors:
        raise ValidationError(errors)
    with action("save_access_law", actor, "accountability.manage_access_laws") as act:
        if law is not None:
            law = AccessLaw.objects.select_for_update().get(pk=law.pk)
            changed_terms = [n for n in LAW_TERM_FIELDS if merged[n] != getattr(law, n)]
            if changed_terms and law.requests.exists():
                raise ValidationError(
                    {
                        name: [
                            _(
                                "Requests already follow this law's terms: add a new law "
                                "and make it the default instead."
                            )
                        ]
                        for name in changed_terms
                    },
                    code="in_use",
                )
            for name, value in merged.items():
                setattr(law, name, value)
            law.save()
        else:
            law = AccessLaw.objects.create(**merged)
        act.record(law, **{name: str(merged[name]) for name in ("code", *LAW_TERM_FIELDS)})
    return law


def make_default_access_law(actor: Actor, law: AccessLaw) -> AccessLaw:
    """New requests follow `law` from now on; requests already sent keep theirs."""
    with action("make_default_access_law", actor, "accountability.manage_access_laws") as act:
        AccessLaw.objects.filter(is_default=True).exclude(pk=law.pk).update(is_default=False)
        law.is_default = True
        law.save(update_fields=["is_default"])
        act.record(law, code=law.code)
    return law


def recompute_open_information_deadlines(calendar: WorkingCalendar | None = None) -> int:
    """After the working-day calendar changed: compute the dates of every open request again
    (a term ending on a day off moves; working-day terms move with the calendar). Returns how
    many requests changed."""
    calendar = calendar or WorkingCalendar.load()
    fields = ["due_on", "extended_due_on", "deadline", "very_overdue_after"]
    changed = []
    for info_request in (
        InformationRequest.objects.filter(state__in=OPEN_STATES)
        .select_related("law")
        .only("id", "law", "term_started_on", "extended_on", "extension_reason", *fields)
        .iterator(chunk_size=2000)
    ):
        before = [getattr(info_request, name) for name in fields]
        start_term(
            info_request,
            info_request.term_started_on,
            calendar,
            extended=info_request.extended_on is not None,
        )
        if [getattr(info_request, name) for name in fields] != before:
            changed.append(info_request)
    InformationRequest.objects.bulk_update(changed, fields, batch_size=500)
    return len(changed)


__all__ = [
    "ANSWERING_KINDS",
    "AWAITING_STATES",
    "STATUTORY_LAW",
    "RateLimited",
    "answer_information_request",
    "ask_clarification",
    "classify_information_request",
    "extend_information_request",
    "file_information_request",
    "hide_information_request",
    "load_access_laws",
    "make_default_access_law",
    "recompute_open_information_deadlines",
    "reply_clarification",
    "request_internal_review",
    "save_access_law",
    "start_term",
    "unhide_information_request",
    "withdraw_information_request",
]
