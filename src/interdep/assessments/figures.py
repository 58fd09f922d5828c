"""Report figures, drawn server-side with matplotlib into SVG text (no pyplot: thread-safe).

Sized in inches for a phone: the SVG scales to the column width, so fonts are set large enough to
stay readable when a 390px-wide screen shrinks the figure.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure

from interdep.science.norms import CUTOFF

INK = "#2b2a33"
MUTED = "#6b6878"
GRID = "#e4dfd8"
QUADRANT_FILL = {"interdependent": "#e3f1ea", "codependent": "#fbeee0", "extreme_independence": "#e6eef8", "disconnected": "#f1eef0"}
POINT_COLOURS = ("#1f6f5c", "#a24d2a")  # deep green, deep terracotta: distinct without relying on red/green
POINT_MARKERS = ("o", "D")

matplotlib.rcParams.update({"svg.fonttype": "none", "font.family": "DejaVu Sans", "svg.hashsalt": "interdep"})


@dataclass(frozen=True)
class MapPoint:
    label: str
    connection: float
    self: float


def _to_svg(fig: Figure) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


def map_svg(points: Sequence[MapPoint]) -> str:
    """The Connection x Self map: four labelled regions, one marker per person."""
    fig = Figure(figsize=(4.6, 4.6))
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
        ax.text((x0 + x1) / 2, y1 - 4, text, ha="center", va="top", fontsize=10.5, color=MUTED, zorder=1)
    ax.axvline(CUTOFF, color=GRID, lw=1.5, zorder=1)
    ax.axhline(CUTOFF, color=GRID, lw=1.5, zorder=1)
    for k, point in enumerate(points):
        colour, marker = POINT_COLOURS[k % 2], POINT_MARKERS[k % 2]
        ax.scatter([point.connection], [point.self], s=170, color=colour, marker=marker, edgecolor="white", linewidth=2, zorder=3)
        ax.annotate(
            point.label,
            (point.connection, point.self),
            xytext=(0, -22 if point.self > 15 else 16),
            textcoords="offset points",
            ha="center",
            fontsize=12,
            fontweight="bold",
            color=colour,
            zorder=4,
        )
    ax.set_xlabel("Connection  →", fontsize=12, color=INK)
    ax.set_ylabel("Self  →", fontsize=12, color=INK)
    ax.set_xticks([0, 50, 100])
    ax.set_yticks([0, 50, 100])
    ax.tick_params(labelsize=10, colors=MUTED, length=0)
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    return _to_svg(fig)


def facet_bars_svg(rows: Sequence[tuple[str, float | None, str]], *, second: Sequence[float | None] | None = None,
                   labels: tuple[str, str] = ("", "")) -> str:
    """Horizontal bars 0-100 per facet: rows of (label, score, capacity). With ``second``, two bars
    per facet (the couple report: you and your partner)."""
    n = len(rows)
    fig = Figure(figsize=(4.6, 0.42 * n * (1.6 if second is not None else 1) + 0.6))
    ax = fig.add_subplot()
    height = 0.38 if second is not None else 0.62
    for k, (_label, score, capacity) in enumerate(rows):
        y = n - 1 - k
        ax.barh(y, 100, height=height * (2 if second is not None else 1), color="#f3efe9", zorder=0)
        if second is None:
            colour = POINT_COLOURS[0] if capacity == "connection" else "#3d5a80"
            if score is not None:
                ax.barh(y, score, height=height, color=colour, zorder=2)
                ax.text(min(score + 2, 88), y, f"{score:.0f}", va="center", fontsize=10, color=INK, zorder=3)
            else:
                ax.text(2, y, "not enough answers", va="center", fontsize=9.5, color=MUTED, zorder=3)
        else:
            for offset, value, colour in ((height / 2, score, POINT_COLOURS[0]), (-height / 2, second[k], POINT_COLOURS[1])):
                if value is not None:
                    ax.barh(y + offset, value, height=height, color=colour, zorder=2)
                    ax.text(min(value + 2, 90), y + offset, f"{value:.0f}", va="center", fontsize=9, color=INK, zorder=3)
    ax.set_yticks(range(n))
    ax.set_yticklabels([r[0] for r in reversed(rows)], fontsize=11, color=INK)
    ax.set_xlim(0, 100)
    ax.set_xticks([0, 50, 100])
    ax.tick_params(axis="x", labelsize=9.5, colors=MUTED, length=0)
    ax.tick_params(axis="y", length=0)
    ax.axvline(CUTOFF, color="#d6d0c8", lw=1, ls=(0, (3, 3)), zorder=1)
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    if second is not None:
        from matplotlib.patches import Patch

        ax.legend(
            handles=[Patch(color=POINT_COLOURS[0], label=labels[0]), Patch(color=POINT_COLOURS[1], label=labels[1])],
            loc="lower center", bbox_to_anchor=(0.4, 1.0), ncol=2, frameon=False, fontsize=10.5,
        )
    return _to_svg(fig)
