from __future__ import annotations

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
