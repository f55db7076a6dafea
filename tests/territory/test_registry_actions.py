"""Writes to the registry: what they record, and bad input refused with nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from esep.core import ledger
from esep.core.models import AuditEntry, LedgerEntry
from esep.territory import actions, queries
from esep.territory.models import FormerName, Mandate, Unit, UnitChange
from tests.conftest import SYSTEM

D = dt.date


def counts() -> tuple[int, int, int, int]:
    return (
        Mandate.objects.count(),
        AuditEntry.objects.count(),
        LedgerEntry.objects.count(),
        Unit.objects.count(),
    )


def codes(error: ValidationError) -> set[str]:
    if hasattr(error, "error_dict"):
        return {e.code for errors in error.error_dict.values() for e in errors}
    return {e.code for e in error.error_list}


def refused(code: str, call, *args, **kwargs) -> ValidationError:
    """`call` raises a ValidationError with `code`, and nothing is written."""
    before = counts()
    with pytest.raises(ValidationError) as info:
        call(*args, **kwargs)
    assert counts() == before, "a refused write must leave nothing behind"
    assert code in codes(info.value)
    return info.value


def test_elected_mandate_gets_its_term_end_and_is_published(registry):
    mandate = registry.rural_mandate
    assert mandate.term_ends == D(2025, 7, 25)  # rural akims: 4 years
    assert mandate.published_at is not None
    assert (
        LedgerEntry.objects.filter(
            record_type="territory.mandate", record_id=str(mandate.pk)
        ).count()
        == 1
    )
    assert ledger.verify().ok


def test_appointed_mandate_has_no_term_end(registry):
    akim = Mandate.objects.get(post=registry.posts.talgar_akim)
    assert akim.term_ends is None
    assert akim.appointed_by == registry.oblast_akimat


def test_second_current_holder_is_refused(registry):
    error = refused(
        "post_has_holder",
        actions.record_mandate,
        SYSTEM,
        person=registry.people.deputy2,
        post=registry.posts.talgar_akim,
        basis="appointed",
        start=D(2024, 1, 1),
    )
    assert "Ахметов Ерлан" in str(error)


def test_replacing_the_holder_ends_the_old_mandate_and_republishes_it(registry):
    old = Mandate.objects.get(post=registry.posts.talgar_akim, end__isnull=True)
    new = actions.record_mandate(
        SYSTEM,
        person=registry.people.deputy2,
        post=registry.posts.talgar_akim,
        basis="elected_direct",
        start=D(2025, 10, 12),
        replaces_current=True,
    )
    old.refresh_from_db()
    assert (old.end, old.end_reason) == (D(2025, 10, 12), "replaced")
    assert new.term_ends == D(2029, 10, 12)
    assert (
        LedgerEntry.objects.filter(record_type="territory.mandate", record_id=str(old.pk)).count()
        == 2
    )
    assert ledger.verify().ok


def test_replacement_must_start_after_the_current_mandate(registry):
    refused(
        "start_before_current",
        actions.record_mandate,
        SYSTEM,
        person=registry.people.deputy2,
        post=registry.posts.talgar_akim,
        basis="appointed",
        start=D(2022, 3, 1),
        replaces_current=True,
    )


def test_overlapping_dates_are_refused(registry):
    refused(
        "mandate_overlap",
        actions.record_mandate,
        SYSTEM,
        person=registry.people.deputy2,
        post=registry.posts.belbulak_akim,
        basis="elected_indirect",
        start=D(2017, 1, 1),
        end=D(2018, 1, 1),
        end_reason="resigned",
    )


def test_a_past_mandate_between_others_is_accepted(registry):
    mandate = actions.record_mandate(
        SYSTEM,
        person=registry.people.deputy2,
        post=registry.posts.belbulak_akim,
        basis="acting",
        start=D(2010, 1, 1),
        end=D(2013, 8, 20),
        end_reason="replaced",
    )
    assert mandate.pk


def test_reversed_dates_are_refused(registry):
    error = refused(
        "end_before_start",
        actions.record_mandate,
        SYSTEM,
        person=registry.people.deputy2,
        post=registry.posts.talgar_deputy_akim,
        basis="appointed",
        start=D(2024, 5, 1),
        end=D(2024, 4, 1),
        end_reason="resigned",
    )
    assert "end" in error.error_dict


def test_the_database_keeps_one_holder_and_ordered_dates(registry):
    post = registry.posts.talgar_akim
    with pytest.raises(IntegrityError), transaction.atomic():
        Mandate.objects.create(
            person=registry.people.deputy2, post=post, basis="acting", start=D(2024, 1, 1)
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Mandate.objects.create(
            person=registry.people.deputy2,
            post=registry.posts.talgar_deputy_akim,
            basis="acting",
            start=D(2024, 1, 1),
            end=D(2023, 1, 1),
            end_reason="resigned",
        )


def test_term_limit_is_checked_when_a_mandate_is_recorded(registry):
    actions.set_term_rule(SYSTEM, post_kind="akim", term_years=4, max_consecutive_terms=2)
    error = refused(
        "term_limit",
        actions.record_mandate,
        SYSTEM,
        person=registry.people.rural_akim,
        post=registry.posts.belbulak_akim,
        basis="elected_direct",
        start=D(2025, 7, 27),
        replaces_current=True,
    )
    assert "2" in str(error)
    # Someone else may be elected; then the former holder may come back.
    actions.record_mandate(
        SYSTEM,
        person=registry.people.deputy2,
        post=registry.posts.belbulak_akim,
        basis="elected_direct",
        start=D(2025, 7, 27),
        replaces_current=True,
    )


def test_no_term_limit_by_default(registry):
    actions.record_mandate(
        SYSTEM,
        person=registry.people.rural_akim,
        post=registry.posts.belbulak_akim,
        basis="elected_direct",
        start=D(2025, 7, 27),
        replaces_current=True,
    )
    assert (
        Mandate.objects.filter(
            post=registry.posts.belbulak_akim, person=registry.people.rural_akim
        ).count()
        == 3
    )


def test_ending_a_mandate(registry):
    mandate = Mandate.objects.get(post=registry.posts.chair)
    actions.end_mandate(SYSTEM, mandate, end=D(2024, 2, 1), reason="resigned")
    mandate.refresh_from_db()
    assert (mandate.end, mandate.end_reason) == (D(2024, 2, 1), "resigned")
    refused(
        "mandate_already_ended",
        actions.end_mandate,
        SYSTEM,
        mandate,
        end=D(2024, 3, 1),
        reason="died",
    )


def test_ending_before_the_start_is_refused(registry):
    mandate = Mandate.objects.get(post=registry.posts.chair)
    refused(
        "end_before_start",
        actions.end_mandate,
        SYSTEM,
        mandate,
        end=D(2020, 1, 1),
        reason="resigned",
    )


def test_a_unit_cannot_become_its_own_ancestor(registry):
    refused(
        "unit_own_ancestor",
        actions.move_unit,
        SYSTEM,
        registry.talgar,
        parent=registry.belbulak,
        date=D(2024, 1, 1),
    )
    refused(
        "unit_own_ancestor",
        actions.move_unit,
        SYSTEM,
        registry.talgar,
        parent=registry.talgar,
        date=D(2024, 1, 1),
    )


def test_moving_a_unit_moves_everything_below_it(registry):
    zhetisu = registry.regions["KZ-33"]
    actions.move_unit(SYSTEM, registry.talgar, parent=zhetisu, date=D(2024, 1, 1))
    kendala = Unit.objects.get(pk=registry.kendala.pk)
    assert kendala.path.startswith(zhetisu.path)
    assert kendala.depth == 4
    assert zhetisu.covers(kendala) and not registry.oblast.covers(kendala)
    assert UnitChange.objects.filter(unit=registry.talgar, kind="moved", other=zhetisu).exists()


def test_a_unit_kind_must_fit_its_parent(registry):
    refused(
        "kind_not_allowed_here",
        actions.create_unit,
        SYSTEM,
        kind="village",
        parent=registry.oblast,
        name_kk="x",
        name_ru="x",
        name_en="x",
        ocd_id="ocd-division/country:kz/region:kz-19/village:x",
    )


def test_a_malformed_kato_code_is_refused(registry):
    refused(
        "kato_format",
        actions.create_unit,
        SYSTEM,
        kind="district",
        parent=registry.oblast,
        name_kk="x",
        name_ru="x",
        name_en="x",
        kato="19A",
        ocd_id="ocd-division/country:kz/region:kz-19/district:x",
    )


def test_a_kato_code_in_force_is_unique(registry):
    refused(
        "kato_taken",
        actions.create_unit,
        SYSTEM,
        kind="district",
        parent=registry.oblast,
        name_kk="x",
        name_ru="x",
        name_en="x",
        kato="195200000",
        ocd_id="ocd-division/country:kz/region:kz-19/district:x",
    )


def test_renaming_keeps_the_former_name_findable(registry):
    actions.rename_unit(
        SYSTEM,
        registry.talgar,
        name_kk="Жаңа аудан",
        name_ru="Новый район",
        name_en="New District",
        date=D(2024, 6, 1),
    )
    former = FormerName.objects.get(unit=registry.talgar)
    assert (former.name_en, former.valid_until) == ("Talgar District", D(2024, 6, 1))
    units, _people = queries.search("Talgar")
    assert registry.talgar in units
    refused(
        "rename_out_of_order",
        actions.rename_unit,
        SYSTEM,
        registry.talgar,
        name_kk="a",
        name_ru="a",
        name_en="a",
        date=D(2024, 1, 1),
    )


def test_split_and_end_keep_history(registry):
    (new,) = actions.split_unit(
        SYSTEM,
        registry.talgar,
        date=D(2024, 3, 1),
        new_units=[
            dict(
                kind="district",
                name_kk="Жаңа",
                name_ru="Новый",
                name_en="New",
                ocd_id=f"{registry.oblast.ocd_id}/district:new",
            )
        ],
    )
    assert new.valid_from == D(2024, 3, 1) and new.parent == registry.oblast
    assert UnitChange.objects.get(unit=new).other == registry.talgar
    refused("unit_has_children", actions.end_unit, SYSTEM, registry.talgar, date=D(2024, 3, 2))
    actions.end_unit(SYSTEM, new, date=D(2025, 1, 1), merged_into=registry.talgar)
    new.refresh_from_db()
    assert new.valid_until == D(2025, 1, 1)
    refused("unit_not_in_force", actions.end_unit, SYSTEM, new, date=D(2025, 2, 1))


def test_population_history(registry):
    actions.record_population(SYSTEM, registry.talgar, year=2024, population=215_000)
    actions.record_population(SYSTEM, registry.talgar, year=2020, population=190_000)
    registry.talgar.refresh_from_db()
    assert (registry.talgar.population, registry.talgar.population_year) == (215_000, 2024)
    assert registry.talgar.populations.count() == 3


def test_post_kind_must_fit_the_body(registry):
    refused(
        "post_kind_not_allowed",
        actions.create_post,
        SYSTEM,
        body=registry.bodies["belbulak_akimat"],
        kind="list_deputy",
    )
    refused(
        "post_exists",
        actions.create_post,
        SYSTEM,
        body=registry.bodies["belbulak_akimat"],
        kind="akim",
    )


def test_term_rules_from_the_command_line(db, capsys):
    from django.core.management import CommandError, call_command

    from esep.territory.models import TermRule

    call_command("set_term_rule", "--post-kind", "akim", "--years", "4", "--max-consecutive", "2")
    assert TermRule.objects.get(post_kind="akim").max_consecutive_terms == 2
    assert "limit 2" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("set_term_rule", "--post-kind", "akim", "--years", "40")
    assert TermRule.objects.get(post_kind="akim").term_years == 4


def test_real_history_of_the_top_level(regions):
    from esep.territory.history import load_history

    added = load_history(SYSTEM)
    assert added == 11
    assert load_history(SYSTEM) == 0  # once
    astana, turkistan = regions["KZ-71"], regions["KZ-61"]
    assert astana in queries.search("Nur-Sultan")[0]
    assert astana in queries.search("Акмола")[0]
    assert turkistan in queries.search("South Kazakhstan")[0]
    assert turkistan in queries.search("Оңтүстік Қазақстан")[0]
    abai = Unit.objects.get(pk=regions["KZ-10"].pk)
    assert abai.valid_from == D(2022, 6, 8)
    assert UnitChange.objects.get(unit=abai).other == regions["KZ-63"]
    assert ledger.verify().ok


JAN = D(2026, 1, 1)


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"start": D(9998, 6, 1)}, "start", "start_out_of_range"),
        ({"start": D(1900, 1, 1)}, "start", "start_out_of_range"),
        ({"start": JAN, "end": D(2099, 1, 1), "end_reason": "resigned"}, "end", "end_in_future"),
        ({"start": JAN, "end": D(2026, 2, 1), "end_reason": "banana"}, "end_reason", "end_reason"),
        ({"start": JAN, "end_reason": "resigned"}, "end_reason", "end_reason"),
    ],
)  # fmt: skip
def test_mandate_dates_and_reasons_are_checked(registry, changes, field, code):
    fields = dict(
        person=registry.people.deputy2, post=registry.posts.talgar_deputy_akim, basis="appointed"
    )
    error = refused(code, actions.record_mandate, SYSTEM, **fields, **changes)
    assert field in error.error_dict


def test_ending_in_the_future_is_refused(registry):
    mandate = Mandate.objects.get(post=registry.posts.chair)
    refused(
        "end_in_future", actions.end_mandate, SYSTEM, mandate, end=D(2099, 1, 1), reason="resigned"
    )


def test_ending_a_unit_ends_its_mandates_and_closes_it_to_new_ones(registry):
    actions.end_unit(SYSTEM, registry.kendala, date=D(2024, 1, 1))
    actions.end_unit(SYSTEM, registry.belbulak, date=D(2024, 1, 1), merged_into=registry.talgar)
    rural = Mandate.objects.get(pk=registry.rural_mandate.pk)
    assert (rural.end, rural.end_reason) == (D(2024, 1, 1), "unit_changed")
    refused(
        "unit_not_in_force", actions.record_mandate, SYSTEM, person=registry.people.deputy2,
        post=registry.posts.belbulak_akim, basis="elected_direct", start=D(2025, 1, 1),
    )  # fmt: skip
    refused(
        "parent_not_in_force",
        actions.move_unit,
        SYSTEM,
        registry.talgar,
        parent=registry.belbulak,
        date=D(2025, 1, 1),
    )
    refused(
        "unit_not_in_force",
        actions.split_unit,
        SYSTEM,
        registry.belbulak,
        date=D(2025, 1, 1),
        new_units=[],
    )


def test_bad_population_and_rename_dates_get_clear_errors(registry):
    before = counts()
    with pytest.raises(ValidationError):
        actions.record_population(SYSTEM, registry.talgar, year=1800, population=5)
    assert counts() == before
    abai = registry.regions["KZ-10"]
    actions.record_unit_change(SYSTEM, abai, kind="split", date=D(2022, 6, 8), starts_unit=True)
    refused(
        "rename_too_early",
        actions.rename_unit,
        SYSTEM,
        Unit.objects.get(pk=abai.pk),
        name_kk="a",
        name_ru="a",
        name_en="a",
        date=D(2020, 1, 1),
    )
    refused("body_exists", actions.create_body, SYSTEM, unit=registry.talgar, kind="akimat")
