"""The appeals statistics pages and the public list in a real browser (Debian's Chromium):
axe-clean (WCAG 2.1 A/AA) at phone and desktop widths, no sideways scrolling, no request
leaving the machine, and usable without JavaScript (the figure links and the filter form)."""

from __future__ import annotations

import pytest

from tests.accountability.test_statistics import handled
from tests.e2e.test_pages_in_browser import check

__all__ = ["handled"]  # a fixture, imported for pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_pages_are_accessible(visit, handled, lang, width):
    v = visit(width)
    for path in (
        "appeals/",
        f"appeals/bodies/{handled.B.pk}/",
        f"units/{handled.town.talgar.pk}/appeals/",
        f"appeals/public/?body={handled.B.pk}",
        "appeals/public/?month=2026-13",  # the form with its errors
    ):
        check(v, f"/{lang}/{path}")


def test_a_figure_leads_to_its_appeals_without_javascript(visit, handled):
    v = visit(375, javascript=False)
    v.goto(f"/en/appeals/bodies/{handled.B.pk}/")
    v.page.get_by_role("row", name="Decided late").get_by_role("link").first.click()
    v.page.wait_for_load_state()
    assert "outcome=late" in v.page.url
    rows = v.page.locator("#appeals-caption").locator("xpath=..").locator("tbody tr")
    assert rows.count() == 1
    assert f"№{handled.appeal[2].pk}" in rows.first.inner_text()
    # The filter form works without JavaScript too.
    v.page.select_option("#id_outcome", "on_time")
    v.page.get_by_role("button", name="Show").click()
    v.page.wait_for_load_state()
    assert "outcome=on_time" in v.page.url
    assert v.page.locator("#appeals-caption").inner_text().startswith("2 public appeals")
    assert v.external == []
