"""Writes about accounts and roles."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from esep.core.actions import Actor, action
from esep.territory.models import Body, Unit

from .models import BODY_KIND_OF_ROLE, Role, User
from .queries import forget_roles


def register_resident(
    actor: Actor, *, email: str, full_name: str, password: str, is_demo: bool = False
) -> User:
    """Anyone may register; the new account holds no role. Demo accounts are marked."""
    with action("register_resident", actor, None) as act:
        user = User(email=email.strip().lower(), full_name=full_name.strip(), is_demo=is_demo)
        validate_password(password, user)
        user.set_password(password)
        user.save()
        act.record(user, email=user.email)
    return user


def grant_role(
    actor: Actor,
    *,
    user: User,
    kind: str,
    body: Body | None = None,
    unit: Unit | None = None,
) -> Role:
    with action("grant_role", actor, "accounts.grant_role", body or unit) as act:
        expected = BODY_KIND_OF_ROLE.get(kind)
        if expected and body is not None and body.kind != expected:
            raise ValidationError(
                _("This role belongs to a body of another kind."), code="role_body_kind"
            )
        role = Role.objects.create(
            user=user, kind=kind, body=body, unit=unit, granted_by=actor.user
        )
        act.record(role, user=user.email, kind=kind, body=role.body_id, unit=role.unit_id)
    forget_roles(user)
    return role


def revoke_role(actor: Actor, role: Role) -> Role:
    with action("revoke_role", actor, "accounts.revoke_role", role.body or role.unit) as act:
        role.revoked_at = timezone.now()
        role.save(update_fields=["revoked_at"])
        act.record(role, user=role.user.email, kind=role.kind)
    forget_roles(role.user)
    return role


def reset_password(actor: Actor, *, user: User, password: str) -> User:
    """Set a new password. The caller has proved control of the account (a reset link)."""
    with action("reset_password", actor, None) as act:
        validate_password(password, user)
        user.set_password(password)
        user.save(update_fields=["password"])
        act.record(user)
    return user
