"""Pages every visitor sees: home, about (sources and licences), the publication ledger,
and the error pages."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from esep.api.errors import error_body
from esep.territory.queries import top_level_units

from . import queries

LEDGER_PAGE_SIZE = 50


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"units": top_level_units()})


@require_safe
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "core/about.html")


@require_safe
def ledger(request: HttpRequest) -> HttpResponse:
    page = Paginator(queries.ledger_entries(), LEDGER_PAGE_SIZE).get_page(request.GET.get("page"))
    template = (
        "core/_ledger_table.html" if request.headers.get("HX-Request") else "core/ledger.html"
    )
    return render(request, template, {"page": page})


@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/error.html", {"status": 400}, status=400)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/error.html", {"status": 403}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("not_found", _("Not found.")), status=404)
    return render(request, "core/error.html", {"status": 404}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "core/error.html", {"status": 500}, status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "core/error.html", {"status": 403, "csrf": True}, status=403)
