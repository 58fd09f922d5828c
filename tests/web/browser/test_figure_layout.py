"""The Connection x Self maps in Chromium: at 390 and 1280 px, for people at the corners and in
the centre, alone and as couples, no text box touches another text box or any marker, and every
marker lies inside the drawing. Screenshots go to tests/artifacts/ to be looked at."""

from __future__ import annotations

import itertools

import pytest

from interdep.assessments.figures import MapPoint, facet_bars_svg, map_svg
from interdep.plans.figures import Path, map_path_svg

CORNERS = {"0-0": (0, 0), "0-100": (0, 100), "100-0": (100, 0), "100-100": (100, 100)}
PLACES = {**CORNERS, "centre": (50, 50)}
WIDTHS = (390, 1280)

SINGLE = [(name, [MapPoint("You", *xy)]) for name, xy in PLACES.items()]
COUPLES = [
    (f"{a}+{b}", [MapPoint("You", *PLACES[a]), MapPoint("Sam", *PLACES[b])])
    for a, b in itertools.combinations_with_replacement(PLACES, 2)
]
# Long names are what a real couple has: they must find room too.
COUPLES += [
    ("long-names", [MapPoint("You", 96, 4), MapPoint("Alexandra-Marie", 97, 6)]),
    ("near", [MapPoint("You", 52, 49), MapPoint("Christopher", 49, 52)]),
]
# Where this product's couples mostly are: both close and distinct, near that region's caption.
COUPLES += [
    (f"close-{a}-{b}", [MapPoint("You", *a), MapPoint("Riley", *b)])
    for a, b in itertools.combinations(((72, 78), (80, 75), (85, 88), (90, 95), (78, 92)), 2)
]

BOXES_JS = """
() => {
  const svg = document.querySelector('svg');
  const frame = svg.getBoundingClientRect();
  const box = (el) => { const r = el.getBoundingClientRect();
    return {x0: r.left, y0: r.top, x1: r.right, y1: r.bottom}; };
  // The lines of one text (a two-line caption) are one box: matplotlib writes each line as its
  // own <text> in the text's group, and their line boxes touch by design.
  const groups = new Map();
  for (const t of svg.querySelectorAll('text')) {
    if (!t.textContent.trim()) continue;
    const key = t.closest('g[id]') ? t.closest('g[id]').id : t.textContent;
    const b = box(t), g = groups.get(key);
    groups.set(key, g ? {text: g.text + ' / ' + t.textContent.trim(), x0: Math.min(g.x0, b.x0),
      y0: Math.min(g.y0, b.y0), x1: Math.max(g.x1, b.x1), y1: Math.max(g.y1, b.y1)}
      : {text: t.textContent.trim(), ...b});
  }
  const texts = [...groups.values()];
  const markers = [...svg.querySelectorAll('g[id^="marker-"] use, g[id^="marker-"] path')]
    .map(m => ({text: m.closest('g[id^="marker-"]').id, ...box(m)}))
    .filter(m => m.x1 > m.x0 && m.y1 > m.y0);  // a marker's shape definition has no box
  return {frame: {x0: frame.left, y0: frame.top, x1: frame.right, y1: frame.bottom}, texts, markers};
}
"""


def _overlap(a, b, tolerance=0.5) -> bool:
    return (
        min(a["x1"], b["x1"]) - max(a["x0"], b["x0"]) > tolerance
        and min(a["y1"], b["y1"]) - max(a["y0"], b["y0"]) > tolerance
    )


def collisions(boxes) -> list[str]:
    texts, markers = boxes["texts"], boxes["markers"]
    found = []
    for a, b in itertools.combinations(texts, 2):
        if _overlap(a, b):
            found.append(f"text {a['text']!r} overlaps text {b['text']!r}")
    for t in texts:
        for m in markers:
            if _overlap(t, m):
                found.append(f"text {t['text']!r} overlaps {m['text']}")
    frame = boxes["frame"]
    for m in markers:
        if (
            m["x0"] < frame["x0"]
            or m["x1"] > frame["x1"]
            or m["y0"] < frame["y0"]
            or m["y1"] > frame["y1"]
        ):
            found.append(f"{m['text']} is cut at the edge")
    return found


def _page(chromium, width: int):
    page = chromium.new_page(viewport={"width": width, "height": 900})
    return page


def _show(page, svg: str, width: int) -> dict:
    column = min(width - 30, 512)  # the report's figure column: full width on a phone, 32rem max
    page.set_content(
        f'<!doctype html><body style="margin:15px;background:#fff"><div style="width:{column}px">'
        f"{svg}</div></body>"
    )
    page.evaluate(
        "() => { const s = document.querySelector('svg'); s.removeAttribute('height');"
        " s.setAttribute('width', '100%'); }"
    )
    return page.evaluate(BOXES_JS)


@pytest.mark.parametrize("width", WIDTHS)
def test_maps_never_clip_or_collide(chromium, artifacts, width):
    page = _page(chromium, width)
    problems = {}
    cases = [("single-" + n, p) for n, p in SINGLE] + [("couple-" + n, p) for n, p in COUPLES]
    for name, points in cases:
        boxes = _show(page, map_svg(points), width)
        assert len(boxes["markers"]) == len(points), name
        shown = {part for t in boxes["texts"] for part in t["text"].split(" / ")}
        assert {p.label for p in points} <= shown, name
        found = collisions(boxes)
        if found:
            problems[name] = found
        if name in (
            "single-100-100",
            "couple-0-0+100-100",
            "couple-100-0+100-0",
            "couple-long-names",
        ):
            page.screenshot(path=str(artifacts / f"map-{name}-{width}.png"), full_page=True)
    page.close()
    assert not problems, problems


@pytest.mark.parametrize("width", WIDTHS)
def test_progress_map_never_clips_or_collides(chromium, artifacts, width):
    page = _page(chromium, width)
    for name, (a, b) in {"corners": ((0, 100), (100, 0)), "centre": ((50, 50), (52, 48))}.items():
        svg = map_path_svg(
            [
                Path("You", [(40, 40), a]),
                Path("Sam", [(60, 60), b]),
            ]
        )
        boxes = _show(page, svg, width)
        assert not collisions(boxes), (name, collisions(boxes))
        page.screenshot(path=str(artifacts / f"progress-map-{name}-{width}.png"), full_page=True)
    page.close()


def test_every_bar_colour_is_named_in_a_legend(chromium):
    one = facet_bars_svg([("Vulnerability", 62.5, "connection"), ("Boundaries", 40.0, "self")])
    assert "Connection areas" in one and "Self areas" in one
    assert ">63<" in one  # the table's rounding (half away from zero), not Python's 62
    two = facet_bars_svg(
        [("Vulnerability", 62.5, "connection")], second=[70.0], labels=("You", "Sam")
    )
    assert ">You<" in two and ">Sam<" in two
