"""Where things go on the map: a column for every touchpoint and the lanes across the flow.

Everything here is geometry over what the Report already decided: :attr:`Report.order` is
the order of telling (every touchpoint after the ones that lead to it) and
:attr:`EdgeFlow.loop_back` marks the returns to an earlier touchpoint. A touchpoint's
column is the longest chain of forward arrows before it; when the stages allow it (no
forward arrow leads into an earlier stage), each stage is a band of consecutive columns.
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


def _order(report: Report) -> tuple[str, ...]:
    return report.order or tuple(t.touchpoint for t in report.touchpoints)


def layout(report: Report) -> Layout:
    """Columns from :attr:`Report.order` and the forward arrows (loop-backs left out)."""
    order = _order(report)
    stage_index = {s.id: i for i, s in enumerate(report.stages)}
    stage_of = {t.touchpoint: t.stage for t in report.touchpoints}
    preds: dict[str, list[str]] = {t: [] for t in order}
    for e in report.edges:
        if not e.loop_back:
            preds[e.target].append(e.source)
    band: dict[str, int] = {}
    for node in order:
        stage = stage_of[node]
        if stage is not None and stage in stage_index:
            band[node] = stage_index[stage]
        else:
            band[node] = max((band[u] for u in preds[node]), default=0)
    banded = all(band[u] <= band[v] for v in order for u in preds[v])
    column: dict[str, int] = {}
    first: dict[str, int] = {}
    if banded:
        current, band_start, last = -1, 0, -1
        for node in order:
            if band[node] > current:
                current = band[node]
                band_start = last + 1
            column[node] = max([column[u] + 1 for u in preds[node]] + [band_start])
            last = max(last, column[node])
            stage = stage_of[node]
            if stage is not None and stage not in first:
                first[stage] = column[node]
    else:
        for node in order:
            column[node] = max([column[u] + 1 for u in preds[node]], default=0)
            stage = stage_of[node]
            if stage is not None:
                first[stage] = min(first.get(stage, column[node]), column[node])
    starts: dict[int, list[str]] = {}
    for st in report.stages:
        if st.id in first:
            starts.setdefault(first[st.id], []).append(st.id)
    return Layout(
        column=column,
        stage_columns=tuple((c, tuple(s)) for c, s in sorted(starts.items())),
        columns=max(column.values(), default=-1) + 1,
    )


def lanes(report: Report, mode: str, prefix: str) -> list[Lane]:
    """The lanes of ``mode`` ("agency", "stage" or "blueprint") that hold a touchpoint,
    in the journey's order; touchpoints inside a lane in file order."""
    if mode == "agency":
        return _agency_lanes(report, prefix)
    if mode == "stage":
        return _stage_lanes(report, prefix)
    out: list[Lane] = []
    for lane_value, title in _BLUEPRINT:
        members = [t.touchpoint for t in report.touchpoints if t.lane == lane_value]
        if members:
            key = lane_value or "none"
            out.append(
                Lane(
                    key=key,
                    title=(title,),
                    element_id=f"{prefix}lane-{key}",
                    classes=f"lane blueprint blueprint-{key}",
                    members=members,
                )
            )
    return out


def _agency_lanes(report: Report, prefix: str) -> list[Lane]:
    out: list[Lane] = []
    for agency in report.agencies:
        members = [t.touchpoint for t in report.touchpoints if t.agency == agency.id]
        if not members:
            continue
        sub = " · ".join(p for p in (agency.id, agency.level) if p)
        out.append(
            Lane(
                key=agency.id,
                title=(agency.name, sub),
                element_id=f"{prefix}agency-{slug(agency.id)}",
                classes=f"lane agency agency-{slug(agency.id)}",
                members=members,
            )
        )
    return out


def _stage_lanes(report: Report, prefix: str) -> list[Lane]:
    out: list[Lane] = []
    staged: list[tuple[str | None, str]] = [(s.id, s.name) for s in report.stages]
    for i, (stage_id, name) in enumerate([*staged, (None, "No stage given")]):
        members = [t.touchpoint for t in report.touchpoints if t.stage == stage_id]
        if not members:
            continue
        key = stage_id if stage_id is not None else ""
        number = f"Stage {i + 1}" if stage_id is not None else ""
        out.append(
            Lane(
                key=key,
                title=(name, number) if number else (name,),
                element_id=f"{prefix}stage-{slug(key) if key else 'none'}",
                classes=f"lane stage stage-{slug(key) if key else 'none'}",
                members=members,
            )
        )
    return out
