"""Eligibility as data: each resident activity of a process (propose, support, vote) names the
unit whose verified residents may take it, whether the units inside it count, and a minimum
age. Checked here and nowhere else."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from esep.accounts.identity import age_on
from esep.accounts.models import Verification

from .models import Eligibility, Process


def active_verification(user: Any) -> Verification | None:
    if user is None or not user.is_authenticated:
        return None
    return (
        Verification.objects.select_related("unit")
        .filter(user=user, revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )


def check_eligible(process: Process, activity: str, user: Any, today: date) -> Verification:
    """The user's verification if they may take `activity` in `process`; else a clear refusal."""
    rule = (
        Eligibility.objects.select_related("unit")
        .filter(process=process, activity=activity)
        .first()
    )
    if rule is None:
        raise ValidationError(_("Nobody may do this in this process."), code="not_eligible")
    verification = active_verification(user)
    if verification is None:
        raise ValidationError(
            _("Only residents with a verified identity may do this. Verify your residence first."),
            code="not_verified",
        )
    inside = (
        rule.unit.covers(verification.unit)
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
