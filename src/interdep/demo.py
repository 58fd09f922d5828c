"""A demo couple for trying the application: linked, both assessments submitted, both sharing.

Answers are drawn from a fixed seed so the demo looks the same every time; no safety item is
answered on its worrying side (the demo shows the ordinary journey).
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from interdep.access.core import couple_report_access
from interdep.assessments import services as assessment_services
from interdep.checkins.demo import demo_checkins
from interdep.clinic import services as clinic_services
from interdep.couples import services as couple_services
from interdep.couples.models import Couple, Membership
from interdep.plans.demo import demo_practice
from interdep.science.instrument import load_instrument


def demo_answers(seed: int, *, lean: float) -> dict[str, int]:
    """Plausible answers: mostly agreeing with healthy-pole items; ``lean`` shifts how much."""
    instrument = load_instrument()
    rng = random.Random(seed)
    answers = {}
    for item in instrument.items:
        healthy = rng.choice((3, 4, 4, 5)) if rng.random() < lean else rng.choice((2, 3, 3, 4))
        value = healthy if not item.reverse_keyed else instrument.scale.reverse(healthy)
        if item.safety:
            value = instrument.scale.min if item.reverse_keyed else instrument.scale.max
        answers[item.id] = int(value)
    return answers


@transaction.atomic
def demo_couple_create(*, people, password: str):
    """Create (or recreate) the demo couple; returns the two users."""
    User = get_user_model()
    users = []
    for name, email in people:
        User.objects.filter(email=email).delete()
        users.append(User.objects.create_user(email=email, password=password, display_name=name))
    a, b = users
    invite = couple_services.invite_create(person=a)
    couple_services.couple_join(person=b, code=invite.code)
    for k, user in enumerate(users):
        assessment_services.answers_save(
            person=user, answers=demo_answers(7 + k, lean=0.8 if k == 0 else 0.55)
        )
        assessment_services.assessment_submit(person=user)
        couple_services.consent_set(person=user, share=True)
    assert couple_report_access(a).allowed
    demo_checkins(a, b)
    demo_practice(a, b)
    _date_the_story(users, days=DEMO_HISTORY_DAYS)
    return users


#: How long ago the demo couple joined and linked: before their three weeks of check-ins and
#: four weeks of practice, so every "since" and "of the days since you joined" agrees.
DEMO_HISTORY_DAYS = 35


def _date_the_story(users, *, days: int) -> None:
    """Move the demo couple's joining and linking back ``days`` days (the rows are created now,
    their check-ins and practice weeks lie in the past)."""
    began = timezone.now() - timedelta(days=days)
    get_user_model().objects.filter(pk__in=[u.pk for u in users]).update(date_joined=began)
    for user in users:
        user.date_joined = began
    memberships = Membership.objects.filter(person__in=users, left_at__isnull=True)
    Couple.objects.filter(pk__in=memberships.values("couple_id")).update(created_at=began)
    memberships.update(joined_at=began)


def demo_clinician_create(*, couple_people, name: str, email: str, password: str):
    """A verified demo clinician whom the demo couple have both granted access (reports and
    dynamics), so the caseload, the couple page and the PDF export can be seen."""
    User = get_user_model()
    User.objects.filter(email__in=[email, "demo-staff@example.com"]).delete()
    clinician = User.objects.create_user(email=email, password=password, display_name=name)
    staff = User.objects.create_user(
        email="demo-staff@example.com", password=None, display_name="Demo staff", is_staff=True
    )
    profile = clinic_services.clinician_apply(
        person=clinician, professional_name=name, registration="DEMO-0001"
    )
    profile = clinic_services.clinician_verify(profile=profile, staff=staff)
    a, b = couple_people
    grant = clinic_services.grant_propose(person=a, code=profile.code, reports=True, dynamics=True)
    clinic_services.grant_agree(person=b, grant_id=grant.pk)
    return clinician
