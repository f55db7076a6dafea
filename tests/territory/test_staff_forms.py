"""Staff record and end mandates through forms; others are refused; bad input keeps what was
typed, says what is wrong and writes nothing."""

from __future__ import annotations

import pytest

from esep.core.models import AuditEntry, LedgerEntry
from esep.territory.models import Mandate, Person

NEW_PERSON = {
    "family_name": "Оспанов",
    "given_name": "Берік",
    "patronymic": "Маратұлы",
    "name_latin": "Ospanov Berik",
    "birth_year": "1980",
    "start": "2026-02-01",
    "source": "Decision No. 12 of 01.02.2026",
}


def state():
    return (
        Mandate.objects.count(),
        Person.objects.count(),
        AuditEntry.objects.count(),
        LedgerEntry.objects.count(),
    )


def test_commission_records_a_directly_elected_akim(client, registry, farida):
    client.force_login(farida)
    url = f"/ru/posts/{registry.posts.belbulak_akim.pk}/record/"
    form = client.get(url).content.decode()
    assert 'value="elected_direct"' in form and 'value="appointed"' not in form  # only their basis
    response = client.post(url, {**NEW_PERSON, "basis": "elected_direct", "replaces_current": "on"})
    assert response.status_code == 302
    mandate = Mandate.objects.get(post=registry.posts.belbulak_akim, end__isnull=True)
    assert mandate.person.name_latin == "Ospanov Berik" and mandate.published_at
    assert (
        client.get(response["Location"]).content.decode().count("Ospanov") == 0
    )  # Cyrillic name shown
    assert "Оспанов Берік" in client.get(response["Location"]).content.decode()


def test_oblast_akimat_appoints_a_district_akim_with_an_existing_person(client, registry, gulnar):
    client.force_login(gulnar)
    url = f"/en/posts/{registry.posts.talgar_akim.pk}/record/"
    response = client.post(url, {
        "person": registry.people.deputy2.pk, "basis": "appointed", "start": "2026-03-01",
        "appointed_by_note": "Akim of Almaty Region", "replaces_current": "on", "source": "Order 5",
    })  # fmt: skip
    assert response.status_code == 302
    assert (
        Mandate.objects.get(post=registry.posts.talgar_akim, end__isnull=True).person
        == registry.people.deputy2
    )


@pytest.mark.parametrize("who", ["bob", "carol", "dana", "erlan", "timur", "aidar"])
def test_others_cannot_open_or_post_the_form(client, registry, request, who):
    client.force_login(request.getfixturevalue(who))
    url = f"/en/posts/{registry.posts.talgar_akim.pk}/record/"
    before = state()
    assert client.get(url).status_code == 403
    assert client.post(url, {**NEW_PERSON, "basis": "appointed"}).status_code == 403
    assert state() == before


def test_anonymous_visitors_are_sent_to_sign_in(client, registry):
    response = client.get(f"/en/posts/{registry.posts.talgar_akim.pk}/record/")
    assert response.status_code == 302 and "/accounts/signin/" in response["Location"]


def test_a_post_with_a_holder_is_refused_and_the_form_keeps_what_was_typed(
    client, registry, gulnar
):
    client.force_login(gulnar)
    before = state()
    response = client.post(
        f"/kk/posts/{registry.posts.talgar_akim.pk}/record/", {**NEW_PERSON, "basis": "appointed"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "error-summary" in page and "Ахметов Ерлан" in page  # who holds it
    assert 'value="Оспанов"' in page and 'value="Ospanov Berik"' in page
    assert state() == before


def test_missing_fields_are_named(client, registry, farida):
    client.force_login(farida)
    before = state()
    page = client.post(
        f"/en/posts/{registry.posts.seat1.pk}/record/",
        {"basis": "elected_direct", "start": "not a date"},
    ).content.decode()
    assert page.count("<li><a href=") >= 4  # start, family name, given name, Latin name, source
    assert 'href="#id_start"' in page and 'href="#id_family_name"' in page
    assert state() == before
    page = client.post(
        f"/en/posts/{registry.posts.seat1.pk}/record/",
        {**NEW_PERSON, "person": "999999", "basis": "elected_direct"},
    ).content.decode()
    assert "There is no person with this number." in page
    assert state() == before


def test_staff_end_a_mandate(client, registry, timur):
    client.force_login(timur)
    chair = Mandate.objects.get(post=registry.posts.chair)
    post_page = client.get(f"/en/posts/{registry.posts.chair.pk}/").content.decode()
    assert f"/en/mandates/{chair.pk}/end/" in post_page
    response = client.post(
        f"/en/mandates/{chair.pk}/end/", {"end": "2026-01-31", "reason": "resigned"}
    )
    assert response.status_code == 302
    chair.refresh_from_db()
    assert chair.end_reason == "resigned"
    # Ending it again is refused with a message, nothing changes.
    page = client.post(
        f"/en/mandates/{chair.pk}/end/", {"end": "2026-02-28", "reason": "died"}
    ).content.decode()
    assert "already ended" in page


def test_ending_is_refused_to_others(client, registry, farida, gulnar):
    chair = Mandate.objects.get(post=registry.posts.chair)
    for user in (farida, gulnar):
        client.force_login(user)
        assert (
            client.post(
                f"/en/mandates/{chair.pk}/end/", {"end": "2026-01-31", "reason": "resigned"}
            ).status_code
            == 403
        )
        assert (
            f"/mandates/{chair.pk}/end/"
            not in client.get(f"/en/posts/{registry.posts.chair.pk}/").content.decode()
        )
    chair.refresh_from_db()
    assert chair.end is None


def test_a_date_far_ahead_is_a_field_error_not_a_failure(client, registry, farida):
    client.force_login(farida)
    before = state()
    response = client.post(
        f"/en/posts/{registry.posts.belbulak_akim.pk}/record/",
        {**NEW_PERSON, "start": "9998-06-01", "basis": "elected_direct", "replaces_current": "on"},
    )
    assert response.status_code == 200
    assert 'href="#id_start"' in response.content.decode()
    assert state() == before
