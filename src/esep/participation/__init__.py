"""Participatory budgeting. So far: Pabulib's .pb format (`pabulib`)."""
