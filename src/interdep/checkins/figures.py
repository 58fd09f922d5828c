"""A person's own timeline and a couple's own network, drawn server-side with matplotlib into
SVG text (no pyplot).

Sized for a phone: at 390px the SVG scales to about 360px wide, so fonts are set large enough to
stay readable there (about 10px and up). Colours stay distinguishable without relying on hue.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from matplotlib.colors import LinearSegmentedColormap
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from interdep.checkins.models import FEEL_MAX, FEEL_MIN, MOOD_MAX, MOOD_MIN
from interdep.lib.figures import literal, new_figure, svg_text
from interdep.science.network import clear_links

INK = "#2b2a33"
MUTED = "#5c5968"
LINE = "#e4dfd8"
EMPTY = "#ffffff"
#: Pale sand (low mood) to deep green (good mood): lightness carries the value, not hue.
MOOD_MAP = LinearSegmentedColormap.from_list("mood", ["#f6e7d2", "#b9d8c6", "#1f6f5c"])
SERIES = (
    ("valence", "Mood", MOOD_MIN, MOOD_MAX, "#1f6f5c"),
    ("closeness", "Closeness", FEEL_MIN, FEEL_MAX, "#a24d2a"),
    ("felt_self", "Time for me", FEEL_MIN, FEEL_MAX, "#1b4fd6"),
)
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def calendar_svg(days: Mapping[date, float], *, today: date, weeks: int = 6) -> str:
    """Weeks as rows (Monday first), days as columns; a day's colour is its mean mood, its
    number is the day of the month. Days without a check-in stay white (never marked as missed)."""
    first = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    fig = new_figure((4.6, 0.52 * weeks + 0.8))
    ax = fig.add_subplot()
    ax.set_xlim(-0.5, 6.5)
    ax.set_ylim(weeks - 0.5, -0.9)
    ax.set_aspect("equal")
    ax.axis("off")
    for col, name in enumerate(WEEKDAYS):
        ax.text(col, -0.75, literal(name), ha="center", va="center", fontsize=10, color=MUTED)
    for row in range(weeks):
        for col in range(7):
            day = first + timedelta(days=7 * row + col)
            if day > today:
                continue
            value = days.get(day)
            colour = EMPTY if value is None else MOOD_MAP(value / 100)
            ax.add_patch(_cell(col, row, colour))
            dark = value is not None and value >= 70
            label = (
                day.strftime("%-d %b") if day.day == 1 or (row == 0 and col == 0) else str(day.day)
            )
            ax.text(
                col,
                row,
                literal(label),
                ha="center",
                va="center",
                fontsize=9.5 if len(label) < 3 else 7.5,
                color="#ffffff" if dark else INK,
                fontweight="bold" if day == today else "normal",
            )
    return svg_text(fig)


def _cell(col: int, row: int, colour):
    return FancyBboxPatch(
        (col - 0.44, row - 0.44),
        0.88,
        0.88,
        boxstyle="round,pad=0,rounding_size=0.12",
        facecolor=colour,
        edgecolor=LINE,
        linewidth=1,
    )


def trends_svg(daily: Mapping[str, Mapping[date, float]], *, today: date, days: int = 42) -> str:
    """Daily means of mood, closeness and time for oneself, one small panel each, same dates."""
    start = today - timedelta(days=days - 1)
    fig = new_figure((4.6, 5.4))
    axes = fig.subplots(3, 1, sharex=True)
    for ax, (key, label, low, high, colour) in zip(axes, SERIES, strict=True):
        points = sorted((d, v) for d, v in daily.get(key, {}).items() if start <= d <= today)
        xs = [(d - start).days for d, _ in points]
        ys = [v for _, v in points]
        ax.plot(xs, ys, color=colour, linewidth=2, marker="o", markersize=3.5)
        ax.set_ylim(low - (high - low) * 0.05, high + (high - low) * 0.05)
        ax.set_yticks([low, (low + high) / 2, high])
        ax.set_xlim(-0.5, days - 0.5)
        ax.set_title(literal(label), loc="left", fontsize=11, color=INK)
        ax.tick_params(labelsize=10, colors=MUTED)
        ax.grid(axis="y", color=LINE, linewidth=1)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        if not points:
            ax.text(
                (days - 1) / 2,
                (low + high) / 2,
                literal("no check-ins yet"),
                ha="center",
                va="center",
                fontsize=10,
                color=MUTED,
            )
    ticks = list(range(days - 1, -1, -14))[::-1]
    axes[-1].set_xticks(ticks)
    axes[-1].set_xticklabels(
        [literal((start + timedelta(days=t)).strftime("%-d %b")) for t in ticks]
    )
    fig.tight_layout()
    return svg_text(fig)


#: The network's arrows: a rise that goes with a rise, and one that goes with a fall. Line
#: style (solid, dashed) carries how sure we are, so nothing relies on hue alone.
UP = "#1f6f5c"
DOWN = "#a24d2a"


def network_svg(B, se, feelings, parties: tuple[str, str], *, min_unsure: float = 0.3) -> str:
    """A couple's own network, between the two of them: the viewer's feelings on the left, the
    partner's on the right, an arrow from one day's feeling to the next day's, wider for a
    larger effect; solid when it is clear as one of the family of links between them
    (``science.network.clear_links``), dashed and faded when it is not (and left out when it is also smaller than ``min_unsure``). Links within one person
    stay in the numbers: the picture is about what passes between them. The legend is the
    page's text, so it reads at any size."""
    q = len(feelings)
    fig = new_figure((3.6, 0.85 * q + 0.5))
    ax = fig.add_subplot()
    top = 0.85 * q + 0.5
    ax.set_xlim(0, 5.6)
    ax.set_ylim(0, top)
    ax.set_aspect("equal")
    ax.axis("off")
    half_w, half_h = 0.88, 0.26
    left, right = 0.02 + half_w, 5.58 - half_w
    rows = [top - 0.85 - 0.85 * j for j in range(q)]
    for x, party in ((left, parties[0]), (right, parties[1])):
        ax.text(
            x,
            top - 0.25,
            literal(party),
            ha="center",
            va="center",
            fontsize=12,
            color=INK,
            fontweight="bold",
        )
    # arrows leave and reach the boxes' inner edges
    start = [(left + half_w, y) for y in rows] + [(right - half_w, y) for y in rows]
    sizes = [abs(B[i][j]) for i in range(2 * q) for j in range(2 * q) if B[i][j] is not None]
    full = max([0.3, *sizes])
    clear = clear_links(B, se, q)
    for i in range(2 * q):  # i: the next day's feeling (outcome), j: the day before's
        for j in range(2 * q):
            effect = B[i][j]
            if (i < q) == (j < q) or effect is None:
                continue
            sure = clear[i][j] != 0
            if not sure and abs(effect) < min_unsure:
                continue
            ax.add_patch(
                FancyArrowPatch(
                    start[j],
                    start[i],
                    arrowstyle="-|>",
                    mutation_scale=14,
                    connectionstyle="arc3,rad=0.1",
                    shrinkA=2,
                    shrinkB=2,
                    lw=1.2 + 5.0 * min(abs(effect) / full, 1.0),
                    color=UP if effect > 0 else DOWN,
                    alpha=0.95 if sure else 0.55,
                    linestyle="solid" if sure else (0, (3, 2)),
                )
            )
    for x in (left, right):
        for y, name in zip(rows, feelings, strict=True):
            ax.add_patch(
                FancyBboxPatch(
                    (x - half_w, y - half_h),
                    2 * half_w,
                    2 * half_h,
                    boxstyle="round,pad=0,rounding_size=0.22",
                    facecolor="#f4f1ec",
                    edgecolor=INK,
                    linewidth=1.2,
                )
            )
            ax.text(x, y, literal(name), ha="center", va="center", fontsize=11, color=INK)
    return svg_text(fig)
