"""Emails to applicants at every step of their appeal, sent once the step is committed, in the
language the appeal was filed in (console backend by default: ESEP_EMAIL_BACKEND)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from .models import Appeal, StepKind

SUBJECTS = {
    StepKind.FILED: lambda: _("Your appeal №%(number)s is registered"),
    StepKind.FORWARDED: lambda: _("Your appeal №%(number)s was forwarded"),
    StepKind.FORWARDED_OUT: lambda: _("Your appeal №%(number)s was forwarded"),
    StepKind.EXTENDED: lambda: _("The term of your appeal №%(number)s was extended"),
    StepKind.ANSWERED: lambda: _("Your appeal №%(number)s is answered"),
    StepKind.LEFT: lambda: _("Your appeal №%(number)s was left without consideration"),
    StepKind.PUBLISHED: lambda: _("Your appeal №%(number)s is published"),
}


def _body_text(appeal: Appeal, kind: str, note: str) -> str:
    lines = [
        _("Appeal №%(number)s, filed %(filed)s.")
        % {"number": appeal.number, "filed": appeal.filed_at.date().isoformat()},
        _("Body: %(body)s.") % {"body": appeal.body},
        _("Deadline: %(deadline)s.") % {"deadline": appeal.deadline.isoformat()},
    ]
    if note:
        lines += ["", note]
    if kind in (StepKind.ANSWERED, StepKind.LEFT):
        lines += [
            "",
            _("You can rate the answer or complain to the body above on the appeal's page."),
        ]
    return "\n".join(lines)


def applicant(appeal: Appeal, kind: str, note: str = "") -> None:
    """Tell the applicant about step `kind` after the transaction commits."""
    if kind not in SUBJECTS or not appeal.applicant_email:
        return
    language = appeal.language or settings.LANGUAGE_CODE

    def send() -> None:
        with translation.override(language):
            send_mail(
                SUBJECTS[kind]() % {"number": appeal.number},
                _body_text(appeal, kind, note),
                None,
                [appeal.applicant_email],
                fail_silently=True,
            )

    transaction.on_commit(send)
