"""Administrators may act anywhere; nobody else holds administrator powers."""

from esep.accounts.rules import is_administrator


def test_alice_the_administrator_may_grant_and_revoke_roles_anywhere(alice, regions):
    for perm in (
        "accounts.grant_role",
        "accounts.revoke_role",
        "accounts.use_admin",
        "accounts.view_audit",
    ):
        assert alice.has_perm(perm)
        assert alice.has_perm(perm, regions["KZ-75"])
    assert is_administrator(alice)


def test_staff_moderators_and_residents_are_not_administrators(bob, carol, dana, erlan, farida):
    for user in (bob, carol, dana, erlan, farida):
        assert not is_administrator(user)
        assert not user.has_perm("accounts.grant_role")
        assert not user.has_perm("accounts.use_admin")


def test_anonymous_visitor_is_not_administrator(db):
    from django.contrib.auth.models import AnonymousUser

    assert not is_administrator(AnonymousUser())
    assert not AnonymousUser().has_perm("accounts.grant_role")


def test_revoked_administrator_loses_powers(alice, fresh_user):
    from esep.accounts.actions import revoke_role
    from tests.conftest import SYSTEM

    revoke_role(SYSTEM, alice.roles.get())
    assert not fresh_user(alice).has_perm("accounts.grant_role")
