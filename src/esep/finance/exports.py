"""Open data of budgets: budget lines as CSV in the import layout, and a Fiscal Data Package
(datapackage.json with budget-lines.csv and transfers.csv) that `esep import-budget` and
`esep import-transfers` read back to the same data."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from esep.core.downloads import csv_cell, csv_lines
from esep.territory.models import Unit

from .models import TIYN, BudgetLine, Transfer

LINE_HEADER = ["unit", "year", "direction", "phase", "code", "amount_kzt", "unit_name"]
TRANSFER_HEADER = [
    "giver", "receiver", "year", "kind", "amount_kzt", "legal_basis", "basis_first_year",
    "basis_last_year",
]  # fmt: skip


def safe_row(row: list[Any]) -> list[Any]:
    return [csv_cell(value) for value in row]


def _amount(tiyn: int) -> str:
    return str((Decimal(tiyn) / TIYN).quantize(Decimal("0.01")))


def _lines(unit: int | None, year: int | None) -> QuerySet[BudgetLine]:
    qs = BudgetLine.objects.filter(unit__published_at__isnull=False)
    if unit is not None:
        path = Unit.objects.filter(pk=unit).values_list("path", flat=True).first() or "-"
        qs = qs.filter(unit__path__startswith=path)
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("unit_id", "year", "direction", "phase", "classification__code")


def _transfers(unit: int | None, year: int | None) -> QuerySet[Transfer]:
    qs = Transfer.objects.filter(
        giver__published_at__isnull=False, receiver__published_at__isnull=False
    )
    if unit is not None:
        path = Unit.objects.filter(pk=unit).values_list("path", flat=True).first() or "-"
        qs = qs.filter(Q(receiver__path__startswith=path) | Q(giver__path__startswith=path))
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("year", "giver_id", "receiver_id", "kind")


def line_rows(unit: int | None = None, year: int | None = None) -> Iterator[list[Any]]:
    values = _lines(unit, year).values_list(
        "unit__ocd_id", "year", "direction", "phase", "classification__code", "amount",
        "unit__name_en",
    )  # fmt: skip
    for ocd, y, direction, phase, code, amount, name in values.iterator(chunk_size=5000):
        yield [ocd, y, direction, phase, code, _amount(amount), name]


def transfer_rows(unit: int | None = None, year: int | None = None) -> Iterator[list[Any]]:
    values = _transfers(unit, year).values_list(
        "giver__ocd_id", "receiver__ocd_id", "year", "kind", "amount", "legal_basis",
        "basis_first_year", "basis_last_year",
    )  # fmt: skip
    for giver, receiver, y, kind, amount, basis, first, last in values.iterator(chunk_size=5000):
        yield [giver, receiver, y, kind, _amount(amount), basis, first or "", last or ""]


def lines_csv(unit: int | None = None, year: int | None = None) -> Iterator[str]:
    return csv_lines(LINE_HEADER, line_rows(unit, year))


def _field(name: str, kind: str, column_type: str = "", **extra: Any) -> dict[str, Any]:
    field = {"name": name, "type": kind, **extra}
    if column_type:
        field["columnType"] = column_type
    return field


def descriptor() -> dict[str, Any]:
    """datapackage.json: Fiscal Data Package 1.0, each column typed with its columnType."""
    unit = "administrative-classification:generic:code"
    return {
        "profile": "fiscal-data-package",
        "name": "esep-budgets",
        "title": "Local budgets of Kazakhstan (esep)",
        "licenses": [{"name": "ODC-PDDL-1.0"}],
        "resources": [
            {
                "name": "budget-lines",
                "path": "budget-lines.csv",
                "format": "csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [
                        _field("unit", "string", unit, description="OCD id of the unit"),
                        _field("year", "integer", "date:fiscal-year"),
                        _field("direction", "string", "direction"),
                        _field("phase", "string", "phase"),
                        _field("code", "string", "functional-classification:generic:code"),
                        _field("amount_kzt", "number", "value", currency="KZT", factor=1),
                        _field("unit_name", "string", description="name in English"),
                    ],
                    "primaryKey": ["unit", "year", "direction", "phase", "code"],
                },
            },
            {
                "name": "transfers",
                "path": "transfers.csv",
                "format": "csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [
                        _field("giver", "string", description="OCD id of the unit giving"),
                        _field("receiver", "string", description="OCD id of the unit receiving"),
                        _field("year", "integer", "date:fiscal-year"),
                        _field("kind", "string"),
                        _field("amount_kzt", "number", "value", currency="KZT", factor=1),
                        _field("legal_basis", "string"),
                        _field("basis_first_year", "integer"),
                        _field("basis_last_year", "integer"),
                    ],
                    "primaryKey": ["giver", "receiver", "year", "kind"],
                },
            },
        ],
    }


def package_zip(unit: int | None = None, year: int | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datapackage.json", json.dumps(descriptor(), indent=2, ensure_ascii=False))
        archive.writestr(
            "budget-lines.csv", "".join(csv_lines(LINE_HEADER, line_rows(unit, year), bom=False))
        )
        archive.writestr(
            "transfers.csv",
            "".join(csv_lines(TRANSFER_HEADER, transfer_rows(unit, year), bom=False)),
        )
    return buffer.getvalue()
