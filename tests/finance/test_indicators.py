"""The per unit-year sums and the indicators read from them, checked against figures computed by
hand from `published_budget` (tests/finance/conftest.py), the consolidation of a region with
the budgets below it as the territory was that year, and inequality across peers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from esep.finance.indicators import DONOR, NEITHER, SUBSIDISED, indicators
from esep.finance.inequality import measure
from esep.finance.models import UnitYear
from esep.finance.queries import peers_inequality, unit_budget
from tests.conftest import SYSTEM
from tests.finance.conftest import (
    TRANSFER_HEADER,
    csv_bytes,
    expected_sums,
    import_csv,
    import_transfers_csv,
)
from tests.territory.conftest import make_unit

ABS = 5e-7
SUM_FIELDS = (
    "tax", "non_tax", "capital", "transfers_in", "expenditure", "debt_service", "transfers_out",
    "subventions", "withdrawals",
)  # fmt: skip


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def row(unit, year: int, phase: str = "executed", consolidated: bool = False) -> UnitYear:
    return UnitYear.objects.get(unit=unit, year=year, phase=phase, consolidated=consolidated)


def sums(unit_year: UnitYear) -> dict[str, int]:
    return {name: getattr(unit_year, name) for name in SUM_FIELDS}


# The sums.


def test_every_unit_year_adds_up_its_lines_and_transfers(published_budget):
    units = {"oblast": published_budget.oblast, "district": published_budget.district,
             "rural": published_budget.rural}  # fmt: skip
    expected = expected_sums()
    assert len(expected) == 12
    for (key, year, phase), values in expected.items():
        assert sums(row(units[key], year, phase)) == values, (key, year, phase)
    # 12 unit-years, and one consolidated row per year and phase of the oblast.
    assert UnitYear.objects.filter(consolidated=False).count() == 12
    assert set(
        UnitYear.objects.filter(consolidated=True).values_list("unit_id", "year", "phase")
    ) == {
        (published_budget.oblast.pk, 2022, "executed"),
        (published_budget.oblast.pk, 2023, "executed"),
        (published_budget.oblast.pk, 2024, "executed"),
        (published_budget.oblast.pk, 2024, "approved"),
    }


def test_oblast_2023_sums_by_hand(published_budget):
    r = row(published_budget.oblast, 2023)
    assert sums(r) == {
        "tax": 110_000_000,  # 900 000 + 200 000 tenge
        "non_tax": 5_000_025,  # 50 000.25
        "capital": 2_000_000,
        "transfers_in": 60_000_000,
        "expenditure": 128_000_000,  # 04 2: 1 250 000, 14 1: 30 000
        "debt_service": 3_000_000,
        "transfers_out": 25_000_000,  # group 15, not in expenditure
        "subventions": 60_000_000,
        "withdrawals": 0,
    }
    assert (r.kind, r.population) == ("oblast", 1_505_984)


def test_rural_district_2022_sums_by_hand(published_budget):
    r = row(published_budget.rural, 2022)
    assert sums(r) == {
        "tax": 500_055,
        "non_tax": 0,
        "capital": 0,
        "transfers_in": 1_000_000,
        "expenditure": 1_400_000,
        "debt_service": 0,
        "transfers_out": 0,
        "subventions": 1_000_000,
        "withdrawals": 0,
    }
    assert (r.kind, r.population) == ("rural_district", 25_000)


def test_approved_phase_is_summed_apart_from_executed(published_budget):
    approved = row(published_budget.district, 2024, "approved")
    executed = row(published_budget.district, 2024, "executed")
    assert approved.tax == 32_300_000  # 340 000 × 0.95
    assert executed.tax == 34_000_000
    assert (approved.transfers_in, executed.transfers_in) == (29_000_000, 30_000_000)
    # General transfers come from the transfers table, whatever the phase.
    assert approved.subventions == executed.subventions == 30_000_000


# The indicators.


def test_indicators_of_the_oblast_2023_by_hand(published_budget):
    ind = indicators(row(published_budget.oblast, 2023), row(published_budget.oblast, 2022))
    own = 110_000_000 + 5_000_025 + 2_000_000
    total = own + 60_000_000
    assert (ind.own_revenue, ind.total_revenue, ind.own_spending) == (own, total, 128_000_000)
    assert ind.transfer_dependence == pytest.approx(60_000_000 / 177_000_025)
    assert ind.transfer_dependence == pytest.approx(0.338983, abs=ABS)
    assert ind.own_revenue_share == pytest.approx(117_000_025 / 177_000_025)
    assert ind.vertical_imbalance == pytest.approx(1 - 117_000_025 / 128_000_000)
    assert ind.vertical_imbalance == pytest.approx(0.085937, abs=ABS)
    assert ind.net_general_transfer == 60_000_000
    assert ind.position == SUBSIDISED
    assert ind.position_label == "subsidised"
    # Per capita, in tenge: 1 770 000.25 / 1 505 984 and 1 280 000 / 1 505 984.
    assert ind.revenue_per_capita == Decimal("1.18")
    assert ind.spending_per_capita == Decimal("0.85")
    # Transfer receipts 500 000 → 600 000.
    assert ind.transfer_volatility == pytest.approx(0.2)


def test_indicators_of_the_district_by_hand(published_budget):
    district = published_budget.district
    y2022, y2023, y2024 = (indicators(row(district, y)) for y in (2022, 2023, 2024))
    # 2022: own 310 000, transfers 200 000, spending 480 000 (group 15 excluded).
    assert y2022.transfer_dependence == pytest.approx(200_000 / 510_000)
    assert y2022.own_revenue_share == pytest.approx(310_000 / 510_000)
    assert y2022.vertical_imbalance == pytest.approx(1 - 310_000 / 480_000)
    assert y2022.net_general_transfer == 20_000_000
    assert y2022.transfer_volatility is None  # no previous year given
    # Per capita with the population of the year (2022: 200 000; 2023: 210 000), else the
    # nearest earlier year (2024: 210 000 of 2023).
    assert row(district, 2022).population == 200_000
    assert row(district, 2023).population == 210_000
    assert row(district, 2024).population == 210_000
    assert y2022.revenue_per_capita == Decimal("2.55")  # 510 000 / 200 000
    assert y2023.revenue_per_capita == Decimal("2.76")  # 580 000 / 210 000
    assert y2024.revenue_per_capita == Decimal("3.10")  # 650 000 / 210 000
    assert y2024.spending_per_capita == Decimal("2.38")  # 500 000 / 210 000


def test_volatility_along_the_trend(published_budget):
    budget = unit_budget(published_budget.district.pk, 2024, "executed")
    assert budget is not None
    assert [r.row.year for r in budget.trend] == [2022, 2023, 2024]
    volatility = [r.indicators.transfer_volatility for r in budget.trend]
    assert volatility[0] is None
    assert volatility[1] == pytest.approx(0.25)  # 200 000 → 250 000
    assert volatility[2] == pytest.approx(0.2)  # 250 000 → 300 000
    assert budget.indicators == budget.trend[-1].indicators
    assert budget.consolidated is None  # a district has no consolidated row
    oblast = unit_budget(published_budget.oblast.pk, 2024, "executed")
    assert oblast.consolidated.indicators.transfer_volatility == pytest.approx(0.1)  # 600→540 k


def test_donor_subsidised_and_neither(published_budget, regions):
    city, astana, republic = regions["KZ-75"], regions["KZ-71"], regions["KZ"]
    import_csv(
        SYSTEM,
        csv_bytes(
            [
                [city.iso_code, 2024, "revenue", "executed", "1 01 2", "1000"],
                [city.iso_code, 2024, "expenditure", "executed", "04 2", "600"],
                [city.iso_code, 2024, "expenditure", "executed", "15 1", "400"],
                [astana.iso_code, 2024, "revenue", "executed", "1 01 2", "500"],
                [astana.iso_code, 2024, "expenditure", "executed", "04 2", "500"],
            ]
        ),
    )
    import_transfers_csv(
        SYSTEM,
        csv_bytes([["KZ-75", "KZ", 2024, "withdrawal", "400", "", "", ""]], TRANSFER_HEADER),
    )
    almaty = indicators(row(city, 2024))
    assert (almaty.net_general_transfer, almaty.position) == (-40_000, DONOR)
    assert row(city, 2024).withdrawals == 40_000
    assert indicators(row(astana, 2024)).position == NEITHER
    assert indicators(row(astana, 2024)).net_general_transfer == 0
    assert indicators(row(published_budget.oblast, 2024)).position == SUBSIDISED
    # The republic gives and receives: no unit-year of its own without budget lines.
    assert not UnitYear.objects.filter(unit=republic).exists()


def test_indicators_without_revenue_or_population_are_none(db):
    empty = UnitYear(unit_id=1, year=2024, phase="executed", kind="district")
    ind = indicators(empty, UnitYear(transfers_in=0))
    assert ind.transfer_dependence is None
    assert ind.own_revenue_share is None
    assert ind.vertical_imbalance is None
    assert ind.revenue_per_capita is None
    assert ind.transfer_volatility is None
    assert ind.position == NEITHER


# Consolidation.


def test_consolidated_oblast_nets_out_transfers_inside_it(published_budget):
    r = row(published_budget.oblast, 2023, consolidated=True)
    assert sums(r) == {
        # oblast 1 100 000 + district 320 000 + rural 5 000.55
        "tax": 142_500_055,
        "non_tax": 6_000_025,  # 50 000.25 + 10 000
        "capital": 2_000_000,
        # Σ category 4 (600 000 + 250 000 + 12 000) − transfers inside (250 000 + 12 000)
        "transfers_in": 60_000_000,
        "expenditure": 178_500_000,  # 1 280 000 + 490 000 + 15 000
        "debt_service": 3_000_000,
        "transfers_out": 0,  # Σ group 15 (250 000 + 12 000) − transfers inside
        "subventions": 60_000_000,  # from the republic only
        "withdrawals": 0,
    }
    assert (r.kind, r.population) == ("oblast", 1_505_984)
    inside = 25_000_000 + 1_200_000
    parts = [row(u, 2023) for u in (published_budget.oblast, published_budget.district,
                                    published_budget.rural)]  # fmt: skip
    assert r.transfers_in == sum(p.transfers_in for p in parts) - inside
    assert r.tax == sum(p.tax for p in parts)
    ind = indicators(r)
    assert ind.transfer_dependence == pytest.approx(60_000_000 / (150_500_080 + 60_000_000))
    assert ind.vertical_imbalance == pytest.approx(1 - 150_500_080 / 178_500_000)


def test_targeted_transfers_inside_are_netted_but_budget_loans_are_not(published_budget):
    """A targeted transfer is a transfer receipt (category 4) and group 15 spending, and cancels
    out like a subvention; a budget loan is in neither (budget lending), so it is not netted."""
    oblast, district = published_budget.oblast, published_budget.district
    before = row(oblast, 2023, consolidated=True)
    import_transfers_csv(
        SYSTEM,
        csv_bytes(
            [[oblast.ocd_id, district.ocd_id, 2023, "budget_loan", "100000", "", "", ""]],
            TRANSFER_HEADER,
        ),
    )
    after = row(oblast, 2023, consolidated=True)
    assert sums(after) == sums(before)
    assert after.transfers_in == 60_000_000
    # The same amount as a targeted transfer, in the oblast's group 15 only.
    import_csv(
        SYSTEM,
        csv_bytes(
            [
                [oblast.ocd_id, 2023, direction, "executed", code, amount]
                for (direction, code), amount in published_budget.lines[
                    ("oblast", 2023, "executed")
                ].items()
                if code != "15 1"
            ]
            + [[oblast.ocd_id, 2023, "expenditure", "executed", "15 1", "350000"]]
        ),
    )
    import_transfers_csv(
        SYSTEM,
        csv_bytes(
            [[oblast.ocd_id, district.ocd_id, 2023, "targeted_current", "100000", "", "", ""]],
            TRANSFER_HEADER,
        ),
    )
    targeted = row(oblast, 2023, consolidated=True)
    assert targeted.transfers_out == 0  # 350 000 + 12 000 − 362 000 inside
    assert targeted.transfers_in == 60_000_000 - 10_000_000  # the district's lines omit it
    assert row(district, 2023).subventions == 25_000_000  # only general transfers count


@pytest.mark.parametrize(
    ("year", "phase"), [(2022, "executed"), (2024, "executed"), (2024, "approved")]
)
def test_consolidated_rows_follow_every_year_and_phase(published_budget, year, phase):
    expected = expected_sums()
    r = row(published_budget.oblast, year, phase, consolidated=True)
    parts = [expected[(key, year, phase)] for key in ("oblast", "district", "rural")]
    for name in ("tax", "non_tax", "capital", "expenditure", "debt_service"):
        assert getattr(r, name) == sum(p[name] for p in parts), name
    assert r.subventions == expected[("oblast", year, phase)]["subventions"]
    if phase == "executed":
        # The executed transfer lines agree with the transfers table: they cancel out exactly.
        # (The approved 2024 lines plan other amounts than the table, so they do not.)
        inside = sum(
            t[4] * 100 for t in published_budget.transfers if t[3] == year and t[1] != "republic"
        )
        assert r.transfers_in == sum(p["transfers_in"] for p in parts) - inside
        assert r.transfers_out == sum(p["transfers_out"] for p in parts) - inside == 0


def test_district_of_abai_before_2022_is_consolidated_into_east_kazakhstan(classification, history):
    abai, east, republic = history["KZ-10"], history["KZ-63"], history["KZ"]
    zharma = make_unit(abai, "district", "Zharma", kato="105000000", population=60_000,
                       population_year=2020)  # fmt: skip
    rows = [
        # East Kazakhstan in 2020, Zharma then one of its districts.
        ["KZ-63", 2020, "revenue", "executed", "1 01 2", "1000"],
        ["KZ-63", 2020, "revenue", "executed", "4 02 1", "300"],
        ["KZ-63", 2020, "expenditure", "executed", "04 2", "900"],
        ["KZ-63", 2020, "expenditure", "executed", "15 1", "100"],
        ["105000000", 2020, "revenue", "executed", "1 01 2", "50"],
        ["105000000", 2020, "revenue", "executed", "4 02 2", "100"],
        ["105000000", 2020, "expenditure", "executed", "04 2", "150"],
        # 2023: Zharma is in Abai Region.
        ["KZ-63", 2023, "revenue", "executed", "1 01 2", "700"],
        ["KZ-10", 2023, "revenue", "executed", "1 01 2", "400"],
        ["KZ-10", 2023, "expenditure", "executed", "15 1", "80"],
        ["105000000", 2023, "revenue", "executed", "1 01 2", "60"],
        ["105000000", 2023, "revenue", "executed", "4 02 2", "80"],
    ]
    import_csv(SYSTEM, csv_bytes(rows))
    transfers = [
        ["KZ", "KZ-63", 2020, "subvention", "300", "", "", ""],
        ["KZ-63", "105000000", 2020, "subvention", "100", "", "", ""],
        ["KZ-10", "105000000", 2023, "subvention", "80", "", "", ""],
    ]
    import_transfers_csv(SYSTEM, csv_bytes(transfers, TRANSFER_HEADER))
    east_2020 = row(east, 2020, consolidated=True)
    assert (east_2020.tax, east_2020.expenditure) == (105_000, 105_000)
    assert east_2020.transfers_in == 30_000  # 300 + 100 − 100 inside
    assert east_2020.transfers_out == 0
    assert east_2020.subventions == 30_000
    assert not UnitYear.objects.filter(unit__in=(abai, republic), year=2020).exists()
    assert row(zharma, 2020).subventions == 10_000
    # After the split, Zharma is consolidated into Abai, not East Kazakhstan.
    east_2023 = row(east, 2023, consolidated=True)
    abai_2023 = row(abai, 2023, consolidated=True)
    assert east_2023.tax == 70_000
    assert (abai_2023.tax, abai_2023.transfers_in, abai_2023.transfers_out) == (46_000, 0, 0)
    assert abai_2023.population == 610_189


# Inequality across peers.


def _five_districts(regions, populations, revenues):
    """Districts of Almaty Region with 2024 executed tax revenue (tenge) and populations."""
    rows = []
    for i, (population, revenue) in enumerate(zip(populations, revenues, strict=True)):
        unit = make_unit(regions["KZ-19"], "district", f"Peer{i}", kato=f"19{i}000000",
                         population=population, population_year=2024)  # fmt: skip
        rows.append([unit.kato, 2024, "revenue", "executed", "1 01 2", str(revenue)])
    import_csv(SYSTEM, csv_bytes(rows))


def test_peers_inequality_of_the_reference_vector(classification, regions):
    # Per-capita revenue 10, 10, 10, 20, 50 tenge.
    _five_districts(regions, [1000] * 5, [10_000, 10_000, 10_000, 20_000, 50_000])
    unweighted, weighted, n = peers_inequality("district", 2024, "executed")
    assert n == 5
    for r in (unweighted, weighted):
        assert r.n == 5
        assert r.mean == pytest.approx(20.0)
        assert r.theil_l == pytest.approx(0.232630, abs=ABS)
        assert r.theil_t == pytest.approx(0.250201, abs=ABS)
        assert r.gini_oecd == pytest.approx(0.45, abs=ABS)
        assert r.gini == pytest.approx(0.36, abs=ABS)
        assert r.cv == pytest.approx(0.774597, abs=ABS)
        assert r.max_min == pytest.approx(5.0, abs=ABS)
    assert peers_inequality("district", 2023, "executed") == (None, None, 0)
    assert peers_inequality("district", 2024, "approved") == (None, None, 0)


def test_peers_inequality_weights_by_population(classification, regions):
    # Per-capita still 10, 10, 10, 20, 50, but the second unit has twice the people.
    _five_districts(
        regions, [1000, 2000, 1000, 1000, 1000], [10_000, 20_000, 10_000, 20_000, 50_000]
    )
    unweighted, weighted, n = peers_inequality("district", 2024, "executed")
    assert n == 5
    assert unweighted.gini == pytest.approx(0.36, abs=ABS)
    assert unweighted.theil_l == pytest.approx(0.232630, abs=ABS)
    expected = measure([10, 10, 10, 20, 50], [1000, 2000, 1000, 1000, 1000])
    assert weighted == expected
    assert weighted.mean == pytest.approx(110 / 6)
    assert weighted.gini != pytest.approx(unweighted.gini)
