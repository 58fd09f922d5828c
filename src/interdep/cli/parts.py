"""Which files an input path names (a file, a folder or glob of Parquet parts), and reading them
as one table. Kept apart from ``long_input``, whose Arrow compute and dataset modules take a
fifth of a second to import, so `interdep apim` and `interdep score` do not pay for them."""

from __future__ import annotations

import glob
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from interdep.science.errors import InputError
from interdep.science.tabular import read_table


def parquet_paths(text: str | Path) -> list[str] | None:
    """The Parquet files a path names: a file, a folder of parts, or a glob; None if not Parquet."""
    text = str(text)
    if any(ch in text for ch in "*?["):
        found = sorted(glob.glob(text, recursive=True))
        if not found:
            raise InputError(f"no files match {text}")
        return found
    path = Path(text)
    if path.is_dir():
        found = sorted(str(p) for p in path.rglob("*") if p.suffix.lower() in {".parquet", ".pq"})
        if not found:
            raise InputError(f"no Parquet files in folder {text}")
        return found
    if path.suffix.lower() in {".parquet", ".pq"}:
        return [text]
    return None


def read_parts(file: Path, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """A CSV or Parquet file, or every part of a Parquet folder or glob, as one frame.

    ``columns``: the columns the command uses, so a CSV reads only those (see ``read_table``).
    """
    paths = parquet_paths(file)
    if paths is not None and len(paths) > 1:
        return pd.concat([read_table(Path(p)) for p in paths], ignore_index=True)
    return read_table(Path(paths[0]) if paths else file, columns=columns)
