"""The classic APIM path diagram: two predictors, two outcomes, actor and partner arrows.

Drawn as a matplotlib ``Figure`` through interdep.lib.figures (no pyplot, no global settings), so
the same code renders SVG for the web and PNG/PDF for papers; the format follows the file
extension.
"""

from __future__ import annotations

from pathlib import Path

from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from interdep.lib.figures import Figure, literal, new_figure, render
from interdep.lib.numbers import stars
from interdep.science.apim import ApimResult
from interdep.science.errors import InputError

FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf"}


def figure_format(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise InputError(
            f"figure format {suffix or '(none)'!r} not supported; use .svg, .png or .pdf"
        )
    return FORMATS[suffix]


def _label(result: ApimResult, effect: str, predictor: str, role: str | None) -> str:
    c = result.coefficient(effect, predictor, role)
    return f"{c.estimate:.2f}{stars(c.p)}"


def apim_diagram(result: ApimResult, predictor: str | None = None) -> Figure:
    """A Figure with the path diagram for one predictor (default: the first)."""
    if result.parametrisation == "interaction":
        raise InputError("the path diagram reads the two-intercept parametrisation; refit with it")
    predictor = predictor or result.predictors[0]
    if predictor not in result.predictors:
        raise InputError(f"no predictor {predictor!r} in the model", column=predictor)
    roles = result.roles or ("Person 1", "Person 2")
    role_key = tuple(result.roles) if result.roles else (None, None)

    fig = new_figure((7.2, 4.2))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 6)
    ax.axis("off")

    box_w, box_h = 2.4, 0.9
    centres = {
        ("x", 0): (1.8, 4.6),
        ("x", 1): (1.8, 1.4),
        ("y", 0): (7.8, 4.6),
        ("y", 1): (7.8, 1.4),
    }
    for (kind, s), (cx, cy) in centres.items():
        ax.add_patch(
            FancyBboxPatch(
                (cx - box_w / 2, cy - box_h / 2),
                box_w,
                box_h,
                boxstyle="round,pad=0.05",
                facecolor="#f4f6fb",
                edgecolor="#334",
                linewidth=1.2,
            )
        )
        name = predictor if kind == "x" else result.outcome
        ax.text(cx, cy + 0.12, literal(name), ha="center", va="center", fontsize=10, weight="bold")
        ax.text(
            cx, cy - 0.22, literal(roles[s]), ha="center", va="center", fontsize=8.5, color="#555"
        )

    def arrow(a, b, text, colour, where=0.5, offset=(0.0, 0.18), style="-|>", rad=0.0):
        (x0, y0), (x1, y1) = a, b
        ax.add_patch(
            FancyArrowPatch(
                (x0, y0),
                (x1, y1),
                arrowstyle=style,
                mutation_scale=14,
                color=colour,
                linewidth=1.6,
                connectionstyle=f"arc3,rad={rad}",
                shrinkA=0,
                shrinkB=0,
            )
        )
        if text:
            tx, ty = x0 + (x1 - x0) * where + offset[0], y0 + (y1 - y0) * where + offset[1]
            ax.text(
                tx,
                ty,
                literal(text),
                ha="center",
                va="center",
                fontsize=10,
                color=colour,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.5},
            )

    left, right = 1.8 + box_w / 2 + 0.05, 7.8 - box_w / 2 - 0.05
    actor, partner = "#1f4e9a", "#b3541e"
    for s in (0, 1):
        y = centres[("x", s)][1]
        arrow(
            (left, y),
            (right, y),
            "actor " + _label(result, "actor", predictor, role_key[s]),
            actor,
            offset=(0, 0.25 if s == 0 else -0.25),
        )
    # partner arrows: X of member s -> Y of the other member (the other member's partner effect)
    arrow(
        (left, 4.6 - 0.3),
        (right, 1.4 + 0.3),
        "partner " + _label(result, "partner", predictor, role_key[1]),
        partner,
        where=0.25,
        offset=(0, 0),
    )
    arrow(
        (left, 1.4 + 0.3),
        (right, 4.6 - 0.3),
        "partner " + _label(result, "partner", predictor, role_key[0]),
        partner,
        where=0.25,
        offset=(0, 0),
    )
    # residual correlation of the two outcomes (partial ICC)
    ax.add_patch(
        FancyArrowPatch(
            (9.05, 4.3),
            (9.05, 1.7),
            arrowstyle="<|-|>",
            mutation_scale=12,
            color="#444",
            linewidth=1.2,
            connectionstyle="arc3,rad=-0.45",
        )
    )
    ax.text(
        9.75,
        3.0,
        literal(f"ρ = {result.rho:.2f}"),
        ha="center",
        va="center",
        fontsize=9.5,
        rotation=90,
    )
    title = f"APIM, {result.model} dyads ({result.method}); n = {result.n_dyads} dyads"
    ax.text(5.0, 5.75, literal(title), ha="center", va="center", fontsize=10.5)
    ax.text(
        5.0,
        0.25,
        literal("* p < .05   ** p < .01   *** p < .001"),
        ha="center",
        va="center",
        fontsize=8,
        color="#555",
    )
    return fig


def render_apim_diagram(
    result: ApimResult, path: str | Path, predictor: str | None = None
) -> bytes:
    """The diagram's bytes in the format the file extension asks for (svg, png, pdf)."""
    fmt = figure_format(path)
    return render(apim_diagram(result, predictor), fmt, dpi=150, tight=False)
