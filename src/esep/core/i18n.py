"""Content in three languages: pick the visitor's, fall back to the others."""

from __future__ import annotations

from pathlib import Path

import polib
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


def compile_catalogues(roots: list[Path]) -> int:
    """Compile every .po under the given locale roots to .mo (polib: no system gettext)."""
    count = 0
    for root in roots:
        for po_path in sorted(Path(root).glob("*/LC_MESSAGES/*.po")):
            polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
            count += 1
    return count
