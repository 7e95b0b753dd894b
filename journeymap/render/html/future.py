"""Current vs future for the page: from a :class:`~journeymap.comparison.Comparison` only.

The numbers are the comparison's, formatted exactly as ``journeymap compare`` formats them
(:mod:`journeymap.render.compare`), so the page, the terminal table and the Markdown agree.
"""

from __future__ import annotations

from ...comparison import MEASURES, Alternative, Comparison
from ..compare_numbers import (
    ATTRIBUTION_HEADER,
    alternative_heading,
    attribution_rows,
    intro_lines,
    measure_rows,
    same_note,
    structure_lines,
)
from .contract import ScenarioBar, ScenarioView

__all__ = ["comparison_intro", "scenario_bars", "scenario_views"]

#: Chart geometry (SVG units): the height of one measure's row, the width of a full bar.
ROW = 40.0
BAR = 260.0


def scenario_bars(c: Comparison, alt: Alternative) -> tuple[tuple[ScenarioBar, ...], float]:
    """One row per measure both sides have, each on its own scale (the larger side is a
    full bar); and the chart's height."""
    rows = {r[0] + r[1]: r for r in measure_rows(c.baseline, alt)}
    bars: list[ScenarioBar] = []
    for name, label, unit in MEASURES:
        before, after = c.baseline.get(name), alt.measures.get(name)
        if before is None or after is None:
            continue
        top = max(abs(before), abs(after))
        row = rows[label + unit]
        bars.append(
            ScenarioBar(
                label=label,
                unit=unit,
                baseline=row[2],
                scenario=row[3],
                difference=row[4],
                y=len(bars) * ROW,
                baseline_width=round(BAR * abs(before) / top, 1) if top else 0.0,
                scenario_width=round(BAR * abs(after) / top, 1) if top else 0.0,
            )
        )
    return tuple(bars), max(ROW, ROW * len(bars))


def _view(c: Comparison, alt: Alternative) -> ScenarioView:
    bars, height = scenario_bars(c, alt)
    attribution = attribution_rows(alt)
    return ScenarioView(
        id=alt.id,
        heading=alternative_heading(alt),
        title=alt.title if alt.title != alt.id else "",
        baseline_label=c.baseline_label,
        assumptions=(alt.assumptions or "none stated").strip(),
        same_note=same_note(alt),
        notes=alt.notes,
        measures=tuple((r[0], r[1], r[2], r[3], r[4]) for r in measure_rows(c.baseline, alt)),
        bars=bars,
        chart_height=height,
        attribution_header=ATTRIBUTION_HEADER if attribution else (),
        attribution_rows=attribution,
        changes=tuple(f"Change {i}: {text}" for i, text in enumerate(alt.changes, start=1)),
        structure=structure_lines(alt.structure),
    )


def scenario_views(c: Comparison | None) -> tuple[ScenarioView, ...]:
    """One view per alternative (empty without a comparison)."""
    return tuple(_view(c, a) for a in c.alternatives) if c else ()


def comparison_intro(c: Comparison | None, *, observed: bool = False) -> tuple[str, ...]:
    """What is compared with what, for how many people, and how the difference is split."""
    if c is None:
        return ()
    out = list(intro_lines(c))
    if observed:
        out.append(
            "Both sides start from the event log's observed numbers, as the rest of this page "
            "does; a scenario's changes replace them where it sets them."
        )
    return tuple(out)
