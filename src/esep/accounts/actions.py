"""Writes about accounts and roles."""

from __future__ import annotations

import csv
import hashlib
import hmac
from datetime import timedelta
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from esep.core.actions import Actor, action, refuse_unless
from esep.core.models import AuditEntry
from esep.core.problems import Problems
from esep.territory.models import Body, Unit

from .identity import IIN, InvalidIIN, document_hash, document_number, parse_iin
from .models import BODY_KIND_OF_ROLE, CensusEntry, CensusList, Role, User, Verification
from .queries import forget_roles


def register_resident(
    actor: Actor, *, email: str, full_name: str, password: str, is_demo: bool = False
) -> User:
    """Anyone may register; the new account holds no role. Demo accounts are marked."""
    with action("register_resident", actor, None) as act:
        user = User(email=email.strip().lower(), full_name=full_name.strip(), is_demo=is_demo)
        validate_password(password, user)
        user.set_password(password)
        user.save()
        act.record(user, email=user.email)
    return user


def grant_role(
    actor: Actor,
    *,
    user: User,
    kind: str,
    body: Body | None = None,
    unit: Unit | None = None,
) -> Role:
    with action("grant_role", actor, "accounts.grant_role", body or unit) as act:
        expected = BODY_KIND_OF_ROLE.get(kind)
        if expected and body is not None and body.kind != expected:
            raise ValidationError(
                _("This role belongs to a body of another kind."), code="role_body_kind"
            )
        role = Role.objects.create(
            user=user, kind=kind, body=body, unit=unit, granted_by=actor.user
        )
        act.record(role, user=user.email, kind=kind, body=role.body_id, unit=role.unit_id)
    forget_roles(user)
    return role


def revoke_role(actor: Actor, role: Role) -> Role:
    with action("revoke_role", actor, "accounts.revoke_role", role.body or role.unit) as act:
        role.revoked_at = timezone.now()
        role.save(update_fields=["revoked_at"])
        act.record(role, user=role.user.email, kind=role.kind)
    forget_roles(role.user)
    return role


def reset_password(actor: Actor, *, user: User, password: str) -> User:
    """Set a new password. The caller has proved control of the account (a reset link)."""
    with action("reset_password", actor, None) as act:
        validate_password(password, user)
        user.set_password(password)
        user.save(update_fields=["password"])
        act.record(user)
    return user


# Verified identities (participation's eligibility). See identity.py for what is stored.


def _verify(
    *,
    user: User,
    iin: IIN,
    unit: Unit,
    method: str,
    census: CensusList | None = None,
    verified_by: User | None = None,
    take_over: bool = False,
) -> Verification:
    """Replace the account's verification with a new one. The same person verified on another
    account is refused, unless staff checked the person (`take_over`): then that one is revoked."""
    now = timezone.now()
    held = (
        Verification.objects.select_for_update()
        .filter(identity_hash=iin.hash, revoked_at__isnull=True)
        .exclude(user=user)
    )
    if held.exists():
        if not take_over:
            raise ValidationError(
                _(
                    "This IIN is already verified for another account. Staff of the akimat can "
                    "verify you in person."
                ),
                code="identity_taken",
            )
        held.update(revoked_at=now)
    Verification.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
    return Verification.objects.create(
        user=user,
        identity_hash=iin.hash,
        birth_date=iin.birth_date,
        unit=unit,
        method=method,
        census=census,
        verified_by=verified_by,
        verified_at=now,
        expires_at=now + timedelta(days=settings.ESEP_VERIFICATION_DAYS),
    )


def _iin_or_error(text: str) -> IIN:
    try:
        return parse_iin(text)
    except InvalidIIN as error:
        raise ValidationError({"iin": [str(error)]}, code="invalid_iin") from None


# The refusals of a census verification that count as an attempt: whoever tries IINs they
# found somewhere gets a few tries a day, then must see staff.
ATTEMPT_REFUSALS = ("not_in_census", "document_mismatch", "identity_taken")


def verify_by_census(actor: Actor, *, iin: str, document: str = "") -> Verification:
    """A signed-in resident proves residence with an IIN found in a current census list, and
    the number of their identity document where the list records it. After
    `ESEP_CENSUS_ATTEMPTS` refusals in 24 hours the account must wait or see staff. An
    account's attempts run one at a time (its row is locked), so parallel requests cannot
    pass the count together."""
    refuse_unless(actor, "accounts.verify_self")
    if actor.user is None:  # the system: no account to count attempts of
        return _verify_by_census(actor, iin=iin, document=document)
    refused: ValidationError | None = None
    with transaction.atomic():
        list(User.objects.select_for_update().filter(pk=actor.user.pk).values_list("pk"))
        if census_attempts_left(actor.user) <= 0:
            raise ValidationError(
                _(
                    "Too many attempts in the last 24 hours. Try again tomorrow, or ask staff "
                    "of the akimat to verify you in person."
                ),
                code="too_many_attempts",
            )
        try:
            return _verify_by_census(actor, iin=iin, document=document)
        except ValidationError as error:
            errors = (
                error.error_dict.values() if hasattr(error, "error_dict") else [error.error_list]
            )
            counted = sorted({e.code for listed in errors for e in listed} & set(ATTEMPT_REFUSALS))
            if not counted:
                raise
            # The refused action has rolled back to its savepoint; the refusal is kept.
            with action("refuse_census_verification", actor, None) as act:
                act.record(actor.user, reason=counted[0])
            refused = error
    raise refused


def census_attempts_left(user: User) -> int:
    """How many more census verifications the account may get refused in 24 hours."""
    since = timezone.now() - timedelta(hours=24)
    refused = AuditEntry.objects.filter(
        actor=user, verb="refuse_census_verification", at__gte=since
    ).count()
    return max(settings.ESEP_CENSUS_ATTEMPTS - refused, 0)


def _verify_by_census(actor: Actor, *, iin: str, document: str) -> Verification:
    with action("verify_by_census", actor, "accounts.verify_self") as act:
        person = _iin_or_error(iin)
        entry = (
            CensusEntry.objects.select_related("census", "unit")
            .filter(identity_hash=person.hash, census__replaced_at__isnull=True)
            .order_by("-census__uploaded_at")
            .first()
        )
        # One answer whether the IIN is not listed or its document number differs: the answer
        # must not tell whether someone is on a list.
        if entry is None:
            raise _not_in_census("not_in_census")
        if entry.document_hash and not hmac.compare_digest(
            entry.document_hash, document_hash(document)
        ):
            raise _not_in_census("document_mismatch")
        verification = _verify(
            user=actor.user, iin=person, unit=entry.unit, method="census", census=entry.census
        )
        act.record(verification, unit=entry.unit_id, method="census")
    return verification


def _not_in_census(code: str) -> ValidationError:
    return ValidationError(
        {
            "iin": ValidationError(
                _(
                    "No census list uploaded by an akimat holds this IIN with this document "
                    "number (needed only where the list records one). Check what you typed, or "
                    "ask staff of the akimat to verify you in person."
                ),
                code=code,
            )
        }
    )


def verify_by_oidc(actor: Actor, *, claims: dict) -> Verification:
    """The identity provider vouches for the resident's IIN and unit (a KATO code): verify them
    there, taking the identity over from any other account, as staff would in person."""
    with action("verify_by_oidc", actor, "accounts.verify_self") as act:
        person = _iin_or_error(str(claims.get(settings.ESEP_OIDC_IIN_CLAIM, "")))
        kato = str(claims.get(settings.ESEP_OIDC_UNIT_CLAIM, "")).strip()
        unit = Unit.objects.filter(kato=kato, valid_until__isnull=True).first() if kato else None
        if unit is None:
            raise ValidationError(
                {
                    "iin": [
                        _(
                            "The identity provider did not say where you live, or named a place "
                            "esep does not know. Staff of the akimat can verify you in person."
                        )
                    ]
                },
                code="unknown_unit",
            )
        verification = _verify(
            user=actor.user, iin=person, unit=unit, method="oidc", take_over=True
        )
        act.record(verification, unit=unit.pk, method="oidc")
    return verification


def verify_in_person(actor: Actor, *, user: User, iin: str, unit: Unit) -> Verification:
    """Staff of the unit saw the person and the identity document: verify them in `unit`."""
    with action("verify_in_person", actor, "accounts.verify_residence", unit) as act:
        person = _iin_or_error(iin)
        verification = _verify(
            user=user,
            iin=person,
            unit=unit,
            method="in_person",
            verified_by=actor.user,
            take_over=True,
        )
        act.record(verification, unit=unit.pk, method="in_person", user=user.email)
    return verification


def revoke_verification(actor: Actor, verification: Verification) -> Verification:
    with action(
        "revoke_verification", actor, "accounts.verify_residence", verification.unit
    ) as act:
        if verification.revoked_at is None:
            verification.revoked_at = timezone.now()
            verification.save(update_fields=["revoked_at"])
        act.record(verification, user=verification.user.email)
    return verification


CENSUS_MAX_BYTES = 50 * 1024 * 1024


class CensusRow(NamedTuple):
    person: IIN
    unit: Unit
    document_hash: str


def _census_rows(unit: Unit, data: bytes, file: str) -> list[CensusRow]:
    problems = Problems(file)
    if len(data) > CENSUS_MAX_BYTES:
        problems.add(0, 0, _("The file is larger than %(mb)d MB.") % {"mb": CENSUS_MAX_BYTES >> 20})
        raise problems.refuse()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        problems.add(line, column, _("This is not UTF-8 text."))
        raise problems.refuse() from None
    lines = text.splitlines()
    delimiter = ";" if lines and lines[0].count(";") > lines[0].count(",") else ","
    rows = list(csv.reader(lines, delimiter=delimiter))
    header = [name.strip().lower() for name in rows[0]] if rows else []
    if "iin" not in header:
        problems.add(1, 1, _("The header must name the column “iin”."))
        raise problems.refuse()
    iin_col = header.index("iin")
    kato_col = header.index("kato") if "kato" in header else None
    document_col = header.index("document") if "document" in header else None
    below = {
        u.kato: u
        for u in Unit.objects.filter(path__startswith=unit.path, kato__isnull=False).only(
            "id", "kato", "path", "name_en", "name_kk", "name_ru"
        )
    }
    found: list[CensusRow] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.add(
                number,
                1,
                _("This row has %(found)d values; the header has %(expected)d.")
                % {"found": len(row), "expected": len(header)},
            )
            continue
        try:
            person = parse_iin(row[iin_col])
        except InvalidIIN as error:
            problems.add(number, iin_col + 1, str(error))
            continue
        if person.digits in seen:
            problems.add(
                number,
                iin_col + 1,
                _("This IIN is already on line %(line)d.") % {"line": seen[person.digits]},
            )
            continue
        seen[person.digits] = number
        where = unit
        if kato_col is not None and row[kato_col].strip():
            where = below.get(row[kato_col].strip())
            if where is None:
                problems.add(
                    number,
                    kato_col + 1,
                    _("No unit with KATO code “%(code)s” lies in %(unit)s.")
                    % {"code": row[kato_col].strip(), "unit": unit.name},
                )
                continue
        document = ""
        if document_col is not None and row[document_col].strip():
            document = document_number(row[document_col])
            if not 5 <= len(document) <= 20:
                problems.add(
                    number,
                    document_col + 1,
                    _("A document number has 5 to 20 letters and digits."),
                )
                continue
        found.append(CensusRow(person, where, document_hash(document) if document else ""))
    if not found and not problems:
        problems.add(2, 1, _("The file lists no residents."))
    if problems:
        raise problems.refuse()
    return found


def upload_census(actor: Actor, *, unit: Unit, data: bytes, file_name: str) -> CensusList:
    """Replace the unit's census list with the file's (CSV: a column `iin`, optionally `kato`
    naming a unit inside `unit` and `document`, the number of the identity document). All or
    nothing; the IINs and document numbers themselves are never stored."""
    with action("upload_census", actor, "accounts.upload_census", unit) as act:
        rows = _census_rows(unit, data, file_name)
        CensusList.objects.filter(unit=unit, replaced_at__isnull=True).update(
            replaced_at=timezone.now()
        )
        census = CensusList.objects.create(
            unit=unit,
            file_name=file_name[:255],
            sha256=hashlib.sha256(data).hexdigest(),
            rows=len(rows),
            uploaded_by=actor.user,
        )
        CensusEntry.objects.bulk_create(
            [
                CensusEntry(
                    census=census,
                    identity_hash=row.person.hash,
                    birth_date=row.person.birth_date,
                    unit=row.unit,
                    document_hash=row.document_hash,
                )
                for row in rows
            ],
            batch_size=2000,
        )
        act.record(census, unit=unit.pk, rows=len(rows), sha256=census.sha256)
    return census
