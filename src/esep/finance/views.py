"""Budget pages: a unit's budget, the national overview, datasets (sources), each chart's data
as CSV and JSON, the upload page for akimat staff, and the open-data exports."""

from __future__ import annotations

import csv
import hashlib
import io
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from esep.core.actions import Actor
from esep.core.cache import public_page

from . import actions, exports, figures, queries
from .datatables import national_tables, unit_tables
from .forms import UploadForm
from .models import Dataset, Phase
from .tables import ImportRefused, read_table


def _int(value: str | None) -> int | None:
    return (
        int(value) if value and value.isdecimal() and value.isascii() and len(value) == 4 else None
    )


def _phase(value: str | None) -> str | None:
    return value if value in Phase.values else None


@require_safe
@public_page(params=("year", "phase"))
def unit_budget(request: HttpRequest, unit_id: int) -> HttpResponse:
    budget = queries.unit_budget(
        unit_id, _int(request.GET.get("year")), _phase(request.GET.get("phase"))
    )
    if budget is None:
        raise Http404
    tables = unit_tables(budget)
    context = {
        "budget": budget,
        "unit": budget.unit,
        "tables": tables,
        "charts": figures.for_unit(budget),
        "phase_labels": dict(Phase.choices),
        "ancestors": [*budget.ancestors, budget.unit],
        "query": f"?year={budget.year}&phase={budget.phase}",
    }
    return render(request, "finance/unit_budget.html", context)


@require_safe
@public_page(params=("year", "phase"))
def national(request: HttpRequest) -> HttpResponse:
    page = queries.national(_int(request.GET.get("year")), _phase(request.GET.get("phase")))
    context = {
        "page": page,
        "tables": national_tables(page),
        "charts": figures.for_national(page),
        "map": figures.dependence_map(page),
        "phase_labels": dict(Phase.choices),
        "query": f"?year={page.year}&phase={page.phase}",
    }
    return render(request, "finance/national.html", context)


def _data_response(table: Any, fmt: str, name: str) -> HttpResponse:
    if fmt == "json":
        response = JsonResponse(
            {"title": str(table.title), "columns": table.keys, "rows": table.json_rows()},
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([str(h) for h in table.headers])
        writer.writerows(exports.safe_row(row) for row in table.csv_rows())
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@require_safe
@public_page(params=("year", "phase"))
def unit_chart_data(request: HttpRequest, unit_id: int, chart: str, fmt: str) -> HttpResponse:
    budget = queries.unit_budget(
        unit_id, _int(request.GET.get("year")), _phase(request.GET.get("phase"))
    )
    if budget is None:
        raise Http404
    table = unit_tables(budget).get(chart)
    if table is None:
        raise Http404
    return _data_response(table, fmt, f"budget-{unit_id}-{budget.year}-{chart}")


@require_safe
@public_page(params=("year", "phase"))
def national_chart_data(request: HttpRequest, chart: str, fmt: str) -> HttpResponse:
    page = queries.national(_int(request.GET.get("year")), _phase(request.GET.get("phase")))
    table = national_tables(page).get(chart)
    if table is None:
        raise Http404
    return _data_response(table, fmt, f"budgets-{page.year}-{chart}")


@require_safe
@public_page
def dataset(request: HttpRequest, dataset_id: int) -> HttpResponse:
    found = get_object_or_404(Dataset, pk=dataset_id, published_at__isnull=False)
    releases = list(
        found.releases.select_related("unit").order_by("unit__path", "year", "direction")[:200]
    )
    return render(request, "finance/dataset.html", {"dataset": found, "releases": releases})


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("finance.upload"):
        raise PermissionDenied
    bound = request.method == "POST"
    form = UploadForm(request.POST if bound else None, request.FILES if bound else None)
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        data = file.read()
        kind = form.cleaned_data["kind"]
        action = actions.import_budget if kind == "budget" else actions.import_transfers
        try:
            table = read_table(file.name, data, "budget-lines" if kind == "budget" else "transfers")
            result = action(
                Actor.of(request.user),
                table,
                title=form.cleaned_data["title"],
                document=form.cleaned_data["document"],
                url=form.cleaned_data["url"],
                sha256=hashlib.sha256(data).hexdigest(),
            )
        except ImportRefused as refused:
            context["problems"] = refused.problems
            return render(request, "finance/upload.html", context, status=400)
        except PermissionDenied as refused:
            context["refusal"] = str(refused) or _("You are not allowed to do this here.")
            return render(request, "finance/upload.html", context, status=403)
        context["result"] = result
    return render(request, "finance/upload.html", context)


@require_safe
def export_lines(request: HttpRequest) -> StreamingHttpResponse:
    unit, year = _int_param(request, "unit"), _int(request.GET.get("year"))
    response = StreamingHttpResponse(
        exports.lines_csv(unit, year), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="budget-lines.csv"'
    return response


@require_safe
def export_package(request: HttpRequest) -> HttpResponse:
    unit, year = _int_param(request, "unit"), _int(request.GET.get("year"))
    response = HttpResponse(exports.package_zip(unit, year), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="esep-budgets.zip"'
    return response


def _int_param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdecimal() and value.isascii() and len(value) < 16 else None
