from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.contrib.auth.password_validation import (
    password_validators_help_text_html,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import User


class RegistrationForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("We send a link here if you forget your password."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=password_validators_help_text_html,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    DUPLICATE_EMAIL = _(
        "An account with this email address already exists. Sign in, or reset your password."
    )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email=email).exists():
            raise ValidationError(self.DUPLICATE_EMAIL, code="duplicate_email")
        return email

    def clean(self) -> dict:
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error(
                "password2",
                ValidationError(
                    _("The two password fields didn’t match."), code="password_mismatch"
                ),
            )
        elif p1:
            probe = User(email=data.get("email", ""), full_name=data.get("full_name", ""))
            try:
                validate_password(p1, probe)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


def signin_username(request, credentials: dict | None = None) -> str:
    """The account a sign-in attempt is for, as django-axes counts it: case does not matter."""
    raw = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(raw).strip().lower()


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


class ResetPasswordForm(SetPasswordForm):
    """Django's new-password form, saving through the audited action."""

    def save(self, commit: bool = True) -> User:
        from esep.core.actions import Actor

        from .actions import reset_password

        return reset_password(
            Actor.of(self.user), user=self.user, password=self.cleaned_data["new_password1"]
        )
