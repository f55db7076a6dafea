"""What `esep import-budget` and `esep import-transfers` share."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from rich.progress import Progress

from esep.core.actions import Actor
from esep.finance.tables import ImportRefused, read_path


class ImportCommand(BaseCommand):
    resource = ""
    verb = ""

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path, help="CSV, XLSX, ZIP or datapackage.json")
        parser.add_argument("--title", default="", help="dataset title (default: file name)")
        parser.add_argument("--document", default="", help="document number it reproduces")
        parser.add_argument("--url", default="", help="where the document is published")
        parser.add_argument("--demo", action="store_true", help="mark the dataset as demo data")
        parser.add_argument(
            "--no-indicators",
            action="store_true",
            help="do not rebuild indicators (run `esep rebuild-indicators` afterwards)",
        )

    def run(self, options: dict[str, Any]) -> Any:
        raise NotImplementedError

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        started = time.perf_counter()
        with Progress(transient=True, disable=options["verbosity"] < 1) as bar:
            task = bar.add_task(f"reading {path.name}", total=None)
            try:
                table, digest = read_path(path, self.resource)
                bar.update(task, description="checking")
                result = self.run(
                    actor=Actor.cli(self.verb),
                    table=table,
                    title=options["title"] or (table.meta.get("title") or path.name),
                    document=options["document"] or table.meta.get("document", ""),
                    url=options["url"] or table.meta.get("url", ""),
                    sha256=digest,
                    is_demo=options["demo"],
                    indicators=not options["no_indicators"],
                    step=lambda label: bar.update(task, description=label, advance=1),
                )
            except ImportRefused as refused:
                for problem in refused.problems:
                    self.stderr.write(str(problem))
                raise CommandError(f"{path}: nothing imported") from None
        for warning in result.warnings:
            self.stderr.write(f"warning: {warning}")
        seconds = time.perf_counter() - started
        if result.changed:
            self.stdout.write(
                f"{path.name}: {result.lines} written ({result.new} new, {result.replaced} "
                f"replaced, {result.unchanged} unchanged) in {seconds:.1f} s"
            )
        else:
            self.stdout.write(f"{path.name}: nothing changed ({result.unchanged} unchanged)")
