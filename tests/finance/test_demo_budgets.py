"""The demo budgets: generated budget lines and transfers for 2000–2025 that follow the real
history of the top-level units and the published shape of transfer dependence, and whose
transfers net out across levels.

One small demo build (`build_demo`, about half a minute), shared by the tests of this module
and rolled back after them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

import pytest
from django.db import transaction

from esep.demo.budgets import Generator, build_budgets
from esep.demo.build import build_demo
from esep.finance.indicators import DONOR, SUBSIDISED, indicators
from esep.finance.models import BudgetLine, Dataset, Transfer, UnitYear
from esep.territory.models import Unit
from tests.conftest import SYSTEM

LOCAL = ("rural_district", "district_city", "village")
DONORS_2000 = {"KZ-15", "KZ-23", "KZ-27", "KZ-35", "KZ-47", "KZ-55", "KZ-71", "KZ-75"}
DONORS_2017 = {"KZ-23", "KZ-47", "KZ-71", "KZ-75"}


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker) -> Iterator[list[str]]:
    """The small demo, in a transaction that each test runs inside (tests roll back to a
    savepoint) and that is rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield list(build_demo())
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _in_db(db) -> None:
    """Every test here reads the database."""


def _years(**filters) -> set[int]:
    return set(BudgetLine.objects.filter(**filters).values_list("year", flat=True).distinct())


def _positions(year: int) -> dict[str, tuple[str, float]]:
    rows = UnitYear.objects.filter(year=year, phase="executed", consolidated=True)
    return {
        row.unit.iso_code: (result.position, result.transfer_dependence)
        for row in rows.select_related("unit")
        for result in [indicators(row)]
    }


def test_the_build_reports_the_budgets(built):
    line = next(line for line in built if line.startswith("demo budgets"))
    assert f"{BudgetLine.objects.count()} lines" in line
    assert f"{Transfer.objects.count()} transfers" in line


def test_units_have_budgets_only_in_the_years_they_existed(built):
    assert _years(unit__iso_code="KZ-10") == {2022, 2023, 2024, 2025}  # Abai
    assert _years(unit__iso_code="KZ-79") == set(range(2018, 2026))  # Shymkent
    for iso in ("KZ-61", "KZ-63", "KZ-19", "KZ-35", "KZ-75"):
        assert _years(unit__iso_code=iso) == set(range(2000, 2026)), iso
    assert {2010, 2020} <= _years(unit__iso_code="KZ-61")  # South Kazakhstan, then Turkistan
    assert _years(unit__kind__in=LOCAL) == set(range(2020, 2026))
    assert not BudgetLine.objects.filter(unit__kind__in=("village", "city_district")).exists()
    assert _years(unit__kind="district") == set(range(2000, 2026))


def test_phases_executed_until_2024_and_approved_from_2023(built):
    assert _years(phase="executed") == set(range(2000, 2025))
    assert _years(phase="approved") == {2023, 2024, 2025}
    assert not BudgetLine.objects.filter(phase="adjusted").exists()


def test_transfer_lines_match_the_transfers_table(built):
    received: dict[tuple[int, int], int] = defaultdict(int)
    given: dict[tuple[int, int], int] = defaultdict(int)
    for giver, receiver, year, amount in Transfer.objects.values_list(
        "giver", "receiver", "year", "amount"
    ):
        received[(receiver, year)] += amount
        given[(giver, year)] += amount
    rows = UnitYear.objects.filter(consolidated=False)
    assert rows.count() > 2000
    for row in rows:
        assert row.transfers_in == received[(row.unit_id, row.year)], row
        assert row.transfers_out == given[(row.unit_id, row.year)], row
        assert row.tax > 0 and row.expenditure > 0, row
    republic = Unit.objects.get(kind="republic")
    for row in UnitYear.objects.filter(consolidated=True):  # all that is left comes from above
        from_above = Transfer.objects.filter(giver=republic, receiver=row.unit_id, year=row.year)
        assert row.transfers_in == sum(from_above.values_list("amount", flat=True)), row


def test_donor_regions_and_transfer_dependence_follow_the_published_shape(built):
    in_2000, in_2017 = _positions(2000), _positions(2017)
    assert len(in_2000) == 16 and len(in_2017) == 16  # before Shymkent, Abai, Jetisu, Ulytau
    assert {iso for iso, (position, _d) in in_2000.items() if position == DONOR} == DONORS_2000
    assert {iso for iso, (position, _d) in in_2017.items() if position == DONOR} == DONORS_2017
    assert {position for position, _d in in_2017.values()} == {DONOR, SUBSIDISED}
    dependence_2000 = [d for _p, d in in_2000.values()]
    assert 0.04 <= min(dependence_2000) <= 0.08 and 0.38 <= max(dependence_2000) <= 0.46
    subsidised = [d for position, d in in_2017.values() if position == SUBSIDISED]
    assert len(subsidised) == 12
    assert all(0.5 <= d <= 0.85 for d in subsidised)
    assert min(subsidised) < 0.6 and max(subsidised) > 0.75
    assert all(d < 0.45 for position, d in in_2017.values() if position == DONOR)
    assert len(_positions(2024)) == 20


def test_lower_budgets_are_mostly_subsidised(built):
    def dependence(kind: str) -> list[float]:
        rows = UnitYear.objects.filter(year=2021, phase="executed", consolidated=False, kind=kind)
        return [indicators(row).transfer_dependence for row in rows]

    districts, local = dependence("district"), dependence("rural_district")
    assert sum(0.55 <= d <= 0.95 for d in districts) > 0.75 * len(districts)
    assert local and all(0.65 <= d <= 0.97 for d in local)


def test_general_transfers_cite_three_year_laws(built):
    transfers = Transfer.objects.filter(kind__in=("subvention", "withdrawal"), year__gte=2002)
    assert transfers.exists()
    for first, year, last in transfers.values_list(
        "basis_first_year", "year", "basis_last_year"
    ).distinct():
        assert first <= year <= last == first + 2 and (first - 2023) % 3 == 0
    law = Transfer.objects.filter(year=2023, giver__kind="republic", kind="subvention").first()
    assert law.legal_basis.endswith("for 2023–2025")


def test_everything_is_demo_data_and_a_second_run_writes_nothing(built):
    datasets = Dataset.objects.all()
    assert datasets.count() == 2 and all(d.is_demo for d in datasets)
    assert all("(generated, seed 2026)" in d.title for d in datasets)
    before = (
        Dataset.objects.count(),
        BudgetLine.objects.count(),
        Transfer.objects.count(),
        UnitYear.objects.count(),
    )
    again = build_budgets(SYSTEM)
    assert again["lines_written"] == again["transfers_written"] == 0
    assert again["lines"] == before[1] and again["transfers"] == before[2]
    assert (
        Dataset.objects.count(),
        BudgetLine.objects.count(),
        Transfer.objects.count(),
        UnitYear.objects.count(),
    ) == before


def test_figures_come_from_the_seed(built):
    def lines(seed: int) -> list[list[str]]:
        generator = Generator(seed)
        generator.generate()
        return list(generator.lines())

    assert lines(2026) == lines(2026)
    assert lines(2026) != lines(2027)
