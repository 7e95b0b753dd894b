"""How a comparison's numbers are written: shared by every renderer of a
:class:`~journeymap.comparison.Comparison` (the compare command's text, Markdown and HTML, and
the HTML report's current-vs-future section), so they all show the same figures."""

from __future__ import annotations

from collections.abc import Sequence

from ..comparison import MEASURES, Alternative, Comparison, Measures, StructuralDiff
from ..report import Arrow, Request

__all__ = [
    "ATTRIBUTION_COLUMNS",
    "ATTRIBUTION_HEADER",
    "SHORT_LABELS",
    "alternative_heading",
    "attribution_rows",
    "delta_text",
    "intro_lines",
    "measure_rows",
    "same_note",
    "structure_lines",
    "value_text",
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
SHORT_LABELS = {
    "completion_per_1000": "completion /1,000",
    "expected_days": "days (finishers)",
    "critical_path_days": "critical path days",
    "time_tax_hours": "time tax h/starter",
    "requests": "requests",
    "repeat_requests": "repeat requests",
    "handoffs": "handoffs",
}
#: The attribution table's header: the change, then one column per measure.
ATTRIBUTION_HEADER = ("change", *(SHORT_LABELS[n] for n in ATTRIBUTION_COLUMNS))


def value_text(name: str, value: float | None) -> str:
    if value is None:
        return "–"
    if name == "touchpoints":
        return f"{value:,.0f}"
    if name in ("completions_per_period", "time_tax_hours_per_period"):
        return f"{value:,.0f}"
    if name in ("requests", "repeat_requests", "handoffs"):
        return f"{value:,.2f}"
    return f"{value:,.1f}"


def delta_text(name: str, value: float | None) -> str:
    if value is None:
        return "–"
    if abs(value) < 5e-10:
        return "0"
    shown = value_text(name, abs(value))
    if shown.strip("0.,") == "":
        shown = f"{abs(value):.2g}"
    return ("+" if value > 0 else "−") + shown


def measure_rows(base: Measures, alt: Alternative) -> tuple[tuple[str, ...], ...]:
    rows = []
    for name, label, unit in MEASURES:
        rows.append(
            (
                label,
                unit,
                value_text(name, base.get(name)),
                value_text(name, alt.measures.get(name)),
                delta_text(name, alt.difference.get(name)),
            )
        )
    return tuple(rows)


def attribution_rows(alt: Alternative) -> tuple[tuple[str, ...], ...]:
    """One row per change (or interaction of changes): its label, then its part of the
    difference in each of :data:`ATTRIBUTION_COLUMNS`."""
    return tuple(
        (
            part.label,
            *(
                delta_text(n, part.difference.get(n)) if part.difference else "(in interaction)"
                for n in ATTRIBUTION_COLUMNS
            ),
        )
        for part in alt.attribution
    )


def alternative_heading(alt: Alternative) -> str:
    """The heading of an alternative: ``Scenario <id>`` or ``Future journey <id>``."""
    kind = "Scenario" if alt.kind == "scenario" else "Future journey"
    return f"{kind} {alt.id}"


def same_note(alt: Alternative) -> str:
    """Why the alternative's result equals the baseline ("" when it does not)."""
    if not alt.same_as_baseline:
        return ""
    why = "its changes reach nothing the model counts" if alt.changes else "no changes"
    return f"The result equals the baseline: no measure changes ({why})."


def structure_lines(s: StructuralDiff) -> tuple[str, ...]:
    def pairs(values: Sequence[Request | Arrow], sep: str) -> str:
        return ", ".join(
            f"{v.touchpoint}{sep}{v.item}"
            if isinstance(v, Request)
            else f"{v.source}{sep}{v.target}"
            for v in values
        )

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


def intro_lines(c: Comparison) -> tuple[str, ...]:
    """What is compared with what, for how many people, and how the difference is split."""
    who = (
        "the default 1,000 people (the journey gives no population)"
        if c.population_is_default
        else f"{c.population:,} people who start per period"
    )
    return (
        f"Journey {c.journey}: {c.baseline_label} against "
        f"{len(c.alternatives)} alternative{'s' if len(c.alternatives) != 1 else ''}, "
        f"by the same model as the analysis, for {who}.",
        f"Attribution: {c.attribution_method}.",
    )
