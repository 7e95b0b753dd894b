r"""The one label helper: every piece of user text on a map goes through :func:`label_text`.

Journey text comes from YAML written by people, so it may hold anything: quotes, ``<``,
``>``, ``&``, braces, ``|``, backslashes, newlines, or a 300-character name. Each output
kind has its own special characters:

``"plain"``
    DOT escString (``label``, ``tooltip``, ``xlabel``): backslashes are doubled (``\N`` or
    ``\l`` typed by a user stays literal) and double quotes are escaped.
``"record"``
    A field of a ``record``/``Mrecord`` label: as ``"plain"``, plus ``{ } | < >`` escaped.
``"html"``
    HTML-like labels (``label=<...>``) and SVG/XML text: ``& < > " '`` become entities.

Text is first normalised (runs of whitespace, newlines included, become one space), then
wrapped to ``width`` characters on at most ``max_lines`` lines; what does not fit ends in
``…``. Lines are joined with the kind's line break (``\n`` centred, ``\l`` left-justified,
``<br/>`` for HTML).

>>> label_text('Say "hi" {now} | <b> & C:\\new', kind="record", width=100)
'Say \\"hi\\" \\{now\\} \\| \\<b\\> & C:\\\\new'
>>> label_text("<b>&</b>", kind="html")
'&lt;b&gt;&amp;&lt;/b&gt;'
>>> label_text("Apply for a Social Security number replacement card", width=20)
'Apply for a Social\\nSecurity number\\nreplacement card'
"""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Iterable
from typing import Literal

__all__ = ["LabelKind", "escape", "label_lines", "label_text", "normalize", "slug", "wrap"]

LabelKind = Literal["plain", "record", "html"]

_SPACE = re.compile(r"\s+")
_RECORD_SPECIAL = re.compile(r"([{}|<>])")
_SLUG_KEEP = re.compile(r"[A-Za-z0-9_-]")
_BREAKS = {
    "plain": ("\\n", "\\l"),
    "record": ("\\n", "\\l"),
    "html": ("<br/>", '<br align="left"/>'),
}


def normalize(text: str) -> str:
    """One line: every run of whitespace (newlines, tabs) becomes one space; ends trimmed."""
    return _SPACE.sub(" ", text).strip()


def wrap(text: str, *, width: int = 26, max_lines: int | None = 4) -> list[str]:
    """``text`` normalised and wrapped; words longer than ``width`` are broken.

    At most ``max_lines`` lines (None: no limit); the last kept line ends in ``…`` when
    text was cut.

    >>> wrap("a" * 10, width=4)
    ['aaaa', 'aaaa', 'aa']
    >>> wrap("one two three four", width=8, max_lines=1)
    ['one …']
    """
    flat = normalize(text)
    if not flat:
        return [""]
    wrapper = textwrap.TextWrapper(
        width=max(width, 2),
        break_long_words=True,
        break_on_hyphens=True,
        max_lines=max_lines,
        placeholder=" …",
    )
    return wrapper.wrap(flat) or [""]


def escape(text: str, *, kind: LabelKind = "plain") -> str:
    """Escape one line of text for ``kind`` (see the module docstring); no wrapping."""
    flat = normalize(text)
    if kind == "html":
        return html.escape(flat, quote=True)
    out = flat.replace("\\", "\\\\").replace('"', '\\"')
    if kind == "record":
        out = _RECORD_SPECIAL.sub(r"\\\1", out)
    return out


def label_lines(
    lines: Iterable[str],
    *,
    kind: LabelKind = "plain",
    width: int | None = 26,
    max_lines: int | None = 4,
    justify: Literal["center", "left"] = "center",
) -> str:
    """Several pieces of user text, each escaped and wrapped, joined by line breaks.

    ``max_lines`` applies to each piece; ``width=None`` turns wrapping off. With
    ``justify="left"`` every line ends in a left-justifying break (Graphviz's ``\\l``).
    """
    center, left = _BREAKS[kind]
    out: list[str] = []
    for piece in lines:
        wrapped = (
            [normalize(piece)] if width is None else wrap(piece, width=width, max_lines=max_lines)
        )
        out.extend(escape(line, kind=kind) for line in wrapped)
    if justify == "left":
        return "".join(line + left for line in out)
    return center.join(out)


def label_text(
    text: str,
    *,
    kind: LabelKind = "plain",
    width: int | None = 26,
    max_lines: int | None = 4,
    justify: Literal["center", "left"] = "center",
) -> str:
    """One piece of user text, escaped for ``kind`` and wrapped (see the module docstring)."""
    return label_lines([text], kind=kind, width=width, max_lines=max_lines, justify=justify)


def slug(text: str) -> str:
    """A stable id fragment for SVG ``id``/``class``: ``[A-Za-z0-9_-]`` kept, others hex-coded.

    >>> slug("IRS"), slug("B.1"), slug("state:DMV")
    ('IRS', 'B_2e_1', 'state_3a_DMV')
    """
    return "".join(c if _SLUG_KEEP.fullmatch(c) else f"_{ord(c):x}_" for c in text)
