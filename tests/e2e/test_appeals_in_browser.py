"""Appeals in a browser: a resident files an appeal in Kazakh (place found by search, category,
details with a mistake first), the rural akimat answers it late, and the body's public page
counts it as late; every page axe-clean (WCAG 2.1 A/AA) on a phone, nothing leaves the
machine."""

from __future__ import annotations

import pytest

from esep.accountability.models import Appeal
from tests.accountability.conftest import (  # noqa: F401
    aigerim,
    at,
    bolat,
    town,
)
from tests.conftest import PASSWORD
from tests.e2e.test_pages_in_browser import WCAG, axe, check

pytestmark = pytest.mark.browser


def sign_in(v, lang: str, email: str) -> None:
    v.goto(f"/{lang}/accounts/signin/")
    v.page.fill("#id_username", email)
    v.page.fill("#id_password", PASSWORD)
    v.page.locator("main button[type=submit]").click()
    v.page.wait_for_url(f"**/{lang}/accounts/me/")


def axe_clean(v) -> None:
    results = axe.run(v.page, options=WCAG)
    assert results.violations_count == 0, results.generate_report()
    assert v.external == [], f"requests left the machine: {v.external}"


def test_file_in_kazakh_answer_late_counted_late(visit, town, aigerim, bolat, at):  # noqa: F811
    at(2026, 3, 2)
    v = visit(375)
    sign_in(v, "kk", aigerim.email)
    check(v, "/kk/appeals/new/")
    v.page.fill("#place-q", "Kendala")
    v.page.locator("form[role=search] button").click()
    v.page.wait_for_url("**/kk/appeals/new/?q=Kendala")
    axe_clean(v)
    v.page.locator("ul.choices a", has_text="Kendala").first.click()
    v.page.wait_for_url(f"**/kk/appeals/new/?unit={town.kendala.pk}")
    axe_clean(v)
    v.page.locator("ul.choices a", has_text="Жолдар").click()
    v.page.wait_for_url(f"**/kk/appeals/new/?unit={town.kendala.pk}&category=roads")
    axe_clean(v)

    # A mistake first: no text. The form comes back with what was typed.
    v.page.fill("#id_address", "Абай көшесі, 5")
    v.page.locator("main button[type=submit]").click()
    v.page.wait_for_selector(".error-summary")
    assert v.page.input_value("#id_address") == "Абай көшесі, 5"
    axe_clean(v)
    v.page.fill("#id_text", "Мектеп жанындағы көшеде терең шұңқырлар бар.")
    v.page.locator("#id_attribute_hazard_0").check()
    v.page.locator("#id_consent_public").check()
    v.page.locator("main button[type=submit]").click()
    appeal_url = "**/kk/appeals/*/"
    v.page.wait_for_url(appeal_url)
    appeal = Appeal.objects.get()
    assert appeal.body == town.belbulak_akimat and appeal.language == "kk"
    assert f"№{appeal.pk}" in v.page.inner_text("main .notice")
    assert "2026-03-27" in v.page.inner_text("main .notice")
    axe_clean(v)

    # Six weeks later the rural akimat answers: late.
    at(2026, 4, 10)
    staff = visit(375)
    sign_in(staff, "kk", bolat.email)
    check(staff, "/kk/appeals/inbox/?show=overdue")
    staff.page.locator("table a", has_text=f"№{appeal.pk}").click()
    staff.page.wait_for_url(f"**/kk/appeals/{appeal.pk}/")
    axe_clean(staff)
    staff.page.fill("#id_answer-text", "Көше 9 сәуірде жөнделді.")
    staff.page.locator("#act-answer ~ form button[type=submit]").click()
    staff.page.wait_for_url(f"**/kk/appeals/{appeal.pk}/")
    appeal.refresh_from_db()
    assert appeal.status == "answered" and appeal.on_time is False
    assert staff.page.locator(".status-late").count() >= 1
    axe_clean(staff)

    # The body's public page counts it as late.
    public = visit(375)
    check(public, f"/kk/appeals/bodies/{town.belbulak_akimat.pk}/")
    late = public.page.locator("[data-figure=late]").inner_text()
    assert late.strip().startswith("1")
