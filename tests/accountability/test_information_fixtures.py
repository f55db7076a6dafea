"""Fixtures shared by the tests of requests for information (no tests here). Test modules
import the `fixture_*` functions; the fixtures are named without the prefix.

On top of the appeals' town and cast (tests/accountability/conftest.py): the default law
loaded; `ask(...)` sends a request as aigerim (by default to Talgar's akimat); madina moderates
Almaty Region (KZ-19); `PDF`, `PNG` are tiny valid files."""

from __future__ import annotations

import pytest

from esep.accountability.actions import information as actions
from esep.accountability.models import AccessLaw, InformationMessage, InformationRequest
from esep.core.actions import Actor
from esep.core.models import AuditEntry
from tests.conftest import SYSTEM, make_user

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(name="media", autouse=True)
def fixture_media(settings, tmp_path):
    """Answer documents are stored under a temporary directory, not in ESEP_VAR_DIR."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(name="law")
def fixture_law(db):
    """The statutory default: 15 calendar days, extensible once by 15, very overdue 15 days
    after the deadline."""
    actions.load_access_laws(SYSTEM)
    return AccessLaw.objects.get(is_default=True)


@pytest.fixture(name="madina")
def fixture_madina(town):
    return make_user("madina@example.kz", "Madina Moderator", "moderator", unit=town.oblast)


@pytest.fixture(name="ask")
def fixture_ask(town, aigerim, law):
    """Send a request as aigerim (defaults: to Talgar's akimat, at the clock's time)."""

    def send(**overrides):
        arguments = {
            "body": town.talgar_akimat,
            "title": "Road repair contracts 2025",
            "text": "Please send the contracts for road repair in Talgar signed in 2025.",
        }
        arguments.update(overrides)
        actor = arguments.pop("actor", Actor.of(aigerim))
        return actions.file_information_request(actor, **arguments)

    return send


def snapshot():
    """Everything an action may write, to show that a refused one wrote nothing."""
    return (
        list(InformationRequest.objects.order_by("pk").values()),
        list(InformationMessage.objects.order_by("pk").values()),
        AuditEntry.objects.count(),
    )
