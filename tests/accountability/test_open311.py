"""Open311 GeoReport v2 at /open311/v2/: the services, filing an appeal with an API key, the
requests and their updates, in XML and JSON; bad input gives Open311 errors and writes
nothing; nothing private ever shows.

The scene (Almaty Region, see conftest): roads in Kendala go to Belbulak's akimat, where bolat
works. `fms` is a client application holding an API key; `scene` files appeals in every
state."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlencode, urlparse

import jsonschema
import pytest
import xmltodict
from django.db import connection
from django.test.utils import CaptureQueriesContext
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from esep.accountability import actions
from esep.accountability.models import Appeal
from esep.core.actions import Actor
from tests.conftest import SYSTEM

ROOT = "/open311/v2/"
SCHEMAS = Path(__file__).resolve().parent / "open311_schemas"
LISTS = ("service", "attribute", "value", "request", "error", "request_update")
KENDALA = {"lat": "43.371234", "long": "77.351234"}  # inside Almaty Region (KZ-19)


# Schemas -----------------------------------------------------------------------------------


def _schema(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


def swagger_definition(name: str) -> dict:
    """A definition of the Swagger file, with the spec's own corrections (docs/open311.md):
    account_id may be null, as in the specification's example answer."""
    definition = _schema("swagger.json")["definitions"][name]
    if name == "RequestResponse":
        definition = json.loads(json.dumps(definition))
        definition["properties"]["account_id"] = {"type": ["string", "null"]}
    return definition


REGISTRY = Registry().with_resources(
    (name, Resource.from_contents(_schema(name), default_specification=DRAFT202012))
    for name in ("request.json", "requests.json", "service.json", "services.json")
)
FORMATS = jsonschema.FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def _w3_datetime(value: object) -> bool:
    """esep writes every datetime with Kazakhstan's offset, to the second."""
    moment = dt.datetime.fromisoformat(str(value))
    return moment.utcoffset() == dt.timedelta(hours=5) and moment.microsecond == 0


@FORMATS.checks("uri")
def _uri(value: object) -> bool:
    parts = urlparse(str(value))
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def validate(instance: object, schema: dict | str) -> None:
    if isinstance(schema, str):
        schema = _schema(schema)
    jsonschema.Draft202012Validator(schema, registry=REGISTRY, format_checker=FORMATS).validate(
        instance
    )


# Helpers -----------------------------------------------------------------------------------


def get(client, path: str, **params):
    return client.get(ROOT + path, params)


def post(client, fmt: str, data: dict, **headers):
    return client.post(
        f"{ROOT}requests.{fmt}",
        urlencode(data, doseq=True),
        content_type="application/x-www-form-urlencoded",
        headers=headers,
    )


def parse_xml(response) -> dict:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    return xmltodict.parse(response.content, force_list=LISTS)


def errors_of(response, fmt: str) -> list[tuple[int, str]]:
    """The Open311 errors of an answer, checked for shape: [(code, description)]."""
    if fmt == "json":
        assert response["Content-Type"] == "application/json; charset=utf-8"
        data = response.json()
        assert isinstance(data, list) and data
        assert all(set(item) == {"code", "description"} for item in data)
        return [(item["code"], item["description"]) for item in data]
    data = parse_xml(response)
    return [(int(item["code"]), item["description"]) for item in data["errors"]["error"]]


def staff_for(town, people: dict, appeal: Appeal):
    return {town.belbulak_akimat.pk: people["bolat"], town.talgar_akimat.pk: people["aidar"]}[
        appeal.body_id
    ]


def issue_fms_key() -> SimpleNamespace:
    """FixMyStreet Kazakhstan's client record and API key."""
    client, key = actions.issue_api_key(
        SYSTEM, name="FixMyStreet Kazakhstan", contact_email="dev@fms.example.kz"
    )
    return SimpleNamespace(client=client, key=key)


@pytest.fixture
def fms(town):
    """FixMyStreet Kazakhstan holds an API key."""
    return issue_fms_key()


@pytest.fixture
def scene(town, at, file_appeal, bolat, aidar, settings):
    """Appeals in every state, filed on 2 March 2026 and handled over the next days:
    `published` (consented, published, answered), `private` (no consent, answered),
    `unmoderated` (consented, never published, open), `left`, `out` (forwarded outside esep),
    `extended` (assigned, then extended), `forwarded` (to Talgar's akimat)."""
    settings.ESEP_APPEALS_PER_HOUR_ACCOUNT = 100
    at(2026, 3, 2)
    bolat_actor = Actor.of(bolat)
    published = file_appeal(
        text="Private original text with Aigerim's flat number 12.",
        address="Abai street 5",
        latitude="43.371234",
        longitude="77.351234",
    )
    private = file_appeal(
        text="SECRET-TEXT about my neighbour",
        address="SECRET-ADDRESS 7",
        latitude="43.365432",
        longitude="77.345678",
        consent_public=False,
        applicant_phone="+77011234567",
    )
    unmoderated = file_appeal(text="UNMODERATED-TEXT", address="UNMODERATED-ADDRESS")
    left = file_appeal(text="LEFT-TEXT")
    out = file_appeal(text="OUT-TEXT")
    extended = file_appeal(text="EXTENDED-TEXT")
    forwarded = file_appeal(text="FORWARDED-TEXT")
    at(2026, 3, 3)
    actions.publish_appeal(bolat_actor, published, public_text="Potholes near the school.")
    actions.answer_appeal(bolat_actor, published, text="The street will be repaired by May.")
    actions.answer_appeal(bolat_actor, private, text="ANSWER-SECRET for the applicant only")
    actions.leave_appeal(bolat_actor, left, reason="no_substance", note="LEFT-NOTE")
    actions.forward_appeal_out(
        bolat_actor, out, organisation="Police of Talgar district", reason="OUT-REASON"
    )
    actions.assign_appeal(bolat_actor, extended, assignee=bolat)
    actions.extend_appeal(bolat_actor, extended, reason="EXTEND-REASON")
    actions.forward_appeal(bolat_actor, forwarded, to_body=town.talgar_akimat, reason="FWD-REASON")
    at(2026, 3, 4)
    refresh = {a.pk: a for a in Appeal.objects.all()}
    return SimpleNamespace(
        published=refresh[published.pk],
        private=refresh[private.pk],
        unmoderated=refresh[unmoderated.pk],
        left=refresh[left.pk],
        out=refresh[out.pk],
        extended=refresh[extended.pk],
        forwarded=refresh[forwarded.pk],
        bolat=bolat,
        aidar=aidar,
    )


def fms_form(fms, **overrides) -> dict:
    """The parameters FixMyStreet's Open311.pm sends for a report, plus a category question."""
    form = {
        "api_key": fms.key,
        "jurisdiction_id": "kz",
        "service_code": "roads",
        **KENDALA,
        "address_string": "Abai street 5",
        "email": "daniyar@example.kz",
        "first_name": "Daniyar",
        "last_name": "Seitkali",
        "phone": "+77017654321",
        "description": "Deep pothole in front of house 5.",
        "media_url": "https://fms.example.kz/photo/1.jpeg",
        "attribute[title]": "Pothole on Abai street",
        "attribute[description]": "Deep pothole in front of house 5.",
        "attribute[external_id]": "1234",
        "attribute[report_url]": "https://fms.example.kz/report/1234",
        "attribute[closest_address]": "Abai street 5, Kendala",
        "attribute[hazard]": "yes",
    }
    form.update(overrides)
    return {key: value for key, value in form.items() if value is not None}


# Discovery, services, service definitions ---------------------------------------------------


def test_discovery_names_the_endpoint_and_its_formats(client, db):
    data = get(client, "discovery.json").json()
    endpoint = data["endpoints"][0]
    assert endpoint["url"] == "http://testserver/open311/v2/"
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    xml = parse_xml(get(client, "discovery.xml"))["discovery"]
    assert xml["endpoints"]["endpoint"]["formats"]["format"] == ["text/xml", "application/json"]
    assert xml["changeset"] == data["changeset"]


def test_services_list_every_active_category_in_the_requested_language(client, town):
    data = get(client, "services.json").json()
    validate(data, "services.json")
    by_code = {service["service_code"]: service for service in data}
    assert len(by_code) == 13
    assert by_code["roads"] == {
        "service_code": "roads",
        "service_name": "Roads",
        "description": "Potholes, road surface, pavements, snow clearing",
        "metadata": True,
        "type": "realtime",
        "keywords": "road,pothole,snow,pavement",
        "group": "transport",
    }
    assert by_code["schools"]["metadata"] is False
    assert get(client, "services.json", locale="ru").json()[0]["service_name"] == "Дороги"
    kazakh = client.get(ROOT + "services.json", headers={"accept-language": "kk,ru;q=0.8"})
    assert kazakh.json()[0]["service_name"] == "Жолдар"
    assert kazakh["Content-Language"] == "kk"
    assert "Accept-Language" in kazakh["Vary"]
    xml = parse_xml(get(client, "services.xml", locale="en_US"))
    services = xml["services"]["service"]
    assert [s["service_code"] for s in services] == [s["service_code"] for s in data]
    assert services[0]["metadata"] == "true" and services[0]["service_name"] == "Roads"


def test_an_inactive_category_is_not_offered(client, town):
    town.category["land"].is_active = False
    town.category["land"].save()
    codes = {s["service_code"] for s in get(client, "services.json").json()}
    assert "land" not in codes and "roads" in codes
    assert get(client, "services/land.json").status_code == 404


def test_service_definition_lists_the_questions_with_their_values(client, town):
    data = get(client, "services/water.json").json()
    validate(data, "service-definition.json")
    (question,) = data["attributes"]
    assert question["code"] == "problem" and question["datatype"] == "singlevaluelist"
    assert question["variable"] is True and question["required"] is True
    assert question["order"] == 1 and question["description"] == "What is the problem?"
    assert question["values"][0] == {"key": "no_water", "name": "No water"}
    assert question["datatype_description"]
    heating = get(client, "services/heating.json", locale="ru").json()
    assert [a["code"] for a in heating["attributes"]] == ["residents", "since"]
    assert [a["order"] for a in heating["attributes"]] == [1, 2]
    assert heating["attributes"][0]["description"] == "Сколько жителей затронуто?"
    assert heating["attributes"][0]["values"] == []
    xml = parse_xml(get(client, "services/water.xml"))["service_definition"]
    (attribute,) = xml["attributes"]["attribute"]
    assert attribute["required"] == "true" and attribute["order"] == "1"
    assert [v["key"] for v in attribute["values"]["value"]] == [
        "no_water",
        "quality",
        "sewer",
        "leak",
    ]
    assert get(client, "services/schools.json").json() == {
        "service_code": "schools",
        "attributes": [],
    }


BAD_READS = [
    ("requests", {"start_date": "yesterday"}, 400),
    ("requests", {"end_date": "2026-13-01T00:00:00Z"}, 400),
    ("requests", {"start_date": "2025-01-01T00:00:00Z", "end_date": "2025-06-01T00:00:00Z"}, 400),
    ("requests", {"start_date": "2026-03-02T00:00:00Z", "end_date": "2026-03-01T00:00:00Z"}, 400),
    ("requests", {"status": "pending"}, 400),
    ("requests", {"service_request_id": "1,abc"}, 400),
    ("requests", {"jurisdiction_id": "sf"}, 404),
    ("servicerequestupdates", {"start_date": "2025-01-01", "end_date": "2026-01-01"}, 400),
    ("servicerequestupdates", {"start_date": "soon"}, 400),
    ("requests/999999", {}, 404),
    ("tokens/ffffffff", {}, 404),
    ("services/rockets", {}, 404),
    ("services", {"jurisdiction_id": "sf"}, 404),
]


@pytest.mark.parametrize("fmt", ["xml", "json"])
@pytest.mark.parametrize(("path", "params", "status"), BAD_READS)
def test_bad_reads_are_open311_errors(client, town, at, fmt, path, params, status):
    at(2026, 3, 2)
    response = get(client, f"{path}.{fmt}", **params)
    assert response.status_code == status
    assert [code for code, _text in errors_of(response, fmt)] == [status]


def test_unknown_formats_and_addresses_are_open311_404s(client, db):
    response = get(client, "services.html")
    assert response.status_code == 404
    assert "format" in errors_of(response, "xml")[0][1]
    response = get(client, "nothing/here.json")
    assert response.status_code == 404 and errors_of(response, "json")[0][0] == 404
    assert get(client, "").status_code == 404


def test_other_methods_are_refused(client, db):
    response = client.post(ROOT + "services.xml")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert errors_of(response, "xml")[0][0] == 405
    response = client.delete(ROOT + "requests.json")
    assert response.status_code == 405
    assert response["Allow"] == "GET, POST, HEAD"
    assert errors_of(response, "json")[0][0] == 405


# Reading requests ----------------------------------------------------------------------------


def test_requests_list_every_appeal_newest_first_with_the_legal_deadline(client, scene):
    data = get(client, "requests.json").json()
    validate(data, "requests.json")
    assert [int(r["service_request_id"]) for r in data] == sorted(
        (a.pk for a in vars(scene).values() if isinstance(a, Appeal)), reverse=True
    )
    by_id = {int(r["service_request_id"]): r for r in data}
    published = by_id[scene.published.pk]
    assert published == {
        "service_request_id": str(scene.published.pk),
        "status": "closed",
        "status_notes": "The street will be repaired by May.",
        "service_name": "Roads",
        "service_code": "roads",
        "description": "Potholes near the school.",
        "agency_responsible": "Akimat — Belbulak",
        "service_notice": "Closed on 2026-03-03, within the legal term.",
        "requested_datetime": "2026-03-02T10:00:00+05:00",
        "updated_datetime": "2026-03-03T10:00:00+05:00",
        "expected_datetime": f"{scene.published.deadline}T23:59:59+05:00",
        "address": "Abai street 5, Kendala",
        "address_id": "195243100",
        "lat": 43.371234,
        "long": 77.351234,
        "media_url": None,
    }
    assert by_id[scene.private.pk]["status_notes"] == "Answered."
    assert by_id[scene.left.pk]["status_notes"] == "The text cannot be read or asks nothing"
    assert by_id[scene.out.pk]["status_notes"] == (
        "Forwarded to Police of Talgar district, outside esep."
    )
    extended = by_id[scene.extended.pk]
    assert extended["status"] == "open"
    assert extended["status_notes"] == f"The term was extended to {scene.extended.deadline}."
    assert extended["expected_datetime"] == f"{scene.extended.deadline}T23:59:59+05:00"
    assert extended["service_notice"] == (
        f"Akimat — Belbulak must answer by {scene.extended.deadline}."
    )
    assert by_id[scene.forwarded.pk]["agency_responsible"] == "Akimat — Talgar"
    assert by_id[scene.unmoderated.pk]["status_notes"] == "Registered"


def test_requests_filter_by_status_service_and_ids(client, scene, town, at, file_appeal):
    at(2026, 3, 4)
    file_appeal(category=town.category["heating"], attributes={})
    open_ids = {r["service_request_id"] for r in get(client, "requests.json", status="open").json()}
    assert open_ids == {
        str(a.pk) for a in Appeal.objects.filter(status__in=("registered", "in_progress"))
    }
    closed = get(client, "requests.json", status="closed").json()
    assert {r["status"] for r in closed} == {"closed"} and len(closed) == 4
    both = get(client, "requests.json", status="open,closed").json()
    assert len(both) == 8
    heating = get(client, "requests.json", service_code="heating,water").json()
    assert [r["service_code"] for r in heating] == ["heating"]
    wanted = f"{scene.left.pk}, {scene.out.pk},999999"
    chosen = get(client, "requests.json", service_request_id=wanted, status="open").json()
    assert {r["service_request_id"] for r in chosen} == {str(scene.left.pk), str(scene.out.pk)}


def test_requests_default_to_the_last_90_days(client, scene, at):
    assert len(get(client, "requests.json").json()) == 7
    at(2026, 5, 30)  # 89 days after filing
    assert len(get(client, "requests.json").json()) == 7
    at(2026, 6, 1)
    assert get(client, "requests.json").json() == []
    window = {"start_date": "2026-03-01T00:00:00Z", "end_date": "2026-03-02T04:59:59Z"}
    assert len(get(client, "requests.json", **window).json()) == 0
    window["end_date"] = "2026-03-02T05:00:00Z"  # 10:00 in Almaty
    assert len(get(client, "requests.json", **window).json()) == 7
    assert len(get(client, "requests.json", start_date="2026-03-02").json()) == 7
    assert len(get(client, "requests.json", end_date="2026-03-01").json()) == 0
    assert len(get(client, "requests.xml", start_date="2026-03-02T10:00:00 05:00").content) > 500


def test_requests_are_capped_at_1000(client, scene, monkeypatch):
    from esep.accountability.open311 import queries

    monkeypatch.setattr(queries, "LIMIT", 3)
    assert len(get(client, "requests.json").json()) == 3


def test_one_request_in_both_formats(client, scene):
    data = get(client, f"requests/{scene.published.pk}.json").json()
    validate(data, "requests.json")
    assert len(data) == 1 and data[0]["description"] == "Potholes near the school."
    xml = parse_xml(get(client, f"requests/{scene.published.pk}.xml"))
    (request,) = xml["service_requests"]["request"]
    assert request["service_request_id"] == str(scene.published.pk)
    assert request["lat"] == "43.371234" and request["status"] == "closed"
    assert request["media_url"] is None
    # The Swagger file's singular spelling answers the same.
    assert get(client, f"request/{scene.published.pk}.json").json() == data


def test_a_token_gives_the_request_id(client, scene):
    token = scene.private.token
    data = get(client, f"tokens/{token}.json").json()
    assert data == [{"token": token, "service_request_id": str(scene.private.pk)}]
    validate(data[0], swagger_definition("TokenResponse"))
    xml = parse_xml(get(client, f"tokens/{token}.xml"))
    assert xml["service_requests"]["request"][0]["service_request_id"] == str(scene.private.pk)


# Updates -------------------------------------------------------------------------------------


def test_updates_map_each_step_to_a_fixmystreet_status(client, scene):
    data = get(client, "servicerequestupdates.json").json()
    statuses: dict[int, list[str]] = {}
    for update in data:
        statuses.setdefault(int(update["service_request_id"]), []).append(update["status"])
        assert set(update) == {
            "update_id",
            "service_request_id",
            "status",
            "updated_datetime",
            "description",
            "media_url",
            "external_status_code",
        }
    assert statuses[scene.published.pk] == ["OPEN", "CLOSED"]  # published is not an update
    assert statuses[scene.private.pk] == ["OPEN", "CLOSED"]
    assert statuses[scene.left.pk] == ["OPEN", "NO_FURTHER_ACTION"]
    assert statuses[scene.out.pk] == ["OPEN", "NOT_COUNCILS_RESPONSIBILITY"]
    assert statuses[scene.extended.pk] == ["OPEN", "INVESTIGATING", "ACTION_SCHEDULED"]
    assert statuses[scene.forwarded.pk] == ["OPEN", "INTERNAL_REFERRAL"]
    times = [u["updated_datetime"] for u in data]
    assert times == sorted(times)
    described = {(int(u["service_request_id"]), u["status"]): u["description"] for u in data}
    assert described[(scene.published.pk, "CLOSED")] == "The street will be repaired by May."
    assert described[(scene.private.pk, "CLOSED")] == "Answered."
    assert described[(scene.published.pk, "OPEN")] == "Registered for Akimat — Belbulak."
    assert described[(scene.forwarded.pk, "INTERNAL_REFERRAL")] == "Forwarded to Akimat — Talgar."
    assert described[(scene.extended.pk, "INVESTIGATING")] == "An official is handling the appeal."
    xml = parse_xml(
        get(
            client,
            "servicerequestupdates.xml",
            start_date="2026-03-03T00:00:00+05:00",
            end_date="2026-03-04T00:00:00+05:00",
            api_key="ignored",
        )
    )
    updates = xml["service_request_updates"]["request_update"]
    assert {u["status"] for u in updates} == {
        "CLOSED",
        "NO_FURTHER_ACTION",
        "NOT_COUNCILS_RESPONSIBILITY",
        "INVESTIGATING",
        "ACTION_SCHEDULED",
        "INTERNAL_REFERRAL",
    }
    assert all(u["media_url"] is None for u in updates)


# Privacy -------------------------------------------------------------------------------------


def test_nothing_private_shows_in_any_answer(client, scene, fms, at):
    at(2026, 3, 4)
    form = fms_form(fms, description="FMS-PRIVATE-TEXT", address_string="FMS-ADDRESS 9")
    form["attribute[closest_address]"] = "FMS-CLOSEST 3"
    filed = post(client, "json", form)
    fms_id = filed.json()[0]["service_request_id"]
    secrets = [
        "SECRET-TEXT",
        "SECRET-ADDRESS",
        "43.365432",
        "77.345678",
        "ANSWER-SECRET",
        "UNMODERATED-TEXT",
        "UNMODERATED-ADDRESS",
        "LEFT-TEXT",
        "LEFT-NOTE",
        "OUT-TEXT",
        "OUT-REASON",
        "EXTENDED-TEXT",
        "EXTEND-REASON",
        "FORWARDED-TEXT",
        "FWD-REASON",
        "Private original text",
        "FMS-PRIVATE-TEXT",
        "FMS-ADDRESS",
        "FMS-CLOSEST",
        "fms.example.kz",
        "Aigerim",
        "aigerim@example.kz",
        "+77011234567",
        "Daniyar",
        "Seitkali",
        "daniyar@example.kz",
        "+77017654321",
        "Bolat",  # who handles an appeal is not said either
    ]
    paths = [
        "requests",
        f"requests/{scene.private.pk}",
        f"requests/{scene.unmoderated.pk}",
        f"requests/{fms_id}",
        f"tokens/{scene.private.token}",
        "servicerequestupdates",
    ]
    for path in paths:
        for fmt in ("xml", "json"):
            response = get(client, f"{path}.{fmt}")
            assert response.status_code == 200
            text = response.content.decode()
            if path == "requests" or path == "servicerequestupdates":
                assert str(scene.private.pk) in text  # the private appeal is listed …
            leaked = [secret for secret in secrets if secret in text]
            if fmt == "json":
                text = json.dumps(response.json(), ensure_ascii=False)
                leaked += [secret for secret in secrets if secret in text]
            assert leaked == [], (path, fmt, leaked)  # … but nothing private about it
    private = get(client, f"requests/{scene.private.pk}.json").json()[0]
    assert [private[k] for k in ("description", "address", "address_id", "lat", "long")] == [
        None
    ] * 5


def test_an_unpublished_appeal_hides_its_text_again(client, scene):
    actions.unpublish_appeal(Actor.of(scene.bolat), scene.published)
    data = get(client, f"requests/{scene.published.pk}.json").json()[0]
    assert data["description"] is None and data["lat"] is None
    assert data["status_notes"] == "Answered."
    closed = [
        u
        for u in get(client, "servicerequestupdates.json").json()
        if u["service_request_id"] == str(scene.published.pk) and u["status"] == "CLOSED"
    ]
    assert closed[0]["description"] == "Answered."


def test_long_public_texts_are_cut_to_the_standards_4000_characters(client, scene):
    actions.unpublish_appeal(Actor.of(scene.bolat), scene.published)
    actions.publish_appeal(Actor.of(scene.bolat), scene.published, public_text="ж" * 5000)
    data = get(client, f"requests/{scene.published.pk}.json").json()
    validate(data, "requests.json")
    assert len(data[0]["description"]) == 4000 and data[0]["description"].endswith("…")


def test_control_characters_never_break_the_xml(client, scene):
    actions.unpublish_appeal(Actor.of(scene.bolat), scene.published)
    actions.publish_appeal(Actor.of(scene.bolat), scene.published, public_text="Bell\x07 <&> ok")
    xml = parse_xml(get(client, f"requests/{scene.published.pk}.xml"))
    assert xml["service_requests"]["request"][0]["description"] == "Bell <&> ok"


# Query counts --------------------------------------------------------------------------------


def _count(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = get(client, path)
    assert response.status_code == 200
    return len(queries.captured_queries)


def _more_appeals(town, file_appeal, people, count: int) -> None:
    for number in range(count):
        appeal = file_appeal(text=f"Appeal {number}")
        staff = Actor.of(staff_for(town, people, appeal))
        if number % 3 == 0:
            actions.publish_appeal(staff, appeal, public_text=f"Public {number}")
            actions.answer_appeal(staff, appeal, text=f"Answer {number}")
        elif number % 3 == 1:
            actions.forward_appeal(staff, appeal, to_body=town.talgar_akimat, reason="Theirs")


@pytest.mark.parametrize(
    "path",
    [
        "requests.json",
        "requests.xml",
        "servicerequestupdates.json",
        "servicerequestupdates.xml",
        "services.xml",
    ],
)
def test_queries_do_not_grow_with_appeals(
    client, town, at, file_appeal, bolat, aidar, settings, path
):
    settings.ESEP_APPEALS_PER_HOUR_ACCOUNT = 100
    settings.ESEP_APPEALS_PER_HOUR_SOURCE = 100
    settings.ESEP_PAGE_CACHE_SECONDS = 0  # the queries of a read the cache does not answer
    people = {"bolat": bolat, "aidar": aidar}
    at(2026, 3, 2)
    _more_appeals(town, file_appeal, people, 3)
    few = _count(client, path)
    _more_appeals(town, file_appeal, people, 27)
    assert len(get(client, "requests.json").json()) == 30
    assert _count(client, path) == few <= 2


def test_one_request_takes_one_query(client, scene, settings):
    settings.ESEP_PAGE_CACHE_SECONDS = 0
    assert _count(client, f"requests/{scene.published.pk}.json") == 1
