"""Public accountability of appeals: the national overview, a body's and a unit's figures, and
the public list of appeals that every figure links to. All public and cached; the cache key
carries the appeals' today (Asia/Almaty), since "overdue now" changes at midnight.
Definitions: docs/appeals-statistics.md."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from esep.api.pagination import MAX_ID
from esep.core.cache import public_page
from esep.core.downloads import csv_lines
from esep.territory.labels import body_label
from esep.territory.models import Body, Unit

from .. import clock
from ..models import AppealStatus, Category
from ..queries import statistics
from ..queries.public_appeals import OUTCOMES, Filters, Scope, parse_month, public_appeals
from ..queries.statistics_charts import (
    appeals_map,
    map_appeals,
    national_map,
    region_of,
    trend_chart,
)

DAY_PARAM = "_appeals_day"
PAGE_SIZE = 50
LIST_PARAMS = ("body", "bodies_in", "unit", "category", "status", "outcome", "month", "page")


def appeals_page(*params: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., Any]]:
    """A public, cached page (esep.core.cache.public_page) whose cache key also carries the
    date of the appeals' clock, so a page saying "overdue now" is never served the next day.
    `params` are the query parameters the view reads."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        cached = public_page(view, params=(*params, DAY_PARAM))

        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            request.GET = request.GET.copy()
            request.GET.setlist(DAY_PARAM, [clock.today().isoformat()])
            return cached(request, *args, **kwargs)

        return require_safe(wrapper)

    return decorate


def _ancestors(unit: Unit) -> list[Unit]:
    return list(Unit.objects.filter(pk__in=unit.ancestor_ids).order_by("depth"))


def _published_unit(unit_id: int) -> Unit:
    unit = Unit.objects.filter(pk=unit_id, published_at__isnull=False).first()
    if unit is None:
        raise Http404
    return unit


def _body(body_id: int) -> Body:
    body = (
        Body.objects.select_related("unit")
        .filter(pk=body_id, unit__published_at__isnull=False)
        .first()
    )
    if body is None:
        raise Http404
    return body


@appeals_page()
def national(request: HttpRequest) -> HttpResponse:
    page = statistics.national(clock.today())
    return render(
        request,
        "accountability/statistics/national.html",
        {"page": page, "map": national_map(page), "today": clock.today()},
    )


def _figures_context(scope: Scope, unit: Unit, ancestors: list[Unit]) -> dict[str, Any]:
    today = clock.today()
    found = statistics.figures(scope, today)
    return {
        "figures": found,
        "chart": trend_chart(found),
        "map": appeals_map(region_of(unit, ancestors), map_appeals(scope.at())),
        "today": today,
        "ancestors": [*ancestors, unit] if scope.body else ancestors,
        "scope_query": statistics.link(scope),
    }


@appeals_page()
def body_appeals(request: HttpRequest, body_id: int) -> HttpResponse:
    body = _body(body_id)
    ancestors = _ancestors(body.unit)
    context = _figures_context(Scope(body=body), body.unit, ancestors)
    context["body"] = body
    return render(request, "accountability/statistics/body.html", context)


@appeals_page()
def unit_appeals(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = _published_unit(unit_id)
    ancestors = _ancestors(unit)
    context = _figures_context(Scope(unit=unit), unit, ancestors)
    context["own"], context["children"] = statistics.unit_rows(unit, clock.today())
    context["unit"] = unit
    return render(request, "accountability/statistics/unit.html", context)


def _table(found: statistics.Figures, table: str) -> tuple[list[str], list[list[Any]]]:
    columns = [
        _("Received"),
        _("Decided"),
        _("On time"),
        _("Late"),
        _("Share decided on time"),
        _("Open"),
        _("Overdue now"),
        _("Forwarded"),
    ]

    def cells(row: statistics.Outcomes) -> list[Any]:
        share = row.on_time_share
        return [
            row.received.total,
            row.decided.total,
            row.on_time.total,
            row.late.total,
            "" if share is None else f"{share:.4f}",
            row.open.total,
            row.overdue.total,
            row.forwarded.total,
        ]

    if table == "trend":
        return [_("Month of filing"), *columns], [
            [row.month.text, *cells(row)] for row in found.trend if row.month
        ]
    return [_("Category code"), _("Category"), *columns], [
        [row.category.code, row.category.name, *cells(row)]
        for row in found.by_category
        if row.category
    ]


def _csv(found: statistics.Figures, table: str, name: str) -> HttpResponse:
    header, rows = _table(found, table)
    response = HttpResponse(
        "".join(csv_lines(header, rows)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="esep-{name}-{table}.csv"'
    return response


@appeals_page()
def body_appeals_data(request: HttpRequest, body_id: int, table: str) -> HttpResponse:
    body = _body(body_id)
    found = statistics.figures(Scope(body=body), clock.today())
    return _csv(found, table, f"appeals-body-{body.pk}")


@appeals_page()
def unit_appeals_data(request: HttpRequest, unit_id: int, table: str) -> HttpResponse:
    unit = _published_unit(unit_id)
    found = statistics.figures(Scope(unit=unit), clock.today())
    return _csv(found, table, f"appeals-unit-{unit.pk}")


# The public list ------------------------------------------------------------------------------


class AppealFilterForm(forms.Form):
    """The list's filters. A value that is not one of the allowed ones is an error (the page
    answers 400 and says which), never silently ignored: a list titled "late appeals" must
    not show all of them."""

    body = forms.IntegerField(
        label=gettext_lazy("Body (number)"), required=False, min_value=1, max_value=MAX_ID
    )
    bodies_in = forms.IntegerField(
        label=gettext_lazy("Bodies of a unit and below it (unit number)"),
        required=False,
        min_value=1,
        max_value=MAX_ID,
    )
    unit = forms.IntegerField(
        label=gettext_lazy("Place: unit and below it (unit number)"),
        required=False,
        min_value=1,
        max_value=MAX_ID,
    )
    category = forms.ChoiceField(label=gettext_lazy("Category"), required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("Status now"),
        required=False,
        choices=[("", gettext_lazy("Any")), *AppealStatus.choices],
    )
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"),
        required=False,
        choices=[("", gettext_lazy("Any")), *OUTCOMES.items()],
    )
    month = forms.CharField(
        label=gettext_lazy("Month of filing"),
        help_text=gettext_lazy("As YYYY-MM, for example 2026-03."),
        required=False,
        max_length=7,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "YYYY-MM"}),
    )
    page = forms.IntegerField(
        required=False, min_value=1, max_value=10**6, widget=forms.HiddenInput
    )

    def __init__(self, data: Any, categories: list[Category]) -> None:
        super().__init__(data)
        self.fields["category"].choices = [
            ("", _("Any")),
            *((category.code, category.name) for category in categories),
        ]

    def clean_body(self) -> Body | None:
        pk = self.cleaned_data.get("body")
        if pk is None:
            return None
        found = (
            Body.objects.select_related("unit")
            .filter(pk=pk, unit__published_at__isnull=False)
            .first()
        )
        if found is None:
            raise ValidationError(_("There is no body number %(pk)s.") % {"pk": pk})
        return found

    def _unit(self, name: str) -> Unit | None:
        pk = self.cleaned_data.get(name)
        if pk is None:
            return None
        found = Unit.objects.filter(pk=pk, published_at__isnull=False).first()
        if found is None:
            raise ValidationError(_("There is no unit number %(pk)s.") % {"pk": pk})
        return found

    def clean_bodies_in(self) -> Unit | None:
        return self._unit("bodies_in")

    def clean_unit(self) -> Unit | None:
        return self._unit("unit")

    def clean_month(self) -> tuple[int, int] | None:
        text = (self.cleaned_data.get("month") or "").strip()
        if not text:
            return None
        found = parse_month(text)
        if found is None:
            raise ValidationError(_("Give the month as YYYY-MM, for example 2026-03."))
        return found

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            body=data.get("body"),
            bodies_in=data.get("bodies_in"),
            unit=data.get("unit"),
            category=data.get("category") or "",
            status=data.get("status") or "",
            outcome=data.get("outcome") or "",
            month=data.get("month"),
        )


def _described(filters: Filters, categories: dict[str, Category]) -> list[str]:
    """The active filters in words, for the heading of the list."""
    words = []
    if filters.body:
        words.append(_("received by %(body)s") % {"body": body_label(filters.body)})
    if filters.bodies_in:
        words.append(
            _("received by the bodies of %(unit)s and below it") % {"unit": filters.bodies_in}
        )
    if filters.unit:
        words.append(_("about places in %(unit)s") % {"unit": filters.unit})
    if filters.category and filters.category in categories:
        words.append(str(categories[filters.category].name))
    if filters.status:
        words.append(str(AppealStatus(filters.status).label))
    if filters.outcome:
        words.append(str(OUTCOMES[filters.outcome]))
    if filters.month:
        words.append(_("filed in %(month)s") % {"month": filters.month_text})
    return words


@appeals_page(*LIST_PARAMS)
def public_list(request: HttpRequest) -> HttpResponse:
    categories = list(Category.objects.order_by("position", "code"))
    form = AppealFilterForm(
        {name: request.GET.get(name, "") for name in LIST_PARAMS}, categories=categories
    )
    context: dict[str, Any] = {"form": form, "today": clock.today()}
    if not form.is_valid():
        return render(request, "accountability/statistics/public_list.html", context, status=400)
    filters = form.filters()
    paginator = Paginator(public_appeals(filters, clock.today()), PAGE_SIZE)
    page = paginator.get_page(form.cleaned_data.get("page") or 1)
    appeals = list(page.object_list)
    query = statistics.link(Scope(), **filters.params)
    context.update(
        filters=filters,
        described=_described(filters, {c.code: c for c in categories}),
        page=page,
        appeals=appeals,
        demo=any(appeal.is_demo for appeal in appeals),
        query=query,
        page_prefix=f"?{query}&page=" if query else "?page=",
    )
    return render(request, "accountability/statistics/public_list.html", context)
