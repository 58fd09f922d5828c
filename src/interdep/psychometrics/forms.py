"""The research-consent toggle on "Your data"."""

from __future__ import annotations

from django import forms

from interdep.lib.forms import YesField


class ResearchConsentForm(forms.Form):
    consent = YesField()
