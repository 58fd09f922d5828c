"""Researcher commands for dyadic data: `interdep apim`, `interdep reshape`, `interdep apim-simulate`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from interdep.cli.app import (
    app,
    console,
    echo,
    err_console,
    fail,
    number_cell,
    p_cell,
    reports_input_errors,
    write_atomically,
    write_table,
)
from interdep.cli.cluster import MemoryLimitOption, SchedulerOption, WorkersOption
from interdep.lib.numbers import stars
from interdep.science import dyadic
from interdep.science.apim import ApimResult, dyads_from_table, fit_apim, simulate_apim
from interdep.science.errors import InputError
from interdep.science.tabular import read_table, require_columns

FORMATS = ("table", "json", "markdown")


def _choice(value: str, allowed, option: str) -> str:
    v = value.strip().lower()
    if v not in allowed:
        raise fail(f"{option} must be one of {', '.join(allowed)} (got {value!r})")
    return v


def _rows(result: ApimResult) -> list[list[str]]:
    level = round(100 * (1 - result.alpha))
    rows = [["Effect", "Role", "b", "SE", "t", "df", "p", f"{level}% CI", "β"]]
    for c in result.coefficients:
        what = c.term.effect.replace("_x_", " × ")
        name = f"{what} {c.term.predictor}" if c.term.predictor else what
        rows.append(
            [
                name,
                c.term.role or "",
                number_cell(c.estimate) + stars(c.p),
                number_cell(c.se),
                number_cell(c.t, 2),
                f"{c.df:.1f}" if c.df != round(c.df) else f"{c.df:.0f}",
                p_cell(c.p),
                f"[{number_cell(c.ci_low)}, {number_cell(c.ci_high)}]",
                number_cell(c.standardized),
            ]
        )
    return rows


def _summary_lines(result: ApimResult) -> list[str]:
    c = result.counts
    sd = result.residual_sd
    sd_text = (
        ", ".join(f"{k} {number_cell(v)}" for k, v in sd.items())
        if isinstance(sd, dict)
        else number_cell(sd)
    )
    lines = [
        f"Dyads used: {result.n_dyads} ({c['dyads_complete']} with both members, "
        f"{c['dyads_one_member']} with one); persons (rows) used: {result.n_obs} of {c['rows_in_file']}"
        f" ({c['rows_missing_outcome']} missing the outcome, {c['rows_missing_predictor']} a predictor)",
        f"Partial intraclass correlation (residual rho): {number_cell(result.rho)}; residual SD: {sd_text}",
        f"Log-likelihood ({result.method}): {result.loglik:.4f}; t tests' df: {result.df_method}",
    ]
    if result.parametrisation == "interaction" and result.roles:
        lines.append(f"Role coded -1 = {result.roles[0]}, +1 = {result.roles[1]}")
    d = result.distinguishability
    if d is not None:
        verdict = (
            "roles make a difference" if d.p < result.alpha else "no evidence that roles matter"
        )
        lines.append(
            f"Distinguishability (ML likelihood-ratio test against indistinguishable dyads): "
            f"chi2({d.df}) = {d.lr:.3f}, p {p_cell(d.p) if d.p < 0.001 else '= ' + p_cell(d.p)} ({verdict})"
        )
    return lines


def _pattern_text(k) -> str:
    """The pattern label with the share of bootstrap replicates nearest to it."""
    if not k.pattern:
        return "–"
    share = (k.pattern_support or {}).get(k.pattern)
    return k.pattern if share is None else f"{k.pattern} ({share:.0%} of replicates nearest)"


def _k_rows(result: ApimResult) -> list[list[str]]:
    rows = [["Predictor", "Role", "k = partner/actor", "Interval", "CI", "Pattern"]]
    for k in result.k:
        ci = f"[{number_cell(k.ci_low)}, {number_cell(k.ci_high)}]" if k.ci_low is not None else "–"
        rows.append(
            [
                k.predictor,
                k.role or "",
                number_cell(k.estimate),
                k.interval or "none",
                ci,
                _pattern_text(k),
            ]
        )
    return rows


def _markdown(result: ApimResult) -> str:
    def table(rows):
        out = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
        out += ["| " + " | ".join(r) + " |" for r in rows[1:]]
        return "\n".join(out)

    title = f"### APIM: {result.outcome} ({result.model} dyads, {result.method})"
    parts = [title, "", table(_rows(result)), "", *[f"- {line}" for line in _summary_lines(result)]]
    if result.k:
        parts += ["", table(_k_rows(result))]
    parts += [
        "",
        "\\* p < .05, \\*\\* p < .01, \\*\\*\\* p < .001; β: standardized (b × SD(x) / SD(y)).",
    ]
    return "\n".join(parts) + "\n"


def _print_table(result: ApimResult) -> None:
    level = round(100 * (1 - result.alpha))
    title = f"APIM: {result.outcome} — {result.model} dyads, {result.method}"
    table = Table(title=title, title_justify="left", header_style="bold")
    header, *body = _rows(result)
    for i, h in enumerate(header):
        table.add_column(h, justify="left" if i < 2 else "right")
    for r in body:
        table.add_row(*r)
    console.print(table)
    for line in _summary_lines(result):
        console.print(line, highlight=False)
    if result.k:
        kt = Table(
            title="k = partner / actor (Kenny & Ledermann, 2010)",
            title_justify="left",
            header_style="bold",
        )
        header, *body = _k_rows(result)
        for h in header:
            kt.add_column(h)
        for r in body:
            kt.add_row(*r)
        console.print(kt)
    console.print(
        f"* p < .05, ** p < .01, *** p < .001; CI: {level}% t interval; β: standardized b × SD(x)/SD(y).",
        highlight=False,
    )


@app.command()
@reports_input_errors
def apim(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV or Parquet file with the dyads (or a folder or glob of Parquet parts)."
        ),
    ],
    y: Annotated[str, typer.Option("--y", help="Outcome variable.")],
    x: Annotated[
        str,
        typer.Option(
            "--x", help="Predictor(s), comma-separated: actor and partner effects of each."
        ),
    ],
    dyad_column: Annotated[
        str, typer.Option("--dyad-column", help="Column identifying the couple.")
    ],
    role_column: Annotated[
        str | None,
        typer.Option(
            "--role-column",
            help="Role column (two labels): distinguishable dyads. Without it: indistinguishable.",
        ),
    ] = None,
    covariates: Annotated[
        str | None,
        typer.Option("--covariates", help="Covariates (own value only), comma-separated."),
    ] = None,
    layout: Annotated[
        str, typer.Option("--layout", help="individual | pairwise | dyad")
    ] = "individual",
    method: Annotated[str, typer.Option("--method", help="reml | ml")] = "reml",
    parametrisation: Annotated[
        str, typer.Option("--parametrisation", help="Distinguishable: two-intercept | interaction")
    ] = "two-intercept",
    bootstrap: Annotated[
        int | None,
        typer.Option(
            "--bootstrap",
            min=0,
            help="Bootstrap replicates (dyads resampled) for k; 0: none "
            "(default 1000; none with --dask).",
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(
            "--seed", help="Bootstrap seed (default: a fixed seed, recorded in the output)."
        ),
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", help="table | json | markdown")
    ] = "table",
    figure: Annotated[
        Path | None, typer.Option("--figure", help="Write the path diagram (.svg, .png or .pdf).")
    ] = None,
    time_column: Annotated[
        str | None,
        typer.Option(
            "--time-column",
            help="Diary data: the occasion column (rows per person per occasion; a mixed model).",
        ),
    ] = None,
    person_column: Annotated[
        str | None,
        typer.Option("--person-column", help="Diary data without roles: the person column."),
    ] = None,
    lag: Annotated[
        int, typer.Option("--lag", min=0, help="Diary: predictors from this many occasions back.")
    ] = 0,
    random: Annotated[
        str | None,
        typer.Option(
            "--random",
            help="Diary random effects per dyad: intercept, role-intercepts, actor, partner, "
            "role-time, time (comma-separated).",
        ),
    ] = None,
    slope_column: Annotated[
        str | None, typer.Option("--slope-column", help="Diary: time variable of random slopes.")
    ] = None,
    residual: Annotated[
        str, typer.Option("--residual", help="Diary residuals: cs | ar1 | independent")
    ] = "cs",
    equal_variances: Annotated[
        bool, typer.Option("--equal-variances", help="Diary: one residual SD for both roles.")
    ] = False,
    centre: Annotated[
        str, typer.Option("--centre", help="Diary predictors: none | grand | person")
    ] = "none",
    df_method: Annotated[
        str,
        typer.Option(
            "--df", help="t tests' df: satterthwaite | kenward-roger | residual (n_obs - p)"
        ),
    ] = "satterthwaite",
    digits: Annotated[int, typer.Option("--digits", min=1, max=12, help="Table digits.")] = 3,
    contrast: Annotated[
        list[str] | None,
        typer.Option(
            "--contrast",
            help='Diary: a linear contrast of coefficients, e.g. "Actor x [M] - Actor x [F]".',
        ),
    ] = None,
    use_dask: Annotated[
        bool,
        typer.Option(
            "--dask",
            help="Fit on Dask's distributed scheduler from per-partition sums (a local cluster "
            "unless --scheduler); the same estimates as in memory.",
        ),
    ] = False,
    scheduler: SchedulerOption = None,
    workers: WorkersOption = None,
    memory_limit: MemoryLimitOption = None,
    partitions: Annotated[
        int | None,
        typer.Option(help="Partitions by dyad with Dask (default: one per input partition)."),
    ] = None,
) -> None:
    """Fit the Actor-Partner Interdependence Model (GLS with correlated dyad residuals).

    With --time-column: the longitudinal APIM for diary data (a mixed model per dyad), and with
    --lag the stability-and-influence model.
    """
    layout = _choice(layout, dyadic.LAYOUTS, "--layout")
    method = _choice(method, ("reml", "ml"), "--method").upper()
    parametrisation = _choice(
        parametrisation, ("two-intercept", "interaction"), "--parametrisation"
    )
    output_format = _choice(output_format, FORMATS, "--format")
    distributed = use_dask or scheduler is not None
    if time_column is not None:
        if distributed:
            raise InputError("--dask fits the cross-sectional APIM; the diary model runs in memory")
        from interdep.cli import diary_cmds  # deferred: the diary model's science only for diaries

        result = diary_cmds.fit_from_file(
            file,
            model="apim",
            y=y,
            x=x,
            dyad_column=dyad_column,
            role_column=role_column,
            person_column=person_column,
            time_column=time_column,
            layout=layout,
            covariates=covariates,
            lag=lag,
            slope_column=slope_column,
            centre=_choice(centre, diary_cmds.CENTRING, "--centre"),
            method=method,
            parametrisation=parametrisation,
            random=random,
            residual=_choice(residual, ("cs", "ar1", "independent"), "--residual"),
            equal_variances=equal_variances,
            df_method=_choice(df_method, ("satterthwaite", "kenward-roger", "residual"), "--df"),
            contrasts=contrast,
        )
        diary_cmds.print_result(result, output_format, digits)
        return
    if figure is not None:
        from interdep.science.figures_apim import figure_format  # deferred: keeps startup fast

        figure_format(figure)
        if parametrisation == "interaction":
            raise InputError("the path diagram needs the two-intercept parametrisation")
    df_method = _choice(df_method, ("satterthwaite", "kenward-roger", "residual"), "--df")
    if distributed:
        if bootstrap:
            raise InputError(
                "the bootstrap interval of k resamples dyads, which needs every dyad in one "
                "place; with --dask leave out --bootstrap (k is reported without an interval)"
            )
        from interdep.cli import apim_distributed  # deferred: dask only for --dask

        result = apim_distributed.fit_distributed(
            file,
            outcome=y,
            predictors=x.split(","),
            covariates=covariates.split(",") if covariates else [],
            dyad_column=dyad_column,
            role_column=role_column,
            layout=layout,
            method=method,
            parametrisation=parametrisation,
            df_method=df_method,
            scheduler=scheduler,
            workers=workers,
            memory_limit=memory_limit,
            partitions=partitions,
        )
    else:
        from interdep.cli.parts import read_parts  # deferred: keeps startup fast

        predictors = x.split(",")
        covariate_list = covariates.split(",") if covariates else []
        # the individual layout names its columns (variables as dyads_from_table strips them);
        # the other layouts find theirs in the header
        named = [v.strip() for v in (*predictors, *covariate_list) if v.strip()]
        used = [y, *named, dyad_column, *([role_column] if role_column else [])]
        # a file, or a folder or glob of Parquet parts
        frame = read_parts(file, columns=used if layout == "individual" else None)
        data = dyads_from_table(
            frame,
            outcome=y,
            predictors=predictors,
            covariates=covariate_list,
            dyad_column=dyad_column,
            role_column=role_column,
            layout=layout,
        )
        del frame
        boot = 1000 if bootstrap is None else bootstrap
        result = _fit_with_progress(data, method, parametrisation, boot, seed, df_method)
    if figure is not None:
        from interdep.science.figures_apim import (
            render_apim_diagram,
        )  # deferred: keeps startup fast

        write_atomically(str(figure), render_apim_diagram(result, figure))
    if output_format == "json":
        echo(json.dumps(result.to_dict(), indent=2))
    elif output_format == "markdown":
        echo(_markdown(result))
    else:
        _print_table(result)
    for warning in result.warnings:
        err_console.print(f"warning: {warning}", highlight=False, markup=False)
    if figure is not None and output_format == "table":
        console.print(f"Path diagram written to {figure}", highlight=False)


def _fit_with_progress(data, method, parametrisation, bootstrap, seed, df_method) -> ApimResult:
    kwargs = {
        "df_method": df_method,
        "method": method,
        "parametrisation": parametrisation,
        "bootstrap": bootstrap,
        "seed": seed,
    }
    if bootstrap > 0 and err_console.is_terminal:
        from rich.progress import Progress  # deferred: keeps startup fast

        with Progress(console=err_console, transient=True) as bar:
            task = bar.add_task("bootstrap", total=bootstrap)
            return fit_apim(data, progress=lambda n: bar.advance(task, n), **kwargs)
    return fit_apim(data, **kwargs)


@app.command()
@reports_input_errors
def reshape(
    file: Annotated[Path, typer.Argument(help="CSV or Parquet file with dyadic data.")],
    to: Annotated[str, typer.Option("--to", help="individual | dyad | pairwise")],
    dyad_column: Annotated[
        str, typer.Option("--dyad-column", help="Column identifying the couple.")
    ],
    person_column: Annotated[
        str, typer.Option("--person-column", help="Column identifying the person.")
    ],
    role_column: Annotated[
        str | None, typer.Option("--role-column", help="Role column (two labels), if any.")
    ] = None,
    source: Annotated[
        str, typer.Option("--from", help="Layout of FILE: auto | individual | dyad | pairwise")
    ] = "auto",
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", help="Output file (.csv or .parquet); default: CSV to stdout."
        ),
    ] = None,
) -> None:
    """Convert dyadic data between the individual, dyad and pairwise layouts."""
    to = _choice(to, dyadic.LAYOUTS, "--to")
    source = _choice(source, ("auto", *dyadic.LAYOUTS), "--from")
    frame = read_table(file)
    # reshape carries every column, so a repeated one is as ambiguous here as it is to apim
    require_columns(frame, sorted(frame.attrs.get("duplicate_columns", ())))
    result = dyadic.reshape(
        frame,
        to,
        dyad_column=dyad_column,
        person_column=person_column,
        role_column=role_column,
        source=source,
    )
    write_table(result, output)


@app.command("apim-simulate")
@reports_input_errors
def apim_simulate(
    output: Annotated[
        Path, typer.Argument(help="File to write (.csv or .parquet), individual layout.")
    ],
    dyads: Annotated[int, typer.Option("--dyads", min=2, help="Number of couples.")] = 200,
    actor: Annotated[float, typer.Option("--actor", help="True actor effect.")] = 0.5,
    partner: Annotated[float, typer.Option("--partner", help="True partner effect.")] = 0.3,
    rho: Annotated[
        float, typer.Option("--rho", help="True residual correlation of the partners.")
    ] = 0.4,
    roles: Annotated[
        str | None,
        typer.Option("--roles", help="Two role labels, e.g. Husband,Wife (distinguishable)."),
    ] = None,
    missing: Annotated[
        float, typer.Option("--missing", help="Share of outcomes deleted at random.")
    ] = 0.0,
    seed: Annotated[int | None, typer.Option("--seed")] = None,
) -> None:
    """Write simulated couples with known actor and partner effects (for learning and checks)."""
    labels = None
    if roles:
        parts = [r.strip() for r in roles.split(",") if r.strip()]
        if len(parts) != 2 or parts[0] == parts[1]:
            raise fail("--roles needs two different labels, e.g. Husband,Wife")
        labels = (parts[0], parts[1])
    if not -1 < rho < 1:
        raise fail("--rho must lie between -1 and 1")
    frame = simulate_apim(
        dyads,
        actor=actor,
        partner=partner,
        rho=rho,
        roles=labels,
        missing_outcome=missing,
        seed=seed,
        intercept=3.0,
        x_mean=3.0,
        x_sd=0.8,
        residual_sd=0.5,
    )
    frame = frame.rename(columns={"dyad": "couple", "x": "closeness", "y": "satisfaction"})
    frame["closeness"] = frame["closeness"].round(3)
    frame["satisfaction"] = frame["satisfaction"].round(3)
    write_table(frame, output)
    err_console.print(f"wrote {len(frame)} rows ({dyads} couples) to {output}", highlight=False)
