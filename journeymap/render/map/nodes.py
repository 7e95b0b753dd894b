"""The records of the map: a touchpoint's box and an arrow's style and label.

Every number comes from the Report: a touchpoint's median, drop-off and people from its
:class:`~journeymap.report.TouchpointFlow`, an arrow's share, wait, loop and handoff from
its :class:`~journeymap.report.EdgeFlow` (and ping-pong from :attr:`Report.handoffs`).
"""

from __future__ import annotations

from ... import fmt
from ...report import Bottleneck, EdgeFlow, Report, TouchpointFlow
from ..labels import label_lines, label_text, slug
from ..phrases import duration_fact
from ..theme import Theme
from .colour import agreement, measure_line

__all__ = ["CHANNELS", "edge_style", "node_ids", "record", "short_name", "touchpoint_node"]

#: How a channel reads on the map.
CHANNELS = {
    "online": "online",
    "phone": "phone",
    "in_person": "in person",
    "mail": "mail",
    "email": "e-mail",
    "text": "text message",
    "chat": "chat",
    "kiosk": "kiosk",
    "automated": "automated",
}


def short_name(report: Report, item_id: str) -> str:
    """A data item's short name from the Report ("SSN", "DD-214"); its id if unknown."""
    try:
        return report.item(item_id).short_name
    except KeyError:
        return item_id


def node_ids(report: Report, prefix: str) -> dict[str, str]:
    """A unique DOT/SVG id for every touchpoint: ``tp-<slug of id>``, numbered on a clash."""
    ids: dict[str, str] = {}
    taken: set[str] = set()
    for t in report.touchpoints:
        base = f"{prefix}tp-{slug(t.touchpoint)}"
        name, n = base, 2
        while name in taken:
            name, n = f"{base}-{n}", n + 1
        taken.add(name)
        ids[t.touchpoint] = name
    return ids


def record(fields: list[str], direction: str) -> str:
    """Record fields side by side across the flow (``{...}`` turns them for ``TB``)."""
    body = "|".join(fields)
    return body if direction == "LR" else "{" + body + "}"


def _facts(flow: TouchpointFlow, mode: str) -> list[str]:
    facts = []
    if mode != "agency":
        facts.append(flow.agency)
    if flow.channel:
        facts.append(CHANNELS.get(flow.channel, flow.channel.replace("_", " ")))
    duration = duration_fact(flow.median_days)
    if duration is not None:
        facts.append(duration)
    elif flow.outcome is None:
        facts.append("no duration")
    if flow.split:
        facts.append("splits into parallel branches")
    if flow.join:
        facts.append("waits for all branches")
    return facts


def _fields(
    flow: TouchpointFlow, report: Report, top_mark: Bottleneck | None, theme: Theme, mode: str
) -> tuple[list[str], list[str]]:
    """The record fields of a touchpoint's box and the classes they add."""
    fields: list[str] = []
    classes: list[str] = []
    if top_mark is not None:
        fields.append(
            label_text(
                f"#{top_mark.rank} bottleneck · {fmt.percent(top_mark.share)} of time",
                kind="record",
                width=None,
            )
        )
        classes += ["bottleneck", f"bottleneck-{top_mark.rank}"]
    fields.append(
        label_text(flow.name, kind="record", width=theme.wrap_width, max_lines=theme.wrap_lines)
    )
    facts = _facts(flow, mode)
    if facts:
        fields.append(label_lines([" · ".join(facts)], kind="record", width=34, max_lines=3))
    if flow.drop_off_rate:
        fields.append(
            label_text(
                f"drop-off {fmt.percent(flow.drop_off_rate)} · "
                f"{fmt.people(flow.people_lost)} people lost",
                kind="record",
                width=None,
            )
        )
        classes.append("loses-people")
    again = [short_name(report, i) for i in dict.fromkeys([*flow.asks_again, *flow.reasks_issued])]
    if again:
        fields.append(
            label_text(f"asks again: {', '.join(again)}", kind="record", width=34, max_lines=3)
        )
        classes.append("asks-again")
    sent_back = [
        short_name(report, i)
        for i in dict.fromkeys(flow.asks_when_sent_back)
        if i not in flow.asks_again and i not in flow.reasks_issued
    ]
    if sent_back:
        fields.append(
            label_text(
                f"if sent back, asks again: {', '.join(sent_back)}",
                kind="record",
                width=34,
                max_lines=3,
            )
        )
        classes.append("asks-again-when-sent-back")
    if flow.is_start:
        classes.append("start")
    if flow.is_start or flow.outcome is not None:
        bits = []
        if flow.is_start:
            bits.append(f"start: {fmt.people(report.metrics.population)} people")
        if flow.outcome is not None:
            bits.append(f"ends in {flow.outcome}: {fmt.people(flow.finishes)} reach it")
            classes += ["end", f"end-{flow.outcome}"]
        fields.append(label_text(" · ".join(bits), kind="record", width=None))
    return fields, classes


def touchpoint_node(
    flow: TouchpointFlow,
    report: Report,
    bottleneck: Bottleneck | None,
    *,
    top: int,
    theme: Theme,
    mode: str,
    direction: str,
    colour_by: str = "time",
    marks: tuple[tuple[str, str], ...] = (),
) -> tuple[dict[str, str], list[str]]:
    """A touchpoint's DOT attributes and SVG classes. ``colour_by``: what the fill shows
    (:mod:`.colour`); ``marks``: extra lines for overlays (skipped, repeated, changed)."""
    classes = ["touchpoint", f"agency-{slug(flow.agency)}"]
    if flow.stage:
        classes.append(f"stage-{slug(flow.stage)}")
    is_top = bottleneck is not None and bottleneck.rank <= top
    fields, more = _fields(flow, report, bottleneck if is_top else None, theme, mode)
    classes += more
    if flow.on_critical_path:
        classes.append("critical")
    heat = theme.heat_bin(bottleneck.share if bottleneck is not None else None)
    classes.append("heat-none" if heat is None else f"heat-{heat}")
    if colour_by == "time":
        if heat is None:
            fill, text = theme.no_data_fill, theme.text
        else:
            fill, text = theme.heat_fill[heat], theme.heat_text[heat]
    else:
        measure = agreement(report, flow.touchpoint, colour_by)
        agree = theme.agree_bin(None if measure is None or measure.suppressed else measure.share)
        classes.append("agree-none" if agree is None else f"agree-{agree}")
        if agree is None:
            fill, text = theme.no_feedback_fill, theme.text
        else:
            fill, text = theme.agree_fill[agree], theme.agree_text[agree]
        fields.insert(
            1 if is_top else 0,
            label_text(measure_line(measure, colour_by), kind="record", width=34, max_lines=2),
        )
    fields += [label_text(line, kind="record", width=34, max_lines=2) for line, _ in marks]
    classes += [cls for _, cls in marks]
    try:
        agency_name = report.agency(flow.agency).name
    except KeyError:
        agency_name = flow.agency
    attrs = {
        "label": record(fields, direction),
        "fillcolor": fill,
        "fontcolor": text,
        "tooltip": label_text(
            f"{flow.name} ({agency_name})", kind="plain", width=None, max_lines=None
        ),
    }
    if is_top:
        attrs["penwidth"] = f"{theme.top_penwidth:g}"
        attrs["color"] = theme.top_border
    if heat is None and flow.outcome is None and colour_by == "time":
        attrs["style"] = "rounded,filled,dashed"
    if flow.outcome is not None:
        attrs["peripheries"] = "2"
        if flow.outcome == "failure":
            attrs["color"] = theme.end_failure
    return attrs, classes


def edge_style(
    edge: EdgeFlow,
    *,
    ping_pong: str | None,
    same_agency: bool,
    theme: Theme,
) -> tuple[dict[str, str], list[str], list[str]]:
    """An arrow's DOT attributes, SVG classes and label lines: the share shown
    (``EdgeFlow.shown_share``) on an alternative, the handoff's people
    (``EdgeFlow.handoff_people``) on a handoff, the wait.

    ``ping_pong``: the agency the person is later handed back to (from
    :attr:`Report.handoffs`), or None.
    """
    classes = ["flow"]
    lines: list[str] = []
    attrs: dict[str, str] = {"color": theme.edge, "fontcolor": theme.muted}
    back = edge.loop_back
    if edge.kind == "parallel":
        classes.append("parallel")
        lines.append("parallel")
        attrs["arrowhead"] = "normalnormal"
    elif edge.kind == "alternative":
        classes.append("alternative")
        lines.append(fmt.percent(edge.shown_share))
    if back:
        classes.append("loop")
        lines.insert(0, "returns")
        attrs.update(color=theme.loop, fontcolor=theme.loop, style="dashed", constraint="false")
    if edge.handoff:
        classes += ["handoff", f"boundary-{edge.boundary}"]
        crossing = edge.people if edge.handoff_people is None else edge.handoff_people
        lines.append(f"handoff · {fmt.people(crossing)} people")
        if ping_pong is not None:
            classes.append("ping-pong")
            lines.append(f"ping-pong: back to {ping_pong} later")
        attrs.update(
            color=theme.handoff, fontcolor=theme.handoff, penwidth=f"{theme.handoff_penwidth:g}"
        )
        if back:
            attrs["style"] = "dashed"
    if edge.wait_days is not None:
        lines.append(f"wait {fmt.days(edge.wait_days)}")
    if edge.on_critical_path:
        classes.append("critical")
        if not edge.handoff:
            attrs["penwidth"] = "2"
    elif not edge.handoff and not back:
        attrs["weight"] = "2"
    if not edge.handoff and not back and same_agency:
        attrs["weight"] = "4"
    return attrs, classes, lines
