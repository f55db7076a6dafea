"""Granting and revoking roles: who may, what is recorded, what the database refuses."""

import pytest
from django.db import IntegrityError, transaction

from esep.accounts import actions
from esep.accounts.models import Role
from esep.core.actions import ActionRefused, Actor
from esep.core.models import AuditEntry
from esep.territory.models import Body


def test_alice_grants_a_role_and_the_audit_trail_records_it(alice, bob, regions):
    body = Body.objects.get(unit=regions["KZ-75"], kind="akimat")
    role = actions.grant_role(Actor.of(alice), user=bob, kind="akimat_editor", body=body)
    entry = AuditEntry.objects.get(verb="grant_role", target_id=str(role.pk))
    assert entry.actor == alice
    assert entry.role == "administrator"
    assert entry.target_type == "accounts.role"
    assert entry.data["user"] == "bob@example.kz"
    assert role.granted_by == alice


@pytest.mark.parametrize("who", ["bob", "carol", "dana", "erlan", "farida"])
def test_everyone_but_an_administrator_is_refused(request, who, regions):
    actor = request.getfixturevalue(who)
    target = request.getfixturevalue("bob") if who != "bob" else actor
    before = (Role.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ActionRefused):
        actions.grant_role(Actor.of(actor), user=target, kind="moderator", unit=regions["KZ-10"])
    assert (Role.objects.count(), AuditEntry.objects.count()) == before


def test_anonymous_visitor_is_refused(bob, regions):
    with pytest.raises(ActionRefused):
        actions.grant_role(Actor.of(None), user=bob, kind="moderator", unit=regions["KZ-10"])


def test_revoking_is_for_administrators_only(alice, carol):
    role = carol.roles.get()
    with pytest.raises(ActionRefused):
        actions.revoke_role(Actor.of(carol), role)
    actions.revoke_role(Actor.of(alice), role)
    role.refresh_from_db()
    assert role.revoked_at is not None


def test_database_refuses_a_role_without_its_scope(bob, regions):
    with pytest.raises(IntegrityError), transaction.atomic():
        Role.objects.create(user=bob, kind="akimat_editor")
    with pytest.raises(IntegrityError), transaction.atomic():
        Role.objects.create(user=bob, kind="administrator", unit=regions["KZ-10"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Role.objects.create(
            user=bob, kind="moderator", body=Body.objects.get(unit=regions["KZ-10"], kind="akimat")
        )


def test_database_refuses_the_same_active_role_twice(alice, bob, regions):
    actions.grant_role(Actor.of(alice), user=bob, kind="moderator", unit=regions["KZ-10"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Role.objects.create(user=bob, kind="moderator", unit=regions["KZ-10"])
    actions.grant_role(Actor.of(alice), user=bob, kind="administrator")
    with pytest.raises(IntegrityError), transaction.atomic():
        Role.objects.create(user=bob, kind="administrator")


def test_a_body_role_must_match_the_kind_of_body(alice, bob, regions):
    from django.core.exceptions import ValidationError

    maslikhat = Body.objects.get(unit=regions["KZ-75"], kind="maslikhat")
    before = (Role.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationError):
        actions.grant_role(Actor.of(alice), user=bob, kind="akimat_editor", body=maslikhat)
    assert (Role.objects.count(), AuditEntry.objects.count()) == before
