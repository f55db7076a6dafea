"""Who may do what in participatory budgeting.

The akimat of the process's unit (or of a unit above it) runs the process: sets its rules and
phases, reviews proposals, enters paper ballots, counts and publishes, and reports progress.
Election commission members of the unit may also enter paper ballots. Residents propose, support
and vote: any signed-in person may ask, and eligibility (`eligibility.py`, declared per process
as data) decides. Administrators may do everything staff may."""

from __future__ import annotations

import rules

from esep.accounts.rules import (
    is_administrator,
    is_akimat_editor_over,
    is_election_commission,
    is_signed_in,
)

runs_process = is_administrator | is_akimat_editor_over

rules.add_perm("participation.manage_process", runs_process)
rules.add_perm("participation.review_project", runs_process)
rules.add_perm("participation.count", runs_process)
rules.add_perm("participation.report_progress", runs_process)
rules.add_perm("participation.enter_paper", runs_process | is_election_commission)
rules.add_perm("participation.take_part", is_signed_in)
