"""Practice plans, encouragement and progress: a plan item is its owner's alone (everyone else,
the partner included, gets 404); Alice's reflection never reaches another role's response."""

from . import Case, api_auth, signed_in

ALICE_REFLECTION = "Saying no to my sister felt like cold water, then relief."

ITEM = "/practice/{plan_item}"
API_ITEM = "/api/v1/plan/items/{plan_item}"

CASES: dict[str, Case] = {
    "practice_home": Case("GET", "/practice/", signed_in(200)),
    "practice_build": Case("POST", "/practice/build/", signed_in(302)),
    "practice_add": Case("POST", "/practice/add/", signed_in(302)),
    "practice_settings": Case("POST", "/practice/settings/", signed_in(302), {"retake_weeks": "8"}),
    "practice_encourage": Case("POST", "/practice/encourage/", signed_in(302), {"preset": "proud"}),
    "practice_check": Case("POST", ITEM + "/check/", signed_in(404, self=302), {"done": "yes"}),
    "practice_reflection": Case(
        "POST", ITEM + "/reflection/", signed_in(404, self=302), {"reflection": "calmer"}
    ),
    "practice_swap": Case("POST", ITEM + "/swap/", signed_in(404, self=302)),
    "practice_pause": Case("POST", ITEM + "/pause/", signed_in(404, self=302)),
    "practice_resume": Case("POST", ITEM + "/resume/", signed_in(404, self=302)),
    "progress": Case("GET", "/progress/", signed_in(200)),
    # API: people without results (Carol, Dave, staff) cannot build a plan yet (409).
    "GET /api/v1/plan": Case("GET", "/api/v1/plan", api_auth(404, self=200)),
    "POST /api/v1/plan": Case("POST", "/api/v1/plan", api_auth(409, self=201, partner=201)),
    "POST /api/v1/plan/add": Case("POST", "/api/v1/plan/add", api_auth(409, partner=201)),
    "PUT /api/v1/plan/settings": Case(
        "PUT", "/api/v1/plan/settings", api_auth(200), {"retake_weeks": 8}, json=True
    ),
    "PUT /api/v1/plan/items/{item_id}/check": Case(
        "PUT", API_ITEM + "/check", api_auth(404, self=200), {"done": True}, json=True
    ),
    "PUT /api/v1/plan/items/{item_id}/reflection": Case(
        "PUT", API_ITEM + "/reflection", api_auth(404, self=200), {"text": "calmer"}, json=True
    ),
    "POST /api/v1/plan/items/{item_id}/swap": Case(
        "POST", API_ITEM + "/swap", api_auth(404, self=200)
    ),
    "POST /api/v1/plan/items/{item_id}/pause": Case(
        "POST", API_ITEM + "/pause", api_auth(404, self=200)
    ),
    "POST /api/v1/plan/items/{item_id}/resume": Case(
        "POST", API_ITEM + "/resume", api_auth(404, self=409)
    ),
    "GET /api/v1/plan/partner": Case(
        "GET", "/api/v1/plan/partner", api_auth(404, self=200, partner=200)
    ),
    "POST /api/v1/plan/encouragements": Case(
        "POST",
        "/api/v1/plan/encouragements",
        api_auth(409, self=201, partner=201),
        {"preset": "proud"},
        json=True,
    ),
    "GET /api/v1/plan/encouragements": Case("GET", "/api/v1/plan/encouragements", api_auth(200)),
    "GET /api/v1/plan/progress": Case("GET", "/api/v1/plan/progress", api_auth(200)),
}


def extend_world(world):
    """Alice's plan (titles shown to Bob) with a private reflection on its first practice."""
    from interdep.plans import services
    from interdep.plans.models import PlanItem

    alice = world["people"]["self"]
    services.plan_build(person=alice)
    services.settings_set(person=alice, show_partner=True)
    item = (
        PlanItem.objects.filter(plan__person=alice, status=PlanItem.ACTIVE)
        .order_by("position")
        .first()
    )
    services.reflection_save(person=alice, item_id=item.pk, text=ALICE_REFLECTION)
    world["ids"]["plan_item"] = item.pk
    world["private_to_self"].append(ALICE_REFLECTION)
