from __future__ import annotations

from django import forms

from interdep.lib import zone_list as zones


class NameForm(forms.Form):
    display_name = forms.CharField(label="Your name (what your partner sees)", max_length=60)


class ReauthMixin(forms.Form):
    """The current password, asked when the last one entered is not recent."""

    current_password = forms.CharField(
        label="Your current password",
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class EmailForm(ReauthMixin):
    new_email = forms.EmailField(
        label="New email address", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    field_order = ("new_email", "current_password")


class PasswordForm(forms.Form):
    current_password = forms.CharField(
        label="Current password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label="New password",
        help_text="At least 10 characters.",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class ZoneForm(forms.Form):
    tz = forms.CharField(label="Time zone", max_length=64)

    def clean_tz(self):
        value = self.cleaned_data["tz"]
        if not zones.is_zone(value):
            raise forms.ValidationError("Choose a time zone from the list.")
        return value


class ChannelsForm(forms.Form):
    notify_push = forms.BooleanField(
        label="Push notifications on devices where I allowed them", required=False
    )
    notify_email = forms.BooleanField(label="Email, when no push reached me", required=False)
    reminders = forms.ChoiceField(
        label="Check-in reminders come by",
        choices=[("push", "Push (else email)"), ("email", "Email")],
        required=False,
    )


class SignOutOthersForm(forms.Form):
    """No fields: the button is the confirmation (a form, so the POST has CSRF and a shape)."""
