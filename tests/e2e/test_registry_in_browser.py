"""Who governs, in a browser: national map → oblast → district → rural district → akim →
mandate history in each language, by keyboard from the map, axe-clean at phone and desktop
widths; and a staff form sent with a mistake."""

from __future__ import annotations

import pytest

from esep.territory.geo import load_boundaries
from esep.territory.powers import load_powers
from tests.conftest import PASSWORD, SYSTEM
from tests.e2e.test_pages_in_browser import axe, check
from tests.territory.conftest import farida_commission, registry  # noqa: F401

pytestmark = pytest.mark.browser
NAMES = {
    "kk": ("Алматы облысы", "Талғар ауданы", "Бельбұлақ ауылдық округі"),
    "ru": ("Алматинская область", "Талгарский район", "Бельбулакский сельский округ"),
    "en": ("Almaty Region", "Talgar District", "Belbulak Rural District"),
}


@pytest.fixture
def walkable(registry):  # noqa: F811
    load_boundaries(SYSTEM)
    load_powers(SYSTEM)
    return registry


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_walk_from_the_map_to_a_mandate_history(visit, walkable, lang, width):
    oblast, district, rural = NAMES[lang]
    v = visit(width)
    check(v, f"/{lang}/units/")
    # The map is reachable by keyboard: tab to the region, press Enter.
    region = v.page.locator(f'svg a[aria-label^="{oblast}:"]')
    region.focus()
    assert v.page.evaluate("document.activeElement.getAttribute('aria-label')").startswith(oblast)
    v.page.keyboard.press("Enter")
    v.page.wait_for_url(f"**/{lang}/units/{walkable.oblast.pk}/")
    check(v, f"/{lang}/units/{walkable.oblast.pk}/")
    v.page.locator("#children-caption").wait_for()
    v.page.get_by_role("link", name=district, exact=True).first.click()
    v.page.wait_for_url(f"**/{lang}/units/{walkable.talgar.pk}/")
    check(v, v.page.url.removeprefix(v.base))
    v.page.get_by_role("link", name=rural, exact=True).first.click()
    v.page.wait_for_url(f"**/{lang}/units/{walkable.belbulak.pk}/")
    check(v, v.page.url.removeprefix(v.base))
    assert "Жұмабекова Айгүл" in v.page.inner_text("#main")
    v.page.locator("dl.summary-list a").first.click()  # the akim
    v.page.wait_for_url(f"**/{lang}/people/{walkable.people.rural_akim.pk}/")
    check(v, v.page.url.removeprefix(v.base))
    assert v.page.locator("#main table tbody tr").count() == 2  # 2013 indirect, 2021 direct
    v.page.locator("#main table tbody tr a").first.click()  # the post and its holders
    v.page.wait_for_url(f"**/{lang}/posts/{walkable.posts.belbulak_akim.pk}/")
    check(v, v.page.url.removeprefix(v.base))


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_search_powers_and_terms_pages(visit, walkable, lang):
    v = visit(375)
    for path in (
        "search/?q=Shymkent",
        "search/?q=Атлантида",
        "powers/",
        "terms-ending/?within=730",
    ):
        check(v, f"/{lang}/{path}")
    v.goto(f"/{lang}/search/?q=Shymkent")
    assert v.page.locator(".result-list a").count() >= 1


def test_staff_form_with_a_mistake(visit, walkable, farida_commission, live_server):  # noqa: F811
    v = visit(375)
    v.goto("/ru/accounts/signin/")
    v.page.fill("#id_username", farida_commission.email)
    v.page.fill("#id_password", PASSWORD)
    v.page.locator("main button[type=submit]").click()
    v.page.wait_for_url("**/ru/accounts/me/")
    check(v, f"/ru/posts/{walkable.posts.belbulak_akim.pk}/")
    v.page.locator('a[href$="/record/"]').click()
    v.page.fill("#id_family_name", "Оспанов")
    v.page.locator("main button[type=submit]").click()
    v.page.wait_for_selector(".error-summary")
    assert v.page.input_value("#id_family_name") == "Оспанов"
    results = axe.run(
        v.page,
        options={
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}
        },
    )
    assert results.violations_count == 0, results.generate_report()
