"""The data-rights page's form: the password typed again before a download."""

from __future__ import annotations

from django import forms

from interdep.lib.forms import text


class ExportForm(forms.Form):
    #: Checked by accounts.sessions.confirm_password; empty when not typed.
    password = text()
