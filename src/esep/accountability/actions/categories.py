"""Reference data of appeals (categories and their questions, loaded from data/*.csv) and the
API keys of Open311 client applications."""

from __future__ import annotations

import csv
import hashlib
import secrets
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from esep.core.actions import Actor, action

from ..models import ApiClient, AttributeType, Category, CategoryAttribute

DATA = Path(__file__).resolve().parent.parent / "data"
CATEGORY_FIELDS = (
    "group",
    "power",
    "name_kk",
    "name_ru",
    "name_en",
    "description_kk",
    "description_ru",
    "description_en",
    "keywords",
)


def _values(text: str, where: str) -> list[dict[str, str]]:
    """`key:kk|ru|en;key:…` → [{"key", "name_kk", "name_ru", "name_en"}]."""
    values = []
    for item in filter(None, (part.strip() for part in text.split(";"))):
        key, _sep, names = item.partition(":")
        parts = names.split("|")
        if not key or len(parts) != 3:
            raise ValidationError(
                _("%(where)s: “%(item)s” is not key:Kazakh|Russian|English.")
                % {"where": where, "item": item}
            )
        values.append({"key": key, "name_kk": parts[0], "name_ru": parts[1], "name_en": parts[2]})
    return values


def load_categories(actor: Actor, directory: Path = DATA) -> dict[str, int]:
    """Create or update the categories and their questions from `categories.csv` and
    `category_attributes.csv` (idempotent). Categories missing from the file are deactivated,
    never deleted: appeals keep theirs."""
    with action("load_categories", actor, "accountability.manage_categories") as act:
        counts = {"categories": 0, "attributes": 0}
        seen = []
        with open(directory / "categories.csv", encoding="utf-8", newline="") as handle:
            for position, row in enumerate(csv.DictReader(handle), start=1):
                defaults = {field: row[field].strip() for field in CATEGORY_FIELDS}
                Category.objects.update_or_create(
                    code=row["code"].strip(),
                    defaults={**defaults, "position": position, "is_active": True},
                )
                seen.append(row["code"].strip())
                counts["categories"] += 1
        Category.objects.exclude(code__in=seen).update(is_active=False)
        categories = {category.code: category for category in Category.objects.all()}
        path = directory / "category_attributes.csv"
        with open(path, encoding="utf-8", newline="") as handle:
            for line, row in enumerate(csv.DictReader(handle), start=2):
                where = f"{path.name}:{line}"
                category = categories.get(row["category"].strip())
                if category is None or row["datatype"] not in AttributeType.values:
                    raise ValidationError(
                        _("%(where)s: unknown category or type.") % {"where": where}
                    )
                CategoryAttribute.objects.update_or_create(
                    category=category,
                    code=row["code"].strip(),
                    defaults={
                        "datatype": row["datatype"],
                        "required": row["required"].strip().lower() == "true",
                        "description_kk": row["description_kk"],
                        "description_ru": row["description_ru"],
                        "description_en": row["description_en"],
                        "values": _values(row["values"], where),
                        "order": line,
                    },
                )
                counts["attributes"] += 1
        act.data.update(counts)
    return counts


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_api_key(actor: Actor, *, name: str, contact_email: str) -> tuple[ApiClient, str]:
    """Register a client application; returns it and its key (shown once, stored hashed)."""
    name = (name or "").strip()
    if not name or not (contact_email or "").strip():
        raise ValidationError(_("Give the application's name and a contact email."))
    key = secrets.token_urlsafe(24)
    with action("issue_api_key", actor, "accountability.issue_api_key") as act:
        client = ApiClient.objects.create(
            name=name[:200],
            contact_email=contact_email.strip(),
            key_prefix=key[:8],
            key_sha256=key_hash(key),
            issued_by=actor.user,
        )
        act.record(client, name=client.name)
    return client, key


def revoke_api_key(actor: Actor, client: ApiClient) -> ApiClient:
    with action("revoke_api_key", actor, "accountability.issue_api_key") as act:
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
        act.record(client)
    return client


def client_for_key(key: str) -> ApiClient | None:
    """The active client application holding `key`, or None."""
    if not key:
        return None
    return ApiClient.objects.filter(key_sha256=key_hash(key), revoked_at__isnull=True).first()
