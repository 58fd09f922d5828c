"""Progress figures (matplotlib, server-side SVG): scores over time with reliable changes marked,
and positions on the Connection x Self map as a path.

Only a reliable change (|RCI| > 1.96) gets a mark; the rest of the ups and downs are drawn as
plain points, because a questionnaire's scores wobble from one sitting to the next.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.patches import Ellipse, Rectangle

from interdep.assessments.figures import (
    GRID,
    INK,
    MUTED,
    POINT_COLOURS,
    map_frame,
    map_legend,
    marker_extent,
    place_captions,
)
from interdep.lib.figures import literal, new_figure, svg_text
from interdep.science.norms import CUTOFF, norm_for

LINE_COLOURS = ("#1f6f5c", "#3d5a80", "#a24d2a", "#7a5c99")
LINE_STYLES = ("-", "--", "-.", ":")
MARKERS = ("o", "s", "D", "^")
RING = "#d08a00"


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]
    #: Per point: whether the step from the previous point is a reliable change.
    reliable: Sequence[bool]


def _style_axes(ax, n: int, dates: Sequence[str]) -> None:
    ax.set_ylim(0, 100)
    ax.set_xlim(-0.4, n - 0.6 if n > 1 else 0.4)
    ax.set_xticks(range(n))
    ax.set_xticklabels([literal(d) for d in dates], fontsize=9, color=MUTED, rotation=0)
    ax.set_yticks([0, 50, 100])
    ax.tick_params(labelsize=9, colors=MUTED, length=0)
    ax.axhline(CUTOFF, color=GRID, lw=1, zorder=0)
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)


def _draw(ax, k: int, series: Series, *, marker_size: float = 7) -> None:
    xs = [x for x, v in enumerate(series.values) if v is not None]
    ys = [v for v in series.values if v is not None]
    colour = LINE_COLOURS[k % len(LINE_COLOURS)]
    ax.plot(
        xs,
        ys,
        color=colour,
        ls=LINE_STYLES[k % 4],
        marker=MARKERS[k % 4],
        ms=marker_size,
        lw=2,
        label=literal(series.label),
        zorder=2,
    )
    for x, (v, flag) in enumerate(zip(series.values, series.reliable, strict=True)):
        if flag and v is not None:
            ax.scatter(
                [x],
                [v],
                s=(marker_size * 3.2) ** 2,
                facecolor="none",
                edgecolor=RING,
                linewidth=2.2,
                zorder=3,
            )


def lines_svg(series: Sequence[Series], dates: Sequence[str]) -> str:
    """The four scales over time in one panel; a ring marks each reliable change."""
    fig = new_figure((4.8, 3.4))
    ax = fig.add_subplot()
    _style_axes(ax, len(dates), dates)
    for k, s in enumerate(series):
        _draw(ax, k, s)
    ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=2, frameon=False, fontsize=10)
    return svg_text(fig)


def small_multiples_svg(series: Sequence[Series], dates: Sequence[str], *, columns: int = 2) -> str:
    """One small panel per facet (two columns, so each stays readable on a phone)."""
    rows = (len(series) + columns - 1) // columns
    fig = new_figure((4.8, 1.55 * rows + 0.2))
    axes = fig.subplots(rows, columns, squeeze=False)
    for k, s in enumerate(series):
        ax = axes[k // columns][k % columns]
        _style_axes(ax, len(dates), [""] * len(dates) if k < len(series) - columns else dates)
        ax.set_title(literal(s.label), fontsize=10, color=INK, loc="left")
        _draw(ax, 0, s, marker_size=4.5)
    for k in range(len(series), rows * columns):
        axes[k // columns][k % columns].set_visible(False)
    fig.subplots_adjust(hspace=0.75, wspace=0.25)
    return svg_text(fig)


@dataclass(frozen=True)
class Path:
    label: str
    points: Sequence[tuple[float, float]]  # (connection, self), oldest first


def map_path_svg(paths: Sequence[Path], *, sem: tuple[float, float] | None = None) -> str:
    """The Connection x Self map with each person's positions joined oldest to newest; the
    newest point is the big one, with its measurement error shaded (plus or minus one SEM).
    Region captions take the first free spot of their quadrant, clear of every point."""
    return _map_path_svg(
        tuple(Path(p.label, tuple(map(tuple, p.points))) for p in paths),
        sem or (norm_for("connection").sem, norm_for("self").sem),
    )


@functools.lru_cache(maxsize=256)
def _map_path_svg(paths: tuple[Path, ...], sem: tuple[float, float]) -> str:
    fig, ax = map_frame()
    renderer = fig.canvas.get_renderer()
    plot_area = Rectangle((0, 0), 100, 100, transform=ax.transData, visible=False)
    ax.add_patch(plot_area)
    taken = []
    for k, path in enumerate(paths):
        if not path.points:
            continue
        colour = POINT_COLOURS[k % 2]
        xs, ys = zip(*path.points, strict=True)
        ax.plot(xs, ys, color=colour, lw=1.8, ls="-" if k == 0 else "--", zorder=2, clip_on=False)
        for x0, y0, x1, y1 in zip(xs, ys, xs[1:], ys[1:], strict=False):
            ax.annotate(
                "",
                xy=(x1, y1),
                xytext=(x0, y0),
                arrowprops={
                    "arrowstyle": "-|>",
                    "color": colour,
                    "lw": 1.8,
                    "shrinkA": 3,
                    "shrinkB": 8,
                },
                zorder=2,
                annotation_clip=False,
            )
        band = Ellipse(
            (xs[-1], ys[-1]), 2 * sem[0], 2 * sem[1], facecolor=colour, alpha=0.16, lw=0, zorder=2
        )
        ax.add_patch(band)
        band.set_clip_path(plot_area)
        earlier = ax.scatter(
            xs[:-1],
            ys[:-1],
            s=40,
            color=colour,
            edgecolor="white",
            linewidth=1,
            zorder=3,
            clip_on=False,
        )
        earlier.set_gid(f"marker-{k}-earlier")
        now = ax.scatter(
            [xs[-1]],
            [ys[-1]],
            s=170,
            color=colour,
            marker="o" if k == 0 else "D",
            edgecolor="white",
            linewidth=2,
            zorder=4,
            label=literal(f"{path.label} (now)"),
            clip_on=False,
        )
        now.set_gid(f"marker-{k}")
        taken += [marker_extent(ax, xy, 40, 1) for xy in zip(xs[:-1], ys[:-1], strict=True)]
        taken.append(marker_extent(ax, (xs[-1], ys[-1]), 170, 2))
    place_captions(ax, renderer, taken)
    handles, _ = ax.get_legend_handles_labels()
    map_legend(fig, handles)
    return svg_text(fig)
