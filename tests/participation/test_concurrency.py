"""Concurrent submissions of the same person's ballot (double clicks, two tabs, two devices):
exactly one is counted, the others are refused, nothing is half-written."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from esep.core.actions import Actor
from esep.participation.actions import voting
from esep.participation.models import Ballot, Voter


@pytest.mark.django_db(transaction=True)
def test_concurrent_ballots_of_one_person_count_once(on_ballot, aru, daniyar):
    process = on_ballot()
    start = threading.Barrier(8)
    outcomes: list[str] = []
    lock = threading.Lock()

    def submit(user, choices):
        try:
            start.wait()
            voting.cast_ballot(Actor(user=user), process, choices=choices)
            outcome = "counted"
        except ValidationError as error:
            outcome = error.code or "refused"
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            outcome = f"error: {type(error).__name__}: {error}"
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [
        threading.Thread(target=submit, args=(user, [str(1 + i % 4)]))
        for i, user in enumerate([aru] * 4 + [daniyar] * 4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["already_voted"] * 6 + ["counted"] * 2, outcomes
    assert Voter.objects.filter(process=process).count() == 2
    assert Ballot.objects.filter(process=process, replaced=False).count() == 2
