"""Create the load test's couples through the app's own services (run by bench/load/run.py in the
servers' environment): each couple linked, both assessments answered and submitted (answers of
their own, so no two reports are alike), both saying yes to the couple report.

Usage: python bench/load/setup_couples.py COUPLES OUT.json [SHARD SHARDS]
(couples i with i % SHARDS == SHARD; the guesser comes with shard 0)
"""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interdep.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402 (after django.setup())
from django.contrib.auth.hashers import make_password  # noqa: E402 (after django.setup())

from interdep.assessments import services as assessment_services  # noqa: E402 (after django.setup())
from interdep.couples import services as couple_services  # noqa: E402 (after django.setup())
from interdep.demo import demo_answers  # noqa: E402 (after django.setup())

PASSWORD = "load-test-couple-2024"


def main() -> None:
    couples, out = int(sys.argv[1]), sys.argv[2]
    shard, shards = (int(sys.argv[3]), int(sys.argv[4])) if len(sys.argv) > 4 else (0, 1)
    User = get_user_model()
    # One Argon2 hash for everyone (hashing 400 times would be most of the setup); logging in
    # still checks it with Argon2, as for anybody.
    hashed = make_password(PASSWORD)
    made = []
    for i in range(shard, couples, shards):
        a, b = (
            User.objects.create_user(
                email=f"couple{i}-{who}@example.org", password=None, display_name=f"{who}{i}"
            )
            for who in ("a", "b")
        )
        User.objects.filter(pk__in=(a.pk, b.pk)).update(password=hashed)
        invite = couple_services.invite_create(person=a)
        couple = couple_services.couple_join(person=b, code=invite.code)
        assessments = []
        for k, person in enumerate((a, b)):
            assessment_services.answers_save(
                person=person, answers=demo_answers(1000 + 2 * i + k, lean=0.5 + 0.4 * (i % 7) / 6)
            )
            assessments.append(assessment_services.assessment_submit(person=person).pk)
            couple_services.consent_set(person=person, share=True)
        made.append(
            {
                "couple": couple.pk,
                "people": [
                    {"email": p.email, "assessment": aid}
                    for p, aid in zip((a, b), assessments, strict=True)
                ],
            }
        )
    if shard == 0:
        User.objects.create_user(
            email="guesser@example.org", password=PASSWORD, display_name="Guesser"
        )
    with open(out, "w") as handle:
        json.dump({"password": PASSWORD, "couples": made, "guesser": "guesser@example.org"}, handle)


if __name__ == "__main__":
    main()
