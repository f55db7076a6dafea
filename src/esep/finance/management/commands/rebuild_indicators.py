"""`esep rebuild-indicators [--year Y ...]`: recompute the sums indicators are read from."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from esep.core.actions import Actor
from esep.finance.actions import rebuild_indicators


class Command(BaseCommand):
    help = "Recompute the per unit-year sums of budgets and transfers that indicators read."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--year", type=int, action="append", help="only this year (repeat)")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        years = set(options["year"]) if options["year"] else None
        rows = rebuild_indicators(Actor.cli("rebuild-indicators"), years)
        self.stdout.write(f"{rows} unit-years rebuilt in {time.perf_counter() - started:.1f} s")
