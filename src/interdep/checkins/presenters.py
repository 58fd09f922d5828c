"""What the check-in pages show: a person's own timeline, and "Us over time" for the couple
(or a clinician with the dynamics scope).

"Us over time" is read from the couple's stored document (``snapshots``: computed by the task
worker when check-ins arrive, over a bounded window) and put into words for the viewer here. It
never hands one partner's entries to the other: only the model's estimates (numbers about the
two of them together), counts of shared days, and words.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from statistics import fmean

from django.utils import timezone

from interdep.access.checkins import checkin_dynamics_access
from interdep.access.core import REASONS
from interdep.checkins import figures, snapshots
from interdep.checkins import findings as plain_words
from interdep.checkins.models import CheckIn, Schedule
from interdep.checkins.selectors import local_time, own_checkins
from interdep.checkins.words import describe, not_yet_message
from interdep.lib.figures import svg_data_uri
from interdep.lib.timezones import UTC, local_date
from interdep.science.dynamics import APP_MIN_OVERLAP_DAYS, CoupleDynamics
from interdep.science.figures_dynamics import dynamics_svg
from interdep.science.practices import load_practices

# ---------------------------------------------------------------------------------------------
# Personal timeline
# ---------------------------------------------------------------------------------------------

ENCOURAGEMENT = (
    "Every check-in is a small kindness to yourself. Days without one are simply days.",
    "There is no score to keep here. Come back whenever noticing helps.",
    "Noticing how you feel is the whole point; there is nothing to catch up on.",
)


@dataclass
class Timeline:
    today: date
    recent: list[CheckIn]
    calendar_uri: str
    trends_uri: str
    encouragement: str
    any_entries: bool
    days_with_entries: int
    summary: list[str] = field(default_factory=list)


def timeline(person, *, now: datetime | None = None, weeks: int = 6) -> Timeline:
    """Calendar heat map and trend lines of the person's own last weeks (one query)."""
    now = now or timezone.now()
    schedule_tz = (
        Schedule.objects.filter(person=person).values_list("tz", flat=True).first() or "UTC"
    )
    today = local_date(now, schedule_tz)
    start = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    entries = own_checkins(
        person,
        since=datetime.combine(start - timedelta(days=1), datetime.min.time(), tzinfo=UTC),
    )
    by_day: dict[str, dict[date, list[float]]] = defaultdict(lambda: defaultdict(list))
    for entry in entries:
        entry.local = local_time(entry)
        day = entry.local.date()
        if day < start:
            continue
        for key in ("valence", "closeness", "felt_self"):
            by_day[key][day].append(getattr(entry, key))
    daily = {key: {d: fmean(vs) for d, vs in days.items()} for key, days in by_day.items()}
    mood = daily.get("valence", {})
    summary = []
    if len(mood) >= 3:
        summary.extend(own_time_words(mood, daily.get("felt_self", {})))
    return Timeline(
        today=today,
        recent=entries[:10],
        calendar_uri=svg_data_uri(figures.calendar_svg(mood, today=today, weeks=weeks)),
        trends_uri=svg_data_uri(figures.trends_svg(daily, today=today, days=7 * weeks)),
        encouragement=ENCOURAGEMENT[today.isocalendar()[1] % len(ENCOURAGEMENT)],
        any_entries=bool(entries),
        days_with_entries=len(mood),
        summary=summary,
    )


# ---------------------------------------------------------------------------------------------
# The couple's dynamics
# ---------------------------------------------------------------------------------------------


@dataclass
class VariableDynamics:
    variable: str
    label: str
    result: CoupleDynamics
    sentences: list[str]
    #: For the couple's own page: clear findings in plain words, one calm sentence for the rest,
    #: and every number for a details disclosure (checkins.findings).
    findings: list = field(default_factory=list)
    quiet: str = ""
    numbers: list[str] = field(default_factory=list)
    #: The stored chance comparison (time-shifted surrogates of the day-by-day series) and its
    #: sentence when it can be made.
    chance_summary: dict | None = None
    chance: str | None = None


@dataclass
class NetworkView:
    """The couple's own small network over the feelings both move on, in plain words."""

    feelings: list[str]
    n_pairs: int
    figure_uri: str | None
    sentences: list[str]
    chance: str
    sureness: str
    numbers: list[str]


@dataclass
class DynamicsView:
    """What the couple dynamics page and API show. ``state``: "no_access" (not linked or no
    shared consent: ``message`` says why), "not_yet" (too little shared data) or "ok"."""

    state: str
    message: str = ""
    code: str = ""
    partner_name: str = ""
    days_together: int = 0
    days_needed: int = APP_MIN_OVERLAP_DAYS
    variables: list[VariableDynamics] = field(default_factory=list)
    figure_uri: str | None = None
    #: The check-ins read: the last ``window_days`` local days up to the latest check-in.
    window_days: int = snapshots.WINDOW_DAYS
    window_start: date | None = None
    window_end: date | None = None
    #: The day of their first check-in ever (on or after ``window_start`` while all of it fits).
    window_first: date | None = None
    network: NetworkView | None = None
    #: For the top of the couple's own page: a few plain sentences, each a different kind of
    #: finding (every one of them is said again, with the rest, further down).
    headline: list[str] = field(default_factory=list)

    @property
    def whole_history(self) -> bool:
        """True when every check-in they have made fits in the window."""
        return bool(
            self.window_first and self.window_start and self.window_first > self.window_start
        )

    def to_dict(self) -> dict:
        return {
            "state": self.state,
            "message": self.message,
            "days_together": self.days_together,
            "days_needed": self.days_needed,
            "window": {
                "days": self.window_days,
                "start": self.window_start.isoformat() if self.window_start else None,
                "end": self.window_end.isoformat() if self.window_end else None,
                "first": self.window_first.isoformat() if self.window_first else None,
            },
            "variables": {v.variable: v.result.to_dict() for v in self.variables},
        }


def _labels(partner_name: str) -> tuple[str, str]:
    return (
        "You",
        partner_name if partner_name and partner_name.lower() != "you" else "Your partner",
    )


def couple_dynamics_view(user, *, figure: bool = True, roles: bool = False) -> DynamicsView:
    """The couple's emotional interdependence, under the couple report's consent only.

    Read from the stored document; computed here (and stored) only when none is stored yet,
    e.g. just after both said yes. Persons are "You" and the partner's name for pages; with
    ``roles`` they are "me" and "partner" (as in the API's couple report) and no sentences are
    written.
    """
    access = checkin_dynamics_access(user)
    if not access.allowed:
        return DynamicsView(
            "no_access",
            message=access.message or REASONS["not_linked"],
            code=access.reason or "not_linked",
        )
    partner = access.partner.person
    me_label, partner_label = ("me", "partner") if roles else _labels(partner.display_name)
    couple_id = access.couple.pk
    document = snapshots.stored_document(couple_id) or snapshots.snapshot_refresh(
        couple_id=couple_id, figures=draw_figures
    )
    if document is None:  # the consent ended while this page was being made
        return DynamicsView("no_access", message=REASONS["not_linked"], code="not_linked")
    view = view_from_document(
        document,
        {user.pk: me_label, partner.pk: partner_label},
        first=user.pk,
        sentences=not roles,
        figure=figure and not roles,
        title_label="your",
    )
    view.partner_name = partner.display_name
    if view.state == "ok" and not roles:
        _add_findings(view, (me_label, partner_label))
        view.network = network_view(
            document,
            user.pk,
            partner_label,
            figure=figure,
            stored=_stored_figure(document, user.pk, (me_label, partner_label), "network"),
        )
    if view.state == "not_yet":
        view.message = not_yet_message(
            view.variables[0].result, view.days_together, "your partner" if roles else partner_label
        )
    return view


def _stored_figure(document: dict, viewer: int, labels: tuple[str, str], name: str):
    """A figure drawn by the worker for this viewer, when it was drawn with today's names."""
    drawn = (document.get("figures") or {}).get(str(viewer))
    if drawn and list(drawn.get("labels", ())) == list(labels):
        return drawn.get(name)
    return None


def view_from_document(
    document: dict,
    labels: dict[int, str],
    *,
    first: int,
    sentences: bool = True,
    figure: bool = True,
    title_label: str = "the",
) -> DynamicsView:
    """A stored (or just computed) document as a page shows it, persons labelled as given
    (person id -> label; ``first`` is listed first in the sentences). Callers decide who may see
    it: the couple under their shared consent, a clinician under a grant with the dynamics
    scope."""
    names = {
        token: labels[pid] for token, pid in zip(snapshots.TOKENS, document["persons"], strict=True)
    }
    (second,) = [pid for pid in document["persons"] if pid != first]
    first_label, second_label = labels[first], labels[second]
    variables = []
    for item in document["variables"]:
        result = CoupleDynamics.from_dict(item["result"], variable=item["variable"]).relabelled(
            names
        )
        words = (
            describe(result, item["label"], order=(first_label, second_label))
            if result.ok and sentences
            else []
        )
        variables.append(
            VariableDynamics(
                item["variable"], item["label"], result, words, chance_summary=item["chance"]
            )
        )
    window = document["window"]
    view = DynamicsView(
        "ok",
        days_together=document["days_together"],
        variables=variables,
        window_days=window["days"],
        window_start=date.fromisoformat(window["start"]) if window["start"] else None,
        window_end=date.fromisoformat(window["end"]) if window["end"] else None,
        window_first=date.fromisoformat(window["first"]) if window.get("first") else None,
    )
    first_result = variables[0].result
    if not first_result.ok:
        view.state = "not_yet"
        view.message = not_yet_message(
            first_result, view.days_together, second_label, first_label=first_label
        )
        return view
    if figure:
        stored = _stored_figure(document, first, (first_label, second_label), "dynamics")
        view.figure_uri = stored or dynamics_figure_uri(
            first_result,
            f"How {title_label} {variables[0].label} moves",
            order=(first_label, second_label),
        )
    return view


def dynamics_figure_uri(
    result: CoupleDynamics, title: str, *, order: tuple[str, str] | None = None
) -> str:
    """The figure for a page, its reader (``order[0]``) on the left."""
    return svg_data_uri(dynamics_svg(result, title=title, compact=True, order=order))


def _add_findings(view: DynamicsView, order: tuple[str, str]) -> None:
    by_id = {p.id: p for p in load_practices()}
    shown: set[str] = set()  # each practice's card once on the page, at its first suggestion
    said: set[str] = set()
    for v in view.variables:
        if not v.result.ok:
            continue
        found = plain_words.findings(v.result, v.label, order=order)
        v.findings = []
        for f in found:
            practice = None if f.practice_id in shown else by_id.get(f.practice_id)
            if f.suggestion in said:  # the same advice once a page (mood, then closeness)
                f = replace(f, suggestion="")
            v.findings.append((f, practice))
            shown.add(f.practice_id)
            said.add(f.suggestion)
        v.quiet = plain_words.quiet_words(v.label, found, view.days_together, order[1])
        v.numbers = plain_words.all_numbers(v.result, v.label, order=order)
        v.chance = plain_words.chance_sentence(v.chance_summary, v.label, order[1])
        v.numbers += plain_words.chance_numbers(v.chance_summary)
    view.headline = headline_sentences(view.variables)


#: At most this many sentences lead the couple's page, above the details.
HEADLINE_SENTENCES = 3


def headline_sentences(variables: list[VariableDynamics]) -> list[str]:
    """A few of the clearest findings in plain words: taken in turn from each feeling (its
    first finding, then its second...), a kind of finding once only, so two feelings that
    show the same thing are not told twice at the top. With no clear finding: the first
    feeling's calm sentence."""
    said: set[str] = set()
    out: list[str] = []
    depth = max((len(v.findings) for v in variables), default=0)
    for k in range(depth):
        for v in variables:
            if k < len(v.findings) and len(out) < HEADLINE_SENTENCES:
                finding = v.findings[k][0]
                if finding.kind not in said:
                    said.add(finding.kind)
                    out.append(finding.meaning)
    if not out:
        out = [v.quiet for v in variables if v.quiet][:1]
    return out


def network_view(
    document: dict, viewer: int, partner_label: str, *, figure: bool = True, stored=None
) -> NetworkView | None:
    """The couple's own network for one of them, when they check in on more than one feeling
    and have enough days in a row (None otherwise: the page then shows no such section)."""
    net = document.get("network")
    if not net or net.get("status") != "ok":
        return None
    q = len(net["feelings"])
    mine = 0 if document["persons"][0] == viewer else 1
    # reorder rows and columns so the viewer's feelings come first
    order = [mine * q + j for j in range(q)] + [(1 - mine) * q + j for j in range(q)]
    B = [[net["temporal"][i][j] for j in order] for i in order]
    se = [[net["temporal_se"][i][j] for j in order] for i in order]
    feelings = [label for _, label in net["feelings"]]
    uri = None
    if figure:
        uri = stored or svg_data_uri(figures.network_svg(B, se, feelings, ("You", partner_label)))
    words = plain_words.network_words(B, se, feelings, partner_label, net["n_pairs"])
    return NetworkView(
        feelings=feelings,
        n_pairs=net["n_pairs"],
        figure_uri=uri,
        sentences=words["sentences"],
        chance=plain_words.network_chance_sentence(net["chance"], partner_label),
        sureness=words["sureness"],
        numbers=words["numbers"] + plain_words.chance_numbers(net["chance"], together=True),
    )


def draw_figures(document: dict, members) -> dict:
    """The worker draws each partner's figures once, with the names of the moment; a page uses
    them while those names are still the same (else it draws its own)."""
    out = {}
    for me in members:
        (other,) = [m for m in members if m.person_id != me.person_id]
        labels = _labels(other.person.display_name)
        view = view_from_document(
            document,
            {me.person_id: labels[0], other.person_id: labels[1]},
            first=me.person_id,
            sentences=False,
            title_label="your",
        )
        net = network_view(document, me.person_id, labels[1]) if view.state == "ok" else None
        out[str(me.person_id)] = {
            "labels": list(labels),
            "dynamics": view.figure_uri,
            "network": net.figure_uri if net else None,
        }
    return out


#: Fewest days on each side (with time for oneself, without) before the timeline compares them.
OWN_TIME_DAYS = 5


def own_time_words(mood: dict, felt_self: dict) -> list[str]:
    """At most one gentle sentence comparing mood on days with time for oneself and without:
    only with enough days on both sides and a difference worth a word, saying how many days it
    rests on, and never suggesting the time itself did harm."""
    own_time = {d for d, v in felt_self.items() if v >= 5 and d in mood}
    other = [d for d in mood if d not in own_time]
    if len(own_time) < OWN_TIME_DAYS or len(other) < OWN_TIME_DAYS:
        return []
    with_time = fmean(mood[d] for d in own_time)
    without = fmean(mood[d] for d in other)
    if abs(with_time - without) < 5:
        return []
    days = f"On the {len(own_time)} days you made time for yourself"
    numbers = f"({with_time:.0f} against {without:.0f} out of 100, over {len(other)} other days)"
    if with_time > without:
        return [f"{days}, your mood was a little higher on average {numbers}. Worth noticing."]
    return [
        f"{days}, your mood was a little lower on average {numbers}. That need not mean the time "
        "did harm: people often take time for themselves on the harder days."
    ]
