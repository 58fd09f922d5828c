"""The exercise guides (content/exercises.toml) are validated when loaded, and entries are
cleaned the same way for the web form and the API."""

from __future__ import annotations

import pytest

from interdep.science.errors import ContentError, InputError
from interdep.science.exercise_guides import (
    COMPARE_NEEDS,
    clean_entry,
    is_empty,
    load_guides,
    parse_guides,
)

GOOD = """
[[exercises]]
id = "trip"
flow = "together"
compare = "plans"
title = "T"
summary = "S"
intro = "I"
after = "A"
[[exercises.fields]]
id = "together"
type = "lines"
label = "L"
help = "H"
[[exercises.fields]]
id = "alone"
type = "lines"
label = "L"
help = "H"
[[exercises.fields]]
id = "limits"
type = "lines"
label = "L"
help = "H"
[[exercises.fields]]
id = "budget"
type = "number"
label = "L"
help = "H"
"""


def test_the_shipped_guides_load_and_each_comparison_finds_its_fields():
    guides = load_guides()
    assert {"vacation", "shared_problem", "boundary", "no_rehearsal"} <= set(guides)
    for guide in guides.values():
        for need, kind in COMPARE_NEEDS.get(guide.compare, {}).items():
            assert guide.field(need).type == kind


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('type = "number"', 'type = "text"'), "needs a 'number' field 'budget'"),
        (('flow = "together"', 'flow = "alone"'), "'flow' must be one of"),
        (('compare = "plans"', 'compare = "votes"'), "needs compare"),
        (('title = "T"', 'title = ""'), "'title' must be non-empty"),
        (
            (
                'help = "H"\n[[exercises.fields]]\nid = "alone"',
                'help = "H"\n[[exercises.fields]]\nid = "together"',
            ),
            "duplicate field id",
        ),
    ],
)
def test_a_broken_guide_fails_with_a_message_naming_it(change, message):
    with pytest.raises(ContentError, match=message) as error:
        parse_guides(GOOD.replace(*change, 1))
    assert "'trip'" in str(error.value)


def test_entries_are_cleaned_lines_split_numbers_whole_and_unknown_fields_refused():
    guide = parse_guides(GOOD)["trip"]
    entry = clean_entry(
        guide, {"together": " a lake \n\n a hill ", "budget": "700", "limits": ["x", " "]}
    )
    assert entry == {"together": ["a lake", "a hill"], "alone": [], "limits": ["x"], "budget": 700}
    assert is_empty(clean_entry(guide, {"budget": ""}))
    for bad in ({"budget": "-3"}, {"budget": "2.5"}, {"budget": "lots"}, {"budget": True}):
        with pytest.raises(InputError) as error:
            clean_entry(guide, bad)
        assert error.value.column == "budget"
    with pytest.raises(InputError, match="unknown field"):
        clean_entry(guide, {"secret": "x"})
