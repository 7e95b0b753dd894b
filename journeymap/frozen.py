"""Deeply immutable records: a read-only, hashable mapping and the :func:`record` decorator.

The Report and its parts are :func:`record` classes: frozen, slotted dataclasses whose
mapping fields hold a :class:`FrozenMap` (a ``dict`` given to a record is frozen when the
record is made) and whose sequences are tuples, so a Report is deeply immutable and hashable.
Their floats keep :data:`DIGITS` significant digits, set when the record is made: the
precision of the contract, so that every face shows the same number, ``1 - 0.9`` is ``0.1``
and a Report read back from its JSON equals the one written::

    >>> m = FrozenMap({"b": 2, "a": 1})
    >>> m["a"], list(m), m == {"a": 1, "b": 2}, hash(m) == hash(FrozenMap(a=1, b=2))
    (1, ['b', 'a'], True, True)
"""

from __future__ import annotations

import dataclasses
import math
import typing
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Generic, TypeVar

from typing_extensions import dataclass_transform

__all__ = ["DIGITS", "FrozenMap", "carried", "find", "freeze", "record", "settle", "to_plain"]

#: Significant digits every float of a record keeps.
DIGITS = 12

T = TypeVar("T")

K = TypeVar("K")
V = TypeVar("V")


class FrozenMap(Mapping[K, V], Generic[K, V]):
    """A read-only mapping that keeps the order it was given and can be hashed."""

    __slots__ = ("_data", "_hash")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._data: dict[K, V] = dict(*args, **kwargs)
        self._hash: int | None = None

    def __getitem__(self, key: K) -> V:
        return self._data[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self._data.items()))
        return self._hash

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FrozenMap):
            return self._data == other._data
        if isinstance(other, Mapping):
            return self._data == dict(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        """Validated as a dict of the declared key and value types, then frozen; written as a
        plain dict (so the Report's JSON Schema and reader know its shape)."""
        from typing import get_args

        from pydantic_core import core_schema

        args = get_args(source)
        key, value = args if len(args) == 2 else (Any, Any)
        as_dict = handler.generate_schema(dict[key, value])  # type: ignore[valid-type]
        return core_schema.no_info_after_validator_function(
            freeze,
            as_dict,
            serialization=core_schema.plain_serializer_function_ser_schema(dict),
        )


_PLAIN = (str, int, bool, type(None))


def freeze(value: Any) -> Any:
    """``value`` with every dict made a :class:`FrozenMap`, every list a tuple and every
    float settled (:func:`settle`), deeply (records are left as they are: they settled
    themselves when made)."""
    kind = type(value)
    if kind is float:
        return settle(value)
    if kind is tuple:
        if all(type(v) in _PLAIN or dataclasses.is_dataclass(v) for v in value):
            return value  # nothing inside to settle: keep the very tuple
        return tuple(freeze(v) for v in value)
    if kind is dict or kind is FrozenMap:
        return FrozenMap((k, freeze(v)) for k, v in value.items())
    if kind is list:
        return tuple(freeze(v) for v in value)
    return value


def settle(value: float) -> float:
    """``value`` to :data:`DIGITS` significant digits (not finite: as it is; -0.0 is 0.0).

    >>> settle(1 - 0.9), settle(2 / 3), settle(-0.0)
    (0.1, 0.666666666667, 0.0)
    """
    if not math.isfinite(value):
        return value
    return float(f"{value:.{DIGITS}g}") + 0.0


_FLOATS: dict[type, frozenset[str]] = {}


def _float_fields(cls: type) -> frozenset[str]:
    """The fields of a record declared as a float (or an optional one)."""
    found = _FLOATS.get(cls)
    if found is None:
        hints = typing.get_type_hints(cls)
        found = frozenset(
            name for name, hint in hints.items() if hint is float or hint == float | None
        )
        _FLOATS[cls] = found
    return found


def _settle(self: Any) -> None:
    floats = _float_fields(type(self))
    for name in self.__dataclass_fields__:
        value = getattr(self, name)
        kind = type(value)
        if kind in _PLAIN:
            if kind is int and name in floats:
                object.__setattr__(self, name, float(value))
            continue
        if kind is float or kind is tuple or kind is dict or kind is list:
            settled = freeze(value)
            if settled is not value:
                object.__setattr__(self, name, settled)


@dataclass_transform(frozen_default=True)
def record(cls: type[T]) -> type[T]:
    """A frozen, slotted dataclass whose fields are settled by :func:`freeze` when made."""
    cls.__post_init__ = _settle  # type: ignore[attr-defined]
    return dataclasses.dataclass(frozen=True, slots=True)(cls)


R = TypeVar("R")


def find(records: Iterable[R], key: Any, **fields: Any) -> R:
    """The first of ``records`` whose ``fields`` have these values (``KeyError(key)`` if
    none): how a Report finds a touchpoint, an arrow, an agency or an alternative."""
    for r in records:
        if all(getattr(r, name) == value for name, value in fields.items()):
            return r
    raise KeyError(key)


def carried(source: object, names: Iterable[str]) -> dict[str, Any]:
    """The attributes ``names`` of ``source``, by name: the fields a record takes over
    unchanged from what an engine counted."""
    return {name: getattr(source, name) for name in names}


def to_plain(value: Any) -> Any:
    """A record as JSON-ready data: a dict per record keyed by field name (fields marked
    ``metadata={"skip_json": True}`` left out), lists for tuples, dicts for mappings, None for
    a float that is not finite."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: to_plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if not f.metadata.get("skip_json")
        }
    if isinstance(value, tuple | list):
        return [to_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
