"""Cached answers: a staff inbox kept for its own session until data changes, and Open311
reads kept per language."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .test_appeal_pages import url

pytestmark = pytest.mark.django_db


def counted_get(client, address: str, **extra):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address, **extra)
    return response, len(queries)


def test_inbox_is_served_again_from_the_cache_until_data_changes(
    town, file_appeal, client, bolat, at
):
    at(2026, 3, 2)
    file_appeal(text="Potholes on the main street, first appeal.")
    client.force_login(bolat)
    first, rendered = counted_get(client, url("inbox"))
    assert "Open (1)" in first.content.decode()
    again, cached = counted_get(client, url("inbox"))
    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    assert cached < rendered
    assert cached <= 3  # the session, the account, the data version

    second = file_appeal(text="Broken street light at the bus stop, second appeal.")
    fresh = client.get(url("inbox")).content.decode()
    assert "Open (2)" in fresh
    assert f"№{second.number}" in fresh

    at(2026, 4, 10)  # the next day counts from the legal clock, not from the cache
    assert "Overdue (2)" in client.get(url("inbox")).content.decode()


def test_cached_inbox_never_reaches_another_person_or_a_signed_out_session(
    town, file_appeal, client, bolat, aidar, at
):
    at(2026, 3, 2)
    file_appeal()
    client.force_login(bolat)
    mine = client.get(url("inbox")).content.decode()
    assert "No appeals here." not in mine
    old_session = client.cookies[settings.SESSION_COOKIE_NAME].value

    client.logout()
    client.cookies[settings.SESSION_COOKIE_NAME] = old_session
    response = client.get(url("inbox"))
    assert response.status_code == 302
    assert "signin" in response["Location"]

    client.force_login(aidar)  # another body's staff: their own, empty inbox
    assert "No appeals here." in client.get(url("inbox")).content.decode()


def test_open311_reads_are_cached_per_language_with_their_headers(town, file_appeal, client, at):
    at(2026, 3, 2)
    appeal = file_appeal()
    first, rendered = counted_get(client, "/open311/v2/requests.json")
    again, cached = counted_get(client, "/open311/v2/requests.json")
    assert again.content == first.content
    assert cached == 1 < rendered
    assert again["Content-Language"] == "en"
    assert again["Access-Control-Allow-Origin"] == "*"
    assert "Accept-Language" in again["Vary"]
    russian = client.get("/open311/v2/requests.json", HTTP_ACCEPT_LANGUAGE="ru")
    assert russian["Content-Language"] == "ru"
    assert russian.content != first.content
    assert str(appeal.pk) in first.content.decode()

    # A POST is never answered from the cache, and the next read shows what it wrote.
    response = client.post("/open311/v2/requests.json", {"service_code": "roads"})
    assert response.status_code in (400, 403)
    assert client.get("/open311/v2/requests.json").content == first.content
