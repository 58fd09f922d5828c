"""The shipped instrument: its content meets the model's rules, broken files fail clearly,
released versions never change, safety answers raise the private signal, and the CLI shows it."""

from __future__ import annotations

import copy
import hashlib
import json
import re
import tomllib
from importlib import resources
from pathlib import Path

import pytest
from typer.testing import CliRunner

from interdep.cli.main import app
from interdep.science.errors import ContentError
from interdep.science.instrument import (
    CONTENT_PACKAGE,
    available_versions,
    load_instrument,
    parse_instrument,
)

HASHES_FILE = Path(__file__).resolve().parent / "content_hashes.json"

SELF_FACETS = [
    "boundaries",
    "saying_no",
    "steadiness",
    "self_worth",
    "own_life",
    "accountability",
    "autonomy_respect",
]
CONNECTION_FACETS = [
    "vulnerability",
    "reliance",
    "responsiveness",
    "honest_communication",
    "openness",
]
BOTH_WAYS = {"honest_communication", "openness"}


@pytest.fixture(scope="module")
def v1():
    return load_instrument("v1")


def v1_data() -> dict:
    """The v1 file as plain data, for building deliberately broken variants."""
    text = (resources.files(CONTENT_PACKAGE) / "v1.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def to_toml(data: dict) -> str:
    """A tiny TOML writer for the instrument's shape (scalars, tables, arrays of tables)."""

    def value(v) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int | float):
            return repr(v)
        return json.dumps(v)  # JSON string escapes are valid TOML basic-string escapes

    lines: list[str] = []
    scalars = {k: v for k, v in data.items() if not isinstance(v, dict | list)}
    lines += [f"{k} = {value(v)}" for k, v in scalars.items()]
    for name, table in data.items():
        if isinstance(table, dict):
            lines.append(f"[{name}]")
            lines += [f"{k} = {value(v)}" for k, v in table.items() if not isinstance(v, dict)]
            for sub, subtable in table.items():
                if isinstance(subtable, dict):
                    lines.append(f"[{name}.{sub}]")
                    lines += [f"{json.dumps(str(k))} = {value(v)}" for k, v in subtable.items()]
    for name, rows in data.items():
        if isinstance(rows, list):
            for row in rows:
                lines.append(f"[[{name}]]")
                lines += [f"{k} = {value(v)}" for k, v in row.items()]
    return "\n".join(lines) + "\n"


def item_index(data: dict, item_id: str) -> int:
    return next(n for n, item in enumerate(data["items"]) if item["id"] == item_id)


# --- the shipped content -------------------------------------------------------------------------


def test_the_writer_used_for_broken_variants_round_trips_the_real_file():
    rebuilt, shipped = parse_instrument(to_toml(v1_data())), load_instrument("v1")
    assert rebuilt.to_dict() == shipped.to_dict()
    assert (rebuilt.facets, rebuilt.items, rebuilt.scale) == (
        shipped.facets,
        shipped.items,
        shipped.scale,
    )
    assert rebuilt.safety_threshold == shipped.safety_threshold


def test_v1_has_the_twelve_facets_in_order_with_their_capacities(v1):
    assert list(v1.facet_ids) == SELF_FACETS + CONNECTION_FACETS
    for facet in v1.facets:
        expected = "self" if facet.id in SELF_FACETS else "connection"
        assert facet.capacity == expected, facet.id
        for text in (facet.label, facet.description, facet.strength, facet.edge):
            assert text.strip(), facet.id


def test_v1_has_enough_self_report_items_for_every_facet(v1):
    assert len(v1.self_items) >= 48
    for facet_id in v1.facet_ids:
        assert len(v1.items_of(kind="self", facet=facet_id)) >= 4, facet_id


def test_every_facet_has_reverse_keyed_and_healthy_self_report_items(v1):
    for facet_id in v1.facet_ids:
        own = v1.items_of(kind="self", facet=facet_id)
        assert any(i.reverse_keyed for i in own), facet_id
        assert any(not i.reverse_keyed for i in own), facet_id


def test_unhealthy_poles_follow_the_capacity_and_both_way_facets_use_both(v1):
    for item in v1.items:
        if item.pole == "healthy" or item.facet in BOTH_WAYS:
            continue
        expected = "fused" if item.facet in SELF_FACETS else "distant"
        assert item.pole == expected, item.id
    for facet_id in BOTH_WAYS:
        poles = {i.pole for i in v1.items_of(kind="self", facet=facet_id)}
        assert poles == {"healthy", "fused", "distant"}, facet_id


def test_partner_report_items_cover_enough_facets_with_both_directions(v1):
    partner = v1.partner_items
    assert len(partner) >= 16
    assert len(v1.partner_facets) >= 8
    for facet_id in v1.partner_facets:
        poles = [i.pole for i in v1.items_of(kind="partner", facet=facet_id)]
        assert "healthy" in poles and any(p != "healthy" for p in poles), facet_id


def test_item_ids_use_one_short_code_per_facet_and_the_kind_letter(v1):
    code_of_facet: dict[str, str] = {}
    for item in v1.items:
        match = re.fullmatch(r"([a-z]+)_([sp])(\d+)", item.id)
        assert match, item.id
        code, letter, _ = match.groups()
        assert letter == ("s" if item.kind == "self" else "p"), item.id
        assert code_of_facet.setdefault(item.facet, code) == code, item.id
    assert len(set(code_of_facet.values())) == len(code_of_facet)


def test_items_are_short_single_sentences_in_the_right_voice(v1):
    for item in v1.items:
        words = item.text.split()
        assert len(words) <= 15, item.id
        assert item.text.endswith("."), item.id
        assert item.text.count(".") == 1, item.id
        if item.kind == "partner":
            assert item.text.startswith("My partner"), item.id
        else:
            assert re.search(r"\b(I|my|me)\b", item.text), item.id


def test_item_texts_are_unique(v1):
    texts = [i.text.lower() for i in v1.items]
    assert len(texts) == len(set(texts))


def test_scale_is_one_to_five_with_every_point_labelled(v1):
    assert (v1.scale.min, v1.scale.max) == (1, 5)
    assert sorted(v1.scale.anchors) == [1, 2, 3, 4, 5]
    assert all(label.strip() for label in v1.scale.anchors.values())
    assert len(set(v1.scale.anchors.values())) == 5


def test_a_few_items_screen_for_fear_control_and_coercion(v1):
    flagged = [i for i in v1.items if i.safety]
    assert 3 <= len(flagged) <= 4
    assert {i.kind for i in flagged} == {"self", "partner"}
    # Agreeing must be the worrying direction, so the signal reads plainly.
    assert all(i.reverse_keyed for i in flagged)


# --- validation names the entry and the problem --------------------------------------------------


def _unknown_facet(d):
    d["items"][item_index(d, "bnd_s1")]["facet"] = "kindness"


def _bad_pole(d):
    d["items"][item_index(d, "vul_s4")]["pole"] = "fused"  # a Connection facet fails by distance


def _duplicate_id(d):
    d["items"][item_index(d, "std_s2")]["id"] = "std_s1"


def _partner_prefix(d):
    d["items"][item_index(d, "rel_p1")]["text"] = "They come to me when they need support."


def _self_item_about_partner(d):
    d["items"][item_index(d, "rel_s1")]["text"] = "My partner is there for me."


def _bad_kind(d):
    d["items"][item_index(d, "own_s1")]["kind"] = "other"


def _unknown_field(d):
    d["items"][item_index(d, "acc_s1")]["weight"] = 2


def _safety_not_bool(d):
    d["items"][item_index(d, "hon_s4")]["safety"] = "yes"


def _missing_text(d):
    del d["items"][item_index(d, "opn_s2")]["text"]


def _id_with_dash(d):
    d["items"][item_index(d, "opn_s2")]["id"] = "opn-s2"


def _missing_anchor(d):
    del d["scale"]["anchors"]["3"]


def _too_few_items(d):
    d["items"] = [i for i in d["items"] if i["id"] not in ("wor_s1", "wor_s2")]


def _no_reverse_keyed(d):
    d["items"] = [i for i in d["items"] if i["id"] not in ("rsp_s4", "rsp_s5")]
    d["items"] += [
        {
            "id": f"rsp_s{n}",
            "text": "I listen.",
            "facet": "responsiveness",
            "kind": "self",
            "pole": "healthy",
        }
        for n in (6, 7)
    ]


def _no_safety_item(d):
    for item in d["items"]:
        item.pop("safety", None)


def _bad_capacity(d):
    d["facets"][0]["capacity"] = "both"


def _duplicate_facet(d):
    d["facets"][1]["id"] = "boundaries"


def _threshold_outside_scale(d):
    d["safety"]["threshold"] = 9


def _boolean_scale_point(d):
    d["scale"]["min"] = True


def _safety_not_a_table(d):
    d["safety"] = 4


BROKEN = [
    (_boolean_scale_point, ["scale", "'min' must be"]),
    (_safety_not_a_table, ["'safety' must be a table"]),
    (_unknown_facet, ["bnd_s1", "unknown facet 'kindness'"]),
    (_bad_pole, ["vul_s4", "pole 'fused' does not fit facet 'vulnerability'"]),
    (_duplicate_id, ["std_s1", "duplicate item id"]),
    (_partner_prefix, ["rel_p1", "start with 'My partner'"]),
    (_self_item_about_partner, ["rel_s1", "self-report item"]),
    (_bad_kind, ["own_s1", "'kind' must be one of"]),
    (_unknown_field, ["acc_s1", "unknown field(s) weight"]),
    (_safety_not_bool, ["hon_s4", "'safety' must be true or false"]),
    (_missing_text, ["opn_s2", "missing field 'text'"]),
    (_id_with_dash, ["opn-s2", "letters, digits and '_'"]),
    (_missing_anchor, ["scale", "anchors must label every point 1..5"]),
    (_too_few_items, ["self_worth", "at least 4 self-report items, has 3"]),
    (_no_reverse_keyed, ["responsiveness", "reverse-keyed"]),
    (_no_safety_item, ["no item is flagged safety"]),
    (_bad_capacity, ["boundaries", "'capacity' must be one of"]),
    (_duplicate_facet, ["boundaries", "duplicate facet id"]),
    (_threshold_outside_scale, ["safety.threshold", "9"]),
]


@pytest.mark.parametrize(("breakage", "expected"), BROKEN, ids=[b[0].__name__[1:] for b in BROKEN])
def test_a_broken_instrument_fails_naming_the_entry_and_the_problem(breakage, expected):
    data = copy.deepcopy(v1_data())
    breakage(data)
    with pytest.raises(ContentError) as caught:
        parse_instrument(to_toml(data))
    for fragment in expected:
        assert fragment in str(caught.value)


def test_invalid_toml_is_reported_as_content_not_a_crash():
    with pytest.raises(ContentError, match="not valid TOML"):
        parse_instrument('version = "v1"\nname = \n')


def test_a_file_declaring_another_version_is_refused():
    with pytest.raises(ContentError, match="declares version 'v1'"):
        parse_instrument(to_toml(v1_data()), expected_version="v2")


def test_an_unknown_version_lists_the_versions_there_are():
    with pytest.raises(ContentError, match=r"unknown instrument version 'v0'.*v1"):
        load_instrument("v0")


# --- released versions are immutable -------------------------------------------------------------


def _shipped_bytes(version: str) -> bytes:
    return (resources.files(CONTENT_PACKAGE) / f"{version}.toml").read_bytes()


def test_every_shipped_instrument_version_has_a_recorded_hash():
    recorded = json.loads(HASHES_FILE.read_text(encoding="utf-8"))["instrument"]
    for version in available_versions():
        assert version in recorded, (
            f"instrument {version} has no hash in tests/content_hashes.json: "
            "record its sha256 there when you release it"
        )


@pytest.mark.parametrize(
    "version", sorted(json.loads(HASHES_FILE.read_text(encoding="utf-8"))["instrument"])
)
def test_a_released_instrument_version_never_changes(version):
    recorded = json.loads(HASHES_FILE.read_text(encoding="utf-8"))["instrument"][version]
    assert version in available_versions(), f"released instrument {version} was removed"
    actual = hashlib.sha256(_shipped_bytes(version)).hexdigest()
    assert actual == recorded, (
        f"instrument {version} changed: versions are immutable (stored answers are re-scored "
        f"with the version they were given on); add a new version instead of editing {version}"
    )


# --- the private safety signal -------------------------------------------------------------------


def _healthy_answers(instrument) -> dict[str, float]:
    """Answers at the healthy end of every item."""
    low, high = instrument.scale.min, instrument.scale.max
    return {i.id: (high if i.pole == "healthy" else low) for i in instrument.items}


def test_no_answers_or_healthy_answers_raise_no_safety_signal(v1):
    assert not v1.safety_raised({})
    assert not v1.safety_raised(_healthy_answers(v1))


def test_agreeing_with_a_safety_item_at_the_threshold_raises_the_signal(v1):
    for item in (i for i in v1.items if i.safety):
        answers = _healthy_answers(v1)
        answers[item.id] = v1.safety_threshold
        assert v1.safety_raised(answers), item.id
        answers[item.id] = v1.safety_threshold - 1
        assert not v1.safety_raised(answers), item.id


def test_strong_answers_on_items_not_flagged_for_safety_raise_nothing(v1):
    answers = {
        i.id: (v1.scale.max if i.reverse_keyed else v1.scale.min) for i in v1.items if not i.safety
    }
    assert not v1.safety_raised(answers)


def test_unanswered_safety_items_are_skipped(v1):
    answers = {i.id: None for i in v1.items if i.safety}
    assert not v1.safety_raised(answers)


def test_a_healthy_keyed_safety_item_raises_the_signal_when_disagreed_with():
    data = v1_data()
    safe_item = data["items"][item_index(data, "aut_p1")]  # "supports me in pursuing my own goals"
    safe_item["safety"] = True
    instrument = parse_instrument(to_toml(data))
    # On 1..5 the reverse of 2 is 4, the threshold: strong enough disagreement.
    assert instrument.safety_raised({"aut_p1": 2})
    assert not instrument.safety_raised({"aut_p1": 3})


# --- `interdep instrument` -----------------------------------------------------------------------

runner = CliRunner()


def test_instrument_json_prints_the_public_shape(v1):
    result = runner.invoke(app, ["instrument", "--format", "json", "--instrument-version", "v1"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert shown["version"] == "v1"
    assert (shown["scale"]["min"], shown["scale"]["max"]) == (1, 5)
    assert [i["id"] for i in shown["items"]] == [i.id for i in v1.items]
    for item in shown["items"]:
        assert {"id", "text", "facet", "pole", "kind", "safety"} <= set(item)
    assert [(f["id"], f["capacity"]) for f in shown["facets"]] == [
        (f.id, f.capacity) for f in v1.facets
    ]


def test_instrument_table_shows_every_item_grouped_by_facet(v1):
    result = runner.invoke(app, ["instrument", "--format", "table"])  # at whatever width rich finds
    assert result.exit_code == 0, result.output
    by_facet = [result.stdout.index(f.label) for f in v1.facets]
    assert by_facet == sorted(by_facet)
    for item in v1.items:
        label_at = result.stdout.index(v1.facet(item.facet).label)
        next_labels = [p for p in by_facet if p > label_at]
        assert label_at < result.stdout.index(item.id + " ") < min(next_labels, default=10**9), (
            item.id
        )


def test_instrument_rejects_an_unknown_format_and_version():
    assert runner.invoke(app, ["instrument", "--format", "xml"]).exit_code == 2
    result = runner.invoke(app, ["instrument", "--instrument-version", "v0"])
    assert result.exit_code == 2
    assert "unknown instrument version" in result.output


def test_new_assessments_use_the_current_version_and_older_versions_still_load():
    from interdep.science.instrument import CURRENT_VERSION, available_versions

    assert available_versions()[-1] == CURRENT_VERSION
    for version in available_versions():
        assert load_instrument(version).version == version
    result = runner.invoke(app, ["instrument", "--format", "json"])
    assert json.loads(result.stdout)["version"] == CURRENT_VERSION
