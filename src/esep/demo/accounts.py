"""The demo accounts: invented people, marked is_demo, each with one role."""

from __future__ import annotations

from collections.abc import Iterator

DEMO_PASSWORD = "demo-esep-2026"  # noqa: S105 — published on purpose: demo sites only

# (email, full name, role kind, ISO code of the unit, body kind or None)
DEMO_ACCOUNTS = [
    ("admin@demo.esep.kz", "Demo Administrator", "administrator", None, None),
    ("akimat.almaty@demo.esep.kz", "Демо Әкімдік Редакторы", "akimat_editor", "KZ-75", "akimat"),
    (
        "maslikhat.astana@demo.esep.kz",
        "Демо Мәслихат Қызметкері",
        "maslikhat_staff",
        "KZ-71",
        "maslikhat",
    ),
    ("moderator.turkistan@demo.esep.kz", "Демо Модератор", "moderator", "KZ-61", None),
    ("resident@demo.esep.kz", "Демо Тұрғын", None, None, None),
]


def describe_demo_accounts() -> Iterator[str]:
    from esep.accounts.models import User

    emails = set(User.objects.filter(is_demo=True).values_list("email", flat=True))
    if not emails:
        return
    yield f"Demo accounts (password for all: {DEMO_PASSWORD}):"
    for email, _name, kind, iso, body in DEMO_ACCOUNTS:
        if email in emails:
            scope = f" — {body or 'unit'} of {iso}" if iso else ""
            yield f"  {email:36} {kind or 'resident'}{scope}"
