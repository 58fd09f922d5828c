"""Couple exercises: the two partners of the active couple may open a "together" exercise, and
Alice's sent entry stays hers until Bob sends his; an unshared preparation exists for its owner
only. Former partners, strangers and staff get 404."""

from . import Case, api_auth, signed_in

ALICE_WISH = "a week of sea swimming, just us"
ALICE_NO = "I won't host the reunion this year."

EX = "/exercises/{exercise}"
API_EX = "/api/v1/exercises/{exercise}"

CASES: dict[str, Case] = {
    "exercise_list": Case("GET", "/exercises/", signed_in(200)),
    "exercise_start": Case("POST", "/exercises/start/", signed_in(302), {"kind": "vacation"}),
    "exercise_detail": Case("GET", EX + "/", signed_in(404, self=200, partner=200)),
    "exercise_entry": Case(
        "POST",
        EX + "/entry/",
        signed_in(404, self=302, partner=302),
        {"together": "a picnic", "action": "draft"},
    ),
    "exercise_withdraw": Case("POST", EX + "/withdraw/", signed_in(404, self=302, partner=302)),
    "exercise_agree": Case("POST", EX + "/agree/", signed_in(404, self=302, partner=302)),
    # An unshared preparation does not exist for the partner either.
    "exercise_share": Case(
        "POST", "/exercises/{preparation}/share/", signed_in(404, self=302), {"fields": ["no"]}
    ),
    "GET /api/v1/exercises": Case("GET", "/api/v1/exercises", api_auth(200)),
    "POST /api/v1/exercises": Case(
        "POST",
        "/api/v1/exercises",
        api_auth(409, self=201, partner=201),
        {"kind": "vacation"},
        json=True,
    ),
    "GET /api/v1/exercises/{exercise_id}": Case(
        "GET", API_EX, api_auth(404, self=200, partner=200)
    ),
    # Alice has sent hers (a draft is refused now); Bob saves a private draft.
    "PUT /api/v1/exercises/{exercise_id}/entry": Case(
        "PUT",
        API_EX + "/entry",
        api_auth(404, self=409, partner=200),
        {"content": {"together": ["a picnic"]}, "send": False},
        json=True,
    ),
    "POST /api/v1/exercises/{exercise_id}/withdraw": Case(
        "POST", API_EX + "/withdraw", api_auth(404, self=200, partner=409)
    ),
    "POST /api/v1/exercises/{exercise_id}/agree": Case(
        "POST", API_EX + "/agree", api_auth(404, self=409, partner=409)
    ),
    "PUT /api/v1/exercises/{exercise_id}/share": Case(
        "PUT",
        "/api/v1/exercises/{preparation}/share",
        api_auth(404, self=200),
        {"fields": ["no"]},
        json=True,
    ),
}


def extend_world(world):
    """A vacation exercise Alice has sent and Bob has not, and Alice's unshared "no" rehearsal."""
    from interdep.exercises import services

    alice = world["people"]["self"]
    exercise = services.exercise_start(person=alice, kind="vacation")
    services.entry_save(
        person=alice,
        exercise_id=exercise.pk,
        content={"together": ALICE_WISH, "alone": "", "limits": "", "budget": 2400},
        send=True,
    )
    preparation = services.exercise_start(person=alice, kind="no_rehearsal")
    services.entry_save(
        person=alice,
        exercise_id=preparation.pk,
        content={"request": "Hosting the family reunion", "no": ALICE_NO},
    )
    world["ids"]["exercise"] = exercise.pk
    world["ids"]["preparation"] = preparation.pk
    world["private_to_self"].extend([ALICE_WISH, ALICE_NO, "Hosting the family reunion"])
