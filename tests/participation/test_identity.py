"""Verified identities: IINs checked and never stored, census lists uploaded all or nothing by
the akimat, one person holding one verified identity, and who may verify whom."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from esep.accounts import actions
from esep.accounts.identity import InvalidIIN, age_on, identity_hash, make_iin, parse_iin
from esep.accounts.models import CensusEntry, CensusList, Verification
from esep.core.actions import Actor
from esep.core.models import AuditEntry
from esep.core.problems import ImportRefused
from tests.conftest import make_user

AIGUL = make_iin(dt.date(1990, 3, 22), 4321, "f")


def test_an_iin_is_read_with_its_birth_date():
    iin = parse_iin(f" {AIGUL[:4]} {AIGUL[4:8]} {AIGUL[8:]} ")
    assert iin.digits == AIGUL
    assert iin.birth_date == dt.date(1990, 3, 22)
    assert AIGUL[6] == "4"  # a woman born in the 20th century


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("12345", "exactly 12 digits"),
        ("90032240432X", "exactly 12 digits"),
        ("901322400001", "not a date of birth"),
        ("900322900001", "not a date of birth"),
        (AIGUL[:11] + str((int(AIGUL[11]) + 1) % 10), "check digit"),
    ],
)
def test_a_wrong_iin_is_refused_with_the_reason(text, message):
    with pytest.raises(InvalidIIN, match=message):
        parse_iin(text)


def test_made_iins_are_valid_and_hashes_are_keyed():
    for serial in range(200):
        iin = make_iin(dt.date(2001, 12, 31), serial)
        assert parse_iin(iin).birth_date == dt.date(2001, 12, 31)
    assert len(identity_hash(AIGUL)) == 64
    assert identity_hash(AIGUL) != identity_hash(AIGUL[:11] + "0")


def test_age_counts_whole_years():
    assert age_on(dt.date(2009, 3, 1), dt.date(2027, 2, 28)) == 17
    assert age_on(dt.date(2009, 3, 1), dt.date(2027, 3, 1)) == 18


def _csv(*rows: str) -> bytes:
    return ("\n".join(rows) + "\n").encode()


def test_a_census_list_keeps_only_hashes_and_replaces_the_last(city, carol):
    one = make_iin(dt.date(1980, 1, 2), 1)
    two = make_iin(dt.date(2005, 6, 7), 2)
    actions.upload_census(
        Actor(user=carol), unit=city.almaty, data=_csv("iin", one), file_name="old.csv"
    )
    census = actions.upload_census(
        Actor(user=carol),
        unit=city.almaty,
        data=_csv("iin;kato", f"{one};", f"{two};{city.almaly.kato or ''}"),
        file_name="census.csv",
    )
    assert census.rows == 2
    assert CensusList.objects.filter(unit=city.almaty, replaced_at__isnull=True).get() == census
    stored = {e.identity_hash: e for e in CensusEntry.objects.filter(census=census)}
    assert set(stored) == {identity_hash(one), identity_hash(two)}
    assert stored[identity_hash(two)].birth_date == dt.date(2005, 6, 7)
    text = " ".join(str(v) for e in CensusEntry.objects.values_list() for v in e)
    assert one not in text and two not in text


def test_a_bad_census_file_is_refused_whole_with_lines_and_columns(city, carol):
    good = make_iin(dt.date(1980, 1, 2), 1)
    data = _csv(
        "iin,kato", f"{good},", "12345,", f"{good},", f"{make_iin(dt.date(1970, 1, 1), 5)},999"
    )
    with pytest.raises(ImportRefused) as refused:
        actions.upload_census(Actor(user=carol), unit=city.almaty, data=data, file_name="c.csv")
    problems = [str(p) for p in refused.value.problems]
    assert problems == [
        "c.csv:3:1: An IIN has exactly 12 digits.",
        "c.csv:4:1: This IIN is already on line 2.",
        "c.csv:5:2: No unit with KATO code “999” lies in Almaty.",
    ]
    assert not CensusList.objects.exists() and not CensusEntry.objects.exists()


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"name\nx\n", "c.csv:1:1: The header must name the column “iin”."),
        (b"iin\n", "c.csv:2:1: The file lists no residents."),
        (b"iin\n\xff\n", "c.csv:2:1: This is not UTF-8 text."),
        (b"iin,kato\n1,2,3\n", "c.csv:2:1: This row has 3 values; the header has 2."),
    ],
)
def test_census_files_without_residents_are_refused(city, carol, data, problem):
    with pytest.raises(ImportRefused) as refused:
        actions.upload_census(Actor(user=carol), unit=city.almaty, data=data, file_name="c.csv")
    assert [str(p) for p in refused.value.problems] == [problem]


def test_who_may_upload_a_census_list(city, carol, alice, bob, dana, erlan):
    data = _csv("iin", make_iin(dt.date(1980, 1, 2), 1))
    for user in (carol, alice):
        actions.upload_census(Actor(user=user), unit=city.almaly, data=data, file_name="c.csv")
    for user in (bob, dana, erlan):
        with pytest.raises(PermissionDenied):
            actions.upload_census(Actor(user=user), unit=city.almaly, data=data, file_name="c.csv")
    with pytest.raises(PermissionDenied):
        actions.upload_census(Actor(user=carol), unit=city.astana, data=data, file_name="c.csv")
    assert CensusList.objects.count() == 2


def test_a_resident_in_the_census_verifies_themselves(city, carol):
    resident = make_user("nurlan@example.kz", "Nurlan")
    iin = make_iin(dt.date(1985, 4, 4), 7)
    actions.upload_census(
        Actor(user=carol),
        unit=city.almaty,
        data=_csv("iin,kato", f"{iin},{city.almaly.kato or ''}"),
        file_name="c.csv",
    )
    verification = actions.verify_by_census(Actor(user=resident), iin=iin)
    assert (verification.unit, verification.method) == (city.almaly, "census")
    assert verification.birth_date == dt.date(1985, 4, 4)
    assert verification.expires_at > verification.verified_at
    with pytest.raises(
        ValidationError, match="No census list uploaded by an akimat holds this IIN"
    ):
        actions.verify_by_census(Actor(user=resident), iin=make_iin(dt.date(1985, 4, 4), 8))
    with pytest.raises(ValidationError, match="12 digits"):
        actions.verify_by_census(Actor(user=resident), iin="123")
    with pytest.raises(PermissionDenied):
        actions.verify_by_census(Actor(), iin=iin)


def test_where_the_census_records_a_document_its_number_is_asked_too(city, carol):
    """Many people know a neighbour's IIN; fewer know the number of their identity card."""
    resident = make_user("nurlan@example.kz", "Nurlan")
    iin = make_iin(dt.date(1985, 4, 4), 7)
    other = make_iin(dt.date(1990, 1, 1), 9)
    actions.upload_census(
        Actor(user=carol),
        unit=city.almaty,
        data=_csv("iin;document", f"{iin};04 123 456 7", f"{other};"),
        file_name="c.csv",
    )
    entry = CensusEntry.objects.get(identity_hash=identity_hash(iin))
    assert len(entry.document_hash) == 64 and "041234567" not in entry.document_hash
    for wrong in ("", "041234568"):
        with pytest.raises(ValidationError, match="with this document number") as refused:
            actions.verify_by_census(Actor(user=resident), iin=iin, document=wrong)
        # The same answer as for an IIN on no list: it does not tell who is listed.
        unlisted = make_iin(dt.date(1985, 4, 4), 8)
        with pytest.raises(ValidationError) as unlisted_refusal:
            actions.verify_by_census(Actor(user=resident), iin=unlisted, document=wrong)
        assert refused.value.message_dict == unlisted_refusal.value.message_dict
    assert not Verification.objects.exists()
    refusals = AuditEntry.objects.filter(actor=resident).order_by("at", "pk")
    assert [e.data["reason"] for e in refusals] == [
        "document_mismatch",
        "not_in_census",
        "document_mismatch",
        "not_in_census",
    ]
    # Spaces and case do not matter; a person listed without a document needs none.
    assert actions.verify_by_census(Actor(user=resident), iin=iin, document="0412 34567").unit
    second = make_user("second@example.kz", "Second")
    assert actions.verify_by_census(Actor(user=second), iin=other).method == "census"


def test_a_census_document_number_that_cannot_be_one_is_refused_with_its_place(city, carol):
    data = _csv("iin,document", f"{make_iin(dt.date(1980, 1, 2), 1)},12-3")
    with pytest.raises(ImportRefused) as refused:
        actions.upload_census(Actor(user=carol), unit=city.almaty, data=data, file_name="c.csv")
    assert [str(p) for p in refused.value.problems] == [
        "c.csv:2:2: A document number has 5 to 20 letters and digits."
    ]
    assert not CensusEntry.objects.exists()


def test_census_verification_stops_after_the_refusals_allowed_a_day(city, carol, settings):
    """Trying IINs found somewhere: a few refusals a day per account, then staff."""
    settings.ESEP_CENSUS_ATTEMPTS = 3
    iin = make_iin(dt.date(1985, 4, 4), 7)
    actions.upload_census(Actor(user=carol), unit=city.almaty, data=_csv("iin", iin), file_name="c")
    prober = make_user("prober@example.kz", "Prober")
    with pytest.raises(ValidationError, match="12 digits"):  # a typo is not an attempt
        actions.verify_by_census(Actor(user=prober), iin="123")
    for serial in (8, 9, 10):
        with pytest.raises(
            ValidationError, match="No census list uploaded by an akimat holds this IIN"
        ):
            actions.verify_by_census(Actor(user=prober), iin=make_iin(dt.date(1985, 4, 4), serial))
    assert actions.census_attempts_left(prober) == 0
    with pytest.raises(ValidationError, match="Too many attempts") as refused:
        actions.verify_by_census(Actor(user=prober), iin=iin)  # even the right one, today
    assert refused.value.code == "too_many_attempts"
    assert not Verification.objects.exists()
    # The refusals are in the audit; a day later the account may try again.
    entries = AuditEntry.objects.filter(verb="refuse_census_verification", actor=prober)
    assert entries.count() == 3 and entries.first().data["reason"] == "not_in_census"
    entries.update(at=timezone.now() - dt.timedelta(hours=25))
    assert actions.verify_by_census(Actor(user=prober), iin=iin).method == "census"
    # Another account is not held back by this one's refusals.
    other = make_user("other@example.kz", "Other")
    assert actions.census_attempts_left(other) == 3
    # An identity another account holds counts as an attempt too.
    with pytest.raises(ValidationError, match="already verified for another account"):
        actions.verify_by_census(Actor(user=other), iin=iin)
    assert actions.census_attempts_left(other) == 2
    assert AuditEntry.objects.get(actor=other).data["reason"] == "identity_taken"


def test_document_numbers_typed_in_cyrillic_match_their_latin_look_alikes(city, carol):
    iin = make_iin(dt.date(1985, 4, 4), 7)
    actions.upload_census(
        Actor(user=carol),
        unit=city.almaty,
        data=_csv("iin,document", f"{iin},KA1234567"),
        file_name="c.csv",
    )
    resident = make_user("nurlan@example.kz", "Nurlan")
    assert actions.verify_by_census(Actor(user=resident), iin=iin, document="ка 1234 567").unit


def test_an_anonymous_census_verification_is_refused_and_writes_nothing(city, carol):
    iin = make_iin(dt.date(1985, 4, 4), 7)
    actions.upload_census(Actor(user=carol), unit=city.almaty, data=_csv("iin", iin), file_name="c")
    before = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        actions.verify_by_census(Actor(), iin=iin)
    with pytest.raises(PermissionDenied):
        actions.verify_by_census(Actor(), iin=make_iin(dt.date(1985, 4, 4), 8))
    assert AuditEntry.objects.count() == before and not Verification.objects.exists()


def test_one_person_holds_one_verified_identity(city, carol):
    iin = make_iin(dt.date(1985, 4, 4), 7)
    actions.upload_census(Actor(user=carol), unit=city.almaty, data=_csv("iin", iin), file_name="c")
    first = make_user("first@example.kz", "First")
    second = make_user("second@example.kz", "Second")
    actions.verify_by_census(Actor(user=first), iin=iin)
    with pytest.raises(ValidationError, match="already verified for another account"):
        actions.verify_by_census(Actor(user=second), iin=iin)
    # Staff who saw the person move the identity to the account in front of them.
    actions.verify_in_person(Actor(user=carol), user=second, iin=iin, unit=city.almaly)
    active = Verification.objects.filter(revoked_at__isnull=True)
    assert [(v.user, v.method) for v in active] == [(second, "in_person")]
    # A new verification of the same account replaces its old one.
    actions.verify_in_person(Actor(user=carol), user=second, iin=iin, unit=city.almaty)
    assert Verification.objects.filter(user=second, revoked_at__isnull=True).get().unit == (
        city.almaty
    )


def test_who_may_verify_in_person(city, carol, alice, bob, dana, farida):
    resident = make_user("nurlan@example.kz", "Nurlan")
    iin = make_iin(dt.date(1985, 4, 4), 7)
    for user in (carol, alice):
        actions.verify_in_person(Actor(user=user), user=resident, iin=iin, unit=city.almaly)
    for user in (bob, dana, farida, resident):
        with pytest.raises(PermissionDenied):
            actions.verify_in_person(Actor(user=user), user=resident, iin=iin, unit=city.almaly)
    with pytest.raises(PermissionDenied):
        actions.verify_in_person(Actor(user=carol), user=resident, iin=iin, unit=city.astana)
    verification = Verification.objects.get(user=resident, revoked_at__isnull=True)
    with pytest.raises(PermissionDenied):
        actions.revoke_verification(Actor(user=bob), verification)
    actions.revoke_verification(Actor(user=carol), verification)
    assert not Verification.objects.filter(revoked_at__isnull=True).exists()


def test_pages_and_checks_see_the_same_verification_in_force(city, carol):
    """The pages read it through the ORM, the eligibility check with plain SQL."""
    from esep.participation.eligibility import active_verification, verified

    def both(user):
        shown, checked = active_verification(user), verified(user)
        if shown is None or checked is None:
            return shown, checked
        return (shown.identity_hash, shown.birth_date, shown.unit_id, shown.unit.path), tuple(
            checked
        )

    user = make_user("nurlan@example.kz", "Nurlan")
    assert both(user) == (None, None)
    iin = make_iin(dt.date(1985, 4, 4), 7)
    actions.verify_in_person(Actor(user=carol), user=user, iin=iin, unit=city.almaly)
    shown, checked = both(user)
    assert shown == checked and checked[3] == city.almaly.path
    Verification.objects.filter(user=user).update(expires_at=timezone.now())
    assert both(user) == (None, None)
    actions.verify_in_person(Actor(user=carol), user=user, iin=iin, unit=city.almaty)
    assert both(user)[0] == both(user)[1] and both(user)[1][2] == city.almaty.pk
    Verification.objects.filter(user=user).update(revoked_at=timezone.now())
    assert both(user) == (None, None)
