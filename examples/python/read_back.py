"""Read a report JSON back into a Report, and check it against a fresh analysis.

    python examples/python/read_back.py build/demo/report.json examples/life_events/x.yaml

The JSON ``journeymap analyze --format json`` writes is versioned (``contract_version``) and
its keys are the Report's field names, so other tools can read it and Python gets back the
very record the analysis made.
"""

from __future__ import annotations

import sys
from pathlib import Path

import journeymap


def main(report_json: str, journey_file: str) -> int:
    report = journeymap.read_document(Path(report_json).read_text(encoding="utf-8"))
    fresh = journeymap.Study.open(journey_file).report()
    same = "equal to" if report == fresh else "DIFFERENT from"
    print(
        f"{report_json}: {report.title}, {len(report.handoffs)} handoffs, "
        f"{report.metrics.completions:,.0f} completions per period; {same} a fresh analysis"
    )
    return 0 if report == fresh else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
