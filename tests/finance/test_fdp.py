"""The Fiscal Data Package export reads back to the same data, and packages are imported by
their columnTypes and factor."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest
from django.utils import translation

from esep.finance.actions import import_budget, import_transfers
from esep.finance.exports import package_zip
from esep.finance.models import BudgetLine, BudgetRelease, Transfer, UnitYear
from esep.finance.tables import ImportRefused, read_path, read_table
from tests.conftest import SYSTEM
from tests.finance.conftest import csv_bytes


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def line_set() -> set[tuple]:
    return set(
        BudgetLine.objects.values_list(
            "unit__ocd_id", "year", "direction", "phase", "classification__code", "amount"
        )
    )


def transfer_set() -> set[tuple]:
    return set(
        Transfer.objects.values_list(
            "kind", "giver__ocd_id", "receiver__ocd_id", "year", "amount", "legal_basis",
            "basis_first_year", "basis_last_year",
        )
    )  # fmt: skip


def unit_year_set() -> set[tuple]:
    return set(
        UnitYear.objects.values_list(
            "unit_id", "year", "phase", "consolidated", "kind", "tax", "non_tax", "capital",
            "transfers_in", "expenditure", "debt_service", "transfers_out", "subventions",
            "withdrawals", "population",
        )
    )  # fmt: skip


def wipe() -> None:
    BudgetLine.objects.all().delete()
    BudgetRelease.objects.all().delete()
    Transfer.objects.all().delete()
    UnitYear.objects.all().delete()


def import_package(name: str, data: bytes) -> None:
    digest = hashlib.sha256(data).hexdigest()
    lines = read_table(name, data, "budget-lines")
    assert import_budget(SYSTEM, lines, title=lines.meta["title"], sha256=digest).changed
    transfers = read_table(name, data, "transfers")
    assert import_transfers(SYSTEM, transfers, title=transfers.meta["title"], sha256=digest).changed


def test_package_descriptor_is_a_fiscal_data_package(published_budget):
    files = members(package_zip())
    assert set(files) == {"datapackage.json", "budget-lines.csv", "transfers.csv"}
    descriptor = json.loads(files["datapackage.json"])
    assert descriptor["profile"] == "fiscal-data-package"
    assert descriptor["name"] == "esep-budgets"
    assert descriptor["title"]
    assert descriptor["licenses"] == [{"name": "ODC-PDDL-1.0"}]
    resources = {r["name"]: r for r in descriptor["resources"]}
    assert set(resources) == {"budget-lines", "transfers"}
    for name, resource in resources.items():
        assert resource["path"] == f"{name}.csv"
        assert (resource["format"], resource["encoding"]) == ("csv", "utf-8")
        fields = resource["schema"]["fields"]
        names = [f["name"] for f in fields]
        header = files[resource["path"]].decode("utf-8").splitlines()[0].split(",")
        assert names == header
        assert set(resource["schema"]["primaryKey"]) <= set(names)
        values = [f for f in fields if f.get("columnType") == "value"]
        assert [f["name"] for f in values] == ["amount_kzt"]
        for field in values:
            assert field["currency"] == "KZT"
            assert field["factor"] == 1
            assert field["type"] == "number"
        for field in fields:
            assert field["type"] in {"string", "integer", "number"}
    types = {f["name"]: f.get("columnType") for f in resources["budget-lines"]["schema"]["fields"]}
    assert types == {
        "unit": "administrative-classification:generic:code",
        "year": "date:fiscal-year",
        "direction": "direction",
        "phase": "phase",
        "code": "functional-classification:generic:code",
        "amount_kzt": "value",
        "unit_name": None,
    }
    assert resources["budget-lines"]["schema"]["primaryKey"] == [
        "unit", "year", "direction", "phase", "code",
    ]  # fmt: skip
    assert resources["transfers"]["schema"]["primaryKey"] == ["giver", "receiver", "year", "kind"]


def test_package_members_hold_every_line_and_transfer(published_budget):
    files = members(package_zip())
    lines = files["budget-lines.csv"].decode("utf-8").splitlines()
    transfers = files["transfers.csv"].decode("utf-8").splitlines()
    assert len(lines) == 1 + published_budget.line_count
    assert len(transfers) == 1 + len(published_budget.transfers)
    assert not files["budget-lines.csv"].startswith(b"\xef\xbb\xbf")
    district = published_budget.district
    assert f"{district.ocd_id},2022,revenue,executed,1 01 2,300000.00,Talgar District" in lines
    rural = published_budget.rural.ocd_id
    assert f"{rural},2023,revenue,executed,1 04 1,5000.55,Belbulak Rural District" in lines


def test_exported_package_imports_back_to_the_same_data(published_budget):
    package = package_zip()
    lines, transfers, sums = line_set(), transfer_set(), unit_year_set()
    assert len(lines) == published_budget.line_count
    assert len(transfers) == len(published_budget.transfers)
    wipe()
    assert line_set() == set() and transfer_set() == set()
    import_package("esep-budgets.zip", package)
    assert line_set() == lines
    assert transfer_set() == transfers
    assert unit_year_set() == sums
    # Exported again, the data files are byte for byte the same.
    again = members(package_zip())
    first = members(package)
    assert again["budget-lines.csv"] == first["budget-lines.csv"]
    assert again["transfers.csv"] == first["transfers.csv"]
    assert again["datapackage.json"] == first["datapackage.json"]


def test_package_read_again_changes_nothing(published_budget):
    package = package_zip()
    before = (line_set(), transfer_set(), BudgetRelease.objects.count())
    digest = hashlib.sha256(package).hexdigest()
    lines = import_budget(
        SYSTEM, read_table("p.zip", package, "budget-lines"), title="p", sha256=digest
    )
    transfers = import_transfers(
        SYSTEM, read_table("p.zip", package, "transfers"), title="p", sha256=digest
    )
    assert not lines.changed and not transfers.changed
    assert (line_set(), transfer_set(), BudgetRelease.objects.count()) == before


def test_unzipped_package_directory_is_read_by_its_descriptor(published_budget, tmp_path):
    package = package_zip()
    directory = tmp_path / "esep-budgets"
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        archive.extractall(directory)
    lines, transfers = line_set(), transfer_set()
    wipe()
    table, digest = read_path(directory / "datapackage.json", "budget-lines")
    assert table.file == "esep-budgets/budget-lines.csv"
    assert table.meta["title"] == "Local budgets of Kazakhstan (esep)"
    assert len(digest) == 64
    assert import_budget(SYSTEM, table, title="dir", sha256=digest).lines == len(lines)
    table, _digest = read_path(directory / "datapackage.json", "transfers")
    assert import_transfers(SYSTEM, table, title="dir", sha256=digest).lines == len(transfers)
    assert line_set() == lines
    assert transfer_set() == transfers


def test_import_budget_command_reads_a_package(published_budget, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "esep-budgets.zip"
    path.write_bytes(package_zip())
    lines, transfers = line_set(), transfer_set()
    wipe()
    out = io.StringIO()
    call_command("import_budget", str(path), stdout=out, stderr=io.StringIO())
    call_command("import_transfers", str(path), stdout=out, stderr=io.StringIO())
    assert f"esep-budgets.zip: {len(lines)} written" in out.getvalue()
    assert f"esep-budgets.zip: {len(transfers)} written" in out.getvalue()
    assert (line_set(), transfer_set()) == (lines, transfers)


def fdp(fields: list[dict], rows: list[list], **value) -> bytes:
    """A package with one budget-lines resource whose columns are typed by `fields`."""
    for field in fields:
        if field.get("columnType") == "value":
            field.update(value)
    descriptor = {
        "profile": "fiscal-data-package",
        "name": "talgar",
        "title": "Talgar district budget",
        "sources": [{"path": "https://example.kz/talgar"}],
        "resources": [
            {"name": "budget-lines", "path": "data/lines.csv", "schema": {"fields": fields}}
        ],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("datapackage.json", json.dumps(descriptor))
        archive.writestr("data/lines.csv", csv_bytes(rows, [f["name"] for f in fields]))
    return buffer.getvalue()


TYPED_FIELDS = [
    {"name": "admin", "columnType": "administrative-classification:generic:code"},
    {"name": "fiscal_year", "columnType": "date:fiscal-year"},
    {"name": "direction", "columnType": "direction"},
    {"name": "stage", "columnType": "phase"},
    {"name": "functional", "columnType": "functional-classification:generic:code"},
    {"name": "amount", "columnType": "value"},
]


def test_package_factor_scales_amounts(classification, budget_units):
    data = fdp(
        [dict(f) for f in TYPED_FIELDS],
        [
            ["195200000", 2024, "expenditure", "executed", "04 2", "1.5"],
            ["195200000", 2024, "expenditure", "executed", "01 1", "0.00001"],
        ],
        currency="KZT",
        factor=1000,
    )
    table = read_table("talgar.zip", data, "budget-lines")
    assert table.header == ["unit", "year", "direction", "phase", "code", "amount_kzt"]
    assert table.meta["title"] == "Talgar district budget"
    assert table.meta["url"] == "https://example.kz/talgar"
    result = import_budget(SYSTEM, table, title="t", sha256="0" * 64)
    assert result.lines == 2
    assert dict(BudgetLine.objects.values_list("classification__code", "amount")) == {
        "04 2": 150_000,
        "01 1": 1,
    }


def test_package_factor_applies_to_thousands_column(classification, budget_units):
    fields = [dict(f) for f in TYPED_FIELDS[:5]] + [
        {"name": "amount_thousand_kzt", "columnType": "value"}
    ]
    data = fdp(fields, [["195200000", 2024, "revenue", "executed", "1 01 2", "2"]], factor=1000)
    import_budget(SYSTEM, read_table("t.zip", data), title="t", sha256="0" * 64)
    assert BudgetLine.objects.get().amount == 2 * 1000 * 1000 * 100


def test_package_in_another_currency_is_refused(classification, budget_units):
    data = fdp(
        [dict(f) for f in TYPED_FIELDS],
        [["195200000", 2024, "revenue", "executed", "1 01 2", "1"]],
        currency="USD",
    )
    with pytest.raises(ImportRefused) as refused:
        read_table("usd.zip", data)
    assert [str(p) for p in refused.value.problems] == [
        "usd.zip:1:1: Amounts must be in tenge (currency KZT)."
    ]


@pytest.mark.parametrize("factor", ["abc", 0, -1000, "NaN", "Infinity"])
def test_package_with_a_bad_factor_is_refused(db, factor):
    data = fdp(
        [dict(f) for f in TYPED_FIELDS],
        [["195200000", 2024, "revenue", "executed", "1 01 2", "1"]],
        factor=factor,
    )
    with pytest.raises(ImportRefused) as refused:
        read_table("factor.zip", data)
    assert [str(p) for p in refused.value.problems] == [
        f"factor.zip:1:1: “{factor}” is not an amount (digits, with a decimal point)."
    ]


def test_zip_without_descriptor_or_resource_is_refused(db):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("lines.csv", "unit\n")
    with pytest.raises(ImportRefused, match=r"x.zip:1:1: The ZIP archive has no datapackage.json"):
        read_table("x.zip", buffer.getvalue())
    with pytest.raises(ImportRefused, match=r"has no resource “transfers”"):
        read_table("y.zip", fdp([dict(f) for f in TYPED_FIELDS], []), "transfers")
    with pytest.raises(ImportRefused, match="not a readable ZIP"):
        read_table("z.zip", b"not a zip")
