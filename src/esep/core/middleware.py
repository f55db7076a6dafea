"""Turn Django's bare 405 answers into a translated page (or JSON under /api/). Open311 answers
its own errors in its own format, so its 405s are left as they are."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class FriendlyErrorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 405 and not request.path.startswith("/open311/"):
            from .views import error_page

            friendly = error_page(request, 405)
            friendly["Allow"] = response.get("Allow", "")
            return friendly
        return response
