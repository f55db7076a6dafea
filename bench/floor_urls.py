"""The floor's URLconf: one trivial view and nothing from esep."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path


def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("", floor, name="floor")]
