"""Reading the files budgets arrive in: CSV (UTF-8, comma or semicolon), XLSX (first sheet),
and Fiscal Data Packages (`datapackage.json` with its CSV, alone or in a ZIP). Each gives a
`Table`: a header and rows of text cells, every cell with the line and column it came from, so
a problem can be reported as file:line:column."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path, PurePosixPath
from typing import Any

from django.utils.translation import gettext as _

from esep.core.problems import (  # noqa: F401  (re-exported for the importers)
    MAX_PROBLEMS,
    ImportRefused,
    Problem,
    Problems,
)


@dataclass
class Table:
    """A header (lower-cased names) and the rows below it, read as they are iterated."""

    file: str
    header: list[str]
    source: Iterator[list[str]] | list[list[str]]
    reader: Any = None  # a csv reader, whose line_num numbers rows spanning several lines
    factor: Decimal | None = None  # declared by a Fiscal Data Package's amount field
    meta: dict[str, str] = field(default_factory=dict)

    def numbered(self) -> Iterator[tuple[int, list[str]]]:
        """(line, cells) of every row that is not blank."""
        if self.reader is None:
            for line, row in enumerate(self.source, start=2):
                if any(row):
                    yield line, row
            return
        reader = self.reader
        try:
            for row in reader:
                if row and any(row):
                    yield reader.line_num, row
        except csv.Error as error:
            problems = Problems(self.file)
            problems.add(
                reader.line_num, 1, _("The CSV is malformed: %(error)s") % {"error": error}
            )
            raise problems.refuse() from None


def _position(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return line, column


def decode(name: str, data: bytes) -> str:
    """UTF-8 text of `data` (a byte-order mark is dropped); anything else is refused."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line, column = _position(data, error.start)
        problems = Problems(name)
        problems.add(
            line,
            column,
            _(
                "The file is not UTF-8 text (byte 0x%(byte)02X cannot be read). Save it as "
                "“CSV UTF-8” and import it again."
            )
            % {"byte": data[error.start]},
        )
        raise problems.refuse() from None


def read_csv(name: str, data: bytes) -> Table:
    text = decode(name, data)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader, [])
    except csv.Error as error:
        problems = Problems(name)
        problems.add(1, 1, _("The CSV is malformed: %(error)s") % {"error": error})
        raise problems.refuse() from None
    return Table(name, [h.strip().lower() for h in header], reader, reader=reader)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    return str(value).strip()


MAX_XLSX_COLUMNS = 64
MAX_XLSX_ROWS = 1_000_000


def read_xlsx(name: str, data: bytes) -> Table:
    from openpyxl import load_workbook

    problems = Problems(name)
    try:
        book = load_workbook(io.BytesIO(data), data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        problems.add(1, 1, _("The file is not a readable XLSX workbook."))
        raise problems.refuse() from None
    sheet = book.worksheets[0]
    if sheet.max_column > MAX_XLSX_COLUMNS or sheet.max_row > MAX_XLSX_ROWS:
        problems.add(
            1,
            1,
            _("The sheet is too large (%(rows)d rows, %(columns)d columns).")
            % {"rows": sheet.max_row, "columns": sheet.max_column},
        )
        raise problems.refuse()
    for merged in sheet.merged_cells.ranges:
        if merged.min_row == 1:
            problems.add(
                1,
                merged.min_col,
                _(
                    "Header cells %(range)s are merged. Unmerge them so each column has "
                    "its own name."
                )
                % {"range": merged.coord},
            )
    if problems:
        raise problems.refuse()
    rows = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        return Table(name, [], [])
    return Table(name, [h.lower() for h in rows[0]], rows[1:])


# Fiscal Data Package: the columnType of each field (FDP 1.0) names the column it fills.
FDP_COLUMN_TYPES = {
    "administrative-classification:generic:code": "unit",
    "date:fiscal-year": "year",
    "direction": "direction",
    "phase": "phase",
    "economic-classification:generic:code": "code",
    "functional-classification:generic:code": "code",
    "value": "amount_kzt",
}


KNOWN_COLUMNS = {
    "unit", "year", "direction", "phase", "code", "giver", "receiver", "kind",
    "amount_kzt", "amount_thousand_kzt", "amount_million_kzt",
}  # fmt: skip


def read_datapackage(name: str, files: dict[str, bytes], resource_name: str) -> Table:
    """The resource `resource_name` of the package whose descriptor is files["datapackage.json"],
    with its columns renamed by their FDP columnType and its amounts scaled by `factor`."""
    problems = Problems(name)
    try:
        descriptor, path, fields = _descriptor(name, files, resource_name)
    except (
        AttributeError, IndexError, KeyError, RecursionError, StopIteration, TypeError,
        ValueError,
    ):  # fmt: skip
        problems.add(
            1,
            1,
            _("datapackage.json has no resource “%(name)s” with a path and a schema.")
            % {"name": resource_name},
        )
        raise problems.refuse() from None
    if path not in files:
        problems.add(1, 1, _("The package has no file %(path)s.") % {"path": path[:200]})
        raise problems.refuse()
    table = read_csv(f"{name}/{path}"[:300], files[path])
    rename = {}
    factor = Decimal(1)
    for spec in fields:
        column = FDP_COLUMN_TYPES.get(str(spec.get("columnType", "")))
        name = str(spec.get("name", "")).lower()
        if column and name not in KNOWN_COLUMNS:
            rename[name] = column
        if spec.get("columnType") == "value":
            if str(spec.get("currency", "KZT")).upper() != "KZT":
                problems.add(1, 1, _("Amounts must be in tenge (currency KZT)."))
            try:
                factor = Decimal(str(spec.get("factor", 1))[:40])
            except InvalidOperation:
                factor = Decimal(0)
            if not factor.is_finite() or factor <= 0 or factor > MAX_FACTOR:
                problems.add(
                    1,
                    1,
                    _("“%(value)s” is not an amount (digits, with a decimal point).")
                    % {"value": str(spec.get("factor"))[:40]},
                )
    if problems:
        raise problems.refuse()
    table.header = [rename.get(h, h) for h in table.header]
    table.factor = factor
    sources = descriptor.get("sources")
    url = ""
    if isinstance(sources, list) and sources and isinstance(sources[0], dict):
        url = str(sources[0].get("path", ""))
    table.meta = {
        "title": clean_text(descriptor.get("title", ""), 300),
        "url": url[:1000] if url.startswith(("https://", "http://")) else "",
        "document": clean_text(descriptor.get("document", ""), 300),
    }
    return table


def clean_text(value: object, limit: int) -> str:
    """Text for a stored field: no control characters (NUL breaks PostgreSQL), at most `limit`."""
    text = "".join(ch for ch in str(value) if ch >= " " or ch in "\t")
    return text.strip()[:limit]


def _descriptor(
    name: str, files: dict[str, bytes], resource_name: str
) -> tuple[dict[str, Any], str, list[dict[str, Any]]]:
    """The descriptor, the resource's path and its fields; any other shape raises."""
    descriptor = json.loads(decode(name, files["datapackage.json"]))
    if not isinstance(descriptor, dict) or not isinstance(descriptor["resources"], list):
        raise TypeError
    resource = next(
        r for r in descriptor["resources"] if isinstance(r, dict) and r.get("name") == resource_name
    )
    path = str(PurePosixPath(str(resource["path"])))
    fields = resource["schema"]["fields"]
    if not isinstance(fields, list) or not all(isinstance(f, dict) for f in fields):
        raise TypeError
    return descriptor, path, fields


MAX_UNPACKED = 512 * 1024 * 1024  # what a ZIP may unpack to
MAX_FACTOR = Decimal(1_000_000_000)


def _package_files(data: bytes, resource: str) -> dict[str, bytes]:
    """datapackage.json and the CSV files of a zipped package, refusing archives that would
    unpack to more than MAX_UNPACKED."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = [
            info
            for info in archive.infolist()
            if not info.is_dir()
            and (info.filename == "datapackage.json" or info.filename.lower().endswith(".csv"))
        ]
        if sum(info.file_size for info in members) > MAX_UNPACKED:
            raise ValueError("too large")
        return {str(PurePosixPath(info.filename)): archive.read(info) for info in members}


def read_table(name: str, data: bytes, resource: str = "budget-lines") -> Table:
    """Read a CSV, an XLSX, a datapackage.json (with its files beside it, see
    `read_package_dir`) or a ZIP holding a Fiscal Data Package."""
    lower = name.lower()
    if lower.endswith(".xlsx"):
        return read_xlsx(name, data)
    if lower.endswith(".zip"):
        try:
            files = _package_files(data, resource)
        except (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError, OSError,
                EOFError, ValueError):  # fmt: skip
            problems = Problems(name)
            problems.add(1, 1, _("The file is not a readable ZIP archive."))
            raise problems.refuse() from None
        if "datapackage.json" not in files:
            problems = Problems(name)
            problems.add(1, 1, _("The ZIP archive has no datapackage.json."))
            raise problems.refuse()
        return read_datapackage(name, files, resource)
    return read_csv(name, data)


def read_path(path: Path, resource: str = "budget-lines") -> tuple[Table, str]:
    """The table in the file at `path` (a datapackage.json is read with the files beside it),
    and the SHA-256 of what was read."""
    if path.name == "datapackage.json":
        files = {"datapackage.json": path.read_bytes()}
        for other in path.parent.rglob("*"):
            if other.is_file() and other != path:
                files[other.relative_to(path.parent).as_posix()] = other.read_bytes()
        digest = hashlib.sha256(b"".join(files[k] for k in sorted(files))).hexdigest()
        return read_datapackage(path.parent.name or path.name, files, resource), digest
    data = path.read_bytes()
    return read_table(path.name, data, resource), hashlib.sha256(data).hexdigest()
