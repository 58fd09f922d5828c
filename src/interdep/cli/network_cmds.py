"""Researcher command for couple networks: `interdep network` (multilevel VAR(1) + chance baseline)."""

from __future__ import annotations

import json
import time as _time
from pathlib import Path
from typing import Annotated

import numpy as np
import pandas as pd
import typer

from interdep.cli.app import app, echo, err_console, fail, reports_input_errors, write_atomically
from interdep.science.errors import InputError
from interdep.science.network import fit_network, lag_design, pseudo_couple_baseline
from interdep.science.network.document import network_document, render_markdown, render_table
from interdep.science.tabular import (
    file_row,
    key_column,
    numeric_column,
    read_table,
    require_columns,
)

FORMATS = ("json", "table", "markdown")
LAYOUTS = ("dyad", "person-period")


def _split(text: str) -> list[str]:
    names = [v.strip() for v in text.split(",") if v.strip()]
    if not names:
        raise InputError("--variables needs at least one column name")
    if len(set(names)) != len(names):
        raise InputError(f"--variables names a column twice: {text}")
    return names


def read_dyad(frame: pd.DataFrame, id_column: str, time_column: str, names: list[str]):
    """One row per couple per occasion: the variables are the columns named."""
    require_columns(frame, [id_column, time_column, *names])
    couples = key_column(frame, id_column).to_numpy()
    time = numeric_column(frame, time_column, allow_missing=False)
    values = np.column_stack([numeric_column(frame, n) for n in names])
    return couples, time, values, list(names), np.arange(len(frame))


def read_person_period(
    frame: pd.DataFrame, id_column: str, time_column: str, person_column: str, names: list[str]
):
    """One row per person per occasion; the two partners' rows of a day become one row.

    With a person column of two labels shared by all couples (e.g. M/W), those are the partners
    A and B (in sorted order) and the network variables are ``<label>_<variable>``; with person
    ids, each couple's two ids are sorted and the first is partner A.
    """
    require_columns(frame, [id_column, time_column, person_column, *names])
    couples = key_column(frame, id_column)
    persons = key_column(frame, person_column)
    time = numeric_column(frame, time_column, allow_missing=False)
    labels = sorted(persons.unique())
    if len(labels) == 2:
        role = persons.map({labels[0]: 0, labels[1]: 1}).to_numpy()
        prefixes = labels
    else:
        per = pd.DataFrame({"c": couples, "p": persons}).drop_duplicates()
        counts = per.groupby("c")["p"].nunique()
        bad = counts[counts != 2]
        if len(bad):
            c = bad.index[0]
            i = int(np.flatnonzero(couples.to_numpy() == c)[0])
            raise InputError(
                f"couple {c} has {bad.iloc[0]} person(s); each couple needs exactly two",
                row=file_row(i),
                column=person_column,
            )
        first = per.groupby("c")["p"].min()
        role = (persons.to_numpy() != first.reindex(couples).to_numpy()).astype(int)
        prefixes = ["A", "B"]
    vals = np.column_stack([numeric_column(frame, n) for n in names])
    key = pd.DataFrame({"c": couples.to_numpy(), "t": time, "r": role})
    dup = key.duplicated(keep=False).to_numpy()
    if dup.any():
        i = int(np.flatnonzero(dup)[1])
        raise InputError(
            f"person {persons.iloc[i]} of couple {couples.iloc[i]} has two rows for "
            f"occasion {time[i]:g}",
            row=file_row(i),
        )
    wide_names = [f"{prefixes[r]}_{n}" for r in (0, 1) for n in names]
    blocks = []
    for r in (0, 1):
        m = role == r
        part = pd.DataFrame(vals[m], columns=wide_names[r * len(names) : (r + 1) * len(names)])
        part["c"], part["t"], part[f"row{r}"] = key["c"][m].to_numpy(), time[m], np.flatnonzero(m)
        blocks.append(part)
    merged = blocks[0].merge(blocks[1], on=["c", "t"], how="outer").sort_values(["c", "t"])
    rows = merged["row0"].fillna(merged["row1"]).to_numpy(dtype=int)
    return (
        merged["c"].to_numpy(),
        merged["t"].to_numpy(dtype=float),
        merged[wide_names].to_numpy(dtype=float),
        wide_names,
        rows,
    )


@app.command()
@reports_input_errors
def network(
    file: Annotated[Path, typer.Argument(help="Diary table (CSV or Parquet).")],
    layout: Annotated[
        str,
        typer.Option(
            help="dyad: one row per couple per day; person-period: one per person per day."
        ),
    ] = "dyad",
    id_column: Annotated[str, typer.Option(help="Column identifying the couple.")] = "couple_id",
    time_column: Annotated[
        str, typer.Option(help="Occasion index (e.g. diary day); consecutive days differ by 1.")
    ] = "day",
    person_column: Annotated[
        str, typer.Option(help="Person or role column (person-period layout).")
    ] = "person",
    variables: Annotated[
        str,
        typer.Option(
            help="Comma-separated variables: in the dyad layout partner A's then partner B's "
            "columns; in the person-period layout the per-person columns."
        ),
    ] = "",
    partner_a: Annotated[
        int | None,
        typer.Option(help="How many of --variables are partner A's (dyad layout; default half)."),
    ] = None,
    scale: Annotated[
        bool, typer.Option("--scale/--no-scale", help="Standardise each variable over the sample.")
    ] = True,
    scale_within: Annotated[
        bool, typer.Option("--scale-within", help="Standardise within couple (mlVAR scaleWithin).")
    ] = False,
    means: Annotated[
        bool,
        typer.Option(
            "--means/--no-means",
            help="Couple means of the other variables as level-2 predictors (mlVAR does).",
        ),
    ] = True,
    baseline: Annotated[
        int,
        typer.Option(help="Pseudo-couple re-pairings for the chance baseline (0: none)."),
    ] = 100,
    seed: Annotated[int, typer.Option(help="Seed of the pseudo-couple re-pairings.")] = 0,
    fmt: Annotated[str, typer.Option("--format", help="json, table or markdown.")] = "table",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of standard output.")
    ] = None,
    figure: Annotated[
        Path | None,
        typer.Option(help="Also draw the networks to this file (.svg, .png or .pdf)."),
    ] = None,
) -> None:
    """A multilevel VAR(1) network of both partners' variables (temporal, contemporaneous,
    between-couple), couple indices and a pseudo-couple chance baseline."""
    if fmt not in FORMATS:
        raise fail(f"--format must be one of {', '.join(FORMATS)} (got {fmt!r})")
    if layout not in LAYOUTS:
        raise fail(f"--layout must be one of {', '.join(LAYOUTS)} (got {layout!r})")
    if figure is not None and figure.suffix.lower().lstrip(".") not in ("svg", "png", "pdf"):
        raise fail(f"--figure must end in .svg, .png or .pdf (got {figure.name!r})")
    if baseline < 0:
        raise fail("--baseline must be 0 or more")
    for target in (output, figure):
        if target is not None and not target.resolve().parent.is_dir():
            raise fail(f"directory does not exist: {target.resolve().parent}")
    names = _split(variables)
    frame = read_table(file)
    if layout == "dyad":
        couples, time, values, var_names, rows = read_dyad(frame, id_column, time_column, names)
        n_a = partner_a if partner_a is not None else len(names) // 2
        if partner_a is None and len(names) % 2:
            raise InputError(
                f"{len(names)} variables do not split into two partners; give --partner-a"
            )
    else:
        couples, time, values, var_names, rows = read_person_period(
            frame, id_column, time_column, person_column, names
        )
        n_a = len(names)
    if not 0 < n_a < len(var_names):
        raise InputError(f"--partner-a must be between 1 and {len(var_names) - 1}")
    start = _time.perf_counter()
    err_console.print("estimating the network ...", highlight=False)
    data = lag_design(
        couples, time, values, var_names, scale=scale, scale_within=scale_within, rows=rows
    )
    fit = fit_network(data, means=means)
    base = None
    if baseline:
        err_console.print(f"chance baseline: {baseline} pseudo-couple samples ...", highlight=False)
        base = pseudo_couple_baseline(
            couples,
            time,
            values,
            var_names,
            n_a,
            replicates=baseline,
            seed=seed,
            scale=scale,
            scale_within=scale_within,
            means=means,
            observed_fit=fit,
        )
    doc = network_document(
        fit,
        n_a,
        baseline=base,
        baseline_seed=seed if base is not None else None,
        elapsed_seconds=_time.perf_counter() - start,
    )
    if fmt == "json":
        text = json.dumps(doc, indent=1, allow_nan=False)
    elif fmt == "markdown":
        text = render_markdown(doc)
    else:
        text = render_table(doc)
    figure_data = None
    if figure is not None:
        from interdep.science.network.figure import (  # deferred: matplotlib only for --figure
            figure_bytes,
            network_figure,
        )

        fig = network_figure(fit, n_a, parties=_parties(var_names, n_a))
        figure_data = figure_bytes(fig, figure.suffix.lower().lstrip("."))
    # everything computed: only now write (a failure above leaves no file behind)
    if output is None:
        echo(text)
    else:
        write_atomically(str(output), text if text.endswith("\n") else text + "\n")
    if figure_data is not None:
        write_atomically(str(figure), figure_data)


def _parties(names: list[str], n_a: int) -> tuple[str, str]:
    """Column headings: a common prefix of each partner's names (e.g. M_, W_), else A/B."""

    def prefix(group: list[str]) -> str:
        out = group[0]
        for name in group[1:]:
            while not name.startswith(out):
                out = out[:-1]
        return out

    a, b = prefix(names[:n_a]), prefix(names[n_a:])
    return (f"Partner A ({a})" if a else "Partner A", f"Partner B ({b})" if b else "Partner B")
