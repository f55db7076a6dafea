"""Shared fixtures. The cast, in the house style:

- alice is an administrator;
- bob is a resident with no role (the outsider);
- carol edits for the akimat of Almaty city (KZ-75);
- dana is staff of the maslikhat of Astana (KZ-71);
- erlan moderates Turkistan Region (KZ-61) and everything below it;
- farida sits on the election commission for Almaty Region (KZ-19).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from esep.accounts import actions as account_actions
from esep.accounts.models import User
from esep.core.actions import Actor
from esep.core.i18n import compile_catalogues
from esep.territory.importers import load_regions
from esep.territory.models import Body, Unit
from tests.browser import browser, visit  # noqa: F401  (fixtures, registered once)

SRC = Path(__file__).resolve().parent.parent / "src" / "esep"
PASSWORD = "correct-horse-battery-7"


def pytest_sessionstart(session) -> None:
    """The suite always runs on freshly compiled catalogues."""
    from django.conf import settings

    compile_catalogues(settings.LOCALE_PATHS)


SYSTEM = Actor.cli("tests")
# Pages anyone can open, under /<lang>/.
PUBLIC_PAGES = [
    "",
    "about/",
    "ledger/",
    "accounts/signin/",
    "accounts/register/",
    "accounts/password-reset/",
    "accounts/password-reset/sent/",
    "appeals/",
    "appeals/public/",
    "information/",
]


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Code called outside a request (actions, commands) speaks English in tests, whatever an
    earlier test activated; a request still speaks the language of its address."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _tasks_inline(settings):
    """Background tasks run at once, so a test sees their outcome (tests of the other modes
    set ESEP_TASKS themselves)."""
    settings.ESEP_TASKS = "inline"


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Cached public pages and voting contexts live in process memory: every test starts
    without them."""
    from django.core.cache import cache

    from esep.participation.actions.voting import forget_voting_contexts

    cache.clear()
    forget_voting_contexts()


@pytest.fixture
def regions(db) -> dict[str, Unit]:
    """Kazakhstan's republic and 20 top-level units, published, keyed by ISO code."""
    load_regions(SYSTEM)
    return {u.iso_code: u for u in Unit.objects.all()}


def make_user(email: str, name: str, role: str | None = None, **scope) -> User:
    """A registered resident; with `role`, also granted that role (scope: body= or unit=)."""
    user = account_actions.register_resident(SYSTEM, email=email, full_name=name, password=PASSWORD)
    if role:
        account_actions.grant_role(SYSTEM, user=user, kind=role, **scope)
    return user


@pytest.fixture
def alice(regions) -> User:
    return make_user("alice@example.kz", "Alice Administrator", "administrator")


@pytest.fixture
def bob(db) -> User:
    return make_user("bob@example.kz", "Bob Outsider")


@pytest.fixture
def carol(regions) -> User:
    akimat = Body.objects.get(unit=regions["KZ-75"], kind="akimat")
    return make_user("carol@example.kz", "Carol Akimat", "akimat_editor", body=akimat)


@pytest.fixture
def dana(regions) -> User:
    maslikhat = Body.objects.get(unit=regions["KZ-71"], kind="maslikhat")
    return make_user("dana@example.kz", "Dana Maslikhat", "maslikhat_staff", body=maslikhat)


@pytest.fixture
def erlan(regions) -> User:
    return make_user("erlan@example.kz", "Erlan Moderator", "moderator", unit=regions["KZ-61"])


@pytest.fixture
def farida(regions) -> User:
    return make_user(
        "farida@example.kz", "Farida Commission", "election_commission", unit=regions["KZ-19"]
    )


def add_district(parent: Unit, name: str, actor: Actor = SYSTEM) -> Unit:
    """A district (demo data) under `parent`, named `name` in all three languages."""
    from esep.territory.actions import create_unit

    slug = name.lower().replace(" ", "-")
    return create_unit(
        actor,
        kind="district",
        parent=parent,
        name_kk=name,
        name_ru=name,
        name_en=name,
        ocd_id=f"{parent.ocd_id}/district:{slug}",
    )


@pytest.fixture
def turkistan_district(regions) -> Unit:
    """A district inside Turkistan Region (demo data for scope tests)."""
    return add_district(regions["KZ-61"], "Sairam")


@pytest.fixture
def fresh_user(db):
    """Roles are cached per user object: tests that change roles re-read the user."""
    return lambda user: User.objects.get(pk=user.pk)
