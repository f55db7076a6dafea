"""POST requests.{xml,json}: an Open311 client files an appeal for a resident.

The parameters are GeoReport v2's, read as FixMyStreet sends them (see docs/open311.md for what
esep does with each); the appeal is filed by `actions.file_appeal`, so every rule of a web
appeal holds (name and email for the answer, the category's questions, the rate limits)."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.translation import gettext as _

from esep.core.actions import Actor

from .. import actions
from ..models import ApiClient, Category
from . import locate
from .formats import Open311Error, respond

ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]{1,60})\](\[\])?$")
TRUE = ("true", "1", "yes", "on")
MAX_URLS = 10
MAX_URL = 500

# Attributes FixMyStreet (and similar clients) send that are not questions of a category: they
# are accepted and, except for those used below, set aside, unless the category asks a question
# with the same code.
CLIENT_ATTRIBUTES = frozenset(
    {
        "title",
        "description",
        "external_id",
        "fixmystreet_id",
        "report_url",
        "closest_address",
        "easting",
        "northing",
        "asset_id",
        "feature_id",
        "usrn",
        "category",
        "group",
        "requested_datetime",
        "staff_role",
    }
)

# file_appeal's field names → the Open311 parameter an error is about.
PARAMETERS = {
    "kind": "kind",
    "category": "service_code",
    "unit": "address_id",
    "text": "description",
    "location": "lat/long",
    "email": "email",
    "name": "first_name/last_name",
    "attributes": "attribute",
    "files": "media_url",
}


def _answers(form: QueryDict) -> dict[str, Any]:
    """attribute[code]=value, and attribute[code][]=value (or a repeated attribute[code]) for
    several values, → {code: value or [values]}."""
    answers: dict[str, Any] = {}
    for key in form:
        match = ATTRIBUTE.match(key)
        if match is None:
            continue
        code, many = match.group(1), match.group(2) is not None
        values = form.getlist(key)
        if many or len(values) > 1 or isinstance(answers.get(code), list):
            previous = answers.get(code, [])
            answers[code] = [*(previous if isinstance(previous, list) else [previous]), *values]
        else:
            answers[code] = values[0]
    return answers


def _first(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value or "").strip()


def _urls(values: list[str]) -> list[str]:
    urls = [v.strip() for v in values if v.strip().lower().startswith(("http://", "https://"))]
    return [url[:MAX_URL] for url in urls[:MAX_URLS]]


def _text(form: QueryDict, extra: dict[str, Any]) -> str:
    """The appeal's text: the description (or FixMyStreet's attribute[description]), after
    attribute[title] unless it already starts with it, then the links to the client's photos
    and report page (for staff; never published)."""
    description = form.get("description", "").strip() or _first(extra.get("description"))
    if not description:
        return ""
    title = _first(extra.get("title"))
    text = (
        description if not title or description.startswith(title) else f"{title}\n\n{description}"
    )
    links = [f"media_url: {url}" for url in _urls(form.getlist("media_url"))]
    links += [f"report_url: {url}" for url in _urls([_first(extra.get("report_url"))])]
    return "\n\n".join([text, "\n".join(links)]) if links else text


def _unit(form: QueryDict, errors: dict[str, list[str]]) -> Any:
    """The unit the request is about, from address_id, else lat/long; errors say what is
    missing or wrong."""
    address_id = form.get("address_id", "").strip()
    latitude, longitude = form.get("lat", "").strip(), form.get("long", "").strip()
    if address_id:
        unit = locate.unit_for_address_id(address_id)
        if unit is None:
            errors["address_id"] = [
                _(
                    "No unit has the address_id “%(value)s”: give a KATO code, an ISO 3166-2"
                    " code such as KZ-19, or an esep unit id."
                )
                % {"value": address_id[:60]}
            ]
        return unit
    if latitude or longitude:
        point = locate.coordinates(latitude, longitude)
        if point is None:
            errors["lat/long"] = [_("Give both lat and long, as decimal degrees (WGS 84).")]
            return None
        unit = locate.unit_at(*point)
        if unit is None:
            errors["lat/long"] = [
                _("The point %(lat)s, %(long)s is outside every unit esep knows.")
                % {"lat": latitude[:20], "long": longitude[:20]}
            ]
        return unit
    if form.get("address_string", "").strip():
        errors["address_string"] = [
            _("esep cannot place an address from its text: send lat and long, or address_id.")
        ]
        return None
    errors["location"] = [_("A location is required: lat and long, or address_id.")]
    return None


def _client(form: QueryDict) -> ApiClient:
    key = form.get("api_key", "").strip()
    if not key:
        raise Open311Error(403, _("api_key is required to create requests."))
    client = actions.client_for_key(key)
    if client is None:
        raise Open311Error(403, _("api_key is not valid, or it has been revoked."))
    return client


def _messages(errors: dict[str, list[str]]) -> list[str]:
    return [
        f"{parameter}: {message}" if parameter != "__all__" else message
        for parameter, messages in errors.items()
        for message in messages
    ]


def create_request(request: HttpRequest, fmt: str) -> HttpResponse:
    """File the appeal; 201 with its service_request_id, or every problem at once."""
    form = request.POST
    client = _client(form)
    errors: dict[str, list[str]] = {}
    code = form.get("service_code", "").strip()
    category = Category.objects.filter(code=code, is_active=True).first() if code else None
    if category is None:
        errors["service_code"] = [
            _("service_code “%(code)s” not found: see services.xml.") % {"code": code[:60]}
            if code
            else _("service_code is required.")
        ]
    unit = _unit(form, errors)
    answers = _answers(form)
    questions = set(category.attributes.values_list("code", flat=True)) if category else set()
    extra = {
        code: answers.pop(code) for code in list(answers) if code in CLIENT_ATTRIBUTES - questions
    }
    email = form.get("email", "").strip()
    name = " ".join(
        filter(None, (form.get("first_name", "").strip(), form.get("last_name", "").strip()))
    )
    address = form.get("address_string", "").strip() or _first(extra.get("closest_address"))
    try:
        appeal = actions.file_appeal(
            Actor(system=f"open311:{client.pk}"),
            kind=form.get("kind", "").strip() or "statement",
            category=category,
            unit=None if errors else unit,  # never filed while anything is wrong
            text=_text(form, extra),
            applicant_name=name,
            applicant_email=email,
            applicant_phone=form.get("phone", "").strip(),
            address=address,
            latitude=form.get("lat", "").strip() or None,
            longitude=form.get("long", "").strip() or None,
            attributes=answers,
            consent_public=form.get("consent_public", "").strip().lower() in TRUE,
            source=f"{client.pk}:{email.lower()}",
            client=client,
        )
    except actions.RateLimited as limited:
        raise Open311Error(429, limited.messages) from None
    except ValidationError as invalid:
        found = (
            invalid.message_dict
            if hasattr(invalid, "error_dict")
            else {"__all__": invalid.messages}
        )
        for field, messages in found.items():
            if (field == "unit" and errors) or (field == "category" and "service_code" in errors):
                continue  # already said, in Open311's terms
            errors.setdefault(PARAMETERS.get(field, field), []).extend(messages)
        raise Open311Error(400, _messages(errors)) from None
    except PermissionDenied as refused:
        raise Open311Error(403, str(refused) or _("You are not allowed to do this here.")) from None
    notice = _("Appeal №%(number)s is registered. %(body)s must answer by %(date)s.") % {
        "number": appeal.number,
        "body": appeal.body,
        "date": appeal.deadline.isoformat(),
    }
    data = [{"service_request_id": str(appeal.pk), "service_notice": notice, "account_id": None}]
    return respond(fmt, "service_requests", data, status=201)
