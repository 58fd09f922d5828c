"""Home-page pieces that bring people back, as inclusion tags (the home view stays as it is):
the first-run guide, the latest notifications, and a partner's invite carried through sign-up."""

from __future__ import annotations

from django import template

from interdep.couples.invites import preview
from interdep.pwa.roles import frame_facts

register = template.Library()


@register.inclusion_tag("pwa/_guide.html", takes_context=True)
def first_run_guide(context):
    """Three steps (assessment, partner, check-in times), until done or skipped."""
    facts = frame_facts(context["request"].user)
    return {
        "show": not facts.guide_skipped and not all(facts.steps),
        "done": facts.steps,
        "done_count": sum(facts.steps),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("notifications/_recent.html", takes_context=True)
def recent_notifications(context):
    """The list's frame only: htmx fills it at once and then every few seconds, so the home
    page itself costs no query for it (without JavaScript, the link to all of them stays)."""
    return {"lazy": True, "poll_seconds": context.get("poll_seconds", 10)}


@register.inclusion_tag("couples/_pending_invite.html", takes_context=True)
def pending_invite(context):
    """A code kept from an invite link opened before signing in: one button to join."""
    request = context["request"]
    code = request.session.get("invite_code", "")
    invite = preview(code, viewer=request.user) if code else None
    return {"invite": invite, "csrf_token": context.get("csrf_token")}
