"""Who may do what, where: composable predicates over a user's roles (the `rules` package).

Scopes: an administrator may act anywhere; body staff (akimat editor, maslikhat staff) act for
their body and the unit it governs; moderators and election commission members act in their unit
and every unit below it. Later features add permissions built from these predicates.
"""

from __future__ import annotations

from typing import Any

import rules

from esep.territory.models import Body, Unit

from .models import Role, RoleKind
from .queries import active_roles


def _unit_of(obj: Any) -> Unit | None:
    if isinstance(obj, Unit):
        return obj
    if isinstance(obj, Body):
        return obj.unit
    unit = getattr(obj, "unit", None)
    return unit if isinstance(unit, Unit) else None


def _body_of(obj: Any) -> Body | None:
    if isinstance(obj, Body):
        return obj
    body = getattr(obj, "body", None)
    return body if isinstance(body, Body) else None


def role_covers(role: Role, obj: Any) -> bool:
    """Does this role's scope include `obj` (a unit, a body, or a record with .unit/.body)?"""
    if role.kind == RoleKind.ADMINISTRATOR:
        return True
    if role.body_id:
        body = _body_of(obj)
        if body is not None:
            return body.pk == role.body_id
        unit = _unit_of(obj)
        return unit is not None and unit.pk == role.body.unit_id
    unit = _unit_of(obj)
    return unit is not None and role.unit is not None and role.unit.covers(unit)


def _has_role(kind: str):
    @rules.predicate(name=f"has_{kind}_role_here")
    def predicate(user: Any, obj: Any = None) -> bool:
        return any(role.kind == kind and role_covers(role, obj) for role in active_roles(user))

    return predicate


@rules.predicate
def is_administrator(user: Any) -> bool:
    return any(role.kind == RoleKind.ADMINISTRATOR for role in active_roles(user))


is_akimat_editor = _has_role(RoleKind.AKIMAT_EDITOR)
is_maslikhat_staff = _has_role(RoleKind.MASLIKHAT_STAFF)
is_moderator = _has_role(RoleKind.MODERATOR)
is_election_commission = _has_role(RoleKind.ELECTION_COMMISSION)
is_body_staff = is_akimat_editor | is_maslikhat_staff


# Accounts and roles.
rules.add_perm("accounts.grant_role", is_administrator)
rules.add_perm("accounts.revoke_role", is_administrator)
rules.add_perm("accounts.view_audit", is_administrator)
rules.add_perm("accounts.use_admin", is_administrator)


@rules.predicate
def is_signed_in(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated)


@rules.predicate
def is_akimat_editor_over(user: Any, obj: Any = None) -> bool:
    """An akimat editor whose akimat's unit is `obj`'s unit or a unit above it."""
    unit = _unit_of(obj)
    return unit is not None and any(
        role.kind == RoleKind.AKIMAT_EDITOR and role.body.unit.covers(unit)
        for role in active_roles(user)
    )


# Verified identities: residents verify themselves against a census list; the akimat uploads
# census lists for its territory; its staff and the unit's moderators verify in person.
rules.add_perm("accounts.verify_self", is_signed_in)
rules.add_perm("accounts.upload_census", is_administrator | is_akimat_editor_over)
rules.add_perm("accounts.verify_residence", is_administrator | is_akimat_editor_over | is_moderator)
