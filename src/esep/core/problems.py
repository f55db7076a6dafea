"""Problems found in an imported file, each located as file:line:column. An import that
finds any refuses the whole file (`ImportRefused`); nothing is written."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

MAX_PROBLEMS = 200


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class ImportRefused(Exception):
    """The file cannot be imported; nothing was written. `problems` lists every reason."""

    def __init__(self, problems: list[Problem], warnings: list[Problem] | None = None) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems
        self.warnings = warnings or []


@dataclass
class Problems:
    """Collects problems up to `MAX_PROBLEMS`, counting the rest."""

    file: str
    items: list[Problem] = field(default_factory=list)
    more: int = 0

    def add(self, line: int, column: int, message: str) -> None:
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(Problem(self.file, line, column, message))
        else:
            self.more += 1

    def __bool__(self) -> bool:
        return bool(self.items)

    def refuse(self, warnings: list[Problem] | None = None) -> ImportRefused:
        items = list(self.items)
        if self.more:
            items.append(
                Problem(self.file, 0, 0, _("… and %(n)d more problems.") % {"n": self.more})
            )
        return ImportRefused(items, warnings)
