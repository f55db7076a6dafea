"""Every write of participatory budgeting, as a named action (see esep.core.actions)."""
