"""The Study: a journey composed once with its evidence, feedback and options.

Every command is a Study, one method and one renderer, so a Python user reproduces any
command with the same calls::

    journeymap analyze j.yaml --events log.csv --min-cell 5
    Study.open("j.yaml", events=EventOptions(paths=("log.csv",), min_cell=5)).report()

    journeymap report j.yaml --events log.csv --scenario ask-once -o page.html
    study = Study.open("j.yaml", events=EventOptions(paths=("log.csv",)))
    study.report(), study.compare(scenarios=("ask-once",))

The order is fixed (``docs/methods.md``): the event log is read once and its numbers replace
the authored ones (evidence first); a scenario is then applied to that journey, so what the
scenario changes overrides the observed numbers and is marked as the scenario's
(:attr:`Report.changes`; a changed touchpoint's ``source`` names the scenario). Feedback is
joined to whichever variant is analysed. The baseline of :meth:`Study.compare` and of
:meth:`Study.suggest` is :meth:`Study.report` itself: one baseline on every page.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict, TypeVar

from typing_extensions import Unpack

from .exceptions import JourneymapTypeError, UsageError
from .models import Journey
from .specs import AnalysisOptions, EngineSettings, EventOptions, FeedbackOptions, require

if TYPE_CHECKING:
    from .comparison import Comparison, Suggestions
    from .feedback_types import ObservedFeedback
    from .observed import ObservedLog
    from .report import ObservedSummary, Portfolio, Report, ScenarioMarks
    from .scenarios.suggesting import CandidateAssumptions, RankBy

__all__ = [
    "AnalysisOptions",
    "EngineSettings",
    "EventOptions",
    "FeedbackOptions",
    "Study",
    "analyze_file",
    "analyze_paths",
]

Progress = Callable[[str], None]
T = TypeVar("T")


class Sources(TypedDict, total=False):
    """What a Study is composed with, besides the journey (every key optional)."""

    events: EventOptions | None
    feedback: FeedbackOptions | None
    engine: EngineSettings | None
    options: AnalysisOptions | None
    progress: Progress | None


_KINDS: dict[str, type] = {
    "events": EventOptions,
    "feedback": FeedbackOptions,
    "engine": EngineSettings,
    "options": AnalysisOptions,
}


class Study:
    """A journey with what measures it: an event log, customer feedback, the engine that
    reads them and the analysis options, each read once (see the module docstring).

    ``events``/``feedback`` None use the journey's ``events:``/``feedback:`` blocks as
    written; ``EventOptions(use_journey_block=False)`` analyses the authored numbers only.
    ``engine``: the table engine's settings; ``options``: the analysis knobs; ``progress``
    is told each stage of reading a log (see :class:`Sources`).
    """

    def __init__(
        self,
        journey: Journey,
        *,
        path: str | os.PathLike[str] | None = None,
        **sources: Unpack[Sources],
    ) -> None:
        require(journey, Journey, "journey", "a Journey (from load_journey)")
        for name, kind in _KINDS.items():
            value = sources.get(name)
            require(value, (kind, type(None)), name, f"{kind.__name__} or None")
        unknown = sorted(set(sources) - set(Sources.__annotations__))
        if unknown:
            takes = ", ".join(Sources.__annotations__)
            msg = f"Study() got an unknown keyword {unknown[0]!r}; it takes {takes}"
            raise JourneymapTypeError(msg)
        self.journey = journey
        self.path = path
        self.options = sources.get("options") or AnalysisOptions()
        self.progress = sources.get("progress")
        events, feedback = sources.get("events"), sources.get("feedback")
        self.events = (events or EventOptions()).merged(journey.events, path)
        self.feedback = (feedback or FeedbackOptions()).merged(journey.feedback, path)
        zone = journey.events.timezone if journey.events is not None else None
        self.engine = (sources.get("engine") or EngineSettings()).with_zone(zone)
        if self.events is not None:
            self.events.check_journey(journey)

    @classmethod
    def open(cls, path: str | os.PathLike[str], **sources: Unpack[Sources]) -> Study:
        """Load the journey file at ``path`` and compose its study."""
        from .loading import load_journey

        return cls(load_journey(path), path=path, **sources)

    def __repr__(self) -> str:
        parts = [repr(self.journey.id)]
        if self.events is not None:
            parts.append(f"events={len(self.events.paths)} file(s)")
        if self.feedback is not None:
            parts.append(f"feedback={len(self.feedback.paths)} file(s)")
        return f"Study({', '.join(parts)})"

    @cached_property
    def log(self) -> ObservedLog | None:
        """What the event log shows (None without one); read on first use, once."""
        from .events import read_events

        return None if self.events is None else self._read(read_events, self.events)

    @cached_property
    def heard(self) -> ObservedFeedback | None:
        """What the customer feedback says (None without it); read on first use, once."""
        from .feedback import read_responses

        return None if self.feedback is None else self._read(read_responses, self.feedback)

    def _read(self, reader: Callable[..., T], spec: object) -> T:
        return reader(spec, journey=self.journey, engine=self.engine, progress=self.progress)

    @cached_property
    def _evidenced(self) -> tuple[Journey, ObservedSummary | None]:
        from .analysis import apply_evidence

        return apply_evidence(self.journey, self.log)

    @property
    def measured(self) -> Journey:
        """The journey with the event log's numbers in place of the authored ones (the
        journey itself without a log): the baseline every variant starts from."""
        return self._evidenced[0]

    def report(self, scenario: str | None = None) -> Report:
        """The Report of the journey as measured, or of one of its scenarios applied over
        the measured numbers (``scenario``: its id; the Report's ``changes`` say what it
        changed).

        Raises
        ------
        UsageError
            No scenario of that id.
        """
        if scenario is None:
            return self._baseline
        journey, marks = self._variant(scenario)
        return self._analyse(journey, marks)

    @cached_property
    def _baseline(self) -> Report:
        return self._analyse(self.measured, None)

    def _variant(self, scenario: str) -> tuple[Journey, ScenarioMarks]:
        from .scenarios.marks import apply_marked, credit_scenario

        require(scenario, str, "scenario", "a scenario id")
        journey, marks = apply_marked(self.measured, scenario)
        return credit_scenario(self.measured, journey, marks), marks

    def _analyse(self, journey: Journey, marks: ScenarioMarks | None) -> Report:
        from .analysis import analyze_measured

        report = analyze_measured(
            journey,
            summary=self._evidenced[1],
            feedback=self.heard,
            options=self.options,
        )
        return report if marks is None else dataclasses.replace(report, changes=marks)

    def compare(self, scenarios: Sequence[str] = (), *, other: Study | None = None) -> Comparison:
        """The measured journey against its scenarios (``scenarios``: the ids, default all),
        or against ``other`` (a second journey, the future state), by the same model.

        Raises
        ------
        UsageError
            The journey has no scenarios, an id is not one of them, or scenario ids are
            given with ``other``.
        """
        from .scenarios.comparing import compare, compare_journeys

        require(other, (Study, type(None)), "other", "a Study or None")
        population = self.options.population
        if other is not None:
            if scenarios:
                msg = "scenario ids apply to one journey, not to a comparison of two journeys"
                raise UsageError(msg, parameter="scenarios")
            return compare_journeys(
                self.measured, other.measured, population=population, baseline=self.report()
            )
        return compare(
            self.measured,
            scenarios=scenarios,
            population=population,
            baseline=self.report(),
            baseline_label="as measured" if self.log is not None else "as written",
        )

    def suggest(
        self, *, assumptions: CandidateAssumptions | None = None, rank_by: RankBy = "hours"
    ) -> Suggestions:
        """Candidate changes to the measured journey, each evaluated like a scenario and
        ranked (``rank_by``: "hours" or "completions")."""
        from .scenarios.suggesting import suggest

        return suggest(
            self.measured,
            assumptions=assumptions,
            population=self.options.population,
            rank_by=rank_by,
            baseline=self.report(),
        )


class Knobs(Sources, total=False):
    """The analysis knobs as keywords, beside a Study's sources (for the one-call helpers)."""

    population: int | None
    seed: int
    runs: int
    top: int


def _studies(paths: Sequence[str | os.PathLike[str]], knobs: Knobs) -> list[Study]:
    unknown = sorted(set(knobs) - set(Knobs.__annotations__))
    if unknown:
        msg = f"got an unknown keyword {unknown[0]!r}; it takes {', '.join(Knobs.__annotations__)}"
        raise JourneymapTypeError(msg)
    options = knobs.get("options") or AnalysisOptions(
        population=knobs.get("population"),
        seed=knobs.get("seed", 0),
        runs=knobs.get("runs", 10_000),
        top=knobs.get("top", 5),
    )
    sources = Sources(
        events=knobs.get("events"),
        feedback=knobs.get("feedback"),
        engine=knobs.get("engine"),
        options=options,
        progress=knobs.get("progress"),
    )
    return [Study.open(p, **sources) for p in paths]


def analyze_file(
    path: str | os.PathLike[str], *, scenario: str | None = None, **knobs: Unpack[Knobs]
) -> Report:
    """``Study.open(path, ...).report(scenario)``: one journey file, measured and analysed
    (``population``, ``seed``, ``runs``, ``top`` as :class:`AnalysisOptions`)."""
    return _studies([path], knobs)[0].report(scenario)


def analyze_paths(
    paths: Sequence[str | os.PathLike[str]], **knobs: Unpack[Knobs]
) -> Report | Portfolio:
    """Journey files and directories: one file gives its Report, several files or a
    directory the :class:`~journeymap.report.Portfolio` (with every Report in it).

    Raises
    ------
    UsageError
        If a path does not exist or no journey file is found.
    """
    from .analysis.portfolio import build_portfolio
    from .loading import find_journey_files

    if isinstance(paths, str | os.PathLike):
        msg = f"paths must be a sequence of paths, not one string ({os.fspath(paths)!r})"
        raise JourneymapTypeError(msg)
    files = list(find_journey_files(paths))
    if not files:
        shown = ", ".join(os.fspath(p) for p in paths)
        msg = f"no journey files (*.yaml, *.yml) found in {shown}"
        raise UsageError(msg)
    studies = _studies(files, knobs)
    reports = [s.report() for s in studies]
    if len(reports) == 1 and not any(Path(p).is_dir() for p in paths):
        return reports[0]
    return build_portfolio([s.journey for s in studies], reports)
