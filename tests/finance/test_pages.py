"""Budget pages: a unit's budget (district and oblast), the national overview, each chart's
data as CSV and JSON, datasets, and the open-data exports; in every language, with a constant
number of queries as budgets grow."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.html import escape

from esep.finance.inequality import measure
from esep.finance.models import Classification
from tests.conftest import SYSTEM
from tests.finance.conftest import (
    LINES,
    TRANSFER_HEADER,
    budget_rows,
    csv_bytes,
    import_csv,
    import_transfers_csv,
    transfer_rows,
)
from tests.territory.conftest import make_unit

LANGS = ["kk", "ru", "en"]
BASIS = "Law on the three-year general transfers 2022–2024"


# Helpers ---------------------------------------------------------------------------------------


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def queries(client, url: str) -> int:
    """Queries of one request, rendered (the page cache emptied first)."""
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def csv_table(client, url: str) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return list(csv.reader(io.StringIO(response.content.decode())))


def json_table(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"title", "columns", "rows"}
    for row in body["rows"]:
        assert list(row) == body["columns"]
    return body


def tenge(key: tuple[str, int, str], top: str, direction: str = "revenue") -> Decimal:
    """The sum of a slice's lines in one revenue category (or functional group)."""
    return sum(
        (a for (d, code), a in LINES[key].items() if d == direction and code.split()[0] == top),
        Decimal(0),
    )


def text(html: str) -> str:
    """The visible text of an HTML fragment, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def section(html: str, heading_id: str) -> str:
    """The HTML from <h2 id=heading_id> to the next <h2>."""
    start = html.index(f'<h2 id="{heading_id}">')
    end = html.find("<h2", start + 1)
    return html[start : end if end > 0 else len(html)]


def name(direction: str, code: str) -> str:
    return Classification.objects.get(direction=direction, code=code).name_en


# A district's budget ----------------------------------------------------------------------------


def test_district_budget_page(client, published_budget):
    pb = published_budget
    html = page(client, f"/en/units/{pb.district.pk}/budget/")
    assert "<title>Budget of Talgar District, 2024 — esep</title>" in html
    assert "Budget of Talgar District" in html
    assert '<h2 id="summary">2024, executed</h2>' in html
    assert '<option value="2024" selected>2024</option>' in html
    assert '<option value="2022">2022</option>' in html
    assert '<option value="executed" selected>Executed</option>' in html
    assert '<option value="approved">Approved</option>' in html
    summary = text(section(html, "summary"))
    # 2024: 340,000 income tax + 10,000 non-tax + 300,000 subvention = 650,000 tenge.
    assert "Total revenue 650,000 ₸" in summary
    assert "Own revenue (taxes, non-tax receipts, sales of capital) 350,000 ₸" in summary
    assert "Transfer receipts from other budgets 300,000 ₸" in summary
    assert "Transfer dependence 46.2 %" in summary  # 300,000 / 650,000
    assert "Own-revenue share 53.8 %" in summary
    assert "Spending on its own functions 500,000 ₸" in summary
    assert "Subventions received minus withdrawals paid 300,000 ₸ (subsidised)" in summary
    assert "Revenue per resident 3 ₸" in summary  # 650,000 / 210,000
    assert "Change in transfer receipts on the year before 20.0 %" in summary  # 250k → 300k
    assert "Population 210000" in summary
    # Sources: the dataset the lines came from, and the method.
    dataset = pb.budget_result.dataset
    assert f'Sources: <a href="/en/budgets/datasets/{dataset.pk}/">{dataset.title}</a>' in html
    assert 'href="/en/budgets/#method"' in html
    assert "“Own revenue” here means every receipt that is not a transfer" in html
    # Not a region: no consolidated budget.
    assert 'id="consolidated"' not in html


def test_district_charts_and_their_tables(client, published_budget):
    pb = published_budget
    html = page(client, f"/en/units/{pb.district.pk}/budget/")
    query = "?year=2024&amp;phase=executed"
    revenue = html[html.index('<figure class="chart" id="revenue-chart">') :]
    revenue = revenue[: revenue.index("</figure>")]
    assert "Revenue by category" in revenue
    assert '<th scope="col">Category</th><th scope="col" class="num">Amount, tenge</th>' in revenue
    assert f'<tr><th scope="row">{name("revenue", "1")}</th><td class="num">340,000 ₸</td>' in (
        revenue
    )
    assert f'<tr><th scope="row">{name("revenue", "4")}</th><td class="num">300,000 ₸</td>' in (
        revenue
    )
    base = f"/en/units/{pb.district.pk}/budget"
    assert f'href="{base}/revenue.csv{query}" download>Download CSV' in revenue
    assert f'href="{base}/revenue.json{query}" download>Download JSON' in revenue
    spending = html[html.index('<figure class="chart" id="spending-chart">') :]
    spending = spending[: spending.index("</figure>")]
    assert f'<th scope="row">{name("expenditure", "04")}</th><td class="num">500,000 ₸</td>' in (
        spending
    )
    assert name("expenditure", "15") not in spending  # transfers to other budgets: apart
    assert "Transfers to other budgets (group 15), shown apart: 15,000 ₸." in html
    # The details of each revenue category, code by code.
    assert f"<summary>1 {name('revenue', '1')}</summary>" in html
    assert f'<td>1 01 2</td><th scope="row">{name("revenue", "1 01 2")}</th>' in html
    # Trend: the three years, oldest first.
    trend = html[html.index('id="dependence-chart"') :]
    trend = trend[: trend.index("</figure>")]
    years = re.findall(r'<tr><th scope="row">(\d{4})</th><td class="num">([^<]+)</td>', trend)
    assert years == [("2022", "39.2 %"), ("2023", "43.1 %"), ("2024", "46.2 %")]
    assert f'href="{base}/trend.csv{query}"' in trend


def test_transfers_link_to_the_other_budgets_and_the_dataset(client, published_budget):
    pb = published_budget
    html = section(page(client, f"/en/units/{pb.district.pk}/budget/"), "transfers")
    rows = re.findall(r"<tr><td>.*?</tr>", html)
    assert len(rows) == 2  # received from the oblast, paid to the rural district
    source = pb.transfers_result.dataset
    received, paid = rows
    assert f'<a href="/en/units/{pb.oblast.pk}/budget/?year=2024">Almaty Region</a>' in received
    assert "<td>Talgar District</td>" in received
    assert '<td class="num">300,000 ₸</td>' in received
    assert f"<td>{BASIS} (2022–2024)</td>" in received
    assert f'<a href="/en/budgets/datasets/{source.pk}/">{source.title}</a>' in received
    assert f'<a href="/en/units/{pb.rural.pk}/budget/?year=2024">' in paid
    assert '<td class="num">15,000 ₸</td>' in paid
    csv_link = f"/en/units/{pb.district.pk}/budget/transfers.csv?year=2024&amp;phase=executed"
    assert f'href="{csv_link}"' in html
    assert client.get(f"/en/budgets/datasets/{source.pk}/").status_code == 200


def test_peers_are_ranked_by_revenue_per_resident(client, published_budget, regions):
    pb = published_budget
    richer = make_unit(pb.oblast, "district", "Richer", population=1000, population_year=2023)
    import_csv(
        SYSTEM,
        csv_bytes([[richer.ocd_id, 2024, "revenue", "executed", "1 01 2", 100_000]]),
        "richer.csv",
    )
    elsewhere = make_unit(
        regions["KZ-61"], "district", "Elsewhere", population=10, population_year=2023
    )
    import_csv(
        SYSTEM,
        csv_bytes([[elsewhere.ocd_id, 2024, "revenue", "executed", "1 01 2", 100_000]]),
        "elsewhere.csv",
    )
    html = section(page(client, f"/en/units/{pb.district.pk}/budget/"), "peers")
    # Ranked in the country (three districts) and in the region (two); the table lists the
    # region's, and the download the country's.
    assert "3 of 3 in the country by revenue per resident in 2024. 2 of 2 in Almaty Region." in html
    assert "Units of the same kind in Almaty Region" in html
    assert "Elsewhere" not in html
    country = csv_table(client, f"/en/units/{pb.district.pk}/budget/peers.csv")
    assert [row[1] for row in country[1:]] == ["Elsewhere", "Richer", "Talgar District"]
    rows = re.findall(r"<tr.*?</tr>", html.split("<tbody>")[1])
    assert f'<a href="/en/units/{richer.pk}/budget/?year=2024">Richer</a>' in rows[0]
    assert '<td class="num">100 ₸</td><td class="num">0.0 %</td><td>neither</td>' in rows[0]
    assert rows[1].startswith('<tr class="current"><th scope="row"><strong>Talgar District')
    assert '<td class="num">3 ₸</td><td class="num">46.2 %</td><td>subsidised</td>' in rows[1]


def test_oblast_budget_page_has_the_consolidated_budget(client, published_budget):
    pb = published_budget
    html = page(client, f"/en/units/{pb.oblast.pk}/budget/")
    assert "Budget of Almaty Region" in html
    summary = text(section(html, "summary"))
    # Own: 1,000,000 + 200,000 + 50,000.25 + 20,000 + 540,000 (from the republic).
    assert "Total revenue 1,810,000 ₸" in summary
    assert "Transfer dependence 29.8 %" in summary
    consolidated = text(section(html, "consolidated"))
    assert "With every budget below it (consolidated)" in consolidated
    # With Talgar and Belbulak, the transfers between them counted once: 540,000 of
    # 2,165,000.80 tenge came from the republic.
    assert "Total revenue 2,165,001 ₸" in consolidated
    assert "Transfer dependence 24.9 %" in consolidated
    assert "Subventions received minus withdrawals paid 540,000 ₸ (subsidised)" in consolidated
    transfers = section(html, "transfers")
    assert f'<a href="/en/units/{pb.republic.pk}/budget/?year=2024">' in transfers
    assert f'<a href="/en/units/{pb.district.pk}/budget/?year=2024">' in transfers


@pytest.mark.parametrize(
    ("query", "heading", "revenue"),
    [
        ("?year=2023", "2023, executed", "580,000 ₸"),
        ("?year=2022&phase=executed", "2022, executed", "510,000 ₸"),
        ("?year=2024&phase=approved", "2024, approved", "623,000 ₸"),
        ("?year=2023&phase=approved", "2023, executed", "580,000 ₸"),  # no approved in 2023
        ("?phase=approved", "2024, approved", "623,000 ₸"),
        ("?year=1850", "2024, executed", "650,000 ₸"),
        ("?year=3000", "2024, executed", "650,000 ₸"),
        ("?year=abc&phase=nonsense", "2024, executed", "650,000 ₸"),
        ("?year=99999999999999999999", "2024, executed", "650,000 ₸"),
        ("?year=-2023", "2024, executed", "650,000 ₸"),
    ],
)
def test_year_and_phase_can_be_chosen(client, published_budget, query, heading, revenue):
    html = page(client, f"/en/units/{published_budget.district.pk}/budget/{query}")
    assert f'<h2 id="summary">{heading}</h2>' in html
    assert f"Total revenue {revenue}" in text(section(html, "summary"))
    year, phase = heading.split(", ")
    assert f'<option value="{year}" selected>' in html
    assert f'<option value="{phase}" selected>' in html
    assert f"?year={year}&amp;phase={phase}" in html  # downloads of what is shown


def test_a_unit_without_budgets_says_so(client, published_budget, regions):
    html = page(client, f"/en/units/{regions['KZ-61'].pk}/budget/")
    assert "No budget has been published for this unit yet." in html
    assert "<select" not in html


def test_unknown_unit_is_not_found(client, published_budget):
    assert client.get("/en/units/999999/budget/").status_code == 404
    assert client.get("/en/units/999999/budget/revenue.csv").status_code == 404


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_budget_pages_in_kazakh_and_russian(client, published_budget, lang):
    pb = published_budget
    html = page(client, f"/{lang}/units/{pb.district.pk}/budget/")
    assert f'<html lang="{lang}">' in html
    unit_name = {"kk": "Талғар ауданы", "ru": "Талгарский район"}[lang]
    tax = Classification.objects.get(direction="revenue", code="1")
    with translation.override(lang):
        title = translation.gettext("Budget of %(unit)s") % {"unit": unit_name}
        headings = [
            translation.gettext(h)
            for h in (
                "Where the money comes from",
                "What the money is spent on",
                "Transfers received and paid",
                "Compared with units of the same kind",
                "Open data",
            )
        ]
        assert f"<h1>{escape(title)} " in html
        for heading in headings:
            assert f">{escape(heading)}</h2>" in html
        assert translation.gettext("Show") in html
        assert translation.gettext("Show") != "Show"  # the button is translated already
    # Structure: the same sections, the names in the page's language, links in that language.
    for heading_id in ("summary", "revenue", "spending", "transfers", "trend", "peers"):
        assert f'<h2 id="{heading_id}">' in html
    assert getattr(tax, f"name_{lang}") in html
    assert f'href="/{lang}/units/{pb.oblast.pk}/budget/?year=2024"' in html
    assert f'href="/{lang}/units/{pb.district.pk}/budget/revenue.csv?year=2024' in html
    national = page(client, f"/{lang}/budgets/")
    assert f'<html lang="{lang}">' in national
    oblast = {"kk": "Алматы облысы", "ru": "Алматинская область"}[lang]
    assert f'aria-label="{oblast}: 24,9 %"' in national  # decimal comma in kk and ru
    with translation.override(lang):
        assert escape(translation.gettext("Donor and subsidised regions")) in national


def test_revenue_per_resident_and_money_use_the_page_language(client, published_budget):
    html = page(client, f"/ru/units/{published_budget.district.pk}/budget/")
    assert "650\xa0000 ₸" in html or "650 000 ₸" in html
    assert "46,2 %" in html


# The national overview ---------------------------------------------------------------------------


def test_national_page(client, published_budget, regions):
    pb = published_budget
    html = page(client, "/en/budgets/")
    assert "<h1>Local budgets: how much is really local</h1>" in html
    assert '<h2 id="map">Transfer dependence in 2024</h2>' in html
    # The map: a link per region, named with the region's transfer dependence.
    links = re.findall(r'<a href="(/en/units/\d+/budget/\?year=2024)" aria-label="([^"]+)">', html)
    assert len(links) == 20
    assert (f"/en/units/{pb.oblast.pk}/budget/?year=2024", "Almaty Region: 24.9 %") in links
    assert (f"/en/units/{regions['KZ-61'].pk}/budget/?year=2024", "Turkistan Region: —") in links
    # The table: every region, figures for the one with a budget.
    table = html[html.index('<caption id="regions-caption">') :]
    table = table[: table.index("</table>")]
    assert "Regions in 2024 (consolidated budgets)" in table
    assert table.count('<th scope="row"><a href="/en/units/') == 20
    almaty = re.search(r'<tr><th scope="row"><a[^>]*>Almaty Region</a></th>(.*?)</tr>', table, re.S)
    assert almaty is not None
    assert '<td class="num">24.9 %</td>' in almaty.group(1)
    assert '<td class="num">540,000 ₸</td><td>subsidised</td>' in almaty.group(1)
    # The charts, with their tables, and the downloads.
    assert '<figure class="chart" id="positions-chart">' in html
    assert '<figure class="chart" id="inequality-chart">' in html
    positions = html[html.index('id="positions-chart"') :]
    positions = positions[: positions.index("</figure>")]
    assert re.findall(r'<th scope="row">(\d{4})</th>', positions) == ["2022", "2023", "2024"]
    for chart in ("regions", "positions", "inequality"):
        for fmt in ("csv", "json"):
            assert f'href="/en/budgets/{chart}.{fmt}?year=2024&amp;phase=executed"' in html
    assert 'href="/exports/budgets-fdp.zip"' in html
    assert 'href="/exports/budget-lines.csv"' in html
    assert "Publish a budget" not in html  # for akimat staff only


def test_national_page_for_an_earlier_year(client, published_budget):
    html = page(client, "/en/budgets/?year=2022")
    assert '<h2 id="map">Transfer dependence in 2022</h2>' in html
    assert 'aria-label="Almaty Region: ' in html
    assert page(client, "/en/budgets/?year=1900").count("Transfer dependence in 2024") == 1


def test_national_page_without_budgets(client, regions):
    html = page(client, "/en/budgets/")
    assert "No budget has been published yet." in html
    for chart in ("regions", "positions", "inequality"):
        assert client.get(f"/en/budgets/{chart}.csv").status_code == 200


# Chart data --------------------------------------------------------------------------------------


def test_unit_revenue_and_spending_data(client, published_budget):
    pb = published_budget
    base = f"/en/units/{pb.district.pk}/budget"
    key = ("district", 2024, "executed")
    rows = csv_table(client, f"{base}/revenue.csv")
    assert rows[0] == ["Code", "Category", "Amount, tenge", "Share"]
    total = sum(LINES[key][k] for k in LINES[key] if k[0] == "revenue")
    expected = [
        [
            top,
            name("revenue", top),
            str(tenge(key, top)),
            str(round(float(tenge(key, top) / total), 6)),
        ]
        for top in ("1", "2", "4")
    ]
    assert rows[1:] == expected
    body = json_table(client, f"{base}/revenue.json")
    assert body["title"] == "Revenue by category"
    assert body["columns"] == ["code", "name", "amount_kzt", "share"]
    assert body["rows"][0] == {
        "code": "1",
        "name": name("revenue", "1"),
        "amount_kzt": "340000",
        "share": round(340_000 / 650_000, 6),
    }
    spending = csv_table(client, f"{base}/spending.csv?year=2023")
    assert spending == [
        ["Code", "Functional group", "Amount, tenge", "Share"],
        ["04", name("expenditure", "04"), "490000", "1.0"],
    ]


def test_unit_trend_peers_and_transfers_data(client, published_budget):
    pb = published_budget
    base = f"/en/units/{pb.district.pk}/budget"
    trend = csv_table(client, f"{base}/trend.csv")
    assert trend[0] == [
        "Year",
        "Transfer dependence",
        "Revenue per resident, tenge",
        "Spending per resident, tenge",
        "Transfer receipts, tenge",
    ]
    assert trend[1:] == [
        ["2022", str(round(200_000 / 510_000, 6)), "2.55", "2.40", "200000"],
        ["2023", str(round(250_000 / 580_000, 6)), "2.76", "2.33", "250000"],
        ["2024", str(round(300_000 / 650_000, 6)), "3.10", "2.38", "300000"],
    ]
    trend_json = json_table(client, f"{base}/trend.json")
    assert trend_json["columns"][0] == "year"
    assert [r["year"] for r in trend_json["rows"]] == [2022, 2023, 2024]
    assert trend_json["rows"][2]["revenue_per_capita_kzt"] == "3.10"
    peers = csv_table(client, f"{base}/peers.csv")
    assert peers == [
        ["Id", "Unit", "Transfer dependence", "Revenue per resident, tenge", "Donor or subsidised"],
        [str(pb.district.pk), "Talgar District", str(round(300_000 / 650_000, 6)), "3.10",
         "subsidised"],
    ]  # fmt: skip
    assert json_table(client, f"{base}/peers.json")["rows"][0]["unit_id"] == pb.district.pk
    transfers = csv_table(client, f"{base}/transfers.csv?year=2023")
    assert transfers == [
        ["Received or paid", "Kind", "From", "To", "Amount, tenge", "Legal basis"],
        ["received", "subvention", "Almaty Region", "Talgar District", "250000", BASIS],
        ["paid", "subvention", "Talgar District", "Belbulak Rural District", "12000", BASIS],
    ]
    transfers_json = json_table(client, f"{base}/transfers.json?year=2023")
    assert transfers_json["columns"] == [
        "direction", "kind", "giver", "receiver", "amount_kzt", "legal_basis",
    ]  # fmt: skip
    assert transfers_json["rows"][0]["amount_kzt"] == "250000"


def test_national_data(client, published_budget):
    pb = published_budget
    regions = csv_table(client, "/en/budgets/regions.csv")
    assert regions[0] == [
        "Id",
        "Region",
        "Transfer dependence",
        "Revenue per resident, tenge",
        "Subventions minus withdrawals, tenge",
        "Donor or subsidised",
        "Part of, that year",
    ]
    assert len(regions) == 1 + 20
    almaty = next(r for r in regions[1:] if r[0] == str(pb.oblast.pk))
    assert almaty[1] == "Almaty Region"
    assert float(almaty[2]) == pytest.approx(540_000 / 2_165_000.80, abs=1e-6)
    assert almaty[4:6] == ["540000", "subsidised"]
    empty = [r for r in regions[1:] if r[0] != str(pb.oblast.pk)]
    assert all(r[2:6] == ["", "", "", ""] for r in empty)
    regions_json = json_table(client, "/en/budgets/regions.json")
    assert regions_json["columns"][:2] == ["unit_id", "unit"]
    assert len(regions_json["rows"]) == 20
    positions = csv_table(client, "/en/budgets/positions.csv")
    assert positions == [
        ["Year", "Donors", "Subsidised", "Neither"],
        ["2022", "0", "1", "0"],
        ["2023", "0", "1", "0"],
        ["2024", "0", "1", "0"],
    ]
    assert json_table(client, "/en/budgets/positions.json")["rows"][0] == {
        "year": 2022,
        "donors": 0,
        "subsidised": 1,
        "neither": 0,
    }
    # One region with a budget: nothing to compare it with.
    inequality = csv_table(client, "/en/budgets/inequality.csv")
    assert inequality[0][:3] == ["Year", "Regions compared", "Gini"]
    assert inequality[1:] == [[str(y), "1", *[""] * 11] for y in (2022, 2023, 2024)]
    assert json_table(client, "/en/budgets/inequality.json")["rows"][2]["gini"] is None


def test_national_inequality_data(client, published_budget, regions):
    turkistan = regions["KZ-61"]
    rows = [[turkistan.ocd_id, 2024, "revenue", "executed", "1 01 2", 9_000_000]]
    import_csv(SYSTEM, csv_bytes(rows), "turkistan.csv")
    table = csv_table(client, "/en/budgets/regions.csv")
    per_capita = sorted(float(r[3]) for r in table[1:] if r[3])
    assert len(per_capita) == 2
    inequality = csv_table(client, "/en/budgets/inequality.csv")
    assert [r[:2] for r in inequality[1:]] == [["2022", "1"], ["2023", "1"], ["2024", "2"]]
    expected = measure(per_capita)
    assert float(inequality[3][2]) == pytest.approx(expected.gini, abs=1e-5)
    assert float(inequality[3][4]) == pytest.approx(expected.theil_t, abs=1e-5)
    body = json_table(client, "/en/budgets/inequality.json?year=2024")
    assert body["rows"][2]["regions"] == 2
    assert body["rows"][2]["gini"] == pytest.approx(expected.gini, abs=1e-5)
    html = page(client, "/en/budgets/")
    chart = html[html.index('id="inequality-chart"') :]
    assert f"{round(expected.gini, 3):.3f}" in chart[: chart.index("</figure>")]


@pytest.mark.parametrize(
    "url",
    [
        "/en/units/{unit}/budget/nonsense.csv",
        "/en/units/{unit}/budget/dependence.json",
        "/en/units/{unit}/budget/revenue.xml",
        "/en/budgets/nonsense.json",
        "/en/budgets/revenue.csv",
        "/en/budgets/datasets/999999/",
    ],
)
def test_unknown_charts_are_not_found(client, published_budget, url):
    assert client.get(url.format(unit=published_budget.district.pk)).status_code == 404


def test_dataset_page_lists_its_releases(client, published_budget):
    pb = published_budget
    dataset = pb.budget_result.dataset
    html = page(client, f"/en/budgets/datasets/{dataset.pk}/")
    assert f"<h1>{dataset.title}</h1>" in html
    assert dataset.sha256 in html
    assert f"<dd>{pb.line_count}</dd>" in html
    # 3 units × (3 executed years + approved 2024) × revenue and expenditure
    assert html.count('<th scope="row"><a href="/en/units/') == 24
    assert (
        f'<a href="/en/units/{pb.district.pk}/budget/?year=2024&amp;phase=approved">'
        "Talgar District</a>"
    ) in html
    transfers = pb.transfers_result.dataset
    assert "Transfers" in page(client, f"/en/budgets/datasets/{transfers.pk}/")


def test_a_replaced_release_says_so(client, published_budget):
    pb = published_budget
    changed = [[pb.district.ocd_id, 2024, "revenue", "executed", "1 01 2", 1]]
    import_csv(SYSTEM, csv_bytes(changed), "correction.csv")
    html = page(client, f"/en/budgets/datasets/{pb.budget_result.dataset.pk}/")
    assert html.count("replaced on ") == 1


# Exports ---------------------------------------------------------------------------------------


def test_budget_lines_export_is_streamed_and_filtered(client, published_budget):
    pb = published_budget
    response = client.get("/exports/budget-lines.csv")
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode()
    lines = body.splitlines()
    assert lines[0] == "\ufeffunit,year,direction,phase,code,amount_kzt,unit_name"
    assert len(lines) == 1 + pb.line_count
    filtered = b"".join(
        client.get(f"/exports/budget-lines.csv?unit={pb.district.pk}&year=2024").streaming_content
    ).decode()
    rows = list(csv.reader(io.StringIO(filtered.removeprefix("\ufeff"))))[1:]
    expected = sum(
        len(LINES[(u, 2024, p)]) for u in ("district", "rural") for p in ("executed", "approved")
    )
    assert len(rows) == expected
    assert {r[0] for r in rows} == {pb.district.ocd_id, pb.rural.ocd_id}
    assert {r[1] for r in rows} == {"2024"}
    assert [pb.rural.ocd_id, "2024", "revenue", "executed", "1 04 1", "5000.55",
            "Belbulak Rural District"] in rows  # fmt: skip
    nothing = b"".join(client.get("/exports/budget-lines.csv?unit=999999").streaming_content)
    assert nothing.decode().count("\n") == 1  # the header only


def test_fiscal_data_package_export(client, published_budget):
    pb = published_budget
    response = client.get("/exports/budgets-fdp.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert set(archive.namelist()) == {
            "datapackage.json",
            "budget-lines.csv",
            "transfers.csv",
        }
        descriptor = json.loads(archive.read("datapackage.json"))
        lines = archive.read("budget-lines.csv").decode().splitlines()
        transfers = archive.read("transfers.csv").decode().splitlines()
    assert descriptor["profile"] == "fiscal-data-package"
    assert len(lines) == 1 + pb.line_count
    assert transfers[0] == ",".join(TRANSFER_HEADER)
    assert len(transfers) == 1 + len(pb.transfers)
    one = client.get(f"/exports/budgets-fdp.zip?unit={pb.rural.pk}&year=2023")
    with zipfile.ZipFile(io.BytesIO(one.content)) as archive:
        assert len(archive.read("budget-lines.csv").decode().splitlines()) == 1 + 3


# Queries ------------------------------------------------------------------------------------------


def grow(units, years=range(2017, 2022), districts: int = 3) -> None:
    """More of everything: the rest of the fixture's budgets and transfers, `districts` more
    districts with budgets in every year, and earlier years for the oblast and Talgar."""
    import_csv(SYSTEM, csv_bytes(budget_rows(units)), "all.csv")
    import_transfers_csv(SYSTEM, csv_bytes(transfer_rows(units), TRANSFER_HEADER), "all-t.csv")
    new = [
        make_unit(units.oblast, "district", f"Grow{i}", population=50_000 + i, population_year=2020)
        for i in range(districts)
    ]
    rows, transfers = [], []
    for year in [*years, 2022, 2023, 2024]:
        for i, unit in enumerate([*new, units.district, units.oblast]):
            if unit in (units.district, units.oblast) and year >= 2022:
                continue
            for phase in ("approved", "executed"):
                rows += [
                    [unit.ocd_id, year, "revenue", phase, "1 01 2", 1000 * (i + 1) + year],
                    [unit.ocd_id, year, "revenue", phase, "1 04 1", 500],
                    [unit.ocd_id, year, "revenue", phase, "4 02 1", 300 * (i + 1)],
                    [unit.ocd_id, year, "expenditure", phase, "04 2", 2000],
                    [unit.ocd_id, year, "expenditure", phase, "15 1", 100],
                ]
            if unit in new:
                kind = "withdrawal" if i % 2 else "subvention"
                giver, receiver = (unit, units.oblast) if i % 2 else (units.oblast, unit)
                transfers.append([giver.ocd_id, receiver.ocd_id, year, kind, 100 + i, "", "", ""])
                transfers.append(
                    [units.district.ocd_id, unit.ocd_id, year, "targeted_current", 7, "", "", ""]
                )
    import_csv(SYSTEM, csv_bytes(rows), "grow.csv")
    import_transfers_csv(SYSTEM, csv_bytes(transfers, TRANSFER_HEADER), "grow-t.csv")


def test_page_queries_do_not_grow_with_budgets(client, classification, budget_units):
    units = budget_units
    one_year = [(u, 2024, "executed") for u in ("oblast", "district", "rural")]
    import_csv(SYSTEM, csv_bytes(budget_rows(units, one_year)), "2024.csv")
    district, oblast = units.district.pk, units.oblast.pk
    urls = [
        f"/en/units/{district}/budget/",
        f"/en/units/{oblast}/budget/",
        f"/en/units/{district}/budget/?year=2024&phase=executed",
        "/en/budgets/",
        *(
            f"/en/units/{unit}/budget/{chart}.{fmt}"
            for unit in (district, oblast)
            for chart in ("revenue", "spending", "trend", "peers", "transfers")
            for fmt in ("csv", "json")
        ),
        *(
            f"/en/budgets/{c}.{f}"
            for c in ("regions", "positions", "inequality")
            for f in ("csv", "json")
        ),
    ]
    before = {url: queries(client, url) for url in urls}
    grow(units)
    after = {url: queries(client, url) for url in urls}
    assert after == before
    # The pages did grow: more years, peers and transfers are on them.
    html = page(client, f"/en/units/{district}/budget/")
    assert '<option value="2017">' in html and "Grow2" in html
    assert len(csv_table(client, f"/en/units/{district}/budget/trend.csv")) == 1 + 8


def test_anonymous_budget_pages_come_from_the_cache(client, published_budget):
    url = f"/en/units/{published_budget.district.pk}/budget/"
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    with CaptureQueriesContext(connection) as second:
        client.get(url)
    assert len(second.captured_queries) == 1 < len(first.captured_queries)
    assert client.get(url + "?year=2023").content != client.get(url).content
