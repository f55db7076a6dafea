"""Who may do what in core: the working-day calendar is the administrators' to edit."""

from __future__ import annotations

import rules

from esep.accounts.rules import is_administrator

rules.add_perm("core.edit_calendar", is_administrator)
