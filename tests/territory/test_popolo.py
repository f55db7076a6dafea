"""The Popolo export: valid against the Popolo JSON Schemas (draft-03), only published people
and mandates, filtered by unit, and a constant number of queries."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from jsonschema import Draft3Validator
from jsonschema.exceptions import ValidationError as SchemaError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT3

from esep.core.actions import Actor
from esep.territory import actions
from esep.territory.models import Mandate, Person, Unit
from esep.territory.popolo import popolo_export

SYSTEM = Actor.cli("tests")
SCHEMAS = Path(__file__).parent / "popolo_schemas"
SCHEMA_OF = {
    "persons": "person",
    "organizations": "organization",
    "posts": "post",
    "memberships": "membership",
    "areas": "area",
}
# Keys the export adds beyond the Popolo schemas (draft-03 allows additional properties):
# the item schema each extension list is validated against, or None for a plain value.
EXTENSIONS: dict[str, dict[str, str | None]] = {
    "areas": {"other_names": "other_name", "identifiers": "identifier", "demo": None},
    "persons": {"demo": None},
    "memberships": {"demo": None},
    "organizations": {},
    "posts": {},
}


def _load(name: str) -> dict[str, Any]:
    return json.loads((SCHEMAS / f"{name}.json").read_text(encoding="utf-8"))


def _registry() -> Registry:
    """Every schema under its `id`, so `$ref`s between them resolve offline."""
    resources = [
        Resource(contents=json.loads(path.read_text(encoding="utf-8")), specification=DRAFT3)
        for path in sorted(SCHEMAS.glob("*.json"))
    ]
    return Registry().with_resources((resource.id(), resource) for resource in resources)


REGISTRY = _registry()


def validator(name: str) -> Draft3Validator:
    return Draft3Validator(
        _load(name), registry=REGISTRY, format_checker=Draft3Validator.FORMAT_CHECKER
    )


def check_document(data: dict[str, list[dict[str, Any]]]) -> None:
    """Validate every object against its schema; keys outside the schema must be known
    extensions, themselves valid."""
    assert set(data) == set(SCHEMA_OF)
    json.dumps(data)  # plain JSON: strings, numbers, lists, objects
    for key, schema_name in SCHEMA_OF.items():
        check = validator(schema_name)
        known = set(_load(schema_name)["properties"])
        for record in data[key]:
            check.validate(record)
            for field in set(record) - known:
                assert field in EXTENSIONS[key], f"{key}: unexpected field {field!r}"
                item_schema = EXTENSIONS[key][field]
                if item_schema is not None:
                    for item in record[field]:
                        validator(item_schema).validate(item)


def ids(records: list[dict[str, Any]]) -> set[str]:
    return {record["id"] for record in records}


@pytest.fixture
def registry(regions: dict[str, Unit]) -> dict[str, Any]:
    """Turkistan Region with Sairam District (renamed once), its akimat and maslikhat, two
    parties, people and mandates; one mandate and one person withdrawn from publication; and
    the akim of Almaty city, outside Turkistan."""
    turkistan, almaty = regions["KZ-61"], regions["KZ-75"]
    sairam = actions.create_unit(
        SYSTEM,
        kind="district",
        parent=turkistan,
        name_kk="Ескі Сайрам ауданы",
        name_ru="Старый Сайрамский район",
        name_en="Old Sairam District",
        ocd_id=f"{turkistan.ocd_id}/district:sairam",
        kato="515400000",
        publish=True,
    )
    actions.rename_unit(
        SYSTEM,
        sairam,
        name_kk="Сайрам ауданы",
        name_ru="Сайрамский район",
        name_en="Sairam District",
        date=dt.date(2020, 1, 1),
    )
    region_akimat = turkistan.bodies.get(kind="akimat")
    akimat = actions.create_body(SYSTEM, unit=sairam, kind="akimat")
    maslikhat = actions.create_body(SYSTEM, unit=sairam, kind="maslikhat")
    region_akim = actions.create_post(SYSTEM, body=region_akimat, kind="akim")
    akim = actions.create_post(SYSTEM, body=akimat, kind="akim")
    deputy_1 = actions.create_post(SYSTEM, body=maslikhat, kind="district_deputy", number=1)
    deputy_2 = actions.create_post(SYSTEM, body=maslikhat, kind="district_deputy", number=2)
    list_seat = actions.create_post(SYSTEM, body=maslikhat, kind="list_deputy", number=1)
    almaty_akim = actions.create_post(SYSTEM, body=almaty.bodies.get(kind="akimat"), kind="akim")
    amanat = actions.create_party(
        SYSTEM,
        abbreviation="AMANAT",
        name_kk="AMANAT партиясы",
        name_ru="Партия AMANAT",
        name_en="AMANAT Party",
        colour="#1f5fa8",
    )
    aq_jol = actions.create_party(
        SYSTEM,
        abbreviation="Aq Jol",
        name_kk="Ақ жол",
        name_ru="Ак жол",
        name_en="Ak Zhol",
        colour="#e0b000",
    )

    def person(family: str, given: str, latin: str, **extra: Any) -> Person:
        return actions.create_person(
            SYSTEM, family_name=family, given_name=given, name_latin=latin, **extra
        )

    aigerim = person("Сейітова", "Әйгерім", "Aigerim Seiitova", patronymic="Бақытқызы")
    nurlan = person("Омаров", "Нұрлан", "Nurlan Omarov", birth_year=1970)
    dias = person("Жұмабаев", "Диас", "Dias Zhumabayev", is_demo=True)
    saule = person("Ахметова", "Сәуле", "Saule Akhmetova")
    hidden = person("Құпия", "Адам", "Adam Qupiia")
    marat = person("Маратов", "Марат", "Marat Maratov")
    almas = person("Әлиев", "Алмас", "Almas Aliyev")
    Person.objects.filter(pk=hidden.pk).update(published_at=None)

    record = actions.record_mandate
    record(
        SYSTEM,
        person=aigerim,
        post=region_akim,
        basis="appointed",
        start=dt.date(2022, 6, 1),
        appointed_by_note="President of the Republic of Kazakhstan",
    )
    record(
        SYSTEM,
        person=nurlan,
        post=akim,
        basis="appointed",
        appointed_by=region_akimat,
        start=dt.date(2021, 1, 1),
        end=dt.date(2023, 3, 1),
        end_reason="dismissed",
        source="https://example.kz/decisions/17",
    )
    record(SYSTEM, person=dias, post=akim, basis="acting", start=dt.date(2023, 3, 1), is_demo=True)
    record(
        SYSTEM,
        person=saule,
        post=deputy_1,
        basis="elected_direct",
        party=amanat,
        start=dt.date(2021, 1, 10),
    )
    record(SYSTEM, person=hidden, post=deputy_2, basis="elected_direct", start=dt.date(2021, 1, 10))
    withdrawn = record(
        SYSTEM,
        person=marat,
        post=list_seat,
        basis="elected_direct",
        party=aq_jol,
        start=dt.date(2021, 1, 10),
    )
    Mandate.objects.filter(pk=withdrawn.pk).update(published_at=None)
    record(SYSTEM, person=almas, post=almaty_akim, basis="appointed", start=dt.date(2022, 1, 5))
    return {
        "turkistan": turkistan,
        "almaty": almaty,
        "sairam": sairam,
        "people": {
            "aigerim": aigerim,
            "nurlan": nurlan,
            "dias": dias,
            "saule": saule,
            "hidden": hidden,
            "marat": marat,
            "almas": almas,
        },
    }


def published_mandates() -> int:
    return Mandate.objects.filter(
        published_at__isnull=False, person__published_at__isnull=False
    ).count()


def test_refs_between_schemas_resolve_offline() -> None:
    check = validator("person")
    check.validate({"other_names": [{"name": "Aigerim Seiitova"}], "birth_date": "1970"})
    with pytest.raises(SchemaError):
        check.validate({"other_names": [{"name": 5}]})  # checked through other_name.json
    with pytest.raises(SchemaError):
        validator("membership").validate({"person": {"birth_date": "1 May 1970"}})


@pytest.mark.django_db
def test_export_is_valid_popolo(registry: dict[str, Any]) -> None:
    data = popolo_export()
    check_document(data)
    assert all(data[key] for key in SCHEMA_OF)
    check_document(popolo_export(registry["sairam"]))


@pytest.mark.django_db
def test_export_refers_only_to_what_it_contains(registry: dict[str, Any]) -> None:
    """Every id a record refers to is in the whole-registry export."""
    data = popolo_export()
    persons, orgs = ids(data["persons"]), ids(data["organizations"])
    posts, areas = ids(data["posts"]), ids(data["areas"])
    for group in ("persons", "organizations", "posts", "memberships", "areas"):
        assert len(ids(data[group])) == len(data[group]), f"{group}: ids not unique"
    for m in data["memberships"]:
        assert m["person_id"] in persons and m["post_id"] in posts
        assert m["organization_id"] in orgs and m["area_id"] in areas
        assert "on_behalf_of_id" not in m or m["on_behalf_of_id"] in orgs
    for p in data["posts"]:
        assert p["organization_id"] in orgs and p["area_id"] in areas
    for o in data["organizations"]:
        assert "area_id" not in o or o["area_id"] in areas
    for a in data["areas"]:
        assert "parent_id" not in a or a["parent_id"] in areas


@pytest.mark.django_db
def test_mapping(registry: dict[str, Any]) -> None:
    data = popolo_export()
    sairam, turkistan = registry["sairam"], registry["turkistan"]
    areas = {a["id"]: a for a in data["areas"]}
    area = areas[sairam.ocd_id]
    assert area["name"] == "Sairam District"
    assert area["classification"] == "district"
    assert area["parent_id"] == turkistan.ocd_id
    assert area["identifiers"] == [{"identifier": "515400000", "scheme": "KATO"}]
    assert {"name": "Сайрам ауданы", "note": "kk"} in area["other_names"]
    assert {"name": "Сайрамский район", "note": "ru"} in area["other_names"]
    assert {"name": "Old Sairam District", "note": "en", "end_date": "2020-01-01"} in area[
        "other_names"
    ]
    assert {"identifier": "KZ-61", "scheme": "ISO 3166-2"} in areas[turkistan.ocd_id]["identifiers"]
    assert "parent_id" not in areas["ocd-division/country:kz"]

    orgs = {o["id"]: o for o in data["organizations"]}
    assert orgs["party/amanat"]["classification"] == "party"
    assert orgs["party/aq-jol"]["name"] == "Ak Zhol"
    akimat = orgs[f"{sairam.ocd_id}/akimat"]
    assert akimat == {
        "id": f"{sairam.ocd_id}/akimat",
        "name": "Akimat, Sairam District",
        "classification": "akimat",
        "area_id": sairam.ocd_id,
    }

    posts = {p["id"]: p for p in data["posts"]}
    deputy = posts[f"{sairam.ocd_id}/maslikhat/district_deputy-1"]
    assert deputy["label"] == "Deputy for a single-member district No. 1, Sairam District"
    assert deputy["role"] == "district_deputy"
    assert deputy["organization_id"] == f"{sairam.ocd_id}/maslikhat"
    assert deputy["area_id"] == sairam.ocd_id

    people = registry["people"]
    persons = {p["id"]: p for p in data["persons"]}
    aigerim = persons[f"person/{people['aigerim'].pk}"]
    assert aigerim["name"] == "Сейітова Әйгерім Бақытқызы"
    assert aigerim["family_name"] == "Сейітова" and aigerim["given_name"] == "Әйгерім"
    assert aigerim["patronymic_name"] == "Бақытқызы"
    assert aigerim["sort_name"] == "Сейітова, Әйгерім Бақытқызы"
    assert aigerim["other_names"] == [{"name": "Aigerim Seiitova", "note": "Latin"}]
    assert "birth_date" not in aigerim
    assert persons[f"person/{people['nurlan'].pk}"]["birth_date"] == "1970"
    assert persons[f"person/{people['dias'].pk}"]["demo"] is True

    memberships = {m["person_id"]: m for m in data["memberships"]}
    nurlan = memberships[f"person/{people['nurlan'].pk}"]
    assert nurlan["post_id"] == f"{sairam.ocd_id}/akimat/akim-1"
    assert nurlan["organization_id"] == f"{sairam.ocd_id}/akimat"
    assert nurlan["area_id"] == sairam.ocd_id
    assert nurlan["label"] == "Akim, Sairam District"
    assert nurlan["role"] == "appointed"
    assert (nurlan["start_date"], nurlan["end_date"]) == ("2021-01-01", "2023-03-01")
    assert nurlan["sources"] == [{"url": "https://example.kz/decisions/17"}]
    saule = memberships[f"person/{people['saule'].pk}"]
    assert saule["on_behalf_of_id"] == "party/amanat" and "end_date" not in saule
    assert memberships[f"person/{people['dias'].pk}"]["role"] == "acting"


@pytest.mark.django_db
def test_only_published_people_and_mandates(registry: dict[str, Any]) -> None:
    data = popolo_export()
    people = registry["people"]
    persons = ids(data["persons"])
    assert f"person/{people['hidden'].pk}" not in persons
    held_by = {m["person_id"] for m in data["memberships"]}
    assert f"person/{people['hidden'].pk}" not in held_by  # published mandate, hidden person
    assert f"person/{people['marat'].pk}" not in held_by  # withdrawn mandate
    assert f"person/{people['marat'].pk}" in persons  # published person, no public mandate
    assert len(data["memberships"]) == published_mandates() == 5
    assert len(data["persons"]) == Person.objects.filter(published_at__isnull=False).count()


@pytest.mark.django_db
def test_unit_filter(registry: dict[str, Any]) -> None:
    sairam, turkistan, almaty = registry["sairam"], registry["turkistan"], registry["almaty"]
    people = registry["people"]

    data = popolo_export(sairam)
    assert ids(data["areas"]) == {sairam.ocd_id}
    assert ids(data["organizations"]) == {
        "party/amanat",
        f"{sairam.ocd_id}/akimat",
        f"{sairam.ocd_id}/maslikhat",
    }
    assert all(p["area_id"] == sairam.ocd_id for p in data["posts"])
    assert len(data["posts"]) == 4
    assert ids(data["persons"]) == {
        f"person/{people[name].pk}" for name in ("nurlan", "dias", "saule")
    }
    assert len(data["memberships"]) == 3

    data = popolo_export(turkistan)
    assert ids(data["areas"]) == {turkistan.ocd_id, sairam.ocd_id}
    assert almaty.ocd_id not in {m["area_id"] for m in data["memberships"]}
    assert len(data["memberships"]) == 4
    assert len(data["organizations"]) == 5  # AMANAT and two bodies of each unit

    data = popolo_export(almaty)
    assert ids(data["persons"]) == {f"person/{people['almas'].pk}"}
    assert [o["id"] for o in data["organizations"]] == [
        f"{almaty.ocd_id}/akimat",
        f"{almaty.ocd_id}/maslikhat",
    ]


def _grow(registry: dict[str, Any], size: int) -> None:
    """More of everything: districts (renamed), bodies, posts, parties, people, mandates."""
    turkistan = registry["turkistan"]
    for i in range(size):
        district = actions.create_unit(
            SYSTEM,
            kind="district",
            parent=turkistan,
            name_kk=f"Аудан {i}",
            name_ru=f"Район {i}",
            name_en=f"District {i}",
            ocd_id=f"{turkistan.ocd_id}/district:d{i}",
            kato=f"5199{i:05d}",
        )
        actions.rename_unit(
            SYSTEM,
            district,
            name_kk=f"Жаңа {i}",
            name_ru=f"Новый {i}",
            name_en=f"New {i}",
            date=dt.date(2021, 1, 1),
        )
        maslikhat = actions.create_body(SYSTEM, unit=district, kind="maslikhat")
        party = actions.create_party(
            SYSTEM,
            abbreviation=f"P{i}",
            name_kk=f"П{i}",
            name_ru=f"П{i}",
            name_en=f"P{i}",
            colour="#123456",
        )
        for n in (1, 2):
            post = actions.create_post(SYSTEM, body=maslikhat, kind="district_deputy", number=n)
            person = actions.create_person(
                SYSTEM, family_name=f"Ф{i}", given_name=f"И{n}", name_latin=f"F{i} I{n}"
            )
            actions.record_mandate(
                SYSTEM,
                person=person,
                post=post,
                basis="elected_direct",
                party=party,
                start=dt.date(2021, 1, 10),
            )


def _count_queries(unit: Unit | None = None) -> int:
    with CaptureQueriesContext(connection) as queries:
        popolo_export(unit)
    return len(queries.captured_queries)


@pytest.mark.django_db
def test_query_count_does_not_grow_with_data(registry: dict[str, Any]) -> None:
    small = _count_queries()
    small_filtered = _count_queries(registry["turkistan"])
    _grow(registry, 6)
    assert len(popolo_export()["memberships"]) == published_mandates() == 5 + 12
    assert _count_queries() == small
    assert _count_queries(registry["turkistan"]) == small_filtered
    assert small <= 8 and small_filtered <= 8
