"""`esep set-term-rule --post-kind akim --years 4 [--max-consecutive 2 | --no-limit]`."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from esep.core.actions import Actor
from esep.territory.actions import set_term_rule
from esep.territory.models import PostKind


class Command(BaseCommand):
    help = "Set the term length and the term limit for elected holders of a kind of post."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--post-kind", required=True, choices=PostKind.values)
        parser.add_argument("--years", required=True, type=int)
        limit = parser.add_mutually_exclusive_group()
        limit.add_argument("--max-consecutive", type=int, help="most consecutive terms")
        limit.add_argument("--no-limit", action="store_true", help="no term limit (default)")
        parser.add_argument("--legal-basis", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            rule = set_term_rule(
                Actor.cli("set-term-rule"),
                post_kind=options["post_kind"],
                term_years=options["years"],
                max_consecutive_terms=None if options["no_limit"] else options["max_consecutive"],
                legal_basis=options["legal_basis"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        limit = rule.max_consecutive_terms or "none"
        self.stdout.write(f"{rule.post_kind}: {rule.term_years} years, limit {limit}")
