"""One rounding rule for charts, tables and sentences: 62.5 is 63 everywhere."""

from django.template import Context, Template

from interdep.assessments.figures import facet_bars_svg
from interdep.science.rounding import whole


def _render(value) -> str:
    return Template('{% load scores %}{{ v|whole|default:"–" }}').render(Context({"v": value}))


def test_chart_table_and_text_round_alike():
    assert whole(62.5) == 63 and whole(61.5) == 62 and whole(-0.5) == -1
    assert f"{62.5:.0f}" == "62"  # the rule we no longer use anywhere
    assert _render(62.5) == "63"
    assert ">63<" in facet_bars_svg([("Openness", 62.5, "connection")])
    assert ">63<" in facet_bars_svg(
        [("Openness", 40.0, "connection")], second=[62.5], labels=("You", "Sam")
    )


def test_a_real_zero_shows_and_a_missing_score_is_a_dash():
    assert _render(0.0) == "0"
    assert _render(None) == "–"
    assert _render(float("nan")) == "–"
