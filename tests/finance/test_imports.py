"""Importing budget lines: what a good file writes, that importing it again changes nothing,
that a correction replaces only its slices, and that every bad file is refused with
file:line:column and writes nothing."""

from __future__ import annotations

import hashlib
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import Workbook

from esep.core.models import AuditEntry, DataVersion
from esep.finance.actions import import_budget
from esep.finance.models import BudgetLine, BudgetRelease, Dataset
from esep.finance.tables import ImportRefused, read_table
from tests.conftest import SYSTEM
from tests.finance.conftest import BUDGET_HEADER, csv_bytes, import_csv
from tests.territory.conftest import make_unit

THOUSANDS = ("unit", "year", "direction", "phase", "code", "amount_thousand_kzt")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def units(classification, budget_units):
    return budget_units


def state() -> tuple[int, int, int, int, int]:
    """What an import could write: lines, releases, datasets, audit entries, data version."""
    version = DataVersion.objects.filter(pk=1).values_list("value", flat=True).first() or 0
    return (
        BudgetLine.objects.count(),
        BudgetRelease.objects.count(),
        Dataset.objects.count(),
        AuditEntry.objects.count(),
        version,
    )


def lines_of(unit=None) -> dict[tuple, int]:
    qs = BudgetLine.objects.all()
    if unit is not None:
        qs = qs.filter(unit=unit)
    return {
        (line.unit_id, line.year, line.direction, line.phase, line.classification.code): line.amount
        for line in qs.select_related("classification")
    }


def refuse(data: bytes, name: str = "bad.csv") -> ImportRefused:
    """Import `data`, expect it refused, and check nothing was written."""
    before = state()
    with pytest.raises(ImportRefused) as refused:
        import_budget(
            SYSTEM,
            read_table(name, data),
            title=name,
            sha256=hashlib.sha256(data).hexdigest(),
        )
    assert state() == before
    return refused.value


def only_problem(refused: ImportRefused) -> str:
    assert len(refused.problems) == 1, [str(p) for p in refused.problems]
    return str(refused.problems[0])


# Good files.


def test_good_csv_writes_every_line_in_exact_tiyn(units):
    data = csv_bytes(
        [
            ["195200000", 2024, "revenue", "executed", "1 01 2", "1000.5"],
            ["195200000", 2024, "revenue", "executed", "1 04 1", "1000,5"],
            ["195200000", 2024, "revenue", "executed", "2 06 1", "1 000,5"],
            ["195200000", 2024, "expenditure", "executed", "04 2", "2500"],
            ["195200000", 2024, "expenditure", "executed", "01 1", "0.01"],
        ],
        THOUSANDS,
    )
    before = state()
    result = import_csv(SYSTEM, data, "talgar-2024.csv")
    assert result.changed
    assert (result.lines, result.new, result.replaced, result.unchanged) == (5, 2, 0, 0)
    assert result.warnings == []
    d = units.district.pk
    assert lines_of() == {
        (d, 2024, "revenue", "executed", "1 01 2"): 100_050_000,
        (d, 2024, "revenue", "executed", "1 04 1"): 100_050_000,
        (d, 2024, "revenue", "executed", "2 06 1"): 100_050_000,
        (d, 2024, "expenditure", "executed", "04 2"): 250_000_000,
        (d, 2024, "expenditure", "executed", "01 1"): 1_000,
    }
    dataset = Dataset.objects.get()
    assert dataset == result.dataset
    assert (dataset.kind, dataset.lines, dataset.file_name) == ("budget", 5, "talgar-2024.csv")
    assert dataset.sha256 == hashlib.sha256(data).hexdigest()
    assert dataset.published_at is not None
    releases = {(r.direction, r.lines, r.total) for r in BudgetRelease.objects.all()}
    assert releases == {("revenue", 3, 300_150_000), ("expenditure", 2, 250_001_000)}
    lines, _releases, datasets, audits, version = state()
    assert (lines, datasets, audits, version) == (5, 1, before[3] + 1, before[4] + 1)
    assert AuditEntry.objects.latest("id").verb == "import_budget"


def test_semicolon_csv_with_decimal_commas_imports(units):
    text = (
        "unit;year;direction;phase;code;amount_kzt\n"
        "195200000;2024;revenue;executed;1 01 2;1 234 567,89\n"
        "195200000;2024;revenue;executed;4.02.1;100\n"
    )
    result = import_csv(SYSTEM, text.encode(), "semicolons.csv")
    assert result.lines == 2
    d = units.district.pk
    assert lines_of() == {
        (d, 2024, "revenue", "executed", "1 01 2"): 123_456_789,
        (d, 2024, "revenue", "executed", "4 02 1"): 10_000,
    }


def test_byte_order_mark_and_extra_columns_are_fine(units):
    data = b"\xef\xbb\xbf" + csv_bytes(
        [["Talgar District", 2023, "Revenue", "EXECUTED", "1-01-2", "7", "a note"]],
        (*BUDGET_HEADER, "comment"),
    )
    assert import_csv(SYSTEM, data).lines == 1
    assert lines_of() == {(units.district.pk, 2023, "revenue", "executed", "1 01 2"): 700}


def test_importing_the_same_file_again_changes_nothing(published_budget):
    before = state()
    lines = lines_of()
    again = import_csv(SYSTEM, published_budget.lines_csv, "budgets-2022-2024.csv")
    assert not again.changed
    assert again.dataset is None
    assert again.lines == 0
    assert again.unchanged == 2 * len(published_budget.lines)  # revenue and expenditure
    assert state() == before
    assert lines_of() == lines


def test_same_lines_in_another_order_and_spelling_change_nothing(published_budget):
    units = published_budget.units
    rows = [
        [units.district.kato, year, direction.upper(), phase, code.replace(" ", "."), amount]
        for (unit, year, phase), lines in published_budget.lines.items()
        if unit == "district"
        for (direction, code), amount in reversed(lines.items())
    ]
    before = state()
    result = import_csv(SYSTEM, csv_bytes(rows), "reordered.csv")
    assert not result.changed
    assert result.unchanged == 8  # 4 years × 2 directions of the district
    assert state() == before


def test_a_correction_replaces_only_its_slices_and_keeps_the_old_release(published_budget):
    units = published_budget.units
    d = units.district
    old = BudgetRelease.objects.get(
        unit=d, year=2023, direction="revenue", phase="executed", superseded_at__isnull=True
    )
    untouched = lines_of(units.oblast)
    expenditure_before = {k: v for k, v in lines_of(d).items() if k[2] == "expenditure"}
    # The district's executed 2023 revenue, with income tax corrected and a line added; its
    # executed 2023 expenditure exactly as it was.
    revenue_rows = [
        [d.ocd_id, 2023, "revenue", "executed", "1 01 2", "320500.10"],
        [d.ocd_id, 2023, "revenue", "executed", "2 06 1", "10000"],
        [d.ocd_id, 2023, "revenue", "executed", "3 01 1", "42"],
        [d.ocd_id, 2023, "revenue", "executed", "4 02 2", "250000"],
    ]
    expenditure_rows = [
        [d.ocd_id, 2023, direction, "executed", code, amount]
        for (direction, code), amount in published_budget.lines[
            ("district", 2023, "executed")
        ].items()
        if direction == "expenditure"
    ]
    before = state()
    result = import_csv(SYSTEM, csv_bytes(revenue_rows + expenditure_rows), "correction.csv")
    assert (result.new, result.replaced, result.unchanged) == (0, 1, 1)
    assert result.lines == 4
    assert result.years == {2023}
    assert state()[:3] == (before[0] + 1, before[1] + 1, before[2] + 1)
    old.refresh_from_db()
    assert old.superseded_at is not None
    new = BudgetRelease.objects.get(
        unit=d, year=2023, direction="revenue", phase="executed", superseded_at__isnull=True
    )
    assert new.dataset == result.dataset
    assert (new.lines, new.total) == (4, 32_050_010 + 1_000_000 + 4_200 + 25_000_000)
    revenue = {k[4]: v for k, v in lines_of(d).items() if k[1:4] == (2023, "revenue", "executed")}
    assert revenue == {
        "1 01 2": 32_050_010,
        "2 06 1": 1_000_000,
        "3 01 1": 4_200,
        "4 02 2": 25_000_000,
    }
    # Other slices are untouched: other years, the other direction, the other units.
    assert {k: v for k, v in lines_of(d).items() if k[2] == "expenditure"} == expenditure_before
    assert lines_of(units.oblast) == untouched
    assert set(
        BudgetLine.objects.filter(unit=d, year=2023, direction="expenditure").values_list(
            "dataset", flat=True
        )
    ) == {published_budget.budget_result.dataset.pk}
    assert BudgetRelease.objects.filter(superseded_at__isnull=False).count() == 1


def test_good_xlsx_imports_the_same_as_the_csv(units):
    rows = [
        ["195200000", 2024, "revenue", "executed", "1 01 2", "1000.5"],
        ["195200000", 2024, "expenditure", "executed", "04 2", 2500],
        ["195243000", 2024, "revenue", "executed", "1 04 1", 0.25],
    ]
    book = Workbook()
    sheet = book.active
    sheet.append(["Unit", "Year", "Direction", "Phase", "Code", "Amount_thousand_KZT"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    xlsx = import_budget(
        SYSTEM,
        read_table("talgar.xlsx", buffer.getvalue()),
        title="xlsx",
        sha256=hashlib.sha256(buffer.getvalue()).hexdigest(),
    )
    assert xlsx.lines == 3
    from_xlsx = lines_of()
    assert from_xlsx[(units.rural.pk, 2024, "revenue", "executed", "1 04 1")] == 25_000
    BudgetLine.objects.all().delete()
    BudgetRelease.objects.all().delete()
    csv_result = import_csv(SYSTEM, csv_bytes(rows, THOUSANDS))
    assert csv_result.lines == 3
    assert lines_of() == from_xlsx


# Bad files: each refused, naming file:line:column, writing nothing.


def test_unknown_unit_is_refused(units):
    refused = refuse(csv_bytes([["Atlantis", 2024, "revenue", "executed", "1 01 2", "1"]]))
    assert only_problem(refused) == (
        "bad.csv:2:1: No unit is known as “Atlantis”. Use its KATO code, ISO code, OCD id or name."
    )


def test_unknown_code_is_refused(units):
    refused = refuse(
        csv_bytes(
            [
                ["195200000", 2024, "revenue", "executed", "1 01 2", "1"],
                ["195200000", 2024, "revenue", "executed", "9 99", "1"],
            ]
        )
    )
    assert only_problem(refused) == (
        "bad.csv:3:5: “9 99” is not a budget classification code for revenue."
    )


def test_expenditure_code_as_revenue_is_refused(units):
    refused = refuse(csv_bytes([["195200000", 2024, "revenue", "executed", "04 2", "1"]]))
    assert only_problem(refused) == (
        "bad.csv:2:5: “04 2” is not a budget classification code for revenue."
    )


def test_negative_amount_is_refused(units):
    refused = refuse(csv_bytes([["195200000", 2024, "revenue", "executed", "1 01 2", "-5"]]))
    assert only_problem(refused) == "bad.csv:2:6: Amounts cannot be negative (“-5”)."


def test_amount_more_precise_than_a_tiyn_is_refused(units):
    refused = refuse(
        csv_bytes(
            [
                ["195200000", 2024, "revenue", "executed", "1 01 2", "0.000001"],
                ["195200000", 2024, "revenue", "executed", "1 04 1", "0.000015"],
                ["195200000", 2024, "revenue", "executed", "2 06 1", "0.00001"],  # one tiyn
            ],
            THOUSANDS,
        )
    )
    assert [str(p) for p in refused.problems] == [
        "bad.csv:2:6: “0.000001” is more precise than one tiyn.",
        "bad.csv:3:6: “0.000015” is more precise than one tiyn.",
    ]
    refused = refuse(csv_bytes([["195200000", 2024, "revenue", "executed", "1 01 2", "1.005"]]))
    assert only_problem(refused) == "bad.csv:2:6: “1.005” is more precise than one tiyn."


def test_malformed_amount_is_refused(units):
    refused = refuse(csv_bytes([["195200000", 2024, "revenue", "executed", "1 01 2", "12a"]]))
    assert only_problem(refused) == (
        "bad.csv:2:6: “12a” is not an amount (digits, with a decimal point)."
    )


def test_duplicate_line_is_refused_naming_the_first(units):
    refused = refuse(
        csv_bytes(
            [
                ["195200000", 2024, "revenue", "executed", "1 01 2", "1"],
                ["195200000", 2024, "revenue", "executed", "1 04 1", "1"],
                ["Talgar District", 2024, "revenue", "executed", "1.01.2", "2"],
            ]
        )
    )
    assert only_problem(refused) == "bad.csv:4:5: This line repeats line 2."


def test_year_outside_the_units_existence_is_refused(units, history):
    assert history["KZ-10"].valid_from.isoformat() == "2022-06-08"
    refused = refuse(csv_bytes([["KZ-10", 2021, "revenue", "executed", "1 01 2", "1"]]))
    assert only_problem(refused) == (
        "bad.csv:2:1: Abai Region did not exist in 2021 (in force 2022-06-08 – …)."
    )
    # The year it was formed is fine.
    assert import_csv(SYSTEM, csv_bytes([["KZ-10", 2022, "revenue", "executed", "1", "1"]])).lines


def test_fourth_level_unit_before_2020_is_refused(units):
    refused = refuse(csv_bytes([["195243000", 2019, "revenue", "executed", "1 04 1", "1"]]))
    assert only_problem(refused) == (
        "bad.csv:2:1: Belbulak Rural District is a fourth-level unit; they have budgets of "
        "their own since 2020."
    )
    assert import_csv(SYSTEM, csv_bytes([["195243000", 2020, "revenue", "executed", "1", "1"]]))


@pytest.mark.parametrize("year", ["20x4", "1990", "3000", ""])
def test_bad_year_is_refused(units, year):
    refused = refuse(csv_bytes([["195200000", year, "revenue", "executed", "1 01 2", "1"]]))
    message = only_problem(refused)
    assert message.startswith(f"bad.csv:2:2: “{year}” is not a year between 1991 and ")


def test_bad_direction_is_refused(units):
    refused = refuse(csv_bytes([["195200000", 2024, "income", "executed", "1 01 2", "1"]]))
    assert only_problem(refused) == (
        "bad.csv:2:3: Direction must be revenue or expenditure, not “income”."
    )


def test_bad_phase_is_refused(units):
    refused = refuse(csv_bytes([["195200000", 2024, "revenue", "planned", "1 01 2", "1"]]))
    assert only_problem(refused) == (
        "bad.csv:2:4: Phase must be approved, adjusted or executed, not “planned”."
    )


def test_missing_column_is_refused(units):
    refused = refuse(
        csv_bytes(
            [["195200000", 2024, "revenue", "1 01 2", "1"]],
            ("unit", "year", "direction", "code", "amount_kzt"),
        )
    )
    assert only_problem(refused) == (
        "bad.csv:1:6: Column “phase” is missing (the header has: unit, year, direction, code, "
        "amount_kzt)."
    )


def test_no_amount_column_is_refused(units):
    refused = refuse(
        csv_bytes([["195200000", 2024, "revenue", "executed", "1 01 2", "1"]], BUDGET_HEADER[:5])
    )
    assert only_problem(refused) == (
        "bad.csv:1:6: The file needs exactly one amount column: amount_kzt, amount_thousand_kzt, "
        "amount_million_kzt."
    )


def test_two_amount_columns_are_refused(units):
    refused = refuse(
        csv_bytes(
            [["195200000", 2024, "revenue", "executed", "1 01 2", "1", "0.001"]],
            (*BUDGET_HEADER, "amount_thousand_kzt"),
        )
    )
    assert only_problem(refused) == (
        "bad.csv:1:7: The file needs exactly one amount column: amount_kzt, amount_thousand_kzt, "
        "amount_million_kzt."
    )


def test_column_named_twice_is_refused(units):
    refused = refuse(
        csv_bytes(
            [["195200000", 2024, "revenue", "executed", "1 01 2", "1", "x"]],
            (*BUDGET_HEADER, "Unit"),
        )
    )
    assert only_problem(refused) == "bad.csv:1:7: Column “unit” appears twice."


def test_file_that_is_not_utf8_is_refused_naming_line_and_column(units):
    good = "unit,year,direction,phase,code,amount_kzt,comment\n"
    good += "195200000,2024,revenue,executed,1 01 2,1,ok\n"
    prefix = "195200000,2024,revenue,executed,1 04 1,1,"
    data = good.encode() + (prefix + "Талгар\n").encode("cp1251")
    refused = refuse(data, "cp1251.csv")
    assert only_problem(refused) == (
        f"cp1251.csv:3:{len(prefix) + 1}: The file is not UTF-8 text (byte 0xD2 cannot be "
        "read). Save it as “CSV UTF-8” and import it again."
    )


def test_malformed_csv_is_refused(units):
    data = (
        b"unit,year,direction,phase,code,amount_kzt\n"
        b"195200000,2024,revenue,executed,1 01 2,1\n"
        b'195200000,2024,revenue,executed,"1 04 1"x,1\n'
    )
    message = only_problem(refuse(data))
    assert message.startswith("bad.csv:3:1: The CSV is malformed: ")


def test_xlsx_with_merged_header_cells_is_refused_naming_the_range(units):
    book = Workbook()
    sheet = book.active
    sheet.append(["unit", "year", "direction", "phase", "code", "amount_kzt", ""])
    sheet.append(["195200000", 2024, "revenue", "executed", "1 01 2", 1, ""])
    sheet.merge_cells("F1:G1")
    buffer = io.BytesIO()
    book.save(buffer)
    refused = refuse(buffer.getvalue(), "merged.xlsx")
    assert only_problem(refused) == (
        "merged.xlsx:1:6: Header cells F1:G1 are merged. Unmerge them so each column has its "
        "own name."
    )


def test_file_that_is_not_a_workbook_is_refused(units):
    refused = refuse(b"this is not a zip", "broken.xlsx")
    assert only_problem(refused) == "broken.xlsx:1:1: The file is not a readable XLSX workbook."


def test_file_without_lines_is_refused(units):
    refused = refuse(csv_bytes([]))
    assert only_problem(refused) == "bad.csv:2:1: The file has no budget lines."


def test_every_problem_of_a_file_is_listed(units, history):
    refused = refuse(
        csv_bytes(
            [
                ["195200000", 2024, "revenue", "executed", "1 01 2", "1"],  # 2: good
                ["Atlantis", 2024, "revenue", "executed", "9 99", "-1"],  # 3: unit, code, amount
                ["195200000", "2O24", "revenue", "executed", "1 01 2", "1"],  # 4: year
                ["195200000", 2024, "costs", "executed", "1 01 2", "1"],  # 5: direction
                ["195200000", 2024, "revenue", "planned", "1 04 1", "1"],  # 6: phase
                ["195200000", 2024, "revenue", "executed", "1 01 2", "2"],  # 7: repeats 2
                ["KZ-79", 2016, "revenue", "executed", "1 01 2", "1.001"],  # 8: unit, amount
                ["195200000", 2024, "revenue"],  # 9: short row
            ]
        )
    )
    assert [(p.file, p.line, p.column) for p in refused.problems] == [
        ("bad.csv", 3, 1),
        ("bad.csv", 3, 5),
        ("bad.csv", 3, 6),
        ("bad.csv", 4, 2),
        ("bad.csv", 5, 3),
        ("bad.csv", 6, 4),
        ("bad.csv", 7, 5),
        ("bad.csv", 8, 1),
        ("bad.csv", 8, 6),
        ("bad.csv", 9, 4),
    ]
    assert "repeats line 2" in refused.problems[6].message
    assert "Shymkent did not exist in 2016" in refused.problems[7].message
    assert str(refused) == "\n".join(str(p) for p in refused.problems)


def test_totals_that_do_not_add_up_are_warnings_and_totals_are_not_stored(units):
    rows = [
        ["195200000", 2024, "revenue", "executed", "1", "1000"],  # 2: total, lines add to 900
        ["195200000", 2024, "revenue", "executed", "1 01", "600"],  # 3: total, adds up
        ["195200000", 2024, "revenue", "executed", "1 01 1", "200"],
        ["195200000", 2024, "revenue", "executed", "1 01 2", "400"],
        ["195200000", 2024, "revenue", "executed", "1 04 1", "300"],
        ["195200000", 2024, "expenditure", "executed", "04", "50"],  # 7: total of 04 2 = 50.5
        ["195200000", 2024, "expenditure", "executed", "04 2", "50.50"],
    ]
    result = import_csv(SYSTEM, csv_bytes(rows))
    assert [str(w) for w in result.warnings] == [
        "budget.csv:2:1: The total of 1 is 1000 but its lines add up to 900 (difference 100 "
        "tenge).",
        "budget.csv:7:1: The total of 04 is 50 but its lines add up to 50.5 (difference -0.5 "
        "tenge).",
    ]
    d = units.district.pk
    assert lines_of() == {
        (d, 2024, "revenue", "executed", "1 01 1"): 20_000,
        (d, 2024, "revenue", "executed", "1 01 2"): 40_000,
        (d, 2024, "revenue", "executed", "1 04 1"): 30_000,
        (d, 2024, "expenditure", "executed", "04 2"): 5_050,
    }
    assert result.lines == 4
    assert Dataset.objects.get().lines == 4


def test_totals_that_add_up_give_no_warning(units):
    rows = [
        ["195200000", 2024, "revenue", "executed", "1", "900"],
        ["195200000", 2024, "revenue", "executed", "1 01 2", "400"],
        ["195200000", 2024, "revenue", "executed", "1 04 1", "500"],
    ]
    result = import_csv(SYSTEM, csv_bytes(rows))
    assert result.warnings == []
    assert result.lines == 2


@pytest.mark.parametrize(
    ("reference", "which"),
    [
        ("195200000", "district"),
        ("ocd-division/country:kz/region:kz-19/district:talgar", "district"),
        ("Талғар ауданы", "district"),
        ("Талгарский район", "district"),
        ("Talgar District", "district"),
        ("  talgar district ", "district"),
        ("KZ-19", "oblast"),
        ("kz-19", "oblast"),
        ("ocd-division/country:kz/region:kz-19", "oblast"),
        ("Алматы облысы", "oblast"),
        ("Алматинская область", "oblast"),
        ("Almaty Region", "oblast"),
        ("195243000", "rural"),
        ("Бельбулакский сельский округ", "rural"),
    ],
)
def test_units_are_found_by_kato_iso_ocd_and_names(units, reference, which):
    assert units.district.ocd_id == "ocd-division/country:kz/region:kz-19/district:talgar"
    import_csv(SYSTEM, csv_bytes([[reference, 2024, "revenue", "executed", "1 01 2", "1"]]))
    assert BudgetLine.objects.get().unit == getattr(units, which)


@pytest.mark.parametrize("name", ["South Kazakhstan Region", "Южно-Казахстанская область"])
def test_former_name_finds_the_unit_for_the_years_it_was_used(units, history, name):
    result = import_csv(SYSTEM, csv_bytes([[name, 2015, "revenue", "executed", "1 03 1", "40211"]]))
    assert result.lines == 1
    line = BudgetLine.objects.get()
    assert line.unit == history["KZ-61"]
    assert (line.year, line.amount) == (2015, 4_021_100)


def test_a_former_name_outside_its_years_is_refused(units, history):
    refused = refuse(
        csv_bytes([["South Kazakhstan Region", 2019, "revenue", "executed", "1 01 2", "1"]])
    )
    assert only_problem(refused) == (
        "bad.csv:2:1: “South Kazakhstan Region” was the name of Turkistan Region until 2018."
    )


def test_shymkent_before_2018_is_refused(units, history):
    refused = refuse(csv_bytes([["KZ-79", 2016, "revenue", "executed", "1 01 2", "1"]]))
    assert only_problem(refused) == (
        "bad.csv:2:1: Shymkent did not exist in 2016 (in force 2018-06-19 – …)."
    )


def test_ambiguous_name_is_refused(units, regions):
    one = make_unit(units.oblast, "district", "Zhanatas", kato="195600000")
    other = make_unit(regions["KZ-61"], "district", "Zhanatas", kato="615600000")
    refused = refuse(csv_bytes([["Zhanatas", 2024, "revenue", "executed", "1 01 2", "1"]]))
    assert only_problem(refused) == (
        "bad.csv:2:1: “Zhanatas” names 2 units; use the KATO code or OCD id."
    )
    result = import_csv(
        SYSTEM,
        csv_bytes(
            [
                [one.kato, 2024, "revenue", "executed", "1 01 2", "1"],
                [other.ocd_id, 2024, "revenue", "executed", "1 01 2", "2"],
            ]
        ),
    )
    assert result.new == 2


# The command line.


def test_import_budget_command_prints_the_summary(units, tmp_path):
    path = tmp_path / "talgar.csv"
    path.write_bytes(
        csv_bytes(
            [
                ["195200000", 2024, "revenue", "executed", "1 01 2", "1000.5"],
                ["195200000", 2024, "expenditure", "executed", "04 2", "2500"],
            ],
            THOUSANDS,
        )
    )
    out, err = io.StringIO(), io.StringIO()
    call_command("import_budget", str(path), "--title", "Talgar 2024", stdout=out, stderr=err)
    assert out.getvalue().startswith("talgar.csv: 2 written (2 new, 0 replaced, 0 unchanged) in ")
    assert err.getvalue() == ""
    dataset = Dataset.objects.get()
    assert (dataset.title, dataset.imported_by) == ("Talgar 2024", "cli:import-budget")
    assert BudgetLine.objects.filter(amount=100_050_000).count() == 1
    out = io.StringIO()
    call_command("import_budget", str(path), stdout=out, stderr=io.StringIO())
    assert out.getvalue().strip() == "talgar.csv: nothing changed (2 unchanged)"
    assert Dataset.objects.count() == 1


def test_import_budget_command_refuses_a_bad_file_listing_problems(units, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(
        csv_bytes(
            [
                ["Atlantis", 2024, "revenue", "executed", "1 01 2", "1"],
                ["195200000", 2024, "revenue", "executed", "1 01 2", "-1"],
            ]
        )
    )
    before = state()
    err = io.StringIO()
    with pytest.raises(CommandError, match="bad.csv: nothing imported"):
        call_command("import_budget", str(path), stdout=io.StringIO(), stderr=err)
    problems = err.getvalue().splitlines()
    assert problems[0].startswith("bad.csv:2:1: No unit is known as “Atlantis”")
    assert problems[1] == "bad.csv:3:6: Amounts cannot be negative (“-1”)."
    assert len(problems) == 2
    assert state() == before


def test_import_budget_command_prints_warnings_to_stderr(units, tmp_path):
    path = tmp_path / "totals.csv"
    path.write_bytes(
        csv_bytes(
            [
                ["195200000", 2024, "revenue", "executed", "1", "10"],
                ["195200000", 2024, "revenue", "executed", "1 01 2", "9"],
            ]
        )
    )
    err = io.StringIO()
    call_command("import_budget", str(path), stdout=io.StringIO(), stderr=err)
    assert err.getvalue().strip() == (
        "warning: totals.csv:2:1: The total of 1 is 10 but its lines add up to 9 (difference 1 "
        "tenge)."
    )
    assert BudgetLine.objects.get().amount == 900


def test_import_budget_command_refuses_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_budget", str(tmp_path / "missing.csv"))


def test_amounts_in_millions_are_scaled(units):
    import_csv(
        SYSTEM,
        csv_bytes(
            [["195200000", 2024, "revenue", "executed", "1 01 2", "1.23456789"]],
            (*BUDGET_HEADER[:5], "amount_million_kzt"),
        ),
    )
    assert BudgetLine.objects.get().amount == 123_456_789
    assert BudgetLine.objects.get().amount_tenge == Decimal("1234567.89")


def test_an_amount_above_any_budget_is_refused_on_the_fast_path_too(units):
    talgar = units.district.kato
    data = (
        "unit,year,direction,phase,code,amount_million_kzt\n"
        f"{talgar},2024,revenue,executed,1 01 2,1\n"
        f"{talgar},2024,revenue,executed,1 03 1,99999999999\n"
    ).encode()
    assert only_problem(refuse(data)) == ("bad.csv:3:6: “99999999999” is larger than any budget.")


def test_a_budget_adding_up_to_more_than_any_budget_is_refused(units):
    talgar = units.district.kato
    rows = [
        [talgar, 2024, "revenue", "executed", code, "60000000000000"]
        for code in ("1 01 1", "1 01 2")
    ]
    refused = refuse(csv_bytes(rows))
    assert only_problem(refused) == (
        "bad.csv:2:1: This budget adds up to more than any budget can (100 trillion tenge)."
    )


def test_a_thousands_separator_is_refused_as_ambiguous(units):
    refused = refuse(
        csv_bytes([[units.district.kato, 2024, "revenue", "executed", "1 01 2", "1,234"]])
    )
    assert only_problem(refused) == (
        "bad.csv:2:6: “1,234” is ambiguous: write amounts without thousands separators."
    )


def test_a_former_name_before_it_was_given_is_refused(units, history):
    refused = refuse(csv_bytes([["Nur-Sultan", 2005, "revenue", "executed", "1 01 2", "1"]]))
    assert only_problem(refused) == (
        "bad.csv:2:1: “Nur-Sultan” was the name of Astana from 2019 to 2022."
    )


@pytest.mark.parametrize(
    "descriptor",
    [b'{"resources": [1]}', b'{"resources": [{"name": "budget-lines", "path": "a.csv",'
     b' "schema": {"fields": 5}}]}', b"[" * 100_000, b'"text"'],
)  # fmt: skip
def test_a_malformed_package_descriptor_is_refused(units, descriptor):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("datapackage.json", descriptor)
        archive.writestr("a.csv", "unit\n")
    refused = refuse(buffer.getvalue(), "package.zip")
    assert "has no resource “budget-lines” with a path and a schema" in only_problem(refused)


def test_a_damaged_zip_is_refused(units):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datapackage.json", b"{}" * 5000)
    data = bytearray(buffer.getvalue())
    data[60:80] = b"\xff" * 20  # inside the compressed member
    refused = refuse(bytes(data), "package.zip")
    assert only_problem(refused) == "package.zip:1:1: The file is not a readable ZIP archive."
