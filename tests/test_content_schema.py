"""Every content file is checked by one schema language with one id rule: a broken field in any
of them fails with the same message shape, naming the file, the entry and the field."""

from __future__ import annotations

import re

import pytest

from interdep.science.anchors import parse_measures
from interdep.science.content import content_text
from interdep.science.errors import ContentError
from interdep.science.exercise_guides import parse_guides
from interdep.science.instrument import parse_instrument
from interdep.science.practices import parse_practices

# (file, what one entry is called, a required text field of the first entry, the parser)
FILES = [
    ("practices.toml", "practice", "title", parse_practices),
    ("exercises.toml", "exercise", "title", parse_guides),
    ("anchors.toml", "measure", "title", lambda text: parse_measures(text, shipped=True)),
    (
        "instrument/v2.toml",
        "facet",
        "label",
        lambda text: parse_instrument(text, source="instrument/v2.toml"),
    ),
]


@pytest.mark.parametrize(("name", "what", "field", "parse"), FILES, ids=[f[0] for f in FILES])
def test_a_broken_field_names_the_file_the_entry_and_the_field(name, what, field, parse):
    text = content_text(name)
    parse(text)  # the shipped file itself passes
    broken, replaced = re.subn(rf'(?m)^{field} = "[^"]*"$', f"{field} = 5", text, count=1)
    assert replaced == 1
    with pytest.raises(ContentError) as caught:
        parse(broken)
    assert re.fullmatch(
        rf"{re.escape(name)}: {what} '[a-z0-9_-]+': field '{field}' must be non-empty text",
        str(caught.value),
    )


@pytest.mark.parametrize(("name", "what", "field", "parse"), FILES, ids=[f[0] for f in FILES])
def test_every_file_refuses_an_id_against_the_one_rule_in_the_same_words(name, what, field, parse):
    text = content_text(name)
    broken, replaced = re.subn(r'(?m)^id = "[^"]*"$', 'id = "Two Words"', text, count=1)
    assert replaced == 1
    with pytest.raises(ContentError) as caught:
        parse(broken)
    message = str(caught.value)
    assert message.startswith(f"{name}: ") and "'Two Words'" in message
    assert "lower-case letters and digits" in message and "kebab-case" in message


def test_an_unknown_field_is_refused_in_every_file_by_name():
    for name, _what, field, parse in FILES:
        text = content_text(name).replace(f"\n{field} = ", f"\ncolour = 1\n{field} = ", 1)
        with pytest.raises(ContentError, match=r"unknown field\(s\) colour") as caught:
            parse(text)
        assert str(caught.value).startswith(f"{name}: ")
