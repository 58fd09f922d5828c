"""Researcher commands for check-in dynamics: `interdep dynamics` and `interdep simulate-checkins`."""

from __future__ import annotations

import io
import math
import re
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from interdep.cli.app import (
    AtomicOutput,
    app,
    echo,
    err_console,
    fail,
    reports_input_errors,
    writable_target,
    write_atomically,
    write_table,
)
from interdep.cli.cluster import (
    MemoryLimitOption,
    SchedulerOption,
    WorkersOption,
    dask_client,
    gather_in_order,
    progress_bar,
)
from interdep.cli.long_input import LongData, long_from_frame, read_long
from interdep.cli.parts import parquet_paths
from interdep.lib.csv_writer import frame_csv
from interdep.science import dynamics as dyn
from interdep.science.errors import InputError

FORMATS = ("table", "json", "csv", "parquet")


# --------------------------------------------------------------------------- reading


def _split_variables(text: str) -> list[str]:
    names = [v.strip() for v in text.split(",") if v.strip()]
    if not names:
        raise InputError("--variables needs at least one column name")
    return names


# --------------------------------------------------------------------------- estimation


def _analyse_data(
    data: LongData, gap_text: str | None, options: dict, time_column: str | None = None
) -> tuple[str, dict]:
    """The gap as given (or its default) and every variable's per-couple results."""
    gap_text = gap_text if gap_text is not None else ("1" if data.numeric_time else "3h")
    gap = dyn.parse_max_gap(gap_text, numeric_time=data.numeric_time)
    if options.get("min_overlap_days") is not None and data.day is None:
        raise InputError(
            "--min-overlap-days needs time stamps (the time column is numeric)",
            column=time_column,
        )
    results = dyn.analyse(
        data.couples,
        data.persons,
        data.time,
        data.values,
        day=data.day,
        rows=data.rows,
        max_gap=gap,
        **options,
    )
    return gap_text, results


def _analyse_partition(frame: pd.DataFrame, columns: tuple, gap_text, options: dict):
    """One partition of whole couples, on a Dask worker: the same per-couple function."""
    couple, person, time, names = columns
    if len(frame) == 0:
        return None
    try:
        data = long_from_frame(frame.reset_index(drop=True), couple, person, time, list(names))
    except InputError as exc:
        # a row number inside a shuffled partition would point at the wrong line of the file
        raise InputError(
            f"{exc.message} (couple {frame[couple].iloc[0]!r}'s partition)", column=exc.column
        ) from None
    return _analyse_data(data, gap_text, options, time)


def _run_distributed(
    file: Path, columns: tuple, gap_text, options: dict, client, partitions: int | None
) -> tuple[str, dict]:
    """Dynamics on a Dask cluster: read lazily, shuffle so each couple's rows meet in one
    partition, run the in-memory function per partition, gather the couples on the client."""
    import dask  # deferred: only a run on a cluster needs dask
    import dask.dataframe as dd  # deferred: only a run on a cluster needs dask

    couple, person, time, names = columns
    used = list(dict.fromkeys([couple, person, time, *names]))
    paths = parquet_paths(file)
    try:
        if paths is not None:
            frame = dd.read_parquet(paths, columns=used)
        else:
            if not file.exists():
                raise InputError(f"file not found: {file}")
            text = {c: "string" for c in (couple, person, time)}
            frame = dd.read_csv(
                file,
                usecols=used,
                dtype={**text, **{n: "float64" for n in names}},
                skipinitialspace=True,
                na_values=["", " ", "NA", "NaN", "."],
                blocksize="64MB",
            )
    except (ValueError, KeyError) as exc:
        raise InputError(f"cannot read {file}: {exc}") from exc
    missing = [c for c in used if c not in frame.columns]
    if missing:
        raise InputError("column not found", row=1, column=missing[0])
    frame = frame.shuffle(on=couple, npartitions=partitions or frame.npartitions)
    tasks = [
        dask.delayed(_analyse_partition)(part, columns, gap_text, options)
        for part in frame.to_delayed()
    ]
    gathered: list = []
    gather_in_order(client, client.compute(tasks), "estimating", lambda i, r: gathered.append(r))
    gathered = [g for g in gathered if g is not None]
    if not gathered:
        raise InputError(f"no rows in {file}")
    gap_used = gathered[0][0]
    merged = {
        name: sorted((r for _, res in gathered for r in res[name]), key=lambda r: r.couple_id)
        for name in names
    }
    return gap_used, merged


# --------------------------------------------------------------------------- output


def tidy_rows(doc: dict) -> list[dict]:
    """One row per (variable, couple or pooled, parameter): a long table researchers can pivot."""
    rows = []
    var = doc["variable"]
    for c in doc["couples"]:
        persons = c["persons"]
        a, b = persons if len(persons) == 2 else (None, None)
        base = {
            "variable": var,
            "level": "couple",
            "couple_id": c["couple_id"],
            "person_a": a,
            "person_b": b,
            "status": c["status"],
            "reason": c["reason"],
            "n_pairs": c["n_pairs"],
        }
        if c["status"] != dyn.STATUS_OK:
            rows.append(
                {
                    **base,
                    "parameter": None,
                    "path": None,
                    "estimate": None,
                    "se": None,
                    "low": None,
                    "high": None,
                    "bias_corrected": None,
                    "tau": None,
                }
            )
            continue
        for kind, key, path in (
            ("inertia", a, f"{a}->{a}"),
            ("inertia", b, f"{b}->{b}"),
            ("transmission", f"{a}->{b}", f"{a}->{b}"),
            ("transmission", f"{b}->{a}", f"{b}->{a}"),
        ):
            lo, hi = c["intervals"][key]
            rows.append(
                {
                    **base,
                    "parameter": kind,
                    "path": path,
                    "estimate": c[kind][key],
                    "se": c["se"][key],
                    "low": lo,
                    "high": hi,
                    "bias_corrected": c["bias_corrected"][key],
                    "tau": None,
                }
            )
        asym = c["asymmetry"]
        rows.append(
            {
                **base,
                "parameter": "asymmetry",
                "path": asym["contrast"],
                "estimate": asym["estimate"],
                "se": asym["se"],
                "low": asym["interval"][0],
                "high": asym["interval"][1],
                "bias_corrected": None,
                "tau": None,
            }
        )
        rows.append(
            {
                **base,
                "parameter": "co_movement",
                "path": f"{a}~{b}",
                "estimate": c["co_movement"],
                "se": None,
                "low": None,
                "high": None,
                "bias_corrected": None,
                "tau": None,
            }
        )
    for name, p in doc["pooled"]["parameters"].items():
        rows.append(
            {
                "variable": var,
                "level": "pooled",
                "couple_id": None,
                "person_a": None,
                "person_b": None,
                "status": dyn.STATUS_OK,
                "reason": None,
                "n_pairs": None,
                "parameter": name.split("[")[0],
                "path": name,
                "estimate": p["estimate"],
                "se": p["se"],
                "low": p["interval"][0],
                "high": p["interval"][1],
                "bias_corrected": doc["pooled"]["bias_corrected"],
                "tau": p["tau"],
            }
        )
    return rows


def _fmt(est, interval=None) -> str:
    if est is None or (isinstance(est, float) and not math.isfinite(est)):
        return "–"
    if interval is None:
        return f"{est:+.2f}"
    return f"{est:+.2f} [{interval[0]:+.2f}, {interval[1]:+.2f}]"


def _print_tables(docs: list[dict]) -> None:
    from rich.console import Console  # deferred: keeps startup fast
    from rich.table import Table  # deferred: keeps startup fast

    out = Console(file=io.StringIO(), width=200, force_terminal=False, color_system=None)
    for doc in docs:
        t = Table(title=f"{doc['variable']} (max gap {doc['max_gap']})")
        for col in (
            "couple",
            "persons A / B",
            "pairs",
            "status",
            "inertia A",
            "inertia B",
            "A->B",
            "B->A",
            "asymmetry",
            "co-move",
        ):
            t.add_column(col)
        for c in doc["couples"]:
            if c["status"] != dyn.STATUS_OK:
                t.add_row(
                    c["couple_id"],
                    " / ".join(c["persons"]),
                    str(c["n_pairs"]),
                    c["reason"] or c["status"],
                    *["–"] * 6,
                )
                continue
            a, b = c["persons"]
            iv = c["intervals"]
            t.add_row(
                c["couple_id"],
                f"{a} / {b}",
                str(c["n_pairs"]),
                c["status"],
                _fmt(c["inertia"][a], iv[a]),
                _fmt(c["inertia"][b], iv[b]),
                _fmt(c["transmission"][f"{a}->{b}"], iv[f"{a}->{b}"]),
                _fmt(c["transmission"][f"{b}->{a}"], iv[f"{b}->{a}"]),
                _fmt(c["asymmetry"]["estimate"], c["asymmetry"]["interval"]),
                _fmt(c["co_movement"]),
            )
        out.print(t)
        pooled = doc["pooled"]
        p = Table(
            title=f"{doc['variable']}: pooled, {pooled['method']}"
            f"{', bias-corrected slopes' if pooled['bias_corrected'] else ''}"
            f" ({pooled['n_couples_ok']} of {pooled['n_couples']} couples)"
        )
        for col in ("parameter", "estimate [95% CI]", "between-couple SD", "I²", "k"):
            p.add_column(col)
        for name, v in pooled["parameters"].items():
            p.add_row(
                name,
                _fmt(v["estimate"], v["interval"]),
                f"{v['tau']:.3f}",
                f"{v['i2']:.2f}",
                str(v["k"]),
            )
        out.print(p)
    echo(out.file.getvalue())


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text) or "_"


# --------------------------------------------------------------------------- commands


@app.command()
@reports_input_errors
def dynamics(
    file: Annotated[
        Path,
        typer.Argument(
            help="Long table (CSV, Parquet, or a folder or glob of Parquet parts): one row per person and prompt."
        ),
    ],
    couple_column: Annotated[
        str, typer.Option(help="Column identifying the couple.")
    ] = "couple_id",
    person_column: Annotated[
        str, typer.Option(help="Column identifying the person.")
    ] = "person_id",
    time_column: Annotated[
        str, typer.Option(help="ISO 8601 time stamps, or a number such as a diary day.")
    ] = "timestamp",
    variables: Annotated[
        str, typer.Option(help="Comma-separated columns to model, e.g. valence,arousal.")
    ] = "valence",
    max_gap: Annotated[
        str | None,
        typer.Option(
            help="Longest gap between consecutive prompts that still forms a lag pair (default 3h; with a numeric time column, 1)."
        ),
    ] = None,
    overnight: Annotated[
        bool, typer.Option(help="Also pair the last prompt of a day with the first of the next.")
    ] = False,
    min_pairs: Annotated[
        int, typer.Option(help="Fewest usable pairs per equation for a couple to be estimated.")
    ] = dyn.DEFAULT_MIN_PAIRS,
    min_overlap_days: Annotated[
        int | None,
        typer.Option(
            help="Fewest days answered by both partners (time stamps only; the app uses 14)."
        ),
    ] = None,
    pooling: Annotated[
        str, typer.Option(help="Between-couple variance: DL (DerSimonian-Laird) or REML.")
    ] = "DL",
    bias_replicates: Annotated[
        int,
        typer.Option(
            help="Bootstrap copies per couple for the small-sample bias correction used in pooling (0: pool raw OLS)."
        ),
    ] = dyn.DEFAULT_BIAS_REPLICATES,
    seed: Annotated[int, typer.Option(help="Seed of the bias-correction bootstrap.")] = 0,
    fmt: Annotated[str, typer.Option("--format", help="table, json, csv or parquet.")] = "table",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of standard output.")
    ] = None,
    figures: Annotated[
        Path | None,
        typer.Option(help="Directory for one SVG figure per estimated couple and variable."),
    ] = None,
    use_dask: Annotated[
        bool,
        typer.Option(
            "--dask",
            help="Run on Dask's distributed scheduler, partitioned by couple (a local cluster unless --scheduler).",
        ),
    ] = False,
    scheduler: SchedulerOption = None,
    workers: WorkersOption = None,
    memory_limit: MemoryLimitOption = None,
    partitions: Annotated[
        int | None,
        typer.Option(help="Partitions by couple with Dask (default: one per input partition)."),
    ] = None,
) -> None:
    """Each couple's inertia, transmission both ways, asymmetry and co-movement, and a pooled summary."""
    from rich.progress import (
        BarColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )  # deferred: keeps startup fast

    if fmt not in FORMATS:
        raise fail(f"--format must be one of {', '.join(FORMATS)} (got {fmt!r})")
    if fmt == "parquet" and output is None:
        raise fail("--format parquet needs --output FILE")
    if pooling.upper() not in {"DL", "REML"}:
        raise fail(f"--pooling must be DL or REML (got {pooling!r})")
    names = _split_variables(variables)
    options = dict(
        overnight=overnight,
        min_pairs=min_pairs,
        min_overlap_days=min_overlap_days,
        bias_replicates=bias_replicates,
        seed=seed,
    )
    columns = (couple_column, person_column, time_column, tuple(names))
    if use_dask or scheduler:
        with dask_client(scheduler, workers=workers, memory_limit=memory_limit) as client:
            gap_text, results = _run_distributed(
                file, columns, max_gap, options, client, partitions
            )
    else:
        with _spinner("reading"):
            data = read_long(file, couple_column, person_column, time_column, names)
        with _spinner("estimating"):
            gap_text, results = _analyse_data(data, max_gap, options, time_column)
        del data
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task("pooling", total=None)
        pooled = {
            name: dyn.pool_couples(
                results[name], method=pooling, bias_corrected=bias_replicates > 0
            )
            for name in names
        }
        # JSON is written a couple at a time (_write_json); the other formats read documents
        docs = (
            []
            if fmt == "json"
            else [dyn.result_document(n, gap_text, results[n], pooled[n]) for n in names]
        )
        if figures is not None:
            from interdep.science.figures_dynamics import (
                dynamics_svg,
            )  # deferred: keeps startup fast

            figures.mkdir(parents=True, exist_ok=True)
            todo = [r for name in names for r in results[name] if r.ok]
            bar.update(task, description="figures", total=len(todo), completed=0)
            for r in todo:
                write_atomically(
                    str(figures / f"{_safe_name(r.variable)}__{_safe_name(r.couple_id)}.svg"),
                    dynamics_svg(r),
                )
                bar.advance(task)

    _report_skipped(results)
    if fmt == "json":
        _write_json(names, gap_text, results, pooled, output)
    elif fmt == "table":
        if output is not None:
            raise fail(
                "--format table prints to the terminal; use json, csv or parquet with --output"
            )
        _print_tables(docs)
    else:
        table = pd.DataFrame([row for d in docs for row in tidy_rows(d)])
        if fmt == "csv":
            _emit(frame_csv(table), output)
        else:
            write_table(table, output)


def _spinner(description: str):
    """A transient bar without a total, for one long step."""
    bar = progress_bar()
    bar.add_task(description, total=None)
    return bar


def _write_json(names, gap_text: str, results: dict, pooled: dict, output: Path | None) -> None:
    """One variable's document, or a list of them, written a couple at a time and whole or
    not at all (compact, as ``json.dumps`` with compact separators writes it)."""
    if output is not None:
        writable_target(str(output))
    with AtomicOutput(output) as out:
        out.write("[" if len(names) > 1 else "")
        for i, name in enumerate(names):
            out.write("," if i else "")
            for piece in dyn.document_json(name, gap_text, results[name], pooled[name]):
                out.write(piece)
        out.write("]\n" if len(names) > 1 else "\n")


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        echo(text)
    else:
        write_atomically(str(output), text if text.endswith("\n") else text + "\n")


def _report_skipped(results: dict[str, list[dyn.CoupleDynamics]]) -> None:
    for name, items in results.items():
        skipped = [r for r in items if not r.ok]
        if not skipped:
            continue
        err_console.print(
            f"[yellow]{name}:[/] {len(skipped)} of {len(items)} couples not estimated (status insufficient_data):",
            highlight=False,
        )
        for r in skipped[:10]:
            err_console.print(
                f"  couple {r.couple_id}: {r.reason}", highlight=False, soft_wrap=True
            )
        if len(skipped) > 10:
            err_console.print(
                f"  ... and {len(skipped) - 10} more (see the output)", highlight=False
            )


@app.command("simulate-checkins")
@reports_input_errors
def simulate_checkins_cmd(
    couples: Annotated[int, typer.Option(help="Number of couples.")] = 100,
    days: Annotated[int, typer.Option(help="Days of check-ins.")] = 14,
    prompts_per_day: Annotated[
        int,
        typer.Option(
            help="Prompts a day (one random time in each of K blocks, 09:00-21:00 local)."
        ),
    ] = 5,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same data).")] = 1,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Check-ins file (.csv or .parquet).")
    ] = Path("checkins.csv"),
    truth: Annotated[
        Path | None, typer.Option(help="Also write each couple's true parameters here (CSV).")
    ] = None,
    miss_rate: Annotated[float, typer.Option(help="Chance a person misses a prompt.")] = 0.15,
    late_rate: Annotated[
        float, typer.Option(help="Chance an answer is entered late with its real time stamp.")
    ] = 0.02,
) -> None:
    """Simulated check-ins of couples with known dynamics, missed prompts and irregular times."""
    from interdep.science.checkin_sim import simulate_checkins  # deferred: keeps startup fast

    for label, value in (
        ("--couples", couples),
        ("--days", days),
        ("--prompts-per-day", prompts_per_day),
    ):
        if value < 1:
            raise fail(f"{label} must be at least 1 (got {value})")
    for label, value in (("--miss-rate", miss_rate), ("--late-rate", late_rate)):
        if not 0 <= value < 1:
            raise fail(f"{label} must be in [0, 1) (got {value})")
    sim = simulate_checkins(
        couples=couples,
        days=days,
        prompts_per_day=prompts_per_day,
        seed=seed,
        p_miss=miss_rate,
        p_late=late_rate,
    )
    frame = sim.frame()
    write_table(frame, output)
    if truth is not None:
        write_atomically(str(truth), frame_csv(sim.truth))
    err_console.print(
        f"wrote {len(frame)} check-ins of {couples} couples to {output}"
        + (f"; truth to {truth}" if truth else ""),
        highlight=False,
    )
