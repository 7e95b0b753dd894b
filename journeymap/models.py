"""The journey model: pydantic v2, frozen, ``extra="forbid"``, strict scalars.

A :class:`Journey` is the typed form of a journey file (see ``docs/format.md``). It can be
built from Python without any file::

    >>> j = Journey(
    ...     journeymap=1, id="tiny", title="Tiny",
    ...     agencies=[{"id": "SSA", "name": "Social Security Administration"}],
    ...     touchpoints=[
    ...         {"id": "a", "name": "Apply", "agency": "SSA", "duration": "5d", "next": "b"},
    ...         {"id": "b", "name": "Decision", "agency": "SSA", "outcome": "success"},
    ...     ],
    ... )
    >>> j.touchpoint("a").duration.median.days
    5.0
    >>> [t.to for t in j.touchpoint("a").next]
    ['b']

Once a ``Journey`` exists its invariants hold: ids are unique, every reference resolves,
shares of alternatives sum to 1, every ``split: all`` is closed by one ``join: all``.
Analysis relies on them and does not check again.
"""

from __future__ import annotations

import math
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .catalog import CATALOG, CatalogItem
from .durations import MAX_MINUTES, MAX_SPREAD, Duration, custom_error, lognormal_mean
from .rules import Issues, check_journey_data
from .scenarios.model import Scenarios

__all__ = [
    "MAX_PEOPLE",
    "MIN_SHARE",
    "SHARE_TOLERANCE",
    "Agency",
    "Channel",
    "DataItem",
    "DurationStats",
    "EventColumns",
    "EventsSpec",
    "Evidence",
    "FeedbackColumns",
    "FeedbackSpec",
    "Form",
    "Journey",
    "Lane",
    "Level",
    "Outcome",
    "Persona",
    "Stage",
    "Touchpoint",
    "Transition",
]

#: How far the shares of alternatives may be from 1.
SHARE_TOLERANCE = 0.001
#: The smallest share an alternative may have (a smaller one cannot be told from 0 in a loop).
MIN_SHARE = 1e-6
#: The most people a ``population`` or ``starts`` may count (more than live on Earth).
MAX_PEOPLE = 10**10


class Level(StrEnum):
    """Level of government (or sector) an agency belongs to."""

    FEDERAL = "federal"
    STATE = "state"
    LOCAL = "local"
    TRIBAL = "tribal"
    TERRITORIAL = "territorial"
    NONPROFIT = "nonprofit"
    PRIVATE = "private"


class Channel(StrEnum):
    """How the person interacts with the agency at a touchpoint."""

    ONLINE = "online"
    PHONE = "phone"
    IN_PERSON = "in_person"
    MAIL = "mail"
    EMAIL = "email"
    TEXT = "text"
    CHAT = "chat"
    KIOSK = "kiosk"
    AUTOMATED = "automated"


class Lane(StrEnum):
    """Service-blueprint lane."""

    CUSTOMER = "customer"
    FRONTSTAGE = "frontstage"
    BACKSTAGE = "backstage"
    SUPPORT = "support"


class Evidence(StrEnum):
    """How the numbers on a touchpoint were obtained."""

    OBSERVED = "observed"
    ESTIMATED = "estimated"
    ILLUSTRATIVE = "illustrative"


class Outcome(StrEnum):
    """How a journey that ends at a touchpoint ends."""

    SUCCESS = "success"
    FAILURE = "failure"


def _as_tuple(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value


def _id_string(value: object) -> object:
    if isinstance(value, str) and (not value or any(c.isspace() for c in value)):
        message = f"{value!r} is not a valid id: ids are non-empty and contain no spaces"
        raise custom_error(message, kind="id_format")
    return value


def _version(value: object) -> object:
    """The format version is the whole number 1: ``1.0`` and ``true`` are not accepted."""
    if isinstance(value, bool | float):
        shown = str(value).lower() if isinstance(value, bool) else repr(value)
        message = (
            f"unsupported format version {shown}: the version is the whole number 1; "
            "write 'journeymap: 1'"
        )
        raise custom_error(message, kind="version_type")
    return value


Id = Annotated[StrictStr, BeforeValidator(_id_string)]
Text = Annotated[StrictStr, Field(min_length=1)]
Share = Annotated[StrictFloat, Field(ge=MIN_SHARE, le=1, allow_inf_nan=False)]
Fraction = Annotated[StrictFloat, Field(ge=0, le=1, allow_inf_nan=False)]


def _texts(value: object) -> object:
    if isinstance(value, str):
        return (value,)
    return _as_tuple(value)


Texts = Annotated[tuple[Text, ...], BeforeValidator(_texts)]
Ids = Annotated[tuple[StrictStr, ...], BeforeValidator(_texts)]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=False)


class Agency(_Model):
    """An agency (or office, or partner) that owns touchpoints; one swimlane on the map."""

    id: Id
    name: Text
    level: Level | None = None
    department: Text | None = None
    delivery_model: Text | None = None


class DataItem(_Model):
    """A piece of information the person is asked for, or a document they are given."""

    id: Id
    name: Text
    sensitive: StrictBool = False
    government_issued: StrictBool = False
    aliases: Texts = ()


class Stage(_Model):
    """A stage of the journey; stages are ordered as listed."""

    id: Id
    name: Text
    description: Text | None = None


class Persona(_Model):
    """The person whose journey this is."""

    name: Text
    description: Text | None = None


class Form(_Model):
    """A government form used at a touchpoint, with its OMB control number (PRA)."""

    id: Text
    omb: Annotated[StrictStr, Field(pattern=r"^\d{4}-\d{4}$")] | None = None
    name: Text | None = None
    burden: Duration | None = None  # the PRA burden estimate per response (e.g. 20min)

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        return {"id": data} if isinstance(data, str) else data


class DurationStats(_Model):
    """Elapsed time at a touchpoint: the median, and optionally the 90th percentile and mean."""

    median: Duration
    p90: Duration | None = None
    mean: Duration | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if isinstance(data, str | int | float | Duration) and not isinstance(data, bool):
            return {"median": data}
        return data

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
        if p90.minutes > MAX_SPREAD * median.minutes:
            return (
                f"{shown} is more than {MAX_SPREAD} times the median {str(median)!r}, too wide "
                "a spread to draw times from; give the mean too (mean: ...), or make the slow "
                "cases an alternative of their own"
            )
        years = lognormal_mean(median, p90) / MAX_MINUTES * 100
        if years > 100:
            return (
                f"with the median {str(median)!r} and {shown} the times drawn (a lognormal "
                f"through them) average {years:,.0f} years, more than the 100 a duration may be; "
                "give the mean too (mean: ...), or check the numbers"
            )
        return None


class Transition(_Model):
    """One way out of a touchpoint (an edge of the journey graph)."""

    to: StrictStr
    share: Share | None = None
    wait: Duration | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        return {"to": data} if isinstance(data, str) else data


def _next_list(value: object) -> object:
    if isinstance(value, str | dict):
        return (value,)
    return _as_tuple(value)


class Touchpoint(_Model):
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
    forms: Annotated[tuple[Form, ...], BeforeValidator(_as_tuple)] = ()
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
        issues: list[tuple[tuple[str | int, ...], str]] = []
        targets = [t.to for t in self.next]
        for i, target in enumerate(targets):
            if target in targets[:i]:
                issues.append((("next", i, "to"), f"{target!r} is listed twice in next"))
        if self.outcome is not None and self.next:
            issues.append(
                (
                    ("outcome",),
                    f"outcome {self.outcome.value!r} is only allowed on an end touchpoint "
                    "(one without next); remove next or remove outcome",
                )
            )
        if self.split == "all":
            if len(self.next) < 2:
                issues.append(
                    (("split",), "split: all needs at least two next branches to run in parallel")
                )
            for i, t in enumerate(self.next):
                if t.share is not None:
                    issues.append(
                        (
                            ("next", i, "share"),
                            "a parallel split (split: all) sends everyone down every branch; "
                            "remove share",
                        )
                    )
        elif len(self.next) > 1:
            shares = [t.share for t in self.next]
            missing = [t.to for t in self.next if t.share is None]
            if missing:
                issues.append(
                    (
                        ("next",),
                        f"{len(self.next)} next touchpoints without share on "
                        f"{', '.join(map(repr, missing))}: give each alternative a share "
                        "(the shares sum to 1), or add split: all if the person does every branch",
                    )
                )
            else:
                total = math.fsum(s for s in shares if s is not None)
                if abs(total - 1) > SHARE_TOLERANCE:
                    issues.append(
                        (
                            ("next",),
                            f"shares of the alternatives sum to {total:.6g}, not 1 "
                            f"({' + '.join(f'{s:g}' for s in shares if s is not None)}); "
                            "they are parts of the people who go on, so they must add up to 1",
                        )
                    )
        elif len(self.next) == 1 and self.next[0].share is not None:
            share = self.next[0].share
            if abs(share - 1) > SHARE_TOLERANCE:
                issues.append(
                    (
                        ("next", 0, "share"),
                        f"share {share:g} on the only next touchpoint: everyone who goes on "
                        "goes there (share 1); add the other alternatives or remove share",
                    )
                )
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


class EventColumns(_Model):
    """Which columns of an event log hold the case, activity, timestamp and extras."""

    case: Text | None = None
    activity: Text | None = None
    timestamp: Text | None = None
    lifecycle: Text | None = None
    agency: Text | None = None
    channel: Text | None = None
    resource: Text | None = None


class EventsSpec(_Model):
    """Event-log evidence for the journey (top-level ``events:``; every key optional, each
    can be given or overridden on the command line). ``ends``: touchpoint ids that count as
    reaching an end of the journey when its own end is not in the log."""

    path: Annotated[tuple[Text, ...], BeforeValidator(_texts)] = ()
    columns: EventColumns = EventColumns()
    map: dict[StrictStr, StrictStr] = Field(default_factory=dict)
    timezone: Text | None = None
    ends: Annotated[tuple[Text, ...], BeforeValidator(_texts)] = ()


class FeedbackColumns(_Model):
    """Which columns of a feedback file hold the touchpoint and the date of the response."""

    touchpoint: Text | None = None
    submitted: Text | None = None


class FeedbackSpec(_Model):
    """A-11 customer feedback for the journey (top-level ``feedback:``; every key optional)."""

    path: Annotated[tuple[Text, ...], BeforeValidator(_texts)] = ()
    instrument: Literal["a11_v1", "a11_v2"] | None = None
    columns: FeedbackColumns = FeedbackColumns()
    map: dict[StrictStr, StrictStr] = Field(default_factory=dict)
    every: Literal["month", "quarter", "year"] | None = None
    by: Text | None = None
    min_cell: Annotated[StrictInt, Field(ge=1)] | None = None


class Journey(_Model):
    """A life-experience journey: agencies, stages, data items and the touchpoints between them."""

    journeymap: Annotated[Literal[1], BeforeValidator(_version)]
    id: Annotated[StrictStr, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")]
    title: Text
    life_experience: Text | None = None
    summary: Text | None = None
    persona: Persona | None = None
    population: Annotated[StrictInt, Field(gt=0, le=MAX_PEOPLE)] | None = None
    occasion: Text | None = None
    offering: Text | None = None
    source: Text | None = None
    start: StrictStr | None = None
    agencies: Annotated[tuple[Agency, ...], BeforeValidator(_as_tuple), Field(min_length=1)]
    data: Annotated[tuple[DataItem, ...], BeforeValidator(_as_tuple)] = ()
    stages: Annotated[tuple[Stage, ...], BeforeValidator(_as_tuple)] = ()
    touchpoints: Annotated[tuple[Touchpoint, ...], BeforeValidator(_as_tuple), Field(min_length=1)]
    events: EventsSpec | None = None
    scenarios: Scenarios = ()
    feedback: FeedbackSpec | None = None

    @model_validator(mode="after")
    def _cross_references(self, info: ValidationInfo) -> Journey:
        if isinstance(info.context, dict) and info.context.get("skip_cross_references"):
            return self  # the loader has run the same rules on the located YAML data
        issues = [i for i in check_journey_data(self._reference_view()) if i.severity == "error"]
        if issues:
            raise Issues([(i.loc, i.message) for i in issues])
        return self

    def _reference_view(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "agencies": [{"id": a.id} for a in self.agencies],
            "data": [{"id": d.id} for d in self.data],
            "stages": [{"id": s.id} for s in self.stages],
            "touchpoints": [
                {
                    "id": t.id,
                    "agency": t.agency,
                    "stage": t.stage,
                    "asks": list(t.asks),
                    "gives": list(t.gives),
                    "next": [{"to": n.to} for n in t.next],
                    "split": t.split,
                    "join": t.join,
                }
                for t in self.touchpoints
            ],
            "events": {"map": dict(self.events.map)} if self.events else None,
        }

    # convenience lookups ------------------------------------------------------------
    @cached_property
    def _touchpoints_by_id(self) -> dict[str, Touchpoint]:
        return {t.id: t for t in self.touchpoints}

    @cached_property
    def _agencies_by_id(self) -> dict[str, Agency]:
        return {a.id: a for a in self.agencies}

    def touchpoint(self, touchpoint_id: str) -> Touchpoint:
        """The touchpoint with this id (``KeyError`` if there is none)."""
        return self._touchpoints_by_id[touchpoint_id]

    def agency(self, agency_id: str) -> Agency:
        """The agency with this id (``KeyError`` if there is none)."""
        return self._agencies_by_id[agency_id]

    @property
    def start_touchpoint(self) -> Touchpoint:
        """Where people start: ``start``, or else the first touchpoint listed."""
        return self.touchpoint(self.start) if self.start else self.touchpoints[0]

    def data_item(self, item_id: str) -> DataItem:
        """A declared data item, or the built-in catalog entry of that id."""
        for item in self.data:
            if item.id == item_id:
                return item
        found: CatalogItem = CATALOG[item_id]
        return DataItem(
            id=found.id,
            name=found.name,
            sensitive=found.sensitive,
            government_issued=found.government_issued,
            aliases=found.aliases,
        )
