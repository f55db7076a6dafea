"""The demo generator of requests for information: deterministic with a seed, labelled as demo
data, every step through the actions (so every constraint holds), nothing in the future, and
nothing written when run again."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.core import mail

from esep.accountability.models import (
    InformationFile,
    InformationMessage,
    InformationRequest,
    RequestState,
)
from esep.demo.information import REQUESTER_EMAIL, build_information_requests, demo_bodies
from esep.territory.models import Body, Unit
from tests.accountability.test_information_fixtures import (  # noqa: F401
    fixture_media,
)

UNTIL = dt.date(2026, 6, 1)


@pytest.fixture
def demo_town(town):
    """The appeals' town, marked as demo units (as the demo registry's units are)."""
    Unit.objects.filter(pk__in=[town.talgar.pk, town.belbulak.pk, town.kendala.pk]).update(
        is_demo=True
    )
    return town


def fingerprint() -> list[tuple]:
    return [
        (
            r.body_id, r.title, r.text, r.state, r.sent_at, r.due_on, r.deadline,
            r.extended_on, r.answered_at, r.on_time,
            tuple(r.messages.values_list("kind", "text", "at", "state_after")),
        )
        for r in InformationRequest.objects.order_by("sent_at")
    ]  # fmt: skip


def test_the_bodies_asked_are_the_demo_units_and_the_staffed_ones(demo_town, regions):
    bodies = demo_bodies()
    assert bodies[:3] == [
        demo_town.talgar_akimat,
        demo_town.talgar_maslikhat,
        demo_town.belbulak_akimat,
    ]
    assert bodies[3:] == [
        Body.objects.get(unit=regions["KZ-75"], kind="akimat"),
        Body.objects.get(unit=regions["KZ-71"], kind="maslikhat"),
    ]


def test_requests_are_invented_through_the_actions_and_labelled(demo_town, regions):
    counts = build_information_requests(7, count=80, first_year=2023, until=UNTIL)
    requests = list(InformationRequest.objects.select_related("requester"))
    asked = Counter(r.body_id for r in requests)
    staffed = Body.objects.get(unit=regions["KZ-75"], kind="akimat")
    assert 0 < asked[staffed.pk] < asked[demo_town.talgar_akimat.pk]
    assert counts["requests"] == len(requests) == 80
    assert all(r.is_demo and r.is_public for r in requests)
    assert {r.requester.email for r in requests} == {REQUESTER_EMAIL}
    assert all(r.requester.is_demo for r in requests)
    assert {r.sent_on.year for r in requests} >= {2023, 2024, 2025}
    assert all(dt.date(2023, 1, 1) <= r.sent_on < UNTIL for r in requests)
    assert all(m.at.date() < UNTIL for m in InformationMessage.objects.all())
    states = Counter(r.state for r in requests)
    assert states[RequestState.SUCCESSFUL] > 10 and states[RequestState.WAITING_RESPONSE] > 0
    assert counts["answered"] == sum(
        states[s] for s in ("successful", "partially_successful", "not_held", "rejected")
    )
    assert counts["overdue"] > 0 and counts["overdue"] <= counts["waiting"]
    assert counts["documents"] == InformationFile.objects.count() > 0
    assert {m.kind for m in InformationMessage.objects.all()} >= {
        "request", "answer", "extended", "clarification_asked", "clarification",
    }  # fmt: skip
    assert any(r.on_time is False for r in requests) and any(r.on_time for r in requests)
    assert mail.outbox == []  # demo requests email nobody


def test_the_same_seed_gives_the_same_requests(demo_town):
    build_information_requests(11, count=40, first_year=2024, until=UNTIL)
    first = fingerprint()
    InformationRequest.objects.all().delete()
    build_information_requests(11, count=40, first_year=2024, until=UNTIL)
    assert fingerprint() == first
    InformationRequest.objects.all().delete()
    build_information_requests(12, count=40, first_year=2024, until=UNTIL)
    assert fingerprint() != first


def test_running_again_writes_nothing(demo_town):
    build_information_requests(7, count=20, first_year=2025, until=UNTIL)
    before = InformationRequest.objects.count(), InformationMessage.objects.count()
    assert set(build_information_requests(7, count=20, until=UNTIL).values()) == {0}
    assert (InformationRequest.objects.count(), InformationMessage.objects.count()) == before


def test_without_demo_bodies_nothing_is_invented(regions):
    assert build_information_requests(7, count=10, until=UNTIL, bodies=[])["requests"] == 0
    assert not InformationRequest.objects.exists()
