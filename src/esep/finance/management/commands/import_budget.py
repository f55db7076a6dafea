"""`esep import-budget FILE`: import budget lines (docs/finance-formats.md), all or nothing."""

from __future__ import annotations

from typing import Any

from esep.finance.actions import import_budget

from ._import import ImportCommand


class Command(ImportCommand):
    help = "Import budget lines from a CSV, XLSX or Fiscal Data Package; all or nothing."
    resource = "budget-lines"
    verb = "import-budget"

    def run(self, **kwargs: Any) -> Any:
        return import_budget(**kwargs)
