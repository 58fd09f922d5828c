"""Queries compiled once per process.

Django compiles a queryset to SQL each time it runs it. For a read with several subqueries that
costs far more than the database does (the page frame's facts: about 2 ms to compile, 0.03 ms to
run on SQLite), and it is paid on every page. `PreparedValues` builds the SQL once, with a marker
in place of the one value that changes (a person's id), and then only runs it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connections
from django.db.models import QuerySet

#: Stands in for the value while the SQL is built; never a real id.
_MARKER = 7_919_000_000_001


class PreparedValues:
    """``build(value)`` must return a ``.values(...)`` queryset of annotations (their names are
    the SQL's column names) in which ``value`` is the only thing that changes; `first(value)`
    then runs its SQL (compiled once, with ``value`` wherever the marker was and the query's own
    constants kept) and returns the first row as a dict, or None. A queryset without the marker
    among its parameters is run through the ORM each time (correct, just not faster)."""

    def __init__(self, build: Callable[[object], QuerySet]):
        self._build = build
        self._compiled: tuple[str, tuple, str] | None = None

    def _compile(self):
        queryset = self._build(_MARKER)
        sql, params = queryset.query.sql_with_params()
        if _MARKER not in params:
            return None
        return sql, tuple(params), queryset.db

    def first(self, value) -> dict | None:
        if self._compiled is None:
            self._compiled = self._compile() or ("", (), "")
        sql, params, alias = self._compiled
        if not sql:
            return self._build(value).first()
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, [value if p == _MARKER else p for p in params])
            row = cursor.fetchone()
            names = [column[0] for column in cursor.description]
        return None if row is None else dict(zip(names, row, strict=True))
