"""Argument checks shared by the renderers: a Python caller who passes the wrong type gets a
:class:`~journeymap.exceptions.JourneymapTypeError` naming the parameter, not an
AttributeError from deep inside a template."""

from __future__ import annotations

import os

from ..exceptions import JourneymapTypeError, UsageError
from ..report import Portfolio, Report

__all__ = ["require_path", "require_report", "require_top"]


def require_report(value: object, *, portfolio: bool = False) -> None:
    """Raise unless ``value`` is a Report (or, with ``portfolio``, a Portfolio)."""
    kinds: tuple[type, ...] = (Report, Portfolio) if portfolio else (Report,)
    if not isinstance(value, kinds):
        wanted = "a Report or a Portfolio" if portfolio else "a Report"
        msg = f"report must be {wanted} (from analyze), not {type(value).__name__}"
        raise JourneymapTypeError(msg)


def require_path(value: object, parameter: str) -> None:
    """Raise unless ``value`` is a path (``str`` or a text ``os.PathLike``) a file can have."""
    if not isinstance(value, str | os.PathLike) or not isinstance(os.fspath(value), str):
        msg = f"{parameter} must be a path (str or os.PathLike), not {type(value).__name__}"
        raise JourneymapTypeError(msg)
    text = os.fspath(value)
    if not text or "\x00" in text:
        msg = f"{parameter}: {text!r} is not a file name"
        raise UsageError(msg, parameter=parameter)


def require_top(top: object) -> None:
    """Raise unless ``top`` is a whole number, 0 or more."""
    if isinstance(top, bool) or not isinstance(top, int):
        msg = f"top must be a whole number, not {type(top).__name__} ({top!r:.40})"
        raise JourneymapTypeError(msg)
    if top < 0:
        msg = f"top must be a whole number, 0 or more, not {top}"
        raise UsageError(msg, parameter="top")
