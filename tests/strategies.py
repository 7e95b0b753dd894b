"""Hypothesis strategies: valid journeys as YAML-shaped dicts."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from journeymap.catalog import CATALOG

ids = st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,7}", fullmatch=True)
texts = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=30
).filter(lambda s: s.strip() == s and s != "")
durations = st.sampled_from(["30min", "2h", "5d", "3w", "2mo", "1.5d", "PT45M", "P2D"])
shares2 = st.floats(min_value=0.05, max_value=0.95).map(lambda x: round(x, 3))


@st.composite
def journeys(draw: st.DrawFn) -> dict[str, Any]:
    """A valid journey: a chain with alternatives, optional loops and a parallel block."""
    agency_ids = draw(st.lists(ids, min_size=1, max_size=4, unique=True))
    stage_ids = draw(st.lists(ids, min_size=0, max_size=3, unique=True))
    n = draw(st.integers(min_value=1, max_value=8))
    tp_ids = [f"t{i}" for i in range(n)]
    touchpoints: list[dict[str, Any]] = []
    for i, tid in enumerate(tp_ids):
        tp: dict[str, Any] = {
            "id": tid,
            "name": draw(texts),
            "agency": draw(st.sampled_from(agency_ids)),
        }
        if stage_ids and draw(st.booleans()):
            tp["stage"] = draw(st.sampled_from(stage_ids))
        if draw(st.booleans()):
            tp["asks"] = draw(st.lists(st.sampled_from(sorted(CATALOG)), max_size=3, unique=True))
        if draw(st.booleans()):
            tp["duration"] = draw(
                st.one_of(durations, st.fixed_dictionaries({"median": durations}))
            )
        if draw(st.booleans()):
            tp["drop_off"] = draw(st.floats(min_value=0, max_value=1))
        if draw(st.booleans()):
            tp["effort"] = draw(durations)
        if draw(st.booleans()):
            tp["satisfaction"] = draw(st.floats(min_value=1, max_value=5))
        if draw(st.booleans()):
            tp["pain_points"] = draw(st.lists(texts, max_size=2))
        if i < n - 1:
            later = tp_ids[i + 1 :]
            kind = draw(st.sampled_from(["single", "alternatives", "loop"]))
            if kind == "alternatives" and len(later) >= 2:
                a, b = draw(st.lists(st.sampled_from(later), min_size=2, max_size=2, unique=True))
                share = draw(shares2)
                tp["next"] = [
                    {"to": a, "share": share},
                    {"to": b, "share": round(1 - share, 3), "wait": draw(durations)},
                ]
            elif kind == "loop" and i > 0:
                back = draw(st.sampled_from(tp_ids[:i]))
                share = draw(shares2)
                tp["next"] = [{"to": back, "share": share}, {"to": later[0], "share": 1 - share}]
            else:
                tp["next"] = later[0]
        elif draw(st.booleans()):
            tp["outcome"] = draw(st.sampled_from(["success", "failure"]))
        touchpoints.append(tp)
    doc: dict[str, Any] = {
        "journeymap": 1,
        "id": draw(st.from_regex(r"[a-z0-9][a-z0-9_-]{0,10}", fullmatch=True)),
        "title": draw(texts),
        "agencies": [{"id": a, "name": draw(texts)} for a in agency_ids],
        "touchpoints": touchpoints,
    }
    if stage_ids:
        doc["stages"] = [{"id": s, "name": draw(texts)} for s in stage_ids]
    if draw(st.booleans()):
        doc["summary"] = draw(texts)
    if draw(st.booleans()):
        doc["population"] = draw(st.integers(min_value=1, max_value=10**7))
    return doc
