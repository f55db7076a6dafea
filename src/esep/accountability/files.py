"""Files attached to appeals: what is accepted, checked by content, not by name."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_FILES = 5
MAX_FILE_BYTES = 5 * 1024 * 1024
# Signature → (content type, extensions)
SIGNATURES = (
    (b"%PDF-", "application/pdf", (".pdf",)),
    (b"\xff\xd8\xff", "image/jpeg", (".jpg", ".jpeg")),
    (b"\x89PNG\r\n\x1a\n", "image/png", (".png",)),
)
ACCEPTED_TYPES = tuple(kind for _sig, kind, _ext in SIGNATURES)


@dataclass(frozen=True)
class Upload:
    """A checked file, ready to store."""

    name: str
    content_type: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def sniff(data: bytes) -> tuple[str, tuple[str, ...]] | None:
    for signature, kind, extensions in SIGNATURES:
        if data.startswith(signature):
            return kind, extensions
    return None


def check_uploads(files: list[tuple[str, bytes, str]], *, field: str = "files") -> list[Upload]:
    """Check (name, data, declared content type) triples; raise ValidationError naming every
    bad file. Accepted: PDF, JPEG and PNG up to 5 MB each, at most 5 files."""
    errors: list[str] = []
    if len(files) > MAX_FILES:
        errors.append(_("Attach at most %(count)d files.") % {"count": MAX_FILES})
    checked = []
    for name, data, declared in files:
        name = (name or "file").replace("\\", "/").rsplit("/", 1)[-1][:200]
        if not data:
            errors.append(_("“%(name)s” is empty.") % {"name": name})
            continue
        if len(data) > MAX_FILE_BYTES:
            errors.append(
                _("“%(name)s” is %(size)s; files may be at most %(limit)s.")
                % {
                    "name": name,
                    "size": filesizeformat(len(data)),
                    "limit": filesizeformat(MAX_FILE_BYTES),
                }
            )
            continue
        found = sniff(data)
        declared = (declared or "").split(";")[0].strip().lower()
        if found is None or (declared and declared not in ("application/octet-stream", found[0])):
            errors.append(_("“%(name)s” is not a PDF, JPEG or PNG file.") % {"name": name})
            continue
        kind, extensions = found
        if not name.lower().endswith(extensions):
            name = name + extensions[0]
        checked.append(Upload(name=name, content_type=kind, data=data))
    if errors:
        raise ValidationError({field: errors})
    return checked


def store_file(record: Any, upload: Upload, stored: list[Any]) -> None:
    """Write `upload` into the file field of `record` (a StoredFile) and save the record;
    `stored` collects what was written, for `discard_files` if the transaction fails."""
    record.name = upload.name
    record.content_type = upload.content_type
    record.size = len(upload.data)
    record.sha256 = upload.sha256
    record.file.save(upload.name, ContentFile(upload.data), save=False)
    stored.append(record)
    record.save()


def discard_files(stored: list[Any]) -> None:
    """Remove the files of records whose transaction was rolled back."""
    for record in stored:
        record.file.delete(save=False)
