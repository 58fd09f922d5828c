"""`interdep apim` on Dask's distributed scheduler: the fit from sums gathered partition by part.

The file is read lazily (CSV by blocks, or partitioned Parquet), shuffled so that both rows of a
dyad meet in one partition, and every partition is read by the same ``dyads_from_table`` as the
in-memory run (the same checks) and reduced to its sums (``science.apim.moments``). Only those
few small matrices come back; the client adds them and optimises the likelihood. A bad cell is
reported with its row in the file: each row carries its partition and position in the file's
order through the shuffle.
"""

from __future__ import annotations

from pathlib import Path

import dask
import dask.dataframe as dd
import pandas as pd

from interdep.cli.cluster import dask_client, gather_in_order
from interdep.cli.parts import parquet_paths
from interdep.science import dyadic
from interdep.science.apim import ApimResult, dyads_from_table
from interdep.science.apim.moments import combine, fit_from_moments, part_moments
from interdep.science.errors import InputError
from interdep.science.tabular import HEADER_ROWS, file_row

PART = "__interdep_part__"
INDEX = "__interdep_index__"
KEY = "__interdep_dyad__"
_NA = ["", " ", "NA", "NaN", "."]


def _stems(names: list[str]) -> list[str]:
    out = []
    for name in names:
        for suffix in (dyadic.ACTOR_SUFFIX, dyadic.PARTNER_SUFFIX):
            if name.endswith(suffix):
                name = name[: -len(suffix)]
        out.append(name)
    return out


def _columns(header: list[str], spec: dict) -> list[str]:
    """The columns the model reads: in the individual layout the names given, otherwise every
    column of a variable's stem (``X_A``/``X_P``, ``V_<member>``)."""
    ids = [spec["dyad_column"]] + ([spec["role_column"]] if spec["role_column"] else [])
    names = [spec["outcome"], *spec["predictors"], *spec["covariates"]]
    if spec["layout"] == "individual":
        wanted = set(ids + names)
    else:
        stems = _stems(names)
        wanted = set(ids) | {
            c for c in header if c in names or any(c.startswith(s + "_") or c == s for s in stems)
        }
    return [c for c in header if c in wanted]


def _read(file: Path, spec: dict) -> dd.DataFrame:
    paths = parquet_paths(file)
    try:
        if paths is not None:
            header = list(dd.read_parquet(paths).columns)
            return dd.read_parquet(paths, columns=_columns(header, spec))
        if not file.exists():
            raise InputError(f"file not found: {file}")
        header = list(pd.read_csv(file, nrows=0, skipinitialspace=True).columns)
        # text, as the cells are in the file: each partition parses them as the in-memory
        # reader does, so a bad cell is found where it is and named
        return dd.read_csv(
            file,
            usecols=_columns(header, spec),
            dtype=object,
            skipinitialspace=True,
            na_values=_NA,
            blocksize="64MB",
        )
    except (ValueError, OSError, pd.errors.ParserError) as exc:
        raise InputError(f"cannot read {file}: {exc}") from exc


def _key(series: pd.Series) -> pd.Series:
    """A hash of the dyad id as the text the pairing compares (so both rows of a dyad go to one
    partition); eight bytes a row travel through the shuffle instead of a second copy of the id."""
    text = series if pd.api.types.is_string_dtype(series) else series.astype(str)
    text = text.str.strip().where(series.notna(), None)  # Arrow strings stay Arrow strings
    return pd.util.hash_pandas_object(text, index=False)


def _positioned(frame: pd.DataFrame, dyad_column: str, partition_info=None) -> pd.DataFrame:
    number = partition_info["number"] if partition_info else 0
    return frame.assign(**{PART: number, INDEX: range(len(frame)), KEY: _key(frame[dyad_column])})


def _part(frame: pd.DataFrame, spec: dict, distinguishable: bool, both: bool):
    """One partition of whole dyads on a worker: its sums, or where its first bad cell is."""
    if len(frame) == 0:
        return None
    frame = frame.sort_values([PART, INDEX]).reset_index(drop=True)
    where = frame[[PART, INDEX]].to_numpy()
    table = frame.drop(columns=[PART, INDEX, KEY])
    try:
        data = dyads_from_table(
            table,
            outcome=spec["outcome"],
            predictors=spec["predictors"],
            covariates=spec["covariates"],
            dyad_column=spec["dyad_column"],
            role_column=spec["role_column"],
            layout=spec["layout"],
        )
        return part_moments(data, distinguishable=distinguishable, both=both)
    except InputError as exc:
        local = exc.row - HEADER_ROWS - 1 if exc.row is not None and exc.row > 1 else None
        at = (
            tuple(int(v) for v in where[local])
            if local is not None and local < len(where)
            else None
        )
        return ("error", exc.message, exc.row if local is None else None, exc.column, at)


def fit_distributed(
    file: Path,
    *,
    outcome: str,
    predictors: list[str],
    covariates: list[str],
    dyad_column: str,
    role_column: str | None,
    layout: str,
    method: str,
    parametrisation: str,
    df_method: str,
    scheduler: str | None,
    workers: int | None,
    memory_limit: str | None,
    partitions: int | None,
) -> ApimResult:
    """The cross-sectional APIM of ``file`` fitted on a Dask cluster from per-partition sums."""
    if df_method == "kenward-roger":
        raise InputError(
            "Kenward-Roger needs every dyad's design in one place; with --dask use --df "
            "satterthwaite or residual"
        )
    spec = dict(
        outcome=outcome,
        predictors=[p.strip() for p in predictors if p.strip()],
        covariates=[c.strip() for c in covariates if c.strip()],
        dyad_column=dyad_column,
        role_column=role_column,
        layout=layout,
    )
    distinguishable = role_column is not None
    with dask_client(scheduler, workers=workers, memory_limit=memory_limit) as client:
        frame = source = _read(file, spec)
        # in the dyad layout the members' suffixes are the roles: no role column to read
        role = [role_column] if role_column and layout != "dyad" else []
        for column in [dyad_column, *role]:
            if column not in frame.columns:
                raise InputError(
                    f"column not found (have: {', '.join(map(str, frame.columns))})",
                    row=1,
                    column=column,
                )
        meta = {**frame.dtypes, PART: "int64", INDEX: "int64", KEY: "uint64"}
        frame = frame.map_partitions(_positioned, dyad_column, meta=meta)
        frame = frame.shuffle(on=KEY, npartitions=partitions or frame.npartitions)
        tasks = [
            dask.delayed(_part)(part, spec, distinguishable, distinguishable)
            for part in frame.to_delayed()
        ]
        gathered: list = []
        gather_in_order(client, client.compute(tasks), "summing", lambda i, r: gathered.append(r))
        errors = [g for g in gathered if isinstance(g, tuple)]
        if errors:
            raise _first_error(errors, source, client)
    parts = [g for g in gathered if g is not None]
    if not parts:
        raise InputError(f"{file} has no data rows (only a header, or nothing)")
    return fit_from_moments(
        combine(parts),
        distinguishable=distinguishable,
        method=method,
        parametrisation=parametrisation,
        df_method=df_method,
    )


def _first_error(errors: list[tuple], source: dd.DataFrame, client) -> InputError:
    """The error at the earliest row of the file (its row counted from the partitions' lengths,
    measured only now that a row is to be named)."""
    located = [e for e in errors if e[4] is not None]
    if not located:
        _, message, row, column, _ = errors[0]
        return InputError(message, row=row, column=column)
    _, message, _, column, (part, index) = min(located, key=lambda e: e[4])
    lengths = client.compute(source.map_partitions(len)).result().tolist()
    return InputError(message, row=file_row(sum(lengths[:part]) + index), column=column)
