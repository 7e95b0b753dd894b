"""Plain-language number formatting shared by findings and renderers."""

from __future__ import annotations

__all__ = ["days", "hours", "in_sentence", "people", "percent", "plural", "the"]

_PROPER = {
    "Social",
    "Medicare",
    "Medicaid",
    "Federal",
    "State",
    "Veterans",
    "Employer",
    "US",
    "U.S.",
    "DD",
    "SNAP",
    "WIC",
    "Passport",
    "FEMA",
    "SBA",
    "IRS",
    "VA",
    "Baby's",
}


def in_sentence(name: str) -> str:
    """A name as it reads inside a sentence: 'Date of birth' -> 'date of birth'.

    Kept as is when it starts with a proper word ('Social Security number') or an acronym.
    """
    words = name.split()
    if not words or words[0] in _PROPER or words[0].isupper():
        return name
    if len(words) > 1 and not words[1][:1].islower():
        return name
    return name[:1].lower() + name[1:]


def the(name: str) -> str:
    """'Social Security Administration' -> 'the Social Security Administration'."""
    return name if name.lower().startswith("the ") else f"the {name}"


def plural(n: float, word: str, words: str | None = None) -> str:
    """``plural(1, "day") == "1 day"``; ``plural(2, "day") == "2 days"``."""
    shown = f"{n:,.0f}" if float(n).is_integer() else f"{n:,.1f}"
    return f"{shown} {word if n == 1 else (words or word + 's')}"


def days(value: float) -> str:
    """``'132 days'``, ``'2.5 days'``, ``'6 hours'``, ``'45 minutes'``."""
    if value >= 10:
        return plural(round(value), "day")
    if value >= 1:
        return plural(round(value, 1), "day")
    if value * 24 >= 1:
        return plural(round(value * 24, 1), "hour")
    return plural(round(value * 1440), "minute")


def hours(value: float) -> str:
    """``'3.5 hours'``, ``'45 minutes'``."""
    if value >= 1:
        return plural(round(value, 1), "hour")
    return plural(round(value * 60), "minute")


def people(value: float) -> str:
    """A count of people, rounded: ``'1,234'``; below 10 one decimal: ``'2.5'``."""
    if value >= 10 or value == 0:
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def percent(value: float) -> str:
    """``0.234 -> '23%'``; small values keep a decimal: ``0.012 -> '1.2%'``."""
    pct = value * 100
    if pct != 0 and abs(pct) < 10:
        return f"{pct:.1f}%".replace(".0%", "%")
    return f"{pct:.0f}%"
