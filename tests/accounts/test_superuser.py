"""`esep createsuperuser` makes an administrator by role; Django's superuser flag is never set."""

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from esep.accounts.models import User
from esep.core.models import AuditEntry


def test_createsuperuser_grants_the_administrator_role(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "steppe-admin-2026")
    call_command("createsuperuser", "--no-input", email="Root@Example.kz", full_name="Root")
    user = User.objects.get(email="root@example.kz")
    assert not user.is_superuser
    assert user.roles.get().kind == "administrator"
    assert user.has_perm("accounts.grant_role")
    assert AuditEntry.objects.filter(verb="grant_role", actor_label="cli:createsuperuser").exists()
    assert AuditEntry.objects.filter(verb="register_resident", target_id=str(user.pk)).exists()


def test_database_refuses_django_superusers_and_mixed_case_email(bob):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=bob.pk).update(is_superuser=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=bob.pk).update(email="Bob@example.kz")
