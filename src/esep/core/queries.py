"""Reads shared by core pages and the API."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import LedgerEntry


def ledger_entries() -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.order_by("-seq")
