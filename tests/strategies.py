"""Hypothesis strategies: valid journeys as YAML-shaped dicts."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
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


@st.composite
def flow_journeys(draw: st.DrawFn) -> dict[str, Any]:
    """A valid journey mixing a chain, alternatives, an optional loop and a parallel block."""
    agencies = ["A", "B", "C"]
    drop = st.one_of(st.none(), st.floats(min_value=0, max_value=0.6).map(lambda x: round(x, 3)))
    dur = st.sampled_from(["1d", "2d", "5d", "12h", "3w"])
    tps: list[dict[str, Any]] = []

    def tp(tid: str, **extra: Any) -> dict[str, Any]:
        t: dict[str, Any] = {
            "id": tid,
            "name": f"Step {tid}",
            "agency": draw(st.sampled_from(agencies)),
            "duration": draw(dur),
            "asks": draw(
                st.lists(st.sampled_from(["ssn", "email", "dd214"]), max_size=2, unique=True)
            ),
        }
        d = draw(drop)
        if d is not None:
            t["drop_off"] = d
        t.update(extra)
        return t

    n_pre = draw(st.integers(min_value=1, max_value=3))
    for i in range(n_pre):
        tps.append(tp(f"p{i}", next=f"p{i + 1}" if i + 1 < n_pre else "s"))
    n_branches = draw(st.integers(min_value=2, max_value=3))
    heads = []
    for b in range(n_branches):
        length = draw(st.integers(min_value=1, max_value=2))
        ids = [f"b{b}_{k}" for k in range(length)]
        heads.append(ids[0])
        for k, tid in enumerate(ids):
            tps.append(tp(tid, next=ids[k + 1] if k + 1 < length else "j"))
    tps.append(tp("s", split="all", next=heads))
    loop = draw(st.booleans())
    share = draw(st.floats(min_value=0.1, max_value=0.5).map(lambda x: round(x, 2)))
    if loop:
        tps.append(
            tp(
                "j",
                join="all",
                next=[{"to": "p0", "share": share}, {"to": "q", "share": round(1 - share, 2)}],
            )
        )
    else:
        tps.append(tp("j", join="all", next="q"))
    tps.append(tp("q", next=[{"to": "ok", "share": 1 - share}, {"to": "no", "share": share}]))
    tps.append(tp("ok", outcome="success"))
    tps.append(tp("no", outcome="failure"))
    return {
        "journeymap": 1,
        "id": "gen",
        "title": "Generated",
        "agencies": [{"id": a, "name": a} for a in agencies],
        "touchpoints": tps,
    }


#: Words for generated touchpoint ids and names (no digits, so that every number a renderer
#: shows about a generated journey is one of the Report's).
_WORDS = ("ant", "bee", "cat", "dog", "eel", "fox", "gnu", "hen", "ibis", "jay", "kiwi", "lynx")


@st.composite
def shaped_journeys(draw: st.DrawFn) -> dict[str, Any]:
    """A valid journey of every shape the renderers draw: a chain, a parallel block
    (``split: all`` ... ``join: all``), milestones (``kind: milestone``), backstage steps
    (``lane: backstage``), alternatives with waits, an optional loop back, ends in success and
    in failure, three agencies, two stages, with or without a population. Ids and names hold
    no digits."""
    agencies = ["A", "B", "C"]
    words = iter(_WORDS)
    drop = st.one_of(st.none(), st.sampled_from([0.0, 0.01, 0.05, 0.125, 0.3, 1 / 3]))
    dur = st.one_of(
        st.sampled_from(["0d", "30min", "12h", "1d", "2.5d", "5d", "3w"]),
        st.fixed_dictionaries({"median": st.sampled_from(["1d", "5d"]), "p90": st.just("3w")}),
    )
    tps: list[dict[str, Any]] = []

    def tp(**extra: Any) -> dict[str, Any]:
        tid = next(words)
        t: dict[str, Any] = {
            "id": tid,
            "name": f"Step {tid}",
            "agency": draw(st.sampled_from(agencies)),
            "stage": draw(st.sampled_from(["early", "late"])),
            "asks": draw(st.lists(st.sampled_from(["ssn", "email"]), max_size=2, unique=True)),
        }
        shape = draw(st.sampled_from(["step", "step", "milestone", "backstage"]))
        if shape == "milestone":
            t["kind"] = "milestone"
        elif shape == "backstage":
            t["lane"] = "backstage"
        if draw(st.booleans()):
            t["duration"] = draw(dur)
        if draw(st.booleans()):
            t["effort"] = draw(st.sampled_from(["20min", "2h"]))
        d = draw(drop)
        if d is not None:
            t["drop_off"] = d
        t.update(extra)
        tps.append(t)
        return t

    chain = [tp() for _ in range(draw(st.integers(min_value=1, max_value=3)))]
    for a, b in itertools.pairwise(chain):
        a["next"] = b["id"]
    last = chain[-1]
    if draw(st.booleans()):
        last["split"] = "all"
        branches = [
            [tp() for _ in range(draw(st.integers(min_value=1, max_value=2)))]
            for _ in range(draw(st.integers(min_value=2, max_value=3)))
        ]
        last["next"] = [b[0]["id"] for b in branches]
        join = tp(join="all")
        for branch in branches:
            for a, b in zip(branch, [*branch[1:], join], strict=False):
                a["next"] = b["id"]
        last = join
    decide = tp()
    last["next"] = decide["id"]
    ok, no = tp(outcome="success"), tp(outcome="failure")
    share = draw(st.sampled_from([0.5, 0.7, 0.85, 0.9]))
    out: list[dict[str, Any]] = [{"to": ok["id"], "share": share}]
    rest = round(1 - share, 3)
    if draw(st.booleans()):
        back = round(rest / 2, 3)
        out += [
            {"to": no["id"], "share": round(rest - back, 3)},
            {"to": chain[0]["id"], "share": back, "wait": "2d"},
        ]
    else:
        out.append({"to": no["id"], "share": rest, "wait": draw(st.sampled_from(["1d", "4h"]))})
    decide["next"] = out
    doc: dict[str, Any] = {
        "journeymap": 1,
        "id": "shaped",
        "title": "Shaped",
        "agencies": [{"id": a, "name": f"Agency {a}"} for a in agencies],
        "stages": [{"id": "early", "name": "Early"}, {"id": "late", "name": "Late"}],
        "touchpoints": tps,
    }
    if draw(st.booleans()):
        doc["population"] = draw(st.sampled_from([40, 1000, 25_000]))
    return doc


def walk_cases(
    doc: dict[str, Any], choices: list[int], *, cases: int = 8
) -> list[tuple[str, str, str]]:
    """A small event log over a journey dict: ``cases`` cases walk it from its first
    touchpoint, ``choices`` deciding each alternative taken, each time spent and who gives up;
    a parallel block's branches are walked one after the other, its join once all are done.
    Rows are (case, activity, timestamp)."""
    by_id = {t["id"]: t for t in doc["touchpoints"]}
    into: dict[str, int] = {}
    for t in doc["touchpoints"]:
        for n in [t["next"]] if isinstance(t.get("next"), str) else t.get("next", []):
            target = n if isinstance(n, str) else n["to"]
            into[target] = into.get(target, 0) + 1
    picks = iter(choices * (1 + 4000 // max(1, len(choices))) or [0] * 4000)
    rows: list[tuple[str, str, str]] = []
    for case in range(cases):
        when = datetime(2024, 1, 1) + timedelta(days=3 * case)
        stack = [doc["touchpoints"][0]["id"]]
        arrived: dict[str, int] = {}
        for _ in range(60):
            if not stack:
                break
            node = by_id[stack.pop()]
            rows.append((f"c{case}", node["id"], when.isoformat()))
            when += timedelta(hours=6 * (1 + next(picks) % 8))
            if next(picks) % 9 == 0:
                break  # gives up
            nxt = node.get("next")
            if nxt is None:
                continue
            if isinstance(nxt, str):
                targets = [nxt]
            elif node.get("split") == "all":
                targets = list(reversed(nxt))
            else:
                targets = [nxt[next(picks) % len(nxt)]["to"]]
            for target in targets:
                arrived[target] = arrived.get(target, 0) + 1
                if by_id[target].get("join") != "all" or arrived[target] % into[target] == 0:
                    stack.append(target)
    return rows


# --------------------------------------------------------------------------- hostile input
# Used by the fuzz suites (tests/test_fuzz_cli.py, tests/test_fuzz_api.py).

#: Markup that must never reach Markdown or HTML unescaped.
MARKUP = (
    "<script>alert(1)</script>",
    "<svg/onload=alert(2)>",
    "<img src=x onerror=alert(3)>",
    "[click](javascript:alert(4))",
    "javascript:alert(5)",
    '"><b>x</b>',
    "`code` | *b* _i_ ~s~",
    "&amp; & &lt;",
    "{{ 7*7 }} {% raw %}",
    "]]> <!-- -->",
)
#: Terminal escapes and controls: C0, C1, CSI (7- and 8-bit), OSC (title, clipboard), DCS.
ESCAPES = (
    "\x1b[2J",
    "\x1b[31m",
    "\x9b31m",
    "\x1b]0;pwned\x07",
    "\x1b]52;c;cHduZWQ=\x07",
    "\x1bP+q\x1b\\",
    "\x00",
    "\x07",
    "\x08",
    "\x7f",
    "\x85",
    "\x9d8;;http://x\x9c",
    "\r",
)
#: Planted secrets: case ids in logs, tokens in files that are not logs.
SECRET_CASE = "SECRETCASE-"
SECRET_TOKEN = "ghp_"

#: Free text a journey may hold: printable Unicode (no control character) and markup.
hostile_texts = st.one_of(
    texts,
    st.sampled_from(MARKUP),
    st.tuples(texts, st.sampled_from(MARKUP)).map(lambda p: f"{p[0]} {p[1]}"),
)
#: Text with at least one terminal escape or control character in it.
escaped_texts = st.tuples(
    st.text(alphabet="abc <>", max_size=5), st.sampled_from(ESCAPES), st.text("xyz", max_size=3)
).map("".join)
#: File names: spaces, quotes, glob and shell characters, Unicode, a leading dash, escapes.
hostile_names = st.one_of(
    st.sampled_from(
        [
            "a b.yaml",
            "it's.yaml",
            'q"uote.yaml',
            "[1].yaml",
            "*.yaml",
            "-rf.yaml",
            "ünï😀.yaml",
            "$(id).yaml",
            "x;rm.yaml",
            "%s%n.yaml",
        ]
    ),
    escaped_texts.map(lambda t: t.replace("\x00", "").replace("/", "") + ".yaml"),
    st.text(
        alphabet=st.characters(
            codec="utf-8", exclude_characters="/\x00", exclude_categories=("Cs",)
        ),
        min_size=1,
        max_size=20,
    ).map(lambda t: t + ".yaml"),
)


@st.composite
def hostile_journeys(draw: st.DrawFn) -> dict[str, Any]:
    """A valid journey (as :func:`journeys`) whose words are markup and odd Unicode."""
    doc = draw(journeys())
    doc["title"] = draw(hostile_texts)
    for agency in doc["agencies"]:
        agency["name"] = draw(hostile_texts)
    for stage in doc.get("stages", []):
        stage["name"] = draw(hostile_texts)
    for tp in doc["touchpoints"]:
        tp["name"] = draw(hostile_texts)
        if draw(st.booleans()):
            tp["pain_points"] = draw(st.lists(hostile_texts, max_size=2))
    if draw(st.booleans()):
        doc["summary"] = draw(hostile_texts)
    if draw(st.booleans()):
        first = doc["touchpoints"][0]["id"]
        doc["scenarios"] = [
            {
                "id": "s1",
                "title": draw(hostile_texts),
                "assumptions": draw(hostile_texts),
                "changes": [{"touchpoint": first, "name": draw(hostile_texts), "drop_off": 0.05}],
            }
        ]
    return doc


@st.composite
def event_log_csvs(draw: st.DrawFn, touchpoints: list[str]) -> str:
    """A CSV event log over ``touchpoints``: every case id a planted ``SECRETCASE-<n>``;
    activities are the touchpoint ids or unmapped names (markup, escapes); some timestamps
    are bad (one is a case id)."""
    activity = st.one_of(
        st.sampled_from(touchpoints),
        st.sampled_from(touchpoints),
        hostile_texts,
        escaped_texts,
    )
    stamp = st.one_of(
        st.datetimes(min_value=datetime(2023, 1, 1), max_value=datetime(2024, 12, 31)).map(
            lambda d: d.isoformat()
        ),
        st.sampled_from(["", "not a date", "9999-99-99", "2024-02-30", "inf", f"{SECRET_CASE}7"]),
    )
    lines = ["case_id,activity,timestamp"]
    for _ in range(draw(st.integers(min_value=1, max_value=25))):
        case = f"{SECRET_CASE}{draw(st.integers(0, 9))}"
        name = draw(activity).replace('"', '""')
        lines.append(f'{case},"{name}",{draw(stamp)}')
    return "\n".join(lines) + "\n"
