"""The numbers of each touchpoint and each arrow, as the analysis used them
(:attr:`Report.touchpoints <journeymap.report.Report.touchpoints>` and ``edges``).
Re-exported by :mod:`journeymap.report`."""

from __future__ import annotations

from typing import Literal

from .described import FormInfo
from .frozen import record

__all__ = ["Boundary", "EdgeFlow", "EdgeKind", "TouchpointFlow"]

Boundary = Literal["agency", "department", "level"]
EdgeKind = Literal["sequence", "alternative", "parallel"]


@record
class TouchpointFlow:
    """One touchpoint: its words as written and the numbers the analysis used.

    With an event log, ``median_days``, ``p90_days``, ``mean_days`` and ``drop_off_rate`` are
    the observed values (``evidence == "observed"``, ``source`` names the log); every renderer
    shows these, never the authored ones. ``position`` is the touchpoint's place in
    :attr:`Report.order`.
    """

    touchpoint: str
    name: str
    agency: str
    stage: str | None
    expected_visits: float
    reach: float
    arrivals: float
    drop_off_rate: float | None
    people_lost: float
    median_days: float | None
    p90_days: float | None
    expected_days: float
    effort_hours: float | None
    expected_effort_hours: float
    on_critical_path: bool
    asks_again: tuple[str, ...]
    reasks_issued: tuple[str, ...]
    evidence: str | None
    position: int = 0
    description: str | None = None
    channel: str | None = None
    lane: str | None = None
    asks: tuple[str, ...] = ()
    gives: tuple[str, ...] = ()
    mean_days: float | None = None
    satisfaction: float | None = None
    emotion: float | None = None
    pain_points: tuple[str, ...] = ()
    opportunities: tuple[str, ...] = ()
    forms: tuple[FormInfo, ...] = ()
    source: str | None = None
    split: bool = False
    join: bool = False
    is_start: bool = False
    outcome: str | None = None
    #: People per period whose journey ends here (an end: those who arrive and do not give
    #: up here); 0 elsewhere. The ends' ``finishes`` add up to completions plus failures.
    finishes: float = 0.0
    #: items asked for here again only by people sent back through a loop (asked once on
    #: every path without the loop)
    asks_when_sent_back: tuple[str, ...] = ()
    on_main_path: bool = False
    #: ``kind: milestone``: a point reached, not a step an agency takes the person through
    milestone: bool = False
    #: the touchpoint's column on the map: the longest chain of forward arrows before it,
    #: stage bands kept apart when the stages allow it (``StageInfo.column``)
    column: int = 0
    #: of every 1,000 people who start: how many reach here at least once, and how many give
    #: up here (the funnel's numbers)
    reach_per_1000: float = 0.0
    lost_per_1000: float = 0.0


@record
class EdgeFlow:
    """One arrow of the journey (a ``next``), with the numbers the analysis used.

    ``kind``: "sequence" (the only way on), "alternative" (one of several, taken by ``share``
    of those who go on) or "parallel" (a branch of a ``split: all``; ``share`` is 1).
    ``loop_back``: the arrow returns to an earlier touchpoint (people are sent back).
    ``share_of_starters``: expected crossings per person who starts; ``people`` the same for
    the population. ``handoff``: the two touchpoints belong to different agencies, across
    ``boundary``.
    """

    source: str
    target: str
    kind: EdgeKind
    loop_back: bool
    share: float
    wait_days: float | None
    share_of_starters: float
    people: float
    handoff: bool
    boundary: Boundary | None
    on_critical_path: bool
    #: an arrow between two agencies into or out of a backstage, support or automated step
    behind_the_scenes: bool = False
    on_main_path: bool = False
    #: on a handoff arrow, the people the handoff carries per period (``Handoff.people``: those
    #: coming from another agency, passed through milestones and backstage steps); None
    #: on an arrow that is not a handoff
    handoff_people: float | None = None
    #: the share as every renderer shows it: the alternatives of one touchpoint rounded to
    #: whole percentages that add up to 100 % when their own rounding would not (1/3 each:
    #: 0.34, 0.33, 0.33); ``share`` itself otherwise
    shown_share: float = 1.0
