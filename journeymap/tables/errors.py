"""Engine errors turned into safe messages: never the engine's own text.

DuckDB's and Spark's error texts may quote the data (a malformed CSV error prints the
offending line, case id included), so they never reach a message: :func:`failure` names the
file, the stage that failed, what kind of failure (from the error's class, which holds no
data) and a fix, and the error is raised ``from None`` so no traceback shows the cause.
"""

from __future__ import annotations

from ..exceptions import JourneymapError
from .files import Subject

__all__ = ["failure", "spark_failure"]

# What each kind of DuckDB error means for the user, and what to do about it.
_KINDS: dict[str, tuple[str, str]] = {
    "OutOfMemoryException": (
        "DuckDB ran out of memory",
        "raise memory_limit, or free disk space in the temporary directory for spilling",
    ),
    "IOException": ("the file could not be read", "check that it exists and is readable"),
    "InvalidInputException": (
        "the file is malformed (a line with the wrong number of fields, bad quoting, "
        "bad encoding or broken JSON)",
        "fix or remove the bad lines, or export {export} as Parquet",
    ),
    "ConversionException": (
        "a value could not be converted",
        "export the columns as text or as a timestamp type",
    ),
}
_OTHER = ("DuckDB could not process it", "check that the file is {holds}")


def failure(err: BaseException, where: str, stage: str, subject: Subject) -> JourneymapError:
    """The error for a DuckDB error in ``stage``, without DuckDB's text."""
    what, fix = next(
        (_KINDS[c.__name__] for c in type(err).__mro__ if c.__name__ in _KINDS), _OTHER
    )
    fix = fix.format(export=subject.export, holds=subject.holds)
    return subject.error(f"{where}: {stage} failed: {what}; {fix}")


def spark_failure(err: BaseException, where: str, stage: str, subject: Subject) -> JourneymapError:
    """The error for a Spark error in ``stage``: its class only, never its text."""
    msg = (
        f"{where}: {stage} failed: Spark could not process it ({type(err).__name__}); check "
        f"that the file is {subject.holds} and that Spark can reach it"
    )
    return subject.error(msg)
