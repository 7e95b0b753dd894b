"""Themes for the Graphviz journey map: colours, fonts and sizes as data, never in logic.

A :class:`Theme` is a frozen record; :data:`THEMES` holds the built-in ones by name and
:func:`get_theme` validates a name. The heat scale is ColorBrewer's sequential ``YlOrBr``
(colour-blind safe, and it still reads as light-to-dark in greyscale); text on its two
darkest steps is white so every step keeps a contrast ratio of at least 4.5:1.

>>> get_theme("default").heat_bin(0.25)
4
>>> get_theme("default").heat_bin(None) is None
True
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

__all__ = ["THEMES", "Theme", "get_theme"]


@dataclass(frozen=True, slots=True)
class Theme:
    """Colours, fonts and sizes of a journey map.

    ``heat_fill[i]`` is the fill of a touchpoint whose share of the expected time falls in
    bin ``i``: bin 0 holds shares below ``heat_bounds[0]``, bin ``i`` shares from
    ``heat_bounds[i-1]`` up to ``heat_bounds[i]``, and the last bin everything above.
    """

    name: str
    fontname: str
    fontsize: float
    title_fontsize: float
    header_fontsize: float
    edge_fontsize: float
    background: str
    text: str
    muted: str
    lane_fills: tuple[str, ...]
    lane_border: str
    header_text: str
    node_border: str
    heat_bounds: tuple[float, ...]
    heat_fill: tuple[str, ...]
    heat_text: tuple[str, ...]
    no_data_fill: str
    top_border: str
    top_penwidth: float
    edge: str
    handoff: str
    handoff_penwidth: float
    loop: str
    parallel: str
    lost: str
    end_success: str
    end_failure: str
    wrap_width: int
    wrap_lines: int
    agree_bounds: tuple[float, ...] = (0.5, 0.65, 0.8, 0.9)
    agree_fill: tuple[str, ...] = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
    agree_text: tuple[str, ...] = ("#1a1a1a", "#1a1a1a", "#1a1a1a", "#ffffff", "#ffffff")
    no_feedback_fill: str = "#d9d9d9"
    deviation: str = "#b2182b"

    def heat_bin(self, share: float | None) -> int | None:
        """The heat bin of a share of expected time (None when the touchpoint has no duration)."""
        return _bin(self.heat_bounds, share)

    def agree_bin(self, share: float | None) -> int | None:
        """The bin of a share agreeing (None: no data, or too few answers to show)."""
        return _bin(self.agree_bounds, share)

    def agree_label(self, index: int) -> str:
        """The legend text of agreement bin ``index``: ``'under 50%'``, ``'50–65%'``..."""
        return _bin_label(self.agree_bounds, index)

    def heat_label(self, index: int) -> str:
        """The legend text of heat bin ``index``: ``'under 2%'``, ``'2–5%'``, ``'20% or more'``."""
        return _bin_label(self.heat_bounds, index)


def _bin(bounds: tuple[float, ...], share: float | None) -> int | None:
    """The bin of ``share``: the first bound it is below, else the last bin (None: no share)."""
    if share is None:
        return None
    return next((i for i, bound in enumerate(bounds) if share < bound), len(bounds))


def _bin_label(bounds: tuple[float, ...], index: int) -> str:
    def pct(x: float) -> str:
        return f"{x * 100:g}%"

    if index == 0:
        return f"under {pct(bounds[0])}"
    if index == len(bounds):
        return f"{pct(bounds[-1])} or more"
    return f"{pct(bounds[index - 1])[:-1]}–{pct(bounds[index])}"


_HEAT_BOUNDS = (0.02, 0.05, 0.10, 0.20)

_DEFAULT = Theme(
    name="default",
    fontname="Helvetica,Arial,sans-serif",
    fontsize=11,
    title_fontsize=14,
    header_fontsize=13,
    edge_fontsize=10,
    background="#ffffff",
    text="#1a1a1a",
    muted="#555555",
    lane_fills=("#f4f6f8", "#e9edf1"),
    lane_border="#9aa5b1",
    header_text="#1a1a1a",
    node_border="#4d4d4d",
    heat_bounds=_HEAT_BOUNDS,
    heat_fill=("#ffffe5", "#fee391", "#fec44f", "#cc4c02", "#662506"),
    heat_text=("#1a1a1a", "#1a1a1a", "#1a1a1a", "#ffffff", "#ffffff"),
    no_data_fill="#ffffff",
    top_border="#000000",
    top_penwidth=3.5,
    edge="#4d4d4d",
    handoff="#1f5fa8",
    handoff_penwidth=2.6,
    loop="#7b3294",
    parallel="#1a1a1a",
    lost="#a50f15",
    end_success="#1a1a1a",
    end_failure="#a50f15",
    wrap_width=26,
    wrap_lines=4,
)

#: Greyscale for print: black, white and greys only; the heat and agreement scales share
#: one run of greys, with black text on the light steps and white on the dark ones.
_BLACK, _DARK_GREY = "#000000", "#404040"
_GREYS = ("#ffffff", "#e0e0e0", "#bdbdbd", "#636363", "#252525")
_ON_GREYS = (_BLACK, _BLACK, _BLACK, "#ffffff", "#ffffff")

#: The default theme in greyscale (:data:`_BLACK` text, borders and arrows that carry meaning).
_MONO = dataclasses.replace(
    _DEFAULT,
    name="mono",
    text=_BLACK,
    muted=_DARK_GREY,
    lane_fills=("#ffffff", "#f2f2f2"),
    lane_border="#808080",
    header_text=_BLACK,
    node_border=_BLACK,
    heat_fill=_GREYS,
    heat_text=_ON_GREYS,
    edge=_DARK_GREY,
    handoff=_BLACK,
    loop=_DARK_GREY,
    parallel=_BLACK,
    lost=_BLACK,
    end_success=_BLACK,
    end_failure=_BLACK,
    agree_fill=_GREYS,
    agree_text=_ON_GREYS,
    no_feedback_fill="#f0f0f0",
    deviation=_BLACK,
)

THEMES: dict[str, Theme] = {"default": _DEFAULT, "mono": _MONO}


def get_theme(name: str) -> Theme:
    """The built-in theme called ``name``.

    Raises
    ------
    ValueError
        If there is no such theme; the message lists the valid names.
    """
    try:
        return THEMES[name]
    except KeyError:
        msg = f"unknown theme: {name!r} (must be one of {', '.join(sorted(THEMES))})"
        raise ValueError(msg) from None
