""" "Us over time" in words a couple can use: one plain sentence per finding saying what it means
for the two of them, one suggestion with a practice, and the numbers kept for a disclosure.

Only findings whose interval excludes zero are told as findings; everything else is gathered
into one calm sentence, because most couples show little mood linkage and that is not a lack.
Linkage is never a score to raise: more of it is not healthier, and the words never say it is.
"More than chance" is said only from the chance comparison (science.network's time-shifted
surrogates of the couple's own day-by-day series): when it cannot be made, nothing is said of
chance at all.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from interdep.science.dynamics import CoupleDynamics
from interdep.science.network import clear_links


@dataclass(frozen=True)
class Finding:
    """One thing the check-ins show: ``meaning`` for the two of them, ``suggestion`` with the
    practice it links to, and ``numbers`` (estimate and interval) for the details."""

    kind: str  # "carry_over" | "reaches" | "opposite" | "one_way" | "together" | "apart"
    meaning: str
    suggestion: str
    practice_id: str
    numbers: str


#: The practice each kind of finding suggests (ids in content/practices.toml).
PRACTICE_FOR = {
    "carry_over": "whose-feeling-is-this",
    "partner_carry_over": "listen-to-understand",
    "reaches": "whose-feeling-is-this",
    "reaches_partner": "one-vulnerable-thing",
    "opposite": "notice-and-answer-bids",
    "one_way": "listen-to-understand",
    "together": "notice-and-answer-bids",
    "apart": "listen-to-understand",
}


def _finite_or_none(x):
    return None if x is None or not math.isfinite(float(x)) else float(x)


def _clear(interval) -> int:
    if interval is None:
        return 0
    low, high = interval
    return 1 if low > 0 else -1 if high < 0 else 0


def _signed(value: float) -> str:
    """+0.27, -0.31, and 0.00 (never "-0.00" for a value that rounds to nothing)."""
    text = f"{value:+.2f}"
    return "0.00" if text in ("+0.00", "-0.00") else text


def _numbers(effect: float, interval) -> str:
    return f"{_signed(effect)}, likely between {_signed(interval[0])} and {_signed(interval[1])}"


def _is_you(label: str) -> bool:
    return label == "You"


def _poss(label: str) -> str:
    return "your" if _is_you(label) else f"{label}'s"


def _theirs(label: str) -> str:
    """The possessive standing alone: "yours", "Sam's"."""
    return "yours" if _is_you(label) else f"{label}'s"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def findings(result: CoupleDynamics, label: str, *, order: tuple[str, str]) -> list[Finding]:
    """The clear findings for one variable, from the viewer's side (``order[0]`` is "You")."""
    you, partner = order
    out: list[Finding] = []
    for person in (you, partner):
        eff, iv = result.inertia[person], result.intervals[person]
        if _clear(iv) > 0:
            if _is_you(person):
                meaning = (
                    f"Your {label} tends to stay with you for a while: how you feel at one "
                    f"check-in still colours the next, even when {partner} has moved on."
                )
                suggestion = (
                    f"When a low moment lingers, name what it is about before you read it as "
                    f"being about {partner}."
                )
                practice = PRACTICE_FOR["carry_over"]
            else:
                meaning = (
                    f"{partner}'s {label} tends to stay with them for a while, so what you "
                    f"see may still be an earlier moment, not a reaction to you."
                )
                suggestion = (
                    f"If {partner} seems low, ask what the day was like before you ask what "
                    "you did."
                )
                practice = PRACTICE_FOR["partner_carry_over"]
            out.append(
                Finding(
                    "carry_over",
                    meaning,
                    suggestion,
                    practice,
                    f"How much {_poss(person)} {label} stays to the next check-in: "
                    f"{_numbers(eff, iv)}",
                )
            )
    for src, dst in ((partner, you), (you, partner)):
        key = f"{src}->{dst}"
        eff, iv = result.transmission[key], result.intervals[key]
        sign = _clear(iv)
        numbers = (
            f"How much {_poss(src)} {label} passes to {_theirs(dst)} by the next check-in: "
            f"{_numbers(eff, iv)}"
        )
        if sign > 0:
            if _is_you(dst):
                meaning = (
                    f"When {partner}'s {label} lifts or dips, yours tends to follow by your next "
                    f"check-in: you pick up on {partner}."
                )
                suggestion = (
                    f"When {partner}'s mood pulls you along, pause and ask: is this feeling mine, "
                    f"or {partner}'s? Feeling each other's moods is part of being close."
                )
                practice = PRACTICE_FOR["reaches"]
            else:
                meaning = (
                    f"When your {label} lifts or dips, {partner}'s tends to follow by the next "
                    f"check-in: {partner} picks up on you."
                )
                suggestion = (
                    f"Tell {partner} how you are in one sentence: it helps {partner} tell your "
                    "weather from their own."
                )
                practice = PRACTICE_FOR["reaches_partner"]
            out.append(Finding("reaches", meaning, suggestion, practice, numbers))
        elif sign < 0:
            whose_low = "yours" if _is_you(dst) else f"{partner}'s"
            whose_high = f"{partner}'s" if _is_you(dst) else "your"
            meaning = (
                f"After {whose_high} brighter moments, {whose_low} tended to be a little lower: "
                "one of you may feel out of step when the other is up."
            )
            suggestion = "Turn toward each other's good news: a question about it is enough."
            out.append(Finding("opposite", meaning, suggestion, PRACTICE_FOR["opposite"], numbers))
    asym = result.asymmetry
    if asym.get("estimate") is not None and asym.get("interval") and _clear(asym["interval"]):
        first, second = result.persons
        src, dst = (first, second) if asym["estimate"] > 0 else (second, first)
        if _is_you(dst):
            meaning = (
                f"{_cap(label)} travels more from {partner} to you than the other way: your day "
                f"may lean on {partner}'s more than {partner}'s leans on yours."
            )
        else:
            meaning = (
                f"{_cap(label)} travels more from you to {partner} than the other way: "
                f"{partner}'s day may lean on yours more than yours leans on theirs."
            )
        low, high = sorted(abs(x) for x in asym["interval"])
        out.append(
            Finding(
                "one_way",
                meaning,
                "Talk about it once, without blame: what helps each of you keep your own "
                "footing on a hard day?",
                PRACTICE_FOR["one_way"],
                f"Difference between the two directions: {_numbers(abs(asym['estimate']), (low, high))}",
            )
        )
    r = result.co_movement
    if r is not None and abs(r) >= 0.1:
        numbers = f"Moving together in the same moment: r = {r:+.2f}"
        if r > 0:
            out.append(
                Finding(
                    "together",
                    f"Your {label} and {partner}'s tend to rise and fall in the same moments: "
                    "good and hard times are often shared.",
                    "Tell each other one good thing from today: shared moments are worth marking.",
                    PRACTICE_FOR["together"],
                    numbers,
                )
            )
        else:
            out.append(
                Finding(
                    "apart",
                    f"In the same moments, your {label} and {partner}'s often go opposite ways.",
                    "Take five minutes at the end of the day to compare notes: it can bring "
                    "you back in step.",
                    PRACTICE_FOR["apart"],
                    numbers,
                )
            )
    return out


def quiet_words(label: str, found: list[Finding], days: int, partner: str) -> str:
    """One calm sentence for everything that did not show clearly (never "we can't tell")."""
    if not found:
        return (
            f"Over {days} days, your {label} and {partner}'s move mostly on their own. That is "
            "what most couples show, and it is not a sign that anything is missing."
        )
    return (
        f"Other links between your {label} and {partner}'s are small over these {days} days, "
        "as they are for most couples."
    )


def all_numbers(result: CoupleDynamics, label: str, *, order: tuple[str, str]) -> list[str]:
    """Every estimate with its interval, for the details disclosure."""
    you, partner = order
    rows = []
    for person in (you, partner):
        eff, iv = result.inertia[person], result.intervals[person]
        if eff is not None and iv is not None:
            rows.append(
                f"How much {_poss(person)} {label} stays to the next check-in: {_numbers(eff, iv)}"
            )
    for src, dst in ((partner, you), (you, partner)):
        key = f"{src}->{dst}"
        eff, iv = result.transmission[key], result.intervals[key]
        if eff is not None and iv is not None:
            rows.append(
                f"How much {_poss(src)} {label} passes to {_theirs(dst)} by the next check-in: "
                f"{_numbers(eff, iv)}"
            )
    if result.co_movement is not None:
        rows.append(
            f"How closely your {label} and {partner}'s move together on the same day: "
            f"{_signed(result.co_movement)} (0 is not at all, 1 is in step)"
        )
    return rows


def chance_summary(baseline) -> dict | None:
    """What the page says of chance, from a ``science.network.ChanceBaseline`` (None when the
    comparison cannot be made)."""
    if baseline.status != "ok":
        return None
    return {
        "more_than_chance": baseline.more_than_chance("inter"),
        "percentile": _finite_or_none(baseline.percentile["inter"]),
        "p_value": _finite_or_none(baseline.p_value["inter"]),
        "replicates": int(baseline.replicates),
    }


def chance_sentence(chance: dict | None, label: str, partner: str) -> str | None:
    """The day-by-day link between the two of them against chance (``chance``: the stored
    summary of ``science.network.surrogate_baseline``, see ``snapshots.chance_summary``); None
    when the comparison cannot be made."""
    if not chance:
        return None
    if chance["more_than_chance"]:
        return (
            f"Day by day, your {label} and {partner}'s pass between you more than chance would "
            "give: the link is stronger than when your days are set out of step with each other."
        )
    return (
        f"Day by day, the link between your {label} and {partner}'s is within what chance "
        "alone gives: your days set out of step with each other show as much."
    )


def chance_numbers(chance: dict | None, *, together: bool = False) -> list[str]:
    """The chance comparison's figures, for the details."""
    if not chance:
        return []
    what = "How much your feelings pass between you" if together else "Day-by-day link between you"
    return [
        f"{what}, against {chance['replicates']} versions of your own days set out of step: "
        f"higher than {chance['percentile']:.0f}% of them (p = {chance['p_value']:.2f})"
    ]


# --------------------------------------------------------------------------- the network

#: Below this size an effect is not told, even when its interval excludes zero.
NETWORK_TOLD = 0.1
_Z = 1.959963984540054


def network_words(B, se, feelings: list[str], partner: str, n_pairs: int) -> dict:
    """Plain words for the couple's own network, from the viewer's side: ``B[i][j]`` is the
    effect of variable ``j`` yesterday on variable ``i`` today; the viewer's ``q`` feelings come
    first, then the partner's. Only links between the two of them whose interval excludes zero
    are told (at most three, largest first); every number goes to the details."""
    q = len(feelings)
    names = [f"your {f}" for f in feelings] + [f"{partner}'s {f}" for f in feelings]
    told = []
    numbers = []
    clear = clear_links(B, se, q)
    for j in range(2 * q):  # from each feeling of one of them to each of the other's
        for i in range(2 * q):
            if (i < q) == (j < q) or B[i][j] is None or se[i][j] is None:
                continue
            effect, s = B[i][j], se[i][j]
            numbers.append(
                f"From {names[j]} one day to {names[i]} the next: "
                f"{_numbers(effect, (effect - _Z * s, effect + _Z * s))}"
            )
            sign = clear[i][j]
            if sign and abs(effect) >= NETWORK_TOLD:
                told.append((abs(effect), i, j, sign))
    sentences = []
    for _, i, j, sign in sorted(told, reverse=True)[:3]:
        way = "higher" if sign > 0 else "a little lower"
        sentences.append(
            f"When {names[j]} was higher than usual one day, {names[i]} tended to be {way} the "
            "next day."
        )
    if not sentences:
        sentences.append(
            f"No single link from one of you to the other stands out yet: over {n_pairs} pairs "
            "of days, each could still be chance. Many close couples look like this."
        )
    listed = ", ".join(feelings[:-1]) + f" and {feelings[-1]}"
    sureness = (
        f"This looks at {listed} together, from {n_pairs} pairs of days in a row on which you "
        f"both checked in. With {2 * q * q} possible links between you, a few would look strong "
        "by chance alone, so an arrow is solid only when it stands out even allowing for that; "
        "dashed ones could be chance. The picture firms up with more days."
    )
    return {"sentences": sentences, "sureness": sureness, "numbers": numbers}


def network_chance_sentence(chance: dict | None, partner: str) -> str:
    """All the links between the two of them together, against chance."""
    if not chance:
        return "There are not yet enough days to compare this with chance, so read it as a sketch."
    if chance["more_than_chance"]:
        return (
            f"Taken together, your feelings and {partner}'s pass between you from one day to "
            "the next more than chance would give: more than when your days are set out of step "
            "with each other."
        )
    return (
        f"Taken together, how much your feelings and {partner}'s pass between you from one day "
        "to the next is within what chance alone gives: your days set out of step with each "
        "other show as much."
    )
