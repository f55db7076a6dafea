"""Build the demo dataset. Real data as it is (the 20 top-level units with populations);
invented data (accounts and roles) created from fixed values and marked as demo data."""

from __future__ import annotations

from collections.abc import Iterator

from django.db import transaction
from rich.progress import Progress

from esep.accounts import actions as account_actions
from esep.accounts.models import Role, User
from esep.core.actions import Actor
from esep.territory.importers import load_regions
from esep.territory.models import Body, Unit

from .accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, describe_demo_accounts


def _demo_user(email: str, full_name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = account_actions.register_resident(
            Actor.cli("demo"),
            email=email,
            full_name=full_name,
            password=DEMO_PASSWORD,
            is_demo=True,
        )
    return user


def build_demo(progress: bool = False) -> Iterator[str]:
    actor = Actor.cli("demo")
    with transaction.atomic():
        if progress:
            with Progress(transient=True) as bar:
                task = bar.add_task("loading units", total=20)
                created = load_regions(actor, step=lambda: bar.advance(task))
        else:
            created = load_regions(actor)
        for email, name, kind, iso, body_kind in DEMO_ACCOUNTS:
            user = _demo_user(email, name)
            if kind is None or Role.objects.filter(user=user, revoked_at__isnull=True).exists():
                continue
            unit = Unit.objects.get(iso_code=iso) if iso else None
            body = Body.objects.get(unit=unit, kind=body_kind) if body_kind else None
            account_actions.grant_role(
                actor, user=user, kind=kind, body=body, unit=None if body else unit
            )
    yield f"units created: {created} (already present: {Unit.objects.count() - created})"
    yield from describe_demo_accounts()
