"""Filing an appeal through Open311: POST requests.{xml,json} with an API key, as FixMyStreet
sends it; every problem is an Open311 error in the asked format, and nothing is written.

Roads in Kendala go to Belbulak's akimat; `fms` holds an API key (see test_open311)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import pytest

from esep.accountability import actions
from esep.accountability.models import Appeal, AppealStep, CategoryAttribute
from esep.core.models import AuditEntry
from tests.accountability.test_open311 import (
    ROOT,
    errors_of,
    fms_form,
    issue_fms_key,
    parse_xml,
    post,
    swagger_definition,
    validate,
)
from tests.conftest import SYSTEM


@pytest.fixture
def fms(town):
    """FixMyStreet Kazakhstan holds an API key."""
    return issue_fms_key()


# Filing an appeal ----------------------------------------------------------------------------


def test_post_with_a_kato_address_id_files_a_routed_appeal_with_its_clock(client, town, at, fms):
    at(2026, 3, 2)
    response = post(
        client, "json", fms_form(fms, address_id=town.kendala.kato, consent_public="true")
    )
    assert response.status_code == 201
    data = response.json()
    validate(data[0], swagger_definition("RequestResponse"))
    appeal = Appeal.objects.get(pk=int(data[0]["service_request_id"]))
    assert data[0]["account_id"] is None
    assert appeal.deadline.isoformat() in data[0]["service_notice"]
    assert appeal.unit == town.kendala and appeal.body == town.belbulak_akimat
    assert appeal.channel == "open311" and appeal.client == fms.client
    # 15 working days, past the 8 March and Nauryz holidays.
    assert appeal.received_on == dt.date(2026, 3, 2) and appeal.deadline == dt.date(2026, 3, 27)
    assert appeal.consent_public is True and appeal.language == "kk"
    assert appeal.applicant_name == "Daniyar Seitkali"
    assert appeal.applicant_email == "daniyar@example.kz"
    assert appeal.applicant_phone == "+77017654321"
    assert appeal.attributes == {"hazard": "yes"}
    assert appeal.address == "Abai street 5"
    assert str(appeal.latitude) == "43.371234" and str(appeal.longitude) == "77.351234"
    assert appeal.text == (
        "Pothole on Abai street\n\nDeep pothole in front of house 5.\n\n"
        "media_url: https://fms.example.kz/photo/1.jpeg\n"
        "report_url: https://fms.example.kz/report/1234"
    )
    assert list(appeal.steps.values_list("kind", flat=True)) == ["filed"]
    audit = AuditEntry.objects.get(verb="file_appeal", target_id=str(appeal.pk))
    assert audit.actor_label == f"open311:{fms.client.pk}"


def test_post_with_only_coordinates_goes_to_the_region_containing_the_point(client, town, at, fms):
    at(2026, 3, 2)
    response = post(client, "xml", fms_form(fms, address_string=None), **{"Accept-Language": "en"})
    assert response.status_code == 201
    answer = parse_xml(response)["service_requests"]["request"][0]
    appeal = Appeal.objects.get(pk=int(answer["service_request_id"]))
    assert appeal.unit == town.oblast and appeal.body == town.oblast_akimat
    assert appeal.language == "en" and appeal.address == "Abai street 5, Kendala"
    assert answer["service_notice"].startswith(f"Appeal №{appeal.pk} is registered.")
    assert answer["account_id"] is None


def test_post_uses_stored_boundaries_when_loaded(client, town, at, fms):
    from esep.territory.geo import load_boundaries

    load_boundaries(SYSTEM)
    at(2026, 3, 2)
    response = post(client, "json", fms_form(fms, lat="43.25", long="76.92"))
    appeal = Appeal.objects.get(pk=int(response.json()[0]["service_request_id"]))
    assert appeal.unit.iso_code == "KZ-75"  # Almaty city, not the region around it


def test_fixmystreets_attribute_description_stands_in_for_the_description(client, town, at, fms):
    at(2026, 3, 2)
    form = fms_form(
        fms,
        service_code="water",
        description=None,
        media_url=None,
        **{
            "attribute[hazard]": None,
            "attribute[report_url]": None,
            "attribute[problem]": "leak",
            "attribute[title]": None,
        },
    )
    response = post(client, "json", form)
    assert response.status_code == 201, response.content
    appeal = Appeal.objects.get(pk=int(response.json()[0]["service_request_id"]))
    assert appeal.text == "Deep pothole in front of house 5."
    assert appeal.attributes == {"problem": "leak"}


def test_a_fixmystreet_title_already_in_the_description_is_not_repeated(client, town, at, fms):
    at(2026, 3, 2)
    described = "Pothole on Abai street\n\nDeep pothole.\n\nhttps://fms.example.kz/report/1"
    form = fms_form(fms, description=described, media_url=None, **{"attribute[report_url]": None})
    response = post(client, "json", form)
    appeal = Appeal.objects.get(pk=int(response.json()[0]["service_request_id"]))
    assert appeal.text == described


def test_multivaluelist_answers_arrive_as_lists(client, town, at, fms):
    CategoryAttribute.objects.create(
        category=town.category["waste"],
        code="kinds",
        datatype="multivaluelist",
        description_kk="Қандай?",
        description_ru="Какой?",
        description_en="Which kinds?",
        values=[
            {"key": k, "name_kk": k, "name_ru": k, "name_en": k} for k in ("glass", "tyres", "bags")
        ],
    )
    at(2026, 3, 2)
    form = fms_form(fms, service_code="waste", **{"attribute[hazard]": None})
    form["attribute[kinds][]"] = ["glass", "tyres"]
    response = post(client, "json", form)
    assert response.status_code == 201, response.content
    appeal = Appeal.objects.get(pk=int(response.json()[0]["service_request_id"]))
    assert appeal.attributes == {"kinds": ["glass", "tyres"]}


# Bad input: an Open311 error, in the asked format, and nothing written -----------------------

BAD_POSTS = [
    ("no key", {"api_key": None}, 403, "api_key"),
    ("wrong key", {"api_key": "not-a-key"}, 403, "api_key"),
    ("unknown service", {"service_code": "rockets"}, 400, "service_code"),
    ("no service", {"service_code": None}, 400, "service_code"),
    (
        "no location",
        {"lat": None, "long": None, "address_string": None},
        400,
        "location",
    ),
    ("address text only", {"lat": None, "long": None}, 400, "address_string"),
    ("half a point", {"long": None}, 400, "lat/long"),
    ("not a number", {"lat": "north"}, 400, "lat/long"),
    ("outside Kazakhstan", {"lat": "0", "long": "0"}, 400, "lat/long"),
    ("unknown address_id", {"address_id": "999999999"}, 400, "address_id"),
    (
        "empty description",
        {"description": " ", "attribute[description]": None},
        400,
        "description",
    ),
    ("oversized description", {"description": "x" * 10_001}, 400, "description"),
    ("bad attribute value", {"attribute[hazard]": "maybe"}, 400, "attribute"),
    ("missing required attribute", {"attribute[hazard]": None}, 400, "attribute"),
    ("unknown attribute", {"attribute[colour]": "red"}, 400, "attribute"),
    ("no email", {"email": None}, 400, "email"),
    ("bad email", {"email": "not-an-email"}, 400, "email"),
    ("no name", {"first_name": None, "last_name": None}, 400, "first_name/last_name"),
    ("bad kind", {"kind": "poem"}, 400, "kind"),
    ("other jurisdiction", {"jurisdiction_id": "sf"}, 404, "jurisdiction_id"),
]


@pytest.mark.parametrize("fmt", ["xml", "json"])
@pytest.mark.parametrize(
    ("case", "changes", "status", "about"), BAD_POSTS, ids=[c[0] for c in BAD_POSTS]
)
def test_bad_posts_are_open311_errors_and_write_nothing(
    client, town, at, fms, fmt, case, changes, status, about
):
    at(2026, 3, 2)
    before = (Appeal.objects.count(), AppealStep.objects.count())
    response = post(client, fmt, fms_form(fms, **changes))
    assert response.status_code == status, response.content
    errors = errors_of(response, fmt)
    assert all(code == status for code, _text in errors)
    assert any(about in text for _code, text in errors), errors
    assert (Appeal.objects.count(), AppealStep.objects.count()) == before


def test_every_problem_is_reported_at_once(client, town, at, fms):
    at(2026, 3, 2)
    form = fms_form(
        fms, service_code="rockets", lat=None, long=None, address_string=None, email=None
    )
    texts = [text for _code, text in errors_of(post(client, "json", form), "json")]
    assert [text.split(":")[0] for text in texts] == ["service_code", "location", "email"]


def test_a_revoked_key_is_refused(client, town, at, fms):
    actions.revoke_api_key(SYSTEM, fms.client)
    at(2026, 3, 2)
    response = post(client, "xml", fms_form(fms), accept_language="en")
    assert response.status_code == 403
    assert "revoked" in errors_of(response, "xml")[0][1]
    assert not Appeal.objects.exists()


def test_the_key_is_read_from_the_body_only(client, town, at, fms):
    at(2026, 3, 2)
    form = fms_form(fms, api_key=None)
    response = client.post(
        f"{ROOT}requests.json?api_key={fms.key}",
        urlencode(form),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 403
    assert not Appeal.objects.exists()


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_flood_from_one_client_and_address_is_stopped(client, town, at, fms, settings, fmt):
    settings.ESEP_APPEALS_PER_HOUR_SOURCE = 1
    at(2026, 3, 2)
    assert post(client, fmt, fms_form(fms)).status_code == 201
    response = post(client, fmt, fms_form(fms))
    assert response.status_code == 429
    assert errors_of(response, fmt)[0][0] == 429
    assert Appeal.objects.count() == 1
    # Another resident of the same client is a different source.
    assert post(client, fmt, fms_form(fms, email="other@example.kz")).status_code == 201
