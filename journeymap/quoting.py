"""Values as error messages quote them: short, whatever the file wrote.

A message is one line a person reads, so a value is cut to its first :data:`SHOWN`
characters; a long whole number also says how many digits it has (a number of 5,000 digits
is not even turned into text whole: Python refuses that).
"""

from __future__ import annotations

import math

__all__ = ["SHOWN", "quoted"]

#: The most characters of a value a message shows.
SHOWN = 40


def quoted(value: object) -> str:
    """``repr(value)`` cut to :data:`SHOWN` characters and "…" (text keeps its quotes).

    >>> quoted("5d")
    "'5d'"
    >>> quoted("x" * 50)
    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…'"
    >>> quoted(10**50)
    '1000000000000000000000000000000000000000… (51 digits)'
    """
    if isinstance(value, str):
        return repr(value if len(value) <= SHOWN else value[:SHOWN] + "…")
    if isinstance(value, int) and not isinstance(value, bool):
        return _whole_number(value)
    text = repr(value)
    return text if len(text) <= SHOWN else text[:SHOWN] + "…"


def _whole_number(value: int) -> str:
    try:
        text = str(value)
    except ValueError:  # more digits than Python turns into text
        digits = int(abs(value).bit_length() * math.log10(2)) + 1
        return f"a whole number of about {digits:,} digits"
    digits = len(text.lstrip("-"))
    return text if len(text) <= SHOWN else f"{text[:SHOWN]}… ({digits:,} digits)"
