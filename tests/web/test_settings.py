"""Account settings: each field changes; the email only after its link; email and password
need a recent password; signing out everywhere else ends the other sessions only."""

from __future__ import annotations

import re
import time

from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client

from interdep.accounts import sessions
from interdep.checkins import services as checkin_services
from interdep.preferences.services import preferences_of

from .conftest import PASSWORD


def log_in(client, person):
    """A real log-in through the form (django-axes wants the request)."""
    response = client.post("/accounts/login/", {"email": person.email, "password": PASSWORD})
    assert response.status_code == 302


def post(client, section, **data):
    return client.post("/settings/", {"section": section, **data})


def test_the_page_lists_a_short_grouped_zone_list_without_factory_or_localtime(client, alice):
    client.force_login(alice)
    page = client.get("/settings/").content.decode()
    assert page.count("<option") < 80
    assert '<optgroup label="Europe">' in page and "Factory" not in page and "localtime" not in page
    assert "data-browser-zone" in page  # preselected from the browser when none is saved


def test_name_and_time_zone_change_and_reminders_follow_the_zone(client, alice):
    checkin_services.schedule_save(person=alice, times=["09:00"], tz="UTC")
    client.force_login(alice)
    assert post(client, "name", display_name="  Ali  ").status_code == 302
    assert post(client, "tz", tz="Asia/Tokyo").status_code == 302
    alice.refresh_from_db()
    assert alice.display_name == "Ali"
    assert preferences_of(alice).tz == "Asia/Tokyo"
    assert alice.checkin_schedule.tz == "Asia/Tokyo"
    bad = post(client, "tz", tz="Factory")
    assert bad.status_code == 200 and b"Choose a time zone from the list." in bad.content
    assert preferences_of(alice).tz == "Asia/Tokyo"


def test_channels_change_and_reminders_can_go_by_push(client, alice):
    checkin_services.schedule_save(person=alice, times=["09:00"], tz="UTC")
    client.force_login(alice)
    assert post(client, "channels", notify_push="on", reminders="push").status_code == 302
    prefs = preferences_of(alice)
    assert prefs.notify_push and not prefs.notify_email
    alice.checkin_schedule.refresh_from_db()
    assert alice.checkin_schedule.channel == "push"


def test_a_new_email_takes_effect_only_through_its_link_and_only_once(
    client, alice, django_capture_on_commit_callbacks
):
    log_in(client, alice)  # a real log-in: the password was just entered
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, "email", new_email="alice.new@example.org").status_code == 302
    alice.refresh_from_db()
    assert alice.email == "alice-private@example.org"
    [message] = mail.outbox
    assert message.to == ["alice.new@example.org"]
    path = re.search(r"https?://[^/\s]+(/settings/email/\S+/)", message.body).group(1)
    assert client.get(path).status_code == 200  # a mail scanner's GET changes nothing
    alice.refresh_from_db()
    assert alice.email == "alice-private@example.org"
    assert client.post(path).status_code == 302
    alice.refresh_from_db()
    assert alice.email == "alice.new@example.org"
    again = client.post(path)
    assert again.status_code == 400
    assert "This link was used already" in again.content.decode()


def test_without_a_recent_password_the_email_change_asks_for_it(
    client, alice, settings, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    session = client.session
    session[sessions.REAUTH_AT] = int(time.time()) - settings.REAUTH_SECONDS - 5
    session.save()
    page = client.get("/settings/").content.decode()
    assert 'name="current_password"' in page.split('id="password"')[0]  # in the email form
    refused = post(client, "email", new_email="x@example.org")
    assert refused.status_code == 200 and b"Enter your current password" in refused.content
    assert mail.outbox == []
    wrong = post(client, "email", new_email="x@example.org", current_password="nope")
    assert b"Enter your current password" in wrong.content and mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        ok = post(client, "email", new_email="x@example.org", current_password=PASSWORD)
    assert ok.status_code == 302 and len(mail.outbox) == 1


def test_the_password_changes_with_the_current_one_and_other_devices_are_signed_out(alice):
    here, there = Client(), Client()
    log_in(here, alice)
    log_in(there, alice)
    wrong = post(here, "password", current_password="nope", new_password="a new long pass 42")
    assert b"Your current password is not right." in wrong.content
    weak = post(here, "password", current_password=PASSWORD, new_password="short")
    assert weak.status_code == 200 and b"too short" in weak.content
    ok = post(here, "password", current_password=PASSWORD, new_password="a new long pass 42")
    assert ok.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("a new long pass 42")
    assert here.get("/settings/").status_code == 200  # still signed in here
    assert there.get("/settings/").status_code == 302  # the other device is out


def test_sign_out_everywhere_else_keeps_this_session_only(alice, bob):
    here, there, elsewhere, bobs = Client(), Client(), Client(), Client()
    for c in (here, there, elsewhere):
        log_in(c, alice)
    log_in(bobs, bob)
    assert Session.objects.count() == 4
    response = post(here, "signout")
    assert response.status_code == 302
    assert here.get("/settings/").status_code == 200
    assert there.get("/settings/").status_code == 302
    assert elsewhere.get("/settings/").status_code == 302
    assert bobs.get("/settings/").status_code == 200  # someone else's sessions are untouched


def test_an_unknown_section_changes_nothing(client, alice):
    client.force_login(alice)
    assert post(client, "is_staff", value="1").status_code == 302
    alice.refresh_from_db()
    assert not alice.is_staff


def test_the_guide_can_be_skipped(client, alice):
    client.force_login(alice)
    assert "Getting started" in client.get("/").content.decode()
    assert client.post("/settings/guide/skip/").status_code == 302
    assert "Getting started" not in client.get("/").content.decode()
