"""Who may publish budget figures.

Administrators may do everything. The staff of an akimat (akimat editors) publish the budget
lines of their own unit, and the transfers between their unit and the budgets below it (the
budget above sets subventions, withdrawals and targeted transfers); nobody else writes
budgets. Loading the classification and rebuilding all indicators are administrative."""

from __future__ import annotations

import rules

from esep.accounts.rules import is_administrator, is_akimat_editor

rules.add_perm("finance.load_classification", is_administrator)
rules.add_perm("finance.rebuild_indicators", is_administrator)
rules.add_perm("finance.import_budget", is_administrator | is_akimat_editor)
rules.add_perm("finance.import_transfers", is_administrator | is_akimat_editor)


@rules.predicate
def publishes_budgets(user) -> bool:
    """May the user open the upload page at all (somewhere)?"""
    from esep.accounts.models import RoleKind
    from esep.accounts.queries import active_roles

    kinds = {RoleKind.ADMINISTRATOR, RoleKind.AKIMAT_EDITOR}
    return any(role.kind in kinds for role in active_roles(user))


rules.add_perm("finance.upload", publishes_budgets)
