"""The template contract: :class:`NarrativeContext` and the records it holds.

Every field carries its help text; ``docs/narrative.md`` lists them and a test fails when a
template uses a name that is not here. Fields are only ever added, never renamed, so an
agency's own templates keep working.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

__all__ = [
    "Bar",
    "Headline",
    "MatrixGroup",
    "MatrixRow",
    "NarrativeContext",
    "Point",
    "Source",
    "StageStory",
]


@dataclass(frozen=True)
class Headline:
    """A headline figure: a label, the value in plain words and a one-line explanation."""

    label: str
    value: str
    detail: str


@dataclass(frozen=True)
class Bar:
    """One bar of the drop-off funnel (coordinates in SVG units; people per 1,000 starters)."""

    label: str
    agency: str
    people: str
    y: float
    width: float
    lost: str


@dataclass(frozen=True)
class Point:
    """One point of the satisfaction/emotion curve."""

    label: str
    x: float
    y: float
    value: str


@dataclass(frozen=True)
class MatrixGroup:
    """A column group of the data-request matrix: an agency and its (id, name) touchpoints."""

    agency: str
    touchpoints: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class MatrixRow:
    """A row of the data-request matrix: an item and one cell per touchpoint column."""

    item: str
    cells: tuple[str, ...]
    total: int
    again: bool


@dataclass(frozen=True)
class StageStory:
    """The narrative of one stage: its name and one paragraph per touchpoint.

    ``touchpoints[i]`` is the id of the touchpoint ``paragraphs[i]`` tells about.
    """

    id: str
    name: str
    paragraphs: tuple[str, ...]
    touchpoints: tuple[str, ...] = ()


@dataclass(frozen=True)
class Source:
    """A source: its text, and a link only when it is an http(s) URL."""

    text: str
    url: str | None


def _help(text: str) -> Any:
    return field(metadata={"help": text})


@dataclass(frozen=True)
class NarrativeContext:
    """Everything the narrative templates may use (the contract with custom templates)."""

    title: str = _help("Journey title")
    journey_id: str = _help("Journey id (slug)")
    life_experience: str | None = _help("Life experience the journey belongs to")
    summary: str | None = _help("Summary paragraph")
    persona_name: str = _help("The persona's name, or 'The person'")
    persona_description: str | None = _help("Who the persona is")
    occasion: str | None = _help("A-11 occasion")
    offering: str | None = _help("A-11 offering")
    population_line: str = _help("How many people start per period, and where that comes from")
    headlines: tuple[Headline, ...] = _help("Headline figures in plain words")
    map_svg: str | None = _help("The journey map as inline SVG markup (safe), or None")
    map_note: str | None = _help("Why the page has no map (when map_svg is None), or None")
    map_rows: tuple[dict[str, str], ...] = _help("The map's text alternative: one row per step")
    stages: tuple[StageStory, ...] = _help("Stage-by-stage narrative")
    findings: tuple[dict[str, str], ...] = _help(
        "Ranked findings: severity, title, detail, recommendation, evidence"
    )
    matrix_groups: tuple[MatrixGroup, ...] = _help("Columns of the data-request matrix")
    matrix_rows: tuple[MatrixRow, ...] = _help("Rows of the data-request matrix")
    agencies: tuple[tuple[str, str], ...] = _help("(id, name) of every agency, in order")
    handoff_rows: tuple[tuple[str, tuple[str, ...]], ...] = _help(
        "Agency x agency handoff matrix: (from agency, people per destination)"
    )
    funnel: tuple[Bar, ...] = _help("Bars of the drop-off funnel")
    funnel_height: float = _help("Height of the funnel SVG")
    curve: tuple[Point, ...] = _help("Points of the satisfaction/emotion curve")
    curve_kind: str = _help("'satisfaction (1-5)' or 'emotion (-2 to +2)' or ''")
    curve_path: str = _help("SVG path data of the curve")
    curve_width: float = _help("Width of the curve SVG")
    pain_points: tuple[tuple[str, str], ...] = _help("(touchpoint name, pain point)")
    opportunities: tuple[tuple[str, str], ...] = _help("(touchpoint name, opportunity)")
    evidence_notes: tuple[str, ...] = _help("Notes on the evidence behind the numbers")
    evidence_counts: tuple[tuple[str, int], ...] = _help("Touchpoints per evidence kind")
    illustrative: tuple[str, ...] = _help("Names of touchpoints with illustrative numbers")
    sources: tuple[Source, ...] = _help("Sources cited by the journey")
    observed: tuple[str, ...] = _help(
        "Designed vs observed, one line each, when an event log was given (else empty)"
    )
    generator: str = _help("The program that wrote the page")
    csp: str = _help("The Content-Security-Policy of the page")
    script: str = _help("The inline script (its hash is in the CSP)")
    log_warnings: tuple[str, ...] = _help(
        "Warnings about the event log for the top of the page (most rows unmapped, nobody "
        "finishing, completion far from the design; suggested mappings), else empty"
    )
    conformance_summary: str = _help(
        "How many cases follow the designed journey (empty without an event log)"
    )
    conformance_rows: tuple[tuple[str, str, str], ...] = _help(
        "Deviations from the journey: (kind, touchpoint or move, cases)"
    )
    segment_column: str = _help("The case attribute the log is segmented by ('' when none)")
    segment_rows: tuple[dict[str, str], ...] = _help(
        "Per segment: value, cases, completion, interval, median, median_interval, worst_drop_off"
    )
    segment_findings: tuple[str, ...] = _help("The widest gaps between segments")
    trend_every: str = _help("The trend's period: month, quarter or year ('' when none)")
    trend_rows: tuple[dict[str, str], ...] = _help(
        "Per period: label, arrivals, completion, interval, slowest (touchpoint: median)"
    )
    trend_findings: tuple[str, ...] = _help("Surges and slowdowns beyond the usual spread")
    trend_points: tuple[Point, ...] = _help("Points of the arrivals-per-period chart")
    trend_path: str = _help("SVG path data of the arrivals-per-period chart")
    trend_width: float = _help("Width of the arrivals-per-period SVG")

    @classmethod
    def documented_fields(cls) -> dict[str, str]:
        """Field name -> help text, for docs and the template contract test."""
        return {f.name: f.metadata["help"] for f in fields(cls)}

    def values(self) -> dict[str, Any]:
        """Field name -> value: the variables a template is rendered with."""
        return {f.name: getattr(self, f.name) for f in fields(self)}
