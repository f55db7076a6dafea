"""Counting in the background: a queued count runs in a thread (the embedded default), in a
worker (`esep run-tasks`), or at once; one at a time per process; errors are kept."""

from __future__ import annotations

import time

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from esep.core.actions import Actor
from esep.participation.actions import results
from esep.participation.models import CountTask, Result
from esep.participation.phases import PhaseKind

from .conftest import during


def test_a_worker_runs_queued_counts(on_ballot, at, carol, settings):
    settings.ESEP_TASKS = "worker"
    process = on_ballot()
    at(during(PhaseKind.RESULTS))
    task = results.request_count(Actor(user=carol), process)
    assert task.started_at is None and not Result.objects.exists()
    with pytest.raises(ValidationError, match="already under way"):
        results.request_count(Actor(user=carol), process)
    call_command("run_tasks", "--once")
    task.refresh_from_db()
    assert task.finished_at is not None and task.error == ""
    assert task.result == Result.objects.get(process=process)
    results.request_count(Actor(user=carol), process)  # the last one finished: a new one may


def test_an_error_is_kept_on_the_task(on_ballot, at, carol):
    from esep.participation.models import Process

    process = on_ballot()
    at(during(PhaseKind.RESULTS))
    Process.objects.filter(pk=process.pk).update(threshold=5)  # behind esep's back
    task = results.request_count(Actor(user=carol), process)
    assert "changed outside esep" in task.error and task.result is None


@pytest.mark.django_db(transaction=True)
def test_a_thread_counts_after_the_request_commits(on_ballot, at, carol, settings):
    settings.ESEP_TASKS = "thread"
    process = on_ballot()
    at(during(PhaseKind.RESULTS))
    task = results.request_count(Actor(user=carol), process)
    for _ in range(200):
        task.refresh_from_db()
        if task.finished_at:
            break
        time.sleep(0.05)
    assert task.finished_at is not None and task.error == ""
    assert CountTask.objects.get().result.process == process
