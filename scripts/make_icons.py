"""Draw the app's icons: two overlapping rings (two people, one shared middle) on the brand green.

Writes static/icons/: icon.svg (the source shape), PNGs at 192 and 512 px, a maskable 512 px
version (the shape inside the safe zone), the 180 px Apple touch icon and favicon.ico (16, 32,
48). Run again after changing the colours: python scripts/make_icons.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parents[1] / "src" / "interdep" / "static" / "icons"
GREEN = (31, 111, 92)
CREAM = (251, 248, 244)
WARM = (242, 178, 140)


def draw(size: int, *, safe: float = 0.8, rounded: bool = True) -> Image.Image:
    """The icon at ``size`` px; the rings fill ``safe`` of the width (maskable: 0.6)."""
    scale = 4  # draw large, then shrink: smooth edges without an antialiasing library
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    radius = big * 0.22 if rounded else 0
    pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=radius, fill=GREEN)
    span = big * safe
    r = span * 0.32
    width = max(int(span * 0.085), 2)
    cy = big / 2
    for cx, colour in ((big / 2 - r * 0.55, CREAM), (big / 2 + r * 0.55, WARM)):
        pen.ellipse((cx - r, cy - r, cx + r, cy + r), outline=colour, width=width)
    return image.resize((size, size), Image.LANCZOS)


SVG = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512" role="img" aria-label="Interdep">
  <rect width="512" height="512" rx="112" fill="#1f6f5c"/>
  <circle cx="186" cy="256" r="131" fill="none" stroke="#fbf8f4" stroke-width="35"/>
  <circle cx="326" cy="256" r="131" fill="none" stroke="#f2b28c" stroke-width="35"/>
</svg>
"""


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "icon.svg").write_text(SVG)
    draw(192).save(OUT / "icon-192.png", optimize=True)
    draw(512).save(OUT / "icon-512.png", optimize=True)
    draw(512, safe=0.6, rounded=False).save(OUT / "maskable-512.png", optimize=True)
    draw(180, rounded=False).save(OUT / "apple-touch-icon.png", optimize=True)
    draw(32).save(OUT / "favicon-32.png", optimize=True)
    draw(48).save(OUT / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])


if __name__ == "__main__":
    main()
