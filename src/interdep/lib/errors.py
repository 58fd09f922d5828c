"""What every service raises when a request cannot be carried out (shown to the person as is)."""

from __future__ import annotations


class ServiceError(Exception):
    """A refusal a person can act on. ``code`` is stable for the API; ``message`` is for people."""

    def __init__(self, code: str, message: str, *, status: int = 400):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
