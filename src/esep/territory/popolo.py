"""The territorial registry as Popolo JSON (popoloproject.com): areas, organizations, posts,
persons and memberships.

- areas are units: `id` is the Open Civic Data id, `name` the English name, `classification`
  the unit kind, `parent_id` the parent's OCD id. Kazakh and Russian names and former names
  (with `start_date`/`end_date`) go in `other_names`; ISO 3166-2 and KATO codes in
  `identifiers`. Popolo's Area has neither list; both are extensions shaped like Popolo's
  Other name and Identifier.
- organizations are parties (`party/<abbreviation>`, classification "party") and bodies
  (`<unit OCD id>/<kind>`, classification the body kind, `area_id` the unit).
- posts: `<body id>/<kind>-<number>`, `label` in English, `role` the post kind.
- persons: `person/<pk>`, names as in identity documents, the Latin transliteration in
  `other_names`, `birth_date` the year of birth (Popolo allows YYYY).
- memberships are mandates: `mandate/<pk>`, `role` the basis (appointed, elected_direct, …),
  `organization_id` the body, `on_behalf_of_id` the party, `label` the post label.

Only published people and mandates appear. Units, bodies, posts and parties are public
registry structure and all appear. Demo records carry `"demo": true` (an extension).
Keys whose value would be null are left out. Text is English; identifiers and kinds are the
registry's codes. A constant number of queries, whatever the size of the registry.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils.text import slugify
from django.utils.translation import override

from .labels import body_label, post_label
from .models import Body, Mandate, Party, Person, Post, Unit

POPOLO_KEYS = ("persons", "organizations", "posts", "memberships", "areas")
LANGUAGE = "en"


def popolo_export(unit: Unit | None = None) -> dict[str, list[dict[str, Any]]]:
    """The registry (or only `unit` and what lies below it) as a Popolo document.

    With `unit`, persons are the holders of the exported mandates and parties those the
    mandates were held on behalf of; without it, every published person and every party."""
    prefix = "" if unit is None else unit.path
    units = (
        Unit.objects.filter(path__startswith=prefix)
        .select_related("parent")
        .prefetch_related("former_names")
        .order_by("path")
    )
    bodies = (
        Body.objects.filter(unit__path__startswith=prefix)
        .select_related("unit")
        .order_by("unit__path", "kind")
    )
    posts = (
        Post.objects.filter(body__unit__path__startswith=prefix)
        .select_related("body__unit")
        .order_by("body__unit__path", "body__kind", "kind", "number")
    )
    mandates = Mandate.objects.filter(
        published_at__isnull=False,
        person__published_at__isnull=False,
        post__body__unit__path__startswith=prefix,
    )
    persons: QuerySet[Person] = Person.objects.filter(published_at__isnull=False)
    parties: QuerySet[Party] = Party.objects.all()
    if unit is not None:
        persons = persons.filter(pk__in=mandates.values("person_id"))
        parties = parties.filter(pk__in=mandates.values("party_id"))
    mandates = mandates.select_related("post__body__unit", "party").order_by(
        "post__body__unit__path", "post_id", "start", "id"
    )

    with override(LANGUAGE):
        return {
            "persons": [person_record(p) for p in persons.order_by("family_name", "pk")],
            "organizations": [party_record(p) for p in parties.order_by("abbreviation")]
            + [body_record(b) for b in bodies],
            "posts": [post_record(p) for p in posts],
            "memberships": [membership_record(m) for m in mandates],
            "areas": [area_record(u) for u in units],
        }


# ---------------------------------------------------------------- ids


def party_id(party: Party) -> str:
    return f"party/{slugify(party.abbreviation, allow_unicode=True) or party.pk}"


def body_id(body: Body) -> str:
    return f"{body.unit.ocd_id}/{body.kind}"


def post_id(post: Post) -> str:
    return f"{body_id(post.body)}/{post.kind}-{post.number}"


def person_id(person_pk: int) -> str:
    return f"person/{person_pk}"


# ---------------------------------------------------------------- records


def _date(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _compact(record: dict[str, Any]) -> dict[str, Any]:
    """Leave out keys whose value is None (Popolo: absent and null mean the same)."""
    return {key: value for key, value in record.items() if value is not None}


def _sources(source: str) -> list[dict[str, str]]:
    """A Popolo link for a source that is one web address; free-text sources have none."""
    text = source.strip()
    if text.startswith(("https://", "http://")) and not any(c.isspace() for c in text):
        return [{"url": text}]
    return []


def _demo(is_demo: bool) -> bool | None:
    return True if is_demo else None


def area_record(unit: Unit) -> dict[str, Any]:
    other_names = [
        {"name": unit.name_kk, "note": "kk"},
        {"name": unit.name_ru, "note": "ru"},
    ]
    for former in unit.former_names.all():
        for lang in ("kk", "ru", "en"):
            other_names.append(
                _compact(
                    {
                        "name": getattr(former, f"name_{lang}"),
                        "note": lang,
                        "start_date": _date(former.valid_from),
                        "end_date": _date(former.valid_until),
                    }
                )
            )
    identifiers = []
    if unit.iso_code:
        identifiers.append({"identifier": unit.iso_code, "scheme": "ISO 3166-2"})
    if unit.kato:
        identifiers.append({"identifier": unit.kato, "scheme": "KATO"})
    return _compact(
        {
            "id": unit.ocd_id,
            "name": unit.name_en,
            "classification": unit.kind,
            "parent_id": unit.parent.ocd_id if unit.parent else None,
            "other_names": [n for n in other_names if n["name"]],
            "identifiers": identifiers,
            "sources": _sources(unit.source),
            "demo": _demo(unit.is_demo),
        }
    )


def party_record(party: Party) -> dict[str, Any]:
    return {
        "id": party_id(party),
        "name": party.name_en,
        "classification": "party",
        "other_names": [
            {"name": name, "note": note}
            for name, note in (
                (party.name_kk, "kk"),
                (party.name_ru, "ru"),
                (party.abbreviation, "abbreviation"),
            )
            if name
        ],
    }


def body_record(body: Body) -> dict[str, Any]:
    return {
        "id": body_id(body),
        "name": body_label(body),
        "classification": body.kind,
        "area_id": body.unit.ocd_id,
    }


def post_record(post: Post) -> dict[str, Any]:
    return {
        "id": post_id(post),
        "label": post_label(post),
        "role": post.kind,
        "organization_id": body_id(post.body),
        "area_id": post.body.unit.ocd_id,
    }


def person_record(person: Person) -> dict[str, Any]:
    sort_name = f"{person.family_name}, {person.given_name} {person.patronymic}".strip()
    return _compact(
        {
            "id": person_id(person.pk),
            "name": person.name,
            "family_name": person.family_name,
            "given_name": person.given_name,
            "patronymic_name": person.patronymic or None,
            "sort_name": sort_name,
            "other_names": (
                [{"name": person.name_latin, "note": "Latin"}] if person.name_latin else []
            ),
            "birth_date": f"{person.birth_year:04d}" if person.birth_year else None,
            "sources": _sources(person.source),
            "demo": _demo(person.is_demo),
        }
    )


def membership_record(mandate: Mandate) -> dict[str, Any]:
    post = mandate.post
    return _compact(
        {
            "id": f"mandate/{mandate.pk}",
            "label": post_label(post),
            "role": mandate.basis,
            "person_id": person_id(mandate.person_id),
            "post_id": post_id(post),
            "organization_id": body_id(post.body),
            "on_behalf_of_id": party_id(mandate.party) if mandate.party else None,
            "area_id": post.body.unit.ocd_id,
            "start_date": _date(mandate.start),
            "end_date": _date(mandate.end),
            "sources": _sources(mandate.source),
            "demo": _demo(mandate.is_demo),
        }
    )
