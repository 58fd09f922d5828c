"""The optional validity anchors after an assessment, and the convergent validity staff see."""

from __future__ import annotations

import numpy as np
import pytest
from django.test import override_settings

from interdep.demo import demo_answers
from interdep.psychometrics import selectors
from interdep.psychometrics.figures import centre_distance
from interdep.psychometrics.models import AnchorAnswer
from interdep.science.anchors import load_measures, parse_measures
from interdep.science.errors import ContentError
from interdep.science.instrument import load_instrument
from interdep.science.scoring import answers_to_row, score_matrix, self_report_plan

from .conftest import link, make_person, submit

EXTRA = """
[[measures]]
id = "licensed"
kind = "rating"
title = "A licensed scale"
instruction = "Placeholder instruction for a test."
citation = "Test Author (2000). A test measure."
licence = "Used under a research licence held by the deployment."
scale = { min = 0, max = 5, anchors = { 0 = "Low", 5 = "High" } }
items = [{ id = "a1", text = "First test statement." }, { id = "a2", text = "Second test statement.", reverse = true }, { id = "a3", text = "Third test statement." }]
expects = ["connection", "self"]
"""


def _opt_in(person):
    person.research_consent = True
    person.save(update_fields=["research_consent"])


def test_the_report_offers_the_anchors_until_they_are_answered(client, alice):
    assessment = submit(alice)
    client.force_login(alice)
    report = client.get(f"/report/{assessment.pk}/").content.decode()
    assert f"/assessment/{assessment.pk}/more/" in report
    page = client.get(f"/assessment/{assessment.pk}/more/").content.decode()
    assert page.count('<svg class="ios"') == 7  # the seven pictures, drawn by us
    assert "How content are you with your relationship at the moment?" in page
    response = client.post(
        f"/assessment/{assessment.pk}/more/", {"ios.ios": "5", "satisfaction.sat": "6"}
    )
    assert response.status_code == 302 and response["Location"] == f"/report/{assessment.pk}/"
    assert selectors.anchors_of(assessment) == {"ios": {"ios": 5}, "satisfaction": {"sat": 6}}
    report = client.get(f"/report/{assessment.pk}/").content.decode()
    assert f"/assessment/{assessment.pk}/more/" not in report


def test_an_answer_off_the_scale_is_refused_by_name_and_nothing_is_written(client, alice):
    assessment = submit(alice)
    client.force_login(alice)
    response = client.post(
        f"/assessment/{assessment.pk}/more/",
        {"ios.ios": "4", "satisfaction.sat": "9"},
        follow=True,
    )
    assert "satisfaction.sat: choose a whole number from 1 to 7" in response.content.decode()
    assert not AnchorAnswer.objects.exists()


def test_skipping_saves_nothing_and_goes_to_the_report(client, alice):
    assessment = submit(alice)
    client.force_login(alice)
    response = client.post(f"/assessment/{assessment.pk}/more/", {})
    assert response["Location"] == f"/report/{assessment.pk}/"
    assert not AnchorAnswer.objects.exists()


def test_anchor_answers_are_in_the_export_and_go_with_the_assessment(client, alice):
    from interdep.psychometrics.datarights import export_anchors
    from interdep.psychometrics.services import anchors_save

    assessment = submit(alice)
    anchors_save(person=alice, assessment_id=assessment.pk, answers={"ios.ios": "3"})
    rows = export_anchors(alice)["anchor_answers"]
    assert [(r["measure"], r["item_id"], r["value"]) for r in rows] == [("ios", "ios", 3)]
    assessment.delete()
    assert not AnchorAnswer.objects.exists()


def test_pictures_overlap_more_at_every_step():
    distances = [centre_distance(k) for k in range(1, 8)]
    assert distances == sorted(distances, reverse=True)
    assert distances[0] > 44 > distances[-1]  # apart at 1 (two radii = 44), nearly one at 7
    with pytest.raises(ValueError):
        centre_distance(8)


def test_a_measure_a_deployment_adds_must_state_its_licence():
    parse_measures(EXTRA, shipped=False)
    without = EXTRA.replace('licence = "Used under a research licence held by the deployment."', "")
    with pytest.raises(ContentError, match=r"'licensed'.*licence"):
        parse_measures(without, shipped=False)
    with pytest.raises(ContentError, match=r"'licensed'.*anchors"):
        parse_measures(EXTRA.replace('0 = "Low", ', ""), shipped=False)


def test_the_shipped_anchors_carry_no_licensed_wording_and_cite_aron():
    shipped = load_measures()
    assert [m.id for m in shipped] == ["ios", "satisfaction"]
    assert "Aron, Aron & Smollan, 1992" in shipped[0].citation
    assert all(m.shipped and not m.licence for m in shipped)


def _pool_with_anchors(n: int, *, ios_from_connection: bool):
    """n consenting people; their closeness picture follows their Connection score."""
    instrument = load_instrument()
    ids = self_report_plan(instrument).item_ids
    rng = np.random.default_rng(4)
    people, connections, ios = [], [], []
    for k in range(n):
        person = make_person(f"Anchor Person {k:02d}")
        answers = demo_answers(k, lean=0.15 + 0.07 * k)
        assessment = submit(person, answers=answers)
        _opt_in(person)
        shared = instrument.without_safety_items(answers)  # the pool leaves safety items out
        connection = score_matrix(instrument, answers_to_row(ids, shared)).connection[0]
        value = (
            int(np.clip(round(1 + connection / 100 * 6), 1, 7))
            if ios_from_connection
            else int(rng.integers(1, 8))
        )
        AnchorAnswer.objects.create(
            assessment=assessment, measure="ios", item_id="ios", value=value
        )
        AnchorAnswer.objects.create(
            assessment=assessment, measure="satisfaction", item_id="sat", value=1 + k % 7
        )
        people.append(person)
        connections.append(connection)
        ios.append(value)
    return people, connections, ios


def test_staff_see_connection_with_closeness_as_the_pools_pearson_r(client, db):
    _, connections, ios = _pool_with_anchors(9, ios_from_connection=True)
    validity = selectors.psychometrics().validity
    row = next(
        r for r in validity.correlations if r.measure.id == "ios" and r.scale == "connection"
    )
    assert row.expected and row.result.n == 9
    assert row.result.r == pytest.approx(np.corrcoef(connections, ios)[0, 1], abs=1e-12)
    assert row.result.r > 0.8 and row.result.low < row.result.r < row.result.high
    staff = make_person("Staff Wren", is_staff=True)
    client.force_login(staff)
    page = client.get("/staff/psychometrics/").content.decode()
    assert 'data-validity="ios-connection"' in page and f"{row.result.r:.2f}" in page
    assert "Aron, Aron &amp; Smollan, 1992" in page


def test_correlation_interval_matches_scipy():
    from scipy import stats

    from interdep.science.anchors import correlation

    rng = np.random.default_rng(1)
    x = rng.normal(size=40)
    y = x + rng.normal(size=40)
    ours = correlation(list(x), list(y))
    ref = stats.pearsonr(x, y)
    low, high = ref.confidence_interval(0.95)
    assert ours.r == pytest.approx(ref.statistic, abs=1e-12)
    assert (ours.low, ours.high) == pytest.approx((low, high), abs=1e-9)
    assert correlation([1.0, 2.0, 3.0], [1.0, 2.0, 3.0]).r is None  # too few pairs


def test_satisfaction_by_pattern_counts_couples_who_both_consent_and_hides_small_groups(db):
    people, _, _ = _pool_with_anchors(8, ios_from_connection=False)
    for a, b in zip(people[0::2], people[1::2], strict=True):
        link(a, b)
    lone = make_person("Lone Partner")
    link(lone, make_person("Never Consented"))
    submit(lone)
    _opt_in(lone)
    validity = selectors.psychometrics().validity
    assert validity.n_couples == 4
    (pattern,) = validity.patterns
    counts = {k: n for k, (n, _) in pattern.means.groups.items()}
    assert sum(counts.values()) == 4
    for n, mean in pattern.means.groups.values():
        assert (mean is None) == (n < validity.min_couples)


def test_a_deployments_measure_is_offered_and_validated(client, alice, tmp_path):
    path = tmp_path / "licensed.toml"
    path.write_text(EXTRA, encoding="utf-8")
    assessment = submit(alice)
    with override_settings(EXTRA_MEASURES_FILE=str(path)):
        client.force_login(alice)
        page = client.get(f"/assessment/{assessment.pk}/more/").content.decode()
        assert "Second test statement." in page
        client.post(
            f"/assessment/{assessment.pk}/more/",
            {"licensed.a1": "5", "licensed.a2": "0", "licensed.a3": "4"},
        )
        assert selectors.anchors_of(assessment) == {"licensed": {"a1": 5, "a2": 0, "a3": 4}}
        measure = next(m for m in selectors.measures() if m.id == "licensed")
        from interdep.science.anchors import measure_score

        assert measure_score(measure, selectors.anchors_of(assessment)["licensed"]) == (
            pytest.approx((5 + 5 + 4) / 3)
        )
