"""Appeals in Almaty Region (KZ-19), built through the actions:

- Talgar district (akimat, maslikhat) with Belbulak rural district (akimat) and Kendala village
  (no body of its own) under it; the oblast akimat above them all;
- the categories of appeals and the powers registry, as shipped.

The cast: aigerim is a resident who files appeals; aidar edits for Talgar's akimat, bolat for
Belbulak's, gulnar for the oblast akimat; timur is staff of Talgar's maslikhat; bob (shared) is
an outsider, alice (shared) the administrator. `at(...)` sets the clock appeals read."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from esep.accountability import actions
from esep.accountability.models import Category
from esep.core.actions import Actor
from esep.territory import actions as territory_actions
from esep.territory.models import Body
from esep.territory.powers import load_powers
from tests.conftest import SYSTEM, make_user

ALMATY = ZoneInfo("Asia/Almaty")


def moment(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    """A time in Kazakhstan (UTC+5)."""
    return dt.datetime(year, month, day, hour, tzinfo=ALMATY)


@pytest.fixture
def at(monkeypatch):
    """`at(2026, 3, 2)` sets the time appeals see (10:00 in Almaty) until changed again."""
    from esep.accountability import clock

    def set_time(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
        when = moment(year, month, day, hour)
        monkeypatch.setattr(clock, "now", lambda: when)
        return when

    return set_time


@pytest.fixture
def town(regions) -> SimpleNamespace:
    load_powers(SYSTEM)
    actions.load_categories(SYSTEM)
    oblast = regions["KZ-19"]

    def unit(parent, kind, name, kato):
        return territory_actions.create_unit(
            SYSTEM,
            kind=kind,
            parent=parent,
            name_kk=name,
            name_ru=name,
            name_en=name,
            ocd_id=f"{parent.ocd_id}/{kind}:{name.lower()}",
            kato=kato,
            publish=True,
        )

    talgar = unit(oblast, "district", "Talgar", "195200000")
    belbulak = unit(talgar, "rural_district", "Belbulak", "195243000")
    kendala = unit(belbulak, "village", "Kendala", "195243100")
    create_body = territory_actions.create_body
    return SimpleNamespace(
        oblast=oblast,
        talgar=talgar,
        belbulak=belbulak,
        kendala=kendala,
        oblast_akimat=Body.objects.get(unit=oblast, kind="akimat"),
        talgar_akimat=create_body(SYSTEM, unit=talgar, kind="akimat"),
        talgar_maslikhat=create_body(SYSTEM, unit=talgar, kind="maslikhat"),
        belbulak_akimat=create_body(SYSTEM, unit=belbulak, kind="akimat"),
        category={category.code: category for category in Category.objects.all()},
    )


@pytest.fixture
def aigerim(town):
    return make_user("aigerim@example.kz", "Aigerim Resident")


@pytest.fixture
def aidar(town):
    return make_user("aidar@example.kz", "Aidar Talgar", "akimat_editor", body=town.talgar_akimat)


@pytest.fixture
def bolat(town):
    return make_user(
        "bolat@example.kz", "Bolat Belbulak", "akimat_editor", body=town.belbulak_akimat
    )


@pytest.fixture
def gulnar(town):
    return make_user("gulnar@example.kz", "Gulnar Oblast", "akimat_editor", body=town.oblast_akimat)


@pytest.fixture
def timur(town):
    return make_user(
        "timur@example.kz", "Timur Maslikhat", "maslikhat_staff", body=town.talgar_maslikhat
    )


@pytest.fixture
def file_appeal(town, aigerim):
    """File an appeal as aigerim (defaults: roads in Kendala, consent to publish)."""

    def file(**overrides):
        arguments = {
            "kind": "statement",
            "category": town.category["roads"],
            "unit": town.kendala,
            "text": "Deep potholes on the main street near the school.",
            "attributes": {"hazard": "yes"},
            "consent_public": True,
            "source": "203.0.113.7",
        }
        arguments.update(overrides)
        actor = arguments.pop("actor", Actor.of(aigerim))
        return actions.file_appeal(actor, **arguments)

    return file
