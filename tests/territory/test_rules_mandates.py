"""Who may record and end which mandates: the staff of the body that appoints or registers it,
and administrators; everyone else is refused (actions and forms)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from esep.core.actions import ActionRefused, Actor
from esep.core.models import AuditEntry
from esep.territory import actions
from esep.territory.models import Mandate

D = dt.date

CAST = {"alice", "bob", "carol", "dana", "erlan", "farida", "gulnar", "timur", "aidar", "saule"}
# (post in the registry fixture, basis, who may); everyone else in the cast may not.
ALLOWED = [
    # Rural akims elected directly: the election commission of the oblast (farida).
    ("belbulak_akim", "elected_direct", {"alice", "farida"}),
    # Rural akims elected by the district maslikhat (2013–2021): its staff (timur), not the
    # oblast maslikhat's (saule).
    ("belbulak_akim", "elected_indirect", {"alice", "timur"}),
    # Acting rural akim: appointed by an akimat above (the district's, the oblast's).
    ("belbulak_akim", "acting", {"alice", "aidar", "gulnar"}),
    # District akim appointed by the oblast akimat (gulnar); never by its own akimat (aidar).
    ("talgar_akim", "appointed", {"alice", "gulnar"}),
    # District akims elected directly (since 2021): the election commission.
    ("talgar_akim", "elected_direct", {"alice", "farida"}),
    # Deputy akim: appointed by the district akim's own akimat, or the oblast's.
    ("talgar_deputy_akim", "appointed", {"alice", "aidar", "gulnar"}),
    # Maslikhat chair elected by the deputies: the maslikhat's staff.
    ("chair", "elected_indirect", {"alice", "timur"}),
    # Deputies elected directly: the election commission; not the maslikhat's staff (timur) nor
    # an akimat above (gulnar).
    ("seat1", "elected_direct", {"alice", "farida"}),
]
# Ways a post cannot be obtained: refused to every role, and bad input even for administrators.
NOT_ALLOWED = [
    ("oblast_akim", "elected_direct"),  # oblast akims are appointed
    ("talgar_akim", "elected_indirect"),  # district akims were never elected by deputies
    ("seat1", "appointed"),  # deputies are elected
    ("seat1", "elected_indirect"),
    ("talgar_deputy_akim", "elected_direct"),
    ("chair", "elected_direct"),  # the chair is elected by the deputies
]
CASES = [(post, basis, allowed, CAST - allowed) for post, basis, allowed in ALLOWED]


@pytest.fixture
def saule(registry):
    """Staff of the oblast's maslikhat (Almaty Region)."""
    from esep.territory.models import Body
    from tests.conftest import make_user

    maslikhat = Body.objects.get(unit=registry.oblast, kind="maslikhat")
    return make_user(
        "saule@example.kz", "Saule Oblast Maslikhat", "maslikhat_staff", body=maslikhat
    )


@pytest.fixture
def cast(alice, bob, carol, dana, erlan, farida, gulnar, timur, aidar, saule):
    return dict(
        alice=alice, bob=bob, carol=carol, dana=dana, erlan=erlan, farida=farida,
        gulnar=gulnar, timur=timur, aidar=aidar, saule=saule,
    )  # fmt: skip


def _record(user, registry, post_name, basis):
    return actions.record_mandate(
        Actor.of(user),
        person=registry.people.deputy2,
        post=getattr(registry.posts, post_name),
        basis=basis,
        start=D(2026, 1, 15),
        replaces_current=True,
    )


@pytest.mark.parametrize(("post_name", "basis", "allowed", "refused"), CASES)
def test_recording_a_mandate(registry, cast, fresh_user, post_name, basis, allowed, refused):
    for name in sorted(refused):
        before = (Mandate.objects.count(), AuditEntry.objects.count())
        with pytest.raises(ActionRefused):
            _record(fresh_user(cast[name]), registry, post_name, basis)
        assert (Mandate.objects.count(), AuditEntry.objects.count()) == before, name
    for name in sorted(allowed):
        mandate = _record(fresh_user(cast[name]), registry, post_name, basis)
        entry = AuditEntry.objects.filter(verb="record_mandate").latest("id")
        assert entry.actor == cast[name] and entry.target_id == str(mandate.pk)
        assert entry.role != "resident"
        mandate.delete()  # the next allowed user records the same mandate again


@pytest.mark.parametrize(("post_name", "basis", "allowed", "refused"), CASES)
def test_ending_a_mandate(registry, cast, fresh_user, post_name, basis, allowed, refused):
    for name in sorted(allowed):
        mandate = actions.record_mandate(
            Actor.cli("tests"),
            person=registry.people.deputy2,
            post=getattr(registry.posts, post_name),
            basis=basis,
            start=D(2026, 1, 15),
            replaces_current=True,
        )
        for other in sorted(refused):
            with pytest.raises(ActionRefused):
                actions.end_mandate(
                    Actor.of(fresh_user(cast[other])), mandate, end=D(2026, 2, 1), reason="resigned"
                )
        mandate.refresh_from_db()
        assert mandate.end is None
        actions.end_mandate(
            Actor.of(fresh_user(cast[name])), mandate, end=D(2026, 2, 1), reason="resigned"
        )
        mandate.refresh_from_db()
        assert mandate.end == D(2026, 2, 1), name
        mandate.delete()


@pytest.mark.parametrize(("post_name", "basis"), NOT_ALLOWED)
def test_a_basis_the_post_does_not_allow(registry, cast, fresh_user, post_name, basis):
    for name in sorted(CAST - {"alice"}):
        with pytest.raises(ActionRefused):
            _record(fresh_user(cast[name]), registry, post_name, basis)
    with pytest.raises(ValidationError) as error:
        _record(cast["alice"], registry, post_name, basis)
    assert error.value.error_dict["basis"][0].code == "basis_not_for_post"


def test_anonymous_visitors_cannot_record(registry):
    with pytest.raises(ActionRefused):
        _record(None, registry, "talgar_deputy_akim", "appointed")


def test_registry_structure_is_for_administrators(registry, cast, fresh_user):
    """Units, parties, term rules and powers: administrators only; posts: the body's staff."""
    for name in ("bob", "carol", "farida", "gulnar", "timur"):
        actor = Actor.of(fresh_user(cast[name]))
        with pytest.raises(ActionRefused):
            actions.create_unit(
                actor,
                kind="village",
                parent=registry.belbulak,
                name_kk="a",
                name_ru="a",
                name_en="a",
                ocd_id="ocd-division/country:kz/x",
            )
        with pytest.raises(ActionRefused):
            actions.rename_unit(
                actor, registry.talgar, name_kk="a", name_ru="a", name_en="a", date=D(2026, 1, 1)
            )
        with pytest.raises(ActionRefused):
            actions.set_term_rule(actor, post_kind="akim", term_years=5)
        with pytest.raises(ActionRefused):
            actions.create_party(
                actor, abbreviation="X", name_kk="X", name_ru="X", name_en="X", colour="#000000"
            )
    admin = Actor.of(fresh_user(cast["alice"]))
    actions.set_term_rule(admin, post_kind="akim", term_years=4, max_consecutive_terms=2)
    actions.create_post(
        Actor.of(fresh_user(cast["aidar"])),
        body=registry.bodies["talgar_akimat"],
        kind="deputy_akim",
        number=2,
    )
    with pytest.raises(ActionRefused):
        actions.create_post(
            Actor.of(fresh_user(cast["aidar"])),
            body=registry.bodies["talgar_maslikhat"],
            kind="district_deputy",
            number=9,
        )
    with pytest.raises(ActionRefused):
        actions.create_post(
            Actor.of(fresh_user(cast["bob"])),
            body=registry.bodies["talgar_akimat"],
            kind="deputy_akim",
            number=3,
        )


def test_people_are_added_by_staff_who_register_mandates(registry, cast, fresh_user):
    for name in ("alice", "farida", "gulnar", "timur"):
        actions.create_person(
            Actor.of(fresh_user(cast[name])),
            family_name="Әлиев",
            given_name="Нұр",
            name_latin="Aliyev Nur",
        )
    for name in ("bob", "erlan"):
        with pytest.raises(ActionRefused):
            actions.create_person(
                Actor.of(fresh_user(cast[name])),
                family_name="Әлиев",
                given_name="Нұр",
                name_latin="Aliyev Nur",
            )


def _unit_writes(registry):
    """Every write to units and powers, as (name, call taking an actor)."""
    ocd = f"{registry.oblast.ocd_id}/district:new"
    names = dict(name_kk="Ж", name_ru="Н", name_en="N")
    power = dict(
        code="x", area="budget", title_kk="x", title_ru="x", title_en="x", law="L", article="1",
        assignments=[("akimat", "district", "1")],
    )  # fmt: skip
    polygon = {"type": "Polygon", "coordinates": []}
    return [
        (
            "move_unit",
            lambda a: actions.move_unit(
                a, registry.kendala, parent=registry.talgar, date=D(2024, 1, 1)
            ),
        ),
        (
            "split_unit",
            lambda a: actions.split_unit(
                a,
                registry.talgar,
                date=D(2024, 1, 1),
                new_units=[dict(kind="district", ocd_id=ocd, **names)],
            ),
        ),
        ("end_unit", lambda a: actions.end_unit(a, registry.kendala, date=D(2025, 1, 1))),
        (
            "record_population",
            lambda a: actions.record_population(a, registry.talgar, year=2024, population=1),
        ),
        (
            "set_boundary",
            lambda a: actions.set_boundary(a, registry.talgar, geometry=polygon, svg_path=""),
        ),
        (
            "add_former_name",
            lambda a: actions.add_former_name(
                a, registry.talgar, valid_until=D(2000, 1, 1), **names
            ),
        ),
        (
            "record_unit_change",
            lambda a: actions.record_unit_change(
                a, registry.talgar, kind="moved", date=D(2001, 1, 1)
            ),
        ),
        ("define_power", lambda a: actions.define_power(a, **power)),
        ("create_body", lambda a: actions.create_body(a, unit=registry.kendala, kind="akimat")),
        ("publish_unit", lambda a: actions.publish_unit(a, registry.talgar)),
    ]


def test_unit_history_and_powers_are_for_administrators(registry, cast, fresh_user):
    for verb, call in _unit_writes(registry):
        for name in sorted(CAST - {"alice"}):
            before = AuditEntry.objects.count()
            with pytest.raises(ActionRefused):
                call(Actor.of(fresh_user(cast[name])))
            assert AuditEntry.objects.count() == before, (verb, name)
    for verb, call in _unit_writes(registry):
        call(Actor.of(fresh_user(cast["alice"])))
        assert AuditEntry.objects.filter(verb=verb, actor=cast["alice"]).exists(), verb
