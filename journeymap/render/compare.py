"""Text, Markdown, JSON and HTML of a :class:`~journeymap.comparison.Comparison` (and of the
ranked :class:`~journeymap.comparison.Suggestions`).

All four are built from the same sections (:func:`sections`), so they say the same things:
the measures before and after, the difference, the attribution to each change, the
structural difference and the assumptions, shown beside the numbers. This module reads only
the comparison records (and the Reports in them); it never imports the model or the analysis.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .. import fmt
from ..comparison import MEASURES, Alternative, Comparison, Measures, StructuralDiff, Suggestions

__all__ = [
    "Section",
    "Table",
    "render_compare_html",
    "render_compare_json",
    "render_compare_markdown",
    "render_compare_text",
    "render_suggestions",
    "sections",
]

#: The measures shown in attribution tables (all of them are in the JSON).
ATTRIBUTION_COLUMNS = (
    "completion_per_1000",
    "expected_days",
    "critical_path_days",
    "time_tax_hours",
    "requests",
    "repeat_requests",
    "handoffs",
)
_SHORT = {
    "completion_per_1000": "completion /1,000",
    "expected_days": "days (finishers)",
    "critical_path_days": "critical path days",
    "time_tax_hours": "time tax h/starter",
    "requests": "requests",
    "repeat_requests": "repeat requests",
    "handoffs": "handoffs",
}


@dataclass(frozen=True)
class Table:
    """A table: header, rows of text, and the columns that hold numbers (right-aligned)."""

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Section:
    """A titled part of the output: paragraphs, then tables, then a bulleted list."""

    title: str
    paragraphs: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    items: tuple[str, ...] = ()
    code: str | None = None
    level: int = 2
    extra: dict[str, str] = field(default_factory=dict)


def _value(name: str, value: float | None) -> str:
    if value is None:
        return "–"
    if name == "touchpoints":
        return f"{value:,.0f}"
    if name in ("completions_per_period", "time_tax_hours_per_period"):
        return f"{value:,.0f}"
    if name in ("requests", "repeat_requests", "handoffs"):
        return f"{value:,.2f}"
    return f"{value:,.1f}"


def _delta(name: str, value: float | None) -> str:
    if value is None:
        return "–"
    if abs(value) < 5e-10:
        return "0"
    shown = _value(name, abs(value))
    if shown.strip("0.,") == "":
        shown = f"{abs(value):.2g}"
    return ("+" if value > 0 else "−") + shown


def _measure_rows(base: Measures, alt: Alternative) -> tuple[tuple[str, ...], ...]:
    rows = []
    for name, label, unit in MEASURES:
        rows.append(
            (
                label,
                unit,
                _value(name, base.get(name)),
                _value(name, alt.measures.get(name)),
                _delta(name, alt.difference.get(name)),
            )
        )
    return tuple(rows)


def _structure(s: StructuralDiff) -> tuple[str, ...]:
    def pairs(values: Sequence[tuple[str, str]], sep: str) -> str:
        return ", ".join(f"{a}{sep}{b}" for a, b in values)

    out = []
    if s.touchpoints_added:
        out.append("touchpoints added: " + ", ".join(s.touchpoints_added))
    if s.touchpoints_removed:
        out.append("touchpoints removed: " + ", ".join(s.touchpoints_removed))
    for c in s.touchpoints_changed:
        out.append(f"touchpoint {c.touchpoint} changed: {', '.join(c.keys)}")
    if s.requests_added:
        out.append("requests added: " + pairs(s.requests_added, " asks "))
    if s.requests_removed:
        out.append("requests removed: " + pairs(s.requests_removed, " no longer asks "))
    if s.handoffs_added:
        out.append("handoffs added: " + pairs(s.handoffs_added, " → "))
    if s.handoffs_removed:
        out.append("handoffs removed: " + pairs(s.handoffs_removed, " → "))
    return tuple(out) or ("no structural difference",)


def _alternative(c: Comparison, alt: Alternative) -> Section:
    kind = "Scenario" if alt.kind == "scenario" else "Future journey"
    paragraphs = []
    if alt.title != alt.id:
        paragraphs.append(alt.title)
    paragraphs.append(f"Assumptions: {(alt.assumptions or 'none stated').strip()}")
    if alt.same_as_baseline:
        why = "its changes reach nothing the model counts" if alt.changes else "no changes"
        paragraphs.append(f"The result equals the baseline: no measure changes ({why}).")
    paragraphs.extend(alt.notes)
    tables = [
        Table(
            "Measures",
            ("measure", "unit", c.baseline_label, alt.id, "difference"),
            _measure_rows(c.baseline, alt),
            frozenset({2, 3, 4}),
        )
    ]
    if alt.attribution:
        rows = []
        for part in alt.attribution:
            cells = tuple(
                _delta(n, part.difference.get(n)) if part.difference else "(in interaction)"
                for n in ATTRIBUTION_COLUMNS
            )
            rows.append((part.label, *cells))
        tables.append(
            Table(
                "Attribution of the difference",
                ("change", *(_SHORT[n] for n in ATTRIBUTION_COLUMNS)),
                tuple(rows),
                frozenset(range(1, len(ATTRIBUTION_COLUMNS) + 1)),
            )
        )
    items = tuple(f"change {i}: {text}" for i, text in enumerate(alt.changes, start=1))
    return Section(
        f"{kind} {alt.id}",
        tuple(paragraphs),
        tuple(tables),
        (*items, *_structure(alt.structure)),
    )


def sections(c: Comparison) -> tuple[Section, ...]:
    """The parts every format shows, in order."""
    who = (
        "the default 1,000 people (the journey gives no population)"
        if c.population_is_default
        else f"{c.population:,} people who start per period"
    )
    intro = Section(
        f"Compare: {c.title}",
        (
            f"Journey {c.journey}: {c.baseline_label} against "
            f"{len(c.alternatives)} alternative{'s' if len(c.alternatives) != 1 else ''}, "
            f"by the same model as the analysis, for {who}.",
            f"Attribution: {c.attribution_method}.",
        ),
        level=1,
    )
    return (intro, *(_alternative(c, a) for a in c.alternatives))


# text -----------------------------------------------------------------------------------


def _text_table(t: Table) -> list[str]:
    widths = [len(h) for h in t.header]
    for row in t.rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]

    def line(cells: Sequence[str]) -> str:
        parts = [
            cell.rjust(w) if i in t.numeric else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return ("  " + "  ".join(parts)).rstrip()

    return [f"  {t.caption}", line(t.header), *(line(r) for r in t.rows)]


def _as_text(parts: Sequence[Section]) -> str:
    out: list[str] = []
    for s in parts:
        out += [s.title, "=" * len(s.title) if s.level == 1 else "-" * len(s.title)]
        out += [f"  {p}" for p in s.paragraphs]
        for t in s.tables:
            out += ["", *_text_table(t)]
        if s.items:
            out += ["", *(f"  - {item}" for item in s.items)]
        if s.code:
            out += ["", *(f"    {line}" for line in s.code.splitlines())]
        out.append("")
    return fmt.terminal_text("\n".join(out))


def render_compare_text(c: Comparison) -> str:
    """The comparison for a terminal."""
    return _as_text(sections(c))


# Markdown --------------------------------------------------------------------------------


def _md_table(t: Table) -> list[str]:
    def cells(row: Sequence[str]) -> str:
        return "| " + " | ".join(fmt.markdown_text(x) for x in row) + " |"

    align = ["---:" if i in t.numeric else "---" for i in range(len(t.header))]
    return [
        f"**{fmt.markdown_text(t.caption)}**",
        "",
        cells(t.header),
        "| " + " | ".join(align) + " |",
        *(cells(r) for r in t.rows),
    ]


def _as_markdown(parts: Sequence[Section]) -> str:
    out: list[str] = []
    for s in parts:
        out += ["#" * s.level + " " + fmt.markdown_text(s.title), ""]
        for p in s.paragraphs:
            out += [fmt.markdown_text(p), ""]
        for t in s.tables:
            out += [*_md_table(t), ""]
        if s.items:
            out += [*(f"- {fmt.markdown_text(i)}" for i in s.items), ""]
        if s.code:
            out += ["```yaml", fmt.terminal_text(s.code).replace("```", "'''").rstrip(), "```", ""]
    return "\n".join(out)


def render_compare_markdown(c: Comparison) -> str:
    """The comparison as Markdown, fit for a pull request or a briefing."""
    return _as_markdown(sections(c))


def render_compare_json(c: Comparison) -> str:
    """The comparison as JSON (the contract in ``docs/scenarios.md``)."""
    return fmt.json_text(c.to_dict())


def render_compare_html(c: Comparison) -> str:
    """The comparison as one self-contained, accessible HTML page (no scripts, no network)."""
    import jinja2

    from .compare_page import PAGE

    env = jinja2.Environment(
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.from_string(PAGE).render(comparison=c, sections=sections(c))


# suggestions -----------------------------------------------------------------------------


def suggestion_sections(s: Suggestions) -> tuple[Section, ...]:
    """The ranked candidates: a table, then each candidate's scenario block."""
    first = "people-hours saved per period" if s.rank_by == "hours" else "completions gained"
    who = "the default 1,000" if s.population_is_default else f"{s.population:,}"
    rows = tuple(
        (
            str(c.rank),
            c.id,
            c.title,
            _delta("time_tax_hours_per_period", c.hours_saved_per_period),
            _delta("completions_per_period", c.completions_gained_per_period),
            _delta("expected_days", c.days_saved),
            _delta("requests", c.requests_saved),
            c.why,
        )
        for c in s.candidates
    )
    table = Table(
        "Candidates",
        (
            "#",
            "id",
            "change",
            "hours saved/period",
            "completions gained",
            "days saved",
            "requests saved/starter",
            "why",
        ),
        rows,
        frozenset({0, 3, 4, 5, 6}),
    )
    intro = Section(
        f"What would help most: {s.title}",
        (
            f"Each candidate is evaluated by the same model as the analysis, for {who} people "
            f"who start per period, and ranked by {first}.",
            "Assumptions: " + "; ".join(f"{k} = {v}" for k, v in s.assumptions.items()) + ".",
        ),
        (table,) if rows else (),
        () if rows else ("no candidate: the analysis found nothing these changes address",),
        level=1,
    )
    blocks = tuple(
        Section(
            f"{c.rank}. {c.id}",
            (f"Paste under scenarios: in {s.journey}'s file:",),
            code=c.yaml,
            level=2,
        )
        for c in s.candidates
    )
    return (intro, *blocks)


def render_suggestions(s: Suggestions, *, fmt_name: str = "text") -> str:
    """The ranked candidates as text, Markdown or JSON."""
    if fmt_name == "json":
        return fmt.json_text(s.to_dict())
    parts = suggestion_sections(s)
    return _as_markdown(parts) if fmt_name == "markdown" else _as_text(parts)
