"""One clear figure of a couple's dynamics: two partners as nodes, arrows sized by effect.

Self-loops show inertia, the arrows between the nodes transmission each way. An arrow's width
grows with the size of the effect; an effect whose interval includes 0 is drawn faded and
dashed, so uncertainty is seen rather than hidden. The same code path serves the web (SVG text)
and the CLI (files).
"""

from __future__ import annotations

from matplotlib.patches import Circle, FancyArrowPatch

from interdep.lib.figures import literal, new_figure, render
from interdep.science.dynamics import CoupleDynamics

_SOLID = "#1f4e79"
_FADED = "#9aa7b4"


def _width(effect: float | None) -> float:
    return 1.0 + 14.0 * min(abs(effect or 0.0), 1.0)


def _uncertain(interval) -> bool:
    return interval is None or (interval[0] <= 0.0 <= interval[1])


def _effect_arrow(start, end, *, rad: float, head: str, width: float, faded: bool):
    """An effect's arrow: solid when its interval excludes zero, faded and dashed when not."""
    return FancyArrowPatch(
        start,
        end,
        connectionstyle=f"arc3,rad={rad}",
        arrowstyle=f"-|>,{head}",
        linewidth=width,
        color=_FADED if faded else _SOLID,
        alpha=0.45 if faded else 1.0,
        linestyle="--" if faded else "-",
        mutation_scale=1.5,
    )


def _label(effect: float | None, interval) -> str:
    if effect is None:
        return "n/a"
    if interval is None:
        return f"{effect:+.2f}"
    return f"{effect:+.2f}\n[{interval[0]:+.2f}, {interval[1]:+.2f}]"


def dynamics_figure(
    result: CoupleDynamics,
    *,
    fmt: str = "svg",
    title: str | None = None,
    compact: bool = False,
    order: tuple[str, str] | None = None,
) -> bytes:
    """Draw one couple's dynamics; returns the file contents in ``fmt`` (svg, png or pdf).

    ``order`` names who stands on the left and who on the right (a page puts its reader on the
    left, as its other figures do); by default the result's own order.

    ``compact`` is for a phone-width page that gives the numbers in words beside the figure:
    a narrower canvas, no numbers, and type large enough to read at least 12 pixels high when
    the figure is 320 pixels wide (a 390-pixel phone screen).
    """
    scale = 1.75 if compact else 1.0
    fig = new_figure((4.6, 3.9) if compact else (6.4, 3.6))
    ax = fig.add_subplot()
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 5.6)
    ax.set_aspect("equal")
    ax.axis("off")
    persons = list(result.persons)
    heading = title or f"{result.variable}: couple {result.couple_id}"
    if not result.ok or len(persons) != 2:
        ax.text(
            5,
            2.8,
            literal(f"Not yet: {result.reason or 'not enough data'}"),
            ha="center",
            va="center",
            wrap=True,
            fontsize=10,
        )
        ax.set_title(literal(heading), fontsize=11)
        return render(fig, fmt)
    a, b = order if order is not None and sorted(order) == sorted(persons) else persons
    centres = {a: (2.6, 2.4), b: (7.4, 2.4)}
    radius = 0.9
    for person, (x, y) in centres.items():
        ax.add_patch(Circle((x, y), radius, facecolor="#eef3f8", edgecolor=_SOLID, linewidth=1.5))
        ax.text(
            x,
            y,
            literal(person),
            ha="center",
            va="center",
            fontsize=(14 if len(person) < 8 else 13) if compact else (11 if len(person) < 8 else 9),
            fontweight="bold",
        )
    # Inertia: loops above each node.
    for person, (x, y) in centres.items():
        eff, iv = result.inertia[person], result.intervals[person]
        faded = _uncertain(iv)
        ax.add_patch(
            _effect_arrow(
                (x - 0.45, y + radius - 0.1),
                (x + 0.45, y + radius - 0.1),
                rad=-1.6,
                head="head_length=6,head_width=4",
                width=_width(eff) * 0.6,
                faded=faded,
            )
        )
        if not compact:
            text = "inertia " + _label(eff, iv).replace("\n", " ")
            ax.text(x, y + radius + 1.45, literal(text), ha="center", fontsize=8)
    # Transmission: curved arrows between the nodes (A->B above, B->A below).
    for src, dst, rad, dy in ((a, b, -0.35, 1.0), (b, a, -0.35, -1.0)):
        key = f"{src}->{dst}"
        eff, iv = result.transmission[key], result.intervals[key]
        faded = _uncertain(iv)
        (x0, y0), (x1, y1) = centres[src], centres[dst]
        sign = 1 if x1 > x0 else -1
        ax.add_patch(
            _effect_arrow(
                (x0 + sign * radius, y0 + 0.25 * dy),
                (x1 - sign * radius, y1 + 0.25 * dy),
                rad=rad,
                head="head_length=8,head_width=5",
                width=_width(eff) * 0.5,
                faded=faded,
            )
        )
        if not compact:
            text = f"{key} " + _label(eff, iv).replace("\n", " ")
            ax.text(5, y0 + 1.15 * dy, literal(text), ha="center", va="center", fontsize=8)
    notes = []
    if compact:
        ax.text(
            5,
            0.1,
            literal("dashed = not sure yet"),
            ha="center",
            va="bottom",
            fontsize=8 * scale,
            color="#333333",
        )
        ax.set_title(literal(heading), fontsize=9 * scale, wrap=True)
        return render(fig, fmt)
    if result.co_movement is not None:
        notes.append(f"moving together at the same moment: r = {result.co_movement:+.2f}")
    asym = result.asymmetry
    if asym.get("estimate") is not None:
        notes.append(
            f"asymmetry ({asym.get('contrast', '')}): {_label(asym['estimate'], asym['interval']).replace(chr(10), ' ')}"
        )
    notes.append("faded, dashed = interval includes 0")
    ax.text(
        5, 0.1, literal("\n".join(notes)), ha="center", va="bottom", fontsize=7.5, color="#333333"
    )
    ax.set_title(literal(heading), fontsize=11)
    return render(fig, fmt)


def dynamics_svg(
    result: CoupleDynamics,
    *,
    title: str | None = None,
    compact: bool = False,
    order: tuple[str, str] | None = None,
) -> str:
    """The figure as SVG text, for embedding in a web page."""
    return dynamics_figure(result, fmt="svg", title=title, compact=compact, order=order).decode(
        "utf-8"
    )
