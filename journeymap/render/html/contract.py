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
    "BurdenView",
    "FeedbackTable",
    "FeedbackView",
    "Headline",
    "IntervalChart",
    "IntervalPoint",
    "MatrixGroup",
    "MatrixRow",
    "NarrativeContext",
    "Point",
    "ScenarioBar",
    "ScenarioView",
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


@dataclass(frozen=True)
class IntervalPoint:
    """One column of a chart of shares with 95 % intervals (SVG units), and its numbers.

    ``y``, ``y_low`` and ``y_high`` are None when there is no number (``status`` says why:
    suppressed, or no answers). ``share``, ``interval`` and ``n`` are the text the chart and
    its table show; ``authored`` is the journey file's own score for the step, if any."""

    label: str
    name: str
    x: float
    y: float | None
    y_low: float | None
    y_high: float | None
    share: str
    interval: str
    n: str
    status: str
    authored: str = ""


@dataclass(frozen=True)
class IntervalChart:
    """A chart of shares (0-100 %) with 95 % intervals: its points, size and gridlines
    as (y, label)."""

    points: tuple[IntervalPoint, ...]
    width: float
    height: float
    grid: tuple[tuple[float, str], ...]
    path: str


@dataclass(frozen=True)
class FeedbackTable:
    """A table of feedback measures: caption, column labels, and rows of (row header, cells)."""

    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class FeedbackView:
    """Customer feedback joined to the journey (see docs/narrative.md)."""

    summary: tuple[str, ...]
    trust_label: str
    tables: tuple[FeedbackTable, ...]
    links: tuple[dict[str, str], ...]
    findings: tuple[dict[str, str], ...]
    every: str
    trend: IntervalChart | None
    trend_table: FeedbackTable | None
    by: str
    segments: IntervalChart | None
    segment_table: FeedbackTable | None
    notes: tuple[str, ...]


@dataclass(frozen=True)
class BurdenView:
    """Paperwork burden estimates beside the effort people report: a sentence and one row
    per touchpoint with forms that carry a burden."""

    summary: str
    rows: tuple[dict[str, str], ...]


@dataclass(frozen=True)
class ScenarioBar:
    """One measure in the current-vs-future chart: its label, the two values as text, the
    difference, and the bars' widths (SVG units, each measure on its own scale)."""

    label: str
    unit: str
    baseline: str
    scenario: str
    difference: str
    y: float
    baseline_width: float
    scenario_width: float


@dataclass(frozen=True)
class ScenarioView:
    """One future state against the baseline (a scenario of the journey, or a second file)."""

    id: str
    heading: str
    title: str
    baseline_label: str
    assumptions: str
    same_note: str
    notes: tuple[str, ...]
    measures: tuple[tuple[str, str, str, str, str], ...]
    bars: tuple[ScenarioBar, ...]
    chart_height: float
    attribution_header: tuple[str, ...]
    attribution_rows: tuple[tuple[str, ...], ...]
    changes: tuple[str, ...]
    structure: tuple[str, ...]


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
    trust_curve: IntervalChart | None = _help(  # noqa: RUF009 (frozen records)
        "Measured trust per step with 95 % intervals, when customer feedback was given "
        "(else None); each point also holds the step's authored score"
    )
    feedback: FeedbackView | None = _help(  # noqa: RUF009 (frozen records)
        "Customer feedback: summary, tables per step, drivers and trust, joined findings, "
        "trend and segments (None without feedback)"
    )
    burden: BurdenView | None = _help(  # noqa: RUF009 (frozen records)
        "Paperwork burden estimates beside reported effort (None when no form has a burden)"
    )
    comparison_intro: tuple[str, ...] = _help(
        "What the current-vs-future comparison is (empty without one)"
    )
    scenarios: tuple[ScenarioView, ...] = _help(
        "Current vs future: one entry per scenario or future journey compared (else empty)"
    )

    @classmethod
    def documented_fields(cls) -> dict[str, str]:
        """Field name -> help text, for docs and the template contract test."""
        return {f.name: f.metadata["help"] for f in fields(cls)}

    def values(self) -> dict[str, Any]:
        """Field name -> value: the variables a template is rendered with."""
        return {f.name: getattr(self, f.name) for f in fields(self)}
