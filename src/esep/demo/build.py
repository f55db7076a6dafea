"""Build the demo dataset. Real data as it is (the 20 top-level units with populations,
boundaries and history, the powers of local bodies, the parties); invented data (accounts and
roles, and the registry below the top-level units) created from fixed values or a fixed seed
and marked as demo data."""

from __future__ import annotations

from collections.abc import Iterator

from django.db import transaction
from rich.progress import Progress

from esep.accounts import actions as account_actions
from esep.accounts.models import Role, User
from esep.core.actions import Actor
from esep.territory.geo import load_boundaries
from esep.territory.history import load_history
from esep.territory.importers import load_regions
from esep.territory.models import Body, Boundary, Unit
from esep.territory.powers import load_powers

from .accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, describe_demo_accounts
from .appeals import build_appeals
from .budgets import build_budgets
from .information import build_information_requests
from .participation import build_participation
from .territory import DEFAULT_SEED, build_registry


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


def build_demo(
    progress: bool = False, scale: str = "small", seed: int = DEFAULT_SEED
) -> Iterator[str]:
    """Load the real top-level units, create the demo accounts, invent the registry below the
    units (`scale` "small" or "national", from `seed`), then the budgets 2000–2025 of the
    units that have budgets (`esep.demo.budgets`) and the appeals since 2021
    (`esep.demo.appeals`). Safe to run again: what exists is kept. With `progress`, a progress
    bar follows the units, each top-level unit, then the budgets and the appeals."""
    actor = Actor.cli("demo")
    with Progress(transient=True, disable=not progress) as bar:
        task = bar.add_task("loading units", total=20)
        with transaction.atomic():
            created = load_regions(actor, step=lambda: bar.advance(task))
            for email, name, kind, iso, body_kind in DEMO_ACCOUNTS:
                user = _demo_user(email, name)
                if kind is None or Role.objects.filter(user=user, revoked_at__isnull=True).exists():
                    continue
                unit = Unit.objects.get(iso_code=iso) if iso else None
                body = Body.objects.get(unit=unit, kind=body_kind) if body_kind else None
                account_actions.grant_role(
                    actor, user=user, kind=kind, body=body, unit=None if body else unit
                )
            load_history(actor)
            if not Boundary.objects.exists():
                load_boundaries(actor)
            load_powers(actor)  # idempotent: brings new powers into an older database
        present = Unit.objects.count() - created
        bar.update(task, description=f"demo registry ({scale})", completed=0, total=20)
        registry = build_registry(
            actor,
            scale=scale,
            seed=seed,
            step=lambda label, n: bar.update(task, description=label, advance=n),
        )
        bar.update(task, description="demo budgets", completed=0, total=4)
        budgets = build_budgets(
            actor,
            seed=seed,
            step=lambda label, n: bar.update(task, description=f"demo budgets: {label}", advance=n),
        )
        bar.update(task, description="demo appeals", completed=0, total=1)
        appeals = build_appeals(actor, seed=seed, scale=scale)
        bar.update(task, description="demo information requests")
        information = build_information_requests(rng_seed=seed, actor=actor)
        bar.update(task, description="demo participatory budgeting")
        participation = build_participation(actor, seed=seed)
        bar.advance(task)
    yield f"units created: {created} (already present: {present})"
    yield "demo registry ({scale}, seed {seed}): {counts}".format(
        scale=scale, seed=seed, counts=", ".join(f"{n} {key}" for key, n in registry.items())
    )
    if budgets["unit_years"]:
        yield (
            "demo budgets (seed {seed}): {unit_years} unit-years, {lines} lines, {transfers} "
            "transfers (written now: {lines_written} lines, {transfers_written} transfers)"
        ).format(seed=seed, **budgets)
    else:
        yield "demo budgets: not generated (budget figures that are not demo data are present)"
    if appeals["appeals"]:
        yield (
            "demo appeals (seed {seed}): {appeals} appeals, {complaints} complaints to the body "
            "above, {steps} steps, {applicants} applicant accounts; {open} open, {overdue} overdue"
        ).format(seed=seed, **appeals)
    else:
        yield "demo appeals: not generated (demo appeals are present)"
    if information["requests"]:
        yield (
            "demo information requests (seed {seed}): {requests} requests, {answered} answered, "
            "{waiting} waiting, {overdue} overdue"
        ).format(seed=seed, **information)
    else:
        yield "demo information requests: not generated (demo requests are present)"
    if participation["processes"]:
        yield (
            "demo participatory budgeting (seed {seed}): {processes} processes (one imported from "
            "Pabulib), {projects} projects, {ballots} ballots"
        ).format(seed=seed, **participation)
    else:
        yield "demo participatory budgeting: not generated (demo processes are present)"
    yield from describe_demo_accounts()
