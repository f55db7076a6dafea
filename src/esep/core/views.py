"""Pages every visitor sees: home, about (sources and licences), the publication ledger,
and the error pages."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from esep.api.errors import error_body
from esep.territory.queries import top_level_units

from . import queries
from .cache import public_page

LEDGER_PAGE_SIZE = 50


@require_safe
@public_page
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"units": top_level_units()})


@require_safe
@public_page
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "core/about.html")


@require_safe
@public_page(params=("page",))
def ledger(request: HttpRequest) -> HttpResponse:
    page = Paginator(queries.ledger_entries(), LEDGER_PAGE_SIZE).get_page(request.GET.get("page"))
    # htmx asks for the table alone, except when it restores history (it needs the page).
    fragment = request.headers.get("HX-Request") and not request.headers.get(
        "HX-History-Restore-Request"
    )
    template = "core/_ledger_table.html" if fragment else "core/ledger.html"
    response = render(request, template, {"page": page})
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


ERROR_TITLES = {
    400: _("The request could not be understood"),
    403: _("You cannot do this here"),
    404: _("Page not found"),
    405: _("This address does not accept that method"),
    500: _("Sorry, something went wrong"),
}
API_ERRORS = {
    400: ("bad_request", _("The request could not be understood.")),
    403: ("forbidden", _("You are not allowed to do this here.")),
    404: ("not_found", _("Not found.")),
    405: ("method_not_allowed", _("This address does not accept that method.")),
    500: ("server_error", _("Something went wrong on our side.")),
}


def error_page(request: HttpRequest, status: int, **context) -> HttpResponse:
    """A translated error page, or the API's JSON error under /api/."""
    if request.path.startswith("/api/"):
        code, message = API_ERRORS[status]
        return JsonResponse(error_body(code, str(message)), status=status)
    context.update(status=status, title=ERROR_TITLES[status])
    return render(request, "core/error.html", context, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 400)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return error_page(request, 500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return error_page(request, 403, csrf=True)
