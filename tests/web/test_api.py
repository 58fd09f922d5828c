"""The JSON API: the journey through it, CSRF on every write, and honest error documents."""

from __future__ import annotations

from django.test import Client

from interdep.api.api import api
from interdep.demo import demo_answers
from interdep.science.instrument import CURRENT_VERSION, load_instrument

from .conftest import PASSWORD


def _csrf_client() -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    token = client.get("/api/v1/auth/csrf").json()["csrf_token"]
    return client, token


def _post(client, path, token, payload=None, method="post"):
    return getattr(client, method)(
        path, data=payload or {}, content_type="application/json", headers={"X-CSRFToken": token}
    )


def test_signup_and_login_refuse_a_request_without_the_csrf_token(db):
    client = Client(enforce_csrf_checks=True)
    payload = {"email": "sam@example.org", "password": PASSWORD, "display_name": "Sam"}
    assert (
        client.post("/api/v1/auth/signup", payload, content_type="application/json").status_code
        == 403
    )
    client, token = _csrf_client()
    assert _post(client, "/api/v1/auth/signup", token, payload).status_code == 201
    other, other_token = _csrf_client()
    assert (
        other.post(
            "/api/v1/auth/login",
            {"email": "sam@example.org", "password": PASSWORD},
            content_type="application/json",
        ).status_code
        == 403
    )
    assert (
        _post(
            other,
            "/api/v1/auth/login",
            other_token,
            {"email": "sam@example.org", "password": PASSWORD},
        ).status_code
        == 200
    )


def test_authenticated_writes_need_the_csrf_token(db):
    client, token = _csrf_client()
    _post(
        client,
        "/api/v1/auth/signup",
        token,
        {"email": "kim@example.org", "password": PASSWORD, "display_name": "Kim"},
    )
    assert client.post("/api/v1/couple/invite").status_code == 403
    token = client.cookies["csrftoken"].value  # rotated at login
    assert _post(client, "/api/v1/couple/invite", token).status_code == 201


def test_two_partners_go_through_the_whole_journey_by_api(db):
    a, ta = _csrf_client()
    b, tb = _csrf_client()
    _post(
        a,
        "/api/v1/auth/signup",
        ta,
        {"email": "a@example.org", "password": PASSWORD, "display_name": "Ari"},
    )
    _post(
        b,
        "/api/v1/auth/signup",
        tb,
        {"email": "b@example.org", "password": PASSWORD, "display_name": "Bo"},
    )
    ta, tb = a.cookies["csrftoken"].value, b.cookies["csrftoken"].value
    code = _post(a, "/api/v1/couple/invite", ta).json()["code"]
    assert (
        _post(b, "/api/v1/couple/join", tb, {"code": code}).json()["couple"]["partner_display_name"]
        == "Ari"
    )
    total = len(load_instrument().items)
    assert len(a.get("/api/v1/instrument").json()["items"]) == total
    for k, (client, token) in enumerate(((a, ta), (b, tb))):
        saved = _post(
            client,
            "/api/v1/assessments/current/answers",
            token,
            demo_answers(k, lean=0.7),
            method="put",
        ).json()
        assert saved["progress"] == {"answered": total, "total": total}
        submitted = _post(client, "/api/v1/assessments/current/submit", token).json()
        assert submitted["submitted_at"] and submitted["instrument_version"] == CURRENT_VERSION
        assert client.get(f"/api/v1/assessments/{submitted['id']}").status_code == 200
    assert a.get("/api/v1/reports/couple").status_code == 403
    _post(a, "/api/v1/couple/consent", ta, {"share": True}, method="put")
    _post(b, "/api/v1/couple/consent", tb, {"share": True}, method="put")
    assert a.get("/api/v1/reports/couple").status_code == 200
    assert b.get("/api/v1/me").json()["couple"]["couple_report_available"] is True
    assert b.delete("/api/v1/couple", headers={"X-CSRFToken": tb}).status_code == 204
    assert a.get("/api/v1/reports/couple").json()["code"] == "not_linked"


def test_bad_answers_get_a_json_422(client, alice):
    client.force_login(alice)
    response = client.put(
        "/api/v1/assessments/current/answers", {"nope": 3}, content_type="application/json"
    )
    assert response.status_code == 422 and response.json()["code"] == "unknown_item"
    response = client.put(
        "/api/v1/assessments/current/answers", {"bnd_s1": 7}, content_type="application/json"
    )
    assert response.status_code == 422 and response.json()["code"] == "bad_value"


def test_every_operation_documents_its_errors():
    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if path == "/api/v1/auth/csrf":
                continue  # only sets a cookie: it cannot fail
            codes = {str(code) for code in operation["responses"]}
            assert {"403", "422"} <= codes, (method, path, codes)
            if operation.get("security"):
                assert {"401", "404"} <= codes, (method, path, codes)
