"""Report figures, drawn server-side with matplotlib into SVG text (see interdep.lib.figures).

Sized in inches for a phone: the SVG scales to the column width, so fonts are set large enough to
stay readable when a 390px-wide screen shrinks the figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.patches import Patch

from interdep.lib.figures import Figure, literal, new_figure, svg_text
from interdep.science.norms import CUTOFF

INK = "#2b2a33"
MUTED = "#6b6878"
GRID = "#e4dfd8"
QUADRANT_FILL = {
    "interdependent": "#e3f1ea",
    "codependent": "#fbeee0",
    "extreme_independence": "#e6eef8",
    "disconnected": "#f1eef0",
}
POINT_COLOURS = (
    "#1f6f5c",
    "#a24d2a",
)  # deep green, deep terracotta: distinct without relying on red/green
POINT_MARKERS = ("o", "D")


@dataclass(frozen=True)
class MapPoint:
    label: str
    connection: float
    self: float


def map_frame() -> tuple[Figure, object]:
    """The empty Connection x Self map (regions, cut-off lines, axes), for points or paths."""
    fig = new_figure((4.6, 4.6))
    ax = fig.add_subplot()
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 100)
    regions = (
        (CUTOFF, 100, CUTOFF, 100, "interdependent", "Close and\ndistinct"),
        (0, CUTOFF, CUTOFF, 100, "extreme_independence", "Distinct,\nless close"),
        (CUTOFF, 100, 0, CUTOFF, "codependent", "Close,\nless distinct"),
        (0, CUTOFF, 0, CUTOFF, "disconnected", "Less close,\nless distinct"),
    )
    for x0, x1, y0, y1, key, text in regions:
        ax.axvspan(x0, x1, ymin=y0 / 100, ymax=y1 / 100, color=QUADRANT_FILL[key], zorder=0)
        ax.text(
            (x0 + x1) / 2,
            y1 - 4,
            literal(text),
            ha="center",
            va="top",
            fontsize=10.5,
            color=MUTED,
            zorder=1,
        )
    ax.axvline(CUTOFF, color=GRID, lw=1.5, zorder=1)
    ax.axhline(CUTOFF, color=GRID, lw=1.5, zorder=1)
    ax.set_xlabel(literal("Connection  →"), fontsize=12, color=INK)
    ax.set_ylabel(literal("Self  →"), fontsize=12, color=INK)
    ax.set_xticks([0, 50, 100])
    ax.set_yticks([0, 50, 100])
    ax.tick_params(labelsize=10, colors=MUTED, length=0)
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    return fig, ax


def map_svg(points: Sequence[MapPoint]) -> str:
    """The Connection x Self map: four labelled regions, one marker per person."""
    fig, ax = map_frame()
    for k, point in enumerate(points):
        colour, marker = POINT_COLOURS[k % 2], POINT_MARKERS[k % 2]
        ax.scatter(
            [point.connection],
            [point.self],
            s=170,
            color=colour,
            marker=marker,
            edgecolor="white",
            linewidth=2,
            zorder=3,
        )
        # The higher point's label goes above it and the lower one's below, so two nearby points
        # never put their names on each other; near the top or bottom edge, stay inside.
        highest = max(p.self for p in points)
        above = point.self == highest if len(points) > 1 else True
        if point.self > 88:
            above = False
        elif point.self < 12:
            above = True
        ax.annotate(
            literal(point.label),
            (point.connection, point.self),
            xytext=(0, 13 if above else -13),
            textcoords="offset points",
            ha="center",
            va="bottom" if above else "top",
            fontsize=12,
            fontweight="bold",
            color=colour,
            zorder=4,
        )
    return svg_text(fig)


def facet_bars_svg(
    rows: Sequence[tuple[str, float | None, str]],
    *,
    second: Sequence[float | None] | None = None,
    labels: tuple[str, str] = ("", ""),
) -> str:
    """Horizontal bars 0-100 per facet: rows of (label, score, capacity). With ``second``, two bars
    per facet (the couple report: you and your partner). Each facet's name sits above its bars,
    so the bars keep the full width and the text stays large on a phone."""
    n = len(rows)
    pair = second is not None
    step = 1.25 if pair else 1.0
    fig = new_figure((3.6, 0.5 * n * step + 0.5))
    ax = fig.add_subplot()
    height = 0.26 if pair else 0.4
    for k, (label, score, capacity) in enumerate(rows):
        y = (n - 1 - k) * step
        ax.text(
            0,
            y + (0.5 if pair else 0.34),
            literal(label),
            fontsize=10.5,
            color=INK,
            va="center",
            ha="left",
        )
        values = [(score, POINT_COLOURS[0] if capacity == "connection" else "#3d5a80", 0.0)]
        if pair:
            values = [
                (score, POINT_COLOURS[0], height / 2 + 0.02),
                (second[k], POINT_COLOURS[1], -height / 2 - 0.02),
            ]
        for value, colour, offset in values:
            ax.barh(y + offset, 100, height=height, color="#f0ebe4", zorder=0)
            if value is None:
                ax.text(
                    2,
                    y + offset,
                    literal("not enough answers"),
                    va="center",
                    fontsize=9,
                    color=MUTED,
                    zorder=3,
                )
                continue
            ax.barh(y + offset, value, height=height, color=colour, zorder=2)
            ax.text(
                value + 1.5 if value < 88 else value - 1.5,
                y + offset,
                literal(f"{value:.0f}"),
                va="center",
                ha="left" if value < 88 else "right",
                fontsize=9.5,
                color=INK if value < 88 else "white",
                zorder=3,
            )
    ax.set_xlim(0, 100)
    ax.set_ylim(-0.6, (n - 1) * step + 0.8)
    ax.set_yticks([])
    ax.set_xticks([0, 50, 100])
    ax.tick_params(axis="x", labelsize=9.5, colors=MUTED, length=0)
    ax.axvline(CUTOFF, color="#cfc8bf", lw=1, ls=(0, (3, 3)), zorder=1)
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    if pair:
        ax.legend(
            handles=[
                Patch(color=POINT_COLOURS[0], label=literal(labels[0])),
                Patch(color=POINT_COLOURS[1], label=literal(labels[1])),
            ],
            loc="lower left",
            bbox_to_anchor=(0.0, 1.0),
            ncol=2,
            frameon=False,
            fontsize=10.5,
        )
    return svg_text(fig)
