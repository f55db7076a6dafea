"""`esep issue-api-key NAME EMAIL`: register an Open311 client application and print its key
(shown once; only its hash is kept). `--revoke PREFIX` revokes the key starting with PREFIX."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from esep.accountability.actions import issue_api_key, revoke_api_key
from esep.accountability.models import ApiClient
from esep.core.actions import Actor


class Command(BaseCommand):
    help = "Issue (or revoke) an API key for an Open311 client application."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("name", nargs="?", help="the application's name")
        parser.add_argument("email", nargs="?", help="a contact email")
        parser.add_argument("--revoke", metavar="PREFIX", help="revoke the key with this prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = Actor.cli("issue-api-key")
        if options["revoke"]:
            clients = list(ApiClient.objects.filter(key_prefix=options["revoke"], revoked_at=None))
            if len(clients) != 1:
                raise CommandError(f"no single active key starts with {options['revoke']!r}")
            revoke_api_key(actor, clients[0])
            self.stdout.write(f"revoked {clients[0]}")
            return
        if not options["name"] or not options["email"]:
            raise CommandError("give the application's name and a contact email")
        client, key = issue_api_key(actor, name=options["name"], contact_email=options["email"])
        self.stdout.write(f"{client.name}: {key}\n(the key is shown only now)")
