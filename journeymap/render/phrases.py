"""Phrases every renderer writes the same way: written once here, so the map, the story, the
text and the Markdown never word one fact two ways.

Numbers come from the Report as they are; these only put them into words.
"""

from __future__ import annotations

from .. import fmt
from ..report import Metrics

__all__ = ["ARROW", "duration_fact", "interval", "outcome_counts", "per_person"]

#: Between the two ends of an arrow or a path: "a → b".
ARROW = " → "


def interval(low: float, high: float) -> str:
    """A 95 % interval of shares: ``'12%–18%'``.

    >>> interval(0.12, 0.184)
    '12%–18%'
    """
    return f"{fmt.percent(low)}–{fmt.percent(high)}"


def duration_fact(median_days: float | None) -> str | None:
    """A touchpoint's usual duration as a fact on its box: ``'median 5 days'``, ``'immediate'``
    for 0 days (a milestone, a decision logged at once: never "0 minutes"), None without one.

    >>> duration_fact(5.0), duration_fact(0.0), duration_fact(None)
    ('median 5 days', 'immediate', None)
    """
    if median_days is None:
        return None
    return "immediate" if median_days == 0 else f"median {fmt.days(median_days)}"


def per_person(value: float) -> str:
    """An average per person who starts (handoffs, repeat requests): ``'1.4'``, ``'0.54'``.

    >>> per_person(1.4), per_person(0.5384), per_person(2.0)
    ('1.4', '0.54', '2')
    """
    return fmt.number(value)


def outcome_counts(m: Metrics) -> tuple[str, str, str]:
    """People who complete, fail and give up, each written once for every renderer: whole
    numbers that add up to the population (largest remainders, in that order), or rounded
    as :func:`journeymap.fmt.people` rounds them below 100 people, where whole numbers
    would hide most of the figures.

    >>> from journeymap import analyze, parse_journey
    >>> r = analyze(parse_journey('''journeymap: 1
    ... id: x
    ... title: X
    ... agencies: [{id: A, name: A}]
    ... touchpoints: [{id: a, name: A, agency: A, drop_off: 0.3335}]'''))
    >>> outcome_counts(r.metrics)
    ('667', '0', '333')
    """
    parts = [m.completions, m.failures, m.abandonments]
    if m.population < 100:
        done, failed, gave_up = (fmt.people(v) for v in parts)
        return done, failed, gave_up
    whole = fmt.largest_remainder(parts, m.population)
    return f"{whole[0]:,}", f"{whole[1]:,}", f"{whole[2]:,}"
