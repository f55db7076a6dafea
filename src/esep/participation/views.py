"""Pages of participatory budgeting: the processes, a process with its phases, rules and
projects, proposing, supporting, reviewing, the ballot and its receipt, the public bulletin
board of receipts, the results with every project explained, and verifying residence."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from esep.accounts import actions as account_actions
from esep.accounts import oidc
from esep.core.actions import Actor
from esep.core.forms import apply_errors

from . import phases, queries
from .actions import imports
from .actions import projects as project_actions
from .actions import results as result_actions
from .actions import voting as voting_actions
from .eligibility import active_verification
from .models import (
    BallotKind,
    CountTask,
    Implementation,
    Process,
    Project,
    ProjectCategory,
    Result,
)
from .phases import Activity

PAGE_SIZE = 100


def _process(pk: int) -> Process:
    try:
        return Process.objects.select_related("unit").get(pk=pk)
    except Process.DoesNotExist:
        raise Http404 from None


@require_safe
def process_list(request: HttpRequest) -> HttpResponse:
    from esep.accounts.queries import active_roles

    processes = list(queries.processes())
    kinds = {role.kind for role in active_roles(request.user)}
    return render(
        request,
        "participation/list.html",
        {
            "processes": processes,
            "staff": bool(kinds & {"administrator", "akimat_editor", "moderator"}),
        },
    )


@require_safe
def process_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        page = queries.process_page(pk)
    except Process.DoesNotExist:
        raise Http404 from None
    user = request.user
    return render(
        request,
        "participation/process.html",
        {
            "page": page,
            "process": page.process,
            "verification": active_verification(user),
            "staff": user.is_authenticated
            and user.has_perm("participation.review_project", page.process),
            "categories": dict(ProjectCategory.choices),
        },
    )


class ProposalForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300, required=False)
    description = forms.CharField(
        label=gettext_lazy("What should be done, and where"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": 10000}),
    )
    estimated_cost = forms.CharField(
        label=gettext_lazy("Estimated cost, tenge"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    category = forms.ChoiceField(
        label=gettext_lazy("Category"), choices=ProjectCategory.choices, required=False
    )
    address = forms.CharField(
        label=gettext_lazy("Address (optional)"), max_length=300, required=False
    )


@login_required
@require_http_methods(["GET", "POST"])
def propose(request: HttpRequest, pk: int) -> HttpResponse:
    process = _process(pk)
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            project = project_actions.propose_project(
                Actor.of(request.user),
                process,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                estimated_cost=form.cleaned_data["estimated_cost"],
                category=form.cleaned_data["category"] or ProjectCategory.OTHER,
                address=form.cleaned_data["address"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("Your project was proposed: number %(code)s.") % {"code": project.code}
            )
            return redirect("participation:process", pk=process.pk)
    return render(
        request,
        "participation/propose.html",
        {"process": process, "form": form},
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def support(request: HttpRequest, pk: int, project: int) -> HttpResponse:
    item = get_object_or_404(Project.objects.select_related("process"), pk=project, process_id=pk)
    try:
        project_actions.support_project(Actor.of(request.user), item)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("You support project %(code)s.") % {"code": item.code})
    return redirect("participation:process", pk=pk)


class ReviewForm(forms.Form):
    feasible = forms.TypedChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            ("1", gettext_lazy("Feasible: put it on the ballot")),
            ("0", gettext_lazy("Not feasible")),
        ],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    cost = forms.CharField(label=gettext_lazy("Cost after review, tenge"), required=False)
    reason = forms.CharField(
        label=gettext_lazy("Reason (published)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, pk: int, project: int) -> HttpResponse:
    item = get_object_or_404(Project.objects.select_related("process"), pk=project, process_id=pk)
    if not request.user.has_perm("participation.review_project", item.process):
        raise PermissionDenied
    form = ReviewForm(request.POST or None, initial={"cost": item.ballot_cost})
    if request.method == "POST" and form.is_valid():
        try:
            project_actions.review_project(
                Actor.of(request.user),
                item,
                feasible=form.cleaned_data["feasible"],
                cost=form.cleaned_data["cost"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("The review of project %(code)s is saved.") % {"code": item.code}
            )
            return redirect("participation:process", pk=pk)
    return render(
        request,
        "participation/review.html",
        {"project": item, "process": item.process, "form": form},
        status=422 if form.errors else 200,
    )


def read_ballot(
    process: Process, projects: list[Project], data: Any
) -> tuple[list[str], dict[str, str], list[str]]:
    """The choices a ballot form gives, the points by project (cumulative ballots), and what
    cannot be read. Ordinal: rank-<code> fields, 1 first; cumulative: points-<code>; else the
    checked project boxes. The action checks the ballot itself."""
    errors: list[str] = []
    points: dict[str, str] = {}
    if process.ballot_kind == BallotKind.ORDINAL:
        ranked = sorted(
            ((data.get(f"rank-{p.code}", "").strip(), p.code) for p in projects),
            key=lambda item: (int(item[0]) if item[0].isdigit() else 10**6, item[1]),
        )
        chosen = [code for rank, code in ranked if rank]
        if any(rank and not rank.isdigit() for rank, _code in ranked):
            errors.append(_("Ranks are whole numbers: 1 for your first choice, 2 for the next…"))
    elif process.ballot_kind == BallotKind.CUMULATIVE:
        points = {p.code: data.get(f"points-{p.code}", "").strip() for p in projects}
        chosen = [code for code, value in points.items() if value not in ("", "0")]
    else:
        chosen = data.getlist("project")
    return chosen, points, errors


@login_required
@require_http_methods(["GET", "POST"])
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    process = _process(pk)
    projects = list(voting_actions.on_ballot(process).values())
    projects.sort(key=lambda p: p.id)
    chosen: list[str] = []
    points: dict[str, str] = {}
    errors: list[str] = []
    if request.method == "POST":
        chosen, points, errors = read_ballot(process, projects, request.POST)
        if not errors:
            try:
                receipt = voting_actions.cast_ballot(
                    Actor.of(request.user),
                    process,
                    choices=chosen,
                    points=[points[c] for c in chosen] if points else None,
                )
            except ValidationError as error:
                errors = list(error.messages)
            else:
                return render(
                    request,
                    "participation/receipt.html",
                    {"process": process, "receipt": receipt, "fresh": True},
                )
    context = {
        "process": process,
        "projects": projects,
        "chosen": chosen,
        "points": points,
        "ranks": {code: i for i, code in enumerate(chosen, start=1)},
        "errors": errors,
        "verification": active_verification(request.user),
        "open": phases.allowed(list(process.phases.all()), Activity.VOTE, phases.now()),
    }
    return render(request, "participation/vote.html", context, status=422 if errors else 200)


@require_safe
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    process = _process(pk)
    code = request.GET.get("receipt", "").strip()
    status = queries.receipt_status(process, code) if code else None
    return render(
        request,
        "participation/receipt.html",
        {"process": process, "receipt": code, "status": status},
    )


@require_safe
def ballots(request: HttpRequest, pk: int) -> HttpResponse:
    process = _process(pk)
    rows = queries.public_ballots(process)
    page = (
        Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")) if rows is not None else None
    )
    return render(request, "participation/ballots.html", {"process": process, "page": page})


@require_safe
def download_pb(request: HttpRequest, pk: int) -> HttpResponse:
    process = _process(pk)
    if queries.published_result(process) is None:
        raise Http404
    response = HttpResponse(imports.export_pb(process), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="esep-process-{process.pk}.pb"'
    return response


@require_http_methods(["GET", "POST"])
def results(request: HttpRequest, pk: int) -> HttpResponse:
    process = _process(pk)
    staff = request.user.is_authenticated and request.user.has_perm("participation.count", process)
    if request.method == "POST":
        if not staff:
            raise PermissionDenied
        try:
            if request.POST.get("do") == "publish":
                draft = Result.objects.filter(process=process, published_at__isnull=True).first()
                if draft is None:
                    raise ValidationError(_("Count the ballots first."))
                result_actions.publish_result(Actor.of(request.user), draft)
                messages.success(request, _("The results are published."))
            else:
                result_actions.count_votes(Actor.of(request.user), process)
                messages.success(
                    request, _("The ballots are counted. Check the result, then publish it.")
                )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        return redirect("participation:results", pk=pk)
    result = queries.published_result(process)
    draft = None
    if result is None and staff:
        draft = Result.objects.filter(process=process).first()
    shown = result or draft
    counting = (
        staff and CountTask.objects.filter(process=process, finished_at__isnull=True).exists()
    )
    titles = dict(Project.objects.filter(process=process).values_list("code", "title"))
    rows = [{**d, "title": titles.get(d["project"], "")} for d in shown.decisions] if shown else []
    return render(
        request,
        "participation/results.html",
        {
            "process": process,
            "result": shown,
            "draft": draft is not None and result is None,
            "staff": staff,
            "counting": counting,
            "rows": rows,
            # Equal Shares columns, unless the comparison step kept the greedy outcome.
            "shares_columns": bool(
                shown
                and shown.rule == "equal-shares"
                and (shown.comparison or {}).get("winner") != "greedy"
            ),
        },
    )


class ProgressForm(forms.Form):
    implementation = forms.ChoiceField(label=gettext_lazy("State"), choices=Implementation.choices)
    progress = forms.IntegerField(label=gettext_lazy("Progress, %"), min_value=0, max_value=100)
    on = forms.DateField(label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    text = forms.CharField(
        label=gettext_lazy("What was done"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


@require_http_methods(["GET", "POST"])
def project_detail(request: HttpRequest, pk: int, project: int) -> HttpResponse:
    item = get_object_or_404(
        Project.objects.select_related("process__unit", "unit"),
        pk=project,
        process_id=pk,
        status__in=queries.PUBLIC_PROJECT_STATUSES,
    )
    process = item.process
    staff = request.user.is_authenticated and request.user.has_perm(
        "participation.report_progress", process
    )
    reporting = (
        staff and item.selected and Activity.REPORT_PROGRESS in queries.process_page(pk).open
    )
    form = ProgressForm(
        request.POST or None,
        initial={"implementation": item.implementation, "progress": item.progress},
    )
    if request.method == "POST":
        if not reporting:
            raise PermissionDenied
        if form.is_valid():
            try:
                result_actions.report_progress(
                    Actor.of(request.user),
                    item,
                    implementation=form.cleaned_data["implementation"],
                    progress=form.cleaned_data["progress"],
                    text=form.cleaned_data["text"],
                    on=form.cleaned_data["on"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The progress report is published."))
                return redirect("participation:project", pk=pk, project=item.pk)
    return render(
        request,
        "participation/project.html",
        {
            "process": process,
            "project": item,
            "updates": list(item.updates.all()),
            "form": form if reporting else None,
        },
        status=422 if form.errors else 200,
    )


class VerifyForm(forms.Form):
    iin = forms.CharField(
        label=gettext_lazy("Your IIN (12 digits)"),
        required=False,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": 15}
        ),
    )
    document = forms.CharField(
        label=gettext_lazy("Number of your identity card or passport"),
        help_text=gettext_lazy("Needed where your akimat’s list records it."),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account_actions.verify_by_census(
                Actor.of(request.user),
                iin=form.cleaned_data["iin"],
                document=form.cleaned_data["document"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Your residence is verified."))
            target = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(
                target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            ):
                target = reverse("participation:list")
            return redirect(target)
    return render(
        request,
        "participation/verify.html",
        {
            "form": form,
            "verification": active_verification(request.user),
            "oidc": oidc.enabled(),
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_safe
def verify_oidc(request: HttpRequest) -> HttpResponse:
    """Send the resident to the identity provider."""
    if not oidc.enabled():
        raise Http404
    callback = request.build_absolute_uri(reverse("participation:verify_oidc_callback"))
    return redirect(oidc.start_url(request.session, callback))


@login_required
@require_safe
def verify_oidc_callback(request: HttpRequest) -> HttpResponse:
    """The identity provider's answer: verify the resident from its claims, or say why not."""
    if not oidc.enabled():
        raise Http404
    try:
        claims = oidc.claims_from_callback(request.session, request.GET)
        account_actions.verify_by_oidc(Actor.of(request.user), claims=claims)
    except oidc.OIDCError as error:
        messages.error(request, str(error))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Your residence is verified."))
        return redirect("participation:list")
    return redirect("participation:verify")
