"""A fitted network as a JSON-ready document, and as a plain-text or Markdown report.

Matrices are lists of rows in the order of the variables; in the temporal network a row is the
outcome at t and a column the predictor at t-1 (mlVAR's layout). Missing numbers are ``null``.
"""

from __future__ import annotations

import numpy as np

from interdep.lib.numbers import finite_or_none
from interdep.science.network.indices import INDEX_NAMES, ChanceBaseline, density_indices
from interdep.science.network.networks import NetworkFit

__all__ = ["network_document", "render_markdown", "render_table"]

ESTIMATOR = (
    "multilevel VAR(1): per outcome a linear mixed model by maximum likelihood (lme4 "
    "REML = FALSE) with every lagged variable and the couple means of the other variables as "
    "fixed effects and uncorrelated random intercept and slopes per couple; contemporaneous "
    "network from a second mixed model on the residuals (mlVAR's lmer estimator, orthogonal)"
)


def _mat(M) -> list[list[float | None]] | None:
    if M is None:
        return None
    return [[finite_or_none(v) for v in row] for row in np.asarray(M)]


def _baseline_doc(base: ChanceBaseline | None, seed: int | None = None) -> dict | None:
    if base is None:
        return None
    out = {
        "method": base.method,
        "replicates": base.replicates,
        "status": base.status,
        "indices": {
            k: {
                "observed": finite_or_none(base.observed[k]),
                "chance_mean": finite_or_none(np.nanmean(base.null[k]))
                if len(base.null[k])
                else None,
                "chance_sd": finite_or_none(np.nanstd(base.null[k], ddof=1))
                if len(base.null[k]) > 1
                else None,
                "percentile": finite_or_none(base.percentile[k]),
                "p_value": finite_or_none(base.p_value[k]),
            }
            for k in base.observed
        },
    }
    if seed is not None:
        out["seed"] = seed
    return out


def network_document(
    fit: NetworkFit,
    n_a: int | None = None,
    *,
    baseline: ChanceBaseline | None = None,
    baseline_seed: int | None = None,
    elapsed_seconds: float | None = None,
) -> dict:
    """Everything about a fitted network as plain Python (JSON-ready).

    Parameters
    ----------
    fit : NetworkFit
    n_a : int, optional
        Number of partner A's variables (the first ``n_a``); default half of them. Indices
        are computed only when the variables split into two partners.
    baseline : ChanceBaseline, optional
        A pseudo-couple baseline to include.

    Returns
    -------
    dict

    Examples
    --------
    >>> from interdep.science.network import lag_design, fit_network, simulate_network
    >>> sim = simulate_network(20, 25, seed=1)
    >>> doc = network_document(fit_network(lag_design(sim.couple, sim.time, sim.values,
    ...                                               sim.variables, scale=False)))
    >>> len(doc["temporal"]["fixed"]), len(doc["couples"])
    (4, 20)
    """
    V = fit.variables
    p = len(V)
    d = fit.data
    if n_a is None and p % 2 == 0:
        n_a = p // 2
    ci_low = fit.temporal - 1.959963984540054 * fit.temporal_se
    ci_high = fit.temporal + 1.959963984540054 * fit.temporal_se
    doc: dict = {
        "model": {
            "estimator": ESTIMATOR,
            "lag": 1,
            "scale": d.scale,
            "scale_within": d.scale_within,
            "means": fit.between_pcor is not None,
            "variables": V,
            "partner_a": V[:n_a] if n_a else None,
            "partner_b": V[n_a:] if n_a else None,
        },
        "data": {
            "rows_read": d.n_rows_input,
            "rows_used": d.n_rows,
            "couples_used": d.n_couples,
            "couples_dropped_zero_variance": [
                {"couple_id": k, "variables": v} for k, v in d.dropped_zero_variance.items()
            ],
            "couples_without_pairs": list(d.dropped_no_pairs),
        },
        "temporal": {
            "layout": "row = outcome at t, column = predictor at t-1",
            "fixed": _mat(fit.temporal),
            "se": _mat(fit.temporal_se),
            "p": _mat(fit.temporal_p),
            "ci_low": _mat(ci_low),
            "ci_high": _mat(ci_high),
            "random_sd": _mat(fit.temporal_sd),
            "intercept": [finite_or_none(v) for v in fit.intercept],
            "residual_sd": [finite_or_none(v) for v in fit.residual_sd],
            "converged": [bool(v) for v in fit.temporal_fit.converged],
            "loglik": [finite_or_none(v) for v in fit.temporal_fit.loglik],
        },
        "contemporaneous": {
            "pcor": _mat(fit.contemporaneous_pcor),
            "gamma": _mat(fit.contemporaneous_gamma),
            "gamma_se": _mat(fit.contemporaneous_gamma_se),
            "residual_sd": [finite_or_none(v) for v in fit.contemporaneous_fit.sigma]
            if fit.contemporaneous_fit is not None
            else None,
        },
        "between": {
            "pcor": _mat(fit.between_pcor),
            "gamma": _mat(fit.between_gamma),
            "gamma_se": _mat(fit.between_gamma_se),
            "mean_sd": [finite_or_none(v) for v in fit.intercept_sd],
        },
    }
    if n_a:
        couple_idx = [density_indices(B, n_a) for B in fit.temporal_couples]
        doc["indices"] = {
            "definitions": {
                "intra_a": "mean |effect| within partner A (inertia included)",
                "intra_b": "mean |effect| within partner B",
                "intra": "mean of intra_a and intra_b",
                "a_to_b": "mean |effect| of A's variables yesterday on B's today",
                "b_to_a": "mean |effect| of B's variables yesterday on A's today",
                "inter": "mean of a_to_b and b_to_a",
                "ratio": "inter / intra",
            },
            "sample": {k: finite_or_none(v) for k, v in density_indices(fit.temporal, n_a).items()},
            "couples_mean": {
                k: finite_or_none(np.nanmean([c[k] for c in couple_idx])) for k in INDEX_NAMES
            },
            "baseline": _baseline_doc(baseline, baseline_seed),
        }
    else:
        couple_idx = [None] * d.n_couples
        doc["indices"] = None
    per_couple_base = baseline.couples if baseline is not None else {}
    n_rows = np.bincount(d.group, minlength=d.n_couples)
    doc["couples"] = [
        {
            "couple_id": cid,
            "n_rows": int(n_rows[g]),
            "temporal": _mat(fit.temporal_couples[g]),
            "contemporaneous": _mat(fit.contemporaneous_couples[g])
            if fit.contemporaneous_couples is not None
            else None,
            "indices": {k: finite_or_none(v) for k, v in couple_idx[g].items()}
            if couple_idx[g]
            else None,
            "baseline": {k: finite_or_none(v) for k, v in per_couple_base[cid].items()}
            if cid in per_couple_base
            else None,
        }
        for g, cid in enumerate(fit.couples)
    ]
    doc["note"] = _note(fit, baseline)
    if elapsed_seconds is not None:
        doc["elapsed_seconds"] = round(elapsed_seconds, 3)
    return doc


def _note(fit: NetworkFit, baseline: ChanceBaseline | None) -> str:
    d = fit.data
    parts = [
        f"{d.n_couples} couples, {d.n_rows} day pairs (day t-1 -> t); a missing day breaks the "
        "lag and is never bridged."
    ]
    if d.dropped_zero_variance:
        parts.append(
            f"{len(d.dropped_zero_variance)} couple(s) dropped: a variable (or its lagged series) "
            "did not vary within the couple: "
            + "; ".join(f"{k} ({', '.join(v)})" for k, v in d.dropped_zero_variance.items())
            + "."
        )
    if d.dropped_no_pairs:
        parts.append(f"{len(d.dropped_no_pairs)} couple(s) without two consecutive complete days.")
    if not all(fit.temporal_fit.converged):
        parts.append("Warning: an outcome's model did not reach the convergence criterion.")
    if baseline is not None:
        parts.append(
            f"Chance baseline: {baseline.replicates} re-pairings of partners into pseudo-couples "
            "aligned on diary day; p-values are one-sided (linkage larger than chance)."
        )
    return " ".join(parts)


def _fmt(v, digits=3) -> str:
    return "" if v is None else f"{v:.{digits}f}"


def _sections(doc: dict) -> list[tuple[str, list[str], list[list[str]]]]:
    V = doc["model"]["variables"]
    t = doc["temporal"]
    out = []
    rows = []
    for i, o in enumerate(V):
        for j, pr in enumerate(V):
            rows.append(
                [
                    f"{pr} -> {o}",
                    _fmt(t["fixed"][i][j]),
                    _fmt(t["se"][i][j]),
                    _fmt(t["p"][i][j]),
                    _fmt(t["random_sd"][i][j]),
                ]
            )
    out.append(("Temporal network (t-1 -> t), fixed effects", ["path", "b", "SE", "p", "SD"], rows))
    for key, title in (("contemporaneous", "Contemporaneous"), ("between", "Between-couple")):
        M = doc[key]["pcor"]
        if M is None:
            continue
        rows = [[V[i], *(_fmt(M[i][j], 2) for j in range(len(V)))] for i in range(len(V))]
        out.append((f"{title} network (partial correlations)", ["", *V], rows))
    ind = doc.get("indices")
    if ind:
        base = (ind.get("baseline") or {}).get("indices", {})
        rows = []
        for k in INDEX_NAMES:
            b = base.get(f"sample:{k}", {})
            bc = base.get(f"couples:{k}", {})
            rows.append(
                [
                    k,
                    _fmt(ind["sample"][k]),
                    _fmt(b.get("chance_mean")),
                    _fmt(b.get("p_value")),
                    _fmt(ind["couples_mean"][k]),
                    _fmt(bc.get("chance_mean")),
                    _fmt(bc.get("p_value")),
                ]
            )
        out.append(
            (
                "Couple indices (sample network; mean of couples' networks) vs pseudo-couples",
                ["index", "sample", "chance", "p", "couples", "chance", "p"],
                rows,
            )
        )
    return out


def render_table(doc: dict) -> str:
    """A plain-text report of a network document (aligned columns).

    Examples
    --------
    >>> from interdep.science.network import lag_design, fit_network, simulate_network
    >>> sim = simulate_network(20, 25, seed=1)
    >>> fit = fit_network(lag_design(sim.couple, sim.time, sim.values, sim.variables))
    >>> render_table(network_document(fit)).splitlines()[0]
    'Temporal network (t-1 -> t), fixed effects'
    """
    lines = []
    for title, head, rows in _sections(doc):
        widths = [max(len(str(r[c])) for r in [head, *rows]) for c in range(len(head))]
        lines.append(title)
        lines.append(
            "  ".join(
                h.rjust(w) if c else h.ljust(w)
                for c, (h, w) in enumerate(zip(head, widths, strict=True))
            )
        )
        for r in rows:
            lines.append(
                "  ".join(
                    v.rjust(w) if c else v.ljust(w)
                    for c, (v, w) in enumerate(zip(r, widths, strict=True))
                )
            )
        lines.append("")
    lines.append(doc["note"])
    return "\n".join(lines) + "\n"


def render_markdown(doc: dict) -> str:
    """A Markdown report of a network document (pipe tables).

    Examples
    --------
    >>> from interdep.science.network import lag_design, fit_network, simulate_network
    >>> sim = simulate_network(20, 25, seed=1)
    >>> fit = fit_network(lag_design(sim.couple, sim.time, sim.values, sim.variables))
    >>> render_markdown(network_document(fit)).splitlines()[2]
    '| path | b | SE | p | SD |'
    """
    lines = []
    for title, head, rows in _sections(doc):
        lines.append(f"### {title}")
        lines.append("")
        lines.append("| " + " | ".join(h.replace("|", "\\|") for h in head) + " |")
        lines.append("|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|")
        for r in rows:
            lines.append("| " + " | ".join(r) + " |")
        lines.append("")
    lines.append(doc["note"])
    return "\n".join(lines) + "\n"
