"""Eligibility as data: each resident activity of a process (propose, support, vote) names the
unit whose verified residents may take it, whether the units inside it count, and a minimum
age. Checked here and nowhere else."""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from esep.accounts.identity import age_on
from esep.accounts.models import Verification
from esep.territory.models import Unit

from .models import Eligibility, Process


def active_verification(user: Any) -> Verification | None:
    if user is None or not user.is_authenticated:
        return None
    return (
        Verification.objects.select_related("unit")
        .filter(user=user, revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )


def eligibility_rule(process: Process, activity: str) -> Eligibility | None:
    """Who may take `activity` in `process` (None: nobody)."""
    return (
        Eligibility.objects.select_related("unit")
        .filter(process=process, activity=activity)
        .first()
    )


def check_eligible(process: Process, activity: str, user: Any, today: date) -> Verified:
    """The user's verification if they may take `activity` in `process`; else a clear refusal."""
    return check_rule(eligibility_rule(process, activity), user, today)


class Verified(NamedTuple):
    """What the check needs of a verification: the identity, the birth date and the unit."""

    identity_hash: str
    birth_date: date
    unit_id: int
    unit_path: str


def verified(user: Any) -> Verified | None:
    """The user's verification in force, read with plain SQL: this runs on every ballot, and
    the ORM's building of the joined query would cost more than running it."""
    if user is None or not user.is_authenticated:
        return None
    quote = connection.ops.quote_name
    sql = (
        f"SELECT v.identity_hash, v.birth_date, v.unit_id, u.path "  # noqa: S608 - no user input
        f"FROM {quote(Verification._meta.db_table)} v "
        f"JOIN {quote(Unit._meta.db_table)} u ON u.id = v.unit_id "
        f"WHERE v.user_id = %s AND v.revoked_at IS NULL AND v.expires_at > %s "
        f"ORDER BY v.id LIMIT 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, connection.ops.adapt_datetimefield_value(timezone.now())])
        row = cursor.fetchone()
    if row is None:
        return None
    identity_hash, birth, unit_id, path = row
    if isinstance(birth, str):
        birth = date.fromisoformat(birth)
    return Verified(identity_hash, birth, unit_id, path)


def check_rule(rule: Eligibility | None, user: Any, today: date) -> Verified:
    """The user's verification if `rule` lets them act; else a clear refusal."""
    if rule is None:
        raise ValidationError(_("Nobody may do this in this process."), code="not_eligible")
    verification = verified(user)
    if verification is None:
        raise ValidationError(
            _("Only residents with a verified identity may do this. Verify your residence first."),
            code="not_verified",
        )
    inside = (
        rule.unit.covers_path(verification.unit_path)
        if rule.include_subunits
        else verification.unit_id == rule.unit_id
    )
    if not inside:
        raise ValidationError(
            _("Only residents of %(unit)s may do this.") % {"unit": rule.unit.name},
            code="not_resident",
        )
    if age_on(verification.birth_date, today) < rule.min_age:
        raise ValidationError(
            _("Only residents aged %(age)d or over may do this.") % {"age": rule.min_age},
            code="too_young",
        )
    return verification
