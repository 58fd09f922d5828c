"""Property-based fuzzing of every form and every JSON write: whatever is sent, nothing answers 5xx.

Routes come from the access matrix (so a new route is fuzzed without anyone adding it here). Each
form route gets random field values (the fields it expects, and others) from Alice, who has
data behind every route; each JSON write gets random JSON, NaN, infinities, lone surrogates and
NUL characters included. Every example runs in a savepoint that is rolled back. schemathesis
(test_schemathesis.py) fuzzes the API against its own document besides.
"""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .test_access_matrix import MATRIX, _shared_world, world  # noqa: F401  (fixtures)

EXAMPLES = 12
FORM_ROUTES = sorted(r for r, c in MATRIX.items() if c.method == "POST" and not c.json)
JSON_ROUTES = sorted(
    r for r, c in MATRIX.items() if c.method in ("POST", "PUT") and c.path.startswith("/api/")
)
#: Field names the app's forms read, so random values reach the code behind them.
KNOWN_FIELDS = sorted(
    {k for c in MATRIX.values() for k in c.data}
    | {
        "email",
        "password",
        "display_name",
        "code",
        "note",
        "when",
        "tz",
        "times",
        "valence",
        "arousal",
        "closeness",
        "felt_self",
        "bid_answered",
        "no_choice",
        "show_partner",
        "message",
        "preset",
        "share",
        "kind",
        "together",
        "budget",
        "fields",
        "reports",
        "dynamics",
    }
)

#: Text a browser can send in a form (any Unicode but lone surrogates, which UTF-8 cannot carry).
form_text = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=80),
    st.sampled_from(
        ["", "0", "-1", "1e400", "NaN", "0001-01-01T00:00", "9999-12-31T23:59", "\x00", "ＡＢ"]
    ),
    st.integers(-(10**20), 10**20).map(str),
)
form_data = st.dictionaries(
    st.one_of(st.sampled_from(KNOWN_FIELDS), st.text(max_size=10)), form_text, max_size=8
)
json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(10**30), 10**30),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=40),  # lone surrogates included: json.dumps escapes them
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(KNOWN_FIELDS), st.text(max_size=8)), inner),
    ),
    max_leaves=12,
)

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


def _once(client, send):
    with transaction.atomic():
        cache.clear()
        response = send()
        transaction.set_rollback(True)
    return response


@pytest.mark.parametrize("route", FORM_ROUTES)
def test_no_form_input_answers_5xx(route, world, client):  # noqa: F811
    case = MATRIX[route]
    path = case.path.format(**world["ids"])
    client.force_login(world["people"]["self"])

    @FUZZ
    @given(data=form_data)
    def post(data):
        response = _once(client, lambda: client.post(path, data))
        assert response.status_code < 500, (route, data, response.status_code)

    post()


@pytest.mark.parametrize("route", JSON_ROUTES)
def test_no_json_body_answers_5xx(route, world, client):  # noqa: F811
    case = MATRIX[route]
    path = case.path.format(**world["ids"])
    client.force_login(world["people"]["self"])
    method = getattr(client, case.method.lower())

    @FUZZ
    @given(body=json_values)
    def send(body):
        text = json.dumps(body)  # NaN and Infinity are written as the bare words
        response = _once(client, lambda: method(path, data=text, content_type="application/json"))
        assert response.status_code < 500, (route, text[:200], response.status_code)

    send()
