"""Coverage-guided fuzzing of the journey loader with atheris (not run by CI or pytest).

Feeds arbitrary bytes to :func:`journeymap.check_journey` and :func:`journeymap.parse_journey`
and fails on anything but a located :class:`~journeymap.exceptions.JourneyFileError`: an
exception of another kind, a problem without a line and column, a journey that does not
survive :func:`~journeymap.dump_journey`, or ``check_journey`` and ``parse_journey``
disagreeing. Every crash is a bug to fix; add its input as a plain regression test.

Run it (atheris needs ``pip install atheris``; ``-max_total_time`` bounds the run)::

    .venv/bin/python tests/fuzz/fuzz_loader.py -max_total_time=60 -rss_limit_mb=4096 \\
        /tmp/journeymap-fuzz-corpus

The seed corpus is the examples and the test data (copied into the corpus folder on the
first run; libFuzzer adds the inputs that reach new code there).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import atheris

ROOT = Path(__file__).resolve().parents[2]

with atheris.instrument_imports(include=["journeymap"]):
    from journeymap import JourneyFileError, check_journey, dump_journey, parse_journey


def test_one_input(data: bytes) -> None:
    result = check_journey(data, source="f.yaml")
    for problem in result.problems:
        if problem.line is None or problem.column is None or problem.line < 1:
            if problem.message.startswith("the text is longer than"):
                continue
            raise AssertionError(f"a problem without a place: {problem}")
    try:
        journey = parse_journey(data, source="f.yaml")
    except JourneyFileError as err:
        if result.ok:
            raise AssertionError("check_journey said ok, parse_journey refused") from err
        return
    if not result.ok:
        raise AssertionError("parse_journey accepted what check_journey refused")
    again = parse_journey(dump_journey(journey))
    if again != journey:
        raise AssertionError("dump_journey does not round-trip")


def seed(corpus: Path) -> None:
    if corpus.exists():
        return
    corpus.mkdir(parents=True)
    for path in [*ROOT.glob("examples/**/*.yaml"), *ROOT.glob("tests/data/*.yaml")]:
        shutil.copy(path, corpus / path.name)


def main() -> None:
    folders = [a for a in sys.argv[1:] if not a.startswith("-")]
    for folder in folders:
        seed(Path(folder))
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
