"""GET /api/v1/appeals, /api/v1/appeals/{id} and /api/v1/appeal-statistics: public appeals only,
public fields only, the page's filters, figures equal to the pages', and bad input a 4xx (422
for invalid values), never a 5xx. The set is `handled` of test_statistics.py."""

from __future__ import annotations

import pytest

from esep.accountability.queries.public_appeals import Scope
from esep.accountability.queries.statistics import figures
from tests.accountability.test_statistics import TODAY, handled, ids

__all__ = ["handled"]  # the fixture, imported for pytest

FIELDS = {
    "id",
    "kind",
    "category",
    "unit",
    "body",
    "status",
    "filed_at",
    "deadline",
    "closed_on",
    "on_time",
    "working_days",
    "public_text",
    "answer_text",
    "latitude",
    "longitude",
    "demo",
}


def api_ids(client, query: str = "") -> set[int]:
    response = client.get(f"/api/v1/appeals?limit=1000&{query}")
    assert response.status_code == 200, (query, response.content)
    body = response.json()
    assert body["count"] == len(body["items"])
    return {item["id"] for item in body["items"]}


def test_list_has_public_appeals_with_public_fields_only(client, handled):
    response = client.get("/api/v1/appeals")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 6
    assert {item["id"] for item in body["items"]} == ids(1, 2, 5, 7, 8, 10, of=handled)
    for item in body["items"]:
        assert set(item) == FIELDS
        assert "rating" not in item and "applicant_name" not in item
    a1 = next(item for item in body["items"] if item["id"] == handled.appeal[1].pk)
    assert a1["category"] == {"code": "roads", "name": "Жолдар"}  # no language: Kazakh
    assert a1["body"] == {"id": handled.B.pk, "name": "Әкімдік, Belbulak"}
    assert a1["unit"] == {"id": handled.town.kendala.pk, "name": "Kendala"}
    assert (a1["status"], a1["on_time"], a1["working_days"]) == ("answered", True, 3)
    assert (a1["latitude"], a1["longitude"]) == (43.55, 77.45)
    assert a1["public_text"] == "Public text of appeal 1."
    assert a1["answer_text"] == "Repaired on 4 February."
    assert (a1["deadline"], a1["closed_on"]) == ("2026-02-23", "2026-02-05")
    assert a1["demo"] is False


def test_list_filters_are_the_pages(client, handled):
    h, b = handled, f"body={handled.B.pk}"
    assert api_ids(client, b) == ids(1, 2, 5, 7, 8, 10, of=h)
    assert api_ids(client, f"{b}&outcome=late&month=2026-02") == ids(2, of=h)
    assert api_ids(client, f"{b}&outcome=forwarded") == ids(5, 7, of=h)
    assert api_ids(client, f"bodies_in={h.town.talgar.pk}&outcome=overdue") == ids(5, 8, of=h)
    assert api_ids(client, "category=water") == ids(10, of=h)
    assert api_ids(client, "status=forwarded_out") == ids(7, of=h)
    assert api_ids(client, f"unit={h.town.kendala.pk}") == ids(1, 2, 5, 7, 8, 10, of=h)


def test_list_pages(client, handled):
    body = client.get("/api/v1/appeals?limit=2&offset=2").json()
    assert body["count"] == 6 and len(body["items"]) == 2
    everything = client.get("/api/v1/appeals").json()["items"]
    assert [i["id"] for i in body["items"]] == [i["id"] for i in everything[2:4]]


def test_one_appeal(client, handled):
    a1, a3 = handled.appeal[1], handled.appeal[3]
    response = client.get(f"/api/v1/appeals/{a1.pk}")
    assert response.status_code == 200 and set(response.json()) == FIELDS
    assert client.get(f"/api/v1/appeals/{a3.pk}").status_code == 404  # not public
    assert client.get("/api/v1/appeals/999999").status_code == 404
    assert client.get("/api/v1/appeals/0").status_code == 422
    assert client.get("/api/v1/appeals/99999999999999999999999").status_code == 422


def test_statistics_of_a_body(client, handled):
    response = client.get(f"/api/v1/appeal-statistics?body={handled.B.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["body"] == {"id": handled.B.pk, "name": "Әкімдік, Belbulak"}
    assert body["unit"] is None and body["date"] == TODAY.isoformat()
    assert body["received"] == {"count": 10, "public": 6, "query": f"body={handled.B.pk}"}
    assert body["late"]["count"] == 1 and body["overdue"]["count"] == 1
    assert body["forwarded"]["count"] == 3 and body["forwarded_on_time"]["count"] == 2
    assert body["extended"]["count"] == 1 and body["satisfied"]["count"] == 2
    assert body["on_time_share"] == pytest.approx(0.8)
    assert body["median_working_days"] == 3
    assert body["mean_rating"] == pytest.approx(11 / 3)
    assert [c["code"] for c in body["by_category"]] == ["roads", "water"]
    assert len(body["by_month"]) == 24 and body["by_month"][-1]["month"] == "2026-03"
    assert body["by_month"][-2]["received"]["count"] == 8
    assert "rating" not in body and body["demo"] is False


def test_every_statistics_query_lists_its_public_appeals(client, handled):
    body = client.get(f"/api/v1/appeal-statistics?body={handled.B.pk}").json()
    tallies = [value for value in body.values() if isinstance(value, dict) and "query" in value] + [
        row[name] for row in body["by_month"] + body["by_category"] for name in ("late", "open")
    ]
    assert len(tallies) > 20
    for tally in tallies:
        assert len(api_ids(client, tally["query"])) == tally["public"], tally


def test_statistics_of_a_unit_are_the_pages(client, handled):
    body = client.get(f"/api/v1/appeal-statistics?unit={handled.town.talgar.pk}").json()
    expected = figures(Scope(unit=handled.town.talgar), TODAY)
    assert body["unit"] == {"id": handled.town.talgar.pk, "name": "Talgar"}
    assert body["received"]["count"] == expected.received.total == 12
    assert body["median_working_days"] == expected.median_days == 2.5
    assert body["received"]["query"] == f"bodies_in={handled.town.talgar.pk}"


@pytest.mark.parametrize(
    "query", ["body=abc", "body=0", "unit=-1", "body=99999999999999999999999", "unit=1.5"]
)
def test_statistics_refuse_invalid_values_with_422(client, handled, query):
    response = client.get(f"/api/v1/appeal-statistics?{query}")
    assert response.status_code == 422, query
    assert response.json()["error"]["code"] == "invalid"


def test_statistics_of_what_does_not_exist_are_404(client, handled):
    for query in (
        "body=999999",
        "unit=999999",
        f"body={handled.B.pk}&unit={handled.town.oblast.parent.pk + 999999}",
    ):
        response = client.get(f"/api/v1/appeal-statistics?{query}")
        assert response.status_code == 404, query
        assert response.json()["error"]["code"] == "http_error"


def test_statistics_with_both_or_neither(client, handled):
    """Both: the body's figures if it is one of the unit's; neither: every body on esep."""
    h = handled
    both = client.get(f"/api/v1/appeal-statistics?body={h.B.pk}&unit={h.town.talgar.pk}")
    assert both.status_code == 200 and both.json()["received"]["count"] == 10
    outside = client.get(f"/api/v1/appeal-statistics?body={h.T.pk}&unit={h.town.belbulak.pk}")
    assert outside.status_code == 404
    everything = client.get("/api/v1/appeal-statistics").json()
    assert (everything["body"], everything["unit"]) == (None, None)
    # Every appeal once where it is now, and a5 and a6 once more where they came from.
    assert everything["received"]["count"] == 12 and everything["decided"]["count"] == 6
    assert everything["received"]["query"] == ""


@pytest.mark.parametrize(
    "query",
    [
        "outcome=nope",
        "status=lost",
        "month=2026-13",
        "month=0000-01",
        "month=March",
        "category=a%20b",
        "body=abc",
        "unit=0",
        "limit=0",
        "limit=100000",
        "offset=-1",
    ],
)
def test_list_refuses_invalid_filters_with_422(client, handled, query):
    response = client.get(f"/api/v1/appeals?{query}")
    assert response.status_code == 422, (query, response.content)
    assert response.json()["error"]["code"] == "invalid"


@pytest.mark.parametrize(
    "query", ["body=999999", "bodies_in=999999", "unit=999999", "category=nope"]
)
def test_list_filters_naming_nothing_are_404(client, handled, query):
    response = client.get(f"/api/v1/appeals?{query}")
    assert response.status_code == 404, query
    assert response.json()["error"]["code"] == "http_error"


def test_body_and_bodies_in_together(client, handled):
    h = handled
    assert api_ids(client, f"body={h.B.pk}&bodies_in={h.town.talgar.pk}") == ids(
        1, 2, 5, 7, 8, 10, of=h
    )
    assert api_ids(client, f"body={h.B.pk}&bodies_in={h.town.kendala.pk}") == set()


def test_unknown_parameters_are_ignored(client, handled):
    assert api_ids(client, "colour=blue") == ids(1, 2, 5, 7, 8, 10, of=handled)
