"""Which touchpoints count as reaching an end, names that almost match, and headline warnings.

An end of the journey that has no events in the log (a join, a letter, a milestone nobody
records) would make every case an abandoner. The rule (``docs/events.md``): a case reaches
an unlogged end when its last event is at a logged touchpoint from which the journey leads
to that end through unlogged touchpoints only; ``ends`` given explicitly replace the rule.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..models import Journey

__all__ = ["Ends", "headline_warnings", "resolve_ends", "suggest_mappings"]

#: Most unmapped rows, as a share of the rows read, before the headline warns.
UNMAPPED_WARN = 0.5
_SUGGESTIONS = 10
#: difflib similarity from which an unmapped activity is suggested for a touchpoint's name.
NEAR = 0.9


@dataclass(frozen=True)
class Ends:
    """Touchpoint ids that count as reaching an end, and notes on how they were chosen."""

    ids: tuple[str, ...]
    notes: tuple[str, ...]


def _predecessors(journey: Journey) -> dict[str, list[str]]:
    before: dict[str, list[str]] = {t.id: [] for t in journey.touchpoints}
    for t in journey.touchpoints:
        for n in t.next:
            before[n.to].append(t.id)
    return before


def resolve_ends(journey: Journey, logged: set[str], explicit: Sequence[str] | None) -> Ends:
    """The touchpoints that count as an end (see the module docs)."""
    if explicit:  # touchpoint ids: EventOptions.check_journey checked them
        return Ends(tuple(dict.fromkeys(explicit)), ())
    before = _predecessors(journey)
    ids: list[str] = []
    notes: list[str] = []
    for end in (t.id for t in journey.touchpoints if t.is_end):
        if end in logged:
            ids.append(end)
            continue
        proxies: list[str] = []
        stack, visited = list(before[end]), {end}
        while stack:
            node = stack.pop()
            if node in visited:
                continue
            visited.add(node)
            if node in logged:
                proxies.append(node)
            else:
                stack += before[node]
        order = [t.id for t in journey.touchpoints]
        proxies.sort(key=order.index)
        ids += proxies
        if proxies:
            notes.append(
                f"the end {end} has no events in the log: a case whose last event is at "
                f"{', '.join(proxies)} counts as having reached it"
            )
        else:
            notes.append(f"the end {end} has no events in the log and no logged step before it")
    return Ends(tuple(dict.fromkeys(ids)), tuple(notes))


def _fold(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text.casefold()).strip()


def suggest_mappings(
    journey: Journey, unmapped: Sequence[tuple[str, int]]
) -> tuple[tuple[str, str], ...]:
    """(activity, touchpoint id) for unmapped activities that differ from a touchpoint's
    name or id only in case, spacing or punctuation, else whose name is near (difflib).
    Only the activities given are considered (those seen in at least min_cell cases)."""
    names = {_fold(t.name): t.id for t in journey.touchpoints}
    names.update({_fold(t.id): t.id for t in journey.touchpoints})
    out: list[tuple[str, str]] = []
    for activity, _ in sorted(unmapped, key=lambda a: -a[1]):
        folded = _fold(activity)
        if folded in names:
            out.append((activity, names[folded]))
            continue
        near = difflib.get_close_matches(folded, list(names), n=1, cutoff=NEAR)
        if near:
            out.append((activity, names[near[0]]))
        if len(out) >= _SUGGESTIONS:
            break
    return tuple(out)


def headline_warnings(
    *, rows_read: int, unmapped_rows: int, cases: int, completed: int, ends: Ends
) -> tuple[str, ...]:
    """Warnings for the first lines of a report: most rows unmapped, no case finishing."""
    out: list[str] = []
    if rows_read and unmapped_rows / rows_read > UNMAPPED_WARN:
        out.append(
            f"{unmapped_rows / rows_read:.0%} of the event log's rows ({unmapped_rows:,} of "
            f"{rows_read:,}) are activities the journey does not map: the observed numbers "
            "rest on the rest; map the activities (events map)"
        )
    if cases and completed == 0:
        where = "no touchpoint counts as an end" if not ends.ids else "none reached an end"
        out.append(
            f"0 of {cases:,} cases finish in the event log ({where}): check that the "
            "journey's end is logged, or name the touchpoints that count as an end (events ends)"
        )
    return tuple(out)
