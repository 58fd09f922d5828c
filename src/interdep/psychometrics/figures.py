"""The pictures of the closeness anchor: two circles, from apart (1) to almost one (7).

Drawn by us, after the idea of Aron, Aron and Smollan's (1992) Inclusion of Other in the Self
scale: the overlap grows in equal steps of the distance between the centres. Plain SVG text (no
matplotlib, nothing parsed from outside): the solid circle is "you", the dashed one the partner;
colours follow the text colour, so a chosen picture can change with its button.
"""

from __future__ import annotations

import functools

RADIUS = 22.0
#: Centre distance at step 1 (a small gap between the circles) and at step 7 (nearly one circle).
APART, ALMOST_ONE = 2 * RADIUS + 6, 0.25 * RADIUS


def centre_distance(step: int) -> float:
    """Distance between the two centres at ``step`` 1..7, shrinking in equal steps."""
    if not 1 <= step <= 7:
        raise ValueError("step must be 1..7")
    return APART - (APART - ALMOST_ONE) * (step - 1) / 6


@functools.cache
def ios_svg(step: int) -> str:
    d = centre_distance(step)
    width = 2 * RADIUS + APART + 4
    cx = width / 2
    left, right = cx - d / 2, cx + d / 2
    return (
        f'<svg class="ios" viewBox="0 0 {width:.0f} {2 * RADIUS + 4:.0f}" width="{width:.0f}" '
        f'height="{2 * RADIUS + 4:.0f}" aria-hidden="true" focusable="false">'
        f'<circle cx="{left:.2f}" cy="{RADIUS + 2:.0f}" r="{RADIUS:.0f}" fill="none" '
        f'stroke="currentColor" stroke-width="2.5"/>'
        f'<circle cx="{right:.2f}" cy="{RADIUS + 2:.0f}" r="{RADIUS:.0f}" fill="none" '
        f'stroke="currentColor" stroke-width="2.5" stroke-dasharray="5 3"/>'
        "</svg>"
    )
