from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


def same_page_in(path: str, code: str) -> str:
    """The address of this page in another language, also for pages that do not resolve
    (a 404 keeps its path, with the language prefix swapped)."""
    translated = translate_url(path, code)
    if translated != path or code == get_language():
        return translated
    parts = path.split("/", 2)
    if len(parts) > 1 and parts[1] in LANGUAGE_CODES:
        return "/".join(["", code, *parts[2:]])
    return f"/{code}{path}"


def site(request: HttpRequest) -> dict:
    """Language switch links (same page in each language) and the demo flag."""
    path = request.get_full_path()
    return {
        "language_links": [
            {"code": code, "name": name, "url": same_page_in(path, code)}
            for code, name in settings.LANGUAGES
        ],
        "demo_site": settings.DEMO,
    }
