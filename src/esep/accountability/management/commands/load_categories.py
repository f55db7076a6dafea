"""`esep load-categories`: load or update the categories of appeals and their questions."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from esep.accountability.actions import load_categories
from esep.core.actions import Actor


class Command(BaseCommand):
    help = "Load the categories of appeals (Open311 services) from accountability/data/."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = load_categories(Actor.cli("load-categories"))
        self.stdout.write(f"{counts['categories']} categories, {counts['attributes']} questions")
