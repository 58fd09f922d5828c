"""The exercise pages' forms: starting one, writing one's entry, choosing what to share."""

from __future__ import annotations

from django import forms

from interdep.lib.forms import TextListField, text


class StartForm(forms.Form):
    kind = text()


class EntryForm(forms.Form):
    """One text field per field of the exercise's guide, and what to do with the entry."""

    action = text()

    def __init__(self, *args, guide, **kwargs):
        super().__init__(*args, **kwargs)
        self.guide_fields = [f.id for f in guide.fields]
        for field_id in self.guide_fields:
            self.fields[field_id] = text()

    def chosen_action(self) -> str:
        """ "send", "draft" (also when nothing is said), or whatever else was sent."""
        return self.cleaned_data["action"] if "action" in self.data else "draft"

    def content(self) -> dict[str, str]:
        return {f: self.cleaned_data[f] for f in self.guide_fields}


class ShareForm(forms.Form):
    fields = TextListField()
