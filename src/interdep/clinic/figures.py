"""The couple's figures for a clinician: the same map and bars the couple sees, with both names."""

from __future__ import annotations

from interdep.assessments import figures
from interdep.assessments.presenters import _facets_by_capacity
from interdep.lib.figures import svg_data_uri
from interdep.science.instrument import load_instrument


def couple_figures(summary) -> dict:
    people = summary.people
    if len(people) != 2 or not all(p.current for p in people):
        return {}
    instrument = load_instrument(people[0].latest.instrument_version)
    points = [
        figures.MapPoint(p.name, p.current.scales.get("connection"), p.current.scales.get("self"))
        for p in people
        if p.current.scales.get("connection") is not None
        and p.current.scales.get("self") is not None
    ]
    facets = _facets_by_capacity(instrument)
    rows = [(f.label, people[0].current.facets.get(f.id), f.capacity) for f in facets]
    second = [people[1].current.facets.get(f.id) for f in facets]
    return {
        "map_uri": svg_data_uri(figures.map_svg(points)) if points else None,
        "bars_uri": svg_data_uri(
            figures.facet_bars_svg(rows, second=second, labels=(people[0].name, people[1].name))
        ),
        "facet_rows": [
            (f.label, people[0].current.facets.get(f.id), people[1].current.facets.get(f.id))
            for f in facets
        ],
    }
