"""Errors the science layer raises for bad input, so callers can show a precise message."""

from __future__ import annotations


class InputError(ValueError):
    """Bad input data: names the row (1-based, as a spreadsheet shows it) and column when known.

    The CLI turns it into exit code 2; the web layer into a 422.
    """

    def __init__(self, message: str, *, row: int | None = None, column: str | None = None):
        self.message = message
        self.row = row
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class ContentError(ValueError):
    """A content file (instrument, practices) fails validation; names the entry and the problem."""
