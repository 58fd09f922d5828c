"""The research-consent toggle on "Your data", and the optional anchors' answers as posted."""

from __future__ import annotations

from django import forms

from interdep.lib.forms import YesField


class ResearchConsentForm(forms.Form):
    consent = YesField()


def posted_anchor_answers(post, measures) -> dict[str, str]:
    """ "<measure>.<item>" -> value, only for questions on offer and only where one was chosen."""
    keys = {f"{m.id}.{i.id}" for m in measures for i in m.items}
    return {key: post.get(key, "") for key in keys if post.get(key, "")}
