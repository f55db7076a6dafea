"""Every write is an action: it leaves who, what, when and the role; refused ones leave nothing."""

import pytest

from esep.core.actions import ActionRefused, Actor
from esep.core.models import AuditEntry
from esep.territory import actions
from esep.territory.models import Unit
from tests.conftest import add_district


def test_system_actions_are_recorded_with_their_command(regions):
    entry = AuditEntry.objects.filter(verb="publish_unit").first()
    assert entry.actor is None and entry.actor_label == "cli:tests" and entry.role == "system"
    assert entry.target_type == "territory.unit" and entry.data["ledger_seq"] >= 1


def test_a_refused_action_changes_nothing(carol, regions):
    before = (Unit.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ActionRefused):
        add_district(regions["KZ-75"], "Refused", actor=Actor.of(carol))
    assert (Unit.objects.count(), AuditEntry.objects.count()) == before


def test_a_failing_action_rolls_back_its_audit_entry(alice, regions):
    before = AuditEntry.objects.count()
    with pytest.raises(ValueError), actions.action("create_unit", Actor.of(alice), None):
        raise ValueError("boom")
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize("who", ["carol", "dana", "erlan", "farida", "bob"])
def test_only_administrators_publish_units(request, who, regions):
    with pytest.raises(ActionRefused):
        actions.publish_unit(Actor.of(request.getfixturevalue(who)), regions["KZ-10"])


def test_an_administrator_publishes_and_is_recorded(alice, regions):
    entry = actions.publish_unit(Actor.of(alice), regions["KZ-10"])
    audit = AuditEntry.objects.get(verb="publish_unit", actor=alice)
    assert audit.role == "administrator" and audit.data["ledger_seq"] == entry.seq


@pytest.mark.parametrize("who", ["carol", "dana", "erlan", "farida", "bob"])
def test_only_administrators_create_units_and_bodies(request, who, regions):
    actor = Actor.of(request.getfixturevalue(who))
    before = (Unit.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ActionRefused):
        add_district(regions["KZ-61"], "Refused", actor=actor)
    with pytest.raises(ActionRefused):
        actions.create_body(actor, unit=regions["KZ-61"], kind="audit_commission")
    assert (Unit.objects.count(), AuditEntry.objects.count()) == before


def test_an_administrator_creates_units_and_bodies(alice, regions):
    unit = add_district(regions["KZ-61"], "Sairam", actor=Actor.of(alice))
    assert unit.path == f"{regions['KZ'].pk}/{regions['KZ-61'].pk}/{unit.pk}/"
    body = actions.create_body(Actor.of(alice), unit=unit, kind="akimat")
    assert AuditEntry.objects.filter(
        verb="create_body", target_id=str(body.pk), role="administrator"
    ).exists()
