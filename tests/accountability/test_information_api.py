"""Requests for information at /api/v1: public requests only, public fields only (never the
requester), filters and paging, one request with its thread and document links, 4xx with the
one error shape for bad input, and a constant number of queries."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from esep.accountability.actions import information as actions
from esep.accountability.models import InformationFile
from esep.core.actions import Actor
from tests.accountability.test_information_fixtures import (  # noqa: F401
    PDF,
    fixture_ask,
    fixture_law,
    fixture_media,
)
from tests.api.test_api import assert_error

FIELDS = {
    "id", "title", "text", "body_id", "body_kind", "unit_id", "law", "state", "status",
    "sent_on", "term_started_on", "due_on", "extended_due_on", "deadline",
    "very_overdue_after", "answered_on", "on_time", "demo", "url",
}  # fmt: skip


def body(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json()


def test_public_requests_with_public_fields_only(client, at, ask, town, aidar):
    at(2026, 3, 2)
    made = ask()
    hidden = ask(title="Hidden one")
    actions.hide_information_request(Actor.of(aidar), hidden, reason="Personal data.")
    listing = body(client, "/api/v1/information-requests")
    assert listing["count"] == 1
    [item] = listing["items"]
    assert set(item) == FIELDS
    assert item["id"] == made.pk and item["body_id"] == town.talgar_akimat.pk
    assert item["unit_id"] == town.talgar.pk and item["body_kind"] == "akimat"
    assert item["law"] == "kz-401-v-art-11" and item["state"] == item["status"]
    assert item["sent_on"] == "2026-03-02" and item["deadline"] == "2026-03-17"
    assert item["url"] == f"/kk/information/{made.pk}/" and item["demo"] is False
    text = str(listing)
    assert "aigerim" not in text.lower() and "requester" not in text


def test_one_request_with_its_thread_and_documents(client, at, ask, aidar):
    at(2026, 3, 2)
    made = ask()
    at(2026, 3, 5)
    actions.answer_information_request(
        Actor.of(aidar), made, text="Attached.", outcome="successful",
        files=[("contracts.pdf", PDF, "application/pdf")],
    )  # fmt: skip
    found = body(client, f"/api/v1/information-requests/{made.pk}")
    assert set(found) == FIELDS | {"messages"}
    assert found["answered_on"] == "2026-03-05" and found["on_time"] is True
    assert [m["kind"] for m in found["messages"]] == ["request", "answer"]
    answer = found["messages"][1]
    assert set(answer) == {"kind", "direction", "text", "at", "state_after", "files"}
    assert answer["direction"] == "from_body" and answer["state_after"] == "successful"
    document = InformationFile.objects.get()
    assert answer["files"] == [
        {
            "id": document.pk, "name": "contracts.pdf", "content_type": "application/pdf",
            "size": len(PDF), "sha256": document.sha256,
            "url": f"/kk/information/{made.pk}/files/{document.pk}/",
        }
    ]  # fmt: skip
    assert client.get(answer["files"][0]["url"]).status_code == 200
    assert "author" not in str(found)


def test_hidden_and_missing_requests_are_not_found(client, ask, aidar, aigerim):
    made = ask()
    actions.hide_information_request(Actor.of(aidar), made, reason="Personal data.")
    client.force_login(aigerim)  # even the requester: the API is open data
    assert_error(client.get(f"/api/v1/information-requests/{made.pk}"), 404, "not_found")
    assert_error(client.get("/api/v1/information-requests/999999"), 404, "not_found")


def test_filters(client, at, ask, town, aidar):
    at(2026, 3, 2)
    late = ask(title="Late")
    belbulak = ask(title="Belbulak", body=town.belbulak_akimat)
    done = ask(title="Done")
    actions.answer_information_request(Actor.of(aidar), done, text="Here.", outcome="not_held")
    at(2026, 3, 20)

    def ids(query: str) -> set[int]:
        cache.clear()
        return {i["id"] for i in body(client, f"/api/v1/information-requests?{query}")["items"]}

    assert ids("status=overdue") == {late.pk, belbulak.pk}
    assert ids("status=very_overdue") == set()
    assert ids("status=not_held") == {done.pk}
    assert ids(f"unit={town.belbulak.pk}") == {belbulak.pk}
    assert ids(f"unit={town.talgar.pk}") == {late.pk, belbulak.pk, done.pk}
    assert ids(f"body={town.belbulak_akimat.pk}") == {belbulak.pk}
    assert ids("unit=999999") == set()
    statuses = {i["id"]: i["status"] for i in body(client, "/api/v1/information-requests")["items"]}
    assert statuses == {late.pk: "overdue", belbulak.pk: "overdue", done.pk: "not_held"}


@pytest.mark.parametrize(
    "query",
    [
        "status=lost",
        "body=0",
        "body=x",
        "unit=-1",
        "unit=99999999999999999999",
        "limit=0",
        "limit=1001",
        "offset=-1",
    ],
)
def test_bad_input_is_a_422(client, law, query):
    assert_error(client.get(f"/api/v1/information-requests?{query}"), 422, "invalid")


@pytest.mark.parametrize("path", ["0", "x", "99999999999999999999"])
def test_bad_ids_are_4xx(client, law, path):
    response = client.get(f"/api/v1/information-requests/{path}")
    assert 400 <= response.status_code < 500
    assert set(response.json()) == {"error"}


def test_paging(client, ask):
    with override_settings(ESEP_INFORMATION_REQUESTS_PER_HOUR_ACCOUNT=100):
        made = [ask(title=f"Q{i}").pk for i in range(7)]
    first = body(client, "/api/v1/information-requests?limit=5")
    second = body(client, "/api/v1/information-requests?limit=5&offset=5")
    assert first["count"] == second["count"] == 7
    got = [i["id"] for i in first["items"] + second["items"]]
    assert sorted(got) == sorted(made) and got == sorted(made, reverse=True)


@override_settings(ESEP_INFORMATION_REQUESTS_PER_HOUR_ACCOUNT=1000)
def test_queries_stay_constant(client, ask, aidar):
    def grow(n: int) -> None:
        for i in range(n):
            made = ask(title=f"Q{i}")
            actions.answer_information_request(
                Actor.of(aidar), made, text="Here.", outcome="successful",
                files=[("a.pdf", PDF, "application/pdf")],
            )  # fmt: skip

    def count(url: str) -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    grow(3)
    few = count("/api/v1/information-requests")
    one = count(f"/api/v1/information-requests/{ask(title='One').pk}")
    grow(27)
    assert count("/api/v1/information-requests") == few
    made = ask(title="Long thread")
    for _ in range(3):
        actions.answer_information_request(
            Actor.of(aidar), made, text="Here.", outcome="rejected",
            files=[("a.pdf", PDF, "application/pdf")],
        )  # fmt: skip
        actions.request_internal_review(Actor.of(made.requester), made, text="Review.")
    assert count(f"/api/v1/information-requests/{made.pk}") == one
