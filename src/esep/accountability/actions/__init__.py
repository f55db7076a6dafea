"""Every write of the accountability app. Views, Open311, the API, the CLI and the demo call
these; nothing else writes."""

from .appeals import (
    RateLimited,
    answer_appeal,
    assign_appeal,
    complain_about_appeal,
    extend_appeal,
    file_appeal,
    forward_appeal,
    forward_appeal_out,
    leave_appeal,
    publish_appeal,
    rate_appeal,
    unpublish_appeal,
)
from .categories import client_for_key, issue_api_key, load_categories, revoke_api_key

__all__ = [
    "RateLimited",
    "answer_appeal",
    "assign_appeal",
    "client_for_key",
    "complain_about_appeal",
    "extend_appeal",
    "file_appeal",
    "forward_appeal",
    "forward_appeal_out",
    "issue_api_key",
    "leave_appeal",
    "load_categories",
    "publish_appeal",
    "rate_appeal",
    "revoke_api_key",
    "unpublish_appeal",
]
