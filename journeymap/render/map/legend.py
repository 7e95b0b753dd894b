"""The legend under the lanes: the heat scale, the special boxes and the key to the arrows."""

from __future__ import annotations

import itertools
from typing import Any

from ..labels import label_lines, label_text
from ..theme import Theme
from .colour import colour_words
from .nodes import record

__all__ = ["DEVIATION_LINE", "KEY_LINES", "LEGEND_COLUMNS", "legend"]

#: How many columns the legend takes (title, five heat steps, two boxes, the key).
LEGEND_COLUMNS = 9

#: The key to the arrows, as the legend says it.
KEY_LINES = (
    "Blue thick arrow: handoff between agencies (people crossing, wait)",
    "Dashed purple arrow: a return to an earlier step (loop)",
    "Percent on an arrow: share of people taking that alternative",
    "Double arrowhead: parallel branches, all must be done",
    "Double border: the journey ends here",
)


#: The key line of the conformance overlay.
DEVIATION_LINE = "Dashed red arrow: a move cases made that the journey lacks (cases)"


def legend(
    th: Theme,
    columns: list[list[str]],
    p: str,
    direction: str,
    *,
    colour_by: str = "time",
    overlay: str | None = None,
) -> Any:
    """The ``cluster_legend`` subgraph; its nodes are added to ``columns`` (one a column).
    The swatches follow what the fill shows (``colour_by``)."""
    import graphviz

    by_time = colour_by == "time"
    fills, texts = (th.heat_fill, th.heat_text) if by_time else (th.agree_fill, th.agree_text)
    words = colour_words(colour_by).split(" ")
    half = (len(words) + 1) // 2
    heading = ["Legend", "fill: " + " ".join(words[:half]), " ".join(words[half:])]

    sub = graphviz.Digraph(name="cluster_legend")
    sub.attr(
        id=f"{p}legend",
        label="",
        style="rounded",
        color=th.lane_border,
        _attributes={"class": "legend"},
    )
    title = f"{p}legend-title"
    sub.node(
        title,
        label=label_lines(heading, kind="plain", width=None),
        shape="plaintext",
        style="",
        fontsize=f"{th.fontsize:g}",
    )
    columns[0].append(title)
    swatches = len(fills)
    for i in range(swatches):
        name = f"{p}legend-heat-{i}"
        text = th.heat_label(i) if by_time else th.agree_label(i)
        sub.node(
            name,
            label=record([label_text(text, kind="record")], direction),
            fillcolor=fills[i],
            fontcolor=texts[i],
            id=name,
            _attributes={
                "class": f"legend-heat heat-{i}" if by_time else f"legend-agree agree-{i}"
            },
        )
        columns[1 + i].append(name)
    chain = [title, *(f"{p}legend-heat-{i}" for i in range(swatches))]
    chain += _boxes_and_key(sub, th, columns, p, direction, by_time=by_time, overlay=overlay)
    for a, b in itertools.pairwise(chain):
        sub.edge(a, b, style="invis")
    return sub


def _boxes_and_key(
    sub: Any,
    th: Theme,
    columns: list[list[str]],
    p: str,
    direction: str,
    *,
    by_time: bool,
    overlay: str | None,
) -> list[str]:
    """The legend's two special boxes and the key to the arrows, after the swatches; their
    node names in order."""
    first = 1 + (len(th.heat_fill) if by_time else len(th.agree_fill))
    none: tuple[str, str, dict[str, str]] = (
        ("legend-none", "no duration given", {"style": "rounded,filled,dashed"})
        if by_time
        else ("legend-none", "no feedback data", {"fillcolor": th.no_feedback_fill})
    )
    extras = [
        none,
        (
            "legend-top",
            "#1 bottleneck (thick border)",
            {"penwidth": f"{th.top_penwidth:g}", "color": th.top_border},
        ),
    ]
    for i, (key, text, attrs) in enumerate(extras):
        name = f"{p}{key}"
        sub.node(
            name,
            label=record([label_text(text, kind="record", width=16)], direction),
            id=name,
            _attributes={"class": key},
            **{"fillcolor": th.no_data_fill, **attrs},
        )
        columns[first + i].append(name)
    key = f"{p}legend-key"
    sub.node(
        key,
        label=label_lines(
            [*KEY_LINES, *([DEVIATION_LINE] if overlay == "conformance" else [])],
            kind="plain",
            width=None,
            justify="left",
        ),
        shape="plaintext",
        style="",
        fontsize=f"{th.edge_fontsize:g}",
        _attributes={"class": "legend-key"},
    )
    columns[first + len(extras)].append(key)
    return [*(f"{p}{k}" for k, _, _ in extras), key]
