"""Linking, unlinking and consent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from interdep.access.assessments import latest_submitted
from interdep.access.core import active_membership, couple_report_access, partner_membership
from interdep.couples import services
from interdep.couples.models import Invite, Membership
from interdep.lib.errors import ServiceError

from .conftest import link, make_person, submit


def test_an_invite_links_two_people(alice, bob):
    invite = services.invite_create(person=alice)
    services.couple_join(person=bob, code=invite.code.lower().replace("-", " "))
    assert partner_membership(active_membership(alice)).person == bob
    assert partner_membership(active_membership(bob)).person == alice


def test_an_invite_works_only_once(alice, bob, db):
    carol = make_person("Carol")
    invite = services.invite_create(person=alice)
    services.couple_join(person=bob, code=invite.code)
    with pytest.raises(ServiceError) as caught:
        services.couple_join(person=carol, code=invite.code)
    assert caught.value.code == "invalid_code"


def test_an_invite_expires_after_seven_days(alice, bob):
    invite = services.invite_create(person=alice)
    assert timedelta(days=6, hours=23) < invite.expires_at - timezone.now() <= timedelta(days=7)
    Invite.objects.filter(pk=invite.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ServiceError):
        services.couple_join(person=bob, code=invite.code)


def test_nobody_can_join_their_own_invite(alice):
    invite = services.invite_create(person=alice)
    with pytest.raises(ServiceError) as caught:
        services.couple_join(person=alice, code=invite.code)
    assert caught.value.code == "own_code"


def test_a_person_has_at_most_one_active_couple(alice, bob, couple, db):
    carol = make_person("Carol")
    with pytest.raises(ServiceError):
        services.invite_create(person=alice)
    invite = services.invite_create(person=carol)
    with pytest.raises(ServiceError) as caught:
        services.couple_join(person=bob, code=invite.code)
    assert caught.value.code == "already_linked"
    assert Membership.objects.filter(person=bob, left_at__isnull=True).count() == 1


def test_unlinking_ends_the_couple_for_both_and_keeps_each_ones_data(alice, bob, shared_couple):
    assert couple_report_access(bob).allowed
    services.couple_unlink(person=alice)
    assert active_membership(alice) is None
    assert active_membership(bob) is None
    assert not couple_report_access(bob).allowed
    assert latest_submitted(alice) is not None
    assert latest_submitted(bob) is not None


def test_after_unlinking_both_can_link_again_with_someone_else(alice, bob, couple, db):
    services.couple_unlink(person=bob)
    carol = make_person("Carol")
    link(carol, alice)
    assert partner_membership(active_membership(alice)).person == carol


def test_the_couple_report_needs_both_submitted_and_both_sharing(alice, bob, couple):
    assert couple_report_access(alice).reason == "you_not_submitted"
    submit(alice)
    assert couple_report_access(alice).reason == "partner_not_submitted"
    submit(bob, seed=3)
    assert couple_report_access(alice).reason == "you_not_sharing"
    services.consent_set(person=alice, share=True)
    assert couple_report_access(alice).reason == "partner_not_sharing"
    assert couple_report_access(bob).reason == "you_not_sharing"
    services.consent_set(person=bob, share=True)
    assert couple_report_access(alice).allowed
    assert couple_report_access(bob).allowed


def test_withdrawing_consent_removes_the_report_for_both(alice, bob, shared_couple):
    services.consent_set(person=bob, share=False)
    assert not couple_report_access(alice).allowed
    assert not couple_report_access(bob).allowed
    shared_couple.refresh_from_db()
    assert shared_couple.report_ready_at is None


def test_the_couple_page_offers_an_invite_code_and_the_link_joins(client, alice, bob):
    client.force_login(alice)
    client.post("/couple/invite/")
    code = services.open_invite(alice).code
    assert code in client.get("/couple/").content.decode()
    client.force_login(bob)
    response = client.get(f"/couple/join/?code={code}")
    assert response.status_code == 302 and code in response["Location"]
    client.post("/couple/join/", {"code": code})
    assert active_membership(bob) is not None


def test_guessing_codes_is_paused_after_ten_wrong_ones(alice, bob):
    from django.core.cache import cache

    cache.clear()
    code = services.invite_create(person=alice).code
    for _ in range(services.JOIN_FAILURES_PER_HOUR):
        with pytest.raises(ServiceError):
            services.couple_join(person=bob, code="AAAA-AAAA")
    with pytest.raises(ServiceError) as caught:
        services.couple_join(person=bob, code=code)
    assert caught.value.code == "too_many_attempts" and caught.value.status == 429
    cache.clear()
    services.couple_join(person=bob, code=code)


def test_the_report_ready_email_says_nothing_but_that(alice, bob, shared_couple):
    from django.core import mail

    from interdep.couples.tasks import notify_couple_report_ready

    assert notify_couple_report_ready.call(shared_couple.pk) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([alice.email, bob.email])
    for message in mail.outbox:
        assert "Alice" not in message.body and "Bob" not in message.body
        # a link to the couple page built from SITE_URL (no ids in it), and no number besides
        link = f"{settings.SITE_URL}/couple/"
        assert link in message.body
        assert not any(ch.isdigit() for ch in message.body.replace(link, ""))


def test_the_couple_page_says_each_thing_about_sharing_once(client, alice, bob, couple):
    submit(alice)
    submit(bob)
    services.consent_set(person=alice, share=True)
    client.force_login(alice)
    page = client.get("/couple/").content.decode()
    assert "Waiting for Bob to say yes too." in page
    assert "not sharing a couple report" not in page and "withdrawn" not in page


def test_the_invite_link_is_the_address_the_page_was_opened_at(client, alice, settings):
    client.force_login(alice)
    client.post("/couple/invite/")
    code = services.open_invite(alice).code
    page = client.get("/couple/", HTTP_HOST="127.0.0.1:8601").content.decode()
    assert f"http://127.0.0.1:8601/couple/join/?code={code}" in page
    settings.PRODUCTION, settings.SITE_URL = True, "https://interdep.example"
    page = client.get("/couple/", HTTP_HOST="127.0.0.1:8601").content.decode()
    assert f"https://interdep.example/couple/join/?code={code}" in page
