"""Open data of the registry: filtered, paged lists with a constant number of queries; bad
values get 4xx; Popolo export through the API."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.territory.test_pages import grow


def items(client, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json()["items"]


def test_units_filters(client, registry):
    talgar = registry.talgar
    assert [u["id"] for u in items(client, f"/api/v1/units?parent={talgar.pk}")] == [
        registry.belbulak.pk
    ]
    under = {u["id"] for u in items(client, f"/api/v1/units?under={talgar.pk}")}
    assert under == {talgar.pk, registry.belbulak.pk, registry.kendala.pk}
    assert items(client, "/api/v1/units?kato=195243000")[0]["id"] == registry.belbulak.pk
    assert items(client, "/api/v1/units?iso_code=kz-79")[0]["name_en"] == "Shymkent"
    assert items(client, "/api/v1/units?q=Almaty%20oblysy")[0]["iso_code"] == "KZ-19"
    assert items(client, "/api/v1/units?under=999999") == []
    assert len(items(client, "/api/v1/units?in_force=false")) == 0


def test_bodies_posts_people_mandates(client, registry):
    talgar = registry.talgar
    assert {b["kind"] for b in items(client, f"/api/v1/bodies?unit={talgar.pk}")} == {
        "akimat",
        "maslikhat",
    }
    seats = items(client, f"/api/v1/posts?unit={talgar.pk}&kind=district_deputy")
    assert [p["number"] for p in seats] == [1, 2]
    assert items(client, "/api/v1/people?q=Akhmetov")[0]["family_name"] == "Ахметов"
    rural = items(client, f"/api/v1/mandates?person={registry.people.rural_akim.pk}")
    assert {m["basis"] for m in rural} == {"elected_indirect", "elected_direct"}
    current = items(
        client, f"/api/v1/mandates?under={registry.oblast.pk}&current=true&post_kind=akim"
    )
    assert len(current) == 3
    assert items(client, "/api/v1/mandates?party=amanat")[0]["party"] == "AMANAT"
    one = client.get(f"/api/v1/mandates/{registry.rural_mandate.pk}").json()
    assert one["term_ends"] == "2025-07-25" and one["unit_id"] == registry.belbulak.pk


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/units?kind=planet",
        "/api/v1/mandates?basis=inherited",
        "/api/v1/mandates?current=perhaps",
        "/api/v1/posts?under=0",
        "/api/v1/people?limit=5000",
        "/api/v1/popolo?under=-1",
    ],
)
def test_bad_values_get_422(client, registry, url):
    response = client.get(url)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"


def test_unknown_person_and_unit_get_404(client, registry):
    assert client.get("/api/v1/people/999999").status_code == 404
    assert client.get("/api/v1/popolo?under=999999").status_code == 404


def test_popolo_export_through_the_api(client, registry):
    body = client.get(f"/api/v1/popolo?under={registry.talgar.pk}").json()
    assert set(body) == {"persons", "organizations", "posts", "memberships", "areas"}
    assert len(body["areas"]) == 3


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_api_list_queries_do_not_grow(client, registry):
    urls = [
        "/api/v1/units?limit=1000",
        f"/api/v1/units?under={registry.oblast.pk}",
        "/api/v1/bodies",
        "/api/v1/posts?limit=1000",
        "/api/v1/people?q=a",
        f"/api/v1/mandates?under={registry.oblast.pk}&limit=1000",
        f"/api/v1/popolo?under={registry.oblast.pk}",
    ]
    before = {url: _count(client, url) for url in urls}
    grow(registry)
    assert {url: _count(client, url) for url in urls} == before
