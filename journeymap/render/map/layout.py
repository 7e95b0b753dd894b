"""Where things go on the map: a column for every touchpoint and the lanes across the flow.

Everything here is geometry over what the Report already decided: a touchpoint's column
(``TouchpointFlow.column``: the longest chain of forward arrows before it, each stage a band
of consecutive columns when the stages allow it) and where each stage's band starts
(``StageInfo.column``), both computed once by the analysis.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...report import Report
from ..labels import slug

__all__ = ["Lane", "Layout", "lanes", "layout"]

_BLUEPRINT = (
    ("customer", "Customer actions"),
    ("frontstage", "Frontstage: what the person sees"),
    ("backstage", "Backstage: staff and systems"),
    ("support", "Support processes"),
    (None, "No blueprint lane given"),
)


@dataclass(frozen=True, slots=True)
class Layout:
    """The column of every touchpoint, and the column where each stage's band starts."""

    column: dict[str, int]
    stage_columns: tuple[tuple[int, tuple[str, ...]], ...]
    columns: int


@dataclass(slots=True)
class Lane:
    """One lane (a cluster): its title lines, SVG id and classes, and touchpoints."""

    key: str
    title: tuple[str, ...]
    element_id: str
    classes: str
    members: list[str] = field(default_factory=list)


def layout(report: Report) -> Layout:
    """The columns the analysis gave the touchpoints (``TouchpointFlow.column``) and the
    stages (``StageInfo.column``), stages that start in one column grouped."""
    column = {t.touchpoint: t.column for t in report.touchpoints}
    starts: dict[int, list[str]] = {}
    for st in report.stages:
        if st.column is not None:
            starts.setdefault(st.column, []).append(st.id)
    return Layout(
        column=column,
        stage_columns=tuple((c, tuple(s)) for c, s in sorted(starts.items())),
        columns=max(column.values(), default=-1) + 1,
    )


def lanes(report: Report, mode: str, prefix: str) -> list[Lane]:
    """The lanes of ``mode`` ("agency", "stage" or "blueprint") that hold a touchpoint,
    in the journey's order; touchpoints inside a lane in file order."""
    kinds = {"agency": _agency_lanes, "stage": _stage_lanes, "blueprint": _blueprint_lanes}
    return [
        Lane(key=key, title=title, element_id=f"{prefix}{ident}", classes=classes, members=members)
        for key, title, ident, classes, members in kinds[mode](report)
        if members
    ]


#: A lane before it is kept: key, title lines, SVG id (without prefix), classes, touchpoints.
_LaneParts = tuple[str, tuple[str, ...], str, str, list[str]]


def _agency_lanes(report: Report) -> list[_LaneParts]:
    out: list[_LaneParts] = []
    for agency in report.agencies:
        members = [t.touchpoint for t in report.touchpoints if t.agency == agency.id]
        sub = " · ".join(p for p in (agency.id, agency.level) if p)
        key = slug(agency.id)
        out.append(
            (agency.id, (agency.name, sub), f"agency-{key}", f"lane agency agency-{key}", members)
        )
    return out


def _stage_lanes(report: Report) -> list[_LaneParts]:
    out: list[_LaneParts] = []
    staged: list[tuple[str | None, str]] = [(s.id, s.name) for s in report.stages]
    for i, (stage_id, name) in enumerate([*staged, (None, "No stage given")]):
        members = [t.touchpoint for t in report.touchpoints if t.stage == stage_id]
        title = (name, f"Stage {i + 1}") if stage_id is not None else (name,)
        key = slug(stage_id) if stage_id else "none"
        out.append((stage_id or "", title, f"stage-{key}", f"lane stage stage-{key}", members))
    return out


def _blueprint_lanes(report: Report) -> list[_LaneParts]:
    out: list[_LaneParts] = []
    for lane_value, title in _BLUEPRINT:
        members = [t.touchpoint for t in report.touchpoints if t.lane == lane_value]
        key = lane_value or "none"
        out.append((key, (title,), f"lane-{key}", f"lane blueprint blueprint-{key}", members))
    return out
