"""The reconciliation every source's summary in the Report starts with."""

from __future__ import annotations

from collections.abc import Mapping

from .frozen import record

__all__ = ["RowsSummary"]


@record
class RowsSummary:
    """The files a source was read from (names without folders) and what became of each row:
    ``rows_read`` = ``rows_used`` + the ``rejected`` rows by reason, with the first located
    rows of each reason (``file:row``, never their values) in ``rejected_examples``."""

    files: tuple[str, ...]
    rows_read: int
    rows_used: int
    rejected: Mapping[str, int]
    rejected_examples: Mapping[str, tuple[str, ...]]
