"""`esep demo`: build the demo dataset (real units, invented accounts)."""

from django.core.management.base import BaseCommand

from esep.demo.build import build_demo


class Command(BaseCommand):
    help = "Load Kazakhstan's 20 top-level units and create labelled demo accounts."

    def handle(self, *args, **options) -> None:
        for line in build_demo(progress=True):
            self.stdout.write(line)
