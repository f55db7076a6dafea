"""Budgets as open data at /api/v1: budget lines, transfers, indicators, inequality, the
classification and the datasets; filtered and paged, amounts as decimal strings in tenge, 4xx
with the one error shape for bad input, and a constant number of queries as budgets grow."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from esep.finance.indicators import indicators
from esep.finance.inequality import measure
from esep.finance.models import TIYN, Classification, UnitYear
from tests.api.test_api import assert_error
from tests.conftest import SYSTEM
from tests.finance.conftest import LINES, budget_rows, csv_bytes, import_csv
from tests.finance.test_pages import grow


def body(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json()


def items(client, url: str) -> list[dict]:
    return body(client, url)["items"]


def kzt(tiyn: int) -> Decimal:
    return Decimal(tiyn) / TIYN


# Budget lines ------------------------------------------------------------------------------------


def test_budget_lines_are_listed_and_paged(client, published_budget):
    pb = published_budget
    everything = body(client, "/api/v1/budget-lines?limit=1000")
    assert everything["count"] == pb.line_count == len(everything["items"])
    page1 = body(client, "/api/v1/budget-lines?limit=10&offset=0")
    page2 = body(client, "/api/v1/budget-lines?limit=10&offset=10")
    assert page1["count"] == page2["count"] == pb.line_count
    ids = [i["id"] for i in page1["items"] + page2["items"]]
    assert ids == sorted(ids) and len(set(ids)) == 20
    assert ids == [i["id"] for i in everything["items"][:20]]
    assert items(client, f"/api/v1/budget-lines?offset={pb.line_count}") == []
    line = everything["items"][0]
    assert set(line) == {
        "id", "unit_id", "year", "direction", "phase", "code", "amount_kzt", "dataset_id",
    }  # fmt: skip
    assert line["dataset_id"] == pb.budget_result.dataset.pk


@pytest.mark.parametrize(
    ("query", "slices"),
    [
        ("unit={district}", [("district", y, p) for y, p in
                             [(2022, "executed"), (2023, "executed"), (2024, "executed"),
                              (2024, "approved")]]),
        ("unit={district}&year=2024", [("district", 2024, "executed"),
                                       ("district", 2024, "approved")]),
        ("unit={rural}&year=2023&phase=executed", [("rural", 2023, "executed")]),
        ("year=2024&phase=approved", [(u, 2024, "approved") for u in ("oblast", "district",
                                                                      "rural")]),
    ],
)  # fmt: skip
def test_budget_lines_filters(client, published_budget, query, slices):
    pb = published_budget
    url = "/api/v1/budget-lines?limit=1000&" + query.format(
        district=pb.district.pk, rural=pb.rural.pk
    )
    found = {
        (i["unit_id"], i["year"], i["phase"], i["direction"], i["code"]): i["amount_kzt"]
        for i in items(client, url)
    }
    expected = {
        (getattr(pb, unit).pk, year, phase, direction, code): amount
        for unit, year, phase in slices
        for (direction, code), amount in LINES[(unit, year, phase)].items()
    }
    assert {k: Decimal(v) for k, v in found.items()} == expected


def test_budget_lines_by_direction_and_code(client, published_budget):
    pb = published_budget
    base = f"/api/v1/budget-lines?unit={pb.oblast.pk}&year=2024&phase=executed"
    spending = items(client, base + "&direction=expenditure")
    assert {i["code"] for i in spending} == {"04 2", "14 1", "15 1"}
    assert {i["direction"] for i in spending} == {"expenditure"}
    income_tax = items(client, "/api/v1/budget-lines?code=1%2001%202&limit=1000")
    assert len(income_tax) == 2 * 4  # oblast and Talgar; three executed years, approved 2024
    assert {i["code"] for i in income_tax} == {"1 01 2"}
    assert items(client, "/api/v1/budget-lines?code=99") == []


def test_amounts_are_decimal_strings_in_tenge(client, published_budget):
    pb = published_budget
    lines = items(client, f"/api/v1/budget-lines?unit={pb.oblast.pk}&year=2024&phase=executed")
    amounts = {i["code"]: i["amount_kzt"] for i in lines}
    assert amounts["2 06 1"] == "50000.25"  # exactly, never a float
    assert amounts["1 01 2"] == "1000000"
    assert all(isinstance(v, str) for v in amounts.values())
    rural = items(client, f"/api/v1/budget-lines?unit={pb.rural.pk}&year=2022&code=1%2004%201")
    assert [i["amount_kzt"] for i in rural] == ["5000.55"]


# Transfers ---------------------------------------------------------------------------------------


def test_transfers_filters(client, published_budget):
    pb = published_budget
    everything = body(client, "/api/v1/transfers?limit=1000")
    assert everything["count"] == len(pb.transfers) == 9
    one = everything["items"][0]
    assert set(one) == {
        "id", "kind", "giver_id", "receiver_id", "year", "amount_kzt", "legal_basis",
        "basis_first_year", "basis_last_year", "dataset_id",
    }  # fmt: skip
    district = items(client, f"/api/v1/transfers?unit={pb.district.pk}&limit=1000")
    assert len(district) == 6  # received from the oblast and paid to Belbulak, three years
    received = items(client, f"/api/v1/transfers?receiver={pb.district.pk}&year=2023")
    assert [(t["giver_id"], t["amount_kzt"]) for t in received] == [(pb.oblast.pk, "250000")]
    assert received[0]["legal_basis"].startswith("Law on the three-year")
    assert (received[0]["basis_first_year"], received[0]["basis_last_year"]) == (2022, 2024)
    given = items(client, f"/api/v1/transfers?giver={pb.republic.pk}")
    assert [(t["receiver_id"], t["year"]) for t in given] == [
        (pb.oblast.pk, 2022), (pb.oblast.pk, 2023), (pb.oblast.pk, 2024),
    ]  # fmt: skip
    assert len(items(client, "/api/v1/transfers?kind=subvention&year=2024")) == 3
    assert items(client, "/api/v1/transfers?kind=withdrawal") == []
    assert items(client, f"/api/v1/transfers?giver={pb.rural.pk}") == []


# Indicators --------------------------------------------------------------------------------------


def test_indicators_match_the_computation(client, published_budget):
    rows = items(client, "/api/v1/indicators?limit=1000")
    stored = {(r.unit_id, r.year, r.phase, r.consolidated): r for r in UnitYear.objects.all()}
    assert len(rows) == len(stored)
    for row in rows:
        unit_year = stored[(row["unit_id"], row["year"], row["phase"], row["consolidated"])]
        found = indicators(unit_year)
        assert row["kind"] == unit_year.kind
        assert row["population"] == unit_year.population
        assert Decimal(row["total_revenue_kzt"]) == kzt(found.total_revenue)
        assert Decimal(row["own_spending_kzt"]) == kzt(found.own_spending)
        assert row["transfer_dependence"] == pytest.approx(found.transfer_dependence)
        assert row["own_revenue_share"] == pytest.approx(found.own_revenue_share)
        assert row["vertical_imbalance"] == pytest.approx(found.vertical_imbalance)
        assert Decimal(row["net_general_transfer_kzt"]) == kzt(found.net_general_transfer)
        assert row["position"] == found.position
        for name in ("revenue_per_capita", "spending_per_capita"):
            value = getattr(found, name)
            assert row[f"{name}_kzt"] == (None if value is None else str(value))


def test_indicators_match_the_imported_figures(client, published_budget):
    pb = published_budget
    url = f"/api/v1/indicators?unit={pb.district.pk}&year=2024&phase=executed"
    [row] = items(client, url)
    sums = pb.sums[("district", 2024, "executed")]
    for name in ("tax", "non_tax", "capital", "transfers_in", "debt_service", "transfers_out"):
        assert Decimal(row[f"{name}_kzt"]) == kzt(sums[name]), name
    assert Decimal(row["own_spending_kzt"]) == kzt(sums["expenditure"])
    assert row["transfer_dependence"] == pytest.approx(300_000 / 650_000)
    assert row["revenue_per_capita_kzt"] == "3.10"  # 650,000 tenge / 210,000 residents
    assert row["position"] == "subsidised" and row["net_general_transfer_kzt"] == "300000"
    assert row["consolidated"] is False and row["kind"] == "district"


def test_indicators_filters(client, published_budget):
    pb = published_budget
    oblast = items(client, f"/api/v1/indicators?unit={pb.oblast.pk}&limit=1000")
    assert {(r["year"], r["phase"], r["consolidated"]) for r in oblast} == {
        (y, p, c)
        for y, p in [(2022, "executed"), (2023, "executed"), (2024, "executed"),
                     (2024, "approved")]
        for c in (False, True)
    }  # fmt: skip
    consolidated = items(client, "/api/v1/indicators?consolidated=true&year=2024&phase=executed")
    assert [(r["unit_id"], r["kind"]) for r in consolidated] == [(pb.oblast.pk, "oblast")]
    # 540,000 of 2,165,000.80 tenge from outside the region.
    assert consolidated[0]["transfers_in_kzt"] == "540000"
    assert consolidated[0]["total_revenue_kzt"] == "2165000.8"
    rural = items(client, "/api/v1/indicators?kind=rural_district&limit=1000")
    assert {r["unit_id"] for r in rural} == {pb.rural.pk} and len(rural) == 4
    approved = items(client, "/api/v1/indicators?phase=approved&consolidated=false")
    assert {r["unit_id"] for r in approved} == {pb.oblast.pk, pb.district.pk, pb.rural.pk}


# Inequality, classification, datasets ------------------------------------------------------------


def test_inequality_across_units_of_a_kind(client, published_budget):
    pb = published_budget
    one = body(client, "/api/v1/inequality?year=2024&kind=district")
    assert one == {
        "kind": "district", "year": 2024, "phase": "executed", "units": 1,
        "unweighted": None, "weighted": None,
    }  # fmt: skip
    other = _district(pb, "Other", 100_000, 2_000_000)
    found = body(client, "/api/v1/inequality?year=2024&kind=district")
    assert found["units"] == 2
    values = [3.10, 20.00]  # revenue per resident, to the tiyn: 650,000 / 210,000 and 20
    expected = measure(values)
    weighted = measure(values, [210_000, 100_000])
    assert found["unweighted"]["n"] == 2
    assert found["unweighted"]["gini"] == pytest.approx(expected.gini, rel=1e-3)
    assert found["unweighted"]["theil_t"] == pytest.approx(expected.theil_t, rel=1e-3)
    assert found["weighted"]["gini"] == pytest.approx(weighted.gini, rel=1e-3)
    assert set(found["unweighted"]) == {
        "n", "mean", "gini", "gini_oecd", "theil_t", "theil_l", "cv", "max_min", "top_bottom_20",
    }  # fmt: skip
    assert other.pk
    approved = body(client, "/api/v1/inequality?year=2024&kind=district&phase=approved")
    assert approved["units"] == 1 and approved["phase"] == "approved"
    regions = body(client, "/api/v1/inequality?year=2024&kind=oblast&consolidated=true")
    assert regions["units"] == 1 and regions["unweighted"] is None
    assert body(client, "/api/v1/inequality?year=2001")["units"] == 0


def _district(pb, name: str, population: int, revenue: int):
    from tests.territory.conftest import make_unit

    unit = make_unit(pb.oblast, "district", name, population=population, population_year=2024)
    rows = [[unit.ocd_id, 2024, "revenue", "executed", "1 01 2", revenue]]
    import_csv(SYSTEM, csv_bytes(rows), f"{name}.csv")
    return unit


def test_budget_classification(client, classification):
    everything = body(client, "/api/v1/budget-classification?limit=1000")
    assert everything["count"] == len(classification)
    revenue = items(client, "/api/v1/budget-classification?direction=revenue&limit=1000")
    assert {c["direction"] for c in revenue} == {"revenue"}
    tax = next(c for c in revenue if c["code"] == "1 01 2")
    stored = classification[("revenue", "1 01 2")]
    assert tax == {
        "id": stored.pk,
        "direction": "revenue",
        "code": "1 01 2",
        "parent_id": classification[("revenue", "1 01")].pk,
        "level": 3,
        "name_kk": stored.name_kk,
        "name_ru": stored.name_ru,
        "name_en": stored.name_en,
    }
    groups = items(client, "/api/v1/budget-classification?direction=expenditure&limit=1000")
    assert len(groups) == Classification.objects.filter(direction="expenditure").count()


def test_datasets(client, published_budget):
    pb = published_budget
    datasets = items(client, "/api/v1/datasets")
    assert [d["id"] for d in datasets] == [
        pb.budget_result.dataset.pk,
        pb.transfers_result.dataset.pk,
    ]
    budget = datasets[0]
    assert budget["kind"] == "budget" and budget["lines"] == pb.line_count
    assert budget["title"] == "budgets-2022-2024.csv"
    assert len(budget["sha256"]) == 64 and budget["demo"] is False
    assert budget["published_at"]
    assert datasets[1]["kind"] == "transfers"


# Bad input ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/budget-lines?year=3000",
        "/api/v1/budget-lines?year=1800",
        "/api/v1/budget-lines?unit=abc",
        "/api/v1/budget-lines?unit=0",
        "/api/v1/budget-lines?unit=99999999999999999999999",
        "/api/v1/budget-lines?direction=sideways",
        "/api/v1/budget-lines?phase=imagined",
        "/api/v1/budget-lines?limit=0",
        "/api/v1/budget-lines?limit=1001",
        "/api/v1/budget-lines?offset=-1",
        "/api/v1/budget-lines?code=" + "1" * 17,
        "/api/v1/transfers?kind=gift",
        "/api/v1/transfers?giver=abc",
        "/api/v1/transfers?year=3000",
        "/api/v1/indicators?kind=planet",
        "/api/v1/indicators?consolidated=perhaps",
        "/api/v1/indicators?unit=-4",
        "/api/v1/inequality",
        "/api/v1/inequality?year=abc",
        "/api/v1/inequality?year=3000",
        "/api/v1/inequality?year=2024&kind=planet",
        "/api/v1/budget-classification?direction=sideways",
        "/api/v1/datasets?limit=0",
    ],
)
def test_bad_values_get_422_with_the_error_shape(client, published_budget, url):
    error = assert_error(client.get(url), 422, "invalid")
    assert error["details"] and "loc" in error["details"][0]


def test_writes_are_not_allowed(client, published_budget):
    assert_error(client.post("/api/v1/budget-lines"), 405, "method_not_allowed")


# Queries ----------------------------------------------------------------------------------------


def _count(client, url: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_api_queries_do_not_grow_with_budgets(client, classification, budget_units):
    units = budget_units
    one_year = [(u, 2024, "executed") for u in ("oblast", "district", "rural")]
    import_csv(SYSTEM, csv_bytes(budget_rows(units, one_year)), "2024.csv")
    urls = [
        "/api/v1/budget-lines?limit=1000",
        f"/api/v1/budget-lines?unit={units.district.pk}",
        "/api/v1/budget-lines?year=2024&direction=revenue&limit=1000",
        "/api/v1/indicators?limit=1000",
        f"/api/v1/indicators?unit={units.oblast.pk}",
        "/api/v1/indicators?consolidated=true",
        "/api/v1/transfers?limit=1000",
        "/api/v1/inequality?year=2024&kind=district",
        "/api/v1/datasets",
    ]
    before = {url: _count(client, url) for url in urls}
    grow(units)
    after = {url: _count(client, url) for url in urls}
    assert after == before
    assert body(client, "/api/v1/indicators?limit=1000")["count"] > 50
