"""Who may do what with an appeal: for every write, the allowed and the refused."""

from __future__ import annotations

import pytest

from esep.accountability import actions
from esep.accountability.models import Appeal, AppealStep
from esep.core.actions import ActionRefused, Actor
from esep.core.models import AuditEntry

pytestmark = pytest.mark.django_db

HANDLERS = {
    "assign": lambda actor, appeal, town, people: actions.assign_appeal(
        actor, appeal, assignee=people["bolat"]
    ),
    "forward": lambda actor, appeal, town, people: actions.forward_appeal(
        actor, appeal, to_body=town.talgar_akimat, reason="District road."
    ),
    "forward_out": lambda actor, appeal, town, people: actions.forward_appeal_out(
        actor, appeal, organisation="Police", reason="A crime."
    ),
    "extend": lambda actor, appeal, town, people: actions.extend_appeal(
        actor, appeal, reason="Survey needed."
    ),
    "answer": lambda actor, appeal, town, people: actions.answer_appeal(
        actor, appeal, text="Repaired."
    ),
    "leave": lambda actor, appeal, town, people: actions.leave_appeal(
        actor, appeal, reason="repeated"
    ),
    "publish": lambda actor, appeal, town, people: actions.publish_appeal(
        actor, appeal, public_text="Potholes on the main street."
    ),
    "unpublish": lambda actor, appeal, town, people: actions.unpublish_appeal(actor, appeal),
}


@pytest.fixture
def people(aigerim, aidar, bolat, gulnar, timur, alice, bob):
    return {
        "aigerim": aigerim,
        "aidar": aidar,
        "bolat": bolat,
        "gulnar": gulnar,
        "timur": timur,
        "alice": alice,
        "bob": bob,
    }


@pytest.mark.parametrize("verb", sorted(HANDLERS))
def test_staff_of_the_answering_body_may_handle(verb, town, file_appeal, people, at):
    at(2026, 3, 2)
    appeal = file_appeal()
    before = AuditEntry.objects.count()
    HANDLERS[verb](Actor.of(people["bolat"]), appeal, town, people)
    entry = AuditEntry.objects.order_by("-id").first()
    assert AuditEntry.objects.count() == before + 1
    assert entry.actor == people["bolat"] and entry.role.startswith("akimat_editor")


@pytest.mark.parametrize("verb", sorted(HANDLERS))
@pytest.mark.parametrize("who", ["aidar", "gulnar", "timur", "alice", "bob", "aigerim", None])
def test_everybody_else_is_refused(verb, who, town, file_appeal, people, at):
    """Staff of other bodies (even the district and oblast akimats above), maslikhat staff,
    the administrator, an outsider, the applicant and anonymous visitors."""
    at(2026, 3, 2)
    appeal = file_appeal()
    actor = Actor.of(people[who]) if who else Actor()
    steps, audit = AppealStep.objects.count(), AuditEntry.objects.count()
    with pytest.raises(ActionRefused):
        HANDLERS[verb](actor, appeal, town, people)
    assert (AppealStep.objects.count(), AuditEntry.objects.count()) == (steps, audit)
    assert Appeal.objects.get(pk=appeal.pk).status == "registered"


def test_after_forwarding_the_new_body_handles_and_the_old_one_no_longer(
    town, file_appeal, bolat, aidar, at
):
    at(2026, 3, 2)
    appeal = file_appeal()
    appeal = actions.forward_appeal(
        Actor.of(bolat), appeal, to_body=town.talgar_akimat, reason="District road."
    )
    with pytest.raises(ActionRefused):
        actions.answer_appeal(Actor.of(bolat), appeal, text="Done.")
    assert actions.answer_appeal(Actor.of(aidar), appeal, text="Done.").status == "answered"


def test_stale_copy_cannot_act_after_forwarding(town, file_appeal, bolat, at):
    at(2026, 3, 2)
    stale = file_appeal()
    actions.forward_appeal(
        Actor.of(bolat), Appeal.objects.get(pk=stale.pk), to_body=town.talgar_akimat, reason="X"
    )
    with pytest.raises(ActionRefused):
        actions.answer_appeal(Actor.of(bolat), stale, text="Done.")


def test_filing_needs_an_account(town, file_appeal):
    with pytest.raises(ActionRefused):
        file_appeal(actor=Actor())
    assert not Appeal.objects.exists()


@pytest.mark.parametrize("who", ["aigerim"])
def test_applicant_rates_and_complains(who, town, file_appeal, bolat, people, at):
    at(2026, 3, 2)
    appeal = file_appeal()
    appeal = actions.answer_appeal(Actor.of(bolat), appeal, text="Repaired.")
    rated = actions.rate_appeal(Actor.of(people[who]), appeal, rating=2, comment="Not really.")
    assert rated.rating == 2
    complaint = actions.complain_about_appeal(
        Actor.of(people[who]), appeal, text="The road is still broken."
    )
    assert complaint.body == town.talgar_akimat
    assert complaint.parent == appeal and complaint.kind == "complaint"


@pytest.mark.parametrize("who", ["bolat", "aidar", "alice", "bob", None])
def test_others_may_not_rate_or_complain(who, town, file_appeal, people, at):
    at(2026, 3, 2)
    appeal = file_appeal()
    appeal = actions.answer_appeal(Actor.of(people["bolat"]), appeal, text="Repaired.")
    actor = Actor.of(people[who]) if who else Actor()
    with pytest.raises(ActionRefused):
        actions.rate_appeal(actor, appeal, rating=5)
    with pytest.raises(ActionRefused):
        actions.complain_about_appeal(actor, appeal, text="Complaint.")
    assert Appeal.objects.count() == 1 and Appeal.objects.get().rating is None


def test_category_and_key_management_is_for_administrators(town, alice, bolat, bob):
    from esep.accountability.models import ApiClient

    client, key = actions.issue_api_key(
        Actor.of(alice), name="FixMyStreet KZ", contact_email="a@b.kz"
    )
    assert actions.client_for_key(key) == client
    assert actions.load_categories(Actor.of(alice))["categories"] >= 12
    for user in (bolat, bob):
        with pytest.raises(ActionRefused):
            actions.issue_api_key(Actor.of(user), name="X", contact_email="x@y.kz")
        with pytest.raises(ActionRefused):
            actions.load_categories(Actor.of(user))
        with pytest.raises(ActionRefused):
            actions.revoke_api_key(Actor.of(user), client)
    actions.revoke_api_key(Actor.of(alice), client)
    assert actions.client_for_key(key) is None
    assert ApiClient.objects.count() == 1


def test_commands_load_categories_and_issue_and_revoke_keys(regions):
    from io import StringIO

    from django.core.management import call_command

    from esep.accountability.models import ApiClient, Category

    out = StringIO()
    call_command("load_categories", stdout=out)
    assert Category.objects.filter(is_active=True).count() >= 12 and "categories" in out.getvalue()
    out = StringIO()
    call_command("issue_api_key", "FixMyStreet KZ", "ops@example.kz", stdout=out)
    key = out.getvalue().split(": ", 1)[1].split()[0]
    client = actions.client_for_key(key)
    assert client is not None and client.name == "FixMyStreet KZ"
    call_command("issue_api_key", "--revoke", client.key_prefix, stdout=StringIO())
    assert actions.client_for_key(key) is None and ApiClient.objects.count() == 1
