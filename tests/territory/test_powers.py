"""The powers registry: the shipped CSV loads, reloads without change, and bad files are refused
with the file, line and column named and nothing written."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Count

from esep.core.actions import Actor
from esep.territory.models import BodyKind, Power, PowerAssignment
from esep.territory.powers import COLUMNS, POWERS_CSV, load_powers

pytestmark = pytest.mark.django_db

ACTOR = Actor.cli("tests")
LAW = "Law No. 148-II of 23.01.2001"


def shipped_rows() -> list[dict[str, str]]:
    with POWERS_CSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    return path


GOOD_ROW = [
    "approve_local_budget",
    "budget",
    "Жергілікті бюджетті бекіту",
    "Утверждение местного бюджета",
    "Approve the local budget",
    LAW,
    "Art. 6",
    "maslikhat:oblast:Art. 6|maslikhat:district:Art. 6",
]


def test_shipped_file_loads_every_row():
    rows = shipped_rows()
    assert len(rows) > 20
    assert load_powers(ACTOR) == len(rows)
    assert Power.objects.count() == len(rows)
    for power in Power.objects.all():
        assert power.title_kk.strip() and power.title_ru.strip() and power.title_en.strip()
        assert power.law == LAW
        assert power.assignments.exists(), power.code


def test_reloading_changes_nothing():
    load_powers(ACTOR)
    before = (
        Power.objects.count(),
        PowerAssignment.objects.count(),
        set(
            PowerAssignment.objects.values_list("power__code", "body_kind", "unit_kind", "article")
        ),
    )
    load_powers(ACTOR)
    after = (
        Power.objects.count(),
        PowerAssignment.objects.count(),
        set(
            PowerAssignment.objects.values_list("power__code", "body_kind", "unit_kind", "article")
        ),
    )
    assert after == before


def test_maslikhat_powers_overlap_across_levels():
    load_powers(ACTOR)
    overlapping = (
        Power.objects.filter(assignments__body_kind=BodyKind.MASLIKHAT)
        .annotate(levels=Count("assignments__unit_kind", distinct=True))
        .filter(levels__gte=2)
    )
    assert overlapping.count() >= 5


def test_unknown_body_kind_is_refused_with_its_place_and_writes_nothing(tmp_path):
    bad = list(GOOD_ROW)
    bad[0] = "approve_budget_execution_report"
    bad[7] = "maslikhat:oblast:Art. 6|parliament:district:Art. 6"
    path = write_csv(tmp_path / "bad_powers.csv", [GOOD_ROW, bad])

    with pytest.raises(ValidationError) as caught:
        load_powers(ACTOR, path)

    message = " ".join(caught.value.messages)
    assignments_column = COLUMNS.index("assignments") + 1
    assert "bad_powers.csv" in message
    assert f":3:{assignments_column}:" in message
    assert "parliament" in message
    assert Power.objects.count() == 0
    assert PowerAssignment.objects.count() == 0


def test_other_bad_rows_are_refused(tmp_path):
    empty_title = list(GOOD_ROW)
    empty_title[0], empty_title[4] = "second", " "
    malformed = list(GOOD_ROW)
    malformed[0], malformed[7] = "third", "maslikhat-oblast"
    unknown_unit = list(GOOD_ROW)
    unknown_unit[0], unknown_unit[7] = "fourth", "akimat:galaxy:Art. 27"
    path = write_csv(tmp_path / "powers.csv", [GOOD_ROW, empty_title, malformed, unknown_unit])

    with pytest.raises(ValidationError) as caught:
        load_powers(ACTOR, path)

    messages = caught.value.messages
    assert any(":3:5:" in m for m in messages)  # title_en, line 3
    assert any(":4:8:" in m and "maslikhat-oblast" in m for m in messages)
    assert any(":5:8:" in m and "galaxy" in m for m in messages)
    assert not Power.objects.exists()
