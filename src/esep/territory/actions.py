"""Writes to the territorial registry: units and their history, bodies, posts, people, mandates.

Every write is an action (permission, one transaction, audit entry). Published records (units,
people, mandates) are appended to the publication ledger again whenever they change, so the
ledger holds every version. Bad input raises ValidationError with a translated message and
writes nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from esep.core import ledger
from esep.core.actions import Actor, action
from esep.core.models import LedgerEntry

from .models import (
    Body,
    BodyKind,
    Boundary,
    FormerName,
    Mandate,
    MandateBasis,
    MandateEndReason,
    Party,
    Person,
    Post,
    Power,
    PowerAssignment,
    TermRule,
    Unit,
    UnitChange,
    UnitChangeKind,
    UnitPopulation,
)
from .models.mandates import ELECTED, POST_KINDS_OF_BODY, allowed_bases
from .models.units import CHILD_KINDS
from .search import search_key

EARLIEST = dt.date(1991, 1, 1)  # the registry records mandates of independent Kazakhstan


def _refusal(field: str, message: str, code: str) -> ValidationError:
    """Bad input on one field, with a code tests and the API can match."""
    return ValidationError({field: ValidationError(message, code=code)})


def _publish(obj: Any) -> LedgerEntry:
    obj.published_at = timezone.now()
    obj.save(update_fields=["published_at"])
    return ledger.append(obj)


def _republish(obj: Any) -> None:
    """A published record changed: append its new version to the ledger."""
    if obj.published_at is not None:
        ledger.append(obj)


def unit_search_key(unit: Unit) -> str:
    former = [n for f in unit.former_names.all() for n in (f.name_kk, f.name_ru, f.name_en)]
    return search_key(unit.name_kk, unit.name_ru, unit.name_en, *former, unit.iso_code or "")


def _check_parent_kind(kind: str, parent: Unit | None) -> None:
    if parent is None:
        return
    if kind not in CHILD_KINDS.get(parent.kind, ()):
        raise _refusal(
            "kind",
            _("A %(kind)s cannot be part of a %(parent)s.")
            % {"kind": Unit(kind=kind).get_kind_display(), "parent": parent.get_kind_display()},
            "kind_not_allowed_here",
        )


def _check_codes(*, kato: str | None, iso_code: str | None, ocd_id: str) -> None:
    """Codes must be well formed and not held by another unit in force (OCD ids: by any)."""
    in_force = Unit.objects.filter(valid_until__isnull=True)
    if kato is not None:
        if not (len(kato) == 9 and kato.isascii() and kato.isdigit()):
            raise _refusal("kato", _("A KATO code has exactly 9 digits."), "kato_format")
        if in_force.filter(kato=kato).exists():
            raise _refusal(
                "kato",
                _("Another unit in force has KATO code %(code)s.") % {"code": kato},
                "kato_taken",
            )
    if iso_code is not None and in_force.filter(iso_code=iso_code).exists():
        raise _refusal(
            "iso_code",
            _("Another unit in force has ISO code %(code)s.") % {"code": iso_code},
            "iso_code_taken",
        )
    if not ocd_id.startswith("ocd-division/country:kz"):
        raise _refusal(
            "ocd_id",
            _("An Open Civic Data id starts with “ocd-division/country:kz”."),
            "ocd_id_format",
        )
    if Unit.objects.filter(ocd_id=ocd_id).exists():
        raise _refusal(
            "ocd_id", _("Another unit has the id %(code)s.") % {"code": ocd_id}, "ocd_id_taken"
        )


# ---------------------------------------------------------------- units


def create_unit(
    actor: Actor,
    *,
    kind: str,
    parent: Unit | None,
    name_kk: str,
    name_ru: str,
    name_en: str,
    ocd_id: str,
    iso_code: str | None = None,
    kato: str | None = None,
    population: int | None = None,
    population_year: int | None = None,
    valid_from: dt.date | None = None,
    is_demo: bool = False,
    source: str = "",
    publish: bool = False,
) -> Unit:
    with action("create_unit", actor, "territory.create_unit", parent) as act:
        _check_parent_kind(kind, parent)
        if parent is not None and parent.valid_until is not None:
            raise _refusal(
                "parent",
                _("%(unit)s is no longer in force.") % {"unit": parent.name},
                "parent_not_in_force",
            )
        _check_codes(kato=kato, iso_code=iso_code, ocd_id=ocd_id)
        unit = Unit(
            kind=kind,
            parent=parent,
            name_kk=name_kk,
            name_ru=name_ru,
            name_en=name_en,
            ocd_id=ocd_id,
            iso_code=iso_code,
            kato=kato,
            population=population,
            population_year=population_year,
            valid_from=valid_from,
            is_demo=is_demo,
            source=source,
            depth=parent.depth + 1 if parent else 0,
            path=f"{parent.path if parent else ''}0/",  # id 0 never exists: replaced below
            search_key=search_key(name_kk, name_ru, name_en, iso_code or ""),
        )
        unit.full_clean(exclude=["path", "parent"])
        unit.save()
        unit.path = f"{parent.path if parent else ''}{unit.pk}/"
        unit.save(update_fields=["path"])
        if population is not None and population_year is not None:
            UnitPopulation.objects.create(
                unit=unit, year=population_year, population=population, source=source
            )
        if publish:
            _publish(unit)
        act.record(unit, ocd_id=ocd_id)
    return unit


def publish_unit(actor: Actor, unit: Unit) -> LedgerEntry:
    with action("publish_unit", actor, "territory.publish_unit", unit) as act:
        entry = _publish(unit)
        act.record(unit, ledger_seq=entry.seq)
    return entry


def rename_unit(
    actor: Actor,
    unit: Unit,
    *,
    name_kk: str,
    name_ru: str,
    name_en: str,
    date: dt.date,
    legal_basis: str = "",
) -> Unit:
    """Give a unit new names from `date`; the old ones stay as former names (and in search)."""
    with action("rename_unit", actor, "territory.change_unit", unit) as act:
        previous = FormerName.objects.filter(unit=unit).order_by("-valid_until").first()
        if unit.valid_from is not None and date <= unit.valid_from:
            raise _refusal(
                "date", _("The new name must come after the unit was created."), "rename_too_early"
            )
        if previous is not None and date <= previous.valid_until:
            raise _refusal(
                "date",
                _("The unit was already renamed on or after this date."),
                "rename_out_of_order",
            )
        FormerName.objects.create(
            unit=unit,
            name_kk=unit.name_kk,
            name_ru=unit.name_ru,
            name_en=unit.name_en,
            valid_from=previous.valid_until if previous else unit.valid_from,
            valid_until=date,
            source=legal_basis,
        )
        UnitChange.objects.create(
            unit=unit, kind=UnitChangeKind.RENAMED, date=date, legal_basis=legal_basis
        )
        unit.name_kk, unit.name_ru, unit.name_en = name_kk, name_ru, name_en
        unit.search_key = unit_search_key(unit)
        unit.save(update_fields=["name_kk", "name_ru", "name_en", "search_key"])
        _republish(unit)
        act.record(unit, name_en=name_en, date=date.isoformat())
    return unit


def add_former_name(
    actor: Actor,
    unit: Unit,
    *,
    name_kk: str,
    name_ru: str,
    name_en: str,
    valid_until: dt.date,
    valid_from: dt.date | None = None,
    source: str = "",
) -> FormerName:
    """Record a name the unit carried before (history entered after the fact)."""
    with action("add_former_name", actor, "territory.change_unit", unit) as act:
        former = FormerName(
            unit=unit,
            name_kk=name_kk,
            name_ru=name_ru,
            name_en=name_en,
            valid_from=valid_from,
            valid_until=valid_until,
            source=source,
        )
        former.full_clean()
        former.save()
        unit.search_key = unit_search_key(unit)
        unit.save(update_fields=["search_key"])
        act.record(unit, former_name_en=name_en, until=valid_until.isoformat())
    return former


def record_unit_change(
    actor: Actor,
    unit: Unit,
    *,
    kind: str,
    date: dt.date,
    other: Unit | None = None,
    legal_basis: str = "",
    starts_unit: bool = False,
) -> UnitChange:
    """Record an event of the unit's past (entered after the fact). With `starts_unit`, the
    unit is in force from `date` (created, split off or given its status then)."""
    with action("record_unit_change", actor, "territory.change_unit", unit) as act:
        change = UnitChange(unit=unit, other=other, kind=kind, date=date, legal_basis=legal_basis)
        change.full_clean()
        change.save()
        if starts_unit:
            unit.valid_from = date
            unit.full_clean(exclude=["path", "parent", "search_key"])
            unit.save(update_fields=["valid_from"])
            _republish(unit)
        act.record(unit, kind=kind, date=date.isoformat())
    return change


def move_unit(
    actor: Actor, unit: Unit, *, parent: Unit, date: dt.date, legal_basis: str = ""
) -> Unit:
    """Put a unit (with everything below it) under another parent."""
    with action("move_unit", actor, "territory.change_unit", unit) as act:
        if parent.valid_until is not None:
            raise _refusal(
                "parent",
                _("%(unit)s is no longer in force.") % {"unit": parent.name},
                "parent_not_in_force",
            )
        if unit.covers(parent):
            raise _refusal(
                "parent",
                _("A unit cannot be part of itself or of a unit inside it."),
                "unit_own_ancestor",
            )
        _check_parent_kind(unit.kind, parent)
        old_path, new_path = unit.path, f"{parent.path}{unit.pk}/"
        depth_change = parent.depth + 1 - unit.depth
        Unit.objects.filter(path__startswith=old_path).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        )
        if depth_change:
            Unit.objects.filter(path__startswith=new_path).update(depth=F("depth") + depth_change)
        UnitChange.objects.create(
            unit=unit, other=parent, kind=UnitChangeKind.MOVED, date=date, legal_basis=legal_basis
        )
        unit.refresh_from_db()
        unit.parent = parent
        unit.save(update_fields=["parent"])
        _republish(unit)
        act.record(unit, parent=parent.pk, date=date.isoformat())
    return unit


def split_unit(
    actor: Actor,
    source: Unit,
    *,
    date: dt.date,
    new_units: list[dict[str, Any]],
    legal_basis: str = "",
) -> list[Unit]:
    """Create units from part of `source` on `date` (2022: Abai from East Kazakhstan). `source`
    continues with a smaller territory; each new unit records where it came from."""
    with action("split_unit", actor, "territory.change_unit", source) as act:
        if source.valid_until is not None:
            raise _refusal(
                "source",
                _("%(unit)s is no longer in force.") % {"unit": source.name},
                "unit_not_in_force",
            )
        created = []
        for fields in new_units:
            fields = {"parent": source.parent, **fields, "valid_from": date, "publish": True}
            unit = create_unit(actor, **fields)
            UnitChange.objects.create(
                unit=unit,
                other=source,
                kind=UnitChangeKind.SPLIT,
                date=date,
                legal_basis=legal_basis,
            )
            created.append(unit)
        act.record(source, created=[u.pk for u in created], date=date.isoformat())
    return created


def end_unit(
    actor: Actor,
    unit: Unit,
    *,
    date: dt.date,
    merged_into: Unit | None = None,
    legal_basis: str = "",
) -> Unit:
    """A unit ceases on `date`, abolished or merged into another. Its records stay."""
    with action("end_unit", actor, "territory.change_unit", unit) as act:
        if unit.valid_until is not None:
            raise _refusal(
                "date",
                _("%(unit)s is no longer in force.") % {"unit": unit.name},
                "unit_not_in_force",
            )
        if unit.valid_from is not None and date <= unit.valid_from:
            raise _refusal(
                "date", _("The end must come after the unit was created."), "end_before_start"
            )
        if Unit.objects.filter(parent=unit, valid_until__isnull=True).exists():
            raise _refusal("date", _("Move or end the units inside it first."), "unit_has_children")
        if merged_into is not None and (merged_into == unit or merged_into.valid_until):
            raise _refusal(
                "merged_into", _("Choose another unit that is in force."), "merge_target_invalid"
            )
        for mandate in Mandate.objects.filter(post__body__unit=unit, end__isnull=True):
            _close(mandate, max(date, mandate.start), MandateEndReason.UNIT_CHANGED)
        unit.valid_until = date
        unit.save(update_fields=["valid_until"])
        UnitChange.objects.create(
            unit=unit,
            other=merged_into,
            kind=UnitChangeKind.MERGED if merged_into else UnitChangeKind.ABOLISHED,
            date=date,
            legal_basis=legal_basis,
        )
        _republish(unit)
        act.record(unit, date=date.isoformat(), merged_into=merged_into.pk if merged_into else None)
    return unit


def record_population(
    actor: Actor, unit: Unit, *, year: int, population: int, source: str = ""
) -> UnitPopulation:
    with action("record_population", actor, "territory.change_unit", unit) as act:
        row = UnitPopulation.objects.filter(unit=unit, year=year).first() or UnitPopulation(
            unit=unit, year=year
        )
        row.population, row.source = population, source
        row.full_clean()
        row.save()
        if unit.population_year is None or year >= unit.population_year:
            unit.population, unit.population_year = population, year
            unit.save(update_fields=["population", "population_year"])
            _republish(unit)
        act.record(unit, year=year, population=population)
    return row


def set_boundary(
    actor: Actor, unit: Unit, *, geometry: dict[str, Any], svg_path: str, source: str = ""
) -> Boundary:
    with action("set_boundary", actor, "territory.change_unit", unit) as act:
        if geometry.get("type") not in {"Polygon", "MultiPolygon"}:
            raise _refusal(
                "geometry",
                _("A boundary must be a Polygon or MultiPolygon."),
                "boundary_not_polygon",
            )
        boundary, _created = Boundary.objects.update_or_create(
            unit=unit, defaults={"geometry": geometry, "svg_path": svg_path, "source": source}
        )
        act.record(unit, boundary_source=source)
    return boundary


# ---------------------------------------------------------------- bodies, posts, people


def create_body(actor: Actor, *, unit: Unit, kind: str) -> Body:
    with action("create_body", actor, "territory.create_body", unit) as act:
        if kind not in BodyKind.values:
            raise _refusal("kind", _("Choose a kind of body."), "body_kind")
        if Body.objects.filter(unit=unit, kind=kind).exists():
            raise _refusal("kind", _("This unit already has this body."), "body_exists")
        body = Body.objects.create(unit=unit, kind=kind)
        act.record(body, unit=unit.pk, kind=kind)
    return body


def create_post(actor: Actor, *, body: Body, kind: str, number: int = 1) -> Post:
    with action("create_post", actor, "territory.create_post", body) as act:
        if kind not in POST_KINDS_OF_BODY.get(body.kind, ()):
            raise _refusal(
                "kind", _("This body has no posts of this kind."), "post_kind_not_allowed"
            )
        if Post.objects.filter(body=body, kind=kind, number=number).exists():
            raise _refusal("number", _("This body already has this post."), "post_exists")
        post = Post.objects.create(body=body, kind=kind, number=number)
        act.record(post, body=body.pk, kind=kind, number=number)
    return post


def create_party(
    actor: Actor, *, abbreviation: str, name_kk: str, name_ru: str, name_en: str, colour: str
) -> Party:
    with action("create_party", actor, "territory.create_party") as act:
        party = Party(
            abbreviation=abbreviation,
            name_kk=name_kk,
            name_ru=name_ru,
            name_en=name_en,
            colour=colour,
        )
        party.full_clean()
        party.save()
        act.record(party, abbreviation=abbreviation)
    return party


def create_person(
    actor: Actor,
    *,
    family_name: str,
    given_name: str,
    patronymic: str = "",
    name_latin: str,
    birth_year: int | None = None,
    is_demo: bool = False,
    source: str = "",
) -> Person:
    with action("create_person", actor, "territory.create_person") as act:
        person = Person(
            family_name=family_name.strip(),
            given_name=given_name.strip(),
            patronymic=patronymic.strip(),
            name_latin=name_latin.strip(),
            birth_year=birth_year,
            is_demo=is_demo,
            source=source,
        )
        person.search_key = search_key(
            person.name,
            f"{person.given_name} {person.family_name}",
            person.name_latin,
            " ".join(reversed(person.name_latin.split(" ", 1))),
        )
        person.full_clean(exclude=["search_key"])
        person.save()
        _publish(person)
        act.record(person, name=person.name)
    return person


# ---------------------------------------------------------------- mandates


@dataclass(frozen=True)
class MandateScope:
    """What a mandate permission is checked on: the post and the basis of the mandate."""

    post: Post
    basis: str

    @property
    def body(self) -> Body:
        return self.post.body

    @property
    def unit(self) -> Unit:
        return self.post.body.unit

    def role_matches(self, role: Any) -> bool:
        """Does this role register mandates like this one (for the audit trail's role)?"""
        from .rules import may_register

        return may_register(role, self.post, self.basis)


def _consecutive_terms(post: Post, person: Person, before: dt.date) -> int:
    """Elected mandates this person held on this post right before `before`, with nobody else
    holding it in between."""
    count = 0
    for holder_id, basis in (
        Mandate.objects.filter(post=post, start__lt=before)
        .order_by("-start")
        .values_list("person_id", "basis")
    ):
        if holder_id != person.pk:
            break
        if basis in ELECTED:
            count += 1
    return count


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def record_mandate(
    actor: Actor,
    *,
    person: Person,
    post: Post,
    basis: str,
    start: dt.date,
    end: dt.date | None = None,
    end_reason: str = "",
    party: Party | None = None,
    appointed_by: Body | None = None,
    appointed_by_note: str = "",
    replaces_current: bool = False,
    is_demo: bool = False,
    source: str = "",
) -> Mandate:
    """Record that `person` holds (or held) `post` from `start`. With `replaces_current`, the
    post's current holder's mandate ends on `start`; without it, a post that has a holder is
    refused. Term end and term limit come from the post kind's TermRule when elected."""
    scope = MandateScope(post, basis)
    with action("record_mandate", actor, "territory.record_mandate", scope) as act:
        Post.objects.select_for_update().filter(pk=post.pk).first()  # one writer per post
        errors: dict[str, ValidationError] = {}
        unit = post.body.unit
        if basis not in MandateBasis.values:
            errors["basis"] = ValidationError(_("Choose how the post was obtained."), "basis")
        elif basis not in allowed_bases(post.kind, unit.kind):
            errors["basis"] = ValidationError(
                _("This post cannot be obtained this way."), "basis_not_for_post"
            )
        if not EARLIEST <= start <= timezone.localdate():  # recorded once in force
            errors["start"] = ValidationError(
                _("The start must lie between 1991 and today."), "start_out_of_range"
            )
        elif unit.valid_until is not None and start >= unit.valid_until:
            errors["start"] = ValidationError(
                _("%(unit)s was no longer in force then.") % {"unit": unit.name},
                "unit_not_in_force",
            )
        if end is not None and end > timezone.localdate():
            errors["end"] = ValidationError(_("The end cannot be in the future."), "end_in_future")
        elif end is not None and end < start:
            errors["end"] = ValidationError(
                _("The end cannot be before the start."), "end_before_start"
            )
        if (end is None) != (not end_reason) or (
            end_reason and end_reason not in MandateEndReason.values
        ):
            errors["end_reason"] = ValidationError(
                _("Give the reason for the end, together with the end date."), "end_reason"
            )
        if basis not in (MandateBasis.APPOINTED, MandateBasis.ACTING) and (
            appointed_by or appointed_by_note
        ):
            errors["appointed_by"] = ValidationError(
                _("Only an appointment names who appointed."), "appointer_not_allowed"
            )
        if appointed_by is not None and not appointed_by.unit.covers(post.body.unit):
            errors["appointed_by"] = ValidationError(
                _("The appointing body must govern this unit or a unit above it."),
                "appointer_out_of_scope",
            )
        if errors:
            raise ValidationError(errors)
        current = Mandate.objects.filter(post=post, end__isnull=True).first()
        if current is not None and (end is None or current.start < end):
            if not replaces_current or end is not None:
                raise _refusal(
                    "post",
                    _("%(person)s holds this post since %(start)s. End that mandate first.")
                    % {
                        "person": current.person.name,
                        "start": date_format(current.start, "SHORT_DATE_FORMAT"),
                    },
                    "post_has_holder",
                )
            if start <= current.start:
                raise _refusal(
                    "start",
                    _("The new mandate must start after the current one."),
                    "start_before_current",
                )
            _close(current, start, MandateEndReason.REPLACED)
        overlapping = Mandate.objects.filter(post=post, end__gt=start)
        if end is not None:
            overlapping = overlapping.filter(start__lt=end)
        if overlapping.exists():
            raise _refusal(
                "start", _("These dates overlap another mandate on this post."), "mandate_overlap"
            )
        rule = TermRule.objects.filter(post_kind=post.kind).first()
        term_ends = None
        if rule is not None and basis in ELECTED:
            term_ends = _add_years(start, rule.term_years)
            if rule.max_consecutive_terms is not None:
                held = _consecutive_terms(post, person, start)
                if held >= rule.max_consecutive_terms:
                    raise _refusal(
                        "person",
                        _(
                            "%(person)s has already served %(count)s consecutive terms "
                            "in this post, the limit."
                        )
                        % {"person": person.name, "count": held},
                        "term_limit",
                    )
        mandate = Mandate(
            person=person,
            post=post,
            basis=basis,
            start=start,
            end=end,
            end_reason=end_reason,
            party=party,
            appointed_by=appointed_by,
            appointed_by_note=appointed_by_note,
            term_ends=term_ends,
            is_demo=is_demo,
            source=source,
        )
        try:
            with transaction.atomic():
                mandate.save()
        except IntegrityError as exc:  # a concurrent writer won the race for this post
            raise _refusal(
                "post",
                _("Someone else recorded a holder for this post just now. Reload and check."),
                "post_has_holder",
            ) from exc
        _publish(mandate)
        act.record(mandate, person=person.pk, post=post.pk, basis=basis, start=start.isoformat())
    return mandate


def _close(mandate: Mandate, end: dt.date, reason: str) -> None:
    mandate.end, mandate.end_reason = end, reason
    mandate.save(update_fields=["end", "end_reason"])
    _republish(mandate)


def end_mandate(actor: Actor, mandate: Mandate, *, end: dt.date, reason: str) -> Mandate:
    scope = MandateScope(mandate.post, mandate.basis)
    with action("end_mandate", actor, "territory.record_mandate", scope) as act:
        if mandate.end is not None:
            raise _refusal("end", _("This mandate has already ended."), "mandate_already_ended")
        if end < mandate.start:
            raise _refusal("end", _("The end cannot be before the start."), "end_before_start")
        if end > timezone.localdate():
            raise _refusal("end", _("The end cannot be in the future."), "end_in_future")
        if reason not in MandateEndReason.values:
            raise _refusal("reason", _("Say why the mandate ended."), "end_reason")
        _close(mandate, end, reason)
        act.record(mandate, end=end.isoformat(), reason=reason)
    return mandate


def set_term_rule(
    actor: Actor,
    *,
    post_kind: str,
    term_years: int,
    max_consecutive_terms: int | None = None,
    legal_basis: str = "",
) -> TermRule:
    with action("set_term_rule", actor, "territory.set_term_rule") as act:
        rule = TermRule.objects.filter(post_kind=post_kind).first() or TermRule(post_kind=post_kind)
        rule.term_years = term_years
        rule.max_consecutive_terms = max_consecutive_terms
        rule.legal_basis = legal_basis
        rule.full_clean()
        rule.save()
        act.record(rule, term_years=term_years, max_consecutive_terms=max_consecutive_terms)
    return rule


# ---------------------------------------------------------------- powers


def define_power(
    actor: Actor,
    *,
    code: str,
    area: str,
    title_kk: str,
    title_ru: str,
    title_en: str,
    law: str,
    article: str,
    assignments: list[tuple[str, str, str]],
) -> Power:
    """Create or update a power and set exactly the (body kind, unit kind, article) it is
    assigned to. Re-running with the same data changes nothing."""
    with action("define_power", actor, "territory.define_power") as act:
        power = Power.objects.filter(code=code).first() or Power(code=code)
        power.area, power.law, power.article = area, law, article
        power.title_kk, power.title_ru, power.title_en = title_kk, title_ru, title_en
        power.full_clean()
        power.save()
        wanted = set(assignments)
        have = {(a.body_kind, a.unit_kind, a.article): a.pk for a in power.assignments.all()}
        PowerAssignment.objects.filter(
            pk__in=[pk for key, pk in have.items() if key not in wanted]
        ).delete()
        for body_kind, unit_kind, assigned_article in wanted - set(have):
            assignment = PowerAssignment(
                power=power, body_kind=body_kind, unit_kind=unit_kind, article=assigned_article
            )
            assignment.full_clean(exclude=["power"])
            assignment.save()
        act.record(power, code=code, assignments=len(wanted))
    return power
