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


def _float_cells(values) -> list[str] | None:
    """A float column's cells as pandas writes them (``repr``, NaN empty), formatting each
    distinct value once: scores take few distinct values, so a million rows cost a few hundred
    ``repr`` calls and a gather. None for a column with -0.0 (equal to 0.0 for ``unique``)."""
    import numpy as np  # deferred: lib loads numpy only for tables

    if np.any((values == 0) & np.signbit(values)):
        return None
    distinct, index = np.unique(values, return_inverse=True)
    text = np.array(["" if v != v else repr(v) for v in distinct.tolist()], dtype=object)
    return text[index.reshape(-1)].tolist()


def _text_cells(values) -> list[str] | None:
    """A text column's cells as ``frame_csv`` writes them, or None when a cell needs quoting
    (the general writer handles those)."""
    out = []
    for v in values:
        if v is None or (isinstance(v, float) and v != v):
            out.append("")
            continue
        if not isinstance(v, str):
            return None
        cell = safe_cell(v)
        if any(ch in cell for ch in ',"\n\r') or cell == "":
            return None
        out.append(cell)
    return out


def fast_frame_csv(frame) -> str:
    """``frame_csv(frame)`` for a frame of float and text columns, the same text several times
    faster; any other frame (other column types, a cell that needs quoting) goes through
    ``frame_csv`` itself."""
    columns = []
    for name in frame.columns:
        series = frame[name]
        if series.dtype == "float64":
            cells = _float_cells(series.to_numpy())
            if cells is None:
                return frame_csv(frame)
            columns.append(cells)
        elif series.dtype == object:
            cells = _text_cells(series.tolist())
            if cells is None:
                return frame_csv(frame)
            columns.append(cells)
        else:
            return frame_csv(frame)
    header = _text_cells([str(c) for c in frame.columns])
    if header is None:
        return frame_csv(frame)
    lines = [",".join(header), *(",".join(row) for row in zip(*columns, strict=True))]
    return "\n".join(lines) + "\n"
