"""Reading an answer file for `interdep score` part by part, so memory holds one part at a time.

A CSV is read by pandas in chunks with the options of ``read_table`` (the same cells become the
same values) and Parquet by record batches, file after file for a folder or glob of parts. Each
part is checked by ``read_answer_frame`` as a part (its rows named by their place in the whole
file), and what needs the whole file is checked as the parts go by: a person id seen before,
one instrument version, and, after the last part, couples with exactly two members. An error
names its row and column like the whole-table reader's; with several problems in a file, it is
the first one met while reading.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from interdep.cli.parts import parquet_paths
from interdep.science.answer_table import DEFAULT_COUPLE_COLUMN, AnswerSet, read_answer_frame
from interdep.science.errors import InputError
from interdep.science.tabular import file_row

#: Rows per part.
CHUNK = 20_000
_NA = ["", " ", "NA", "NaN", "."]


def _duplicates(columns: list) -> set[str]:
    """Header names pandas renamed X.1 because X came before (as ``read_table`` records)."""
    return {
        c.rsplit(".", 1)[0]
        for c in columns
        if isinstance(c, str)
        and "." in c
        and c.rsplit(".", 1)[0] in columns
        and c.rsplit(".", 1)[1].isdigit()
    }


def _frames(file: Path, chunk: int) -> Iterator[pd.DataFrame]:
    paths = parquet_paths(file)
    if paths is None:
        if not file.exists():
            raise InputError(f"file not found: {file}")
        try:
            reader = pd.read_csv(
                file, skipinitialspace=True, na_values=_NA, chunksize=chunk, dtype=None
            )
            for frame in reader:
                frame.attrs["duplicate_columns"] = _duplicates(list(frame.columns))
                yield frame
        except (
            pd.errors.ParserError,
            pd.errors.EmptyDataError,
            UnicodeDecodeError,
            OSError,
        ) as exc:
            raise InputError(f"cannot read {file.name}: {exc}") from exc
        return
    import pyarrow.parquet as pq  # deferred: Arrow loads only for a Parquet file

    for path in paths:
        try:
            handle = pq.ParquetFile(path)
            for batch in handle.iter_batches(batch_size=chunk):
                yield batch.to_pandas()
        except (OSError, ValueError) as exc:
            raise InputError(f"cannot read {Path(path).name} as Parquet: {exc}") from exc


def answer_parts(
    file: Path,
    *,
    person_column: str,
    couple_column: str | None,
    default_version: str,
    chunk: int | None = None,
) -> Iterator[tuple[int, AnswerSet]]:
    """(index of the part's first person in the file, the part's answers), part after part; the
    whole-file checks raise as soon as they can (couples' sizes after the last part)."""
    seen: dict[str, int] = {}
    couple_ids: list[list[str]] = []  # each part's, checked together after the last part
    version = None
    start = 0
    for frame in _frames(file, chunk or CHUNK):
        frame = frame.reset_index(drop=True)
        if frame.empty:
            continue
        if couple_column is None and DEFAULT_COUPLE_COLUMN in frame.columns:
            couple_column = DEFAULT_COUPLE_COLUMN
        try:
            part = read_answer_frame(
                frame,
                person_column=person_column,
                couple_column=couple_column,
                default_version=default_version,
                whole_file=False,
            )
        except InputError as exc:
            row = exc.row + start if exc.row is not None and exc.row >= 2 else exc.row
            raise InputError(exc.message, row=row, column=exc.column) from None
        if version is None:
            version = part.instrument.version
        elif part.instrument.version != version:
            raise InputError(
                f"answers from several instrument versions ({version}, "
                f"{part.instrument.version}); score each version's rows as its own file",
                row=file_row(start),
                column="instrument_version",
            )
        _check_new_persons(seen, part.person_ids, start, person_column)
        if part.couple_ids is not None:
            couple_ids.append(part.couple_ids)
        yield start, part
        start += len(part)
    if start == 0:
        raise InputError(f"{Path(file).name} has no data rows (only a header, or nothing)")
    if not couple_ids:
        return
    # codes in the order couples first appear: the first wrong one is the earliest in the file
    codes, uniques = pd.factorize(np.array([c for ids in couple_ids for c in ids], dtype=object))
    wrong = np.flatnonzero(np.bincount(codes, minlength=len(uniques)) != 2)
    if len(wrong):
        cid = uniques[wrong[0]]
        rows = np.flatnonzero(codes == wrong[0])
        named = ", ".join(str(file_row(j)) for j in rows)
        raise InputError(
            f"couple {cid!r} has {len(rows)} member(s) (rows {named}); a couple has exactly two",
            row=file_row(rows[0]),
            column=couple_column,
        )


def _check_new_persons(seen: dict[str, int], ids: list[str], start: int, column: str) -> None:
    """Add a part's person ids to ``seen`` (id -> first row), refusing one seen before."""
    fresh = dict(zip(ids, range(start, start + len(ids)), strict=True))
    if len(fresh) == len(ids) and seen.keys().isdisjoint(fresh):
        seen.update(fresh)  # the usual part: every id new, checked in C
        return
    for k, pid in enumerate(ids):  # a repeat: name the first, as read in order
        first = seen.setdefault(pid, start + k)
        if first != start + k:
            raise InputError(
                f"duplicate person id {pid!r} (first seen in row {file_row(first)})",
                row=file_row(start + k),
                column=column,
            )


def rows_of(part: AnswerSet, rows: np.ndarray | list[int]) -> AnswerSet:
    """Some rows of a part, as an AnswerSet."""
    rows = list(rows)
    return AnswerSet(
        instrument=part.instrument,
        person_ids=[part.person_ids[i] for i in rows],
        couple_ids=[part.couple_ids[i] for i in rows] if part.couple_ids is not None else None,
        self_answers=part.self_answers[rows],
        partner_answers=part.partner_answers[rows],
    )
