"""Report contents for the pages and the API, built from science results (views stay thin).

Words are warm and descriptive, never a diagnosis. Nothing in a couple report comes from a
partner's item-level answers or from the safety screen.
"""

from __future__ import annotations

from dataclasses import dataclass

from interdep.assessments import figures, selectors
from interdep.assessments.models import Assessment
from interdep.lib.figures import svg_data_uri
from interdep.science.couple import (
    PATTERN_LABELS,
    PATTERN_NOTES,
    PATTERN_WORDS,
    CoupleResult,
    analyse_couple,
)
from interdep.science.highlights import CoupleHighlights, couple_sentences, person_sentences
from interdep.science.instrument import Instrument
from interdep.science.practices import Practice, load_practices, practices_for_facets
from interdep.science.profile import DYNAMIC_LABELS, DYNAMIC_WORDS
from interdep.science.results import PersonResult
from interdep.science.rounding import whole

PRACTICES_PER_EDGE = 2


def dynamic_title(label: str | None) -> str:
    if label is None:
        return "Not placed yet"
    if label.startswith("between:"):
        _, first, second = label.split(":")
        return f"Between {DYNAMIC_LABELS[first].lower()} and {DYNAMIC_LABELS[second].lower()}"
    return DYNAMIC_LABELS[label]


def confidence_words(confidence: float | None, label: str | None) -> str:
    if confidence is None or label is None:
        return ""
    if label.startswith("between:"):
        return "Your point sits near a line on the map, so read this as a direction, not a verdict."
    if confidence >= 0.9:
        return "A questionnaire is always approximate, and yours points clearly this way."
    return (
        "A questionnaire is always approximate: your answers lean this way without being clear-cut."
    )


def headline(label: str | None) -> dict:
    """Plain words first (the pattern and how it tends to feel), the research term second."""
    if label is None:
        return {"headline": "Not placed yet", "feels": "", "term": ""}
    observed = label.split(":")[1] if label.startswith("between:") else label
    words = DYNAMIC_WORDS[observed]
    term = f"Researchers call this pattern {words['term']}: {words['meaning']}."
    if label.startswith("between:"):
        near = DYNAMIC_WORDS[label.split(":")[2]]
        return {
            "headline": words["headline"],
            "feels": f"{words['feels']} Your answers also sit close to another pattern: "
            f"{near['headline'].lower()}.",
            "term": term,
        }
    return {"headline": words["headline"], "feels": words["feels"], "term": term}


@dataclass(frozen=True)
class Highlight:
    facet_id: str
    label: str
    score: float
    text: str
    practices: tuple[Practice, ...] = ()


def _practices_by_id() -> dict[str, Practice]:
    return {p.id: p for p in load_practices()}


def personal_report(assessment: Assessment, *, couple_id: str | None = None) -> dict:
    instrument = selectors.instrument_of(assessment)
    result = selectors.person_result(assessment, couple_id=couple_id)
    return personal_report_from(instrument, result, plan_focus=selectors.plan_focus_of(assessment))


def personal_report_from(
    instrument: Instrument, result: PersonResult, *, plan_focus: list[str] | None = None
) -> dict:
    """The private report's content. ``plan_focus`` names where the plan
    starts (`selectors.plan_focus_of`); without it, the report's own scores are used."""
    h = result.highlights
    focus = plan_focus if plan_focus is not None else result.plan_focus()
    said = person_sentences(instrument, h, plan_start=focus[0] if focus else None)
    strengths = [
        Highlight(s.facet, instrument.facet(s.facet).label, result.facets[s.facet], s.text)
        for s in said
        if s.kind == "strength"
    ]
    edges = [
        Highlight(
            s.facet,
            instrument.facet(s.facet).label,
            result.facets[s.facet],
            s.text,
            tuple(practices_for_facets([s.facet], limit=PRACTICES_PER_EDGE)),
        )
        for s in said
        if s.kind == "edge"
    ]
    rows = [(f.label, result.facets.get(f.id), f.capacity) for f in _facets_by_capacity(instrument)]
    connection, self_ = result.scales.get("connection"), result.scales.get("self")
    map_uri = (
        svg_data_uri(figures.map_svg([figures.MapPoint("You", connection, self_)]))
        if connection is not None and self_ is not None
        else None
    )
    return {
        "result": result,
        "title": dynamic_title(result.dynamic),
        **headline(result.dynamic),
        "note": result.dynamic_note,
        "confidence_words": confidence_words(result.confidence, result.dynamic),
        "connection": connection,
        "self_score": self_,
        "strengths": strengths,
        "even_words": next((s.text for s in said if s.kind == "even"), None),
        "edges": edges,
        "lowest_words": next((s.text for s in said if s.kind == "lowest"), None),
        "more_edges_words": next((s.text for s in said if s.kind == "more_edges"), None),
        "next_step": next_step(instrument, focus),
        "facet_rows": rows,
        "map_uri": map_uri,
        "bars_uri": svg_data_uri(figures.facet_bars_svg(rows)),
    }


def next_step(instrument: Instrument, focus: list[str]) -> str | None:
    """The one concrete step every report ends with: a plan built from the edges."""
    if not focus:
        return None
    label = instrument.facet(focus[0]).label.lower()
    return (
        f"Make a plan of two or three small practices, starting with {label}. It takes a "
        f"minute, and you can swap or pause any practice later."
    )


def _facets_by_capacity(instrument: Instrument):
    return sorted(
        instrument.facets,
        key=lambda f: (f.capacity != "connection", instrument.facet_ids.index(f.id)),
    )


def _gap_words(
    gap: float | None, seer: str, about: str, about_them: str, *, also_shared: bool = False
) -> str:
    """Words for a perception gap (seer's view minus the self-view of the person it is about).
    ``also_shared``: the area is also listed as strong in both of them (by their own answers),
    which a "sees less" must not seem to deny."""
    if abs(gap) < 10:
        return f"{seer} this in {about} much as {about_them}."
    words = f"{seer} {'more' if gap > 0 else 'less'} of this in {about} than {about_them}"
    if gap < 0 and also_shared:
        words += ", though it is a strength in both of your own answers"
    return words + "."


def couple_report(
    instrument: Instrument,
    mine: Assessment,
    theirs: Assessment,
    *,
    couple_id: str,
    partner_name: str,
) -> dict:
    me, partner, result = couple_result(instrument, mine, theirs, couple_id=couple_id)
    return couple_report_from(instrument, me, partner, result, partner_name=partner_name)


def couple_result(
    instrument: Instrument, mine: Assessment, theirs: Assessment, *, couple_id: str
) -> tuple[PersonResult, PersonResult, CoupleResult]:
    """The science of the couple report (no figures), from the viewer's side: "me", "partner"."""
    me = selectors.shared_person_result(mine, person_id="me", couple_id=couple_id)
    partner = selectors.shared_person_result(theirs, person_id="partner", couple_id=couple_id)
    return me, partner, analyse_couple(instrument, me, partner, couple_id=couple_id)


def couple_report_from(
    instrument: Instrument,
    me: PersonResult,
    partner: PersonResult,
    result: CoupleResult,
    *,
    partner_name: str,
) -> dict:
    by_id = _practices_by_id()
    points = []
    for label, person in (("You", me), (partner_name, partner)):
        c, s = person.scales.get("connection"), person.scales.get("self")
        if c is not None and s is not None:
            points.append(figures.MapPoint(label, c, s))
    facets = _facets_by_capacity(instrument)
    rows = [(f.label, me.facets.get(f.id), f.capacity) for f in facets]
    second = [partner.facets.get(f.id) for f in facets]
    gaps = []
    shared_strong = {e["facet"] for e in result.strengths}
    for entry in result.gaps:
        if entry["gap"] is None:
            continue  # too few answers on one side: nothing to compare, nothing to say
        also = entry["facet"] in shared_strong
        if entry["about"] == "me":
            words = _gap_words(
                entry["gap"], f"{partner_name} sees", "you", "you do", also_shared=also
            )
        else:
            words = _gap_words(entry["gap"], "You see", partner_name, "they do", also_shared=also)
        gaps.append({**entry, "label": instrument.facet(entry["facet"]).label, "words": words})
    agreement = result.agreement
    mad = agreement.get("mean_absolute_difference")
    r = agreement.get("profile_correlation")
    return {
        "result": result,
        "me": me,
        "partner": partner,
        "partner_name": partner_name,
        "pattern_label": PATTERN_LABELS.get(result.pattern or "", "Not clear yet"),
        "pattern_headline": PATTERN_WORDS.get(result.pattern or "", ("Not clear yet", ""))[0],
        "pattern_term": PATTERN_WORDS.get(result.pattern or "", ("", ""))[1],
        "pattern_note": PATTERN_NOTES.get(
            result.pattern or "", "There are not yet enough answers to describe your pattern."
        ),
        "map_uri": svg_data_uri(figures.map_svg(points)) if points else None,
        "bars_uri": svg_data_uri(
            figures.facet_bars_svg(rows, second=second, labels=("You", partner_name))
        ),
        "gaps_about_me": [g for g in gaps if g["about"] == "me"],
        "gaps_about_partner": [g for g in gaps if g["about"] == "partner"],
        "agreement_words": _agreement_words(mad, r, shared_strengths=len(result.strengths)),
        **_couple_lists(instrument, result, by_id, partner_name),
        "next_step": _couple_next_step(instrument, result),
    }


def _couple_next_step(instrument: Instrument, result: CoupleResult) -> str:
    """The couple report's one next step, naming where the shared practice starts."""
    if result.growth_edges:
        label = instrument.facet(result.growth_edges[0]["facet"]).label.lower()
        where = f"one you do together for {label}, where you both have room to grow"
    elif result.differences:
        label = instrument.facet(result.differences[0]["facet"]).label.lower()
        where = f"one you do together to talk about {label}, where you see things differently"
    else:
        where = "one you do together"
    return f"Make a plan that mixes your own practices with {where}. It takes a minute."


def _couple_lists(instrument, result: CoupleResult, by_id, partner_name: str) -> dict:
    """Shared strengths, shared edges (with practices) and differences, in words for "me"."""
    said = couple_sentences(
        instrument,
        CoupleHighlights(
            tuple(result.strengths),
            tuple(result.growth_edges),
            tuple(result.differences),
            result.more_differences,
        ),
        reader="me",
        partner="partner",
        partner_name=partner_name,
    )
    practices = {e["facet"]: e.get("practices", []) for e in result.growth_edges}

    def item(s):
        return {
            "facet": s.facet,
            "label": instrument.facet(s.facet).label,
            "text": s.text,
            "practices": [by_id[p] for p in practices.get(s.facet, []) if p in by_id],
        }

    return {
        "strengths": [item(s) for s in said if s.kind == "strength"],
        "edges": [item(s) for s in said if s.kind == "edge"],
        "differences": [item(s) for s in said if s.kind == "difference"],
        "more_differences_words": next(
            (s.text for s in said if s.kind == "more_differences"), None
        ),
    }


def _agreement_words(mad: float | None, r: float | None, *, shared_strengths: int = 0) -> str:
    """How alike the two profiles are. The shape sentence must not deny the shared strengths
    listed on the same page: a low profile correlation with areas strong in both says so."""
    if mad is None:
        return "Not enough answers yet to compare your profiles."
    closeness = (
        "very alike" if mad < 10 else "fairly alike" if mad < 20 else "different in several places"
    )
    shape = ""
    if r is not None:
        shape = (
            " Your strong and softer spots tend to fall in the same places."
            if r >= 0.5
            else " Beyond the areas strong in both of you, your stronger and softer spots fall in "
            "different places, so you can lend each other strength."
            if shared_strengths
            else " Your strong and softer spots fall in different places, so you can lend each other strength."
        )
    return f"Facet by facet, your profiles are {closeness} (an average difference of {whole(mad)} points out of 100).{shape}"
