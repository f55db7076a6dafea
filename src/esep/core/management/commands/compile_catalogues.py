"""Compile esep's .po catalogues to .mo with polib, so no system gettext is needed."""

from django.conf import settings
from django.core.management.base import BaseCommand

from esep.core.i18n import compile_catalogues


class Command(BaseCommand):
    help = "Compile esep's translation catalogues (.po → .mo)."

    def handle(self, *args, **options) -> None:
        count = compile_catalogues(settings.LOCALE_PATHS)
        self.stdout.write(f"compiled {count} catalogues")
