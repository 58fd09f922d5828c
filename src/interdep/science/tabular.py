"""Reading researchers' tables (CSV or Parquet) with errors that name the row and column.

Rows are numbered as a spreadsheet shows a CSV file: the header is row 1, the first record row 2.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from interdep.science.errors import InputError

HEADER_ROWS = 1


def file_row(index: int) -> int:
    """The spreadsheet row of the record at 0-based position ``index``."""
    return int(index) + HEADER_ROWS + 1


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a CSV or Parquet file into a DataFrame of strings/numbers, index 0..n-1."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"file not found: {path}")
    suffix = path.suffix.lower()
    try:
        if suffix in {".parquet", ".pq"}:
            frame = pd.read_parquet(path)
        else:
            frame = pd.read_csv(path, skipinitialspace=True, na_values=["", " ", "NA", "NaN", "."])
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, OSError) as exc:
        raise InputError(f"cannot read {path.name}: {exc}") from exc
    except ValueError as exc:  # pyarrow's ArrowInvalid: a CSV (or anything else) named .parquet
        kind = "Parquet" if suffix in {".parquet", ".pq"} else "CSV"
        raise InputError(f"cannot read {path.name} as {kind}: {exc}") from exc
    if frame.empty:
        raise InputError(f"{path.name} has no data rows (only a header, or nothing)")
    # pandas renames a repeated header X to X.1; remember X so a command that uses it can refuse
    # the ambiguity, while files with an unused repeated column still load.
    frame.attrs["duplicate_columns"] = {
        c.rsplit(".", 1)[0]
        for c in frame.columns
        if isinstance(c, str)
        and "." in c
        and c.rsplit(".", 1)[0] in frame.columns
        and c.rsplit(".", 1)[1].isdigit()
    }
    return frame.reset_index(drop=True)


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
