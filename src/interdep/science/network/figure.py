"""The temporal and contemporaneous networks of a couple network as node-and-arrow diagrams.

Partner A's variables are a column of nodes on the left, partner B's on the right. Arrows (the
temporal network, yesterday -> today) and lines (the contemporaneous network, same day) grow in
width with the size of the effect; blue is positive, red negative; an effect whose 95% interval
includes 0 is drawn dashed and faded. A loop beside a node is its inertia. Effects smaller than
``min_effect`` are left out so the figure stays readable at phone width; the caption says so.

Only matplotlib ``Figure`` objects are made (never pyplot, so nothing global is touched), and no
text is parsed as mathtext (``parse_math=False``): variable names such as ``M_Anx.`` or ``$`` stay
as typed.
"""

from __future__ import annotations

import io

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch

from interdep.science.network.networks import NetworkFit

__all__ = ["FORMATS", "figure_bytes", "network_figure"]

FORMATS = ("svg", "png", "pdf")
_POS = "#1f4e79"
_NEG = "#b03a2e"
_Z = 1.959963984540054


def _text(ax, x, y, s, **kw):
    return ax.text(x, y, s, parse_math=False, **kw)


def _width(effect: float, full: float) -> float:
    return 0.6 + 7.0 * min(abs(effect) / full, 1.0)


def _style(effect: float, uncertain: bool) -> dict:
    return {
        "color": _POS if effect >= 0 else _NEG,
        "alpha": 0.45 if uncertain else 0.95,
        "linestyle": (0, (3, 2)) if uncertain else "solid",
    }


def _layout(p: int, n_a: int) -> list[tuple[float, float]]:
    n_b = p - n_a
    pos = []
    for i in range(n_a):
        pos.append((1.2, 0.9 + (max(n_a, n_b) - 1 - i) * 1.25))
    for i in range(n_b):
        pos.append((4.8, 0.9 + (max(n_a, n_b) - 1 - i) * 1.25))
    return pos


def _nodes(ax, pos, labels, radius):
    for (x, y), label in zip(pos, labels, strict=True):
        ax.add_patch(Circle((x, y), radius, facecolor="#eef3f8", edgecolor="#333333", lw=1.0))
        _text(ax, x, y, label, ha="center", va="center", fontsize=8)


def _panel(ax, M, uncertain, pos, labels, n_a, *, directed, min_effect, title, parties):
    radius = 0.42
    p = len(labels)
    top = max(y for _, y in pos) + 0.9
    ax.set_xlim(-0.4, 6.4)
    ax.set_ylim(0.0, top + 0.5)
    ax.set_aspect("equal")
    ax.axis("off")
    _text(ax, 3.0, top + 0.35, title, ha="center", va="center", fontsize=10, weight="bold")
    _text(ax, 1.2, top - 0.15, parties[0], ha="center", va="center", fontsize=9)
    _text(ax, 4.8, top - 0.15, parties[1], ha="center", va="center", fontsize=9)
    finite = np.abs(M[np.isfinite(M)]) if np.isfinite(M).any() else np.array([0.0])
    off = finite[finite < 0.999]
    full = max(0.2, float(off.max()) if off.size else 0.2)
    for i in range(p):  # i = outcome (row), j = predictor (column)
        for j in range(p):
            e = M[i, j]
            if not np.isfinite(e) or abs(e) < min_effect:
                continue
            if not directed and j <= i:
                continue
            st = _style(e, bool(uncertain[i, j]))
            lw = _width(e, full)
            if i == j:
                if not directed:
                    continue
                x, y = pos[i]
                side = -1 if i < n_a else 1
                ax.add_patch(
                    Circle(
                        (x + side * (radius + 0.2), y + 0.25),
                        0.22,
                        fill=False,
                        lw=lw,
                        edgecolor=st["color"],
                        alpha=st["alpha"],
                        linestyle=st["linestyle"],
                    )
                )
                continue
            src, dst = pos[j], pos[i]
            same_side = (i < n_a) == (j < n_a)
            if directed:
                rad = 0.5 if same_side else 0.12
            else:  # same-day lines within a partner bow outwards, longer spans further
                span = abs(i - j)
                rad = (-1 if i < n_a else 1) * (0.15 + 0.12 * span) if same_side else 0.06
            ax.add_patch(
                FancyArrowPatch(
                    src,
                    dst,
                    arrowstyle="-|>" if directed else "-",
                    mutation_scale=8 + lw,
                    connectionstyle=f"arc3,rad={rad}",
                    shrinkA=radius * 28,
                    shrinkB=radius * 28,
                    lw=lw,
                    color=st["color"],
                    alpha=st["alpha"],
                    linestyle=st["linestyle"],
                )
            )
    _nodes(ax, pos, labels, radius)


def network_figure(
    fit: NetworkFit,
    n_a: int | None = None,
    *,
    labels: list[str] | None = None,
    parties: tuple[str, str] = ("Partner A", "Partner B"),
    min_effect: float = 0.03,
    title: str | None = None,
) -> Figure:
    """Temporal (top) and contemporaneous (bottom) networks as one tall figure.

    Parameters
    ----------
    fit : NetworkFit
    n_a : int, optional
        Partner A's variables are the first ``n_a`` (default half).
    labels : list of str, optional
        Node labels (default the variable names).
    parties : tuple of str
        Column headings for the two partners.
    min_effect : float
        Effects smaller in absolute size are not drawn.
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from interdep.science.network import lag_design, fit_network, simulate_network
    >>> sim = simulate_network(20, 25, seed=1)
    >>> fit = fit_network(lag_design(sim.couple, sim.time, sim.values, sim.variables, scale=False))
    >>> fig = network_figure(fit)
    >>> figure_bytes(fig, "svg")[:5]
    b'<?xml'
    """
    V = fit.variables
    p = len(V)
    n_a = p // 2 if n_a is None else n_a
    labels = list(V) if labels is None else list(labels)
    pos = _layout(p, n_a)
    rows = max(n_a, p - n_a)
    panel_h = 1.25 * rows + 1.4
    fig = Figure(figsize=(4.6, 2 * panel_h * 0.62 + 0.9))
    axes = fig.subplots(2, 1)
    unc_t = (fit.temporal - _Z * fit.temporal_se <= 0) & (fit.temporal + _Z * fit.temporal_se >= 0)
    _panel(
        axes[0],
        fit.temporal,
        unc_t,
        pos,
        labels,
        n_a,
        directed=True,
        min_effect=min_effect,
        title="Yesterday \u2192 today (temporal)",
        parties=parties,
    )
    if fit.contemporaneous_pcor is not None:
        g, se = fit.contemporaneous_gamma, fit.contemporaneous_gamma_se
        with np.errstate(invalid="ignore"):
            unc_g = np.abs(g) < _Z * se
        unc_c = unc_g | unc_g.T  # both node-wise coefficients must exclude 0 for a solid line
        _panel(
            axes[1],
            fit.contemporaneous_pcor,
            unc_c,
            pos,
            labels,
            n_a,
            directed=False,
            min_effect=min_effect,
            title="Same day (contemporaneous, partial r)",
            parties=parties,
        )
    else:
        axes[1].axis("off")
    caption = (
        f"Width: size of the effect; blue positive, red negative; dashed: 95% interval "
        f"includes 0; effects under {min_effect:g} not drawn. "
        f"{fit.data.n_couples} couples, {fit.data.n_rows} day pairs."
    )
    fig.text(0.5, 0.01, caption, ha="center", va="bottom", fontsize=7, wrap=True, parse_math=False)
    if title:
        fig.suptitle(title, fontsize=11, parse_math=False)
    fig.subplots_adjust(
        left=0.02, right=0.98, top=0.95 if title else 0.99, bottom=0.07, hspace=0.05
    )
    return fig


def figure_bytes(fig: Figure, fmt: str) -> bytes:
    """A figure's file contents as SVG, PNG (200 dpi) or PDF, without dates (reproducible)."""
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise ValueError(f"figure format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None}, "png": {}}[fmt]
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=200, metadata=metadata)
    return buf.getvalue()
