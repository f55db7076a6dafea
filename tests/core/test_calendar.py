"""Kazakhstan's working-day calendar: holidays, moved days off, legal terms, and its edits.

The cast: alice (administrator) enters transferred days; bob (no role), carol (akimat editor)
and erlan (moderator) may not; nor may an anonymous visitor."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from esep.core import calendar
from esep.core.actions import ActionRefused, Actor
from esep.core.calendar import WorkingCalendar, calendar_changed
from esep.core.calendar_actions import remove_transferred_day, set_transferred_day
from esep.core.models import AuditEntry, TransferredDay

DECREE = "Decree of the Government No. 999 of 1 December 2025 (test)"


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    """The holidays package alone (no table): needs no database."""
    return WorkingCalendar()


def d(text: str) -> date:
    return date.fromisoformat(text)


# What counts as a working day.


def test_weekends_are_days_off_and_weekdays_work(cal):
    assert not cal.is_working_day(d("2025-06-14"))  # Saturday
    assert not cal.is_working_day(d("2025-06-15"))  # Sunday
    assert all(cal.is_working_day(d(f"2025-06-{day}")) for day in range(16, 21))
    assert cal.holiday_name(d("2025-06-14")) is None  # an ordinary weekend has no name


@pytest.mark.parametrize(
    ("day", "name"),
    [
        ("2026-01-01", "New Year"),
        ("2026-01-02", "New Year"),
        ("2025-01-07", "Orthodox Christmas"),
        ("2024-03-08", "International Women's Day"),
        ("2024-03-21", "Nauryz meiramy"),
        ("2024-03-22", "Nauryz meiramy"),
        ("2027-03-23", "Nauryz meiramy"),
        ("2025-05-01", "Day of Unity of the People of Kazakhstan"),
        ("2025-05-07", "Defender of the Fatherland Day"),
        ("2025-05-09", "Victory Day"),
        ("2026-07-06", "Capital Day"),
        ("2024-08-30", "Constitution Day"),
        ("2027-03-15", "Constitution Day"),
        ("2024-10-25", "Republic Day"),
        ("2025-12-16", "Independence Day"),
        ("2025-06-06", "Kurban ait"),
    ],
)
def test_each_public_holiday_on_a_weekday_is_a_day_off(cal, day, name):
    assert d(day).weekday() < 5
    assert not cal.is_working_day(d(day))
    with translation.override("en"):
        assert cal.holiday_name(d(day)) == name


def test_holidays_package_dates_that_differ_from_the_classic_list(cal):
    """Version 0.109: no Constitution Day in 2026 (15 March from 2027), 17 December and
    1 December no longer off since 2022, Kurban ait estimated after 2025."""
    assert cal.is_working_day(d("2026-08-31"))  # 30 August 2026 is a Sunday, nothing moved
    assert cal.is_working_day(d("2025-12-17"))
    assert cal.is_working_day(d("2025-12-01"))
    with translation.override("en"):
        assert cal.holiday_name(d("2026-05-27")) == "Kurban ait (estimated date)"


def test_a_holiday_on_a_weekend_moves_the_day_off_to_the_next_working_day(cal):
    assert not cal.is_working_day(d("2025-03-10"))  # 8 March 2025 was a Saturday
    assert not cal.is_working_day(d("2026-05-11"))  # 9 May 2026 is a Saturday
    # Nauryz 2025: 21 (Fri), 22 and 23 (weekend) → 24 and 25 March off too.
    assert [cal.is_working_day(d(f"2025-03-{day}")) for day in range(21, 27)] == [
        False,
        False,
        False,
        False,
        False,
        True,
    ]
    with translation.override("en"):
        assert cal.holiday_name(d("2025-03-10")) == (
            "International Women's Day (day off moved from a weekend)"
        )


def test_religious_holidays_on_a_weekend_are_not_moved(cal):
    assert cal.is_working_day(d("2024-01-08"))  # Orthodox Christmas 2024 was a Sunday
    assert cal.is_working_day(d("2024-06-17"))  # Kurban ait 2024 was a Sunday


def test_the_package_knows_past_government_transfers(cal):
    assert not cal.is_working_day(d("2024-05-08"))  # moved from Saturday 4 May 2024
    assert cal.is_working_day(d("2024-05-04"))
    assert not cal.is_working_day(d("2025-01-03"))  # moved from Sunday 5 January 2025
    assert cal.is_working_day(d("2025-01-05"))
    with translation.override("en"):
        assert cal.holiday_name(d("2025-01-03")).startswith("Day off moved from ")


# Legal terms.


def test_an_answer_due_across_new_year(cal):
    """Received Wed 24 Dec 2025: the day of receipt is not counted; 1–2 and 7 January off."""
    assert cal.add_working_days(d("2025-12-24"), 15) == d("2026-01-19")


def test_an_answer_due_across_nauryz_2025(cal):
    """Received Fri 14 Mar 2025: 21, 24 and 25 March are off."""
    assert cal.add_working_days(d("2025-03-14"), 15) == d("2025-04-09")


def test_an_answer_due_across_nauryz_2026(cal):
    """Received Fri 13 Mar 2026: Nauryz falls on Sat–Mon, so 23, 24 and 25 March are off."""
    assert [cal.is_working_day(d(f"2026-03-{day}")) for day in range(23, 27)] == [
        False,
        False,
        False,
        True,
    ]
    assert cal.add_working_days(d("2026-03-13"), 15) == d("2026-04-08")


def test_forwarding_within_three_working_days(cal):
    assert cal.add_working_days(d("2025-12-30"), 3) == d("2026-01-06")
    assert cal.add_working_days(d("2026-01-10"), 3) == d("2026-01-14")  # received on Saturday
    assert cal.add_working_days(d("2026-04-06"), 3) == d("2026-04-09")  # an ordinary week


def test_the_extension_to_two_months_ends_on_a_working_day(cal):
    assert cal.add_months_term(d("2026-02-10"), 2) == d("2026-04-10")  # a Friday
    assert cal.add_months_term(d("2026-01-09"), 2) == d("2026-03-10")  # 9 March: 8 March moved
    assert cal.add_months_term(d("2026-01-23"), 2) == d("2026-03-26")  # Nauryz 23–25 March
    assert cal.add_months_term(d("2025-12-31"), 2) == d("2026-03-02")  # 28 Feb is a Saturday
    assert cal.add_months_term(d("2026-03-31"), 2) == d("2026-06-01")  # 31 May is a Sunday


def test_next_working_day(cal):
    assert cal.next_working_day(d("2026-04-08")) == d("2026-04-08")
    assert cal.next_working_day(d("2026-03-21")) == d("2026-03-26")
    assert cal.add_working_days(d("2026-03-21"), 0) == d("2026-03-26")  # n = 0
    assert cal.add_working_days(d("2026-04-08"), 0) == d("2026-04-08")


def test_bad_arguments_are_refused(cal):
    with pytest.raises(ValueError):
        cal.add_working_days(d("2026-01-01"), -1)
    with pytest.raises(ValueError):
        cal.add_months_term(d("2026-01-01"), -1)
    with pytest.raises(ValueError, match="outside"):
        cal.is_working_day(d("1990-01-01"))
    with pytest.raises(ValueError, match="outside"):
        cal.add_working_days(d("2060-12-20"), 15)


def test_working_days_between_is_the_inverse_of_add_working_days(cal):
    start, days = d("2024-12-01"), 800
    flags = [cal.is_working_day(start + timedelta(i)) for i in range(days + 120)]
    for i in range(0, days, 3):
        s = start + timedelta(i)
        for n in (1, 2, 3, 15, 40):
            due = cal.add_working_days(s, n)
            assert cal.is_working_day(due)
            assert cal.working_days_between(s, due) == n
            assert cal.working_days_between(s, due - timedelta(1)) == n - 1
        for length in (0, 1, 6, 31):
            e = s + timedelta(length)
            assert cal.working_days_between(s, e) == sum(flags[i + 1 : i + length + 1])
    assert cal.working_days_between(d("2026-01-10"), d("2026-01-05")) == 0


def test_transferred_days_in_the_table_change_the_result():
    received = d("2025-12-24")
    monday_off = [(d("2026-01-05"), "day_off")]
    saturday_works = [(d("2026-01-10"), "working_day")]
    assert WorkingCalendar(monday_off).add_working_days(received, 15) == d("2026-01-20")
    assert WorkingCalendar(saturday_works).add_working_days(received, 15) == d("2026-01-16")
    assert WorkingCalendar(monday_off + saturday_works).add_working_days(received, 15) == d(
        "2026-01-19"
    )
    with translation.override("en"):
        assert WorkingCalendar(monday_off).holiday_name(d("2026-01-05")) == "Transferred day off"
    assert WorkingCalendar(saturday_works).holiday_name(d("2026-01-10")) is None


def test_the_calendar_is_immutable(cal):
    with pytest.raises(AttributeError):
        cal.transferred = ()


# The table and its actions.


def test_an_administrator_enters_and_removes_transferred_days(alice):
    actor = Actor.of(alice)
    day_off = set_transferred_day(actor, day=d("2026-01-05"), kind="day_off", reason=DECREE)
    set_transferred_day(
        actor,
        day=d("2026-01-10"),
        kind="working_day",
        reason=DECREE,
        source_url="https://adilet.zan.kz/rus/docs/example",
    )
    assert WorkingCalendar.load().transferred == (
        (d("2026-01-05"), "day_off"),
        (d("2026-01-10"), "working_day"),
    )
    audit = AuditEntry.objects.get(verb="set_transferred_day", target_id=str(day_off.pk))
    assert audit.actor == alice and audit.role == "administrator"
    assert audit.target_type == "core.transferredday"
    assert audit.data["day"] == "2026-01-05" and audit.data["kind"] == "day_off"

    corrected = set_transferred_day(actor, day=d("2026-01-05"), kind="day_off", reason="Corr.")
    assert corrected.pk == day_off.pk and corrected.reason == "Corr."
    latest = AuditEntry.objects.filter(verb="set_transferred_day").latest("id")
    assert latest.data["previous"] == "day_off"

    remove_transferred_day(actor, day=d("2026-01-05"))
    assert not TransferredDay.objects.filter(date=d("2026-01-05")).exists()
    audit = AuditEntry.objects.get(verb="remove_transferred_day")
    assert audit.target_id == str(day_off.pk) and audit.data == {
        "day": "2026-01-05",
        "kind": "day_off",
    }


def test_a_wrong_kurban_ait_estimate_can_be_corrected(alice):
    """The package estimates Kurban ait after 2025; the decree names the real day."""
    actor = Actor.of(alice)
    set_transferred_day(actor, day=d("2026-05-27"), kind="working_day", reason=DECREE)
    set_transferred_day(actor, day=d("2026-05-26"), kind="day_off", reason=DECREE)
    cal = WorkingCalendar.load()
    assert cal.is_working_day(d("2026-05-27")) and not cal.is_working_day(d("2026-05-26"))
    assert cal.holiday_name(d("2026-05-27")) is None


@pytest.mark.parametrize("who", ["bob", "carol", "erlan"])
def test_other_users_may_not_edit_the_calendar(request, who):
    actor = Actor.of(request.getfixturevalue(who))
    before = AuditEntry.objects.count()
    with pytest.raises(ActionRefused):
        set_transferred_day(actor, day=d("2026-01-05"), kind="day_off", reason=DECREE)
    with pytest.raises(ActionRefused):
        remove_transferred_day(actor, day=d("2026-01-05"))
    assert not TransferredDay.objects.exists() and AuditEntry.objects.count() == before


@pytest.mark.django_db
def test_anonymous_visitors_may_not_edit_the_calendar():
    with pytest.raises(ActionRefused):
        set_transferred_day(Actor(), day=d("2026-01-05"), kind="day_off", reason=DECREE)
    assert not TransferredDay.objects.exists() and not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    ("day", "kind", "reason", "code"),
    [
        ("2026-01-05", "day_off", "  ", "reason_missing"),
        ("2026-01-10", "day_off", DECREE, "already_day_off"),  # a Saturday
        ("2026-01-07", "day_off", DECREE, "already_day_off"),  # Orthodox Christmas
        ("2026-01-06", "working_day", DECREE, "already_working"),  # a plain Tuesday
        ("2026-01-05", "holiday", DECREE, "kind_unknown"),
        ("2070-01-06", "day_off", DECREE, "day_out_of_range"),
    ],
)
def test_bad_transfers_are_refused_and_write_nothing(alice, day, kind, reason, code):
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        set_transferred_day(Actor.of(alice), day=d(day), kind=kind, reason=reason)
    assert refused.value.code == code
    assert not TransferredDay.objects.exists() and AuditEntry.objects.count() == before


def test_a_bad_source_address_is_refused(alice):
    with pytest.raises(ValidationError):
        set_transferred_day(
            Actor.of(alice), day=d("2026-01-05"), kind="day_off", reason=DECREE, source_url="x"
        )
    assert not TransferredDay.objects.exists()


def test_removing_a_day_that_is_not_transferred_is_refused(alice):
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        remove_transferred_day(Actor.of(alice), day=d("2026-01-05"))
    assert AuditEntry.objects.count() == before


@pytest.mark.django_db
def test_the_database_refuses_unknown_kinds_and_empty_reasons():
    with pytest.raises(IntegrityError), transaction.atomic():
        TransferredDay.objects.create(date=d("2026-01-05"), kind="holiday", reason=DECREE)
    with pytest.raises(IntegrityError), transaction.atomic():
        TransferredDay.objects.create(date=d("2026-01-05"), kind="day_off", reason="")


def test_calendar_changed_is_sent_once_committed(alice, django_capture_on_commit_callbacks):
    heard = []

    def listen(sender, **kwargs):
        heard.append((kwargs["day"], kwargs["kind"]))

    calendar_changed.connect(listen)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            set_transferred_day(Actor.of(alice), day=d("2026-01-05"), kind="day_off", reason="x")
        assert heard == []  # nothing before the commit
        for callback in callbacks:
            callback()
        with django_capture_on_commit_callbacks(execute=True):
            remove_transferred_day(Actor.of(alice), day=d("2026-01-05"))
    finally:
        calendar_changed.disconnect(listen)
    assert heard == [(d("2026-01-05"), "day_off"), (d("2026-01-05"), None)]


def test_the_cached_calendar_sees_a_newly_added_day(alice, django_assert_num_queries):
    monday = d("2026-01-05")
    assert calendar.is_working_day(monday)
    assert calendar.add_working_days(d("2025-12-24"), 15) == d("2026-01-19")
    with django_assert_num_queries(1):
        loaded = WorkingCalendar.load()
    assert WorkingCalendar.load() is loaded  # the same rows: the same calendar, not rebuilt
    set_transferred_day(Actor.of(alice), day=monday, kind="day_off", reason=DECREE)
    assert not calendar.is_working_day(monday)
    assert calendar.add_working_days(d("2025-12-24"), 15) == d("2026-01-20")
    with translation.override("en"):
        assert calendar.holiday_name(monday) == "Transferred day off"
    remove_transferred_day(Actor.of(alice), day=monday)
    assert calendar.is_working_day(monday)


# The admin, which writes through the actions.


def test_alice_enters_a_transferred_day_in_the_admin(client, alice):
    client.force_login(alice)
    assert client.get("/en/admin/core/transferredday/").status_code == 200
    response = client.post(
        "/en/admin/core/transferredday/add/",
        {"date": "2026-01-05", "kind": "day_off", "reason": DECREE, "source_url": ""},
    )
    assert response.status_code == 302, response.content[:2000]
    day = TransferredDay.objects.get(date=d("2026-01-05"))
    assert AuditEntry.objects.filter(verb="set_transferred_day", target_id=str(day.pk)).exists()
    response = client.post(f"/en/admin/core/transferredday/{day.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert AuditEntry.objects.filter(verb="remove_transferred_day", actor=alice).exists()
    assert not TransferredDay.objects.exists()


def test_the_admin_form_explains_a_refused_transfer(client, alice):
    client.force_login(alice)
    response = client.post(
        "/en/admin/core/transferredday/add/",
        {"date": "2026-01-10", "kind": "day_off", "reason": DECREE, "source_url": ""},
    )
    assert response.status_code == 200
    assert "This day is already a day off." in response.content.decode()
    assert not TransferredDay.objects.exists()
