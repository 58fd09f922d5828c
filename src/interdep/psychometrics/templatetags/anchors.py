"""{% anchors_offer assessment %}: the invitation to the optional anchors, on the person's own
report, while a measure on offer is unanswered for that assessment."""

from django import template

from interdep.psychometrics import selectors

register = template.Library()


@register.inclusion_tag("psychometrics/_anchors_offer.html")
def anchors_offer(assessment):
    return {
        "assessment": assessment,
        "pending": selectors.anchors_pending(assessment),
        "count": len(selectors.measures()),
    }
