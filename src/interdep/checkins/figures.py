"""A person's own timeline, drawn server-side with matplotlib into SVG text (no pyplot).

Sized for a phone: at 390px the SVG scales to about 360px wide, so fonts are set large enough to
stay readable there (about 10px and up). Colours stay distinguishable without relying on hue.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from matplotlib.colors import LinearSegmentedColormap
from matplotlib.patches import FancyBboxPatch

from interdep.checkins.models import FEEL_MAX, FEEL_MIN, MOOD_MAX, MOOD_MIN
from interdep.lib.figures import literal, new_figure, svg_text

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
