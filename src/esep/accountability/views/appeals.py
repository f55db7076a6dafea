"""Filing an appeal, the applicant's list, an appeal's page (with the staff's and the
applicant's actions on it), the staff inbox, and attached files."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from ipware import get_client_ip

from esep.core.actions import Actor
from esep.core.cache import signed_in_page
from esep.core.forms import apply_errors
from esep.territory.geo import region_map
from esep.territory.models import Body, Unit

from .. import actions, clock
from ..forms import (
    AnswerForm,
    AppealForm,
    ComplaintForm,
    ForwardOutForm,
    LeaveForm,
    PublishForm,
    RateForm,
    ReasonForm,
    uploads,
)
from ..models import Category
from ..queries import appeals as queries


def _int(value: Any) -> int | None:
    text = str(value or "")
    return int(text) if text.isascii() and text.isdecimal() and len(text) < 12 else None


def _source(request: HttpRequest) -> str:
    ip, _routable = get_client_ip(request)
    return ip or ""


@require_http_methods(["GET", "POST"])
def file_appeal(request: HttpRequest) -> HttpResponse:
    """Three steps on one address: the place (search or map), the category, the details."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    params = request.POST if request.method == "POST" else request.GET
    unit = None
    if (unit_id := _int(params.get("unit"))) is not None:
        unit = Unit.objects.filter(pk=unit_id, valid_until__isnull=True).first()
    category = None
    if code := params.get("category"):
        category = Category.objects.filter(code=code, is_active=True).first()
    query = (request.GET.get("q") or "").strip()[:100]
    context: dict[str, Any] = {
        "unit": unit,
        "category": category,
        "query": query,
        "categories": queries.categories(),
        **queries.place_choices(query, _int(request.GET.get("region")), unit),
    }
    if unit is None:
        context["map"] = region_map()
        regions = {
            u.iso_code: u
            for u in Unit.objects.filter(depth=1, valid_until__isnull=True, iso_code__isnull=False)
        }
        context["map_regions"] = sorted(
            ((path, regions[iso]) for iso, path in context["map"].paths.items() if iso in regions),
            key=lambda pair: str(pair[1]),
        )
        context["step"] = "place"
        return render(request, "accountability/file_appeal.html", context)
    if category is None:
        context["step"] = "category"
        return render(request, "accountability/file_appeal.html", context)
    context["step"] = "details"
    if request.method == "POST":
        form = AppealForm(request.POST, request.FILES, category=category)
        if form.is_valid():
            data = form.cleaned_data
            try:
                appeal = actions.file_appeal(
                    Actor.of(request.user),
                    kind=data["kind"],
                    category=category,
                    unit=unit,
                    text=data["text"],
                    address=data["address"],
                    latitude=data["latitude"],
                    longitude=data["longitude"],
                    attributes=form.attributes(),
                    files=uploads(data["files"]),
                    consent_public=data["consent_public"],
                    source=_source(request),
                )
            except actions.RateLimited as limited:
                form.add_error(None, limited.messages[0])
                context["form"] = form
                return render(request, "accountability/file_appeal.html", context, status=429)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Your appeal №%(number)s is registered. The answer is due by %(date)s.")
                    % {"number": appeal.number, "date": appeal.deadline.isoformat()},
                )
                return redirect("accountability:appeal", pk=appeal.pk)
        context["form"] = form
        return render(request, "accountability/file_appeal.html", context, status=400)
    context["form"] = AppealForm(category=category)
    return render(request, "accountability/file_appeal.html", context)


@require_safe
def my_appeals(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return render(
        request,
        "accountability/my_appeals.html",
        {"appeals": queries.my_appeals(request.user)[:200], "today": clock.today()},
    )


@require_safe
@signed_in_page(params=("body", "show", "page"), vary=lambda request: str(clock.today()))
def inbox(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm("accountability.use_inbox"):
        raise PermissionDenied
    box = queries.inbox(
        request.user,
        body_id=_int(request.GET.get("body")),
        show=request.GET.get("show", "open"),
        page=_int(request.GET.get("page")) or 1,
        today=clock.today(),
    )
    return render(request, "accountability/inbox.html", {"box": box})


STAFF_FORMS = {
    "assign": None,
    "forward": None,
    "forward_out": ForwardOutForm,
    "extend": ReasonForm,
    "answer": AnswerForm,
    "leave": LeaveForm,
    "publish": PublishForm,
    "unpublish": None,
}
APPLICANT_FORMS = {"rate": RateForm, "complain": ComplaintForm}


def _run(request: HttpRequest, view: queries.AppealView, step: str, form: Any) -> str:
    """Run the action of `step` with a valid form; returns the message to show."""
    actor = Actor.of(request.user)
    appeal = view.appeal
    data = form.cleaned_data if form is not None else {}
    if step == "assign":
        assignee_id = _int(request.POST.get("assignee"))
        staff = {person.pk: person for person in queries.body_staff(appeal.body)}
        actions.assign_appeal(actor, appeal, assignee=staff.get(assignee_id))
        return _("Assignment saved.")
    if step == "forward":
        targets = {body.pk: body for body in queries.forward_targets(appeal)}
        to_body = targets.get(_int(request.POST.get("to_body")))
        actions.forward_appeal(
            actor, appeal, to_body=to_body, reason=request.POST.get("reason", "")
        )
        return _("The appeal was forwarded to %(body)s.") % {"body": to_body}
    if step == "forward_out":
        actions.forward_appeal_out(
            actor, appeal, organisation=data["organisation"], reason=data["reason"]
        )
        return _("The appeal was forwarded.")
    if step == "extend":
        appeal = actions.extend_appeal(actor, appeal, reason=data["reason"])
        return _("The term is extended to %(date)s; the applicant has been told.") % {
            "date": appeal.deadline.isoformat()
        }
    if step == "answer":
        actions.answer_appeal(actor, appeal, text=data["text"], files=uploads(data["files"]))
        return _("The answer was sent.")
    if step == "leave":
        actions.leave_appeal(actor, appeal, reason=data["reason"], note=data["note"])
        return _("The appeal was left without consideration.")
    if step == "publish":
        actions.publish_appeal(actor, appeal, public_text=data["public_text"])
        return _("The appeal is published.")
    if step == "unpublish":
        actions.unpublish_appeal(actor, appeal)
        return _("The appeal is no longer public.")
    if step == "rate":
        actions.rate_appeal(actor, appeal, rating=data["rating"], comment=data["comment"])
        return _("Thank you for your rating.")
    if step == "complain":
        complaint = actions.complain_about_appeal(
            actor, appeal, text=data["text"], source=_source(request)
        )
        return _("Your complaint №%(number)s was sent to %(body)s.") % {
            "number": complaint.number,
            "body": complaint.body,
        }
    raise Http404


@require_http_methods(["GET", "POST"])
def appeal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    view = queries.appeal_for(request.user, pk)
    if view is None:
        raise Http404
    appeal = view.appeal
    staff_forms: dict[str, Any] = {}
    applicant_forms: dict[str, Any] = {}
    if view.viewer == "staff":
        staff_forms = {
            "forward_out": ForwardOutForm(prefix="forward_out"),
            "extend": ReasonForm(prefix="extend"),
            "answer": AnswerForm(prefix="answer"),
            "leave": LeaveForm(prefix="leave"),
            "publish": PublishForm(
                prefix="publish", initial={"public_text": appeal.public_text or appeal.text}
            ),
        }
    elif view.viewer == "applicant":
        applicant_forms = {
            "rate": RateForm(prefix="rate"),
            "complain": ComplaintForm(prefix="complain"),
        }
    status = 200
    if request.method == "POST":
        step = request.POST.get("step", "")
        allowed = STAFF_FORMS if view.viewer == "staff" else APPLICANT_FORMS
        if view.viewer == "public" or step not in allowed:
            raise PermissionDenied
        form_class = allowed[step]
        form = (
            form_class(request.POST, request.FILES, prefix=step) if form_class is not None else None
        )
        if form is None or form.is_valid():
            try:
                message = _run(request, view, step, form)
            except PermissionDenied as refused:
                messages.error(request, str(refused) or _("You are not allowed to do this here."))
                return redirect("accountability:appeal", pk=pk)
            except ValidationError as error:
                if form is None:
                    for text in error.messages:
                        messages.error(request, text)
                    return redirect("accountability:appeal", pk=pk)
                apply_errors(form, error)
            else:
                messages.success(request, message)
                if step == "forward" and view.viewer == "staff":
                    return redirect("accountability:inbox")
                return redirect("accountability:appeal", pk=pk)
        (staff_forms if view.viewer == "staff" else applicant_forms)[step] = form
        status = 400
        view = queries.appeal_for(request.user, pk) or view
    today = clock.today()
    context = {
        "view": view,
        "appeal": view.appeal,
        "today": today,
        "overdue": view.appeal.closed_on is None and view.appeal.deadline < today,
        "staff_forms": staff_forms,
        "applicant_forms": applicant_forms,
        "staff": queries.body_staff(appeal.body) if view.viewer == "staff" else [],
        "targets": queries.forward_targets(appeal) if view.viewer == "staff" else [],
        "may_complain": view.viewer == "applicant"
        and view.complaint is None
        and (view.appeal.closed_on is not None or view.appeal.deadline < today),
    }
    return render(request, "accountability/appeal.html", context, status=status)


@require_safe
def appeal_file(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    record = queries.visible_file(request.user, pk, file_pk)
    if record is None:
        raise Http404
    response = FileResponse(
        record.file.open("rb"),
        content_type=record.content_type,
        as_attachment=True,
        filename=record.name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def body_label(body: Body) -> str:
    return str(body)


def login_url(request: HttpRequest) -> str:
    return f"{reverse('accounts:signin')}?next={request.get_full_path()}"
