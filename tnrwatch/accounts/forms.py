"""Forms for sign-in and account management: they only parse input; services do the writes."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from .models import Role
from .services import MAX_PASSWORD_CHARS


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(
        label=_("Password"), max_length=MAX_PASSWORD_CHARS, strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your authenticator app"), max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_token(self) -> str:
        token = "".join(self.cleaned_data["token"].split())
        if not token.isascii() or not token.isdigit() or len(token) not in (6, 8):
            raise forms.ValidationError(_("Enter the 6-digit code shown by your app."))
        return token


class PasswordChangeLimitedForm(PasswordChangeForm):
    """Django's password change form, with an upper bound so a huge value gets a form error."""

    def clean(self):
        for name in ("old_password", "new_password1", "new_password2"):
            if len(self.data.get(name, "") or "") > MAX_PASSWORD_CHARS:
                raise forms.ValidationError(_("A password may have at most %(n)d characters."),
                                            params={"n": MAX_PASSWORD_CHARS})
        return super().clean()


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150, validators=[UnicodeUsernameValidator()])
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    email = forms.EmailField(label=_("Email (optional)"), required=False, max_length=254)


class UserRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class UserActiveForm(forms.Form):
    active = forms.TypedChoiceField(choices=[("1", "active"), ("0", "inactive")], coerce=lambda v: v == "1")
