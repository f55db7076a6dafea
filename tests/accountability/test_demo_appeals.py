"""The demo appeals: routed as `route` routes them, with clocks as `clock` computes them, in
the shares the demo promises, marked as demo data, with public texts that name nobody, and the
same rows for the same seed.

The first test builds appeals on the `town` fixture (any registry will do). The others share
one build on the real top-level units with the small demo registry of Almaty Region and Almaty
city (`build_registry(only=…)`), made in a transaction that is rolled back at the end; that
build is made twice to compare the rows."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterator
from statistics import mean, median
from types import SimpleNamespace

import pytest
import shapely
from django.db import transaction
from django.utils import timezone
from shapely.geometry import shape

from esep.accountability.clock import Clock
from esep.accountability.models import ApiClient, Appeal, AppealStep
from esep.accountability.models.appeals import CLOSED_STATUSES, OPEN_STATUSES
from esep.accountability.routing import body_above, route
from esep.accounts import actions as account_actions
from esep.accounts.models import User
from esep.core.calendar import WorkingCalendar
from esep.core.models import AuditEntry
from esep.demo.appeals import build_appeals
from esep.demo.territory import build_registry
from esep.territory.geo import load_boundaries
from esep.territory.history import load_history
from esep.territory.importers import load_regions
from esep.territory.models import Body, Boundary, Unit
from esep.territory.powers import load_powers
from tests.conftest import PASSWORD, SYSTEM, make_user

TODAY = dt.date(2026, 3, 16)
SHORT = dt.date(2021, 4, 1)  # for cheap builds that only compare seeds
RESIDENT = "resident@demo.esep.kz"  # the resident of demo.accounts.DEMO_ACCOUNTS


def digest() -> str:
    """A digest of every demo appeal and step, by natural keys (tokens, emails, codes)."""
    tokens = dict(Appeal.objects.values_list("pk", "token"))
    fields = [
        f.attname for f in Appeal._meta.concrete_fields if f.name != "id" and not f.is_relation
    ]
    appeals = Appeal.objects.order_by("token").values_list(
        *fields,
        "category__code",
        "unit__ocd_id",
        "body__unit__ocd_id",
        "body__kind",
        "parent__token",
        "applicant__email",
        "assignee__email",
        "client__name",
    )
    steps = [
        (*row[:-2], tokens[int(row[-1])] if row[-2] == "complained" else row[-1])
        for row in AppealStep.objects.order_by("appeal__token", "at", "kind").values_list(
            "appeal__token",
            "at",
            "actor__email",
            "from_body__unit__ocd_id",
            "from_body__kind",
            "to_body__unit__ocd_id",
            "to_body__kind",
            "on_time",
            "kind",
            "note",
        )
    ]
    return hashlib.sha256(repr((list(appeals), steps)).encode()).hexdigest()


def check_routes(appeals: list[Appeal]) -> None:
    """Each appeal went first to the body `route` chooses (or, a complaint, to the akimat
    above the body of the appeal it complains about)."""
    routes: dict[tuple[int, int], Body | None] = {}
    for appeal in appeals:
        steps = list(appeal.steps.all())
        assert steps[0].kind == "filed"
        forwarded = [step for step in steps if step.kind == "forwarded"]
        first_body = forwarded[0].from_body_id if forwarded else appeal.body_id
        assert steps[0].to_body_id == first_body
        if appeal.parent_id is not None:
            assert appeal.body == body_above(appeal.parent.body)
            assert appeal.kind == "complaint" and not forwarded
            continue
        key = (appeal.category_id, appeal.unit_id)
        if key not in routes:
            routes[key] = route(appeal.category, appeal.unit)
        assert routes[key].pk == first_body, appeal.token
        if forwarded:
            assert forwarded[-1].to_body_id == appeal.body_id != first_body


def check_clocks(appeals: list[Appeal], calendar: WorkingCalendar) -> None:
    """Every date, on_time and working_days as `Clock.starting` and `clock.close` give them."""
    for appeal in appeals:
        steps = list(appeal.steps.all())
        assert [s.at for s in steps] == sorted(s.at for s in steps)
        received = timezone.localdate(appeal.filed_at)
        for step in steps:
            if step.kind == "forwarded":
                day = timezone.localdate(step.at)
                assert step.on_time == (day <= Clock.starting(received, calendar).forward_due_on)
                received = day
        terms = Clock.starting(received, calendar)
        assert appeal.received_on == received
        assert (appeal.due_on, appeal.forward_due_on) == (terms.due_on, terms.forward_due_on)
        if appeal.extended_on is not None:
            assert appeal.extended_due_on == terms.extended_due_on == appeal.deadline
            assert received <= appeal.extended_on <= appeal.due_on and appeal.extension_reason
        else:
            assert appeal.deadline == appeal.due_on and appeal.extended_due_on is None
        if appeal.status in OPEN_STATUSES:
            assert appeal.closed_at is None and appeal.rating is None
            assert (appeal.status == "in_progress") == (appeal.assignee_id is not None)
            continue
        assert appeal.closed_on == timezone.localdate(appeal.closed_at)
        term = appeal.forward_due_on if appeal.status == "forwarded_out" else appeal.deadline
        assert appeal.on_time == (appeal.closed_on <= term)
        assert appeal.working_days == calendar.working_days_between(received, appeal.closed_on)
        closing = next(s for s in steps if s.kind == appeal.status)
        assert (closing.at, closing.on_time) == (appeal.closed_at, appeal.on_time)
        assert (appeal.rating is None) == (appeal.rated_at is None)
        assert (appeal.rating is None) == all(s.kind != "rated" for s in steps)


def with_steps() -> list[Appeal]:
    return list(
        Appeal.objects.select_related("category", "unit", "body__unit", "parent__body__unit")
        .prefetch_related("steps")
        .order_by("token")
    )


def test_appeals_are_built_on_any_registry(town):
    counts = build_appeals(SYSTEM, seed=5, today=dt.date(2023, 1, 1))
    appeals = with_steps()
    assert counts["appeals"] == len(appeals) > 1000
    assert {a.unit for a in appeals} >= {town.talgar, town.belbulak, town.kendala}
    local = {town.belbulak_akimat, town.talgar_akimat, town.talgar_maslikhat}
    assert {a.steps.all()[0].to_body for a in appeals} >= local
    assert not any(a.latitude for a in appeals)  # no boundaries loaded: no points
    check_routes(appeals)
    check_clocks(appeals, WorkingCalendar.load())


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker) -> Iterator[SimpleNamespace]:
    """The registry, then the appeals: built in short windows with two seeds and rolled back,
    then built twice in full (the first rolled back). Each test runs inside the transaction,
    which is rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_regions(SYSTEM)
        load_history(SYSTEM)
        load_boundaries(SYSTEM)
        load_powers(SYSTEM)
        account_actions.register_resident(
            SYSTEM, email=RESIDENT, full_name="Демо Тұрғын", password=PASSWORD, is_demo=True
        )
        almaty = Body.objects.get(unit__iso_code="KZ-75", kind="akimat")
        editor = make_user(
            "akimat.almaty@example.kz", "Almaty Editor", "akimat_editor", body=almaty
        )
        build_registry(SYSTEM, scale="small", only={"KZ-19", "KZ-75"})
        digests = {}
        for name, seed, today in (
            ("short", 2026, SHORT),
            ("other", 7, SHORT),
            ("first", 2026, TODAY),
        ):
            with transaction.atomic():
                build_appeals(SYSTEM, seed=seed, today=today)
                digests[name] = digest()
                transaction.set_rollback(True)
        counts = build_appeals(SYSTEM, seed=2026, today=TODAY)
        yield SimpleNamespace(
            counts=counts, digests=digests, digest=digest(), editor=editor, appeals=with_steps()
        )
        transaction.set_rollback(True)


@pytest.fixture
def appeals(built, db) -> list[Appeal]:
    """The demo appeals with their steps, read once."""
    return built.appeals


def share(items: list, test) -> float:
    return sum(1 for item in items if test(item)) / len(items)


def test_counts_are_in_range_and_match_the_rows(built, appeals):
    counts = built.counts
    assert 5_000 <= counts["appeals"] == len(appeals) <= 15_000
    assert counts["steps"] == AppealStep.objects.count()
    complaints = [a for a in appeals if a.parent_id]
    assert counts["complaints"] == len(complaints) and 10 <= len(complaints) <= 0.02 * len(appeals)
    assert counts["open"] == sum(a.status in OPEN_STATUSES for a in appeals) > 20
    overdue = [a for a in appeals if a.status in OPEN_STATUSES and a.deadline < TODAY]
    assert counts["overdue"] == len(overdue) > 0
    assert counts["rated"] == sum(a.rating is not None for a in appeals)
    assert (
        counts["applicants"]
        == User.objects.filter(email__startswith="resident", is_demo=True).count() - 1
    )
    entry = AuditEntry.objects.get(verb="build_demo_appeals")
    assert entry.data["appeals"] == counts["appeals"] and entry.data["today"] == "2026-03-16"


def test_appeals_go_to_the_body_route_chooses(appeals):
    check_routes(appeals)
    for appeal in (a for a in appeals if a.parent_id):
        complained = [s for s in appeal.parent.steps.all() if s.kind == "complained"]
        assert [(s.note, s.to_body_id, s.at) for s in complained] == [
            (str(appeal.pk), appeal.body_id, appeal.filed_at)
        ]


def test_clocks_are_those_the_clock_computes(appeals):
    check_clocks(appeals, WorkingCalendar.load())


def test_shares_of_outcomes(appeals):
    closed = [a for a in appeals if a.status in CLOSED_STATUSES]
    assert 0.08 <= share(closed, lambda a: not a.on_time) <= 0.15
    forwarded = [a for a in appeals if any(s.kind == "forwarded" for s in a.steps.all())]
    assert 0.03 <= len(forwarded) / len(appeals) <= 0.08
    forwards = [s for a in forwarded for s in a.steps.all() if s.kind == "forwarded"]
    assert 0.7 <= share(forwards, lambda s: s.on_time) < 1
    extended = [a for a in appeals if a.extended_on]
    assert 0.03 <= len(extended) / len(appeals) <= 0.08
    assert share([a for a in extended if a.closed_on], lambda a: a.on_time) >= 0.8
    assert 0.01 <= share(appeals, lambda a: a.status == "left") <= 0.04
    assert all(a.leave_reason for a in appeals if a.status == "left")
    assert 0.005 <= share(appeals, lambda a: a.status == "forwarded_out") <= 0.02
    assert 0.5 <= share(closed, lambda a: a.rating is not None) <= 0.7
    assert 0.33 <= share(appeals, lambda a: a.consent_public) <= 0.47
    consented = [a for a in appeals if a.consent_public]
    assert 0.75 <= share(consented, lambda a: a.is_public) <= 0.95
    assert 0.08 <= share(appeals, lambda a: a.channel == "open311") <= 0.16
    kinds = Counter(a.kind for a in appeals)
    assert kinds["statement"] + kinds["complaint"] >= 0.7 * len(appeals)
    assert kinds["proposal"] > 0.05 * len(appeals) and kinds["request"] > 0.05 * len(appeals)
    answered = [a for a in closed if a.status == "answered" and a.on_time]
    assert 5 <= median(a.working_days for a in answered) <= 12


def test_ratings_follow_lateness(appeals):
    rated = [a for a in appeals if a.rating is not None and a.status == "answered"]
    on_time = mean(a.rating for a in rated if a.on_time)
    late = mean(a.rating for a in rated if not a.on_time)
    assert on_time >= 3.8 and late <= 2.8


def test_some_bodies_are_markedly_later_than_others(appeals):
    by_body = defaultdict(list)
    for appeal in appeals:
        if appeal.status in CLOSED_STATUSES:
            by_body[appeal.body_id].append(appeal.on_time)
    shares = [1 - sum(times) / len(times) for times in by_body.values() if len(times) >= 100]
    assert len(shares) >= 5 and max(shares) - min(shares) >= 0.15


def test_seasons_follow_the_categories(appeals):
    def count(code: str, month: int) -> int:
        return sum(1 for a in appeals if a.category.code == code and a.filed_at.month == month)

    assert count("heating", 1) > 5 * count("heating", 7)
    assert count("landscaping", 6) > 3 * count("landscaping", 1)
    assert count("roads", 4) > count("roads", 10)


def test_bigger_units_get_more_appeals(appeals):
    per_unit = Counter(a.unit_id for a in appeals)
    kinds = dict(Unit.objects.values_list("pk", "kind"))

    def average(kind: str) -> float:
        units = [pk for pk, k in kinds.items() if k == kind]
        return sum(per_unit[pk] for pk in units) / len(units)

    assert average("city_district") > 20 * average("village") > 0
    assert average("regional_city") > 5 * average("village")


def test_units_formed_later_have_appeals_only_since(appeals):
    abai = Unit.objects.get(iso_code="KZ-10")
    about_abai = [a for a in appeals if a.unit.path.startswith(abai.path)]
    assert about_abai and min(a.filed_at for a in about_abai).date() >= abai.valid_from


def test_everything_is_demo_data(appeals, built):
    assert all(a.is_demo for a in appeals)
    applicants = User.objects.filter(appeals__isnull=False).distinct()
    assert applicants.exists() and all(user.is_demo for user in applicants)
    assert not any(user.has_usable_password() for user in applicants if user.email != RESIDENT)
    web = [a for a in appeals if a.channel == "web"]
    assert all(a.applicant_id and a.client_id is None for a in web)
    app = ApiClient.objects.get(name__icontains="demo")
    by_app = [a for a in appeals if a.channel == "open311"]
    assert all(a.client_id == app.pk and a.applicant_id is None for a in by_app)
    assert all(a.rating is None for a in appeals if a.applicant_id is None)  # only accounts rate


def test_public_texts_name_nobody(appeals):
    published = [a for a in appeals if a.is_public]
    assert published and all(a.consent_public and a.public_text for a in published)
    for appeal in appeals:
        assert appeal.applicant_name in appeal.text  # the original is signed
        for private in (appeal.applicant_name, appeal.applicant_email, "Demo", "Демо"):
            assert private not in appeal.public_text
            assert private not in appeal.answer_text
    languages = Counter(a.language for a in appeals)
    assert languages["kk"] > 0.3 * len(appeals) and languages["ru"] > 0.3 * len(appeals)
    kazakh = next(a for a in published if a.language == "kk")
    assert any(letter in kazakh.public_text for letter in "әғқңөұүһі")


def test_points_lie_in_their_region_and_some_appeals_have_addresses(appeals):
    regions = {b.unit.path: shape(b.geometry) for b in Boundary.objects.select_related("unit")}
    placed = [a for a in appeals if a.latitude is not None]
    assert 0.2 <= len(placed) / len(appeals) <= 0.5
    for appeal in placed:
        region = next(g for path, g in regions.items() if appeal.unit.path.startswith(path))
        assert shapely.contains_xy(region, float(appeal.longitude), float(appeal.latitude))
    assert 0.3 <= share(appeals, lambda a: bool(a.address)) <= 0.6


def test_the_demo_resident_and_the_editor_have_their_share(appeals, built):
    resident = User.objects.get(email=RESIDENT)
    mine = [a for a in appeals if a.applicant_id == resident.pk]
    assert 10 <= len(mine) <= 14
    assert any(a.rating for a in mine) and len({a.unit_id for a in mine if not a.parent_id}) == 1
    almaty = [
        a
        for a in appeals
        if a.body.unit.iso_code == "KZ-75" and a.body.kind == "akimat" and a.closed_at
    ]
    assert almaty and all(
        any(s.kind == "assigned" and s.actor == built.editor for s in a.steps.all()) for a in almaty
    )


def test_the_same_seed_gives_the_same_rows(built):
    assert built.digests["first"] == built.digest
    assert built.digests["short"] != built.digests["other"]


def test_a_second_build_writes_nothing(built, db):
    before = Appeal.objects.count()
    counts = build_appeals(SYSTEM, seed=2026, today=TODAY)
    assert set(counts.values()) == {0} and Appeal.objects.count() == before
