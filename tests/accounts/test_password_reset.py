"""Password reset by email (console backend by default; locmem in tests)."""

import re

from django.core import mail

from esep.accounts.models import User
from esep.core.models import AuditEntry


def test_bob_resets_his_password_from_the_emailed_link(client, bob):
    response = client.post("/kk/accounts/password-reset/", {"email": "bob@example.kz"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["bob@example.kz"]
    link = re.search(r"http://testserver(/kk/accounts/password-reset/\S+/)", message.body)[1]
    form_url = client.get(link).url  # Django swaps the token for a session-held one
    response = client.post(
        form_url, {"new_password1": "zhana-kupiya-2026", "new_password2": "zhana-kupiya-2026"}
    )
    assert response.status_code == 302
    assert User.objects.get(pk=bob.pk).check_password("zhana-kupiya-2026")
    audit = AuditEntry.objects.get(verb="reset_password")
    assert audit.actor == bob and audit.target_id == str(bob.pk)


def test_unknown_address_reveals_nothing_and_sends_nothing(client, db):
    response = client.post("/kk/accounts/password-reset/", {"email": "nobody@example.kz"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_a_bad_link_is_explained(client, db):
    response = client.get("/en/accounts/password-reset/MQ/bad-token/")
    assert "This link is not valid" in response.content.decode()
