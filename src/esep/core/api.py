from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from esep.api.pagination import Paged

from . import queries

router = Router(tags=["ledger"])


class Health(Schema):
    status: str


class LedgerEntryOut(Schema):
    seq: int
    published_at: datetime
    record_type: str
    record_id: str
    payload: str
    record_hash: str
    prev_hash: str
    entry_hash: str


@router.get("/health", response=Health, tags=["meta"])
def health(request: HttpRequest) -> dict:
    return {"status": "ok"}


@router.get("/ledger", response=list[LedgerEntryOut])
@paginate(Paged)
def ledger(request: HttpRequest):
    """The publication ledger, newest first. Each entry holds the canonical JSON published."""
    return queries.ledger_entries()
