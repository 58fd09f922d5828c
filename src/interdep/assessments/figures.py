"""Report figures, drawn server-side with matplotlib into SVG text (no pyplot: thread-safe).

Sized in inches for a phone: the SVG scales to the column width, so fonts are set large enough to
stay readable when a 390px-wide screen shrinks the figure.

The Connection x Self map keeps every marker inside the frame (the axes run a little past 0 and
100) and places every text by measuring it: a person's name goes to the first spot around their
marker that touches no other marker, name or region caption; each region caption then takes the
first free spot in its own quadrant. Each person's measurement error (plus or minus one SEM on
both scales, the band the words use for "between") is drawn as a shaded ellipse, and a legend
names every colour. Figures are pure functions of their inputs and cached: a submitted assessment
never changes, so its figures are drawn once.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.lines import Line2D
from matplotlib.patches import Ellipse, Patch, Rectangle
from matplotlib.transforms import Bbox

from interdep.lib.figures import Figure, literal, new_figure, svg_text
from interdep.science.norms import CUTOFF, norm_for
from interdep.science.rounding import whole

INK = "#2b2a33"
MUTED = "#5c5968"
GRID = "#d9d2c8"
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
#: Facet bars of one person: Connection areas and Self areas (named in the chart's legend).
CAPACITY_COLOURS = {"connection": "#1f6f5c", "self": "#3d5a80"}
#: The legend's words for the shaded ellipse: plus or minus one SEM, the range a retake would
#: usually land in (the same band the report's words use for "between").
ERROR_LEGEND = "shaded: likely range"
#: The axes run this far past 0 and 100, so a marker at a corner is drawn whole.
PAD = 7.0
#: Space kept free around every placed text and marker, in pixels at 100 dpi.
GAP = 3.0


@dataclass(frozen=True)
class MapPoint:
    label: str
    connection: float
    self: float


#: (x0, x1, y0, y1, key, caption) of the four regions, in score units.
REGIONS = (
    (CUTOFF, 100, CUTOFF, 100, "interdependent", "Close and\ndistinct"),
    (0, CUTOFF, CUTOFF, 100, "extreme_independence", "Distinct,\nless close"),
    (CUTOFF, 100, 0, CUTOFF, "codependent", "Close,\nless distinct"),
    (0, CUTOFF, 0, CUTOFF, "disconnected", "Less close,\nless distinct"),
)


def map_frame(*, captions: bool = True) -> tuple[Figure, object]:
    """The empty Connection x Self map (regions, cut-off lines, axes), for points or paths.
    Region captions are placed later by `place_captions`, once the points are known."""
    fig = new_figure((3.9, 4.3))
    fig.set_dpi(100)
    FigureCanvasAgg(fig)  # a canvas to measure text with; never shown
    ax = fig.add_axes((0.15, 0.22, 0.81, 0.75))
    ax.set_xlim(-PAD, 100 + PAD)
    ax.set_ylim(-PAD, 100 + PAD)
    for x0, x1, y0, y1, key, _ in REGIONS:
        ax.add_patch(
            Rectangle((x0, y0), x1 - x0, y1 - y0, color=QUADRANT_FILL[key], zorder=0, lw=0)
        )
    ax.plot([CUTOFF, CUTOFF], [0, 100], color=GRID, lw=1.5, zorder=1)
    ax.plot([0, 100], [CUTOFF, CUTOFF], color=GRID, lw=1.5, zorder=1)
    ax.set_xlabel(literal("Connection  →"), fontsize=12, color=INK, labelpad=6)
    ax.set_ylabel(literal("Self  →"), fontsize=12, color=INK, labelpad=6)
    ax.set_xticks([0, 50, 100])
    ax.set_yticks([0, 50, 100])
    ax.tick_params(labelsize=10, colors=MUTED, length=0, pad=3)
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    return fig, ax


def _extent(artist, renderer) -> Bbox:
    box = artist.get_window_extent(renderer)
    return Bbox.from_extents(box.x0 - GAP, box.y0 - GAP, box.x1 + GAP, box.y1 + GAP)


def marker_extent(ax, xy, size: float, edge: float) -> Bbox:
    """The box a scatter marker of area ``size`` (points squared) covers, with its white edge and
    the usual gap (a collection reports no usable extent before it is drawn)."""
    x, y = ax.transData.transform(xy)
    radius = (size**0.5 / 2 + edge) * ax.figure.dpi / 72 + GAP
    return Bbox.from_extents(x - radius, y - radius, x + radius, y + radius)


def _within(box: Bbox, inside: Bbox) -> bool:
    return (
        box.x0 >= inside.x0 and box.x1 <= inside.x1 and box.y0 >= inside.y0 and box.y1 <= inside.y1
    )


def _free(box: Bbox, taken: list[Bbox], inside: Bbox) -> bool:
    return _within(box, inside) and not any(box.overlaps(other) for other in taken)


#: Where a name may go around its marker, in points (first free one wins): above, below, right,
#: left, then the diagonals, then the same further out.
_LABEL_SPOTS = tuple(
    (dx * scale, dy * scale, ha, va)
    for scale in (1.0, 1.7, 2.4)
    for dx, dy, ha, va in (
        (0, 11, "center", "bottom"),
        (0, -11, "center", "top"),
        (11, 0, "left", "center"),
        (-11, 0, "right", "center"),
        (9, 9, "left", "bottom"),
        (-9, 9, "right", "bottom"),
        (9, -9, "left", "top"),
        (-9, -9, "right", "top"),
    )
)


def place_label(ax, renderer, text: str, xy, taken: list[Bbox], inside: Bbox, **style):
    """A name beside its marker at the first spot that is free; the chosen box joins ``taken``."""
    label = None
    for dx, dy, ha, va in _LABEL_SPOTS:
        if label is not None:
            label.remove()
        label = ax.annotate(
            literal(text),
            xy,
            xytext=(dx, dy),
            textcoords="offset points",
            ha=ha,
            va=va,
            annotation_clip=False,
            **style,
        )
        box = _extent(label, renderer)
        if _free(box, taken, inside):
            taken.append(box)
            return label
    taken.append(_extent(label, renderer))  # nowhere free: keep the first choice's neighbour
    return label


def _clearance(box: Bbox, taken: list[Bbox], inside: Bbox) -> float:
    """How far ``box`` stays from everything in ``taken`` (display units; 0 when it touches
    something, -1 when it leaves ``inside``)."""
    if not _within(box, inside):
        return -1.0
    nearest = float("inf")
    for other in taken:
        dx = max(other.x0 - box.x1, box.x0 - other.x1, 0.0)
        dy = max(other.y0 - box.y1, box.y0 - other.y1, 0.0)
        nearest = min(nearest, (dx * dx + dy * dy) ** 0.5)
    return nearest


#: A caption this far from every marker and name is placed at once (display units, about a
#: letter's width): a browser may draw the text a little wider than matplotlib measures it.
CAPTION_ROOM = 14.0


def place_captions(ax, renderer, taken: list[Bbox]) -> tuple[list, bool]:
    """Each region's caption at the first spot of its quadrant with room around it: outer
    corner first, then along the quadrant's edges, then inside it; where no spot has that much
    room, the spot farthest from every marker and name. Returns the captions, and whether each
    stays clear of everything placed before it."""
    to_display = ax.transData.transform
    placed_all, clear = [], True
    for x0, x1, y0, y1, _, caption in REGIONS:
        region = Bbox([to_display((x0, y0)), to_display((x1, y1))])
        outer_top = y1 == 100
        outer_right = x1 == 100
        xs = [(x0 + x1) / 2, x0 + 3, x1 - 3]
        inner = [(y0 + y1) / 2, y0 + (y1 - y0) / 4, y1 - (y1 - y0) / 4]
        ys = [y1 - 3, y0 + 3, *inner] if outer_top else [y0 + 3, y1 - 3, *inner]
        aligns = {x0 + 3: "left", x1 - 3: "right", (x0 + x1) / 2: "center"}
        order = [(x, y) for y in ys for x in xs]
        if outer_right:
            order.sort(key=lambda p: (ys.index(p[1]), p[0] != (x0 + x1) / 2, p[0] != x1 - 3))
        best = None  # (clearance, x, y)
        for x, y in order:
            va = "top" if y > (y0 + y1) / 2 + 1 else "bottom" if y < (y0 + y1) / 2 - 1 else "center"
            trial = ax.text(
                x, y, literal(caption), ha=aligns[x], va=va, fontsize=10, linespacing=1.1
            )
            room = _clearance(_extent(trial, renderer), taken, region)
            trial.remove()
            if best is None or room > best[0]:
                best = (room, x, y, va)
            if room >= CAPTION_ROOM:
                break
        room, x, y, va = best
        clear = clear and room > 0
        placed = ax.text(
            x,
            y,
            literal(caption),
            ha=aligns[x],
            va=va,
            fontsize=10,
            color=MUTED,
            zorder=1,
            linespacing=1.1,
        )
        taken.append(_extent(placed, renderer))
        placed_all.append(placed)
    return placed_all, clear


def _sem() -> tuple[float, float]:
    return norm_for("connection").sem, norm_for("self").sem


def legend_columns(handles) -> int:
    """All legend entries on one row when their words are short, else two columns, so a long
    name never widens the figure (which would shrink its text on a phone)."""
    words = sum(len(h.get_label()) for h in handles)
    return len(handles) if len(handles) <= 3 and words <= 34 else 2


def map_svg(points: Sequence[MapPoint], *, sem: tuple[float, float] | None = None) -> str:
    """The Connection x Self map: four labelled regions, one marker per person with a shaded
    ellipse of plus or minus one SEM, names placed clear of everything, and a legend."""
    return _map_svg(tuple(points), sem or _sem())


@functools.lru_cache(maxsize=1024)
def _map_svg(points: tuple[MapPoint, ...], sem: tuple[float, float]) -> str:
    fig, ax = map_frame()
    renderer = fig.canvas.get_renderer()
    frame = Bbox([ax.transData.transform((-PAD, -PAD)), ax.transData.transform((100 + PAD,) * 2)])
    plot_area = Rectangle((0, 0), 100, 100, transform=ax.transData, visible=False)
    ax.add_patch(plot_area)
    taken: list[Bbox] = []
    for k, point in enumerate(points):
        colour, marker = POINT_COLOURS[k % 2], POINT_MARKERS[k % 2]
        band = Ellipse(
            (point.connection, point.self),
            2 * sem[0],
            2 * sem[1],
            facecolor=colour,
            alpha=0.16,
            edgecolor=colour,
            lw=0.8,
            zorder=2,
        )
        ax.add_patch(band)
        band.set_clip_path(plot_area)  # error beyond 0 or 100 is not a score anyone can have
        dots = ax.scatter(
            [point.connection],
            [point.self],
            s=150,
            color=colour,
            marker=marker,
            edgecolor="white",
            linewidth=1.8,
            zorder=4,
            clip_on=False,
        )
        dots.set_gid(f"marker-{k}")
        taken.append(marker_extent(ax, (point.connection, point.self), 150, 1.8))
    markers = list(taken)

    def names() -> list:
        labels = []
        for k, point in enumerate(points):
            label = place_label(
                ax,
                renderer,
                point.label,
                (point.connection, point.self),
                taken,
                frame,
                fontsize=12,
                fontweight="bold",
                color=POINT_COLOURS[k % 2],
                zorder=5,
            )
            label.set_gid(f"label-{k}")
            labels.append(label)
        return labels

    # Names first, then the captions around them; where a caption finds no room (a couple close
    # together in one quadrant), the captions go first and the names, which may sit on any side
    # of their markers, find room around them.
    labels = names()
    captions, clear = place_captions(ax, renderer, taken)
    if not clear:
        for artist in labels + captions:
            artist.remove()
        taken[:] = markers
        place_captions(ax, renderer, taken)
        names()
    handles = [
        Line2D(
            [],
            [],
            ls="",
            marker=POINT_MARKERS[k % 2],
            color=POINT_COLOURS[k % 2],
            markeredgecolor="white",
            markersize=10,
            label=literal(point.label),
        )
        for k, point in enumerate(points)
    ]
    map_legend(fig, handles)
    return svg_text(fig)


def map_legend(fig, handles: list) -> None:
    """The map's legend under the plot: each person's marker, then the shaded likely range."""
    handles = [
        *handles,
        Patch(facecolor=INK, alpha=0.16, edgecolor=MUTED, label=literal(ERROR_LEGEND)),
    ]
    fig.legend(
        handles=handles,
        loc="lower center",
        bbox_to_anchor=(0.55, 0.0),
        ncol=legend_columns(handles),
        frameon=False,
        fontsize=10,
        handletextpad=0.4,
        columnspacing=1.2,
    )


def facet_bars_svg(
    rows: Sequence[tuple[str, float | None, str]],
    *,
    second: Sequence[float | None] | None = None,
    labels: tuple[str, str] = ("", ""),
) -> str:
    """Horizontal bars 0-100 per facet: rows of (label, score, capacity). With ``second``, two bars
    per facet (the couple report: you and your partner). Each facet's name sits above its bars,
    so the bars keep the full width and the text stays large on a phone. A legend names the
    colours: the two people, or Connection and Self areas."""
    return _facet_bars_svg(tuple(rows), None if second is None else tuple(second), tuple(labels))


@functools.lru_cache(maxsize=1024)
def _facet_bars_svg(rows, second, labels) -> str:
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
        values = [(score, CAPACITY_COLOURS.get(capacity, INK), 0.0)]
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
            inside = value >= 88
            ax.text(
                value - 1.5 if inside else value + 1.5,
                y + offset,
                literal(str(whole(value))),
                va="center",
                ha="right" if inside else "left",
                fontsize=9.5,
                color="white" if inside else INK,
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
        handles = [
            Patch(color=POINT_COLOURS[0], label=literal(labels[0])),
            Patch(color=POINT_COLOURS[1], label=literal(labels[1])),
        ]
    else:
        present = {capacity for _, _, capacity in rows}
        handles = [
            Patch(color=CAPACITY_COLOURS[c], label=literal(f"{c.capitalize()} areas"))
            for c in ("connection", "self")
            if c in present
        ]
    ax.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(0.0, 1.0),
        ncol=2,
        frameon=False,
        fontsize=10.5,
    )
    return svg_text(fig)
