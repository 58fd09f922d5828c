"""Clinicians: verified by staff, granted by each partner, revoked by either at once; the caseload,
a couple's page, PDF and CSV exports, and the couple's append-only log of who saw what, when."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from interdep.assessments import selectors as assessment_selectors
from interdep.assessments.models import Assessment
from interdep.clinic import services as clinic_services
from interdep.clinic.models import AuditEvent, Grant
from interdep.couples import services as couple_services
from interdep.demo import demo_answers

from .clinic_helpers import grant_by_both, make_clinician
from .conftest import SAFETY_RAISING, SAFETY_WORDS, link, make_person, submit


@pytest.fixture
def clinician(db):
    return make_clinician("Dr Quoll")


def _see(client, person, couple_id):
    client.force_login(person)
    return client.get(f"/clinic/couples/{couple_id}/")


# ---------------------------------------------------------------------------------------------
# Who is a clinician
# ---------------------------------------------------------------------------------------------


def test_a_self_declared_clinician_sees_nobody_and_has_no_code(client, alice, bob, shared_couple):
    person, profile = make_clinician("Dr Unchecked", verified=False)
    assert profile.code is None
    with pytest.raises(Exception, match="verified clinician"):
        clinic_services.grant_propose(person=alice, code="DR-ABCDEFGH")
    client.force_login(person)
    page = client.get("/clinic/").content.decode()
    assert "Waiting for verification" in page and "Alice" not in page
    assert client.get(f"/clinic/couples/{shared_couple.pk}/").status_code == 404


def test_staff_verify_a_clinician_in_the_admin_which_is_not_at_slash_admin(client, db, settings):
    person, profile = make_clinician("Dr Pending", verified=False)
    staff = make_person("Staff Echidna", is_staff=True, is_superuser=True)
    assert client.get("/admin/").status_code == 404
    admin_url = f"/{settings.ADMIN_PATH}/clinic/clinicianprofile/"
    client.force_login(person)  # a non-staff person is sent to the admin's login
    assert client.get(admin_url).status_code == 302
    client.force_login(staff)
    listing = client.get(admin_url)
    assert listing.status_code == 200 and "Dr Pending" in listing.content.decode()
    assert person.email not in listing.content.decode()
    client.post(admin_url, {"action": "verify", "_selected_action": [profile.pk]})
    profile.refresh_from_db()
    assert profile.verified and profile.verified_by == staff and profile.code.startswith("DR-")


def test_withdrawing_verification_stops_every_grant_at_once(
    client, alice, bob, shared_couple, clinician
):
    person, profile = clinician
    grant_by_both(alice, bob, profile)
    assert _see(client, person, shared_couple.pk).status_code == 200
    clinic_services.clinician_unverify(profile=profile)
    assert _see(client, person, shared_couple.pk).status_code == 404


# ---------------------------------------------------------------------------------------------
# Grants: each partner agrees, either revokes
# ---------------------------------------------------------------------------------------------


def test_each_partner_must_agree_before_the_clinician_sees_anything(
    client, alice, bob, shared_couple, clinician
):
    person, profile = clinician
    client.force_login(alice)
    client.post(
        "/clinic/access/grant/",
        {"code": profile.code.lower().replace("-", " "), "reports": "on", "dynamics": "on"},
    )
    grant = Grant.objects.get(couple=shared_couple)
    assert grant.active_since is None
    assert _see(client, person, shared_couple.pk).status_code == 404
    assert "Bob" not in client.get("/clinic/").content.decode()
    client.force_login(bob)
    assert "it starts only if you agree too" in client.get("/clinic/access/").content.decode()
    client.post(f"/clinic/access/{grant.pk}/agree/")
    grant.refresh_from_db()
    assert grant.active_since is not None
    page = _see(client, person, shared_couple.pk)
    assert page.status_code == 200 and "Alice and Bob" in page.content.decode()


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_either_partner_revokes_and_access_ends_with_the_next_request(
    client, alice, bob, shared_couple, clinician, who
):
    person, profile = clinician
    grant = grant_by_both(alice, bob, profile)
    assert _see(client, person, shared_couple.pk).status_code == 200
    client.force_login({"alice": alice, "bob": bob}[who])
    client.post(f"/clinic/access/{grant.pk}/revoke/")
    assert _see(client, person, shared_couple.pk).status_code == 404
    assert client.get(f"/clinic/couples/{shared_couple.pk}/report.pdf").status_code == 404
    assert "Alice" not in client.get("/clinic/").content.decode()


def test_unlinking_or_a_partner_deleting_their_account_ends_access(
    client, alice, bob, shared_couple, clinician
):
    person, profile = clinician
    grant_by_both(alice, bob, profile)
    couple_services.couple_unlink(person=bob)
    assert _see(client, person, shared_couple.pk).status_code == 404
    carol, dave = make_person("Carol"), make_person("Dave")
    couple = link(carol, dave)
    grant = grant_by_both(carol, dave, profile)
    assert _see(client, person, couple.pk).status_code == 200
    dave.delete()
    grant.refresh_from_db()
    assert grant.revoked_at is not None
    assert _see(client, person, couple.pk).status_code == 404


def test_another_couples_clinician_sees_nothing_of_this_couple(
    client, alice, bob, shared_couple, clinician
):
    _, profile = clinician
    grant_by_both(alice, bob, profile)
    other, other_profile = make_clinician("Dr Dunnart")
    carol, dave = make_person("Carol"), make_person("Dave")
    link(carol, dave)
    grant_by_both(carol, dave, other_profile)
    assert _see(client, other, shared_couple.pk).status_code == 404
    caseload = client.get("/clinic/").content.decode()
    assert "Carol and Dave" in caseload and "Alice" not in caseload


def test_a_grant_needs_a_linked_couple_and_some_scope(alice, bob, couple, clinician):
    _, profile = clinician
    loner = make_person("Loner")
    with pytest.raises(Exception, match="Link with your partner"):
        clinic_services.grant_propose(person=loner, code=profile.code)
    with pytest.raises(Exception, match="at least one"):
        clinic_services.grant_propose(
            person=alice, code=profile.code, reports=False, dynamics=False
        )


# ---------------------------------------------------------------------------------------------
# What a clinician sees
# ---------------------------------------------------------------------------------------------


def test_the_couple_page_uses_the_couple_report_scores_and_never_a_safety_answer(
    client, alice, bob, couple, clinician
):
    person, profile = clinician
    mine = submit(alice, answers={**demo_answers(11, lean=0.8), **SAFETY_RAISING})
    assert mine.safety_raised
    submit(bob, seed=12, lean=0.5)
    grant_by_both(alice, bob, profile)
    client.force_login(person)
    pages = [
        client.get(f"/clinic/couples/{couple.pk}/").content.decode(),
        client.get("/clinic/").content.decode(),
        client.get(f"/clinic/couples/{couple.pk}/scores.csv").content.decode(),
    ]
    for body in pages:
        for words in SAFETY_WORDS:
            assert words not in body
        assert "support_suggested" not in body and "no_s5" not in body
    rows = list(csv.DictReader(io.StringIO(pages[2])))
    shared = assessment_selectors.shared_person_result(mine, person_id="x")
    alice_row = next(r for r in rows if r["partner"] == "Alice")
    for facet, score in shared.facets.items():
        assert float(alice_row[facet]) == pytest.approx(score, abs=0.005)
    assert {r["partner"] for r in rows} == {"Alice", "Bob"}


def test_the_caseload_reports_reliable_change_since_intake_and_flags_stale_data(
    client, alice, bob, couple, clinician, settings
):
    person, profile = clinician
    submit(alice, seed=1, lean=0.05)
    submit(bob, seed=2, lean=0.5)
    grant_by_both(alice, bob, profile)
    client.force_login(person)
    first = client.get("/clinic/").content.decode()
    assert (
        "no second assessment yet" in first
        and "Data is stale" not in first
        and "improved" not in first
    )
    submit(alice, seed=3, lean=1.0)  # a much healthier retake: reliable improvement on Connection
    page = client.get("/clinic/").content.decode()
    assert "improved" in page
    assert "since intake: no second assessment yet" in page  # Bob has one assessment only
    Assessment.objects.filter(person__in=[alice, bob]).update(
        submitted_at=timezone.now() - timedelta(days=settings.CLINIC_STALE_DAYS + 1)
    )
    assert "Data is stale" in client.get("/clinic/").content.decode()


def test_pdf_export_is_a_real_pdf_of_the_couple_page(client, alice, bob, shared_couple, clinician):
    pypdf = pytest.importorskip("pypdf")
    person, profile = clinician
    grant_by_both(alice, bob, profile)
    client.force_login(person)
    response = client.get(f"/clinic/couples/{shared_couple.pk}/report.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Alice and Bob" in text and "Change since intake" in text and "History" in text
    assert "Export report" not in text  # the page's buttons are not printed
    assert len(reader.pages) >= 2
    images = sum(len(page.images) for page in reader.pages) + sum(
        1 for page in reader.pages for _ in (page.get("/Resources") or {}).get("/XObject", {}) or ()
    )
    assert images >= 1  # the map and the bars came along (as drawings or images)


# ---------------------------------------------------------------------------------------------
# The audit log
# ---------------------------------------------------------------------------------------------


def test_every_view_and_export_is_in_the_couples_log(client, alice, bob, shared_couple, clinician):
    person, profile = clinician
    grant_by_both(alice, bob, profile)
    client.force_login(person)
    client.get("/clinic/")
    client.get(f"/clinic/couples/{shared_couple.pk}/")
    client.get(f"/clinic/couples/{shared_couple.pk}/report.pdf")
    client.get(f"/clinic/couples/{shared_couple.pk}/scores.csv")
    actions = list(
        AuditEvent.objects.filter(couple_id=shared_couple.pk)
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        AuditEvent.GRANT_PROPOSED,
        AuditEvent.GRANT_AGREED,
        AuditEvent.VIEW_CASELOAD,
        AuditEvent.VIEW_COUPLE,
        AuditEvent.EXPORT_PDF,
        AuditEvent.EXPORT_CSV,
    ]
    client.force_login(bob)
    log = client.get("/clinic/access/").content.decode()
    for words in (
        "Exported your report as PDF",
        "Exported your scores as CSV",
        "Opened your couple page",
        "Saw your current pattern in their caseload",
        "Dr Quoll",
    ):
        assert words in log
    assert "Access proposed (Alice)" in log and "Access agreed (You)" in log


def test_the_audit_log_refuses_changes_and_deletions(db, alice, bob, couple, clinician):
    _, profile = clinician
    grant_by_both(alice, bob, profile)
    event = AuditEvent.objects.first()
    event.action = AuditEvent.VIEW_COUPLE
    with pytest.raises(PermissionDenied):
        event.save()
    with pytest.raises(PermissionDenied):
        event.delete()
    with pytest.raises(PermissionDenied):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(PermissionDenied):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(couple_id=couple.pk).count() == 2


def test_clinician_pages_cost_a_fixed_number_of_queries(client, db, django_assert_max_num_queries):
    person, profile = make_clinician("Dr Busy")
    for k in range(4):
        a, b = make_person(f"A{k}"), make_person(f"B{k}")
        couple = link(a, b)
        submit(a, seed=k, lean=0.6)
        submit(b, seed=k + 10, lean=0.6)
        grant_by_both(a, b, profile)
    client.force_login(person)
    with django_assert_max_num_queries(12):
        assert client.get("/clinic/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(f"/clinic/couples/{couple.pk}/").status_code == 200


def test_a_dynamics_grant_shows_the_couples_dynamics_and_never_a_check_in_note(
    client, alice, bob, shared_couple, clinician
):
    from datetime import date

    from interdep.checkins.demo import couple_checkins
    from interdep.checkins.models import CheckIn
    from interdep.checkins.presenters import couple_dynamics_view

    person, profile = clinician
    grant = grant_by_both(alice, bob, profile, reports=True, dynamics=True)
    before = _see(client, person, shared_couple.pk).content.decode()
    assert (
        "Not yet" in before and "on which Alice and Bob both checked in" in before
    )  # about them, not "you"
    couple_checkins(
        alice, bob, first_day=date(2025, 3, 3), days=21, tz="Europe/London", seed=4, skip=0.0
    )
    CheckIn.objects.filter(person=alice).update(
        note=""
    )  # notes are encrypted per row: set one below
    entry = CheckIn.objects.filter(person=alice).first()
    entry.note = "a private worry about work"
    entry.save()
    page = _see(client, person, shared_couple.pk).content.decode()
    assert "Over time" in page and "Not yet" not in page
    # The same numbers the couple sees on their own page, named in the third person.
    couple_view = couple_dynamics_view(alice, figure=False)
    inertia = couple_view.variables[0].result.inertia["You"]
    assert f"{inertia:+.2f}" in page and "Alice" in page
    assert "a private worry about work" not in page
    # Without the dynamics scope, none of it.
    clinic_services.grant_revoke(person=alice, grant_id=grant.pk)
    grant_by_both(alice, bob, profile, reports=True, dynamics=False)
    assert "Over time" not in _see(client, person, shared_couple.pk).content.decode()
