"""Every action on a request for information, allowed and refused per role and unit; bad input
and wrong moves change nothing and say why, in the visitor's language.

The cast (tests/accountability/conftest.py): aigerim asks; aidar edits for Talgar's akimat,
bolat for Belbulak's, gulnar for the oblast akimat; timur is staff of Talgar's maslikhat; madina
moderates Almaty Region; erlan moderates Turkistan Region; bob is an outsider, alice the
administrator."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import translation

from esep.accountability.actions import information as actions
from esep.accountability.actions.appeals import RateLimited
from esep.accountability.models import (
    AccessLaw,
    InformationFile,
    InformationMessage,
    InformationRequest,
    RequestState,
)
from esep.core.actions import Actor
from esep.core.models import AuditEntry
from esep.territory import actions as territory_actions
from tests.accountability.test_information_fixtures import (  # noqa: F401
    PDF,
    PNG,
    fixture_ask,
    fixture_law,
    fixture_madina,
    fixture_media,
    snapshot,
)
from tests.conftest import SYSTEM

LONG = "x" * 10_001
OTHERS = ["bolat", "gulnar", "timur", "bob", "alice", "aigerim", "erlan"]


def as_(request, name: str) -> Actor:
    return Actor.of(request.getfixturevalue(name))


def answered(ask, aidar, outcome: str = "successful"):
    return actions.answer_information_request(
        Actor.of(aidar), ask(), text="The contracts are attached.", outcome=outcome
    )


# Filing -------------------------------------------------------------------------------------------


def test_a_resident_asks_and_is_told(
    at, ask, aigerim, town, mailoutbox, django_capture_on_commit_callbacks
):
    at(2026, 3, 2)
    with django_capture_on_commit_callbacks(execute=True):
        request = ask()
    assert request.state == RequestState.WAITING_RESPONSE
    assert request.requester == aigerim and request.is_public and not request.is_demo
    assert request.body == town.talgar_akimat and request.law.code == "kz-401-v-art-11"
    [message] = request.messages.all()
    assert (message.kind, message.direction, message.author) == ("request", "to_body", aigerim)
    assert message.text == request.text and message.state_after == "waiting_response"
    entry = AuditEntry.objects.get(verb="file_information_request")
    assert entry.actor == aigerim and entry.target_id == str(request.pk)
    assert [m.to for m in mailoutbox] == [["aigerim@example.kz"]]
    assert f"№{request.pk}" in mailoutbox[0].subject


def test_anonymous_visitors_cannot_ask(ask):
    before = snapshot()
    with pytest.raises(PermissionDenied):
        ask(actor=Actor())
    assert snapshot() == before


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "t" * 201}, "title"),
        ({"text": ""}, "text"),
        ({"text": LONG}, "text"),
        ({"body": None}, "body"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(ask, overrides, field):
    before = snapshot()
    with pytest.raises(ValidationError) as refused:
        ask(**overrides)
    assert field in refused.value.message_dict
    assert snapshot() == before


def test_every_problem_is_told_at_once(ask):
    with pytest.raises(ValidationError) as refused:
        ask(body=None, title="", text=LONG)
    assert set(refused.value.message_dict) == {"body", "title", "text"}
    assert "10000" in refused.value.message_dict["text"][0]


def test_bodies_that_do_not_answer_on_esep_are_refused(ask, town):
    commission = territory_actions.create_body(SYSTEM, unit=town.talgar, kind="audit_commission")
    before = snapshot()
    with pytest.raises(ValidationError) as refused:
        ask(body=commission)
    assert "does not answer" in refused.value.message_dict["body"][0]
    assert snapshot() == before


def test_without_a_default_law_nothing_can_be_sent(ask):
    AccessLaw.objects.update(is_default=False)
    with pytest.raises(ValidationError) as refused:
        ask()
    assert "law" in refused.value.message_dict["body"][0]


def test_messages_are_in_the_visitors_language(ask, aidar):
    with translation.override("ru"):
        with pytest.raises(ValidationError) as refused:
            ask(title="")
        assert refused.value.message_dict["title"] == ["Обязательное поле."]
        request = ask()
        with pytest.raises(PermissionDenied) as denied:
            actions.withdraw_information_request(Actor.of(aidar), request)
        assert str(denied.value) == "У вас нет прав на это действие здесь."


@override_settings(ESEP_INFORMATION_REQUESTS_PER_HOUR_ACCOUNT=2)
def test_an_account_may_send_only_so_many_an_hour(at, ask):
    at(2026, 3, 2, 10)
    ask()
    ask()
    before = snapshot()
    with pytest.raises(RateLimited) as limited:
        ask()
    assert limited.value.code == "rate_limited"
    assert snapshot()[:2] == before[:2]
    at(2026, 3, 2, 11)
    assert ask().pk  # an hour later it is fine again


# The body -----------------------------------------------------------------------------------------


def test_staff_of_the_body_answer_with_documents(
    at, ask, aidar, mailoutbox, django_capture_on_commit_callbacks
):
    at(2026, 3, 2)
    request = ask()
    at(2026, 3, 10)
    with django_capture_on_commit_callbacks(execute=True):
        request = actions.answer_information_request(
            Actor.of(aidar),
            request,
            text="The contracts are attached.",
            outcome="partially_successful",
            files=[("contracts.pdf", PDF, "application/pdf"), ("map", PNG, "image/png")],
        )
    assert request.state == "partially_successful" and request.on_time is True
    answer = request.messages.get(kind="answer")
    assert (answer.direction, answer.author, answer.state_after) == (
        "from_body",
        aidar,
        "partially_successful",
    )
    names = [(f.name, f.content_type, f.size) for f in answer.files.order_by("id")]
    assert names == [
        ("contracts.pdf", "application/pdf", len(PDF)),
        ("map.png", "image/png", len(PNG)),
    ]
    assert AuditEntry.objects.get(verb="answer_information_request").role.startswith(
        "akimat_editor@body:"
    )
    assert "answered" in mailoutbox[-1].subject


@pytest.mark.parametrize(
    "verb",
    ["answer", "clarify", "extend"],
)
@pytest.mark.parametrize("who", OTHERS)
def test_only_staff_of_that_body_act_for_it(request, ask, verb, who):
    info_request = ask()
    call = {
        "answer": lambda actor: actions.answer_information_request(
            actor, info_request, text="Here.", outcome="successful"
        ),
        "clarify": lambda actor: actions.ask_clarification(actor, info_request, text="Which?"),
        "extend": lambda actor: actions.extend_information_request(
            actor, info_request, reason="Archive."
        ),
    }[verb]
    actor = as_(request, who)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        call(actor)
    assert snapshot() == before


def test_staff_act_for_their_own_body_only(ask, town, bolat, aidar, timur):
    belbulak = ask(body=town.belbulak_akimat)
    maslikhat = ask(body=town.talgar_maslikhat)
    with pytest.raises(PermissionDenied):
        actions.answer_information_request(
            Actor.of(aidar), belbulak, text="Here.", outcome="successful"
        )
    actions.answer_information_request(Actor.of(bolat), belbulak, text="Here.", outcome="not_held")
    actions.answer_information_request(Actor.of(timur), maslikhat, text="Here.", outcome="rejected")
    assert InformationRequest.objects.get(pk=belbulak.pk).state == "not_held"
    assert InformationRequest.objects.get(pk=maslikhat.pk).state == "rejected"


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"text": "", "outcome": "successful"}, "text"),
        ({"text": LONG, "outcome": "successful"}, "text"),
        ({"text": "Here.", "outcome": "withdrawn"}, "outcome"),
        ({"text": "Here.", "outcome": ""}, "outcome"),
        ({"text": "Here.", "outcome": "successful", "files": [("a.exe", b"MZ\x90", "")]}, "files"),
        (
            {
                "text": "Here.",
                "outcome": "successful",
                "files": [("big.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024), "application/pdf")],
            },
            "files",
        ),
        (
            {
                "text": "Here.",
                "outcome": "successful",
                "files": [("a.pdf", PNG, "application/pdf")],
            },
            "files",
        ),
    ],
)
def test_a_bad_answer_is_refused_and_nothing_is_written(ask, aidar, arguments, field):
    info_request = ask()
    before = snapshot()
    with pytest.raises(ValidationError) as refused:
        actions.answer_information_request(Actor.of(aidar), info_request, **arguments)
    assert field in refused.value.message_dict
    assert snapshot() == before and not InformationFile.objects.exists()


def test_a_request_is_answered_once(ask, aidar):
    info_request = answered(ask, aidar)
    before = snapshot()
    with pytest.raises(ValidationError) as refused:
        actions.answer_information_request(
            Actor.of(aidar), info_request, text="Again.", outcome="rejected"
        )
    assert refused.value.code == "state" and "Successful" in refused.value.messages[0]
    assert snapshot() == before


def test_the_term_is_extended_once_and_before_it_ends(at, ask, aidar):
    at(2026, 3, 2)
    info_request = ask()
    late = ask(title="Another")
    at(2026, 3, 18)
    with pytest.raises(ValidationError) as refused:
        actions.extend_information_request(Actor.of(aidar), late, reason="Archive.")
    assert refused.value.code == "too_late"
    at(2026, 3, 17)
    with pytest.raises(ValidationError) as refused:
        actions.extend_information_request(Actor.of(aidar), info_request, reason=" ")
    assert "reason" in refused.value.message_dict
    actions.extend_information_request(Actor.of(aidar), info_request, reason="Archive.")
    before = snapshot()
    with pytest.raises(ValidationError) as refused:
        actions.extend_information_request(Actor.of(aidar), info_request, reason="Again.")
    assert refused.value.code == "extended"
    assert snapshot() == before
    assert info_request.messages.filter(kind="extended").count() == 1


def test_a_law_without_extension_refuses_it(ask, aidar):
    actions.make_default_access_law(
        SYSTEM,
        actions.save_access_law(
            SYSTEM, code="no-ext", title_en="No extension", citation="C", article="A",
            response_days=10, day_kind="calendar", extension_days=0, notice_days=0,
            very_overdue_days=10,
        ),
    )  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        actions.extend_information_request(Actor.of(aidar), ask(), reason="Archive.")
    assert refused.value.code == "no_extension"


def test_a_clarification_is_asked_within_the_term_only(at, ask, aidar):
    at(2026, 3, 2)
    info_request = ask()
    at(2026, 3, 18)
    with pytest.raises(ValidationError) as refused:
        actions.ask_clarification(Actor.of(aidar), info_request, text="Which streets?")
    assert refused.value.code == "too_late"
    with pytest.raises(ValidationError):
        actions.ask_clarification(Actor.of(aidar), info_request, text="")


def test_an_answer_while_a_clarification_is_awaited_is_on_time(at, ask, aidar):
    at(2026, 3, 2)
    info_request = ask()
    actions.ask_clarification(Actor.of(aidar), info_request, text="Which streets?")
    at(2026, 5, 1)
    info_request = actions.answer_information_request(
        Actor.of(aidar), info_request, text="All of them, attached.", outcome="successful"
    )
    assert info_request.on_time is True


# The requester ------------------------------------------------------------------------------------


def test_the_requester_clarifies_reviews_classifies(at, ask, aidar, aigerim):
    me = Actor.of(aigerim)
    info_request = ask()
    actions.ask_clarification(Actor.of(aidar), info_request, text="Which streets?")
    info_request = actions.reply_clarification(me, info_request, text="Abai street.")
    info_request = actions.answer_information_request(
        Actor.of(aidar), info_request, text="Here.", outcome="successful"
    )
    info_request = actions.classify_information_request(
        me, info_request, outcome="partially_successful", comment="The amounts are missing."
    )
    assert info_request.state == "partially_successful"
    info_request = actions.request_internal_review(me, info_request, text="Send the amounts.")
    assert info_request.state == "internal_review"
    info_request = actions.answer_information_request(
        Actor.of(aidar), info_request, text="The amounts.", outcome="successful"
    )
    kinds = list(info_request.messages.values_list("kind", "direction", "state_after"))
    assert kinds == [
        ("request", "to_body", "waiting_response"),
        ("clarification_asked", "from_body", "waiting_clarification"),
        ("clarification", "to_body", "waiting_response"),
        ("answer", "from_body", "successful"),
        ("classified", "to_body", "partially_successful"),
        ("review_requested", "to_body", "internal_review"),
        ("answer", "from_body", "successful"),
    ]


@pytest.mark.parametrize("verb", ["reply", "review", "classify", "withdraw"])
@pytest.mark.parametrize("who", ["aidar", "bolat", "timur", "bob", "alice", "madina"])
def test_only_the_requester_acts_as_the_requester(request, ask, aidar, verb, who):
    info_request = ask()
    if verb == "reply":
        actions.ask_clarification(Actor.of(aidar), info_request, text="Which?")
    elif verb in ("review", "classify"):
        actions.answer_information_request(
            Actor.of(aidar), info_request, text="Here.", outcome="rejected"
        )
    info_request.refresh_from_db()
    call = {
        "reply": lambda a: actions.reply_clarification(a, info_request, text="This."),
        "review": lambda a: actions.request_internal_review(a, info_request, text="Review."),
        "classify": lambda a: actions.classify_information_request(
            a, info_request, outcome="successful"
        ),
        "withdraw": lambda a: actions.withdraw_information_request(a, info_request),
    }[verb]
    actor = as_(request, who)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        call(actor)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("state_setup", "verb"),
    [
        ("waiting_response", "reply"),
        ("waiting_response", "review"),
        ("waiting_response", "classify"),
        ("successful", "withdraw"),
        ("successful", "reply"),
        ("withdrawn", "review"),
        ("withdrawn", "withdraw"),
        ("waiting_clarification", "review"),
    ],
)
def test_wrong_moves_change_nothing(ask, aidar, aigerim, state_setup, verb):
    info_request = ask()
    if state_setup == "successful":
        answered_request = actions.answer_information_request(
            Actor.of(aidar), info_request, text="Here.", outcome="successful"
        )
        info_request = answered_request
    elif state_setup == "withdrawn":
        info_request = actions.withdraw_information_request(Actor.of(aigerim), info_request)
    elif state_setup == "waiting_clarification":
        info_request = actions.ask_clarification(Actor.of(aidar), info_request, text="Which?")
    me = Actor.of(aigerim)
    call = {
        "reply": lambda: actions.reply_clarification(me, info_request, text="This."),
        "review": lambda: actions.request_internal_review(me, info_request, text="Review."),
        "classify": lambda: actions.classify_information_request(
            me, info_request, outcome="successful"
        ),
        "withdraw": lambda: actions.withdraw_information_request(me, info_request),
    }[verb]
    before = snapshot()
    with pytest.raises(ValidationError) as refused:
        call()
    assert refused.value.code == "state"
    assert snapshot() == before


def test_classifying_needs_a_new_outcome_from_the_list(ask, aidar, aigerim):
    info_request = answered(ask, aidar, "not_held")
    me = Actor.of(aigerim)
    for outcome, field in (("not_held", "outcome"), ("overdue", "outcome"), ("", "outcome")):
        with pytest.raises(ValidationError) as refused:
            actions.classify_information_request(me, info_request, outcome=outcome)
        assert field in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        actions.classify_information_request(me, info_request, outcome="successful", comment=LONG)
    assert "comment" in refused.value.message_dict
    assert InformationRequest.objects.get(pk=info_request.pk).state == "not_held"


def test_withdrawing(at, ask, aigerim):
    at(2026, 3, 2)
    info_request = actions.withdraw_information_request(
        Actor.of(aigerim), ask(), reason="I found it on the akimat's site."
    )
    assert info_request.state == "withdrawn" and info_request.withdrawn_at is not None
    assert info_request.status_on(info_request.deadline.replace(year=2027)) == "withdrawn"


# Hiding ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["aidar", "madina"])
def test_staff_and_moderators_of_the_unit_hide_and_publish_again(request, ask, who):
    info_request = ask()
    actor = as_(request, who)
    info_request = actions.hide_information_request(
        actor, info_request, reason="It names a private person."
    )
    assert not info_request.is_public and info_request.hidden_at is not None
    with pytest.raises(ValidationError):
        actions.hide_information_request(actor, info_request, reason="Again.")
    info_request = actions.unhide_information_request(actor, info_request)
    assert info_request.is_public and info_request.hidden_reason == ""
    roles = list(
        AuditEntry.objects.filter(verb__endswith="hide_information_request").values_list(
            "role", flat=True
        )
    )
    assert len(roles) == 2 and all(
        role.startswith(("akimat_editor", "moderator")) for role in roles
    )


@pytest.mark.parametrize("who", ["bolat", "timur", "erlan", "bob", "alice", "aigerim"])
def test_others_cannot_hide(request, ask, who):
    info_request = ask()
    actor = as_(request, who)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        actions.hide_information_request(actor, info_request, reason="Personal.")
    assert snapshot() == before


def test_hiding_needs_a_reason(ask, madina):
    with pytest.raises(ValidationError) as refused:
        actions.hide_information_request(Actor.of(madina), ask(), reason="")
    assert "reason" in refused.value.message_dict


# Laws ---------------------------------------------------------------------------------------------


def test_loading_the_law_twice_adds_nothing(law):
    assert actions.load_access_laws(SYSTEM) == 0
    assert AccessLaw.objects.filter(is_default=True).count() == 1
    assert (law.response_days, law.day_kind, law.extension_days) == (15, "calendar", 15)


def test_only_administrators_manage_laws(law, alice, bob, aidar):
    for user in (bob, aidar):
        with pytest.raises(PermissionDenied):
            actions.save_access_law(Actor.of(user), law=law, title_en="Changed")
        with pytest.raises(PermissionDenied):
            actions.make_default_access_law(Actor.of(user), law)
    changed = actions.save_access_law(Actor.of(alice), law=law, source_url="https://example.kz/")
    assert changed.source_url == "https://example.kz/"


def test_terms_in_use_are_frozen(ask, alice, law):
    ask()
    with pytest.raises(ValidationError) as refused:
        actions.save_access_law(Actor.of(alice), law=law, response_days=10)
    assert "response_days" in refused.value.message_dict
    assert AccessLaw.objects.get(pk=law.pk).response_days == 15
    actions.save_access_law(Actor.of(alice), law=law, title_ru="Закон о доступе к информации")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"response_days": 0}, "response_days"),
        ({"response_days": "ten"}, "response_days"),
        ({"very_overdue_days": 400}, "very_overdue_days"),
        ({"day_kind": "lunar"}, "day_kind"),
        ({"citation": ""}, "citation"),
        ({"code": "kz-401-v-art-11"}, "code"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_laws_are_refused(law, alice, fields, field):
    arguments = {
        "code": "new", "title_en": "New", "citation": "Law", "article": "1", "response_days": 5,
        "day_kind": "working", "extension_days": 5, "notice_days": 1, "very_overdue_days": 5,
    }  # fmt: skip
    arguments.update(fields)
    with pytest.raises(ValidationError) as refused:
        actions.save_access_law(Actor.of(alice), **arguments)
    assert field in refused.value.message_dict
    assert AccessLaw.objects.count() == 1


def test_a_new_default_law_applies_to_new_requests_only(ask, law):
    first = ask()
    new = actions.save_access_law(
        SYSTEM, code="v2", title_en="V2", citation="C", article="A", response_days=10,
        day_kind="working", extension_days=10, notice_days=3, very_overdue_days=10,
    )  # fmt: skip
    actions.make_default_access_law(SYSTEM, new)
    assert list(AccessLaw.objects.filter(is_default=True)) == [new]
    second = ask(title="Second")
    assert InformationRequest.objects.get(pk=first.pk).law == law and second.law == new


def test_mail_is_not_sent_when_the_action_fails(at, ask, aidar, django_capture_on_commit_callbacks):
    at(2026, 3, 2)
    info_request = ask()
    at(2026, 3, 20)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        actions.ask_clarification(Actor.of(aidar), info_request, text="Which streets?")
    assert mail.outbox == []
    assert InformationMessage.objects.filter(request=info_request).count() == 1
