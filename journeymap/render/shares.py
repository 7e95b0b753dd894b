"""The percentage shown for each alternative arrow, the same in the story, the tables and the
map: the share the analysis used (``EdgeFlow.share``) as :func:`journeymap.fmt.percent`
writes it, unless the alternatives of one touchpoint so written do not add up to 100 %, in
which case whole percentages that do (largest remainders: 1/3, 1/3, 1/3 is told as 34 %,
33 %, 33 %, never 33 % three times). The shares themselves are never recomputed here."""

from __future__ import annotations

from collections.abc import Sequence

from .. import fmt
from ..report import Report

__all__ = ["percents", "share_labels"]


def percents(shares: Sequence[float]) -> list[str]:
    """One group of alternatives' shares (which add up to 1) as percentages that add up to
    100 %.

    >>> percents([0.85, 0.15]), percents([1 / 3, 1 / 3, 1 / 3])
    (['85%', '15%'], ['34%', '33%', '33%'])
    """
    shown = [fmt.percent(x) for x in shares]
    if abs(sum(shares) - 1) > 1e-6 or abs(sum(float(p.rstrip("%")) for p in shown) - 100) < 1e-9:
        return shown  # shares that are not a whole are shown as they are
    return [f"{p}%" for p in fmt.largest_remainder([100 * x for x in shares], 100)]


def share_labels(report: Report) -> dict[tuple[str, str], str]:
    """The percentage shown on each alternative arrow, by (source, target)."""
    groups: dict[str, list[tuple[str, float]]] = {}
    for e in report.edges:
        if e.kind == "alternative":
            groups.setdefault(e.source, []).append((e.target, e.share))
    labels: dict[tuple[str, str], str] = {}
    for source, out in groups.items():
        for (target, _), text in zip(out, percents([s for _, s in out]), strict=True):
            labels[(source, target)] = text
    return labels
