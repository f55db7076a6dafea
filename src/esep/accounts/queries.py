"""Reads about accounts and roles, shared by rules, pages and the API."""

from __future__ import annotations

from typing import Any

from .models import Role, RoleKind

_CACHE = "_esep_active_roles"


def active_roles(user: Any) -> list[Role]:
    """The user's roles in force, loaded once per user object (one query per request)."""
    if not getattr(user, "is_authenticated", False):
        return []
    roles = getattr(user, _CACHE, None)
    if roles is None:
        roles = list(
            Role.objects.filter(user=user, revoked_at__isnull=True)
            .select_related("body__unit", "unit")
            .order_by("kind", "id")
        )
        setattr(user, _CACHE, roles)
    return roles


def forget_roles(user: Any) -> None:
    if hasattr(user, _CACHE):
        delattr(user, _CACHE)


def role_label(role: Role) -> str:
    """A stable, language-neutral label for the audit trail: kind and scope."""
    if role.body_id:
        return f"{role.kind}@body:{role.body_id}"
    if role.unit_id:
        return f"{role.kind}@unit:{role.unit_id}"
    return role.kind


def acting_role(user: Any, obj: Any) -> str:
    """The role a user acts from on `obj`: administrator, else a role whose scope covers it."""
    from . import rules as r

    roles = active_roles(user)
    for role in roles:
        if role.kind == RoleKind.ADMINISTRATOR:
            return role_label(role)
    # A record may say which roles act for it (a mandate: the registering body's staff).
    matches = getattr(obj, "role_matches", None) or (lambda role: r.role_covers(role, obj))
    for role in roles:
        if obj is not None and matches(role):
            return role_label(role)
    return "resident"
