"""Which body answers an appeal: the holder of the category's power in the powers registry.

From the appeal's unit up to the republic, the first unit whose kind is given the power, and
that has a body of the kind holding it, answers. Where the registry names nobody (or the
category names no power), the akimat of the unit or of the nearest unit above it answers:
akimats are the local executive and consider every appeal about their territory."""

from __future__ import annotations

from esep.territory.models import Body, BodyKind, PowerAssignment, Unit

from .models import Category


def route(category: Category, unit: Unit) -> Body | None:
    """The body that answers an appeal of `category` about `unit` (two queries)."""
    chain = [unit.pk, *reversed(unit.ancestor_ids)]
    kinds_by_unit_kind: dict[str, set[str]] = {}
    if category.power:
        for body_kind, unit_kind in PowerAssignment.objects.filter(
            power__code=category.power
        ).values_list("body_kind", "unit_kind"):
            kinds_by_unit_kind.setdefault(unit_kind, set()).add(body_kind)
    bodies = {
        (body.unit_id, body.kind): body
        for body in Body.objects.filter(unit_id__in=chain).select_related("unit")
    }
    unit_kinds = {body.unit_id: body.unit.kind for body in bodies.values()}
    for unit_id in chain:
        for body_kind in sorted(kinds_by_unit_kind.get(unit_kinds.get(unit_id, ""), ())):
            if (unit_id, body_kind) in bodies:
                return bodies[(unit_id, body_kind)]
    for unit_id in chain:
        if (unit_id, BodyKind.AKIMAT) in bodies:
            return bodies[(unit_id, BodyKind.AKIMAT)]
    return None


def body_above(body: Body) -> Body | None:
    """The akimat above a body, to which a complaint about its answer goes: the akimat of the
    nearest unit above the body's unit (an akimat's own maslikhat is not above it)."""
    chain = list(reversed(body.unit.ancestor_ids))
    akimats = {
        b.unit_id: b
        for b in Body.objects.filter(unit_id__in=chain, kind=BodyKind.AKIMAT).select_related("unit")
    }
    for unit_id in chain:
        if unit_id in akimats:
            return akimats[unit_id]
    return None
