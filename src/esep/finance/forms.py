from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
KINDS = [("budget", _("Budget lines")), ("transfers", _("Transfers"))]


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=KINDS, initial="budget")
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (UTF-8), XLSX or a Fiscal Data Package as ZIP; at most 20 MB."),
    )
    title = forms.CharField(label=_("Title of the dataset"), max_length=300)
    document = forms.CharField(label=_("Document number"), max_length=300, required=False)
    url = forms.URLField(
        label=_("Where the document is published"),
        max_length=1000,
        required=False,
        assume_scheme="https",
    )

    def clean_file(self) -> object:
        file = self.cleaned_data["file"]
        name = file.name.lower()
        if not name.endswith((".csv", ".xlsx", ".zip")):
            raise forms.ValidationError(_("Upload a .csv, .xlsx or .zip file."), code="type")
        if file.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."), code="size")
        return file
