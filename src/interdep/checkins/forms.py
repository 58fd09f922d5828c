"""The check-in page's form and the reminder schedule's form. The values go to the services as
sent: the services check them against the ranges stated once in the models."""

from __future__ import annotations

from django import forms

from interdep.checkins.models import NoChoice
from interdep.lib.forms import TextListField, YesField, text


class CheckInForm(forms.Form):
    valence = text()
    arousal = text()
    closeness = text()
    felt_self = text()
    bid_made = YesField()
    bid_answered = text()
    no_choice = text(absent=NoChoice.NONE)
    conflict = YesField()
    note = text()
    tz = text()
    #: For a late entry: the local date and time (ISO, from the picker); empty means now.
    when = forms.CharField(required=False)

    def service_values(self) -> dict:
        """Keyword arguments for ``services.checkin_create`` (all but the time)."""
        data = dict(self.cleaned_data)
        data.pop("when")
        data["tz"] = data["tz"] or None
        return data


class ScheduleForm(forms.Form):
    times = TextListField()
    tz = text()
    paused = YesField()

    def service_values(self) -> dict:
        data = dict(self.cleaned_data)
        data["times"] = [t for t in data["times"] if t.strip()]
        return data
