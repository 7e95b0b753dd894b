"""The values a journey file is made of: its enumerations and its checked scalar types.

Shared by the parts of the model (:mod:`journeymap.models`, :mod:`journeymap.touchpoints`)
and the ``scenarios:`` block; every part is a :class:`FrozenModel`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictFloat, StrictStr

from .durations import custom_error
from .quoting import quoted

__all__ = [
    "MAX_PEOPLE",
    "MIN_SHARE",
    "SHARE_TOLERANCE",
    "Channel",
    "Evidence",
    "Fraction",
    "FrozenModel",
    "Id",
    "Ids",
    "Lane",
    "Level",
    "Outcome",
    "Share",
    "Text",
    "Texts",
    "as_tuple",
    "texts",
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


def as_tuple(value: object) -> object:
    """A list as a tuple (a frozen model keeps tuples); anything else as it is."""
    return tuple(value) if isinstance(value, list) else value


def _id_string(value: object) -> object:
    if isinstance(value, str) and (not value or any(c.isspace() for c in value)):
        message = f"{quoted(value)} is not a valid id: ids are non-empty and contain no spaces"
        raise custom_error(message, kind="id_format")
    return value


Id = Annotated[StrictStr, BeforeValidator(_id_string)]
Text = Annotated[StrictStr, Field(min_length=1)]
Share = Annotated[StrictFloat, Field(ge=MIN_SHARE, le=1, allow_inf_nan=False)]
Fraction = Annotated[StrictFloat, Field(ge=0, le=1, allow_inf_nan=False)]


def texts(value: object) -> object:
    """One text as a tuple of one; a list as a tuple."""
    if isinstance(value, str):
        return (value,)
    return as_tuple(value)


Texts = Annotated[tuple[Text, ...], BeforeValidator(texts)]
Ids = Annotated[tuple[StrictStr, ...], BeforeValidator(texts)]


class FrozenModel(BaseModel):
    """The base of every part of a journey: frozen, unknown keys refused."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=False)
