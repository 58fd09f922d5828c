"""`interdep score` on Dask's distributed scheduler: persons scored partition by partition.

Persons are scored where their partition is read (partitioned by person, in file order) and
each partition's output comes back as text, written in order as it arrives. Ids are checked
across the whole file on the cluster (a repeated person, a couple without exactly two members).
For the JSON document, couples are brought together by a shuffle on the couple column, read
together on the workers and written after the persons in the order they first appear.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import dask
import dask.dataframe as dd
import pandas as pd

from interdep.cli.app import AtomicOutput, err_console
from interdep.cli.cluster import dask_client, gather_in_order
from interdep.cli.parts import parquet_paths
from interdep.cli.score_input import rows_of
from interdep.cli.score_output import persons_csv_rows, persons_json_items
from interdep.science.answer_table import DEFAULT_COUPLE_COLUMN, read_answer_frame
from interdep.science.couple import analyse_couple
from interdep.science.errors import InputError
from interdep.science.results import score_persons

ROW = "__interdep_row__"
SLICE = 2_000  # persons scored into result objects at a time on a worker


def _read(file: Path, person_column: str, couple_column: str | None) -> dd.DataFrame:
    paths = parquet_paths(file)
    if paths is not None:
        return dd.read_parquet(paths)
    if not file.exists():
        raise InputError(f"file not found: {file}")
    ids = {c: "object" for c in (person_column, couple_column) if c}
    return dd.read_csv(
        file,
        skipinitialspace=True,
        na_values=["", " ", "NA", "NaN", "."],
        dtype=ids,
        assume_missing=True,
        blocksize="32MB",
    )


def _with_rows(frame: pd.DataFrame, offsets: list[int], partition_info=None) -> pd.DataFrame:
    first = offsets[partition_info["number"]] if partition_info else 0
    return frame.assign(**{ROW: range(first, first + len(frame))})


def _shift(exc: InputError, first_row: int) -> InputError:
    row = exc.row + first_row if exc.row is not None and exc.row >= 2 else exc.row
    return InputError(exc.message, row=row, column=exc.column)


def _answers(frame: pd.DataFrame, options: dict, whole_file: bool):
    first = int(frame[ROW].iloc[0]) if len(frame) else 0
    try:
        return read_answer_frame(
            frame.drop(columns=[ROW]).reset_index(drop=True), whole_file=whole_file, **options
        )
    except InputError as exc:
        raise _shift(exc, first if not whole_file else 0) from None


def _persons_part(frame: pd.DataFrame, options: dict, fmt: str, first_part: bool) -> str:
    """One partition's persons as CSV lines (a header in the first) or JSON items.

    CSV comes from the same vectorised writer as the in-memory run; JSON is built a slice of
    persons at a time, because a person's result object weighs about 13 KB and a whole
    partition's would not fit a small worker."""
    if len(frame) == 0:
        return ""
    answers = _answers(frame, options, whole_file=False)
    if fmt == "csv":
        return persons_csv_rows(answers, header=first_part)
    items = []
    for start in range(0, len(answers.person_ids), SLICE):
        part = rows_of(answers, range(start, min(start + SLICE, len(answers.person_ids))))
        persons = score_persons(
            part.instrument,
            part.self_answers,
            part.person_ids,
            part.couple_ids,
            part.partner_answers,
        )
        items.append(persons_json_items(persons))
    return ",".join(items)


def _couples_part(frame: pd.DataFrame, options: dict) -> list[tuple[int, str]]:
    """One partition of whole couples: (first row of the couple, its JSON) per couple."""
    if len(frame) == 0:
        return []
    frame = frame.sort_values(ROW)
    answers = _answers(frame, options, whole_file=False)
    persons = score_persons(
        answers.instrument,
        answers.self_answers,
        answers.person_ids,
        answers.couple_ids,
        answers.partner_answers,
    )
    rows = frame[ROW].tolist()
    waiting: dict[str, tuple[int, object]] = {}
    out = []
    for row, person in zip(rows, persons, strict=True):
        if person.couple_id not in waiting:
            waiting[person.couple_id] = (row, person)
            continue
        first_row, first = waiting.pop(person.couple_id)
        couple = analyse_couple(answers.instrument, first, person, couple_id=person.couple_id)
        out.append((first_row, json.dumps(couple.to_dict(), separators=(",", ":"))))
    return out


def _check_ids(frame: dd.DataFrame, person_column: str, couple_column: str | None) -> None:
    """A repeated person id, or a couple without exactly two members, anywhere in the file.

    The counts stay split across the partitions (``split_out``): all of a million ids counted
    in one place would not fit a small worker."""
    split = frame.npartitions
    counts = frame[person_column].astype(str).str.strip().value_counts(split_out=split)
    repeated = counts[counts > 1].compute()
    if len(repeated):
        raise InputError(f"duplicate person id {repeated.index[0]!r}", column=person_column)
    if couple_column:
        sizes = frame[couple_column].astype(str).str.strip().value_counts(split_out=split)
        wrong = sizes[sizes != 2].compute()
        if len(wrong):
            raise InputError(
                f"couple {wrong.index[0]!r} has {int(wrong.iloc[0])} member(s); a couple has exactly two",
                column=couple_column,
            )


def score_distributed(
    file: Path,
    *,
    fmt: str,
    output: Path | None,
    person_column: str,
    couple_column: str | None,
    instrument_version: str,
    scheduler: str | None,
    workers: int | None,
    memory_limit: str | None,
) -> None:
    if fmt == "table":
        raise InputError("with --dask, use --format csv or json (the table shows 50 persons)")
    with dask_client(scheduler, workers=workers, memory_limit=memory_limit) as client:
        frame = _read(file, person_column, couple_column)
        if couple_column is None and DEFAULT_COUPLE_COLUMN in frame.columns:
            couple_column = DEFAULT_COUPLE_COLUMN
        for column in [person_column] + ([couple_column] if couple_column else []):
            if column not in frame.columns:
                raise InputError("column not found", row=1, column=column)
        lengths = frame.map_partitions(len).compute().tolist()
        offsets = [sum(lengths[:i]) for i in range(len(lengths))]
        frame = frame.map_partitions(_with_rows, offsets, meta={**frame.dtypes, ROW: "int64"})
        _check_ids(frame, person_column, couple_column)
        options = dict(
            person_column=person_column,
            couple_column=couple_column,
            default_version=instrument_version,
        )
        parts = frame.to_delayed()
        tasks = [
            dask.delayed(_persons_part)(part, options, fmt, i == 0) for i, part in enumerate(parts)
        ]
        n_couples = 0
        with AtomicOutput(output) as out, tempfile.TemporaryFile() as side:
            out.write('{"persons":[' if fmt == "json" else "")
            written = [False]

            def write(_, text: str) -> None:
                if text:
                    out.write(("," if fmt == "json" and written[0] else "") + text)
                    written[0] = True

            gather_in_order(client, client.compute(tasks), "scoring", write)
            if fmt == "json":
                spans: list[tuple[int, int, int]] = []
                if couple_column:
                    by_couple = frame.shuffle(on=couple_column)
                    tasks = [
                        dask.delayed(_couples_part)(part, options)
                        for part in by_couple.to_delayed()
                    ]

                    def keep(_, couples: list[tuple[int, str]]) -> None:
                        for first_row, text in couples:
                            data = text.encode()
                            spans.append((first_row, side.tell(), len(data)))
                            side.write(data)

                    gather_in_order(client, client.compute(tasks), "couples", keep)
                out.write('],"couples":[')
                for i, (_, offset, length) in enumerate(sorted(spans)):
                    side.seek(offset)
                    out.write(("," if i else "") + side.read(length).decode())
                out.write("]}")
                n_couples = len(spans)
    if output is not None:
        err_console.print(f"wrote {sum(lengths)} persons and {n_couples} couples to {output}")
