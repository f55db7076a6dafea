"""Requests for information in a real browser (Debian's Chromium, as tests/e2e): every page,
as a visitor, a requester and a member of staff sees it, is accessible (axe, WCAG 2.1 A/AA),
does not scroll sideways at 375 px, and loads nothing from another host; a form sent with
mistakes takes focus on its error summary."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe

from esep.accountability.actions import information as actions
from esep.core.actions import Actor
from tests.accountability.test_information_fixtures import (  # noqa: F401
    PDF,
    fixture_ask,
    fixture_law,
    fixture_madina,
    fixture_media,
)
from tests.browser import Visit
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
WCAG = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
axe = Axe()


@pytest.fixture(name="open_page")
def fixture_open_page(browser, live_server) -> Iterator:
    opened: list[Visit] = []

    def open_(width: int = 375) -> Visit:
        v = Visit(browser, live_server.url, width)
        opened.append(v)
        return v

    yield open_
    for v in opened:
        v.close()


def check(v: Visit, path: str) -> None:
    response = v.goto(path)
    assert response.status in (200, 400), (path, response.status)
    results = axe.run(v.page, options=WCAG)
    assert results.violations_count == 0, results.generate_report()
    overflow = v.page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
    assert v.external == [], f"requests left the machine: {v.external}"


def sign_in(v: Visit, email: str, lang: str) -> None:
    v.goto(f"/{lang}/accounts/signin/")
    v.page.fill("#id_username", email)
    v.page.fill("#id_password", PASSWORD)
    v.page.locator("main button[type=submit]").click()
    v.page.wait_for_url(f"**/{lang}/accounts/me/")


@pytest.fixture(name="thread")
def fixture_thread(at, ask, aidar, aigerim, town):
    """An overdue request, an answered one with a document, a hidden one."""
    at(2026, 3, 2)
    late = ask(title="Kindergarten places in Talgar")
    answered = ask(title="Road repair contracts 2025")
    actions.ask_clarification(Actor.of(aidar), answered, text="Which streets?")
    actions.reply_clarification(Actor.of(aigerim), answered, text="Abai street.")
    actions.answer_information_request(
        Actor.of(aidar), answered, text="Attached.", outcome="partially_successful",
        files=[("contracts.pdf", PDF, "application/pdf")],
    )  # fmt: skip
    hidden = ask(title="About a neighbour")
    actions.hide_information_request(Actor.of(aidar), hidden, reason="Personal data.")
    at(2026, 4, 20)
    return late, answered, hidden


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_public_pages(open_page, thread, lang):
    late, answered, _hidden = thread
    for width in (375, 1280):
        v = open_page(width)
        for path in ("information/", "information/?state=overdue", f"information/{late.pk}/"):
            check(v, f"/{lang}/{path}")
        check(v, f"/{lang}/information/{answered.pk}/")


@pytest.mark.parametrize("lang", ["kk", "en"])
def test_pages_of_the_requester_and_of_staff(open_page, thread, lang):
    late, answered, hidden = thread
    v = open_page()
    sign_in(v, "aigerim@example.kz", lang)
    for path in ("information/new/?q=talgar", "information/mine/", f"information/{answered.pk}/"):
        check(v, f"/{lang}/{path}")
    # The request form sent empty: the error summary is announced and takes focus.
    v.goto(f"/{lang}/information/new/")
    v.page.locator("main form[method=post] button[type=submit]").click()
    v.page.wait_for_selector(".error-summary")
    v.page.wait_for_function(
        "document.activeElement.classList.contains('error-summary')", timeout=5000
    )
    assert axe.run(v.page, options=WCAG).violations_count == 0
    v = open_page()
    sign_in(v, "aidar@example.kz", lang)
    for path in ("information/inbox/", f"information/{late.pk}/", f"information/{hidden.pk}/"):
        check(v, f"/{lang}/{path}")
    # An answer sent empty comes back with the form, its errors and the summary.
    v.page.locator("#act-answer + form button[type=submit]").click()
    v.page.wait_for_selector(".error-summary")
    assert axe.run(v.page, options=WCAG).violations_count == 0
