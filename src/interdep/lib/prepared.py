"""Queries compiled once per process.

Django compiles a queryset to SQL each time it runs it. For a read with several subqueries that
costs far more than the database does (the page frame's facts: about 2 ms to compile, 0.03 ms to
run on SQLite), and it is paid on every page. `PreparedValues` builds the SQL once, with a marker
in place of the one value that changes (a person's id), and then only runs it; `PreparedModels`
does the same for a query of model instances (the couple's memberships, a latest assessment:
about 0.3 ms of compiling each, against 0.02 ms to run).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import ModelIterable, get_related_populators

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


#: Markers for the values of a `PreparedModels` query (the first, the second...).
_MARKERS = tuple(_MARKER + k for k in range(8))


class PreparedModels:
    """Model instances from a query compiled once: ``build(*values)`` must return a queryset of
    a model (``select_related`` welcome) in which the values are the only things that change,
    each used as a parameter (a filter on an id, say). `rows(*values)` then runs its SQL with the
    values put where their markers were, and makes the same instances the ORM makes (the
    database's values converted as the ORM converts them, the related objects of
    ``select_related`` attached). A queryset the compiled SQL cannot stand for (a marker missing
    from its parameters, prefetching, ``values()``, related objects known to it) runs through the
    ORM each time (correct, just not faster)."""

    def __init__(self, build: Callable[..., QuerySet]):
        self._build = build
        self._compiled = None

    def _compile(self, arity: int):
        markers = _MARKERS[:arity]
        queryset = self._build(*markers)
        if (
            queryset._iterable_class is not ModelIterable
            or queryset._prefetch_related_lookups
            or queryset._known_related_objects
        ):
            return None
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        params = tuple(params)
        if any(marker not in params for marker in markers):
            return None
        select, klass_info = compiler.select, compiler.klass_info
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        fields = [s[0] for s in select[0 : compiler.col_count]]
        return {
            "sql": sql,
            "params": params,
            "slots": {marker: k for k, marker in enumerate(markers)},
            "alias": queryset.db,
            "compiler": compiler,
            "converters": compiler.get_converters(fields),
            "model": klass_info["model"],
            "span": (start, end),
            "init_list": [f[0].target.attname for f in select[start:end]],
            "populators": get_related_populators(klass_info, select, queryset.db),
            "annotations": dict(compiler.annotation_col_map or {}),
        }

    def rows(self, *values) -> list:
        if self._compiled is None:
            self._compiled = self._compile(len(values)) or {}
        c = self._compiled
        if not c:
            return list(self._build(*values))
        slots = c["slots"]
        params = [values[slots[p]] if p in slots else p for p in c["params"]]
        with connections[c["alias"]].cursor() as cursor:
            cursor.execute(c["sql"], params)
            fetched = cursor.fetchall()
        if c["converters"]:
            fetched = c["compiler"].apply_converters(fetched, c["converters"])
        start, end = c["span"]
        found = []
        for row in fetched:
            obj = c["model"].from_db(c["alias"], c["init_list"], row[start:end])
            for populator in c["populators"]:
                populator.populate(row, obj)
            for name, position in c["annotations"].items():
                setattr(obj, name, row[position])
            found.append(obj)
        return found

    def first(self, *values):
        """The first instance, or None (give ``build`` an order and a ``[:1]``)."""
        found = self.rows(*values)
        return found[0] if found else None
