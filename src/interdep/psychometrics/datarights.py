"""A person's answers to the optional validity anchors in their data export. Erasure needs
nothing of its own: the answers cascade with their assessment."""

from __future__ import annotations

from interdep.lib.personal_data import DataHolder, iso, register
from interdep.psychometrics.models import AnchorAnswer


def export_anchors(person) -> dict:
    rows = AnchorAnswer.objects.filter(assessment__person=person).order_by(
        "assessment_id", "measure", "item_id"
    )
    return {
        "anchor_answers": [
            {
                "assessment_id": a.assessment_id,
                "measure": a.measure,
                "item_id": a.item_id,
                "value": a.value,
                "answered_at": iso(a.answered_at),
            }
            for a in rows
        ]
    }


def register_holder() -> None:
    register(DataHolder("anchors", export_anchors))
