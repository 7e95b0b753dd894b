"""Plain-language number formatting shared by findings and renderers."""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = [
    "days",
    "hours",
    "in_sentence",
    "is_plural",
    "json_text",
    "largest_remainder",
    "markdown_text",
    "number",
    "people",
    "percent",
    "plural",
    "terminal_text",
    "the",
    "verb",
]

# Terminal escape sequences (CSI, OSC, DCS/SOS/PM/APC strings, two-character escapes) and
# every C0/C1 control but tab and newline. OSC strings can set the window title or write
# the clipboard (OSC 52); CSI sequences can clear the screen or move the cursor.
_ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"  # CSI (7-bit and 8-bit)
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"  # other escapes
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")
_MARKDOWN = re.compile(r"([\\`*_\[\]<>|~])")


def terminal_text(text: str) -> str:
    r"""Text safe to print on a terminal: escape sequences and control characters removed
    (tab and newline kept), lone surrogates replaced by U+FFFD.

    >>> terminal_text("ok\x1b]0;pwned\x07 \x1b[2Jdone\x00")
    'ok done'
    """
    text = _ESCAPES.sub("", text)
    text = _CONTROLS.sub("", text)
    return _SURROGATES.sub("\ufffd", text)


def markdown_text(text: str) -> str:
    r"""Journey or log text as literal Markdown: no HTML, no links, no table breaks.

    Markdown and HTML punctuation is backslash-escaped (so ``<script>`` and
    ``[x](javascript:...)`` show as typed and never become markup), newlines become spaces.

    >>> print(markdown_text("<b>[x](javascript:alert(1))</b> | y"))
    \<b\>\[x\](javascript:alert(1))\</b\> \| y
    """
    text = terminal_text(text).replace("\r", " ").replace("\n", " ").replace("\t", " ")
    return _MARKDOWN.sub(r"\\\1", text).replace("&", "&amp;")


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return _SURROGATES.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_scrub(k): _scrub(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(v) for v in value]
    return value


def json_text(data: Any) -> str:
    """Deterministic JSON that is always valid UTF-8 (2-space indent, trailing newline).

    Lone surrogates (from undecodable file names or ``\\ud800`` escapes in YAML) become
    U+FFFD; control characters are escaped by JSON itself.
    """
    return json.dumps(_scrub(data), indent=2, ensure_ascii=False) + "\n"


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


#: Agency names said as words, which take no article: "FEMA", never "the FEMA".
_NO_ARTICLE = {
    "FEMA",
    "NASA",
    "USCIS",
    "HUD",
    "OSHA",
    "NOAA",
    "TRICARE",
    "Medicare",
    "Medicaid",
    "AmeriCorps",
    "FAFSA",
    "TANF",
    "SNAP",
    "WIC",
}


def the(name: str) -> str:
    """An agency's name as it reads in a sentence.

    >>> the("Social Security Administration")
    'the Social Security Administration'
    >>> the("FEMA Individual Assistance")
    'FEMA Individual Assistance'
    >>> the("Employer's HR office")
    "Employer's HR office"
    """
    first = name.split()[0] if name.split() else ""
    if name.lower().startswith("the ") or first in _NO_ARTICLE:
        return name
    if first.endswith(("'s", "\u2019s")) or first.lower() in {"your", "my", "their", "his", "her"}:
        return name
    return f"the {name}"


_SINGULAR_ENDINGS = ("ss", "us", "is", "ics", "'s", "\u2019s")


def is_plural(name: str) -> bool:
    """Whether a data item's name is a plural noun phrase: its head noun (the word before
    "of", else the last word, parentheses left out) ends in a plural "s".

    >>> is_plural("Household members"), is_plural("Articles of Organization")
    (True, True)
    >>> is_plural("Proof of address"), is_plural("Immigration status"), is_plural("SSN")
    (False, False, False)
    """
    text = re.sub(r"\([^)]*\)", "", name).strip()
    words = text.split()
    if not words:
        return False
    lower = [w.lower() for w in words]
    head = words[lower.index("of") - 1] if "of" in lower[1:] else words[-1]
    if head.isupper():
        return False
    return head.lower().endswith("s") and not head.lower().endswith(_SINGULAR_ENDINGS)


def verb(names: list[str] | tuple[str, ...] | str, singular: str, plural_form: str) -> str:
    """The verb form that agrees with one name or a list of names joined by "and".

    >>> verb("Household members", "is", "are"), verb(["EIN", "Licence"], "was", "were")
    ('are', 'were')
    """
    if isinstance(names, str):
        return plural_form if is_plural(names) else singular
    if len(names) != 1:
        return plural_form
    return plural_form if is_plural(names[0]) else singular


def largest_remainder(values: list[float] | tuple[float, ...], total: int) -> list[int]:
    """Whole numbers, each the value rounded down or up, that add up to ``total`` (the
    largest remainders get the extra units; ties go to the earlier value).

    >>> largest_remainder([507.4, 431.6, 61.0], 1000)
    [507, 432, 61]
    >>> largest_remainder([1 / 3, 1 / 3, 1 / 3], 1)
    [1, 0, 0]
    """
    floors = [int(v) if v >= 0 else 0 for v in values]
    missing = total - sum(floors)
    order = sorted(range(len(values)), key=lambda i: (-(values[i] - floors[i]), i))
    for i in order[: max(0, missing)]:
        floors[i] += 1
    return floors


def number(value: float) -> str:
    """A number rounded for people: ``'366'``, ``'12.5'``, ``'0.54'``, ``'0.0005'`` (two
    significant digits below 1, three at most otherwise).

    >>> number(365.881), number(12.46), number(0.000539705), number(3.0)
    ('366', '12.5', '0.00054', '3')
    """
    if value == 0 or abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:,.1f}".removesuffix(".0")
    return f"{value:.2g}"


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
    if round(value * 24, 1) >= 24:
        return "1 day"
    if value * 24 >= 1:
        return plural(round(value * 24, 1), "hour")
    if 0 < value * 1440 < 0.5:
        return "under a minute"
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
