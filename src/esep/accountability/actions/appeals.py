"""Appeals: filing, the body's steps (assign, forward, extend, answer, leave), publication, and
the applicant's rating and complaint. Each is one transaction with one audit entry; each tells
the applicant by email once committed."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from esep.core.actions import ActionRefused, Actor, action
from esep.core.calendar import WorkingCalendar
from esep.territory.models import Body, Unit

from .. import clock, notify
from ..files import Upload, check_uploads, discard_files, store_file
from ..models import (
    ApiClient,
    Appeal,
    AppealFile,
    AppealKind,
    AppealStatus,
    AppealStep,
    AttributeType,
    Category,
    FileRole,
    LeaveReason,
    StepKind,
)
from ..models.appeals import MAX_TEXT, OPEN_STATUSES, Channel
from ..routing import body_above, route

# Kazakhstan's extent, generously: coordinates outside it are a typo.
LATITUDES = (Decimal("40.0"), Decimal("56.0"))
LONGITUDES = (Decimal("46.0"), Decimal("88.0"))


class RateLimited(ValidationError):
    """Too many appeals from one account or one address in the last hour."""


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def source_hash(source: str) -> str:
    """A salted hash of where an appeal came from (IP address, or client and email): enough to
    count floods, useless to identify anyone."""
    return hashlib.sha256(f"{settings.SECRET_KEY}|appeal-source|{source}".encode()).hexdigest()


def _check_rate(applicant: Any, source: str) -> None:
    since = clock.now() - timedelta(hours=1)
    per_account = _limit("ESEP_APPEALS_PER_HOUR_ACCOUNT", 5)
    per_source = _limit("ESEP_APPEALS_PER_HOUR_SOURCE", 20)
    if (
        applicant is not None
        and Appeal.objects.filter(applicant=applicant, filed_at__gte=since).count() >= per_account
    ):
        raise RateLimited(
            _("You have filed %(count)d appeals in the last hour. Please try again later.")
            % {"count": per_account},
            code="rate_limited",
        )
    if source and Appeal.objects.filter(source_hash=source, filed_at__gte=since).count() >= (
        per_source
    ):
        raise RateLimited(
            _("Too many appeals came from your address in the last hour. Please try again later."),
            code="rate_limited",
        )


def _text(value: str, field: str, errors: dict[str, list[str]], *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        errors.setdefault(field, []).append(_("This field is required."))
    elif len(value) > MAX_TEXT:
        errors.setdefault(field, []).append(
            _("At most %(limit)d characters (this text has %(count)d).")
            % {"limit": MAX_TEXT, "count": len(value)}
        )
    return value


def _coordinate(value: Any, bounds: tuple[Decimal, Decimal]) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError from None
    if not number.is_finite() or not bounds[0] <= number <= bounds[1]:
        raise ValueError
    return number.quantize(Decimal("0.000001"))


def check_attributes(category: Category, values: dict[str, Any]) -> dict[str, Any]:
    """Check answers to the category's questions (Open311 attributes); return the clean ones."""
    errors: list[str] = []
    clean: dict[str, Any] = {}
    questions = {question.code: question for question in category.attributes.all()}
    for code in values:
        if code not in questions:
            errors.append(_("“%(code)s” is not a question of this category.") % {"code": code})
    for code, question in questions.items():
        raw = values.get(code)
        items = raw if isinstance(raw, list) else ([] if raw in (None, "") else [raw])
        items = [str(item).strip() for item in items if str(item).strip()]
        if not items:
            if question.required:
                errors.append(_("Answer “%(question)s”.") % {"question": question.description})
            continue
        keys = {value.get("key") for value in question.values}
        if question.datatype in (AttributeType.SINGLE, AttributeType.MULTI):
            unknown = [item for item in items if item not in keys]
            if unknown or (question.datatype == AttributeType.SINGLE and len(items) > 1):
                errors.append(
                    _("“%(value)s” is not an answer to “%(question)s”.")
                    % {"value": ", ".join(unknown or items), "question": question.description}
                )
                continue
            clean[code] = items if question.datatype == AttributeType.MULTI else items[0]
        elif question.datatype == AttributeType.NUMBER:
            try:
                number = Decimal(items[0])
                if not number.is_finite():
                    raise InvalidOperation
            except InvalidOperation:
                errors.append(
                    _("“%(question)s” needs a number.") % {"question": question.description}
                )
                continue
            clean[code] = str(number)
        else:
            clean[code] = items[0][:1000]
    if errors:
        raise ValidationError({"attributes": errors})
    return clean


def _store(appeal: Appeal, uploads: Sequence[Upload], role: str, stored: list[AppealFile]) -> None:
    for upload in uploads:
        store_file(AppealFile(appeal=appeal, role=role), upload, stored)


def _step(appeal: Appeal, kind: str, actor: Actor, **fields: Any) -> AppealStep:
    return AppealStep.objects.create(
        appeal=appeal, kind=kind, at=appeal.updated_at, actor=actor.user, **fields
    )


def file_appeal(
    actor: Actor,
    *,
    kind: str,
    category: Category | None,
    unit: Unit | None,
    text: str,
    applicant_name: str = "",
    applicant_email: str = "",
    applicant_phone: str = "",
    address: str = "",
    latitude: Any = None,
    longitude: Any = None,
    attributes: dict[str, Any] | None = None,
    files: Sequence[tuple[str, bytes, str]] = (),
    consent_public: bool = False,
    source: str = "",
    client: ApiClient | None = None,
    parent: Appeal | None = None,
    body: Body | None = None,
) -> Appeal:
    """A resident (signed in) or an Open311 client (with `client`) files an appeal. Every
    problem is reported at once, as a ValidationError keyed by field; nothing is written."""
    permission = None if client is not None else "accountability.file_appeal"
    if client is None and actor.user is None and not actor.system:
        raise ActionRefused(_("Sign in to file an appeal."))
    errors: dict[str, list[str]] = {}
    if kind not in AppealKind.values:
        errors.setdefault("kind", []).append(_("Choose the kind of appeal."))
    if category is None or not category.is_active:
        errors.setdefault("category", []).append(_("Choose a category from the list."))
    if unit is None:
        errors.setdefault("unit", []).append(_("Choose the place the appeal is about."))
    elif unit.valid_until is not None:
        errors.setdefault("unit", []).append(
            _("%(unit)s no longer exists; choose the place as it is now.") % {"unit": unit}
        )
    text = _text(text, "text", errors)
    address = (address or "").strip()[:300]
    try:
        lat = _coordinate(latitude, LATITUDES)
        lon = _coordinate(longitude, LONGITUDES)
        if (lat is None) != (lon is None):
            raise ValueError
    except ValueError:
        errors.setdefault("location", []).append(
            _("Give both latitude and longitude, as decimal degrees inside Kazakhstan.")
        )
        lat = lon = None
    user = actor.user if client is None else None
    if user is not None:
        applicant_name = applicant_name or user.full_name
        applicant_email = user.email
    applicant_name = (applicant_name or "").strip()[:150]
    applicant_email = (applicant_email or "").strip().lower()[:254]
    if not applicant_email:
        errors.setdefault("email", []).append(_("An email address is needed for the answer."))
    else:
        from django.core.validators import validate_email

        try:
            validate_email(applicant_email)
        except ValidationError:
            errors.setdefault("email", []).append(_("Enter a valid email address."))
    if not applicant_name:
        errors.setdefault("name", []).append(
            _("Give your name: anonymous appeals are not considered.")
        )
    uploads: list[Upload] = []
    clean_attributes: dict[str, Any] = {}
    for check in (
        lambda: check_uploads(list(files)),
        lambda: check_attributes(category, attributes or {}) if category is not None else {},
    ):
        try:
            result = check()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(field, []).extend(messages)
        else:
            if isinstance(result, dict):
                clean_attributes = result
            else:
                uploads = result
    if body is None and category is not None and unit is not None and not errors:
        body = route(category, unit)
        if body is None:
            errors.setdefault("unit", []).append(
                _("No body on esep answers appeals about %(unit)s yet.") % {"unit": unit}
            )
    if errors:
        raise ValidationError(errors)
    hashed = source_hash(source) if source else ""
    stored: list[AppealFile] = []
    try:
        with action("file_appeal", actor, permission, unit) as act:
            _check_rate(user, hashed)
            calendar = WorkingCalendar.load()
            now = clock.now()
            appeal = Appeal(
                kind=kind,
                category=category,
                unit=unit,
                address=address,
                latitude=lat,
                longitude=lon,
                text=text,
                attributes=clean_attributes,
                applicant=user,
                applicant_name=applicant_name,
                applicant_email=applicant_email,
                applicant_phone=(applicant_phone or "").strip()[:40],
                language=(get_language() or settings.LANGUAGE_CODE)[:8],
                channel=Channel.OPEN311 if client is not None else Channel.WEB,
                client=client,
                source_hash=hashed,
                consent_public=bool(consent_public),
                body=body,
                status=AppealStatus.REGISTERED,
                filed_at=now,
                updated_at=now,
                parent=parent,
                token=secrets.token_hex(16),
            )
            clock.start(appeal, clock.today(), calendar)
            appeal.save()
            _store(appeal, uploads, FileRole.APPLICANT, stored)
            _step(appeal, StepKind.FILED, actor, to_body=body)
            act.record(appeal, body=body.pk, category=category.code, channel=appeal.channel)
            notify.applicant(appeal, StepKind.FILED)
    except BaseException:
        discard_files(stored)
        raise
    return appeal


def _locked(appeal: Appeal) -> Appeal:
    """The appeal row, locked for this transaction; refused if it moved or closed meanwhile."""
    current = Appeal.objects.select_for_update().select_related("body__unit").get(pk=appeal.pk)
    if current.body_id != appeal.body_id:
        raise ActionRefused(_("This appeal has been forwarded to another body meanwhile."))
    return current


def _require_open(appeal: Appeal) -> None:
    if appeal.status not in OPEN_STATUSES:
        raise ValidationError(
            _("This appeal is already closed (%(status)s).")
            % {"status": appeal.get_status_display()},
            code="closed",
        )


def _required(value: str, field: str) -> str:
    errors: dict[str, list[str]] = {}
    value = _text(value, field, errors)
    if errors:
        raise ValidationError(errors)
    return value


def assign_appeal(actor: Actor, appeal: Appeal, *, assignee: Any) -> Appeal:
    """Give an open appeal to a member of the body's staff (or take it back: None)."""
    from esep.accounts.models import BODY_ROLES
    from esep.accounts.queries import active_roles
    from esep.accounts.rules import role_covers

    if assignee is not None and not any(
        role.kind in BODY_ROLES and role.body_id == appeal.body_id and role_covers(role, appeal)
        for role in active_roles(assignee)
    ):
        raise ValidationError(
            {"assignee": [_("%(person)s is not on the staff of this body.") % {"person": assignee}]}
        )
    with action("assign_appeal", actor, "accountability.handle_appeal", appeal) as act:
        appeal = _locked(appeal)
        _require_open(appeal)
        appeal.assignee = assignee
        appeal.status = AppealStatus.IN_PROGRESS if assignee else AppealStatus.REGISTERED
        appeal.updated_at = clock.now()
        appeal.save(update_fields=["assignee", "status", "updated_at"])
        _step(appeal, StepKind.ASSIGNED, actor, note=str(assignee or ""))
        act.record(appeal, assignee=getattr(assignee, "pk", None))
    return appeal


def forward_appeal(actor: Actor, appeal: Appeal, *, to_body: Body | None, reason: str) -> Appeal:
    """The appeal is outside this body's competence: send it to `to_body`, whose 15 working
    days run from today. On time if done within 3 working days of receipt."""
    reason = _required(reason, "reason")
    if to_body is None or to_body.pk == appeal.body_id:
        raise ValidationError({"to_body": [_("Choose another body to forward the appeal to.")]})
    if to_body.unit.valid_until is not None:
        raise ValidationError({"to_body": [_("That body's unit no longer exists.")]})
    with action("forward_appeal", actor, "accountability.handle_appeal", appeal) as act:
        appeal = _locked(appeal)
        _require_open(appeal)
        calendar = WorkingCalendar.load()
        appeal.updated_at = clock.now()
        today = clock.today()
        on_time = today <= appeal.forward_due_on
        from_body = appeal.body
        appeal.body = to_body
        appeal.assignee = None
        appeal.status = AppealStatus.REGISTERED
        clock.start(appeal, today, calendar)
        appeal.save()
        _step(
            appeal,
            StepKind.FORWARDED,
            actor,
            from_body=from_body,
            to_body=to_body,
            note=reason,
            on_time=on_time,
        )
        act.record(appeal, from_body=from_body.pk, to_body=to_body.pk, on_time=on_time)
        notify.applicant(appeal, StepKind.FORWARDED, reason)
    return appeal


def forward_appeal_out(actor: Actor, appeal: Appeal, *, organisation: str, reason: str) -> Appeal:
    """Forward to an organisation that is not on esep (police, a court, a utility company):
    the appeal closes here; on time if within 3 working days of receipt."""
    reason = _required(reason, "reason")
    organisation = _required(organisation, "organisation")[:300]
    with action("forward_appeal_out", actor, "accountability.handle_appeal", appeal) as act:
        appeal = _locked(appeal)
        _require_open(appeal)
        calendar = WorkingCalendar.load()
        appeal.status = AppealStatus.FORWARDED_OUT
        appeal.forwarded_to = organisation
        clock.close(appeal, clock.now(), calendar, term=appeal.forward_due_on)
        appeal.save()
        _step(
            appeal,
            StepKind.FORWARDED_OUT,
            actor,
            from_body=appeal.body,
            note=f"{organisation}: {reason}",
            on_time=appeal.on_time,
        )
        act.record(appeal, organisation=organisation, on_time=appeal.on_time)
        notify.applicant(appeal, StepKind.FORWARDED_OUT, f"{organisation}\n{reason}")
    return appeal


def extend_appeal(actor: Actor, appeal: Appeal, *, reason: str) -> Appeal:
    """Extend the term once, by a reasoned decision taken before the term ends, to two months
    from receipt. The applicant is told at once (the law allows 3 working days)."""
    reason = _required(reason, "reason")
    with action("extend_appeal", actor, "accountability.handle_appeal", appeal) as act:
        appeal = _locked(appeal)
        _require_open(appeal)
        if appeal.extended_on is not None:
            raise ValidationError(
                _("The term of this appeal has already been extended once."), code="extended"
            )
        today = clock.today()
        if today > appeal.due_on:
            raise ValidationError(
                _("The term ended on %(date)s; it can only be extended before it ends.")
                % {"date": appeal.due_on.isoformat()},
                code="too_late",
            )
        calendar = WorkingCalendar.load()
        appeal.extended_on = today
        appeal.extended_due_on = calendar.add_months_term(appeal.received_on, 2)
        appeal.extension_reason = reason
        appeal.deadline = appeal.extended_due_on
        appeal.updated_at = clock.now()
        appeal.save()
        _step(appeal, StepKind.EXTENDED, actor, note=reason, on_time=True)
        act.record(appeal, extended_due_on=appeal.extended_due_on.isoformat())
        notify.applicant(appeal, StepKind.EXTENDED, reason)
    return appeal


def answer_appeal(
    actor: Actor, appeal: Appeal, *, text: str, files: Sequence[tuple[str, bytes, str]] = ()
) -> Appeal:
    """Answer the appeal (text and, optionally, the signed answer document)."""
    text = _required(text, "text")
    uploads = check_uploads(list(files))
    stored: list[AppealFile] = []
    try:
        with action("answer_appeal", actor, "accountability.handle_appeal", appeal) as act:
            appeal = _locked(appeal)
            _require_open(appeal)
            calendar = WorkingCalendar.load()
            appeal.status = AppealStatus.ANSWERED
            appeal.answer_text = text
            clock.close(appeal, clock.now(), calendar, term=appeal.deadline)
            appeal.save()
            _store(appeal, uploads, FileRole.ANSWER, stored)
            _step(appeal, StepKind.ANSWERED, actor, note=text, on_time=appeal.on_time)
            act.record(appeal, on_time=appeal.on_time, working_days=appeal.working_days)
            notify.applicant(appeal, StepKind.ANSWERED, text)
    except BaseException:
        discard_files(stored)
        raise
    return appeal


def leave_appeal(actor: Actor, appeal: Appeal, *, reason: str, note: str = "") -> Appeal:
    """Leave the appeal without consideration on a legal ground from the list."""
    if reason not in LeaveReason.values:
        raise ValidationError({"reason": [_("Choose the legal ground from the list.")]})
    errors: dict[str, list[str]] = {}
    note = _text(note, "note", errors, required=False)
    if errors:
        raise ValidationError(errors)
    with action("leave_appeal", actor, "accountability.handle_appeal", appeal) as act:
        appeal = _locked(appeal)
        _require_open(appeal)
        calendar = WorkingCalendar.load()
        appeal.status = AppealStatus.LEFT
        appeal.leave_reason = reason
        appeal.answer_text = note
        clock.close(appeal, clock.now(), calendar, term=appeal.deadline)
        appeal.save()
        explanation = "\n".join(filter(None, [str(LeaveReason(reason).label), note]))
        _step(appeal, StepKind.LEFT, actor, note=explanation, on_time=appeal.on_time)
        act.record(appeal, reason=reason, on_time=appeal.on_time)
        notify.applicant(appeal, StepKind.LEFT, str(explanation))
    return appeal


def publish_appeal(actor: Actor, appeal: Appeal, *, public_text: str) -> Appeal:
    """Publish the appeal with a text cleared of personal data (only with the applicant's
    consent). The answer is published with it."""
    public_text = _required(public_text, "public_text")
    with action("publish_appeal", actor, "accountability.handle_appeal", appeal) as act:
        appeal = _locked(appeal)
        if not appeal.consent_public:
            raise ValidationError(
                _("The applicant did not agree to publication."), code="no_consent"
            )
        appeal.public_text = public_text
        appeal.is_public = True
        appeal.updated_at = clock.now()
        appeal.save(update_fields=["public_text", "is_public", "updated_at"])
        _step(appeal, StepKind.PUBLISHED, actor)
        act.record(appeal)
        notify.applicant(appeal, StepKind.PUBLISHED, public_text)
    return appeal


def unpublish_appeal(actor: Actor, appeal: Appeal) -> Appeal:
    with action("unpublish_appeal", actor, "accountability.handle_appeal", appeal) as act:
        appeal = _locked(appeal)
        appeal.is_public = False
        appeal.updated_at = clock.now()
        appeal.save(update_fields=["is_public", "updated_at"])
        _step(appeal, StepKind.UNPUBLISHED, actor)
        act.record(appeal)
    return appeal


def rate_appeal(actor: Actor, appeal: Appeal, *, rating: Any, comment: str = "") -> Appeal:
    """The applicant rates how the appeal was handled, once, after it closed."""
    try:
        rating = int(rating)
        if not 1 <= rating <= 5:
            raise ValueError
    except (TypeError, ValueError):
        raise ValidationError({"rating": [_("Choose a rating from 1 to 5.")]}) from None
    errors: dict[str, list[str]] = {}
    comment = _text(comment, "comment", errors, required=False)
    if errors:
        raise ValidationError(errors)
    with action("rate_appeal", actor, "accountability.rate_appeal", appeal) as act:
        appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
        if appeal.status in OPEN_STATUSES:
            raise ValidationError(_("You can rate the appeal once it is closed."), code="open")
        if appeal.rated_at is not None:
            raise ValidationError(_("You have already rated this appeal."), code="rated")
        appeal.rating = rating
        appeal.rating_comment = comment
        appeal.rated_at = clock.now()
        appeal.save(update_fields=["rating", "rating_comment", "rated_at"])
        _step(appeal, StepKind.RATED, actor, note=str(rating))
        act.record(appeal, rating=rating)
    return appeal


def complain_about_appeal(
    actor: Actor,
    appeal: Appeal,
    *,
    text: str,
    files: Sequence[tuple[str, bytes, str]] = (),
    source: str = "",
) -> Appeal:
    """The applicant complains to the akimat above the body about its answer (or about no
    answer once the deadline has passed). The complaint is a new appeal with its own clock."""
    if not actor.may("accountability.complain", appeal):
        raise ActionRefused(_("You are not allowed to do this here."))
    if appeal.status in OPEN_STATUSES and clock.today() <= appeal.deadline:
        raise ValidationError(
            _("You can complain once the appeal is answered or its deadline (%(date)s) has passed.")
            % {"date": appeal.deadline.isoformat()},
            code="too_early",
        )
    if appeal.complaints.exists():
        raise ValidationError(
            _("You have already complained about this appeal."), code="complained"
        )
    above = body_above(appeal.body)
    if above is None:
        raise ValidationError(
            _(
                "There is no akimat above %(body)s on esep: a complaint goes to the central"
                " government body or to court."
            )
            % {"body": appeal.body},
            code="no_body_above",
        )
    try:
        with transaction.atomic():
            complaint = file_appeal(
                actor,
                kind=AppealKind.COMPLAINT,
                category=appeal.category,
                unit=appeal.unit,
                text=text,
                applicant_name=appeal.applicant_name,
                address=appeal.address,
                latitude=appeal.latitude,
                longitude=appeal.longitude,
                attributes=appeal.attributes,
                files=files,
                consent_public=appeal.consent_public,
                source=source,
                parent=appeal,
                body=above,
            )
            AppealStep.objects.create(
                appeal=appeal,
                kind=StepKind.COMPLAINED,
                at=complaint.filed_at,
                actor=actor.user,
                to_body=above,
                note=str(complaint.pk),
            )
    except IntegrityError:
        raise ValidationError(
            _("You have already complained about this appeal."), code="complained"
        ) from None
    return complaint
