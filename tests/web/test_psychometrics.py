"""Research consent and the staff psychometrics view: who enters the anonymous pool, what staff
see, and what nobody sees."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from interdep.assessments.models import Answer
from interdep.demo import demo_answers
from interdep.psychometrics import selectors
from interdep.science.instrument import load_instrument
from interdep.science.reliability import cronbach_alpha, keyed_items
from interdep.science.scoring import answers_to_row, self_report_plan

from .conftest import make_person, submit


def _opt(client, person, consent: bool):
    client.force_login(person)
    response = client.post("/accounts/data/research/", {"consent": "yes" if consent else "no"})
    assert response.status_code == 302
    client.logout()


def _answers(seed: int) -> dict:
    return demo_answers(seed, lean=0.2 + 0.08 * (seed % 10))


def _pooled_row(item_ids, answers: dict) -> np.ndarray:
    """A person's row as the pool holds it: safety items empty (NaN written as -1 to compare)."""
    shared = load_instrument().without_safety_items(answers)
    return np.nan_to_num(answers_to_row(item_ids, shared), nan=-1.0)


def _non_safety(instrument, facet: str) -> list:
    return [i for i in instrument.items_of(kind="self", facet=facet) if not i.safety]


@pytest.fixture
def staff(db):
    return make_person("Staff Heron", is_staff=True)


@pytest.fixture
def pool(db, client):
    """Eight people who submitted and said yes, and two who submitted but did not."""
    people = []
    for k in range(10):
        person = make_person(f"Pooled Person {k:02d}")
        submit(person, answers=_answers(k))
        if k < 8:
            _opt(client, person, True)
        people.append(person)
    return people


def test_research_consent_is_off_until_the_person_says_yes(client, alice):
    assert alice.research_consent is False
    client.force_login(alice)
    page = client.get("/accounts/data/").content.decode()
    assert "Your answers are not in the research pool" in page
    assert "no name or email" in page
    client.post("/accounts/data/research/", {"consent": "yes"})
    alice.refresh_from_db()
    assert alice.research_consent is True and alice.research_consent_changed_at is not None
    assert "your answers are in the research pool" in client.get("/accounts/data/").content.decode()
    assert client.get("/api/v1/me").json()["research_consent"] is True


def test_only_consenting_people_enter_the_pool(pool):
    matrix, item_ids = selectors.pooled_answers()
    assert matrix.shape == (8, len(item_ids))
    expected = {tuple(_pooled_row(item_ids, _answers(k))[0]) for k in range(8)}
    assert {tuple(row) for row in np.nan_to_num(matrix, nan=-1.0)} == expected


def test_withdrawing_removes_the_person_from_the_pool_at_once(client, pool):
    _opt(client, pool[0], False)
    matrix, item_ids = selectors.pooled_answers()
    assert matrix.shape[0] == 7
    pooled = {tuple(row) for row in np.nan_to_num(matrix, nan=-1.0)}
    assert tuple(_pooled_row(item_ids, _answers(0))[0]) not in pooled


def test_the_pool_takes_each_persons_latest_submitted_assessment(client, alice):
    submit(alice, answers=_answers(1))
    submit(alice, answers=_answers(2))
    _opt(client, alice, True)
    matrix, item_ids = selectors.pooled_answers()
    np.testing.assert_array_equal(
        np.nan_to_num(matrix, nan=-1.0), _pooled_row(item_ids, _answers(2))
    )


def test_staff_see_alpha_equal_to_cronbach_alpha_on_the_pooled_keyed_matrix(client, pool, staff):
    instrument = load_instrument()
    item_ids = self_report_plan(instrument).item_ids
    raw = np.vstack([answers_to_row(item_ids, _answers(k)) for k in range(8)])
    keyed = keyed_items(instrument, raw, item_ids)
    client.force_login(staff)
    response = client.get("/staff/psychometrics/")
    assert response.status_code == 200
    result = response.context["p"]
    assert result.n == 8
    page = response.content.decode()
    assert "n = 8" in page
    shown = 0
    for row in result.facets:
        cols = [item_ids.index(i.id) for i in _non_safety(instrument, row["name"])]
        if row["alpha"] is None:
            continue
        expected = cronbach_alpha(keyed[:, cols])
        assert row["alpha"] == pytest.approx(expected, rel=1e-12)
        assert f"{expected:.3f}" in page
        shown += 1
    assert shown >= len(result.facets) // 2  # most five-item facets are estimable with eight people
    assert [e.name for e in result.errors] == ["connection", "self"]
    assert all(e.sd is not None and e.sd > 0 for e in result.errors)
    assert "200" in page and "provisional" in page


def test_the_psychometrics_page_names_nobody(client, pool, staff):
    client.force_login(staff)
    page = client.get("/staff/psychometrics/").content.decode()
    for person in pool:
        assert person.email not in page
        assert person.display_name not in page


def test_fewer_than_three_people_is_not_enough_answers_yet(client, staff, alice, bob):
    submit(alice, answers=_answers(1))
    submit(bob, answers=_answers(2))
    _opt(client, alice, True)
    _opt(client, bob, True)
    client.force_login(staff)
    response = client.get("/staff/psychometrics/")
    assert response.context["p"].n == 2
    assert "Not enough answers yet" in response.content.decode()


@pytest.mark.parametrize("who", ["anonymous", "person", "superuser_not_staff"])
def test_everyone_but_staff_gets_404(client, db, who):
    if who != "anonymous":
        client.force_login(make_person("Someone", is_superuser=who == "superuser_not_staff"))
    assert client.get("/staff/psychometrics/").status_code == 404


def test_the_staff_nav_link_shows_for_staff_only(client, alice, staff):
    client.force_login(alice)
    assert "/staff/psychometrics/" not in client.get("/accounts/data/").content.decode()
    client.force_login(staff)
    assert "/staff/psychometrics/" in client.get("/accounts/data/").content.decode()


def test_the_export_carries_the_consent_flag(client, alice):
    import io
    import json
    import zipfile

    client.force_login(alice)
    client.post("/accounts/data/research/", {"consent": "yes"})
    data = client.post("/accounts/data/export/").content
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        name = next(n for n in archive.namelist() if n.endswith("data.json"))
        exported = json.loads(archive.read(name))
    account = exported["data"]["account"]["account"][0]
    assert account["research_consent"] is True and account["research_consent_changed_at"]


def test_the_psychometrics_page_uses_a_bounded_number_of_queries(
    client, pool, staff, django_assert_max_num_queries
):
    client.force_login(staff)
    with django_assert_max_num_queries(12):
        assert client.get("/staff/psychometrics/").status_code == 200


def _one_factor_pool(n: int, seed: int) -> tuple[np.ndarray, tuple[str, ...]]:
    """Answers driven by one trait per person (1-5, rounded), keyed back to raw direction."""
    instrument = load_instrument()
    item_ids = self_report_plan(instrument).item_ids
    rng = np.random.default_rng(seed)
    trait = rng.normal(size=(n, 1))
    keyed = np.clip(np.round(3 + trait + rng.normal(scale=0.8, size=(n, len(item_ids)))), 1, 5)
    return keyed_items(
        instrument, keyed, item_ids
    ), item_ids  # reversing twice gives the keyed values back


def test_pool_reliability_gives_each_facet_the_alpha_of_its_keyed_items_without_warnings():
    """Alpha per facet is Cronbach's alpha of that facet's reverse-keyed self items, computed here
    on its own; a small pool's degenerate correlations never surface as warnings on the page."""
    instrument = load_instrument()
    matrix, item_ids = _one_factor_pool(60, seed=3)
    matrix[:, 0] = instrument.scale.max  # one item everyone answered alike: degenerate
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rows = {r["name"]: r for r in selectors.pool_reliability(instrument, matrix, item_ids)}
    keyed = keyed_items(instrument, matrix, item_ids)
    for facet in instrument.facets:
        cols = [item_ids.index(i.id) for i in _non_safety(instrument, facet.id)]
        if len(cols) > 1:
            assert rows[facet.id]["alpha"] == pytest.approx(
                cronbach_alpha(keyed[:, cols]), rel=1e-12
            )


def test_an_item_everyone_answered_alike_leaves_only_omega_of_its_group_unestimated():
    """reliability_table's omega fit fails on a zero-variance item; the page still shows the rest."""
    instrument = load_instrument()
    matrix, item_ids = _one_factor_pool(60, seed=4)
    constant = item_ids.index(next(i.id for i in instrument.self_items if not i.safety))
    matrix[:, constant] = instrument.scale.max
    rows = {r["name"]: r for r in selectors.pool_reliability(instrument, matrix, item_ids)}
    group = instrument.item(item_ids[constant]).facet
    assert rows[group]["omega"] is None
    keyed = keyed_items(instrument, matrix, item_ids)
    cols = [item_ids.index(i.id) for i in _non_safety(instrument, group)]
    assert rows[group]["alpha"] == pytest.approx(cronbach_alpha(keyed[:, cols]), rel=1e-12)
    assert all(
        r["omega"] is not None for name, r in rows.items() if name != group and r["kind"] == "facet"
    )
    assert rows["connection"]["alpha"] is not None and rows["self"]["alpha"] is not None


def test_sem_is_sd_times_root_of_one_minus_alpha():
    from interdep.science.norms import PROVISIONAL_NORMS

    error = selectors.ScaleError(
        "self", 40, sd=12.0, alpha=0.84, provisional=PROVISIONAL_NORMS["self"]
    )
    assert error.sem == pytest.approx(12.0 * (1 - 0.84) ** 0.5)
    assert (
        selectors.ScaleError(
            "self", 40, sd=12.0, alpha=None, provisional=PROVISIONAL_NORMS["self"]
        ).sem
        is None
    )


def test_safety_answers_change_nothing_staff_see(client, pool, staff):
    """The pool is scored as shared views score a person: a consenting person's fear, control
    and coercion answers move no alpha, omega or validity figure on the staff page."""
    instrument = load_instrument()
    safety = [i.id for i in instrument.self_items if i.safety]
    assert safety
    client.force_login(staff)
    answers = Answer.objects.filter(assessment__person=pool[0], item_id__in=safety)

    def figures() -> str:  # the page's main content (the head carries per-request tokens)
        page = client.get("/staff/psychometrics/").content.decode()
        return page[page.index("<main") : page.index("</main>")]

    answers.update(value=instrument.scale.min)
    low = figures()
    answers.update(value=instrument.scale.max)
    assert figures() == low
    assert "0." in low  # alpha and omega are on the page
