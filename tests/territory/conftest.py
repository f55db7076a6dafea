"""A small registry in Almaty Region (KZ-19), built through the actions:

- Talgar district (akimat, maslikhat) with Belbulak rural district (akimat) and Kendala
  village under it;
- the oblast akim (appointed by the President), Talgar's akim (appointed by the oblast akimat),
  Belbulak's akim (elected by the district maslikhat in 2013, then directly in 2021);
- two single-member deputies of Talgar's maslikhat and its chair.

Staff for the authorization tests: gulnar edits for the oblast akimat, timur is staff of
Talgar's maslikhat, aidar edits for Talgar's akimat (farida, from the shared cast, sits on the
oblast's election commission)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from esep.territory import actions
from esep.territory.models import Body, Party, Unit
from tests.conftest import SYSTEM, make_user

D = dt.date


def make_unit(parent: Unit, kind: str, name: str, **extra) -> Unit:
    slug = name.lower()
    return actions.create_unit(
        SYSTEM,
        kind=kind,
        parent=parent,
        name_kk=extra.pop("name_kk", name),
        name_ru=extra.pop("name_ru", name),
        name_en=extra.pop("name_en", name),
        ocd_id=f"{parent.ocd_id}/{kind}:{slug}",
        publish=True,
        **extra,
    )


def make_person(family: str, given: str, latin: str, patronymic: str = "") -> object:
    return actions.create_person(
        SYSTEM, family_name=family, given_name=given, patronymic=patronymic, name_latin=latin
    )


@pytest.fixture
def registry(regions) -> SimpleNamespace:
    oblast = regions["KZ-19"]
    oblast_akimat = Body.objects.get(unit=oblast, kind="akimat")
    talgar = make_unit(
        oblast, "district", "Talgar", name_kk="Талғар ауданы", name_ru="Талгарский район",
        name_en="Talgar District", kato="195200000", population=210_000, population_year=2023,
    )  # fmt: skip
    belbulak = make_unit(
        talgar, "rural_district", "Belbulak", name_kk="Бельбұлақ ауылдық округі",
        name_ru="Бельбулакский сельский округ", name_en="Belbulak Rural District",
        kato="195243000",
    )  # fmt: skip
    kendala = make_unit(belbulak, "village", "Kendala", name_kk="Кендала", name_ru="Кендала")
    bodies = {
        "talgar_akimat": actions.create_body(SYSTEM, unit=talgar, kind="akimat"),
        "talgar_maslikhat": actions.create_body(SYSTEM, unit=talgar, kind="maslikhat"),
        "belbulak_akimat": actions.create_body(SYSTEM, unit=belbulak, kind="akimat"),
    }
    post = actions.create_post
    posts = SimpleNamespace(
        oblast_akim=post(SYSTEM, body=oblast_akimat, kind="akim"),
        talgar_akim=post(SYSTEM, body=bodies["talgar_akimat"], kind="akim"),
        talgar_deputy_akim=post(SYSTEM, body=bodies["talgar_akimat"], kind="deputy_akim"),
        belbulak_akim=post(SYSTEM, body=bodies["belbulak_akimat"], kind="akim"),
        chair=post(SYSTEM, body=bodies["talgar_maslikhat"], kind="maslikhat_chair"),
        seat1=post(SYSTEM, body=bodies["talgar_maslikhat"], kind="district_deputy", number=1),
        seat2=post(SYSTEM, body=bodies["talgar_maslikhat"], kind="district_deputy", number=2),
    )
    amanat = actions.create_party(
        SYSTEM, abbreviation="AMANAT", name_kk="AMANAT", name_ru="AMANAT", name_en="Amanat",
        colour="#1f78b4",
    )  # fmt: skip
    people = SimpleNamespace(
        oblast_akim=make_person("Бозымбаев", "Қанат", "Bozymbayev Kanat", "Алдабергенұлы"),
        talgar_akim=make_person("Ахметов", "Ерлан", "Akhmetov Yerlan", "Серікұлы"),
        rural_akim=make_person("Жұмабекова", "Айгүл", "Zhumabekova Aigul", "Нұрланқызы"),
        deputy1=make_person("Иванов", "Сергей", "Ivanov Sergei", "Петрович"),
        deputy2=make_person("Серікбаев", "Дәурен", "Serikbayev Dauren"),
    )
    record = actions.record_mandate
    record(
        SYSTEM,
        person=people.oblast_akim,
        post=posts.oblast_akim,
        basis="appointed",
        start=D(2023, 1, 10),
        appointed_by_note="President of the Republic of Kazakhstan",
    )
    record(
        SYSTEM,
        person=people.talgar_akim,
        post=posts.talgar_akim,
        basis="appointed",
        start=D(2022, 3, 1),
        appointed_by=oblast_akimat,
    )
    record(
        SYSTEM,
        person=people.rural_akim,
        post=posts.belbulak_akim,
        basis="elected_indirect",
        start=D(2013, 8, 20),
        end=D(2021, 7, 25),
        end_reason="term_expired",
    )
    rural = record(
        SYSTEM,
        person=people.rural_akim,
        post=posts.belbulak_akim,
        basis="elected_direct",
        start=D(2021, 7, 25),
    )
    record(
        SYSTEM,
        person=people.deputy1,
        post=posts.seat1,
        basis="elected_direct",
        start=D(2023, 3, 19),
        party=amanat,
    )
    record(
        SYSTEM,
        person=people.deputy2,
        post=posts.seat2,
        basis="elected_direct",
        start=D(2023, 3, 19),
    )
    record(SYSTEM, person=people.deputy1, post=posts.chair, basis="elected_indirect",
           start=D(2023, 3, 29))  # fmt: skip
    return SimpleNamespace(
        regions=regions, oblast=oblast, oblast_akimat=oblast_akimat, talgar=talgar,
        belbulak=belbulak, kendala=kendala, bodies=bodies, posts=posts, people=people,
        rural_mandate=rural, amanat=Party.objects.get(abbreviation="AMANAT"),
    )  # fmt: skip


@pytest.fixture
def gulnar(registry):
    return make_user("gulnar@example.kz", "Gulnar Oblast Akimat", "akimat_editor",
                     body=registry.oblast_akimat)  # fmt: skip


@pytest.fixture
def timur(registry):
    return make_user("timur@example.kz", "Timur Talgar Maslikhat", "maslikhat_staff",
                     body=registry.bodies["talgar_maslikhat"])  # fmt: skip


@pytest.fixture
def aidar(registry):
    return make_user("aidar@example.kz", "Aidar Talgar Akimat", "akimat_editor",
                     body=registry.bodies["talgar_akimat"])  # fmt: skip


@pytest.fixture
def farida_commission(registry):
    """Farida on the oblast's election commission (the shared `farida`, for modules that do not
    load the shared cast)."""
    return make_user("farida.c@example.kz", "Farida Commission", "election_commission",
                     unit=registry.oblast)  # fmt: skip
