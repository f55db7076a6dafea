"""Open data of budgets at /api/v1: budget lines, transfers, indicators, the classification and
the datasets, filtered and paged; the same figures the pages show. Amounts are in tenge, as
decimal strings so no client rounds them."""

from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.decorators import decorate_view
from ninja.pagination import paginate

from esep.api.pagination import MAX_ID, Paged
from esep.core.cache import public_page
from esep.territory.models import UnitKind

from . import queries
from .indicators import indicators
from .models import (
    TIYN,
    BudgetLine,
    Classification,
    Dataset,
    Direction,
    Phase,
    Transfer,
    TransferKind,
    UnitYear,
)

router = Router(tags=["budgets"])
ID = Query(None, ge=1, le=MAX_ID)
YEAR = Query(None, ge=1991, le=2100)


def _tenge(tiyn: int) -> Decimal:
    return Decimal(tiyn) / TIYN


class BudgetLineOut(Schema):
    id: int
    unit_id: int
    year: int
    direction: str
    phase: str
    code: str = Field(alias="classification.code")
    amount_kzt: Decimal
    dataset_id: int

    @staticmethod
    def resolve_amount_kzt(line: BudgetLine) -> Decimal:
        return _tenge(line.amount)


class TransferOut(Schema):
    id: int
    kind: str
    giver_id: int
    receiver_id: int
    year: int
    amount_kzt: Decimal
    legal_basis: str
    basis_first_year: int | None
    basis_last_year: int | None
    dataset_id: int

    @staticmethod
    def resolve_amount_kzt(transfer: Transfer) -> Decimal:
        return _tenge(transfer.amount)


class IndicatorsOut(Schema):
    unit_id: int
    kind: str
    year: int
    phase: str
    consolidated: bool
    population: int | None
    tax_kzt: Decimal
    non_tax_kzt: Decimal
    capital_kzt: Decimal
    transfers_in_kzt: Decimal
    total_revenue_kzt: Decimal
    own_spending_kzt: Decimal
    debt_service_kzt: Decimal
    transfers_out_kzt: Decimal
    transfer_dependence: float | None
    own_revenue_share: float | None
    vertical_imbalance: float | None
    net_general_transfer_kzt: Decimal
    position: str
    revenue_per_capita_kzt: Decimal | None
    spending_per_capita_kzt: Decimal | None


class ClassificationOut(Schema):
    id: int
    direction: str
    code: str
    parent_id: int | None
    level: int
    name_kk: str
    name_ru: str
    name_en: str


class DatasetOut(Schema):
    id: int
    kind: str
    title: str
    document: str
    url: str
    file_name: str
    sha256: str
    lines: int
    demo: bool = Field(alias="is_demo")
    published_at: Any


class InequalityOut(Schema):
    kind: str
    year: int
    phase: str
    units: int
    unweighted: dict[str, float | int | None] | None
    weighted: dict[str, float | int | None] | None


@router.get("/budget-lines", response=list[BudgetLineOut], summary="List budget lines")
@decorate_view(
    public_page(params=("unit", "year", "direction", "phase", "code", "limit", "offset"))
)
@paginate(Paged)
def list_budget_lines(
    request: HttpRequest,
    unit: int | None = ID,
    year: int | None = YEAR,
    direction: Direction | None = None,
    phase: Phase | None = None,
    code: str | None = Query(None, max_length=16, pattern=r"^[0-9][0-9 .\-]*$"),
) -> Any:
    qs = queries.budget_lines().select_related("classification").order_by("id")
    if unit:
        qs = qs.filter(unit_id=unit)
    if year:
        qs = qs.filter(year=year)
    if direction:
        qs = qs.filter(direction=direction)
    if phase:
        qs = qs.filter(phase=phase)
    if code:
        qs = qs.filter(classification__code=code)
    return qs


@router.get("/transfers", response=list[TransferOut], summary="List transfers")
@decorate_view(public_page(params=("unit", "giver", "receiver", "year", "kind", "limit", "offset")))
@paginate(Paged)
def list_transfers(
    request: HttpRequest,
    unit: int | None = Query(None, ge=1, le=MAX_ID, description="Given or received"),
    giver: int | None = ID,
    receiver: int | None = ID,
    year: int | None = YEAR,
    kind: TransferKind | None = None,
) -> Any:
    qs = Transfer.objects.filter(
        giver__published_at__isnull=False, receiver__published_at__isnull=False
    ).order_by("id")
    if unit:
        qs = qs.filter(Q(giver_id=unit) | Q(receiver_id=unit))
    if giver:
        qs = qs.filter(giver_id=giver)
    if receiver:
        qs = qs.filter(receiver_id=receiver)
    if year:
        qs = qs.filter(year=year)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def _indicator_row(row: UnitYear) -> dict[str, Any]:
    found = indicators(row)
    return {
        "unit_id": row.unit_id,
        "kind": row.kind,
        "year": row.year,
        "phase": row.phase,
        "consolidated": row.consolidated,
        "population": row.population,
        "tax_kzt": _tenge(row.tax),
        "non_tax_kzt": _tenge(row.non_tax),
        "capital_kzt": _tenge(row.capital),
        "transfers_in_kzt": _tenge(row.transfers_in),
        "total_revenue_kzt": _tenge(found.total_revenue),
        "own_spending_kzt": _tenge(row.expenditure),
        "debt_service_kzt": _tenge(row.debt_service),
        "transfers_out_kzt": _tenge(row.transfers_out),
        "transfer_dependence": found.transfer_dependence,
        "own_revenue_share": found.own_revenue_share,
        "vertical_imbalance": found.vertical_imbalance,
        "net_general_transfer_kzt": _tenge(found.net_general_transfer),
        "position": found.position,
        "revenue_per_capita_kzt": found.revenue_per_capita,
        "spending_per_capita_kzt": found.spending_per_capita,
    }


@router.get("/indicators", response=list[IndicatorsOut], summary="Indicators per unit-year")
@decorate_view(
    public_page(params=("unit", "kind", "year", "phase", "consolidated", "limit", "offset"))
)
@paginate(Paged)
def list_indicators(
    request: HttpRequest,
    unit: int | None = ID,
    kind: UnitKind | None = None,
    year: int | None = YEAR,
    phase: Phase | None = None,
    consolidated: bool | None = None,
) -> Any:
    qs = UnitYear.objects.filter(unit__published_at__isnull=False).order_by(
        "unit_id", "year", "phase", "consolidated"
    )
    if unit:
        qs = qs.filter(unit_id=unit)
    if kind:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(year=year)
    if phase:
        qs = qs.filter(phase=phase)
    if consolidated is not None:
        qs = qs.filter(consolidated=consolidated)
    return _Mapped(qs)


class _Mapped:
    """A queryset whose rows the paginator slices and then maps to indicator dicts."""

    def __init__(self, qs: Any) -> None:
        self.qs = qs

    def count(self) -> int:
        return self.qs.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        return [_indicator_row(row) for row in self.qs[index]]


def _measures(found: Any) -> dict[str, float | int | None] | None:
    if found is None:
        return None
    return {
        name: getattr(found, name)
        for name in (
            "n",
            "mean",
            "gini",
            "gini_oecd",
            "theil_t",
            "theil_l",
            "cv",
            "max_min",
            "top_bottom_20",
        )
    }


@router.get("/inequality", response=InequalityOut, summary="Inequality of revenue per resident")
@decorate_view(public_page(params=("kind", "year", "phase", "consolidated")))
def inequality(
    request: HttpRequest,
    year: int = Query(..., ge=1991, le=2100),
    kind: UnitKind = UnitKind.OBLAST,
    phase: Phase = Phase.EXECUTED,
    consolidated: bool = False,
) -> Any:
    """Across units of one kind in one year: Gini (classic and OECD-normalised), Theil T and L,
    coefficient of variation, max/min and top-20%/bottom-20% of revenue per resident,
    unweighted and weighted by population (formulas: docs/finance-indicators.md)."""
    unweighted, weighted, count = queries.peers_inequality(kind, year, phase, consolidated)
    return {
        "kind": kind,
        "year": year,
        "phase": phase,
        "units": count,
        "unweighted": _measures(unweighted),
        "weighted": _measures(weighted),
    }


@router.get("/budget-classification", response=list[ClassificationOut], summary="Budget codes")
@decorate_view(public_page(params=("direction", "limit", "offset")))
@paginate(Paged)
def list_classification(request: HttpRequest, direction: Direction | None = None) -> Any:
    qs = Classification.objects.order_by("direction", "code")
    return qs.filter(direction=direction) if direction else qs


@router.get("/datasets", response=list[DatasetOut], summary="Datasets budgets came from")
@decorate_view(public_page(params=("limit", "offset")))
@paginate(Paged)
def list_datasets(request: HttpRequest) -> Any:
    return Dataset.objects.filter(published_at__isnull=False).order_by("id")
