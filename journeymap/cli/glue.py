"""What every command shares: finding the journey files, composing the Study from the
options, writing the output. Each function is a few lines; the work is in the library."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..exceptions import UsageError
from .app import echo_err

if TYPE_CHECKING:
    from ..render.map import MapOptions
    from ..study import Study

__all__ = [
    "check_output",
    "journey_files",
    "map_settings",
    "one_journey",
    "open_study",
    "other_inputs",
    "progress",
    "sources",
    "write",
]


def journey_files(paths: Sequence[str]) -> list[Path]:
    from ..loading import find_journey_files

    files = list(find_journey_files(paths))
    if not files:
        msg = f"no journey files (*.yaml, *.yml) found in {', '.join(paths)}"
        raise UsageError(msg)
    return files


def one_journey(path: str) -> Path:
    """The one journey file a command works on (a folder is a usage error)."""
    if Path(path).is_dir():
        msg = f"{path}: is a folder; this command takes one journey file"
        raise UsageError(msg)
    return journey_files([path])[0]


def write(output: str | None, text: str, *, inputs: Sequence[str | Path] = ()) -> None:
    """Write to standard output, or to a file by the rules of :mod:`journeymap.output`."""
    if output is None or output == "-":
        click.echo(text, nl=False)
        return
    from ..output import write_output

    write_output(output, text.encode("utf-8"), inputs=inputs)


def check_output(output: str | None, inputs: Sequence[str | Path]) -> None:
    """Refuse a bad output path before any work is done."""
    if output is not None and output != "-":
        from ..output import check_output

        check_output(output, inputs=inputs)


def sources(kw: dict[str, Any]) -> dict[str, Any]:
    """The event-log, feedback and engine options of a command, as the Study takes them."""
    from ..loading import load_mapping
    from ..observed import ColumnMap
    from ..specs import EngineSettings, EventOptions, FeedbackOptions

    return {
        "events": EventOptions(
            paths=tuple(kw["event_logs"]),
            activity_map=load_mapping(kw["map_file"]) if kw["map_file"] else {},
            columns=ColumnMap(
                case=kw["case_column"],
                activity=kw["activity_column"],
                timestamp=kw["timestamp_column"],
                lifecycle=kw["lifecycle_column"],
            ),
            since=kw["since"],
            until=kw["until"],
            cutoff_days=kw["cutoff"],
            min_cell=kw["min_cell"] or 1,
            use_journey_block=not kw["no_events"],
            strict=kw["strict_log"],
            ends=tuple(kw["ends"]),
            by=kw.get("by"),
            every=kw.get("every"),
        ),
        "feedback": FeedbackOptions(
            paths=tuple(kw.get("feedback_files", ())),
            instrument=kw.get("instrument"),
            mapping=load_mapping(kw["feedback_map"]) if kw.get("feedback_map") else {},
            every=kw.get("every"),
            by=kw.get("by"),
            min_cell=kw["min_cell"],
        ),
        "engine": EngineSettings(
            engine=kw.get("log_engine") or "duckdb",
            timezone=kw["timezone"],
            master=kw.get("spark_master"),
        ),
    }


def other_inputs(kw: dict[str, Any]) -> list[str | Path]:
    """The files a command reads besides the journey (never to be overwritten)."""
    named = [kw.get("map_file"), kw.get("feedback_map")]
    return [*kw["event_logs"], *kw.get("feedback_files", ()), *(n for n in named if n)]


def open_study(path: Path, kw: dict[str, Any], **options: Any) -> Study:
    """The Study of one journey file with the command's sources and analysis options."""
    from ..specs import AnalysisOptions
    from ..study import Study

    return Study.open(path, options=AnalysisOptions(**options), progress=progress(), **sources(kw))


def progress() -> Any:
    if not sys.stderr.isatty():
        return None
    return lambda stage: echo_err(f"events: {stage}...")


def map_settings(kw: dict[str, Any], engine: str | None = None) -> MapOptions:
    from ..render.map import MapOptions

    options: MapOptions = MapOptions(
        lanes=kw["lanes"],
        direction=kw["direction"],
        engine=engine or kw["engine"],  # type: ignore[arg-type]  # click.Choice checked it
        top=kw["mark_top"],
        theme=kw["theme"],
        colour_by=kw["colour_by"],
        overlay=kw["overlay"],
    )
    return options
