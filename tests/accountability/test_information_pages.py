"""Pages of requests for information: the public list (filters, paging), a request's thread
with its documents and the forms each visitor may use, the form to ask, the staff inbox and
the requester's list; privacy of the requester; hidden requests; queries that stay constant as
requests grow."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from esep.accountability.actions import information as actions
from esep.accountability.models import InformationFile, InformationRequest
from esep.core.actions import Actor
from tests.accountability.test_information_fixtures import (  # noqa: F401
    PDF,
    fixture_ask,
    fixture_law,
    fixture_madina,
    fixture_media,
    snapshot,
)

LANGS = ["kk", "ru", "en"]


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def queries(client, url: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def forms_on(html: str) -> set[str]:
    return set(re.findall(r'/information/\d+/([a-z]+)/"', html))


@pytest.fixture
def grow(ask, aidar, town):
    """`grow(n)`: n requests more, a third of them answered with a document, to two bodies."""

    @override_settings(ESEP_INFORMATION_REQUESTS_PER_HOUR_ACCOUNT=10_000)
    def add(n: int) -> None:
        for i in range(n):
            body = town.talgar_akimat if i % 2 else town.talgar_maslikhat
            made = ask(body=body, title=f"Question {i}")
            if i % 3 == 0 and body == town.talgar_akimat:
                actions.answer_information_request(
                    Actor.of(aidar), made, text="Here.", outcome="successful",
                    files=[("a.pdf", PDF, "application/pdf")],
                )  # fmt: skip

    return add


# The public list ----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_the_list_shows_requests_without_the_requester(client, at, ask, lang):
    at(2026, 3, 2)
    ask()
    html = page(client, f"/{lang}/information/")
    assert "Road repair contracts 2025" in html
    assert "Aigerim" not in html and "aigerim@example.kz" not in html
    assert 'lang="' + lang + '"' in html and "<caption" in html and 'scope="col"' in html


def test_the_list_filters_by_status_unit_and_body(client, at, ask, town, aidar):
    at(2026, 3, 2)
    ask(title="Late one")
    ask(title="To Belbulak", body=town.belbulak_akimat)
    done = ask(title="Answered one")
    actions.answer_information_request(Actor.of(aidar), done, text="Here.", outcome="not_held")
    at(2026, 3, 20)
    overdue = page(client, "/en/information/?state=overdue")
    assert "Late one" in overdue and "Answered one" not in overdue
    assert "To Belbulak" in overdue and "Overdue" in overdue
    assert "Late one" not in page(client, "/en/information/?state=very_overdue")
    assert "Answered one" in page(client, "/en/information/?state=not_held")
    under_belbulak = page(client, f"/en/information/?unit={town.belbulak.pk}")
    assert "To Belbulak" in under_belbulak and "Late one" not in under_belbulak
    under_talgar = page(client, f"/en/information/?unit={town.talgar.pk}")
    assert "To Belbulak" in under_talgar and "Late one" in under_talgar  # units below count
    to_body = page(client, f"/en/information/?body={town.belbulak_akimat.pk}")
    assert "To Belbulak" in to_body and "Late one" not in to_body
    # Nonsense in the address is ignored, not an error.
    assert "Late one" in page(client, "/en/information/?state=lost&unit=x&body=-1&page=zz")
    at(2026, 4, 2)
    cache.clear()
    assert "Very overdue" in page(client, "/en/information/?state=very_overdue")


def test_the_list_is_paged(client, grow):
    grow(30)
    first = page(client, "/en/information/")
    assert first.count("/information/") > 25 and "Page 1 of 2" in first
    second = page(client, "/en/information/?page=2")
    assert "Page 2 of 2" in second and "Question 0<" in second


def test_list_queries_stay_constant(client, grow, aidar):
    grow(3)
    few = queries(client, "/en/information/"), queries(client, "/en/information/?state=overdue")
    grow(27)
    many = queries(client, "/en/information/"), queries(client, "/en/information/?state=overdue")
    assert few == many
    client.force_login(aidar)
    grow(3)
    inbox_few = queries(client, "/en/information/inbox/")
    grow(30)
    assert queries(client, "/en/information/inbox/") == inbox_few


def test_demo_requests_are_labelled(client, ask):
    made = ask()
    InformationRequest.objects.filter(pk=made.pk).update(is_demo=True)
    assert "demo data" in page(client, "/en/information/")
    assert "invented for the demonstration" in page(client, f"/en/information/{made.pk}/")


# A request's page ---------------------------------------------------------------------------------


def test_the_thread_shows_state_deadline_and_documents(client, at, ask, aidar):
    at(2026, 3, 2)
    made = ask()
    html = page(client, f"/en/information/{made.pk}/")
    assert "Awaiting response" in html and "a resident" in html and "Aigerim" not in html
    assert "Answer due" in html and "No. 401-V of 16 November 2015" in html
    at(2026, 3, 18)
    cache.clear()
    assert "Overdue" in page(client, f"/en/information/{made.pk}/")
    actions.answer_information_request(
        Actor.of(aidar), made, text="The contracts.", outcome="successful",
        files=[("contracts.pdf", PDF, "application/pdf")],
    )  # fmt: skip
    html = page(client, f"/en/information/{made.pk}/")
    document = InformationFile.objects.get()
    link = f"/en/information/{made.pk}/files/{document.pk}/"
    assert link in html and "contracts.pdf" in html and "Successful" in html
    response = client.get(link)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    # A document is served only under its own request.
    other = ask(title="Other")
    assert client.get(f"/en/information/{other.pk}/files/{document.pk}/").status_code == 404


def test_each_visitor_sees_only_the_forms_they_may_use(client, ask, aigerim, aidar, bolat, madina):
    made = ask()
    url = f"/en/information/{made.pk}/"
    assert forms_on(page(client, url)) == set()
    expected = {
        aigerim: {"withdraw"},
        aidar: {"answer", "clarify", "extend", "hide"},
        bolat: set(),
        madina: {"hide"},
    }
    for user, verbs in expected.items():
        client.force_login(user)
        assert forms_on(page(client, url)) == verbs, user
    actions.answer_information_request(Actor.of(aidar), made, text="Here.", outcome="rejected")
    client.force_login(aigerim)
    html = page(client, url)
    assert forms_on(html) == {"review", "classify"} and "(you)" in html


def test_hidden_requests_are_seen_by_those_concerned_only(client, ask, aigerim, aidar, madina, bob):
    made = ask(title="Names a neighbour")
    actions.hide_information_request(Actor.of(aidar), made, reason="Personal data.")
    assert "Names a neighbour" not in page(client, "/en/information/")
    page(client, f"/en/information/{made.pk}/", 404)
    client.force_login(bob)
    page(client, f"/en/information/{made.pk}/", 404)
    for user in (aigerim, aidar, madina):
        client.force_login(user)
        assert "Hidden from the public" in page(client, f"/en/information/{made.pk}/")


def test_documents_of_hidden_requests_are_not_served(client, ask, aidar, aigerim):
    made = ask()
    actions.answer_information_request(
        Actor.of(aidar), made, text="Here.", outcome="successful",
        files=[("a.pdf", PDF, "application/pdf")],
    )  # fmt: skip
    actions.hide_information_request(Actor.of(aidar), made, reason="Personal data.")
    link = f"/en/information/{made.pk}/files/{InformationFile.objects.get().pk}/"
    assert client.get(link).status_code == 404
    client.force_login(aigerim)
    response = client.get(link)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"


def test_detail_queries_stay_constant_as_the_thread_grows(client, ask, aidar, aigerim):
    made = ask()
    short = queries(client, f"/en/information/{made.pk}/")
    me = Actor.of(aigerim)
    for _ in range(4):
        actions.answer_information_request(
            Actor.of(aidar), made, text="Here.", outcome="rejected",
            files=[("a.pdf", PDF, "application/pdf")],
        )  # fmt: skip
        actions.request_internal_review(me, made, text="Please review.")
    assert queries(client, f"/en/information/{made.pk}/") == short


# Forms --------------------------------------------------------------------------------------------


def test_staff_answer_through_the_page_with_a_document(client, ask, aidar):
    made = ask()
    client.force_login(aidar)
    with open_pdf() as upload:
        response = client.post(
            f"/en/information/{made.pk}/answer/",
            {"answer-outcome": "successful", "answer-text": "Attached.", "answer-files": [upload]},
        )
    assert response.status_code == 302 and response["Location"] == f"/en/information/{made.pk}/"
    made.refresh_from_db()
    assert made.state == "successful" and InformationFile.objects.get().name == "answer.pdf"
    assert "The answer is published." in page(client, response["Location"])


def open_pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    class _Upload:
        def __enter__(self):
            return SimpleUploadedFile("answer.pdf", PDF, content_type="application/pdf")

        def __exit__(self, *exc):
            return False

    return _Upload()


def test_a_bad_answer_keeps_what_was_typed(client, ask, aidar):
    from django.core.files.uploadedfile import SimpleUploadedFile

    made = ask()
    client.force_login(aidar)
    before = snapshot()
    response = client.post(
        f"/en/information/{made.pk}/answer/",
        {
            "answer-outcome": "not_held",
            "answer-text": "We do not hold it.",
            "answer-files": [SimpleUploadedFile("virus.exe", b"MZ\x90\x00", "application/x-dos")],
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "We do not hold it." in html and 'value="not_held" selected' in html
    assert "is not a PDF, JPEG or PNG file" in html and "There is a problem" in html
    assert html.count("<title>Error:") == 1
    assert snapshot() == before


@pytest.mark.parametrize("who", ["bolat", "timur", "bob", "alice", "aigerim"])
def test_others_cannot_answer_through_the_page(client, request, ask, who):
    made = ask()
    user = request.getfixturevalue(who)
    client.force_login(user)
    before = snapshot()
    response = client.post(
        f"/en/information/{made.pk}/answer/",
        {"answer-outcome": "successful", "answer-text": "Here."},
    )
    assert response.status_code == 403
    assert snapshot() == before


def test_the_requester_acts_through_the_page(client, ask, aigerim, aidar):
    made = ask()
    actions.ask_clarification(Actor.of(aidar), made, text="Which streets?")
    client.force_login(aigerim)
    response = client.post(f"/en/information/{made.pk}/reply/", {"reply-text": "Abai street."})
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.state == "waiting_response"
    # A form that is no longer offered (no clarification awaited) sends back with the reason.
    response = client.post(f"/en/information/{made.pk}/reply/", {"reply-text": "Again."})
    assert response.status_code == 302
    assert "cannot be done" in page(client, response["Location"])
    response = client.post(f"/en/information/{made.pk}/withdraw/", {"withdraw-reason": ""})
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.state == "withdrawn"


def test_unknown_forms_and_anonymous_posts(client, ask):
    made = ask()
    assert client.post(f"/en/information/{made.pk}/answer/", {}).status_code == 302  # sign in
    assert client.get(f"/en/information/{made.pk}/answer/").status_code == 405
    assert client.get("/en/information/999999/").status_code == 404


# Asking -------------------------------------------------------------------------------------------


def test_asking_needs_an_account(client, law):
    response = client.get("/en/information/new/")
    assert response.status_code == 302 and "/accounts/signin/" in response["Location"]


def test_a_resident_finds_the_body_and_asks(client, town, aigerim, law):
    client.force_login(aigerim)
    html = page(client, "/en/information/new/?q=talgar")
    assert f'value="{town.talgar_akimat.pk}"' in html
    assert f'value="{town.talgar_maslikhat.pk}"' in html
    assert f'value="{town.belbulak_akimat.pk}"' not in html
    assert 'for="id_body"' in html and 'for="id_title"' in html and 'for="id_text"' in html
    chosen = page(client, f"/en/information/new/?body={town.belbulak_akimat.pk}")
    assert f'<option value="{town.belbulak_akimat.pk}" selected' in chosen
    response = client.post(
        "/en/information/new/?q=talgar",
        {"body": town.talgar_akimat.pk, "title": "Kindergarten places", "text": "How many?"},
    )
    made = InformationRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/en/information/{made.pk}/"
    assert made.requester == aigerim and made.title == "Kindergarten places"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"body": "", "title": "Kindergartens", "text": "How many places?"}, "Choose the body"),
        (
            {"body": "999999", "title": "Kindergartens", "text": "How many places?"},
            "Choose the body",
        ),
        ({"title": "", "text": "How many places?"}, "This field is required"),
        ({"title": "Kindergartens", "text": "x" * 10_001}, "At most 10000 characters"),
    ],
)
def test_a_bad_request_keeps_what_was_typed(client, town, aigerim, law, data, message):
    client.force_login(aigerim)
    data = {"body": str(town.talgar_akimat.pk), **data}
    response = client.post("/en/information/new/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and "There is a problem" in html
    for value in (data["title"], data["text"][:100]):
        assert value in html
    assert not InformationRequest.objects.exists()


# The inbox and the requester's list ---------------------------------------------------------------


def test_staff_see_their_bodies_requests_by_deadline(client, at, ask, town, aidar, bolat, bob):
    at(2026, 3, 2)
    first = ask(title="First asked")
    at(2026, 3, 5)
    ask(title="Second asked")
    ask(title="To Belbulak", body=town.belbulak_akimat)
    actions.extend_information_request(Actor.of(aidar), first, reason="Archive.")
    client.force_login(aidar)
    html = page(client, "/en/information/inbox/")
    assert html.index("Second asked") < html.index("First asked")  # first was extended
    assert "To Belbulak" not in html
    client.force_login(bolat)
    assert "To Belbulak" in page(client, "/en/information/inbox/")
    client.force_login(bob)
    page(client, "/en/information/inbox/", 403)


def test_the_requester_sees_their_requests(client, ask, aigerim, bob):
    ask(title="Mine")
    client.force_login(aigerim)
    assert "Mine" in page(client, "/en/information/mine/")
    client.force_login(bob)
    assert "Mine" not in page(client, "/en/information/mine/")
