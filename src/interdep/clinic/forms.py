from __future__ import annotations

from django import forms


class ApplyForm(forms.Form):
    professional_name = forms.CharField(label="Your professional name", max_length=120)
    registration = forms.CharField(
        label="Registration body and number",
        max_length=120,
        help_text="Staff check this with the registration body before you can see anyone.",
    )


class GrantForm(forms.Form):
    code = forms.CharField(label="Your clinician's code", max_length=20)
    reports = forms.BooleanField(
        label="Reports: scores, pattern, map and history", required=False, initial=True
    )
    dynamics = forms.BooleanField(
        label="Dynamics: check-in trends and how often you check in", required=False, initial=True
    )
