"""Intervals, once for every source: the Wilson score interval of a share and the
distribution-free interval of a median (order statistics, picked by rank in SQL so both
engines give the same numbers).

>>> [round(x, 4) for x in wilson(8, 10)]
[0.4902, 0.9433]
>>> share(0, 0)
(None, None, None)
>>> median_ranks(4)
(1, 4, (2, 3))
"""

from __future__ import annotations

import math

__all__ = ["Z95", "median_ranks", "share", "wilson"]

#: The normal quantile of a two-sided 95 % interval.
Z95 = 1.959963984540054


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of ``k`` successes in ``n`` trials (exactly 0 below at
    ``k`` = 0 and 1 above at ``k`` = ``n``)."""
    if n <= 0:
        msg = f"n must be at least 1, not {n}"
        raise ValueError(msg)
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    low = 0.0 if k == 0 else max(0.0, centre - half)
    high = 1.0 if k == n else min(1.0, centre + half)
    return low, high


def share(k: int, n: int) -> tuple[float | None, float | None, float | None]:
    """The share ``k/n`` and its 95 % Wilson interval; three None when ``n`` is 0."""
    if n <= 0:
        return None, None, None
    return (k / n, *wilson(k, n))


def median_ranks(n: int) -> tuple[int, int, tuple[int, int]]:
    """For ``n`` sorted values (ranks 1 to n): the ranks of the 95 % interval's bounds
    (n/2 -/+ 0.98 sqrt(n)) and the one or two ranks whose mean is the median."""
    half = Z95 * math.sqrt(n) / 2
    lo = max(0, math.floor(n / 2 - half) - 1)
    hi = min(n - 1, math.ceil(n / 2 + half))
    return lo + 1, hi + 1, ((n + 1) // 2, n // 2 + 1)
