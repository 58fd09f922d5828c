"""A field's help and error text is read out with the field: every id that an input names in
aria-describedby exists on the page (Django names `<id>_helptext` and `<id>_error`)."""

from __future__ import annotations

import re

DESCRIBED_BY = re.compile(r'aria-describedby="([^"]+)"')
IDS = re.compile(r'\sid="([^"]+)"')


def _dangling_descriptions(html: str) -> list[str]:
    present = set(IDS.findall(html))
    named = {name for group in DESCRIBED_BY.findall(html) for name in group.split()}
    return sorted(named - present)


def test_the_signup_form_reads_the_password_rule_with_the_password_field(client, db):
    page = client.get("/accounts/signup/").content.decode()
    assert 'aria-describedby="id_password_helptext"' in page
    assert _dangling_descriptions(page) == []


def test_a_refused_signup_points_each_field_at_its_help_and_its_error(client, db):
    page = client.post(
        "/accounts/signup/", {"display_name": "Ana", "email": "not-an-email", "password": ""}
    ).content.decode()
    assert 'id="id_password_helptext"' in page
    assert 'id="id_password_error"' in page
    assert 'id="id_email_error"' in page
    assert _dangling_descriptions(page) == []


def test_settings_fields_describe_themselves_with_text_on_the_page(client, alice):
    client.force_login(alice)
    page = client.get("/settings/").content.decode()
    assert _dangling_descriptions(page) == []
