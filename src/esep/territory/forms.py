"""Staff forms: record a mandate (appointment, election result) and end one."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import MandateBasis, MandateEndReason, Party, Person

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name of a place or a person"),
        max_length=200,
        required=False,
        help_text=_("In Kazakh, Russian or English, in Cyrillic or Latin letters."),
        widget=forms.TextInput(attrs={"type": "search", "spellcheck": "false"}),
    )


class RecordMandateForm(forms.Form):
    """Who takes the post: an existing person (by the number on their page) or a new one."""

    person = forms.IntegerField(
        label=_("Person already in the registry (number)"),
        required=False,
        min_value=1,
        max_value=2**53 - 1,
        help_text=_(
            "The number shown on the person’s page. Leave empty to add a new person below."
        ),
    )
    family_name = forms.CharField(label=_("Family name"), max_length=100, required=False)
    given_name = forms.CharField(label=_("Given name"), max_length=100, required=False)
    patronymic = forms.CharField(label=_("Patronymic"), max_length=100, required=False)
    name_latin = forms.CharField(
        label=_("Name in Latin letters"),
        max_length=300,
        required=False,
        help_text=_("As in the passport, for example “Akhmetov Yerlan”."),
    )
    birth_year = forms.IntegerField(
        label=_("Year of birth"), required=False, min_value=1900, max_value=2100
    )
    basis = forms.ChoiceField(label=_("How the post was obtained"))
    start = forms.DateField(label=_("Start"), widget=DATE_WIDGET)
    party = forms.ModelChoiceField(
        label=_("On behalf of"),
        queryset=Party.objects.order_by("abbreviation"),
        required=False,
        empty_label=_("Self-nominated or not applicable"),
    )
    appointed_by_note = forms.CharField(
        label=_("Appointed by"),
        max_length=300,
        required=False,
        help_text=_("Only for appointments, for example “Akim of the region”."),
    )
    replaces_current = forms.BooleanField(
        label=_("End the current holder’s mandate on the start date"), required=False
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=1000,
        help_text=_("Decision or protocol number, date, and a link if published."),
    )

    def __init__(self, *args: Any, bases: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["basis"].choices = [
            (value, label) for value, label in MandateBasis.choices if value in bases
        ]

    def clean_person(self) -> Person | None:
        number = self.cleaned_data.get("person")
        if number is None:
            return None
        person = Person.objects.filter(pk=number, published_at__isnull=False).first()
        if person is None:
            raise ValidationError(_("There is no person with this number."), code="no_person")
        return person

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("person") is None and "person" not in self.errors:
            for name in ("family_name", "given_name", "name_latin"):
                if not data.get(name):
                    self.add_error(
                        name, _("Enter this, or the number of a person already in the registry.")
                    )
        return data


class EndMandateForm(forms.Form):
    end = forms.DateField(
        label=_("End"),
        widget=DATE_WIDGET,
        help_text=_("The day the mandate ended; a successor may start on the same day."),
    )
    reason = forms.ChoiceField(label=_("Reason"), choices=MandateEndReason.choices)
