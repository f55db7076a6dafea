"""Pages of the registry: the national map, units, people, posts, search, powers, terms ending,
and the staff forms that record and end mandates."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from esep.core.actions import Actor
from esep.core.cache import public_page
from esep.core.downloads import csv_response
from esep.core.forms import apply_errors

from . import actions, queries
from .forms import EndMandateForm, RecordMandateForm, SearchForm
from .geo import region_map
from .models import BodyKind, Mandate, MandateBasis, Person, Post, Unit, UnitKind

MEASURE_LABELS = {
    "direct_share": gettext_lazy("Share of akims elected directly by residents"),
    "population": gettext_lazy("Population"),
    "ending_soon": gettext_lazy("Akims whose term ends within a year"),
}
# Five steps of one blue, light to dark; every step differs from its neighbours in lightness so
# the map reads in greyscale too, and the table gives the same values as text.
PALETTE = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"]
NO_DATA = "#d9d9d9"


def _bins(values: list[float | None]) -> tuple[list[str], list[tuple[str, float, float]]]:
    """Colour for each value (equal-width classes between min and max) and the legend."""
    known = [v for v in values if v is not None]
    if not known:
        return [NO_DATA] * len(values), []
    low, high = min(known), max(known)
    width = (high - low) / len(PALETTE) or 1
    colours = []
    for value in values:
        if value is None:
            colours.append(NO_DATA)
        else:
            colours.append(PALETTE[min(int((value - low) / width), len(PALETTE) - 1)])
    steps = len(PALETTE) if high > low else 1
    legend = [(PALETTE[i], low + i * width, low + (i + 1) * width) for i in range(steps)]
    return colours, legend


@require_safe
@public_page(params=("measure",))
def national(request: HttpRequest) -> HttpResponse:
    measure = request.GET.get("measure", "direct_share")
    if measure not in queries.MEASURES:
        measure = "direct_share"
    rows = queries.national_overview()
    colours, legend = _bins([row.value(measure) for row in rows])
    labels = region_map().labels
    regions = [
        {
            "row": row,
            "colour": colour,
            "value": row.value(measure),
            # Cities of republican significance are a few pixels wide: draw a dot as well.
            "dot": labels.get(row.unit.iso_code)
            if row.unit.kind == UnitKind.REPUBLICAN_CITY
            else None,
        }
        for row, colour in zip(rows, colours, strict=True)
    ]
    return render(
        request,
        "territory/national.html",
        {
            "regions": regions,
            "measure": measure,
            "measure_label": MEASURE_LABELS[measure],
            "measures": MEASURE_LABELS.items(),
            "legend": legend,
            "percent": measure == "direct_share",
            "viewbox": region_map().viewbox,
            "soon_days": queries.ENDING_SOON_DAYS,
        },
    )


@require_safe
@public_page
def unit_detail(request: HttpRequest, unit_id: int) -> HttpResponse:
    page = queries.unit_page(unit_id)
    if page is None:
        raise Http404
    return render(request, "territory/unit.html", {"page": page, "unit": page.unit})


@require_safe
@public_page
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    found = queries.person_page(person_id)
    if found is None:
        raise Http404
    person, history = found
    return render(request, "territory/person.html", {"person": person, "history": history})


@require_safe
def post_detail(request: HttpRequest, post_id: int) -> HttpResponse:
    found = queries.post_page(post_id)
    if found is None:
        raise Http404
    post, history, ancestors = found
    context = {"post": post, "history": history, "ancestors": ancestors}
    if request.user.is_authenticated:
        context["may_record"] = bool(registrable_bases(request.user, post))
        context["may_end"] = {
            m.pk
            for m in history
            if m.end is None and request.user.has_perm("territory.record_mandate", m)
        }
    return render(request, "territory/post.html", context)


@require_safe
@public_page(params=("q",))
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    found_units: list[Unit] = []
    found_people: list[Person] = []
    query = ""
    if form.is_valid():
        query = form.cleaned_data["q"]
        found_units, found_people = queries.search(query)
    return render(
        request,
        "territory/search.html",
        {"form": form, "query": query, "units": found_units, "people": found_people},
    )


@require_safe
@public_page
def powers(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "territory/powers.html",
        {
            "powers": queries.powers(),
            "overlaps": queries.overlapping_powers(),
            "body_kinds": BodyKind.choices,
            "unit_kind_choices": UnitKind.choices,
        },
    )


TERMS_WINDOWS = (90, 180, 365, 730)


@require_safe
@public_page(params=("within",))
def terms_ending(request: HttpRequest) -> HttpResponse:
    try:
        within = int(request.GET.get("within", 180))
    except ValueError:
        within = 180
    if within not in TERMS_WINDOWS:
        within = 180
    return render(
        request,
        "territory/terms_ending.html",
        {
            "mandates": queries.terms_ending(within),
            "within": within,
            "windows": TERMS_WINDOWS,
            "today": queries.today(),
        },
    )


# ---------------------------------------------------------------- staff forms


def registrable_bases(user: Any, post: Post) -> list[str]:
    """The bases on which this user may record a holder of this post."""
    return [
        basis
        for basis in MandateBasis.values
        if user.has_perm("territory.record_mandate", actions.MandateScope(post, basis))
    ]


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def record_mandate(request: HttpRequest, post_id: int) -> HttpResponse:
    post = get_object_or_404(Post.objects.select_related("body__unit"), pk=post_id)
    bases = registrable_bases(request.user, post)
    if not bases:
        raise PermissionDenied
    form = RecordMandateForm(request.POST if request.method == "POST" else None, bases=bases)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actor = Actor.of(request.user)
        try:
            with transaction.atomic():  # a new person is kept only with the mandate
                _record(actor, post, data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The mandate has been recorded and published."))
            return redirect("territory:post", post_id=post.pk)
    return render(request, "territory/record_mandate.html", {"post": post, "form": form})


def _record(actor: Actor, post: Post, data: dict[str, Any]) -> None:
    """A new person (if the form names none) and their mandate."""
    person = data["person"] or actions.create_person(
        actor,
        family_name=data["family_name"],
        given_name=data["given_name"],
        patronymic=data["patronymic"],
        name_latin=data["name_latin"],
        birth_year=data["birth_year"],
        source=data["source"],
    )
    actions.record_mandate(
        actor,
        person=person,
        post=post,
        basis=data["basis"],
        start=data["start"],
        party=data["party"],
        appointed_by_note=data["appointed_by_note"],
        replaces_current=data["replaces_current"],
        source=data["source"],
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def end_mandate(request: HttpRequest, mandate_id: int) -> HttpResponse:
    mandate = get_object_or_404(
        Mandate.objects.select_related("person", "post__body__unit"), pk=mandate_id
    )
    if not request.user.has_perm("territory.record_mandate", mandate):
        raise PermissionDenied
    form = EndMandateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.end_mandate(
                Actor.of(request.user),
                mandate,
                end=form.cleaned_data["end"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The end of the mandate has been recorded and published."))
            return redirect("territory:post", post_id=mandate.post_id)
    return render(request, "territory/end_mandate.html", {"mandate": mandate, "form": form})


# ---------------------------------------------------------------- CSV exports


@require_safe
def export_units(request: HttpRequest) -> StreamingHttpResponse:
    header = [
        "id",
        "ocd_id",
        "kind",
        "parent_id",
        "name_kk",
        "name_ru",
        "name_en",
        "iso_code",
        "kato",
        "population",
        "population_year",
        "valid_from",
        "valid_until",
        "demo",
        "source",
    ]
    rows = (
        [u.pk, u.ocd_id, u.kind, u.parent_id, u.name_kk, u.name_ru, u.name_en, u.iso_code or "",
         u.kato or "", u.population or "", u.population_year or "", u.valid_from or "",
         u.valid_until or "", int(u.is_demo), u.source]
        for u in queries.units().iterator(chunk_size=2000)
    )  # fmt: skip
    return csv_response("units", header, rows)


@require_safe
def export_people(request: HttpRequest) -> StreamingHttpResponse:
    header = [
        "id",
        "family_name",
        "given_name",
        "patronymic",
        "name_latin",
        "birth_year",
        "demo",
        "source",
    ]
    rows = (
        [p.pk, p.family_name, p.given_name, p.patronymic, p.name_latin, p.birth_year or "",
         int(p.is_demo), p.source]
        for p in Person.objects.filter(published_at__isnull=False).order_by("pk").iterator(2000)
    )  # fmt: skip
    return csv_response("people", header, rows)


@require_safe
def export_mandates(request: HttpRequest) -> StreamingHttpResponse:
    header = [
        "id",
        "person_id",
        "person",
        "post_id",
        "post_kind",
        "post_number",
        "body_kind",
        "unit_id",
        "unit_ocd_id",
        "basis",
        "party",
        "appointed_by_body_id",
        "appointed_by_note",
        "start",
        "end",
        "end_reason",
        "term_ends",
        "demo",
        "source",
    ]
    rows = (
        [m.pk, m.person_id, m.person.name, m.post_id, m.post.kind, m.post.number,
         m.post.body.kind, m.post.body.unit_id, m.post.body.unit.ocd_id, m.basis,
         m.party.abbreviation if m.party else "", m.appointed_by_id or "", m.appointed_by_note,
         m.start, m.end or "", m.end_reason, m.term_ends or "", int(m.is_demo), m.source]
        for m in queries.published_mandates().order_by("pk").iterator(chunk_size=2000)
    )  # fmt: skip
    return csv_response("mandates", header, rows)
