"""Reading a long check-in table (one row per person and prompt) for `interdep dynamics`.

The fast path reads only the columns the command uses with pyarrow: identifiers stay
dictionary-encoded (a code per row, each distinct id once) and ISO 8601 time stamps are parsed
in Arrow's C++ parser, so ten million rows take a few hundred megabytes instead of the
gigabytes of Python strings a whole pandas frame holds. Anything the fast path does not
recognise (a repeated header, a non-numeric cell, a missing id, a time Arrow cannot parse) goes
to the pandas path, which gives the error naming the row and column, so both paths accept and
refuse exactly the same files.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as pads

from interdep.cli.parts import parquet_paths, read_parts
from interdep.science.errors import InputError
from interdep.science.tabular import (
    file_row,
    key_column,
    numeric_column,
    require_columns,
)

_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}")
#: pandas' default missing-value words plus the blank and "." read_table adds
_NULLS = [
    "",
    " ",
    ".",
    "#N/A",
    "#N/A N/A",
    "#NA",
    "-1.#IND",
    "-1.#QNAN",
    "-NaN",
    "-nan",
    "1.#IND",
    "1.#QNAN",
    "<NA>",
    "N/A",
    "NA",
    "NULL",
    "NaN",
    "None",
    "n/a",
    "nan",
    "null",
]
#: days from 0001-01-01 (date.toordinal() == 1) to 1970-01-01
_EPOCH_ORDINAL = 719163


@dataclass
class LongData:
    """The columns `interdep dynamics` uses, as arrays aligned row by row."""

    couples: pd.Categorical | pd.Series
    persons: pd.Categorical | pd.Series
    time: np.ndarray
    day: np.ndarray | None
    numeric_time: bool
    values: dict[str, np.ndarray]
    rows: np.ndarray  # spreadsheet row of each record (for messages)

    def __len__(self) -> int:
        return len(self.time)


class _Unsupported(Exception):
    """The fast path cannot read this file exactly as pandas would; use the pandas path."""


def read_long(file: Path, couple: str, person: str, time: str, variables: list[str]) -> LongData:
    """The dynamics columns of a CSV or Parquet file (or a folder or glob of Parquet parts)."""
    columns = [couple, person, time, *variables]
    try:
        table, from_csv = _arrow_table(file, columns)
        data = _from_arrow(table, couple, person, time, variables, from_csv)
    except _Unsupported:
        return long_from_frame(read_parts(file), couple, person, time, variables)
    finally:
        table = None
        # Arrow's allocator keeps what the table and the text it parsed freed (about 1 GB for
        # 10 million rows); hand it back before the estimator needs its own memory
        pa.default_memory_pool().release_unused()
    return data


def _arrow_table(file: Path, columns: list[str]) -> tuple[pa.Table, bool]:
    paths = parquet_paths(file)
    if paths is None:
        if not Path(file).exists():
            raise InputError(f"file not found: {file}")
        with open(file, newline="", encoding="utf-8", errors="replace") as handle:
            header = next(csv.reader(handle), [])
        header = [h.strip() for h in header]
        if len(set(header)) != len(header) or any(c not in header for c in columns):
            raise _Unsupported  # pandas renames repeats and names what is missing
        import pyarrow.csv as pacsv  # deferred: only CSV input needs Arrow's CSV reader

        try:
            table = pacsv.read_csv(
                file,
                convert_options=pacsv.ConvertOptions(
                    include_columns=list(dict.fromkeys(columns)),
                    column_types={columns[2]: pa.string()},
                    null_values=_NULLS,
                    strings_can_be_null=True,
                ),
            )
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            raise _Unsupported from exc
        return table, True
    try:
        dataset = pads.dataset(paths, format="parquet")
    except (pa.ArrowInvalid, OSError) as exc:
        raise _Unsupported from exc
    if any(c not in dataset.schema.names for c in columns):
        raise _Unsupported
    return dataset.to_table(columns=list(dict.fromkeys(columns))), False


def _ids(column: pa.ChunkedArray) -> pd.Categorical:
    """An id column as text, dictionary-encoded (1 and 1.0 are the same id, as in key_column)."""
    if column.null_count:
        raise _Unsupported
    kind = column.type
    if pa.types.is_dictionary(kind):
        column = column.cast(kind.value_type)
        kind = column.type
    if pa.types.is_floating(kind):
        if not pc.all(pc.equal(column, pc.round(column))).as_py():
            raise _Unsupported
        column = column.cast(pa.int64())
    elif not (
        pa.types.is_integer(kind) or pa.types.is_string(kind) or pa.types.is_large_string(kind)
    ):
        raise _Unsupported
    text = pc.utf8_trim_whitespace(column.cast(pa.string())).combine_chunks()
    encoded = text.dictionary_encode()
    return pd.Categorical.from_codes(
        encoded.indices.to_numpy(zero_copy_only=False).astype(np.int32),
        categories=pd.Index(encoded.dictionary.to_pylist(), dtype=object),
    )


def _numbers(column: pa.ChunkedArray) -> np.ndarray:
    kind = column.type
    if pa.types.is_boolean(kind) or pa.types.is_integer(kind) or pa.types.is_floating(kind):
        values = column.cast(pa.float64()).to_numpy().copy()  # nulls become NaN
        if np.isinf(values).any():  # refused with its row and column by the pandas path
            raise _Unsupported
        return values
    if pa.types.is_null(kind):
        return np.full(len(column), np.nan)
    raise _Unsupported


def _times(column: pa.ChunkedArray, from_csv: bool) -> tuple[np.ndarray, np.ndarray | None, bool]:
    if column.null_count:
        raise _Unsupported
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        text = pc.utf8_trim_whitespace(column)
        if from_csv:  # read as text on purpose; pandas would have seen a number column
            try:
                return text.cast(pa.float64()).to_numpy().copy(), None, True
            except pa.ArrowInvalid:
                pass
        try:
            stamps = text.cast(pa.timestamp("us", tz="UTC"))
        except pa.ArrowInvalid:
            try:
                stamps = text.cast(pa.timestamp("us"))  # no offset anywhere: taken as UTC
            except pa.ArrowInvalid as exc:
                raise _Unsupported from exc
        if pc.all(pc.match_substring_regex(text, r"^\d{4}-\d{2}-\d{2}")).as_py():
            local = pc.utf8_slice_codeunits(text, 0, 10).cast(pa.date32())
        else:
            local = stamps.cast(pa.timestamp("us")).cast(pa.date32())
    elif pa.types.is_timestamp(column.type):
        stamps = column.cast(pa.timestamp("us", tz=column.type.tz))
        local = stamps.cast(pa.timestamp("us")).cast(pa.date32())
    elif pa.types.is_integer(column.type) or pa.types.is_floating(column.type):
        return column.cast(pa.float64()).to_numpy().copy(), None, True
    else:
        raise _Unsupported
    micros = stamps.cast(pa.int64()).to_numpy()
    day = local.cast(pa.int32()).to_numpy().astype(np.int64) + _EPOCH_ORDINAL
    return micros / 1e6, day, False


def _from_arrow(
    table: pa.Table, couple: str, person: str, time: str, variables: list[str], from_csv: bool
) -> LongData:
    values = {name: _numbers(table.column(name)) for name in variables}
    t, day, numeric = _times(table.column(time), from_csv)
    if numeric and not np.isfinite(t).all():
        raise _Unsupported
    return LongData(
        couples=_ids(table.column(couple)),
        persons=_ids(table.column(person)),
        time=t,
        day=day,
        numeric_time=numeric,
        values=values,
        rows=np.arange(table.num_rows) + 2,
    )


def long_from_frame(
    frame: pd.DataFrame, couple: str, person: str, time: str, variables: list[str]
) -> LongData:
    """The same columns from a pandas frame, with errors naming the row and column."""
    require_columns(frame, [couple, person, time, *variables])
    couples = key_column(frame, couple)
    persons = key_column(frame, person)
    t, day, numeric = parse_times(frame, time)
    return LongData(
        couples=couples,
        persons=persons,
        time=t,
        day=day,
        numeric_time=numeric,
        values={n: numeric_column(frame, n) for n in variables},
        rows=np.arange(len(frame)) + 2,
    )


def parse_times(frame: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray | None, bool]:
    """Times as numbers: (values, local day or None, numeric?).

    A numeric column (e.g. a diary day index) is used as is. Otherwise each cell must be an
    ISO 8601 time stamp; with an offset it is placed on the UTC line and its local day is read
    from the stamp itself; without one it is taken as UTC.
    """
    series = frame[column]
    missing = series.isna()
    if missing.any():
        i = int(np.flatnonzero(missing.to_numpy())[0])
        raise InputError("missing time", row=file_row(i), column=column)
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return numeric_column(frame, column, allow_missing=False), None, True
    if pd.api.types.is_datetime64_any_dtype(series):
        stamps = pd.to_datetime(series, utc=True)
        text = None
    else:
        text = series.astype(str).str.strip()
        stamps = pd.to_datetime(text, utc=True, format="ISO8601", errors="coerce")
        bad = stamps.isna().to_numpy()
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise InputError(
                f"cannot read time {series.iloc[i]!r} (use ISO 8601, e.g. 2025-03-03T09:15:00+01:00)",
                row=file_row(i),
                column=column,
            )
    seconds = (stamps.astype("int64").to_numpy() // 1000) / 1e6  # microseconds, exact in float
    if text is not None and text.str.match(_DATE_PREFIX).all():
        local = pd.to_datetime(text.str.slice(0, 10), format="%Y-%m-%d")
    else:
        local = stamps.dt.tz_convert(None).dt.floor("D")
    day = (local.to_numpy().astype("datetime64[D]").astype(np.int64) + _EPOCH_ORDINAL).astype(
        np.int64
    )  # date.toordinal
    return seconds, day, False
