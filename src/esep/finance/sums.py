"""The per unit-year sums indicators are computed from (`UnitYear`), rebuilt from budget lines
and transfers with one aggregate query each. Called by the import actions and by
`rebuild_indicators`; not a public write of its own."""

from __future__ import annotations

import bisect
from collections import defaultdict

from django.db import connection

from esep.territory.models import Unit, UnitChange, UnitChangeKind, UnitPopulation
from esep.territory.models.units import LEVEL_OF_KIND

from . import models
from .models import DEBT_SERVICE, TRANSFERS_OUT, TransferKind

# Column of UnitYear each (direction, top) adds to.
TAX, NON_TAX, CAPITAL, T_IN, EXPENDITURE, DEBT, T_OUT, SUBVENTIONS, WITHDRAWALS = range(9)
FIELDS = (
    "tax",
    "non_tax",
    "capital",
    "transfers_in",
    "expenditure",
    "debt_service",
    "transfers_out",
    "subventions",
    "withdrawals",
)
# The first seven columns of FIELDS, summed from the lines of each unit, year and phase.
LINE_SUMS = (
    "SELECT unit_id, year, phase, "  # noqa: S608 (constants only)
    + ", ".join(
        f"SUM(CASE WHEN {condition} THEN amount ELSE 0 END)"
        for condition in (
            f"direction = 'revenue' AND top = {models.TAX}",
            f"direction = 'revenue' AND top = {models.NON_TAX}",
            f"direction = 'revenue' AND top = {models.CAPITAL}",
            f"direction = 'revenue' AND top = {models.TRANSFERS_IN}",
            f"direction = 'expenditure' AND top <> {TRANSFERS_OUT}",
            f"direction = 'expenditure' AND top = {DEBT_SERVICE}",
            f"direction = 'expenditure' AND top = {TRANSFERS_OUT}",
        )
    )
    + " FROM finance_budgetline"
)


def _year_filter(years: set[int] | None, column: str = "year") -> tuple[str, list[int]]:
    if years is None:
        return "", []
    ordered = sorted(years)
    return f"WHERE {column} IN ({', '.join(['%s'] * len(ordered))})", ordered


class Regions:
    """Which oblast or republican city a unit's budget belonged to in a year. Units below a
    region that split off later (Abai, Jetisu, Ulytau in 2022; Shymkent in 2018) belonged to the
    region they split from before that."""

    def __init__(self, units: dict[int, tuple]) -> None:
        self.units = units
        self.before: dict[int, tuple[int, int]] = {}
        for unit_id, other_id, date in UnitChange.objects.filter(
            kind__in=(UnitChangeKind.SPLIT, UnitChangeKind.RECLASSIFIED), other__isnull=False
        ).values_list("unit_id", "other_id", "date"):
            if LEVEL_OF_KIND.get(units.get(unit_id, (None,))[0], 0) == 2:
                self.before[unit_id] = (date.year, other_id)

    def of(self, unit_id: int, year: int) -> int | None:
        kind, path, *_rest = self.units[unit_id]
        ids = path.strip("/").split("/")
        if len(ids) < 2:
            return None
        region = int(ids[1])
        change = self.before.get(region)
        while change is not None and year < change[0]:
            region = change[1]
            change = self.before.get(region)
        return region


class Populations:
    """Population of a unit in a year. A region that later lost territory (East Kazakhstan
    before Abai split off) counts, for the years before, the population of that territory too,
    since its budget served it."""

    def __init__(self, units: dict[int, tuple], regions: Regions | None = None) -> None:
        self.lost: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for split_off, (since, region) in regions.before.items() if regions else ():
            self.lost[region].append((since, split_off))
        series: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for unit_id, year, population in UnitPopulation.objects.values_list(
            "unit_id", "year", "population"
        ):
            series[unit_id].append((year, population))
        for unit_id, (_kind, _path, population, year) in units.items():
            if population and not any(y == year for y, _p in series[unit_id]):
                series[unit_id].append((year, population))
        self.series = {unit_id: sorted(values) for unit_id, values in series.items() if values}

    def of(self, unit_id: int, year: int) -> int | None:
        """The population of the territory the unit's budget served that year."""
        own = self.known(unit_id, year)
        if own is None:
            return None
        return own + sum(
            self.known(split_off, year) or 0
            for since, split_off in self.lost.get(unit_id, ())
            if year < since
        )

    def known(self, unit_id: int, year: int) -> int | None:
        """The population of the year, else of the nearest earlier year, else the earliest."""
        values = self.series.get(unit_id)
        if not values:
            return None
        at = bisect.bisect_right(values, (year, float("inf")))
        return values[at - 1][1] if at else values[0][1]


def rebuild_unit_years(years: set[int] | None = None) -> int:
    if years is not None and not years:
        return 0
    where, params = _year_filter(years)
    sums: dict[tuple[int, int, str], list[int]] = {}
    with connection.cursor() as cursor:
        # One row per unit, year and phase: grouped in the order of the lines' unique index,
        # so the database needs no sort.
        cursor.execute(f"{LINE_SUMS} {where} GROUP BY unit_id, year, phase", params)
        for unit_id, year, phase, *values in cursor.fetchall():
            sums[(unit_id, year, phase)] = [int(v) for v in values] + [0, 0]
        cursor.execute(
            f"SELECT giver_id, receiver_id, year, kind, amount FROM finance_transfer {where}",  # noqa: S608
            params,
        )
        transfers = cursor.fetchall()
    units = {
        pk: (kind, path, population, population_year)
        for pk, kind, path, population, population_year in Unit.objects.values_list(
            "pk", "kind", "path", "population", "population_year"
        )
    }
    general: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    for giver, receiver, year, kind, amount in transfers:
        if kind == TransferKind.SUBVENTION:
            general[(receiver, year)][0] += amount
        elif kind == TransferKind.WITHDRAWAL:
            general[(giver, year)][1] += amount
    phases_of: dict[tuple[int, int], list[str]] = defaultdict(list)
    for unit_id, year, phase in sums:
        phases_of[(unit_id, year)].append(phase)
    for key, (subventions, withdrawals) in general.items():
        for phase in phases_of.get(key, ()):
            row = sums[(*key, phase)]
            row[SUBVENTIONS], row[WITHDRAWALS] = subventions, withdrawals
    regions = Regions(units)
    populations = Populations(units, regions)
    rows = [
        (unit_id, year, phase, False, units[unit_id][0], *values, populations.of(unit_id, year))
        for (unit_id, year, phase), values in sums.items()
    ]
    rows += _consolidated(sums, transfers, units, populations, regions)
    delete_where, delete_params = _year_filter(years)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM finance_unityear {delete_where}", delete_params)  # noqa: S608
        cursor.executemany(
            "INSERT INTO finance_unityear (unit_id, year, phase, consolidated, kind, "  # noqa: S608
            f"{', '.join(FIELDS)}, population) VALUES ({', '.join(['%s'] * 15)})",
            rows,
        )
    return len(rows)


def _consolidated(sums, transfers, units, populations, regions) -> list[tuple]:
    """An oblast or republican city with every budget below it (as the territory was that
    year), net of the transfers between them: these appear as transfer receipts of one budget
    and transfer spending of another, and cancel out."""
    totals: dict[tuple[int, int, str], list[int]] = {}
    for (unit_id, year, phase), values in sums.items():
        region = regions.of(unit_id, year)
        if region is None:
            continue
        row = totals.get((region, year, phase))
        if row is None:
            row = totals[(region, year, phase)] = [0] * 9
        for i in range(7):
            row[i] += values[i]
    inside: dict[tuple[int, int], int] = defaultdict(int)
    outside: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    for giver, receiver, year, kind, amount in transfers:
        if kind == TransferKind.BUDGET_LOAN:
            continue  # a loan is neither a transfer receipt (category 4) nor group 15 spending
        giver_region = regions.of(giver, year)
        receiver_region = regions.of(receiver, year)
        if giver_region is not None and giver_region == receiver_region:
            inside[(giver_region, year)] += amount
        elif kind == TransferKind.SUBVENTION and receiver_region is not None:
            outside[(receiver_region, year)][0] += amount
        elif kind == TransferKind.WITHDRAWAL and giver_region is not None:
            outside[(giver_region, year)][1] += amount
    rows = []
    for (region, year, phase), values in totals.items():
        net = inside.get((region, year), 0)
        # Clamped: a budget whose lines omit a transfer would otherwise go below zero.
        values[T_IN] = max(values[T_IN] - net, 0)
        values[T_OUT] = max(values[T_OUT] - net, 0)
        values[SUBVENTIONS], values[WITHDRAWALS] = outside.get((region, year), (0, 0))
        rows.append(
            (region, year, phase, True, units[region][0], *values, populations.of(region, year))
        )
    return rows
