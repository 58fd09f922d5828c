"""Accounts, couples, assessments, reports and the core API."""

from . import Case, api_auth, every, signed_in

#: Django URL names, then API operations as "METHOD /path" (OpenAPI templates).
CASES: dict[str, Case] = {
    # a verified clinician's home is their caseload
    "home": Case("GET", "/", every(200, clinician=302, clinician_revoked=302, clinician_other=302)),
    "signup": Case("GET", "/accounts/signup/", every(302, anonymous=200)),
    "login": Case("GET", "/accounts/login/", every(302, anonymous=200)),
    "logout": Case("POST", "/accounts/logout/", every(302)),
    "delete_account": Case("POST", "/accounts/delete/", signed_in(200), {"password": "wrong"}),
    "password_reset": Case("GET", "/accounts/password-reset/", every(200)),
    "password_reset_done": Case("GET", "/accounts/password-reset/sent/", every(200)),
    "password_reset_confirm": Case("GET", "/accounts/reset/MQ/bad-token/", every(200)),
    "password_reset_complete": Case("GET", "/accounts/reset/done/", every(200)),
    "couple": Case("GET", "/couple/", signed_in(200)),
    "couple_invite": Case("POST", "/couple/invite/", signed_in(302)),
    "couple_join": Case("POST", "/couple/join/", signed_in(302), {"code": "ABCD-EFGH"}),
    "couple_unlink": Case("POST", "/couple/unlink/", signed_in(302)),
    "couple_consent": Case("POST", "/couple/consent/", signed_in(302), {"share": "no"}),
    "couple_report": Case("GET", "/couple/{couple}/report/", signed_in(404, self=200, partner=200)),
    # After a submit, a GET never starts a blank assessment: start asks first, pages and the
    # review lead back to the report.
    "assessment_start": Case("GET", "/assessment/", signed_in(302, self=200, partner=200)),
    "assessment_page": Case("GET", "/assessment/page/1/", signed_in(200, self=302, partner=302)),
    "assessment_answer": Case("POST", "/assessment/answer/", signed_in(200), {"bnd_s1": "4"}),
    "assessment_review": Case("GET", "/assessment/review/", signed_in(200, self=302, partner=302)),
    "assessment_submit": Case("POST", "/assessment/submit/", signed_in(302)),
    "assessment_history": Case("GET", "/assessment/history/", signed_in(200)),
    "report_latest": Case("GET", "/report/", signed_in(200, self=302, partner=302)),
    "report_detail": Case("GET", "/report/{assessment}/", signed_in(404, self=200)),
    "support": Case("GET", "/support/", every(200)),
    # the API and its documents
    "api-root": Case("GET", "/api/", every(404)),
    "openapi-json": Case("GET", "/api/openapi.json", every(200)),
    "openapi-view": Case("GET", "/api/docs", every(200)),
    "GET /api/v1/auth/csrf": Case("GET", "/api/v1/auth/csrf", every(200)),
    "POST /api/v1/auth/signup": Case(
        "POST", "/api/v1/auth/signup", every(422), {"email": "x"}, json=True
    ),
    "POST /api/v1/auth/login": Case(
        "POST",
        "/api/v1/auth/login",
        every(401),
        {"email": "alice-private@example.org", "password": "wrong"},
        json=True,
    ),
    "POST /api/v1/auth/logout": Case("POST", "/api/v1/auth/logout", api_auth(204)),
    "GET /api/v1/me": Case("GET", "/api/v1/me", api_auth(200)),
    "POST /api/v1/couple/invite": Case(
        "POST", "/api/v1/couple/invite", api_auth(201, self=409, partner=409)
    ),
    "POST /api/v1/couple/join": Case(
        "POST", "/api/v1/couple/join", api_auth(400), {"code": "ABCD-EFGH"}, json=True
    ),
    "DELETE /api/v1/couple": Case("DELETE", "/api/v1/couple", api_auth(404, self=204, partner=204)),
    "PUT /api/v1/couple/consent": Case(
        "PUT",
        "/api/v1/couple/consent",
        api_auth(404, self=200, partner=200),
        {"share": False},
        json=True,
    ),
    "GET /api/v1/instrument": Case("GET", "/api/v1/instrument", api_auth(200)),
    "GET /api/v1/assessments/current": Case("GET", "/api/v1/assessments/current", api_auth(200)),
    "PUT /api/v1/assessments/current/answers": Case(
        "PUT", "/api/v1/assessments/current/answers", api_auth(200), {"bnd_s1": 3}, json=True
    ),
    "POST /api/v1/assessments/current/submit": Case(
        "POST", "/api/v1/assessments/current/submit", api_auth(409)
    ),
    "GET /api/v1/assessments/{assessment_id}": Case(
        "GET", "/api/v1/assessments/{assessment}", api_auth(404, self=200)
    ),
    "GET /api/v1/reports/me": Case(
        "GET", "/api/v1/reports/me", api_auth(404, self=200, partner=200)
    ),
    "GET /api/v1/reports/couple": Case(
        "GET", "/api/v1/reports/couple", api_auth(403, self=200, partner=200)
    ),
}
