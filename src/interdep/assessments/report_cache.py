"""Reports computed once and kept in the shared cache, under keys made of what they depend on.

A submitted assessment never changes, so a report is a pure function of: who reads it (the
viewer's role and id), the assessment or assessments it reads (id, owner, instrument version,
submitted time), the consent state (each partner's yes and when it was given), the partner's
display name (the couple report says it), and the code that scores and draws it (a fingerprint
of this package and of matplotlib's version). Each key is a hash of exactly those, so a retake,
a consent change, a renamed partner or a new release gives a new key: a stale report can never
be served, however long the cache keeps an entry and whichever process reads it. Entries that
can no longer be reached are also deleted when consent changes, a couple unlinks, a partner
retakes or a person is erased (tidiness, not correctness: the keys already guarantee that).

What is kept is the report itself (the rendered HTML of its body, the figures inside it), never
the page around it: the date (shown in the reader's time zone), the form tokens, the anchors
offer and the history links are drawn on every request.

Privacy: nothing here decides who may see what. The private report (every answer, safety items
included) is kept under the role "self" and its owner's id, and is read only by the owner's pages
after `own_assessment_or_404`. The couple report is built by `shared_scores` alone (safety items
left out) under keys naming the viewer and the role "partner", and is read only after
`couple_report_access` says the report exists for that viewer now; withdrawing consent therefore
removes it at once, whatever the cache holds. No key is shared between roles or viewers.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

import matplotlib
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from interdep.assessments import presenters, selectors
from interdep.assessments.models import Assessment
from interdep.science.safety import support_decision

#: How long an entry is kept without being read again (a report is recomputed after that).
TIMEOUT = 60 * 60 * 24 * 30
_PACKAGE = Path(__file__).resolve().parents[1]
_FINGERPRINTED = {".py", ".html", ".toml", ".json", ".csv", ".txt"}


@functools.cache
def code_fingerprint() -> str:
    """A hash of the code and content that make a report (this package's modules, templates and
    content files, and matplotlib's version), so a new release never serves an old drawing."""
    digest = hashlib.sha256(matplotlib.__version__.encode())
    for path in sorted(_PACKAGE.rglob("*")):
        if path.suffix in _FINGERPRINTED and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(_PACKAGE)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _key(role: str, *parts) -> str:
    text = "\x1f".join(str(p) for p in (code_fingerprint(), role, *parts))
    return f"report:{role}:{hashlib.sha256(text.encode()).hexdigest()}"


def _assessment_parts(assessment: Assessment) -> tuple:
    return (
        assessment.pk,
        assessment.person_id,
        assessment.instrument_version,
        assessment.submitted_at.isoformat(),
    )


def _consent_parts(membership) -> tuple:
    changed = membership.shares_changed_at
    return (
        membership.pk,
        membership.person_id,
        membership.couple_id,
        membership.shares,
        changed.isoformat() if changed else "",
    )


# ---------------------------------------------------------------------------------------------
# The private report: its owner only
# ---------------------------------------------------------------------------------------------


def private_key(assessment: Assessment) -> str:
    return _key("self", *_assessment_parts(assessment), assessment.safety_raised)


def _private_entry(assessment: Assessment) -> dict:
    instrument = selectors.instrument_of(assessment)
    answers = selectors.answers_of(assessment)
    result = selectors.private_scores(
        instrument, answers, person_id=str(assessment.person_id), couple_id=None
    )
    report = presenters.personal_report_from(
        instrument, result, plan_focus=selectors.plan_focus_of(assessment)
    )
    # Private to the person: a concerning answer that did not meet the support rule still gets
    # a quiet pointer to the support page, never the page itself.
    decision = support_decision(instrument, answers)
    return {
        "body": render_to_string("assessments/_report_body.html", {"report": report}),
        "next_step": report["next_step"],
        "quiet_support": bool(decision.concerning) and not assessment.safety_raised,
    }


def private_report(assessment: Assessment) -> dict:
    """The owner's report of one submitted assessment (call only after `own_assessment_or_404`):
    ``body`` (HTML), ``next_step`` and ``quiet_support``."""
    key = private_key(assessment)
    entry = cache.get(key)
    if entry is None:
        entry = _private_entry(assessment)
        cache.set(key, entry, TIMEOUT)
    return {**entry, "body": mark_safe(entry["body"])}  # our own rendered template


def forget_private(assessments) -> None:
    cache.delete_many([private_key(a) for a in assessments if a.submitted_at is not None])


# ---------------------------------------------------------------------------------------------
# The couple report: each partner, while both share
# ---------------------------------------------------------------------------------------------


def _couple_parts(access) -> tuple:
    return (
        access.mine.person_id,  # the viewer: the report speaks to them ("you", "your partner")
        access.couple.pk,
        *_consent_parts(access.mine),
        *_consent_parts(access.partner),
        *_assessment_parts(access.my_assessment),
        *_assessment_parts(access.partner_assessment),
    )


def couple_page_key(access) -> str:
    return _key("partner-page", *_couple_parts(access), access.partner.person.display_name)


def couple_api_key(access) -> str:
    return _key("partner-api", *_couple_parts(access))


def _allowed(access) -> None:
    if not access.allowed:  # a programming error: views check access first
        raise PermissionError("the couple report does not exist for this viewer now")


def _couple_science(access):
    return presenters.couple_result(
        selectors.instrument_of(access.my_assessment),
        access.my_assessment,
        access.partner_assessment,
        couple_id=str(access.couple.pk),
    )


def couple_report(access) -> dict:
    """The couple report for the viewer of ``access`` (an allowed `CoupleReportAccess`):
    ``body`` (HTML), ``next_step`` and ``partner_name``."""
    _allowed(access)
    key = couple_page_key(access)
    entry = cache.get(key)
    if entry is None:
        partner_name = access.partner.person.display_name
        me, partner, result = _couple_science(access)
        report = presenters.couple_report_from(
            selectors.instrument_of(access.my_assessment),
            me,
            partner,
            result,
            partner_name=partner_name,
        )
        entry = {
            "body": render_to_string("couples/_report_body.html", {"report": report}),
            "next_step": report["next_step"],
            "partner_name": partner_name,
        }
        cache.set(key, entry, TIMEOUT)
    return {**entry, "body": mark_safe(entry["body"])}  # our own rendered template


def couple_result_document(access) -> dict:
    """The couple result as the API gives it (ids relative to the viewer: "me", "partner")."""
    _allowed(access)
    key = couple_api_key(access)
    document = cache.get(key)
    if document is None:
        _, _, result = _couple_science(access)
        document = result.to_dict()
        cache.set(key, document, TIMEOUT)
    return document


def _both_sides(access) -> list:
    """The access of each partner to the same couple report (the second one mirrored)."""
    mirrored = type(access)(
        access.allowed,
        access.reason,
        access.couple,
        access.partner,
        access.mine,
        access.partner_assessment,
        access.my_assessment,
    )
    return [access, mirrored]


def forget_couple(access) -> None:
    """Delete both partners' entries of the couple report ``access`` allowed (call with the
    access as it was before consent, membership or an assessment changed)."""
    if not access.allowed:
        return
    keys = []
    for side in _both_sides(access):
        keys += [couple_page_key(side), couple_api_key(side)]
    cache.delete_many(keys)


def prepare_couple(access) -> None:
    """Compute and keep both partners' couple report (page and API) now."""
    if not access.allowed:
        return
    for side in _both_sides(access):
        couple_report(side)
        couple_result_document(side)
