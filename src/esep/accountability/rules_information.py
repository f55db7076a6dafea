"""Who may do what with requests for information.

Any signed-in resident asks for information. Requests are public unless hidden; a hidden one
is seen by its requester, the staff of its body and the moderators of its body's unit (or a
unit above it). Only the staff of the body asked (akimat editors or maslikhat staff of that
body) answer, ask for a clarification or extend the term. Only the requester clarifies, asks
for an internal review, classifies the outcome or withdraws. The body's staff and moderators
hide a request that holds personal data, and publish it again. Administrators manage the laws
whose terms the clock follows; they do not answer requests."""

from __future__ import annotations

from typing import Any

import rules

from esep.accounts.rules import is_administrator, is_body_staff, is_moderator

from .rules import is_signed_in, is_staff_of_a_body


@rules.predicate
def is_requester(user: Any, info_request: Any) -> bool:
    return (
        info_request is not None
        and user is not None
        and user.is_authenticated
        and getattr(info_request, "requester_id", None) == user.pk
    )


@rules.predicate
def moderates_the_bodys_unit(user: Any, info_request: Any) -> bool:
    """A moderator of the unit of the request's body, or of a unit above it."""
    body = getattr(info_request, "body", None)
    return body is not None and is_moderator.test(user, body.unit)


@rules.predicate
def is_public_request(user: Any, info_request: Any) -> bool:
    return bool(getattr(info_request, "is_public", False))


rules.add_perm("accountability.file_information_request", is_signed_in)
rules.add_perm("accountability.answer_information_request", is_body_staff)
rules.add_perm("accountability.act_as_requester", is_requester)
rules.add_perm(
    "accountability.moderate_information_request", is_body_staff | moderates_the_bodys_unit
)
rules.add_perm(
    "accountability.view_information_request",
    is_public_request | is_requester | is_body_staff | moderates_the_bodys_unit,
)
rules.add_perm("accountability.use_information_inbox", is_staff_of_a_body)
rules.add_perm("accountability.manage_access_laws", is_administrator)
