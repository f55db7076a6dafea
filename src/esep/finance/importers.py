"""Checking budget and transfer files before anything is written.

`parse_budget` and `parse_transfers` read a `Table` (see `tables.py`), resolve every unit and
code, and either return the rows to write or raise `ImportRefused` listing every problem as
file:line:column. The layouts are documented in docs/finance-formats.md."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from esep.territory.models import FormerName, Unit
from esep.territory.models.units import LEVEL_OF_KIND
from esep.territory.search import fold

from .models import (
    FIRST_YEAR,
    FOURTH_LEVEL_SINCE,
    TIYN,
    Classification,
    Direction,
    Phase,
    TransferKind,
)
from .tables import Problem, Problems, Table

SCALES = {
    "amount_kzt": Decimal(1),
    "amount_thousand_kzt": Decimal(1000),
    "amount_million_kzt": Decimal(1_000_000),
}
BUDGET_COLUMNS = ("unit", "year", "direction", "phase", "code")
TRANSFER_COLUMNS = ("giver", "receiver", "year", "kind")
OPTIONAL_TRANSFER_COLUMNS = ("legal_basis", "basis_first_year", "basis_last_year")
MAX_TIYN = 10**16  # 100 trillion tenge, per line and per budget: above any budget, and sums
# of a whole region stay far below 2⁶³
_CODE_SEPARATORS = re.compile(r"[\s.\-]+")
_GROUPED = re.compile(r"^[0-9]{1,3}(,[0-9]{3})+$")  # "1,234": a thousands separator or a decimal?
_AMOUNT = re.compile(r"^[0-9]+(\.[0-9]+)?$")


def last_year() -> int:
    """Budgets are approved for three years ahead."""
    return dt.date.today().year + 3


def normalise_code(code: str) -> str:
    return _CODE_SEPARATORS.sub(" ", code.strip())


@dataclass(frozen=True)
class _Span:
    unit: Unit
    first_year: int
    last_year: int  # of the name, not of the unit


class UnitResolver:
    """Finds the unit a file means by KATO code, ISO code, OCD id, or name in kk/ru/en (former
    names for the years they were in use), and checks the unit existed in the year."""

    def __init__(self) -> None:
        self.by_code: dict[str, list[Unit]] = defaultdict(list)
        self.by_name: dict[str, list[_Span]] = defaultdict(list)
        units = {u.pk: u for u in Unit.objects.all()}
        for unit in units.values():
            for code in (unit.kato, unit.iso_code, unit.ocd_id):
                if code:
                    self.by_code[code.lower()].append(unit)
            for name in {unit.name_kk, unit.name_ru, unit.name_en}:
                self.by_name[fold(name)].append(_Span(unit, FIRST_YEAR, 9999))
        for former in FormerName.objects.all():
            unit = units[former.unit_id]
            first = former.valid_from.year if former.valid_from else FIRST_YEAR
            last = (former.valid_until - dt.timedelta(days=1)).year
            for name in {former.name_kk, former.name_ru, former.name_en}:
                self.by_name[fold(name)].append(_Span(unit, first, last))
        self.cache: dict[tuple[str, int], Unit | str] = {}

    @staticmethod
    def exists_in(unit: Unit, year: int) -> bool:
        if unit.valid_from and unit.valid_from.year > year:
            return False
        return not (unit.valid_until and (unit.valid_until - dt.timedelta(days=1)).year < year)

    def resolve(self, reference: str, year: int) -> Unit | str:
        """The unit, or a message saying why there is none."""
        key = (reference, year)
        found = self.cache.get(key)
        if found is None:
            found = self.cache[key] = self._resolve(reference, year)
        return found

    def _resolve(self, reference: str, year: int) -> Unit | str:
        candidates = self.by_code.get(reference.strip().lower())
        if candidates is None:
            spans = self.by_name.get(fold(reference), [])
            candidates = list(
                {s.unit.pk: s.unit for s in spans if s.first_year <= year <= s.last_year}.values()
            )
            if not candidates and spans:
                former = spans[0]
                if former.first_year > FIRST_YEAR:
                    return _("“%(ref)s” was the name of %(unit)s from %(first)d to %(last)d.") % {
                        "ref": reference,
                        "unit": former.unit.name,
                        "first": former.first_year,
                        "last": former.last_year,
                    }
                return _("“%(ref)s” was the name of %(unit)s until %(year)d.") % {
                    "ref": reference,
                    "unit": former.unit.name,
                    "year": former.last_year,
                }
        if not candidates:
            return _(
                "No unit is known as “%(ref)s”. Use its KATO code, ISO code, OCD id or name."
            ) % {"ref": reference}
        existing = [u for u in candidates if self.exists_in(u, year)]
        if not existing:
            unit = candidates[0]
            return _("%(unit)s did not exist in %(year)d (in force %(span)s).") % {
                "unit": unit.name,
                "year": year,
                "span": _span(unit),
            }
        if len(existing) > 1:
            return _("“%(ref)s” names %(n)d units; use the KATO code or OCD id.") % {
                "ref": reference,
                "n": len(existing),
            }
        unit = existing[0]
        if LEVEL_OF_KIND[unit.kind] == 4 and year < FOURTH_LEVEL_SINCE:
            return _(
                "%(unit)s is a fourth-level unit; they have budgets of their own since %(since)d."
            ) % {"unit": unit.name, "since": FOURTH_LEVEL_SINCE}
        return unit


def _span(unit: Unit) -> str:
    start = unit.valid_from.isoformat() if unit.valid_from else "…"
    end = unit.valid_until.isoformat() if unit.valid_until else "…"
    return f"{start} – {end}"


def parse_year(text: str) -> int | str:
    value = text.strip()
    if not (value.isdecimal() and value.isascii()) or not FIRST_YEAR <= int(value) <= last_year():
        return _("“%(value)s” is not a year between %(first)d and %(last)d.") % {
            "value": text,
            "first": FIRST_YEAR,
            "last": last_year(),
        }
    return int(value)


def parse_amount(text: str, scale: Decimal) -> int | str:
    """Whole tiyn of `text` (in tenge × `scale`), or a message. Spaces as thousands separators
    and a decimal comma are accepted; negative amounts are not."""
    value = text.strip()
    value = value.replace("\u00a0", "").replace(" ", "")
    if _GROUPED.match(value):
        return _("“%(value)s” is ambiguous: write amounts without thousands separators.") % {
            "value": text
        }
    value = value.replace(",", ".")
    if value.startswith("-"):
        return _("Amounts cannot be negative (“%(value)s”).") % {"value": text}
    if not _AMOUNT.match(value):
        return _("“%(value)s” is not an amount (digits, with a decimal point).") % {"value": text}
    try:
        tiyn = Decimal(value) * scale * TIYN
    except InvalidOperation:
        return _("“%(value)s” is not an amount (digits, with a decimal point).") % {"value": text}
    if tiyn != tiyn.to_integral_value():
        return _("“%(value)s” is more precise than one tiyn.") % {"value": text}
    if tiyn > MAX_TIYN:
        return _("“%(value)s” is larger than any budget.") % {"value": text}
    return int(tiyn)


@dataclass
class _Columns:
    index: dict[str, int]
    amount: int
    scale: Decimal


def _columns(table: Table, required: tuple[str, ...], problems: Problems) -> _Columns | None:
    header = table.header
    index = {name: i for i, name in enumerate(header) if name}
    seen: dict[str, int] = {}
    for i, name in enumerate(header):
        if name and name in seen:
            problems.add(1, i + 1, _("Column “%(name)s” appears twice.") % {"name": name})
        seen.setdefault(name, i)
    for name in required:
        if name not in index:
            problems.add(
                1,
                len(header) + 1,
                _("Column “%(name)s” is missing (the header has: %(header)s).")
                % {"name": name, "header": ", ".join(header) or "—"},
            )
    amounts = [(name, i) for i, name in enumerate(header) if name in SCALES]
    if len(amounts) != 1:
        problems.add(
            1,
            amounts[1][1] + 1 if len(amounts) > 1 else len(header) + 1,
            _("The file needs exactly one amount column: %(names)s.")
            % {"names": ", ".join(SCALES)},
        )
    if problems:
        return None
    name, amount = amounts[0]
    scale = SCALES[name] * (table.factor or 1)
    return _Columns(index, amount, scale)


Slice = tuple[int, int, str, str]  # unit id, year, direction, phase


@dataclass
class ParsedBudget:
    """What a file says, by slice: {(unit, year, direction, phase): {code id: (amount, line)}}, only
    the most detailed codes (totals checked and left out), and `top` of every code id."""

    slices: dict[Slice, dict[int, tuple[int, int]]]  # code id → (amount, line)
    top: dict[int, int]
    warnings: list[Problem] = field(default_factory=list)
    units: dict[int, Unit] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(len(lines) for lines in self.slices.values())

    def ordered(self, key: Slice) -> list[tuple[int, int]]:
        """(code id, amount) of one slice in code order."""
        return sorted((cls, amount) for cls, (amount, _line) in self.slices[key].items())


def _classification() -> dict[tuple[str, str], tuple[int, int, int | None]]:
    """(direction, code) → (id, top, parent id)."""
    return {
        (direction, code): (pk, top, parent)
        for pk, direction, code, top, parent in Classification.objects.values_list(
            "pk", "direction", "code", "top", "parent_id"
        )
    }


def _fast_amount(scale: Decimal) -> tuple[int, int] | None:
    """(tiyn per unit of the amount column, decimals that stay exact), if the scale is whole."""
    factor = scale * TIYN
    if factor != factor.to_integral_value():
        return None
    factor = int(factor)
    exact = 0
    while factor % 10 ** (exact + 1) == 0:
        exact += 1
    return factor, exact


class _ListReader:
    """Rows of a list, numbered like a csv reader (`line_num`), the header being line 1."""

    def __init__(self, rows: Any) -> None:
        self.rows = rows
        self.line_num = 1

    def __iter__(self) -> Iterator[list[str]]:
        for self.line_num, row in enumerate(self.rows, start=2):  # noqa: B020
            yield row


@dataclass
class _RowCheck:
    """Checks one row in full, with a message for every problem: the path of rows the fast
    loop in `parse_budget` does not recognise at once. What it learns (years, units) it
    remembers for the fast loop."""

    table: Table
    columns: _Columns
    problems: Problems
    by_direction: dict[str, dict[str, tuple[int, int, int | None]]]
    year_of: dict[str, int]
    unit_of: dict[str, dict[int, int]]
    units: dict[int, Unit]
    resolver: UnitResolver = field(default_factory=UnitResolver)

    def __call__(self, line: int, row: list[str]) -> tuple[int, int, str, str, int, int] | None:
        if not any(row):
            return None  # a blank row
        index, problems = self.columns.index, self.problems
        i_unit, i_year, i_dir, i_phase, i_code = (index[c] for c in BUDGET_COLUMNS)
        i_amount = self.columns.amount
        width = max(i_unit, i_year, i_dir, i_phase, i_code, i_amount) + 1
        if len(row) < width:
            problems.add(
                line,
                len(row) + 1,
                _("The row has %(n)d cells; the header has more.") % {"n": len(row)},
            )
            return None
        year = parse_year(row[i_year])
        if isinstance(year, str):
            problems.add(line, i_year + 1, year)
            return None
        self.year_of[row[i_year]] = year
        unit = self.resolver.resolve(row[i_unit], year)
        if isinstance(unit, str):
            problems.add(line, i_unit + 1, unit)
        else:
            self.unit_of.setdefault(row[i_unit], {})[year] = unit.id
            self.units[unit.id] = unit
        direction = row[i_dir].strip().lower()
        if direction not in Direction.values:
            problems.add(
                line,
                i_dir + 1,
                _("Direction must be revenue or expenditure, not “%(value)s”.")
                % {"value": row[i_dir]},
            )
            return None
        phase = row[i_phase].strip().lower()
        if phase not in Phase.values:
            problems.add(
                line,
                i_phase + 1,
                _("Phase must be approved, adjusted or executed, not “%(value)s”.")
                % {"value": row[i_phase]},
            )
        in_direction = self.by_direction[direction]
        code = in_direction.get(row[i_code]) or in_direction.get(normalise_code(row[i_code]))
        if code is None:
            problems.add(
                line,
                i_code + 1,
                _("“%(code)s” is not a budget classification code for %(direction)s.")
                % {"code": row[i_code], "direction": Direction(direction).label.lower()},
            )
        amount = parse_amount(row[i_amount], self.columns.scale)
        if isinstance(amount, str):
            problems.add(line, i_amount + 1, amount)
        if isinstance(unit, str) or code is None or isinstance(amount, str):
            return None
        if phase not in Phase.values:
            return None
        return unit.id, year, direction, phase, code[0], amount


def parse_budget(table: Table) -> ParsedBudget:
    """Every line of the file, checked. Rows in the plain form (known year, unit, direction,
    phase and code written as stored, an amount of digits and a point) take a fast path of
    dictionary lookups; any other row gets the full check, with its messages."""
    problems = Problems(table.file)
    columns = _columns(table, BUDGET_COLUMNS, problems)
    if columns is None:
        raise problems.refuse()
    codes = _classification()
    by_direction: dict[str, dict[str, tuple[int, int, int | None]]] = defaultdict(dict)
    for (direction, code), value in codes.items():
        by_direction[direction][code] = value
    i_unit, i_year, i_dir, i_phase, i_code = (columns.index[c] for c in BUDGET_COLUMNS)
    i_amount = columns.amount
    fast = _fast_amount(columns.scale)
    factor, exact = fast if fast else (0, -1)
    powers = [factor // 10**n for n in range(exact + 1)]
    phases = set(Phase.values)
    year_of: dict[str, int] = {}
    unit_of: dict[str, dict[int, int]] = {}
    units: dict[int, Unit] = {}
    check = _RowCheck(table, columns, problems, by_direction, year_of, unit_of, units)
    reader = table.reader if table.reader is not None else _ListReader(table.source)
    slices: dict[Slice, dict[int, tuple[int, int]]] = {}
    try:
        for row in reader:
            try:
                year = year_of[row[i_year]]
                unit = unit_of[row[i_unit]][year]
                direction = row[i_dir]
                cls = by_direction[direction][row[i_code]][0]
                phase = row[i_phase]
                if phase not in phases:
                    raise KeyError(phase)
                whole, dot, fraction = row[i_amount].partition(".")
                if len(fraction) > exact or len(whole) > 11 or (dot and not fraction):
                    raise KeyError(fraction)
                amount = int(whole) * factor + (int(fraction) * powers[len(fraction)] if dot else 0)
                if (
                    not whole.isdecimal()
                    or not whole.isascii()
                    or (dot and not (fraction.isdecimal() and fraction.isascii()))
                    or amount > MAX_TIYN
                ):
                    raise KeyError(whole)
            except (KeyError, IndexError, ValueError):
                found = check(reader.line_num, row)
                if found is None:
                    continue
                unit, year, direction, phase, cls, amount = found
            key = (unit, year, direction, phase)
            lines = slices.get(key)
            if lines is None:
                lines = slices[key] = {}
            first = lines.get(cls)
            if first is not None:
                problems.add(
                    reader.line_num,
                    i_code + 1,
                    _("This line repeats line %(line)d.") % {"line": first[1]},
                )
                continue
            lines[cls] = (amount, reader.line_num)
    except csv.Error as error:
        problems.add(reader.line_num, 1, _("The CSV is malformed: %(error)s") % {"error": error})
    if not slices and not problems:
        problems.add(2, 1, _("The file has no budget lines."))
    if problems:
        raise problems.refuse()
    warnings = _without_totals(table.file, slices, codes)
    top = {pk: top for (pk, top, _parent) in codes.values()}
    return ParsedBudget(slices, top, warnings, units)


def _without_totals(
    file: str, slices: dict[Slice, dict[int, tuple[int, int]]], codes: dict
) -> list[Problem]:
    """A line whose code has a more detailed code in the same slice is a total: it is checked
    against the sum of the detailed lines (a difference is a warning) and dropped from
    `slices`, so sums never count it twice."""
    parent_of = {pk: parent for (pk, _top, parent) in codes.values()}
    used = set().union(*(lines.keys() for lines in slices.values()))
    if not any(_ancestors(cls, parent_of) & used for cls in used):
        return []  # only the most detailed codes: no totals to check
    code_of = {pk: code for (_d, code), (pk, _t, _p) in codes.items()}
    warnings: list[Problem] = []
    for lines in slices.values():
        present = set(lines)
        above = {cls: _ancestors(cls, parent_of) & present for cls in present}
        totals = set().union(*above.values())
        leaves = [cls for cls in present if cls not in totals]
        for total in totals:
            detailed = sum(lines[cls][0] for cls in leaves if total in above[cls])
            amount, line = lines[total]
            if detailed != amount:
                warnings.append(
                    Problem(
                        file,
                        line,
                        1,
                        _(
                            "The total of %(code)s is %(total)s but its lines add up to "
                            "%(sum)s (difference %(diff)s tenge)."
                        )
                        % {
                            "code": code_of[total],
                            "total": Decimal(amount) / TIYN,
                            "sum": Decimal(detailed) / TIYN,
                            "diff": Decimal(amount - detailed) / TIYN,
                        },
                    )
                )
        for total in totals:
            del lines[total]
    return sorted(warnings, key=lambda w: w.line)


def _ancestors(cls: int, parent_of: dict[int, int | None]) -> set[int]:
    found = set()
    parent = parent_of.get(cls)
    while parent is not None:
        found.add(parent)
        parent = parent_of.get(parent)
    return found


@dataclass
class ParsedTransfers:
    """Transfers to write: (kind, giver_id, receiver_id, year, amount, basis, first, last)."""

    rows: list[tuple[str, int, int, int, int, str, int | None, int | None]]
    units: dict[int, Unit] = field(default_factory=dict)


def parse_transfers(table: Table) -> ParsedTransfers:
    problems = Problems(table.file)
    columns = _columns(table, TRANSFER_COLUMNS, problems)
    if columns is None:
        raise problems.refuse()
    resolver = UnitResolver()
    index = columns.index
    kinds = set(TransferKind.values)
    seen: dict[tuple, int] = {}
    rows = []
    units: dict[int, Unit] = {}
    for line, row in table.numbered():
        cells = {name: (row[i] if i < len(row) else "") for name, i in index.items()}
        year = parse_year(cells["year"])
        if isinstance(year, str):
            problems.add(line, index["year"] + 1, year)
            continue
        ends = {}
        for name in ("giver", "receiver"):
            ends[name] = resolver.resolve(cells[name], year)
            if isinstance(ends[name], str):
                problems.add(line, index[name] + 1, ends[name])
        kind = cells["kind"].strip().lower()
        if kind not in kinds:
            problems.add(
                line,
                index["kind"] + 1,
                _("Kind must be one of %(kinds)s, not “%(value)s”.")
                % {"kinds": ", ".join(kinds), "value": cells["kind"]},
            )
        amount = parse_amount(
            row[columns.amount] if columns.amount < len(row) else "", columns.scale
        )
        if isinstance(amount, str):
            problems.add(line, columns.amount + 1, amount)
        elif amount == 0:
            problems.add(line, columns.amount + 1, _("A transfer must be more than zero."))
        period = []
        for name in ("basis_first_year", "basis_last_year"):
            text = cells.get(name, "").strip()
            value = parse_year(text) if text else None
            if isinstance(value, str):
                problems.add(line, index[name] + 1, value)
            period.append(value)
        first, last = period
        if (
            isinstance(first, int)
            and isinstance(last, int)
            and not (first <= year <= last <= first + 2)
        ):
            problems.add(
                line,
                index["basis_first_year"] + 1,
                _("The legal basis must cover the year, for at most three years."),
            )
        elif (first is None) != (last is None):
            problems.add(
                line,
                index.get("basis_first_year", 0) + 1,
                _("Give both the first and the last year of the legal basis, or neither."),
            )
        basis = cells.get("legal_basis", "").strip()
        if basis[:1] == "'" and basis[1:2] in ("=", "+", "-", "@"):
            basis = basis[1:]  # as esep's CSV downloads write text a spreadsheet would run
        if len(basis) > 500 or "\x00" in basis:
            problems.add(
                line,
                index["legal_basis"] + 1,
                _("The legal basis must be text of at most 500 characters."),
            )
        giver, receiver = ends["giver"], ends["receiver"]
        if (
            isinstance(giver, str)
            or isinstance(receiver, str)
            or kind not in kinds
            or not isinstance(amount, int)
            or not amount
        ):
            continue
        if giver.pk == receiver.pk:
            problems.add(
                line, index["receiver"] + 1, _("A transfer goes from one unit to another.")
            )
            continue
        key = (giver.pk, receiver.pk, year, kind)
        if key in seen:
            problems.add(
                line, index["kind"] + 1, _("This line repeats line %(line)d.") % {"line": seen[key]}
            )
            continue
        seen[key] = line
        units[giver.pk], units[receiver.pk] = giver, receiver
        rows.append(
            (
                kind,
                giver.pk,
                receiver.pk,
                year,
                amount,
                basis,
                first,
                last,
            )
        )
    if not rows and not problems:
        problems.add(2, 1, _("The file has no transfers."))
    if problems:
        raise problems.refuse()
    return ParsedTransfers(rows, units)
