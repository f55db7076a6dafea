"""The Django admin is for administrators; its role grants go through the audited action."""

from esep.accounts.models import Role
from esep.core.models import AuditEntry


def test_alice_opens_the_admin(client, alice):
    client.force_login(alice)
    assert client.get("/en/admin/").status_code == 200
    assert client.get("/en/admin/core/auditentry/").status_code == 200


def test_signed_in_non_administrators_are_refused(client, bob, carol):
    for user in (bob, carol):
        client.force_login(user)
        response = client.get("/en/admin/", follow=True)
        assert response.status_code == 403
        assert "You cannot do this here" in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get("/en/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/en/accounts/signin/?next=")


def test_admin_grants_a_role_through_the_action(client, alice, bob, regions):
    client.force_login(alice)
    response = client.post(
        "/en/admin/accounts/role/add/",
        {
            "user": bob.pk,
            "kind": "moderator",
            "unit": regions["KZ-10"].pk,
        },
    )
    assert response.status_code == 302, response.content[:2000]
    role = Role.objects.get(user=bob)
    assert AuditEntry.objects.filter(
        verb="grant_role", target_id=str(role.pk), actor=alice
    ).exists()


def test_audit_trail_cannot_be_edited_in_the_admin(client, alice):
    client.force_login(alice)
    entry = AuditEntry.objects.first()
    response = client.post(f"/en/admin/core/auditentry/{entry.pk}/change/", {"verb": "x"})
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.verb != "x"
