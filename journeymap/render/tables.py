"""Tables as plain text and as Markdown, for every text renderer (reports, comparisons,
customer feedback): one way to align columns and to escape cells."""

from __future__ import annotations

from collections.abc import Sequence

from .. import fmt

__all__ = ["aligned_lines", "markdown_rows"]


def aligned_lines(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    right: frozenset[int] = frozenset(),
    indent: str = "  ",
) -> list[str]:
    """A plain-text table: the header and the rows in columns, numbers (``right``) aligned
    right, ``indent`` before each line. Shared by every text renderer."""
    widths = [len(h) for h in header]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]

    def line(cells: Sequence[str]) -> str:
        parts = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return (indent + "  ".join(parts)).rstrip()

    return [line(header), *(line(r) for r in rows)]


def markdown_rows(
    header: Sequence[str], rows: Sequence[Sequence[str]], *, right: frozenset[int] = frozenset()
) -> list[str]:
    """A Markdown table (every cell escaped, numbers aligned right). Shared by every Markdown
    renderer."""
    align = ["---:" if i in right else "---" for i in range(len(header))]
    return [
        "| " + " | ".join(fmt.markdown_text(h) for h in header) + " |",
        "|" + "|".join(align) + "|",
        *("| " + " | ".join(fmt.markdown_text(c) for c in r) + " |" for r in rows),
    ]
