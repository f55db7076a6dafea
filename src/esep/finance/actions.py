"""Every write of the finance app: loading the budget classification, importing budget lines
and transfers (all or nothing, idempotent), and rebuilding the sums indicators read."""

from __future__ import annotations

import csv
import hashlib
import sys
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from esep.core import ledger
from esep.core.actions import ActionRefused, Actor, action

from .importers import MAX_TIYN, parse_budget, parse_transfers
from .models import (
    BudgetRelease,
    Classification,
    Dataset,
    DatasetKind,
    Transfer,
)
from .sums import rebuild_unit_years
from .tables import MAX_PROBLEMS, ImportRefused, Problem, Problems, Table

CLASSIFICATION_CSV = Path(__file__).parent / "data" / "classification.csv"
CHUNK = 20_000


def load_classification(actor: Actor, path: Path = CLASSIFICATION_CSV) -> int:
    """Add the codes of `path` that are missing (all or nothing). Returns how many were added."""
    problems = Problems(path.name)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(enumerate(csv.DictReader(handle), start=2))
    existing = {(c.direction, c.code): c for c in Classification.objects.all()}
    with action("load_classification", actor, "finance.load_classification") as act:
        added = 0
        for line, row in rows:
            key = (row["direction"], row["code"])
            if key in existing:
                continue
            parent = existing.get((row["direction"], row["parent"])) if row["parent"] else None
            if row["parent"] and parent is None:
                problems.add(
                    line,
                    3,
                    _("Parent code %(code)s is not above this line.") % {"code": row["parent"]},
                )
                continue
            top = int(row["code"].split(" ")[0])
            existing[key] = Classification.objects.create(
                direction=row["direction"],
                code=row["code"],
                parent=parent,
                level=int(row["level"]),
                top=top,
                name_kk=row["name_kk"],
                name_ru=row["name_ru"],
                name_en=row["name_en"],
            )
            added += 1
        if problems:
            raise problems.refuse()
        act.data["added"] = added
    return added


@dataclass
class ImportResult:
    dataset: Dataset | None
    lines: int = 0
    new: int = 0  # slices (unit, year, direction, phase) not there before
    replaced: int = 0
    unchanged: int = 0
    warnings: list[Problem] = field(default_factory=list)
    years: set[int] = field(default_factory=set)

    @property
    def changed(self) -> bool:
        return self.dataset is not None


def _digest(lines: list[tuple[int, int]]) -> str:
    """SHA-256 of a slice's (code id, tiyn) pairs in code order, as little-endian int64."""
    packed = array("q", chain.from_iterable(lines))
    if sys.byteorder == "big":
        packed.byteswap()
    return hashlib.sha256(packed.tobytes()).hexdigest()


def _check_units(actor: Actor, permission: str, units: Iterable) -> None:
    for unit in units:
        if not actor.may(permission, unit):
            raise ActionRefused(
                _("You may not publish figures for %(unit)s.") % {"unit": unit.name}
            )


def import_budget(
    actor: Actor,
    table: Table,
    *,
    title: str,
    sha256: str,
    document: str = "",
    url: str = "",
    is_demo: bool = False,
    indicators: bool = True,
    step: Callable[[str], None] | None = None,
) -> ImportResult:
    """Write the budget lines of `table`: each slice (unit, year, direction, phase) in the file
    replaces the slice as it was, unless its lines are the same, which changes nothing. A bad
    file raises ImportRefused and writes nothing; a file that changes nothing writes nothing."""
    parsed = parse_budget(table)
    _check_units(actor, "finance.import_budget", parsed.units.values())
    if step:
        step("checked")
    # Each slice's lines in code order: the digest is of that order, and lines are written in
    # the order of the table's unique index, which keeps its B-tree appends cheap.
    slices = {key: parsed.ordered(key) for key in parsed.slices}
    totals = {key: sum(amount for _cls, amount in lines) for key, lines in slices.items()}
    too_large = [key for key, total in totals.items() if total > MAX_TIYN]
    if too_large:
        raise ImportRefused(
            [
                Problem(
                    table.file,
                    min(line for _amount, line in parsed.slices[key].values()),
                    1,
                    _("This budget adds up to more than any budget can (100 trillion tenge)."),
                )
                for key in too_large[:MAX_PROBLEMS]
            ]
        )
    digests = {key: _digest(lines) for key, lines in slices.items()}
    years = {key[1] for key in slices}
    current = {
        (r.unit_id, r.year, r.direction, r.phase): r
        for r in BudgetRelease.objects.filter(
            superseded_at__isnull=True, year__in=years, unit_id__in=parsed.units
        ).only("id", "unit_id", "year", "direction", "phase", "digest")
    }
    changed = [
        key
        for key, digest in digests.items()
        if getattr(current.get(key), "digest", None) != digest
    ]
    result = ImportResult(None, warnings=parsed.warnings)
    result.unchanged = len(slices) - len(changed)
    if not changed:
        return result
    replaced = [current[key] for key in changed if key in current]
    with action("import_budget", actor, None) as act:
        dataset = Dataset.objects.create(
            kind=DatasetKind.BUDGET,
            title=title,
            document=document,
            url=url,
            file_name=table.file,
            sha256=sha256,
            is_demo=is_demo,
            imported_by=actor.label,
        )
        now = timezone.now()
        with connection.cursor() as cursor:
            if replaced:
                cursor.executemany(
                    "DELETE FROM finance_budgetline WHERE unit_id = %s AND year = %s "
                    "AND direction = %s AND phase = %s",
                    [(r.unit_id, r.year, r.direction, r.phase) for r in replaced],
                )
                BudgetRelease.objects.filter(pk__in=[r.pk for r in replaced]).update(
                    superseded_at=now
                )
            top, pk = parsed.top, dataset.pk
            rows = (
                (unit, year, direction, phase, cls, top[cls], amount, pk)
                for (unit, year, direction, phase) in sorted(
                    changed, key=lambda key: (key[0], key[1], key[3], key[2])
                )
                for cls, amount in slices[(unit, year, direction, phase)]
            )
            written = _insert_lines(cursor, rows, step)
            cursor.executemany(
                "INSERT INTO finance_budgetrelease (unit_id, year, direction, phase, "
                "dataset_id, digest, lines, total) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                [(*key, pk, digests[key], len(slices[key]), totals[key]) for key in changed],
            )
        dataset.lines = written
        dataset.published_at = now
        dataset.save(update_fields=["lines", "published_at"])
        ledger.append(dataset)
        result.dataset = dataset
        result.lines = written
        result.replaced = len(replaced)
        result.new = len(changed) - len(replaced)
        result.years = {key[1] for key in changed}
        act.record(
            dataset, lines=written, new=result.new, replaced=result.replaced,
            unchanged=result.unchanged,
        )  # fmt: skip
        if indicators:
            rebuild_unit_years(result.years)
    return result


def _insert_lines(cursor, rows: Iterator[tuple], step: Callable[[str], None] | None) -> int:
    sql = (
        "INSERT INTO finance_budgetline "
        "(unit_id, year, direction, phase, classification_id, top, amount, dataset_id) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
    )
    written = 0
    while batch := list(islice(rows, CHUNK)):
        cursor.executemany(sql, batch)
        written += len(batch)
        if step:
            step("written")
    return written


def import_transfers(
    actor: Actor,
    table: Table,
    *,
    title: str,
    sha256: str,
    document: str = "",
    url: str = "",
    is_demo: bool = False,
    indicators: bool = True,
) -> ImportResult:
    """Write the transfers of `table`; a transfer already there with the same amount and basis
    is left alone, one with a different amount or basis is replaced."""
    parsed = parse_transfers(table)
    for _kind, giver, receiver, *_rest in parsed.rows:
        units = (parsed.units[giver], parsed.units[receiver])
        # The budget above sets transfers with the budgets below it (subventions, withdrawals,
        # targeted transfers, loans): its staff publish them, not the receiver's.
        upper = min(units, key=lambda unit: (unit.level, unit.depth))
        if not actor.may("finance.import_transfers", upper):
            raise ActionRefused(
                _("You may not publish transfers between %(a)s and %(b)s.")
                % {"a": units[0].name, "b": units[1].name}
            )
    years = {row[3] for row in parsed.rows}
    existing = {
        (t.giver_id, t.receiver_id, t.year, t.kind): t
        for t in Transfer.objects.filter(year__in=years, receiver_id__in=parsed.units)
    }
    new, changed = [], []
    for kind, giver, receiver, year, amount, basis, first, last in parsed.rows:
        old = existing.get((giver, receiver, year, kind))
        values = (amount, basis, first, last)
        if old is None:
            new.append((kind, giver, receiver, year, values))
        elif (old.amount, old.legal_basis, old.basis_first_year, old.basis_last_year) != values:
            changed.append((old, values))
    result = ImportResult(None, unchanged=len(parsed.rows) - len(new) - len(changed))
    if not new and not changed:
        return result
    with action("import_transfers", actor, None) as act:
        dataset = Dataset.objects.create(
            kind=DatasetKind.TRANSFERS,
            title=title,
            document=document,
            url=url,
            file_name=table.file,
            sha256=sha256,
            is_demo=is_demo,
            imported_by=actor.label,
            lines=len(new) + len(changed),
            published_at=timezone.now(),
        )
        for old, (amount, basis, first, last) in changed:
            old.amount, old.legal_basis = amount, basis
            old.basis_first_year, old.basis_last_year = first, last
            old.dataset = dataset
        Transfer.objects.bulk_update(
            [old for old, _values in changed],
            ["amount", "legal_basis", "basis_first_year", "basis_last_year", "dataset"],
            batch_size=2000,
        )
        Transfer.objects.bulk_create(
            (
                Transfer(
                    kind=kind,
                    giver_id=giver,
                    receiver_id=receiver,
                    year=year,
                    amount=amount,
                    legal_basis=basis,
                    basis_first_year=first,
                    basis_last_year=last,
                    dataset=dataset,
                )  # fmt: skip
                for kind, giver, receiver, year, (amount, basis, first, last) in new
            ),
            batch_size=5000,
        )
        ledger.append(dataset)
        result.dataset = dataset
        result.lines = len(new) + len(changed)
        result.new, result.replaced = len(new), len(changed)
        result.years = {row[3] for row in new} | {old.year for old, _v in changed}
        act.record(dataset, new=len(new), replaced=len(changed), unchanged=result.unchanged)
        if indicators:
            rebuild_unit_years(result.years)
    return result


def rebuild_indicators(actor: Actor, years: set[int] | None = None) -> int:
    """Recompute the per unit-year sums (all years, or `years`) from budget lines and transfers.
    Importers call it for the years they changed. Returns how many rows were written."""
    with action("rebuild_indicators", actor, "finance.rebuild_indicators") as act:
        written = rebuild_unit_years(years)
        act.data.update(rows=written, years=sorted(years) if years else "all")
    return written
