"""The couple page's forms: joining with a code, and saying yes or no to sharing."""

from __future__ import annotations

from django import forms

from interdep.lib.forms import YesField, text


class JoinForm(forms.Form):
    code = text()


class ConsentForm(forms.Form):
    share = YesField()
