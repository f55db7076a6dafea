"""Staff pages of participatory budgeting: upload a census list, verify a resident in person,
enter paper ballots and a polling place's count of its box. Each page offers only what the
signed-in person may do; the actions check again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from esep.accounts import actions as account_actions
from esep.accounts.models import CensusList, RoleKind, User
from esep.accounts.queries import active_roles
from esep.core.actions import Actor
from esep.core.forms import apply_errors
from esep.core.problems import ImportRefused
from esep.territory.models import Unit

from .actions import voting as voting_actions
from .models import PaperReturn
from .views import _process, read_ballot

MAX_UNITS = 500


def units_for(user: Any, permission: str) -> list[Unit]:
    """The units where `user` may use `permission`: their roles' units and the units inside
    them (at most MAX_UNITS, in registry order)."""
    roots: list[Unit] = []
    for role in active_roles(user):
        if role.kind == RoleKind.ADMINISTRATOR:
            roots = list(Unit.objects.filter(depth__lte=1))
            break
        unit = role.body.unit if role.body_id else role.unit
        if unit is not None:
            roots.append(unit)
    if not roots:
        return []
    inside = Q()
    for root in roots:
        inside |= Q(path__startswith=root.path)
    found = Unit.objects.filter(inside, valid_until__isnull=True).order_by("path")[:MAX_UNITS]
    return [u for u in found if user.has_perm(permission, u)]


class UnitChoice(forms.TypedChoiceField):
    def __init__(self, units: list[Unit], **kwargs: Any) -> None:
        super().__init__(
            label=gettext_lazy("Unit"),
            coerce=int,
            choices=[(u.pk, f"{'· ' * u.depth}{u.name}") for u in units],
            **kwargs,
        )


class CensusForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Census list (CSV)"),
        help_text=gettext_lazy(
            "UTF-8 CSV with a column “iin” and, optionally, “kato” naming a unit inside the one "
            "chosen and “document”, the number of the identity document, which residents then "
            "give too. The list replaces the unit's previous one; IINs and document numbers are "
            "not stored."
        ),
    )

    def __init__(self, *args: Any, units: list[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {"unit": UnitChoice(units), **self.fields}


@login_required
@require_http_methods(["GET", "POST"])
def census(request: HttpRequest) -> HttpResponse:
    units = units_for(request.user, "accounts.upload_census")
    if not units:
        raise PermissionDenied
    form = CensusForm(request.POST or None, request.FILES or None, units=units)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        unit = Unit.objects.get(pk=form.cleaned_data["unit"])
        upload = form.cleaned_data["file"]
        try:
            made = account_actions.upload_census(
                Actor.of(request.user), unit=unit, data=upload.read(), file_name=upload.name
            )
        except ImportRefused as refused:
            problems = [str(p) for p in refused.problems]
        else:
            messages.success(
                request,
                _("The census list of %(unit)s holds %(count)d residents.")
                % {"unit": unit.name, "count": made.rows},
            )
            return redirect("participation:census")
    lists = CensusList.objects.filter(unit__in=units, replaced_at__isnull=True).select_related(
        "unit"
    )
    return render(
        request,
        "participation/census.html",
        {"form": form, "problems": problems, "lists": lists},
        status=422 if problems or form.errors else 200,
    )


class InPersonForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("The resident's account (email)"))
    iin = forms.CharField(
        label=gettext_lazy("IIN from the identity document"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, units: list[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitChoice(units, help_text=gettext_lazy("Where the resident lives."))


@login_required
@require_http_methods(["GET", "POST"])
def verify_in_person(request: HttpRequest) -> HttpResponse:
    units = units_for(request.user, "accounts.verify_residence")
    if not units:
        raise PermissionDenied
    form = InPersonForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        resident = User.objects.filter(email=form.cleaned_data["email"].strip().lower()).first()
        if resident is None:
            form.add_error("email", _("No account has this email address."))
        else:
            try:
                account_actions.verify_in_person(
                    Actor.of(request.user),
                    user=resident,
                    iin=form.cleaned_data["iin"],
                    unit=Unit.objects.get(pk=form.cleaned_data["unit"]),
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(name)s is verified.") % {"name": resident.full_name or resident.email},
                )
                return redirect("participation:verify_in_person")
    return render(
        request,
        "participation/verify_in_person.html",
        {"form": form},
        status=422 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def paper(request: HttpRequest, pk: int) -> HttpResponse:
    process = _process(pk)
    if not request.user.has_perm("participation.enter_paper", process):
        raise PermissionDenied
    projects = sorted(voting_actions.on_ballot(process).values(), key=lambda p: p.id)
    errors: list[str] = []
    place = request.POST.get("polling_place", "").strip()
    if request.method == "POST":
        try:
            if request.POST.get("do") == "box":
                raw = request.POST.get("ballots", "").strip()
                if not raw.isdigit():
                    raise ValidationError(_("A number of ballots, zero or more."))
                voting_actions.record_paper_return(
                    Actor.of(request.user), process, polling_place=place, ballots=int(raw)
                )
                messages.success(request, _("The count of the box is saved."))
            else:
                chosen, given, unreadable = read_ballot(process, projects, request.POST)
                if unreadable:
                    raise ValidationError(unreadable)
                points = [given[c] for c in chosen] if given else None
                receipt = voting_actions.enter_paper_ballot(
                    Actor.of(request.user),
                    process,
                    polling_place=place,
                    choices=chosen,
                    points=points,
                )
                messages.success(
                    request, _("Paper ballot entered: receipt %(receipt)s.") % {"receipt": receipt}
                )
        except ValidationError as error:
            errors = list(error.messages)
        else:
            return redirect(f"{request.path}?place={place}")
    returns = list(PaperReturn.objects.filter(process=process).order_by("polling_place"))
    return render(
        request,
        "participation/paper.html",
        {
            "process": process,
            "projects": projects,
            "errors": errors,
            "place": place or request.GET.get("place", ""),
            "returns": returns,
        },
        status=422 if errors else 200,
    )
