"""`esep run-tasks`: run queued background tasks (counting participatory budgeting results),
once or in a loop. Needed when ESEP_TASKS=worker."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from esep.participation.tasks import run_queued


class Command(BaseCommand):
    help = "Run queued background tasks (counting participatory budgeting results)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="run what is queued, then stop")
        parser.add_argument("--sleep", type=float, default=2.0, help="seconds between looks")

    def handle(self, *args, once: bool = False, sleep: float = 2.0, **options) -> None:
        while True:
            ran = run_queued()
            if ran:
                self.stdout.write(f"ran {ran} task(s)")
            if once:
                return
            time.sleep(sleep)
