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

from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationInfo,
    model_validator,
)

from .catalog import CATALOG, CatalogItem
from .durations import custom_error
from .fields import (
    MAX_PEOPLE,
    MIN_SHARE,
    SHARE_TOLERANCE,
    Channel,
    Evidence,
    FrozenModel,
    Id,
    Lane,
    Level,
    Outcome,
    Text,
    Texts,
    as_tuple,
)
from .rules import Issues, check_journey_data
from .scenarios.model import Scenarios
from .touchpoints import DurationStats, Form, Touchpoint, Transition

__all__ = [
    "Agency",
    "DataItem",
    "EventColumns",
    "EventsSpec",
    "FeedbackColumns",
    "FeedbackSpec",
    "Journey",
    "Persona",
    "Stage",
]
# kept here for the modules that import them from here; they live in .fields and .touchpoints
__all__ += [
    "MAX_PEOPLE",
    "MIN_SHARE",
    "SHARE_TOLERANCE",
    "Channel",
    "DurationStats",
    "Evidence",
    "Form",
    "Lane",
    "Level",
    "Outcome",
    "Touchpoint",
    "Transition",
]


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


class Agency(FrozenModel):
    """An agency (or office, or partner) that owns touchpoints; one swimlane on the map."""

    id: Id
    name: Text
    level: Level | None = None
    department: Text | None = None
    delivery_model: Text | None = None


class DataItem(FrozenModel):
    """A piece of information the person is asked for, or a document they are given."""

    id: Id
    name: Text
    sensitive: StrictBool = False
    government_issued: StrictBool = False
    aliases: Texts = ()


class Stage(FrozenModel):
    """A stage of the journey; stages are ordered as listed."""

    id: Id
    name: Text
    description: Text | None = None


class Persona(FrozenModel):
    """The person whose journey this is."""

    name: Text
    description: Text | None = None


class EventColumns(FrozenModel):
    """Which columns of an event log hold the case, activity, timestamp and extras."""

    case: Text | None = None
    activity: Text | None = None
    timestamp: Text | None = None
    lifecycle: Text | None = None
    agency: Text | None = None
    channel: Text | None = None
    resource: Text | None = None


class EventsSpec(FrozenModel):
    """Event-log evidence for the journey (top-level ``events:``; every key optional, each
    can be given or overridden on the command line). ``ends``: touchpoint ids that count as
    reaching an end of the journey when its own end is not in the log."""

    path: Texts = ()
    columns: EventColumns = EventColumns()
    map: dict[StrictStr, StrictStr] = Field(default_factory=dict)
    timezone: Text | None = None
    ends: Texts = ()


class FeedbackColumns(FrozenModel):
    """Which columns of a feedback file hold the touchpoint and the date of the response."""

    touchpoint: Text | None = None
    submitted: Text | None = None


class FeedbackSpec(FrozenModel):
    """A-11 customer feedback for the journey (top-level ``feedback:``; every key optional)."""

    path: Texts = ()
    instrument: Literal["a11_v1", "a11_v2"] | None = None
    columns: FeedbackColumns = FeedbackColumns()
    map: dict[StrictStr, StrictStr] = Field(default_factory=dict)
    every: Literal["month", "quarter", "year"] | None = None
    by: Text | None = None
    min_cell: Annotated[StrictInt, Field(ge=1)] | None = None


class Journey(FrozenModel):
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
    agencies: Annotated[tuple[Agency, ...], BeforeValidator(as_tuple), Field(min_length=1)]
    data: Annotated[tuple[DataItem, ...], BeforeValidator(as_tuple)] = ()
    stages: Annotated[tuple[Stage, ...], BeforeValidator(as_tuple)] = ()
    touchpoints: Annotated[tuple[Touchpoint, ...], BeforeValidator(as_tuple), Field(min_length=1)]
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
