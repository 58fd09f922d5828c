"""Reading researchers' tables (CSV or Parquet) with errors that name the row and column.

Rows are numbered as a spreadsheet shows a CSV file: the header is row 1, the first record row 2.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from interdep.science.errors import InputError

HEADER_ROWS = 1
NA_WORDS = ["", " ", "NA", "NaN", "."]
#: pandas' default missing-value words plus NA_WORDS: what the pandas reader reads as missing
_ARROW_NULLS = sorted({*pd._libs.parsers.STR_NA_VALUES, *NA_WORDS})
#: Above this size Arrow reads a CSV with a thread per core. Below it one thread is done before
#: a pool's threads are scheduled; above it they pay (a 9 MB file of 200,000 rows: 39 ms in one
#: thread, 21 ms in two, on two quiet cores).
_THREADED_BYTES = 4 * 2**20


def file_row(index: int) -> int:
    """The spreadsheet row of the record at 0-based position ``index``."""
    return int(index) + HEADER_ROWS + 1


def read_table(path: str | Path, columns: Iterable[str] | None = None) -> pd.DataFrame:
    """Read a CSV or Parquet file into a DataFrame of strings/numbers, index 0..n-1.

    ``columns``: the columns the caller uses. A CSV whose header holds each of them once is then
    read for those alone (a wide file parses in a fraction of the time and memory); otherwise
    the whole table is read, so a missing or repeated column gets the same error either way.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"file not found: {path}")
    suffix = path.suffix.lower()
    try:
        if suffix in {".parquet", ".pq"}:
            frame = pd.read_parquet(path)
        else:
            frame = _read_csv_arrow(path, None if columns is None else list(columns))
            if frame is None:
                frame = _read_csv_pandas(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, OSError) as exc:
        raise InputError(f"cannot read {path.name}: {exc}") from exc
    except ValueError as exc:  # pyarrow's ArrowInvalid: a CSV (or anything else) named .parquet
        kind = "Parquet" if suffix in {".parquet", ".pq"} else "CSV"
        raise InputError(f"cannot read {path.name} as {kind}: {exc}") from exc
    if frame.empty:
        raise InputError(f"{path.name} has no data rows (only a header, or nothing)")
    # pandas renames a repeated header X to X.1; remember X so a command that uses it can refuse
    # the ambiguity, while files with an unused repeated column still load. (Read by column, the
    # frame's names are the file's header, kept in attrs.)
    names = frame.attrs.pop("header", frame.columns)
    frame.attrs["duplicate_columns"] = {
        c.rsplit(".", 1)[0]
        for c in names
        if isinstance(c, str)
        and "." in c
        and c.rsplit(".", 1)[0] in names
        and c.rsplit(".", 1)[1].isdigit()
    }
    return frame.reset_index(drop=True)


def _read_csv_pandas(path: Path) -> pd.DataFrame:
    # round_trip: every number parsed to the nearest double, as Arrow (and R) parse it, so a
    # file reads the same on either path (pandas' default parser can be one bit off)
    return pd.read_csv(
        path, skipinitialspace=True, na_values=NA_WORDS, float_precision="round_trip"
    )


def _read_csv_arrow(path: Path, columns: list[str] | None = None) -> pd.DataFrame | None:
    """The CSV read by Arrow's multi-threaded reader, as the same frame the pandas reader gives,
    or None where the two could differ (a repeated, blank or padded header name, a column Arrow
    reads as true/false, a date or another type pandas keeps as text or numbers, text with a
    leading space or text that is a number after all, a malformed row): those files go to the
    pandas reader, which also writes the error messages. About ten times faster on large files.
    With ``columns`` all in the header, only those are read (the header is kept in
    ``attrs["header"]``).
    """
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            header = next(csv.reader(handle), None)
    except (UnicodeDecodeError, OSError):
        return None
    if not header or len(set(header)) != len(header):
        return None
    if any(not h or h != h.strip() or h.startswith(("Unnamed", "#")) for h in header):
        return None
    if columns is not None and not set(columns) <= set(header):
        columns = None  # read whole: the error names the columns the file has
    wanted = header if columns is None else [h for h in header if h in set(columns)]
    import pyarrow as pa  # deferred: Arrow loads only when a CSV is read
    import pyarrow.csv as pacsv  # deferred: Arrow loads only when a CSV is read

    try:
        table = pacsv.read_csv(
            path,
            # threads pay for themselves on large files only (on a busy machine a small file
            # read in one thread is done before the pool's threads are scheduled)
            read_options=pacsv.ReadOptions(use_threads=path.stat().st_size > _THREADED_BYTES),
            convert_options=pacsv.ConvertOptions(
                null_values=_ARROW_NULLS,
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
                timestamp_parsers=[],
                include_columns=None if columns is None else wanted,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError, OSError):
        return None
    if table.column_names != wanted or table.num_rows == 0:
        return None
    columns = {}
    for name, column in zip(table.column_names, table.columns, strict=True):
        kind = column.type
        if pa.types.is_null(kind):
            column = column.cast(pa.float64())
        elif pa.types.is_string(kind) or pa.types.is_large_string(kind):
            import pyarrow.compute as pc  # deferred: slow to import; only text columns need it

            if pc.any(pc.starts_with(column, " ")).as_py():
                return None  # pandas strips the leading space (and may then see a number)
            try:
                column.cast(pa.float64())
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                pass  # text indeed
            else:
                return None
        elif not (pa.types.is_int64(kind) or pa.types.is_float64(kind)):
            return None  # true/false, dates, times: pandas reads these otherwise
        columns[name] = column
    frame = pa.table(columns).to_pandas()
    for name, column in columns.items():
        if column.null_count and frame[name].dtype == object:
            values = frame[name].to_numpy(copy=True)
            values[pd.isna(values)] = np.nan  # pandas' missing text is NaN, Arrow's None
            frame[name] = values
    if columns is not None:
        frame.attrs["header"] = header
    return frame


def require_columns(frame: pd.DataFrame, columns: Iterable[str]) -> None:
    """Fail with the first missing (or repeated, hence ambiguous) column named."""
    duplicates = frame.attrs.get("duplicate_columns", set())
    for column in columns:
        if column in duplicates:
            raise InputError(
                "this column name appears more than once in the header; rename one",
                row=1,
                column=column,
            )
        if column not in frame.columns:
            raise InputError(
                f"column not found (have: {', '.join(map(str, frame.columns))})",
                row=1,
                column=column,
            )


def numeric_column(frame: pd.DataFrame, column: str, *, allow_missing: bool = True) -> np.ndarray:
    """A column as float64; a non-numeric cell is an error naming its row and column."""
    series = frame[column]
    if pd.api.types.is_bool_dtype(series):
        return series.to_numpy(dtype=float)
    values = pd.to_numeric(series, errors="coerce")
    bad = values.isna() & series.notna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(f"not a number: {series.iloc[i]!r}", row=file_row(i), column=column)
    infinite = np.isinf(values.to_numpy(dtype=float))
    if infinite.any():  # every command refuses it alike (never read as missing)
        i = int(np.flatnonzero(infinite)[0])
        raise InputError(f"not a finite number: {series.iloc[i]!r}", row=file_row(i), column=column)
    if not allow_missing and values.isna().any():
        i = int(np.flatnonzero(values.isna().to_numpy())[0])
        raise InputError("missing value", row=file_row(i), column=column)
    return values.to_numpy(dtype=float)


def key_column(frame: pd.DataFrame, column: str) -> pd.Series:
    """An identifier column as strings (so 1 and 1.0 do not split a couple); missing is an error."""
    series = frame[column]
    missing = series.isna()
    if missing.any():
        i = int(np.flatnonzero(missing.to_numpy())[0])
        raise InputError("missing identifier", row=file_row(i), column=column)
    if pd.api.types.is_float_dtype(series) and (series == series.round()).all():
        series = series.astype("int64")
    if pd.api.types.is_integer_dtype(series):
        return series.astype(str)  # no spaces to strip (and stripping is slow on large files)
    return series.astype(str).str.strip()
