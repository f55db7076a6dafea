"""The JSON API: open data with paging, one error shape, 4xx for bad input, never 5xx."""

import pytest


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["details"], list)
    return body["error"]


def test_units_are_listed_with_paging(client, regions):
    body = client.get("/api/v1/units?limit=5&offset=0").json()
    assert body["count"] == 21 and len(body["items"]) == 5
    shymkent = client.get("/api/v1/units?kind=republican_city&limit=100").json()["items"]
    assert {u["iso_code"] for u in shymkent} == {"KZ-71", "KZ-75", "KZ-79"}
    one = client.get(f"/api/v1/units/{regions['KZ-79'].pk}").json()
    assert one["ocd_id"] == "ocd-division/country:kz/region:kz-79"
    assert one["name_kk"] == "Шымкент"


def test_ledger_is_open_data(client, regions):
    body = client.get("/api/v1/ledger?limit=2").json()
    assert body["count"] == 21
    assert body["items"][0]["seq"] == 21
    assert body["items"][0]["prev_hash"] == body["items"][1]["entry_hash"]


@pytest.mark.parametrize("query", ["limit=-1", "limit=abc", "offset=-5", "parent=x"])
def test_bad_query_values_get_422_with_details(client, regions, query):
    error = assert_error(client.get(f"/api/v1/units?{query}"), 422, "invalid")
    assert error["details"] and "loc" in error["details"][0]


def test_unknown_records_and_paths_get_404_json(client, db):
    assert_error(client.get("/api/v1/units/999999"), 404, "not_found")
    assert_error(client.get("/api/v1/units/not-a-number"), 422, "invalid")
    assert_error(client.get("/api/v1/no-such-thing"), 404, "not_found")


def test_wrong_method_gets_405_json(client, db):
    assert_error(client.post("/api/v1/units"), 405, "method_not_allowed")


def test_errors_are_translated_by_accept_language(client, db):
    error = assert_error(
        client.get("/api/v1/units?limit=-1", HTTP_ACCEPT_LANGUAGE="ru"), 422, "invalid"
    )
    assert error["message"] != "The request has invalid values."


def test_openapi_docs_are_served_from_local_files(client, db):
    html = client.get("/api/v1/docs").content.decode()
    assert "swagger" in html.lower()
    assert "cdn" not in html.lower() and "//unpkg" not in html
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/units" in schema["paths"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/units?offset=99999999999999999999",
        "/api/v1/units?limit=83729190537834377773056",
        "/api/v1/units?parent=100000000000000000000000",
        "/api/v1/units?kind=galaxy",
        "/api/v1/ledger?limit=1001",
        "/api/v1/units/99999999999999999999999",
        "/api/v1/units/0",
    ],
)
def test_out_of_range_values_are_invalid_not_server_errors(client, db, url):
    assert_error(client.get(url), 422, "invalid")


def test_bad_request_under_api_is_json(client, db, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = client.post("/api/v1/units", data="x" * 5000, content_type="text/plain")
    assert response.status_code in (400, 405)
    assert response["Content-Type"].startswith("application/json")
