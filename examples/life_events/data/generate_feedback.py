"""Generate the ILLUSTRATIVE A-11 v2 response file for transition-to-civilian-life.yaml.

    python examples/life_events/data/generate_feedback.py

writes ``transition-feedback-a11v2.csv`` next to this script: synthetic responses, not survey
data (see README.md in this folder). The fixed seed makes the file the same on every run.

The story a reader can check against the journey: trust is lowest at the slowest steps (the
VA disability claim, T3, 132 days, and its exams and evidence requests, T3E) and at the UCX
denial (T10), where efficiency and transparency are flagged as what did not go well; it
recovers at enrolment (T5-T7). In FY2025 Q3 the claim step gets better (trust at T3 rises),
as after a change a team would want to see. Columns the report must never show are planted
on purpose: a respondent id and a free-text comment.
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

SEED = 2025
OUT = Path(__file__).with_name("transition-feedback-a11v2.csv")
DRIVERS = ("effectiveness", "ease", "efficiency", "transparency", "humanity", "employee", "other")

# touchpoint: (responses, trust up share, {driver: share flagging it negative when trust is down})
STEPS: dict[str, tuple[int, float, dict[str, float]]] = {
    "T1": (420, 0.80, {"ease": 0.3, "transparency": 0.2}),
    "T2": (300, 0.78, {"effectiveness": 0.3, "efficiency": 0.3}),
    "T3": (640, 0.42, {"efficiency": 0.8, "transparency": 0.6, "ease": 0.3}),
    "T3E": (260, 0.38, {"efficiency": 0.7, "transparency": 0.7, "humanity": 0.3}),
    "T4": (380, 0.74, {"efficiency": 0.3, "ease": 0.3}),
    "T5": (360, 0.83, {"ease": 0.3}),
    "T6": (300, 0.71, {"efficiency": 0.4, "ease": 0.3}),
    "T7": (200, 0.86, {"other": 0.3}),
    "T8": (240, 0.55, {"efficiency": 0.5, "transparency": 0.4}),
    "T9": (220, 0.88, {"ease": 0.2}),
    "T10": (70, 0.20, {"transparency": 0.7, "effectiveness": 0.6}),
}
# How some offices record the touchpoint: the OMB control number of the form.
BY_OMB = {"T3": "2900-0747", "T5": "2900-0091", "T6": "2900-0154"}
CHANNELS = {"T3": "online", "T5": "online", "T6": "online", "T8": "online", "T10": "mail"}
FIRST = date(2023, 10, 1)  # FY2024 Q1
DAYS = 730  # two fiscal years
CHANGE = date(2025, 4, 1)  # FY2025 Q3: the claim step improves


def _row(rng: random.Random, k: int, tp: str, base: float, bad: dict[str, float]) -> list[str]:
    when = FIRST + timedelta(days=rng.randrange(DAYS))
    p = base + (0.2 if tp == "T3" and when >= CHANGE else 0.0)
    up = rng.random() < p
    # flags mostly go with the trust answer, not always (people are not that consistent)
    negative = {d: int(rng.random() < (bad.get(d, 0.05) if not up else 0.03)) for d in DRIVERS}
    positive = {d: int(rng.random() < (0.45 if up else 0.08) and not negative[d]) for d in DRIVERS}
    value = BY_OMB[tp] if tp in BY_OMB and rng.random() < 0.3 else tp
    return [
        f"R{k:06d}",
        value,
        when.isoformat(),
        "up" if up else "down",
        *(str(positive[d]) for d in DRIVERS),
        *(str(negative[d]) for d in DRIVERS),
        CHANNELS.get(tp, "in_person"),
        rng.choice(("English", "English", "English", "Spanish")),
        rng.choice(("", "", "", "It took too long.", "Call me back at my cell.")),
    ]


def main() -> None:
    rng = random.Random(SEED)
    header = [
        "respondent_id",
        "touchpoint",
        "submitted",
        "trust",
        *(f"positive_{d}" for d in DRIVERS),
        *(f"negative_{d}" for d in DRIVERS),
        "channel",
        "language",
        "comment",
    ]
    rows = []
    k = 0
    for tp, (n, base, bad) in STEPS.items():
        for _ in range(n):
            k += 1
            rows.append(_row(rng, k, tp, base, bad))
    rows.sort(key=lambda r: (r[2], r[0]))
    # a few rows a real export would have: an unknown step and an unreadable answer
    rows.insert(100, [f"R{k + 1:06d}", "T99", "2024-02-01", "up", *["0"] * 14, "online", "", ""])
    rows.insert(200, [f"R{k + 2:06d}", "T5", "2024-03-01", "maybe", *["0"] * 14, "online", "", ""])
    with OUT.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    print(f"{OUT}: {len(rows):,} illustrative responses")


if __name__ == "__main__":
    main()
