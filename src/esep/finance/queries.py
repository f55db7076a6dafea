"""Reads of budgets that pages, downloads and the API share. Each page is a fixed number of
queries, however many years, units and lines there are."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet

from esep.territory.models import Unit, UnitChange, UnitChangeKind, UnitKind

from .indicators import Indicators, indicators
from .inequality import Inequality, measure
from .models import (
    TIYN,
    BudgetLine,
    Classification,
    Dataset,
    Direction,
    Phase,
    Transfer,
    UnitYear,
)

REGION_KINDS = (UnitKind.OBLAST, UnitKind.REPUBLICAN_CITY)
PHASE_ORDER = (Phase.EXECUTED, Phase.ADJUSTED, Phase.APPROVED)


def tenge(tiyn: int) -> Decimal:
    return Decimal(tiyn) / TIYN


@dataclass
class Group:
    """A revenue category or functional group with its lines, as shown on a budget page."""

    classification: Classification
    amount: int = 0
    lines: list[tuple[Classification, int]] = field(default_factory=list)

    @property
    def tenge(self) -> Decimal:
        return tenge(self.amount)


@dataclass
class YearRow:
    row: UnitYear
    indicators: Indicators


@dataclass
class UnitBudget:
    unit: Unit
    year: int
    phase: str
    years: list[int]
    phases: list[str]
    row: UnitYear | None
    indicators: Indicators | None
    consolidated: YearRow | None
    revenue: list[Group]
    spending: list[Group]  # groups 01–14
    transfers_spent: Group | None  # group 15, shown apart
    received: list[Transfer]
    given: list[Transfer]
    trend: list[YearRow]
    peers: list[YearRow]
    sources: list[Dataset]
    ancestors: list[Unit] = field(default_factory=list)

    @property
    def region(self) -> Unit | None:
        """The oblast or republican city above the unit (None for those themselves)."""
        return self.ancestors[1] if len(self.ancestors) > 1 else None

    @property
    def nearby(self) -> list[YearRow]:
        """Peers in the same region (all peers for regions): what the page lists."""
        if self.region is None:
            return self.peers
        prefix = self.region.path
        return [p for p in self.peers if p.row.unit.path.startswith(prefix)]

    def _rank(self, rows: list[YearRow]) -> int | None:
        for i, peer in enumerate(rows, start=1):
            if peer.row.unit_id == self.unit.pk:
                return i
        return None

    @property
    def peer_rank(self) -> int | None:
        return self._rank(self.peers)

    @property
    def nearby_rank(self) -> int | None:
        return self._rank(self.nearby)


def _groups(lines: list[BudgetLine], codes: dict[int, Classification]) -> dict[str, list[Group]]:
    tops = {(c.direction, c.top): c for c in codes.values() if c.parent_id is None}
    groups: dict[tuple[str, int], Group] = {}
    for line in lines:
        cls = codes[line.classification_id]
        key = (cls.direction, cls.top)
        group = groups.get(key)
        if group is None:
            group = groups[key] = Group(tops[key])
        group.amount += line.amount
        if cls.parent_id is not None:
            group.lines.append((cls, line.amount))
    by_direction: dict[str, list[Group]] = defaultdict(list)
    for (direction, _top), group in sorted(groups.items()):
        group.lines.sort(key=lambda item: item[0].code)
        by_direction[direction].append(group)
    return by_direction


def classification() -> dict[int, Classification]:
    return {c.pk: c for c in Classification.objects.all()}


def pick_phase(available: list[str], wanted: str | None) -> str:
    if wanted in available:
        return str(wanted)
    for phase in PHASE_ORDER:
        if phase in available:
            return phase
    return Phase.EXECUTED


def default_year(rows: list[UnitYear]) -> int | None:
    """The latest year with an executed budget, else the latest year."""
    executed = [r.year for r in rows if r.phase == Phase.EXECUTED]
    if executed:
        return max(executed)
    return max((r.year for r in rows), default=None)


def _with_indicators(rows: list[UnitYear]) -> list[YearRow]:
    """Rows of one unit (or one kind) in year order, each with its indicators; the previous
    year of the same unit, phase and consolidation gives the volatility."""
    previous: dict[tuple[int, str, bool], UnitYear] = {}
    out = []
    for row in sorted(rows, key=lambda r: (r.year, r.unit_id)):
        key = (row.unit_id, row.phase, row.consolidated)
        before = previous.get(key)
        out.append(
            YearRow(
                row, indicators(row, before if before and before.year == row.year - 1 else None)
            )
        )
        previous[key] = row
    return out


def unit_budget(unit_id: int, year: int | None, phase: str | None) -> UnitBudget | None:
    """Eight queries: unit, its unit-years, classification, lines, transfers, peers, sources,
    ancestors."""
    unit = Unit.objects.filter(pk=unit_id, published_at__isnull=False).first()
    if unit is None:
        return None
    rows = list(UnitYear.objects.filter(unit=unit))
    years = sorted({r.year for r in rows})
    if year not in years:
        year = default_year(rows)
    phases = sorted({r.phase for r in rows if r.year == year}, key=PHASE_ORDER.index)
    phase = pick_phase(phases, phase)
    trend = [
        r for r in _with_indicators([r for r in rows if r.phase == phase]) if not r.row.consolidated
    ]
    consolidated_trend = [
        r for r in _with_indicators([r for r in rows if r.phase == phase]) if r.row.consolidated
    ]
    current = next((r for r in trend if r.row.year == year), None)
    consolidated = next((r for r in consolidated_trend if r.row.year == year), None)
    codes = classification()
    lines = list(
        BudgetLine.objects.filter(unit=unit, year=year, phase=phase).only(
            "classification_id", "amount"
        )
    )
    groups = _groups(lines, codes)
    spending = [g for g in groups.get(Direction.EXPENDITURE, []) if g.classification.top != 15]
    spent = next(
        (g for g in groups.get(Direction.EXPENDITURE, []) if g.classification.top == 15), None
    )
    transfers = list(
        Transfer.objects.filter(Q(giver=unit) | Q(receiver=unit), year=year)
        .select_related("giver", "receiver", "dataset")
        .order_by("kind", "amount")
    )
    peer_rows = list(
        UnitYear.objects.filter(
            kind=unit.kind,
            year__in=[year, (year or 0) - 1],
            phase=phase,
            consolidated=False,
            unit__published_at__isnull=False,
        ).select_related("unit")
    )
    peers = sorted(
        (r for r in _with_indicators(peer_rows) if r.row.year == year),
        key=lambda r: -(r.indicators.revenue_per_capita or 0),
    )
    sources = list(
        Dataset.objects.filter(
            releases__unit=unit, releases__year=year, releases__phase=phase,
            releases__superseded_at__isnull=True,
        ).distinct()
    )  # fmt: skip
    return UnitBudget(
        unit=unit,
        year=year or 0,
        phase=phase,
        years=years,
        phases=phases,
        row=current.row if current else None,
        indicators=current.indicators if current else None,
        consolidated=consolidated,
        revenue=groups.get(Direction.REVENUE, []),
        spending=spending,
        transfers_spent=spent,
        received=[t for t in transfers if t.receiver_id == unit.pk],
        given=[t for t in transfers if t.giver_id == unit.pk],
        trend=trend,
        peers=peers,
        sources=sources,
        ancestors=list(Unit.objects.filter(pk__in=unit.ancestor_ids).order_by("depth")),
    )


@dataclass
class RegionYear:
    unit: Unit
    row: UnitYear | None  # None: the unit had no budget of its own that year
    indicators: Indicators | None
    part_of: Unit | None = None  # the region it belonged to that year, if it did not exist


@dataclass
class National:
    year: int
    phase: str
    years: list[int]
    regions: list[RegionYear]
    positions: list[tuple[int, int, int, int]]  # year, donors, subsidised, neither
    inequality: list[tuple[int, Inequality | None, Inequality | None]]  # unweighted, weighted
    compared: dict[int, int]  # year → regions with revenue per resident that year
    demo: bool = False  # some of the figures come from demo datasets


def national(year: int | None, phase: str | None) -> National:
    """Four queries: the regions, their consolidated unit-years (all years), their changes, and
    whether demo data is shown."""
    units = list(
        Unit.objects.filter(kind__in=REGION_KINDS, published_at__isnull=False).order_by("name_en")
    )
    by_pk = {u.pk: u for u in units}
    rows = list(UnitYear.objects.filter(unit__in=by_pk, consolidated=True))
    years = sorted({r.year for r in rows})
    if year not in years:
        year = default_year(rows) or dt_year()
    phases = sorted({r.phase for r in rows if r.year == year}, key=PHASE_ORDER.index)
    phase = pick_phase(phases, phase)
    chosen = _with_indicators([r for r in rows if r.phase == phase])
    this_year = {r.row.unit_id: r for r in chosen if r.row.year == year}
    split_from = {
        c.unit_id: (c.date.year, by_pk.get(c.other_id))
        for c in UnitChange.objects.filter(
            unit__in=by_pk, kind__in=(UnitChangeKind.SPLIT, UnitChangeKind.RECLASSIFIED)
        )
    }
    regions = []
    for unit in units:
        found = this_year.get(unit.pk)
        part_of = None
        if found is None and unit.pk in split_from and year < split_from[unit.pk][0]:
            part_of = split_from[unit.pk][1]
            found = this_year.get(part_of.pk) if part_of else None
        regions.append(
            RegionYear(
                unit, found.row if found else None, found.indicators if found else None, part_of
            )
        )
    by_year: dict[int, list[YearRow]] = defaultdict(list)
    for r in chosen:
        by_year[r.row.year].append(r)
    positions = []
    inequality = []
    compared = {}
    for y in sorted(by_year):  # the years with figures of this phase
        group = by_year[y]
        counts = defaultdict(int)
        for r in group:
            counts[r.indicators.position] += 1
        positions.append((y, counts["donor"], counts["subsidised"], counts["neither"]))
        values = [
            (float(r.indicators.revenue_per_capita), r.row.population)
            for r in group
            if r.indicators.revenue_per_capita is not None
        ]
        compared[y] = len(values)
        inequality.append(
            (
                y,
                measure([v for v, _p in values]) if values else None,
                measure([v for v, _p in values], [p for _v, p in values]) if values else None,
            )
        )
    demo = Dataset.objects.filter(is_demo=True, published_at__isnull=False).exists()
    return National(year, phase, years, regions, positions, inequality, compared, demo)


def dt_year() -> int:
    import datetime as dt

    return dt.date.today().year


def peers_inequality(
    kind: str, year: int, phase: str, consolidated: bool = False
) -> tuple[Inequality | None, Inequality | None, int]:
    """Inequality of per-capita revenue across units of one kind in one year."""
    rows = list(
        UnitYear.objects.filter(
            kind=kind,
            year=year,
            phase=phase,
            consolidated=consolidated,
            unit__published_at__isnull=False,
        )
    )
    values = []
    for row in rows:
        value = indicators(row).revenue_per_capita
        if value is not None:
            values.append((float(value), row.population))
    if not values:
        return None, None, 0
    return (
        measure([v for v, _p in values]),
        measure([v for v, _p in values], [p for _v, p in values]),
        len(values),
    )


def budget_lines() -> QuerySet[BudgetLine]:
    return BudgetLine.objects.filter(unit__published_at__isnull=False)
