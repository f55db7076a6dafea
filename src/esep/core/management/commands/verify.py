"""`esep verify`: recompute the publication ledger and name the first entry that fails."""

from django.core.management.base import BaseCommand, CommandError
from rich.progress import Progress

from esep.core import ledger
from esep.core.models import LedgerEntry


class Command(BaseCommand):
    help = "Check that nothing published was altered or removed."

    def handle(self, *args, **options) -> None:
        total = LedgerEntry.objects.count()
        with Progress(transient=True) as progress:
            task = progress.add_task("verifying ledger", total=total)
            verdict = ledger.verify(progress=lambda n: progress.advance(task, n))
        if not verdict.ok:
            raise CommandError(str(verdict))
        self.stdout.write(self.style.SUCCESS(str(verdict)))
