"""Rows of every source: where a row is (``file:row``), the first rejected rows of each
reason, the file a failed read is about, and the reconciliation (rows read = rows used +
rows rejected, by reason). Rows are reported by place and reason only, never by value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .engine import Engine
from .files import TableFile

__all__ = ["EXAMPLES", "at", "failing_file", "located", "open_files", "reconciliation"]

#: How many rejected rows of each reason are located.
EXAMPLES = 3


def at(files: Sequence[str], f: object, r: object) -> str:
    """The place of row ``r`` of file ``f``: ``path:row r``."""
    return f"{files[int(str(f))]}:row {int(str(r))}"


def open_files(engine: Engine, files: Sequence[str]) -> list[TableFile]:
    """Open every file (``{file0}``, ``{file1}``... in the SQL)."""
    return [engine.open_file(index, path) for index, path in enumerate(files)]


def located(
    engine: Engine, relation: str, files: Sequence[str], reasons: Mapping[int, str]
) -> dict[str, tuple[str, ...]]:
    """The ``file:row`` of the first :data:`EXAMPLES` rows (file order, then row order) of
    each reason, from ``relation`` (SQL with the columns ``why``, 0 = used, ``f`` and ``r``)."""
    out: dict[str, list[str]] = {}
    for why, f, r in engine.rows(
        "SELECT why, f, r FROM (SELECT why, f, r, row_number() OVER "
        f"(PARTITION BY why ORDER BY f, r) AS i FROM ({relation}) x WHERE why > 0) y "
        f"WHERE i <= {EXAMPLES} ORDER BY why, f, r"
    ):
        out.setdefault(reasons[int(why)], []).append(at(files, f, r))
    return {k: tuple(v) for k, v in out.items()}


def failing_file(engine: Engine, files: Sequence[str], parts: Sequence[str]) -> str:
    """The file a failed read is about: the first that fails when read alone, else all."""
    if len(files) > 1:
        for index, part in enumerate(parts):
            try:
                with engine.guard(files[index], "reading"):
                    engine.rows(f"SELECT count(*) FROM ({part}) x")
            except engine.subject.error:
                return files[index]
    return ", ".join(files)


def reconciliation(rows_read: int, rows_used: int, rejected: Mapping[str, int]) -> list[str]:
    """A note when rows read is not rows used plus rows rejected (a bug if ever shown)."""
    off = rows_read - rows_used - sum(rejected.values())
    return [f"row reconciliation off by {off} rows"] if off else []
