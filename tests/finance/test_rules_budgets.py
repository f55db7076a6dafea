"""Who may publish budget figures: administrators anywhere; an akimat's editors the budget of
their own unit and the transfers between it and the budgets below it; nobody else. Loading the
classification and rebuilding indicators are administrative."""

from __future__ import annotations

import pytest
from django.utils import translation

from esep.core.actions import ActionRefused, Actor
from esep.core.models import AuditEntry
from esep.finance.actions import load_classification, rebuild_indicators
from esep.finance.models import BudgetLine, BudgetRelease, Classification, Dataset, Transfer
from tests.conftest import SYSTEM
from tests.finance.conftest import TRANSFER_HEADER, csv_bytes, import_csv, import_transfers_csv


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def units(classification, budget_units):
    return budget_units


def state() -> tuple[int, ...]:
    return (
        BudgetLine.objects.count(),
        BudgetRelease.objects.count(),
        Transfer.objects.count(),
        Dataset.objects.count(),
        AuditEntry.objects.count(),
    )


def budget_of(*units) -> bytes:
    return csv_bytes(
        [[unit.ocd_id, 2024, "revenue", "executed", "1 01 2", "100"] for unit in units]
    )


def transfer(giver, receiver, kind: str = "subvention", year: int = 2024) -> bytes:
    return csv_bytes(
        [[giver.ocd_id, receiver.ocd_id, year, kind, "1000", "", "", ""]], TRANSFER_HEADER
    )


def allowed(run, actor: Actor, data: bytes) -> None:
    result = run(actor, data)
    assert result.changed
    assert result.dataset.imported_by == actor.label


def refused(run, actor: Actor, data: bytes) -> None:
    before = state()
    with pytest.raises(ActionRefused):
        run(actor, data)
    assert state() == before


# Budget lines.


@pytest.mark.parametrize("which", ["oblast", "district", "rural", "republic"])
def test_administrator_imports_any_units_budget(units, alice, which):
    allowed(import_csv, Actor.of(alice), budget_of(getattr(units, which)))
    assert BudgetLine.objects.get().unit == getattr(units, which)


def test_administrator_imports_a_file_mixing_units(units, alice):
    allowed(import_csv, Actor.of(alice), budget_of(units.oblast, units.district, units.rural))
    assert BudgetLine.objects.count() == 3


def test_system_imports_any_budget(units):
    allowed(import_csv, SYSTEM, budget_of(units.oblast, units.district, units.rural))


def test_district_akimat_editor_imports_the_districts_budget(units, aigerim):
    allowed(import_csv, Actor.of(aigerim), budget_of(units.district))
    line = BudgetLine.objects.get()
    assert line.unit == units.district
    entry = AuditEntry.objects.filter(verb="import_budget").get()
    assert (entry.actor, entry.actor_label) == (aigerim, "aigerim@example.kz")


@pytest.mark.parametrize("which", ["oblast", "rural", "republic"])
def test_district_akimat_editor_is_refused_other_units_budgets(units, aigerim, which):
    refused(import_csv, Actor.of(aigerim), budget_of(getattr(units, which)))


def test_district_akimat_editor_is_refused_a_file_mixing_units(units, aigerim):
    refused(import_csv, Actor.of(aigerim), budget_of(units.district, units.rural))
    refused(import_csv, Actor.of(aigerim), budget_of(units.oblast, units.district))


def test_refusal_names_the_unit(units, aigerim):
    with pytest.raises(ActionRefused, match="You may not publish figures for Almaty Region."):
        import_csv(Actor.of(aigerim), budget_of(units.district, units.oblast))


def test_district_akimat_editor_cannot_replace_another_units_published_budget(
    published_budget, aigerim
):
    rows = [[published_budget.oblast.ocd_id, 2024, "revenue", "executed", "1 01 2", "1"]]
    refused(import_csv, Actor.of(aigerim), csv_bytes(rows))


def test_oblast_akimat_editor_imports_the_oblasts_budget_only(units, serik):
    allowed(import_csv, Actor.of(serik), budget_of(units.oblast))
    refused(import_csv, Actor.of(serik), budget_of(units.district))
    refused(import_csv, Actor.of(serik), budget_of(units.rural))


def test_maslikhat_staff_is_refused(units, dana):
    refused(import_csv, Actor.of(dana), budget_of(units.district))
    refused(import_csv, Actor.of(dana), budget_of(units.oblast))


def test_resident_and_anonymous_are_refused(units, nurlan):
    refused(import_csv, Actor.of(nurlan), budget_of(units.district))
    refused(import_csv, Actor.of(None), budget_of(units.district))


def test_revoked_editor_is_refused(units, aigerim, fresh_user):
    from esep.accounts import actions as account_actions
    from esep.accounts.models import Role

    role = Role.objects.get(user=aigerim)
    account_actions.revoke_role(SYSTEM, role=role)
    refused(import_csv, Actor.of(fresh_user(aigerim)), budget_of(units.district))


# Transfers.


def test_administrator_imports_any_transfer(units, alice):
    allowed(import_transfers_csv, Actor.of(alice), transfer(units.republic, units.oblast))
    allowed(import_transfers_csv, Actor.of(alice), transfer(units.district, units.rural))


def test_editor_of_the_budget_above_imports_its_transfers(units, serik):
    allowed(import_transfers_csv, Actor.of(serik), transfer(units.oblast, units.district))
    assert Transfer.objects.get().receiver == units.district
    # A withdrawal the district pays to the oblast is set by the oblast too.
    allowed(
        import_transfers_csv,
        Actor.of(serik),
        transfer(units.district, units.oblast, kind="withdrawal"),
    )


def test_editor_of_the_budget_below_is_refused_its_transfers(units, aigerim):
    # The district's staff may not set what the oblast gives it, nor what it pays upward,
    # nor claim a subvention to a budget elsewhere.
    refused(import_transfers_csv, Actor.of(aigerim), transfer(units.oblast, units.district))
    refused(
        import_transfers_csv,
        Actor.of(aigerim),
        transfer(units.district, units.oblast, kind="withdrawal"),
    )
    refused(import_transfers_csv, Actor.of(aigerim), transfer(units.district, units.republic))


def test_editor_of_a_district_imports_transfers_to_the_units_below(units, aigerim):
    allowed(import_transfers_csv, Actor.of(aigerim), transfer(units.district, units.rural))


def test_editor_of_neither_end_is_refused_the_transfer(units, aigerim, serik):
    refused(import_transfers_csv, Actor.of(aigerim), transfer(units.republic, units.oblast))
    refused(import_transfers_csv, Actor.of(serik), transfer(units.district, units.rural))


def test_transfer_file_with_one_foreign_row_is_refused(units, aigerim):
    data = csv_bytes(
        [
            [units.district.ocd_id, units.rural.ocd_id, 2024, "subvention", "1", "", "", ""],
            [units.republic.ocd_id, units.oblast.ocd_id, 2024, "subvention", "1", "", "", ""],
        ],
        TRANSFER_HEADER,
    )
    with pytest.raises(
        ActionRefused,
        match="You may not publish transfers between Republic of Kazakhstan and Almaty Region.",
    ):
        import_transfers_csv(Actor.of(aigerim), data)
    assert Transfer.objects.count() == 0


def test_maslikhat_staff_resident_and_anonymous_are_refused_transfers(units, dana, nurlan):
    data = transfer(units.oblast, units.district)
    refused(import_transfers_csv, Actor.of(dana), data)
    refused(import_transfers_csv, Actor.of(nurlan), data)
    refused(import_transfers_csv, Actor.of(None), data)


# Administrative actions.


def test_rebuild_indicators_is_for_administrators_and_the_system(published_budget, alice):
    assert rebuild_indicators(Actor.of(alice)) > 0
    assert rebuild_indicators(SYSTEM, {2024}) > 0
    entry = AuditEntry.objects.filter(verb="rebuild_indicators").latest("id")
    assert entry.data["years"] == [2024]


def test_rebuild_indicators_is_refused_to_everyone_else(
    published_budget, aigerim, serik, dana, nurlan
):
    for user in (aigerim, serik, dana, nurlan, None):
        before = AuditEntry.objects.count()
        with pytest.raises(ActionRefused):
            rebuild_indicators(Actor.of(user))
        assert AuditEntry.objects.count() == before


def test_load_classification_is_for_administrators_and_the_system(db, regions, alice):
    assert load_classification(Actor.of(alice)) == Classification.objects.count() > 100
    assert load_classification(SYSTEM) == 0  # what exists is left alone


def test_load_classification_is_refused_to_everyone_else(budget_units, aigerim, serik, nurlan):
    for user in (aigerim, serik, nurlan, None):
        with pytest.raises(ActionRefused):
            load_classification(Actor.of(user))
        assert Classification.objects.count() == 0
