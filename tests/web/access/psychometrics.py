"""Research consent and the staff psychometrics view: anyone signed in sets their own consent;
only staff see the pool's reliability (aggregates only), everyone else gets 404."""

from . import Case, every, signed_in

CASES: dict[str, Case] = {
    "research_consent": Case("POST", "/accounts/data/research/", signed_in(302), {"consent": "no"}),
    # The optional anchors after one's own assessment: anyone else's assessment does not exist.
    "assessment_anchors": Case("GET", "/assessment/{assessment}/more/", signed_in(404, self=200)),
    "staff_psychometrics": Case("GET", "/staff/psychometrics/", every(404, staff=200)),
}
