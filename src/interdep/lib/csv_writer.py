"""CSV writing: every CSV the application produces goes through this module (``csv_text`` for
rows, ``frame_csv`` for the command line's tables), so one place decides how a cell is
written."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence


def csv_cell(value):
    """One cell: empty for None, JSON text for nested values, the value itself otherwise."""
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return "" if value is None else value


def csv_text(header: Sequence[str], rows: Iterable[Sequence]) -> str:
    """A CSV document (``\\n`` line ends) with ``header`` and one line per row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([csv_cell(name) for name in header])
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return out.getvalue()


def dict_rows_csv(rows: Sequence[Mapping]) -> str:
    """Rows of dicts as CSV: the columns are every key in first-seen order; a missing key is an
    empty cell."""
    columns: list[str] = []
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    return csv_text(columns, ([row.get(k) for k in columns] for row in rows))


def frame_csv(frame) -> str:
    """A pandas DataFrame as CSV text, without its index (the command line's tables)."""
    return frame.to_csv(index=False)
