"""Counting in the background. `request_count` (an action) queues a `CountTask`; once its
transaction commits, `dispatch` starts it according to ESEP_TASKS: in a thread of this process
(the embedded default), at once (tests), or not at all, leaving it to `esep run-tasks` (a
worker process beside the web processes, for PostgreSQL deployments)."""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from esep.core.actions import Actor

from .models import CountTask

log = logging.getLogger(__name__)


def run(task_id: int) -> CountTask | None:
    """Run one queued task, if nobody has started it; store its result or its error."""
    from .actions.results import count_votes

    with transaction.atomic():
        claimed = CountTask.objects.filter(pk=task_id, started_at__isnull=True).update(
            started_at=timezone.now()
        )
    if not claimed:
        return None
    task = CountTask.objects.select_related("process", "requested_by").get(pk=task_id)
    actor = Actor(user=task.requested_by) if task.requested_by else Actor.cli("run-tasks")
    try:
        task.result = count_votes(actor, task.process)
    except ValidationError as error:
        task.error = " ".join(error.messages)
    except Exception as error:  # noqa: BLE001 - stored and logged: the worker must go on
        log.exception("counting process %s failed", task.process_id)
        task.error = f"{type(error).__name__}: {error}"
    task.finished_at = timezone.now()
    task.save(update_fields=["result", "error", "finished_at"])
    return task


def _in_thread(task_id: int) -> None:
    try:
        run(task_id)
    finally:
        connection.close()


def dispatch(task_id: int) -> None:
    """Start a queued task as ESEP_TASKS says (called once the queuing transaction commits)."""
    if settings.ESEP_TASKS == "thread":
        close_old_connections()
        threading.Thread(target=_in_thread, args=(task_id,), daemon=True).start()


def run_queued() -> int:
    """Run every queued task (oldest first); how many ran."""
    ran = 0
    for task_id in (
        CountTask.objects.filter(started_at__isnull=True)
        .order_by("requested_at", "id")
        .values_list("id", flat=True)
    ):
        if run(task_id) is not None:
            ran += 1
    return ran
