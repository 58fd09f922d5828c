"""Clinicians: the workspace, a couple's page and exports, the couple's grants and log,
and the staff admin (where clinicians are verified, and nothing else is shown).

The clinician roles: "clinician" was granted access by both Alice and Bob; "clinician_revoked"
was granted by both and then Bob revoked it; "clinician_other" is another couple's clinician.
Each sees only what a stranger sees, except their own workspace and, for the granted one, the
couple's page and exports. Alice and Bob see their clinicians' names (in their grants and log);
staff see the clinicians' declared names in the admin, and nobody sees another person's email.
"""

from django.conf import settings

from . import Case, every, signed_in

GRANTED = {"clinician": 200}
ADMIN_STAFF_ONLY = every(302, staff=200)

CASES: dict[str, Case] = {
    # the clinician's workspace
    "clinic_home": Case("GET", "/clinic/", signed_in(200)),
    "clinic_apply": Case(
        "POST",
        "/clinic/apply/",
        signed_in(302),
        {"professional_name": "Dr New", "registration": "HCPC PYL99999"},
    ),
    "clinic_new_code": Case(
        "POST",
        "/clinic/code/",
        signed_in(404, clinician=302, clinician_revoked=302, clinician_other=302),
    ),
    "clinic_couple": Case("GET", "/clinic/couples/{couple}/", signed_in(404, **GRANTED)),
    "clinic_couple_pdf": Case(
        "GET", "/clinic/couples/{couple}/report.pdf", signed_in(404, **GRANTED)
    ),
    "clinic_couple_csv": Case(
        "GET", "/clinic/couples/{couple}/scores.csv", signed_in(404, **GRANTED)
    ),
    # the couple's side
    "clinic_access": Case("GET", "/clinic/access/", signed_in(200)),
    "clinic_grant": Case("POST", "/clinic/access/grant/", signed_in(302), {"code": "DR-ABCDEFGH"}),
    "clinic_grant_agree": Case(
        "POST", "/clinic/access/{grant}/agree/", signed_in(404, self=302, partner=302)
    ),
    "clinic_grant_revoke": Case(
        "POST", "/clinic/access/{grant}/revoke/", signed_in(404, self=302, partner=302)
    ),
    # the staff admin: verifying clinicians only ("login" and "logout" share their names with the
    # site's own pages, which core.py lists)
    "index": Case("GET", "/{admin}/", ADMIN_STAFF_ONLY),
    "app_list": Case("GET", "/{admin}/clinic/", ADMIN_STAFF_ONLY),
    "password_change": Case("GET", "/{admin}/password_change/", ADMIN_STAFF_ONLY),
    "password_change_done": Case("GET", "/{admin}/password_change/done/", ADMIN_STAFF_ONLY),
    "autocomplete": Case("GET", "/{admin}/autocomplete/", every(302, staff=403)),
    "jsi18n": Case("GET", "/{admin}/jsi18n/", ADMIN_STAFF_ONLY),
    "view_on_site": Case("GET", "/{admin}/r/{profile_type}/{profile}/", every(302, staff=404)),
    "clinic_clinicianprofile_changelist": Case(
        "GET", "/{admin}/clinic/clinicianprofile/", ADMIN_STAFF_ONLY
    ),
    "clinic_clinicianprofile_add": Case(
        "GET", "/{admin}/clinic/clinicianprofile/add/", every(302, staff=403)
    ),
    "clinic_clinicianprofile_change": Case(
        "GET", "/{admin}/clinic/clinicianprofile/{profile}/change/", ADMIN_STAFF_ONLY
    ),
    "clinic_clinicianprofile_history": Case(
        "GET", "/{admin}/clinic/clinicianprofile/{profile}/history/", ADMIN_STAFF_ONLY
    ),
    "clinic_clinicianprofile_delete": Case(
        "GET", "/{admin}/clinic/clinicianprofile/{profile}/delete/", every(302, staff=403)
    ),
}


def extend_world(world):
    from django.contrib.contenttypes.models import ContentType

    from interdep.clinic import services
    from interdep.clinic.models import ClinicianProfile
    from interdep.couples import services as couple_services

    from ..conftest import link, make_person, submit

    people = world["people"]
    alice, bob, staff = people["self"], people["partner"], people["staff"]

    def clinician(name):
        person = make_person(name)
        profile = services.clinician_apply(
            person=person, professional_name=name, registration="HCPC PYL12345"
        )
        return person, services.clinician_verify(profile=profile, staff=staff)

    granted, granted_profile = clinician("Clinician Quoll")
    revoked, revoked_profile = clinician("Clinician Dunnart")
    other, other_profile = clinician("Clinician Antechinus")

    grant = services.grant_propose(person=alice, code=granted_profile.code)
    services.grant_agree(person=bob, grant_id=grant.pk)
    gone = services.grant_propose(person=bob, code=revoked_profile.code)
    services.grant_agree(person=alice, grant_id=gone.pk)
    services.grant_revoke(person=bob, grant_id=gone.pk)

    erin, frank = make_person("Erin Bandicoot"), make_person("Frank Possum")
    link(erin, frank)
    submit(erin, seed=21)
    submit(frank, seed=22)
    couple_services.consent_set(person=erin, share=True)
    other_grant = services.grant_propose(person=erin, code=other_profile.code)
    services.grant_agree(person=frank, grant_id=other_grant.pk)

    people.update({"clinician": granted, "clinician_revoked": revoked, "clinician_other": other})
    world["codes"].update(
        {
            "clinician": granted_profile.code,
            "clinician_revoked": revoked_profile.code,
            "clinician_other": other_profile.code,
        }
    )
    world["ids"].update(
        {
            "grant": grant.pk,
            "admin": settings.ADMIN_PATH,
            "profile": granted_profile.pk,
            "profile_type": ContentType.objects.get_for_model(ClinicianProfile).pk,
        }
    )
    couple_names = ("clinician", "clinician_revoked")
    visible = world.setdefault("names_visible", {})
    visible.setdefault("self", set()).update(couple_names)
    visible.setdefault("partner", set()).update(couple_names)
    visible.setdefault("clinician", set()).update(("self", "partner"))
    visible.setdefault("staff", set()).update(("clinician", "clinician_revoked", "clinician_other"))
