"""The questionnaire page's form: one answer per item of the page, and which way to go next."""

from __future__ import annotations

from django import forms

from interdep.lib.forms import text


class PageAnswersForm(forms.Form):
    """Answers as given (the service checks each value against the item's scale)."""

    go = text()

    def __init__(self, *args, page, **kwargs):
        super().__init__(*args, **kwargs)
        self.item_ids = [item.id for item in page.items]
        for item_id in self.item_ids:
            self.fields[item_id] = text()

    def answers(self) -> dict[str, str]:
        """The items answered on this page (an empty answer is no answer)."""
        return {i: self.cleaned_data[i] for i in self.item_ids if self.cleaned_data[i]}
