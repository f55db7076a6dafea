"""Real Open311 clients against a live esep: the `georeport` package reads the services, a
service definition and the requests in both formats; a FixMyStreet-style form POST over HTTP
files an appeal and FixMyStreet's reading of the XML answer finds its id."""

from __future__ import annotations

import pytest
import requests
import xmltodict
from georeport import GeoReport

from esep.accountability import actions
from esep.accountability.models import Appeal
from esep.core.actions import Actor
from tests.accountability.test_open311 import fms_form, issue_fms_key

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def fms(town):
    """FixMyStreet Kazakhstan holds an API key."""
    return issue_fms_key()


@pytest.fixture
def filed(town, at, file_appeal, bolat):
    """Two appeals about Kendala's roads: one published and answered, one private."""
    at(2026, 3, 2)
    public = file_appeal(text="Original text", address="Abai street 5")
    private = file_appeal(text="PRIVATE-TEXT", consent_public=False)
    at(2026, 3, 3)
    staff = Actor.of(bolat)
    actions.publish_appeal(staff, public, public_text="Potholes near the school.")
    actions.answer_appeal(staff, public, text="Repairs in May.")
    return Appeal.objects.get(pk=public.pk), Appeal.objects.get(pk=private.pk)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_reads_services_and_a_definition(live_server, town, fmt):
    client = GeoReport(root_address=live_server.url + "/open311/v2", output_format=fmt)
    services = client.get_service_list()
    assert len(services) == 13
    roads = next(s for s in services if s["service_code"] == "roads")
    assert roads["service_name"] == "Roads" and roads["group"] == "transport"
    assert str(roads["metadata"]).lower() == "true"
    definition = client.get_service_definition("water")
    assert definition["service_code"] == "water"
    attributes = definition["attributes"]
    question = attributes[0] if fmt == "json" else attributes["attribute"]
    assert question["code"] == "problem" and question["description"] == "What is the problem?"
    values = question["values"] if fmt == "json" else question["values"]["value"]
    assert [v["key"] for v in values] == ["no_water", "quality", "sewer", "leak"]
    assert [v["name"] for v in values][:2] == ["No water", "Water quality"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_reads_requests(live_server, filed, fmt):
    public, private = filed
    client = GeoReport(root_address=live_server.url + "/open311/v2", output_format=fmt)
    listed = client.get_service_requests(status="open,closed", service_code="roads")
    assert [r["service_request_id"] for r in listed] == [str(private.pk), str(public.pk)]
    newest, oldest = listed
    assert newest["status"] == "open" and newest["description"] is None
    assert oldest["status"] == "closed"
    assert oldest["description"] == "Potholes near the school."
    assert oldest["status_notes"] == "Repairs in May."
    assert oldest["agency_responsible"] == "Akimat — Belbulak"
    assert oldest["requested_datetime"] == "2026-03-02T10:00:00+05:00"
    assert oldest["expected_datetime"] == f"{public.deadline}T23:59:59+05:00"
    one = client.get_service_request(str(public.pk))
    assert one["service_request_id"] == str(public.pk)
    assert one["address"] == "Abai street 5, Kendala"
    only_open = client.get_service_requests(status="open")
    only_open = [only_open] if isinstance(only_open, dict) else only_open  # one XML element
    assert [r["service_request_id"] for r in only_open] == [str(private.pk)]
    by_id = client.get_service_requests(service_request_id=f"{public.pk},{private.pk}")
    assert len(by_id) == 2


def test_a_fixmystreet_form_post_files_an_appeal(live_server, town, at, fms):
    at(2026, 3, 2)
    form = fms_form(fms, address_id=town.kendala.kato)
    response = requests.post(live_server.url + "/open311/v2/requests.xml", data=form, timeout=30)
    assert response.status_code == 201
    # What FixMyStreet reads: $obj->{request}->[0]->{service_request_id}.
    answer = xmltodict.parse(response.content, force_list=("request",))
    request_id = answer["service_requests"]["request"][0]["service_request_id"]
    appeal = Appeal.objects.get(pk=int(request_id))
    assert appeal.channel == "open311" and appeal.client == fms.client
    assert appeal.unit == town.kendala and appeal.body == town.belbulak_akimat
    assert appeal.deadline == appeal.due_on and appeal.received_on.isoformat() == "2026-03-02"
    assert appeal.text.startswith("Pothole on Abai street\n\nDeep pothole in front of house 5.")
    assert appeal.attributes == {"hazard": "yes"}
    # FixMyStreet then polls for updates with its key and a window.
    updates = requests.get(
        live_server.url + "/open311/v2/servicerequestupdates.xml",
        params={
            "api_key": fms.key,
            "start_date": "2026-03-02T00:00:00+05:00",
            "end_date": "2026-03-02T23:59:59+05:00",
        },
        timeout=30,
    )
    parsed = xmltodict.parse(updates.content, force_list=("request_update",))
    (update,) = parsed["service_request_updates"]["request_update"]
    assert update["service_request_id"] == request_id and update["status"] == "OPEN"


def test_fixmystreet_reads_an_error_answer(live_server, town, at, fms):
    at(2026, 3, 2)
    form = fms_form(fms, service_code="rockets")
    response = requests.post(live_server.url + "/open311/v2/requests.xml", data=form, timeout=30)
    assert response.status_code == 400
    errors = xmltodict.parse(response.content, force_list=("error",))["errors"]["error"]
    assert errors[0]["code"] == "400" and errors[0]["description"].startswith("service_code")
    assert not Appeal.objects.exists()
