"""Template helpers for the registry pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format

from esep.territory.labels import body_label, post_label, post_title

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    """0.4567 → "45,7 %" in the visitor's number format; None → "—"."""
    if value is None:
        return "—"
    return f"{number_format(value * 100, 1)} %"


@register.filter
def post_name(post: Any) -> str:
    return post_label(post)


@register.filter
def post_short(post: Any) -> str:
    return post_title(post)


@register.filter
def body_name(body: Any) -> str:
    return body_label(body)


@register.filter
def dictget(mapping: dict, key: Any) -> Any:
    return mapping.get(key) if mapping else None
