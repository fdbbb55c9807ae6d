"""Linear scales with round tick values, for the charts drawn at build time."""

from __future__ import annotations

import math
from dataclasses import dataclass


def nice_step(span: float, intervals: int) -> float:
    """A step of 1, 2, 2.5 or 5 × 10^k that cuts `span` into about `intervals` parts."""
    raw = span / max(intervals, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)


def ticks(lo: float, hi: float, intervals: int = 5) -> list[float]:
    """Round tick values covering [lo, hi] (a point range is widened around its value)."""
    if lo == hi:
        pad = abs(lo) * 0.05 or 1.0
        lo, hi = lo - pad, hi + pad
    step = nice_step(hi - lo, intervals)
    first, last = math.floor(lo / step), math.ceil(hi / step)
    return [round(i * step, 10) for i in range(first, last + 1)]


@dataclass(frozen=True)
class Linear:
    """Maps a domain [d0, d1] onto a range [r0, r1] of drawing units."""

    d0: float
    d1: float
    r0: float
    r1: float

    def __call__(self, value: float) -> float:
        if self.d1 == self.d0:
            return (self.r0 + self.r1) / 2
        return round(self.r0 + (value - self.d0) / (self.d1 - self.d0) * (self.r1 - self.r0), 2)
