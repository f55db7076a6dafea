"""Content in three languages: pick the visitor's, fall back to the others."""

from __future__ import annotations

from django.utils.translation import get_language

FALLBACK = ("kk", "ru", "en")


def pick(obj: object, field: str) -> str:
    """`pick(unit, "name")` gives unit.name_<current language>, or the first non-empty other."""
    lang = (get_language() or "kk").split("-")[0]
    for code in (lang, *FALLBACK):
        value = getattr(obj, f"{field}_{code}", "")
        if value:
            return value
    return ""
