"""Forms of the appeal pages. They only parse; the actions check and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .files import MAX_FILES
from .models import AppealKind, AttributeType, Category, LeaveReason
from .models.appeals import MAX_TEXT


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


def uploads(files: list[Any]) -> list[tuple[str, bytes, str]]:
    return [(f.name, f.read(), getattr(f, "content_type", "")) for f in files]


class AppealForm(forms.Form):
    """The details of an appeal, once its place and category are chosen."""

    kind = forms.ChoiceField(
        label=_("Kind of appeal"),
        choices=AppealKind.choices,
        initial=AppealKind.STATEMENT,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Your appeal"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What happened, where exactly, and what you ask for."),
    )
    address = forms.CharField(label=_("Address (optional)"), max_length=300, required=False)
    latitude = forms.DecimalField(
        label=_("Latitude (optional)"), max_digits=9, decimal_places=6, required=False
    )
    longitude = forms.DecimalField(
        label=_("Longitude (optional)"), max_digits=9, decimal_places=6, required=False
    )
    files = MultipleFileField(
        label=_("Photos or documents (optional)"),
        required=False,
        help_text=_("PDF, JPEG or PNG, at most %(count)d files of 5 MB each.")
        % {"count": MAX_FILES},
    )
    consent_public = forms.BooleanField(
        label=_("The appeal may be published without my name and contact details"),
        required=False,
        help_text=_("Staff remove personal data from the text before it is published."),
    )

    def __init__(self, *args: Any, category: Category, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(category.attributes.all())
        for question in self.questions:
            name = f"attribute_{question.code}"
            choices = [(v["key"], question.value_name(v["key"])) for v in question.values]
            label = question.description
            if question.datatype == AttributeType.SINGLE:
                field: forms.Field = forms.ChoiceField(
                    label=label,
                    choices=[("", "—"), *choices] if not question.required else choices,
                    widget=forms.RadioSelect if question.required else forms.Select,
                )
            elif question.datatype == AttributeType.MULTI:
                field = forms.MultipleChoiceField(
                    label=label, choices=choices, widget=forms.CheckboxSelectMultiple
                )
            elif question.datatype == AttributeType.NUMBER:
                field = forms.DecimalField(label=label, max_digits=12, decimal_places=2)
            elif question.datatype == AttributeType.DATETIME:
                field = forms.CharField(
                    label=label,
                    max_length=40,
                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                )
            else:
                field = forms.CharField(label=label, max_length=1000)
            field.required = question.required
            self.fields[name] = field

    def attributes(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"attribute_{question.code}")
            if value not in (None, "", []):
                values[question.code] = value if isinstance(value, list) else str(value)
        return values


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Answer"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 8})
    )
    files = MultipleFileField(
        label=_("Signed answer document (optional)"),
        required=False,
        help_text=_("PDF, JPEG or PNG, at most 5 MB."),
    )


class LeaveForm(forms.Form):
    reason = forms.ChoiceField(label=_("Legal ground"), choices=LeaveReason.choices)
    note = forms.CharField(
        label=_("Explanation to the applicant"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ForwardOutForm(forms.Form):
    organisation = forms.CharField(label=_("Organisation"), max_length=300)
    reason = forms.CharField(
        label=_("Reason"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )


class PublishForm(forms.Form):
    public_text = forms.CharField(
        label=_("Text to publish, without personal data"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How well was your appeal handled?"),
        choices=[(5, _("5 — very well")), (4, "4"), (3, "3"), (2, "2"), (1, _("1 — very badly"))],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ComplaintForm(forms.Form):
    text = forms.CharField(
        label=_("Your complaint"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What was wrong with the answer, or that no answer came."),
    )
