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


def _agency(report: Report, agency_id: str) -> str:
    return fmt.the(report.agency(agency_id).name)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


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
    if flow.reasks_issued:
        was = "was" if len(flow.reasks_issued) == 1 else "were"
        parts.append(
            f"The {_items(report, flow.reasks_issued)} asked for here {was} issued by the "
            "government itself earlier in the journey."
        )
    if flow.gives:
        parts.append(f"{person} receives the {_items(report, flow.gives)}.")
    if flow.drop_off_rate:
        parts.append(
            f"About {fmt.percent(flow.drop_off_rate)} of the people who get here give up "
            f"({fmt.people(flow.people_lost)} of every "
            f"{fmt.people(report.metrics.population)} who start)."
        )
    return parts


def _step(report: Report, edge: EdgeFlow) -> str:
    """The step an arrow leads to, with its agency when the arrow is a handoff."""
    target = report.touchpoint(edge.target)
    if edge.handoff:
        return f"{target.name} with {_agency(report, target.agency)}"
    return target.name


def _where_next(report: Report, flow: TouchpointFlow, them: str) -> list[str]:
    """Where people go from here: handoffs, alternatives with their shares, loops, waits."""
    out = [e for e in report.edges if e.source == flow.touchpoint]
    if not out:
        return []
    agency = _agency(report, flow.agency)
    parts = []
    if out[0].kind == "parallel":
        steps = join_names([_step(report, e) for e in out])
        parts.append(f"Next, {them} goes through these steps at the same time: {steps}.")
    elif out[0].kind == "alternative":
        shares = [
            f"{fmt.percent(e.share)} {'are sent ' if i == 0 else ''}to {_step(report, e)}"
            for i, e in enumerate(out)
        ]
        parts.append(f"Of the people who go on, {join_names(shares)}.")
    elif out[0].loop_back:
        parts.append(f"Then {them} is sent back to an earlier step: {_step(report, out[0])}.")
    elif out[0].handoff:
        to = _agency(report, report.touchpoint(out[0].target).agency)
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


def touchpoint_story(report: Report, flow: TouchpointFlow, *, first: bool) -> str:
    """One paragraph, in plain words, about what happens to the persona at a touchpoint."""
    person = report.context.persona_name or "The person"
    them = report.context.persona_name or "the person"
    agency = _agency(report, flow.agency)
    how = f", {CHANNEL_PHRASES.get(flow.channel, flow.channel)}" if flow.channel else ""
    verb = "starts with" if first else "then deals with"
    parts = [f"{person} {verb} {agency}{how}: {flow.name}."]
    parts += _what_happens(report, flow, person, them)
    parts += _where_next(report, flow, them)
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
