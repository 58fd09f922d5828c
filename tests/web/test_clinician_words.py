"""A clinician's couple page speaks about the couple (third person), never to them."""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone

from interdep.checkins.demo import couple_checkins

from .clinic_helpers import grant_by_both, make_clinician

SECOND_PERSON = re.compile(r"\b(you|your|yours|yourself)\b", re.IGNORECASE)


def test_the_clinicians_couple_page_says_them_and_their(client, alice, bob, shared_couple):
    doctor, profile = make_clinician("Dr Q")
    grant_by_both(alice, bob, profile)
    now = timezone.now()
    couple_checkins(
        alice,
        bob,
        first_day=(now - timedelta(days=20)).date(),
        days=21,
        until=now - timedelta(minutes=30),
    )
    client.force_login(doctor)
    html = client.get(f"/clinic/couples/{shared_couple.pk}/").content.decode()
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    text = " ".join(re.sub(r"<[^>]+>", " ", main).split())
    text = text.replace("A life of your own", "")  # an area's name, not an address
    assert "between them" in text or "their mood" in text  # the dynamics sentences are there
    assert SECOND_PERSON.findall(text) == [], SECOND_PERSON.findall(text)
    # ...while the couple's own view still speaks to them
    client.force_login(alice)
    own = client.get("/checkins/together/").content.decode()
    assert "between you" in own or "your mood" in own
