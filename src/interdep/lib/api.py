"""What every app's JSON API router shares: the error body, the error statuses each operation
declares (so the OpenAPI document lists each way it can fail), and the CSRF check for the
operations that run before anyone is logged in."""

from __future__ import annotations

from typing import Any

from ninja import Schema
from ninja.errors import HttpError
from ninja.utils import check_csrf


class Error(Schema):
    detail: Any
    code: str | None = None


#: Declared on every operation, so the OpenAPI document lists each way it can fail.
ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error, 422: Error}
PUBLIC_ERRORS = {400: Error, 403: Error, 409: Error, 422: Error}


def require_csrf(request) -> None:
    """Ninja checks CSRF only for authenticated cookie sessions; signup and login run before
    anyone is logged in, so they check it here."""
    if check_csrf(request) is not None:
        raise HttpError(403, "CSRF check failed: fetch GET /api/v1/auth/csrf and send X-CSRFToken.")
