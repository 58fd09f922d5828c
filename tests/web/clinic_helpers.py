"""People and steps shared by the clinician and data-rights tests."""

from __future__ import annotations

from interdep.clinic import services as clinic_services

from .conftest import make_person


def make_clinician(name: str = "Dr Quoll", *, verified: bool = True, staff=None):
    person = make_person(name)
    profile = clinic_services.clinician_apply(
        person=person, professional_name=name, registration=f"HCPC PYL{person.pk:05d}"
    )
    if verified:
        staff = staff or make_person(f"Staff for {name}", is_staff=True)
        profile = clinic_services.clinician_verify(profile=profile, staff=staff)
    return person, profile


def grant_by_both(a, b, profile, **scope):
    grant = clinic_services.grant_propose(person=a, code=profile.code, **scope)
    return clinic_services.grant_agree(person=b, grant_id=grant.pk)
