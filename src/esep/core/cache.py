"""Cached public pages.

Anonymous visitors without a session all see the same page for the same address, so it is
rendered once and kept until the data changes. Every write in esep is an action, and every
action increments the DataVersion counter in its own transaction, so the counter is the version
of everything a page can show: the cache key carries it and a write makes every older copy
unreachable. One single-row query per hit.
Signed-in staff, visitors with a session or flash messages, and answers that set cookies are
never served from or stored in the cache."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from .models import DataVersion

MESSAGES_COOKIE = "messages"


def data_version() -> int:
    return DataVersion.objects.filter(pk=1).values_list("value", flat=True).first() or 0


def _cacheable(request: HttpRequest) -> bool:
    return (
        settings.ESEP_PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and MESSAGES_COOKIE not in request.COOKIES
    )


def _key(request: HttpRequest, version: int) -> str:
    address = f"{request.get_full_path()}|{request.headers.get('HX-Request', '')}"
    return f"page:{version}:{hashlib.sha256(address.encode()).hexdigest()}"


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve this view's 200 answers to anonymous visitors from the cache."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        key = _key(request, data_version())
        cached = cache.get(key)
        if cached is not None:
            content, headers = cached
            response = HttpResponse(content)
            for name, value in headers.items():
                response[name] = value
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            headers = {
                name: response[name]
                for name in ("Content-Type", "Vary")
                if response.has_header(name)
            }
            cache.set(key, (response.content, headers), settings.ESEP_PAGE_CACHE_SECONDS)
        return response

    return wrapper
