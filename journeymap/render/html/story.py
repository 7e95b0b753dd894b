"""The step-by-step story: one paragraph of plain sentences per touchpoint, from the Report.

Every number in a sentence is the Report's (with an event log, the observed one), formatted
with :mod:`journeymap.fmt` exactly as the tables beside it are: durations, drop-off and
effort from :class:`~journeymap.report.TouchpointFlow`, shares and waits from the arrows
(:class:`~journeymap.report.EdgeFlow`). Touchpoints are told in :attr:`Report.order`.
"""

from __future__ import annotations

from collections.abc import Sequence

from ... import fmt
from ...report import EdgeFlow, Report, TouchpointFlow
from .contract import StageStory

__all__ = ["CHANNEL_PHRASES", "join_names", "stage_stories", "touchpoint_story"]

CHANNEL_PHRASES = {
    "online": "online",
    "phone": "by phone",
    "in_person": "in person",
    "mail": "by mail",
    "email": "by e-mail",
    "text": "by text message",
    "chat": "by chat",
    "kiosk": "at a kiosk",
    "automated": "automatically, with nothing to do",
}


def join_names(names: Sequence[str], word: str = "and") -> str:
    """``["a"]`` -> ``"a"``; ``["a", "b", "c"]`` -> ``"a, b and c"``.

    >>> join_names(["FEMA", "the SBA", "the IRS"])
    'FEMA, the SBA and the IRS'
    >>> join_names(["a", "b"], "or")
    'a or b'
    """
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + f" {word} " + names[-1]


def _items(report: Report, ids: Sequence[str]) -> str:
    return join_names([fmt.in_sentence(report.item(i).name) for i in ids])


def _agree(report: Report, ids: Sequence[str], singular: str, plural: str) -> str:
    """The verb form agreeing with the items: one singular item, else plural."""
    return fmt.verb([report.item(i).name for i in ids], singular, plural)


def _agency(report: Report, agency_id: str) -> str:
    """The agency's name in a sentence; a private or nonprofit organisation's as written."""
    agency = report.agency(agency_id)
    if agency.level in ("private", "nonprofit"):
        return agency.name
    return fmt.the(agency.name)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _per(report: Report, people: float) -> str:
    """``'120 of every 1,000 who start'``: one basis, the report's population."""
    return f"{fmt.people(people)} of every {fmt.people(report.metrics.population)} who start"


def _issued(report: Report, flow: TouchpointFlow) -> list[str]:
    """Documents asked for here that were issued earlier: by the government only when every
    issuer is a government agency."""
    parts = []
    government = [
        i
        for i in flow.reasks_issued
        if any(r.item == i and r.government for r in report.reissued_requests)
    ]
    others = [i for i in flow.reasks_issued if i not in government]
    if government:
        parts.append(
            f"The {_items(report, government)} asked for here "
            f"{_agree(report, government, 'was', 'were')} issued by the government itself "
            "earlier in the journey."
        )
    for item in others:
        issuers = next((r.issuing_agencies for r in report.reissued_requests if r.item == item), ())
        who = join_names([_agency(report, a) for a in issuers]) or "an earlier step"
        parts.append(
            f"The {_items(report, [item])} asked for here {_agree(report, [item], 'was', 'were')}"
            f" issued earlier in the journey by {who}."
        )
    return parts


def _what_happens(report: Report, flow: TouchpointFlow, person: str, them: str) -> list[str]:
    """Time, effort, what is asked for and given, and who gives up."""
    agency = _agency(report, flow.agency)
    parts = []
    if flow.median_days is not None and flow.median_days > 0:
        wait = f"This usually takes {fmt.days(flow.median_days)}"
        if flow.p90_days is not None:
            wait += f", and 1 in 10 people wait more than {fmt.days(flow.p90_days)}"
        parts.append(wait + ".")
    if flow.effort_hours:
        parts.append(f"It costs {them} {fmt.hours(flow.effort_hours)} of their own time.")
    fresh = [i for i in flow.asks if i not in flow.asks_again]
    if fresh:
        parts.append(f"{_capital(agency)} asks for the {_items(report, fresh)}.")
    if flow.asks_again:
        parts.append(
            f"{person} is asked again for the {_items(report, flow.asks_again)}, "
            "already given earlier."
        )
    looped = [i for i in flow.asks if i in flow.asks_when_sent_back]
    if looped:
        parts.append(f"People sent back here are asked for the {_items(report, looped)} again.")
    parts += _issued(report, flow)
    if flow.gives:
        parts.append(f"{person} receives the {_items(report, flow.gives)}.")
    if flow.drop_off_rate:
        parts.append(
            f"About {fmt.percent(flow.drop_off_rate)} of the people who get here give up "
            f"({_per(report, flow.people_lost)})."
        )
    return parts


def _step(report: Report, edge: EdgeFlow) -> str:
    """The step an arrow leads to, with its agency when the arrow is a handoff."""
    target = report.touchpoint(edge.target)
    if edge.handoff:
        return f"{target.name} with {_agency(report, target.agency)}"
    return target.name


def _alternatives(report: Report, out: Sequence[EdgeFlow], them: str) -> str:
    """Alternatives with their shares, the largest first; loop-backs say people are sent back."""
    ranked = sorted(out, key=lambda e: -e.share)
    pcts = [fmt.percent(e.shown_share) for e in ranked]

    def where(e: EdgeFlow) -> str:
        if e.loop_back:
            return f"are sent back to {_step(report, e)}"
        return f"go to {_step(report, e)}"

    if len(ranked) == 2 and ranked[0].share > ranked[1].share:
        first, second = ranked
        text = (
            f"Most people who go on ({pcts[0]}) {where(first)}; "
            f"the others ({pcts[1]}) {where(second)}."
        )
    else:
        text = (
            "Of the people who go on, "
            + join_names([f"{p} {where(e)}" for p, e in zip(pcts, ranked, strict=True)])
            + "."
        )
    for e in ranked:
        if e.loop_back:
            text += (
                f" That sends people back {fmt.people(e.people)} times for every "
                f"{fmt.people(report.metrics.population)} who start."
            )
    return text


def _where_next(report: Report, flow: TouchpointFlow, them: str) -> list[str]:
    """Where people go from here: handoffs, alternatives with their shares, loops, waits."""
    out = [e for e in report.edges if e.source == flow.touchpoint]
    if not out:
        return []
    agency = _agency(report, flow.agency)
    parts = []
    if out[0].kind == "parallel":
        steps = join_names([_step(report, e) for e in out])
        parts.append(
            f"Next, {them} goes through these steps at the same time: {steps}; the journey "
            "goes on when all of them are done."
        )
    elif out[0].kind == "alternative":
        parts.append(_alternatives(report, out, them))
    elif out[0].loop_back:
        parts.append(f"Then {them} is sent back to an earlier step: {_step(report, out[0])}.")
    elif out[0].handoff and not flow.milestone:
        target = report.touchpoint(out[0].target)
        to = _agency(report, target.agency)
        back = any(
            h.ping_pong
            for h in report.handoffs
            if h.from_touchpoint == flow.touchpoint and h.to_touchpoint == out[0].target
        )
        later = ", who will send them back later" if back else ""
        parts.append(f"Next, {agency} hands {them} over to {to}{later}.")
    for e in out:
        if e.wait_days:
            name = report.touchpoint(e.target).name
            parts.append(f"There is usually a wait of {fmt.days(e.wait_days)} before {name}.")
    return parts


def _ending(report: Report, flow: TouchpointFlow) -> list[str]:
    """An end told as an outcome, with how many reach it."""
    if flow.outcome is None:
        return []
    reach = _per(report, flow.finishes)
    if flow.outcome == "failure":
        return [f"The journey ends here without success for {reach}."]
    return [f"The journey ends here in success for {reach}."]


def _opening(report: Report, flow: TouchpointFlow, person: str, *, first: bool) -> str:
    """The first sentence: who the person deals with, or the milestone reached, and for how
    many when only some people come this way."""
    agency = _agency(report, flow.agency)
    how = f", {CHANNEL_PHRASES.get(flow.channel, flow.channel)}" if flow.channel else ""
    if flow.milestone:
        sentence = f"{person} reaches a milestone: {flow.name}."
    elif flow.lane in ("backstage", "support") or flow.channel == "automated":
        sentence = f"Behind the scenes, {agency} works on the case: {flow.name}."
    else:
        verb = "starts with" if first else "then deals with"
        sentence = f"{person} {verb} {agency}{how}: {flow.name}."
    into = [e for e in report.edges if e.target == flow.touchpoint and not e.loop_back]
    if len(into) == 1 and into[0].kind == "alternative" and into[0].share < 0.995:
        source = report.touchpoint(into[0].source).name
        lead = _lower_first(sentence)
        who = "Most people" if into[0].share >= 0.5 else "Only some people"
        return (
            f"{who} come this way ({fmt.percent(into[0].shown_share)} "
            "of those who go on from "
            f"{source}): {lead}"
        )
    return sentence


def _lower_first(sentence: str) -> str:
    """'The person deals with...' -> 'the person deals with...'; a name stays as it is."""
    if sentence.startswith(("The person", "Behind")):
        return sentence[:1].lower() + sentence[1:]
    return sentence


def touchpoint_story(report: Report, flow: TouchpointFlow, *, first: bool) -> str:
    """One paragraph, in plain words, about what happens to the persona at a touchpoint."""
    person = report.context.persona_name or "The person"
    them = report.context.persona_name or "the person"
    parts = [_opening(report, flow, person, first=first)]
    parts += _what_happens(report, flow, person, them)
    parts += _where_next(report, flow, them)
    parts += _ending(report, flow)
    return " ".join(parts)


def stage_stories(report: Report) -> tuple[StageStory, ...]:
    """The story stage by stage (stages in written order, steps in :attr:`Report.order`);
    steps without a stage come last, under "Other steps"."""
    told = report.in_order()
    first = told[0].touchpoint if told else None
    names = {s.id: s.name for s in report.stages}
    stories = []
    unlisted = [t.stage for t in told if t.stage and t.stage not in names]
    for stage_id in [*names, *dict.fromkeys(unlisted), None]:
        members = [t for t in told if t.stage == stage_id]
        if not members:
            continue
        stories.append(
            StageStory(
                id=stage_id or "other",
                name=names.get(stage_id, stage_id) if stage_id else "Other steps",
                paragraphs=tuple(
                    touchpoint_story(report, t, first=t.touchpoint == first) for t in members
                ),
                touchpoints=tuple(t.touchpoint for t in members),
            )
        )
    return tuple(stories)
