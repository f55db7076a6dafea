"""How every write in esep happens.

An action is a named verb (`grant_role`, `publish_unit`, …) that runs in one transaction, checks
the actor's permission first, and leaves one audit entry naming who, what, when and from which
role. Views, the API, the CLI and importers call actions; nothing else writes.

    def publish_unit(actor: Actor, unit: Unit) -> LedgerEntry:
        with action("publish_unit", actor, "territory.publish_unit", unit) as act:
            ...
            act.record(unit, name=unit.name_en)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _

from .models import AuditEntry, DataVersion


class ActionRefused(PermissionDenied):
    """The actor may not take this action here."""


@dataclass(frozen=True)
class Actor:
    """Who acts: a signed-in user, an anonymous visitor, or the system (CLI, importers)."""

    user: Any = None
    system: str = ""

    @classmethod
    def of(cls, user: Any) -> Actor:
        return cls(user=user if user is not None and user.is_authenticated else None)

    @classmethod
    def cli(cls, command: str) -> Actor:
        return cls(system=f"cli:{command}")

    @property
    def label(self) -> str:
        if self.user is not None:
            return self.user.email
        return self.system or "anonymous"

    def may(self, permission: str, obj: Any = None) -> bool:
        if self.system:
            return True
        if self.user is None:
            return False
        return self.user.has_perm(permission, obj)


@dataclass
class _Act:
    verb: str
    actor: Actor
    role: str
    target: models.Model | None = None
    data: dict[str, Any] = field(default_factory=dict)

    def record(self, target: models.Model, **data: Any) -> None:
        self.target = target
        self.data.update(data)


def _acting_role(actor: Actor, obj: Any) -> str:
    if actor.system:
        return "system"
    if actor.user is None:
        return "anonymous"
    from esep.accounts.queries import acting_role

    return acting_role(actor.user, obj)


def refuse_unless(actor: Actor, permission: str | None, obj: Any = None) -> None:
    """Refuse unless the actor holds `permission` on `obj` (None: anyone may). `action` checks
    it; an action that reads before it writes checks it first, so that nobody learns anything
    from a refusal they had no right to."""
    if permission is not None and not actor.may(permission, obj):
        raise ActionRefused(_("You are not allowed to do this here."))


@contextmanager
def action(
    verb: str, actor: Actor, permission: str | None, obj: Any = None, *, role: str | None = None
) -> Iterator[_Act]:
    """Check `permission` (None: anyone may), open a transaction, audit what was done. `role`
    names the role acted from where it cannot be any other (a resident's vote); else it is
    looked up."""
    refuse_unless(actor, permission, obj)
    act = _Act(verb=verb, actor=actor, role=role or _acting_role(actor, obj))
    with transaction.atomic():
        yield act
        target = act.target
        AuditEntry.objects.create(
            actor=actor.user,
            actor_label=actor.label,
            role=act.role,
            verb=verb,
            target_type=target._meta.label_lower if target is not None else "",
            target_id=str(target.pk) if target is not None else "",
            data=act.data,
        )
        if not DataVersion.objects.filter(pk=1).update(value=models.F("value") + 1):
            DataVersion.objects.get_or_create(pk=1, defaults={"value": 1})
