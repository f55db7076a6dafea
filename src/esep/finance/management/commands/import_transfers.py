"""`esep import-transfers FILE`: import transfers between budgets, all or nothing."""

from __future__ import annotations

from typing import Any

from esep.finance.actions import import_transfers

from ._import import ImportCommand


class Command(ImportCommand):
    help = "Import transfers between budgets from a CSV, XLSX or Fiscal Data Package."
    resource = "transfers"
    verb = "import-transfers"

    def run(self, **kwargs: Any) -> Any:
        kwargs.pop("step")
        return import_transfers(**kwargs)
