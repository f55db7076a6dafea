"""Budgets in a browser: a district's budget in English, another year chosen with the form, the
same page in Kazakh and Russian through the language switch, a chart's CSV downloaded; every
budget page axe-clean (WCAG 2.1 A/AA) at phone and desktop widths, without sideways scrolling;
and an upload with mistakes by the district's akimat editor."""

from __future__ import annotations

import csv
import io

import pytest

from tests.conftest import PASSWORD
from tests.e2e.test_pages_in_browser import WCAG, axe, check
from tests.finance.conftest import (  # noqa: F401
    aigerim,
    budget_units,
    classification,
    published_budget,
)

pytestmark = pytest.mark.browser
TALGAR = {"kk": "Талғар ауданы", "ru": "Талгарский район", "en": "Talgar District"}
LANGUAGE = {"kk": "Қазақша", "ru": "Русский", "en": "English"}


def test_district_budget_year_language_and_download(visit, published_budget):  # noqa: F811
    district = published_budget.district.pk
    path = f"/en/units/{district}/budget/"
    v = visit(1280)
    check(v, path)
    assert "Budget of Talgar District" in v.page.inner_text("h1")
    assert v.page.inner_text("#summary") == "2024, executed"
    assert v.page.input_value("#year") == "2024"

    # Another year, chosen with the form.
    v.page.select_option("#year", "2022")
    v.page.locator("form.inline-form button[type=submit]").click()
    v.page.wait_for_url(f"**{path}?year=2022&phase=executed")
    assert v.page.inner_text("#summary") == "2022, executed"
    assert v.page.input_value("#year") == "2022"
    assert "510,000 ₸" in v.page.inner_text("dl.summary-list")

    # The same page in Kazakh, then in Russian, through the language switch.
    for lang in ("kk", "ru"):
        v.page.click(f"nav.lang-switch >> text={LANGUAGE[lang]}")
        v.page.wait_for_url(f"**/{lang}/units/{district}/budget/?year=2022&phase=executed")
        assert v.page.locator("html").get_attribute("lang") == lang
        assert TALGAR[lang] in v.page.inner_text("h1")
        assert "2022" in v.page.inner_text("#summary")
        current = v.page.locator("nav.lang-switch a[aria-current=true]").inner_text()
        assert current == LANGUAGE[lang]
        assert "510 000 ₸" in v.page.inner_text("dl.summary-list").replace("\xa0", " ")

    # A chart's figures, downloaded as CSV.
    v.page.click("nav.lang-switch >> text=English")
    v.page.wait_for_url(f"**/en/units/{district}/budget/?year=2022&phase=executed")
    link = v.page.locator("#revenue-chart .chart-downloads a").first
    assert link.inner_text().startswith("Download CSV")
    with v.page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == f"budget-{district}-2022-revenue.csv"
    rows = list(csv.reader(io.StringIO(download.path().read_text(encoding="utf-8"))))
    assert rows[0] == ["Code", "Category", "Amount, tenge", "Share"]
    assert [r[0] for r in rows[1:]] == ["1", "2", "4"]
    assert rows[1][2] == "300000"  # income tax of 2022
    assert v.external == []


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_budget_pages_are_accessible(visit, published_budget, lang, width):  # noqa: F811
    pb = published_budget
    v = visit(width)
    for path in (
        f"units/{pb.district.pk}/budget/",
        f"units/{pb.oblast.pk}/budget/?year=2023",
        f"units/{pb.rural.pk}/budget/",
        f"units/{pb.republic.pk}/budget/",  # no budget of its own
        "budgets/",
        f"budgets/datasets/{pb.budget_result.dataset.pk}/",
    ):
        check(v, f"/{lang}/{path}")
        assert v.page.locator("html").get_attribute("lang") == lang


def test_national_map_leads_to_a_budget(visit, published_budget):  # noqa: F811
    oblast = published_budget.oblast.pk
    v = visit(375)
    check(v, "/en/budgets/")
    region = v.page.locator('svg a[aria-label^="Almaty Region:"]')
    assert region.get_attribute("aria-label") == "Almaty Region: 24.9 %"
    region.focus()
    v.page.keyboard.press("Enter")
    v.page.wait_for_url(f"**/en/units/{oblast}/budget/?year=2024")
    assert v.page.locator("#consolidated").count() == 1


def test_upload_with_mistakes(visit, aigerim, classification, tmp_path):  # noqa: F811
    v = visit(375)
    v.goto("/en/accounts/signin/")
    v.page.fill("#id_username", aigerim.email)
    v.page.fill("#id_password", PASSWORD)
    v.page.locator("main button[type=submit]").click()
    v.page.wait_for_url("**/en/accounts/me/")
    check(v, "/en/budgets/upload/")
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "unit,year,direction,phase,code,amount_kzt\n"
        "195200000,2024,revenue,executed,1 01 2,-5\n"
        "195200000,2024,sideways,executed,1 01 2,5\n",
        encoding="utf-8",
    )
    v.page.set_input_files("#id_file", str(bad))
    v.page.fill("#id_title", "Talgar 2024")
    v.page.locator("main button[type=submit]").click()
    v.page.wait_for_selector(".error-summary")
    problems = v.page.inner_text(".error-summary")
    assert "bad.csv:2:6" in problems and "bad.csv:3:3" in problems
    assert v.page.input_value("#id_title") == "Talgar 2024"
    results = axe.run(v.page, options=WCAG)
    assert results.violations_count == 0, results.generate_report()
    overflow = v.page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
