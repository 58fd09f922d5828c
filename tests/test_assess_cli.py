"""The terminal assessment: one item at a time, back and skip, resumable, then a profile."""

import json

from typer.testing import CliRunner

from interdep.cli.assess_cmds import text_map
from interdep.cli.main import app
from interdep.science.instrument import load_instrument

runner = CliRunner()
INSTRUMENT = load_instrument()
N = len(INSTRUMENT.items)


def test_answers_are_saved_and_the_assessment_resumes_where_it_stopped(tmp_path):
    save = tmp_path / "progress.json"
    first = runner.invoke(app, ["assess", "--save-file", str(save)], input="4\n2\nq\n")
    assert first.exit_code == 0, first.output
    state = json.loads(save.read_text())
    assert state["position"] == 2 and len(state["answers"]) == 2
    rest = "\n".join(["4"] * (N - 2)) + "\n"
    second = runner.invoke(app, ["assess", "--save-file", str(save)], input=rest)
    assert second.exit_code == 0, second.output
    assert f"[3/{N}" in second.output and "Your profile" in second.output
    assert len(json.loads(save.read_text())["answers"]) == N


def test_back_revisits_the_previous_item_and_skip_leaves_it_unanswered(tmp_path):
    save = tmp_path / "p.json"
    result = runner.invoke(app, ["assess", "--save-file", str(save)], input="5\nb\n1\ns\nq\n")
    assert result.exit_code == 0, result.output
    state = json.loads(save.read_text())
    first, second = INSTRUMENT.items[0].id, INSTRUMENT.items[1].id
    assert state["answers"] == {first: 1} and second not in state["answers"]
    assert "(was 5)" in result.output


def test_an_out_of_range_answer_is_refused_with_a_message(tmp_path):
    save = tmp_path / "p.json"
    result = runner.invoke(app, ["assess", "--save-file", str(save)], input="7\nq\n")
    assert "whole number from 1 to 5" in result.output
    assert json.loads(save.read_text())["answers"] == {}


def test_the_text_map_places_the_point_in_its_quadrant():
    lines = text_map(90, 90).splitlines()
    row = next(i for i, line in enumerate(lines) if "●" in line)
    assert row < len(lines) // 2 and lines[row].index("●") > len(lines[row]) // 2
