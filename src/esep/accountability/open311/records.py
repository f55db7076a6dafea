"""esep's categories, appeals and their steps as GeoReport v2 records (plain data, written as
XML or JSON by `formats`).

What an appeal shows through Open311 is what anyone may see: its category, status, dates,
the body that answers and the legal deadline. Its text, place and answer only when the appeal
is public (the applicant consented and staff published a text cleared of personal data); the
applicant's name, email, phone and own text never."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Appeal, AppealStatus, AppealStep, Category, CategoryAttribute, StepKind

MAX_DESCRIPTION = 4000  # GeoReport v2 limits a request's description to 4,000 characters

DATATYPE_HINTS = {
    "string": gettext_lazy("One line of text."),
    "number": gettext_lazy("A number, with a dot before any decimals."),
    "datetime": gettext_lazy("A date and time in ISO 8601, such as 2026-03-02T10:00:00+05:00."),
    "text": gettext_lazy("Text, several lines if needed."),
    "singlevaluelist": gettext_lazy("The key of one of the values."),
    "multivaluelist": gettext_lazy(
        "The keys of one or more of the values, one attribute[code][] parameter each."
    ),
}

# mySociety's service request updates: the status FixMyStreet knows for each step of an appeal.
# Publishing, withdrawing, rating and complaining do not change where the appeal stands.
UPDATE_STATUS = {
    StepKind.FILED: "OPEN",
    StepKind.ASSIGNED: "INVESTIGATING",
    StepKind.EXTENDED: "ACTION_SCHEDULED",
    StepKind.FORWARDED: "INTERNAL_REFERRAL",
    StepKind.FORWARDED_OUT: "NOT_COUNCILS_RESPONSIBILITY",
    StepKind.ANSWERED: "CLOSED",
    StepKind.LEFT: "NO_FURTHER_ACTION",
}


def w3(moment: dt.datetime | None) -> str | None:
    """A moment in Kazakhstan's time with its offset, to the second (2026-03-02T10:00:00+05:00)."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def end_of_day(day: dt.date) -> str:
    """The last second of `day` in Kazakhstan: the legal deadline runs to the end of its day."""
    moment = dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=timezone.get_current_timezone())
    return w3(moment) or ""


def service(category: Category, has_attributes: bool) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        "metadata": bool(has_attributes),
        "type": "realtime",
        "keywords": category.keywords,
        "group": category.group,
    }


def _attribute(question: CategoryAttribute, order: int) -> dict[str, Any]:
    return {
        "variable": True,
        "code": question.code,
        "datatype": question.datatype,
        "required": question.required,
        "datatype_description": str(DATATYPE_HINTS.get(question.datatype, "")),
        "order": order,
        "description": question.description,
        "values": [
            {"key": value["key"], "name": question.value_name(value["key"])}
            for value in question.values
        ],
    }


def definition(category: Category, questions: list[CategoryAttribute]) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "attributes": [_attribute(q, order) for order, q in enumerate(questions, start=1)],
    }


def address_id(appeal: Appeal) -> str:
    unit = appeal.unit
    return unit.kato or unit.iso_code or str(unit.pk)


def status_notes(appeal: Appeal) -> str:
    """Why the appeal stands where it does: the answer itself only when the appeal is public."""
    if appeal.status == AppealStatus.ANSWERED:
        return appeal.answer_text if appeal.is_public else _("Answered.")
    if appeal.status == AppealStatus.LEFT:
        reason = str(appeal.get_leave_reason_display())
        if appeal.is_public and appeal.answer_text:
            return f"{reason}\n{appeal.answer_text}"
        return reason
    if appeal.status == AppealStatus.FORWARDED_OUT:
        return _("Forwarded to %(organisation)s, outside esep.") % {
            "organisation": appeal.forwarded_to
        }
    if appeal.extended_on is not None:
        return _("The term was extended to %(date)s.") % {"date": appeal.deadline.isoformat()}
    return str(appeal.get_status_display())


def service_notice(appeal: Appeal) -> str:
    if appeal.closed_on is None:
        return _("%(body)s must answer by %(date)s.") % {
            "body": appeal.body,
            "date": appeal.deadline.isoformat(),
        }
    if appeal.on_time:
        return _("Closed on %(date)s, within the legal term.") % {
            "date": appeal.closed_on.isoformat()
        }
    return _("Closed on %(date)s, after the legal term (%(deadline)s).") % {
        "date": appeal.closed_on.isoformat(),
        "deadline": appeal.deadline.isoformat(),
    }


def _public_description(appeal: Appeal) -> str | None:
    if not appeal.is_public:
        return None
    text = appeal.public_text
    return text if len(text) <= MAX_DESCRIPTION else text[: MAX_DESCRIPTION - 1] + "…"


def request_record(appeal: Appeal) -> dict[str, Any]:
    """One appeal as a GeoReport v2 service request (needs category, body__unit and unit)."""
    public = appeal.is_public
    closed = appeal.status not in (AppealStatus.REGISTERED, AppealStatus.IN_PROGRESS)
    return {
        "service_request_id": str(appeal.pk),
        "status": "closed" if closed else "open",
        "status_notes": status_notes(appeal),
        "service_name": appeal.category.name,
        "service_code": appeal.category.code,
        "description": _public_description(appeal),
        "agency_responsible": str(appeal.body),
        "service_notice": service_notice(appeal),
        "requested_datetime": w3(appeal.filed_at),
        "updated_datetime": w3(appeal.updated_at),
        "expected_datetime": end_of_day(appeal.deadline),
        "address": ", ".join(filter(None, [appeal.address, appeal.unit.name])) if public else None,
        "address_id": address_id(appeal) if public else None,
        "lat": float(appeal.latitude) if public and appeal.latitude is not None else None,
        "long": float(appeal.longitude) if public and appeal.longitude is not None else None,
        "media_url": None,
    }


def _update_description(step: AppealStep) -> str:
    appeal = step.appeal
    public = appeal.is_public
    kind = step.kind
    if kind == StepKind.FILED:
        if step.to_body is None:
            return _("Registered.")
        return _("Registered for %(body)s.") % {"body": step.to_body}
    if kind == StepKind.ASSIGNED:
        return _("An official is handling the appeal.")
    if kind == StepKind.EXTENDED:
        if public and step.note:
            return _("The term was extended: %(reason)s") % {"reason": step.note}
        return _("The term was extended.")
    if kind == StepKind.FORWARDED:
        text = _("Forwarded to %(body)s.") % {"body": step.to_body}
        return f"{text}\n{step.note}" if public and step.note else text
    if kind == StepKind.FORWARDED_OUT:
        return _("Forwarded to %(organisation)s, outside esep.") % {
            "organisation": appeal.forwarded_to
        }
    if kind == StepKind.ANSWERED:
        return step.note if public and step.note else _("Answered.")
    reason = str(appeal.get_leave_reason_display())
    return f"{reason}\n{appeal.answer_text}" if public and appeal.answer_text else reason


def update_record(step: AppealStep) -> dict[str, Any]:
    """One step of an appeal as a mySociety service request update (needs appeal and
    to_body__unit)."""
    return {
        "update_id": str(step.pk),
        "service_request_id": str(step.appeal_id),
        "status": UPDATE_STATUS[step.kind],
        "updated_datetime": w3(step.at),
        "description": _update_description(step),
        "media_url": None,
        "external_status_code": step.kind,
    }
