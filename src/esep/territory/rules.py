"""Who may change the territorial registry.

Administrators may do everything. A mandate is recorded (and ended) by the staff of the body
that appoints or registers it:
- directly elected holders: the territorial election commission of the unit or a unit above;
- holders elected by maslikhat deputies: staff of that maslikhat for its chair, or of the
  district (regional-city) maslikhat for akims of the fourth level in it (2013–2021);
- appointed and acting holders: staff of an akimat above the unit for its akim (an akimat never
  appoints its own akim), or of the unit's akimat or one above for deputy akims.
And only on a basis the post allows (`allowed_bases`): deputies are elected, oblast akims
appointed, and so on.
"""

from __future__ import annotations

from typing import Any

import rules

from esep.accounts.models import RoleKind
from esep.accounts.queries import active_roles
from esep.accounts.rules import is_administrator, is_body_staff

from .models import BodyKind, MandateBasis, PostKind, UnitKind
from .models.mandates import APPOINTED, allowed_bases


def may_register(role: Any, post: Any, basis: str) -> bool:
    """May this role record (or end) a mandate on `post` on this `basis`?"""
    unit = post.body.unit
    if basis not in allowed_bases(post.kind, unit.kind):
        return False
    if role.kind == RoleKind.ELECTION_COMMISSION:
        return basis == MandateBasis.ELECTED_DIRECT and role.unit.covers(unit)
    if role.body_id is None:
        return False
    own = role.body.unit
    if role.kind == RoleKind.MASLIKHAT_STAFF:
        if basis != MandateBasis.ELECTED_INDIRECT or role.body.kind != BodyKind.MASLIKHAT:
            return False
        if post.body_id == role.body_id:
            return post.kind == PostKind.MASLIKHAT_CHAIR
        # A district (or regional city) maslikhat elected the akims of the fourth level in it.
        return (
            post.kind == PostKind.AKIM
            and unit.level == 4
            and own.kind in (UnitKind.DISTRICT, UnitKind.REGIONAL_CITY)
            and own.covers(unit)
        )
    if role.kind == RoleKind.AKIMAT_EDITOR:
        if basis not in APPOINTED or post.body.kind != BodyKind.AKIMAT or not own.covers(unit):
            return False
        if post.kind == PostKind.AKIM:
            return own.pk != unit.pk  # akims of units below, never its own
        return post.kind == PostKind.DEPUTY_AKIM
    return False


@rules.predicate
def registers_mandate(user: Any, scope: Any) -> bool:
    """`scope` has .post and .basis (a MandateScope, or a Mandate)."""
    if scope is None:
        return False
    return any(may_register(role, scope.post, scope.basis) for role in active_roles(user))


@rules.predicate
def registers_somewhere(user: Any) -> bool:
    kinds = {RoleKind.AKIMAT_EDITOR, RoleKind.MASLIKHAT_STAFF, RoleKind.ELECTION_COMMISSION}
    return any(role.kind in kinds for role in active_roles(user))


rules.add_perm("territory.create_unit", is_administrator)
rules.add_perm("territory.publish_unit", is_administrator)
rules.add_perm("territory.change_unit", is_administrator)
rules.add_perm("territory.create_body", is_administrator)
rules.add_perm("territory.create_party", is_administrator)
rules.add_perm("territory.set_term_rule", is_administrator)
rules.add_perm("territory.define_power", is_administrator)
rules.add_perm("territory.create_post", is_administrator | is_body_staff)
rules.add_perm("territory.create_person", is_administrator | registers_somewhere)
rules.add_perm("territory.record_mandate", is_administrator | registers_mandate)
