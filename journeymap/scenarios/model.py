"""The ``scenarios:`` block of a journey file: named sets of changes to the journey.

A :class:`Scenario` lists :class:`Change` entries, each exactly one of ``ask_once``,
``touchpoint`` (with the touchpoint keys it replaces), ``remove`` or ``add`` (see
``docs/scenarios.md``). This module sits with the models, below the graph and the analysis:
it validates the block against the journey (known ids, removable touchpoints, and that the
changed journey is itself valid, with the location of the change that broke it) and applies
the structural changes to YAML-shaped data. Applying a scenario to a
:class:`~journeymap.models.Journey` is :func:`journeymap.scenarios.apply_scenario`.

>>> s = Scenario.model_validate(
...     {"id": "faster", "changes": [{"touchpoint": "b", "duration": "2d"}]}
... )
>>> s.changes[0].kind, s.changes[0].target, dict(s.changes[0].set_values)
('touchpoint', 'b', {'duration': '2d'})
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    StrictStr,
    ValidationInfo,
    WithJsonSchema,
    model_serializer,
    model_validator,
)

from ..durations import Duration
from ..fields import Text, texts
from ..rules import Issues
from .edit import check_scenarios

__all__ = ["CHANGE_KINDS", "Change", "ChangeKind", "Scenario", "Scenarios"]

ChangeKind = Literal["ask_once", "touchpoint", "remove", "add"]
#: The keys that name the kind of a change; a change has exactly one of them.
CHANGE_KINDS: tuple[ChangeKind, ...] = ("ask_once", "touchpoint", "remove", "add")
_OWN_KEYS = frozenset({"ask_once", "agencies", "effort_saved", "touchpoint", "remove", "add"})


Slug = Annotated[StrictStr, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")]
Ident = Annotated[StrictStr, Field(min_length=1, pattern=r"^\S+$")]

#: A duration as the journey schema writes it (journey_schema turns it into the shared $ref).
_DURATION_REF: dict[str, Any] = Duration.__get_pydantic_json_schema__(None, None)  # type: ignore[arg-type]
_TOUCHPOINT = {
    "type": "object",
    "description": "A new touchpoint, written exactly as in touchpoints: (id, name, agency...).",
    "required": ["id", "name", "agency"],
}
_IDS = {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
#: The JSON Schema of one change: exactly one of the four kinds.
CHANGE_SCHEMA: dict[str, Any] = {
    "title": "Change",
    "description": "One change: ask_once, touchpoint (with the keys it replaces), remove or add.",
    "oneOf": [
        {
            "type": "object",
            "properties": {
                "ask_once": {"type": "string", "description": "A data item id."},
                "agencies": {**_IDS, "description": "Only these agencies stop asking."},
                "effort_saved": {**_DURATION_REF, "description": "Effort saved per removed ask."},
            },
            "required": ["ask_once"],
            "additionalProperties": False,
        },
        {
            "type": "object",
            "description": "Replace keys of one touchpoint (any touchpoint key but id).",
            "properties": {"touchpoint": {"type": "string"}},
            "required": ["touchpoint"],
            "not": {"required": ["id"]},
        },
        {
            "type": "object",
            "properties": {"remove": {"type": "string", "description": "A touchpoint id."}},
            "required": ["remove"],
            "additionalProperties": False,
        },
        {
            "type": "object",
            "properties": {"add": _TOUCHPOINT},
            "required": ["add"],
            "additionalProperties": False,
        },
    ],
}


class Change(BaseModel):
    """One change of a scenario; :attr:`kind` says which.

    ``touchpoint`` changes keep the keys they replace in :attr:`set_values` (validated as
    touchpoint keys when the scenario is checked against its journey); ``add`` keeps the new
    touchpoint as written.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    ask_once: Ident | None = None
    agencies: Annotated[tuple[Ident, ...], BeforeValidator(texts)] | None = None
    effort_saved: Duration | None = None
    touchpoint: Ident | None = None
    set_values: Mapping[str, Any] = Field(default_factory=dict, exclude=True)
    remove: Ident | None = None
    add: Mapping[str, Any] | None = None

    @model_validator(mode="before")
    @classmethod
    def _collect_touchpoint_keys(cls, data: Any) -> Any:
        if not isinstance(data, Mapping) or "set_values" in data or "touchpoint" not in data:
            return data
        own = {k: v for k, v in data.items() if k in _OWN_KEYS}
        return {**own, "set_values": {k: v for k, v in data.items() if k not in _OWN_KEYS}}

    @model_validator(mode="after")
    def _one_kind(self) -> Change:
        given = [k for k in CHANGE_KINDS if getattr(self, k) is not None]
        if len(given) != 1:
            shown = ", ".join(f"{k}:" for k in given) or "none of them"
            raise Issues(
                [
                    (
                        (),
                        f"a change is exactly one of ask_once:, touchpoint:, remove: or add: "
                        f"(this one has {shown}); write each change as its own list entry",
                    )
                ]
            )
        if given[0] != "ask_once":
            for key in ("agencies", "effort_saved"):
                if getattr(self, key) is not None:
                    raise Issues(
                        [((key,), f"{key}: belongs to an ask_once change, not to {given[0]}:")]
                    )
        if given[0] == "touchpoint" and not self.set_values:
            raise Issues(
                [
                    (
                        ("touchpoint",),
                        "a touchpoint change names the keys it replaces "
                        "(for example duration: 60d or drop_off: 0.05); none are given",
                    )
                ]
            )
        return self

    @model_serializer(mode="wrap")
    def _dump_touchpoint_keys(self, handler: SerializerFunctionWrapHandler) -> Any:
        """Dumped as written: the keys a touchpoint change replaces sit beside ``touchpoint``
        (so ``model_validate(model_dump())`` gives the change back)."""
        data = handler(self)
        if self.touchpoint is not None and isinstance(data, dict):
            data.update(self.set_values)
        return data

    @property
    def kind(self) -> ChangeKind:
        """Which kind of change this is."""
        return next(k for k in CHANGE_KINDS if getattr(self, k) is not None)

    @property
    def target(self) -> str:
        """The data item (``ask_once``) or touchpoint id the change is about."""
        if self.add is not None:
            return str(self.add.get("id", ""))
        value = getattr(self, self.kind)
        return str(value)

    def describe(self) -> str:
        """One line in the words of the file: ``ask_once dd214 (VA, STATE-DMV)``."""
        if self.kind == "ask_once":
            scope = f" ({', '.join(self.agencies)})" if self.agencies else ""
            saved = f", {self.effort_saved} saved per ask" if self.effort_saved else ""
            return f"ask_once {self.ask_once}{scope}{saved}"
        if self.kind == "touchpoint":
            keys = ", ".join(f"{k}: {_short(v)}" for k, v in self.set_values.items())
            return f"touchpoint {self.touchpoint}: {keys}"
        if self.kind == "remove":
            return f"remove {self.remove}"
        return f"add {self.target}"

    def to_yaml_data(self) -> dict[str, Any]:
        """The change as it is written in a journey file."""
        if self.kind == "ask_once":
            out: dict[str, Any] = {"ask_once": self.ask_once}
            if self.agencies:
                out["agencies"] = list(self.agencies)
            if self.effort_saved is not None:
                out["effort_saved"] = str(self.effort_saved)
            return out
        if self.kind == "touchpoint":
            return {"touchpoint": self.touchpoint, **dict(self.set_values)}
        if self.kind == "remove":
            return {"remove": self.remove}
        return {"add": dict(self.add or {})}


def _short(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_short(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {_short(v)}" for k, v in value.items()) + "}"
    return str(value)


class Scenario(BaseModel):
    """A named set of changes to the journey as written (the baseline)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Slug
    title: Text | None = None
    assumptions: Text | None = None
    changes: Annotated[
        tuple[Annotated[Change, WithJsonSchema(CHANGE_SCHEMA)], ...], BeforeValidator(texts)
    ] = ()

    @property
    def label(self) -> str:
        """The title, else the id."""
        return self.title or self.id

    def to_yaml_data(self) -> dict[str, Any]:
        """The scenario as it is written in a journey file's ``scenarios:`` list."""
        out: dict[str, Any] = {"id": self.id}
        if self.title:
            out["title"] = self.title
        if self.assumptions:
            out["assumptions"] = self.assumptions
        out["changes"] = [c.to_yaml_data() for c in self.changes]
        return out


def _check(value: tuple[Scenario, ...], info: ValidationInfo) -> tuple[Scenario, ...]:
    if value:
        check_scenarios(value, info.data)
    return value


#: The type of ``Journey.scenarios``: checked against the journey's other fields.
Scenarios = Annotated[tuple[Scenario, ...], BeforeValidator(texts), AfterValidator(_check)]
