"""`esep demo`: build the demo dataset (real units, invented accounts and registry)."""

from django.core.management.base import BaseCommand, CommandParser

from esep.demo.build import build_demo
from esep.demo.territory import DEFAULT_SEED, SCALES


class Command(BaseCommand):
    help = (
        "Load Kazakhstan's 20 top-level units, create labelled demo accounts and invent the "
        "registry below the units (districts, villages, people, mandates) and their budgets "
        "2000–2025 with the transfers between them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            choices=sorted(SCALES),
            default="small",
            help="small: a few units per region (seconds); national: realistic totals (minutes).",
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="seed of the invented data"
        )

    def handle(self, *args, **options) -> None:
        for line in build_demo(progress=True, scale=options["scale"], seed=options["seed"]):
            self.stdout.write(line)
