"""The route x role access matrix, split by feature so each feature lists its own routes.

Every module in this package defines ``CASES`` (route -> Case) and may define
``extend_world(world)`` to add the objects its routes need (ids for path templates under
``world["ids"]``, and strings only the data's owner may ever see under
``world["private_to_self"]``). `tests/web/test_access_matrix.py` merges them all.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ROLES = (
    "anonymous",
    "self",
    "partner",
    "former",
    "stranger",
    "staff",
    # a clinician both partners granted, one they revoked, and another couple's
    "clinician",
    "clinician_revoked",
    "clinician_other",
)
#: Roles that, unless a case says otherwise, get what a stranger gets (a clinician is nobody's
#: partner; only the clinic routes give them more).
LIKE_STRANGER = ("clinician", "clinician_revoked", "clinician_other")


@dataclass(frozen=True)
class Case:
    """One request: method, path template (formatted with world["ids"]), status per role."""

    method: str
    path: str  # formatted with the world's ids: {couple}, {assessment}
    expect: dict[str, int]
    data: dict = field(default_factory=dict)
    json: bool = False


def every(status: int, **overrides: int) -> dict[str, int]:
    expect = {role: overrides.get(role, status) for role in ROLES}
    for role in LIKE_STRANGER:
        expect[role] = overrides.get(role, expect["stranger"])
    return expect


def signed_in(status: int, **overrides: int) -> dict[str, int]:
    """Pages that send anonymous visitors to the login page."""
    return every(status, anonymous=302, **overrides)


def api_auth(status: int, **overrides: int) -> dict[str, int]:
    return every(status, anonymous=401, **overrides)
