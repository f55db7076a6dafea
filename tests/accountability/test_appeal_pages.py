"""The filing form, an appeal's page for each viewer, the staff inbox and attached files."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from esep.accountability import actions
from esep.accountability.models import Appeal, AppealFile
from esep.core.actions import Actor

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def url(name: str, *args, lang: str = "en") -> str:
    from django.utils import translation

    with translation.override(lang):
        return reverse(f"accountability:{name}", args=args)


def details(town, **extra):
    data = {
        "unit": town.kendala.pk,
        "category": "roads",
        "kind": "complaint",
        "text": "Жолда терең шұңқырлар бар.",
        "attribute_hazard": "yes",
        "consent_public": "on",
    }
    data.update(extra)
    return data


def test_filing_needs_sign_in(town, client):
    response = client.get(url("file_appeal"))
    assert response.status_code == 302 and "/signin/" in response["Location"]


def test_place_then_category_then_details(town, client, aigerim):
    client.force_login(aigerim)
    page = client.get(url("file_appeal"), {"q": "kendal"}).content.decode()
    assert f"?unit={town.kendala.pk}" in page and "<svg" in page
    page = client.get(url("file_appeal"), {"region": town.oblast.pk}).content.decode()
    assert f"?unit={town.talgar.pk}" in page
    page = client.get(url("file_appeal"), {"unit": town.kendala.pk}).content.decode()
    assert "category=roads" in page
    page = client.get(url("file_appeal"), {"unit": town.kendala.pk, "category": "roads"})
    assert 'name="attribute_hazard"' in page.content.decode()


def test_filing_in_kazakh_registers_and_routes(
    town, client, aigerim, at, mailoutbox, django_capture_on_commit_callbacks
):
    at(2026, 3, 2)
    client.force_login(aigerim)
    photo = SimpleUploadedFile("pothole.png", PNG, content_type="image/png")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("file_appeal", lang="kk"), {**details(town), "files": [photo]})
    appeal = Appeal.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/appeals/{appeal.pk}/")
    assert appeal.body == town.belbulak_akimat and appeal.language == "kk"
    assert appeal.files.get().content_type == "image/png"
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["aigerim@example.kz"]
    assert "2026-03-27" in mailoutbox[0].body


@pytest.mark.parametrize(
    "change, message",
    [
        ({"text": ""}, "This field is required"),
        ({"text": "x" * 10_001}, "at most 10000 characters"),
        ({"attribute_hazard": "perhaps"}, "Select a valid choice"),
        ({"latitude": "43.3"}, "both latitude and longitude"),
        ({"latitude": "10", "longitude": "10"}, "inside Kazakhstan"),
        ({"category": "roads", "attribute_hazard": ""}, "This field is required"),
    ],
)
def test_bad_details_keep_what_was_typed_and_write_nothing(change, message, town, client, aigerim):
    client.force_login(aigerim)
    data = details(town, address="Abai street 5", **change)
    response = client.post(url("file_appeal"), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert message.lower() in page.lower()
    assert "Abai street 5" in page
    assert not Appeal.objects.exists()


PDF_TYPE = "application/pdf"
BAD_FILES = [
    (("x.pdf", b"MZ\x90\x00binary", PDF_TYPE), "not a PDF"),
    (("x.png", PNG, PDF_TYPE), "not a PDF"),
    (("big.pdf", PDF + b"0" * (5 * 1024 * 1024), PDF_TYPE), "at most 5"),
]


@pytest.mark.parametrize("upload, message", BAD_FILES)
def test_bad_files_are_refused(upload, message, town, client, aigerim):
    client.force_login(aigerim)
    name, data, kind = upload
    file = SimpleUploadedFile(name, data, content_type=kind)
    response = client.post(url("file_appeal"), {**details(town), "files": [file]})
    assert response.status_code == 400 and message in response.content.decode()
    assert not Appeal.objects.exists() and not AppealFile.objects.exists()


def test_flood_from_one_account_is_rate_limited(town, client, aigerim, settings):
    settings.ESEP_APPEALS_PER_HOUR_ACCOUNT = 2
    client.force_login(aigerim)
    for _ in range(2):
        assert client.post(url("file_appeal"), details(town)).status_code == 302
    response = client.post(url("file_appeal"), details(town))
    assert response.status_code == 429
    assert "last hour" in response.content.decode()
    assert Appeal.objects.count() == 2


def test_flood_from_one_address_is_rate_limited(town, client, aigerim, bob, settings):
    settings.ESEP_APPEALS_PER_HOUR_SOURCE = 1
    client.force_login(aigerim)
    assert client.post(url("file_appeal"), details(town)).status_code == 302
    client.force_login(bob)
    assert client.post(url("file_appeal"), details(town)).status_code == 429


def test_who_sees_what(town, file_appeal, client, aigerim, bolat, aidar, bob, at):
    at(2026, 3, 2)
    appeal = file_appeal(text="Potholes near house 5, call me at +7 701 000 00 00.")
    page = url("appeal", appeal.pk)
    for user, status in ((None, 404), (bob, 404), (aidar, 404), (aigerim, 200), (bolat, 200)):
        client.logout()
        if user:
            client.force_login(user)
        assert client.get(page).status_code == status
    client.force_login(bolat)
    assert "Staff actions" in client.get(page).content.decode()
    actions.publish_appeal(Actor.of(bolat), appeal, public_text="Potholes on the main street.")
    client.logout()
    public = client.get(page).content.decode()
    assert "Potholes on the main street." in public
    assert "+7 701" not in public and "aigerim" not in public.lower()
    assert "Staff actions" not in public


def test_staff_answer_late_through_the_page(
    town, file_appeal, client, bolat, at, mailoutbox, django_capture_on_commit_callbacks
):
    at(2026, 3, 2)
    appeal = file_appeal()
    at(2026, 4, 10)
    client.force_login(bolat)
    document = SimpleUploadedFile("answer.pdf", PDF, content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("appeal", appeal.pk),
            {
                "step": "answer",
                "answer-text": "The street was repaired.",
                "answer-files": [document],
            },
        )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == "answered" and appeal.on_time is False
    assert appeal.files.get(role="answer").name == "answer.pdf"
    assert mailoutbox[-1].subject.endswith("is answered")


def test_staff_errors_keep_the_form(town, file_appeal, client, bolat, at):
    at(2026, 3, 2)
    appeal = file_appeal()
    client.force_login(bolat)
    response = client.post(url("appeal", appeal.pk), {"step": "answer", "answer-text": ""})
    assert response.status_code == 400
    assert Appeal.objects.get(pk=appeal.pk).status == "registered"
    response = client.post(
        url("appeal", appeal.pk),
        {"step": "forward", "to_body": "999999", "reason": "Not ours"},
    )
    assert response.status_code == 302
    assert Appeal.objects.get(pk=appeal.pk).body == town.belbulak_akimat


def test_outsider_post_is_refused(town, file_appeal, client, aidar, at):
    at(2026, 3, 2)
    appeal = file_appeal()
    client.force_login(aidar)
    response = client.post(url("appeal", appeal.pk), {"step": "answer", "answer-text": "Hi"})
    assert response.status_code == 404
    assert Appeal.objects.get(pk=appeal.pk).status == "registered"


def test_applicant_rates_and_complains_through_the_page(
    town, file_appeal, client, aigerim, bolat, at
):
    at(2026, 3, 2)
    appeal = actions.answer_appeal(Actor.of(bolat), file_appeal(), text="Repaired.")
    client.force_login(aigerim)
    page = url("appeal", appeal.pk)
    assert client.post(page, {"step": "rate", "rate-rating": "2"}).status_code == 302
    assert (
        client.post(page, {"step": "complain", "complain-text": "Still broken."}).status_code == 302
    )
    appeal.refresh_from_db()
    assert appeal.rating == 2 and appeal.complaints.get().body == town.talgar_akimat
    assert client.post(page, {"step": "answer", "answer-text": "x"}).status_code == 403


def test_files_are_served_only_to_those_who_may_see_them(
    town, file_appeal, client, aigerim, bolat, bob, at
):
    at(2026, 3, 2)
    appeal = file_appeal(files=[("photo.png", PNG, "image/png")])
    appeal = actions.answer_appeal(
        Actor.of(bolat), appeal, text="Done.", files=[("answer.pdf", PDF, "application/pdf")]
    )
    actions.publish_appeal(Actor.of(bolat), appeal, public_text="Potholes.")
    photo = appeal.files.get(role="applicant")
    answer = appeal.files.get(role="answer")
    client.force_login(bob)
    assert client.get(url("appeal_file", appeal.pk, photo.pk)).status_code == 404
    response = client.get(url("appeal_file", appeal.pk, answer.pk))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    client.force_login(aigerim)
    assert client.get(url("appeal_file", appeal.pk, photo.pk)).status_code == 200


def test_inbox_by_role_and_constant_queries(town, file_appeal, client, bolat, aidar, bob, at):
    at(2026, 3, 2)
    file_appeal()
    client.force_login(bob)
    assert client.get(url("inbox")).status_code == 403
    client.force_login(aidar)
    assert "No appeals here." in client.get(url("inbox")).content.decode()
    client.force_login(bolat)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("inbox")).status_code == 200
        return len(queries)

    few = count()
    for n in range(12):
        file_appeal(
            source=f"10.0.0.{n}",
            actor=Actor.cli("tests"),
            applicant_name="A",
            applicant_email="a@x.kz",
        )
    assert count() == few
    page = client.get(url("inbox"), {"show": "overdue"}).content.decode()
    assert "Overdue (0)" in page
    at(2026, 4, 10)
    page = client.get(url("inbox"), {"show": "overdue"}).content.decode()
    assert "Overdue (13)" in page
