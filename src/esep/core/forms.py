"""Helpers for the forms of every app."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


def apply_errors(form: Any, error: ValidationError) -> None:
    """Put an action's ValidationError on the form: field messages on their fields (or on the
    form when it has no such field), the others on the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)
