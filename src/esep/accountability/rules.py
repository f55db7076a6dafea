"""Who may do what with appeals.

Any signed-in resident files appeals; Open311 client applications file them with their API key.
Only the staff of the body an appeal is routed to (akimat editors or maslikhat staff of that
body) see it in full and assign, answer, extend, forward or leave it, and clear its text for
publication. The applicant rates the answer and complains to the body above. Administrators
manage categories and API keys; they do not read or answer appeals."""

from __future__ import annotations

from typing import Any

import rules

from esep.accounts.rules import is_administrator, is_body_staff


@rules.predicate
def is_signed_in(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated)


@rules.predicate
def is_applicant(user: Any, appeal: Any) -> bool:
    return (
        appeal is not None
        and user is not None
        and user.is_authenticated
        and getattr(appeal, "applicant_id", None) == user.pk
    )


@rules.predicate
def is_staff_of_a_body(user: Any) -> bool:
    """Holds a body role somewhere: may open the staff inbox."""
    from esep.accounts.models import BODY_ROLES
    from esep.accounts.queries import active_roles

    return any(role.kind in BODY_ROLES for role in active_roles(user))


rules.add_perm("accountability.file_appeal", is_signed_in)
rules.add_perm("accountability.handle_appeal", is_body_staff)
rules.add_perm("accountability.view_appeal", is_body_staff | is_applicant)
rules.add_perm("accountability.rate_appeal", is_applicant)
rules.add_perm("accountability.complain", is_applicant)
rules.add_perm("accountability.use_inbox", is_staff_of_a_body)
rules.add_perm("accountability.manage_categories", is_administrator)
rules.add_perm("accountability.issue_api_key", is_administrator)
from . import rules_information  # noqa: E402,F401
