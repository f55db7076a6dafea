"""Turn Django's bare 405 answers into a translated page (or JSON under /api/)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


class FriendlyErrorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 405:
            allow = response.get("Allow", "")
            if request.path.startswith("/api/"):
                new = JsonResponse(
                    {
                        "error": {
                            "code": "method_not_allowed",
                            "message": _("This address does not accept that method."),
                            "details": [],
                        }
                    },
                    status=405,
                )
            else:
                new = render(request, "core/error.html", {"status": 405}, status=405)
            new["Allow"] = allow
            return new
        return response
