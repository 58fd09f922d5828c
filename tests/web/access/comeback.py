"""Coming back: notifications and push, account settings, the installable app and site pages.

Everything here is the signed-in person's own (notifications, settings, their devices) or
public (manifest, service worker, privacy notice, terms, the unsubscribe and email-confirm
pages, which act only through a signed token)."""

from . import Case, every, signed_in

SUBSCRIPTION = {
    "endpoint": "https://push.example.org/send/device-1",
    "keys": {"p256dh": "BOr-not-a-real-key", "auth": "c2VjcmV0"},
}

CASES: dict[str, Case] = {
    "notifications": Case("GET", "/notifications/", signed_in(200)),
    "notifications_badge": Case("GET", "/notifications/badge/", signed_in(200)),
    "notifications_recent": Case("GET", "/notifications/recent/", signed_in(200)),
    "push_subscribe": Case(
        "POST", "/notifications/push/subscribe/", signed_in(201), SUBSCRIPTION, json=True
    ),
    "push_unsubscribe": Case(
        "POST",
        "/notifications/push/unsubscribe/",
        signed_in(200),
        {"endpoint": SUBSCRIPTION["endpoint"]},
        json=True,
    ),
    "push_key": Case("GET", "/notifications/push/key/", every(200)),
    "notifications_unsubscribe": Case(
        "GET", "/notifications/unsubscribe/{unsubscribe_token}/", every(200)
    ),
    "settings": Case("GET", "/settings/", signed_in(200)),
    "email_confirm": Case("GET", "/settings/email/not-a-token/", every(200)),
    "guide_skip": Case("POST", "/settings/guide/skip/", signed_in(302)),
    "manifest": Case("GET", "/manifest.webmanifest", every(200)),
    "service_worker": Case("GET", "/sw.js", every(200)),
    "offline": Case("GET", "/offline/", every(200)),
    "favicon": Case("GET", "/favicon.ico", every(200)),
    "privacy": Case("GET", "/privacy/", every(200)),
    "terms": Case("GET", "/terms/", every(200)),
}


def extend_world(world):
    from interdep.notifications.services import unsubscribe_token

    world["ids"]["unsubscribe_token"] = unsubscribe_token(world["people"]["self"])
