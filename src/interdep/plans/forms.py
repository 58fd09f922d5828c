"""The practice plan's forms: a week's check-off, a reflection, the plan's settings, and
encouragement for the partner."""

from __future__ import annotations

from django import forms

from interdep.lib.forms import YesField, text


class CheckForm(forms.Form):
    done = YesField()


class ReflectionForm(forms.Form):
    reflection = text()


class SettingsForm(forms.Form):
    """Both settings are optional: a field that is not sent leaves its setting as it is."""

    retake_weeks = forms.IntegerField(
        required=False, error_messages={"invalid": "Choose a number of weeks."}
    )
    show_partner = text()
    next = text()

    def show_partner_choice(self) -> bool | None:
        if "show_partner" not in self.data:
            return None
        return self.cleaned_data["show_partner"] == "yes"


class EncourageForm(forms.Form):
    preset = text()
    message = text()
