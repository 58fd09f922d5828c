"""The one figure writer: matplotlib ``Figure`` objects (never pyplot, never a global setting)
rendered to SVG text for the web and to SVG, PNG or PDF bytes for files.

Every string a figure shows goes through ``literal``: matplotlib reads text between two ``$`` as
mathematical notation, so a display name such as ``$\\frac$`` would otherwise be parsed (and an
unknown command would fail the whole page). Escaped, it is drawn exactly as typed.
"""

from __future__ import annotations

import base64
import io
import threading

import matplotlib
from matplotlib.figure import Figure
from matplotlib.text import Text

FONT = "DejaVu Sans"
#: Read by the SVG writer at save time: text stays text (selectable, small), and element ids are
#: the same on every run; ticks made while drawing take the same font. Applied only while one
#: figure is saved, under a lock, and undone after.
_SAVE_STYLE = {"svg.fonttype": "none", "svg.hashsalt": "interdep", "font.family": FONT}
_SAVE_LOCK = threading.Lock()
_METADATA = {
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None},
    "png": None,
}

__all__ = ["Figure", "literal", "new_figure", "render", "svg_data_uri", "svg_text"]


def literal(text) -> str:
    """``text`` as matplotlib must draw it: every ``$`` escaped, so nothing is parsed as math."""
    return str(text).replace("$", r"\$")


def new_figure(figsize: tuple[float, float]) -> Figure:
    """A blank figure, independent of pyplot and of any other figure."""
    return Figure(figsize=figsize)


def render(fig: Figure, fmt: str = "svg", *, dpi: float | None = None, tight: bool = True) -> bytes:
    """The figure's file contents in ``fmt`` (svg, png or pdf), without dates, so the same
    figure gives the same bytes."""
    buffer = io.BytesIO()
    options = {"format": fmt, "metadata": _METADATA.get(fmt)}
    if dpi is not None:
        options["dpi"] = dpi
    if tight:
        options["bbox_inches"] = "tight"
    for text in fig.findobj(Text):
        text.set_fontfamily(FONT)
    with _SAVE_LOCK, matplotlib.rc_context(_SAVE_STYLE):
        fig.savefig(buffer, **options)
    return buffer.getvalue()


def svg_text(fig: Figure) -> str:
    """A figure as SVG text, for a web page."""
    return render(fig, "svg").decode("utf-8")


def svg_data_uri(svg: str) -> str:
    """Figures go into <img> as data URIs: the strict CSP allows them, and the figure's own
    styling stays inside the image."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
