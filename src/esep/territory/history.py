"""The real administrative-territorial history of the top level since 1997, recorded on the
units `load_regions` creates: former names, and the 2018 and 2022 reforms. Data published for
a unit as it was then (budgets before 2018 for South Kazakhstan Region, before June 2022 for the
larger East Kazakhstan, Almaty and Karaganda regions) is read against these records."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from esep.core.actions import Actor

from . import actions
from .models import FormerName, Unit, UnitChange, UnitChangeKind

D = dt.date
DECREE_2018 = "Decree of the President of the Republic of Kazakhstan No. 702 of 19 June 2018"
DECREE_2022 = (
    "Decree of the President of the Republic of Kazakhstan of 3 May 2022 (in force 8 June 2022)"
)
CAPITAL_1998 = "Decree of the President of the Republic of Kazakhstan of 6 May 1998"
CAPITAL_2019 = "Constitutional Law of 23 March 2019"
CAPITAL_2022 = "Law on amendments to the Constitution of 17 September 2022"

# ISO code → former names (kk, ru, en, from, until, source).
FORMER_NAMES = {
    "KZ-71": [
        ("Ақмола", "Акмола", "Akmola", None, D(1998, 5, 6), CAPITAL_1998),
        ("Нұр-Сұлтан", "Нур-Султан", "Nur-Sultan", D(2019, 3, 23), D(2022, 9, 17), CAPITAL_2022),
    ],
    "KZ-61": [
        (
            "Оңтүстік Қазақстан облысы",
            "Южно-Казахстанская область",
            "South Kazakhstan Region",
            None,
            D(2018, 6, 19),
            DECREE_2018,
        ),
    ],
}
# (ISO code of the unit, kind, date, ISO code of the other unit, legal basis, unit starts then)
CHANGES = [
    ("KZ-71", UnitChangeKind.RENAMED, D(1998, 5, 6), None, CAPITAL_1998, False),
    ("KZ-71", UnitChangeKind.RENAMED, D(2019, 3, 23), None, CAPITAL_2019, False),
    ("KZ-71", UnitChangeKind.RENAMED, D(2022, 9, 17), None, CAPITAL_2022, False),
    ("KZ-61", UnitChangeKind.RENAMED, D(2018, 6, 19), None, DECREE_2018, False),
    ("KZ-79", UnitChangeKind.RECLASSIFIED, D(2018, 6, 19), "KZ-61", DECREE_2018, True),
    ("KZ-10", UnitChangeKind.SPLIT, D(2022, 6, 8), "KZ-63", DECREE_2022, True),
    ("KZ-33", UnitChangeKind.SPLIT, D(2022, 6, 8), "KZ-19", DECREE_2022, True),
    ("KZ-62", UnitChangeKind.SPLIT, D(2022, 6, 8), "KZ-35", DECREE_2022, True),
]


def load_history(actor: Actor) -> int:
    """Record the former names and changes above (once: what exists is left alone). Returns
    how many records were added."""
    units = {
        u.iso_code: u for u in Unit.objects.filter(iso_code__isnull=False, valid_until__isnull=True)
    }
    added = 0
    with transaction.atomic():
        for iso, names in FORMER_NAMES.items():
            unit = units.get(iso)
            if unit is None:
                continue
            for kk, ru, en, since, until, source in names:
                if not FormerName.objects.filter(unit=unit, valid_until=until).exists():
                    actions.add_former_name(
                        actor, unit, name_kk=kk, name_ru=ru, name_en=en,
                        valid_from=since, valid_until=until, source=source,
                    )  # fmt: skip
                    added += 1
        for iso, kind, date, other_iso, basis, starts in CHANGES:
            unit = units.get(iso)
            if unit is None or UnitChange.objects.filter(unit=unit, kind=kind, date=date).exists():
                continue
            actions.record_unit_change(
                actor, unit, kind=kind, date=date, other=units.get(other_iso or ""),
                legal_basis=basis, starts_unit=starts,
            )  # fmt: skip
            added += 1
    return added
