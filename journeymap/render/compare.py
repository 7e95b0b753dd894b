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
from ..comparison import Alternative, Comparison, Suggestions
from .compare_numbers import (
    ATTRIBUTION_COLUMNS,
    ATTRIBUTION_HEADER,
    SHORT_LABELS,
    alternative_heading,
    attribution_rows,
    delta_text,
    intro_lines,
    measure_rows,
    same_note,
    structure_lines,
    value_text,
)
from .tables import aligned_lines, markdown_rows

__all__ = [
    "ATTRIBUTION_COLUMNS",
    "SHORT_LABELS",
    "Section",
    "Table",
    "delta_text",
    "intro_lines",
    "measure_rows",
    "render_compare_html",
    "render_compare_json",
    "render_compare_markdown",
    "render_compare_text",
    "render_suggestions",
    "sections",
    "structure_lines",
    "value_text",
]


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


def _alternative(c: Comparison, alt: Alternative) -> Section:
    paragraphs = []
    if alt.title != alt.id:
        paragraphs.append(alt.title)
    paragraphs.append(f"Assumptions: {(alt.assumptions or 'none stated').strip()}")
    if alt.same_as_baseline:
        paragraphs.append(same_note(alt))
    paragraphs.extend(alt.notes)
    tables = [
        Table(
            "Measures",
            ("measure", "unit", c.baseline_label, alt.id, "difference"),
            measure_rows(c.baseline, alt),
            frozenset({2, 3, 4}),
        )
    ]
    if alt.attribution:
        tables.append(
            Table(
                "Attribution of the difference",
                ATTRIBUTION_HEADER,
                attribution_rows(alt),
                frozenset(range(1, len(ATTRIBUTION_COLUMNS) + 1)),
            )
        )
    items = tuple(f"change {i}: {text}" for i, text in enumerate(alt.changes, start=1))
    return Section(
        alternative_heading(alt),
        tuple(paragraphs),
        tuple(tables),
        (*items, *structure_lines(alt.structure)),
    )


def sections(c: Comparison) -> tuple[Section, ...]:
    """The parts every format shows, in order."""
    intro = Section(f"Compare: {c.title}", intro_lines(c), level=1)
    return (intro, *(_alternative(c, a) for a in c.alternatives))


# text -----------------------------------------------------------------------------------


def _text_table(t: Table) -> list[str]:
    return [f"  {t.caption}", *aligned_lines(t.header, t.rows, right=t.numeric)]


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
    return [
        f"**{fmt.markdown_text(t.caption)}**",
        "",
        *markdown_rows(t.header, t.rows, right=t.numeric),
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
    """The comparison as one self-contained, accessible HTML page (no scripts, no network),
    in the look of the HTML report: its stylesheet and its current-vs-future partial."""
    from .. import __version__
    from .html.context import content_security_policy
    from .html.future import comparison_intro, scenario_views
    from .html.writer import make_environment

    page = make_environment().get_template("compare.html.j2")
    return str(
        page.render(
            title=c.title,
            generator=f"journeymap {__version__}",
            csp=content_security_policy(),
            comparison_intro=comparison_intro(c),
            scenarios=scenario_views(c),
        )
    )


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
            delta_text("time_tax_hours_per_period", c.hours_saved_per_period),
            delta_text("completions_per_period", c.completions_gained_per_period),
            delta_text("expected_days", c.days_saved),
            delta_text("requests", c.requests_saved),
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
