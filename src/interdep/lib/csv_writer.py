"""CSV writing: every CSV the application produces goes through ``csv_text`` (or ``frame_csv``
for the command line's tables), so one function decides how a cell is written.

No cell can become a spreadsheet formula (OWASP's rule): a text cell starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return is prefixed with a single quote, which spreadsheets show
as text. Numbers are left alone (a negative score stays a number), and so is text that is a
plain number (``-0.5``).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() == text and text.lower().lstrip("+-") not in ("inf", "infinity", "nan")


def safe_cell(value):
    """A cell a spreadsheet will not evaluate: text that could start a formula gets a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _is_number(value):
        return "'" + value
    return value


def csv_cell(value):
    """One cell: empty for None, JSON text for nested values, the value itself otherwise; never
    a formula."""
    if isinstance(value, dict | list | tuple):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return "" if value is None else safe_cell(value)


def _has_cr(values) -> bool:
    """A carriage return inside a cell: with "\\n" line ends the csv module would leave the cell
    unquoted and the row unreadable, so such a row is written fully quoted."""
    return any(isinstance(v, str) and "\r" in v for v in values)


def csv_text(header: Sequence[str], rows: Iterable[Sequence]) -> str:
    """A CSV document (``\\n`` line ends) with ``header`` and one line per row."""
    out = io.StringIO()
    plain = csv.writer(out, lineterminator="\n")
    quoted = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    for row in ([*header], *rows):
        cells = [csv_cell(value) for value in row]
        (quoted if _has_cr(cells) else plain).writerow(cells)
    return out.getvalue()


def dict_rows_csv(rows: Sequence[Mapping]) -> str:
    """Rows of dicts as CSV: the columns are every key in first-seen order; a missing key is an
    empty cell."""
    columns: list[str] = []
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    return csv_text(columns, ([row.get(k) for k in columns] for row in rows))


def frame_csv(frame, buffer=None, **kwargs) -> str | None:
    """A pandas DataFrame as CSV, its text cells (and column names) made safe as above."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object:
            safe[column] = safe[column].map(safe_cell)
    safe.columns = [safe_cell(c) if isinstance(c, str) else c for c in safe.columns]
    kwargs.setdefault("index", False)
    if any(_has_cr(safe[c]) for c in safe.columns if safe[c].dtype == object):
        kwargs.setdefault("quoting", csv.QUOTE_NONNUMERIC)
    if buffer is None:
        text = io.StringIO()
        safe.to_csv(text, **kwargs)
        return text.getvalue()
    safe.to_csv(buffer, **kwargs)
    return None
