"""The publication ledger: every publication is chained; `esep verify` finds tampering."""

import pytest
from django.core.management import CommandError, call_command

from esep.core import ledger
from esep.core.models import LedgerEntry
from esep.territory.actions import publish_unit
from esep.territory.models import Unit
from tests.conftest import SYSTEM, add_district


def seq_of(unit: Unit) -> int:
    return LedgerEntry.objects.filter(record_id=str(unit.pk)).latest("seq").seq


def test_publications_form_an_intact_chain(regions):
    verdict = ledger.verify()
    assert verdict.ok and verdict.checked == 21
    entries = list(LedgerEntry.objects.order_by("seq"))
    assert entries[0].prev_hash == ledger.GENESIS
    for before, after in zip(entries, entries[1:], strict=False):
        assert after.prev_hash == before.entry_hash
    call_command("verify")  # does not raise


def test_altering_a_published_row_is_caught_and_named(regions):
    almaty = regions["KZ-75"]
    Unit.objects.filter(pk=almaty.pk).update(name_en="Almaty (altered)")
    verdict = ledger.verify()
    assert not verdict.ok
    assert verdict.seq == seq_of(almaty)
    assert f"territory.unit {almaty.pk} was altered" in verdict.problem
    with pytest.raises(CommandError, match=rf"ledger entry #{seq_of(almaty)}: .* was altered"):
        call_command("verify")


def test_deleting_a_published_row_is_caught_and_named(regions):
    lone = add_district(regions["KZ-61"], "Lone")
    entry = publish_unit(SYSTEM, lone)
    Unit.objects.filter(pk=lone.pk).delete()
    with pytest.raises(CommandError, match=rf"ledger entry #{entry.seq}: .* was deleted"):
        call_command("verify")


def test_editing_or_removing_a_ledger_entry_is_caught(regions):
    LedgerEntry.objects.filter(seq=5).update(payload='{"forged":true}')
    assert ledger.verify().seq == 5
    LedgerEntry.objects.filter(seq=5).delete()
    verdict = ledger.verify()
    assert (verdict.seq, verdict.problem) == (5, "entry is missing from the ledger")


def test_rewriting_a_stored_entry_consistently_still_breaks_the_chain(regions):
    entry = LedgerEntry.objects.get(seq=3)
    forged = entry.payload.replace('"population":', '"population_forged":')
    LedgerEntry.objects.filter(pk=entry.pk).update(
        payload=forged, record_hash=ledger.sha256(forged)
    )
    verdict = ledger.verify()
    assert verdict.seq == 3 and "altered after it was written" in verdict.problem


def test_a_correction_is_a_new_version_and_keeps_the_chain_intact(regions):
    unit = regions["KZ-10"]
    unit.population = 610_190
    unit.save()
    assert not ledger.verify().ok
    entry = publish_unit(SYSTEM, unit)
    assert ledger.verify().ok
    assert LedgerEntry.objects.filter(record_id=str(unit.pk)).count() == 2
    assert '"population":610190' in entry.payload


def test_canonical_json_is_stable():
    from decimal import Decimal

    assert ledger.canonical_json({"b": Decimal("1.50"), "a": "Қ"}) == '{"a":"Қ","b":"1.50"}'


def test_removing_the_last_entry_is_caught(regions):
    last = LedgerEntry.objects.latest("seq")
    last.delete()
    verdict = ledger.verify()
    assert not verdict.ok and verdict.seq == last.seq
    assert "has no ledger entry" in verdict.problem


def test_verify_reports_the_head_hash_to_compare_with_published_copies(regions):
    verdict = ledger.verify()
    assert verdict.head == LedgerEntry.objects.latest("seq").entry_hash
    assert verdict.head in str(verdict)


@pytest.mark.django_db(transaction=True)
def test_concurrent_publications_queue_and_keep_one_chain():
    import threading

    from django.db import connection

    from esep.territory.importers import load_regions

    load_regions(SYSTEM)
    units = list(Unit.objects.all()[:8])
    errors: list[Exception] = []

    def publish(unit: Unit) -> None:
        try:
            publish_unit(SYSTEM, unit)
        except Exception as exc:  # noqa: BLE001 — collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=publish, args=(unit,)) for unit in units]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert LedgerEntry.objects.count() == 21 + len(units)
    assert ledger.verify().ok
