"""Generate a realistic synthetic event log by simulating people through a journey.

Every touchpoint visit is one event (activity = the touchpoint's name, resource = its
agency) at the moment the visit ends; durations are lognormal through each touchpoint's
median and p90; people abandon by ``drop_off``, choose alternatives by ``share``, go down every
branch of a parallel block (events interleave in time), and loop back. Case ids are text.
Deterministic for a seed.

    python benchmarks/generate_event_log.py 1000000 -o build/log-1e6.parquet
"""

from __future__ import annotations

import argparse
import math
import random
from datetime import UTC, datetime
from pathlib import Path

from journeymap import Journey, load_journey

ROOT = Path(__file__).resolve().parent.parent
#: The lifecycle of each row of the last :func:`simulate` (``"complete"`` without lifecycle).
PHASES: list[str] = []
DEFAULT_JOURNEY = ROOT / "examples" / "life_events" / "disaster-recovery.yaml"
Z90 = 1.2815515655446004
START = datetime(2024, 1, 1, tzinfo=UTC).timestamp()


def simulate(
    journey: Journey, events: int, seed: int = 0, *, lifecycle: bool = False
) -> list[tuple[str, str, float, str]]:
    """(case id, activity, epoch seconds, resource) rows, about ``events`` of them.

    With ``lifecycle`` each visit is a start (halfway through its time) and a complete
    (:data:`PHASES` holds the lifecycle of each row), and a person who gives up at a
    touchpoint logs its start only: began and never finished. The random draws are the
    same, so the paths are those of the log without lifecycle."""
    PHASES.clear()
    rng = random.Random(seed)
    tps = {t.id: t for t in journey.touchpoints}
    from journeymap.analysis.flow import find_blocks
    from journeymap.graph import build_graph

    joins = {b.split: b.join for b in find_blocks(build_graph(journey))}

    def duration(tid: str) -> float:
        d = tps[tid].duration
        if d is None or d.median.minutes == 0:
            return rng.uniform(60, 3600)
        median = d.median.minutes * 60
        if d.p90 is None or d.p90.minutes <= d.median.minutes:
            sigma = 0.5
        else:
            sigma = (math.log(d.p90.minutes) - math.log(d.median.minutes)) / Z90
        return math.exp(rng.gauss(math.log(median), sigma))

    rows: list[tuple[str, str, float, str]] = []

    def walk(case: str, node: str, t: float, stop: str | None) -> tuple[float, bool]:
        for _ in range(200):
            if node == stop:
                return t, True
            tp = tps[node]
            took = duration(node)
            t += took
            if lifecycle:
                rows.append((case, tp.name, t - took / 2, tp.agency))
                PHASES.append("start")
            gives_up = bool(tp.drop_off) and rng.random() < (tp.drop_off or 0.0)
            if gives_up and lifecycle:
                return t - took / 2, False
            rows.append((case, tp.name, t, tp.agency))
            PHASES.append("complete")
            if gives_up:
                return t, False
            if not tp.next:
                return t, True
            if tp.split == "all":
                ends = [walk(case, n.to, t, joins[node]) for n in tp.next]
                if not all(ok for _, ok in ends):
                    return max(e for e, _ in ends), False
                t = max(e for e, _ in ends)
                node = joins[node]
                continue
            r = rng.random()
            acc = 0.0
            choice = tp.next[-1]
            for n in tp.next:
                acc += n.share if n.share is not None else 1.0
                if r < acc:
                    choice = n
                    break
            if choice.wait:
                t += choice.wait.minutes * 60
            node = choice.to
        return t, False

    i = 0
    while len(rows) < events:
        i += 1
        walk(
            f"case-{i:08d}", journey.start_touchpoint.id, START + rng.uniform(0, 365 * 86400), None
        )
    del PHASES[events:]
    return rows[:events]


def realistic_mess(
    rows: list[tuple[str, str, float, str]], seed: int = 0
) -> list[tuple[str, str, str, str]]:
    """Rows as an export would have them: helpline calls the journey does not model, a few
    unparsable timestamps, a missing case id and duplicated events (for the example log)."""
    rng = random.Random(seed)
    out: list[tuple[str, str, str, str]] = []
    for case, activity, t, resource in rows:
        stamp = datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%d %H:%M:%S%z")
        out.append((case, activity, stamp, resource))
        r = rng.random()
        if r < 0.03:
            call = datetime.fromtimestamp(t + 3600, UTC).strftime("%Y-%m-%d %H:%M:%S%z")
            out.append((case, "Call the FEMA helpline", call, "FEMA"))
        elif r < 0.035:
            out.append((case, activity, stamp, resource))
        elif r < 0.037:
            out.append((case, activity, "31/02/2024 25:00", resource))
        elif r < 0.038:
            out.append(("", activity, stamp, resource))
    return out


CHANNELS = (("online", 0.6), ("phone", 0.25), ("in person", 0.15))


def channel_of(case: str, seed: int = 0) -> str:
    """The channel a case came in by (a case attribute, for segments): drawn from its own
    random stream, so adding the column changes no other value of a log."""
    r = random.Random(f"{seed}:channel:{case}").random()
    acc = 0.0
    for name, share in CHANNELS:
        acc += share
        if r < acc:
            return name
    return CHANNELS[-1][0]


def write(rows: list[tuple[str, str, float, str]], path: Path, *, lifecycle: bool = False) -> None:
    """Write Parquet (zstd) or CSV with XES-style column names, through DuckDB."""
    import duckdb
    import pyarrow as pa

    table = pa.table(
        {
            "case:concept:name": [r[0] for r in rows],
            "concept:name": [r[1] for r in rows],
            "time:timestamp": pa.array(
                [int(r[2] * 1_000_000) for r in rows], type=pa.timestamp("us", tz="UTC")
            ),
            "org:resource": [r[3] for r in rows],
            **({"lifecycle:transition": PHASES[: len(rows)]} if lifecycle else {}),
        }
    )
    con = duckdb.connect()
    con.register("t", table)
    path.parent.mkdir(parents=True, exist_ok=True)
    fmt = "(FORMAT parquet, COMPRESSION zstd)" if path.suffix == ".parquet" else "(HEADER)"
    con.execute(f"COPY t TO '{path}' {fmt}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("events", type=int)
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--journey", type=Path, default=DEFAULT_JOURNEY)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--messy",
        action="store_true",
        help="CSV with unmodelled activities, bad timestamps and duplicates (the example log)",
    )
    parser.add_argument(
        "--lifecycle",
        action="store_true",
        help="start and complete events; giving up logs only the start (Parquet/CSV only)",
    )
    parser.add_argument(
        "--slower",
        action="append",
        default=[],
        metavar="ID=FACTOR",
        help="multiply a touchpoint's durations (the log then disagrees with the design)",
    )
    args = parser.parse_args()
    journey = load_journey(args.journey)
    if args.slower:
        doc = journey.model_dump(mode="json", exclude_defaults=True)
        factors = dict(item.split("=") for item in args.slower)
        for tp in doc["touchpoints"]:
            if tp["id"] in factors and "duration" in tp:
                d = journey.touchpoint(tp["id"]).duration
                assert d is not None
                k = float(factors[tp["id"]])
                tp["duration"] = {"median": f"{d.median.minutes * k}min"}
                if d.p90:
                    tp["duration"]["p90"] = f"{d.p90.minutes * k}min"
        journey = Journey.model_validate(doc)
    rows = simulate(journey, args.events, args.seed, lifecycle=args.lifecycle)
    if args.messy:
        import csv

        args.output.parent.mkdir(parents=True, exist_ok=True)
        with args.output.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["case_id", "activity", "timestamp", "agency", "channel"])
            writer.writerows(
                (*row, channel_of(row[0], args.seed) if row[0] else "")
                for row in realistic_mess(rows, args.seed)
            )
    else:
        write(rows, args.output, lifecycle=args.lifecycle)
    print(f"{args.output}: {len(rows):,} events")


if __name__ == "__main__":
    main()
