"""Diary commands: `interdep apim --time-column ...` (longitudinal APIM, stability and influence)
and `interdep growth` (dyadic growth curves), with an nlme-like summary."""

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
    write_table,
)
from interdep.science.apim.diary import CENTRING, diary_from_table
from interdep.science.apim.longitudinal import DiaryResult, fit_diary
from interdep.science.apim.power import dyads_for_power, simulate_power
from interdep.science.apim.simulate_diary import simulate_diary
from interdep.science.tabular import read_table

FORMATS = ("table", "json", "markdown")


def _fixed_rows(result: DiaryResult, digits: int) -> list[list[str]]:
    level = round(100 * (1 - result.alpha))
    rows = [["Effect", "Role", "b", "SE", "df", "t", "p", f"{level}% CI"]]
    for c in result.coefficients:
        what = c.term.effect.replace("_x_", " × ")
        name = f"{what} {c.term.predictor}" if c.term.predictor else what
        rows.append(
            [
                name,
                c.term.role or "",
                number_cell(c.estimate, digits),
                number_cell(c.se, digits),
                number_cell(c.df, 1),
                number_cell(c.t, 2),
                p_cell(c.p),
                f"[{number_cell(c.ci_low, digits)}, {number_cell(c.ci_high, digits)}]",
            ]
        )
    return rows


def _random_rows(result: DiaryResult, digits: int) -> list[list[str]]:
    names = result.random_names
    rows = [["Random effect (per dyad)", "SD", *[f"r({i + 1})" for i in range(len(names) - 1)]]]
    for i, name in enumerate(names):
        corr = [number_cell(result.random_corr[i, j], 3) for j in range(i)]
        rows.append([f"({i + 1}) {name}", number_cell(result.random_sd[i], digits), *corr])
        rows[-1] += [""] * (len(rows[0]) - len(rows[-1]))
    return rows


def _contrast_rows(result: DiaryResult, digits: int) -> list[list[str]]:
    rows = [["Test", "Estimate", "SE", "df", "t", "p"]]
    for c in result.contrasts:
        rows.append(
            [
                c.name,
                number_cell(c.estimate, digits),
                number_cell(c.se, digits),
                number_cell(c.df, 1),
                number_cell(c.t, 2),
                p_cell(c.p),
            ]
        )
    return rows


def _correlation_line(result: DiaryResult, rho: str, digits: int) -> str:
    if result.residual == "ar1":
        phi = number_cell(result.phi, digits)
        if result.phi_ci:
            level = round(100 * (1 - result.alpha))
            phi += f" ({level}% CI {number_cell(result.phi_ci[0], 3)} to {number_cell(result.phi_ci[1], 3)})"
        return (
            "Autocorrelation of each person's residuals one time unit apart "
            f"(AR(1) phi; d apart: phi^d): {phi}"
        )
    if result.residual == "independent":
        return "Residuals independent given the random effects (no same-occasion correlation)"
    return f"Residual correlation of the partners on the same occasion (rho): {rho}"


def _summary_lines(result: DiaryResult, digits: int) -> list[str]:
    c = result.counts
    sd = ", ".join(f"{k} {number_cell(v, digits)}" for k, v in result.residual_sd.items())
    rho = f"{number_cell(result.rho, digits)}"
    if result.rho_ci:
        level = round(100 * (1 - result.alpha))
        rho += f" ({level}% CI {number_cell(result.rho_ci[0], 3)} to {number_cell(result.rho_ci[1], 3)})"
    dropped = (
        f"{c['rows_missing_outcome']} missing the outcome, {c['rows_missing_predictor']} a "
        f"predictor"
        + (
            f", {c['rows_missing_covariate']} a covariate"
            if c.get("rows_missing_covariate")
            else ""
        )
    )
    lines = [
        f"Observations used: {result.n_obs} of {c['rows_in_file']} rows ({dropped}); "
        f"persons: {result.n_persons}; dyads: {result.n_dyads}",
        f"Residual SD: {sd}; variance ratio (SD {list(result.residual_sd)[-1]} / "
        f"{next(iter(result.residual_sd))}): {number_cell(result.ratio, digits)}",
        _correlation_line(result, rho, digits),
        f"logLik ({result.method}) {result.loglik:.{max(digits, 3)}f}; AIC {result.aic:.2f}; "
        f"BIC {result.bic:.2f}; df: {result.df_method}",
    ]
    if result.lag:
        lines.append(
            f"Predictors lagged {result.lag} occasion(s) within person; "
            f"{c.get('rows_without_lagged_value', 0)} rows had no value at the earlier occasion"
        )
    if result.parametrisation == "interaction" and result.roles:
        lines.append(f"Role coded -1 = {result.roles[0]}, +1 = {result.roles[1]}")
    if result.pseudo_r2 is not None:
        lines.append(
            f"Pseudo R² (residual variance explained against the intercepts-only model): "
            f"{number_cell(result.pseudo_r2, 3)}"
        )
    for k in result.k:
        role = f" [{k['role']}]" if k["role"] else ""
        lines.append(
            f"k = partner/actor {k['predictor']}{role}: {number_cell(k['estimate'], 3)} "
            f"(CI {number_cell(k['ci_low'], 3)} to {number_cell(k['ci_high'], 3)}, delta method); "
            f"test of k = 0: p {p_cell(k['p_k_equals_0'])}; of k = 1: p {p_cell(k['p_k_equals_1'])}"
        )
    return lines


def _table(title: str, rows: list[list[str]]) -> Table:
    table = Table(title=title, title_justify="left", header_style="bold")
    for i, h in enumerate(rows[0]):
        table.add_column(h, justify="left" if i == 0 else "right")
    for r in rows[1:]:
        table.add_row(*r)
    return table


def _markdown(result: DiaryResult, digits: int) -> str:
    def table(rows):
        out = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
        out += ["| " + " | ".join(r) + " |" for r in rows[1:]]
        return "\n".join(out)

    parts = [
        f"### {result.model}: {result.outcome} ({result.method})",
        "",
        table(_fixed_rows(result, digits)),
        "",
        table(_random_rows(result, digits)),
        "",
        *[f"- {line}" for line in _summary_lines(result, digits)],
    ]
    if result.contrasts:
        parts += ["", table(_contrast_rows(result, digits))]
    parts += ["", *[f"- **Warning:** {w}" for w in result.warnings]]
    parts += ["", "Equivalent R call:", "", "```r", result.nlme_call, "```"]
    return "\n".join(parts) + "\n"


def print_result(result: DiaryResult, output_format: str, digits: int) -> None:
    """Write a fitted diary model as JSON (full precision), markdown or a table."""
    if output_format == "json":
        echo(json.dumps(result.to_dict(), indent=2))
        return
    if output_format == "markdown":
        echo(_markdown(result, digits))
    else:
        console.print(
            _table(
                f"{result.model}: {result.outcome} — {result.method}", _fixed_rows(result, digits)
            )
        )
        console.print(_table("Random effects", _random_rows(result, digits)))
        for line in _summary_lines(result, digits):
            console.print(line, highlight=False)
        if result.contrasts:
            console.print(_table("Tests", _contrast_rows(result, digits)))
        console.print("Equivalent R call:", highlight=False)
        console.print(result.nlme_call, highlight=False, markup=False)
    for w in result.warnings:
        err_console.print(f"warning: {w}", highlight=False, markup=False)


def fit_from_file(
    file: Path,
    *,
    model: str,
    y: str,
    x: str | None,
    dyad_column: str,
    role_column: str | None,
    person_column: str | None,
    time_column: str,
    layout: str,
    covariates: str | None,
    lag: int,
    slope_column: str | None,
    centre: str,
    method: str,
    parametrisation: str,
    random: str | None,
    residual: str,
    equal_variances: bool,
    df_method: str,
    contrasts: list[str] | None = None,
) -> DiaryResult:
    """Read, fit and return a diary model (shared by `apim --time-column` and `growth`)."""
    if layout not in ("pairwise", "individual"):
        raise fail("diary data need --layout pairwise or individual")
    frame = read_table(file)
    data = diary_from_table(
        frame,
        outcome=y,
        predictors=x.split(",") if x else (),
        dyad_column=dyad_column,
        role_column=role_column,
        person_column=person_column,
        time_column=time_column,
        covariates=covariates.split(",") if covariates else (),
        layout=layout,
        lag=lag,
        slope_column=slope_column,
        centre=centre,
    )
    return fit_diary(
        data,
        model=model,
        parametrisation=parametrisation,
        random=random,
        method=method,
        residual=residual,
        equal_variances=equal_variances,
        df_method=df_method,
        contrasts=tuple(contrasts or ()),
    )


@app.command()
@reports_input_errors
def growth(
    file: Annotated[Path, typer.Argument(help="CSV or Parquet diary file (person-period rows).")],
    y: Annotated[str, typer.Option("--y", help="Outcome variable.")],
    dyad_column: Annotated[str, typer.Option("--dyad-column", help="Column naming the couple.")],
    time_column: Annotated[
        str, typer.Option("--time-column", help="Occasion column; also the slopes' time.")
    ],
    role_column: Annotated[
        str | None, typer.Option("--role-column", help="Role column (two labels).")
    ] = None,
    person_column: Annotated[
        str | None,
        typer.Option("--person-column", help="Person column (indistinguishable dyads)."),
    ] = None,
    layout: Annotated[str, typer.Option("--layout", help="pairwise | individual")] = "pairwise",
    covariates: Annotated[
        str | None, typer.Option("--covariates", help="Covariates, comma-separated.")
    ] = None,
    slope_column: Annotated[
        str | None,
        typer.Option(
            "--slope-column", help="Time variable of the slopes (default: --time-column)."
        ),
    ] = None,
    method: Annotated[str, typer.Option("--method", help="reml | ml")] = "reml",
    parametrisation: Annotated[
        str, typer.Option("--parametrisation", help="two-intercept | interaction")
    ] = "two-intercept",
    random: Annotated[
        str | None,
        typer.Option(
            "--random",
            help="Random effects per dyad: role-intercepts,role-time (default) | intercept | time",
        ),
    ] = None,
    residual: Annotated[str, typer.Option("--residual", help="cs | ar1 | independent")] = "cs",
    equal_variances: Annotated[
        bool, typer.Option("--equal-variances", help="One residual SD for both roles.")
    ] = False,
    df_method: Annotated[
        str, typer.Option("--df", help="satterthwaite | kenward-roger | residual")
    ] = ("satterthwaite"),
    digits: Annotated[int, typer.Option("--digits", min=1, max=12, help="Table digits.")] = 3,
    output_format: Annotated[str, typer.Option("--format", help="table | json | markdown")] = (
        "table"
    ),
    contrast: Annotated[
        list[str] | None,
        typer.Option("--contrast", help='A linear contrast, e.g. "Time [M] - Time [F]".'),
    ] = None,
) -> None:
    """Fit a dyadic growth curve: role-specific intercepts and slopes, random per dyad."""
    output_format = output_format.strip().lower()
    if output_format not in FORMATS:
        raise fail(f"--format must be one of {', '.join(FORMATS)}")
    result = fit_from_file(
        file,
        model="growth",
        y=y,
        x=None,
        dyad_column=dyad_column,
        role_column=role_column,
        person_column=person_column,
        time_column=time_column,
        layout=layout,
        covariates=covariates,
        lag=0,
        slope_column=slope_column,
        centre="none",
        method=method,
        parametrisation=parametrisation,
        random=random,
        residual=residual,
        equal_variances=equal_variances,
        df_method=df_method,
        contrasts=contrast,
    )
    print_result(result, output_format, digits)


__all__ = ["CENTRING", "fit_from_file", "print_result"]


@app.command("apim-power")
@reports_input_errors
def apim_power(
    actor: Annotated[float, typer.Option("--actor", help="True actor effect.")],
    partner: Annotated[float, typer.Option("--partner", help="True partner effect.")],
    rho: Annotated[float, typer.Option("--rho", help="Residual correlation of the partners.")],
    dyads: Annotated[
        int | None, typer.Option("--dyads", min=3, help="Number of dyads (or --target-power).")
    ] = None,
    target_power: Annotated[
        float | None,
        typer.Option("--target-power", help="Find the dyads needed for this power (analytic)."),
    ] = None,
    occasions: Annotated[
        int | None,
        typer.Option("--occasions", min=2, help="Diary design: occasions per person."),
    ] = None,
    x_correlation: Annotated[
        float, typer.Option("--x-correlation", help="Correlation of the partners' predictors.")
    ] = 0.0,
    intercept_sd: Annotated[
        float, typer.Option("--intercept-sd", help="Diary: SD of the dyads' random intercepts.")
    ] = 0.5,
    alpha: Annotated[float, typer.Option("--alpha", help="Two-sided significance level.")] = 0.05,
    replicates: Annotated[
        int, typer.Option("--replicates", min=1, help="Simulated data sets.")
    ] = 500,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (recorded).")] = 20061,
    output_format: Annotated[str, typer.Option("--format", help="table | json")] = "table",
) -> None:
    """Power of the APIM's actor and partner tests, by simulation with the fast fit (and
    analytically for cross-sectional indistinguishable dyads)."""

    if not -1 < rho < 1:
        raise fail("--rho must lie between -1 and 1")
    if (dyads is None) == (target_power is None):
        raise fail("give --dyads or --target-power (one of them)")
    needed = None
    if target_power is not None:
        if not 0 < target_power < 1:
            raise fail("--target-power must lie between 0 and 1")
        needed = dyads_for_power(
            target_power, actor, partner, rho=rho, x_correlation=x_correlation, alpha=alpha
        )
        dyads = needed if occasions is None else max(3, needed // occasions)
    result = simulate_power(
        dyads, actor, partner, rho=rho, x_correlation=x_correlation, occasions=occasions,
        intercept_sd=intercept_sd, alpha=alpha, replicates=replicates, seed=seed,
    )  # fmt: skip
    out = result.to_dict()
    if needed is not None:
        out["dyads_for_target_power_analytic"] = needed
        out["target_power"] = target_power
    if output_format.strip().lower() == "json":
        echo(json.dumps(out, indent=2))
        return
    design = f"{dyads} dyads" + (f" x {occasions} occasions" if occasions else "")
    table = Table(title=f"APIM power: {design}, alpha {alpha}", title_justify="left")
    for h in ("Effect", "True value", "Power (simulated)", "MC SE", "Power (analytic)"):
        table.add_column(h, justify="left" if h == "Effect" else "right")
    for name, value in (("actor", actor), ("partner", partner)):
        analytic = "–" if result.analytic is None else f"{result.analytic[name]:.3f}"
        table.add_row(
            name, f"{value:g}", f"{result.power[name]:.3f}", f"{result.mc_se[name]:.3f}", analytic
        )
    console.print(table)
    console.print(
        f"{result.replicates} simulated data sets (seed {result.seed}); "
        f"{result.failed} fits failed",
        highlight=False,
    )
    if needed is not None:
        console.print(
            f"Dyads needed for power {target_power} (analytic, cross-sectional): {needed}",
            highlight=False,
        )


@app.command("diary-simulate")
@reports_input_errors
def diary_simulate(
    output: Annotated[Path, typer.Argument(help="File to write (.csv or .parquet).")],
    dyads: Annotated[int, typer.Option("--dyads", min=2, help="Number of couples.")] = 100,
    days: Annotated[int, typer.Option("--days", min=2, help="Days each partner reports.")] = 14,
    actor: Annotated[float, typer.Option("--actor", help="True actor effect.")] = 0.3,
    partner: Annotated[float, typer.Option("--partner", help="True partner effect.")] = 0.15,
    rho: Annotated[float, typer.Option("--rho", help="Same-day residual correlation.")] = 0.3,
    phi: Annotated[
        float, typer.Option("--phi", help="Day-to-day autocorrelation of each person's residuals.")
    ] = 0.0,
    missing: Annotated[
        float, typer.Option("--missing", help="Share of person-days missing.")
    ] = 0.05,
    seed: Annotated[int | None, typer.Option("--seed")] = None,
) -> None:
    """Write a simulated couples' diary (person-period pairwise layout) with known effects."""

    if not -1 < rho < 1:
        raise fail("--rho must lie between -1 and 1")
    if not -1 < phi < 1:
        raise fail("--phi must lie between -1 and 1")
    frame = simulate_diary(
        dyads, days, actor=(actor, actor), partner=(partner, partner), rho=rho, phi=phi,
        effect_sd=(0.1, 0.05), missing=missing, seed=seed,
    )  # fmt: skip
    frame = frame.rename(columns={"dyad": "couple", "x_A": "stress_A", "x_P": "stress_P",
                                  "y_A": "closeness_A", "y_P": "closeness_P"})  # fmt: skip
    for c in ("stress_A", "stress_P", "closeness_A", "closeness_P"):
        frame[c] = frame[c].round(3)
    write_table(frame, output)
    err_console.print(
        f"wrote {len(frame)} rows ({dyads} couples x {days} days x 2 partners) to {output}",
        highlight=False,
    )
