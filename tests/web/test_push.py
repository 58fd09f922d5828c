"""Web Push for real, against a push service on loopback: pywebpush posts, the receiver checks
the VAPID signature and decrypts the payload the way a phone would."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.core import mail

from interdep.notifications import push, services
from interdep.notifications.models import Notification, PushSubscription
from interdep.preferences.services import preferences_of

from .push_receiver import PushService, b64url, unb64url


@pytest.fixture
def vapid_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.VAPID_PRIVATE_KEY = ""
    push.reset_key_cache()
    yield tmp_path
    push.reset_key_cache()


@pytest.fixture
def service():
    with PushService() as running:
        yield running


def subscribe(person, device):
    sub = device.subscription()
    return services.subscription_save(
        person=person,
        endpoint=sub["endpoint"],
        p256dh=sub["keys"]["p256dh"],
        auth=sub["keys"]["auth"],
    )


def test_the_key_is_made_once_kept_in_the_data_folder_and_read_back(vapid_in_tmp):
    first = push.application_server_key()
    assert (vapid_in_tmp / "vapid_private.pem").read_bytes().startswith(b"-----BEGIN")
    push.reset_key_cache()
    assert push.application_server_key() == first  # a restart keeps every subscription valid
    raw = unb64url(first)
    assert len(raw) == 65 and raw[0] == 4  # an uncompressed P-256 point, as browsers want it


def test_a_key_from_settings_wins_over_the_data_folder(settings, vapid_in_tmp):
    from py_vapid import Vapid02

    key = Vapid02()
    key.generate_keys()
    settings.VAPID_PRIVATE_KEY = key.private_pem().decode()
    push.reset_key_cache()
    expected = key.public_key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    assert push.application_server_key() == b64url(expected)
    assert not (vapid_in_tmp / "vapid_private.pem").exists()


def test_a_push_arrives_signed_and_decrypts_to_a_message_without_anything_private(
    vapid_in_tmp, service, alice, bob, couple
):
    phone = service.device("alice-phone")
    subscribe(alice, phone)
    note = services.notify(
        person=alice, kind="encouragement", text="Bob sent you encouragement.", link="/practice/"
    )
    assert services.deliver(notification_id=note.pk) == "push"
    assert service.errors == []
    [delivery] = service.deliveries
    assert delivery.vapid_key == push.application_server_key()
    assert delivery.jwt_claims["aud"] == service.origin
    assert delivery.payload["body"] == "Something new is waiting for you."
    assert delivery.payload["url"] == "/notifications/"
    text = str(delivery.payload)
    for private in ("Bob", "Alice", "encouragement", "practice"):
        assert private not in text
    assert mail.outbox == []  # push reached a device: no email on top
    assert Notification.objects.get(pk=note.pk).delivered_by == "push"


def test_a_gone_device_is_forgotten_and_email_takes_over(vapid_in_tmp, service, alice):
    subscribe(alice, service.device("gone-old-phone"))
    note = services.notify(person=alice, kind="consent_yes", text="Bob said yes.", link="/couple/")
    assert services.deliver(notification_id=note.pk) == "email"
    assert not PushSubscription.objects.filter(person=alice).exists()
    [message] = mail.outbox
    assert "Bob" not in message.body and "yes" not in message.subject.lower()


def test_with_push_off_a_person_gets_email_and_with_both_off_nothing(vapid_in_tmp, service, alice):
    subscribe(alice, service.device("alice-laptop"))
    prefs = preferences_of(alice)
    prefs.notify_push = False
    prefs.save()
    note = services.notify(person=alice, kind="consent_no", text="x")
    assert services.deliver(notification_id=note.pk) == "email"
    assert service.deliveries == []
    prefs.notify_email = False
    prefs.save()
    other = services.notify(person=alice, kind="consent_no", text="y")
    assert services.deliver(notification_id=other.pk) == "none"
    assert len(mail.outbox) == 1


def test_reminders_by_push_say_only_that_it_is_time(vapid_in_tmp, service, alice):
    from interdep.checkins.channels import channel_named

    subscribe(alice, service.device("alice-phone"))
    assert channel_named("push").deliver(person=alice, check_in_url="http://x/checkins/")
    [delivery] = service.deliveries
    assert delivery.payload["url"] == "/checkins/"
    assert "check in" in delivery.payload["body"]
    assert delivery.ttl == "3600"


def test_the_same_device_subscribing_again_keeps_one_subscription(client, alice):
    client.force_login(alice)
    body = {"endpoint": "https://push.example.org/abc", "keys": {"p256dh": "k1", "auth": "a1"}}
    assert (
        client.post("/notifications/push/subscribe/", body, "application/json").status_code == 201
    )
    body["keys"] = {"p256dh": "k2", "auth": "a2"}
    assert (
        client.post("/notifications/push/subscribe/", body, "application/json").status_code == 201
    )
    [sub] = PushSubscription.objects.filter(person=alice)
    assert sub.p256dh == "k2"
    response = client.post(
        "/notifications/push/unsubscribe/", {"endpoint": body["endpoint"]}, "application/json"
    )
    assert response.json() == {"deleted": 1}
    assert not PushSubscription.objects.exists()


def test_a_subscription_without_keys_is_refused(client, alice):
    client.force_login(alice)
    response = client.post(
        "/notifications/push/subscribe/", {"endpoint": "https://p.example/x"}, "application/json"
    )
    assert response.status_code == 422
    assert (
        client.post("/notifications/push/subscribe/", "nope", "application/json").status_code == 400
    )
