from __future__ import annotations

import unicodedata

from django import forms
from django.contrib.auth.forms import AuthenticationForm


class SignupForm(forms.Form):
    display_name = forms.CharField(
        label="What should your partner call you?",
        max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    email = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label="Password",
        help_text="At least 10 characters.",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_display_name(self) -> str:
        return clean_display_name(self.cleaned_data["display_name"])


def clean_display_name(value: str) -> str:
    """A name people can read: no control or invisible-only characters, no lone surrogates."""
    name = value.strip()
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in name):
        raise forms.ValidationError("Use letters, numbers and ordinary punctuation.")
    visible = [c for c in name if not c.isspace() and unicodedata.category(c) not in ("Cf", "Mn")]
    if not visible:
        raise forms.ValidationError("Tell us what your partner should call you.")
    return name


def form_errors(form: forms.Form) -> str:
    """A form's errors in one line, each naming its field (for the API's 422 answers)."""
    return " ".join(
        f"{field}: {message}" for field, messages in form.errors.items() for message in messages
    )


class EmailLoginForm(AuthenticationForm):
    """Django's login form with the email as the username (django-axes reads the 'email' field)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email"
        self.fields["username"].widget = forms.EmailInput(
            attrs={"autocomplete": "email", "autofocus": True}
        )

    def add_prefix(self, field_name):
        return "email" if field_name == "username" else super().add_prefix(field_name)


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password, to confirm",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
