"""A researcher's answer file (one row per person, one column per item id) checked and turned
into the matrices scoring takes. Every refusal names the row and column."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from interdep.science.errors import ContentError, InputError
from interdep.science.instrument import CURRENT_VERSION, Instrument, load_instrument
from interdep.science.scoring import partner_report_plan, self_report_plan
from interdep.science.tabular import file_row, key_column, require_columns

VERSION_COLUMN = "instrument_version"
DEFAULT_COUPLE_COLUMN = "couple_id"


@dataclass(frozen=True)
class AnswerSet:
    instrument: Instrument
    person_ids: list[str]
    couple_ids: list[str] | None
    self_answers: np.ndarray  # (n, self items) in plan order, NaN = unanswered
    partner_answers: np.ndarray  # (n, partner items)

    def __len__(self) -> int:
        return len(self.person_ids)


def _instrument_for(frame: pd.DataFrame, default_version: str) -> Instrument:
    if VERSION_COLUMN not in frame.columns:
        return load_instrument(default_version)
    versions = frame[VERSION_COLUMN].astype(str).str.strip()
    distinct = versions.unique()
    if len(distinct) != 1:
        i = int(np.flatnonzero((versions != distinct[0]).to_numpy())[0])
        raise InputError(
            f"answers from several instrument versions ({', '.join(map(str, distinct))}); "
            "score each version's rows as its own file",
            row=file_row(i),
            column=VERSION_COLUMN,
        )
    try:
        return load_instrument(str(distinct[0]))
    except ContentError as exc:
        raise InputError(str(exc), row=2, column=VERSION_COLUMN) from exc


def _item_block(frame: pd.DataFrame, item_ids: tuple[str, ...], low: int, high: int) -> np.ndarray:
    """The item columns as floats (NaN = unanswered), refusing non-numbers and off-scale values."""
    out = np.full((len(frame), len(item_ids)), np.nan)
    for k, item_id in enumerate(item_ids):
        if item_id not in frame.columns:
            continue
        raw = frame[item_id]
        values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
        bad = np.isnan(values) & raw.notna().to_numpy()
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise InputError(f"not a number: {raw.iloc[i]!r}", row=file_row(i), column=item_id)
        off = ~np.isnan(values) & ((values < low) | (values > high) | (values != np.round(values)))
        if off.any():
            i = int(np.flatnonzero(off)[0])
            raise InputError(
                f"answer {values[i]:g} is outside the response scale (whole numbers {low} to {high})",
                row=file_row(i),
                column=item_id,
            )
        out[:, k] = values
    return out


def read_answer_frame(
    frame: pd.DataFrame,
    *,
    person_column: str = "person_id",
    couple_column: str | None = None,
    default_version: str = CURRENT_VERSION,
    whole_file: bool = True,
) -> AnswerSet:
    """Check a one-row-per-person answer table and return its matrices.

    A ``couple_id`` column is used as the couple column when none is named. With
    ``whole_file=False`` the frame is one part of a larger file: ids are not checked for
    repeats and couples for their two members here (the caller checks them across the parts).
    """
    if couple_column is None and DEFAULT_COUPLE_COLUMN in frame.columns:
        couple_column = DEFAULT_COUPLE_COLUMN
    require_columns(frame, [person_column] + ([couple_column] if couple_column else []))
    for column in sorted(frame.attrs.get("duplicate_columns", ())):
        raise InputError(
            "this column name appears more than once in the header", row=1, column=column
        )
    instrument = _instrument_for(frame, default_version)
    known = set(instrument.item_ids) | {person_column, VERSION_COLUMN}
    if couple_column:
        known.add(couple_column)
    for column in frame.columns:
        if column not in known:
            raise InputError(
                f"unknown item id for instrument {instrument.version}", row=1, column=str(column)
            )

    persons = key_column(frame, person_column)
    duplicated = persons.duplicated() if whole_file else persons.iloc[:0].duplicated()
    if duplicated.any():
        i = int(np.flatnonzero(duplicated.to_numpy())[0])
        first = int(np.flatnonzero((persons == persons.iloc[i]).to_numpy())[0])
        raise InputError(
            f"duplicate person id {persons.iloc[i]!r} (first seen in row {file_row(first)})",
            row=file_row(i),
            column=person_column,
        )
    couples = None
    if couple_column:
        couple_series = key_column(frame, couple_column)
        # a part of a file: its couples' sizes are checked across the parts by the caller
        wrong = (
            (couple_series.map(couple_series.value_counts()) != 2).to_numpy()
            if whole_file
            else np.zeros(0, dtype=bool)
        )
        if wrong.any():
            i = int(np.flatnonzero(wrong)[0])
            cid = couple_series.iloc[i]
            rows = [file_row(j) for j in np.flatnonzero((couple_series == cid).to_numpy())]
            raise InputError(
                f"couple {cid!r} has {len(rows)} member(s) (rows {', '.join(map(str, rows))}); a couple has exactly two",
                row=file_row(i),
                column=couple_column,
            )
        couples = couple_series.tolist()

    low, high = instrument.scale.min, instrument.scale.max
    return AnswerSet(
        instrument=instrument,
        person_ids=persons.tolist(),
        couple_ids=couples,
        self_answers=_item_block(frame, self_report_plan(instrument).item_ids, low, high),
        partner_answers=_item_block(frame, partner_report_plan(instrument).item_ids, low, high),
    )
