"""Pages of requests for information: the public list, a request's public thread with the
forms its requester and the body's staff may use, the form to ask a body, the staff inbox, the
requester's own list, and the answer documents."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from esep.core.actions import Actor
from esep.core.cache import public_page, signed_in_page
from esep.core.forms import apply_errors
from esep.territory.models import Body, Unit
from esep.territory.queries import top_level_units

from .. import clock
from ..actions import information as actions
from ..files import ACCEPTED_TYPES, MAX_FILE_BYTES, MAX_FILES
from ..models import DisplayStatus, InformationRequest, RequestState
from ..models.appeals import MAX_TEXT
from ..models.information import AWAITING_STATES, MAX_TITLE, OPEN_STATES, OUTCOME_STATES
from ..queries import information as queries

PAGE_SIZE = 25
OUTCOME_CHOICES = [(state.value, state.label) for state in map(RequestState, OUTCOME_STATES)]


# ---------------------------------------------------------------- forms


def _text_field(label: Any, *, required: bool = True, limit: int = MAX_TEXT, **extra: Any):
    """A text area that leaves every check to the action (so messages are the same on the
    page and in the API); the browser is told the limit."""
    return forms.CharField(
        label=label,
        required=False,
        strip=False,
        widget=forms.Textarea(
            attrs={"rows": 6, "maxlength": limit, **({"required": True} if required else {})}
        ),
        **extra,
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Several files; the action checks them (type by content, size, number)."""

    def clean(self, data: Any, initial: Any = None) -> Any:
        return data


class RequestForm(forms.Form):
    body = forms.TypedChoiceField(
        label=gettext_lazy("Body"),
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": gettext_lazy("Choose the body from the list.")},
        help_text=gettext_lazy(
            "The akimat or maslikhat that holds the information. Not in the list? Find it "
            "by the name of its place above."
        ),
    )
    title = forms.CharField(
        label=gettext_lazy("Summary"),
        required=False,
        strip=False,
        help_text=gettext_lazy("One line saying what information you ask for."),
        widget=forms.TextInput(attrs={"maxlength": MAX_TITLE, "required": True}),
    )
    text = _text_field(
        gettext_lazy("Your request"),
        help_text=gettext_lazy(
            "Say which information or documents you want. Your request is published, but not "
            "your name or email address: do not write personal data in it."
        ),
    )

    def __init__(self, *args: Any, bodies: list[Body], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].choices = [("", _("Choose a body"))] + [
            (body.pk, body_label(body)) for body in bodies
        ]


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("What the answer gives"),
        choices=[("", "—"), *OUTCOME_CHOICES],
        required=False,
    )
    text = _text_field(gettext_lazy("Answer"))
    files = FilesField(
        label=gettext_lazy("Signed answer and documents"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ",".join(ACCEPTED_TYPES)}),
        help_text=gettext_lazy("PDF, JPEG or PNG, up to 5 MB each, at most 5 files."),
    )


class ClarificationQuestionForm(forms.Form):
    text = _text_field(
        gettext_lazy("What should the requester clarify?"),
        help_text=gettext_lazy(
            "The clock stops until the requester answers, then the term starts again."
        ),
    )


class ExtendForm(forms.Form):
    reason = _text_field(gettext_lazy("Reason for the extension"))


class HideForm(forms.Form):
    reason = _text_field(
        gettext_lazy("Why hide it"),
        help_text=gettext_lazy("For example: the request names a private person."),
    )


class ClarificationForm(forms.Form):
    text = _text_field(gettext_lazy("Your clarification"))


class ReviewForm(forms.Form):
    text = _text_field(
        gettext_lazy("What should the body review?"),
        help_text=gettext_lazy("Say what is missing or why the refusal is wrong."),
    )


class ClassifyForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("What did the answer give you?"),
        choices=[("", "—"), *OUTCOME_CHOICES],
        required=False,
    )
    comment = _text_field(gettext_lazy("Comment (optional)"), required=False)


class WithdrawForm(forms.Form):
    reason = _text_field(gettext_lazy("Reason (optional)"), required=False)


def body_label(body: Body) -> str:
    parent = body.unit.parent
    if parent is not None and parent.parent_id is not None:
        return f"{body} ({parent.name})"
    return str(body)


# ---------------------------------------------------------------- helpers


def _int(value: str | None) -> int | None:
    return (
        int(value) if value and value.isascii() and value.isdecimal() and len(value) < 16 else None
    )


# Heading and button of each form of the request page.
FORM_TEXTS = {
    "answer": (gettext_lazy("Answer the request"), gettext_lazy("Publish the answer")),
    "clarify": (gettext_lazy("Ask the requester to clarify"), gettext_lazy("Send the question")),
    "extend": (gettext_lazy("Extend the term"), gettext_lazy("Extend the term")),
    "hide": (gettext_lazy("Hide from the public"), gettext_lazy("Hide the request")),
    "unhide": (gettext_lazy("Publish again"), gettext_lazy("Make the request public")),
    "reply": (gettext_lazy("Clarify your request"), gettext_lazy("Send the clarification")),
    "review": (gettext_lazy("Ask for an internal review"), gettext_lazy("Ask for a review")),
    "classify": (gettext_lazy("What did you get?"), gettext_lazy("Save")),
    "withdraw": (gettext_lazy("Withdraw your request"), gettext_lazy("Withdraw the request")),
}
LATE = (DisplayStatus.OVERDUE, DisplayStatus.VERY_OVERDUE)


def _rows(items: Any, today: Any) -> list[dict[str, Any]]:
    """Each request of a list with what it shows today."""
    rows = []
    for info_request in items:
        status = info_request.status_on(today)
        rows.append(
            {
                "r": info_request,
                "status": status,
                "label": DisplayStatus(status).label,
                "late": status in LATE,
            }
        )
    return rows


def _files(request: HttpRequest, field: str) -> list[tuple[str, bytes, str]]:
    """Uploaded files as (name, bytes, declared type); an oversized one is read only far
    enough for the check to refuse it."""
    return [
        (upload.name, upload.read(MAX_FILE_BYTES + 1), upload.content_type or "")
        for upload in request.FILES.getlist(field)[: MAX_FILES + 1]
    ]


# ---------------------------------------------------------------- public pages


@require_safe
@public_page(params=("body", "unit", "state", "page"))
def request_list(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    body_id = _int(request.GET.get("body"))
    body = Body.objects.select_related("unit").filter(pk=body_id).first() if body_id else None
    unit_id = _int(request.GET.get("unit"))
    unit = Unit.objects.filter(pk=unit_id).first() if unit_id else None
    state = request.GET.get("state") or ""
    if state not in queries.STATUS_FILTERS:
        state = ""
    qs = queries.public_requests(
        today=today, body_id=body.pk if body else None, unit=unit, status=state or None
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    units = list(top_level_units())
    if unit is not None and unit not in units:
        units.insert(0, unit)
    filters = {"body": body.pk if body else "", "unit": unit.pk if unit else "", "state": state}
    query = "&".join(f"{name}={value}" for name, value in filters.items() if value)
    return render(
        request,
        "accountability/information/list.html",
        {
            "page": page,
            "rows": _rows(page.object_list, today),
            "demo": any(r.is_demo for r in page.object_list),
            "today": today,
            "body": body,
            "unit": unit,
            "units": units,
            "state": state,
            "statuses": DisplayStatus.choices,
            "query": query,
            "counts": queries.counts(today),
        },
    )


def _forms_for(user: Any, info_request: InformationRequest, today: Any) -> dict[str, forms.Form]:
    """The empty forms this user may use on this request now."""
    found: dict[str, forms.Form] = {}
    if not user.is_authenticated:
        return found
    state = info_request.state
    if user.has_perm("accountability.answer_information_request", info_request):
        if state in OPEN_STATES:
            found["answer"] = AnswerForm(prefix="answer")
        if state == RequestState.WAITING_RESPONSE and today <= info_request.deadline:
            found["clarify"] = ClarificationQuestionForm(prefix="clarify")
        if (
            state == RequestState.WAITING_RESPONSE
            and info_request.extended_on is None
            and info_request.law.extension_days > 0
            and today <= info_request.due_on
        ):
            found["extend"] = ExtendForm(prefix="extend")
    if user.has_perm("accountability.moderate_information_request", info_request):
        found["hide" if info_request.is_public else "unhide"] = (
            HideForm(prefix="hide") if info_request.is_public else forms.Form(prefix="unhide")
        )
    if user.has_perm("accountability.act_as_requester", info_request):
        if state == RequestState.WAITING_CLARIFICATION:
            found["reply"] = ClarificationForm(prefix="reply")
        if state in OUTCOME_STATES:
            found["review"] = ReviewForm(prefix="review")
            found["classify"] = ClassifyForm(prefix="classify")
        if state in OPEN_STATES:
            found["withdraw"] = WithdrawForm(prefix="withdraw")
    return found


def _detail(
    request: HttpRequest,
    info_request: InformationRequest,
    *,
    bound: tuple[str, forms.Form] | None = None,
    http_status: int = 200,
) -> HttpResponse:
    today = clock.today()
    status = info_request.status_on(today)
    available = _forms_for(request.user, info_request, today)
    failed = None
    if bound is not None and bound[0] in available:
        available[bound[0]] = failed = bound[1]
    offered = [
        {
            "verb": verb,
            "form": form,
            "heading": FORM_TEXTS[verb][0],
            "submit": FORM_TEXTS[verb][1],
            "multipart": verb == "answer",
        }
        for verb, form in available.items()
    ]
    return render(
        request,
        "accountability/information/detail.html",
        {
            "info_request": info_request,
            "status": status,
            "status_label": DisplayStatus(status).label,
            "late": status in LATE,
            "awaiting": info_request.state in AWAITING_STATES,
            "today": today,
            "thread": list(info_request.messages.all()),
            "offered": offered,
            "form": failed,
            "is_requester": request.user.is_authenticated
            and info_request.requester_id == request.user.pk,
        },
        status=http_status,
    )


@require_safe
@public_page
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    info_request = queries.visible_request(pk, request.user)
    if info_request is None:
        raise Http404
    return _detail(request, info_request)


@require_safe
def request_file(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    found = queries.visible_file(pk, file_pk, request.user)
    if found is None:
        raise Http404
    try:
        handle = found.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=found.name, content_type=found.content_type
    )
    if not found.message.request.is_public:
        response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------- writing


@dataclass(frozen=True)
class Verb:
    """A form of the request page: who may use it, and the action it calls."""

    form: type[forms.Form]
    permission: str
    act: Callable[[Actor, InformationRequest, dict[str, Any], HttpRequest], Any]
    done: Any


STAFF = "accountability.answer_information_request"
REQUESTER = "accountability.act_as_requester"
MODERATOR = "accountability.moderate_information_request"

VERBS: dict[str, Verb] = {
    "answer": Verb(
        AnswerForm,
        STAFF,
        lambda actor, obj, data, request: actions.answer_information_request(
            actor,
            obj,
            text=data["text"],
            outcome=data["outcome"],
            files=_files(request, "answer-files"),
        ),
        gettext_lazy("The answer is published."),
    ),
    "clarify": Verb(
        ClarificationQuestionForm,
        STAFF,
        lambda actor, obj, data, request: actions.ask_clarification(actor, obj, text=data["text"]),
        gettext_lazy("Your question is sent to the requester."),
    ),
    "extend": Verb(
        ExtendForm,
        STAFF,
        lambda actor, obj, data, request: actions.extend_information_request(
            actor, obj, reason=data["reason"]
        ),
        gettext_lazy("The term is extended and the requester is told."),
    ),
    "hide": Verb(
        HideForm,
        MODERATOR,
        lambda actor, obj, data, request: actions.hide_information_request(
            actor, obj, reason=data["reason"]
        ),
        gettext_lazy("The request is hidden from the public."),
    ),
    "unhide": Verb(
        forms.Form,
        MODERATOR,
        lambda actor, obj, data, request: actions.unhide_information_request(actor, obj),
        gettext_lazy("The request is public again."),
    ),
    "reply": Verb(
        ClarificationForm,
        REQUESTER,
        lambda actor, obj, data, request: actions.reply_clarification(
            actor, obj, text=data["text"]
        ),
        gettext_lazy("Your clarification is sent; the term starts again today."),
    ),
    "review": Verb(
        ReviewForm,
        REQUESTER,
        lambda actor, obj, data, request: actions.request_internal_review(
            actor, obj, text=data["text"]
        ),
        gettext_lazy("Your request for an internal review is sent."),
    ),
    "classify": Verb(
        ClassifyForm,
        REQUESTER,
        lambda actor, obj, data, request: actions.classify_information_request(
            actor, obj, outcome=data["outcome"], comment=data["comment"]
        ),
        gettext_lazy("Thank you: the outcome is updated."),
    ),
    "withdraw": Verb(
        WithdrawForm,
        REQUESTER,
        lambda actor, obj, data, request: actions.withdraw_information_request(
            actor, obj, reason=data["reason"]
        ),
        gettext_lazy("Your request is withdrawn."),
    ),
}


@require_POST
@login_required
def request_act(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    """One form of the request page: the action named `verb`. Refused (403) to those who may
    not use it; bad input shows the page again with the form as typed (400)."""
    chosen = VERBS.get(verb)
    if chosen is None:
        raise Http404
    info_request = queries.visible_request(pk, request.user)
    if info_request is None:
        raise Http404
    if not request.user.has_perm(chosen.permission, info_request):
        raise PermissionDenied
    form = chosen.form(request.POST, request.FILES, prefix=verb)
    if form.is_valid():
        try:
            chosen.act(Actor.of(request.user), info_request, form.cleaned_data, request)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, str(chosen.done))
            return redirect("accountability:information_request", pk=pk)
    if verb not in _forms_for(request.user, info_request, clock.today()):
        # The form is not offered any more (the request moved on): say why on the page.
        messages.error(request, " ".join(_error_texts(form)))
        return redirect("accountability:information_request", pk=pk)
    return _detail(request, info_request, bound=(verb, form), http_status=400)


def _error_texts(form: forms.Form) -> list[str]:
    return [str(message) for errors in form.errors.values() for message in errors]


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def request_new(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("accountability.file_information_request"):
        raise PermissionDenied
    query = (request.GET.get("q") or "").strip()[:200]
    posted = request.method == "POST"
    selected = _int(request.POST.get("body") if posted else request.GET.get("body"))
    bodies = queries.body_choices(query, selected)
    form = RequestForm(
        request.POST if posted else None,
        bodies=bodies,
        initial={"body": selected} if selected else None,
    )
    status = 200
    if posted:
        if form.is_valid():
            data = form.cleaned_data
            body = next((b for b in bodies if b.pk == data["body"]), None)
            try:
                created = actions.file_information_request(
                    Actor.of(request.user), body=body, title=data["title"], text=data["text"]
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Your request is sent. The body must answer by %(date)s.")
                    % {"date": date_format(created.deadline, "SHORT_DATE_FORMAT")},
                )
                return redirect("accountability:information_request", pk=created.pk)
        status = 400
    return render(
        request,
        "accountability/information/new.html",
        {"form": form, "query": query, "bodies": bodies, "limit": queries.BODY_CHOICES_LIMIT},
        status=status,
    )


@require_safe
@login_required
@signed_in_page(params=("all", "page"), vary=lambda request: str(clock.today()))
def inbox(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("accountability.use_information_inbox"):
        raise PermissionDenied
    include_closed = request.GET.get("all") == "1"
    today = clock.today()
    page = Paginator(
        queries.inbox(request.user, include_closed=include_closed), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "accountability/information/inbox.html",
        {
            "page": page,
            "rows": _rows(page.object_list, today),
            "demo": any(r.is_demo for r in page.object_list),
            "today": today,
            "include_closed": include_closed,
            "query": "all=1" if include_closed else "",
        },
    )


@require_safe
@login_required
def mine(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    page = Paginator(queries.my_requests(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accountability/information/mine.html",
        {
            "page": page,
            "rows": _rows(page.object_list, today),
            "demo": any(r.is_demo for r in page.object_list),
            "today": today,
            "query": "",
            "new_url": reverse("accountability:information_new"),
        },
    )
