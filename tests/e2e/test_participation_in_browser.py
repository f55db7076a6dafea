"""Participatory budgeting in a browser, on a phone: a verified resident proposes (a mistake
first), supports another proposal, votes and checks the receipt; staff count and publish; the
results page explains each project in kk, ru and en. Every page axe-clean (WCAG 2.1 A/AA),
nothing leaves the machine."""

from __future__ import annotations

import pytest

from esep.core.actions import Actor
from esep.participation.actions import projects as project_actions
from esep.participation.models import Ballot, Project, Result
from esep.participation.phases import PhaseKind
from tests.e2e.test_appeals_in_browser import axe_clean, sign_in
from tests.e2e.test_pages_in_browser import check
from tests.participation.conftest import (  # noqa: F401
    aru,
    at,
    city,
    daniyar,
    during,
    new_process,
    verified,
)

pytestmark = pytest.mark.browser


def test_propose_support_vote_check_count_publish_explain(
    visit,
    new_process,  # noqa: F811
    at,  # noqa: F811
    aru,  # noqa: F811
    daniyar,  # noqa: F811
    carol,
):
    process = new_process()
    base = f"/kk/participation/{process.pk}"
    at(during(PhaseKind.PROPOSALS))
    other = project_actions.propose_project(
        Actor(user=daniyar),
        process,
        title="Саябаққа орындықтар",
        description="",
        estimated_cost=300000,
    )

    v = visit(375)
    sign_in(v, "kk", aru.email)
    check(v, f"{base}/")
    v.page.locator(f"a[href='{base}/propose/']").click()
    v.page.wait_for_url(f"**{base}/propose/")
    axe_clean(v)
    # A mistake first: no cost. The form keeps what was typed.
    v.page.fill("#id_title", "Аулаға балалар алаңы")
    v.page.fill("#id_description", "Абай көшесі, 5 үйдің ауласы.")
    v.page.locator("main button[type=submit]").click()
    v.page.wait_for_selector(".error-summary")
    assert v.page.input_value("#id_title") == "Аулаға балалар алаңы"
    axe_clean(v)
    v.page.fill("#id_estimated_cost", "450000")
    v.page.locator("main button[type=submit]").click()
    v.page.wait_for_url(f"**{base}/")
    mine = Project.objects.get(process=process, author=aru)
    axe_clean(v)
    v.page.locator(f"#project-{other.code} button[type=submit]").click()
    v.page.wait_for_url(f"**{base}/")
    other.refresh_from_db()
    assert other.supporters == 1
    axe_clean(v)

    at(during(PhaseKind.REVIEW))
    for project in (mine, other):
        project_actions.review_project(Actor(user=carol), project, feasible=True)

    at(during(PhaseKind.VOTING))
    check(v, f"{base}/vote/")
    v.page.locator(f"#project-{mine.code}").check()
    v.page.locator(f"#project-{other.code}").check()
    v.page.locator("main button[type=submit]").click()
    v.page.wait_for_selector(".receipt")
    receipt = v.page.inner_text(".receipt").strip()
    assert Ballot.objects.get().receipt == receipt
    axe_clean(v)
    check(v, f"{base}/receipt/?receipt={receipt}")
    assert v.page.locator("[role=status]").count() >= 1

    at(during(PhaseKind.RESULTS))
    staff = visit(375)
    sign_in(staff, "kk", carol.email)
    check(staff, f"{base}/results/")
    staff.page.locator("button[value=count]").click()
    staff.page.wait_for_selector("button[value=publish]")
    axe_clean(staff)
    staff.page.locator("button[value=publish]").click()
    staff.page.wait_for_url(f"**{base}/results/")
    assert Result.objects.get().published_at is not None

    public = visit(375)
    for lang in ("kk", "ru", "en"):
        check(public, f"/{lang}/participation/{process.pk}/results/")
        assert public.page.locator("main table tbody tr").count() == 2
    assert "Funded" in public.page.inner_text("main table")
    check(public, f"/en/participation/{process.pk}/receipt/?receipt={receipt}")
    assert f"It chose: {other.code}, {mine.code}" in public.page.inner_text("main")
    check(public, f"/ru/participation/{process.pk}/ballots/")
