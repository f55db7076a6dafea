"""Cached public pages.

Anonymous visitors without a session all see the same page for the same address, so it is
rendered once and kept until the data changes. Every write in esep is an action, and every
action increments the DataVersion counter in its own transaction, so the counter is the version
of everything a page can show: the cache key carries it and a write makes every older copy
unreachable. One single-row query per hit.
Signed-in staff and visitors with a session or flash messages are never served from the cache;
answers that set a cookie (or would, through middleware), and answers over the size limit, are
never stored."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from .models import DataVersion

MESSAGES_COOKIE = "messages"


def data_version() -> int:
    """The counter, read with plain SQL: this runs on every cached page, and the ORM's query
    building would cost more than the rest of a cache hit."""
    table = connection.ops.quote_name(DataVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {table} WHERE id = 1")  # noqa: S608 - no user input
        row = cursor.fetchone()
    return row[0] if row else 0


def _cacheable(request: HttpRequest) -> bool:
    return (
        settings.ESEP_PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and MESSAGES_COOKIE not in request.COOKIES
    )


def _storable(request: HttpRequest, response: HttpResponse, *, own: bool = False) -> bool:
    """Only an answer every anonymous visitor may share: a 200 that sets no cookie now and
    makes no middleware set one later (CSRF token, session, flash message), within the size.
    With `own` (a signed-in person's page, keyed by their cookies), a CSRF token made from the
    CSRF cookie the browser sent is fine: served again, it still matches that cookie."""
    messages = getattr(request, "_messages", None)
    session = getattr(request, "session", None)
    csrf_ok = not request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or (
        own and settings.CSRF_COOKIE_NAME in request.COOKIES
    )
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and csrf_ok
        and not getattr(messages, "added_new", False)
        and not getattr(session, "modified", False)
        and len(response.content) <= settings.ESEP_PAGE_CACHE_MAX_BYTES
    )


# Headers a cached answer keeps (the rest are set again by middleware on every answer).
KEPT_HEADERS = (
    "Content-Type",
    "Content-Disposition",
    "Content-Language",
    "Vary",
    "Access-Control-Allow-Origin",
)


def _key(request: HttpRequest, version: int, params: tuple[str, ...], extra: str = "") -> str:
    """The page's address with only the query parameters the view reads (sorted), the HX
    header, `extra` (what else the answer depends on), and today's date (pages saying "ending
    within a year" change at midnight)."""
    query = sorted((name, value) for name in params for value in request.GET.getlist(name))
    address = repr((request.path, query, request.headers.get("HX-Request", ""), extra))
    day = timezone.localdate().isoformat()
    return f"page:{version}:{day}:{hashlib.sha256(address.encode()).hexdigest()}"


def _cached_or_render(
    request: HttpRequest, key: str, render: Callable[[], HttpResponse], *, own: bool = False
) -> HttpResponse:
    cached = cache.get(key)
    if cached is not None:
        content, headers = cached
        response = HttpResponse(content)
        for name, value in headers.items():
            response[name] = value
        return response
    response = render()
    if _storable(request, response, own=own):
        headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
        cache.set(key, (response.content, headers), settings.ESEP_PAGE_CACHE_SECONDS)
    return response


def public_page(
    view: Callable[..., HttpResponse] | None = None,
    *,
    params: tuple[str, ...] = (),
    vary: Callable[[HttpRequest], str] | None = None,
) -> Any:
    """Serve this view's answers to anonymous visitors from the cache. `params` names every
    query parameter the view reads: others do not change the answer, so they are left out of
    the key and cannot fill the cache with copies. `vary`, if given, returns what else the
    answer depends on (such as a language chosen by a header); it joins the key."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not _cacheable(request):
                return view(request, *args, **kwargs)
            extra = vary(request) if vary else ""
            key = _key(request, data_version(), params, extra)
            return _cached_or_render(
                request, key, lambda: view(request, *args, **kwargs), own=False
            )

        return wrapper

    return decorate(view) if view is not None else decorate


def signed_in_page(
    view: Callable[..., HttpResponse] | None = None,
    *,
    params: tuple[str, ...] = (),
    vary: Callable[[HttpRequest], str] | None = None,
) -> Any:
    """Serve a signed-in person's own page (such as a staff inbox) from the cache until any
    data changes. The view must decide everything from the person and `params`. The person is
    checked on every request (a signed-out session never reaches the cache), and the key
    carries their account, session and CSRF cookie, so a page and the tokens in its forms are
    only ever served back to the session they were made for. `vary` as for public_page."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if (
                settings.ESEP_PAGE_CACHE_SECONDS <= 0
                or request.method not in ("GET", "HEAD")
                or not user.is_authenticated
                or MESSAGES_COOKIE in request.COOKIES
            ):
                return view(request, *args, **kwargs)
            extra = repr(
                (
                    "signed-in",
                    user.pk,
                    request.COOKIES.get(settings.SESSION_COOKIE_NAME, ""),
                    request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
                    vary(request) if vary else "",
                )
            )
            key = _key(request, data_version(), params, extra)
            return _cached_or_render(request, key, lambda: view(request, *args, **kwargs), own=True)

        return wrapper

    return decorate(view) if view is not None else decorate
