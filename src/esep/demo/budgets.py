"""Demo budgets: invented budget lines and transfers for 2000–2025, for the real top-level units
and the demo units below them, written through the finance importers and marked as demo data.

Who has a budget: the oblasts and cities of republican significance, the districts and cities
of regional significance (city districts have none), and from 2020 the rural districts and
cities of district significance. A unit gets the years it existed; a district of a region
formed later (Abai, Jetisu, Ulytau in 2022) belonged to the region it came from before that,
and its transfers came from there. Executed budgets for 2000–2024, approved ones for 2023–2025.

Amounts, in whole thousand tenge, are drawn from `random.Random`, seeded with the seed, the
unit's OCD id and the year, around a shape that follows the published figures: consolidated
spending per person growing about twelvefold from 2000 to 2025; transfer dependence of the
subsidised regions between about 15 % and 43 % in 2000 and 55 % and 79 % in 2017; eight donor
regions in 2000 (Atyrau, Mangystau, Almaty, Astana, Pavlodar, Karaganda, Aktobe, West
Kazakhstan) and four from 2017 (the first four); districts mostly subsidised (60–90 %),
fourth-level budgets more so (70–95 %).

The books balance across levels: a budget's transfer receipts (revenue category 4) are the
transfers it receives in the transfers table, its group 15 the transfers it gives, so the
consolidated figures of a region net out. Running the build again writes nothing; where budget
figures that are not demo data have been imported, nothing is generated."""

from __future__ import annotations

import bisect
import csv
import hashlib
import io
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db import transaction

from esep.core.actions import Actor
from esep.finance.actions import (
    import_budget,
    import_transfers,
    load_classification,
    rebuild_indicators,
)
from esep.finance.importers import UnitResolver
from esep.finance.models import (
    FOURTH_LEVEL_SINCE,
    Classification,
    Dataset,
    Direction,
    Phase,
    TransferKind,
    UnitYear,
)
from esep.finance.sums import Regions
from esep.finance.tables import Table
from esep.territory.importers import REPUBLIC_OCD
from esep.territory.models import FormerName, Unit, UnitKind

from .territory import DEFAULT_SEED

FIRST, LAST = 2000, 2025
LAST_EXECUTED = 2024  # 2025 is not closed: approved only
FIRST_APPROVED = 2023
TITLE = "Demo budgets (generated, seed {seed})"
TRANSFERS_TITLE = "Demo transfers between budgets (generated, seed {seed})"
BUDGET_HEADER = ["unit", "year", "direction", "phase", "code", "amount_thousand_kzt"]
TRANSFER_HEADER = [
    "giver", "receiver", "year", "kind", "amount_thousand_kzt",
    "legal_basis", "basis_first_year", "basis_last_year",
]  # fmt: skip
COUNT_KEYS = ("unit_years", "lines", "transfers", "lines_written", "transfers_written")

TOP_KINDS = (UnitKind.OBLAST, UnitKind.REPUBLICAN_CITY)
DISTRICT_KINDS = (UnitKind.DISTRICT, UnitKind.REGIONAL_CITY)
LOCAL_KINDS = (UnitKind.RURAL_DISTRICT, UnitKind.DISTRICT_CITY)

# Consolidated local spending per person, thousand tenge (nominal; anchors, interpolated
# geometrically): about twelve times as much in 2025 as in 2000.
PER_CAPITA = {2000: 22, 2005: 50, 2008: 95, 2010: 110, 2014: 165, 2016: 180, 2020: 215,
              2023: 255, 2025: 270}  # fmt: skip
# How far the growth of transfers had gone (0 in 2000, 1 in 2017): targeted transfers grew from
# the mid-2000s, above all after 2008, and fell back a little after 2022.
ERA = {2000: 0.0, 2002: 0.1, 2005: 0.35, 2008: 0.63, 2009: 0.75, 2011: 0.82, 2014: 0.92,
       2017: 1.0, 2020: 1.06, 2022: 1.0, 2025: 0.93}  # fmt: skip
LOW_SHARE = 0.55  # share of a region's spending done by district budgets and below
LOCAL_SHARE = 0.045  # fourth-level spending per person, as a share of the regional figure
ALWAYS = 9999
GENERAL_LAWS_SINCE = 2002  # three-year laws on general transfers (2002–2004, 2005–2007, …)
THREE_YEAR_BUDGETS_SINCE = 2009


@dataclass(frozen=True)
class Profile:
    """A top-level unit's shape: spending per person against the national figure, yearly
    population growth, transfer dependence when subsidised (2000, 2017), and as a donor (until
    `donor_until`, the first year subsidised) targeted transfers and the withdrawal as shares
    of revenue (2000, 2017)."""

    spending: float
    growth: float
    dependence: tuple[float, float] = (0.3, 0.65)
    donor_until: int = 0
    targeted: tuple[float, float] = (0.06, 0.2)
    withdrawal: tuple[float, float] = (0.2, 0.05)


PROFILES = {
    "KZ-10": Profile(1.0, 0.0, (0.40, 0.72)),
    "KZ-11": Profile(1.05, -0.003, (0.30, 0.66)),
    "KZ-15": Profile(1.0, 0.012, (0.30, 0.56), 2014, (0.06, 0.12), (0.12, 0.03)),
    "KZ-19": Profile(0.85, 0.015, (0.35, 0.71)),
    "KZ-23": Profile(
        2.0, 0.016, donor_until=ALWAYS, targeted=(0.05, 0.16), withdrawal=(0.45, 0.28)
    ),
    "KZ-27": Profile(1.05, 0.004, (0.30, 0.53), 2017, (0.05, 0.18), (0.20, 0.04)),
    "KZ-31": Profile(0.85, 0.009, (0.41, 0.76)),
    "KZ-33": Profile(0.95, 0.005, (0.45, 0.77)),
    "KZ-35": Profile(1.05, -0.002, (0.20, 0.57), 2008, (0.05, 0.10), (0.15, 0.05)),
    "KZ-39": Profile(1.0, -0.005, (0.22, 0.60)),
    "KZ-43": Profile(1.15, 0.013, (0.18, 0.69)),
    "KZ-47": Profile(1.6, 0.03, donor_until=ALWAYS, targeted=(0.08, 0.24), withdrawal=(0.28, 0.12)),
    "KZ-55": Profile(1.15, -0.004, (0.20, 0.53), 2011, (0.05, 0.10), (0.15, 0.04)),
    "KZ-59": Profile(1.05, -0.009, (0.37, 0.73)),
    "KZ-61": Profile(0.8, 0.018, (0.43, 0.79)),
    "KZ-62": Profile(1.4, -0.003, (0.30, 0.58)),
    "KZ-63": Profile(1.0, -0.004, (0.15, 0.63)),
    "KZ-71": Profile(
        2.2, 0.065, donor_until=ALWAYS, targeted=(0.10, 0.38), withdrawal=(0.15, 0.06)
    ),
    "KZ-75": Profile(
        1.4, 0.028, donor_until=ALWAYS, targeted=(0.05, 0.20), withdrawal=(0.35, 0.22)
    ),
    "KZ-79": Profile(0.9, 0.03, (0.35, 0.62)),
}
DEFAULT_PROFILE = Profile(1.0, 0.01)

# Line weights: (code, weight, chance the unit has the line at all). Most detailed codes only.
REGION_REVENUE = [
    ("1 01 1", 18, 1), ("1 01 2", 30, 1), ("1 03 1", 30, 1), ("1 05 2", 2.5, 0.5),
    ("1 05 3", 5, 1), ("2 04 1", 2, 1), ("2 06 1", 1.5, 1),
]  # fmt: skip
DISTRICT_REVENUE = [
    ("1 01 2", 38, 1), ("1 03 1", 28, 1), ("1 04 1", 9, 1), ("1 04 3", 3, 1), ("1 04 4", 7, 1),
    ("1 05 4", 2.5, 1), ("2 06 1", 2, 1), ("3 03 1", 2.5, 0.7),
]  # fmt: skip
LOCAL_REVENUE = [
    ("1 01 2", 30, 1), ("1 04 1", 25, 1), ("1 04 3", 15, 1), ("1 04 4", 20, 1),
    ("2 01 5", 3, 0.6), ("2 06 1", 4, 1),
]  # fmt: skip
HEALTH = ("05 1", "05 4")  # mostly paid by health insurance from 2020
REGION_SPENDING = [
    ("01 1", 2.5, 1), ("03 1", 4, 1), ("04 2", 5, 1), ("04 4", 9, 1), ("05 1", 11, 1),
    ("05 4", 11, 1), ("06 2", 7, 1), ("07 2", 11, 1), ("08 1", 4.5, 1), ("09 1", 1.5, 0.5),
    ("10 1", 7, 1), ("12 1", 8, 1), ("13 9", 2, 1), ("14 1", 0.4, 0.7),
]  # fmt: skip
DISTRICT_SPENDING = [
    ("01 1", 5, 1), ("02 2", 0.3, 0.5), ("04 1", 7, 1), ("04 2", 44, 1), ("06 2", 7.5, 1),
    ("07 1", 4, 1), ("07 2", 6, 1), ("07 3", 5, 1), ("08 1", 2, 1), ("08 2", 1.5, 1),
    ("10 1", 2.8, 1), ("12 1", 6, 1),
]  # fmt: skip
LOCAL_SPENDING = [
    ("01 1", 30, 1), ("04 1", 12, 0.5), ("07 2", 6, 0.6), ("07 3", 25, 1), ("08 1", 10, 1),
    ("12 1", 12, 1), ("13 9", 2, 1),
]  # fmt: skip
CITY_WEIGHTS = {"10 1": 0.15, "07 3": 2.0, "12 1": 1.3, "04 2": 0.85}  # regional cities

# Transfer lines: receipts from the budget above, from budgets below; spending on transfers.
FROM_REPUBLIC, FROM_REGION, FROM_DISTRICT, FROM_DISTRICTS = "4 02 1", "4 02 2", "4 02 3", "4 01 2"
TRANSFERS_GIVEN = "15 1"


def interpolate(points: dict[int, float], year: int, geometric: bool = False) -> float:
    years = sorted(points)
    if year <= years[0]:
        return points[years[0]]
    if year >= years[-1]:
        return points[years[-1]]
    at = bisect.bisect_right(years, year)
    a, b = years[at - 1], years[at]
    share = (year - a) / (b - a)
    if geometric:
        return points[a] * (points[b] / points[a]) ** share
    return points[a] + (points[b] - points[a]) * share


def era(year: int) -> float:
    return interpolate(ERA, year)


def per_capita(year: int) -> float:
    return interpolate(PER_CAPITA, year, geometric=True)


def phases(year: int) -> list[str]:
    return ([Phase.EXECUTED] if year <= LAST_EXECUTED else []) + (
        [Phase.APPROVED] if year >= FIRST_APPROVED else []
    )


def basis_period(year: int) -> tuple[int, int]:
    """The three-year period of the general-transfer laws containing `year` (2023–2025,
    2020–2022, …); before 2002 the annual budget law."""
    if year < GENERAL_LAWS_SINCE:
        return year, year
    first = year - (year - 2023) % 3
    return first, first + 2


@dataclass(frozen=True)
class Basis:
    """The legal basis of a transfer and the years it covers."""

    text: str
    first: int
    last: int


@dataclass
class Budget:
    """One budget of one year, in thousand tenge: own revenue, spending on groups 01–14, and
    transfer receipts (by revenue code) and spending (group 15)."""

    unit: Unit
    year: int
    own: int = 0
    spending: int = 0
    received: dict[str, int] = field(default_factory=dict)
    given_down: int = 0  # to the budgets below
    given_up: int = 0  # withdrawal to the budget above
    blend: float = 0.0  # regions: share of their spending that districts would do elsewhere

    @property
    def given(self) -> int:
        return self.given_down + self.given_up

    def balance(self) -> None:
        self.spending = self.own + sum(self.received.values()) - self.given


@dataclass
class Traits:
    """What stays the same for a unit from year to year."""

    factor: float  # spending per person against its region
    dependence: float  # districts and below: transfer receipts / revenue
    rich: bool  # a district that pays a withdrawal to its region
    lines: dict[str, float]  # per-code weight factors, 0 where the unit has no such line


class Generator:
    """The budgets (`budgets`, by unit and year) and transfers (`transfers`, as rows) of every
    unit that has a budget, from the units in the database and `seed`; `lines()` gives the
    budget lines as rows of BUDGET_HEADER."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        units = list(Unit.objects.order_by("path"))
        self.by_id = {u.pk: u for u in units}
        self.republic = next(u for u in units if u.ocd_id == REPUBLIC_OCD)
        self.tops = [u for u in units if u.kind in TOP_KINDS and u.parent_id == self.republic.pk]
        self.districts = [u for u in units if u.kind in DISTRICT_KINDS]
        self.locals = [
            u
            for u in units
            if u.kind in LOCAL_KINDS
            and u.parent_id in self.by_id
            and self.by_id[u.parent_id].kind in DISTRICT_KINDS
        ]
        self.regions = Regions(
            {u.pk: (u.kind, u.path, u.population, u.population_year) for u in units}
        )
        # Top-level unit → (the year it began, the unit it came from).
        self.formed_from: dict[int, tuple[int, int]] = self.regions.before
        self.former = list(FormerName.objects.all())
        self.traits: dict[int, Traits] = {}
        self.budgets: dict[tuple[int, int], Budget] = {}
        self.transfers: list[list[str]] = []  # rows of TRANSFER_HEADER

    # -- randomness

    def rng(self, unit: Unit, *parts: object) -> random.Random:
        key = ":".join(str(p) for p in (self.seed, "budgets", unit.ocd_id, *parts))
        return random.Random(key)  # noqa: S311 - demo data

    def traits_of(self, unit: Unit, weights: list[tuple[str, float, float]]) -> Traits:
        found = self.traits.get(unit.pk)
        if found is not None:
            return found
        rng = self.rng(unit, "traits")
        if unit.kind in LOCAL_KINDS:
            dependence, rich = rng.uniform(0.70, 0.95), False
        elif unit.kind == UnitKind.REGIONAL_CITY:
            dependence, rich = rng.uniform(0.30, 0.60), rng.random() < 0.15
        else:
            dependence, rich = rng.uniform(0.62, 0.90), rng.random() < 0.08
        lines = {}
        for code, _weight, chance in weights:
            lines[code] = rng.uniform(0.8, 1.25) if rng.random() < chance else 0.0
        found = Traits(rng.uniform(0.85, 1.2), dependence, rich, lines)
        self.traits[unit.pk] = found
        return found

    # -- populations and names

    def population(self, unit: Unit, year: int, growth: float) -> float:
        base = unit.population or 1000
        return base * (1 + growth) ** (year - (unit.population_year or 2023))

    def region_population(self, region: Unit, year: int) -> float:
        """With the units formed from it later, before they were formed."""
        total = self.population(region, year, self.profile(region).growth)
        for other in self.tops:
            began = self.formed_from.get(other.pk)
            if began and began[1] == region.pk and year < began[0]:
                total += self.population(other, year, self.profile(other).growth)
        return total

    def growth(self, unit: Unit) -> float:
        """The population growth of the top-level unit `unit` is in now."""
        return self.profile(self.by_id[int(unit.path.strip("/").split("/")[1])]).growth

    def profile(self, region: Unit) -> Profile:
        return PROFILES.get(region.iso_code or "", DEFAULT_PROFILE)

    def name(self, unit: Unit, year: int) -> str:
        for former in self.former:
            if (
                former.unit_id == unit.pk
                and year < former.valid_until.year
                and (former.valid_from is None or former.valid_from.year <= year)
            ):
                return former.name_en
        return unit.name_en

    # -- the figures

    def generate(self) -> None:
        lower: dict[tuple[int, int], list[Unit]] = {}
        for district in self.districts:
            for year in range(FIRST, LAST + 1):
                if UnitResolver.exists_in(district, year):
                    region = self.regions.of(district.pk, year)
                    lower.setdefault((region, year), []).append(district)
        below: dict[int, list[Unit]] = {}
        for unit in self.locals:
            below.setdefault(unit.parent_id, []).append(unit)
        for year in range(FIRST, LAST + 1):
            for region in self.tops:
                if UnitResolver.exists_in(region, year):
                    self.region_year(region, year, lower.get((region.pk, year), []), below)

    def region_year(
        self, region: Unit, year: int, districts: list[Unit], below: dict[int, list[Unit]]
    ) -> None:
        profile, rng, stage = self.profile(region), self.rng(region, year), era(year)
        spending = (
            self.region_population(region, year) * per_capita(year) * profile.spending
        ) * rng.uniform(0.97, 1.03)
        donor = year < profile.donor_until
        if donor:
            targeted = _between(profile.targeted, stage) * rng.uniform(0.92, 1.08)
            withdrawal = _between(profile.withdrawal, stage) * rng.uniform(0.92, 1.08)
            revenue = spending / (1 - withdrawal)
            from_republic, to_republic = revenue * targeted, revenue * withdrawal
            subvention = 0.0
        else:
            low, high = profile.dependence
            # A former donor's dependence starts from where it was when it switched.
            dependence = high * stage if profile.donor_until else low + (high - low) * stage
            dependence = min(max(dependence + rng.uniform(-0.015, 0.015), 0.02), 0.95)
            revenue = spending
            from_republic, to_republic = revenue * dependence, 0.0
            targeted_share = 0.08 + 0.47 * min(stage, 1.0)
            subvention = from_republic * (1 - targeted_share)
        own_total = revenue - from_republic
        # Districts and the fourth level below them.
        area: dict[int, float] = {}
        for district in districts:
            traits = self.traits_of(district, DISTRICT_SPENDING + DISTRICT_REVENUE)
            people = self.population(district, year, self.growth(district))
            area[district.pk] = (
                people * per_capita(year) * profile.spending * LOW_SHARE * traits.factor
            ) * self.rng(district, year, "area").uniform(0.96, 1.04)
        scale = min(1.0, 0.7 * spending / sum(area.values())) if area else 1.0
        budgets: list[Budget] = []
        for district in districts:
            budgets.extend(
                self.district_year(
                    district, year, area[district.pk] * scale, donor, below.get(district.pk, [])
                )
            )
        mine = [b for b in budgets if b.unit.kind in DISTRICT_KINDS]
        own_lower = sum(b.own for b in budgets)
        if own_lower > 0.6 * own_total:  # lower budgets cannot raise more than the region
            ratio = 0.6 * own_total / own_lower
            given: dict[int, int] = {}
            for budget in budgets:
                budget.own = round(budget.own * ratio)
                if budget.unit.kind in LOCAL_KINDS:
                    budget.received[FROM_DISTRICT] = budget.spending - budget.own
                    parent = budget.unit.parent_id
                    given[parent] = given.get(parent, 0) + budget.received[FROM_DISTRICT]
            for budget in mine:
                budget.given_down = given.get(budget.unit.pk, 0)
                self.settle(budget)
            own_lower = sum(b.own for b in budgets)
        # The region's own budget.
        top = Budget(region, year)
        top.own = round(own_total) - own_lower
        subvention_k = round(subvention)
        targeted_k = round(from_republic) - subvention_k
        development = round(targeted_k * rng.uniform(0.4, 0.5))
        top.received[FROM_REPUBLIC] = round(from_republic)
        withdrawals = sum(b.given_up for b in mine)
        if withdrawals:
            top.received[FROM_DISTRICTS] = withdrawals
        top.given_down = sum(b.received.get(FROM_REGION, 0) for b in mine)
        top.given_up = round(to_republic)
        top.balance()
        lower_spending = sum(b.spending for b in budgets)
        top.blend = min(1.0, max(0.0, LOW_SHARE * spending - lower_spending) / top.spending)
        self.budgets[(region.pk, year)] = top
        for budget in budgets:
            self.budgets[(budget.unit.pk, year)] = budget
        # Transfers.
        first, last = basis_period(year)
        general = Basis(
            f"Law of the Republic of Kazakhstan on the republican budget for {year}"
            if year < GENERAL_LAWS_SINCE
            else "Law of the Republic of Kazakhstan on the volumes of general transfers between "
            f"the republican and regional budgets for {first}–{last}",
            first,
            last,
        )
        budget_law = (
            Basis(
                f"Law of the Republic of Kazakhstan on the republican budget for {year}", year, year
            )
            if year < THREE_YEAR_BUDGETS_SINCE
            else Basis(
                f"Law of the Republic of Kazakhstan on the republican budget for {year}–{year + 2}",
                year,
                year + 2,
            )
        )
        republic, name = self.republic, self.name(region, year)
        self.add(TransferKind.SUBVENTION, republic, region, year, subvention_k, general)
        self.add(TransferKind.WITHDRAWAL, region, republic, year, top.given_up, general)
        self.add(
            TransferKind.TARGETED_CURRENT,
            republic,
            region,
            year,
            targeted_k - development,
            budget_law,
        )
        self.add(TransferKind.TARGETED_DEVELOPMENT, republic, region, year, development, budget_law)
        decision = Basis(
            f"Decision of the {name} maslikhat on the regional budget for {year}"
            if year < GENERAL_LAWS_SINCE
            else f"Decision of the {name} maslikhat on the volumes of general transfers between "
            f"the regional and district budgets for {first}–{last}",
            first,
            last,
        )
        for budget in mine:
            district, subvention_d = budget.unit, budget.received.get(FROM_REGION, 0)
            self.add(TransferKind.SUBVENTION, region, district, year, subvention_d, decision)
            self.add(TransferKind.WITHDRAWAL, district, region, year, budget.given_up, decision)
        for budget in budgets:
            if budget.unit.kind in LOCAL_KINDS:
                parent = self.by_id[budget.unit.parent_id]
                basis = Basis(
                    f"Decision of the {self.name(parent, year)} maslikhat on the district budget "
                    f"for {first}–{last}",
                    first,
                    last,
                )
                amount = budget.received[FROM_DISTRICT]
                self.add(TransferKind.SUBVENTION, parent, budget.unit, year, amount, basis)

    def district_year(
        self,
        district: Unit,
        year: int,
        area: float,
        donor_region: bool,
        below: list[Unit],
    ) -> list[Budget]:
        """The district's budget and those of the fourth level below it (from 2020)."""
        traits = self.traits_of(district, DISTRICT_SPENDING + DISTRICT_REVENUE)
        rng = self.rng(district, year)
        budgets = []
        if year >= FOURTH_LEVEL_SINCE:
            for unit in below:
                if not UnitResolver.exists_in(unit, year):
                    continue
                local = self.traits_of(unit, LOCAL_SPENDING + LOCAL_REVENUE)
                local_rng = self.rng(unit, year)
                need = (
                    self.population(unit, year, self.growth(unit))
                    * per_capita(year)
                    * LOCAL_SHARE
                    * local.factor
                    * local_rng.uniform(0.95, 1.05)
                )
                dependence = min(local.dependence + local_rng.uniform(-0.02, 0.02), 0.97)
                budget = Budget(unit, year, own=max(1, round(need * (1 - dependence))))
                budget.spending = max(round(need), budget.own + 1)
                budget.received[FROM_DISTRICT] = budget.spending - budget.own
                budgets.append(budget)
            local_total = sum(b.spending for b in budgets)
            if local_total > 0.25 * area:
                for budget in budgets:
                    budget.spending = max(round(budget.spending * 0.25 * area / local_total), 2)
                    budget.own = min(budget.own, budget.spending - 1)
                    budget.received[FROM_DISTRICT] = budget.spending - budget.own
        own_spending = round(area) - sum(b.spending for b in budgets)
        top = Budget(district, year, spending=own_spending)
        top.given_down = sum(b.received[FROM_DISTRICT] for b in budgets)
        need = own_spending + top.given_down
        withdraws = traits.rich or (district.kind == UnitKind.REGIONAL_CITY and donor_region)
        if withdraws:
            top.own = round(need * (1 + rng.uniform(0.05, 0.25)))
        else:
            stage = min(era(year), 1.0)
            dependence = traits.dependence * (0.8 + 0.2 * stage) + rng.uniform(-0.02, 0.02)
            top.own = round(need * (1 - dependence))
        self.settle(top)
        return [top, *budgets]

    @staticmethod
    def settle(budget: Budget) -> None:
        """A district's subvention from the region, or its withdrawal to it: the difference
        between its own revenue and its needs (its spending and the transfers it gives)."""
        need = budget.spending + budget.given_down
        budget.received.pop(FROM_REGION, None)
        budget.given_up = 0
        if budget.own == need:
            budget.own -= 1  # exactly balanced: a subvention of 1
        if budget.own > need:
            budget.given_up = budget.own - need
        else:
            budget.received[FROM_REGION] = need - budget.own

    def add(
        self, kind: str, giver: Unit, receiver: Unit, year: int, amount: int, basis: Basis
    ) -> None:
        if amount > 0:
            self.transfers.append(
                [giver.ocd_id, receiver.ocd_id, str(year), str(kind), str(amount), basis.text,
                 str(basis.first), str(basis.last)]
            )  # fmt: skip

    # -- the lines

    def lines(self) -> Iterator[list[str]]:
        for (_unit_id, year), budget in sorted(
            self.budgets.items(), key=lambda item: (item[0][1], item[1].unit.path)
        ):
            for phase in phases(year):
                yield from self.budget_lines(budget, phase)

    def weights(
        self, budget: Budget, direction: str, rng: random.Random
    ) -> list[tuple[str, float]]:
        unit, year = budget.unit, budget.year
        revenue = direction == Direction.REVENUE
        if unit.kind in TOP_KINDS:
            own = REGION_REVENUE if revenue else REGION_SPENDING
            lower = DISTRICT_REVENUE if revenue else DISTRICT_SPENDING
            traits = self.traits_of(unit, REGION_REVENUE + REGION_SPENDING)
            lower_traits = self.traits_of_blend(unit, DISTRICT_REVENUE + DISTRICT_SPENDING)
            table: dict[str, float] = {}
            for code, weight, _chance in own:
                factor = 0.25 if year >= 2020 and code in HEALTH else 1.0
                table[code] = weight * factor * traits.lines[code] * (1 - budget.blend)
            for code, weight, _chance in lower:
                table[code] = table.get(code, 0.0) + weight * lower_traits.lines[code] * (
                    budget.blend
                )
        else:
            if unit.kind in LOCAL_KINDS:
                spec = LOCAL_REVENUE if revenue else LOCAL_SPENDING
                traits = self.traits_of(unit, LOCAL_SPENDING + LOCAL_REVENUE)
            else:
                spec = DISTRICT_REVENUE if revenue else DISTRICT_SPENDING
                traits = self.traits_of(unit, DISTRICT_SPENDING + DISTRICT_REVENUE)
            city = unit.kind == UnitKind.REGIONAL_CITY
            table = {
                code: weight * traits.lines[code] * (CITY_WEIGHTS.get(code, 1.0) if city else 1)
                for code, weight, _chance in spec
            }
        return [(code, w * rng.uniform(0.9, 1.1)) for code, w in table.items() if w > 0]

    def traits_of_blend(self, unit: Unit, weights: list[tuple[str, float, float]]) -> Traits:
        """The district-like lines of a region's budget (for what districts do elsewhere)."""
        key = -unit.pk
        found = self.traits.get(key)
        if found is None:
            rng = self.rng(unit, "district-lines")
            found = Traits(1.0, 0.0, False, {c: rng.uniform(0.8, 1.25) for c, _w, _p in weights})
            self.traits[key] = found
        return found

    def budget_lines(self, budget: Budget, phase: str) -> Iterator[list[str]]:
        unit, year = budget.unit, budget.year
        rng = self.rng(unit, year, phase)
        own, spending = budget.own, budget.spending
        if phase == Phase.APPROVED:  # plans are cautious: less own revenue, less spending
            cut = round(own * rng.uniform(0.01, 0.06))
            own, spending = own - cut, spending - cut
        else:
            spending = round(spending * rng.uniform(0.975, 0.998))  # some money left unspent
        reference, year_text = unit.ocd_id, str(year)
        rows = []
        for code, amount in allocate(own, self.weights(budget, Direction.REVENUE, rng)):
            rows.append((Direction.REVENUE, code, amount))
        for code, amount in sorted(budget.received.items()):
            rows.append((Direction.REVENUE, code, amount))
        for code, amount in allocate(spending, self.weights(budget, Direction.EXPENDITURE, rng)):
            rows.append((Direction.EXPENDITURE, code, amount))
        if budget.given:
            rows.append((Direction.EXPENDITURE, TRANSFERS_GIVEN, budget.given))
        for direction, code, amount in rows:
            if amount > 0:
                yield [reference, year_text, str(direction), str(phase), code, str(amount)]


def _between(pair: tuple[float, float], stage: float) -> float:
    return pair[0] + (pair[1] - pair[0]) * stage


def allocate(total: int, weights: list[tuple[str, float]]) -> list[tuple[str, int]]:
    """`total` split in whole parts in proportion to `weights` (largest remainder)."""
    if total <= 0 or not weights:
        return []
    whole = sum(w for _c, w in weights)
    raw = [total * w / whole for _c, w in weights]
    parts = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: parts[i] - raw[i])
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return [(code, part) for (code, _w), part in zip(weights, parts, strict=True)]


def _csv(header: list[str], rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def build_budgets(
    actor: Actor,
    seed: int = DEFAULT_SEED,
    step: Callable[[str, int], None] | None = None,
) -> dict[str, int]:
    """Generate and import the demo budgets and transfers (see the module's description) and
    rebuild the indicators. Returns how many unit-years, lines and transfers were generated and
    how many lines and transfers were written (none on a second run). Nothing is generated
    where budget figures that are not demo data have been imported. `step(label, n)` follows
    the four stages."""
    counts = dict.fromkeys(COUNT_KEYS, 0)
    if Dataset.objects.filter(is_demo=False).exists():
        return counts
    with transaction.atomic():
        if not Classification.objects.exists():
            load_classification(actor)
        generator = Generator(seed)
        generator.generate()
        rows = list(generator.lines())
        transfers = generator.transfers
        counts["unit_years"] = len(generator.budgets)
        counts["lines"], counts["transfers"] = len(rows), len(transfers)
        if step:
            step("generated", 1)
        name = f"demo-budgets-{FIRST}-{LAST}-seed-{seed}.csv"
        text = _csv(BUDGET_HEADER, rows)
        result = import_budget(
            actor,
            Table(file=name, header=list(BUDGET_HEADER), source=rows),
            title=TITLE.format(seed=seed),
            sha256=hashlib.sha256(text.encode()).hexdigest(),
            is_demo=True,
            indicators=False,
        )
        counts["lines_written"] = result.lines
        if step:
            step("budget lines", 1)
        name = f"demo-transfers-{FIRST}-{LAST}-seed-{seed}.csv"
        text = _csv(TRANSFER_HEADER, transfers)
        moved = import_transfers(
            actor,
            Table(file=name, header=list(TRANSFER_HEADER), source=transfers),
            title=TRANSFERS_TITLE.format(seed=seed),
            sha256=hashlib.sha256(text.encode()).hexdigest(),
            is_demo=True,
            indicators=False,
        )
        counts["transfers_written"] = moved.lines
        if step:
            step("transfers", 1)
        if result.changed or moved.changed or not UnitYear.objects.exists():
            rebuild_indicators(actor)
        if step:
            step("indicators", 1)
    return counts
