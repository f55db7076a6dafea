"""Budget fixtures, built through the actions.

- `classification`: the unified budget classification, keyed by (direction, code);
- `budget_units`: Almaty Region (KZ-19), Talgar district (KATO 195200000) under it and
  Belbulak rural district (KATO 195243000) under Talgar, with their akimats and maslikhats;
- `budget_csv`: CSV bytes from rows (header and delimiter may be changed);
- `published_budget`: executed budgets 2022–2024 and approved budgets 2024 of the three units,
  with the subventions republic → oblast → district → rural district; the figures it imported
  are on the namespace it returns (`LINES`, `TRANSFERS`), with the sums each unit-year should
  add up to (`sums`, in tiyn).

The cast for the rules: aigerim edits for Talgar's akimat, serik for the oblast's akimat, dana is
staff of Talgar's maslikhat, nurlan is a resident with no role; `alice` (tests/conftest.py) is
the administrator.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from types import SimpleNamespace

import pytest

from esep.finance import actions as finance_actions
from esep.finance.models import TIYN, Classification
from esep.finance.tables import read_table
from esep.territory import actions as territory_actions
from esep.territory.history import load_history
from esep.territory.models import Body
from tests.conftest import SYSTEM, make_user
from tests.territory.conftest import make_unit

BUDGET_HEADER = ("unit", "year", "direction", "phase", "code", "amount_kzt")
TRANSFER_HEADER = (
    "giver", "receiver", "year", "kind", "amount_kzt", "legal_basis", "basis_first_year",
    "basis_last_year",
)  # fmt: skip

# Codes used by the dataset, with the UnitYear column each adds to.
CODES = {
    ("revenue", "1 01 2"): "tax",  # individual income tax
    ("revenue", "1 04 1"): "tax",  # taxes on assets
    ("revenue", "2 06 1"): "non_tax",
    ("revenue", "3 01 1"): "capital",
    ("revenue", "4 02 1"): "transfers_in",  # from the republican budget
    ("revenue", "4 02 2"): "transfers_in",  # from the oblast budget
    ("revenue", "4 02 3"): "transfers_in",  # from the district budget
    ("expenditure", "01 1"): "expenditure",
    ("expenditure", "04 2"): "expenditure",
    ("expenditure", "14 1"): "expenditure",  # and debt_service
    ("expenditure", "15 1"): "transfers_out",
}

# Subventions (tenge): republic → oblast, oblast → district, district → rural district.
SUBVENTIONS = {
    2022: (500_000, 200_000, 10_000),
    2023: (600_000, 250_000, 12_000),
    2024: (540_000, 300_000, 15_000),
}
APPROVED_2024 = (550_000, 290_000, 14_000)


def _budgets(year: int, subventions: tuple[int, int, int], approved: bool = False) -> dict:
    """{unit key: {(direction, code): tenge}} of one year; the transfer lines agree with the
    transfers table."""
    s_ro, s_od, s_dr = subventions
    step = year - 2022
    less = Decimal("0.95") if approved else Decimal(1)
    return {
        "oblast": {
            ("revenue", "1 01 2"): Decimal(800_000 + 100_000 * step) * less,
            ("revenue", "1 04 1"): Decimal(200_000),
            ("revenue", "2 06 1"): Decimal("50000.25"),
            ("revenue", "3 01 1"): Decimal(20_000),
            ("revenue", "4 02 1"): Decimal(s_ro),
            ("expenditure", "04 2"): Decimal(1_200_000 + 50_000 * step),
            ("expenditure", "14 1"): Decimal(30_000),
            ("expenditure", "15 1"): Decimal(s_od),
        },
        "district": {
            ("revenue", "1 01 2"): Decimal(300_000 + 20_000 * step) * less,
            ("revenue", "2 06 1"): Decimal(10_000),
            ("revenue", "4 02 2"): Decimal(s_od),
            ("expenditure", "04 2"): Decimal(480_000 + 10_000 * step),
            ("expenditure", "15 1"): Decimal(s_dr),
        },
        "rural": {
            ("revenue", "1 04 1"): Decimal("5000.55"),
            ("revenue", "4 02 3"): Decimal(s_dr),
            ("expenditure", "01 1"): Decimal(14_000 + 1_000 * step),
        },
    }


# {(unit key, year, phase): {(direction, code): tenge}}
LINES: dict[tuple[str, int, str], dict[tuple[str, str], Decimal]] = {}
for _year, _subventions in SUBVENTIONS.items():
    for _unit, _lines in _budgets(_year, _subventions).items():
        LINES[(_unit, _year, "executed")] = _lines
for _unit, _lines in _budgets(2024, APPROVED_2024, approved=True).items():
    LINES[(_unit, 2024, "approved")] = _lines

# (kind, giver key, receiver key, year, tenge); "republic" is Kazakhstan (KZ).
TRANSFERS = [
    transfer
    for year, (s_ro, s_od, s_dr) in SUBVENTIONS.items()
    for transfer in (
        ("subvention", "republic", "oblast", year, s_ro),
        ("subvention", "oblast", "district", year, s_od),
        ("subvention", "district", "rural", year, s_dr),
    )
]


def tiyn(tenge: Decimal | int) -> int:
    value = Decimal(tenge) * TIYN
    assert value == value.to_integral_value()
    return int(value)


def expected_sums() -> dict[tuple[str, int, str], dict[str, int]]:
    """What each (unit key, year, phase) adds up to, in tiyn, as UnitYear columns (not
    consolidated)."""
    sums = {}
    for key, lines in LINES.items():
        row = dict.fromkeys(
            ("tax", "non_tax", "capital", "transfers_in", "expenditure", "debt_service",
             "transfers_out", "subventions", "withdrawals"),
            0,
        )  # fmt: skip
        for (direction, code), amount in lines.items():
            row[CODES[(direction, code)]] += tiyn(amount)
            if code == "14 1":
                row["debt_service"] += tiyn(amount)
        unit, year, _phase = key
        row["subventions"] = sum(tiyn(t[4]) for t in TRANSFERS if t[2] == unit and t[3] == year)
        sums[key] = row
    return sums


def csv_bytes(
    rows: Iterable[Sequence[object]],
    header: Sequence[str] = BUDGET_HEADER,
    delimiter: str = ",",
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    if header:
        writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def import_csv(actor, data: bytes, name: str = "budget.csv", **extra):
    """Import budget lines from CSV bytes with `actor`."""
    return finance_actions.import_budget(
        actor,
        read_table(name, data),
        title=extra.pop("title", name),
        sha256=hashlib.sha256(data).hexdigest(),
        **extra,
    )


def import_transfers_csv(actor, data: bytes, name: str = "transfers.csv", **extra):
    return finance_actions.import_transfers(
        actor,
        read_table(name, data, "transfers"),
        title=extra.pop("title", name),
        sha256=hashlib.sha256(data).hexdigest(),
        **extra,
    )


@pytest.fixture
def classification(db) -> dict[tuple[str, str], Classification]:
    """The unified budget classification, loaded by its action."""
    finance_actions.load_classification(SYSTEM)
    return {(c.direction, c.code): c for c in Classification.objects.all()}


@pytest.fixture
def history(regions) -> dict:
    """The top level's former names and 2018/2022 reforms (Abai exists from 2022-06-08,
    Shymkent from 2018-06-19, South Kazakhstan Region is Turkistan's former name)."""
    load_history(SYSTEM)
    for unit in regions.values():
        unit.refresh_from_db()
    return regions


@pytest.fixture
def budget_units(regions) -> SimpleNamespace:
    oblast = regions["KZ-19"]
    district = make_unit(
        oblast, "district", "Talgar", name_kk="Талғар ауданы", name_ru="Талгарский район",
        name_en="Talgar District", kato="195200000", population=210_000, population_year=2023,
    )  # fmt: skip
    territory_actions.record_population(SYSTEM, district, year=2022, population=200_000)
    district.refresh_from_db()
    rural = make_unit(
        district, "rural_district", "Belbulak", name_kk="Бельбұлақ ауылдық округі",
        name_ru="Бельбулакский сельский округ", name_en="Belbulak Rural District",
        kato="195243000", population=25_000, population_year=2022,
    )  # fmt: skip
    return SimpleNamespace(
        republic=regions["KZ"],
        oblast=oblast,
        district=district,
        rural=rural,
        oblast_akimat=Body.objects.get(unit=oblast, kind="akimat"),
        oblast_maslikhat=Body.objects.get(unit=oblast, kind="maslikhat"),
        district_akimat=territory_actions.create_body(SYSTEM, unit=district, kind="akimat"),
        district_maslikhat=territory_actions.create_body(SYSTEM, unit=district, kind="maslikhat"),
        rural_akimat=territory_actions.create_body(SYSTEM, unit=rural, kind="akimat"),
    )


@pytest.fixture
def budget_csv():
    """budget_csv(rows, header=BUDGET_HEADER, delimiter=",") → UTF-8 CSV bytes."""
    return csv_bytes


def budget_rows(units: SimpleNamespace, keys: Iterable[tuple[str, int, str]] | None = None):
    """CSV rows of LINES (all, or the slices of `keys`), units named by OCD id."""
    for key in keys if keys is not None else LINES:
        unit, year, phase = key
        for (direction, code), amount in LINES[key].items():
            yield [getattr(units, unit).ocd_id, year, direction, phase, code, amount]


def transfer_rows(units: SimpleNamespace):
    for kind, giver, receiver, year, amount in TRANSFERS:
        yield [
            getattr(units, giver).ocd_id, getattr(units, receiver).ocd_id, year, kind, amount,
            "Law on the three-year general transfers 2022–2024", 2022, 2024,
        ]  # fmt: skip


@pytest.fixture
def published_budget(classification, budget_units) -> SimpleNamespace:
    units = budget_units
    lines_csv = csv_bytes(budget_rows(units))
    transfers_csv = csv_bytes(transfer_rows(units), TRANSFER_HEADER)
    budget = import_csv(SYSTEM, lines_csv, "budgets-2022-2024.csv")
    transfers = import_transfers_csv(SYSTEM, transfers_csv, "transfers-2022-2024.csv")
    assert budget.changed and transfers.changed
    return SimpleNamespace(
        units=units,
        republic=units.republic,
        oblast=units.oblast,
        district=units.district,
        rural=units.rural,
        lines=LINES,
        transfers=TRANSFERS,
        sums=expected_sums(),
        lines_csv=lines_csv,
        transfers_csv=transfers_csv,
        budget_result=budget,
        transfers_result=transfers,
        line_count=sum(len(lines) for lines in LINES.values()),
    )


@pytest.fixture
def aigerim(budget_units):
    """Akimat editor of Talgar district."""
    return make_user("aigerim@example.kz", "Aigerim Talgar Akimat", "akimat_editor",
                     body=budget_units.district_akimat)  # fmt: skip


@pytest.fixture
def serik(budget_units):
    """Akimat editor of Almaty Region."""
    return make_user("serik@example.kz", "Serik Oblast Akimat", "akimat_editor",
                     body=budget_units.oblast_akimat)  # fmt: skip


@pytest.fixture
def dana(budget_units):
    """Staff of Talgar district's maslikhat (overrides the shared dana of Astana)."""
    return make_user("dana.talgar@example.kz", "Dana Talgar Maslikhat", "maslikhat_staff",
                     body=budget_units.district_maslikhat)  # fmt: skip


@pytest.fixture
def nurlan(db):
    """A resident with no role."""
    return make_user("nurlan@example.kz", "Nurlan Resident")
