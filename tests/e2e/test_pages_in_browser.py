"""Each page, in each language, as a person sees it: accessible (axe, WCAG 2.1 A/AA), usable
at 375 px and 1280 px, and loading nothing from any other host."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.conftest import PASSWORD, PUBLIC_PAGES

pytestmark = pytest.mark.browser
WCAG = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
PAGES = [*PUBLIC_PAGES, "no-such-page/"]
axe = Axe()


def check(v, path: str) -> None:
    v.goto(path)
    results = axe.run(v.page, options=WCAG)
    assert results.violations_count == 0, results.generate_report()
    overflow = v.page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
    assert v.external == [], f"requests left the machine: {v.external}"


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_public_pages(visit, regions, lang, width):
    v = visit(width)
    for page in PAGES:
        check(v, f"/{lang}/{page}")
        assert v.page.locator("html").get_attribute("lang") == lang


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_signed_in_and_error_pages(visit, carol, lang, live_server):
    v = visit(375)
    v.goto(f"/{lang}/accounts/signin/")
    v.page.fill("#id_username", "carol@example.kz")
    v.page.fill("#id_password", PASSWORD)
    v.page.locator("main button[type=submit]").click()
    v.page.wait_for_url(f"**/{lang}/accounts/me/")
    check(v, f"/{lang}/accounts/me/")
    if lang == "en":
        check(v, "/api/v1/docs")
    # A form sent with mistakes: the error summary is announced and takes focus.
    v = visit(375)
    v.goto(f"/{lang}/accounts/register/")
    v.page.locator("main button[type=submit]").click()
    v.page.wait_for_selector(".error-summary")
    v.page.wait_for_function(
        "document.activeElement.classList.contains('error-summary')", timeout=5000
    )
    results = axe.run(v.page, options=WCAG)
    assert results.violations_count == 0, results.generate_report()


def test_language_switch_keeps_the_page(visit, regions):
    v = visit(375)
    v.goto("/kk/about/")
    v.page.click("nav.lang-switch >> text=Русский")
    v.page.wait_for_url("**/ru/about/")
    assert v.page.locator("nav.lang-switch a[aria-current=true]").inner_text() == "Русский"


def test_registration_works_without_javascript(visit, db, live_server):
    from esep.accounts.models import User

    v = visit(375, javascript=False)
    v.goto("/en/accounts/register/")
    v.page.fill("#id_full_name", "Aigerim")
    v.page.fill("#id_email", "not-an-email")
    v.page.fill("#id_password1", "steppe-wind-2026")
    v.page.fill("#id_password2", "steppe-wind-2026")
    v.page.locator("main button[type=submit]").click()
    assert v.page.title().startswith("Error:")
    assert v.page.input_value("#id_full_name") == "Aigerim"
    v.page.fill("#id_email", "aigerim@example.kz")
    v.page.fill("#id_password1", "steppe-wind-2026")
    v.page.fill("#id_password2", "steppe-wind-2026")
    v.page.locator("main button[type=submit]").click()
    v.page.wait_for_url("**/en/accounts/me/")
    assert User.objects.filter(email="aigerim@example.kz").exists()


def test_ledger_pages_with_htmx_and_keyboard(visit, regions):
    from esep.territory.actions import publish_unit
    from tests.conftest import SYSTEM

    for unit in list(regions.values()) * 2:
        publish_unit(SYSTEM, unit)
    v = visit(1280)
    v.goto("/en/ledger/")
    v.page.keyboard.press("Tab")
    assert v.page.evaluate("document.activeElement.className") == "skip-link"
    v.page.click("a[rel=next]")
    v.page.wait_for_url("**/en/ledger/?page=2")
    assert "Page 2 of 2" in v.page.inner_text("#ledger-table")
    assert v.external == []
