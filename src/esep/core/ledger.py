"""The publication ledger: a hash chain over everything esep publishes.

Each entry stores the record's canonical JSON (sorted keys, no spaces, UTF-8), its SHA-256, and
the hash of the previous entry. `verify()` recomputes every link and compares each record's
latest entry with the row as it is now, so a published row altered or deleted behind esep's back,
or a ledger entry edited or removed, is found and named.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import connection, models
from django.utils import timezone

from .models import LedgerEntry

GENESIS = "0" * 64


def _default(value: Any) -> str:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot put {type(value).__name__} in a ledger record")


def canonical_json(record: dict[str, Any]) -> str:
    return json.dumps(
        record, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default
    )


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def entry_hash(
    seq: int, published_at: datetime, record_type: str, record_id: str, record_hash: str, prev: str
) -> str:
    return sha256(
        "|".join([str(seq), published_at.isoformat(), record_type, record_id, record_hash, prev])
    )


LEDGER_LOCK = 0x65736570  # "esep"


def _lock_ledger() -> None:
    """One appender at a time. PostgreSQL: a transaction-scoped advisory lock (row locks cannot
    cover "the next row"). SQLite: transactions begin IMMEDIATE, so writers already queue."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LEDGER_LOCK])


def append(obj: models.Model) -> LedgerEntry:
    """Append a publication of `obj` (a model with ledger_record()). Call inside an action."""
    payload = canonical_json(obj.ledger_record())  # type: ignore[attr-defined]
    _lock_ledger()
    last = LedgerEntry.objects.order_by("-seq").first()
    seq = last.seq + 1 if last else 1
    prev = last.entry_hash if last else GENESIS
    published_at = timezone.now().replace(microsecond=0)
    record_type = obj._meta.label_lower
    record_hash = sha256(payload)
    return LedgerEntry.objects.create(
        seq=seq,
        published_at=published_at,
        record_type=record_type,
        record_id=str(obj.pk),
        payload=payload,
        record_hash=record_hash,
        prev_hash=prev,
        entry_hash=entry_hash(seq, published_at, record_type, str(obj.pk), record_hash, prev),
    )


@dataclass(frozen=True)
class Verdict:
    ok: bool
    checked: int
    seq: int | None = None
    problem: str = ""
    head: str = ""

    def __str__(self) -> str:
        if self.ok:
            return f"ledger intact: {self.checked} entries verified, head {self.head}"
        return f"ledger entry #{self.seq}: {self.problem}"


def verify(progress: Callable[[int], None] | None = None, chunk: int = 2000) -> Verdict:
    """Recompute the chain, then compare each record's latest entry with its row now."""
    prev = GENESIS
    expected_seq = 1
    latest: dict[tuple[str, str], LedgerEntry] = {}
    checked = 0
    for entry in LedgerEntry.objects.order_by("seq").iterator(chunk_size=chunk):
        if entry.seq != expected_seq:
            return Verdict(False, checked, expected_seq, "entry is missing from the ledger")
        if entry.prev_hash != prev:
            return Verdict(False, checked, entry.seq, "does not link to the entry before it")
        if sha256(entry.payload) != entry.record_hash:
            return Verdict(False, checked, entry.seq, "stored record does not match its hash")
        recomputed = entry_hash(
            entry.seq,
            entry.published_at,
            entry.record_type,
            entry.record_id,
            entry.record_hash,
            entry.prev_hash,
        )
        if recomputed != entry.entry_hash:
            return Verdict(False, checked, entry.seq, "entry was altered after it was written")
        latest[(entry.record_type, entry.record_id)] = entry
        prev = entry.entry_hash
        expected_seq += 1
        checked += 1
        if progress:
            progress(1)
    problem = _compare_rows(latest.values()) or _unrecorded_publications(latest, expected_seq)
    if problem:
        return Verdict(False, checked, problem[0], problem[1])
    return Verdict(True, checked, head=prev)


def publishable_models() -> list[type[models.Model]]:
    """Models that publish to the ledger: they define ledger_record() and published_at."""
    return [
        model
        for model in apps.get_models()
        if hasattr(model, "ledger_record")
        and any(f.name == "published_at" for f in model._meta.fields)
    ]


def _unrecorded_publications(
    latest: dict[tuple[str, str], LedgerEntry], next_seq: int
) -> tuple[int, str] | None:
    """A row marked published with no entry: its entry (the ledger's tail) was removed."""
    for model in publishable_models():
        label = model._meta.label_lower
        for pk in model._default_manager.filter(published_at__isnull=False).values_list(
            "pk", flat=True
        ):
            if (label, str(pk)) not in latest:
                return next_seq, f"published {label} {pk} has no ledger entry (entry removed?)"
    return None


def _compare_rows(entries: Iterable[LedgerEntry]) -> tuple[int, str] | None:
    by_type: dict[str, list[LedgerEntry]] = {}
    for entry in entries:
        by_type.setdefault(entry.record_type, []).append(entry)
    problems: list[tuple[int, str]] = []
    for record_type, group in by_type.items():
        try:
            model = apps.get_model(record_type)
        except LookupError:
            problems.append((group[0].seq, f"record type {record_type} no longer exists"))
            continue
        rows = model._default_manager.in_bulk([e.record_id for e in group])
        for entry in group:
            row = rows.get(model._meta.pk.to_python(entry.record_id))
            if row is None:
                problems.append(
                    (entry.seq, f"published {record_type} {entry.record_id} was deleted")
                )
            elif canonical_json(row.ledger_record()) != entry.payload:
                problems.append(
                    (entry.seq, f"published {record_type} {entry.record_id} was altered")
                )
    return min(problems) if problems else None
