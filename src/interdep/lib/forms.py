"""Form fields every app's forms share: the small vocabulary of the site's HTML forms."""

from __future__ import annotations

from django import forms


class YesField(forms.Field):
    """A yes/no choice sent as ``"yes"``: True for "yes", False for anything else or nothing."""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value) -> bool:
        return value == "yes"


class TextField(forms.CharField):
    """Free text passed to a service as typed (the service validates and trims it); ``absent``
    is the value when the form does not send the field at all."""

    def __init__(self, *, absent: str = "", **kwargs):
        super().__init__(required=False, strip=False, **kwargs)
        self.absent = absent

    def to_python(self, value):
        return self.absent if value is None else super().to_python(value)


def text(*, absent: str = "", **kwargs) -> TextField:
    return TextField(absent=absent, **kwargs)


class TextListField(forms.Field):
    """Every value sent under one name (checkboxes, repeated inputs), in order."""

    widget = forms.MultipleHiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value) -> list[str]:
        return [str(v) for v in value or ()]


def posted(form_class, request, **kwargs) -> dict:
    """The cleaned values of ``form_class`` bound to the request's POST data. Forms built from
    these fields accept any input (a missing value is empty or False); the services decide what
    is acceptable and say why not."""
    form = form_class(request.POST, **kwargs)
    form.full_clean()
    return form.cleaned_data
