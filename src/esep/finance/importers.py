"""Checking budget and transfer files before anything is written.

`parse_budget` and `parse_transfers` read a `Table` (see `tables.py`), resolve every unit and
code, and either return the rows to write or raise `ImportRefused` listing every problem as
file:line:column. The layouts are documented in docs/finance-formats.md."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

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
_CODE_SEPARATORS = re.compile(r"[\s.\-]+")
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
            last = (former.valid_until - dt.timedelta(days=1)).year
            for name in {former.name_kk, former.name_ru, former.name_en}:
                self.by_name[fold(name)].append(_Span(unit, FIRST_YEAR, last))
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
    if not value.isdigit() or not FIRST_YEAR <= int(value) <= last_year():
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
    if value.isdigit():
        return int(value) * int(scale * TIYN)
    value = value.replace("\u00a0", "").replace(" ", "").replace(",", ".")
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


@dataclass
class ParsedBudget:
    """Lines to write: (unit_id, year, direction, phase, classification_id, top, amount)."""

    lines: list[tuple[int, int, str, str, int, int, int]]
    warnings: list[Problem] = field(default_factory=list)
    units: dict[int, Unit] = field(default_factory=dict)


def _classification() -> dict[tuple[str, str], tuple[int, int, int | None]]:
    """(direction, code) → (id, top, parent id)."""
    return {
        (direction, code): (pk, top, parent)
        for pk, direction, code, top, parent in Classification.objects.values_list(
            "pk", "direction", "code", "top", "parent_id"
        )
    }


def parse_budget(table: Table) -> ParsedBudget:
    problems = Problems(table.file)
    columns = _columns(table, BUDGET_COLUMNS, problems)
    if columns is None:
        raise problems.refuse()
    codes = _classification()
    resolver = UnitResolver()
    i_unit, i_year, i_dir, i_phase, i_code = (columns.index[c] for c in BUDGET_COLUMNS)
    i_amount, scale = columns.amount, columns.scale
    width = max(i_unit, i_year, i_dir, i_phase, i_code, i_amount) + 1
    directions, phases = set(Direction.values), set(Phase.values)
    years: dict[str, int | str] = {}
    units: dict[int, Unit] = {}
    seen: dict[tuple[int, int, str, str, int], int] = {}
    lines = []
    for line, row in table.numbered():
        if len(row) < width:
            problems.add(
                line,
                len(row) + 1,
                _("The row has %(n)d cells; the header has more.") % {"n": len(row)},
            )
            continue
        year = years.get(row[i_year])
        if year is None:
            year = years[row[i_year]] = parse_year(row[i_year])
        if isinstance(year, str):
            problems.add(line, i_year + 1, year)
            continue
        unit = resolver.resolve(row[i_unit], year)
        if isinstance(unit, str):
            problems.add(line, i_unit + 1, unit)
        direction, phase = row[i_dir].strip().lower(), row[i_phase].strip().lower()
        if direction not in directions:
            problems.add(
                line,
                i_dir + 1,
                _("Direction must be revenue or expenditure, not “%(value)s”.")
                % {"value": row[i_dir]},
            )
            continue
        if phase not in phases:
            problems.add(
                line,
                i_phase + 1,
                _("Phase must be approved, adjusted or executed, not “%(value)s”.")
                % {"value": row[i_phase]},
            )
        code = codes.get((direction, row[i_code])) or codes.get(
            (direction, normalise_code(row[i_code]))
        )
        if code is None:
            problems.add(
                line,
                i_code + 1,
                _("“%(code)s” is not a budget classification code for %(direction)s.")
                % {"code": row[i_code], "direction": Direction(direction).label.lower()},
            )
        amount = parse_amount(row[i_amount], scale)
        if isinstance(amount, str):
            problems.add(line, i_amount + 1, amount)
        if isinstance(unit, str) or code is None or isinstance(amount, str) or phase not in phases:
            continue
        key = (unit.pk, year, direction, phase, code[0])
        if key in seen:
            problems.add(
                line, i_code + 1, _("This line repeats line %(line)d.") % {"line": seen[key]}
            )
            continue
        seen[key] = line
        units[unit.pk] = unit
        lines.append((unit.pk, year, direction, phase, code[0], code[1], amount))
    if not lines and not problems:
        problems.add(2, 1, _("The file has no budget lines."))
    if problems:
        raise problems.refuse()
    kept, warnings = _without_totals(table.file, lines, seen, codes)
    return ParsedBudget(kept, warnings, units)


def _without_totals(file, lines, seen, codes):
    """Lines whose code has a more detailed code in the same slice are totals: they are checked
    against the sum of the detailed lines (a difference is a warning) and not stored."""
    parent_of = {pk: parent for (pk, _top, parent) in codes.values()}
    used = {row[4] for row in lines}
    if not any(_ancestors(cls, parent_of) & used for cls in used):
        return lines, []  # only the most detailed codes: no totals to check
    code_of = {pk: code for (_d, code), (pk, _t, _p) in codes.items()}
    by_slice: dict[tuple, dict[int, int]] = defaultdict(dict)
    for unit, year, direction, phase, cls, _top, amount in lines:
        by_slice[(unit, year, direction, phase)][cls] = amount
    totals: set[tuple] = set()
    warnings: list[Problem] = []
    for slice_key, amounts in by_slice.items():
        present = set(amounts)
        ancestors_present = {}
        for cls in present:
            parent = parent_of.get(cls)
            chain = []
            while parent is not None:
                if parent in present:
                    chain.append(parent)
                parent = parent_of.get(parent)
            ancestors_present[cls] = chain
        parents = {p for chain in ancestors_present.values() for p in chain}
        if not parents:
            continue
        leaves = [c for c in present if c not in parents]
        for total in parents:
            detailed = sum(amounts[c] for c in leaves if total in ancestors_present[c])
            totals.add((*slice_key, total))
            if detailed != amounts[total]:
                line = seen[(*slice_key, total)]
                warnings.append(
                    Problem(
                        file,
                        line,
                        1,
                        _(
                            "The total of %(code)s is %(total)s but its lines add up to %(sum)s "
                            "(difference %(diff)s tenge)."
                        )
                        % {
                            "code": code_of[total],
                            "total": Decimal(amounts[total]) / TIYN,
                            "sum": Decimal(detailed) / TIYN,
                            "diff": Decimal(amounts[total] - detailed) / TIYN,
                        },
                    )
                )
    if not totals:
        return lines, warnings
    kept = [row for row in lines if (row[0], row[1], row[2], row[3], row[4]) not in totals]
    return kept, sorted(warnings, key=lambda w: w.line)


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
                cells.get("legal_basis", "").strip(),
                first,
                last,
            )
        )
    if not rows and not problems:
        problems.add(2, 1, _("The file has no transfers."))
    if problems:
        raise problems.refuse()
    return ParsedTransfers(rows, units)
