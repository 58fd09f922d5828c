"""The one CSV writer: every CSV the app writes (clinician exports, the data export, the command
line's tables) goes through here, so no cell can become a spreadsheet formula.

OWASP's rule: a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
prefixed with a single quote, which spreadsheets show as text. Numbers are left alone (a negative
score stays a number), and so is text that is a plain number (``-0.5``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

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


def _has_cr(values) -> bool:
    """A carriage return inside a cell: with "\n" line endings the csv module would leave the
    cell unquoted and the row unreadable, so such a row is written fully quoted."""
    return any(isinstance(v, str) and "\r" in v for v in values)


class _SafeWriter:
    def __init__(self, out, **kwargs):
        self._writer = csv.writer(out, **kwargs)
        self._quoted = csv.writer(out, **{**kwargs, "quoting": csv.QUOTE_ALL})

    def writerow(self, row: Iterable):
        cells = [safe_cell(v) for v in row]
        return (self._quoted if _has_cr(cells) else self._writer).writerow(cells)

    def writerows(self, rows: Iterable[Iterable]):
        for row in rows:
            self.writerow(row)


class _SafeDictWriter:
    def __init__(self, out, fieldnames: Sequence[str], **kwargs):
        self._writer = csv.DictWriter(out, fieldnames=fieldnames, **kwargs)
        self._quoted = csv.DictWriter(
            out, fieldnames=fieldnames, **{**kwargs, "quoting": csv.QUOTE_ALL}
        )

    def writeheader(self):
        return self.writerow({k: k for k in self._writer.fieldnames})

    def writerow(self, row: dict):
        cells = {k: safe_cell(v) for k, v in row.items()}
        return (self._quoted if _has_cr(cells.values()) else self._writer).writerow(cells)


def writer(out, **kwargs) -> _SafeWriter:
    """`csv.writer` whose every cell passes `safe_cell`."""
    kwargs.setdefault("lineterminator", "\n")
    return _SafeWriter(out, **kwargs)


def dict_writer(out, fieldnames: Sequence[str], **kwargs) -> _SafeDictWriter:
    """`csv.DictWriter` whose every cell (and header) passes `safe_cell`."""
    kwargs.setdefault("lineterminator", "\n")
    return _SafeDictWriter(out, fieldnames, **kwargs)


def frame_csv(frame, buffer=None, **kwargs) -> str | None:
    """A pandas DataFrame as CSV with its text cells (and column names) made safe."""
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
