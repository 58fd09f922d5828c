"""JSON bodies the app can keep: refused with 422, naming the field, before any operation runs.

Python's JSON reader accepts what JSON does not (NaN, Infinity) and what no database or
encryption can keep (a lone surrogate such as "\\ud800", a NUL character), and turns 1e400 into
infinity. Each of these once answered 500 or was stored silently; now they are refused here, for
every operation at once.
"""

from __future__ import annotations

import json
import math

from django.http import JsonResponse

WRITES = ("POST", "PUT", "PATCH", "DELETE")


class _Bad:
    """Stands in for a number JSON does not allow, so the walk can say where it was."""

    def __init__(self, text: str):
        self.text = text


def _float(text: str):
    value = float(text)
    return value if math.isfinite(value) else _Bad(text)


def _why(value, where: str) -> str | None:
    if isinstance(value, _Bad):
        return f"{where or 'body'}: {value.text} is not a number that can be kept"
    if isinstance(value, str):
        if "\x00" in value:
            return f"{where or 'body'}: a NUL character cannot be kept"
        if any(0xD800 <= ord(c) <= 0xDFFF for c in value):
            return f"{where or 'body'}: a lone surrogate is not text"
    elif isinstance(value, dict):
        for key, item in value.items():
            why = _why(key, where) or _why(item, f"{where}.{key}" if where else str(key))
            if why:
                return why
    elif isinstance(value, list):
        for k, item in enumerate(value):
            why = _why(item, f"{where}[{k}]" if where else f"[{k}]")
            if why:
                return why
    return None


def problem(body: bytes) -> str | None:
    """Why this body cannot be kept (naming the field), or None; bodies that are not JSON at all
    are left to the API's own parser."""
    try:
        data = json.loads(body, parse_constant=_Bad, parse_float=_float)
    except ValueError:
        return None
    return _why(data, "")


class StrictJSONMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method in WRITES
            and request.path.startswith("/api/")
            and request.content_type == "application/json"
            and request.body
        ):
            reason = problem(request.body)
            if reason is not None:
                return JsonResponse({"detail": reason, "code": "invalid"}, status=422)
        return self.get_response(request)
