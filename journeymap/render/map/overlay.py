"""What is drawn over the journey: the event log's deviations (``overlay="conformance"``)
and what a scenario changed (:attr:`Report.changes`), read from the Report alone.

Conformance rows (:attr:`ObservedSummary.conformance`) are ``(kind, touchpoint, source,
target, cases)``: a move cases made that the journey lacks becomes a dashed arrow labelled
with its cases; a touchpoint cases skipped or repeated gets a line in its box. Only rows of
at least ``min_cell`` cases are drawn (smaller ones are already left out of the Report).
"""

from __future__ import annotations

from ... import fmt
from ...report import Deviation, Report
from .nodes import short_name
from .options import MapOptions

__all__ = ["Mark", "deviation_edges", "edge_marks", "touchpoint_marks"]

Mark = tuple[str, str]  # (a line in the box, an SVG class)

_MOVES = ("not in the journey", "out of order")


def _rows(report: Report, options: MapOptions) -> list[Deviation]:
    observed = report.observed
    if options.overlay != "conformance" or observed is None or observed.conformance is None:
        return []
    known = {t.touchpoint for t in report.touchpoints}
    return [
        d
        for d in observed.conformance.deviations
        if d.cases >= observed.min_cell
        and all(n is None or n in known for n in (d.touchpoint, d.source, d.target))
    ]


def _move_line(d: Deviation) -> str:
    return f"{d.kind}: {fmt.plural(d.cases, 'case')}"


def touchpoint_marks(report: Report, options: MapOptions) -> dict[str, tuple[Mark, ...]]:
    """Lines and classes for touchpoint boxes: skipped and repeated by cases (the overlay),
    changed, added or asking for less in the scenario the Report was analysed with."""
    out: dict[str, list[Mark]] = {}
    for d in _rows(report, options):
        # the touchpoint's own row (cases, each counted once); its move rows say where
        if d.kind not in ("skipped", "repeated") or d.target is not None:
            continue
        touchpoint, kind, cases = d.touchpoint, d.kind, d.cases
        line = (
            f"skipped by {fmt.plural(cases, 'case')}"
            if kind == "skipped"
            else f"repeated in {fmt.plural(cases, 'case')}"
        )
        out.setdefault(touchpoint, []).append((line, kind))
    changes = report.changes
    if changes is not None:
        for tid in changes.added:
            out.setdefault(tid, []).append((f"new in scenario {changes.scenario}", "added"))
        for tid in changes.changed:
            if tid not in changes.added:
                out.setdefault(tid, []).append(
                    (f"changed in scenario {changes.scenario}", "changed")
                )
        removed: dict[str, list[str]] = {}
        for r in changes.removed_requests:
            removed.setdefault(r.touchpoint, []).append(short_name(report, r.item))
        for tid, items in removed.items():
            out.setdefault(tid, []).append(
                (f"no longer asks: {', '.join(items)}", "request-removed")
            )
    return {k: tuple(v) for k, v in out.items()}


def edge_marks(report: Report, options: MapOptions) -> dict[tuple[str, str], tuple[str, ...]]:
    """Label lines for the journey's own arrows that cases took out of order."""
    have = {(e.source, e.target) for e in report.edges}
    out: dict[tuple[str, str], list[str]] = {}
    for d in _rows(report, options):
        if d.kind in _MOVES and d.source and d.target and (d.source, d.target) in have:
            out.setdefault((d.source, d.target), []).append(_move_line(d))
    return {k: tuple(v) for k, v in out.items()}


def deviation_edges(report: Report, options: MapOptions) -> list[tuple[str, str, list[str]]]:
    """Moves cases made that the journey has no arrow for: (source, target, label lines)."""
    have = {(e.source, e.target) for e in report.edges}
    out: dict[tuple[str, str], list[str]] = {}
    for d in _rows(report, options):
        if d.kind in _MOVES and d.source and d.target and (d.source, d.target) not in have:
            out.setdefault((d.source, d.target), []).append(_move_line(d))
    return [(s, t, lines) for (s, t), lines in out.items()]
