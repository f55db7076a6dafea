"""Open311 GeoReport v2 endpoints (and mySociety's service request updates) for esep's appeals.

Views parse and check the parameters, read through `queries` and write only through
`actions.file_appeal`; `formats` writes the answer as XML or JSON. Every problem with a request
is an Open311 error with a 4xx status, never a 5xx. See docs/open311.md."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from esep.core.cache import public_page

from .. import clock
from . import queries, records
from .formats import FORMATS, Open311Error, error_response, respond
from .submit import create_request

JURISDICTIONS = ("kz",)
SPAN = dt.timedelta(days=90)
CHANGESET = "2026-03-01T00:00:00+05:00"  # when this interface last changed
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)
MAX_IDS = queries.LIMIT

View = Callable[..., HttpResponse]


def requested_language(request: HttpRequest) -> str | None:
    """The language the client asks for: the `locale` parameter (kk, ru, en; en_US and ru-KZ
    count as en and ru), else the first supported one in Accept-Language, else None."""
    locale = (request.POST.get("locale") if request.method == "POST" else None) or request.GET.get(
        "locale", ""
    )
    code = locale.strip().replace("_", "-").split("-")[0].lower()
    if code in LANGUAGES:
        return code
    header = request.headers.get("Accept-Language", "")
    for code, _quality in translation.trans_real.parse_accept_lang_header(header):
        base = code.split("-")[0].lower()
        if base in LANGUAGES:
            return base
    return None


def _parameters(request: HttpRequest) -> QueryDict:
    return request.POST if request.method == "POST" else request.GET


def _check_jurisdiction(request: HttpRequest) -> None:
    value = (
        _parameters(request).get("jurisdiction_id") or request.GET.get("jurisdiction_id") or ""
    ).strip()
    if value and value.lower() not in JURISDICTIONS:
        raise Open311Error(
            404,
            _("jurisdiction_id “%(value)s” not found: use “kz” or leave it out.")
            % {"value": value[:100]},
        )


def answer_language(request: HttpRequest) -> str:
    """The requested language; without one, English for reads (machine clients) and the site's
    language for a POST (the applicant's emails are in the language the appeal is filed in)."""
    default = settings.LANGUAGE_CODE if request.method == "POST" else "en"
    return requested_language(request) or default


# Every query parameter an Open311 read may depend on: they make the page cache's key.
CACHE_PARAMS = (
    "service_request_id",
    "service_code",
    "status",
    "start_date",
    "end_date",
    "jurisdiction_id",
    "locale",
)


def _cache_vary(request: HttpRequest) -> str:
    """A cached read depends on the answer's language and on the legal clock's day."""
    return f"{answer_language(request)}:{clock.today()}"


def open311(*methods: str) -> Callable[[View], View]:
    """An Open311 endpoint answering `methods` (HEAD goes with GET) at `<name>.<format>`:
    unknown formats, other methods, unknown jurisdictions and Open311Error become Open311
    error answers, in the language of `answer_language`."""
    allowed = tuple(methods) + (("HEAD",) if "GET" in methods else ())

    def decorate(view: View) -> View:
        @wraps(view)
        def endpoint(request: HttpRequest, fmt: str, **kwargs: Any) -> HttpResponse:
            fmt = fmt.lower()
            language = answer_language(request)
            with translation.override(language):
                try:
                    if fmt not in FORMATS:
                        raise Open311Error(
                            404,
                            _("Unknown format “%(format)s”: use .xml or .json.")
                            % {"format": fmt[:20]},
                        )
                    if request.method not in allowed:
                        error = Open311Error(
                            405, _("Use %(methods)s here.") % {"methods": ", ".join(methods)}
                        )
                        response = error_response(fmt, error)
                        response["Allow"] = ", ".join(allowed)
                        return response
                    _check_jurisdiction(request)
                    response = view(request, fmt, **kwargs)
                except Open311Error as error:
                    response = error_response(fmt, error)
                response["Content-Language"] = language
                patch_vary_headers(response, ["Accept-Language"])
                if request.method in ("GET", "HEAD"):
                    response["Access-Control-Allow-Origin"] = "*"
                return response

        if "GET" in methods:
            # Reads are public: served from the page cache until data changes, per language.
            return public_page(params=CACHE_PARAMS, vary=_cache_vary)(endpoint)
        return endpoint

    return decorate


def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any other address under /open311/v2/: an Open311 404 (JSON if it ends in .json)."""
    with translation.override(answer_language(request)):
        fmt = "json" if rest.lower().endswith(".json") else "xml"
        return error_response(fmt, Open311Error(404, _("There is no such Open311 endpoint.")))


# Discovery and services -------------------------------------------------------------------


@open311("GET")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    root = request.build_absolute_uri(request.path.rsplit("/", 1)[0] + "/")
    data = {
        "changeset": CHANGESET,
        "contact": _("Write to the administrators of this esep site."),
        "key_service": _(
            "Keys for creating requests are issued by the administrators of this esep site."
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": root,
                "changeset": CHANGESET,
                "type": "test" if settings.DEMO else "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return respond(fmt, "discovery", data)


@open311("GET")
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    data = [records.service(c, c.has_attributes) for c in queries.services()]
    return respond(fmt, "services", data)


@open311("GET")
def service_definition(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    found = queries.service(code)
    if found is None:
        raise Open311Error(404, _("service_code “%(code)s” not found.") % {"code": code[:100]})
    return respond(fmt, "service_definition", records.definition(*found))


# Requests -----------------------------------------------------------------------------------


def _moment(value: str, name: str, *, end: bool) -> dt.datetime:
    """A W3C datetime (2026-03-02T10:00:00Z, …+05:00; without an offset: Kazakhstan's time),
    or a date (its first second for start_date, its last for end_date)."""
    text = value.strip()
    if "T" in text and " " in text:
        text = text.replace(" ", "+")  # a "+" sent unencoded in a query string
    try:
        moment = parse_datetime(text)
        if moment is None and (day := parse_date(text)) is not None:
            moment = dt.datetime.combine(day, dt.time.max if end else dt.time.min)
    except ValueError:
        moment = None
    if moment is None:
        raise Open311Error(
            400,
            _("%(name)s must be a W3C datetime such as 2026-03-02T10:00:00+05:00.")
            % {"name": name},
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment


def date_window(params: QueryDict) -> tuple[dt.datetime, dt.datetime]:
    """start_date and end_date: both, one (the other 90 days away) or neither (the last 90
    days); never more than 90 days apart."""
    start_text = params.get("start_date", "").strip()
    end_text = params.get("end_date", "").strip()
    start = _moment(start_text, "start_date", end=False) if start_text else None
    end = _moment(end_text, "end_date", end=True) if end_text else None
    if start is None and end is None:
        end = clock.now()
    if start is None:
        start = end - SPAN
    if end is None:
        end = start + SPAN
    if start > end:
        raise Open311Error(400, _("start_date must not be after end_date."))
    if end - start > SPAN:
        raise Open311Error(400, _("start_date and end_date may be at most 90 days apart."))
    return start, end


def _ids(value: str) -> list[int]:
    parts = [part.strip() for part in value.split(",") if part.strip()]
    if len(parts) > MAX_IDS or not all(re.fullmatch(r"[0-9]{1,12}", part) for part in parts):
        raise Open311Error(
            400,
            _("service_request_id must be at most %(count)d numbers, separated by commas.")
            % {"count": MAX_IDS},
        )
    return [int(part) for part in parts]


def _list(request: HttpRequest, fmt: str) -> HttpResponse:
    params = request.GET
    ids_text = params.get("service_request_id", "").strip()
    if ids_text:
        rows = queries.appeals_by_id(_ids(ids_text))
    else:
        codes = [code.strip() for code in params.get("service_code", "").split(",")]
        statuses = [s.strip().lower() for s in params.get("status", "").split(",") if s.strip()]
        if any(status not in queries.STATUSES for status in statuses):
            raise Open311Error(400, _("status must be open, closed, or both separated by a comma."))
        start, end = date_window(params)
        rows = queries.appeals(
            start=start, end=end, codes=[c for c in codes if c], statuses=statuses
        )
    return respond(fmt, "service_requests", [records.request_record(a) for a in rows])


@csrf_exempt
@open311("GET", "POST")
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    """GET: the list of requests. POST: file an appeal (form-encoded, with an api_key)."""
    if request.method == "POST":
        return create_request(request, fmt)
    return _list(request, fmt)


@open311("GET")
def request_detail(request: HttpRequest, fmt: str, pk: str) -> HttpResponse:
    appeal = queries.appeal(int(pk))
    if appeal is None:
        raise Open311Error(404, _("service_request_id “%(id)s” not found.") % {"id": pk[:20]})
    return respond(fmt, "service_requests", [records.request_record(appeal)])


@open311("GET")
def token_detail(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    appeal = queries.appeal_by_token(token)
    if appeal is None:
        raise Open311Error(404, _("token “%(token)s” not found.") % {"token": token[:64]})
    data = [{"token": appeal.token, "service_request_id": str(appeal.pk)}]
    return respond(fmt, "service_requests", data)


@open311("GET")
def updates(request: HttpRequest, fmt: str) -> HttpResponse:
    start, end = date_window(request.GET)
    data = [records.update_record(step) for step in queries.updates(start=start, end=end)]
    return respond(fmt, "service_request_updates", data)
