"""Reports computed once (interdep.assessments.report_cache): the same page warm or cold, ready
after a submit, never another person's entry, and gone at once when consent goes."""

from __future__ import annotations

import copy
import re

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from interdep.access.core import couple_report_access
from interdep.accounts.services import user_delete
from interdep.assessments import report_cache, selectors
from interdep.assessments.models import Assessment
from interdep.couples import services as couple_services
from interdep.demo import demo_answers

from .access import ROLES
from .conftest import SAFETY_RAISING, submit
from .test_access_matrix import MATRIX, _request, build_world
from .test_safety_differential import body_of

_CSRF = re.compile(rb"\b[A-Za-z0-9]{64}\b")  # Django's masked CSRF token, new on every page


def _page(client, url) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return _CSRF.sub(b"<csrf>", response.content)


def _run_queued_tasks() -> int:
    ran = 0
    for result in DBTaskResult.objects.filter(status=TaskResultStatus.READY).order_by(
        "enqueued_at"
    ):
        result.task.call(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
        result.delete()
        ran += 1
    return ran


def _urls(alice, couple) -> list[str]:
    latest = selectors.history(alice)[0]
    return [
        f"/report/{latest.pk}/",
        f"/couple/{couple.pk}/report/",
        "/api/v1/reports/couple",
    ]


def test_a_kept_report_is_the_page_computed_afresh(client, alice, bob, shared_couple):
    """Cold (computed in the request), warm (read back) and prepared by the task worker (no
    request at all): the same bytes, for the private report, the couple report and the API."""
    client.force_login(alice)
    urls = _urls(alice, shared_couple)
    cold = [_page(client, url) for url in urls]
    assert cache.get(report_cache.private_key(selectors.history(alice)[0])) is not None
    warm = [_page(client, url) for url in urls]
    cache.clear()
    report_cache.private_report(selectors.history(alice)[0])
    report_cache.prepare_couple(couple_report_access(alice))
    prepared = [_page(client, url) for url in urls]
    assert cold == warm == prepared
    assert b"Your report" in cold[0] and b"You and Bob" in cold[1] and b"pattern" in cold[2]


def test_the_first_view_after_a_submit_reads_no_answer(
    client, alice, bob, couple, django_capture_on_commit_callbacks
):
    """The task queued at submit (and at the yes that makes the couple report) computes the
    reports, so the first view reads them back: not one answer is loaded, nothing is drawn."""
    submit(bob, seed=2, lean=0.5)
    with django_capture_on_commit_callbacks(execute=True):
        submit(alice, seed=1, lean=0.8)
        couple_services.consent_set(person=alice, share=True)
        couple_services.consent_set(person=bob, share=True)
    assert _run_queued_tasks() >= 2
    client.force_login(alice)
    for url in _urls(alice, couple):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        sql = " ".join(q["sql"] for q in queries.captured_queries)
        assert "assessments_answer" not in sql, url
    client.force_login(bob)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/couple/{couple.pk}/report/").status_code == 200
    assert "assessments_answer" not in " ".join(q["sql"] for q in queries.captured_queries)


def test_withdrawing_removes_the_couple_report_at_once_with_a_warm_cache(
    client, alice, bob, shared_couple, django_capture_on_commit_callbacks
):
    before = couple_report_access(alice)
    report_cache.prepare_couple(before)
    keys = [report_cache.couple_page_key(before), report_cache.couple_api_key(before)]
    keys += [
        report_cache.couple_page_key(couple_report_access(bob)),
        report_cache.couple_api_key(couple_report_access(bob)),
    ]
    assert all(cache.get(k) is not None for k in keys) and len(set(keys)) == 4
    # Before the after-commit clean-up runs, the entries are still there; the report is not.
    with django_capture_on_commit_callbacks() as after_commit:
        couple_services.consent_set(person=alice, share=False)
    assert all(cache.get(k) is not None for k in keys)
    for person in (alice, bob):
        client.force_login(person)
        for url in (
            f"/couple/{shared_couple.pk}/report/",
            f"/couple/{shared_couple.pk}/report.pdf",
        ):
            response = client.get(url)
            assert response.status_code == 403, url
            assert b"No couple report right now" in response.content
        assert client.get("/api/v1/reports/couple").status_code == 403
    for callback in after_commit:  # then both partners' entries are deleted
        callback()
    assert all(cache.get(k) is None for k in keys)
    # Saying yes again makes new keys (the consent's time is part of them).
    couple_services.consent_set(person=alice, share=True)
    assert report_cache.couple_page_key(couple_report_access(alice)) not in keys
    assert report_cache.couple_page_key(couple_report_access(bob)) not in keys


def test_a_retake_a_new_name_and_an_unlink_change_the_couple_report(
    client, alice, bob, shared_couple, django_capture_on_commit_callbacks
):
    client.force_login(bob)
    url = f"/couple/{shared_couple.pk}/report/"
    first = _page(client, url)
    alice.display_name = "Alicia"  # a new name is a new key: the warm entry is not shown
    alice.save(update_fields=["display_name"])
    renamed = _page(client, url)
    assert b"You and Alice<" in first and b"You and Alicia<" in renamed
    old_key = report_cache.couple_page_key(couple_report_access(bob))
    assert cache.get(old_key) is not None
    with django_capture_on_commit_callbacks(execute=True):
        submit(alice, seed=9, lean=0.2)  # a retake: the couple report reads the new answers
    assert cache.get(old_key) is None
    assert _page(client, url) != renamed
    access = couple_report_access(bob)
    report_cache.prepare_couple(access)
    with django_capture_on_commit_callbacks(execute=True):
        couple_services.couple_unlink(person=bob)
    assert cache.get(report_cache.couple_page_key(access)) is None
    assert client.get(url).status_code == 404


def test_erasing_an_account_deletes_its_kept_reports(alice, bob, shared_couple):
    assessment = selectors.history(alice)[0]
    report_cache.private_report(assessment)
    key = report_cache.private_key(assessment)
    assert cache.get(key) is not None
    user_delete(user=alice)
    assert cache.get(key) is None


def test_keys_name_the_role_the_viewer_and_the_code():
    assert report_cache.code_fingerprint() == report_cache.code_fingerprint()
    assert len(report_cache.code_fingerprint()) == 16
    assert report_cache._key("self", 1, 2) != report_cache._key("partner-page", 1, 2)
    assert report_cache._key("self", 1, 2) != report_cache._key("self", 2, 1)


# ---------------------------------------------------------------------------------------------
# Nobody but the owner ever receives the owner's kept private report, nor the partner their
# partner's copy of the couple report: every route, every other role, with a planted cache.
# ---------------------------------------------------------------------------------------------

PRIVATE_MARK = "PRIVATE-REPORT-OF-ALICE-ONLY"
ALICE_COUPLE_MARK = "COUPLE-REPORT-AS-ALICE-READS-IT"
ALICE_API_MARK = "COUPLE-API-AS-ALICE-READS-IT"


def _plant(world) -> list[str]:
    """Alice's kept entries replaced by marked ones (the keys her own pages read); returns the
    keys so the test can check her pages do show the marks."""
    alice = world["people"]["self"]
    assessment = Assessment.objects.get(pk=world["ids"]["assessment"])
    access = couple_report_access(alice)
    assert access.allowed
    keys = [
        report_cache.private_key(assessment),
        report_cache.couple_page_key(access),
        report_cache.couple_api_key(access),
    ]
    cache.set(keys[0], {"body": PRIVATE_MARK, "next_step": None, "quiet_support": False})
    cache.set(keys[1], {"body": ALICE_COUPLE_MARK, "next_step": "x", "partner_name": "Bob"})
    cache.set(keys[2], {"pattern": ALICE_API_MARK})
    return keys


@pytest.mark.django_db(transaction=False)
def test_no_other_role_ever_receives_alices_kept_reports():
    marks = (PRIVATE_MARK, ALICE_COUPLE_MARK, ALICE_API_MARK)
    with transaction.atomic():
        cache.clear()
        world = build_world({**demo_answers(11, lean=0.8), **SAFETY_RAISING})
        ids = world["ids"]
        _plant(world)
        own = Client()
        own.force_login(world["people"]["self"])
        # Not vacuous: the planted entries are the ones Alice's own pages read.
        assert PRIVATE_MARK in own.get(f"/report/{ids['assessment']}/").content.decode()
        assert ALICE_COUPLE_MARK in own.get(f"/couple/{ids['couple']}/report/").content.decode()
        assert ALICE_API_MARK in own.get("/api/v1/reports/couple").content.decode()
        leaks, asked = [], 0
        for role in (r for r in ROLES if r != "self"):
            client = Client()
            actor = world["people"].get(role)
            if actor is not None:
                client.force_login(actor)
            signed_in = copy.deepcopy(client.cookies)
            for route in sorted(MATRIX):
                with transaction.atomic():
                    client.cookies = copy.deepcopy(signed_in)
                    response = _request(client, MATRIX[route], ids)
                    body = body_of(response).decode("utf-8", errors="replace")
                    asked += 1
                    leaks += [f"{role} <- {route}: {m}" for m in marks if m in body]
                    transaction.set_rollback(True)
            # The partner's own couple report is there, and it is theirs.
            if role == "partner":
                mine = client.get(f"/couple/{ids['couple']}/report/")
                assert mine.status_code == 200 and b"You and Alice" in mine.content
        transaction.set_rollback(True)
    assert asked == (len(ROLES) - 1) * len(MATRIX)
    assert not leaks, "\n".join(leaks)
