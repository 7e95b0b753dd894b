"""Values of a source (activities, touchpoint values of responses) matched to touchpoints:
one matcher for every source.

In order: the caller's map; a touchpoint id (exactly, then ignoring case); a touchpoint's
name (ignoring case and surrounding spaces); and with ``extended`` (feedback) an OMB
control number of one touchpoint's ``forms[].omb``, or a stage (id or name) or a channel
that exactly one touchpoint has. A value that matches several touchpoints at the first rule
that matches it at all is ambiguous, never matched to one of them at random.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..models import Journey

__all__ = ["Matches", "match_values"]


@dataclass(frozen=True)
class Matches:
    """Values matched to touchpoints: ``found`` value -> (touchpoint id, how: map, id, name,
    OMB number, stage, channel), and the ``ambiguous`` values."""

    found: dict[str, tuple[str, str]]
    ambiguous: frozenset[str]

    def ids(self) -> dict[str, str]:
        """Value -> touchpoint id."""
        return {value: tp for value, (tp, _how) in self.found.items()}


def _rules(journey: Journey, extended: bool) -> list[tuple[str, dict[str, list[str]]]]:
    """The automatic matches, in the order tried, keyed by the folded value."""
    by: dict[str, dict[str, list[str]]] = {k: {} for k in ("id", "name", "OMB", "stage", "ch")}
    stages = {s.id: s.name for s in journey.stages}
    for t in journey.touchpoints:
        by["id"].setdefault(t.id.casefold(), []).append(t.id)
        by["name"].setdefault(t.name.strip().casefold(), []).append(t.id)
        for form in t.forms:
            if form.omb and t.id not in by["OMB"].get(form.omb, []):
                by["OMB"].setdefault(form.omb, []).append(t.id)
        if t.stage:
            for key in dict.fromkeys((t.stage.casefold(), stages.get(t.stage, t.stage).casefold())):
                by["stage"].setdefault(key, []).append(t.id)
        if t.channel:
            by["ch"].setdefault(t.channel.value.casefold(), []).append(t.id)
    names = {"id": "id", "name": "name", "OMB": "OMB number", "stage": "stage", "ch": "channel"}
    kept = ("id", "name", "OMB", "stage", "ch") if extended else ("id", "name")
    return [(names[k], by[k]) for k in kept]


def match_values(
    journey: Journey, values: Iterable[str], mapping: Mapping[str, str], *, extended: bool
) -> Matches:
    """Match each value (see the module docs)."""
    ids = {t.id for t in journey.touchpoints}
    rules = _rules(journey, extended)
    found: dict[str, tuple[str, str]] = {}
    ambiguous: set[str] = set()
    for value in values:
        if value in mapping:
            found[value] = (mapping[value], "map")
            continue
        if value in ids:
            found[value] = (value, "id")
            continue
        for how, table in rules:
            key = value if how == "OMB number" else value.strip().casefold()
            hits = sorted(set(table.get(key, [])))
            if len(hits) == 1:
                found[value] = (hits[0], how)
                break
            if len(hits) > 1:
                ambiguous.add(value)
                break
    return Matches(found, frozenset(ambiguous))
