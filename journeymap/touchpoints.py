"""A touchpoint of a journey: its time (:class:`DurationStats`), its forms and the ways out.

:class:`Touchpoint` checks what one touchpoint can check alone (its ``next`` and ``split``,
shares that sum to 1, an ``outcome`` only at an end; a p90 that fits its median); the rules
between touchpoints are the journey's (:mod:`journeymap.models`, :mod:`journeymap.rules`).
"""

from __future__ import annotations

import math
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    BeforeValidator,
    Field,
    StrictFloat,
    StrictInt,
    StrictStr,
    field_validator,
    model_validator,
)

from .durations import MAX_MINUTES, MAX_SPREAD, Duration, custom_error, lognormal_mean
from .fields import (
    MAX_PEOPLE,
    SHARE_TOLERANCE,
    Channel,
    Evidence,
    Fraction,
    FrozenModel,
    Id,
    Ids,
    Lane,
    Outcome,
    Share,
    Text,
    Texts,
    as_tuple,
)
from .quoting import quoted
from .rules import Issues

__all__ = ["DurationStats", "Form", "Touchpoint", "Transition"]

#: Problems found, each at its location inside the touchpoint.
Found = list[tuple[tuple[str | int, ...], str]]
#: Room for rounding in the limits on a p90 (a pair scaled by a factor keeps its ratio).
_ROUNDING = 1 + 1e-9


class _Shorthand(FrozenModel):
    """A part that may be written as its main value alone: ``next: B2`` is ``{to: B2}``,
    ``duration: 5d`` is ``{median: 5d}``, a form ``SSA-1`` is ``{id: SSA-1}``."""

    shorthand_key: ClassVar[str]
    shorthand_types: ClassVar[tuple[type, ...]] = (str,)

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if isinstance(data, cls.shorthand_types) and not isinstance(data, bool):
            return {cls.shorthand_key: data}
        return data


class Form(_Shorthand):
    """A government form used at a touchpoint, with its OMB control number (PRA)."""

    id: Text
    omb: Annotated[StrictStr, Field(pattern=r"^\d{4}-\d{4}$")] | None = None
    name: Text | None = None
    burden: Duration | None = None  # the PRA burden estimate per response (e.g. 20min)

    shorthand_key: ClassVar[str] = "id"


class DurationStats(_Shorthand):
    """Elapsed time at a touchpoint: the median, and optionally the 90th percentile and mean."""

    median: Duration
    p90: Duration | None = None
    mean: Duration | None = None

    shorthand_key: ClassVar[str] = "median"
    #: a bare number is refused as the median (a duration needs its unit), not as the mapping
    shorthand_types: ClassVar[tuple[type, ...]] = (str, int, float, Duration)

    @model_validator(mode="after")
    def _p90_fits_median(self) -> DurationStats:
        problem = self.spread_problem()
        if problem:
            raise Issues([(("p90",), problem)])
        return self

    def spread_problem(self) -> str | None:
        """Why the p90 cannot go with the median (and no mean), or None.

        Without a mean, the analysis draws times from the lognormal through the median and
        the p90. A p90 more than :data:`MAX_SPREAD` times the median makes that lognormal's
        mean absurd (at 5e-21min and 1 year it overflows); one whose mean is over 100 years
        would make every total over 100 years. Given a mean, neither applies: the mean is used.
        """
        median, p90 = self.median, self.p90
        if p90 is None:
            return None
        shown = f"p90 {str(p90)!r}"
        if p90 < median:
            return (
                f"{shown} is shorter than the median {str(median)!r}; "
                "the 90th percentile is at least the median"
            )
        if self.mean is not None or median.minutes <= 0:
            return None
        if p90.minutes > MAX_SPREAD * median.minutes * _ROUNDING:
            return (
                f"{shown} is more than {MAX_SPREAD} times the median {str(median)!r}, too wide "
                "a spread to draw times from; give the mean too (mean: ...), or make the slow "
                "cases an alternative of their own"
            )
        years = lognormal_mean(median, p90) / MAX_MINUTES * 100
        if years > 100 * _ROUNDING:
            return (
                f"with the median {str(median)!r} and {shown} the times drawn (a lognormal "
                f"through them) average {years:,.0f} years, more than the 100 a duration may be; "
                "give the mean too (mean: ...), or check the numbers"
            )
        return None


class Transition(_Shorthand):
    """One way out of a touchpoint (an edge of the journey graph)."""

    to: StrictStr
    share: Share | None = None
    wait: Duration | None = None

    shorthand_key: ClassVar[str] = "to"


def _next_list(value: object) -> object:
    if isinstance(value, str | dict):
        return (value,)
    return as_tuple(value)


class Touchpoint(FrozenModel):
    """A step of the journey: something the person does or receives, owned by one agency."""

    id: Id
    name: Text
    agency: StrictStr
    stage: StrictStr | None = None
    channel: Channel | None = None
    lane: Lane | None = None
    description: Text | None = None
    asks: Ids = ()
    gives: Ids = ()
    effort: Duration | None = None
    duration: DurationStats | None = None
    drop_off: Fraction | None = None
    starts: Annotated[StrictInt, Field(ge=0, le=MAX_PEOPLE)] | None = None
    satisfaction: Annotated[StrictFloat, Field(ge=1, le=5, allow_inf_nan=False)] | None = None
    emotion: Annotated[StrictFloat, Field(ge=-2, le=2, allow_inf_nan=False)] | None = None
    pain_points: Texts = ()
    opportunities: Texts = ()
    forms: Annotated[tuple[Form, ...], BeforeValidator(as_tuple)] = ()
    evidence: Evidence | None = None
    source: Text | None = None
    next: Annotated[tuple[Transition, ...], BeforeValidator(_next_list)] = ()
    split: Literal["all"] | None = None
    join: Literal["all"] | None = None
    outcome: Outcome | None = None
    #: ``milestone``: a point the person reaches (a meeting point of parallel work, "settled
    #: as a citizen"), not a step an agency takes them through: it counts for no agency's
    #: handoffs. ``step`` (the default) is an ordinary touchpoint.
    kind: Literal["step", "milestone"] | None = None

    @field_validator("drop_off", mode="before")
    @classmethod
    def _finite_drop_off(cls, value: object) -> object:
        if isinstance(value, float) and not math.isfinite(value):
            message = f"drop_off must be a finite share between 0 and 1, not {value}"
            raise custom_error(message, kind="finite_number")
        return value

    @model_validator(mode="after")
    def _flow_rules(self) -> Touchpoint:
        issues: Found = []
        targets = [t.to for t in self.next]
        for i, target in enumerate(targets):
            if target in targets[:i]:
                issues.append((("next", i, "to"), f"{quoted(target)} is listed twice in next"))
        if self.outcome is not None and self.next:
            issues.append(
                (
                    ("outcome",),
                    f"outcome {self.outcome.value!r} is only allowed on an end touchpoint "
                    "(one without next); remove next or remove outcome",
                )
            )
        if self.split == "all":
            issues.extend(_parallel_issues(self.next))
        else:
            issues.extend(_alternatives_issues(self.next))
        if issues:
            raise Issues(issues)
        return self

    @property
    def is_end(self) -> bool:
        """True when the journey ends here (no ``next``)."""
        return not self.next

    @property
    def end_outcome(self) -> Outcome | None:
        """How the journey ends here: the ``outcome``, success by default; None if not an end."""
        if self.next:
            return None
        return self.outcome or Outcome.SUCCESS


def _parallel_issues(nexts: tuple[Transition, ...]) -> Found:
    """What is wrong with the branches of a ``split: all``: too few, or shares on them."""
    issues: Found = []
    if len(nexts) < 2:
        issues.append(
            (("split",), "split: all needs at least two next branches to run in parallel")
        )
    for i, t in enumerate(nexts):
        if t.share is not None:
            message = "a parallel split (split: all) sends everyone down every branch; remove share"
            issues.append((("next", i, "share"), message))
    return issues


def _alternatives_issues(nexts: tuple[Transition, ...]) -> Found:
    """What is wrong with the shares of alternatives: missing, or not summing to 1."""
    if len(nexts) == 1 and nexts[0].share is not None:
        share = nexts[0].share
        if abs(share - 1) <= SHARE_TOLERANCE:
            return []
        message = (
            f"share {share:g} on the only next touchpoint: everyone who goes on goes there "
            "(share 1); add the other alternatives or remove share"
        )
        return [(("next", 0, "share"), message)]
    if len(nexts) < 2:
        return []
    missing = [t.to for t in nexts if t.share is None]
    if missing:
        message = (
            f"{len(nexts)} next touchpoints without share on {', '.join(map(quoted, missing))}: "
            "give each alternative a share (the shares sum to 1), or add split: all if the "
            "person does every branch"
        )
        return [(("next",), message)]
    shares = [t.share for t in nexts if t.share is not None]
    total = math.fsum(shares)
    if abs(total - 1) <= SHARE_TOLERANCE:
        return []
    message = (
        f"shares of the alternatives sum to {total:.6g}, not 1 "
        f"({' + '.join(f'{s:g}' for s in shares)}); "
        "they are parts of the people who go on, so they must add up to 1"
    )
    return [(("next",), message)]
