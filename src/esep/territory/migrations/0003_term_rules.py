"""Default term lengths for elected posts (editable by administrators through set_term_rule)."""

from django.db import migrations

RULES = [
    ("akim", 4, "Law No. 148-II of 23.01.2001 on local state administration and self-government (elected akims: 4 years)"),
    ("maslikhat_chair", 5, "Law No. 148-II of 23.01.2001 (chair elected for the maslikhat's term)"),
    ("district_deputy", 5, "Constitution, Art. 86 (maslikhats: 5 years)"),
    ("list_deputy", 5, "Constitution, Art. 86 (maslikhats: 5 years)"),
    ("commission_chair", 5, "Constitutional Law on Elections (territorial commissions: 5 years)"),
    ("commission_member", 5, "Constitutional Law on Elections (territorial commissions: 5 years)"),
]


def seed(apps, schema_editor):
    TermRule = apps.get_model("territory", "TermRule")
    for kind, years, basis in RULES:
        TermRule.objects.get_or_create(
            post_kind=kind, defaults={"term_years": years, "legal_basis": basis}
        )


class Migration(migrations.Migration):
    dependencies = [("territory", "0002_registry")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
