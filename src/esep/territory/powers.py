"""Load the powers registry (territory/data/powers.csv): which kind of body holds which function
at which level, under Law No. 148-II "On local state administration and self-government".

The whole file is checked before anything is written. A bad file raises ValidationError whose
messages name the file, the line and the column (1-based) of each problem, as
`powers.csv:3:8: …`, and leaves the database as it was. A good file is loaded in one transaction
through `actions.define_power`, which is idempotent: loading the same file twice changes
nothing. See docs/powers.md for the layout."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.utils.translation import gettext as _

from esep.core.actions import Actor

from . import actions
from .models import BodyKind, Power, PowerAssignment, UnitKind

POWERS_CSV = Path(__file__).parent / "data" / "powers.csv"
COLUMNS = ("code", "area", "title_kk", "title_ru", "title_en", "law", "article", "assignments")
ASSIGNMENT_SEPARATOR = "|"
ASSIGNMENT_PARTS = 3  # body_kind:unit_kind:article


@dataclass(frozen=True)
class PowerRow:
    """One checked line of the file, ready for `actions.define_power`."""

    code: str
    area: str
    title_kk: str
    title_ru: str
    title_en: str
    law: str
    article: str
    assignments: list[tuple[str, str, str]]


class _Checker:
    """Collects every problem in the file, each with its line and column."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.errors: list[ValidationError] = []

    def fail(self, line: int, column: int, problem: str) -> None:
        message = _("%(file)s:%(line)d:%(column)d: %(problem)s") % {
            "file": self.path,
            "line": line,
            "column": column,
            "problem": problem,
        }
        self.errors.append(ValidationError(message, code="bad_powers_file"))

    def text(self, line: int, row: list[str], name: str, *, slug: bool = False) -> str:
        column = COLUMNS.index(name) + 1
        value = row[column - 1].strip()
        if not value:
            self.fail(line, column, _("“%(column)s” must not be empty.") % {"column": name})
            return value
        if slug:
            try:
                validate_slug(value)
            except ValidationError:
                self.fail(
                    line,
                    column,
                    _("“%(value)s” is not a slug (letters, digits, - and _ only).")
                    % {"value": value},
                )
        limit = Power._meta.get_field(name).max_length
        if limit is not None and len(value) > limit:
            self.fail(
                line,
                column,
                _("“%(column)s” is longer than %(limit)d characters.")
                % {"column": name, "limit": limit},
            )
        return value

    def assignments(self, line: int, row: list[str]) -> list[tuple[str, str, str]]:
        column = COLUMNS.index("assignments") + 1
        value = row[column - 1].strip()
        if not value:
            self.fail(
                line, column, _("“%(column)s” must not be empty.") % {"column": "assignments"}
            )
            return []
        limit = PowerAssignment._meta.get_field("article").max_length
        found: list[tuple[str, str, str]] = []
        seen: set[tuple[str, str]] = set()
        for item in value.split(ASSIGNMENT_SEPARATOR):
            parts = [part.strip() for part in item.split(":", ASSIGNMENT_PARTS - 1)]
            if len(parts) != ASSIGNMENT_PARTS or not all(parts):
                self.fail(
                    line,
                    column,
                    _("“%(value)s” is not body_kind:unit_kind:article.") % {"value": item.strip()},
                )
                continue
            body_kind, unit_kind, article = parts
            if body_kind not in BodyKind.values:
                self.fail(
                    line,
                    column,
                    _("Unknown kind of body “%(value)s”; expected one of: %(known)s.")
                    % {"value": body_kind, "known": ", ".join(BodyKind.values)},
                )
            if unit_kind not in UnitKind.values:
                self.fail(
                    line,
                    column,
                    _("Unknown kind of unit “%(value)s”; expected one of: %(known)s.")
                    % {"value": unit_kind, "known": ", ".join(UnitKind.values)},
                )
            if limit is not None and len(article) > limit:
                self.fail(
                    line,
                    column,
                    _("“%(column)s” is longer than %(limit)d characters.")
                    % {"column": "article", "limit": limit},
                )
            if (body_kind, unit_kind) in seen:
                self.fail(
                    line,
                    column,
                    _("%(body)s at %(unit)s is assigned twice.")
                    % {"body": body_kind, "unit": unit_kind},
                )
            seen.add((body_kind, unit_kind))
            found.append((body_kind, unit_kind, article))
        return found


def read_powers(path: Path = POWERS_CSV) -> list[PowerRow]:
    """Read and check the whole file. Raises ValidationError listing every problem found."""
    checker = _Checker(path)
    rows: list[PowerRow] = []
    codes: dict[str, int] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None or tuple(h.strip() for h in header) != COLUMNS:
            got = [h.strip() for h in header or []]
            column = next(
                (i + 1 for i, name in enumerate(COLUMNS) if i >= len(got) or got[i] != name),
                len(COLUMNS) + 1,
            )
            checker.fail(
                1, column, _("The header must be: %(columns)s.") % {"columns": ",".join(COLUMNS)}
            )
            raise ValidationError(checker.errors)
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(COLUMNS):
                checker.fail(
                    line,
                    min(len(row), len(COLUMNS)) + 1,
                    _("Expected %(expected)d fields, found %(found)d.")
                    % {"expected": len(COLUMNS), "found": len(row)},
                )
                continue
            code = checker.text(line, row, "code", slug=True)
            if code in codes:
                checker.fail(
                    line,
                    COLUMNS.index("code") + 1,
                    _("Code “%(code)s” is already used on line %(first)d.")
                    % {"code": code, "first": codes[code]},
                )
            elif code:
                codes[code] = line
            rows.append(
                PowerRow(
                    code=code,
                    area=checker.text(line, row, "area", slug=True),
                    title_kk=checker.text(line, row, "title_kk"),
                    title_ru=checker.text(line, row, "title_ru"),
                    title_en=checker.text(line, row, "title_en"),
                    law=checker.text(line, row, "law"),
                    article=checker.text(line, row, "article"),
                    assignments=checker.assignments(line, row),
                )
            )
    if checker.errors:
        raise ValidationError(checker.errors)
    return rows


def load_powers(actor: Actor, path: Path = POWERS_CSV) -> int:
    """Check the file, then define every power in it in one transaction. Returns how many rows
    were loaded. Writes nothing if any row is bad."""
    rows = read_powers(path)
    with transaction.atomic():
        for row in rows:
            actions.define_power(
                actor,
                code=row.code,
                area=row.area,
                title_kk=row.title_kk,
                title_ru=row.title_ru,
                title_en=row.title_en,
                law=row.law,
                article=row.article,
                assignments=row.assignments,
            )
    return len(rows)
