"""The demo registry: invented units, people and mandate histories below the real top-level
units, reproducible from a seed and marked as demo data.

One build, shared by the tests of this module and rolled back after them, covers a few
top-level units (`only=`) to keep the suite fast; the small build of all 20 takes about 20
seconds."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Iterator

import pytest
from django.db import transaction

from esep.demo.names import latin, person_name, place_name
from esep.demo.territory import REFERENCE_DAY, apportion, build_registry
from esep.territory.importers import load_regions
from esep.territory.models import Body, FormerName, Mandate, Party, Person, Unit
from tests.conftest import SYSTEM

# An oblast, an oblast formed in 2022 and a city of republican significance.
SUBSET = ("KZ-55", "KZ-62", "KZ-71")
LOCAL = ("rural_district", "village")


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker) -> Iterator[dict[str, int]]:
    """The top-level units and the demo registry of SUBSET, in a transaction that each test
    runs inside (tests roll back to a savepoint) and that is rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_regions(SYSTEM)
        yield build_registry(SYSTEM, only=SUBSET)
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _in_db(db) -> None:
    """Every test here reads the database."""


def test_small_build_has_units_at_every_level_all_marked_demo(built):
    demo = Unit.objects.filter(is_demo=True)
    assert set(demo.values_list("kind", flat=True)) == {
        "district",
        "regional_city",
        "city_district",
        "rural_district",
        "village",
    }
    assert built["units"] == demo.count()
    assert not Unit.objects.filter(is_demo=False, depth__gt=1).exists()
    assert built["people"] == Person.objects.filter(is_demo=True).count() > 0
    assert not Person.objects.filter(is_demo=False).exists()
    assert built["mandates"] == Mandate.objects.filter(is_demo=True).count() > 0
    assert not Mandate.objects.filter(is_demo=False).exists()
    for unit in demo.select_related("parent"):
        region = Unit.objects.get(pk=unit.ancestor_ids[1])
        assert unit.kato.startswith(region.iso_code[3:5]) and len(unit.kato) == 9
        assert unit.ocd_id.startswith(f"{unit.parent.ocd_id}/") and unit.ocd_id.isascii()
        assert unit.published_at is not None and unit.population_year == 2023


def test_every_akimat_has_exactly_one_current_akim(built):
    akimats = Body.objects.filter(kind="akimat", unit__iso_code__in=SUBSET) | Body.objects.filter(
        kind="akimat", unit__is_demo=True
    )
    open_akims = Counter(
        Mandate.objects.filter(post__kind="akim", end__isnull=True).values_list(
            "post__body", flat=True
        )
    )
    assert akimats.count() > len(SUBSET)
    for akimat in akimats:
        assert open_akims[akimat.pk] == 1, akimat


def test_histories_have_no_overlaps_and_end_before_today(built):
    by_post: dict[int, list[Mandate]] = {}
    for mandate in Mandate.objects.order_by("post", "start"):
        by_post.setdefault(mandate.post_id, []).append(mandate)
        assert mandate.start <= REFERENCE_DAY
    for history in by_post.values():
        for before, after in zip(history, history[1:], strict=False):
            assert before.end is not None and before.end <= after.start


def test_rural_akims_are_elected_directly_since_2021(built):
    current = Mandate.objects.filter(
        post__kind="akim", end__isnull=True, post__body__unit__kind__in=LOCAL
    )
    assert current.exists()
    for mandate in current:
        assert mandate.basis == "elected_direct"
        assert mandate.start >= dt.date(2021, 7, 25)
    first = Mandate.objects.filter(post__kind="akim", post__body__unit__kind__in=LOCAL)
    assert first.filter(basis="elected_indirect", start__year=2013).exists()


def test_oblast_maslikhat_has_list_and_single_member_deputies_with_parties(built):
    deputies = Mandate.objects.filter(
        post__body__unit__iso_code="KZ-55", post__body__kind="maslikhat", end__isnull=True
    )
    kinds = Counter(deputies.values_list("post__kind", flat=True))
    assert kinds["list_deputy"] == kinds["district_deputy"] > 0 and kinds["maslikhat_chair"] == 1
    assert not deputies.filter(post__kind="list_deputy", party__isnull=True).exists()
    assert deputies.filter(party__abbreviation="AMANAT").exists()
    assert deputies.exclude(party__abbreviation="AMANAT").exists()
    assert set(deputies.values_list("start", flat=True)) >= {dt.date(2023, 3, 19)}
    ended = Mandate.objects.filter(post__body__unit__iso_code="KZ-55", end=dt.date(2023, 3, 19))
    assert ended.exists() and set(ended.values_list("end_reason", flat=True)) == {"term_expired"}


def test_some_terms_end_within_180_days(built):
    soon = Mandate.objects.filter(
        end__isnull=True,
        term_ends__gte=REFERENCE_DAY,
        term_ends__lte=REFERENCE_DAY + dt.timedelta(days=180),
    )
    assert soon.exists()


def test_parties_are_real_and_a_second_build_creates_nothing(built):
    assert not FormerName.objects.exists()  # real history is esep.territory.history's
    assert Party.objects.count() == built["parties"] == 6
    units, mandates = Unit.objects.count(), Mandate.objects.count()
    again = build_registry(SYSTEM, only=SUBSET)
    assert set(again.values()) == {0}
    assert (Unit.objects.count(), Mandate.objects.count()) == (units, mandates)


def test_names_come_from_the_seed():
    def draw(seed: int) -> list[str]:
        rng, taken = random.Random(seed), set()
        return [place_name(rng, taken).kk for _ in range(20)] + [
            person_name(rng).name_latin for _ in range(20)
        ]

    assert draw(2026) == draw(2026)
    assert draw(2026) != draw(2027)


def test_transliteration_and_apportionment():
    assert latin("Ахметов Ерлан") == "Akhmetov Yerlan"
    assert latin("Сергеевич Жаңаөзен Көктөбе") == "Sergeyevich Zhanaozen Koktobe"
    assert apportion(10, [1, 1, 2]) == [3, 2, 5]
    assert sum(apportion(188, [3.0, 1.0, 0.5], minimum=3)) == 188
